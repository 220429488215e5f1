//! The staff console: `<plaza-console api="…" token="…">`, the page where
//! a city's staff run a deliberation — its phases, its poll, the
//! moderation queue and the moderation log — without JSON files or curl.
//!
//! Its own wasm module, which only staff pages load. `client` talks to the
//! contract; `staff`, `queue` and `run` hold the pure logic (tested
//! natively); `view` holds the thin components; `i18n` every string.

#![forbid(unsafe_code)]

pub mod client;
pub mod error;
pub mod i18n;
pub mod queue;
pub mod report;
pub mod run;
pub mod setup;
pub mod staff;
mod view;

/// Mounts a console in every `<plaza-console>` on the page, each in its
/// own shadow root with the stylesheet at `stylesheet_url`.
/// `load_widget()` imports the widget's module (for the set-up preview).
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn start(stylesheet_url: String, load_widget: js_sys::Function) {
    view::mount_all(&stylesheet_url, load_widget);
}
