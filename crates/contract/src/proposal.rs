//! Options residents propose for the ballot.

use serde::{Deserialize, Serialize};

use crate::deliberation::Timestamp;
use crate::discussion::{
    blank_to_none, check_lang, check_optional, check_text, collect, Author, ContentStatus,
    MAX_SHORT_TEXT_CHARS, MAX_TEXT_CHARS,
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

impl Proposal {
    /// The proposal as residents may see it: without its texts unless visible.
    pub fn redacted(mut self) -> Self {
        if self.status != ContentStatus::Visible {
            self.title = None;
            self.description = None;
        }
        self
    }
}

/// `POST /v1/deliberations/{id}/proposals`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct NewProposal {
    #[cfg_attr(
        feature = "schema",
        schemars(schema_with = "crate::schema::field::short_text")
    )]
    pub title: String,
    #[cfg_attr(
        feature = "schema",
        schemars(schema_with = "crate::schema::field::blank_or_long_text")
    )]
    #[serde(default)]
    pub description: String,
    #[cfg_attr(
        feature = "schema",
        schemars(schema_with = "crate::schema::field::language")
    )]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    #[cfg_attr(
        feature = "schema",
        schemars(schema_with = "crate::schema::field::optional_short_text")
    )]
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
            check_lang(self.lang.as_deref()),
        ])
    }

    /// The proposal this request creates, as stored and answered: under
    /// review, visible, texts trimmed, blank optional fields dropped.
    pub fn to_proposal(
        &self,
        id: String,
        deliberation_id: &str,
        created_at: Timestamp,
    ) -> Proposal {
        Proposal {
            id,
            deliberation_id: deliberation_id.to_owned(),
            title: Some(self.title.trim().to_owned()),
            description: blank_to_none(Some(&self.description)),
            lang: blank_to_none(self.lang.as_deref()),
            author: Author::named(self.display_name.as_deref()),
            created_at,
            decision: ProposalDecision::UnderReview,
            status: ContentStatus::Visible,
        }
    }
}
