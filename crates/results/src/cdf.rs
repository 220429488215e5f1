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
    let cvrs: Vec<Value> = ballots
        .iter()
        .map(|(tracker, ranking)| {
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
        "CVR": cvrs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use plaza_contract::seed::Seed;

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
    }
}
