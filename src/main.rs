//! The wasm entry point. `plaza.js` (wasm-bindgen's module plus the lines
//! of `src/embed/start.js`) instantiates the module, then calls `start`.

use wasm_bindgen::prelude::{wasm_bindgen, JsValue};

/// Called once by `plaza.js` with the address of `plaza.css` next to it,
/// a function that loads a sibling module on demand, and one that hands
/// over the reads it started early (`plaza::backend::early`).
#[wasm_bindgen]
pub fn start(stylesheet_url: String, load_module: js_sys::Function, take_early: JsValue) {
    plaza::backend::early::accept(take_early);
    plaza::start(stylesheet_url, load_module);
}

fn main() {}
