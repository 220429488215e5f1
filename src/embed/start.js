
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
__wbg_init()
  .then(() => start(
    plazaCss,
    (name) => import(new URL(`./${name}.js`, import.meta.url).href).then(async (m) => { await m.default(); return m; }),
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
