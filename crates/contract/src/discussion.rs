//! The discussion: arguments for and against, threaded comments, reactions, flags.

use serde::{Deserialize, Serialize};

use crate::deliberation::Timestamp;
use crate::problem::FieldError;

/// Longest argument, comment or proposal description, in characters.
pub const MAX_TEXT_CHARS: usize = 2000;
/// Longest display name or proposal title, in characters.
pub const MAX_SHORT_TEXT_CHARS: usize = 120;

/// Which side an argument takes. A string, never a signed number (see Pol.is).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Stance {
    For,
    Against,
}

impl Stance {
    pub fn as_str(self) -> &'static str {
        match self {
            Stance::For => "for",
            Stance::Against => "against",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReactionKind {
    Helpful,
    ChangedMyMind,
}

impl ReactionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ReactionKind::Helpful => "helpful",
            ReactionKind::ChangedMyMind => "changed_my_mind",
        }
    }
}

/// Whether user content may be shown.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ContentStatus {
    #[default]
    Visible,
    /// Flagged often enough to be hidden until a moderator reviews it.
    HiddenPendingReview,
    /// Removed by a moderator.
    Removed,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Author {
    /// A name the resident chose to show; anonymous when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ReactionCounts {
    pub helpful: u32,
    pub changed_my_mind: u32,
}

/// An argument for or against the change. `text` is plain text (never HTML)
/// and is absent unless `status` is `visible`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Argument {
    pub id: String,
    pub deliberation_id: String,
    pub stance: Stance,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// The language the text is written in (BCP 47), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    #[serde(default)]
    pub author: Author,
    pub created_at: Timestamp,
    #[serde(default)]
    pub reactions: ReactionCounts,
    /// The reactions of the participant making the request.
    #[serde(default)]
    pub my_reactions: Vec<ReactionKind>,
    #[serde(default)]
    pub comment_count: u32,
    #[serde(default)]
    pub status: ContentStatus,
}

/// Which arguments `GET …/arguments` returns first.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ArgumentSort {
    /// Most "helpful" reactions first, then most recent.
    #[default]
    Helpful,
    Recent,
}

impl ArgumentSort {
    pub fn as_str(self) -> &'static str {
        match self {
            ArgumentSort::Helpful => "helpful",
            ArgumentSort::Recent => "recent",
        }
    }
}

/// `POST /v1/deliberations/{id}/arguments`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct NewArgument {
    pub stance: Stance,
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
}

impl NewArgument {
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        collect([
            check_text("text", &self.text, MAX_TEXT_CHARS),
            check_optional(
                "display_name",
                self.display_name.as_deref(),
                MAX_SHORT_TEXT_CHARS,
            ),
        ])
    }
}

/// A reply to an argument or to another comment (`parent_id`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Comment {
    pub id: String,
    pub argument_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    #[serde(default)]
    pub author: Author,
    pub created_at: Timestamp,
    #[serde(default)]
    pub status: ContentStatus,
}

/// `POST /v1/arguments/{id}/comments`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct NewComment {
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
}

impl NewComment {
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        collect([
            check_text("text", &self.text, MAX_TEXT_CHARS),
            check_optional(
                "display_name",
                self.display_name.as_deref(),
                MAX_SHORT_TEXT_CHARS,
            ),
        ])
    }
}

/// `PUT`/`DELETE /v1/arguments/{id}/reactions/{kind}` answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ReactionState {
    pub argument_id: String,
    pub reactions: ReactionCounts,
    pub my_reactions: Vec<ReactionKind>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum FlagTarget {
    Argument,
    Comment,
    Proposal,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum FlagReason {
    Abuse,
    Spam,
    OffTopic,
    PersonalData,
    Other,
}

/// `POST /v1/flags`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct NewFlag {
    pub target_type: FlagTarget,
    pub target_id: String,
    pub reason: FlagReason,
}

/// The answer to a flag: whether the content is now hidden pending review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FlagReceipt {
    pub target_type: FlagTarget,
    pub target_id: String,
    pub status: ContentStatus,
}

pub(crate) fn check_text(field: &str, text: &str, max: usize) -> Result<(), FieldError> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        Err(FieldError::new(field, "required"))
    } else if trimmed.chars().count() > max {
        Err(FieldError::new(field, "too_long"))
    } else if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\t' | '\r'))
    {
        Err(FieldError::new(field, "invalid_characters"))
    } else {
        Ok(())
    }
}

pub(crate) fn check_optional(
    field: &str,
    text: Option<&str>,
    max: usize,
) -> Result<(), FieldError> {
    match text {
        Some(t) if !t.trim().is_empty() => check_text(field, t, max),
        _ => Ok(()),
    }
}

pub(crate) fn collect<const N: usize>(
    checks: [Result<(), FieldError>; N],
) -> Result<(), Vec<FieldError>> {
    let errors: Vec<FieldError> = checks.into_iter().filter_map(Result::err).collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arg(text: &str) -> NewArgument {
        NewArgument {
            stance: Stance::For,
            text: text.into(),
            lang: None,
            display_name: None,
        }
    }

    #[test]
    fn argument_text_is_required_and_bounded() {
        assert!(arg("Safer for children walking to school.")
            .validate()
            .is_ok());
        let codes = |a: NewArgument| {
            a.validate()
                .unwrap_err()
                .into_iter()
                .map(|e| e.code)
                .collect::<Vec<_>>()
        };
        assert_eq!(codes(arg("   ")), ["required"]);
        assert_eq!(codes(arg(&"é".repeat(MAX_TEXT_CHARS + 1))), ["too_long"]);
        assert_eq!(codes(arg("bell\u{7}")), ["invalid_characters"]);
        assert!(arg(&"é".repeat(MAX_TEXT_CHARS)).validate().is_ok());
    }

    #[test]
    fn every_failing_field_is_reported() {
        let c = NewComment {
            text: String::new(),
            parent_id: None,
            lang: None,
            display_name: Some("x".repeat(MAX_SHORT_TEXT_CHARS + 1)),
        };
        let fields: Vec<_> = c
            .validate()
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["text", "display_name"]);
    }

    #[test]
    fn stances_are_strings_on_the_wire() {
        assert_eq!(
            serde_json::to_string(&Stance::Against).unwrap(),
            r#""against""#
        );
        assert!(serde_json::from_str::<Stance>("-1").is_err());
    }
}
