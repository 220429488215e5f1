//! A poll's published results, as every Plaza backend computes them: the
//! contract's counting rules mapped onto `plaza-tally` ([`tally_rules`]),
//! the engine's account mapped onto the contract's round-by-round
//! [`PollResults`](plaza_contract::PollResults) ([`count`]), and the
//! ballots published after the close ([`ballot_export`], [`cdf::report`]);
//! and when an open poll's results are counted again ([`LiveCounting`]).
//!
//! One place for both the reference server and the in-browser backend, so
//! that the same ballots give the same results on either.

#![forbid(unsafe_code)]

pub mod cdf;
mod count;
mod export;
mod live;

pub use count::{
    count, decimal, recount, recount_as_announced, rules_problem, seed_problems, tally_rules,
    DEFAULT_SEED,
};
pub use export::{ballot_export, export_frame};
pub use live::{LiveCounting, Publication};
pub use plaza_tally::TallyError;
