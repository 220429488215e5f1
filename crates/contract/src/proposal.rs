//! Options residents propose for the ballot.

use serde::{Deserialize, Serialize};

use crate::deliberation::Timestamp;
use crate::discussion::{
    blank_to_none, check_lang, check_optional, check_text, collect, Author, ContentStatus,
    MAX_SHORT_TEXT_CHARS, MAX_TEXT_CHARS,
};
use crate::poll::{Poll, PollOption, PollStatus, MAX_OPTIONS};
use crate::problem::{FieldError, Problem, ProblemCode};
use crate::text::LocalizedText;

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
    /// The proposal as residents may see it: without its texts unless
    /// visible, nor its author's chosen name.
    pub fn redacted(mut self) -> Self {
        if self.status != ContentStatus::Visible {
            self.title = None;
            self.description = None;
            self.author = Author::default();
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

impl ProposalDecision {
    /// Whether a proposal with this decision may be given `next`. One under
    /// review is accepted or declined; a declined one may still be accepted
    /// on second thought; an accepted one is an option of the ballot, and
    /// stays one (residents may have ranked it).
    pub fn may_become(self, next: ProposalDecision) -> bool {
        use ProposalDecision::*;
        match (self, next) {
            (_, UnderReview) | (Accepted, _) | (Declined, Declined) => false,
            (UnderReview, _) | (Declined, Accepted) => true,
        }
    }

    /// 409 for a decision [`ProposalDecision::may_become`] refuses.
    pub fn decided(self) -> Problem {
        Problem::new(ProblemCode::Conflict, "This proposal was already decided").with_detail(
            match self {
                ProposalDecision::Accepted => "It is an option of the ballot.",
                _ => "It was declined; it may still be accepted.",
            },
        )
    }
}

/// Why staff declined a proposal: a word from a list, which the public
/// moderation log says in each language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeclineReason {
    /// It cannot be built or done (cost, law, safety).
    NotFeasible,
    /// The city does not decide it.
    OutsideRemit,
    /// The ballot already offers it.
    AlreadyAnOption,
    OffTopic,
    Other,
}

impl DeclineReason {
    pub const ALL: [DeclineReason; 5] = [
        DeclineReason::NotFeasible,
        DeclineReason::OutsideRemit,
        DeclineReason::AlreadyAnOption,
        DeclineReason::OffTopic,
        DeclineReason::Other,
    ];
}

/// `PUT /v1/moderation/proposals/{id}/decision`: accept a proposal onto
/// its deliberation's ballot, or decline it, saying why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ProposalDecisionChange {
    pub decision: ProposalDecision,
    /// Why it was declined; only with `declined`, and then required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<DeclineReason>,
}

impl ProposalDecisionChange {
    /// A decision (not `under_review`), with a reason exactly when declined.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        if self.decision == ProposalDecision::UnderReview {
            errors.push(FieldError::new("decision", "not_a_decision"));
        }
        match (self.decision, self.reason) {
            (ProposalDecision::Declined, None) => {
                errors.push(FieldError::new("reason", "required"))
            }
            (ProposalDecision::Accepted, Some(_)) => {
                errors.push(FieldError::new("reason", "only_when_declined"))
            }
            _ => {}
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

impl Proposal {
    /// The option it becomes on the ballot: its title and description in
    /// the language it was written in (`fallback` when it did not say).
    pub fn as_option(&self, fallback: &str) -> PollOption {
        let lang = self.lang.as_deref().unwrap_or(fallback);
        let text = |t: &Option<String>| match t.as_deref().map(str::trim) {
            Some(t) if !t.is_empty() => LocalizedText::new([(lang, t)]),
            _ => LocalizedText::default(),
        };
        PollOption {
            id: self.id.clone(),
            label: text(&self.title),
            description: text(&self.description),
            image: None,
        }
    }
}

impl Poll {
    /// The poll with `option` added last, for an accepted proposal. 409 when
    /// the poll is closed or has a ballot (its options are then frozen, see
    /// [`Poll::check_replacement`]), already offers it, or is full.
    pub fn with_option(&self, option: PollOption, has_ballots: bool) -> Result<Poll, Problem> {
        let refused = |detail: &str| {
            Problem::new(
                ProblemCode::Conflict,
                "The proposal cannot be added to the ballot",
            )
            .with_detail(detail)
        };
        if self.status == PollStatus::Closed {
            return Err(refused("The poll is closed."));
        }
        if has_ballots {
            return Err(refused(
                "Residents have voted: the options of the ballot can no longer change.",
            ));
        }
        if self.options.iter().any(|o| o.id == option.id) {
            return Err(refused("The ballot already offers it."));
        }
        if self.options.len() >= MAX_OPTIONS {
            return Err(refused("The ballot has as many options as it can."));
        }
        if option.label.is_empty() {
            return Err(refused("The proposal has no title to show on the ballot."));
        }
        let mut poll = self.clone();
        poll.options.push(option);
        Ok(poll)
    }
}

#[cfg(test)]
mod decision_tests {
    use super::*;
    use ProposalDecision::*;

    #[test]
    fn a_proposal_is_decided_once_except_a_decline_reconsidered() {
        for (from, to, ok) in [
            (UnderReview, Accepted, true),
            (UnderReview, Declined, true),
            (Declined, Accepted, true),
            (Declined, Declined, false),
            (Accepted, Declined, false),
            (Accepted, Accepted, false),
            (UnderReview, UnderReview, false),
        ] {
            assert_eq!(from.may_become(to), ok, "{from:?} → {to:?}");
        }
    }

    #[test]
    fn a_decline_says_why_an_acceptance_does_not() {
        let change = |decision, reason| ProposalDecisionChange { decision, reason };
        assert!(change(Accepted, None).validate().is_ok());
        assert!(change(Declined, Some(DeclineReason::NotFeasible))
            .validate()
            .is_ok());
        let fields = |c: ProposalDecisionChange| -> Vec<String> {
            c.validate()
                .err()
                .unwrap_or_default()
                .into_iter()
                .map(|e| e.field)
                .collect()
        };
        assert_eq!(fields(change(Declined, None)), ["reason"]);
        assert_eq!(
            fields(change(Accepted, Some(DeclineReason::Other))),
            ["reason"]
        );
        assert_eq!(fields(change(UnderReview, None)), ["decision"]);
    }

    fn proposal(lang: Option<&str>) -> Proposal {
        Proposal {
            id: "prop-1".into(),
            deliberation_id: "d".into(),
            title: Some(" Delivery lane ".into()),
            description: Some("Keep a lane for deliveries.".into()),
            lang: lang.map(str::to_owned),
            author: Author::default(),
            created_at: Timestamp::from_unix_millis(0),
            decision: UnderReview,
            status: ContentStatus::Visible,
        }
    }

    #[test]
    fn an_accepted_proposal_becomes_the_last_option_until_the_first_ballot() {
        let option = proposal(Some("fr")).as_option("en");
        assert_eq!(option.id, "prop-1");
        assert_eq!(option.label.get("fr"), Some("Delivery lane"));
        assert_eq!(
            proposal(None).as_option("en").label.get("en"),
            Some("Delivery lane")
        );
        let poll = crate::poll::tests::poll();
        let added = poll
            .with_option(option.clone(), false)
            .unwrap_or_else(|p| unreachable!("{p:?}"));
        assert_eq!(added.options.last().map(|o| o.id.as_str()), Some("prop-1"));
        assert_eq!(added.options.len(), poll.options.len() + 1);
        for (p, ballots) in [(added.clone(), false), (poll.clone(), true)] {
            let refused = p.with_option(option.clone(), ballots).err();
            assert_eq!(refused.map(|p| p.code), Some(ProblemCode::Conflict));
        }
        let mut closed = poll;
        closed.status = PollStatus::Closed;
        assert!(closed.with_option(option, false).is_err());
    }
}
