//! The moderation surface: what a moderator token may do through the API
//! (open and close phases and polls, hide and restore content, import
//! deliberations). Optional for a backend; one that has it lists the
//! `moderation` feature. The widget never calls it.

use serde::{Deserialize, Serialize};

use crate::deliberation::PhaseKind;
use crate::discussion::{ContentStatus, FlagTarget};
use crate::poll::PollStatus;

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
