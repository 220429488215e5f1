//! The corpus case format (`testdata/rctab/README.md`), read in one streaming pass.
//!
//! Ballots are interned and aggregated while the JSON is deserialized, so a million
//! `{"ranking": …, "count": 1}` entries never exist as a million Rust structs.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::ballots::BallotSet;
use crate::election::Election;
use crate::error::TallyError;
use crate::rules::Rules;

/// A parsed case: its name (if any) and the election to count. `expected` is ignored.
#[derive(Debug, Clone)]
pub struct Case {
    pub name: Option<String>,
    pub election: Election,
}

/// Parses a case document.
pub fn parse_case(text: &str) -> Result<Case, TallyError> {
    let malformed = |e: serde_json::Error| TallyError::MalformedInput {
        message: e.to_string(),
    };
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let parts = deserializer
        .deserialize_map(CaseVisitor)
        .map_err(malformed)?;
    deserializer.end().map_err(malformed)?;
    let missing = |field: &str| TallyError::MalformedInput {
        message: format!("the case has no \"{field}\""),
    };
    let rules = parts.rules.ok_or_else(|| missing("rules"))?;
    let candidates = parts.candidates.ok_or_else(|| missing("candidates"))?;
    let ballots = parts.ballots.ok_or_else(|| missing("ballots"))?;
    let mut election = Election::new(candidates, rules)
        .with_excluded(parts.excluded.unwrap_or_default())
        .with_ballot_set(ballots);
    if let Some(label) = parts.undeclared_write_in {
        election = election.with_undeclared_write_in(label);
    }
    if let Some(label) = parts.overvote_token {
        election = election.with_overvote_label(label);
    }
    Ok(Case {
        name: parts.name,
        election,
    })
}

#[derive(Default)]
struct CaseParts {
    name: Option<String>,
    rules: Option<Rules>,
    candidates: Option<Vec<String>>,
    excluded: Option<Vec<String>>,
    undeclared_write_in: Option<String>,
    overvote_token: Option<String>,
    ballots: Option<BallotSet>,
}

struct CaseVisitor;

fn once<T, E: de::Error>(slot: &mut Option<T>, value: T, field: &'static str) -> Result<(), E> {
    if slot.is_some() {
        return Err(E::duplicate_field(field));
    }
    *slot = Some(value);
    Ok(())
}

impl<'de> Visitor<'de> for CaseVisitor {
    type Value = CaseParts;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a case object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<CaseParts, A::Error> {
        let mut parts = CaseParts::default();
        let mut seen_uwi = false;
        let mut seen_overvote = false;
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            match key.as_ref() {
                "name" => parts.name = map.next_value()?,
                "rules" => once(&mut parts.rules, map.next_value()?, "rules")?,
                "candidates" => once(&mut parts.candidates, map.next_value()?, "candidates")?,
                "excluded" => {
                    let excluded: Option<Vec<String>> = map.next_value()?;
                    once(
                        &mut parts.excluded,
                        excluded.unwrap_or_default(),
                        "excluded",
                    )?
                }
                "undeclared_write_in" => {
                    if std::mem::replace(&mut seen_uwi, true) {
                        return Err(de::Error::duplicate_field("undeclared_write_in"));
                    }
                    parts.undeclared_write_in = map.next_value()?;
                }
                "overvote_token" => {
                    if std::mem::replace(&mut seen_overvote, true) {
                        return Err(de::Error::duplicate_field("overvote_token"));
                    }
                    parts.overvote_token = map.next_value()?;
                }
                "ballots" => {
                    let mut set = BallotSet::new();
                    map.next_value_seed(BallotsSeed(&mut set))?;
                    once(&mut parts.ballots, set, "ballots")?;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(parts)
    }
}

fn to_de<E: de::Error>(error: TallyError) -> E {
    E::custom(error)
}

/// `[ballot, …]`
pub(crate) struct BallotsSeed<'a>(pub(crate) &'a mut BallotSet);

impl<'de> DeserializeSeed<'de> for BallotsSeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for BallotsSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of ballots")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(BallotSeed(self.0))?.is_some() {}
        Ok(())
    }
}

/// `{"ranking": [[name, …], …], "count": n}`; `count` defaults to 1.
struct BallotSeed<'a>(&'a mut BallotSet);

impl<'de> DeserializeSeed<'de> for BallotSeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for BallotSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a ballot object with \"ranking\" and \"count\"")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let set = self.0;
        set.begin();
        let mut has_ranking = false;
        let mut count: Option<u64> = None;
        while let Some(key) = map.next_key::<BallotField>()? {
            match key {
                BallotField::Ranking => {
                    if std::mem::replace(&mut has_ranking, true) {
                        return Err(de::Error::duplicate_field("ranking"));
                    }
                    map.next_value_seed(RankingSeed(&mut *set))?;
                }
                BallotField::Count => once(&mut count, map.next_value()?, "count")?,
                BallotField::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        if !has_ranking {
            return Err(de::Error::missing_field("ranking"));
        }
        set.commit(count.unwrap_or(1)).map_err(to_de)
    }
}

/// A ballot's keys, recognised without allocating.
enum BallotField {
    Ranking,
    Count,
    Other,
}

impl<'de> de::Deserialize<'de> for BallotField {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FieldVisitor;
        impl Visitor<'_> for FieldVisitor {
            type Value = BallotField;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a ballot field name")
            }
            fn visit_str<E: de::Error>(self, key: &str) -> Result<BallotField, E> {
                Ok(match key {
                    "ranking" => BallotField::Ranking,
                    "count" => BallotField::Count,
                    _ => BallotField::Other,
                })
            }
        }
        deserializer.deserialize_identifier(FieldVisitor)
    }
}

/// `[rank, …]`
struct RankingSeed<'a>(&'a mut BallotSet);

impl<'de> DeserializeSeed<'de> for RankingSeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for RankingSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of ranks")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(RankSeed(&mut *self.0))?.is_some() {}
        Ok(())
    }
}

/// A rank: an array of names (the corpus form), or a single name (one option per rank).
struct RankSeed<'a>(&'a mut BallotSet);

impl<'de> DeserializeSeed<'de> for RankSeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for RankSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a rank: an array of candidate names, or one name")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(MarkSeed(&mut *self.0))?.is_some() {}
        self.0.end_rank();
        Ok(())
    }

    fn visit_str<E: de::Error>(self, name: &str) -> Result<(), E> {
        self.0.push_mark(name).map_err(to_de)?;
        self.0.end_rank();
        Ok(())
    }
}

/// One name, interned without allocating when it is already known.
struct MarkSeed<'a>(&'a mut BallotSet);

impl<'de> DeserializeSeed<'de> for MarkSeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for MarkSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a candidate name")
    }

    fn visit_str<E: de::Error>(self, name: &str) -> Result<(), E> {
        self.0.push_mark(name).map_err(to_de)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_in_any_order_and_expected_ignored() {
        let case = parse_case(
            r#"{"ballots": [{"count": 2, "ranking": [["B"], ["A"]]}, {"ranking": ["A"]}],
                "expected": {"winners": ["nobody"]},
                "candidates": ["A", "B"],
                "rules": {"winner_election_mode": "single_winner_majority", "number_of_winners": 1,
                          "tiebreak_mode": "use_candidate_order"}}"#,
        )
        .unwrap();
        assert_eq!(case.election.ballot_count(), 3);
        assert_eq!(case.election.tabulate().unwrap().winners, ["B"]);
    }

    #[test]
    fn malformed_documents_are_errors() {
        for text in [
            "",
            "[]",
            "{\"candidates\": [\"A\"]}",
            "{\"rules\": {}, \"candidates\": [\"A\"], \"ballots\": [{\"count\": 1}]}",
            "{\"rules\": {}, \"candidates\": [\"A\"], \"ballots\": [], \"ballots\": []}",
            "{\"rules\": {}, \"candidates\": [\"A\"], \"ballots\": []} trailing",
            "{\"rules\": {}, \"candidates\": [\"A\"], \"ballots\": [{\"ranking\": [[1]]}]}",
        ] {
            assert!(
                matches!(parse_case(text), Err(TallyError::MalformedInput { .. })),
                "{text}"
            );
        }
    }
}
