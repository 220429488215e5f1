// Safe with hostile text. On the reference server, in the English page,
// residents type injection payloads into every field the widget offers
// (argument, reply, proposal title and description, display name) and send
// them as anyone would: one argues, one replies (also to replies), one
// proposes, and one, on a phone, reads it all. Then:
//   1. none executes: a trap set before the page's scripts stays empty, no
//      element or attribute a payload spells out is ever added to the
//      widget's shadow root (it has only its stylesheet link and the
//      deliberation's illustration of its own), nothing a payload names is
//      requested, no navigation, frame, dialog or console error;
//   2. each is shown as typed (less what the contract and the widget
//      document: see `expectedShown`), to its author while it waits to be
//      sent and once sent, and to the reader, with its name, also in the
//      names of the controls about it; the server recorded it exactly;
//   3. none breaks the layout, at 320 px and at desktop width.
// Control characters the contract refuses are refused in the form, before
// anything is sent.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startBrowser, open, waitForReady, cityPage } from './support/browser.mjs';
import { startServer, all } from './support/server.mjs';

const DELIBERATION = 'rue-des-lilas';
const HOST = 'plaza-deliberation';
const widget = `<${HOST} api="/v1" deliberation="${DELIBERATION}" lang="en"></${HOST}>`;

// One run's payloads are told from any other's by this marker: every posted
// text ends with (or contains) `[<RUN>-<kind><n>]`.
const RUN = `hx${Date.now().toString(36).slice(-5)}${Math.floor(Math.random() * 36 ** 2).toString(36).padStart(2, '0')}`;

// What a payload "does" when it runs: push to window.__pwned (or call alert,
// which the trap turns into the same). Addresses a payload would load are
// /pwn-…, /pwn.… or on pwn.invalid, so that any request for one is seen.
const P = (what) => `__pwned.push('${what}')`;

/**
 * Payloads for the long text fields (argument, reply, proposal
 * description). A string gets the marker appended after a space; a
 * function receives the marker and places it (to keep whitespace or
 * direction controls at the edges).
 */
const TEXTS = [
  // HTML elements that run script or load something.
  ['html', `<script>${P('script')}</script>`],
  ['html', `<img src=/pwn-img onerror="${P('img')}">`],
  ['html', `<svg onload=${P('svg')}><circle r=40 /></svg>`],
  ['html', `<svg><script>${P('svg-script')}</script></svg>`],
  ['html', `<iframe src="javascript:parent.${P('iframe')}"></iframe><iframe srcdoc="<script>parent.${P('srcdoc')}</script>"></iframe>`],
  ['html', `<style>@import '/pwn-style.css'; .plaza-root { display: none !important }</style>`],
  ['html', `<body onload=${P('body')}><details open ontoggle=${P('details')}><summary>x</summary></details>`],
  ['html', `<input autofocus onfocus=${P('input')}><select autofocus onfocus=${P('select')}></select>`],
  ['html', `<video><source onerror="${P('video')}"></video><audio src=/pwn-audio onerror=${P('audio')}></audio>`],
  ['html', `<object data="javascript:${P('object')}"></object><embed src=/pwn-embed>`],
  ['html', `<base href="//pwn.invalid/"><link rel=stylesheet href=/pwn-link.css><meta http-equiv=refresh content="0;url=javascript:${P('meta')}">`],
  ['html', `<form action="javascript:${P('form')}"><button formaction="javascript:${P('formaction')}">Go</button></form>`],
  // Closing tags that would end the element the text is in, then a new one.
  ['closing', `</textarea><script>${P('textarea')}</script>`],
  ['closing', `</p><img src=/pwn-p onerror=${P('p')}></p>`],
  ['closing', `</bdi></footer></article></li></ul></section></div><img src=/pwn-nest onerror=${P('nest')}>`],
  ['closing', `</title></noscript></xmp></template><img src=/pwn-raw onerror=${P('raw')}>`],
  ['closing', `<!-- --><script>${P('comment')}</script><![CDATA[ ]]> --!> <!`],
  // Mutation XSS: markup that changes meaning when parsed twice.
  ['mxss', `<math><mtext><table><mglyph><style><img src=/pwn-mxss onerror=${P('mxss')}>`],
  ['mxss', `<noscript><p title="</noscript><img src=/pwn-ns onerror=${P('noscript')}>">`],
  // Another widget, declared from inside the widget.
  ['widget', `<plaza-deliberation api="//pwn.invalid/v1" deliberation="x"></plaza-deliberation><div data-plaza-deliberation="x" data-api="/pwn/v1"></div>`],
  // Entities must stay as typed, not be decoded.
  ['entities', `&lt;script&gt;${P('entity')}&lt;/script&gt; &amp; &#60;b&#62; &#x3C;i&#x3E; &quot; &apos; &nbsp;`],
  // Quotes that would end an attribute and add one.
  ['attribute', `" onmouseover="${P('dq')}" x="`],
  ['attribute', `' autofocus onfocus='${P('sq')}' x='`],
  ['attribute', `"><svg onload=${P('break')}>`],
  ['attribute', '` onclick=`__pwned.push(\'bt\')` x=`'],
  ['attribute', `" style="position:fixed;inset:0;z-index:2147483647;background:red" x="`],
  // URLs that run script.
  ['url', `javascript:${P('js')}`],
  ['url', 'JaVaScRiPt:alert(1) java\tscript:alert(2) &#106;avascript:alert(3) \\u006aavascript:alert(4)'],
  ['url', 'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg== vbscript:msgbox(1)'],
  ['url', `[click me](javascript:${P('markdown')}) <a href="javascript:${P('a')}">link</a>`],
  // CSS that runs script, loads something or hides the page.
  ['css', `<div style="width: expression(${P('expression')}); background: url(javascript:${P('cssurl')})">x</div>`],
  ['css', 'expression(alert(1)) url("javascript:alert(1)") behavior: url(/pwn.htc); -moz-binding: url(/pwn.xml#x)'],
  ['css', '</style><style>*{display:none!important}</style>'],
  ['css', '</style><style>.plaza-root{width:5000px!important} :host{display:none!important}</style>'],
  ['css', '@import url(/pwn-import.css); * { color: red } @font-face { src: url(/pwn-font) }'],
  // Template and format strings.
  ['template', '{{7*7}} ${7*7} #{7*7} <%= 7*7 %> [[${7*7}]] @{7*7} {{constructor.constructor(\'alert(1)\')()}}'],
  ['template', '{name} {count} {text} {{name}} %s %d %n %x {0} $& $1 $$'],
  // Things that matter to the JSON, the database and the wasm boundary.
  ['data', '"}]},{"text":"injected","status":"visible"} \\u0000 \\x3cscript\\x3e \\\\ \\"'],
  ['data', "'); DROP TABLE arguments; -- \" OR 1=1 -- ` ; SELECT * FROM participants"],
  // Direction overrides, embeddings and isolates (the widget strips them).
  ['bidi', 'user \u202Enimda\u202C wrote this'],
  ['bidi', '\u2066isolate\u2069 \u2067right-to-left\u2069 \u2068first strong\u2069 \u2066\u2066\u2066 unclosed'],
  ['bidi', '\u202Aembed\u202C \u202Bembed rtl\u202C \u202Doverride\u202C \u202E\u202E\u202E never closed'],
  ['bidi', 'if (accessLevel != "user\u202E \u2066// Check if admin\u2069 \u2066") {'],
  ['bidi', (m) => `\u202E ${m} leading override`],
  // Invisible characters that remain: zero-width, joiners, marks.
  ['invisible', 'zero\u200Bwidth\u200Cnon\u200Djoiner\u2060word\uFEFFjoiner \u00ADsoft\u00ADhyphen'],
  ['invisible', 'marks that stay: a\u200Eb\u200Fc\u061Cd \u180E mongolian \u034F grapheme joiner'],
  ['invisible', 'format: \uFFF9annotated\uFFFAruby\uFFFB \u{E0001}\u{E0065}\u{E006E} tags \u{1D173}beam\u{1D17A} \u2061\u2062\u2063\u2064'],
  ['invisible', 'separators:\u2028line\u2029paragraph, tab\tand\ttabs'],
  ['invisible', 'noncharacters \uFFFE \uFFFF \uFDD0 \u{10FFFF} private \uE000 replacement \uFFFD object \uFFFC'],
  // Stacked combining marks ("zalgo").
  ['zalgo', zalgo('Zalgo comes for the plaza', 24)],
  // Right-to-left scripts, mixed with numbers and Latin.
  ['rtl', 'مرحبا بالعالم 123 ساحة "Rue des Lilas" שלום עולם 456 (نعم)'],
  // Emoji: ZWJ sequences, flags, skin tones, keycaps, variation selectors.
  ['emoji', '👨‍👩‍👧‍👦 🏳️‍🌈 🧑🏽‍💻 👩‍❤️‍💋‍👨 🇫🇷🇺🇦 1️⃣ #️⃣ ❤️ ❤︎ 🫶🏿 🏴󠁧󠁢󠁳󠁣󠁴󠁿'],
  // Look-alikes.
  ['lookalike', 'Ρlaza Мoderator аdmin ＜script＞alert(1)＜/script＞ <\u0338script> ﹤img﹥'],
  // Very long words and URLs: nothing to break them at, the widget must.
  ['long', 'A'.repeat(500)],
  ['long', `https://city.example/plaza/redirect?to=${'https%3A%2F%2Fpwn.invalid%2F'.repeat(40)}&session=${'0123456789abcdef'.repeat(20)}`],
  ['long', 'W'.repeat(1980)],
  ['long', '👨‍👩‍👧‍👦'.repeat(250)],
  ['long', 'ب'.repeat(600)],
  ['long', zalgo('x'.repeat(60), 24)],
  ['long', `${'漢字'.repeat(300)}${'ｗ'.repeat(200)}`],
  // Newlines and whitespace (the contract trims the edges).
  ['newlines', 'line\n'.repeat(60)],
  ['newlines', `top${'\n'.repeat(200)}bottom`],
  ['newlines', (m) => `\n\n\n   ${m} leading and trailing whitespace   \n\n\t\n`],
  ['newlines', (m) => `\u3000\u2003\u00A0${m} edges of other spaces\u00A0\u2028\u3000`],
  ['newlines', (m) => `\uFEFF${m} a byte order mark first (not white space: kept)`],
  ['newlines', ' \n \n\t\n spaces   and\t\ttabs  \n\n\n\nin    between '],
];

/** Payloads for a proposal title (one line, 120 characters at most). */
const TITLES = [
  ['html', `<script>${P('title')}</script>`],
  ['html', `<img src=/pwn-title onerror=${P('title-img')}>`],
  ['closing', `</textarea></p><svg onload=${P('title-svg')}>`],
  ['attribute', `" onmouseover="${P('title-dq')}`],
  ['attribute', `' autofocus onfocus='${P('title-sq')}`],
  ['url', `javascript:${P('title-js')}`],
  ['css', '</style><style>*{display:none}</style>'],
  ['template', '{{7*7}} ${7*7} {name}'],
  ['bidi', 'title \u202Eeltit\u202C and \u2067isolated\u2069'],
  ['zalgo', zalgo('Zalgo title', 6)],
  ['rtl', 'اقتراح: ساحة للجميع'],
  ['emoji', '🧑‍🤝‍🧑 🏳️‍⚧️ 👩🏾‍🦽'],
  ['long', 'T'.repeat(100)],
  ['invisible', 'tab\tand\u200Bzero\u200Dwidth\u00AD'],
  ['entities', '&lt;b&gt; &amp;amp; &#x3C;'],
];

/**
 * Display names (one line, 120 characters at most); `null`: none
 * (anonymous). Each post's name gets that post's marker.
 */
const NAMES = [
  ['html', '<b>Admin</b>'],
  ['html', `<img src=/pwn-name onerror=${P('name')}>`],
  ['closing', `</bdi></footer><script>${P('name-script')}</script>`],
  ['attribute', `"><svg onload=${P('name-svg')}>`],
  ['attribute', `' autofocus onfocus='${P('name-sq')}' x='`],
  ['url', 'javascript:alert(1)'],
  ['css', '</style><style>*{display:none}</style>'],
  // Names also go into accessible names ("Reply to {name}").
  ['template', '{name} {{7*7}} ${7*7}'],
  ['bidi', 'Moderator\u202E\u2066 (verified)\u2069'],
  ['bidi', (m) => `\u202E${m} rotartsinimda`],
  ['rtl', 'محمد الأحمد'],
  ['rtl', 'יוסי כהן'],
  ['zalgo', zalgo('Zed', 10)],
  ['emoji', '👩🏽‍🚒 Fire chief'],
  ['invisible', 'Ad\u200Bmin\u200D\u2060\uFEFF'],
  ['lookalike', 'Мodеrаtоr'],
  ['long', 'N'.repeat(100)],
  ['newlines', (m) => `   padded name ${m}\t  `],
  ['entities', '&amp; &lt;you&gt;'],
  ['none', null],
];

/** `text` with `marks` combining marks on each character. */
function zalgo(text, marks) {
  let out = '';
  let n = 0;
  for (const c of text) {
    out += c;
    for (let i = 0; i < marks; i++) out += String.fromCodePoint(0x300 + (n++ * 7) % 0x70);
  }
  return out;
}

/** The payload with its marker. */
const withMark = (payload, mark) => (typeof payload === 'function' ? payload(mark) : `${payload} ${mark}`);

// What the widget and the server do to a text, as documented:
// - the contract stores texts trimmed (`text.trim()` in Rust, in
//   crates/contract's `to_argument`, `to_comment`, `to_proposal`, and
//   `blank_to_none` for names): Rust trims the Unicode White_Space
//   characters, which are not the ones JavaScript's trim() takes (JS also
//   trims U+FEFF, Rust also U+0085), hence this list;
// - the widget strips direction overrides, embeddings and isolates
//   (U+202A–U+202E, U+2066–U+2069) from user text it shows
//   (src/state/text.rs `shown`), after trimming.
const RUST_WHITE_SPACE = '\\t\\n\\v\\f\\r \\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000';
const rustTrim = (s) => s.replace(new RegExp(`^[${RUST_WHITE_SPACE}]+|[${RUST_WHITE_SPACE}]+$`, 'g'), '');
const stripDirection = (s) => s.replace(/[\u202A-\u202E\u2066-\u2069]/g, '');
const expectedStored = (typed) => rustTrim(typed);
const expectedShown = (typed) => stripDirection(rustTrim(typed));
// - a control names its card by the start of its text: the shown text's
//   words (split on Rust's White_Space), as many as fit in 40 characters,
//   then "…" (one longer word: its first 40) (src/state/text.rs `start_of`).
const expectedStart = (typed) => {
  const words = expectedShown(typed).split(new RegExp(`[${RUST_WHITE_SPACE}]+`)).filter((w) => w !== '');
  let start = '';
  for (const word of words) {
    const gap = start === '' ? 0 : 1;
    if ([...word].length + gap > 40 - [...start].length) {
      return `${start === '' ? [...word].slice(0, 40).join('') : start}…`;
    }
    start += (gap ? ' ' : '') + word;
  }
  return start;
};
const ANONYMOUS = 'Anonymous resident';
const shownName = (typed) => (rustTrim(typed) === '' ? ANONYMOUS : expectedShown(typed));
const storedName = (typed) => (rustTrim(typed) === '' ? undefined : rustTrim(typed));

/** Where `actual` and `expected` differ, for messages. */
function difference(actual, expected) {
  if (typeof actual !== 'string' || typeof expected !== 'string') {
    return `\n    got      ${visible(actual)}\n    expected ${visible(expected)}`;
  }
  const a = [...actual];
  const e = [...expected];
  let i = 0;
  while (i < a.length && i < e.length && a[i] === e[i]) i++;
  const around = (cs) => visible(cs.slice(Math.max(0, i - 20), i + 30).join(''));
  return ` differs at character ${i} (${a.length} characters, expected ${e.length}):`
    + `\n    got      …${around(a)}\n    expected …${around(e)}`;
}

/** `s` with everything but printable ASCII escaped, for messages. */
function visible(s) {
  if (s == null) return String(s);
  const escaped = [...s].map((c) => (/[\x20-\x7e]/.test(c) ? c : `\\u{${c.codePointAt(0).toString(16)}}`)).join('');
  return escaped.length > 300 ? `${escaped.slice(0, 300)}… (${[...s].length} characters)` : escaped;
}

const pad = (n) => String(n).padStart(2, '0');
const mark = (kind, n) => `[${RUN}-${kind}${pad(n)}]`;
const nameFor = (n, m) => {
  const [category, payload] = NAMES[n % NAMES.length];
  return { category, typed: payload === null ? '' : withMark(payload, `${m}n`) };
};

// Everything posted. Each payload as an argument (with a name).
const ARGUMENTS = TEXTS.map(([category, payload], i) => {
  const m = mark('a', i);
  return { category, mark: m, stance: i % 2 ? 'against' : 'for', text: withMark(payload, m), name: nameFor(i, m) };
});
// A reply to each argument, with the same payload.
const REPLIES = TEXTS.map(([category, payload], i) => {
  const m = mark('r', i);
  return { category, mark: m, parent: ARGUMENTS[i], text: withMark(payload, m), name: nameFor(i + 7, m) };
});
// The long words again, as a thread four levels deep (each answers the one
// before; the first answers the first argument): the narrowest place.
const CHAIN = TEXTS.filter(([category]) => category === 'long').slice(0, 4).map(([category, payload], i) => {
  const m = mark('c', i);
  return { category, mark: m, parent: ARGUMENTS[0], text: withMark(payload, m), name: nameFor(i + 3, m) };
});
// Each as a proposal's description, under a title payload (with a name).
const PROPOSALS = TEXTS.map(([category, payload], i) => {
  const m = mark('p', i);
  const [titleCategory, title] = TITLES[i % TITLES.length];
  return {
    category: `${titleCategory}/${category}`, mark: m, title: withMark(title, mark('t', i)),
    text: withMark(payload, m), name: nameFor(i + 13, m),
  };
});
// A few again, shown while they wait to be sent (one of each kind).
const WAITING = ['html', 'attribute', 'bidi', 'newlines', 'long', 'zalgo'].map((category, i) => {
  const [, payload] = TEXTS.find(([c]) => c === category);
  const m = (kind) => mark(`w${kind}`, i);
  return {
    arguments: { category, mark: m('a'), stance: 'for', text: withMark(payload, m('a')), name: nameFor(i, m('a')) },
    replies: { category, mark: m('r'), text: withMark(payload, m('r')), name: nameFor(i + 1, m('r')) },
    proposals: {
      category, mark: m('p'), title: withMark(TITLES[i][1], m('t')), text: withMark(payload, m('p')), name: nameFor(i + 2, m('p')),
    },
  };
});

/** Before the page's scripts: the trap, and a watch on the widget's shadow root. */
function trap() {
  const pwned = [];
  window.__pwned = pwned;
  for (const name of ['alert', 'confirm', 'prompt', 'print', 'open']) {
    window[name] = (...args) => { pwned.push(`${name}(${args.map(String).join(', ')})`); };
  }
  // Elements and attributes a payload spells out, recorded as they are
  // added (also those gone by the time the test looks); the widget's own
  // stylesheet link and illustration are told apart afterwards.
  const TAGS = new Set(['script', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'svg', 'math', 'style',
    'img', 'image', 'picture', 'video', 'audio', 'source', 'track', 'a', 'area', 'base', 'link', 'meta', 'template',
    'noscript', 'xmp', 'plaintext', 'marquee', 'details', 'summary', 'body', 'html', 'head', 'title', 'table',
    'mglyph', 'mtext', 'circle', 'b', 'i', 'plaza-deliberation']);
  const ATTRIBUTES = /^(on.*|autofocus|formaction|srcdoc|style|xlink:href|data-plaza-deliberation|data-api|background|poster|action)$/i;
  window.__added = [];
  window.__shadowRoots = 0;
  const record = (el) => {
    if (TAGS.has(el.localName)) {
      window.__added.push({ tag: el.localName, src: el.getAttribute('src'), href: el.getAttribute('href'),
        widget: el.closest('.plaza-reserve, .plaza-before-voting, .plaza-chart, .plaza-rounds-table, .plaza-downloads, .plaza-not-eligible') !== null });
    }
    for (const a of el.attributes) {
      if (ATTRIBUTES.test(a.name)) window.__added.push({ tag: el.localName, attribute: a.name, value: a.value });
    }
  };
  const attach = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function attachShadow(init) {
    const root = attach.call(this, init);
    window.__shadowRoots += 1;
    new MutationObserver((changes) => {
      for (const change of changes) {
        if (change.type === 'attributes') {
          if (ATTRIBUTES.test(change.attributeName)) record(change.target);
          continue;
        }
        for (const node of change.addedNodes) {
          if (node.nodeType !== Node.ELEMENT_NODE) continue;
          record(node);
          for (const el of node.querySelectorAll('*')) record(el);
        }
      }
    }).observe(root, { childList: true, subtree: true, attributes: true });
    return root;
  };
}

/** In the page: what the widget shows of each argument, reply and proposal. */
function collect(host) {
  const root = document.querySelector(host).shadowRoot;
  const own = (article, selector) => [...article.children].filter((c) => c.matches(selector));
  const card = (article, textSelector) => ({
    texts: own(article, textSelector).map((p) => p.textContent),
    descriptions: own(article, '.plaza-proposal-description').map((p) => p.textContent),
    author: own(article, 'footer').map((f) => f.querySelector('bdi.plaza-author')?.textContent ?? null)[0] ?? null,
    pending: article.classList.contains('plaza-pending'),
    // Accessible names of its own buttons (not those of the replies inside).
    labels: [...article.querySelectorAll('button[aria-label]')]
      .filter((b) => b.closest('article') === article)
      .map((b) => b.getAttribute('aria-label')),
  });
  return {
    arguments: [...root.querySelectorAll('article.plaza-argument')].map((a) => card(a, '.plaza-argument-text')),
    comments: [...root.querySelectorAll('article.plaza-comment')].map((a) => card(a, '.plaza-comment-text')),
    proposals: [...root.querySelectorAll('article.plaza-proposal')].map((a) => card(a, '.plaza-proposal-title')),
    pending: root.querySelectorAll('.plaza-pending').length,
    failed: [...root.querySelectorAll('.plaza-state-failed')].map((e) => e.textContent),
  };
}

/** In the page: what overflows horizontally, at the current viewport. */
async function overflow(host) {
  // Let the layout follow a resize.
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  const problems = [];
  const element = document.querySelector(host);
  const root = element.shadowRoot.querySelector('.plaza-root');
  const doc = document.documentElement;
  const box = root.getBoundingClientRect();
  const wide = (name, el) => {
    if (el.scrollWidth > el.clientWidth + 1) problems.push(`${name}: ${el.scrollWidth}px of content in ${el.clientWidth}px`);
  };
  wide('the page', doc);
  wide('the host element', element);
  wide('the widget (.plaza-root)', root);
  if (getComputedStyle(element).display === 'none' || getComputedStyle(root).display === 'none' || box.height < 100) {
    problems.push(`the widget is hidden (${box.width}×${box.height})`);
  }
  const articles = [...root.querySelectorAll('article')];
  for (const article of articles) {
    const text = article.querySelector('.plaza-argument-text, .plaza-comment-text, .plaza-proposal-title')?.textContent ?? '';
    const name = `${article.className} ${text.match(/\[hx[^\]]*\]/)?.[0] ?? JSON.stringify(text.slice(0, 40))}`;
    const r = article.getBoundingClientRect();
    if (r.left < box.left - 1 || r.right > box.right + 1) {
      problems.push(`${name}: card spans ${Math.round(r.left)}–${Math.round(r.right)}, the widget ${Math.round(box.left)}–${Math.round(box.right)}`);
    }
    wide(name, article);
  }
  return { problems, width: Math.round(box.width), cards: articles.length };
}

const inWidget = (tab, selector) => tab.locator(`${HOST} ${selector}`);

/** Types `value` into `field` (as one input, like a paste) and checks that the field holds it. */
async function type(field, value, what) {
  await field.fill(value);
  assert.equal(visible(await field.inputValue()), visible(value), `${what}: the field holds what was typed`);
}

/**
 * Waits until the widget's field `selector` is empty again (the form took
 * the text), and for the next frame, in which focus follows the new item
 * (so that it moves no more while the next one is typed).
 */
async function emptied(tab, selector) {
  await tab.waitForFunction(([h, s]) => document.querySelector(h).shadowRoot.querySelector(s)?.value === '',
    [HOST, selector], { timeout: 5_000 });
  await nextFrame(tab);
}

/** Waits for the page's next animation frame (after those the widget asked for). */
function nextFrame(tab) {
  return tab.evaluate(() => new Promise((r) => requestAnimationFrame(() => r())));
}

/** Waits until nothing is on its way and every marker is shown in a sent item (`selector`). */
function allSent(tab, marks, selector, timeout = 30_000) {
  return tab.waitForFunction(([h, list, s]) => {
    const root = document.querySelector(h).shadowRoot;
    if (root.querySelector('.plaza-pending')) return false;
    const shown = [...root.querySelectorAll(s)].map((e) => e.textContent).join('\n');
    return list.every((m) => shown.includes(m));
  }, [HOST, marks, selector], { timeout });
}

/**
 * Loads every page of both sides (and, with `everything`, of the
 * proposals, and every thread of replies), as a resident reading it all.
 */
async function showAll(tab, { everything = false } = {}) {
  const more = ['.plaza-for > button.plaza-more', '.plaza-against > button.plaza-more'];
  if (everything) more.push('.plaza-proposals > button.plaza-more');
  for (const button of more) {
    while (await inWidget(tab, button).count()) {
      await inWidget(tab, button).click();
      // (While a page loads, the button says so and does nothing.)
      await tab.waitForFunction(([h, b]) => {
        const el = document.querySelector(h).shadowRoot.querySelector(b);
        return !el || el.getAttribute('aria-disabled') !== 'true';
      }, [HOST, button]);
    }
  }
  if (everything) {
    const closed = inWidget(tab, 'button[aria-controls^="plaza-replies-"][aria-expanded="false"]');
    while (await closed.count()) await closed.first().click();
    await tab.waitForFunction((h) => !document.querySelector(h).shadowRoot.querySelector('.plaza-replies-list [role=status]'), HOST);
  }
}

/**
 * Replies to argument `argumentId` (or to its reply `commentId`) with `r`:
 * "Reply", the text, the name, Enter in the name field.
 */
/**
 * The thread entry of reply `id` (found by its own report button: the
 * resident's own replies keep the entry they had while on their way).
 */
const commentEntry = (id) => `li:has(> article.plaza-comment [id="plaza-report-Comment-${id}-toggle"])`;

async function reply(tab, r, argumentId, commentId) {
  const actions = commentId
    ? `${commentEntry(commentId)} > article.plaza-comment > .plaza-actions`
    : `article[aria-describedby="plaza-text-${argumentId}"] > .plaza-replies > .plaza-actions`;
  await inWidget(tab, `${actions} > button:text-is("Reply")`).click();
  const field = `plaza-reply-${argumentId}-${commentId ?? ''}`;
  // The form opens with focus in it.
  await tab.waitForFunction(([h, id]) => document.querySelector(h).shadowRoot.activeElement?.id === id, [HOST, field],
    { timeout: 5_000 });
  await type(inWidget(tab, `[id="${field}"]`), r.text, r.mark);
  await type(inWidget(tab, `[id="${field}-name"]`), r.name.typed, `${r.mark} name`);
  await inWidget(tab, `[id="${field}-name"]`).press('Enter');
  await inWidget(tab, `[id="${field}"]`).waitFor({ state: 'detached', timeout: 5_000 });
  await nextFrame(tab);
}

/** The reply to `argumentId` with marker `m`, once the server has it. */
async function recorded(origin, argumentId, m) {
  for (let i = 0; i < 100; i++) {
    const found = (await all(origin, `/v1/arguments/${argumentId}/comments`)).filter((c) => c.text?.includes(m));
    if (found.length) return theOne(found, (x) => x.text, m, 'server comments');
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the server never recorded ${m}`);
}

/** The server's id of each posted argument. */
async function idsOf(origin) {
  const listed = await all(origin, `/v1/deliberations/${DELIBERATION}/arguments`);
  return new Map(ARGUMENTS.map((a) => [a, theOne(listed, (x) => x.text, a.mark, 'server arguments').id]));
}

/** The one item of `list` whose `key` text contains `m`. */
function theOne(list, key, m, where) {
  const found = list.filter((item) => (key(item) ?? '').includes(m));
  assert.equal(found.length, 1, `${where}: ${found.length} items with ${m}`);
  return found[0];
}

/** Like `theOne`, but says what is wrong in `problems` (and returns null) instead of failing at once. */
function oneOf(list, key, m, where, problems) {
  const found = list.filter((item) => (key(item) ?? '').includes(m));
  if (found.length !== 1) problems.push(`${where}: ${found.length ? `${found.length} items` : 'nothing'} with ${m}`);
  return found.length === 1 ? found[0] : null;
}

/**
 * Each of `posted` (`{ arguments, replies, proposals }`) is shown as typed,
 * less what is documented, with its name, also in the names of the
 * controls about it (sent), or with "You" (while it waits to be sent);
 * `who` sees them.
 */
function checkShown(seen, posted, who, { waiting = false } = {}) {
  const problems = [];
  const check = (what, actual, expected) => {
    if (actual !== expected) problems.push(`${what}${difference(actual, expected)}`);
  };
  // A control names its card by who wrote it and the start of its text
  // (`typed`), quoted; both isolated for direction (first strong isolate …
  // pop), so that neither reorders the name around them.
  const iso = (text) => `\u2068${text}\u2069`;
  const label = (what, labels, who, typed) => {
    const start = expectedStart(typed);
    const expected = start === '' ? who : `${who}: “${iso(start)}”`;
    if (!waiting && !labels.includes(expected)) {
      problems.push(`${what}: no control named ${visible(expected)} in ${labels.map(visible).join(' | ')}`);
    }
  };
  const find = (list, key, m, where) => {
    const card = oneOf(list.filter((c) => c.pending === waiting), key, m, where, problems);
    return card;
  };
  // (Waiting, a reply or proposal is signed "You", an argument with the name typed, if any.)
  const nameOf = (typed, always) => (waiting && (always || rustTrim(typed) === '') ? 'You' : shownName(typed));
  for (const a of posted.arguments ?? []) {
    const card = find(seen.arguments, (c) => c.texts.join('\n'), a.mark, 'arguments');
    if (!card) continue;
    const name = nameOf(a.name.typed, false);
    check(`argument ${a.mark} (${a.category})`, card.texts.join('\n'), expectedShown(a.text));
    check(`name on argument ${a.mark} (${a.name.category})`, card.author, name);
    label(`argument ${a.mark}`, card.labels, `Reply to ${iso(name)}`, a.text);
    label(`argument ${a.mark}`, card.labels, `Report — Argument by ${iso(name)}`, a.text);
  }
  for (const r of posted.replies ?? []) {
    const card = find(seen.comments, (c) => c.texts.join('\n'), r.mark, 'replies');
    if (!card) continue;
    const name = nameOf(r.name.typed, true);
    check(`reply ${r.mark} (${r.category})`, card.texts.join('\n'), expectedShown(r.text));
    check(`name on reply ${r.mark} (${r.name.category})`, card.author, name);
    label(`reply ${r.mark}`, card.labels, `Reply to ${iso(name)}`, r.text);
    label(`reply ${r.mark}`, card.labels, `Report — Reply by ${iso(name)}`, r.text);
  }
  for (const p of posted.proposals ?? []) {
    const card = find(seen.proposals, (c) => c.descriptions.join('\n'), p.mark, 'proposals');
    if (!card) continue;
    const name = nameOf(p.name.typed, true);
    check(`proposal title ${p.mark} (${p.category})`, card.texts.join('\n'), expectedShown(p.title));
    check(`proposal description ${p.mark} (${p.category})`, card.descriptions.join('\n'), expectedShown(p.text));
    check(`name on proposal ${p.mark} (${p.name.category})`, card.author, name);
    label(`proposal ${p.mark}`, card.labels, `Report — Proposal by ${iso(name)}`, p.title);
  }
  if (!waiting) assert.equal(seen.pending, 0, `nothing left on its way (${who})`);
  assert.deepEqual(seen.failed, [], `nothing failed (${who})`);
  assert.deepEqual(problems, [], `${problems.length} texts not shown as typed (${who})`);
}

/** The server recorded each of `posted` exactly (edges trimmed). */
async function checkStored(origin, posted) {
  const problems = [];
  const check = (what, actual, expected) => {
    if (actual !== expected) problems.push(`${what}${difference(actual, expected)}`);
  };
  const args = await all(origin, `/v1/deliberations/${DELIBERATION}/arguments`);
  for (const a of posted.arguments ?? []) {
    const stored = oneOf(args, (x) => x.text, a.mark, 'server arguments', problems);
    if (!stored) continue;
    check(`argument ${a.mark}`, stored.text, expectedStored(a.text));
    check(`name on argument ${a.mark}`, stored.author?.display_name, storedName(a.name.typed));
    check(`stance of ${a.mark}`, stored.stance, a.stance);
    check(`status of ${a.mark}`, stored.status, 'visible');
  }
  const parents = new Map();
  for (const r of posted.replies ?? []) {
    const id = r.argumentId ?? args.find((x) => x.text?.includes(r.parent.mark))?.id;
    if (!parents.has(id)) parents.set(id, id ? await all(origin, `/v1/arguments/${id}/comments`) : []);
    const c = oneOf(parents.get(id), (x) => x.text, r.mark, `server replies to ${r.parent?.mark ?? id}`, problems);
    if (!c) continue;
    check(`reply ${r.mark}`, c.text, expectedStored(r.text));
    check(`name on reply ${r.mark}`, c.author?.display_name, storedName(r.name.typed));
  }
  const proposals = await all(origin, `/v1/deliberations/${DELIBERATION}/proposals`);
  for (const p of posted.proposals ?? []) {
    const stored = oneOf(proposals, (x) => x.description, p.mark, 'server proposals', problems);
    if (!stored) continue;
    check(`proposal title ${p.mark}`, stored.title, expectedStored(p.title));
    check(`proposal description ${p.mark}`, stored.description, expectedStored(p.text));
    check(`name on proposal ${p.mark}`, stored.author?.display_name, storedName(p.name.typed));
  }
  assert.deepEqual(problems, [], `${problems.length} texts not recorded exactly`);
}

/** Nothing a payload spells out was created, run, loaded or navigated to. */
async function checkInert(tab, requests, origin, who) {
  const state = await tab.evaluate((h) => {
    const root = document.querySelector(h).shadowRoot;
    const dangerous = [...root.querySelectorAll('script, iframe, frame, object, embed, svg, math, style, img, video, audio, a, base, meta, link, template, plaza-deliberation, [data-plaza-deliberation]')]
      .map((e) => e.outerHTML.slice(0, 200));
    const attributes = [...root.querySelectorAll('*')].flatMap((e) => [...e.attributes]
      .filter((a) => /^(on.*|autofocus|formaction|srcdoc|style|xlink:href|href|src)$/i.test(a.name))
      .map((a) => `${e.localName} ${a.name}=${a.value.slice(0, 100)}`));
    return {
      pwned: window.__pwned,
      added: window.__added,
      shadowRoots: window.__shadowRoots,
      dangerous,
      attributes,
      ready: window.__plazaEvents.filter((e) => e.type === 'plaza:ready').length,
      hosts: document.querySelectorAll('plaza-deliberation, [data-plaza-deliberation]').length,
      page: [...document.querySelectorAll('img, iframe, svg, style, object, embed, a, base, meta:not([charset])')].map((e) => e.outerHTML),
      scripts: [...document.scripts].map((s) => s.getAttribute('src')),
      url: location.href,
    };
  }, HOST);
  assert.deepEqual(state.pwned, [], `${who}: no payload ran`);
  // The widget's own: its stylesheet (and the rule that keeps its space
  // while it loads), the deliberation's illustration, and the parts of the
  // vote built from the poll (the disclosure of arguments
  // before voting, the results' table and charts, the download links).
  const own = (e) => (e.tag === 'link' && e.href?.endsWith('/plaza.css'))
    || (e.tag === 'img' && e.src?.endsWith('/v1/plaza-demo-rue-des-lilas.svg'))
    || (e.widget && ['style', 'details', 'summary', 'svg', 'table', 'a'].includes(e.tag) && !e.attribute);
  assert.deepEqual(state.added.filter((e) => !own(e)), [], `${who}: no element or attribute from a payload was ever added`);
  assert.deepEqual(state.dangerous.filter((h) => !/^<link rel="stylesheet" href="[^"]*\/plaza\.css">$|^<img src="[^"]*\/v1\/plaza-demo-rue-des-lilas\.svg"|^<style class="plaza-reserve">/.test(h)), [], `${who}: no element from a payload`);
  assert.deepEqual(state.attributes.filter((a) => !/^link href=\S*\/plaza\.css$|^img src=\S*\/v1\/plaza-demo-rue-des-lilas\.svg$/.test(a)), [], `${who}: no attribute from a payload`);
  assert.equal(state.shadowRoots, 1, `${who}: one shadow root, no other widget was mounted`);
  assert.equal(state.ready, 1, `${who}: one widget was ready, once`);
  assert.equal(state.hosts, 1, `${who}: one host element`);
  assert.deepEqual(state.page, [], `${who}: nothing added to the city page`);
  assert.deepEqual(state.scripts, ['/plaza.js'], `${who}: no script added to the city page`);
  assert.equal(state.url, `${origin}/en.html`, `${who}: no navigation`);
  assert.equal(tab.frames().length, 1, `${who}: no frame`);
  assert.deepEqual(tab.dialogs, [], `${who}: no dialog`);
  const strange = requests.filter((u) => /\/pwn[-./]|pwn\.invalid/i.test(u) || !(u.startsWith(`${origin}/`) || u.startsWith('data:')));
  assert.deepEqual(strange, [], `${who}: nothing a payload names was requested`);
  assert.deepEqual(tab.errors.filter((e) => !e.startsWith('Failed to load resource')), [], `${who}: no console error or uncaught exception`);
}

/** Opens the English page in `context`, trap set, requests recorded. */
async function openPage(context, origin, requests, { width = 1280 } = {}) {
  context.on('request', (r) => requests.push(r.url()));
  const tab = await open(context, `${origin}/en.html`, { init: trap, viewport: { width, height: 900 } });
  tab.dialogs = [];
  tab.on('dialog', (d) => { tab.dialogs.push(`${d.type()}: ${d.message()}`); d.dismiss().catch(() => {}); });
  await waitForReady(tab, 1);
  return tab;
}

/** Checks the layout at a narrow and a desktop width, with at least `least` cards shown. */
async function checkLayout(tab, least, who) {
  for (const width of [320, 1280]) {
    await tab.setViewportSize({ width, height: 900 });
    const { problems, width: shown, cards } = await tab.evaluate(overflow, HOST);
    assert.ok(cards >= least, `${who}: ${cards} cards at ${width}px`);
    assert.deepEqual(problems, [], `${who}, at ${width}px wide (widget ${shown}px): ${problems.length} overflowing`);
  }
}

/** Runs every check, then fails with all their failures, if any. */
async function each(checks) {
  const failures = [];
  for (const check of checks) {
    try {
      await check();
    } catch (e) {
      failures.push(e.message);
    }
  }
  if (failures.length) assert.fail(failures.join('\n\n'));
}

describe('safe with hostile text', () => {
  let server, argumentIds;
  // Residents, each in their own browser: one argues, one replies, one
  // proposes (each seeing their own as its author does), one only reads.
  const residents = {};
  const resident = async (who, options) => {
    const browser = await startBrowser();
    const requests = [];
    residents[who] = { browser, requests };
    residents[who].tab = await openPage(browser.context, server.origin, requests, options);
    return residents[who].tab;
  };
  before(async () => {
    server = await startServer(['--participant-writes-per-minute', '0', '--ip-writes-per-minute', '0'], {
      pages: { 'en.html': cityPage(`<h1>Have your say</h1>${widget}`) },
    });
  });
  after(async () => {
    for (const r of Object.values(residents)) await r.browser.close();
    await server?.stop();
  });

  it(`has ${TEXTS.length + TITLES.length + NAMES.length - 1} payloads, each within the contract's limits`, () => {
    assert.ok(TEXTS.length >= 50, `${TEXTS.length} long-text payloads`);
    const chars = (s) => [...rustTrim(s)].length;
    for (const a of ARGUMENTS) assert.ok(chars(a.text) <= 2000, `${a.mark}: ${chars(a.text)} characters`);
    // (One-line fields have a maxlength, which counts UTF-16 code units.)
    for (const x of [...ARGUMENTS, ...REPLIES, ...CHAIN, ...PROPOSALS]) {
      assert.ok(x.name.typed.length <= 120, `${x.mark} name: ${x.name.typed.length} code units`);
    }
    for (const p of PROPOSALS) assert.ok(p.title.length <= 120, `${p.mark} title: ${p.title.length} code units`);
    for (const list of [ARGUMENTS, REPLIES, PROPOSALS]) {
      assert.equal(new Set(list.map((x) => x.text)).size, list.length, 'unique');
    }
  });

  it('a resident posts each as an argument, with a name', async () => {
    const tab = await resident('arguer');
    // One after another, as fast as the form takes them: the side, the
    // text, the name, and Enter in the name field sends the form. (All
    // "for" first, then all "against": the side is chosen twice.)
    let side;
    for (const a of [...ARGUMENTS.filter((x) => x.stance === 'for'), ...ARGUMENTS.filter((x) => x.stance === 'against')]) {
      if (a.stance !== side) await inWidget(tab, `#plaza-stance-${(side = a.stance)}`).check();
      await type(inWidget(tab, '#plaza-argument-text'), a.text, a.mark);
      await type(inWidget(tab, '#plaza-argument-name'), a.name.typed, `${a.mark} name`);
      await inWidget(tab, '#plaza-argument-name').press('Enter');
      await emptied(tab, '#plaza-argument-text');
    }
    await allSent(tab, ARGUMENTS.map((a) => a.mark), 'article.plaza-argument > .plaza-argument-text');
    argumentIds = await idsOf(server.origin);
  });

  it('another replies to each, with a name', async () => {
    const tab = await resident('replier');
    await showAll(tab);
    for (const r of REPLIES) await reply(tab, r, argumentIds.get(r.parent));
    await allSent(tab, REPLIES.map((r) => r.mark), 'article.plaza-comment > .plaza-comment-text');
  });

  it('and answers with the long words as replies to replies, four deep', async () => {
    const tab = residents.replier.tab;
    const argumentId = argumentIds.get(CHAIN[0].parent);
    let parent;
    for (const c of CHAIN) {
      await reply(tab, c, argumentId, parent);
      // Once the server has it, its author sees it; the next answers it.
      parent = (await recorded(server.origin, argumentId, c.mark)).id;
      const seen = await inWidget(tab, `${commentEntry(parent)} > article.plaza-comment:not(.plaza-pending)`)
        .waitFor({ timeout: 5_000 }).then(() => true, () => false);
      assert.ok(seen, `the server recorded reply ${c.mark}, but its author does not see it`);
    }
  });

  it('a third proposes each (title and description), with a name', async () => {
    const tab = await resident('proposer');
    for (const p of PROPOSALS) {
      await type(inWidget(tab, '#plaza-proposal-title'), p.title, `${p.mark} title`);
      await type(inWidget(tab, '#plaza-proposal-description'), p.text, p.mark);
      await type(inWidget(tab, '#plaza-proposal-name'), p.name.typed, `${p.mark} name`);
      await inWidget(tab, '#plaza-proposal-name').press('Enter');
      await emptied(tab, '#plaza-proposal-title');
    }
    await allSent(tab, PROPOSALS.map((p) => p.mark), 'article.plaza-proposal > .plaza-proposal-description');
  });

  it('a fourth, on a phone, reads them all', async () => {
    const tab = await resident('reader', { width: 320 });
    await showAll(tab, { everything: true });
    await allSent(tab, REPLIES.map((r) => r.mark), 'article.plaza-comment > .plaza-comment-text');
    // (Those of the deeper thread that were posted; any missing is said below.)
    await allSent(tab, CHAIN.map((r) => r.mark), 'article.plaza-comment > .plaza-comment-text', 3_000).catch(() => {});
    await allSent(tab, PROPOSALS.map((p) => p.mark), 'article.plaza-proposal > .plaza-proposal-description');
  });

  it('runs none of them: no script, no element, no request, no dialog, no error', async () => {
    await each(Object.entries(residents).map(([who, { tab, requests }]) => () => checkInert(tab, requests, server.origin, who)));
  });

  it('shows each as typed, to its author and to a reader (edges trimmed, direction controls removed)', async () => {
    const { arguer, replier, proposer, reader } = residents;
    const replies = [...REPLIES, ...CHAIN];
    await each([
      [arguer, { arguments: ARGUMENTS }, 'the author of the arguments'],
      [replier, { arguments: ARGUMENTS, replies }, 'the author of the replies'],
      [proposer, { proposals: PROPOSALS }, 'the author of the proposals'],
      [reader, { arguments: ARGUMENTS, replies, proposals: PROPOSALS }, 'a reader'],
    ].map(([{ tab }, posted, who]) => async () => checkShown(await tab.evaluate(collect, HOST), posted, who)));
  });

  it('has the server record each exactly (edges trimmed)', async () => {
    await checkStored(server.origin, { arguments: ARGUMENTS, replies: [...REPLIES, ...CHAIN], proposals: PROPOSALS });
  });

  it('shows them as typed while they wait to be sent, too', async () => {
    // The proposer's browser holds back what it sends until all are shown.
    const { tab, browser } = residents.proposer;
    const held = [];
    const hold = (route) => (route.request().method() === 'POST' ? held.push(route) : route.continue());
    await browser.context.route(`${server.origin}/v1/**`, hold);
    try {
      for (const { arguments: a, proposals: p } of WAITING) {
        await inWidget(tab, `#plaza-stance-${a.stance}`).check();
        await type(inWidget(tab, '#plaza-argument-text'), a.text, a.mark);
        await type(inWidget(tab, '#plaza-argument-name'), a.name.typed, `${a.mark} name`);
        await inWidget(tab, '#plaza-argument-name').press('Enter');
        await emptied(tab, '#plaza-argument-text');
        await type(inWidget(tab, '#plaza-proposal-title'), p.title, `${p.mark} title`);
        await type(inWidget(tab, '#plaza-proposal-description'), p.text, p.mark);
        await type(inWidget(tab, '#plaza-proposal-name'), p.name.typed, `${p.mark} name`);
        await inWidget(tab, '#plaza-proposal-name').press('Enter');
        await emptied(tab, '#plaza-proposal-title');
      }
      // Replies to the first argument the page shows.
      const argumentId = (await inWidget(tab, 'article.plaza-argument[aria-describedby]').first().getAttribute('aria-describedby')).replace('plaza-text-', '');
      for (const { replies: r } of WAITING) {
        r.argumentId = argumentId;
        await reply(tab, r, argumentId);
      }
      const posted = {
        arguments: WAITING.map((w) => w.arguments), replies: WAITING.map((w) => w.replies), proposals: WAITING.map((w) => w.proposals),
      };
      checkShown(await tab.evaluate(collect, HOST), posted, 'their author, while they wait', { waiting: true });
      const { problems } = await tab.evaluate(overflow, HOST);
      assert.deepEqual(problems, [], 'the layout, while they wait');
      await browser.context.unroute(`${server.origin}/v1/**`, hold);
      // (A request held past the widget's timeout was sent again: the old one is gone.)
      for (const route of held.splice(0)) await route.continue().catch(() => {});
      await allSent(tab, WAITING.map((w) => w.arguments.mark), 'article.plaza-argument > .plaza-argument-text');
      await allSent(tab, WAITING.map((w) => w.proposals.mark), 'article.plaza-proposal > .plaza-proposal-description');
      await allSent(tab, WAITING.map((w) => w.replies.mark), 'article.plaza-comment > .plaza-comment-text');
      checkShown(await tab.evaluate(collect, HOST), posted, 'their author, once sent');
      await checkStored(server.origin, posted);
      await checkInert(tab, residents.proposer.requests, server.origin, 'proposer');
    } finally {
      await browser.context.unroute(`${server.origin}/v1/**`, hold).catch(() => {});
      for (const route of held.splice(0)) await route.continue().catch(() => {});
    }
  });

  it('keeps the layout whole at 320 px and at desktop width', async () => {
    const { arguer, replier, proposer, reader } = residents;
    await each([
      () => checkLayout(arguer.tab, ARGUMENTS.length, 'the author of the arguments'),
      () => checkLayout(replier.tab, ARGUMENTS.length + REPLIES.length, 'the author of the replies'),
      () => checkLayout(proposer.tab, PROPOSALS.length, 'the author of the proposals'),
      () => checkLayout(reader.tab, ARGUMENTS.length + REPLIES.length + PROPOSALS.length, 'a reader'),
    ]);
  });

  it('refuses control characters the contract refuses, in the form, sending nothing', async () => {
    const refused = 'This cannot be sent as it is: shorten it, or remove invisible control characters.';
    const before = (await all(server.origin, `/v1/deliberations/${DELIBERATION}/arguments`)).length;
    // NUL in an argument, ESC in a name.
    const tab = residents.arguer.tab;
    for (const [text, name] of [[`nul \u0000 inside ${mark('x', 0)}`, ''], [`a fine text ${mark('x', 1)}`, 'esc \u001B[31m red']]) {
      await type(inWidget(tab, '#plaza-argument-text'), text, 'refused argument');
      await type(inWidget(tab, '#plaza-argument-name'), name, 'refused name');
      await inWidget(tab, '#plaza-argument-name').press('Enter');
      const alert = inWidget(tab, '#plaza-argument-problem');
      assert.equal(await alert.textContent(), refused);
      // Focus goes to the message, which says what to correct.
      await tab.waitForFunction((h) => document.querySelector(h).shadowRoot.activeElement?.id === 'plaza-argument-problem', HOST,
        { timeout: 5_000 });
      assert.equal(await inWidget(tab, '#plaza-argument-text').inputValue(), text, 'the text is kept, to be corrected');
    }
    // DEL in a proposal's description.
    const other = residents.proposer.tab;
    await type(inWidget(other, '#plaza-proposal-title'), `A title ${mark('x', 2)}`, 'refused proposal');
    await type(inWidget(other, '#plaza-proposal-description'), 'del \u007F inside', 'refused proposal');
    await type(inWidget(other, '#plaza-proposal-name'), '', 'refused proposal');
    await inWidget(other, '#plaza-proposal-name').press('Enter');
    const alert = inWidget(other, '#plaza-proposal-problem');
    await alert.waitFor();
    assert.equal(await alert.textContent(), refused);
    // Nothing was queued or sent.
    for (const t of [tab, other]) assert.equal(await inWidget(t, '.plaza-pending').count(), 0);
    assert.equal((await all(server.origin, `/v1/deliberations/${DELIBERATION}/arguments`)).length, before);
    const proposals = await all(server.origin, `/v1/deliberations/${DELIBERATION}/proposals`);
    assert.equal(proposals.filter((p) => p.title?.includes(mark('x', 2))).length, 0);
    for (const t of [tab, other]) assert.deepEqual(t.errors.filter((e) => !e.startsWith('Failed to load resource')), []);
  });
});
