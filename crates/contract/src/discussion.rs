//! The discussion: arguments for and against, threaded comments, reactions, flags.

use serde::{Deserialize, Serialize};

use crate::deliberation::Timestamp;
use crate::problem::{FieldError, Problem};
use crate::validated::is_language_tag;

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
    pub const ALL: [ReactionKind; 2] = [ReactionKind::Helpful, ReactionKind::ChangedMyMind];

    pub fn as_str(self) -> &'static str {
        match self {
            ReactionKind::Helpful => "helpful",
            ReactionKind::ChangedMyMind => "changed_my_mind",
        }
    }

    /// `kinds` as a `my_reactions` list: each once, in the order of [`Self::ALL`],
    /// whatever order a backend stored or read them in.
    pub fn in_order(kinds: impl IntoIterator<Item = ReactionKind>) -> Vec<ReactionKind> {
        let kinds: Vec<ReactionKind> = kinds.into_iter().collect();
        Self::ALL
            .into_iter()
            .filter(|k| kinds.contains(k))
            .collect()
    }

    /// The kind named in a path (`…/reactions/{kind}`); an unknown one is 404.
    pub fn from_path(segment: &str) -> Result<Self, Problem> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == segment)
            .ok_or_else(|| Problem::not_found("reaction"))
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

impl Author {
    /// The author of a contribution signed `display_name` (blank: anonymous).
    pub fn named(display_name: Option<&str>) -> Self {
        Author {
            display_name: blank_to_none(display_name),
        }
    }
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
    /// The reactions of the participant making the request, each once,
    /// helpful first (the order of `ReactionKind::ALL`).
    #[serde(default)]
    pub my_reactions: Vec<ReactionKind>,
    #[serde(default)]
    pub comment_count: u32,
    #[serde(default)]
    pub status: ContentStatus,
}

impl Argument {
    /// The argument as residents may see it: without its text unless
    /// visible, nor its author's chosen name (which may be what got it
    /// hidden).
    pub fn redacted(mut self) -> Self {
        if self.status != ContentStatus::Visible {
            self.text = None;
            self.author = Author::default();
        }
        self
    }
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
    #[cfg_attr(
        feature = "schema",
        schemars(schema_with = "crate::schema::field::long_text")
    )]
    pub text: String,
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

impl NewArgument {
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        collect([
            check_text("text", &self.text, MAX_TEXT_CHARS),
            check_optional(
                "display_name",
                self.display_name.as_deref(),
                MAX_SHORT_TEXT_CHARS,
            ),
            check_lang(self.lang.as_deref()),
        ])
    }

    /// The argument this request creates, as stored and answered: text
    /// trimmed, blank optional fields dropped, visible, no reactions yet.
    pub fn to_argument(
        &self,
        id: String,
        deliberation_id: &str,
        created_at: Timestamp,
    ) -> Argument {
        Argument {
            id,
            deliberation_id: deliberation_id.to_owned(),
            stance: self.stance,
            text: Some(self.text.trim().to_owned()),
            lang: blank_to_none(self.lang.as_deref()),
            author: Author::named(self.display_name.as_deref()),
            created_at,
            reactions: ReactionCounts::default(),
            my_reactions: Vec::new(),
            comment_count: 0,
            status: ContentStatus::Visible,
        }
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

impl Comment {
    /// The comment as residents may see it: without its text unless
    /// visible, nor its author's chosen name.
    pub fn redacted(mut self) -> Self {
        if self.status != ContentStatus::Visible {
            self.text = None;
            self.author = Author::default();
        }
        self
    }
}

/// `POST /v1/arguments/{id}/comments`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct NewComment {
    #[cfg_attr(
        feature = "schema",
        schemars(schema_with = "crate::schema::field::long_text")
    )]
    pub text: String,
    #[cfg_attr(
        feature = "schema",
        schemars(schema_with = "crate::schema::field::optional_id")
    )]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<String>,
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

impl NewComment {
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        collect([
            check_text("text", &self.text, MAX_TEXT_CHARS),
            check_optional(
                "display_name",
                self.display_name.as_deref(),
                MAX_SHORT_TEXT_CHARS,
            ),
            check_lang(self.lang.as_deref()),
        ])
    }

    /// The comment it answers, if any (a blank `parent_id` answers the argument).
    pub fn parent(&self) -> Option<String> {
        blank_to_none(self.parent_id.as_deref())
    }

    /// 422 for a `parent_id` that is not a comment under the same argument.
    pub fn unknown_parent() -> Problem {
        Problem::invalid_field("parent_id", "unknown")
    }

    /// The comment this request creates, as stored and answered.
    pub fn to_comment(&self, id: String, argument_id: &str, created_at: Timestamp) -> Comment {
        Comment {
            id,
            argument_id: argument_id.to_owned(),
            parent_id: self.parent(),
            text: Some(self.text.trim().to_owned()),
            lang: blank_to_none(self.lang.as_deref()),
            author: Author::named(self.display_name.as_deref()),
            created_at,
            status: ContentStatus::Visible,
        }
    }
}

/// `PUT`/`DELETE /v1/arguments/{id}/reactions/{kind}` answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ReactionState {
    pub argument_id: String,
    pub reactions: ReactionCounts,
    /// Each once, helpful first, as on an argument.
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
    #[cfg_attr(feature = "schema", schemars(schema_with = "crate::schema::field::id"))]
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

/// The optional `lang` of a contribution: blank, or exactly a language tag
/// (as the published document's pattern says; no white space around it).
pub(crate) fn check_lang(lang: Option<&str>) -> Result<(), FieldError> {
    match lang {
        Some(l) if !l.trim().is_empty() && !is_language_tag(l) => {
            Err(FieldError::new("lang", "invalid"))
        }
        _ => Ok(()),
    }
}

/// Optional text as stored: trimmed, and absent when blank.
pub fn blank_to_none(text: Option<&str>) -> Option<String> {
    text.map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
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
    fn my_reactions_come_in_one_order_once_each() {
        use ReactionKind::*;
        assert_eq!(
            ReactionKind::in_order([ChangedMyMind, Helpful, ChangedMyMind]),
            [Helpful, ChangedMyMind]
        );
        assert_eq!(ReactionKind::in_order([ChangedMyMind]), [ChangedMyMind]);
        assert!(ReactionKind::in_order([]).is_empty());
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
    fn language_tags_are_checked_on_every_contribution() {
        let mut a = arg("A fine argument.");
        for (lang, ok) in [
            (None, true),
            (Some(" "), true),
            (Some("de-CH"), true),
            (Some("<script>"), false),
        ] {
            a.lang = lang.map(str::to_owned);
            assert_eq!(a.validate().is_ok(), ok, "{lang:?}");
        }
        let c = NewComment {
            text: "Reply".into(),
            parent_id: Some("  ".into()),
            lang: Some("fr; DROP TABLE x".into()),
            display_name: None,
        };
        assert_eq!(c.validate().unwrap_err()[0].field, "lang");
        assert_eq!(c.parent(), None, "a blank parent answers the argument");
    }

    #[test]
    fn a_new_argument_is_stored_trimmed_and_visible() {
        let new = NewArgument {
            stance: Stance::For,
            text: "  Shade.  ".into(),
            lang: Some(" ".into()),
            display_name: Some(" Léa ".into()),
        };
        let a = new.to_argument("a1".into(), "d", Timestamp::from_unix_millis(0));
        assert_eq!(a.text.as_deref(), Some("Shade."));
        assert_eq!(
            (a.lang.as_deref(), a.author.display_name.as_deref()),
            (None, Some("Léa"))
        );
        assert_eq!(a.status, ContentStatus::Visible);
        let hidden = Argument {
            status: ContentStatus::HiddenPendingReview,
            ..a
        };
        let seen = hidden.redacted();
        assert_eq!((seen.text, seen.author.display_name), (None, None));
    }

    #[test]
    fn reaction_kinds_are_read_from_paths() {
        assert_eq!(
            ReactionKind::from_path("changed_my_mind"),
            Ok(ReactionKind::ChangedMyMind)
        );
        assert_eq!(
            ReactionKind::from_path("love").map_err(|p| p.status),
            Err(404)
        );
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
