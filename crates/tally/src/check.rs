//! Comparing a result with a case's `expected` object, numbers compared numerically.

use std::collections::BTreeSet;
use std::fmt;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::TallyError;
use crate::votes::Votes;

/// One disagreement between the expected result and ours.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Difference {
    /// E.g. `"pass 2 round 3"`; empty for the whole result.
    pub location: String,
    /// E.g. `"tally[\"A\"]"`.
    pub field: String,
    pub expected: String,
    pub got: String,
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.location.is_empty() {
            write!(f, "{}: ", self.location)?;
        }
        write!(
            f,
            "{}: expected {}, got {}",
            self.field, self.expected, self.got
        )
    }
}

/// Compares the corpus-shaped `expected` with our corpus-shaped result (or our error).
///
/// An `expected` of `{"error": "code: explanation"}` matches an error whose
/// [`TallyError::code`] is `code`.
pub fn compare(expected: &Value, got: &Result<Value, TallyError>) -> Vec<Difference> {
    let mut diffs = Diffs::default();
    if let Some(error) = expected.get("error") {
        let wanted = error
            .as_str()
            .and_then(|s| s.split(':').next())
            .unwrap_or("")
            .trim()
            .to_owned();
        match got {
            Err(e) if e.code() == wanted => {}
            Err(e) => diffs.push("", "error", wanted, e.code().to_owned()),
            Ok(_) => diffs.push("", "error", wanted, "a result".to_owned()),
        }
        return diffs.0;
    }
    let got = match got {
        Ok(value) => value,
        Err(e) => {
            diffs.push("", "result", "a result".to_owned(), format!("error: {e}"));
            return diffs.0;
        }
    };
    diffs.exact("", "winners", expected.get("winners"), got.get("winners"));
    if let Some(passes) = expected.get("passes") {
        let empty = Vec::new();
        let want = passes.as_array().unwrap_or(&empty);
        let have = got
            .get("passes")
            .and_then(Value::as_array)
            .unwrap_or(&empty);
        if want.len() != have.len() {
            diffs.push(
                "",
                "number of passes",
                want.len().to_string(),
                have.len().to_string(),
            );
        }
        for (i, (e, g)) in want.iter().zip(have).enumerate() {
            let location = format!("pass {}", i + 1);
            diffs.exact(&location, "winners", e.get("winners"), g.get("winners"));
            diffs.rounds(&location, e.get("rounds"), g.get("rounds"));
            diffs.numeric_map(&location, "summary", e.get("summary"), g.get("summary"));
        }
    } else {
        diffs.rounds("", expected.get("rounds"), got.get("rounds"));
        diffs.numeric_map("", "summary", expected.get("summary"), got.get("summary"));
    }
    diffs.0
}

#[derive(Default)]
struct Diffs(Vec<Difference>);

fn show(value: Option<&Value>) -> String {
    match value {
        None => "(absent)".to_owned(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

fn as_number(value: &Value) -> Option<Votes> {
    match value {
        Value::String(s) => s.parse().ok(),
        Value::Number(n) => n.to_string().parse().ok(),
        _ => None,
    }
}

fn numbers_equal(a: Option<&Value>, b: Option<&Value>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => match (as_number(a), as_number(b)) {
            (Some(x), Some(y)) => x == y,
            _ => a == b,
        },
        (None, None) => true,
        _ => false,
    }
}

impl Diffs {
    fn push(&mut self, location: &str, field: &str, expected: String, got: String) {
        self.0.push(Difference {
            location: location.to_owned(),
            field: field.to_owned(),
            expected,
            got,
        });
    }

    fn exact(
        &mut self,
        location: &str,
        field: &str,
        expected: Option<&Value>,
        got: Option<&Value>,
    ) {
        if expected != got {
            self.push(location, field, show(expected), show(got));
        }
    }

    fn number(
        &mut self,
        location: &str,
        field: &str,
        expected: Option<&Value>,
        got: Option<&Value>,
    ) {
        if !numbers_equal(expected, got) {
            self.push(location, field, show(expected), show(got));
        }
    }

    fn numeric_map(
        &mut self,
        location: &str,
        field: &str,
        expected: Option<&Value>,
        got: Option<&Value>,
    ) {
        let empty = Map::new();
        let want = expected.and_then(Value::as_object).unwrap_or(&empty);
        let have = got.and_then(Value::as_object).unwrap_or(&empty);
        let keys: BTreeSet<&String> = want.keys().chain(have.keys()).collect();
        for key in keys {
            self.number(
                location,
                &format!("{field}[{key:?}]"),
                want.get(key),
                have.get(key),
            );
        }
    }

    fn rounds(&mut self, location: &str, expected: Option<&Value>, got: Option<&Value>) {
        let empty = Vec::new();
        let want = expected.and_then(Value::as_array).unwrap_or(&empty);
        let have = got.and_then(Value::as_array).unwrap_or(&empty);
        if want.len() != have.len() {
            self.push(
                location,
                "number of rounds",
                want.len().to_string(),
                have.len().to_string(),
            );
        }
        for (i, (e, g)) in want.iter().zip(have).enumerate() {
            let round = format!("round {}", i + 1);
            let here = if location.is_empty() {
                round
            } else {
                format!("{location} {round}")
            };
            self.number(&here, "round", e.get("round"), g.get("round"));
            self.numeric_map(&here, "tally", e.get("tally"), g.get("tally"));
            self.number(&here, "threshold", e.get("threshold"), g.get("threshold"));
            self.numeric_map(&here, "inactive", e.get("inactive"), g.get("inactive"));
            self.exact(&here, "elected", e.get("elected"), g.get("elected"));
            self.exact(
                &here,
                "eliminated",
                e.get("eliminated"),
                g.get("eliminated"),
            );
            self.transfers(&here, e.get("transfers"), g.get("transfers"));
        }
    }

    /// A source with no transfers may be absent or `{}`; both mean the same.
    fn transfers(&mut self, location: &str, expected: Option<&Value>, got: Option<&Value>) {
        let empty = Map::new();
        let want = expected.and_then(Value::as_object).unwrap_or(&empty);
        let have = got.and_then(Value::as_object).unwrap_or(&empty);
        let keys: BTreeSet<&String> = want.keys().chain(have.keys()).collect();
        for key in keys {
            self.numeric_map(
                location,
                &format!("transfers[{key:?}]"),
                want.get(key),
                have.get(key),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_compare_numerically() {
        let expected = json!({"winners": ["A"], "rounds": [{"round": 1, "tally": {"A": "3.90"},
            "threshold": "2", "inactive": {}, "elected": ["A"], "eliminated": [], "transfers": {}}],
            "summary": {"undervotes": 0}});
        let mut got = expected.clone();
        got["rounds"][0]["tally"]["A"] = json!("3.9");
        got["rounds"][0]["transfers"] = json!({"A": {}});
        assert!(compare(&expected, &Ok(got.clone())).is_empty());
        got["rounds"][0]["threshold"] = json!("3");
        let diffs = compare(&expected, &Ok(got));
        assert_eq!(diffs.len(), 1);
        assert_eq!(
            diffs[0].to_string(),
            "round 1: threshold: expected 2, got 3"
        );
    }

    #[test]
    fn expected_errors_match_by_code() {
        let expected = json!({"error": "cvr_ranking_exceeds_max_rankings_allowed: RCTab aborts"});
        let error = TallyError::RankingExceedsMaxRankings { ranks: 4, max: 3 };
        assert!(compare(&expected, &Err(error)).is_empty());
        assert_eq!(compare(&expected, &Ok(json!({}))).len(), 1);
    }
}
