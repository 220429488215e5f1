//! The wasm entry point. `plaza.js` (wasm-bindgen's module plus the lines
//! of `src/embed/start.js`) instantiates the module, then calls `start`.

use wasm_bindgen::prelude::wasm_bindgen;

/// Called once by `plaza.js` with the address of `plaza.css` next to it,
/// and a function that loads a sibling module on demand.
#[wasm_bindgen]
pub fn start(stylesheet_url: String, load_module: js_sys::Function) {
    plaza::start(stylesheet_url, load_module);
}

fn main() {}
