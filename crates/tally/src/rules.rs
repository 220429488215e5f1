//! Counting rules: the corpus's `rules` object, with RCTab's validation.

use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::TallyError;
use crate::votes::Votes;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WinnerElectionMode {
    /// Instant-runoff voting.
    SingleWinnerMajority,
    /// STV that elects only the highest candidate when several reach the threshold.
    MultiWinnerAllowOnlyOneWinnerPerRound,
    /// STV that elects everyone at or above the threshold.
    MultiWinnerAllowMultipleWinnersPerRound,
    /// Eliminate until as many candidates remain as there are seats.
    BottomsUp,
    /// Eliminate until every remaining candidate is above a share of the active ballots.
    BottomsUpUsingPercentageThreshold,
    /// Single-winner IRV repeated, excluding earlier winners, once per seat.
    MultiPassIrv,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TiebreakMode {
    Random,
    UseCandidateOrder,
    GeneratePermutation,
    PreviousRoundCountsThenRandom,
    PreviousRoundCountsThenAsk,
    StopCountingAndAsk,
}

impl TiebreakMode {
    pub fn as_str(self) -> &'static str {
        match self {
            TiebreakMode::Random => "random",
            TiebreakMode::UseCandidateOrder => "use_candidate_order",
            TiebreakMode::GeneratePermutation => "generate_permutation",
            TiebreakMode::PreviousRoundCountsThenRandom => "previous_round_counts_then_random",
            TiebreakMode::PreviousRoundCountsThenAsk => "previous_round_counts_then_ask",
            TiebreakMode::StopCountingAndAsk => "stop_counting_and_ask",
        }
    }

    fn needs_seed(self) -> bool {
        matches!(
            self,
            TiebreakMode::Random
                | TiebreakMode::PreviousRoundCountsThenRandom
                | TiebreakMode::GeneratePermutation
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OvervoteRule {
    ExhaustImmediately,
    AlwaysSkipToNextRank,
    ExhaustIfMultipleContinuing,
}

/// `max_skipped_ranks_allowed`: a number, or `"unlimited"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MaxSkippedRanks {
    Unlimited,
    Limit(u32),
}

/// `max_rankings_allowed`: a number, or `"max"` (no limit).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MaxRankings {
    Max,
    Limit(u32),
}

/// The rule options of RCTab 2.0.1 that affect counting. Field names follow the corpus;
/// missing fields take the values of [`Rules::default`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Rules {
    pub winner_election_mode: WinnerElectionMode,
    pub number_of_winners: u32,
    pub tiebreak_mode: TiebreakMode,
    pub random_seed: Option<i64>,
    pub overvote_rule: OvervoteRule,
    pub max_skipped_ranks_allowed: MaxSkippedRanks,
    pub max_rankings_allowed: MaxRankings,
    pub decimal_places_for_vote_arithmetic: u32,
    pub non_integer_winning_threshold: bool,
    pub hare_quota: bool,
    pub batch_elimination: bool,
    pub cutoff_elimination: bool,
    pub continue_until_two_candidates_remain: bool,
    pub first_round_determines_threshold: bool,
    pub exhaust_on_duplicate_candidate: bool,
    pub stop_tabulation_early_after_round: Option<u32>,
    /// Percentage as a decimal, e.g. `"15"` for 15 %; its digits matter (RCTab keeps them).
    pub bottoms_up_percentage_threshold: Option<Votes>,
}

impl Default for Rules {
    /// Single-winner IRV with a seeded random tie-break (seed 0), overvotes exhausting the ballot,
    /// no limits on skipped ranks or rankings, and 4 decimal places.
    fn default() -> Rules {
        Rules {
            winner_election_mode: WinnerElectionMode::SingleWinnerMajority,
            number_of_winners: 1,
            tiebreak_mode: TiebreakMode::Random,
            random_seed: Some(0),
            overvote_rule: OvervoteRule::ExhaustImmediately,
            max_skipped_ranks_allowed: MaxSkippedRanks::Unlimited,
            max_rankings_allowed: MaxRankings::Max,
            decimal_places_for_vote_arithmetic: 4,
            non_integer_winning_threshold: false,
            hare_quota: false,
            batch_elimination: false,
            cutoff_elimination: false,
            continue_until_two_candidates_remain: false,
            first_round_determines_threshold: false,
            exhaust_on_duplicate_candidate: false,
            stop_tabulation_early_after_round: None,
            bottoms_up_percentage_threshold: None,
        }
    }
}

/// RCTab's seed range (ContestConfig MIN/MAX_RANDOM_SEED).
const SEED_LIMIT: i64 = 1 << 47;
/// Decimal places RCTab accepts.
const DECIMAL_PLACES: std::ops::RangeInclusive<u32> = 1..=20;
/// Digits after the point we accept in the percentage (its scale + 2 must stay small).
const MAX_PERCENTAGE_DECIMALS: u8 = 18;

impl Rules {
    /// IRV for one winner with the default options.
    pub fn irv() -> Rules {
        Rules::default()
    }

    /// STV electing everyone who reaches the Droop quota each round.
    pub fn stv(seats: u32) -> Rules {
        Rules {
            winner_election_mode: WinnerElectionMode::MultiWinnerAllowMultipleWinnersPerRound,
            number_of_winners: seats,
            ..Rules::default()
        }
    }

    pub(crate) fn decimal_places(&self) -> u8 {
        // Validated to 1..=20 before counting.
        u8::try_from(self.decimal_places_for_vote_arithmetic).unwrap_or(20)
    }

    pub(crate) fn is_multi_pass(&self) -> bool {
        self.winner_election_mode == WinnerElectionMode::MultiPassIrv
    }

    pub(crate) fn is_percentage_mode(&self) -> bool {
        self.winner_election_mode == WinnerElectionMode::BottomsUpUsingPercentageThreshold
    }

    pub(crate) fn is_bottoms_up(&self) -> bool {
        self.winner_election_mode == WinnerElectionMode::BottomsUp
    }

    /// `ContestConfig.validateRules`, the checks that concern counting.
    pub fn validate(&self) -> Result<(), TallyError> {
        use WinnerElectionMode as Mode;
        let mode = self.winner_election_mode;
        let n = self.number_of_winners;
        if self.tiebreak_mode.needs_seed() {
            match self.random_seed {
                None => {
                    return Err(TallyError::rules(
                        "random_seed",
                        "this tiebreak mode needs a random seed",
                    ))
                }
                Some(seed) if !(-SEED_LIMIT..SEED_LIMIT).contains(&seed) => {
                    return Err(TallyError::rules(
                        "random_seed",
                        "must be between -140737488355328 and 140737488355327",
                    ))
                }
                Some(_) => {}
            }
        }
        if self.max_rankings_allowed == MaxRankings::Limit(0) {
            return Err(TallyError::rules(
                "max_rankings_allowed",
                "must be \"max\" or at least 1",
            ));
        }
        if !DECIMAL_PLACES.contains(&self.decimal_places_for_vote_arithmetic) {
            return Err(TallyError::rules(
                "decimal_places_for_vote_arithmetic",
                "must be from 1 to 20",
            ));
        }
        if self.stop_tabulation_early_after_round == Some(0) {
            return Err(TallyError::rules(
                "stop_tabulation_early_after_round",
                "must be at least 1 when set",
            ));
        }
        if n > 0 {
            if mode == Mode::BottomsUpUsingPercentageThreshold {
                return Err(TallyError::rules(
                    "number_of_winners",
                    "must be 0 with bottoms_up_using_percentage_threshold",
                ));
            }
            if n > 1 {
                // RCTab's single-winner mode elects exactly one.
                if mode == Mode::SingleWinnerMajority {
                    return Err(TallyError::rules(
                        "number_of_winners",
                        "single_winner_majority elects exactly one winner",
                    ));
                }
                if mode != Mode::MultiPassIrv && self.continue_until_two_candidates_remain {
                    return Err(TallyError::rules(
                        "continue_until_two_candidates_remain",
                        "only allowed with one winner or multi_pass_irv",
                    ));
                }
                if mode != Mode::MultiPassIrv && self.batch_elimination {
                    return Err(TallyError::rules(
                        "batch_elimination",
                        "only allowed with one winner or multi_pass_irv",
                    ));
                }
                if self.first_round_determines_threshold {
                    return Err(TallyError::rules(
                        "first_round_determines_threshold",
                        "not allowed with more than one winner",
                    ));
                }
            } else if mode != Mode::SingleWinnerMajority {
                return Err(TallyError::rules(
                    "winner_election_mode",
                    "with one winner the mode must be single_winner_majority",
                ));
            }
        } else {
            if mode != Mode::BottomsUpUsingPercentageThreshold {
                return Err(TallyError::rules(
                    "number_of_winners",
                    "0 is only allowed with bottoms_up_using_percentage_threshold",
                ));
            }
            match self.bottoms_up_percentage_threshold {
                None => {
                    return Err(TallyError::rules(
                        "bottoms_up_percentage_threshold",
                        "required with bottoms_up_using_percentage_threshold",
                    ))
                }
                Some(p) => {
                    if p < Votes::ONE || p > Votes::from_count(100) {
                        return Err(TallyError::rules(
                            "bottoms_up_percentage_threshold",
                            "must be from 1 to 100",
                        ));
                    }
                    if p.scale() > MAX_PERCENTAGE_DECIMALS {
                        return Err(TallyError::rules(
                            "bottoms_up_percentage_threshold",
                            "has too many decimal places",
                        ));
                    }
                }
            }
        }
        if mode == Mode::BottomsUpUsingPercentageThreshold && self.batch_elimination {
            return Err(TallyError::rules(
                "batch_elimination",
                "not allowed with bottoms_up_using_percentage_threshold",
            ));
        }
        let stv = matches!(
            mode,
            Mode::MultiWinnerAllowOnlyOneWinnerPerRound
                | Mode::MultiWinnerAllowMultipleWinnersPerRound
        );
        if !stv && self.non_integer_winning_threshold {
            return Err(TallyError::rules(
                "non_integer_winning_threshold",
                "only allowed with the two multi_winner modes",
            ));
        }
        if !stv && self.hare_quota {
            return Err(TallyError::rules(
                "hare_quota",
                "only allowed with the two multi_winner modes",
            ));
        }
        if self.non_integer_winning_threshold && self.hare_quota {
            return Err(TallyError::rules(
                "hare_quota",
                "cannot be combined with non_integer_winning_threshold",
            ));
        }
        Ok(())
    }
}

impl Serialize for MaxSkippedRanks {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            MaxSkippedRanks::Unlimited => s.serialize_str("unlimited"),
            MaxSkippedRanks::Limit(n) => s.serialize_u32(*n),
        }
    }
}

impl Serialize for MaxRankings {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            MaxRankings::Max => s.serialize_str("max"),
            MaxRankings::Limit(n) => s.serialize_u32(*n),
        }
    }
}

/// A non-negative integer or one keyword, e.g. `3 | "unlimited"`.
struct CountOrKeyword(&'static str);

impl Visitor<'_> for CountOrKeyword {
    type Value = Option<u32>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a non-negative integer or \"{}\"", self.0)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Option<u32>, E> {
        u32::try_from(v)
            .map(Some)
            .map_err(|_| E::custom("number is too large"))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Option<u32>, E> {
        u32::try_from(v)
            .map(Some)
            .map_err(|_| E::custom("must not be negative"))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Option<u32>, E> {
        if v == self.0 {
            Ok(None)
        } else {
            Err(E::invalid_value(de::Unexpected::Str(v), &self))
        }
    }
}

impl<'de> Deserialize<'de> for MaxSkippedRanks {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(match d.deserialize_any(CountOrKeyword("unlimited"))? {
            None => MaxSkippedRanks::Unlimited,
            Some(n) => MaxSkippedRanks::Limit(n),
        })
    }
}

impl<'de> Deserialize<'de> for MaxRankings {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(match d.deserialize_any(CountOrKeyword("max"))? {
            None => MaxRankings::Max,
            Some(n) => MaxRankings::Limit(n),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corpus_rules_parse() {
        let rules: Rules = serde_json::from_str(
            r#"{"winner_election_mode": "bottoms_up_using_percentage_threshold",
                "number_of_winners": 0, "tiebreak_mode": "use_candidate_order",
                "random_seed": null, "overvote_rule": "exhaust_immediately",
                "max_skipped_ranks_allowed": "unlimited", "max_rankings_allowed": "max",
                "decimal_places_for_vote_arithmetic": 4,
                "bottoms_up_percentage_threshold": "15"}"#,
        )
        .unwrap();
        assert_eq!(rules.max_skipped_ranks_allowed, MaxSkippedRanks::Unlimited);
        assert_eq!(rules.max_rankings_allowed, MaxRankings::Max);
        assert!(rules.validate().is_ok());
    }

    #[test]
    fn invalid_combinations_are_errors() {
        let mut rules = Rules::stv(3);
        rules.batch_elimination = true;
        assert!(rules.validate().is_err());
        let mut rules = Rules::irv();
        rules.hare_quota = true;
        assert!(rules.validate().is_err());
        let mut rules = Rules::irv();
        rules.random_seed = None;
        assert!(rules.validate().is_err());
        let mut rules = Rules::irv();
        rules.number_of_winners = 2;
        assert!(
            rules.validate().is_err(),
            "single-winner mode with two seats"
        );
        assert!(serde_json::from_str::<Rules>(r#"{"max_rankings_allowed": -1}"#).is_err());
        assert!(serde_json::from_str::<Rules>(r#"{"typo": 1}"#).is_err());
    }
}
