//! The round loop of one tabulation pass (RCTab `Tabulator.tabulate` and the methods it calls).

use std::collections::BTreeMap;

use crate::account::{
    build_pass, Decided, DecidedKind, ElectedWhy, EliminatedWhy, PassRecord, RoundRecord,
};
use crate::contest::Contest;
use crate::error::{TallyError, TieDirection};
use crate::result::Tabulation;
use crate::round::{self, add_move, GroupState, Moves, RoundContext, Status, Target};
use crate::rules::WinnerElectionMode;
use crate::tiebreak::{TieBreaker, TieRecord};
use crate::votes::Votes;

/// Counts a validated contest: one pass, or one per seat for multi-pass IRV.
pub(crate) fn tabulate(contest: &Contest) -> Result<Tabulation, TallyError> {
    let rules = &contest.rules;
    if !rules.is_multi_pass() {
        let record = Pass::new(contest, contest.excluded.clone(), rules.number_of_winners).run()?;
        let pass = build_pass(contest, 1, &record)?;
        return Ok(Tabulation {
            winners: pass.winners.clone(),
            multi_pass: false,
            passes: vec![pass],
        });
    }
    let mut excluded = contest.excluded.clone();
    let mut passes = Vec::new();
    let mut winners = Vec::new();
    for number in 1..=rules.number_of_winners {
        let record = Pass::new(contest, excluded.clone(), 1).run()?;
        let pass = build_pass(contest, number, &record)?;
        let pass_winners = record.winners_in_order(contest);
        let [winner] = pass_winners[..] else {
            return Err(TallyError::MultiPassWinnerCount {
                pass: number,
                found: pass_winners.len(),
            });
        };
        if let Some(flag) = excluded.get_mut(winner as usize) {
            *flag = true;
        }
        winners.extend(pass.winners.iter().cloned());
        passes.push(pass);
    }
    Ok(Tabulation {
        winners,
        multi_pass: true,
        passes,
    })
}

/// One tabulation pass.
///
/// Candidates are indices into `contest.names`, and every per-candidate vector here (and every
/// round's tally) has exactly one entry per name, so indexing them with a candidate taken from a
/// tally or a tie cannot fail.
struct Pass<'c> {
    contest: &'c Contest,
    /// Seats of this pass (1 in each multi-pass IRV pass).
    seats: u32,
    excluded: Vec<bool>,
    winner_round: Vec<Option<u32>>,
    eliminated_round: Vec<Option<u32>>,
    num_winners: usize,
    num_eliminated: usize,
    /// All names minus excluded ones (RCTab `getNumCandidates`).
    num_candidates: i64,
    states: Vec<GroupState>,
    rounds: Vec<RoundRecord>,
    /// `moves[r - 1]`: transfers made while tallying round `r`.
    moves: Vec<Moves>,
    tiebreaker: TieBreaker,
    round: u32,
}

impl<'c> Pass<'c> {
    fn new(contest: &'c Contest, excluded: Vec<bool>, seats: u32) -> Pass<'c> {
        let n = contest.names.len();
        let num_excluded = excluded.iter().filter(|&&e| e).count();
        Pass {
            contest,
            seats,
            winner_round: vec![None; n],
            eliminated_round: vec![None; n],
            num_winners: 0,
            num_eliminated: 0,
            num_candidates: (n - num_excluded) as i64,
            excluded,
            states: vec![GroupState::new(); contest.groups.len()],
            rounds: Vec::new(),
            moves: Vec::new(),
            tiebreaker: TieBreaker::new(contest),
            round: 0,
        }
    }

    fn uses_surpluses(&self) -> bool {
        self.seats > 1 && !self.contest.rules.is_bottoms_up()
    }

    fn continuing(&self, candidate: usize) -> bool {
        if self.excluded[candidate] {
            false
        } else if self.winner_round[candidate].is_some() {
            self.contest.rules.continue_until_two_candidates_remain
        } else {
            self.eliminated_round[candidate].is_none()
        }
    }

    fn run(mut self) -> Result<PassRecord, TallyError> {
        // Every round elects or eliminates someone, so this only stops a bug from looping. With
        // at most MAX_CANDIDATES candidates, the round number stays far from overflowing.
        let limit =
            u32::try_from(self.contest.names.len().saturating_mul(2) + 10).unwrap_or(u32::MAX);
        while self.should_continue() {
            self.round += 1;
            if self.round > limit {
                return Err(TallyError::RoundLimit { rounds: limit });
            }
            self.tabulate_round()?;
        }
        if self.rounds.is_empty() {
            return Err(TallyError::NoRounds);
        }
        Ok(PassRecord {
            seats: self.seats,
            uses_surpluses: self.uses_surpluses(),
            rounds: self.rounds,
            moves: self.moves,
        })
    }

    /// RCTab `shouldContinueTabulating`.
    fn should_continue(&self) -> bool {
        let rules = &self.contest.rules;
        let stop_after = rules.stop_tabulation_early_after_round.unwrap_or(u32::MAX);
        let everyone_won = self.num_winners == self.contest.num_declared
            && i64::from(self.seats) > self.num_candidates;
        if self.round >= stop_after || everyone_won {
            false
        } else if rules.continue_until_two_candidates_remain {
            ((self.num_eliminated + self.num_winners + 1) as i64) < self.num_candidates
                || self.eliminated_round.contains(&Some(self.round))
        } else if rules.is_percentage_mode() {
            self.num_winners == 0
        } else {
            (self.num_winners as u64) < u64::from(self.seats)
                || (self.uses_surpluses() && self.winner_round.contains(&Some(self.round)))
        }
    }

    fn tabulate_round(&mut self) -> Result<(), TallyError> {
        let continuing: Vec<bool> = (0..self.contest.names.len())
            .map(|c| self.continuing(c))
            .collect();
        let ctx = RoundContext {
            continuing: &continuing,
            rules: &self.contest.rules,
            all_seats_filled: self.uses_surpluses()
                && self.num_winners as u64 == u64::from(self.seats),
        };
        let totals = round::allocate(&self.contest.groups, &mut self.states, &ctx)?;
        self.moves.push(totals.moves);
        let residual_surplus = self
            .rounds
            .last()
            .map_or(Votes::ZERO, |r| r.residual_surplus);
        let threshold = if self.should_recompute_threshold() {
            self.threshold(&totals.statuses)?
        } else {
            self.rounds.last().map_or(Votes::ZERO, |r| r.threshold)
        };
        self.rounds.push(RoundRecord {
            tally: totals.tally,
            threshold,
            statuses: totals.statuses,
            decisions: Vec::new(),
            residual_surplus,
        });

        let winners = self.identify_winners()?;
        if !winners.is_empty() {
            self.elect(winners)?;
        } else if (self.num_winners as u64) < u64::from(self.seats)
            || (self.contest.rules.continue_until_two_candidates_remain
                && (self.num_eliminated as i64) < self.num_candidates - 2)
            || self.contest.rules.is_percentage_mode()
        {
            self.eliminate()?;
        }
        if self.seats > 1 {
            self.update_winner_tallies()?;
        }
        Ok(())
    }

    /// RCTab `shouldRecomputeThreshold`.
    fn should_recompute_threshold(&self) -> bool {
        let rules = &self.contest.rules;
        if self.seats > 1 {
            self.round == 1
        } else if self.round == 1 {
            true
        } else if rules.first_round_determines_threshold {
            false
        } else if rules.continue_until_two_candidates_remain {
            self.num_winners == 0
        } else {
            true
        }
    }

    /// RCTab `Tabulator.calculateAndSetWinningThreshold`.
    fn threshold(&self, statuses: &[Votes]) -> Result<Votes, TallyError> {
        let rules = &self.contest.rules;
        let active = statuses[Status::Active as usize]
            .checked_add(statuses[Status::FinalRoundSurplus as usize])?;
        if rules.is_percentage_mode() {
            let percent = rules
                .bottoms_up_percentage_threshold
                .ok_or_else(|| TallyError::internal("percentage mode without a percentage"))?;
            // p / 100 at two more decimals is exact, so RCTab's HALF_UP rounding never applies.
            let share = Votes::new(percent.units(), percent.scale() + 2)
                .ok_or_else(|| TallyError::overflow("computing the percentage threshold"))?;
            return active.checked_mul(share);
        }
        let divisor = if rules.hare_quota {
            u64::from(self.seats)
        } else {
            u64::from(self.seats) + 1
        };
        let divisor = Votes::from_count(divisor);
        let decimals = if rules.non_integer_winning_threshold {
            rules.decimal_places()
        } else {
            0
        };
        if rules.hare_quota {
            active.div_rounded_up(divisor, decimals)
        } else {
            let smallest_unit = Votes::new(1, decimals)
                .ok_or_else(|| TallyError::overflow("computing the threshold"))?;
            active
                .div_truncated(divisor, decimals)?
                .checked_add(smallest_unit)
        }
    }

    fn current(&self) -> Result<&RoundRecord, TallyError> {
        self.rounds
            .last()
            .ok_or_else(|| TallyError::internal("no current round"))
    }

    /// Candidates in this round's tally with their votes, in index order.
    fn tallied(&self) -> Result<Vec<(u32, Votes)>, TallyError> {
        Ok(self
            .current()?
            .tally
            .iter()
            .enumerate()
            .filter_map(|(c, v)| v.map(|v| (c as u32, v)))
            .collect())
    }

    fn break_tie(
        &mut self,
        direction: TieDirection,
        tied: &[u32],
        votes: Votes,
    ) -> Result<(u32, TieRecord), TallyError> {
        let tallies: Vec<&[Option<Votes>]> = self.rounds.iter().map(|r| &r.tally[..]).collect();
        self.tiebreaker
            .select(self.contest, direction, tied, votes, self.round, &tallies)
    }

    /// RCTab `identifyWinners`.
    fn identify_winners(
        &mut self,
    ) -> Result<Vec<(u32, ElectedWhy, Option<TieRecord>)>, TallyError> {
        let rules = &self.contest.rules;
        let tallied = self.tallied()?;
        let threshold = self.current()?.threshold;
        if let Some(uwi) = self.contest.uwi {
            if tallied
                .iter()
                .any(|&(c, v)| c as usize == uwi && !v.is_zero())
            {
                return Ok(Vec::new());
            }
        }
        if rules.is_percentage_mode() {
            let all_above = tallied.iter().all(|&(_, v)| v > threshold);
            return Ok(if all_above {
                tallied
                    .iter()
                    .map(|&(c, _)| (c, ElectedWhy::AllAbovePercentageThreshold, None))
                    .collect()
            } else {
                Vec::new()
            });
        }
        let unfilled = i64::from(self.seats) - self.num_winners as i64;
        let remaining = tallied.len() as i64;
        let mut selected: Vec<u32> = Vec::new();
        let mut why = ElectedWhy::ReachedThreshold;
        if unfilled > 0 {
            if remaining <= unfilled {
                selected = tallied.iter().map(|&(c, _)| c).collect();
                why = ElectedWhy::AsManyCandidatesAsSeats;
            } else if rules.first_round_determines_threshold
                && remaining - 1 == i64::from(self.seats)
            {
                selected = top_of(&tallied).1;
                why = ElectedWhy::LeaderWhenSeatsPlusOneRemain;
            } else if !rules.is_bottoms_up() {
                // The order does not matter: winners' ballots are disjoint, and the report
                // lists each round's winners in Java string order.
                selected = tallied
                    .iter()
                    .filter(|&&(c, v)| v >= threshold && Some(c as usize) != self.contest.uwi)
                    .map(|&(c, _)| c)
                    .collect();
            }
        }
        let one_at_a_time = rules.winner_election_mode
            == WinnerElectionMode::MultiWinnerAllowOnlyOneWinnerPerRound
            || rules.first_round_determines_threshold;
        let needs_tiebreak_multiple = selected.len() > 1 && one_at_a_time;
        let needs_tiebreak_none =
            self.seats == 1 && selected.is_empty() && remaining == 2 && unfilled == 1;
        if needs_tiebreak_multiple || needs_tiebreak_none {
            if needs_tiebreak_none {
                why = ElectedWhy::LeaderOfFinalTwo;
            }
            let (max, top) = top_of(&tallied);
            if top.len() > 1 {
                let (winner, tie) = self.break_tie(TieDirection::Winner, &top, max)?;
                return Ok(vec![(winner, why, Some(tie))]);
            }
            selected = top;
        }
        Ok(selected.into_iter().map(|c| (c, why, None)).collect())
    }

    fn elect(
        &mut self,
        winners: Vec<(u32, ElectedWhy, Option<TieRecord>)>,
    ) -> Result<(), TallyError> {
        let round = self.round;
        let decimals = self.contest.rules.decimal_places();
        let uses_surpluses = self.uses_surpluses();
        let record = self.current()?;
        let threshold = record.threshold;
        let votes_of: Vec<Votes> = winners
            .iter()
            .map(|(c, _, _)| {
                record
                    .tally
                    .get(*c as usize)
                    .copied()
                    .flatten()
                    .unwrap_or(Votes::ZERO)
            })
            .collect();
        let mut decisions = Vec::new();
        for ((winner, why, tie), votes) in winners.into_iter().zip(votes_of) {
            self.winner_round[winner as usize] = Some(round);
            self.num_winners += 1;
            let mut surplus_fraction = None;
            if uses_surpluses {
                let extra = votes.checked_sub(threshold)?;
                let fraction = if extra.is_positive() {
                    extra.div_truncated(votes, decimals)?
                } else {
                    Votes::ZERO
                };
                for state in self
                    .states
                    .iter_mut()
                    .filter(|s| s.recipient == Some(winner))
                {
                    let moving = state.value.mul_truncated(fraction, decimals)?;
                    let kept = state.value.checked_sub(moving)?;
                    state.allocations.push((winner, kept));
                    state.value = state.value.checked_sub(kept)?;
                }
                surplus_fraction = Some(fraction);
            }
            decisions.push(Decided {
                candidate: winner,
                votes,
                kind: DecidedKind::Elected {
                    why,
                    tie,
                    surplus_fraction,
                },
            });
        }
        self.record_decisions(decisions)
    }

    fn record_decisions(&mut self, decisions: Vec<Decided>) -> Result<(), TallyError> {
        let record = self
            .rounds
            .last_mut()
            .ok_or_else(|| TallyError::internal("no current round"))?;
        record.decisions.extend(decisions);
        Ok(())
    }

    /// The first applicable of: undeclared write-in drop, cutoff, batch, regular, in RCTab's order.
    fn eliminate(&mut self) -> Result<(), TallyError> {
        let rules = &self.contest.rules;
        let tallied = self.tallied()?;
        let threshold = self.current()?.threshold;
        let mut eliminated: Vec<(u32, Votes, EliminatedWhy)> = Vec::new();
        if let Some(uwi) = self.contest.uwi {
            if let Some(&(c, v)) = tallied.iter().find(|&&(c, _)| c as usize == uwi) {
                if v.is_positive() {
                    eliminated.push((c, v, EliminatedWhy::UndeclaredWriteIn));
                }
            }
        }
        if eliminated.is_empty() && rules.cutoff_elimination {
            eliminated = tallied
                .iter()
                .filter(|&&(_, v)| v < threshold)
                .map(|&(c, v)| (c, v, EliminatedWhy::Cutoff))
                .collect();
        }
        if eliminated.is_empty() && rules.batch_elimination {
            let batch = self.batch_elimination(&tallied)?;
            if batch.len() > 1 {
                eliminated = batch;
            }
        }
        if eliminated.is_empty() {
            let (min, lowest) = bottom_of(&tallied);
            match lowest[..] {
                [] => return Err(TallyError::NoCandidateToEliminate { round: self.round }),
                [only] => eliminated.push((only, min, EliminatedWhy::LowestTally)),
                _ => {
                    let (loser, tie) = self.break_tie(TieDirection::Loser, &lowest, min)?;
                    eliminated.push((loser, min, EliminatedWhy::TieBreak(tie)));
                }
            }
        }
        let round = self.round;
        let mut decisions = Vec::new();
        for (candidate, votes, why) in eliminated {
            self.eliminated_round[candidate as usize] = Some(round);
            self.num_eliminated += 1;
            decisions.push(Decided {
                candidate,
                votes,
                kind: DecidedKind::Eliminated { why },
            });
        }
        self.record_decisions(decisions)
    }

    /// RCTab `runBatchElimination`: eliminate every candidate whose votes, together with all
    /// lower candidates' votes, cannot catch up with the next-lowest tally.
    fn batch_elimination(
        &self,
        tallied: &[(u32, Votes)],
    ) -> Result<Vec<(u32, Votes, EliminatedWhy)>, TallyError> {
        let decimals = self.contest.rules.decimal_places();
        let mut by_tally: BTreeMap<Votes, Vec<u32>> = BTreeMap::new();
        for &(c, v) in tallied {
            by_tally.entry(v).or_default().push(c);
        }
        let mut running_total = Votes::ZERO;
        // Seen but not yet batch-eliminated; RCTab eliminates all of them at once.
        let mut pending: Vec<(u32, Votes)> = Vec::new();
        let mut eliminations: Vec<(u32, Votes, EliminatedWhy)> = Vec::new();
        // Length of the list before its last growth, to undo that growth for continue-until-two.
        let mut previous_len = 0;
        for (votes, candidates) in &by_tally {
            if running_total < *votes && !pending.is_empty() {
                previous_len = eliminations.len();
                let why = EliminatedWhy::Batch {
                    running_total,
                    next_lowest: *votes,
                };
                eliminations.extend(pending.drain(..).map(|(c, v)| (c, v, why.clone())));
            }
            let group_total = votes
                .checked_mul_count(candidates.len() as u64)?
                .with_scale_truncated(decimals)?;
            running_total = running_total.checked_add(group_total)?;
            pending.extend(candidates.iter().map(|&c| (c, *votes)));
        }
        if self.contest.rules.continue_until_two_candidates_remain
            && (eliminations.len() + self.num_eliminated) as i64 == self.num_candidates - 1
        {
            eliminations.truncate(previous_len);
        }
        Ok(eliminations)
    }

    /// RCTab `updateWinnerTallies`: earlier winners keep what their ballots left them, and any
    /// excess over the threshold from double truncation is removed as residual surplus.
    fn update_winner_tallies(&mut self) -> Result<(), TallyError> {
        let round = self.round;
        let count = self.rounds.len();
        let previous_tally: Vec<Option<Votes>> = match count.checked_sub(2) {
            Some(i) => self.rounds[i].tally.clone(),
            None => Vec::new(),
        };
        let threshold = self.current()?.threshold;
        let mut fresh: Vec<u32> = Vec::new();
        let mut updates: Vec<(u32, Votes)> = Vec::new();
        for (c, won) in self.winner_round.iter().enumerate() {
            let Some(won) = *won else { continue };
            if won == round {
                continue;
            }
            if won + 1 == round {
                fresh.push(c as u32);
            } else {
                let kept = previous_tally
                    .get(c)
                    .copied()
                    .flatten()
                    .unwrap_or(Votes::ZERO);
                updates.push((c as u32, kept));
            }
        }
        for &winner in &fresh {
            let mut kept = Votes::ZERO;
            for (group, state) in self.contest.groups.iter().zip(&self.states) {
                for &(w, value) in &state.allocations {
                    if w == winner {
                        kept = kept.checked_add(value.checked_mul_count(group.count)?)?;
                    }
                }
            }
            let residual = kept.checked_sub(threshold)?;
            if residual.is_positive() {
                let moves = self
                    .moves
                    .last_mut()
                    .ok_or_else(|| TallyError::internal("no transfers for the round"))?;
                add_move(moves, Some(winner), Target::Residual, residual, 0)?;
                let record = self
                    .rounds
                    .last_mut()
                    .ok_or_else(|| TallyError::internal("no current round"))?;
                record.residual_surplus = record.residual_surplus.checked_add(residual)?;
                kept = threshold;
            }
            updates.push((winner, kept));
        }
        let record = self
            .rounds
            .last_mut()
            .ok_or_else(|| TallyError::internal("no current round"))?;
        for (winner, kept) in updates {
            if let Some(slot) = record.tally.get_mut(winner as usize) {
                *slot = Some(kept);
            }
        }
        Ok(())
    }
}

/// The highest tally and everyone with it.
fn top_of(tallied: &[(u32, Votes)]) -> (Votes, Vec<u32>) {
    let max = tallied.iter().map(|t| t.1).max().unwrap_or(Votes::ZERO);
    (
        max,
        tallied.iter().filter(|t| t.1 == max).map(|t| t.0).collect(),
    )
}

/// The lowest tally and everyone with it.
fn bottom_of(tallied: &[(u32, Votes)]) -> (Votes, Vec<u32>) {
    let min = tallied.iter().map(|t| t.1).min().unwrap_or(Votes::ZERO);
    (
        min,
        tallied.iter().filter(|t| t.1 == min).map(|t| t.0).collect(),
    )
}
