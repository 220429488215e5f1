
// Plaza console: appended to the wasm-bindgen module by Trunk.toml's
// post_build hook, so that one <script type="module" src=".../plaza-console.js">
// starts every <plaza-console> on the page. Its stylesheet sits next to it.
__wbg_init()
  .then(() => start(
    new URL('plaza-console.css', import.meta.url).href,
    // The widget itself, for the preview of a deliberation being set up.
    () => import(new URL('plaza.js', import.meta.url).href),
  ))
  .catch((error) => console.error('Plaza console could not start:', error));
