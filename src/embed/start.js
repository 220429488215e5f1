
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
// (src/backend/early.rs). The next four lines are written from the widget's
// route table and languages: a test checks them.
const FIRST_READS = ['/deliberations/{id}', '/deliberations/{id}/arguments?stance=for&sort=helpful', '/deliberations/{id}/arguments?stance=against&sort=helpful'];
const TOKEN_KEYS = ['plaza:token:v1:', 'plaza:token-expired:v1:'];
const ACCEPT = 'application/json, application/problem+json';
const LANGUAGES = ['ar', 'de', 'en', 'es', 'fr'];
// An answer older than this is asked for again (a widget added much later).
const EARLY_FOR_MS = 10000;
const early = new Map();
// As the contract encodes a path segment: encodeURIComponent, and !'()* too.
const segment = (v) => encodeURIComponent(v).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
// The interface language the widget will pick: the element's `lang`, then
// the browser's, by primary subtag (all the shipped files are one).
function language(lang) {
  for (const want of [lang, ...(navigator.languages || []), navigator.language]) {
    const primary = (want || '').toLowerCase().split(/[-_]/)[0];
    if (LANGUAGES.includes(primary)) return primary;
  }
  return 'en';
}
function readEarly(host) {
  const tag = host.localName === 'plaza-deliberation';
  const value = (name) => (host.getAttribute(tag ? name : `data-${name}`) || '').trim();
  const lang = language(value('lang'));
  if (lang !== 'en') {
    // A file the browser keeps: the widget's own request finds it there.
    fetch(new URL(`languages/${lang}.json`, import.meta.url).href).catch(() => {});
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
  // The request ends after EARLY_FOR_MS, body included, so the widget never
  // waits on one that stalls: it then asks itself.
  const stop = new AbortController();
  setTimeout(() => stop.abort(), EARLY_FOR_MS);
  for (const path of FIRST_READS) {
    const url = base + path.replace('{id}', segment(id));
    if (early.has(url)) continue;
    // Only a success is handed over (read whole here); for anything else
    // the widget asks itself, as it would have.
    const answer = fetch(url, { headers: { Accept: ACCEPT }, signal: stop.signal })
      .then(async (r) => {
        if (!r.ok) throw new Error(`${r.status}`);
        return new Response(await r.text(), { status: r.status, headers: r.headers });
      });
    answer.catch(() => {});
    early.set(url, { at: performance.now(), answer });
    setTimeout(() => early.delete(url), EARLY_FOR_MS);
  }
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
  .catch((error) => console.error('Plaza could not start:', error));
// The browser's Intl starts up on first use: tens of milliseconds on a
// phone, in the middle of drawing the first screen's dates (later
// formatters, in any language, cost well under one). Started here instead,
// while the wasm is still on its way.
setTimeout(() => {
  try {
    new Intl.DateTimeFormat(undefined, { month: 'long', timeZone: 'UTC' }).format(0);
  } catch {
    // Only a warm-up: nothing is lost if it fails.
  }
});
