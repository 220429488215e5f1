//! Plaza's ranked-choice counting engine: IRV, STV and RCTab's other winner modes, matching the
//! certified RCTab tabulator round by round (its regression cases are in `testdata/rctab/`).
//!
//! Pure and portable: no I/O, no clock, no floating point, no `unsafe`; it builds for
//! `wasm32-unknown-unknown` as well as natively. Vote arithmetic is exact decimal ([`Votes`]) with
//! RCTab's truncation rules, and seeded tie-breaks reproduce `java.util.Random` bit for bit.
//!
//! Two ways in:
//! * [`Election`]: candidates, [`Rules`], ballots as ranks of option ids; then
//!   [`Election::tabulate`] (or [`tabulate`]) gives a [`Tabulation`], the result as data.
//! * A case document in the conformance corpus's JSON format: [`parse_case`], or
//!   [`tabulate_case_json`] / [`run_case_json`] which return JSON text (for a wasm wrapper).
#![forbid(unsafe_code)]

mod account;
mod ballots;
mod case;
mod check;
mod contest;
mod election;
mod error;
mod java_collections;
mod java_random;
mod report;
mod result;
mod round;
mod rules;
mod tabulator;
mod tiebreak;
mod votes;
mod wide;

pub use case::{parse_case, Case};
pub use check::{compare, Difference};
pub use election::{Ballot, Election, MAX_CANDIDATES};
pub use error::{ErrorKind, TallyError, TieDirection};
pub use report::CorpusReport;
pub use result::{
    CandidateVotes, Decision, ElectedReason, EliminatedReason, Inactive, Pass, Round, Summary,
    Tabulation, TieBreak, TieResolution, Transfer, TransferTarget,
};
pub use rules::{
    MaxRankings, MaxSkippedRanks, OvervoteRule, Rules, TiebreakMode, WinnerElectionMode,
};
pub use votes::Votes;

/// Counts an election.
pub fn tabulate(election: &Election) -> Result<Tabulation, TallyError> {
    election.tabulate()
}

/// Counts a case document and returns the result as JSON text in the corpus's `expected` shape.
pub fn tabulate_case_json(case_json: &str) -> Result<String, TallyError> {
    let tabulation = parse_case(case_json)?.election.tabulate()?;
    serde_json::to_string(&CorpusReport(&tabulation)).map_err(|e| TallyError::Internal {
        detail: e.to_string(),
    })
}

/// Counts a case document and returns the full [`Tabulation`] (with the per-round account of
/// decisions and transfers) as JSON text.
pub fn explain_case_json(case_json: &str) -> Result<String, TallyError> {
    let tabulation = parse_case(case_json)?.election.tabulate()?;
    serde_json::to_string(&tabulation).map_err(|e| TallyError::Internal {
        detail: e.to_string(),
    })
}

/// Like [`tabulate_case_json`], but never fails: an error comes back as
/// `{"error": {"code": …, "message": …, …}}`. Meant for a thin wasm binding.
pub fn run_case_json(case_json: &str) -> String {
    match tabulate_case_json(case_json) {
        Ok(json) => json,
        Err(error) => error_json(&error),
    }
}

/// `{"error": {"code": …, "message": …, …details}}` for an error.
pub fn error_json(error: &TallyError) -> String {
    let mut detail = serde_json::to_value(error).unwrap_or(serde_json::Value::Null);
    if let Some(object) = detail.as_object_mut() {
        object.insert("message".to_owned(), error.to_string().into());
    }
    serde_json::json!({ "error": detail }).to_string()
}
