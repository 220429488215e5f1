//! Options residents propose for the ballot.

use serde::{Deserialize, Serialize};

use crate::deliberation::Timestamp;
use crate::discussion::{
    check_optional, check_text, collect, Author, ContentStatus, MAX_SHORT_TEXT_CHARS,
    MAX_TEXT_CHARS,
};
use crate::problem::FieldError;

/// Where a proposal stands with the organisers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProposalDecision {
    #[default]
    UnderReview,
    /// Added to the ballot as an option.
    Accepted,
    Declined,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Proposal {
    pub id: String,
    pub deliberation_id: String,
    /// Plain text; absent unless `status` is `visible`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    #[serde(default)]
    pub author: Author,
    pub created_at: Timestamp,
    #[serde(default)]
    pub decision: ProposalDecision,
    #[serde(default)]
    pub status: ContentStatus,
}

/// `POST /v1/deliberations/{id}/proposals`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct NewProposal {
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
}

impl NewProposal {
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        collect([
            check_text("title", &self.title, MAX_SHORT_TEXT_CHARS),
            check_optional("description", Some(&self.description), MAX_TEXT_CHARS),
            check_optional(
                "display_name",
                self.display_name.as_deref(),
                MAX_SHORT_TEXT_CHARS,
            ),
        ])
    }
}
