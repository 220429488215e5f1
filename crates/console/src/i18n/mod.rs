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
    negotiate, ChallengeArea, ContentStatus, DeclineReason, EditedPart, Eligibility, FlagTarget,
    ModerationReason, PhaseKind, PollStatus, ProposalDecision, ResultsVisibility, SocialFunction,
    VotingMethod,
};

use crate::setup::Kind;

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
    log_edit,
    log_unknown,
    list_separator,
    edited_texts,
    edited_place,
    edited_decision,
    edited_phases,
    edited_themes,
    edited_follow_up,
    edited_poll,
    edited_poll_options,
    edited_poll_dates,
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
    report_replies_column,
    report_ballots_column,
    report_no_activity,
    report_activity_unavailable,
    report_days_utc,
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
    setup_new,
    setup_edit,
    setup_heading_new,
    setup_heading_edit,
    setup_intro,
    setup_id,
    setup_id_hint,
    setup_texts,
    setup_title,
    setup_summary,
    setup_body,
    setup_place,
    setup_place_name,
    setup_address,
    setup_latitude,
    setup_longitude,
    setup_coordinates_hint,
    setup_image_url,
    setup_image_alt,
    setup_image_credit,
    setup_decision,
    setup_decides,
    setup_decision_date,
    setup_phases,
    setup_phase_included,
    setup_phase_starts,
    setup_phase_ends,
    setup_current_phase,
    setup_themes,
    setup_social_functions,
    setup_challenge_areas,
    sf_living,
    sf_working,
    sf_supplying,
    sf_caring,
    sf_learning,
    sf_enjoying,
    ca_ecological,
    ca_social,
    ca_cultural,
    ca_economic,
    ca_resilience,
    setup_follow_up,
    setup_follow_up_entry,
    setup_follow_up_date,
    setup_follow_up_text,
    setup_add_follow_up,
    setup_remove_follow_up,
    setup_poll,
    setup_has_poll,
    setup_poll_frozen,
    setup_question,
    setup_option,
    setup_option_label,
    setup_option_description,
    setup_option_image_url,
    setup_option_image_alt,
    setup_add_option,
    setup_move_up,
    setup_move_down,
    setup_remove_option,
    setup_method,
    method_irv,
    method_stv,
    setup_seats,
    setup_max_rankings,
    setup_eligibility,
    eligibility_anyone,
    eligibility_signed_in,
    setup_visibility,
    visibility_always,
    visibility_after_vote,
    visibility_after_close,
    setup_opens,
    setup_closes,
    setup_save,
    setup_saving,
    setup_saved,
    setup_problems,
    setup_preview,
    setup_try,
    setup_draft_preview,
    problem_missing,
    problem_missing_in,
    problem_bad_id,
    problem_not_a_number,
    problem_not_a_date,
    problem_not_an_address,
    problem_coordinates,
    problem_ends_before_start,
    problem_no_phase,
    problem_current_not_included,
    problem_too_few_options,
    problem_too_many_options,
    problem_seats,
    problem_at_least_one,
    problem_closes_before_opens,
    problem_other,
    proposals_heading,
    proposals_intro,
    proposals_empty,
    accept_proposal,
    decline_proposal,
    decline_not_feasible,
    decline_outside_remit,
    decline_already_an_option,
    decline_off_topic,
    decline_other,
    proposal_now,
    log_proposal,
    log_proposal_declined,
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

impl Strings {
    pub fn edited_part(&self, part: EditedPart) -> &'static str {
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

    pub fn decline_reason(&self, r: DeclineReason) -> &'static str {
        match r {
            DeclineReason::NotFeasible => self.decline_not_feasible,
            DeclineReason::OutsideRemit => self.decline_outside_remit,
            DeclineReason::AlreadyAnOption => self.decline_already_an_option,
            DeclineReason::OffTopic => self.decline_off_topic,
            DeclineReason::Other => self.decline_other,
        }
    }

    pub fn decision(&self, d: ProposalDecision) -> &'static str {
        match d {
            ProposalDecision::UnderReview => self.decision_under_review,
            ProposalDecision::Accepted => self.decision_accepted,
            ProposalDecision::Declined => self.decision_declined,
        }
    }

    pub fn social_function(&self, f: SocialFunction) -> &'static str {
        match f {
            SocialFunction::Living => self.sf_living,
            SocialFunction::Working => self.sf_working,
            SocialFunction::Supplying => self.sf_supplying,
            SocialFunction::Caring => self.sf_caring,
            SocialFunction::Learning => self.sf_learning,
            SocialFunction::Enjoying => self.sf_enjoying,
        }
    }

    pub fn challenge_area(&self, a: ChallengeArea) -> &'static str {
        match a {
            ChallengeArea::Ecological => self.ca_ecological,
            ChallengeArea::Social => self.ca_social,
            ChallengeArea::Cultural => self.ca_cultural,
            ChallengeArea::Economic => self.ca_economic,
            ChallengeArea::Resilience => self.ca_resilience,
        }
    }

    pub fn method(&self, m: VotingMethod) -> &'static str {
        match m {
            VotingMethod::Irv => self.method_irv,
            VotingMethod::Stv => self.method_stv,
        }
    }

    pub fn eligibility(&self, e: Eligibility) -> &'static str {
        match e {
            Eligibility::Anyone => self.eligibility_anyone,
            Eligibility::SignedIn => self.eligibility_signed_in,
        }
    }

    pub fn visibility(&self, v: ResultsVisibility) -> &'static str {
        match v {
            ResultsVisibility::Always => self.visibility_always,
            ResultsVisibility::AfterVote => self.visibility_after_vote,
            ResultsVisibility::AfterClose => self.visibility_after_close,
        }
    }

    /// What is wrong with a field of the set-up form, in words.
    pub fn problem(&self, kind: &Kind) -> String {
        match kind {
            Kind::Missing(None) => self.problem_missing.to_owned(),
            Kind::Missing(Some(lang)) => fill(
                self.problem_missing_in,
                &[("language", language_name(lang))],
            ),
            Kind::BadId => self.problem_bad_id.to_owned(),
            Kind::NotANumber => self.problem_not_a_number.to_owned(),
            Kind::NotADate => self.problem_not_a_date.to_owned(),
            Kind::NotAnAddress => self.problem_not_an_address.to_owned(),
            Kind::Coordinates => self.problem_coordinates.to_owned(),
            Kind::EndsBeforeStart => self.problem_ends_before_start.to_owned(),
            Kind::NoPhase => self.problem_no_phase.to_owned(),
            Kind::CurrentNotIncluded => self.problem_current_not_included.to_owned(),
            Kind::TooFewOptions => self.problem_too_few_options.to_owned(),
            Kind::TooManyOptions => self.problem_too_many_options.to_owned(),
            Kind::Seats => self.problem_seats.to_owned(),
            Kind::AtLeastOne => self.problem_at_least_one.to_owned(),
            Kind::ClosesBeforeOpens => self.problem_closes_before_opens.to_owned(),
            Kind::Other(detail) => fill(self.problem_other, &[("detail", detail)]),
        }
    }
}

/// A language's own name, for labels such as "Title (Français)"; the tag
/// itself for a language the console does not know.
pub fn language_name(tag: &str) -> &str {
    match plaza_contract::primary(tag) {
        "en" => "English",
        "fr" => "Français",
        "de" => "Deutsch",
        "es" => "Español",
        "ar" => "العربية",
        "it" => "Italiano",
        "nl" => "Nederlands",
        "pt" => "Português",
        _ => tag,
    }
}

pub use plaza_ui::fill;

#[cfg(test)]
mod tests {
    use super::*;
    use plaza_ui::text::placeholders;

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
}
