//! Pure view state: what the components show, derived from contract values
//! by plain functions, tested natively.

pub mod paged;
pub mod timeline;
