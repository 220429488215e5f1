//! Allocating every ballot group in one round (RCTab `Tabulator.computeTalliesForRound`).

use std::collections::BTreeMap;

use crate::contest::{Group, OVERVOTE};
use crate::error::TallyError;
use crate::rules::{MaxSkippedRanks, OvervoteRule, Rules};
use crate::votes::Votes;

/// A ballot's state for the round, as RCTab's `StatusForRound`. Inactive states are sticky.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    Active = 0,
    DidNotRank = 1,
    ExhaustedChoice = 2,
    Overvote = 3,
    SkippedRanking = 4,
    RepeatedRanking = 5,
    /// Counted as active by RCTab (it only appears after all seats are filled).
    FinalRoundSurplus = 6,
}

/// One more than the largest [`Status`] discriminant: `status as usize` indexes arrays this long.
pub(crate) const STATUS_COUNT: usize = 7;

/// Where a transfer goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Target {
    Candidate(u32),
    Exhausted,
    Residual,
}

/// Value and number of ballots moved along one edge.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Flow {
    pub(crate) votes: Votes,
    pub(crate) ballots: u64,
}

/// Transfers of one round, keyed by (source, target); `None` as source is the initial count.
pub(crate) type Moves = BTreeMap<(Option<u32>, Target), Flow>;

pub(crate) fn add_move(
    moves: &mut Moves,
    from: Option<u32>,
    to: Target,
    votes: Votes,
    ballots: u64,
) -> Result<(), TallyError> {
    let flow = moves.entry((from, to)).or_insert(Flow {
        votes: Votes::ZERO,
        ballots: 0,
    });
    flow.votes = flow.votes.checked_add(votes)?;
    flow.ballots = flow.ballots.saturating_add(ballots);
    Ok(())
}

/// Per-group state carried from round to round (RCTab `CastVoteRecord`).
#[derive(Debug, Clone)]
pub(crate) struct GroupState {
    pub(crate) recipient: Option<u32>,
    pub(crate) status: Status,
    /// Current value of each ballot in the group: 1 minus what winners kept.
    pub(crate) value: Votes,
    /// Value of each ballot kept by each winner it helped elect.
    pub(crate) allocations: Vec<(u32, Votes)>,
}

impl GroupState {
    pub(crate) fn new() -> GroupState {
        GroupState {
            recipient: None,
            status: Status::Active,
            value: Votes::ONE,
            allocations: Vec::new(),
        }
    }
}

/// What the round needs to know about candidates and rules.
pub(crate) struct RoundContext<'a> {
    pub(crate) continuing: &'a [bool],
    pub(crate) rules: &'a Rules,
    /// Surplus-transferring count with every seat filled: ballots leaving winners stop here.
    pub(crate) all_seats_filled: bool,
}

impl RoundContext<'_> {
    fn is_continuing(&self, mark: u32) -> bool {
        self.continuing.get(mark as usize).copied().unwrap_or(false)
    }
}

/// Totals of one round before any election or elimination.
pub(crate) struct RoundTotals {
    /// `Some` for every continuing candidate.
    pub(crate) tally: Vec<Option<Votes>>,
    pub(crate) statuses: [Votes; STATUS_COUNT],
    pub(crate) moves: Moves,
}

/// Where one ballot group counts in a round.
enum Allocation {
    Candidate(u32),
    Inactive(Status),
}

enum OvervoteDecision {
    None,
    Exhaust,
    SkipToNextRank,
}

pub(crate) fn allocate(
    groups: &[Group],
    states: &mut [GroupState],
    ctx: &RoundContext<'_>,
) -> Result<RoundTotals, TallyError> {
    let mut totals = RoundTotals {
        tally: ctx
            .continuing
            .iter()
            .map(|&c| c.then_some(Votes::ZERO))
            .collect(),
        statuses: [Votes::ZERO; STATUS_COUNT],
        moves: Moves::new(),
    };
    let mut seen = SeenMarks::new(ctx.continuing.len());
    for (group, state) in groups.iter().zip(states.iter_mut()) {
        if group.count == 0 {
            continue;
        }
        let total = state.value.checked_mul_count(group.count)?;
        if state.status != Status::Active {
            add_status(&mut totals, state.status, total)?;
            continue;
        }
        if let Some(current) = state.recipient {
            if ctx.is_continuing(current) {
                add_to_candidate(&mut totals, current, total)?;
                continue;
            }
        }
        let outcome = if group.ranks.is_empty() {
            Allocation::Inactive(Status::DidNotRank)
        } else {
            scan(group, ctx, &mut seen)?
        };
        if state.value.is_positive() {
            let target = match outcome {
                Allocation::Candidate(c) => Target::Candidate(c),
                Allocation::Inactive(_) => Target::Exhausted,
            };
            add_move(
                &mut totals.moves,
                state.recipient,
                target,
                total,
                group.count,
            )?;
        }
        match outcome {
            Allocation::Candidate(c) => {
                state.recipient = Some(c);
                add_to_candidate(&mut totals, c, total)?;
            }
            Allocation::Inactive(status) => {
                state.recipient = None;
                state.status = status;
                add_status(&mut totals, status, total)?;
            }
        }
    }
    Ok(totals)
}

fn add_status(totals: &mut RoundTotals, status: Status, value: Votes) -> Result<(), TallyError> {
    let slot = &mut totals.statuses[status as usize];
    *slot = slot.checked_add(value)?;
    Ok(())
}

fn add_to_candidate(
    totals: &mut RoundTotals,
    candidate: u32,
    value: Votes,
) -> Result<(), TallyError> {
    let slot = totals
        .tally
        .get_mut(candidate as usize)
        .and_then(Option::as_mut)
        .ok_or_else(|| {
            TallyError::internal("a ballot went to a candidate who is not continuing")
        })?;
    *slot = slot.checked_add(value)?;
    add_status(totals, Status::Active, value)
}

/// The marks met so far while scanning one ballot, for the duplicate check: a flag per
/// candidate plus one for the overvote label, so each check is O(1) however long the ballot is.
struct SeenMarks {
    flags: Vec<bool>,
    /// Flags set by the current ballot, to clear them cheaply for the next one.
    set: Vec<usize>,
}

impl SeenMarks {
    fn new(candidates: usize) -> SeenMarks {
        SeenMarks {
            flags: vec![false; candidates + 1],
            set: Vec::new(),
        }
    }

    fn clear(&mut self) {
        // Only slots that `insert` found in range are recorded.
        for slot in self.set.drain(..) {
            self.flags[slot] = false;
        }
    }

    /// Records `mark`; `false` if this ballot already had it.
    fn insert(&mut self, mark: u32) -> bool {
        // The overvote label takes the last slot; candidate ids are below it.
        let slot = if mark == OVERVOTE {
            self.flags.len() - 1
        } else {
            mark as usize
        };
        match self.flags.get_mut(slot) {
            Some(flag) if *flag => false,
            Some(flag) => {
                *flag = true;
                self.set.push(slot);
                true
            }
            // Not a mark of this contest; prepared ballots have none.
            None => true,
        }
    }
}

/// Re-scans a ballot from its first rank, in RCTab's order of checks.
fn scan(
    group: &Group,
    ctx: &RoundContext<'_>,
    seen: &mut SeenMarks,
) -> Result<Allocation, TallyError> {
    seen.clear();
    let last_rank = group.ranks.last().map_or(0, |r| r.number);
    let mut last_rank_seen: u64 = 0;
    for rank in &group.ranks {
        if ctx.all_seats_filled {
            return Ok(Allocation::Inactive(Status::FinalRoundSurplus));
        }
        if let MaxSkippedRanks::Limit(allowed) = ctx.rules.max_skipped_ranks_allowed {
            if u64::from(rank.number).saturating_sub(last_rank_seen) > u64::from(allowed) + 1 {
                return Ok(Allocation::Inactive(Status::SkippedRanking));
            }
        }
        last_rank_seen = u64::from(rank.number);
        if ctx.rules.exhaust_on_duplicate_candidate {
            for &mark in &rank.marks {
                if !seen.insert(mark) {
                    return Ok(Allocation::Inactive(Status::RepeatedRanking));
                }
            }
        }
        match overvote_decision(&rank.marks, ctx)? {
            OvervoteDecision::Exhaust => return Ok(Allocation::Inactive(Status::Overvote)),
            OvervoteDecision::SkipToNextRank => {
                if rank.number == last_rank {
                    return Ok(Allocation::Inactive(Status::ExhaustedChoice));
                }
                continue;
            }
            OvervoteDecision::None => {}
        }
        if let Some(&mark) = rank
            .marks
            .iter()
            .find(|&&m| m != OVERVOTE && ctx.is_continuing(m))
        {
            return Ok(Allocation::Candidate(mark));
        }
        if rank.number == last_rank {
            return Ok(Allocation::Inactive(Status::ExhaustedChoice));
        }
    }
    Ok(Allocation::Inactive(Status::ExhaustedChoice))
}

/// RCTab `Tabulator.getOvervoteDecision`.
fn overvote_decision(
    marks: &[u32],
    ctx: &RoundContext<'_>,
) -> Result<OvervoteDecision, TallyError> {
    let rule = ctx.rules.overvote_rule;
    if marks.contains(&OVERVOTE) {
        return match rule {
            OvervoteRule::ExhaustImmediately => Ok(OvervoteDecision::Exhaust),
            OvervoteRule::AlwaysSkipToNextRank => Ok(OvervoteDecision::SkipToNextRank),
            // Rejected when the election is prepared.
            OvervoteRule::ExhaustIfMultipleContinuing => Err(TallyError::internal(
                "overvote label with exhaust_if_multiple_continuing",
            )),
        };
    }
    if marks.len() <= 1 {
        return Ok(OvervoteDecision::None);
    }
    Ok(match rule {
        OvervoteRule::ExhaustImmediately => OvervoteDecision::Exhaust,
        OvervoteRule::AlwaysSkipToNextRank => OvervoteDecision::SkipToNextRank,
        OvervoteRule::ExhaustIfMultipleContinuing => {
            // Repeats count twice: `A|A` with A continuing is two continuing marks.
            if marks.iter().filter(|&&m| ctx.is_continuing(m)).count() >= 2 {
                OvervoteDecision::Exhaust
            } else {
                OvervoteDecision::None
            }
        }
    })
}
