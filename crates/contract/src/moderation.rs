//! The moderation surface: what a moderator token may do through the API
//! (open and close phases and polls, hide and restore content, import
//! deliberations). Optional for a backend; one that has it lists the
//! `moderation` feature. The widget never calls it; residents read what
//! moderators did in a deliberation's public moderation log.

use serde::{Deserialize, Serialize};

use crate::deliberation::{PhaseKind, Timestamp};
use crate::discussion::{ContentStatus, FlagTarget};
use crate::poll::PollStatus;
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
/// Restoring also clears the flags that hid it. The answer echoes the request.
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
/// `{"poll_status": {…}}`, `{"proposal": {…}}` or `"import"`. (Tagged from outside, which a
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
    /// Its documents (texts, phases, poll) were created or replaced by an import.
    Import,
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
}
