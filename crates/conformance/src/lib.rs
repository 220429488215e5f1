//! The conformance kit as a library: the rules, the client they call a
//! backend with, and the adapter that serves `plaza-local` over HTTP, for
//! the `plaza-conformance` command and for tests that drive a backend
//! another way (the OpenAPI document's fuzzing test runs against both
//! backends).

pub mod client;
pub mod fixture;
pub mod jwt;
pub mod local;
pub mod recount;
pub mod rules;
