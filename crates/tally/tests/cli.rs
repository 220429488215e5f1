//! The `plaza-tally` command line: output shape, `--check` and exit statuses.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn run(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_plaza-tally"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("plaza-tally starts");
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(stdin.as_bytes())
        .expect("stdin is writable");
    child.wait_with_output().expect("plaza-tally finishes")
}

const CASE: &str = r#"{
  "rules": {"winner_election_mode": "single_winner_majority", "number_of_winners": 1,
            "tiebreak_mode": "use_candidate_order", "max_rankings_allowed": 2},
  "candidates": ["A", "B", "C"],
  "ballots": [{"ranking": [["A"], ["B"]], "count": 2}, {"ranking": [["B"]], "count": 2},
              {"ranking": [["C"], ["A"]], "count": 1}],
  "expected": {"winners": ["A"], "rounds": [
    {"round": 1, "tally": {"A": "2", "B": "2", "C": "1"}, "threshold": "3",
     "inactive": {"exhaustedChoices": "0", "overvotes": "0", "repeatedRankings": "0", "skippedRankings": "0"},
     "elected": [], "eliminated": ["C"], "transfers": {"C": {"A": "1"}}},
    {"round": 2, "tally": {"A": "3", "B": "2"}, "threshold": "3",
     "inactive": {"exhaustedChoices": "0", "overvotes": "0", "repeatedRankings": "0", "skippedRankings": "0"},
     "elected": ["A"], "eliminated": [], "transfers": {}}],
    "summary": {"totalNumBallots": "5", "undervotes": 0, "numCandidates": 3, "numWinners": 1, "finalThreshold": "3"}}
}"#;

fn stderr_lines(output: &Output) -> usize {
    String::from_utf8_lossy(&output.stderr).lines().count()
}

#[test]
fn prints_the_corpus_shape() {
    let output = run(&["-"], CASE);
    assert!(output.status.success());
    let result: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON output");
    assert_eq!(result["winners"], serde_json::json!(["A"]));
    assert_eq!(result["rounds"][0]["transfers"]["C"]["A"], "1");
    assert_eq!(result["summary"]["totalNumBallots"], "5");
}

#[test]
fn check_reports_equality_and_differences() {
    assert_eq!(run(&["--check", "-"], CASE).status.code(), Some(0));
    let wrong = CASE.replace(r#""B": "2", "C": "1""#, r#""B": "2", "C": "7""#);
    let output = run(&["--check", "-"], &wrong);
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains(r#"round 1: tally["C"]: expected 7, got 1"#),
        "{stdout}"
    );
}

#[test]
fn invalid_input_exits_2_with_one_line() {
    let unknown = CASE.replace(r#"[["C"], ["A"]]"#, r#"[["D"], ["A"]]"#);
    let too_long = CASE.replace(r#"[["C"], ["A"]]"#, r#"[["C"], ["A"], ["B"]]"#);
    let bad_rules = CASE.replace(r#""number_of_winners": 1"#, r#""number_of_winners": 0"#);
    for input in [
        "{ not json",
        unknown.as_str(),
        too_long.as_str(),
        bad_rules.as_str(),
    ] {
        let output = run(&["-"], input);
        assert_eq!(output.status.code(), Some(2), "{input}");
        assert_eq!(
            stderr_lines(&output),
            1,
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(output.stdout.is_empty());
    }
    let output = run(&["--check", "-"], &too_long);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn a_tie_for_the_operator_exits_3() {
    let tie = CASE
        .replace("use_candidate_order", "stop_counting_and_ask")
        .replace(
            r#"[["C"], ["A"]], "count": 1"#,
            r#"[["C"], ["A"]], "count": 2"#,
        );
    let output = run(&["-"], &tie);
    assert_eq!(
        output.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(stderr_lines(&output), 1);
}

#[test]
fn help_and_usage_errors() {
    let help = run(&["--help"], "");
    assert!(help.status.success());
    assert!(String::from_utf8_lossy(&help.stdout).contains("--check"));
    assert_eq!(run(&[], "").status.code(), Some(2));
    assert_eq!(run(&["--frobnicate", "x"], "").status.code(), Some(2));
}
