//! The test data the kit brings: two deliberations with their polls, made
//! fresh for every run (ids carry a random suffix) through the moderation
//! surface, `POST /v1/moderation/import` with a seed document.

use std::collections::BTreeMap;
use std::sync::Mutex;

use plaza_contract::seed::{Seed, SeedDeliberation};
use plaza_contract::{
    Argument, CountingRules, Deliberation, Eligibility, FlagReason, FlagTarget, LocalizedText,
    NewArgument, NewFlag, Operation, ParticipantToken, Phase, PhaseChange, PhaseKind, Place, Poll,
    PollOption, PollStatus, PollStatusChange, Quota, ResultsVisibility, Stance, TieBreak,
    VotingMethod,
};

use crate::client::{Check, Client};

/// Everything the rules share.
pub struct Ctx {
    pub api: Client,
    pub moderator: String,
    pub run: String,
    pub flag_threshold: u32,
    pub host_secret: Option<String>,
    pub origin: Option<String>,
    pub rate_limit_attempts: u32,
    /// The backend is `api="local"` (one participant, in a browser): the
    /// rules that cannot apply to it are skipped.
    pub local: bool,
    /// The STV poll's ballots by participant id, the last one each cast:
    /// what the backend must count and publish.
    pub stv_ballots: Mutex<BTreeMap<String, Vec<String>>>,
}

impl Ctx {
    /// The discussion, with an open IRV poll whose results are always visible.
    pub fn deliberation(&self) -> String {
        format!("conformance-{}", self.run)
    }
    pub fn poll(&self) -> String {
        format!("conformance-{}-irv", self.run)
    }
    /// A second deliberation with an STV poll whose results wait for the close.
    pub fn stv_deliberation(&self) -> String {
        format!("conformance-{}-stv", self.run)
    }
    pub fn stv_poll(&self) -> String {
        format!("conformance-{}-stv-poll", self.run)
    }

    pub fn seed(&self) -> Seed {
        Seed {
            deliberations: vec![
                entry(
                    &self.deliberation(),
                    &self.poll(),
                    VotingMethod::Irv,
                    1,
                    &["a", "b", "c", "d"],
                    ResultsVisibility::Always,
                ),
                entry(
                    &self.stv_deliberation(),
                    &self.stv_poll(),
                    VotingMethod::Stv,
                    2,
                    &["a", "b", "c", "d", "e"],
                    ResultsVisibility::AfterClose,
                ),
            ],
        }
    }

    pub async fn participant(&self) -> Check<String> {
        Ok(self.new_participant().await?.token)
    }

    /// A participant with its id: rules that follow who cast which ballot
    /// need it (a backend may give the same participant every time).
    pub async fn new_participant(&self) -> Check<ParticipantToken> {
        self.api
            .op(Operation::CreateParticipant, &[])
            .send()
            .await?
            .expect(201)
    }

    /// A token the city's site would sign for a new resident (valid ten
    /// minutes), when the kit was given the host secret.
    pub fn signed_in_resident(&self) -> Option<String> {
        let secret = self.host_secret.as_ref()?;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        Some(crate::jwt::hs256(secret, &unique("resident"), now + 600))
    }

    pub async fn participants(&self, n: usize) -> Check<Vec<String>> {
        let mut tokens = Vec::with_capacity(n);
        for _ in 0..n {
            tokens.push(self.participant().await?);
        }
        Ok(tokens)
    }

    pub async fn argument(&self, token: &str, stance: Stance, text: &str) -> Check<Argument> {
        self.api
            .op(Operation::CreateArgument, &[&self.deliberation()])
            .token(token)
            .key(&unique("arg"))
            .json(&NewArgument {
                stance,
                text: text.into(),
                lang: Some("en".into()),
                display_name: None,
            })
            .send()
            .await?
            .expect(201)
    }

    pub async fn flag(
        &self,
        token: &str,
        target_type: FlagTarget,
        id: &str,
    ) -> Check<crate::client::Answer> {
        self.api
            .op(Operation::CreateFlag, &[])
            .token(token)
            .key(&unique("flag"))
            .json(&NewFlag {
                target_type,
                target_id: id.into(),
                reason: FlagReason::Spam,
            })
            .send()
            .await
    }

    /// Imports a deliberation of the rule's own (`name`) with an open IRV
    /// poll on options a to d, as JSON that `edit` may change first (the
    /// poll is at `["deliberations"][0]["poll"]`); the answer, and the poll's id.
    pub async fn import_own(
        &self,
        name: &str,
        edit: impl FnOnce(&mut serde_json::Value),
    ) -> Check<(crate::client::Answer, String)> {
        let id = format!("conformance-{}-{name}", self.run);
        let poll = format!("{id}-poll");
        let seed = Seed {
            deliberations: vec![entry(
                &id,
                &poll,
                VotingMethod::Irv,
                1,
                &["a", "b", "c", "d"],
                ResultsVisibility::Always,
            )],
        };
        let mut json = serde_json::to_value(&seed).map_err(|e| e.to_string())?;
        edit(&mut json);
        let answer = self
            .api
            .op(Operation::ImportSeed, &[])
            .token(&self.moderator)
            .json(&json)
            .send()
            .await?;
        Ok((answer, poll))
    }

    /// Creates a deliberation of the rule's own as [`Ctx::import_own`]
    /// does, unchanged: its id and its poll's.
    pub async fn create_own(&self, name: &str) -> Check<(String, String)> {
        let (answer, poll) = self.import_own(name, |_| {}).await?;
        let report: plaza_contract::ImportReport = answer.expect(200)?;
        let id = report
            .created
            .first()
            .cloned()
            .ok_or("the import created nothing")?;
        Ok((id, poll))
    }

    pub async fn set_poll_status(&self, poll: &str, status: PollStatus) -> Check {
        self.api
            .op(Operation::SetPollStatus, &[poll])
            .token(&self.moderator)
            .json(&PollStatusChange { status })
            .send()
            .await?
            .expect::<Poll>(200)
            .map(|_| ())
    }

    pub async fn set_phase(&self, deliberation: &str, phase: PhaseKind) -> Check {
        self.api
            .op(Operation::SetPhase, &[deliberation])
            .token(&self.moderator)
            .json(&PhaseChange { phase })
            .send()
            .await?
            .expect::<Deliberation>(200)
            .map(|_| ())
    }
}

fn text(en: &str) -> LocalizedText {
    LocalizedText::new([("en", en)])
}

fn ts(s: &str) -> plaza_contract::Timestamp {
    // Literal, well-formed timestamps.
    s.parse()
        .unwrap_or_else(|_| plaza_contract::Timestamp::from_unix_millis(0))
}

pub(crate) fn entry(
    id: &str,
    poll_id: &str,
    method: VotingMethod,
    seats: u32,
    options: &[&str],
    visibility: ResultsVisibility,
) -> SeedDeliberation {
    let phase = |kind, from: &str, to: Option<&str>| Phase {
        kind,
        starts_at: ts(from),
        ends_at: to.map(ts),
    };
    SeedDeliberation {
        deliberation: Deliberation {
            id: id.into(),
            title: text("Conformance check: a test deliberation"),
            summary: text("Made by plaza-conformance; safe to delete."),
            body: text("Plain text only."),
            place: Place {
                name: text("Nowhere Street"),
                address: None,
                coordinates: None,
                image: None,
            },
            decision: None,
            social_functions: Vec::new(),
            challenge_areas: Vec::new(),
            phases: vec![
                phase(
                    PhaseKind::Information,
                    "2026-01-01T00:00:00Z",
                    Some("2026-01-31T23:59:59Z"),
                ),
                phase(
                    PhaseKind::Discussion,
                    "2026-02-01T00:00:00Z",
                    Some("2026-02-28T23:59:59Z"),
                ),
                phase(
                    PhaseKind::Voting,
                    "2026-03-01T00:00:00Z",
                    Some("2026-03-31T23:59:59Z"),
                ),
                phase(PhaseKind::Results, "2026-04-01T00:00:00Z", None),
            ],
            current_phase: PhaseKind::Discussion,
            poll_id: Some(poll_id.into()),
            counts: Default::default(),
            follow_up: Vec::new(),
        },
        poll: Some(Poll {
            id: poll_id.into(),
            deliberation_id: id.into(),
            question: text("Which option?"),
            options: options
                .iter()
                .map(|o| PollOption {
                    id: (*o).into(),
                    label: text(&format!("Option {o}")),
                    description: LocalizedText::default(),
                    image: None,
                })
                .collect(),
            method,
            seats,
            rules: CountingRules {
                tiebreak: TieBreak::Random,
                random_seed: Some(42),
                quota: Quota::Droop,
                decimal_places: 4,
                batch_elimination: false,
            },
            opens_at: ts("2026-03-01T00:00:00Z"),
            closes_at: ts("2026-03-31T23:59:59Z"),
            status: PollStatus::Open,
            results_visibility: visibility,
            max_rankings: Some(3),
            // The kit's participants are anonymous; rules on signed-in
            // polls import their own.
            eligibility: Eligibility::Anyone,
            shuffle_options: false,
        }),
        arguments: Vec::new(),
        comments: Vec::new(),
        proposals: Vec::new(),
    }
}

/// A value no earlier run used: an idempotency key, an id suffix.
pub fn unique(prefix: &str) -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("{prefix}-{:x}-{}-{n}", nanos, std::process::id())
}
