//! The ballots of a closed poll as a NIST SP 1500-103 cast vote record
//! report (CDF JSON), the format RCTab reads: one CVR per ballot, its
//! `UniqueId` the ballot's receipt tracker, so a resident can find their
//! own ballot in the published file.

use plaza_contract::{Poll, Timestamp};
use serde_json::{json, Value};

const ELECTION: &str = "election-1";
const CONTEST: &str = "contest-1";
const SCOPE: &str = "gpunit-1";
const DEVICE: &str = "device-1";

fn candidate_id(option: &str) -> String {
    format!("candidate-{option}")
}

fn selection_id(option: &str) -> String {
    format!("selection-{option}")
}

/// `ballots`: (tracker, ranking) pairs; `application`: the backend that
/// publishes the report (`plaza-server`, `plaza-local`), named in it.
pub fn report(
    poll: &Poll,
    ballots: &[(String, Vec<String>)],
    generated: &Timestamp,
    application: &str,
) -> Value {
    let mut report = head(poll, generated, application);
    report["CVR"] = ballots
        .iter()
        .map(|(tracker, ranking)| cvr(tracker, ranking))
        .collect();
    report
}

/// The report as text around its CVRs, for a backend that writes them one
/// by one as it reads them: `prefix`, the CVRs separated by commas, `suffix`.
pub fn frame(poll: &Poll, generated: &Timestamp, application: &str) -> (String, String) {
    let head = head(poll, generated, application).to_string();
    // `head` is an object: its text ends with its closing brace.
    let open = head.strip_suffix('}').unwrap_or(&head);
    let separator = if open.ends_with('{') { "" } else { "," };
    (format!("{open}{separator}\"CVR\":["), "]}".to_owned())
}

/// Everything of the report but its CVRs.
fn head(poll: &Poll, generated: &Timestamp, application: &str) -> Value {
    let name = |t: &plaza_contract::LocalizedText| {
        t.pick(&["en".to_owned()])
            .map(|p| p.text.to_owned())
            .unwrap_or_default()
    };
    let candidates: Vec<Value> = poll
        .options
        .iter()
        .map(|o| json!({"@id": candidate_id(&o.id), "@type": "CVR.Candidate", "Name": o.id}))
        .collect();
    let selections: Vec<Value> = poll
        .options
        .iter()
        .map(|o| {
            json!({
                "@id": selection_id(&o.id),
                "@type": "CVR.CandidateSelection",
                "CandidateIds": [candidate_id(&o.id)],
            })
        })
        .collect();
    json!({
        "@type": "CVR.CastVoteRecordReport",
        "Version": "1.0.0",
        "GeneratedDate": generated.as_str(),
        "ReportGeneratingDeviceIds": [DEVICE],
        "ReportingDevice": [{"@id": DEVICE, "@type": "CVR.ReportingDevice", "Application": application}],
        "GpUnit": [{"@id": SCOPE, "@type": "CVR.GpUnit", "Type": "other", "OtherType": "city"}],
        "Election": [{
            "@id": ELECTION,
            "@type": "CVR.Election",
            "Name": poll.id,
            "ElectionScopeId": SCOPE,
            "Candidate": candidates,
            "Contest": [{
                "@id": CONTEST,
                "@type": "CVR.CandidateContest",
                "Name": name(&poll.question),
                "ElectionDistrictId": SCOPE,
                "NumberElected": poll.seats,
                "VotesAllowed": 1,
                "ContestSelection": selections,
            }],
        }],
    })
}

/// One ballot's cast vote record, its `UniqueId` the ballot's tracker.
pub fn cvr(tracker: &str, ranking: &[String]) -> Value {
    let marks: Vec<Value> = ranking
        .iter()
        .enumerate()
        .map(|(i, option)| {
            json!({
                "@type": "CVR.CVRContestSelection",
                "ContestSelectionId": selection_id(option),
                "SelectionPosition": [{
                    "@type": "CVR.SelectionPosition",
                    "HasIndication": "yes",
                    "IsAllocable": "yes",
                    "NumberVotes": 1,
                    "Rank": i + 1,
                }],
            })
        })
        .collect();
    json!({
        "@type": "CVR.CVR",
        "BallotPrePrintedId": tracker,
        "UniqueId": tracker,
        "CurrentSnapshotId": format!("snapshot-{tracker}"),
        "ElectionId": ELECTION,
        "CreatingDeviceId": DEVICE,
        "CVRSnapshot": [{
            "@id": format!("snapshot-{tracker}"),
            "@type": "CVR.CVRSnapshot",
            "Type": "original",
            "CVRContest": [{
                "@type": "CVR.CVRContest",
                "ContestId": CONTEST,
                "CVRContestSelection": marks,
            }],
        }],
    })
}

/// The ranking of the ballot whose tracker is `tracker` in a published
/// report, as [`cvr`] wrote it (option ids, first choice first); `None`
/// when the report has no such ballot (trackers compared as a resident
/// reads them: `plaza_contract::same_tracker`). What a resident's browser
/// looks for to find their own ballot among the published ones. A report
/// or a ballot it cannot read is an error, not a ballot missing.
pub fn find(report: &Value, tracker: &str) -> Result<Option<Vec<String>>, &'static str> {
    let cvrs = report["CVR"]
        .as_array()
        .ok_or("the report has no CVR list")?;
    let Some(cvr) = cvrs.iter().find(|c| {
        c["UniqueId"]
            .as_str()
            .is_some_and(|id| plaza_contract::same_tracker(id, tracker))
    }) else {
        return Ok(None);
    };
    let unreadable = "the ballot's record has no readable selections";
    let marks = cvr["CVRSnapshot"][0]["CVRContest"][0]["CVRContestSelection"]
        .as_array()
        .ok_or(unreadable)?;
    let mut ranked = marks
        .iter()
        .map(|m| {
            let option = m["ContestSelectionId"]
                .as_str()?
                .strip_prefix("selection-")?;
            let rank = m["SelectionPosition"][0]["Rank"].as_u64()?;
            Some((rank, option.to_owned()))
        })
        .collect::<Option<Vec<(u64, String)>>>()
        .ok_or(unreadable)?;
    ranked.sort_by_key(|(rank, _)| *rank);
    Ok(Some(ranked.into_iter().map(|(_, option)| option).collect()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use plaza_contract::seed::Seed;

    #[test]
    fn the_streamed_report_is_the_report() {
        let seed: Seed =
            serde_json::from_str(include_str!("../../contract/demo/plaza-demo.json")).unwrap();
        let poll = seed.deliberations[0].poll.clone().unwrap();
        let ballots = vec![
            ("A1".to_owned(), vec!["seasonal".to_owned()]),
            (
                "B2".to_owned(),
                vec!["status-quo".to_owned(), "seasonal".to_owned()],
            ),
        ];
        let at: Timestamp = "2027-01-11T00:00:00Z".parse().unwrap();
        let (prefix, suffix) = frame(&poll, &at, "plaza-test");
        let cvrs: Vec<String> = ballots.iter().map(|(t, r)| cvr(t, r).to_string()).collect();
        let streamed: Value =
            serde_json::from_str(&format!("{prefix}{}{suffix}", cvrs.join(","))).unwrap();
        assert_eq!(streamed, report(&poll, &ballots, &at, "plaza-test"));
        let empty: Value = serde_json::from_str(&format!("{prefix}{suffix}")).unwrap();
        assert_eq!(empty["CVR"], serde_json::json!([]));
    }

    #[test]
    fn every_ballot_is_a_cvr_with_its_ranks() {
        let seed: Seed =
            serde_json::from_str(include_str!("../../contract/demo/plaza-demo.json")).unwrap();
        let poll = seed.deliberations[0].poll.clone().unwrap();
        let ballots = vec![
            (
                "K7Q2M".to_owned(),
                vec!["seasonal".to_owned(), "full-plaza".to_owned()],
            ),
            ("X8P1Z".to_owned(), vec!["status-quo".to_owned()]),
        ];
        let doc = report(
            &poll,
            &ballots,
            &"2027-01-11T00:00:00Z".parse().unwrap(),
            "plaza-test",
        );
        assert_eq!(doc["ReportingDevice"][0]["Application"], "plaza-test");
        assert_eq!(doc["@type"], "CVR.CastVoteRecordReport");
        assert_eq!(doc["Election"][0]["Candidate"].as_array().unwrap().len(), 5);
        let cvrs = doc["CVR"].as_array().unwrap();
        assert_eq!(cvrs.len(), 2);
        assert_eq!(cvrs[0]["UniqueId"], "K7Q2M");
        let marks = &cvrs[0]["CVRSnapshot"][0]["CVRContest"][0]["CVRContestSelection"];
        assert_eq!(marks[1]["ContestSelectionId"], "selection-full-plaza");
        assert_eq!(marks[1]["SelectionPosition"][0]["Rank"], 2);
        // A resident finds their ballot by its tracker.
        assert_eq!(
            find(&doc, "K7Q2M"),
            Ok(Some(vec!["seasonal".to_owned(), "full-plaza".to_owned()]))
        );
        assert_eq!(find(&doc, "NOPE1"), Ok(None));
    }

    #[test]
    fn an_unreadable_report_or_ballot_is_not_a_missing_ballot() {
        let record = |marks: Value| {
            serde_json::json!({"CVR": [{"UniqueId": "T1",
            "CVRSnapshot": [{"CVRContest": [{"CVRContestSelection": marks}]}]}]})
        };
        assert!(find(&serde_json::json!({"error": "gateway"}), "T1").is_err());
        assert!(find(&record(serde_json::json!("none")), "T1").is_err());
        assert!(find(
            &record(serde_json::json!([{"ContestSelectionId": "selection-a"}])),
            "T1"
        )
        .is_err());
        assert_eq!(find(&record(serde_json::json!([])), "T1"), Ok(Some(vec![])));
        assert_eq!(find(&record(serde_json::json!([])), "T2"), Ok(None));
    }
}
