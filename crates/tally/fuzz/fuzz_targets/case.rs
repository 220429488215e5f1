//! Fuzzes the case parser and the counter: nothing may panic, whatever the input.
//!
//! Each input is tried twice: as a case document (UTF-8 JSON), which exercises the parser, and
//! as a compact byte description of rules and ballots, which reaches deep into the counter far
//! more often than random JSON would.

#![no_main]

use libfuzzer_sys::fuzz_target;
use plaza_tally::{
    Election, MaxRankings, MaxSkippedRanks, OvervoteRule, Rules, TiebreakMode, WinnerElectionMode,
};

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = plaza_tally::run_case_json(text);
    }
    if let Some(election) = structured(data) {
        let _ = election.tabulate();
    }
});

struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn next(&mut self) -> Option<u8> {
        let (&first, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(first)
    }
}

const NAMES: [&str; 6] = ["A", "b", "Émile", "😀", "ｱ", "Bo"];

fn structured(data: &[u8]) -> Option<Election> {
    let mut b = Bytes(data);
    let modes = [
        WinnerElectionMode::SingleWinnerMajority,
        WinnerElectionMode::MultiWinnerAllowOnlyOneWinnerPerRound,
        WinnerElectionMode::MultiWinnerAllowMultipleWinnersPerRound,
        WinnerElectionMode::BottomsUp,
        WinnerElectionMode::BottomsUpUsingPercentageThreshold,
        WinnerElectionMode::MultiPassIrv,
    ];
    let tiebreaks = [
        TiebreakMode::Random,
        TiebreakMode::UseCandidateOrder,
        TiebreakMode::GeneratePermutation,
        TiebreakMode::PreviousRoundCountsThenRandom,
        TiebreakMode::PreviousRoundCountsThenAsk,
        TiebreakMode::StopCountingAndAsk,
    ];
    let overvotes = [
        OvervoteRule::ExhaustImmediately,
        OvervoteRule::AlwaysSkipToNextRank,
        OvervoteRule::ExhaustIfMultipleContinuing,
    ];
    let flags = b.next()?;
    let mode = modes[usize::from(b.next()?) % modes.len()];
    let seats = u32::from(b.next()? % 5);
    let tiebreak = tiebreaks[usize::from(b.next()?) % tiebreaks.len()];
    let seed = i64::from(b.next()? as i8);
    let overvote = overvotes[usize::from(b.next()?) % overvotes.len()];
    let skipped = b.next()?;
    let rankings = b.next()?;
    let decimals = u32::from(b.next()? % 24);
    let stop = b.next()?;
    let percentage = b.next()?;
    let rules = Rules {
        winner_election_mode: mode,
        number_of_winners: seats,
        tiebreak_mode: tiebreak,
        random_seed: Some(seed),
        overvote_rule: overvote,
        max_skipped_ranks_allowed: if skipped >= 4 {
            MaxSkippedRanks::Unlimited
        } else {
            MaxSkippedRanks::Limit(skipped.into())
        },
        max_rankings_allowed: if rankings >= 6 {
            MaxRankings::Max
        } else {
            MaxRankings::Limit(rankings.into())
        },
        decimal_places_for_vote_arithmetic: decimals,
        non_integer_winning_threshold: flags & 1 != 0,
        hare_quota: flags & 2 != 0,
        batch_elimination: flags & 4 != 0,
        cutoff_elimination: flags & 8 != 0,
        continue_until_two_candidates_remain: flags & 16 != 0,
        first_round_determines_threshold: flags & 32 != 0,
        exhaust_on_duplicate_candidate: flags & 64 != 0,
        stop_tabulation_early_after_round: (stop < 8).then_some(stop.into()),
        bottoms_up_percentage_threshold: format!("{}.{}", percentage / 2, percentage % 10)
            .parse()
            .ok(),
    };
    let shape = b.next()?;
    let candidates = 1 + usize::from(shape % 6);
    let mut election = Election::new(
        NAMES[..candidates].iter().map(|s| s.to_string()).collect(),
        rules,
    )
    .with_overvote_label("#OVERVOTE");
    if shape & 0x40 != 0 {
        election = election.with_undeclared_write_in("Undeclared Write-ins");
    }
    if shape & 0x80 != 0 {
        election = election.with_excluded(vec![NAMES[0].to_string()]);
    }
    // Ballots: a count byte, a rank-count byte, then one byte per rank (bit set = marked).
    while let (Some(count), Some(ranks)) = (b.next(), b.next()) {
        let mut ranking: Vec<Vec<&str>> = Vec::new();
        for _ in 0..ranks % 6 {
            let marks = b.next()?;
            let mut rank = Vec::new();
            if marks == 0xFF {
                rank.push("#OVERVOTE");
            } else {
                for (i, name) in NAMES[..candidates].iter().enumerate() {
                    if marks & (1 << i) != 0 {
                        rank.push(name);
                    }
                }
                if marks & 0x40 != 0 {
                    rank.push("Undeclared Write-ins");
                }
            }
            ranking.push(rank);
        }
        let count = if count == 0xFF {
            u64::MAX / 3
        } else {
            u64::from(count % 8)
        };
        election.add_ballot(&ranking, count).ok()?;
    }
    Some(election)
}
