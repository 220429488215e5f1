//! Ranked-choice polls, ballots and round-by-round results.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::deliberation::{Image, Timestamp};
use crate::problem::FieldError;
use crate::text::LocalizedText;
use crate::validated::{is_decimal, validated_string};

validated_string!(
    /// A non-negative vote count as a decimal string (`"312"`, `"7.2501"`):
    /// STV transfers are fractional and must stay exact, so never a float.
    Decimal,
    check = is_decimal,
    schema = {"type": "string", "pattern": "^[0-9]+(\\.[0-9]+)?$"}
);

/// The most options a poll may offer: beyond it no ballot is usable, and the
/// count (which keeps every round for re-checking) grows quickly.
pub const MAX_OPTIONS: usize = 100;

/// How the ballots are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Instant-runoff voting: one winner.
    Irv,
    /// Single transferable vote: `seats` winners, fractional surplus transfer.
    Stv,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum TieBreak {
    /// Seeded random draw, reproducible from `random_seed` (RCTab `random`).
    #[default]
    Random,
    /// The option with fewer votes in the previous round loses; random if still tied.
    PreviousRoundCountsThenRandom,
    /// Order of `options`: a later option loses to an earlier one.
    UseCandidateOrder,
    /// A permutation drawn from `random_seed` before counting.
    GeneratePermutation,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Quota {
    /// floor(active / (seats + 1)) + 1.
    #[default]
    Droop,
    /// active / (seats + 1), truncated, plus the smallest unit (STV only).
    DroopNonInteger,
    /// ceil(active / seats) (STV only).
    Hare,
}

/// The counting options, a subset of RCTab's, so that anyone can re-count
/// the published ballots with RCTab or `plaza-tally` and get the same rounds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CountingRules {
    #[serde(default)]
    pub tiebreak: TieBreak,
    /// Seed of the reproducible random tie-break (Java `java.util.Random`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub random_seed: Option<i64>,
    #[serde(default)]
    pub quota: Quota,
    /// Decimal places of STV fractional transfers (1…20).
    #[serde(default = "default_decimal_places")]
    pub decimal_places: u8,
    /// Eliminate every option that cannot catch up at once (IRV only).
    #[serde(default)]
    pub batch_elimination: bool,
}

fn default_decimal_places() -> u8 {
    4
}

impl Default for CountingRules {
    fn default() -> Self {
        Self {
            tiebreak: TieBreak::default(),
            random_seed: None,
            quota: Quota::default(),
            decimal_places: default_decimal_places(),
            batch_elimination: false,
        }
    }
}

/// When residents may see the results.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ResultsVisibility {
    Always,
    /// Once the participant has cast a ballot.
    AfterVote,
    #[default]
    AfterClose,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum PollStatus {
    Upcoming,
    Open,
    Closed,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PollOption {
    pub id: String,
    pub label: LocalizedText,
    #[serde(default)]
    pub description: LocalizedText,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<Image>,
}

/// `GET /v1/polls/{id}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Poll {
    pub id: String,
    pub deliberation_id: String,
    pub question: LocalizedText,
    /// In the order they are listed on the ballot.
    pub options: Vec<PollOption>,
    pub method: Method,
    /// Number of winners: 1 for IRV.
    pub seats: u32,
    #[serde(default)]
    pub rules: CountingRules,
    pub opens_at: Timestamp,
    pub closes_at: Timestamp,
    pub status: PollStatus,
    #[serde(default)]
    pub results_visibility: ResultsVisibility,
    /// How many options a ballot may rank; all of them when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_rankings: Option<u32>,
}

impl Poll {
    /// The most options one ballot may rank.
    pub fn ranking_limit(&self) -> usize {
        let all = self.options.len();
        self.max_rankings.map_or(all, |m| (m as usize).min(all))
    }

    pub fn option(&self, id: &str) -> Option<&PollOption> {
        self.options.iter().find(|o| o.id == id)
    }

    /// Problems that make the poll unusable although it decoded.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if self.options.len() < 2 {
            problems.push("a poll needs at least two options".to_owned());
        }
        if self.options.len() > MAX_OPTIONS {
            problems.push(format!("a poll can offer at most {MAX_OPTIONS} options"));
        }
        let mut ids: Vec<&str> = self.options.iter().map(|o| o.id.as_str()).collect();
        ids.sort_unstable();
        if ids.windows(2).any(|w| w[0] == w[1]) {
            problems.push("option ids are not unique".to_owned());
        }
        match self.method {
            Method::Irv if self.seats != 1 => {
                problems.push("IRV elects exactly one option".to_owned())
            }
            Method::Stv if self.seats < 1 || self.seats as usize >= self.options.len() => {
                problems.push("STV needs at least one seat and more options than seats".to_owned())
            }
            _ => {}
        }
        if !(1..=20).contains(&self.rules.decimal_places) {
            problems.push("rules.decimal_places must be between 1 and 20".to_owned());
        }
        if self.max_rankings == Some(0) {
            problems.push("max_rankings must be at least 1".to_owned());
        }
        if self.closes_at.unix_millis() <= self.opens_at.unix_millis() {
            problems.push("closes_at must be after opens_at".to_owned());
        }
        problems
    }
}

/// `PUT /v1/polls/{id}/ballot`: option ids, most preferred first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct BallotSubmission {
    pub ranking: Vec<String>,
}

impl BallotSubmission {
    /// Checks the ranking against the poll: known options, each at most once,
    /// at least one, no more than the limit.
    pub fn validate(&self, poll: &Poll) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        if self.ranking.is_empty() {
            errors.push(FieldError::new("ranking", "required"));
        }
        if self.ranking.len() > poll.ranking_limit() {
            errors.push(FieldError::new("ranking", "too_many"));
        }
        for (i, id) in self.ranking.iter().enumerate() {
            if poll.option(id).is_none() {
                errors.push(FieldError::new(format!("ranking[{i}]"), "unknown_option"));
            } else if self.ranking[..i].contains(id) {
                errors.push(FieldError::new(format!("ranking[{i}]"), "duplicate"));
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// Proof that a ballot was recorded. The tracker lets a resident find their
/// (anonymous) ballot in the published export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct BallotReceipt {
    pub tracker: String,
    pub recorded_at: Timestamp,
}

/// `GET /v1/polls/{id}/ballot`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct MyBallot {
    pub ranking: Vec<String>,
    pub receipt: BallotReceipt,
}

/// Ballots that stopped counting, by reason (RCTab's categories).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct InactiveCounts {
    /// Every option ranked on the ballot is out of the count.
    pub exhausted_choices: Decimal,
    pub overvotes: Decimal,
    pub skipped_rankings: Decimal,
    pub repeated_rankings: Decimal,
}

/// One round of the count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ResultRound {
    pub round: u32,
    /// Votes per option id still in the count (and winners of earlier rounds, in STV).
    pub tally: BTreeMap<String, Decimal>,
    pub threshold: Decimal,
    pub inactive: InactiveCounts,
    pub elected: Vec<String>,
    pub eliminated: Vec<String>,
    /// From an elected or eliminated option id to where its votes move in the
    /// next round: option ids, `exhausted`, or `residual_surplus`.
    #[serde(default)]
    pub transfers: BTreeMap<String, BTreeMap<String, Decimal>>,
}

/// `GET /v1/polls/{id}/results`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PollResults {
    pub poll_id: String,
    /// `true` once the poll has closed and the count is final.
    #[serde(rename = "final")]
    pub is_final: bool,
    pub counted_at: Timestamp,
    pub total_ballots: Decimal,
    pub winners: Vec<String>,
    pub rounds: Vec<ResultRound>,
}

/// Identical anonymous ballots, grouped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct BallotGroup {
    pub ranking: Vec<String>,
    pub count: u64,
}

/// `GET /v1/polls/{id}/ballots` (after close): everything needed to re-count.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct BallotExport {
    pub poll_id: String,
    pub options: Vec<String>,
    pub method: Method,
    pub seats: u32,
    pub rules: CountingRules,
    pub ballots: Vec<BallotGroup>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::LocalizedText;

    fn poll() -> Poll {
        let option = |id: &str| PollOption {
            id: id.into(),
            label: LocalizedText::new([("en", id)]),
            description: LocalizedText::default(),
            image: None,
        };
        Poll {
            id: "p".into(),
            deliberation_id: "d".into(),
            question: LocalizedText::new([("en", "Which?")]),
            options: vec![option("a"), option("b"), option("c")],
            method: Method::Irv,
            seats: 1,
            rules: CountingRules::default(),
            opens_at: "2026-12-01T00:00:00Z".parse().unwrap(),
            closes_at: "2026-12-20T00:00:00Z".parse().unwrap(),
            status: PollStatus::Open,
            results_visibility: ResultsVisibility::AfterClose,
            max_rankings: Some(2),
        }
    }

    fn ballot(ids: &[&str]) -> BallotSubmission {
        BallotSubmission {
            ranking: ids.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn a_valid_ranking_passes() {
        assert!(ballot(&["b", "a"]).validate(&poll()).is_ok());
        assert!(poll().problems().is_empty());
    }

    #[test]
    fn rankings_are_checked_against_the_poll() {
        let codes = |b: BallotSubmission| -> Vec<(String, String)> {
            b.validate(&poll())
                .unwrap_err()
                .into_iter()
                .map(|e| (e.field, e.code))
                .collect()
        };
        assert_eq!(codes(ballot(&[])), [("ranking".into(), "required".into())]);
        assert_eq!(
            codes(ballot(&["a", "a"])),
            [("ranking[1]".into(), "duplicate".into())]
        );
        assert_eq!(
            codes(ballot(&["z"])),
            [("ranking[0]".into(), "unknown_option".into())]
        );
        assert_eq!(
            codes(ballot(&["a", "b", "c"])),
            [("ranking".into(), "too_many".into())]
        );
    }

    #[test]
    fn inconsistent_polls_are_reported() {
        let mut p = poll();
        p.seats = 2;
        p.rules.decimal_places = 0;
        p.options.truncate(1);
        assert_eq!(p.problems().len(), 3);
        let mut many = poll();
        many.options = (0..=MAX_OPTIONS)
            .map(|i| PollOption {
                id: format!("o{i}"),
                label: LocalizedText::new([("en", "x")]),
                description: LocalizedText::default(),
                image: None,
            })
            .collect();
        assert_eq!(many.problems().len(), 1);
    }

    #[test]
    fn decimals_refuse_floats_and_signs() {
        assert!(serde_json::from_str::<Decimal>(r#""7.2501""#).is_ok());
        assert!(serde_json::from_str::<Decimal>(r#""-1""#).is_err());
        assert!(serde_json::from_str::<Decimal>("7.25").is_err());
    }
}
