//! Tie-breaks exactly as RCTab's `Tiebreak` class (RCTab's `Tiebreak`).

use crate::contest::Contest;
use crate::error::{TallyError, TieDirection};
use crate::java_collections::{hash_set_order, hash_set_order_is_stable};
use crate::java_random::{shuffle, JavaRandom};
use crate::rules::TiebreakMode;
use crate::votes::Votes;

/// How a tie was decided, with candidates as indices.
#[derive(Debug, Clone)]
pub(crate) enum Resolution {
    Random,
    CandidateOrder,
    GeneratedPermutation,
    PreviousRound(u32),
    RandomAfterPreviousRounds(Vec<u32>),
}

#[derive(Debug, Clone)]
pub(crate) struct TieRecord {
    /// Everyone in the tie, in Java string order.
    pub(crate) tied: Vec<u32>,
    pub(crate) votes: Votes,
    pub(crate) resolution: Resolution,
}

/// One per tabulation pass, as RCTab creates a fresh `Random(seed)` per pass.
pub(crate) struct TieBreaker {
    mode: TiebreakMode,
    random: Option<JavaRandom>,
    /// Candidate order searched by the permutation modes (declared candidates only).
    permutation: Vec<u32>,
}

impl TieBreaker {
    pub(crate) fn new(contest: &Contest) -> TieBreaker {
        let rules = &contest.rules;
        let mode = rules.tiebreak_mode;
        let mut random = rules.random_seed.map(JavaRandom::new);
        // At most MAX_CANDIDATES, so the count fits in a u32.
        let mut permutation: Vec<u32> = (0..contest.num_declared as u32).collect();
        if mode == TiebreakMode::GeneratePermutation {
            // Sorted first so the shuffle does not depend on the declared order.
            permutation.sort_by(|&a, &b| contest.java_order(a, b));
            if let Some(rng) = random.as_mut() {
                shuffle(&mut permutation, rng);
            }
            random = None;
        }
        TieBreaker {
            mode,
            random,
            permutation,
        }
    }

    /// Picks one of `tied` (at least two candidates with `votes` each). `tallies[r - 1]` is the
    /// tally of round `r`, for the previous-round modes.
    pub(crate) fn select(
        &mut self,
        contest: &Contest,
        direction: TieDirection,
        tied: &[u32],
        votes: Votes,
        round: u32,
        tallies: &[&[Option<Votes>]],
    ) -> Result<(u32, TieRecord), TallyError> {
        let mut sorted = tied.to_vec();
        sorted.sort_by(|&a, &b| contest.java_order(a, b));
        let (chosen, resolution) = match self.mode {
            TiebreakMode::Random => (self.draw(&sorted)?, Resolution::Random),
            TiebreakMode::StopCountingAndAsk => {
                return Err(self.needs_operator(contest, direction, &sorted, round))
            }
            TiebreakMode::UseCandidateOrder => (
                self.by_permutation(direction, &sorted)?,
                Resolution::CandidateOrder,
            ),
            TiebreakMode::GeneratePermutation => (
                self.by_permutation(direction, &sorted)?,
                Resolution::GeneratedPermutation,
            ),
            TiebreakMode::PreviousRoundCountsThenRandom
            | TiebreakMode::PreviousRoundCountsThenAsk => {
                self.by_previous_rounds(contest, direction, &sorted, round, tallies)?
            }
        };
        Ok((
            chosen,
            TieRecord {
                tied: sorted,
                votes,
                resolution,
            },
        ))
    }

    fn draw(&mut self, candidates: &[u32]) -> Result<u32, TallyError> {
        let random = self
            .random
            .as_mut()
            .ok_or_else(|| TallyError::internal("random tie-break without a seed"))?;
        let index = random.next_index(candidates.len());
        candidates
            .get(index)
            .copied()
            .ok_or_else(|| TallyError::internal("random tie-break index out of range"))
    }

    /// Winner: earliest in the permutation; loser: latest.
    fn by_permutation(&self, direction: TieDirection, tied: &[u32]) -> Result<u32, TallyError> {
        let found = match direction {
            TieDirection::Winner => self.permutation.iter().find(|c| tied.contains(c)),
            TieDirection::Loser => self.permutation.iter().rev().find(|c| tied.contains(c)),
        };
        found
            .copied()
            .ok_or_else(|| TallyError::internal("no tied candidate is in the tie-break order"))
    }

    /// Walks back through earlier rounds keeping the best (or worst) placed; Java iterates a
    /// `HashSet` of the survivors at each step, and that order is the list the final random draw
    /// indexes into.
    fn by_previous_rounds(
        &mut self,
        contest: &Contest,
        direction: TieDirection,
        sorted: &[u32],
        round: u32,
        tallies: &[&[Option<Votes>]],
    ) -> Result<(u32, Resolution), TallyError> {
        let mut contention = sorted.to_vec();
        // Whether `contention` is already the iteration order of a `HashSet` of its members.
        let mut in_hash_order = false;
        for earlier in (1..round).rev() {
            let tally = tallies
                .get(earlier as usize - 1)
                .ok_or_else(|| TallyError::internal("missing earlier round"))?;
            if !in_hash_order {
                let hashes: Vec<i32> = contention.iter().map(|&c| contest.java_hash(c)).collect();
                // Positions into `hashes`, which is as long as `contention`.
                contention = hash_set_order(&hashes)
                    .into_iter()
                    .map(|position| contention[position])
                    .collect();
            }
            let votes_in = |candidate: u32| match tally.get(candidate as usize) {
                Some(Some(votes)) => Ok(*votes),
                _ => Err(TallyError::internal(
                    "tied candidate missing in an earlier round",
                )),
            };
            let mut extreme: Option<Votes> = None;
            for &candidate in &contention {
                let votes = votes_in(candidate)?;
                extreme = Some(match (extreme, direction) {
                    (None, _) => votes,
                    (Some(best), TieDirection::Winner) => best.max(votes),
                    (Some(worst), TieDirection::Loser) => worst.min(votes),
                });
            }
            let before = contention.len();
            contention.retain(|&candidate| votes_in(candidate).ok() == extreme);
            if let [only] = contention[..] {
                return Ok((only, Resolution::PreviousRound(earlier)));
            }
            // Java builds a new HashSet from this list for the next round. When nobody dropped
            // out and the set cannot resize, that reproduces this very order; skipping the
            // rebuild keeps long ties (e.g. hundreds of candidates at zero) from costing a hash
            // of every tied name for every earlier round.
            in_hash_order = contention.len() == before && hash_set_order_is_stable(before);
        }
        if self.mode == TiebreakMode::PreviousRoundCountsThenAsk {
            return Err(self.needs_operator(contest, direction, &contention, round));
        }
        let chosen = self.draw(&contention)?;
        Ok((chosen, Resolution::RandomAfterPreviousRounds(contention)))
    }

    fn needs_operator(
        &self,
        contest: &Contest,
        direction: TieDirection,
        candidates: &[u32],
        round: u32,
    ) -> TallyError {
        TallyError::TieNeedsOperator {
            round,
            candidates: candidates
                .iter()
                .map(|&c| contest.name(c).to_owned())
                .collect(),
            direction,
            mode: self.mode.as_str().to_owned(),
        }
    }
}
