//! A deliberation: one change to one place, moving through phases.

use serde::{Deserialize, Serialize};

use crate::problem::{Problem, ProblemCode};
use crate::text::LocalizedText;
pub use crate::time::Timestamp;
use crate::validated::{is_media_url, validated_string};

validated_string!(
    /// An image or link address: absolute `http(s)`, or relative to the API base URL
    /// taken as a directory (`x.jpg` next to `https://city.example/plaza/v1` is `…/v1/x.jpg`).
    MediaUrl,
    check = is_media_url,
    schema = {"type": "string", "format": "uri-reference", "maxLength": 2048, "description": "An absolute http(s) URL, or a relative reference resolved against the API base URL taken as a directory (`x.jpg` → `…/v1/x.jpg`); other schemes are refused."}
);

/// The phases every deliberation moves through, in this order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum PhaseKind {
    /// The proposal, the place and who decides.
    Information,
    /// Arguments for and against, replies, proposals for the ballot.
    Discussion,
    /// The ranked-choice ballot is open.
    Voting,
    /// Round-by-round results.
    Results,
    /// What the city decided and did.
    FollowUp,
}

impl PhaseKind {
    pub const ALL: [PhaseKind; 5] = [
        PhaseKind::Information,
        PhaseKind::Discussion,
        PhaseKind::Voting,
        PhaseKind::Results,
        PhaseKind::FollowUp,
    ];

    /// Whether residents may contribute `what` in this phase: arguments,
    /// replies and proposals for the ballot belong to the discussion (the
    /// ballot's options are settled before voting opens).
    pub fn accepts(self, what: Contribution) -> bool {
        let _ = what;
        self == PhaseKind::Discussion
    }

    /// [`PhaseKind::accepts`] as a backend answers it: 409 `phase_closed` when not.
    pub fn accepting(self, what: Contribution) -> Result<(), Problem> {
        if self.accepts(what) {
            return Ok(());
        }
        let title = match what {
            Contribution::Argument | Contribution::Comment => "The discussion is not open",
            Contribution::Proposal => "Proposals are not open",
        };
        Err(Problem::new(ProblemCode::PhaseClosed, title))
    }
}

/// What residents add to a deliberation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Contribution {
    Argument,
    Comment,
    Proposal,
}

/// The urban social functions a change affects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum SocialFunction {
    Living,
    Working,
    Supplying,
    Caring,
    Learning,
    Enjoying,
}

/// The challenge areas a change addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ChallengeArea {
    Ecological,
    Social,
    Cultural,
    Economic,
    Resilience,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Coordinates {
    /// WGS 84 latitude, −90…90.
    pub lat: f64,
    /// WGS 84 longitude, −180…180.
    pub lon: f64,
}

impl Coordinates {
    pub fn is_valid(&self) -> bool {
        (-90.0..=90.0).contains(&self.lat) && (-180.0..=180.0).contains(&self.lon)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Image {
    pub url: MediaUrl,
    /// Text alternative; required, since an image without one excludes screen-reader users.
    pub alt: LocalizedText,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Place {
    pub name: LocalizedText,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coordinates: Option<Coordinates>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<Image>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Phase {
    pub kind: PhaseKind,
    pub starts_at: Timestamp,
    /// Open-ended when absent (typically the follow-up).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ends_at: Option<Timestamp>,
}

/// Who takes the decision, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Decision {
    pub by: LocalizedText,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_at: Option<Timestamp>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Counts {
    pub arguments_for: u32,
    pub arguments_against: u32,
    pub comments: u32,
    pub participants: u32,
}

/// One entry of the accountability log: what the city decided or did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FollowUp {
    pub date: Timestamp,
    pub text: LocalizedText,
}

/// `GET /v1/deliberations/{id}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Deliberation {
    pub id: String,
    pub title: LocalizedText,
    pub summary: LocalizedText,
    /// Longer plain-text description; paragraphs separated by blank lines.
    #[serde(default)]
    pub body: LocalizedText,
    pub place: Place,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<Decision>,
    #[serde(default)]
    pub social_functions: Vec<SocialFunction>,
    #[serde(default)]
    pub challenge_areas: Vec<ChallengeArea>,
    /// In chronological order.
    pub phases: Vec<Phase>,
    pub current_phase: PhaseKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub poll_id: Option<String>,
    #[serde(default)]
    pub counts: Counts,
    #[serde(default)]
    pub follow_up: Vec<FollowUp>,
}

/// An entry of `GET /v1/deliberations`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DeliberationSummary {
    pub id: String,
    pub title: LocalizedText,
    pub summary: LocalizedText,
    pub place_name: LocalizedText,
    pub current_phase: PhaseKind,
    #[serde(default)]
    pub counts: Counts,
}

impl From<&Deliberation> for DeliberationSummary {
    fn from(d: &Deliberation) -> Self {
        Self {
            id: d.id.clone(),
            title: d.title.clone(),
            summary: d.summary.clone(),
            place_name: d.place.name.clone(),
            current_phase: d.current_phase,
            counts: d.counts,
        }
    }
}

impl Deliberation {
    /// Whether the deliberation may move to `phase`: one it lists (a
    /// deliberation that lists none may take any). Otherwise its document
    /// would be invalid, and no widget could show it.
    pub fn check_phase(&self, phase: PhaseKind) -> Result<(), crate::problem::Problem> {
        if self.phases.is_empty() || self.phases.iter().any(|p| p.kind == phase) {
            Ok(())
        } else {
            Err(
                crate::problem::Problem::invalid_field("phase", "not_listed")
                    .with_detail("The deliberation does not list this phase"),
            )
        }
    }

    /// The phase record of the current phase, if the backend listed it.
    pub fn current(&self) -> Option<&Phase> {
        self.phases.iter().find(|p| p.kind == self.current_phase)
    }

    /// Problems that make the document unusable although it decoded:
    /// what a conformance check or the widget's decoder reports.
    pub fn problems(&self) -> Vec<String> {
        self.invalid().into_iter().map(|p| p.message).collect()
    }

    /// [`Deliberation::problems`], each with the field it is about (the
    /// staff console shows it next to that field).
    pub fn invalid(&self) -> Vec<Invalid> {
        let mut problems = Vec::new();
        if self.id.trim().is_empty() {
            problems.push(Invalid::new("id", InvalidKind::Required, "id is empty"));
        }
        if self.title.is_empty() {
            problems.push(Invalid::new(
                "title",
                InvalidKind::Required,
                "title has no text in any language",
            ));
        }
        if self.place.name.is_empty() {
            problems.push(Invalid::new(
                "place.name",
                InvalidKind::Required,
                "place.name has no text in any language",
            ));
        }
        if let Some(c) = &self.place.coordinates {
            if !c.is_valid() {
                problems.push(Invalid::new(
                    "place.coordinates",
                    InvalidKind::OutOfRange,
                    "place.coordinates are out of range",
                ));
            }
        }
        if self.phases.windows(2).any(|w| w[0].kind >= w[1].kind) {
            problems.push(Invalid::new(
                "phases",
                InvalidKind::Order,
                "phases are not in order, or a phase is listed twice",
            ));
        }
        if !self.phases.is_empty() && self.current().is_none() {
            problems.push(Invalid::new(
                "current_phase",
                InvalidKind::NotListed,
                "current_phase is not among phases",
            ));
        }
        problems
    }
}

/// What is wrong with a field of a document (a deliberation, a poll).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    /// The field's path: `title`, `place.coordinates`, `options`.
    pub field: &'static str,
    pub kind: InvalidKind,
    /// In English, for logs, conformance reports and import errors.
    pub message: String,
}

impl Invalid {
    pub fn new(field: &'static str, kind: InvalidKind, message: impl Into<String>) -> Self {
        Invalid {
            field,
            kind,
            message: message.into(),
        }
    }
}

/// Why a field is invalid, for a message in the reader's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvalidKind {
    /// Empty where a value is needed.
    Required,
    OutOfRange,
    /// Listed out of order, or twice.
    Order,
    /// Names something that is not listed (the current phase).
    NotListed,
    /// Fewer than the least allowed (options, seats, rankings).
    TooFew,
    TooMany,
    /// Two entries share what must be unique (option ids).
    Duplicate,
    /// Not after the date it must follow.
    NotAfter,
}
