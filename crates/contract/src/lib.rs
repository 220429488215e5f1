//! The Plaza JSON contract, version 1: the promise between the widget and
//! every backend. These types are the source of truth; the JSON Schema and
//! OpenAPI documents in `schema/` are generated from them (`cargo xtask
//! contract`) and a test fails when they drift.
//!
//! Conventions: JSON only, `snake_case`, RFC 3339 timestamps, opaque string
//! ids, plain-text user content (never HTML), translatable text as language
//! maps, RFC 9457 problems with stable codes, cursor pagination.

#![forbid(unsafe_code)]

mod activity;
mod api;
pub mod cursor;
mod deliberation;
mod discussion;
mod moderation;
#[cfg(feature = "schema")]
pub mod patterns;
mod poll;
mod problem;
mod proposal;
mod request;
pub mod routes;
pub mod seed;
mod text;
mod time;
mod validated;

#[cfg(feature = "schema")]
pub mod schema;

pub use activity::*;
pub use api::*;
pub use deliberation::*;
pub use discussion::*;
pub use moderation::*;
pub use poll::*;
pub use problem::*;
pub use proposal::*;
pub use request::*;
pub use routes::{HttpMethod, Operation};
pub use text::{negotiate, primary, regional, LocalizedText, Picked};
pub use validated::{is_language_tag, InvalidValue, MAX_LANGUAGE_TAG_CHARS};
