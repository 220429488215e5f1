//! The wasm entry point. `plaza.js` (wasm-bindgen's module plus the lines
//! of `src/embed/start.js`) instantiates the module, then calls `start`.

use wasm_bindgen::prelude::wasm_bindgen;

/// Called once by `plaza.js` with the address of `plaza.css` next to it.
#[wasm_bindgen]
pub fn start(stylesheet_url: String) {
    plaza::start(stylesheet_url);
}

fn main() {}
