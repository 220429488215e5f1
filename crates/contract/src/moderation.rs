//! The moderation surface: what a moderator token may do through the API
//! (open and close phases and polls, hide and restore content, import
//! deliberations). Optional for a backend; one that has it lists the
//! `moderation` feature. The widget never calls it; residents read what
//! moderators did in a deliberation's public moderation log.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::deliberation::{Deliberation, PhaseKind, Timestamp};
use crate::discussion::{ContentStatus, FlagTarget};
use crate::poll::{Poll, PollStatus};
use crate::proposal::{DeclineReason, ProposalDecision};

/// `PUT /v1/moderation/deliberations/{id}/phase`: move a deliberation to a phase.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PhaseChange {
    pub phase: PhaseKind,
}

/// `PUT /v1/moderation/polls/{id}/status`: open or close a poll.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PollStatusChange {
    pub status: PollStatus,
}

/// `PUT /v1/moderation/content`: hide (`removed`), restore (`visible`) or
/// hold (`hidden_pending_review`) an argument, comment or proposal.
/// Restoring also sets aside the flags that hid it: they no longer count,
/// and their authors cannot flag it again. The answer echoes the request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ContentModeration {
    pub target_type: FlagTarget,
    pub target_id: String,
    pub status: ContentStatus,
    /// Why, from the list: the public log says it to residents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<ModerationReason>,
}

/// Why staff hid, held or restored content: a word from a list, so that
/// the public log can say it in every language and never quotes the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ModerationReason {
    Abuse,
    Spam,
    OffTopic,
    PersonalData,
    Duplicate,
    /// Restored: reviewed, and within the rules.
    WithinTheRules,
    Other,
}

impl ModerationReason {
    /// Every reason, in the order a moderator looks for one.
    pub const ALL: [ModerationReason; 7] = [
        ModerationReason::Abuse,
        ModerationReason::Spam,
        ModerationReason::OffTopic,
        ModerationReason::PersonalData,
        ModerationReason::Duplicate,
        ModerationReason::WithinTheRules,
        ModerationReason::Other,
    ];
}

/// What a moderation action changed: `{"content": {…}}`, `{"phase": {…}}`,
/// `{"poll_status": {…}}`, `{"proposal": {…}}`, `{"edit": {…}}` or `"import"`. (Tagged from outside, which a
/// client decodes without buffering: the widget reads it.)
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ModerationChange {
    /// An argument, reply or proposal hidden, held or restored.
    Content {
        target_type: FlagTarget,
        target_id: String,
        status: ContentStatus,
    },
    /// The deliberation moved to a phase.
    Phase { phase: PhaseKind },
    /// Its poll opened or closed.
    PollStatus { poll_id: String, status: PollStatus },
    /// Its documents (texts, phases, poll) were created by an import (or,
    /// in entries written before `edit` existed, replaced).
    Import,
    /// Its documents were edited: the parts that changed.
    Edit { parts: Vec<EditedPart> },
    /// A resident's proposal accepted onto the ballot, or declined (and why).
    Proposal {
        proposal_id: String,
        decision: ProposalDecision,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<DeclineReason>,
    },
}

/// One entry of a moderation log, newest first: `GET /v1/moderation/log`
/// (staff: with who did it) and `GET /v1/deliberations/{id}/moderation`
/// (everyone: without).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ModerationLogEntry {
    pub id: String,
    pub at: Timestamp,
    pub deliberation_id: String,
    pub change: ModerationChange,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<ModerationReason>,
    /// Who did it: `staff:<id>` for a staff member the city's site signed
    /// in, `moderator-token` for the configured token. Only in the staff log.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staff: Option<String>,
}

impl ModerationLogEntry {
    /// The entry as residents read it: what changed and why, not who.
    pub fn public(self) -> ModerationLogEntry {
        ModerationLogEntry {
            staff: None,
            ..self
        }
    }
}

/// A moderation log entry as a client reads it, or the date of one it
/// cannot: a kind of change (or a reason) newer than the client. Browsers
/// run yesterday's cached widget or console against today's server; they
/// show that a change was made, and when, and the rest of the log, rather
/// than failing the whole list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogLine {
    Known(ModerationLogEntry),
    Unknown { id: String, at: Timestamp },
}

/// A JSON value a client has kept as it came, to read into a type later.
/// The widget reads with the browser's `JSON`, the console with serde_json.
pub trait KeptJson {
    fn read<T: serde::de::DeserializeOwned>(&self) -> Result<T, String>;
}

impl KeptJson for serde_json::Value {
    fn read<T: serde::de::DeserializeOwned>(&self) -> Result<T, String> {
        T::deserialize(self).map_err(|e| e.to_string())
    }
}

impl LogLine {
    /// One entry of a log page, read on its own; one without even an id and
    /// a date is unreadable (why it is not a known entry).
    pub fn read(raw: &impl KeptJson) -> Result<LogLine, String> {
        #[derive(Deserialize)]
        struct Head {
            id: String,
            at: Timestamp,
        }
        match raw.read::<ModerationLogEntry>() {
            Ok(entry) => Ok(LogLine::Known(entry)),
            Err(why) => raw
                .read::<Head>()
                .map(|h| LogLine::Unknown { id: h.id, at: h.at })
                .map_err(|_| why),
        }
    }

    pub fn id(&self) -> &str {
        match self {
            LogLine::Known(e) => &e.id,
            LogLine::Unknown { id, .. } => id,
        }
    }

    pub fn at(&self) -> &Timestamp {
        match self {
            LogLine::Known(e) => &e.at,
            LogLine::Unknown { at, .. } => at,
        }
    }
}

/// Who a moderation action is recorded as, for the configured moderator token.
pub const MODERATOR_TOKEN_STAFF: &str = "moderator-token";

/// Who a moderation action is recorded as, for a staff member's token.
pub fn staff_name(subject: &str) -> String {
    format!("staff:{subject}")
}

/// An entry of `GET /v1/moderation/flagged`: content with flags, most flagged first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FlaggedContent {
    pub target_type: FlagTarget,
    pub target_id: String,
    pub deliberation_id: String,
    pub status: ContentStatus,
    pub flags: u32,
    /// The plain text, shown to the moderator whatever the status.
    pub text: String,
}

/// A part of a deliberation (and its poll) that an edit may change, as the
/// moderation log names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum EditedPart {
    /// Title, summary or full text.
    Texts,
    /// The place: its name, address, coordinates or image.
    Place,
    /// Who decides, and when.
    Decision,
    /// The phases, their dates, or the current phase.
    Phases,
    /// What the place is for, and the challenges addressed.
    Themes,
    FollowUp,
    /// The poll's question, status or settings (method, winners, counting
    /// rules, ranking limit, who may vote, when results show), or another
    /// poll added, put instead or unlinked.
    Poll,
    PollOptions,
    /// When voting opens or closes.
    PollDates,
}

impl EditedPart {
    pub const ALL: [EditedPart; 9] = [
        EditedPart::Texts,
        EditedPart::Place,
        EditedPart::Decision,
        EditedPart::Phases,
        EditedPart::Themes,
        EditedPart::FollowUp,
        EditedPart::Poll,
        EditedPart::PollOptions,
        EditedPart::PollDates,
    ];

    /// The parts in which `after` differs from `before` (a deliberation with
    /// its poll, if it has one), in this enum's order. A poll the edit does
    /// not carry is left as it was, as an import leaves it.
    pub fn between(
        before: (&Deliberation, Option<&Poll>),
        after: (&Deliberation, Option<&Poll>),
    ) -> Vec<EditedPart> {
        let ((d0, p0), (d1, p1)) = (before, after);
        let mut parts = Vec::new();
        let mut note = |changed: bool, part| {
            if changed {
                parts.push(part);
            }
        };
        note(
            d0.title != d1.title || d0.summary != d1.summary || d0.body != d1.body,
            EditedPart::Texts,
        );
        note(d0.place != d1.place, EditedPart::Place);
        note(d0.decision != d1.decision, EditedPart::Decision);
        note(
            d0.phases != d1.phases || d0.current_phase != d1.current_phase,
            EditedPart::Phases,
        );
        // Sets, in whatever order a client lists them.
        fn same<T: Ord>(a: &[T], b: &[T]) -> bool {
            a.iter().collect::<BTreeSet<_>>() == b.iter().collect::<BTreeSet<_>>()
        }
        note(
            !same(&d0.social_functions, &d1.social_functions)
                || !same(&d0.challenge_areas, &d1.challenge_areas),
            EditedPart::Themes,
        );
        note(d0.follow_up != d1.follow_up, EditedPart::FollowUp);
        match (p0, p1) {
            // A poll left out stays; unlinking it is a change to the poll.
            (_, None) => note(d0.poll_id != d1.poll_id, EditedPart::Poll),
            (None, Some(_)) => note(true, EditedPart::Poll),
            // Another poll instead: the poll changed, whatever its options.
            (Some(a), Some(b)) if a.id != b.id => note(true, EditedPart::Poll),
            (Some(a), Some(b)) => {
                note(
                    a.question != b.question
                        || a.status != b.status
                        || a.method != b.method
                        || a.seats != b.seats
                        || a.rules != b.rules
                        || a.results_visibility != b.results_visibility
                        || a.max_rankings != b.max_rankings
                        || a.eligibility != b.eligibility
                        || a.shuffle_options != b.shuffle_options,
                    EditedPart::Poll,
                );
                note(a.options != b.options, EditedPart::PollOptions);
                note(
                    a.opens_at != b.opens_at || a.closes_at != b.closes_at,
                    EditedPart::PollDates,
                );
            }
        }
        parts
    }
}

/// The answer to `POST /v1/moderation/import` (body: a [`crate::seed::Seed`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ImportReport {
    /// Deliberations that did not exist before.
    pub created: Vec<String>,
    /// Deliberations (and their polls) whose documents were replaced.
    pub updated: Vec<String>,
    /// Arguments, comments and proposals added (existing ids are kept as they are).
    pub contributions_added: u32,
    /// For each deliberation of `updated`, the parts that changed (none:
    /// saved as it was).
    #[serde(default)]
    pub edited: BTreeMap<String, Vec<EditedPart>>,
}

impl ImportReport {
    /// The log entry for deliberation `id` of this import: created, edited
    /// (and where), or `None` when it was saved as it was.
    pub fn change_of(&self, id: &str) -> Option<ModerationChange> {
        if self.created.iter().any(|c| c == id) {
            return Some(ModerationChange::Import);
        }
        let parts = self.edited.get(id)?;
        (!parts.is_empty()).then(|| ModerationChange::Edit {
            parts: parts.clone(),
        })
    }

    /// The deliberations this import created or changed, each once, with its log entry.
    pub fn changes(&self) -> Vec<(String, ModerationChange)> {
        self.created
            .iter()
            .chain(&self.updated)
            .filter_map(|id| Some((id.clone(), self.change_of(id)?)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(json: &str) -> Result<LogLine, String> {
        let value: serde_json::Value = serde_json::from_str(json).map_err(|e| e.to_string())?;
        LogLine::read(&value)
    }

    #[test]
    fn a_log_entry_newer_than_the_client_keeps_its_id_and_date() -> Result<(), String> {
        let known = line(
            r#"{"id":"m1","at":"2026-11-02T09:00:00Z","deliberation_id":"d","change":"import"}"#,
        )?;
        assert!(matches!(&known, LogLine::Known(e) if e.change == ModerationChange::Import));
        assert_eq!(
            (known.id(), known.at().as_str()),
            ("m1", "2026-11-02T09:00:00Z")
        );

        let newer = line(
            r#"{"id":"m2","at":"2026-11-03T10:00:00Z","deliberation_id":"d","change":{"merge":{"into":"x"}},"reason":"a_reason_from_later"}"#,
        )?;
        assert!(matches!(newer, LogLine::Unknown { .. }), "{newer:?}");
        assert_eq!(
            (newer.id(), newer.at().as_str()),
            ("m2", "2026-11-03T10:00:00Z")
        );
        Ok(())
    }

    #[test]
    fn a_log_entry_without_an_id_or_a_date_is_unreadable() {
        for broken in [
            r#"{"change":"import"}"#,
            r#"{"id":"m3","change":"import"}"#,
            r#"{"id":"m3","at":"yesterday","change":"import"}"#,
        ] {
            assert!(line(broken).is_err(), "{broken}");
        }
    }
}
