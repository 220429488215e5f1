//! Re-counting a poll's published ballots with plaza-tally, as any resident
//! can: the contract's counting rules mapped onto RCTab's (IRV is
//! single-winner majority, STV elects everyone at the quota each round).

use std::collections::BTreeMap;

use plaza_contract::{BallotExport, Quota, TieBreak, VotingMethod};
use plaza_tally::{Election, Rules, TiebreakMode, WinnerElectionMode};

/// Winners and, per round, each option's votes (as numbers, so `5` and
/// `5.0000` agree).
pub struct Recount {
    pub winners: Vec<String>,
    pub rounds: Vec<BTreeMap<String, f64>>,
}

pub fn recount(export: &BallotExport) -> Result<Recount, String> {
    let r = &export.rules;
    let stv = export.method == VotingMethod::Stv;
    let rules = Rules {
        winner_election_mode: if stv {
            WinnerElectionMode::MultiWinnerAllowMultipleWinnersPerRound
        } else {
            WinnerElectionMode::SingleWinnerMajority
        },
        number_of_winners: if stv { export.seats } else { 1 },
        tiebreak_mode: match r.tiebreak {
            TieBreak::Random => TiebreakMode::Random,
            TieBreak::PreviousRoundCountsThenRandom => TiebreakMode::PreviousRoundCountsThenRandom,
            TieBreak::UseCandidateOrder => TiebreakMode::UseCandidateOrder,
            TieBreak::GeneratePermutation => TiebreakMode::GeneratePermutation,
        },
        random_seed: Some(r.random_seed.unwrap_or(0)),
        decimal_places_for_vote_arithmetic: u32::from(r.decimal_places),
        non_integer_winning_threshold: r.quota == Quota::DroopNonInteger,
        hare_quota: r.quota == Quota::Hare,
        batch_elimination: r.batch_elimination,
        ..Rules::default()
    };
    let mut election = Election::new(export.options.clone(), rules);
    for group in &export.ballots {
        election
            .add_ranked(&group.ranking, group.count)
            .map_err(|e| e.to_string())?;
    }
    let tabulation = election.tabulate().map_err(|e| e.to_string())?;
    let rounds = tabulation
        .passes
        .first()
        .map(|pass| {
            pass.rounds
                .iter()
                .map(|round| {
                    round
                        .tally
                        .iter()
                        .map(|c| (c.candidate.clone(), number(&c.votes.to_string())))
                        .collect()
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(Recount {
        winners: tabulation.winners,
        rounds,
    })
}

pub fn number(decimal: &str) -> f64 {
    decimal.parse().unwrap_or(f64::NAN)
}
