
// Plaza: appended to the wasm-bindgen module by Trunk.toml's post_build hook,
// so that one <script type="module" src=".../plaza.js"> starts the widget.
// The wasm, the stylesheet and the modules loaded on demand (plaza-local for
// api="local") are found next to this file.
// The stylesheet is asked for now, alongside the wasm, rather than after
// it: each widget's shadow root then takes it from the browser's cache.
const plazaCss = new URL('plaza.css', import.meta.url).href;
fetch(plazaCss, { mode: 'no-cors' }).catch(() => {});
// While the wasm downloads, each widget already keeps its space (the same
// rule the widget keeps until its first screen shows), so the host page
// does not jump when it appears. The widget reuses this shadow root.
for (const host of document.querySelectorAll('plaza-deliberation, [data-plaza-deliberation]')) {
  if (host.shadowRoot) continue;
  try {
    const style = document.createElement('style');
    style.className = 'plaza-reserve';
    style.textContent = ':host{display:block;min-block-size:min(100vh,48em)}';
    host.attachShadow({ mode: 'open' }).append(style);
  } catch {
    // An element that cannot have a shadow root gets a wrapper later.
  }
}
// The wasm is asked for first (when the page has not preloaded it), so
// that the reads below never queue ahead of it.
const init = __wbg_init();
// While the wasm downloads, each widget's first screen is asked for (its
// language file, its deliberation and the first page of each side), so the
// answers are in when the wasm is; the widget takes each answer once
// (src/backend/early.rs; the language file in src/i18n/load.rs). The next
// four lines are written from the widget's route table and languages: a
// test checks them.
const FIRST_READS = ['/deliberations/{id}', '/deliberations/{id}/arguments?stance=for&sort=helpful', '/deliberations/{id}/arguments?stance=against&sort=helpful'];
const TOKEN_KEYS = ['plaza:token:v1:', 'plaza:token-expired:v1:'];
const ACCEPT = 'application/json, application/problem+json';
const LANGUAGES = ['ar', 'de', 'en', 'es', 'fr'];
// An answer older than this is asked for again (a widget added much later).
const EARLY_FOR_MS = 10000;
const early = new Map();
// The interface languages of the page's widgets, and the forms of them
// their dates and numbers take (their Intl is warmed up below).
const shown = new Set();
const locales = new Set();
// As the contract encodes a path segment: encodeURIComponent, and !'()* too.
const segment = (v) => encodeURIComponent(v).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
// The interface language the widget will pick: the element's `lang`, then
// the browser's, by primary subtag (all the shipped files are one); and the
// locale of its dates and numbers, the preference that chose it if it is a
// plain language-script-region tag (Language::regional in src/i18n/mod.rs).
function language(lang) {
  for (const want of [lang, ...(navigator.languages || []), navigator.language]) {
    const primary = (want || '').toLowerCase().split(/[-_]/)[0];
    if (LANGUAGES.includes(primary)) {
      return [primary, /^[a-z]{2,3}(-[a-z]{4})?(-([a-z]{2}|[0-9]{3}))?$/i.test(want) ? want : primary];
    }
  }
  return ['en', 'en'];
}
function readEarly(host) {
  const tag = host.localName === 'plaza-deliberation';
  const value = (name) => (host.getAttribute(tag ? name : `data-${name}`) || '').trim();
  const [lang, locale] = language(value('lang'));
  shown.add(lang);
  locales.add(locale);
  if (lang !== 'en') {
    // Handed over like the reads below (src/i18n/load.rs takes it): already
    // read when the wasm starts, so this widget is drawn in the same pass as
    // the others instead of one fetch later.
    askEarly(new URL(`languages/${lang}.json`, import.meta.url).href);
  }
  const id = tag ? value('deliberation') : value('plaza-deliberation') || value('deliberation');
  const api = value('api');
  // Only for addresses the widget takes, and for residents without a token
  // (their view of a page shows their own reactions: the widget asks itself).
  if (!id || !/^(https?:\/\/|\/(?!\/)|\.\.?\/)/i.test(api) || value('participant-token')) return;
  const base = new URL(api, document.baseURI).href.replace(/\/+$/, '');
  try {
    if (TOKEN_KEYS.some((key) => localStorage.getItem(key + base) !== null)) return;
  } catch {
    // No storage, so no stored token either.
  }
  for (const path of FIRST_READS) {
    askEarly(base + path.replace('{id}', segment(id)), { headers: { Accept: ACCEPT } });
  }
}
// Asks for `url` once, for the widget to take (takeEarly). The request ends
// after EARLY_FOR_MS, body included, so the widget never waits on one that
// stalls: it then asks itself. Only a success is handed over (read whole
// here); for anything else the widget asks itself, as it would have.
function askEarly(url, init = {}) {
  if (early.has(url)) return;
  const stop = new AbortController();
  setTimeout(() => stop.abort(), EARLY_FOR_MS);
  const answer = fetch(url, { ...init, signal: stop.signal })
    .then(async (r) => {
      if (!r.ok) throw new Error(`${r.status}`);
      return new Response(await r.text(), { status: r.status, headers: r.headers });
    });
  answer.catch(() => {});
  early.set(url, { at: performance.now(), answer });
  setTimeout(() => early.delete(url), EARLY_FOR_MS);
}
for (const host of document.querySelectorAll('plaza-deliberation, [data-plaza-deliberation]')) {
  try {
    readEarly(host);
  } catch {
    // Only a head start: the widget asks for itself.
  }
}
const takeEarly = (url) => {
  const read = early.get(url);
  early.delete(url);
  return read && performance.now() - read.at < EARLY_FOR_MS ? read.answer : undefined;
};
init
  .then(() => start(
    plazaCss,
    (name) => import(new URL(`./${name}.js`, import.meta.url).href).then(async (m) => { await m.default(); return m; }),
    takeEarly,
  ))
  .catch((error) => {
    console.error('Plaza could not start:', error);
    // The space kept for each widget would stay an empty box (or a
    // loading state nothing will end, if the wasm failed while mounting)
    // over what the city put inside the element (a link, a note): that
    // shows instead. A widget that already shows its first screen stays.
    // (A trap in a task after this, such as drawing a first screen whose
    // data came later, is not seen here.)
    const waiting = (root) => {
      const top = [...root.children];
      return top.some((e) => e.matches('.plaza-reserve'))
        && !top.some((e) => e.matches('.plaza-mount') && e.querySelector(':scope > .plaza-root[data-settled]'));
    };
    for (const host of document.querySelectorAll('plaza-deliberation, [data-plaza-deliberation]')) {
      if (host.shadowRoot) {
        if (waiting(host.shadowRoot)) host.shadowRoot.replaceChildren(document.createElement('slot'));
        continue;
      }
      // The wrapper made in an element that cannot have a shadow root.
      for (const wrapper of [...host.children].filter((c) => c.shadowRoot && waiting(c.shadowRoot))) {
        wrapper.remove();
      }
    }
  });
// The browser's Intl starts up on first use, and reads each language's
// data for each kind of formatter on first use too: tens of milliseconds on
// a phone, in the middle of drawing the first screen. Done here instead,
// while the wasm is still on its way, for the formatters the widget makes
// (src/app/format.rs) in each language the page's widgets show.
setTimeout(() => {
  for (const lang of locales.size ? locales : ['en']) {
    try {
      new Intl.DateTimeFormat([lang], { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(0);
      new Intl.NumberFormat([lang]).format(0);
      new Intl.PluralRules([lang]).select(0);
    } catch {
      // Only a warm-up: nothing is lost if it fails.
    }
  }
});
