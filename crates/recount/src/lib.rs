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
