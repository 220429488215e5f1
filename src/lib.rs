//! Plaza: an embeddable widget for structured deliberations and
//! ranked-choice polls about public space.
//!
//! `embed` finds the host elements and mounts one independent instance in
//! each; `app` holds the (thin) components; `state` the pure view logic;
//! `backend` talks to `api="local"` or an HTTP backend; `i18n` holds every
//! string. See ARCHITECTURE.md for the map and the invariants.

#![forbid(unsafe_code)]

pub mod app;
pub mod backend;
pub mod device;
pub mod embed;
pub mod i18n;
pub mod outbox;
pub mod state;

/// Starts Plaza on the page, once: mounts every host element now and
/// watches for more. `stylesheet_url` is `plaza.css` next to `plaza.js`;
/// `load_module(name)` imports and initialises a module next to it (the
/// in-browser backend of `api="local"`), only when a page needs it.
pub fn start(stylesheet_url: String, load_module: js_sys::Function) {
    embed::start(stylesheet_url, load_module);
}
