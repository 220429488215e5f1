//! The one error type of the crate. Every failure is a value: the counter never panics on input.

use serde::Serialize;

/// Whether a tie-break was choosing a winner or a candidate to eliminate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TieDirection {
    Winner,
    Loser,
}

/// Why a count could not produce a result.
///
/// Serialized with a stable snake_case `code` so a UI can translate it; `Display` is a one-line
/// English message for logs and the command line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
#[non_exhaustive]
pub enum TallyError {
    #[error("malformed input: {message}")]
    MalformedInput { message: String },

    #[error("invalid rules: {field}: {reason}")]
    InvalidRules { field: String, reason: String },

    #[error("no candidates were declared")]
    NoCandidates,

    #[error("{count} candidates were declared; at most {max} can be counted")]
    TooManyCandidates { count: usize, max: usize },

    #[error("candidate {name:?} is declared more than once")]
    DuplicateCandidate { name: String },

    #[error("candidate name {name:?} is not allowed: {reason}")]
    InvalidCandidateName { name: String, reason: String },

    #[error("excluded candidate {name:?} is not a declared candidate")]
    UnknownExcludedCandidate { name: String },

    #[error("every declared candidate is excluded")]
    AllCandidatesExcluded,

    #[error("a ballot ranks {name:?}, which is not a declared candidate")]
    UnknownCandidate { name: String },

    /// Code matches the corpus's expected error for `max_ranking_enforcement`.
    #[error("a ballot has {ranks} rankings but max_rankings_allowed is {max}")]
    #[serde(rename = "cvr_ranking_exceeds_max_rankings_allowed")]
    RankingExceedsMaxRankings { ranks: usize, max: u32 },

    #[error("a ballot mixes the overvote label {label:?} with other marks at rank {rank}")]
    OvervoteLabelWithOtherMarks { label: String, rank: usize },

    #[error(
        "the overvote label {label:?} appears on ballots, which the overvote rule \
         exhaust_if_multiple_continuing cannot handle"
    )]
    OvervoteLabelWithExhaustIfMultiple { label: String },

    #[error("arithmetic overflow while {context} (counts or decimal places too large)")]
    ArithmeticOverflow { context: String },

    #[error(
        "round {round}: the tie between {candidates:?} must be decided by an operator \
         (tiebreak mode {mode})"
    )]
    TieNeedsOperator {
        round: u32,
        candidates: Vec<String>,
        direction: TieDirection,
        mode: String,
    },

    #[error("round {round}: no candidate could be eliminated, so the count cannot go on")]
    NoCandidateToEliminate { round: u32 },

    #[error("the rules stop the count before a single round is tabulated")]
    NoRounds,

    #[error("multi-pass IRV pass {pass} found {found} winners instead of exactly one")]
    MultiPassWinnerCount { pass: u32, found: usize },

    #[error("the count did not finish within {rounds} rounds")]
    RoundLimit { rounds: u32 },

    /// A broken internal invariant; please report it with the input.
    #[error("internal error: {detail}")]
    Internal { detail: String },
}

/// Coarse classification, e.g. for a command-line exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The ballots, candidates or rules are not acceptable.
    InvalidInput,
    /// The input is acceptable but the rules cannot finish the count on their own.
    CannotComplete,
}

impl TallyError {
    /// Stable machine-readable code (the serialized `code`).
    pub fn code(&self) -> &'static str {
        match self {
            TallyError::MalformedInput { .. } => "malformed_input",
            TallyError::InvalidRules { .. } => "invalid_rules",
            TallyError::NoCandidates => "no_candidates",
            TallyError::TooManyCandidates { .. } => "too_many_candidates",
            TallyError::DuplicateCandidate { .. } => "duplicate_candidate",
            TallyError::InvalidCandidateName { .. } => "invalid_candidate_name",
            TallyError::UnknownExcludedCandidate { .. } => "unknown_excluded_candidate",
            TallyError::AllCandidatesExcluded => "all_candidates_excluded",
            TallyError::UnknownCandidate { .. } => "unknown_candidate",
            TallyError::RankingExceedsMaxRankings { .. } => {
                "cvr_ranking_exceeds_max_rankings_allowed"
            }
            TallyError::OvervoteLabelWithOtherMarks { .. } => "overvote_label_with_other_marks",
            TallyError::OvervoteLabelWithExhaustIfMultiple { .. } => {
                "overvote_label_with_exhaust_if_multiple"
            }
            TallyError::ArithmeticOverflow { .. } => "arithmetic_overflow",
            TallyError::TieNeedsOperator { .. } => "tie_needs_operator",
            TallyError::NoCandidateToEliminate { .. } => "no_candidate_to_eliminate",
            TallyError::NoRounds => "no_rounds",
            TallyError::MultiPassWinnerCount { .. } => "multi_pass_winner_count",
            TallyError::RoundLimit { .. } => "round_limit",
            TallyError::Internal { .. } => "internal",
        }
    }

    pub fn kind(&self) -> ErrorKind {
        match self {
            TallyError::TieNeedsOperator { .. }
            | TallyError::NoCandidateToEliminate { .. }
            | TallyError::NoRounds
            | TallyError::MultiPassWinnerCount { .. }
            | TallyError::RoundLimit { .. }
            | TallyError::Internal { .. } => ErrorKind::CannotComplete,
            _ => ErrorKind::InvalidInput,
        }
    }

    pub(crate) fn overflow(context: &str) -> Self {
        TallyError::ArithmeticOverflow {
            context: context.to_owned(),
        }
    }

    pub(crate) fn internal(detail: &str) -> Self {
        TallyError::Internal {
            detail: detail.to_owned(),
        }
    }

    pub(crate) fn rules(field: &str, reason: impl Into<String>) -> Self {
        TallyError::InvalidRules {
            field: field.to_owned(),
            reason: reason.into(),
        }
    }
}
