//! `plaza-tally` for the browser. A resident (or an auditor) can re-count
//! the published ballots of a poll in their own browser and get the same
//! rounds as the server and as RCTab.
//!
//! The functions take and return JSON text and never throw: a failure comes
//! back as `{"error": {"code": …, "message": …}}`.

#![forbid(unsafe_code)]

use wasm_bindgen::prelude::wasm_bindgen;

/// Counts a case (the conformance corpus's format, or the same shape built
/// from a poll's published ballots) and returns the result in RCTab's
/// summary shape.
#[wasm_bindgen]
pub fn recount(case_json: &str) -> String {
    plaza_tally::run_case_json(case_json)
}

/// Like [`recount`], with the full account of each round (who was elected
/// or eliminated and why, and where the ballots went).
#[wasm_bindgen]
pub fn explain(case_json: &str) -> String {
    match plaza_tally::explain_case_json(case_json) {
        Ok(json) => json,
        Err(error) => plaza_tally::error_json(&error),
    }
}

/// Counts a poll's published ballots (`GET /v1/polls/{id}/ballots`, the
/// text as downloaded) and returns the [`Recount`](plaza_contract::Recount)
/// as JSON, for the widget to compare round by round with the backend's
/// results; with where the export differs from `announced_json` (what the
/// poll the widget showed announced, `BallotExport::announced`).
#[wasm_bindgen]
pub fn recount_export(export_json: &str, announced_json: &str) -> String {
    let export: plaza_contract::BallotExport = match serde_json::from_str(export_json) {
        Ok(export) => export,
        Err(e) => return failure("invalid_export", &e.to_string()),
    };
    let announced: plaza_contract::BallotExport = match serde_json::from_str(announced_json) {
        Ok(announced) => announced,
        Err(e) => return failure("invalid_poll", &e.to_string()),
    };
    match plaza_results::recount_as_announced(&export, &announced) {
        Ok(recount) => {
            serde_json::to_string(&recount).unwrap_or_else(|e| failure("internal", &e.to_string()))
        }
        Err(error) => plaza_tally::error_json(&error),
    }
}

/// Looks for the ballot with `tracker` in a poll's published cast vote
/// records (`?format=cdf`, the text as downloaded): `{"ranking": [...]}`,
/// or `{"ranking": null}` when it is not there, or an error when the
/// records cannot be read.
#[wasm_bindgen]
pub fn find_ballot(cdf_json: &str, tracker: &str) -> String {
    match serde_json::from_str::<serde_json::Value>(cdf_json) {
        Ok(report) => match plaza_results::cdf::find(&report, tracker) {
            Ok(ranking) => serde_json::json!({ "ranking": ranking }).to_string(),
            Err(e) => failure("invalid_export", e),
        },
        Err(e) => failure("invalid_export", &e.to_string()),
    }
}

fn failure(code: &str, message: &str) -> String {
    serde_json::json!({"error": {"code": code, "message": message}}).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const CASE: &str = r#"{
        "rules": {"winner_election_mode": "single_winner_majority", "number_of_winners": 1,
                  "tiebreak_mode": "use_candidate_order", "random_seed": null,
                  "overvote_rule": "exhaust_immediately", "max_skipped_ranks_allowed": "unlimited",
                  "max_rankings_allowed": "max", "decimal_places_for_vote_arithmetic": 4,
                  "non_integer_winning_threshold": false, "hare_quota": false,
                  "batch_elimination": false, "cutoff_elimination": false,
                  "continue_until_two_candidates_remain": false,
                  "first_round_determines_threshold": false, "exhaust_on_duplicate_candidate": false,
                  "stop_tabulation_early_after_round": null, "bottoms_up_percentage_threshold": null},
        "candidates": ["A", "B", "C"],
        "ballots": [{"ranking": [["A"]], "count": 4}, {"ranking": [["B"]], "count": 3},
                    {"ranking": [["C"], ["B"]], "count": 2}]
    }"#;

    /// What the poll announced (no seed: the count used the default one).
    const ANNOUNCED: &str = r#"{"poll_id": "p", "options": ["a", "b", "c"], "method": "irv",
        "seats": 1, "rules": {"tiebreak": "use_candidate_order", "quota": "droop",
                              "decimal_places": 4, "batch_elimination": false},
        "ballots": []}"#;

    fn export(tiebreak: &str) -> String {
        format!(
            r#"{{"poll_id": "p", "options": ["a", "b", "c"], "method": "irv", "seats": 1,
            "rules": {{"tiebreak": "{tiebreak}", "quota": "droop", "decimal_places": 4,
                      "batch_elimination": false, "random_seed": 0}},
            "ballots": [{{"ranking": ["a"], "count": 4}}, {{"ranking": ["b"], "count": 3}},
                        {{"ranking": ["c", "b"], "count": 2}}]}}"#
        )
    }

    #[test]
    fn recounts_a_published_export() {
        let answer = |export: &str| -> serde_json::Value {
            serde_json::from_str(&recount_export(export, ANNOUNCED)).unwrap()
        };
        let result = answer(&export("use_candidate_order"));
        assert_eq!(result["winners"], serde_json::json!(["b"]), "{result}");
        assert_eq!(result["rounds"][0]["eliminated"], serde_json::json!(["c"]));
        assert_eq!(result["not_as_announced"], serde_json::json!([]));
        // Counted under other rules than the poll announced: said.
        let other = answer(&export("random"));
        assert_eq!(
            other["not_as_announced"].as_array().map(Vec::len),
            Some(1),
            "{other}"
        );
        assert_eq!(
            answer("{\"ballots\": 1}")["error"]["code"],
            "invalid_export"
        );
        let no_poll: serde_json::Value =
            serde_json::from_str(&recount_export(&export("random"), "null")).unwrap();
        assert_eq!(no_poll["error"]["code"], "invalid_poll");
    }

    #[test]
    fn finds_a_ballot_by_its_tracker() {
        let cdf = r#"{"CVR": [{"UniqueId": "T1", "CVRSnapshot": [{"CVRContest": [{"CVRContestSelection": [
            {"ContestSelectionId": "selection-b", "SelectionPosition": [{"Rank": 2}]},
            {"ContestSelectionId": "selection-a", "SelectionPosition": [{"Rank": 1}]}]}]}]}]}"#;
        let found: serde_json::Value = serde_json::from_str(&find_ballot(cdf, "T1")).unwrap();
        assert_eq!(found["ranking"], serde_json::json!(["a", "b"]));
        let missing: serde_json::Value = serde_json::from_str(&find_ballot(cdf, "T2")).unwrap();
        assert!(missing["ranking"].is_null());
        for unreadable in ["<html>Gateway timeout</html>", "", r#"{"CVR": null}"#] {
            let answer: serde_json::Value =
                serde_json::from_str(&find_ballot(unreadable, "T1")).unwrap();
            assert_eq!(answer["error"]["code"], "invalid_export", "{unreadable:?}");
            assert!(answer.get("ranking").is_none());
        }
    }

    #[test]
    fn recounts_a_case_and_reports_errors_as_json() {
        let result: serde_json::Value = serde_json::from_str(&recount(CASE)).unwrap();
        assert_eq!(result["winners"], serde_json::json!(["B"]));
        let error: serde_json::Value = serde_json::from_str(&recount("{")).unwrap();
        assert!(error["error"]["code"].is_string());
        let explained: serde_json::Value = serde_json::from_str(&explain(CASE)).unwrap();
        assert!(
            explained["passes"][0]["rounds"][0]["decisions"].is_array(),
            "{explained}"
        );
    }
}
