//! Every contract type survives JSON → Rust → JSON unchanged, and the demo
//! seed shipped with Plaza is valid.

use plaza_contract::seed::Seed;
use plaza_contract::*;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};

const DEMO: &str = include_str!("../demo/plaza-demo.json");

/// Decodes `value` as `T`, encodes it again, and requires the same JSON.
fn round_trip<T: Serialize + DeserializeOwned>(value: Value) -> T {
    let typed: T = serde_json::from_value(value.clone()).expect("decodes");
    assert_eq!(serde_json::to_value(&typed).expect("encodes"), value);
    typed
}

#[test]
fn demo_seed_decodes_is_consistent_and_round_trips() {
    let raw: Value = serde_json::from_str(DEMO).unwrap();
    let seed: Seed = round_trip(raw);
    assert_eq!(seed.problems(), Vec::<String>::new());
    let entry = &seed.deliberations[0];
    let stances = |s: Stance| entry.arguments.iter().filter(|a| a.stance == s).count();
    assert!(stances(Stance::For) >= 8 && stances(Stance::Against) >= 8);
    for lang in ["en", "fr"] {
        assert!(
            entry
                .arguments
                .iter()
                .any(|a| a.lang.as_deref() == Some(lang)),
            "an argument in {lang}"
        );
        assert!(
            entry.deliberation.title.get(lang).is_some(),
            "a title in {lang}"
        );
    }
    assert_eq!(entry.poll.as_ref().map(|p| p.options.len()), Some(5));
}

#[test]
fn small_documents_round_trip() {
    round_trip::<Capabilities>(
        json!({"contract": "plaza/1", "features": ["arguments", "polls"], "locales": ["en", "fr"]}),
    );
    round_trip::<ParticipantToken>(json!({"participant_id": "p1", "token": "t"}));
    round_trip::<Page<Comment>>(json!({"items": [
        {"id": "c1", "argument_id": "a1", "text": "Yes", "author": {}, "created_at": "2026-11-26T09:00:00Z", "status": "visible"},
        {"id": "c2", "argument_id": "a1", "parent_id": "c1", "author": {"display_name": "Ana"}, "created_at": "2026-11-26T09:01:00Z", "status": "hidden_pending_review"}
    ], "next_cursor": "abc"}));
    round_trip::<ReactionState>(
        json!({"argument_id": "a1", "reactions": {"helpful": 3, "changed_my_mind": 1}, "my_reactions": ["helpful"]}),
    );
    round_trip::<FlagReceipt>(
        json!({"target_type": "comment", "target_id": "c1", "status": "hidden_pending_review"}),
    );
    round_trip::<NewFlag>(
        json!({"target_type": "argument", "target_id": "a1", "reason": "off_topic"}),
    );
    round_trip::<BallotReceipt>(
        json!({"tracker": "K7Q-2M9", "recorded_at": "2026-12-17T10:00:00Z"}),
    );
    round_trip::<MyBallot>(
        json!({"ranking": ["b", "a"], "receipt": {"tracker": "K7Q-2M9", "recorded_at": "2026-12-17T10:00:00Z"}}),
    );
    round_trip::<Problem>(
        json!({"type": "https://plaza.example/problems/validation_failed", "title": "Invalid", "status": 422, "detail": "text is required", "code": "validation_failed", "errors": [{"field": "text", "code": "required"}]}),
    );
    round_trip::<NewArgument>(json!({"stance": "against", "text": "Too expensive", "lang": "en"}));
    round_trip::<NewComment>(json!({"text": "Agreed", "parent_id": "c1"}));
    round_trip::<NewProposal>(json!({"title": "A third way", "description": ""}));
    round_trip::<BallotSubmission>(json!({"ranking": ["a", "c"]}));
}

#[test]
fn results_and_exports_round_trip() {
    round_trip::<PollResults>(json!({
        "poll_id": "p", "final": true, "counted_at": "2027-01-11T00:00:00Z", "total_ballots": "29", "winners": ["a"],
        "rounds": [{
            "round": 1, "tally": {"a": "12", "b": "10", "c": "7"}, "threshold": "15",
            "inactive": {"exhausted_choices": "0", "overvotes": "0", "skipped_rankings": "0", "repeated_rankings": "0"},
            "elected": [], "eliminated": ["c"], "transfers": {"c": {"a": "4", "b": "2", "exhausted": "1"}}
        }]
    }));
    round_trip::<BallotExport>(json!({
        "poll_id": "p", "options": ["a", "b", "c"], "method": "stv", "seats": 2,
        "rules": {"tiebreak": "generate_permutation", "random_seed": 7, "quota": "droop_non_integer", "decimal_places": 4, "batch_elimination": false},
        "ballots": [{"ranking": ["a", "b"], "count": 12}, {"ranking": ["c"], "count": 1}]
    }));
}

#[test]
fn hostile_values_are_refused_at_decoding() {
    let mut raw: Value = serde_json::from_str(DEMO).unwrap();
    let deliberation = &mut raw["deliberations"][0]["deliberation"];
    deliberation["place"]["image"]["url"] = json!("javascript:alert(1)");
    assert!(serde_json::from_value::<Seed>(raw.clone()).is_err());

    let argument = json!({"id": "a", "deliberation_id": "d", "stance": -1, "created_at": "2026-11-26T09:00:00Z"});
    assert!(
        serde_json::from_value::<Argument>(argument).is_err(),
        "signed-number stances"
    );
    let argument =
        json!({"id": "a", "deliberation_id": "d", "stance": "for", "created_at": "yesterday"});
    assert!(
        serde_json::from_value::<Argument>(argument).is_err(),
        "timestamps that are not RFC 3339"
    );
}

#[test]
fn an_edit_names_the_parts_it_changed_and_a_creation_is_an_import() {
    let seed: Seed = serde_json::from_str(DEMO).unwrap();
    let entry = &seed.deliberations[0];
    let (d, poll) = (&entry.deliberation, entry.poll.as_ref().unwrap());
    let before = (d, Some(poll));
    assert_eq!(EditedPart::between(before, before), vec![]);
    // A poll the edit does not carry is left as it was.
    assert_eq!(EditedPart::between(before, (d, None)), vec![]);
    assert_eq!(
        EditedPart::between((d, None), before),
        vec![EditedPart::Poll]
    );

    let (mut d2, mut poll2) = (d.clone(), poll.clone());
    d2.body = LocalizedText::new([("en", "Shorter.")]);
    d2.current_phase = PhaseKind::Voting;
    d2.counts.arguments_for += 5;
    poll2.options.swap(0, 1);
    poll2.closes_at = Timestamp::from_unix_millis(poll.closes_at.unix_millis() + 3_600_000);
    d2.social_functions.reverse();
    assert_eq!(
        EditedPart::between(before, (&d2, Some(&poll2))),
        vec![
            EditedPart::Texts,
            EditedPart::Phases,
            EditedPart::PollOptions,
            EditedPart::PollDates
        ],
        "counts, and the order themes are listed in, are not the organisers' edits"
    );
    let mut closed = poll.clone();
    closed.status = PollStatus::Closed;
    assert_eq!(
        EditedPart::between(before, (d, Some(&closed))),
        vec![EditedPart::Poll]
    );
    // Another poll in its place is the poll changed, whatever its options.
    let mut other = poll.clone();
    other.id = "another-poll".into();
    other.options.swap(0, 1);
    let mut d3 = d.clone();
    d3.poll_id = Some(other.id.clone());
    assert_eq!(
        EditedPart::between(before, (&d3, Some(&other))),
        vec![EditedPart::Poll]
    );
    // Unlinked, without a poll in the seed.
    d3.poll_id = None;
    assert_eq!(
        EditedPart::between(before, (&d3, None)),
        vec![EditedPart::Poll]
    );

    let report: ImportReport = serde_json::from_value(json!({
        "created": ["new"],
        "updated": ["same", "edited"],
        "contributions_added": 0,
        "edited": {"same": [], "edited": ["place", "poll"]},
    }))
    .unwrap();
    assert_eq!(
        report.changes(),
        vec![
            ("new".to_owned(), ModerationChange::Import),
            (
                "edited".to_owned(),
                ModerationChange::Edit {
                    parts: vec![EditedPart::Place, EditedPart::Poll]
                }
            ),
        ]
    );
    // A report from before `edited` existed still reads.
    let old: ImportReport =
        serde_json::from_value(json!({"created": [], "updated": ["x"], "contributions_added": 1}))
            .unwrap();
    assert!(old.edited.is_empty() && old.changes().is_empty());
}
