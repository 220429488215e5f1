
// Plaza: appended to the wasm-bindgen module by Trunk.toml's post_build hook,
// so that one <script type="module" src=".../plaza.js"> starts the widget.
// The wasm and the stylesheet are found next to this file.
__wbg_init()
  .then(() => start(new URL('plaza.css', import.meta.url).href))
  .catch((error) => console.error('Plaza could not start:', error));
