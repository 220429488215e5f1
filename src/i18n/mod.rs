//! The translation layer: every string the widget shows comes from here.
//!
//! Each language is one `Strings` value; a missing string is a compile
//! error, so a language is either complete or does not build. Counts go
//! through CLDR plural categories ([`Plural`]), placeholders are `{name}`.

mod en;
mod fr;

use plaza_contract::{negotiate, ChallengeArea, PhaseKind, SocialFunction};

/// A language the interface is available in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Locale {
    En,
    Fr,
}

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::En, Locale::Fr];

    /// BCP 47 tag, for `lang` attributes and `Intl` formatting.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::Fr => "fr",
        }
    }

    /// Writing direction, for the `dir` attribute.
    pub fn dir(self) -> &'static str {
        "ltr"
    }

    /// The interface language for a reader's preferences (most preferred
    /// first), with the contract's fallback rules: English when nothing fits.
    pub fn negotiate(preferred: &[String]) -> Locale {
        let tags = Locale::ALL.map(Locale::tag);
        let picked = negotiate(tags.iter().copied(), preferred).unwrap_or("en");
        Locale::ALL
            .into_iter()
            .find(|l| l.tag() == picked)
            .unwrap_or(Locale::En)
    }

    pub fn strings(self) -> &'static Strings {
        match self {
            Locale::En => &en::STRINGS,
            Locale::Fr => &fr::STRINGS,
        }
    }

    /// CLDR plural category of `n` in this language.
    pub fn plural_category(self, n: u64) -> PluralCategory {
        match self {
            Locale::En => {
                if n == 1 {
                    PluralCategory::One
                } else {
                    PluralCategory::Other
                }
            }
            // French: 0 and 1 are singular; large round numbers (1 000 000) take "many".
            Locale::Fr => {
                if n <= 1 {
                    PluralCategory::One
                } else if n.is_multiple_of(1_000_000) {
                    PluralCategory::Many
                } else {
                    PluralCategory::Other
                }
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PluralCategory {
    Zero,
    One,
    Two,
    Few,
    Many,
    Other,
}

/// A message that depends on a count; `{n}` is replaced by the count.
/// Categories a language does not use are `None` and fall back to `other`.
pub struct Plural {
    pub zero: Option<&'static str>,
    pub one: Option<&'static str>,
    pub two: Option<&'static str>,
    pub few: Option<&'static str>,
    pub many: Option<&'static str>,
    pub other: &'static str,
}

impl Plural {
    /// The form of languages with a singular and a plural (English, French…).
    pub const fn one_other(one: &'static str, other: &'static str) -> Self {
        Plural {
            zero: None,
            one: Some(one),
            two: None,
            few: None,
            many: None,
            other,
        }
    }

    pub fn format(&self, locale: Locale, n: u64, n_text: &str) -> String {
        let form = match locale.plural_category(n) {
            PluralCategory::Zero => self.zero,
            PluralCategory::One => self.one,
            PluralCategory::Two => self.two,
            PluralCategory::Few => self.few,
            PluralCategory::Many => self.many,
            PluralCategory::Other => None,
        };
        form.unwrap_or(self.other).replace("{n}", n_text)
    }
}

/// Replaces each `{name}` in `template` by its value.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = template.to_owned();
    for (name, value) in values {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

/// Every string of the interface, in one language.
pub struct Strings {
    // The widget as a whole
    pub widget_label: &'static str,
    pub loading_deliberation: &'static str,
    pub loading_arguments: &'static str,
    pub retry: &'static str,
    pub error_heading: &'static str,

    // Errors a resident can act on
    pub error_offline: &'static str,
    pub error_timeout: &'static str,
    pub error_not_found: &'static str,
    /// `{status}`: the HTTP status code.
    pub error_server: &'static str,
    pub error_unreadable: &'static str,
    pub error_rate_limited: &'static str,
    pub error_not_allowed: &'static str,
    pub error_unknown: &'static str,
    pub error_setup_missing_api: &'static str,
    pub error_setup_missing_deliberation: &'static str,
    /// `{api}`: the attribute's value.
    pub error_setup_invalid_api: &'static str,
    pub error_demo_unavailable: &'static str,
    pub notice_storage_unavailable: &'static str,

    // The deliberation header
    pub place_heading: &'static str,
    pub address_label: &'static str,
    pub decision_label: &'static str,
    /// `{date}`
    pub decision_expected: &'static str,
    pub phases_heading: &'static str,
    pub phase_current: &'static str,
    /// `{start}`, `{end}`
    pub phase_dates: &'static str,
    /// `{start}`
    pub phase_from: &'static str,
    pub phase_information: &'static str,
    pub phase_discussion: &'static str,
    pub phase_voting: &'static str,
    pub phase_results: &'static str,
    pub phase_follow_up: &'static str,
    pub social_functions_heading: &'static str,
    pub challenge_areas_heading: &'static str,
    pub social_living: &'static str,
    pub social_working: &'static str,
    pub social_supplying: &'static str,
    pub social_caring: &'static str,
    pub social_learning: &'static str,
    pub social_enjoying: &'static str,
    pub challenge_ecological: &'static str,
    pub challenge_social: &'static str,
    pub challenge_cultural: &'static str,
    pub challenge_economic: &'static str,
    pub challenge_resilience: &'static str,
    /// `{credit}`
    pub image_credit: &'static str,
    pub follow_up_heading: &'static str,

    // The discussion
    pub discussion_heading: &'static str,
    pub arguments_for_heading: &'static str,
    pub arguments_against_heading: &'static str,
    pub arguments_count: Plural,
    pub no_arguments_yet: &'static str,
    pub anonymous: &'static str,
    pub hidden_pending_review: &'static str,
    pub removed_by_moderator: &'static str,
    pub helpful_count: Plural,
    pub changed_mind_count: Plural,
    pub replies_count: Plural,
    pub show_more_arguments: &'static str,
    pub loading_more: &'static str,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn prefs(p: &[&str]) -> Vec<String> {
        p.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn interface_language_follows_preferences_then_english() {
        assert_eq!(Locale::negotiate(&prefs(&["fr-CA"])), Locale::Fr);
        assert_eq!(Locale::negotiate(&prefs(&["de", "fr"])), Locale::Fr);
        assert_eq!(Locale::negotiate(&prefs(&["ja"])), Locale::En);
        assert_eq!(Locale::negotiate(&[]), Locale::En);
    }

    #[test]
    fn plurals_follow_each_language() {
        let p = Plural::one_other("{n} reply", "{n} replies");
        assert_eq!(p.format(Locale::En, 1, "1"), "1 reply");
        assert_eq!(p.format(Locale::En, 0, "0"), "0 replies");
        let f = Plural::one_other("{n} réponse", "{n} réponses");
        assert_eq!(f.format(Locale::Fr, 0, "0"), "0 réponse");
        assert_eq!(f.format(Locale::Fr, 2, "2"), "2 réponses");
    }

    #[test]
    fn placeholders_are_filled() {
        assert_eq!(
            fill("{start} – {end}", &[("start", "1 Nov"), ("end", "15 Dec")]),
            "1 Nov – 15 Dec"
        );
    }

    #[test]
    fn every_language_fills_every_placeholder_it_is_given() {
        // A translation that drops a placeholder silently hides information.
        for locale in Locale::ALL {
            let s = locale.strings();
            for (template, names) in [
                (s.error_server, &["{status}"][..]),
                (s.error_setup_invalid_api, &["{api}"]),
                (s.decision_expected, &["{date}"]),
                (s.phase_dates, &["{start}", "{end}"]),
                (s.phase_from, &["{start}"]),
                (s.image_credit, &["{credit}"]),
                (s.arguments_count.other, &["{n}"]),
                (s.helpful_count.other, &["{n}"]),
                (s.changed_mind_count.other, &["{n}"]),
                (s.replies_count.other, &["{n}"]),
            ] {
                for name in names {
                    assert!(
                        template.contains(name),
                        "{:?}: {template:?} lacks {name}",
                        locale
                    );
                }
            }
        }
    }
}
