
// Plaza: appended to the wasm-bindgen module by Trunk.toml's post_build hook,
// so that one <script type="module" src=".../plaza.js"> starts the widget.
// The wasm, the stylesheet and the modules loaded on demand (plaza-local for
// api="local") are found next to this file.
__wbg_init()
  .then(() => start(
    new URL('plaza.css', import.meta.url).href,
    (name) => import(new URL(`./${name}.js`, import.meta.url).href).then(async (m) => { await m.default(); return m; }),
  ))
  .catch((error) => console.error('Plaza could not start:', error));
