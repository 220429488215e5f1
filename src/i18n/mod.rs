//! The translation layer: every string the widget shows comes from here.
//!
//! A language is one JSON file in `languages/` (`build.rs` lists them and
//! turns the English file, the reference, into the [`Strings`] struct, so
//! a message the code uses but English lacks is a compile error). English
//! is in the download; the other languages are loaded on demand from
//! `languages/<tag>.json` next to `plaza.js` (`load`), so that a page pays
//! only for the language it shows. Every language must have every message
//! (a test reads every file). Counts pick their form by the browser's
//! `Intl.PluralRules` (CLDR), placeholders are `{name}`.

mod load;

use std::cell::RefCell;
use std::collections::HashMap;

use plaza_contract::{
    negotiate, ChallengeArea, ContentStatus, DeclineReason, EditedPart, FlagTarget,
    ModerationChange, ModerationReason, PhaseKind, PollStatus, ProposalDecision, SocialFunction,
};

pub use load::{load, LoadError};

include!(concat!(env!("OUT_DIR"), "/languages.rs"));

/// The English file, the reference of every other (tests; the widget has
/// it as `ENGLISH`, which build.rs writes from it).
#[cfg(test)]
pub const ENGLISH_JSON: &str = include_str!("languages/en.json");

/// A language the interface is available in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Language {
    /// BCP 47 tag, for `lang` attributes and `Intl` formatting.
    pub tag: &'static str,
    /// Written right to left (`dir="rtl"` on the widget's root).
    pub rtl: bool,
}

impl Language {
    pub const ENGLISH: Language = Language {
        tag: "en",
        rtl: false,
    };

    /// Writing direction, for the `dir` attribute.
    pub fn dir(self) -> &'static str {
        if self.rtl {
            "rtl"
        } else {
            "ltr"
        }
    }

    /// The reader's own form of this language for dates and numbers
    /// ("es-MX"), as the contract's [`plaza_contract::regional`] says;
    /// `src/embed/start.js` warms up the same.
    pub fn regional(self, preferred: &[String]) -> String {
        plaza_contract::regional(self.tag, preferred)
    }

    /// The interface language for a reader's preferences (most preferred
    /// first), with the contract's fallback rules: English when nothing fits.
    pub fn negotiate(preferred: &[String]) -> Language {
        let picked = negotiate(LANGUAGES.iter().map(|l| l.tag), preferred).unwrap_or("en");
        LANGUAGES
            .into_iter()
            .find(|l| l.tag == picked)
            .unwrap_or(Language::ENGLISH)
    }
}

/// A CLDR plural category.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PluralCategory {
    Zero,
    One,
    Two,
    Few,
    Many,
    Other,
}

impl PluralCategory {
    pub const ALL: [PluralCategory; 6] = [
        PluralCategory::Zero,
        PluralCategory::One,
        PluralCategory::Two,
        PluralCategory::Few,
        PluralCategory::Many,
        PluralCategory::Other,
    ];

    pub fn name(self) -> &'static str {
        match self {
            PluralCategory::Zero => "zero",
            PluralCategory::One => "one",
            PluralCategory::Two => "two",
            PluralCategory::Few => "few",
            PluralCategory::Many => "many",
            PluralCategory::Other => "other",
        }
    }

    /// `Intl.PluralRules.select`'s answer; anything else is `other`.
    pub fn parse(name: &str) -> PluralCategory {
        PluralCategory::ALL
            .into_iter()
            .find(|c| c.name() == name)
            .unwrap_or(PluralCategory::Other)
    }
}

/// A message that depends on a count; `{n}` is replaced by the count.
/// Categories a language does not use are `None` and fall back to `other`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plural {
    pub forms: [Option<&'static str>; 5],
    pub other: &'static str,
}

impl Plural {
    /// The form for `category`, `other` when the language has none for it.
    pub fn pick(&self, category: PluralCategory) -> &'static str {
        let at = PluralCategory::ALL.iter().position(|c| *c == category);
        at.and_then(|i| self.forms.get(i).copied().flatten())
            .unwrap_or(self.other)
    }

    /// The form for `category` with `{n}` replaced by `n_text` (the count
    /// as the language writes it).
    pub fn format(&self, category: PluralCategory, n_text: &str) -> String {
        self.pick(category).replace("{n}", n_text)
    }
}

pub use plaza_ui::fill;

use crate::state::text::isolated;

/// A repeated control's accessible name: its visible text first (so that
/// it contains what is seen, for speech input), then what it acts on.
pub fn control_name(visible: &str, subject: &str) -> String {
    format!("{visible} — {subject}")
}

impl Strings {
    /// A control's subject named by `who` (its action, or "Argument by
    /// Léa") and the start of its text, quoted in the language's way; `who`
    /// alone when there is no text (withheld, or none to quote).
    pub fn quoting(&self, who: &str, start: &str) -> String {
        if start.is_empty() {
            who.to_owned()
        } else {
            fill(
                self.quoted_start,
                &[("who", who), ("start", &isolated(start))],
            )
        }
    }

    /// A contribution as a control's subject: `by` ("Argument by {name}")
    /// with its author's `name`, and the `start` of its text.
    pub fn subject(&self, by: &str, name: &str, start: &str) -> String {
        self.quoting(&fill(by, &[("name", &isolated(name))]), start)
    }
}

thread_local! {
    /// Languages read so far on this page, shared by every instance.
    static READ: RefCell<HashMap<&'static str, &'static Strings>> = RefCell::new(HashMap::new());
}

/// English: built into the download (`ENGLISH`, which build.rs writes
/// from `languages/en.json`).
pub fn english() -> &'static Strings {
    &ENGLISH
}

impl Strings {
    pub fn phase(&self, phase: PhaseKind) -> &'static str {
        match phase {
            PhaseKind::Information => self.phase_information,
            PhaseKind::Discussion => self.phase_discussion,
            PhaseKind::Voting => self.phase_voting,
            PhaseKind::Results => self.phase_results,
            PhaseKind::FollowUp => self.phase_follow_up,
        }
    }

    /// What a moderation action did, as one sentence for residents.
    pub fn moderation(&self, change: &ModerationChange) -> String {
        use ContentStatus::*;
        use FlagTarget::*;
        match change {
            ModerationChange::Content {
                target_type,
                status,
                ..
            } => match (target_type, status) {
                (Argument, Removed) => self.moderation_argument_removed,
                (Argument, HiddenPendingReview) => self.moderation_argument_held,
                (Argument, Visible) => self.moderation_argument_restored,
                (Comment, Removed) => self.moderation_reply_removed,
                (Comment, HiddenPendingReview) => self.moderation_reply_held,
                (Comment, Visible) => self.moderation_reply_restored,
                (Proposal, Removed) => self.moderation_proposal_removed,
                (Proposal, HiddenPendingReview) => self.moderation_proposal_held,
                (Proposal, Visible) => self.moderation_proposal_restored,
            }
            .to_owned(),
            ModerationChange::Phase { phase } => {
                fill(self.moderation_phase, &[("phase", self.phase(*phase))])
            }
            ModerationChange::PollStatus { status, .. } => match status {
                PollStatus::Upcoming => self.moderation_poll_upcoming,
                PollStatus::Open => self.moderation_poll_open,
                PollStatus::Closed => self.moderation_poll_closed,
            }
            .to_owned(),
            ModerationChange::Import => self.moderation_import.to_owned(),
            ModerationChange::Edit { parts } => {
                let names: Vec<&str> = parts.iter().map(|p| self.edited_part(*p)).collect();
                fill(
                    self.moderation_edit,
                    &[("parts", &names.join(self.list_separator))],
                )
            }
            ModerationChange::Proposal {
                decision, reason, ..
            } => match (decision, reason) {
                (ProposalDecision::Declined, Some(reason)) => fill(
                    self.moderation_proposal_declined_because,
                    &[("reason", self.decline_reason(*reason))],
                ),
                (ProposalDecision::Declined, None) => self.moderation_proposal_declined.to_owned(),
                (ProposalDecision::Accepted | ProposalDecision::UnderReview, _) => {
                    self.moderation_proposal_accepted.to_owned()
                }
            },
        }
    }

    fn edited_part(&self, part: EditedPart) -> &'static str {
        match part {
            EditedPart::Texts => self.edited_texts,
            EditedPart::Place => self.edited_place,
            EditedPart::Decision => self.edited_decision,
            EditedPart::Phases => self.edited_phases,
            EditedPart::Themes => self.edited_themes,
            EditedPart::FollowUp => self.edited_follow_up,
            EditedPart::Poll => self.edited_poll,
            EditedPart::PollOptions => self.edited_poll_options,
            EditedPart::PollDates => self.edited_poll_dates,
        }
    }

    fn decline_reason(&self, reason: DeclineReason) -> &'static str {
        match reason {
            DeclineReason::NotFeasible => self.decline_not_feasible,
            DeclineReason::OutsideRemit => self.decline_outside_remit,
            DeclineReason::AlreadyAnOption => self.decline_already_an_option,
            DeclineReason::OffTopic => self.decline_off_topic,
            DeclineReason::Other => self.decline_other,
        }
    }

    /// Why moderators acted, as residents read it.
    pub fn moderation_reason(&self, reason: ModerationReason) -> String {
        let word = match reason {
            ModerationReason::Abuse => self.reason_abuse,
            ModerationReason::Spam => self.reason_spam,
            ModerationReason::OffTopic => self.reason_off_topic,
            ModerationReason::PersonalData => self.reason_personal_data,
            ModerationReason::Duplicate => self.reason_duplicate,
            ModerationReason::WithinTheRules => self.reason_within_the_rules,
            ModerationReason::Other => self.reason_other,
        };
        fill(self.moderation_reason_is, &[("reason", word)])
    }

    pub fn social_function(&self, f: SocialFunction) -> &'static str {
        match f {
            SocialFunction::Living => self.social_living,
            SocialFunction::Working => self.social_working,
            SocialFunction::Supplying => self.social_supplying,
            SocialFunction::Caring => self.social_caring,
            SocialFunction::Learning => self.social_learning,
            SocialFunction::Enjoying => self.social_enjoying,
        }
    }

    pub fn challenge_area(&self, a: ChallengeArea) -> &'static str {
        match a {
            ChallengeArea::Ecological => self.challenge_ecological,
            ChallengeArea::Social => self.challenge_social,
            ChallengeArea::Cultural => self.challenge_cultural,
            ChallengeArea::Economic => self.challenge_economic,
            ChallengeArea::Resilience => self.challenge_resilience,
        }
    }
}

/// Every language's messages, read from its file (for native tests).
#[cfg(test)]
pub fn every_language() -> Vec<(Language, &'static Strings)> {
    LANGUAGES
        .into_iter()
        .map(|l| {
            let path = format!(
                "{}/src/i18n/languages/{}.json",
                env!("CARGO_MANIFEST_DIR"),
                l.tag
            );
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
            let strings = load::parse(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
            (l, &*Box::leak(Box::new(strings)))
        })
        .collect()
}

#[cfg(test)]
mod tests;
