//! Every case of the RCTab conformance corpus must come out exactly as RCTab counted it.
//!
//! The corpus is test data of this repository (`testdata/rctab/cases`, see its README), or
//! `$PLAZA_RCTAB_CASES` to try another copy. A missing corpus fails the test (it is never skipped), and every failing case is listed with its first difference. Numbers are compared
//! numerically (as the corpus README asks) and then also as printed, since we print them exactly
//! as RCTab's `BigDecimal.toString()` does.

use std::path::{Path, PathBuf};

use plaza_tally::{compare, parse_case, CorpusReport, TallyError};
use serde_json::Value;

fn cases_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("PLAZA_RCTAB_CASES") {
        return PathBuf::from(dir);
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/rctab/cases")
}

/// Our result in the corpus shape, or our error.
fn count(text: &str) -> Result<Value, TallyError> {
    let tabulation = parse_case(text)?.election.tabulate()?;
    serde_json::to_value(CorpusReport(&tabulation)).map_err(|e| TallyError::MalformedInput {
        message: e.to_string(),
    })
}

/// Drops transfer sources with nothing to transfer (RCTab lists them as `{}`, we omit them).
fn normalize(mut value: Value) -> Value {
    let passes: Vec<&mut Value> = match value.get_mut("passes").and_then(Value::as_array_mut) {
        Some(passes) => passes.iter_mut().collect(),
        None => vec![&mut value],
    };
    for pass in passes {
        for round in pass
            .get_mut("rounds")
            .and_then(Value::as_array_mut)
            .into_iter()
            .flatten()
        {
            if let Some(transfers) = round.get_mut("transfers").and_then(Value::as_object_mut) {
                transfers.retain(|_, targets| targets.as_object().is_none_or(|t| !t.is_empty()));
            }
        }
    }
    value
}

fn first_textual_difference(expected: &Value, got: &Value, path: &str) -> Option<String> {
    match (expected, got) {
        (Value::Object(e), Value::Object(g)) => {
            let keys: std::collections::BTreeSet<&String> = e.keys().chain(g.keys()).collect();
            keys.into_iter().find_map(|k| match (e.get(k), g.get(k)) {
                (Some(a), Some(b)) => first_textual_difference(a, b, &format!("{path}.{k}")),
                _ => Some(format!("{path}.{k}")),
            })
        }
        (Value::Array(e), Value::Array(g)) if e.len() == g.len() => e
            .iter()
            .zip(g)
            .enumerate()
            .find_map(|(i, (a, b))| first_textual_difference(a, b, &format!("{path}[{i}]"))),
        _ if expected == got => None,
        _ => Some(format!("{path} (expected {expected}, got {got})")),
    }
}

#[derive(serde::Deserialize)]
struct ExpectedOnly {
    expected: Value,
}

#[test]
fn every_rctab_case_matches_round_by_round() {
    let dir = cases_dir();
    let entries = match std::fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(e) => panic!(
            "the RCTab conformance corpus is missing: looked in {} ({e}); set PLAZA_RCTAB_CASES \
             to the folder holding the case files",
            dir.display()
        ),
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "no case files in {}", dir.display());

    let mut failures = Vec::new();
    for path in &paths {
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) => {
                failures.push(format!("{name}: cannot read: {e}"));
                continue;
            }
        };
        let expected = match serde_json::from_str::<ExpectedOnly>(&text) {
            Ok(e) => e.expected,
            Err(e) => {
                failures.push(format!("{name}: no readable \"expected\": {e}"));
                continue;
            }
        };
        let got = count(&text);
        let differences = compare(&expected, &got);
        if let Some(first) = differences.first() {
            failures.push(format!(
                "{name}: {first} ({} difference(s) in all)",
                differences.len()
            ));
        } else if let Ok(got) = &got {
            // Numerically equal; also hold the printed form to RCTab's (e.g. "7.0000").
            if let Some(path) =
                first_textual_difference(&normalize(expected), &normalize(got.clone()), "")
            {
                failures.push(format!("{name}: printed differently at {path}"));
            }
        }
    }
    let passed = paths.len() - failures.len();
    println!("{passed}/{} RCTab cases match", paths.len());
    assert!(
        failures.is_empty(),
        "{passed}/{} RCTab cases match; failing:\n  {}",
        paths.len(),
        failures.join("\n  ")
    );
}
