//! What staff can do with a running deliberation's phase and poll, and what
//! the log says they did.

use plaza_contract::{
    Deliberation, LogLine, ModerationChange, ModerationLogEntry, PhaseKind, PollStatus,
};
use serde::{Deserialize, Deserializer};

use crate::i18n::{fill, Strings};

/// The phases a deliberation may be moved to: every phase it has but the
/// current one, in its own order.
pub fn phase_moves(deliberation: &Deliberation) -> Vec<PhaseKind> {
    deliberation
        .phases
        .iter()
        .map(|p| p.kind)
        .filter(|kind| *kind != deliberation.current_phase)
        .collect()
}

/// The next step of a poll's life, if it has one: an upcoming poll opens,
/// an open one closes, a closed one stays closed.
pub fn next_poll_status(status: PollStatus) -> Option<PollStatus> {
    let next = match status {
        PollStatus::Upcoming => PollStatus::Open,
        PollStatus::Open | PollStatus::Closed => PollStatus::Closed,
    };
    (next != status && status.may_become(next)).then_some(next)
}

/// What a confirmation says will happen, and its button, for moving a poll to `next`.
pub fn confirmation(t: &Strings, next: PollStatus) -> (&'static str, &'static str) {
    match next {
        PollStatus::Closed => (t.confirm_close, t.confirm_close_yes),
        PollStatus::Open | PollStatus::Upcoming => (t.confirm_open, t.confirm_open_yes),
    }
}

/// A log entry's "what", in the reader's language.
pub fn describe(t: &Strings, entry: &ModerationLogEntry) -> String {
    match &entry.change {
        ModerationChange::Content {
            target_type,
            target_id,
            status,
        } => fill(
            t.log_content,
            &[
                ("target", t.target(*target_type)),
                ("id", target_id),
                ("status", t.content_status(*status)),
            ],
        ),
        ModerationChange::Phase { phase } => fill(t.log_phase, &[("phase", t.phase(*phase))]),
        ModerationChange::PollStatus { status, .. } => {
            fill(t.log_poll, &[("status", t.poll_status(*status))])
        }
        ModerationChange::Import => t.log_import.to_owned(),
        ModerationChange::Edit { parts } => {
            let names: Vec<&str> = parts.iter().map(|p| t.edited_part(*p)).collect();
            fill(t.log_edit, &[("parts", &names.join(t.list_separator))])
        }
        ModerationChange::Proposal {
            proposal_id,
            decision,
            reason: Some(reason),
        } if *decision == plaza_contract::ProposalDecision::Declined => fill(
            t.log_proposal_declined,
            &[("id", proposal_id), ("reason", t.decline_reason(*reason))],
        ),
        ModerationChange::Proposal {
            proposal_id,
            decision,
            ..
        } => fill(
            t.log_proposal,
            &[("id", proposal_id), ("decision", t.decision(*decision))],
        ),
    }
}

/// One entry of the log, read on its own ([`LogLine`]): an entry of a kind
/// newer than the console shows its date instead of failing the list.
#[derive(Debug, Clone)]
pub struct Line(pub LogLine);

impl<'de> Deserialize<'de> for Line {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Line, D::Error> {
        let raw = serde_json::Value::deserialize(d)?;
        LogLine::read(&raw)
            .map(Line)
            .map_err(serde::de::Error::custom)
    }
}

/// A line of the staff log as its table shows it: who, what and why. A
/// change newer than the console says so, with its date (in the table).
pub fn log_row(t: &Strings, line: &LogLine) -> [String; 3] {
    match line {
        LogLine::Known(e) => [
            who(t, e.staff.as_deref()),
            describe(t, e),
            e.reason.map_or(t.log_no_reason, |r| t.reason(r)).to_owned(),
        ],
        LogLine::Unknown { .. } => [
            t.log_no_reason.to_owned(),
            t.log_unknown.to_owned(),
            t.log_no_reason.to_owned(),
        ],
    }
}

/// Who did it, as the log records it (`staff:<id>` or the moderator token).
pub fn who(t: &Strings, staff: Option<&str>) -> String {
    match staff {
        Some(name) => match name.strip_prefix("staff:") {
            Some(id) => id.to_owned(),
            None => t.signed_in_with_moderator_token.to_owned(),
        },
        None => t.log_no_reason.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::LANGUAGES;
    use plaza_contract::{ContentStatus, EditedPart, FlagTarget, ModerationReason, Timestamp};

    #[test]
    fn a_poll_moves_forward_and_a_closed_poll_stays_closed() {
        assert_eq!(
            next_poll_status(PollStatus::Upcoming),
            Some(PollStatus::Open)
        );
        assert_eq!(next_poll_status(PollStatus::Open), Some(PollStatus::Closed));
        assert_eq!(next_poll_status(PollStatus::Closed), None);
    }

    #[test]
    fn closing_says_that_it_is_for_good() {
        let english = LANGUAGES[0];
        let (what, button) = confirmation(english, PollStatus::Closed);
        assert!(what.contains("cannot be opened again"), "{what}");
        assert_eq!(button, "Yes, close the poll");
    }

    #[test]
    fn log_entries_say_what_changed_and_who_did_it() {
        let t = LANGUAGES[0];
        let entry = |change| ModerationLogEntry {
            id: "1".into(),
            at: Timestamp::from_unix_millis(1_796_112_000_000),
            deliberation_id: "d".into(),
            change,
            reason: Some(ModerationReason::Spam),
            staff: Some("staff:ana".into()),
        };
        assert_eq!(
            describe(
                t,
                &entry(ModerationChange::Content {
                    target_type: FlagTarget::Argument,
                    target_id: "arg-7".into(),
                    status: ContentStatus::Removed,
                })
            ),
            "Argument arg-7: Hidden by staff"
        );
        assert_eq!(
            describe(
                t,
                &entry(ModerationChange::Phase {
                    phase: PhaseKind::Voting
                })
            ),
            "Moved to the Voting phase"
        );
        assert_eq!(
            describe(
                t,
                &entry(ModerationChange::PollStatus {
                    poll_id: "p".into(),
                    status: PollStatus::Closed
                })
            ),
            "Poll closed"
        );
        assert_eq!(
            describe(
                t,
                &entry(ModerationChange::Edit {
                    parts: vec![EditedPart::Texts, EditedPart::PollDates]
                })
            ),
            "Edited: texts, voting dates"
        );
        assert_eq!(who(t, Some("staff:ana")), "ana");
        assert_eq!(
            who(t, Some("moderator-token")),
            "Signed in with the moderator token"
        );
    }

    #[test]
    fn a_change_newer_than_the_console_is_a_row_that_says_so() {
        let t = LANGUAGES[0];
        let read = |json: &str| {
            serde_json::from_str::<Line>(json)
                .map(|line| line.0)
                .map_err(|e| e.to_string())
        };
        let known = read(
            r#"{"id":"m1","at":"2026-11-02T09:00:00Z","deliberation_id":"d","change":"import","staff":"staff:ana"}"#,
        );
        assert_eq!(
            known.map(|l| log_row(t, &l)),
            Ok([
                "ana".to_owned(),
                "Texts, phases or poll set up or edited".to_owned(),
                "—".to_owned()
            ])
        );
        let newer = read(
            r#"{"id":"m2","at":"2026-11-03T10:00:00Z","deliberation_id":"d","change":{"merge":{"into":"x"}},"staff":"staff:ana"}"#,
        );
        let row = newer.map(|l| log_row(t, &l));
        assert!(
            matches!(&row, Ok([_, what, _]) if what == t.log_unknown),
            "{row:?}"
        );
        // A page of such entries is read whole, the newer one among them.
        let page = serde_json::from_str::<plaza_contract::Page<Line>>(
            r#"{"items":[{"id":"m2","at":"2026-11-03T10:00:00Z","change":"merge"},{"id":"m1","at":"2026-11-02T09:00:00Z","deliberation_id":"d","change":"import"}],"next_cursor":null}"#,
        );
        assert_eq!(
            page.map(|p| p.items.len()).map_err(|e| e.to_string()),
            Ok(2)
        );
        assert!(
            read(r#"{"change":"import"}"#).is_err(),
            "no id, no date: unreadable"
        );
    }
}
