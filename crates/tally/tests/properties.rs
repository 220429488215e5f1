//! Properties of the counter over random ballots and random rule combinations.
//!
//! * Nothing panics, whatever the rules (valid or not), ballots, counts or document text; invalid
//!   rules fail with exactly the validation error, and no input reaches an internal error.
//! * Every round accounts for every ballot, exactly: active + inactive + what earlier winners
//!   keep + residual surplus = all ballots; the tallies of the candidates in the count add up to
//!   the active ballots; every decided candidate's transfers add up to what had to move.
//! * The result does not depend on the order of the ballots, of the marks within a rank, or
//!   (except under `use_candidate_order`) of the declared candidates; a group of `n` counts like
//!   `n` single ballots; the same input gives the same output; a case document counts like the
//!   same election built through the API.
//! * `generators_reach_the_interesting_cases` checks that the inputs actually exercise
//!   multi-seat surpluses, overvotes, skipped and repeated rankings, every kind of tie-break,
//!   batch and cutoff elimination, undeclared write-ins and the rest.

use std::collections::{BTreeMap, BTreeSet};

use plaza_tally::{
    parse_case, run_case_json, tabulate_case_json, CorpusReport, Decision, ElectedReason, Election,
    EliminatedReason, MaxRankings, MaxSkippedRanks, OvervoteRule, Rules, Tabulation, TallyError,
    TieBreak, TieResolution, TiebreakMode, Votes, WinnerElectionMode,
};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;

/// Names chosen so Java's UTF-16 order differs from byte order ("😀" < "ｱ" in Java).
const NAMES: [&str; 7] = ["Zed", "amy", "Émile", "😀", "ｱ", "Bo", "B"];
const UWI: &str = "Undeclared Write-ins";
const OVERVOTE: &str = "#OVERVOTE";

/// A ballot as mark codes (see [`mark_name`]) and a count.
type RawBallot = (Vec<Vec<usize>>, u64);

#[derive(Debug, Clone)]
struct Input {
    /// How many of [`NAMES`] are declared, in the order of `candidate_order`.
    candidates: usize,
    /// A permutation of `0..candidates`: the declared order.
    candidate_order: Vec<usize>,
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

fn declared(input: &Input) -> Vec<String> {
    input
        .candidate_order
        .iter()
        .map(|&c| NAMES[c].to_string())
        .collect()
}

fn excluded(input: &Input) -> Vec<String> {
    input
        .excluded
        .iter()
        .filter(|&&e| e < input.candidates)
        .map(|&e| NAMES[e].to_string())
        .collect()
}

fn election(input: &Input, ballots: &[RawBallot]) -> Result<Election, TallyError> {
    let mut election = Election::new(declared(input), input.rules.clone())
        .with_excluded(excluded(input))
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

/// The corpus-shaped result (maps, so independent of listing order), or the error code.
fn report(result: &Result<Tabulation, TallyError>) -> Result<serde_json::Value, &'static str> {
    match result {
        Ok(t) => Ok(serde_json::to_value(CorpusReport(t)).expect("a report serializes")),
        Err(e) => Err(e.code()),
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

fn decimal(text: &str) -> Votes {
    text.parse().expect("a decimal")
}

/// Percentages in and out of range, including extreme magnitudes and scales.
fn any_percentage() -> impl Strategy<Value = Option<Votes>> {
    proptest::option::of(prop_oneof![
        prop_oneof![
            Just("1"),
            Just("15"),
            Just("12.5"),
            Just("33.33"),
            Just("100"),
            Just("12.345678901234567891"),
            Just("0.5"),
            Just("150"),
            Just("-15"),
        ]
        .prop_map(decimal),
        Just(Votes::new(i128::MAX, 0).expect("a scale of 0")),
        Just(Votes::new(i128::MIN, 38).expect("the largest scale")),
        Just(Votes::new(15 * 10i128.pow(37), 37).expect("a scale of 37")),
    ])
}

/// Any rules at all, most of them invalid combinations, with every number now and then at an
/// extreme.
fn any_rules() -> impl Strategy<Value = Rules> {
    (
        (
            any_mode(),
            prop_oneof![8 => 0u32..=4, 1 => Just(u32::MAX)],
            any_tiebreak(),
            proptest::option::of(prop_oneof![
                -3i64..3,
                Just((1i64 << 47) - 1),
                Just(1i64 << 47),
                Just(-(1i64 << 47)),
                Just(i64::MAX),
                Just(i64::MIN),
            ]),
        ),
        (
            any_overvote_rule(),
            prop_oneof![
                Just(MaxSkippedRanks::Unlimited),
                (0u32..=3).prop_map(MaxSkippedRanks::Limit),
                Just(MaxSkippedRanks::Limit(u32::MAX)),
            ],
            prop_oneof![
                Just(MaxRankings::Max),
                (0u32..=5).prop_map(MaxRankings::Limit),
                Just(MaxRankings::Limit(u32::MAX)),
            ],
            prop_oneof![8 => 0u32..=22, 1 => Just(u32::MAX)],
        ),
        proptest::collection::vec(any::<bool>(), 8),
        (
            proptest::option::of(prop_oneof![0u32..=5, Just(u32::MAX)]),
            any_percentage(),
        ),
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

/// Rule combinations RCTab accepts, covering every mode and option, with tie-breaks that never
/// need an operator.
fn valid_rules() -> impl Strategy<Value = Rules> {
    (
        any_mode(),
        2u32..=4,
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
            prop_oneof![
                Just(MaxRankings::Max),
                (4u32..=6).prop_map(MaxRankings::Limit)
            ],
            1u32..=20,
        ),
        proptest::collection::vec(any::<bool>(), 8),
        (1u32..=4, prop_oneof![Just("15"), Just("12.5"), Just("30")]),
    )
        .prop_map(
            |(
                mode,
                seats,
                tiebreak,
                seed,
                (overvote, skipped, rankings, decimals),
                f,
                (stop, pct),
            )| {
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
                    max_rankings_allowed: rankings,
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
                        .then(|| decimal(pct)),
                }
            },
        )
}

/// Ranks of one mark mostly (so ballots transfer), else blank (a skipped rank), two marks (an
/// overvote, or a repeat) or the overvote label; marks are among the candidates and the write-in.
fn ballots(
    candidates: usize,
    counts: impl Strategy<Value = u64> + Clone,
) -> impl Strategy<Value = Vec<RawBallot>> {
    let rank = prop_oneof![
        8 => proptest::collection::vec(0..=candidates, 1),
        2 => Just(Vec::new()),
        3 => proptest::collection::vec(0..=candidates, 2),
        1 => Just(vec![candidates + 1]),
    ];
    let ranking = proptest::collection::vec(rank, 0..=4);
    proptest::collection::vec((ranking, counts), 0..=14)
}

fn input_with(
    rules: impl Strategy<Value = Rules>,
    counts: impl Strategy<Value = u64> + Clone + 'static,
) -> impl Strategy<Value = Input> {
    (
        2usize..=NAMES.len(),
        any::<bool>(),
        rules,
        proptest::collection::vec(0usize..NAMES.len(), 0..=1),
    )
        .prop_flat_map(move |(candidates, uwi, rules, excluded)| {
            (
                Just((0..candidates).collect::<Vec<usize>>()).prop_shuffle(),
                ballots(candidates, counts.clone()),
            )
                .prop_map(move |(candidate_order, ballots)| Input {
                    candidates,
                    candidate_order,
                    excluded: excluded.clone(),
                    uwi,
                    rules: rules.clone(),
                    ballots,
                })
        })
}

fn input(rules: impl Strategy<Value = Rules>) -> impl Strategy<Value = Input> {
    input_with(rules, 1u64..=4)
}

/// Counts of every size, zero and near `u64::MAX` included.
fn any_count() -> impl Strategy<Value = u64> + Clone {
    prop_oneof![
        12 => 1u64..=4,
        1 => Just(0u64),
        1 => prop_oneof![Just(u64::MAX), Just(u64::MAX / 3), Just(1u64 << 62), Just(1u64 << 40)],
    ]
}

fn add(a: Votes, b: Votes) -> Votes {
    a.checked_add(b).expect("sums of a finished count fit")
}

fn uses_surpluses(rules: &Rules) -> bool {
    matches!(
        rules.winner_election_mode,
        WinnerElectionMode::MultiWinnerAllowOnlyOneWinnerPerRound
            | WinnerElectionMode::MultiWinnerAllowMultipleWinnersPerRound
    )
}

/// Every round accounts for every ballot, exactly, and every transfer is accounted for.
fn check_accounting(t: &Tabulation, rules: &Rules) -> Result<(), TestCaseError> {
    let surpluses = uses_surpluses(rules);
    for pass in &t.passes {
        let total = pass.summary.total_ballots;
        // Winners of earlier rounds in a surplus count, with their votes when elected.
        let mut earlier_winners: BTreeMap<&str, Votes> = BTreeMap::new();
        let last = pass.rounds.len();
        for round in &pass.rounds {
            let at = format!("pass {} round {}", pass.pass, round.round);
            let tally: BTreeMap<&str, Votes> = round
                .tally
                .iter()
                .map(|e| (e.candidate.as_str(), e.votes))
                .collect();
            prop_assert_eq!(tally.len(), round.tally.len(), "{}: a name twice", at);
            let inactive = round.inactive.total().expect("no overflow");
            let frs = round.inactive.final_round_surplus.unwrap_or(Votes::ZERO);
            // What earlier winners keep, and the votes of everyone else in the tally.
            let (mut kept, mut in_count) = (Votes::ZERO, Votes::ZERO);
            for (candidate, votes) in &tally {
                if earlier_winners.contains_key(candidate) {
                    kept = add(kept, *votes);
                } else {
                    in_count = add(in_count, *votes);
                }
            }
            prop_assert_eq!(add(in_count, frs), round.active, "{}: active ballots", at);
            prop_assert_eq!(
                add(
                    add(round.active, inactive),
                    add(kept, round.residual_surplus)
                ),
                total,
                "{}: ballots lost or created",
                at
            );
            if !surpluses {
                prop_assert!(round.residual_surplus.is_zero(), "{}: residual", at);
                prop_assert_eq!(add(round.active, inactive), total, "{}", at);
            }
            for (winner, votes) in &earlier_winners {
                // What a winner keeps: everything up to the threshold, never more.
                let keeps = (*votes).min(round.threshold);
                prop_assert_eq!(tally.get(winner), Some(&keeps), "{}: {} keeps", at, winner);
            }
            let mut moved: BTreeMap<&str, Votes> = BTreeMap::new();
            for transfer in &round.transfers {
                let entry = moved.entry(transfer.from.as_str()).or_insert(Votes::ZERO);
                *entry = add(*entry, transfer.votes);
            }
            if round.round as usize == last {
                prop_assert!(
                    round.transfers.is_empty(),
                    "{}: transfers after the end",
                    at
                );
            }
            for decision in &round.decisions {
                let (candidate, votes, must_move) = match decision {
                    Decision::Elected {
                        candidate,
                        votes,
                        surplus,
                        ..
                    } => (
                        candidate,
                        *votes,
                        if surpluses { *surplus } else { Votes::ZERO },
                    ),
                    Decision::Eliminated {
                        candidate, votes, ..
                    } => (candidate, *votes, *votes),
                };
                prop_assert_eq!(tally.get(candidate.as_str()), Some(&votes), "{}", at);
                if (round.round as usize) < last {
                    let got = moved.get(candidate.as_str()).copied();
                    prop_assert_eq!(
                        got.unwrap_or(Votes::ZERO),
                        must_move,
                        "{}: transfers from {}",
                        at,
                        candidate
                    );
                }
            }
            if surpluses {
                for decision in &round.decisions {
                    if let Decision::Elected {
                        candidate, votes, ..
                    } = decision
                    {
                        earlier_winners.insert(candidate, *votes);
                    }
                }
            }
        }
        let elected: Vec<&String> = pass.rounds.iter().flat_map(|r| &r.elected).collect();
        prop_assert_eq!(elected, pass.winners.iter().collect::<Vec<_>>());
    }
    let all: Vec<&String> = t.passes.iter().flat_map(|p| &p.winners).collect();
    prop_assert_eq!(all, t.winners.iter().collect::<Vec<_>>());
    Ok(())
}

/// The only ways a count under valid rules (whose tie-breaks never ask) may fail.
fn is_acceptable_failure(error: &TallyError) -> bool {
    matches!(
        error,
        // e.g. cutoff elimination removing every candidate, which RCTab crashes on
        TallyError::NoCandidateToEliminate { .. }
            // multi-pass IRV with more seats than the candidates can fill
            | TallyError::MultiPassWinnerCount { .. }
            // a multi-pass continue-until-two pass left with a single candidate
            | TallyError::NoRounds
            | TallyError::AllCandidatesExcluded
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn ballots_are_always_fully_accounted_for(input in input(valid_rules())) {
        match count(&input, &input.ballots) {
            Ok(t) => check_accounting(&t, &input.rules)?,
            Err(e) => prop_assert!(is_acceptable_failure(&e), "{:?}", e),
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
    fn the_order_of_marks_within_a_rank_does_not_matter(input in input(valid_rules())) {
        let reversed: Vec<RawBallot> = input
            .ballots
            .iter()
            .map(|(ranking, n)| {
                let ranking = ranking.iter().map(|rank| rank.iter().rev().copied().collect());
                (ranking.collect(), *n)
            })
            .collect();
        prop_assert_eq!(report(&count(&input, &input.ballots)), report(&count(&input, &reversed)));
    }

    #[test]
    fn declared_order_only_matters_for_use_candidate_order(
        (input, order) in input(valid_rules()).prop_flat_map(|i| {
            let order = Just(i.candidate_order.clone()).prop_shuffle();
            (Just(i), order)
        })
    ) {
        prop_assume!(input.rules.tiebreak_mode != TiebreakMode::UseCandidateOrder);
        let reordered = Input { candidate_order: order, ..input.clone() };
        prop_assert_eq!(
            report(&count(&input, &input.ballots)),
            report(&count(&reordered, &reordered.ballots))
        );
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
    fn a_case_document_counts_like_the_api(input in input_with(any_rules(), any_count())) {
        let via_document = tabulate_case_json(&case_document(&input));
        let via_api = count(&input, &input.ballots)
            .map(|t| serde_json::to_string(&CorpusReport(&t)).expect("a report serializes"));
        match (via_document, via_api) {
            (Ok(document), Ok(api)) => prop_assert_eq!(document, api),
            // The parser reports a failure while reading ballots as malformed input.
            (Err(TallyError::MalformedInput { .. }), Err(TallyError::ArithmeticOverflow { .. })) => {}
            (document, api) => prop_assert_eq!(document, api),
        }
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

    #[test]
    fn decimal_text_is_never_a_panic(
        text in "[-+]?[0-9]{0,42}(\\.[0-9]{0,42})?([eE][-+]?[0-9]{1,20})?"
    ) {
        if let Ok(votes) = text.parse::<Votes>() {
            // What we print reads back as the same number at the same scale.
            let printed = votes.to_string();
            let again: Votes = printed.parse().expect("printed votes parse");
            prop_assert_eq!(again, votes);
            prop_assert_eq!(again.scale(), votes.scale());
        }
    }

    #[test]
    fn vote_arithmetic_is_never_a_panic(
        a in (prop_oneof![any::<i128>(), Just(i128::MIN), Just(i128::MAX)], 0u8..=40),
        b in (prop_oneof![any::<i128>(), -5i128..5], 0u8..=40),
        scale in 0u8..=40,
        count in any::<u64>(),
    ) {
        if let (Some(a), Some(b)) = (Votes::new(a.0, a.1), Votes::new(b.0, b.1)) {
            let _ = a.cmp(&b);
            let printed: Votes = a.to_string().parse().expect("printed votes parse");
            prop_assert_eq!((printed, printed.scale()), (a, a.scale()));
            let _ = a.trunc_to_integer();
            if let Ok(total) = a.checked_add(b) {
                prop_assert_eq!(total.checked_sub(b).ok(), Some(a));
            }
            let _ = a.checked_mul(b);
            let _ = a.checked_mul_count(count);
            let _ = a.mul_truncated(b, scale);
            let _ = a.div_truncated(b, scale);
            let _ = a.div_rounded_up(b, scale);
            let _ = a.with_scale_truncated(scale);
        }
    }
}

proptest! {
    // The two broadest searches for panics get more cases.
    #![proptest_config(ProptestConfig::with_cases(1200))]

    #[test]
    fn any_rules_and_ballots_give_a_result_or_an_error(
        input in input_with(any_rules(), any_count())
    ) {
        let election = match election(&input, &input.ballots) {
            Ok(election) => election,
            // Adding up the ballots is the only thing that can fail before counting.
            Err(e) => {
                prop_assert!(matches!(e, TallyError::ArithmeticOverflow { .. }), "{:?}", e);
                return Ok(());
            }
        };
        let result = election.tabulate();
        if let Err(invalid) = input.rules.validate() {
            prop_assert_eq!(result.err(), Some(invalid));
        } else {
            match &result {
                Err(TallyError::Internal { .. } | TallyError::RoundLimit { .. }) => {
                    prop_assert!(false, "{:?}", result);
                }
                Ok(t) if input.ballots.iter().all(|b| b.1 <= 4) => {
                    check_accounting(t, &input.rules)?;
                }
                _ => {}
            }
        }
    }

    /// Small edits to valid documents reach much further into the parser than random text.
    #[test]
    fn edited_documents_are_never_a_panic(
        input in input_with(any_rules(), any_count()),
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..=4),
    ) {
        let mut bytes = case_document(&input).into_bytes();
        for (at, byte) in edits {
            let at = at.index(bytes.len());
            bytes[at] = byte;
        }
        let _ = run_case_json(&String::from_utf8_lossy(&bytes));
    }
}

/// The input as a document in the corpus's case format.
fn case_document(input: &Input) -> String {
    let ballots: Vec<serde_json::Value> = input
        .ballots
        .iter()
        .map(|(ranking, count)| {
            let ranking: Vec<Vec<&str>> = ranking
                .iter()
                .map(|rank| rank.iter().map(|&m| mark_name(m, input)).collect())
                .collect();
            serde_json::json!({"ranking": ranking, "count": count})
        })
        .collect();
    serde_json::json!({
        "name": "property",
        "rules": input.rules,
        "candidates": declared(input),
        "excluded": excluded(input),
        "undeclared_write_in": input.uwi.then_some(UWI),
        "overvote_token": OVERVOTE,
        "ballots": ballots,
        "expected": {"winners": []},
    })
    .to_string()
}

/// What a result shows, as tags: which rules and code paths the count went through.
fn features(t: &Tabulation, rules: &Rules) -> BTreeSet<&'static str> {
    let mut seen = BTreeSet::new();
    fn tie(tie: &TieBreak, seen: &mut BTreeSet<&'static str>) {
        seen.insert(match tie.resolved_by {
            TieResolution::Random => "tie: random",
            TieResolution::CandidateOrder => "tie: candidate order",
            TieResolution::GeneratedPermutation => "tie: permutation",
            TieResolution::PreviousRound { .. } => "tie: previous round",
            TieResolution::RandomAfterPreviousRounds { .. } => "tie: random after previous rounds",
        });
    }
    if t.passes.len() > 1 {
        seen.insert("several passes");
    }
    for pass in &t.passes {
        for round in &pass.rounds {
            let inactive = &round.inactive;
            for (tag, votes) in [
                ("overvotes", inactive.overvotes),
                ("skipped rankings", inactive.skipped_rankings),
                ("repeated rankings", inactive.repeated_rankings),
                ("exhausted choices", inactive.exhausted_choices),
                ("did not rank", inactive.did_not_rank_any_candidates),
                ("residual surplus", round.residual_surplus),
                (
                    "final round surplus",
                    inactive.final_round_surplus.unwrap_or(Votes::ZERO),
                ),
            ] {
                if votes.is_positive() {
                    seen.insert(tag);
                }
            }
            if round.elected.len() > 1 {
                seen.insert("several elected in a round");
            }
            if round.eliminated.len() > 1 {
                seen.insert("several eliminated in a round");
            }
            if rules.continue_until_two_candidates_remain
                && round.round as usize == pass.rounds.len()
                && !round.eliminated.is_empty()
                && pass
                    .rounds
                    .iter()
                    .any(|r| r.round < round.round && !r.elected.is_empty())
            {
                seen.insert("eliminations after the winner");
            }
            for decision in &round.decisions {
                match decision {
                    Decision::Elected {
                        reason,
                        tie_break,
                        surplus_fraction,
                        ..
                    } => {
                        seen.insert(match reason {
                            ElectedReason::ReachedThreshold => "elected: threshold",
                            ElectedReason::AsManyCandidatesAsSeats => "elected: as many as seats",
                            ElectedReason::LeaderOfFinalTwo => "elected: leader of final two",
                            ElectedReason::LeaderWhenSeatsPlusOneRemain => {
                                "elected: leader when seats + 1 remain"
                            }
                            ElectedReason::AllAbovePercentageThreshold => {
                                "elected: all above percentage"
                            }
                        });
                        if let Some(t) = tie_break {
                            tie(t, &mut seen);
                        }
                        if surplus_fraction.is_some_and(|f| f.is_positive())
                            && (round.round as usize) < pass.rounds.len()
                        {
                            seen.insert("surplus transferred");
                        }
                    }
                    Decision::Eliminated { reason, .. } => match reason {
                        EliminatedReason::LowestTally => {
                            seen.insert("eliminated: lowest");
                        }
                        EliminatedReason::TieBreak(t) => tie(t, &mut seen),
                        EliminatedReason::Batch { .. } => {
                            seen.insert("eliminated: batch");
                        }
                        EliminatedReason::Cutoff => {
                            seen.insert("eliminated: cutoff");
                        }
                        EliminatedReason::UndeclaredWriteIn => {
                            seen.insert("eliminated: write-ins");
                        }
                    },
                }
            }
        }
    }
    seen
}

/// The generators are only as good as what they reach: sample them (deterministically) and
/// require every interesting path at least a few times.
#[test]
fn generators_reach_the_interesting_cases() {
    let mut runner = TestRunner::deterministic();
    let strategy = input(valid_rules());
    let mut reached: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut errors: BTreeMap<&'static str, usize> = BTreeMap::new();
    let samples = 3000;
    for _ in 0..samples {
        let input = strategy.new_tree(&mut runner).expect("a sample").current();
        match count(&input, &input.ballots) {
            Ok(t) => {
                for tag in features(&t, &input.rules) {
                    *reached.entry(tag).or_default() += 1;
                }
            }
            Err(e) => *errors.entry(e.code()).or_default() += 1,
        }
    }
    let wanted = [
        "did not rank",
        "elected: all above percentage",
        "elected: as many as seats",
        "elected: leader of final two",
        "elected: leader when seats + 1 remain",
        "elected: threshold",
        "eliminated: batch",
        "eliminated: cutoff",
        "eliminated: lowest",
        "eliminated: write-ins",
        "eliminations after the winner",
        "exhausted choices",
        "final round surplus",
        "overvotes",
        "repeated rankings",
        "residual surplus",
        "several elected in a round",
        "several eliminated in a round",
        "several passes",
        "skipped rankings",
        "surplus transferred",
        "tie: candidate order",
        "tie: permutation",
        "tie: previous round",
        "tie: random",
        "tie: random after previous rounds",
    ];
    let missing: Vec<&str> = wanted
        .iter()
        .copied()
        .filter(|tag| reached.get(tag).copied().unwrap_or(0) < 3)
        .collect();
    let counted: usize = samples - errors.values().sum::<usize>();
    println!("{counted} of {samples} counted; reached: {reached:?}; errors: {errors:?}");
    assert!(
        missing.is_empty(),
        "rarely or never reached: {missing:?}\nreached: {reached:?}\nerrors: {errors:?}"
    );
    assert!(
        counted * 10 >= samples * 7,
        "only {counted} of {samples} samples counted to the end: {errors:?}"
    );
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

#[test]
fn a_case_document_round_trips_through_the_parser() {
    let input = Input {
        candidates: 3,
        candidate_order: vec![2, 0, 1],
        excluded: vec![],
        uwi: true,
        rules: Rules::stv(2),
        ballots: vec![(vec![vec![0], vec![1, 1], vec![], vec![3]], 5)],
    };
    let case = parse_case(&case_document(&input)).expect("the document parses");
    assert_eq!(case.name.as_deref(), Some("property"));
    assert_eq!(case.election.candidates(), declared(&input));
    assert_eq!(case.election.ballot_count(), 5);
}
