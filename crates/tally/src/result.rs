//! Results as data: every number a UI needs and, per round, who was elected or eliminated and why.
//!
//! Nothing here is English text; a UI turns these values into sentences in its own language.

use serde::Serialize;

use crate::rules::TiebreakMode;
use crate::votes::Votes;

/// The outcome of a count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tabulation {
    /// All winners, in the order they were elected (within a round, in Java string order).
    pub winners: Vec<String>,
    /// True for multi-pass IRV, which has one pass per seat; otherwise there is exactly one pass.
    pub multi_pass: bool,
    pub passes: Vec<Pass>,
}

/// One complete tabulation (multi-pass IRV runs one per seat).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pass {
    pub pass: u32,
    pub winners: Vec<String>,
    pub rounds: Vec<Round>,
    pub summary: Summary,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Every ballot, counted or not, in round 1.
    pub total_ballots: Votes,
    /// Ballots that ranked nobody.
    pub undervotes: Votes,
    /// All candidate names including the undeclared write-in pseudo-candidate and excluded ones.
    pub num_candidates: usize,
    pub num_winners: u32,
    pub final_threshold: Votes,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Round {
    pub round: u32,
    /// Continuing candidates and, in multi-seat counts, earlier winners; highest first.
    pub tally: Vec<CandidateVotes>,
    pub threshold: Votes,
    /// RCTab's active ballot sum: votes for continuing candidates plus final-round surplus.
    pub active: Votes,
    pub inactive: Inactive,
    /// Residual surplus removed from winners so far (from truncation in STV transfers).
    pub residual_surplus: Votes,
    /// Elected this round, in Java string order.
    pub elected: Vec<String>,
    /// Eliminated this round, in Java string order.
    pub eliminated: Vec<String>,
    /// Why each candidate above was elected or eliminated (elected first).
    pub decisions: Vec<Decision>,
    /// Where the ballots of this round's elected and eliminated candidates go (they move at the
    /// start of the next round).
    pub transfers: Vec<Transfer>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CandidateVotes {
    pub candidate: String,
    pub votes: Votes,
}

/// Ballots no longer counting for a continuing candidate, by reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Inactive {
    /// Every ranked candidate is out (RCTab `exhaustedChoices`).
    pub exhausted_choices: Votes,
    pub overvotes: Votes,
    /// Ranked the same candidate twice (with `exhaust_on_duplicate_candidate`).
    pub repeated_rankings: Votes,
    /// Skipped more ranks than allowed.
    pub skipped_rankings: Votes,
    /// Ranked nobody (the summary's undervotes; not in RCTab's per-round inactive list).
    pub did_not_rank_any_candidates: Votes,
    /// Value left on ballots of winners once all seats are filled. RCTab counts it as active and
    /// reports it only in the last round of surplus-transferring counts; so do we.
    pub final_round_surplus: Option<Votes>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Decision {
    Elected {
        candidate: String,
        votes: Votes,
        reason: ElectedReason,
        /// Set when a tie-break chose this candidate among several.
        tie_break: Option<TieBreak>,
        /// Votes above the threshold (0 when at or below it).
        surplus: Votes,
        /// Share of each of the winner's ballots passed on, in surplus-transferring counts.
        surplus_fraction: Option<Votes>,
    },
    Eliminated {
        candidate: String,
        votes: Votes,
        reason: EliminatedReason,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ElectedReason {
    /// Reached the winning threshold.
    ReachedThreshold,
    /// No more candidates remained than seats to fill.
    AsManyCandidatesAsSeats,
    /// Two candidates remained and this one had more votes (or won the tie-break).
    LeaderOfFinalTwo,
    /// With the first-round threshold, seats + 1 candidates remained and this one led.
    LeaderWhenSeatsPlusOneRemain,
    /// Bottoms-up with a percentage: every remaining candidate is above the threshold.
    AllAbovePercentageThreshold,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EliminatedReason {
    /// Fewest votes.
    LowestTally,
    /// Tied for fewest votes; a tie-break chose this candidate.
    TieBreak(TieBreak),
    /// Batch elimination: all candidates up to this one together had fewer votes than the next.
    Batch {
        running_total: Votes,
        next_lowest: Votes,
    },
    /// Below the threshold with cutoff elimination.
    Cutoff,
    /// Undeclared write-ins are dropped first, whenever they have votes.
    UndeclaredWriteIn,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TieBreak {
    pub mode: TiebreakMode,
    /// The other candidates in the tie.
    pub tied_with: Vec<String>,
    /// The tied vote total.
    pub votes: Votes,
    pub resolved_by: TieResolution,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TieResolution {
    Random,
    CandidateOrder,
    GeneratedPermutation,
    /// Decided by the tallies of an earlier round.
    PreviousRound {
        round: u32,
    },
    /// Earlier rounds did not separate these candidates; then drawn at random.
    RandomAfterPreviousRounds {
        still_tied: Vec<String>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Transfer {
    pub from: String,
    pub to: TransferTarget,
    pub votes: Votes,
    /// Ballots that moved (0 for residual surplus, which is not ballots).
    pub ballots: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TransferTarget {
    Candidate { candidate: String },
    Exhausted,
    ResidualSurplus,
}

impl Inactive {
    /// Sum of the reasons RCTab counts as inactive (everything except final-round surplus).
    pub fn total(&self) -> Result<Votes, crate::TallyError> {
        self.exhausted_choices
            .checked_add(self.overvotes)?
            .checked_add(self.repeated_rankings)?
            .checked_add(self.skipped_rankings)?
            .checked_add(self.did_not_rank_any_candidates)
    }
}
