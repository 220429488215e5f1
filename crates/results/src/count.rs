//! Counting a poll with `plaza-tally`, and turning its account of the
//! count into the contract's round-by-round results.

use std::collections::BTreeMap;

use plaza_contract::seed::Seed;
use plaza_contract::{
    BallotExport, BallotGroup, CountingRules, Decimal, InactiveCounts, Poll, PollResults, Quota,
    Recount, ResultRound, TieBreak, Timestamp, VotingMethod,
};
use plaza_tally::{
    Election, MaxRankings, Rules, TallyError, TiebreakMode, TransferTarget, Votes,
    WinnerElectionMode,
};

/// The seed of the random tie-break when the poll names none (RCTab's
/// default). The published export states it, so anyone can re-count.
pub const DEFAULT_SEED: i64 = 0;

/// The counting engine's rules for a poll: IRV is RCTab's single-winner
/// majority; STV elects everyone who reaches the quota in a round.
pub fn tally_rules(poll: &Poll) -> Rules {
    rules_of(poll.method, poll.seats, &poll.rules, poll.max_rankings)
}

fn rules_of(
    method: VotingMethod,
    seats: u32,
    r: &CountingRules,
    max_rankings: Option<u32>,
) -> Rules {
    let stv = method == VotingMethod::Stv;
    Rules {
        winner_election_mode: if stv {
            WinnerElectionMode::MultiWinnerAllowMultipleWinnersPerRound
        } else {
            WinnerElectionMode::SingleWinnerMajority
        },
        number_of_winners: if stv { seats } else { 1 },
        tiebreak_mode: match r.tiebreak {
            TieBreak::Random => TiebreakMode::Random,
            TieBreak::PreviousRoundCountsThenRandom => TiebreakMode::PreviousRoundCountsThenRandom,
            TieBreak::UseCandidateOrder => TiebreakMode::UseCandidateOrder,
            TieBreak::GeneratePermutation => TiebreakMode::GeneratePermutation,
        },
        random_seed: Some(r.random_seed.unwrap_or(DEFAULT_SEED)),
        decimal_places_for_vote_arithmetic: u32::from(r.decimal_places),
        non_integer_winning_threshold: r.quota == Quota::DroopNonInteger,
        hare_quota: r.quota == Quota::Hare,
        batch_elimination: r.batch_elimination,
        max_rankings_allowed: max_rankings.map_or(MaxRankings::Max, MaxRankings::Limit),
        ..Rules::default()
    }
}

/// Why a poll cannot be counted as configured (checked on import, so a
/// count never fails on the organiser's settings).
pub fn rules_problem(poll: &Poll) -> Option<String> {
    let mut problems = poll.problems();
    if let Err(e) = tally_rules(poll).validate() {
        problems.push(format!("rules: {e}"));
    }
    (!problems.is_empty()).then(|| problems.join("; "))
}

/// Everything that keeps a seed from being imported: its inconsistencies
/// ([`Seed::problems`]) and the polls that could not be counted as configured.
pub fn seed_problems(seed: &Seed) -> Vec<String> {
    let mut problems = seed.problems();
    for entry in &seed.deliberations {
        if let Some(poll) = &entry.poll {
            if let Some(p) = rules_problem(poll) {
                problems.push(format!("poll {:?}: {p}", poll.id));
            }
        }
    }
    problems
}

/// Counts `ballots` for `poll`.
pub fn count(
    poll: &Poll,
    ballots: &[BallotGroup],
    is_final: bool,
    counted_at: Timestamp,
) -> Result<PollResults, TallyError> {
    let options: Vec<String> = poll.options.iter().map(|o| o.id.clone()).collect();
    let counted = count_rounds(options, tally_rules(poll), ballots)?;
    Ok(PollResults {
        poll_id: poll.id.clone(),
        is_final,
        counted_at,
        total_ballots: counted.total_ballots,
        winners: counted.winners,
        rounds: counted.rounds,
    })
}

/// Counts the published ballots of a closed poll again, from its export
/// alone, as a resident's browser does (`plaza-recount`): the same rounds
/// as the backend's results when the export is complete and true.
pub fn recount(export: &BallotExport) -> Result<Recount, TallyError> {
    // The export keeps no ranking limit: every ballot in it was checked
    // against the limit when cast, so counting without one is the same.
    let rules = rules_of(export.method, export.seats, &export.rules, None);
    count_rounds(export.options.clone(), rules, &export.ballots)
}

/// [`recount`], and where the export differs from what the poll announced
/// (`announced`: its id, options in order, method, seats and rules, as
/// [`BallotExport::announced`] reads them from the poll), the tie-break
/// seed being the one the count used when the poll names none.
pub fn recount_as_announced(
    export: &BallotExport,
    announced: &BallotExport,
) -> Result<Recount, TallyError> {
    let mut again = recount(export)?;
    // The seed as the count reads it: the default when none is named, none
    // when the tie-break draws nothing.
    let drawn = |rules: &CountingRules| {
        let mut rules = rules.clone();
        rules.random_seed = match rules.tiebreak {
            TieBreak::UseCandidateOrder => None,
            _ => Some(rules.random_seed.unwrap_or(DEFAULT_SEED)),
        };
        rules
    };
    let mut differs = |what: &str, same: bool| {
        if !same {
            again
                .not_as_announced
                .push(format!("{what}: not the poll's"));
        }
    };
    differs("poll id", export.poll_id == announced.poll_id);
    differs("options", export.options == announced.options);
    differs(
        "method and seats",
        (export.method, export.seats) == (announced.method, announced.seats),
    );
    differs(
        "counting rules",
        drawn(&export.rules) == drawn(&announced.rules),
    );
    Ok(again)
}

fn count_rounds(
    options: Vec<String>,
    rules: Rules,
    ballots: &[BallotGroup],
) -> Result<Recount, TallyError> {
    // Counts from an export: a sum past u64 is no count at all.
    let total = ballots
        .iter()
        .try_fold(0u64, |sum, b| sum.checked_add(b.count))
        .ok_or_else(|| TallyError::ArithmeticOverflow {
            context: "adding up the ballots".into(),
        })?;
    let mut results = Recount {
        total_ballots: decimal_of_count(total),
        winners: Vec::new(),
        rounds: Vec::new(),
        not_as_announced: Vec::new(),
    };
    if total == 0 {
        // Nothing to count: no rounds rather than a round of zeros.
        return Ok(results);
    }
    let mut election = Election::new(options, rules);
    for group in ballots {
        election.add_ranked(&group.ranking, group.count)?;
    }
    let tabulation = election.tabulate()?;
    results.winners = tabulation.winners.clone();
    let Some(pass) = tabulation.passes.first() else {
        return Ok(results);
    };
    results.total_ballots = decimal(pass.summary.total_ballots);
    for round in &pass.rounds {
        let mut transfers: BTreeMap<String, BTreeMap<String, Votes>> = BTreeMap::new();
        for t in &round.transfers {
            let to = match &t.to {
                TransferTarget::Candidate { candidate } => candidate.clone(),
                TransferTarget::Exhausted => "exhausted".to_owned(),
                TransferTarget::ResidualSurplus => "residual_surplus".to_owned(),
            };
            let slot = transfers
                .entry(t.from.clone())
                .or_default()
                .entry(to)
                .or_insert(Votes::ZERO);
            *slot = slot.checked_add(t.votes)?;
        }
        let inactive = &round.inactive;
        results.rounds.push(ResultRound {
            round: round.round,
            tally: round
                .tally
                .iter()
                .map(|c| (c.candidate.clone(), decimal(c.votes)))
                .collect(),
            threshold: decimal(round.threshold),
            inactive: InactiveCounts {
                // Ballots that ranked nobody cannot be cast here; were there
                // any, they would have stopped counting like exhausted ones.
                exhausted_choices: decimal(
                    inactive
                        .exhausted_choices
                        .checked_add(inactive.did_not_rank_any_candidates)?,
                ),
                overvotes: decimal(inactive.overvotes),
                skipped_rankings: decimal(inactive.skipped_rankings),
                repeated_rankings: decimal(inactive.repeated_rankings),
            },
            elected: round.elected.clone(),
            eliminated: round.eliminated.clone(),
            transfers: transfers
                .into_iter()
                .map(|(from, to)| (from, to.into_iter().map(|(k, v)| (k, decimal(v))).collect()))
                .collect(),
        });
    }
    Ok(results)
}

fn decimal_of_count(n: u64) -> Decimal {
    decimal(Votes::from_count(n))
}

/// A vote count in plain decimal notation (never exponent notation, never
/// negative), as the contract's `Decimal` requires.
pub fn decimal(v: Votes) -> Decimal {
    let units = v.units().max(0).to_string();
    let scale = usize::from(v.scale());
    let text = if scale == 0 {
        units
    } else {
        let padded = format!("{units:0>width$}", width = scale + 1);
        let (int, frac) = padded.split_at(padded.len() - scale);
        format!("{int}.{frac}")
    };
    // The text is digits with at most one point inside, which is exactly a
    // valid Decimal; the fallback is never taken.
    Decimal::try_from(text).unwrap_or_else(|_| zero())
}

fn zero() -> Decimal {
    match Decimal::try_from("0") {
        Ok(d) => d,
        Err(_) => unreachable!("\"0\" is a decimal"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use plaza_contract::{
        CountingRules, Eligibility, LocalizedText, PollOption, PollStatus, ResultsVisibility,
    };

    fn poll(method: VotingMethod, seats: u32, options: &[&str]) -> Poll {
        Poll {
            id: "p".into(),
            deliberation_id: "d".into(),
            question: LocalizedText::new([("en", "Which?")]),
            options: options
                .iter()
                .map(|id| PollOption {
                    id: (*id).into(),
                    label: LocalizedText::new([("en", *id)]),
                    description: LocalizedText::default(),
                    image: None,
                })
                .collect(),
            method,
            seats,
            rules: CountingRules::default(),
            opens_at: "2026-12-01T00:00:00Z".parse().unwrap(),
            closes_at: "2026-12-20T00:00:00Z".parse().unwrap(),
            status: PollStatus::Closed,
            results_visibility: ResultsVisibility::Always,
            max_rankings: None,
            eligibility: Eligibility::Anyone,
            shuffle_options: false,
        }
    }

    fn groups(list: &[(&[&str], u64)]) -> Vec<BallotGroup> {
        list.iter()
            .map(|(r, n)| BallotGroup {
                ranking: r.iter().map(|s| s.to_string()).collect(),
                count: *n,
            })
            .collect()
    }

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn now() -> Timestamp {
        "2026-12-21T00:00:00Z".parse().unwrap()
    }

    #[test]
    fn irv_eliminates_the_last_and_transfers_its_ballots() {
        let p = poll(VotingMethod::Irv, 1, &["a", "b", "c"]);
        let ballots = groups(&[
            (&["a"], 12),
            (&["b", "a"], 10),
            (&["c", "b"], 5),
            (&["c"], 2),
        ]);
        let r = count(&p, &ballots, true, now()).unwrap();
        assert_eq!(r.total_ballots, d("29"));
        assert_eq!(r.rounds.len(), 2);
        let first = &r.rounds[0];
        assert_eq!(first.tally["a"], d("12"));
        assert_eq!(first.tally["c"], d("7"));
        assert_eq!(first.threshold, d("15"));
        assert_eq!(first.eliminated, ["c"]);
        assert!(first.elected.is_empty());
        assert_eq!(first.transfers["c"]["b"], d("5"));
        assert_eq!(first.transfers["c"]["exhausted"], d("2"));
        let second = &r.rounds[1];
        assert_eq!(second.tally["b"], d("15"));
        assert_eq!(second.tally["a"], d("12"));
        assert_eq!(second.inactive.exhausted_choices, d("2"));
        assert_eq!(second.elected, ["b"]);
        assert_eq!(r.winners, ["b"]);
        assert!(r.is_final);
    }

    #[test]
    fn stv_elects_at_quota_and_moves_the_surplus_fractionally() {
        let p = poll(VotingMethod::Stv, 2, &["a", "b", "c", "d"]);
        // 30 ballots, two seats: Droop quota floor(30 / 3) + 1 = 11.
        let ballots = groups(&[
            (&["a", "b"], 16),
            (&["b"], 3),
            (&["c"], 6),
            (&["d", "c"], 5),
        ]);
        let r = count(&p, &ballots, false, now()).unwrap();
        let first = &r.rounds[0];
        assert_eq!(first.threshold, d("11"));
        assert_eq!(first.elected, ["a"]);
        // a's surplus of 5 moves to b at 5/16 of each of its 16 ballots.
        assert_eq!(first.transfers["a"]["b"], d("5.0000"));
        // Nobody reaches the quota; d has fewest and goes, to c.
        let second = &r.rounds[1];
        assert_eq!(second.tally["b"], d("8.0000"));
        assert_eq!(second.eliminated, ["d"]);
        assert_eq!(second.transfers["d"]["c"], d("5"));
        let third = &r.rounds[2];
        assert_eq!(third.tally["c"], d("11"));
        assert_eq!(third.tally["a"], d("11.0000"));
        assert_eq!(third.elected, ["c"]);
        assert_eq!(r.winners, ["a", "c"]);
        assert!(!r.is_final);
    }

    #[test]
    fn a_recount_of_the_export_gives_the_published_rounds() {
        let mut p = poll(VotingMethod::Stv, 2, &["a", "b", "c", "d"]);
        p.rules.tiebreak = TieBreak::Random;
        p.rules.random_seed = None;
        let ballots = groups(&[
            (&["a", "b"], 16),
            (&["b", "c"], 5),
            (&["c", "d"], 5),
            (&["d", "c"], 4),
        ]);
        let published = count(&p, &ballots, true, now()).unwrap();
        let again = recount(&crate::ballot_export(&p, ballots)).unwrap();
        assert!(published.rounds.len() > 1);
        assert_eq!(again.rounds, published.rounds);
        assert_eq!(again.winners, published.winners);
        assert_eq!(again.total_ballots, published.total_ballots);
    }

    #[test]
    fn what_the_count_publishes_passes_the_widgets_checks() {
        let cases: [(VotingMethod, u32, &[&str], Vec<BallotGroup>); 4] = [
            (
                VotingMethod::Irv,
                1,
                &["a", "b", "c", "d"],
                groups(&[
                    (&["a"], 12),
                    (&["b", "a"], 10),
                    (&["c", "b"], 5),
                    (&["c"], 2),
                    (&["d", "c", "a"], 4),
                ]),
            ),
            (
                VotingMethod::Irv,
                1,
                &["a", "b"],
                groups(&[(&["a"], 7), (&["b"], 2)]),
            ),
            (
                VotingMethod::Stv,
                2,
                &["a", "b", "c", "d"],
                groups(&[
                    (&["a", "b"], 16),
                    (&["b"], 3),
                    (&["c"], 6),
                    (&["d", "c"], 5),
                ]),
            ),
            // The last seats filled by the options left.
            (
                VotingMethod::Stv,
                3,
                &["a", "b", "c", "d"],
                groups(&[(&["a", "b"], 9), (&["b"], 4), (&["c"], 3), (&["d"], 2)]),
            ),
        ];
        for (method, seats, options, ballots) in cases {
            let p = poll(method, seats, options);
            let r = count(&p, &ballots, true, now()).unwrap();
            assert!(!r.rounds.is_empty());
            assert_eq!(
                r.problems(&p),
                Vec::<String>::new(),
                "{method:?} {seats}: {r:?}"
            );
        }
    }

    #[test]
    fn an_export_is_compared_with_what_the_poll_announced_as_the_count_reads_it() {
        let mut p = poll(VotingMethod::Irv, 1, &["a", "b", "c"]);
        let ballots = groups(&[(&["a"], 3), (&["b"], 2), (&["c", "b"], 1)]);
        let differs = |export: &BallotExport, p: &Poll| {
            recount_as_announced(export, &BallotExport::announced(p))
                .unwrap()
                .not_as_announced
        };
        // The seed the count used, named or not.
        let mut export = crate::ballot_export(&p, ballots.clone());
        assert!(differs(&export, &p).is_empty());
        export.rules.random_seed = None;
        assert!(differs(&export, &p).is_empty());
        // Another seed, when the tie-break draws one.
        export.rules.random_seed = Some(7);
        assert_eq!(differs(&export, &p).len(), 1);
        // A seed the count does not read.
        p.rules.tiebreak = TieBreak::UseCandidateOrder;
        let mut export = crate::ballot_export(&p, ballots.clone());
        export.rules.random_seed = Some(7);
        assert!(differs(&export, &p).is_empty());
        // Another poll, other options.
        export.poll_id = "other".into();
        export.options.reverse();
        assert_eq!(differs(&export, &p).len(), 2);
    }

    #[test]
    fn an_export_whose_counts_overflow_is_refused() {
        let mut export = crate::ballot_export(
            &poll(VotingMethod::Irv, 1, &["a", "b"]),
            groups(&[(&["a"], u64::MAX), (&["b"], 1)]),
        );
        assert!(recount(&export).is_err());
        export.ballots.pop();
        assert!(recount(&export).is_ok());
    }

    #[test]
    fn no_ballots_means_no_rounds() {
        let p = poll(VotingMethod::Irv, 1, &["a", "b"]);
        let r = count(&p, &[], false, now()).unwrap();
        assert_eq!((r.total_ballots, r.rounds.len()), (d("0"), 0));
    }

    #[test]
    fn the_contract_rules_map_onto_the_engine() {
        let mut p = poll(VotingMethod::Stv, 2, &["a", "b", "c"]);
        p.rules.quota = Quota::Hare;
        p.rules.random_seed = Some(7);
        let rules = tally_rules(&p);
        assert!(rules.hare_quota && !rules.non_integer_winning_threshold);
        assert_eq!((rules.number_of_winners, rules.random_seed), (2, Some(7)));
        assert!(rules_problem(&p).is_none());
        let mut irv = poll(VotingMethod::Irv, 1, &["a", "b"]);
        irv.rules.quota = Quota::Hare;
        assert!(rules_problem(&irv).unwrap().contains("hare"));
    }

    #[test]
    fn seeds_with_uncountable_polls_are_refused() {
        let mut seed: Seed =
            serde_json::from_str(include_str!("../../contract/demo/plaza-demo.json")).unwrap();
        assert!(seed_problems(&seed).is_empty());
        if let Some(poll) = seed.deliberations[0].poll.as_mut() {
            poll.rules.quota = Quota::Hare;
        }
        let problems = seed_problems(&seed);
        assert!(problems.iter().any(|p| p.contains("rules")), "{problems:?}");
    }

    #[test]
    fn decimals_are_plain_notation() {
        assert_eq!(decimal(Votes::new(1, 8).unwrap()).as_str(), "0.00000001");
        assert_eq!(decimal(Votes::new(72501, 4).unwrap()).as_str(), "7.2501");
        assert_eq!(decimal(Votes::from_count(312)).as_str(), "312");
    }
}
