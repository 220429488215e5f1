//! Properties of the counter over random ballots and random rule combinations.

use plaza_tally::{
    run_case_json, Election, MaxRankings, MaxSkippedRanks, OvervoteRule, Rules, Tabulation,
    TallyError, TiebreakMode, Votes, WinnerElectionMode,
};
use proptest::prelude::*;

/// Names chosen so Java's UTF-16 order differs from byte order ("😀" < "ｱ" in Java).
const NAMES: [&str; 7] = ["Zed", "amy", "Émile", "😀", "ｱ", "Bo", "B"];
const UWI: &str = "Undeclared Write-ins";
const OVERVOTE: &str = "#OVERVOTE";

/// A ballot as mark codes (see [`mark_name`]) and a count.
type RawBallot = (Vec<Vec<usize>>, u64);

#[derive(Debug, Clone)]
struct Input {
    candidates: usize,
    excluded: Vec<usize>,
    uwi: bool,
    rules: Rules,
    ballots: Vec<RawBallot>,
}

/// Codes past the candidates are the write-in and the overvote label, when the input has them.
fn mark_name(code: usize, input: &Input) -> &'static str {
    let n = input.candidates;
    let overvote_allowed = input.rules.overvote_rule != OvervoteRule::ExhaustIfMultipleContinuing;
    if code == n && input.uwi {
        UWI
    } else if code == n + 1 && overvote_allowed {
        OVERVOTE
    } else {
        NAMES[code % n]
    }
}

fn election(input: &Input, ballots: &[RawBallot]) -> Result<Election, TallyError> {
    let candidates: Vec<String> = NAMES[..input.candidates]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let excluded = input
        .excluded
        .iter()
        .filter(|&&e| e < input.candidates)
        .map(|&e| NAMES[e].to_string())
        .collect();
    let mut election = Election::new(candidates, input.rules.clone())
        .with_excluded(excluded)
        .with_overvote_label(OVERVOTE);
    if input.uwi {
        election = election.with_undeclared_write_in(UWI);
    }
    for (ranking, count) in ballots {
        let names = ranking
            .iter()
            .map(|rank| rank.iter().map(|&m| mark_name(m, input)));
        election.add_ballot(names, *count)?;
    }
    Ok(election)
}

fn count(input: &Input, ballots: &[RawBallot]) -> Result<Tabulation, TallyError> {
    election(input, ballots)?.tabulate()
}

/// Comparable form of an outcome: the full result as JSON, or the error.
fn outcome(result: &Result<Tabulation, TallyError>) -> Result<String, TallyError> {
    match result {
        Ok(t) => Ok(serde_json::to_string(t).expect("a tabulation serializes")),
        Err(e) => Err(e.clone()),
    }
}

fn any_mode() -> impl Strategy<Value = WinnerElectionMode> {
    prop_oneof![
        Just(WinnerElectionMode::SingleWinnerMajority),
        Just(WinnerElectionMode::MultiWinnerAllowOnlyOneWinnerPerRound),
        Just(WinnerElectionMode::MultiWinnerAllowMultipleWinnersPerRound),
        Just(WinnerElectionMode::BottomsUp),
        Just(WinnerElectionMode::BottomsUpUsingPercentageThreshold),
        Just(WinnerElectionMode::MultiPassIrv),
    ]
}

fn any_tiebreak() -> impl Strategy<Value = TiebreakMode> {
    prop_oneof![
        Just(TiebreakMode::Random),
        Just(TiebreakMode::UseCandidateOrder),
        Just(TiebreakMode::GeneratePermutation),
        Just(TiebreakMode::PreviousRoundCountsThenRandom),
        Just(TiebreakMode::PreviousRoundCountsThenAsk),
        Just(TiebreakMode::StopCountingAndAsk),
    ]
}

fn any_overvote_rule() -> impl Strategy<Value = OvervoteRule> {
    prop_oneof![
        Just(OvervoteRule::ExhaustImmediately),
        Just(OvervoteRule::AlwaysSkipToNextRank),
        Just(OvervoteRule::ExhaustIfMultipleContinuing),
    ]
}

fn any_percentage() -> impl Strategy<Value = Option<Votes>> {
    proptest::option::of(
        prop_oneof![
            Just("1"),
            Just("15"),
            Just("12.5"),
            Just("33.33"),
            Just("100"),
            Just("0.5"),
            Just("150")
        ]
        .prop_map(|p| p.parse::<Votes>().expect("a decimal")),
    )
}

/// Any rules at all, most of them invalid combinations.
fn any_rules() -> impl Strategy<Value = Rules> {
    (
        (
            any_mode(),
            0u32..=4,
            any_tiebreak(),
            proptest::option::of(prop_oneof![
                -3i64..3,
                Just(1i64 << 47),
                Just(-(1i64 << 47)),
                Just(i64::MAX)
            ]),
        ),
        (
            any_overvote_rule(),
            prop_oneof![
                Just(MaxSkippedRanks::Unlimited),
                (0u32..=3).prop_map(MaxSkippedRanks::Limit)
            ],
            prop_oneof![
                Just(MaxRankings::Max),
                (0u32..=5).prop_map(MaxRankings::Limit)
            ],
            0u32..=22,
        ),
        proptest::collection::vec(any::<bool>(), 8),
        (proptest::option::of(0u32..=5), any_percentage()),
    )
        .prop_map(
            |(
                (mode, n, tiebreak, seed),
                (overvote, skipped, rankings, decimals),
                flags,
                (stop, pct),
            )| Rules {
                winner_election_mode: mode,
                number_of_winners: n,
                tiebreak_mode: tiebreak,
                random_seed: seed,
                overvote_rule: overvote,
                max_skipped_ranks_allowed: skipped,
                max_rankings_allowed: rankings,
                decimal_places_for_vote_arithmetic: decimals,
                non_integer_winning_threshold: flags[0],
                hare_quota: flags[1],
                batch_elimination: flags[2],
                cutoff_elimination: flags[3],
                continue_until_two_candidates_remain: flags[4],
                first_round_determines_threshold: flags[5],
                exhaust_on_duplicate_candidate: flags[6],
                stop_tabulation_early_after_round: stop.filter(|_| flags[7]),
                bottoms_up_percentage_threshold: pct,
            },
        )
}

/// Rule combinations RCTab accepts, covering every mode and option.
fn valid_rules() -> impl Strategy<Value = Rules> {
    (
        any_mode(),
        2u32..=3,
        prop_oneof![
            Just(TiebreakMode::Random),
            Just(TiebreakMode::UseCandidateOrder),
            Just(TiebreakMode::GeneratePermutation),
            Just(TiebreakMode::PreviousRoundCountsThenRandom),
        ],
        -3i64..1000,
        (
            prop_oneof![
                Just(OvervoteRule::ExhaustImmediately),
                Just(OvervoteRule::AlwaysSkipToNextRank)
            ],
            prop_oneof![
                Just(MaxSkippedRanks::Unlimited),
                (0u32..=2).prop_map(MaxSkippedRanks::Limit)
            ],
            1u32..=20,
        ),
        proptest::collection::vec(any::<bool>(), 8),
        (1u32..=4, prop_oneof![Just("15"), Just("12.5"), Just("30")]),
    )
        .prop_map(
            |(mode, seats, tiebreak, seed, (overvote, skipped, decimals), f, (stop, pct))| {
                use WinnerElectionMode as M;
                let stv = matches!(
                    mode,
                    M::MultiWinnerAllowOnlyOneWinnerPerRound
                        | M::MultiWinnerAllowMultipleWinnersPerRound
                );
                let number_of_winners = match mode {
                    M::SingleWinnerMajority => 1,
                    M::BottomsUpUsingPercentageThreshold => 0,
                    _ => seats,
                };
                let few_seats = number_of_winners <= 1 || mode == M::MultiPassIrv;
                Rules {
                    winner_election_mode: mode,
                    number_of_winners,
                    tiebreak_mode: tiebreak,
                    random_seed: Some(seed),
                    overvote_rule: overvote,
                    max_skipped_ranks_allowed: skipped,
                    max_rankings_allowed: MaxRankings::Max,
                    decimal_places_for_vote_arithmetic: decimals,
                    non_integer_winning_threshold: stv && f[0],
                    hare_quota: stv && !f[0] && f[1],
                    batch_elimination: few_seats
                        && mode != M::BottomsUpUsingPercentageThreshold
                        && f[2],
                    cutoff_elimination: f[3]
                        && (f[0] || mode == M::BottomsUpUsingPercentageThreshold),
                    continue_until_two_candidates_remain: few_seats && f[4],
                    first_round_determines_threshold: number_of_winners <= 1 && f[5],
                    exhaust_on_duplicate_candidate: f[6],
                    stop_tabulation_early_after_round: f[7].then_some(stop),
                    bottoms_up_percentage_threshold: (mode == M::BottomsUpUsingPercentageThreshold)
                        .then(|| pct.parse().expect("a decimal")),
                }
            },
        )
}

/// Ranks of up to two marks among the candidates and the write-in; now and then an overvote label.
fn ballots(
    candidates: usize,
    counts: std::ops::RangeInclusive<u64>,
) -> impl Strategy<Value = Vec<RawBallot>> {
    let rank = prop_oneof![
        12 => proptest::collection::vec(0..=candidates, 0..=2),
        1 => Just(vec![candidates + 1]),
    ];
    let ranking = proptest::collection::vec(rank, 0..=4);
    proptest::collection::vec((ranking, counts), 0..=14)
}

fn input(rules: impl Strategy<Value = Rules>) -> impl Strategy<Value = Input> {
    (
        2usize..=NAMES.len(),
        any::<bool>(),
        rules,
        proptest::collection::vec(0usize..NAMES.len(), 0..=1),
    )
        .prop_flat_map(|(candidates, uwi, rules, excluded)| {
            ballots(candidates, 1..=4).prop_map(move |ballots| Input {
                candidates,
                excluded: excluded.clone(),
                uwi,
                rules: rules.clone(),
                ballots,
            })
        })
}

/// Every round accounts for every ballot: tallies (including what earlier winners keep),
/// inactive ballots, final-round surplus and residual surplus add up to the total.
fn check_conservation(t: &Tabulation) -> Result<(), TestCaseError> {
    for pass in &t.passes {
        for round in &pass.rounds {
            let mut sum = round.inactive.total().expect("no overflow");
            for entry in &round.tally {
                sum = sum.checked_add(entry.votes).expect("no overflow");
            }
            if let Some(frs) = round.inactive.final_round_surplus {
                sum = sum.checked_add(frs).expect("no overflow");
            }
            sum = sum
                .checked_add(round.residual_surplus)
                .expect("no overflow");
            prop_assert_eq!(
                sum,
                pass.summary.total_ballots,
                "pass {} round {}",
                pass.pass,
                round.round
            );
            let active_plus_inactive = round
                .active
                .checked_add(round.inactive.total().expect("no overflow"));
            prop_assert!(active_plus_inactive.expect("no overflow") <= pass.summary.total_ballots);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn any_rules_and_ballots_give_a_result_or_an_error(input in input(any_rules())) {
        let _ = count(&input, &input.ballots);
    }

    #[test]
    fn ballots_are_always_fully_accounted_for(input in input(valid_rules())) {
        // About four in five of these inputs count to the end (the rest are legitimate errors,
        // e.g. cutoff elimination removing every candidate).
        if let Ok(t) = count(&input, &input.ballots) {
            check_conservation(&t)?;
        }
    }

    #[test]
    fn ballot_order_does_not_matter(
        (input, shuffled) in input(valid_rules()).prop_flat_map(|i| {
            let b = i.ballots.clone();
            (Just(i), Just(b).prop_shuffle())
        })
    ) {
        prop_assert_eq!(outcome(&count(&input, &input.ballots)), outcome(&count(&input, &shuffled)));
    }

    #[test]
    fn a_group_counts_like_that_many_single_ballots(input in input(valid_rules())) {
        let singles: Vec<RawBallot> = input
            .ballots
            .iter()
            .flat_map(|(ranking, n)| std::iter::repeat_n((ranking.clone(), 1), *n as usize))
            .collect();
        prop_assert_eq!(outcome(&count(&input, &input.ballots)), outcome(&count(&input, &singles)));
    }

    #[test]
    fn the_same_input_gives_the_same_output(input in input(any_rules())) {
        prop_assert_eq!(outcome(&count(&input, &input.ballots)), outcome(&count(&input, &input.ballots)));
    }

    #[test]
    fn arbitrary_text_is_never_a_panic(text in ".{0,200}") {
        let _ = run_case_json(&text);
    }

    #[test]
    fn absurd_counts_are_errors_not_panics(
        input in input(valid_rules()),
        huge in prop_oneof![Just(u64::MAX), Just(u64::MAX / 2), Just(1u64 << 62)],
    ) {
        let ballots: Vec<RawBallot> = input.ballots.iter().map(|(r, _)| (r.clone(), huge)).collect();
        let _ = count(&input, &ballots);
    }
}

#[test]
fn zero_count_ballots_are_checked_but_not_counted() {
    let mut rules = Rules::irv();
    rules.tiebreak_mode = TiebreakMode::UseCandidateOrder;
    let mut with_zero = Election::new(vec!["a".into(), "b".into()], rules.clone());
    with_zero.add_ranked(["a"], 2).unwrap();
    with_zero.add_ranked(["b"], 0).unwrap();
    let mut without = Election::new(vec!["a".into(), "b".into()], rules);
    without.add_ranked(["a"], 2).unwrap();
    assert_eq!(
        serde_json::to_string(&with_zero.tabulate().unwrap()).unwrap(),
        serde_json::to_string(&without.tabulate().unwrap()).unwrap()
    );
    with_zero.add_ranked(["nobody"], 0).unwrap();
    assert!(matches!(
        with_zero.tabulate(),
        Err(TallyError::UnknownCandidate { .. })
    ));
}
