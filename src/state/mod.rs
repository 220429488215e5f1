//! Pure view state: what the components show, derived from contract values
//! by plain functions, tested natively.

pub mod ballot;
pub mod budget;
pub mod find;
pub mod outbox;
pub mod paged;
pub mod reactions;
pub mod results;
pub mod signer;
pub mod text;
pub mod thread;
pub mod timeline;
pub mod told;
