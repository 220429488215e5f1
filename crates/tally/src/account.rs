//! What a pass records round by round, and its translation into the public result types.

use crate::contest::Contest;
use crate::error::TallyError;
use crate::result::{
    CandidateVotes, Decision, ElectedReason, EliminatedReason, Inactive, Pass, Round, Summary,
    TieBreak, TieResolution, Transfer, TransferTarget,
};
use crate::round::{Moves, Status, Target, STATUS_COUNT};
use crate::tiebreak::{Resolution, TieRecord};
use crate::votes::Votes;

pub(crate) type ElectedWhy = ElectedReason;

#[derive(Debug, Clone)]
pub(crate) enum EliminatedWhy {
    LowestTally,
    TieBreak(TieRecord),
    Batch {
        running_total: Votes,
        next_lowest: Votes,
    },
    Cutoff,
    UndeclaredWriteIn,
}

#[derive(Debug, Clone)]
pub(crate) enum DecidedKind {
    Elected {
        why: ElectedWhy,
        tie: Option<TieRecord>,
        surplus_fraction: Option<Votes>,
    },
    Eliminated {
        why: EliminatedWhy,
    },
}

#[derive(Debug, Clone)]
pub(crate) struct Decided {
    pub(crate) candidate: u32,
    /// The candidate's tally when decided.
    pub(crate) votes: Votes,
    pub(crate) kind: DecidedKind,
}

impl Decided {
    fn is_elected(&self) -> bool {
        matches!(self.kind, DecidedKind::Elected { .. })
    }
}

#[derive(Debug, Clone)]
pub(crate) struct RoundRecord {
    /// `Some` for candidates in the round's tally (indexed by candidate).
    pub(crate) tally: Vec<Option<Votes>>,
    pub(crate) threshold: Votes,
    pub(crate) statuses: [Votes; STATUS_COUNT],
    pub(crate) decisions: Vec<Decided>,
    /// Cumulative residual surplus removed from winners.
    pub(crate) residual_surplus: Votes,
}

#[derive(Debug, Clone)]
pub(crate) struct PassRecord {
    pub(crate) seats: u32,
    pub(crate) uses_surpluses: bool,
    pub(crate) rounds: Vec<RoundRecord>,
    pub(crate) moves: Vec<Moves>,
}

impl PassRecord {
    /// Winners round by round, each round's in Java string order (as RCTab reports them).
    pub(crate) fn winners_in_order(&self, contest: &Contest) -> Vec<u32> {
        self.rounds
            .iter()
            .flat_map(|r| sorted(contest, r, true))
            .map(|d| d.candidate)
            .collect()
    }
}

fn sorted<'r>(contest: &Contest, record: &'r RoundRecord, elected: bool) -> Vec<&'r Decided> {
    let mut decisions: Vec<&Decided> = record
        .decisions
        .iter()
        .filter(|d| d.is_elected() == elected)
        .collect();
    decisions.sort_by(|a, b| contest.java_order(a.candidate, b.candidate));
    decisions
}

fn status(record: &RoundRecord, status: Status) -> Votes {
    record.statuses[status as usize]
}

pub(crate) fn build_pass(
    contest: &Contest,
    number: u32,
    record: &PassRecord,
) -> Result<Pass, TallyError> {
    let name = |c: u32| contest.name(c).to_owned();
    let last = record.rounds.len();
    let mut rounds = Vec::with_capacity(last);
    let mut winners = Vec::new();
    for (index, rec) in record.rounds.iter().enumerate() {
        let round = index as u32 + 1;
        let mut tally: Vec<(u32, Votes)> = rec
            .tally
            .iter()
            .enumerate()
            .filter_map(|(c, v)| v.map(|v| (c as u32, v)))
            .collect();
        tally.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let elected = sorted(contest, rec, true);
        let eliminated = sorted(contest, rec, false);
        winners.extend(elected.iter().map(|d| name(d.candidate)));
        let decided: Vec<&Decided> = elected.iter().chain(eliminated.iter()).copied().collect();
        let mut transfers = Vec::new();
        if let Some(moves) = record.moves.get(index + 1) {
            for decision in &decided {
                for ((from, to), flow) in
                    moves.range((Some(decision.candidate), Target::Candidate(0))..)
                {
                    if *from != Some(decision.candidate) {
                        break;
                    }
                    transfers.push(Transfer {
                        from: name(decision.candidate),
                        to: match to {
                            Target::Candidate(c) => TransferTarget::Candidate {
                                candidate: name(*c),
                            },
                            Target::Exhausted => TransferTarget::Exhausted,
                            Target::Residual => TransferTarget::ResidualSurplus,
                        },
                        votes: flow.votes,
                        ballots: flow.ballots,
                    });
                }
            }
        }
        let decisions = decided
            .iter()
            .map(|d| public_decision(contest, d, rec.threshold))
            .collect::<Result<Vec<_>, _>>()?;
        rounds.push(Round {
            round,
            tally: tally
                .into_iter()
                .map(|(c, votes)| CandidateVotes {
                    candidate: name(c),
                    votes,
                })
                .collect(),
            threshold: rec.threshold,
            active: status(rec, Status::Active)
                .checked_add(status(rec, Status::FinalRoundSurplus))?,
            inactive: Inactive {
                exhausted_choices: status(rec, Status::ExhaustedChoice),
                overvotes: status(rec, Status::Overvote),
                repeated_rankings: status(rec, Status::RepeatedRanking),
                skipped_rankings: status(rec, Status::SkippedRanking),
                did_not_rank_any_candidates: status(rec, Status::DidNotRank),
                final_round_surplus: (record.uses_surpluses && index + 1 == last)
                    .then(|| status(rec, Status::FinalRoundSurplus)),
            },
            residual_surplus: rec.residual_surplus,
            elected: elected.iter().map(|d| name(d.candidate)).collect(),
            eliminated: eliminated.iter().map(|d| name(d.candidate)).collect(),
            decisions,
            transfers,
        });
    }
    let first = record.rounds.first().ok_or(TallyError::NoRounds)?;
    let total_ballots = first
        .statuses
        .iter()
        .try_fold(Votes::ZERO, |sum, v| sum.checked_add(*v))?;
    let final_threshold = record.rounds.last().map_or(Votes::ZERO, |r| r.threshold);
    Ok(Pass {
        pass: number,
        winners,
        rounds,
        summary: Summary {
            total_ballots,
            undervotes: status(first, Status::DidNotRank),
            num_candidates: contest.names.len(),
            num_winners: record.seats,
            final_threshold,
        },
    })
}

fn names(contest: &Contest, candidates: &[u32]) -> Vec<String> {
    candidates
        .iter()
        .map(|&c| contest.name(c).to_owned())
        .collect()
}

fn public_tie(contest: &Contest, winner: u32, tie: &TieRecord) -> TieBreak {
    let others: Vec<u32> = tie.tied.iter().copied().filter(|&c| c != winner).collect();
    TieBreak {
        mode: contest.rules.tiebreak_mode,
        tied_with: names(contest, &others),
        votes: tie.votes,
        resolved_by: match &tie.resolution {
            Resolution::Random => TieResolution::Random,
            Resolution::CandidateOrder => TieResolution::CandidateOrder,
            Resolution::GeneratedPermutation => TieResolution::GeneratedPermutation,
            Resolution::PreviousRound(round) => TieResolution::PreviousRound { round: *round },
            Resolution::RandomAfterPreviousRounds(still) => {
                TieResolution::RandomAfterPreviousRounds {
                    still_tied: names(contest, still),
                }
            }
        },
    }
}

fn public_decision(
    contest: &Contest,
    decided: &Decided,
    threshold: Votes,
) -> Result<Decision, TallyError> {
    let candidate = contest.name(decided.candidate).to_owned();
    Ok(match &decided.kind {
        DecidedKind::Elected {
            why,
            tie,
            surplus_fraction,
        } => {
            let above = decided.votes.checked_sub(threshold)?;
            Decision::Elected {
                candidate,
                votes: decided.votes,
                reason: *why,
                tie_break: tie
                    .as_ref()
                    .map(|t| public_tie(contest, decided.candidate, t)),
                surplus: if above.is_positive() {
                    above
                } else {
                    Votes::ZERO
                },
                surplus_fraction: *surplus_fraction,
            }
        }
        DecidedKind::Eliminated { why } => Decision::Eliminated {
            candidate,
            votes: decided.votes,
            reason: match why {
                EliminatedWhy::LowestTally => EliminatedReason::LowestTally,
                EliminatedWhy::TieBreak(tie) => {
                    EliminatedReason::TieBreak(public_tie(contest, decided.candidate, tie))
                }
                EliminatedWhy::Batch {
                    running_total,
                    next_lowest,
                } => EliminatedReason::Batch {
                    running_total: *running_total,
                    next_lowest: *next_lowest,
                },
                EliminatedWhy::Cutoff => EliminatedReason::Cutoff,
                EliminatedWhy::UndeclaredWriteIn => EliminatedReason::UndeclaredWriteIn,
            },
        },
    })
}
