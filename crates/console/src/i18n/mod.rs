//! Every string the console shows, in its five interface languages.
//!
//! Each language is a constant [`Strings`] in its own file: a message
//! missing from one of them is a compile error, and a test checks that each
//! keeps English's `{placeholders}`. The console is for a city's staff, so
//! all five are in its module (no loading on demand, as the widget does for
//! residents); which one shows is the element's `lang`, then the browser's.

mod ar;
mod de;
mod en;
mod es;
mod fr;

use plaza_contract::{
    negotiate, ContentStatus, FlagTarget, ModerationReason, PhaseKind, PollStatus,
};

/// Declares [`Strings`]: one field per message.
macro_rules! messages {
    ($($name:ident),* $(,)?) => {
        /// The console's messages in one language.
        #[derive(Debug)]
        pub struct Strings {
            /// BCP 47 tag, for the `lang` attribute.
            pub tag: &'static str,
            /// Written right to left.
            pub rtl: bool,
            $(pub $name: &'static str,)*
        }

        impl Strings {
            /// Every message with its name, for the tests.
            pub fn all(&self) -> Vec<(&'static str, &'static str)> {
                vec![$((stringify!($name), self.$name),)*]
            }
        }
    };
}

messages!(
    console_label,
    signed_in_as,
    signed_in_with_moderator_token,
    no_token,
    loading,
    retry,
    show_more,
    error_offline,
    error_sign_in,
    error_not_found,
    error_conflict,
    error_refused,
    deliberations_heading,
    no_deliberations,
    run_deliberation,
    back_to_list,
    phase_heading,
    current_phase,
    move_to_phase,
    phase_moved,
    phase_information,
    phase_discussion,
    phase_voting,
    phase_results,
    phase_follow_up,
    poll_heading,
    no_poll,
    poll_status_line,
    poll_upcoming,
    poll_open,
    poll_closed,
    open_poll,
    close_poll,
    confirm_open,
    confirm_close,
    confirm_open_yes,
    confirm_close_yes,
    cancel,
    poll_now,
    queue_heading,
    queue_intro,
    queue_empty,
    flags_count,
    in_deliberation,
    target_argument,
    target_comment,
    target_proposal,
    status_visible,
    status_held,
    status_removed,
    reason_label,
    reason_choose,
    reason_needed,
    reason_abuse,
    reason_spam,
    reason_off_topic,
    reason_personal_data,
    reason_duplicate,
    reason_within_the_rules,
    reason_other,
    hide,
    restore,
    content_now,
    log_heading,
    log_empty,
    log_when,
    log_who,
    log_what,
    log_why,
    log_content,
    log_phase,
    log_poll,
    log_import,
    log_no_reason,
    report_open,
    report_heading,
    report_prepared,
    print,
    download_csv,
    download_json,
    back_to_run,
    report_summary,
    report_place,
    report_decides,
    report_phases,
    report_counts,
    report_participation,
    report_day,
    stance_for,
    stance_against,
    report_proposals_column,
    report_arguments,
    report_reactions,
    report_no_arguments,
    report_proposals,
    decision_under_review,
    decision_accepted,
    decision_declined,
    report_no_proposals,
    report_results,
    report_results_unavailable,
    report_round,
    report_option,
    report_votes,
    account_elected,
    account_eliminated,
    account_transfers,
    account_none,
    report_exhausted,
    report_residual,
    report_winners,
    report_moderation,
    report_hidden_for,
    report_without_reason,
    report_restored,
    report_staff_changes,
    report_no_moderation,
);

/// The languages of the interface, English first (the fallback).
pub const LANGUAGES: [&Strings; 5] = [
    &en::STRINGS,
    &ar::STRINGS,
    &de::STRINGS,
    &es::STRINGS,
    &fr::STRINGS,
];

impl Strings {
    /// The language for a reader's preferences (most preferred first);
    /// English when none fits.
    pub fn negotiate(preferred: &[String]) -> &'static Strings {
        let picked = negotiate(LANGUAGES.iter().map(|l| l.tag), preferred).unwrap_or("en");
        LANGUAGES
            .into_iter()
            .find(|l| l.tag == picked)
            .unwrap_or(&en::STRINGS)
    }

    pub fn dir(&self) -> &'static str {
        if self.rtl {
            "rtl"
        } else {
            "ltr"
        }
    }

    pub fn phase(&self, phase: PhaseKind) -> &'static str {
        match phase {
            PhaseKind::Information => self.phase_information,
            PhaseKind::Discussion => self.phase_discussion,
            PhaseKind::Voting => self.phase_voting,
            PhaseKind::Results => self.phase_results,
            PhaseKind::FollowUp => self.phase_follow_up,
        }
    }

    pub fn poll_status(&self, status: PollStatus) -> &'static str {
        match status {
            PollStatus::Upcoming => self.poll_upcoming,
            PollStatus::Open => self.poll_open,
            PollStatus::Closed => self.poll_closed,
        }
    }

    pub fn target(&self, target: FlagTarget) -> &'static str {
        match target {
            FlagTarget::Argument => self.target_argument,
            FlagTarget::Comment => self.target_comment,
            FlagTarget::Proposal => self.target_proposal,
        }
    }

    pub fn content_status(&self, status: ContentStatus) -> &'static str {
        match status {
            ContentStatus::Visible => self.status_visible,
            ContentStatus::HiddenPendingReview => self.status_held,
            ContentStatus::Removed => self.status_removed,
        }
    }

    pub fn reason(&self, reason: ModerationReason) -> &'static str {
        match reason {
            ModerationReason::Abuse => self.reason_abuse,
            ModerationReason::Spam => self.reason_spam,
            ModerationReason::OffTopic => self.reason_off_topic,
            ModerationReason::PersonalData => self.reason_personal_data,
            ModerationReason::Duplicate => self.reason_duplicate,
            ModerationReason::WithinTheRules => self.reason_within_the_rules,
            ModerationReason::Other => self.reason_other,
        }
    }
}

/// `template` with each `{name}` replaced by its value.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = template.to_owned();
    for (name, value) in values {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

/// The `{placeholders}` of a message, sorted.
#[cfg(test)]
fn placeholders(message: &str) -> Vec<&str> {
    let mut found: Vec<&str> = message
        .split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .collect();
    found.sort_unstable();
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_says_every_message_with_the_same_placeholders() {
        let english = en::STRINGS.all();
        for language in LANGUAGES {
            for ((name, text), (_, reference)) in language.all().into_iter().zip(&english) {
                assert!(!text.trim().is_empty(), "{}: {name} is empty", language.tag);
                assert_eq!(
                    placeholders(text),
                    placeholders(reference),
                    "{}: {name} does not keep English's placeholders",
                    language.tag
                );
            }
        }
    }

    #[test]
    fn only_arabic_is_right_to_left() {
        for language in LANGUAGES {
            assert_eq!(language.rtl, language.tag == "ar", "{}", language.tag);
        }
    }

    #[test]
    fn the_language_follows_the_reader_and_falls_back_to_english() {
        let prefs = |tags: &[&str]| tags.iter().map(|t| t.to_string()).collect::<Vec<_>>();
        assert_eq!(Strings::negotiate(&prefs(&["ar-MA", "fr"])).tag, "ar");
        assert_eq!(Strings::negotiate(&prefs(&["nl", "de-CH"])).tag, "de");
        assert_eq!(Strings::negotiate(&prefs(&["nl"])).tag, "en");
        assert_eq!(Strings::negotiate(&[]).tag, "en");
    }

    #[test]
    fn placeholders_are_filled_by_name() {
        assert_eq!(
            fill("Move to {phase} ({phase})", &[("phase", "voting")]),
            "Move to voting (voting)"
        );
        assert_eq!(placeholders("{b} and {a}"), vec!["a", "b"]);
    }
}
