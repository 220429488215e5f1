//! What the widget (`plaza`) and the staff console (`plaza-console`) share
//! of their view code. Each is its own wasm module; this crate keeps the
//! rules they must both follow written once.

#![forbid(unsafe_code)]

pub mod tasks;
pub mod text;

pub use tasks::Tasks;
pub use text::fill;
