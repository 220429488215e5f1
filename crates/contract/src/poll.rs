//! Ranked-choice polls, ballots and round-by-round results.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::deliberation::{Image, Invalid, InvalidKind, Timestamp};
use crate::problem::{FieldError, Problem, ProblemCode};
use crate::text::LocalizedText;
use crate::validated::{is_decimal, validated_string};

validated_string!(
    /// A non-negative vote count as a decimal string (`"312"`, `"7.2501"`):
    /// STV transfers are fractional and must stay exact, so never a float.
    Decimal,
    check = is_decimal,
    schema = {"type": "string", "pattern": "^[0-9]+(\\.[0-9]+)?$"}
);

/// The most options a poll may offer: beyond it no ballot is usable, and the
/// count (which keeps every round for re-checking) grows quickly.
pub const MAX_OPTIONS: usize = 100;

/// How the ballots are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum VotingMethod {
    /// Instant-runoff voting: one winner.
    Irv,
    /// Single transferable vote: `seats` winners, fractional surplus transfer.
    Stv,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum TieBreak {
    /// Seeded random draw, reproducible from `random_seed` (RCTab `random`).
    #[default]
    Random,
    /// The option with fewer votes in the previous round loses; random if still tied.
    PreviousRoundCountsThenRandom,
    /// Order of `options`: a later option loses to an earlier one.
    UseCandidateOrder,
    /// A permutation drawn from `random_seed` before counting.
    GeneratePermutation,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Quota {
    /// floor(active / (seats + 1)) + 1.
    #[default]
    Droop,
    /// active / (seats + 1), truncated, plus the smallest unit (STV only).
    DroopNonInteger,
    /// ceil(active / seats) (STV only).
    Hare,
}

/// The counting options, a subset of RCTab's, so that anyone can re-count
/// the published ballots with RCTab or `plaza-tally` and get the same rounds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CountingRules {
    #[serde(default)]
    pub tiebreak: TieBreak,
    /// Seed of the reproducible random tie-break (Java `java.util.Random`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub random_seed: Option<i64>,
    #[serde(default)]
    pub quota: Quota,
    /// Decimal places of STV fractional transfers (1…20).
    #[serde(default = "default_decimal_places")]
    pub decimal_places: u8,
    /// Eliminate every option that cannot catch up at once (IRV only).
    #[serde(default)]
    pub batch_elimination: bool,
}

fn default_decimal_places() -> u8 {
    4
}

impl Default for CountingRules {
    fn default() -> Self {
        Self {
            tiebreak: TieBreak::default(),
            random_seed: None,
            quota: Quota::default(),
            decimal_places: default_decimal_places(),
            batch_elimination: false,
        }
    }
}

/// When residents may see the results.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ResultsVisibility {
    Always,
    /// Once the participant has cast a ballot.
    AfterVote,
    #[default]
    AfterClose,
}

/// Who may cast a ballot. A poll that does not say is for signed-in
/// residents only: an anonymous participant costs one request, so
/// "anyone" means one ballot per browser, not per resident.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Eligibility {
    /// Any participant, anonymous ones too: informal polls, demonstrations.
    Anyone,
    /// Only residents the city's site signed in (a host-signed participant
    /// token): one resident, one ballot.
    #[default]
    SignedIn,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum PollStatus {
    Upcoming,
    Open,
    Closed,
}

impl PollStatus {
    pub const ALL: [PollStatus; 3] = [PollStatus::Upcoming, PollStatus::Open, PollStatus::Closed];

    /// The status as written on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            PollStatus::Upcoming => "upcoming",
            PollStatus::Open => "open",
            PollStatus::Closed => "closed",
        }
    }

    /// Whether a poll in this status may be set to `next`. A closed poll
    /// stays closed: its final count is published, residents check it
    /// against the ballots, and reopening it would change a result people
    /// have been told.
    pub fn may_become(self, next: PollStatus) -> bool {
        self != PollStatus::Closed || next == PollStatus::Closed
    }

    /// The statuses a poll may be in to be set to `next`.
    pub fn sources_of(next: PollStatus) -> impl Iterator<Item = PollStatus> {
        PollStatus::ALL
            .into_iter()
            .filter(move |s| s.may_become(next))
    }

    /// 409 for a change [`PollStatus::may_become`] refuses.
    pub fn closed_for_good() -> Problem {
        Problem::new(
            ProblemCode::Conflict,
            "A closed poll cannot be opened again",
        )
        .with_detail("Its final count is published; a new vote needs a new poll.")
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PollOption {
    pub id: String,
    pub label: LocalizedText,
    #[serde(default)]
    pub description: LocalizedText,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<Image>,
}

/// `GET /v1/polls/{id}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Poll {
    pub id: String,
    pub deliberation_id: String,
    pub question: LocalizedText,
    /// In the order they are listed on the ballot.
    pub options: Vec<PollOption>,
    pub method: VotingMethod,
    /// Number of winners: 1 for IRV.
    pub seats: u32,
    #[serde(default)]
    pub rules: CountingRules,
    pub opens_at: Timestamp,
    pub closes_at: Timestamp,
    pub status: PollStatus,
    #[serde(default)]
    pub results_visibility: ResultsVisibility,
    /// How many options a ballot may rank; all of them when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_rankings: Option<u32>,
    /// Who may vote (signed-in residents when absent).
    #[serde(default)]
    pub eligibility: Eligibility,
    /// Show the options in an order of each resident's own, so that none
    /// gains from always coming first on the ballot (the poll's order when
    /// absent).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub shuffle_options: bool,
}

impl Poll {
    /// The most options one ballot may rank.
    pub fn ranking_limit(&self) -> usize {
        let all = self.options.len();
        self.max_rankings.map_or(all, |m| (m as usize).min(all))
    }

    pub fn option(&self, id: &str) -> Option<&PollOption> {
        self.options.iter().find(|o| o.id == id)
    }

    /// Whether this stored poll may be replaced by `new` (an import or an
    /// edit): only by its own deliberation, and once it has a ballot, not in
    /// anything that decides what a ballot means or how it is counted: the
    /// options (their ids, labels, descriptions and images, in order), the
    /// method, the seats, the counting rules (tie-break, seed, quota), the
    /// ranking limit and who may vote. The question, dates and results'
    /// visibility may still change. Its status follows the rules of a
    /// status change ([`PollStatus::may_become`]): a closed poll stays
    /// closed, whatever a replacement says; and once it has a ballot, it does
    /// not go back to upcoming (an edit made from an old copy of the poll
    /// must not stop a running vote). `Err` says why, for a 409 `conflict`.
    pub fn check_replacement(&self, new: &Poll, has_ballots: bool) -> Result<(), String> {
        if self.deliberation_id != new.deliberation_id {
            return Err(format!(
                "poll {:?} belongs to deliberation {:?}",
                self.id, self.deliberation_id
            ));
        }
        if !self.status.may_become(new.status)
            || (has_ballots
                && new.status == PollStatus::Upcoming
                && self.status != PollStatus::Upcoming)
        {
            return Err(format!(
                "poll {:?} is {}: it cannot become {}",
                self.id,
                self.status.as_str(),
                new.status.as_str()
            ));
        }
        if !has_ballots {
            return Ok(());
        }
        let frozen = [
            ("options", self.options != new.options),
            ("method", self.method != new.method),
            ("seats", self.seats != new.seats),
            ("rules", self.rules != new.rules),
            ("max_rankings", self.ranking_limit() != new.ranking_limit()),
            ("eligibility", self.eligibility != new.eligibility),
        ];
        let changed: Vec<&str> = frozen
            .iter()
            .filter(|(_, changed)| *changed)
            .map(|(name, _)| *name)
            .collect();
        if changed.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "poll {:?} already has ballots: its {} cannot change",
                self.id,
                changed.join(", ")
            ))
        }
    }

    /// Whether a deliberation whose poll is `stored` may name `new` as its
    /// poll in a replacement (an import or an edit): once that poll has a
    /// ballot it stays the deliberation's. Another poll, or none, would
    /// leave its ballots where no result reads them, and would change the
    /// ballot's options under another id. `Err` says why, for a 409
    /// `conflict`.
    pub fn check_kept(
        stored: Option<&str>,
        new: Option<&str>,
        stored_has_ballots: bool,
    ) -> Result<(), String> {
        match stored {
            Some(stored) if stored_has_ballots && new != Some(stored) => Err(format!(
                "poll {stored:?} already has ballots: it stays this deliberation's poll"
            )),
            _ => Ok(()),
        }
    }

    /// Whether this voter may cast a ballot: a participant the host page
    /// signed in (`signed_in`), or any participant where the poll allows.
    /// 403 `not_eligible` otherwise, saying how to take part.
    pub fn check_voter(&self, signed_in: bool) -> Result<(), Problem> {
        match (self.eligibility, signed_in) {
            (Eligibility::Anyone, _) | (Eligibility::SignedIn, true) => Ok(()),
            (Eligibility::SignedIn, false) => Err(Problem::new(
                ProblemCode::NotEligible,
                "Only residents signed in on the city's site may vote",
            )
            .with_detail("Sign in on the city's website, then come back to this page to vote.")),
        }
    }

    /// Whether a ballot may be cast now: 409 `poll_not_open` before the
    /// poll opens, `poll_closed` after. The status is the backend's word
    /// (moderators open and close polls); the dates are the announced plan.
    pub fn accepting_ballots(&self) -> Result<(), Problem> {
        match self.status {
            PollStatus::Open => Ok(()),
            PollStatus::Upcoming => Err(Problem::new(
                ProblemCode::PollNotOpen,
                "Voting has not started",
            )),
            PollStatus::Closed => Err(Problem::new(ProblemCode::PollClosed, "Voting has closed")),
        }
    }

    /// A ballot as every backend takes it: the poll is open, the voter
    /// eligible (`signed_in`: the host page signed them in) and the ranking
    /// valid.
    pub fn check_ballot(&self, ballot: &BallotSubmission, signed_in: bool) -> Result<(), Problem> {
        self.accepting_ballots()?;
        self.check_voter(signed_in)?;
        ballot.validate(self).map_err(Problem::invalid)
    }

    /// Whether the answer of [`Poll::results_visible`] depends on the
    /// reader's ballot, so that a backend looks it up only then.
    pub fn results_depend_on_ballot(&self) -> bool {
        self.status != PollStatus::Closed && self.results_visibility == ResultsVisibility::AfterVote
    }

    /// Whether the results may be shown, to a reader who has (`has_voted`)
    /// or has not cast a ballot: always after the close; before it, as the
    /// poll's `results_visibility` says. 403 `results_not_available` when not.
    pub fn results_visible(&self, has_voted: bool) -> Result<(), Problem> {
        if self.status == PollStatus::Closed {
            return Ok(());
        }
        match self.results_visibility {
            ResultsVisibility::Always => Ok(()),
            ResultsVisibility::AfterVote if has_voted => Ok(()),
            ResultsVisibility::AfterVote => Err(results_not_available(
                "Results are shown once you have voted",
            )),
            ResultsVisibility::AfterClose => Err(results_not_available(
                "Results are published when the poll closes",
            )),
        }
    }

    /// The anonymous ballots are published once the poll has closed.
    pub fn ballots_published(&self) -> Result<(), Problem> {
        match self.status {
            PollStatus::Closed => Ok(()),
            _ => Err(results_not_available(
                "The ballots are published when the poll closes",
            )),
        }
    }

    /// Problems that make the poll unusable although it decoded.
    pub fn problems(&self) -> Vec<String> {
        self.invalid().into_iter().map(|p| p.message).collect()
    }

    /// [`Poll::problems`], each with the field it is about.
    pub fn invalid(&self) -> Vec<Invalid> {
        use InvalidKind::*;
        let mut problems = Vec::new();
        if self.options.len() < 2 {
            problems.push(Invalid::new(
                "options",
                TooFew,
                "a poll needs at least two options",
            ));
        }
        if self.options.len() > MAX_OPTIONS {
            problems.push(Invalid::new(
                "options",
                TooMany,
                format!("a poll can offer at most {MAX_OPTIONS} options"),
            ));
        }
        let mut ids: Vec<&str> = self.options.iter().map(|o| o.id.as_str()).collect();
        ids.sort_unstable();
        if ids.windows(2).any(|w| w[0] == w[1]) {
            problems.push(Invalid::new(
                "options",
                Duplicate,
                "option ids are not unique",
            ));
        }
        for (i, option) in self.options.iter().enumerate() {
            if option.label.is_empty() {
                problems.push(Invalid::new(
                    "options",
                    Required,
                    format!("option {} has no label in any language", i + 1),
                ));
            }
        }
        match self.method {
            VotingMethod::Irv if self.seats != 1 => problems.push(Invalid::new(
                "seats",
                OutOfRange,
                "IRV elects exactly one option",
            )),
            VotingMethod::Stv if self.seats < 1 || self.seats as usize >= self.options.len() => {
                problems.push(Invalid::new(
                    "seats",
                    OutOfRange,
                    "STV needs at least one seat and more options than seats",
                ))
            }
            _ => {}
        }
        // RCTab's range, which a browser also reads exactly; a tie-break
        // that draws nothing does not read the seed.
        const SEED_LIMIT: i64 = 1 << 47;
        if self.rules.tiebreak != TieBreak::UseCandidateOrder
            && self
                .rules
                .random_seed
                .is_some_and(|seed| !(-SEED_LIMIT..SEED_LIMIT).contains(&seed))
        {
            problems.push(Invalid::new(
                "rules.random_seed",
                OutOfRange,
                "rules.random_seed must be between -2^47 and 2^47 - 1",
            ));
        }
        if !(1..=20).contains(&self.rules.decimal_places) {
            problems.push(Invalid::new(
                "rules.decimal_places",
                OutOfRange,
                "rules.decimal_places must be between 1 and 20",
            ));
        }
        if self.max_rankings == Some(0) {
            problems.push(Invalid::new(
                "max_rankings",
                TooFew,
                "max_rankings must be at least 1",
            ));
        }
        if self.closes_at.unix_millis() <= self.opens_at.unix_millis() {
            problems.push(Invalid::new(
                "closes_at",
                NotAfter,
                "closes_at must be after opens_at",
            ));
        }
        problems
    }
}

fn results_not_available(detail: &str) -> Problem {
    Problem::new(
        ProblemCode::ResultsNotAvailable,
        "The results are not available yet",
    )
    .with_detail(detail)
}

/// `PUT /v1/polls/{id}/ballot`: option ids, most preferred first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct BallotSubmission {
    #[cfg_attr(
        feature = "schema",
        schemars(schema_with = "crate::schema::field::ranking")
    )]
    pub ranking: Vec<String>,
}

impl BallotSubmission {
    /// Checks the ranking against the poll: known options, each at most once,
    /// at least one, no more than the limit. A ranking longer than the limit
    /// is one error, found before any entry is looked at, so the work and
    /// the answer stay small whatever the request.
    pub fn validate(&self, poll: &Poll) -> Result<(), Vec<FieldError>> {
        if self.ranking.is_empty() {
            return Err(vec![FieldError::new("ranking", "required")]);
        }
        if self.ranking.len() > poll.ranking_limit() {
            return Err(vec![FieldError::new("ranking", "too_many")]);
        }
        let mut errors = Vec::new();
        for (i, id) in self.ranking.iter().enumerate() {
            if poll.option(id).is_none() {
                errors.push(FieldError::new(format!("ranking[{i}]"), "unknown_option"));
            } else if self.ranking[..i].contains(id) {
                errors.push(FieldError::new(format!("ranking[{i}]"), "duplicate"));
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// Proof that a ballot was recorded. The tracker lets a resident find their
/// (anonymous) ballot in the published export. A backend should write it in
/// Crockford's base 32 (digits and upper-case letters but I, L, O and U),
/// groups joined by `-`, as the reference server does: the widget reads a
/// tracker a resident types that way (`tracker_as_read`), and asks a large
/// poll for the ballots whose tracker starts like it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct BallotReceipt {
    pub tracker: String,
    pub recorded_at: Timestamp,
}

/// `GET /v1/polls/{id}/ballot`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct MyBallot {
    pub ranking: Vec<String>,
    pub receipt: BallotReceipt,
}

/// The longest tracker a client takes from a backend.
pub const MAX_TRACKER_CHARS: usize = 64;

impl MyBallot {
    /// Problems that keep the resident's recorded ballot from being shown
    /// for `poll`: a ranking the poll could not have taken, or a tracker
    /// the resident could not copy as it reads, such as one with invisible
    /// or direction characters (none if it is sound).
    pub fn problems(&self, poll: &Poll) -> Option<Vec<String>> {
        let mut problems = Vec::new();
        let submission = BallotSubmission {
            ranking: self.ranking.clone(),
        };
        if let Err(errors) = submission.validate(poll) {
            problems.extend(
                errors
                    .into_iter()
                    .map(|e| format!("the recorded ballot's {}: {}", e.field, e.code)),
            );
        }
        // Printable ASCII: nothing invisible, nothing that turns it around.
        let tracker = &self.receipt.tracker;
        let length = tracker.chars().count();
        if !(1..=MAX_TRACKER_CHARS).contains(&length)
            || !tracker.chars().all(|c| c.is_ascii_graphic())
        {
            problems.push(format!(
                "the ballot's tracker is not {MAX_TRACKER_CHARS} printable ASCII characters at most"
            ));
        }
        (!problems.is_empty()).then_some(problems)
    }
}

/// Ballots that stopped counting, by reason (RCTab's categories).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct InactiveCounts {
    /// Every option ranked on the ballot is out of the count.
    pub exhausted_choices: Decimal,
    pub overvotes: Decimal,
    pub skipped_rankings: Decimal,
    pub repeated_rankings: Decimal,
}

/// One round of the count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ResultRound {
    pub round: u32,
    /// Votes per option id still in the count (and winners of earlier rounds, in STV).
    pub tally: BTreeMap<String, Decimal>,
    pub threshold: Decimal,
    pub inactive: InactiveCounts,
    pub elected: Vec<String>,
    pub eliminated: Vec<String>,
    /// From an elected or eliminated option id to where its votes move in the
    /// next round: option ids, `exhausted`, or `residual_surplus`.
    #[serde(default)]
    pub transfers: BTreeMap<String, BTreeMap<String, Decimal>>,
}

/// `GET /v1/polls/{id}/results`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PollResults {
    pub poll_id: String,
    /// `true` once the poll has closed and the count is final.
    #[serde(rename = "final")]
    pub is_final: bool,
    pub counted_at: Timestamp,
    pub total_ballots: Decimal,
    pub winners: Vec<String>,
    pub rounds: Vec<ResultRound>,
}

impl PollResults {
    /// Problems that make these results unusable for `poll` although they
    /// decoded: another poll's, or options, winners and transfers the poll
    /// does not have, or more rounds than a count of its options can take.
    /// A view shows an error instead of a table it cannot label.
    pub fn problems(&self, poll: &Poll) -> Vec<String> {
        let mut problems = Vec::new();
        if self.poll_id != poll.id {
            problems.push(format!(
                "results of poll {:?}, not {:?}",
                self.poll_id, poll.id
            ));
        }
        // Every round elects or eliminates at least one option, but the last
        // of an STV count, which only shows the winners' final surplus.
        if self.rounds.len() > poll.options.len() + 1 {
            problems.push(format!(
                "{} rounds for {} options",
                self.rounds.len(),
                poll.options.len()
            ));
        }
        let mut unknown = |what: &str, ids: Vec<&String>| {
            if let Some(id) = ids.into_iter().find(|id| poll.option(id).is_none()) {
                let id: String = id.chars().take(40).collect();
                problems.push(format!(
                    "{what} names an option the poll does not have: {id:?}"
                ));
            }
        };
        unknown("winners", self.winners.iter().collect());
        for round in &self.rounds {
            unknown("a round's tally", round.tally.keys().collect());
            unknown("a round's elected", round.elected.iter().collect());
            unknown("a round's eliminated", round.eliminated.iter().collect());
            unknown("a round's transfers", round.transfers.keys().collect());
            let targets = round
                .transfers
                .values()
                .flat_map(|t| t.keys())
                .filter(|t| *t != "exhausted" && *t != "residual_surplus")
                .collect();
            unknown("a transfer", targets);
        }
        problems.extend(self.inconsistencies(poll));
        problems.dedup();
        problems
    }
}

impl PollResults {
    /// Where the rounds contradict each other or the poll: numbered out of
    /// order, an option decided twice, winners the rounds did not elect,
    /// a number of ballots that is not whole, or (in a one-seat count,
    /// where every ballot either counts for an option or stopped counting)
    /// a round whose votes and inactive ballots do not make the total.
    fn inconsistencies(&self, poll: &Poll) -> Vec<String> {
        let mut problems = Vec::new();
        let short = |id: &str| id.chars().take(40).collect::<String>();
        if !is_whole(&self.total_ballots) {
            problems.push("the number of ballots is not whole".to_owned());
        }
        // Sets: a hostile answer may list an option a million times.
        let mut decided: std::collections::BTreeSet<&String> = Default::default();
        for (i, round) in self.rounds.iter().enumerate() {
            if usize::try_from(round.round).ok() != Some(i + 1) {
                problems.push(format!(
                    "round {} is listed as round {}",
                    i + 1,
                    round.round
                ));
            }
            if let Some(id) = round
                .elected
                .iter()
                .chain(&round.eliminated)
                .find(|id| !decided.insert(*id))
            {
                problems.push(format!("option {:?} is decided twice", short(id)));
            }
            if poll.method == VotingMethod::Irv {
                let inactive = &round.inactive;
                let counted = round
                    .tally
                    .values()
                    .chain([
                        &inactive.exhausted_choices,
                        &inactive.overvotes,
                        &inactive.skipped_rankings,
                        &inactive.repeated_rankings,
                    ])
                    .try_fold(Exact::default(), |sum, d| sum.plus(d));
                let total = Exact::of(&self.total_ballots);
                if counted.is_none() || counted != total {
                    problems.push(format!("round {} does not account for every ballot", i + 1));
                }
            }
        }
        let elected: std::collections::BTreeSet<&String> =
            self.rounds.iter().flat_map(|r| &r.elected).collect();
        let winners: std::collections::BTreeSet<&String> = self.winners.iter().collect();
        if self.winners.len() > poll.seats as usize
            || winners.len() != self.winners.len()
            || !winners.is_subset(&elected)
        {
            problems.push("the winners are not the options the rounds elected".to_owned());
        }
        problems
    }
}

/// Whether `d` has no fraction (`"312"`, `"312.000"`).
fn is_whole(d: &Decimal) -> bool {
    d.as_str()
        .split_once('.')
        .is_none_or(|(_, fraction)| fraction.bytes().all(|b| b == b'0'))
}

/// A sum of vote counts, exact: its whole part and its fraction's digits
/// (to compare sums written with different numbers of decimals).
#[derive(Debug, Default, PartialEq, Eq)]
struct Exact {
    whole: u128,
    /// Fraction digits, 20 of them (`rules.decimal_places` is at most 20).
    fraction: u128,
}

impl Exact {
    const DIGITS: usize = 20;
    const ONE: u128 = 100_000_000_000_000_000_000;

    fn of(d: &Decimal) -> Option<Exact> {
        let (whole, fraction) = d.as_str().split_once('.').unwrap_or((d.as_str(), ""));
        if fraction.len() > Self::DIGITS {
            return None;
        }
        let number = |digits: &str| {
            digits.bytes().try_fold(0u128, |n, b| {
                n.checked_mul(10)?
                    .checked_add(u128::from(b.checked_sub(b'0')?))
            })
        };
        let padded = format!("{fraction:0<width$}", width = Self::DIGITS);
        Some(Exact {
            whole: number(whole)?,
            fraction: number(&padded)?,
        })
    }

    fn plus(self, d: &Decimal) -> Option<Exact> {
        let d = Exact::of(d)?;
        let fraction = self.fraction + d.fraction;
        Some(Exact {
            whole: self
                .whole
                .checked_add(d.whole)?
                .checked_add(fraction / Self::ONE)?,
            fraction: fraction % Self::ONE,
        })
    }
}

/// A count of a poll's published ballots made again from its export alone
/// (what `plaza-recount` answers in a resident's browser): to compare, round
/// by round, with the backend's [`PollResults`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recount {
    pub total_ballots: Decimal,
    pub winners: Vec<String>,
    pub rounds: Vec<ResultRound>,
    /// Where the export was not made for the poll residents were shown
    /// (another poll, other options, method, seats or rules): counted as
    /// announced, the same ballots might give another result.
    #[serde(default)]
    pub not_as_announced: Vec<String>,
}

/// Identical anonymous ballots, grouped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct BallotGroup {
    pub ranking: Vec<String>,
    pub count: u64,
}

/// `GET /v1/polls/{id}/ballots` (after close): everything needed to re-count.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct BallotExport {
    pub poll_id: String,
    pub options: Vec<String>,
    pub method: VotingMethod,
    pub seats: u32,
    pub rules: CountingRules,
    pub ballots: Vec<BallotGroup>,
}

impl BallotExport {
    /// What `poll` announced of its count, as an export without ballots:
    /// what a re-count compares a published export with.
    pub fn announced(poll: &Poll) -> BallotExport {
        BallotExport {
            poll_id: poll.id.clone(),
            options: poll.options.iter().map(|o| o.id.clone()).collect(),
            method: poll.method,
            seats: poll.seats,
            rules: poll.rules.clone(),
            ballots: Vec::new(),
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    #[test]
    fn a_closed_poll_stays_closed() {
        use PollStatus::*;
        assert!(Upcoming.may_become(Open) && Open.may_become(Upcoming) && Open.may_become(Closed));
        assert!(Closed.may_become(Closed));
        assert!(!Closed.may_become(Open) && !Closed.may_become(Upcoming));
        assert_eq!(
            PollStatus::sources_of(Open).collect::<Vec<_>>(),
            [Upcoming, Open]
        );
        assert_eq!(PollStatus::closed_for_good().status, 409);
    }
    use crate::text::LocalizedText;

    pub(crate) fn poll() -> Poll {
        let option = |id: &str| PollOption {
            id: id.into(),
            label: LocalizedText::new([("en", id)]),
            description: LocalizedText::default(),
            image: None,
        };
        Poll {
            id: "p".into(),
            deliberation_id: "d".into(),
            question: LocalizedText::new([("en", "Which?")]),
            options: vec![option("a"), option("b"), option("c")],
            method: VotingMethod::Irv,
            seats: 1,
            rules: CountingRules::default(),
            opens_at: "2026-12-01T00:00:00Z".parse().unwrap(),
            closes_at: "2026-12-20T00:00:00Z".parse().unwrap(),
            status: PollStatus::Open,
            results_visibility: ResultsVisibility::AfterClose,
            max_rankings: Some(2),
            eligibility: Eligibility::Anyone,
            shuffle_options: false,
        }
    }

    fn ballot(ids: &[&str]) -> BallotSubmission {
        BallotSubmission {
            ranking: ids.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn results() -> PollResults {
        serde_json::from_value(serde_json::json!({
            "poll_id": "p", "final": true, "counted_at": "2026-12-21T00:00:00Z",
            "total_ballots": "100", "winners": ["a"],
            "rounds": [
                {"round": 1, "tally": {"a": "40", "b": "28", "c": "32"}, "threshold": "51",
                 "inactive": {"exhausted_choices": "0", "overvotes": "0", "skipped_rankings": "0", "repeated_rankings": "0"},
                 "elected": [], "eliminated": ["b"],
                 "transfers": {"b": {"a": "20", "c": "5", "exhausted": "3"}}},
                {"round": 2, "tally": {"a": "60", "c": "37.000"}, "threshold": "49",
                 "inactive": {"exhausted_choices": "3", "overvotes": "0", "skipped_rankings": "0", "repeated_rankings": "0"},
                 "elected": ["a"], "eliminated": [], "transfers": {}}
            ]
        }))
        .expect("results")
    }

    #[test]
    fn results_that_contradict_themselves_are_refused() {
        let poll = poll();
        assert_eq!(results().problems(&poll), Vec::<String>::new());
        let refused = |change: fn(&mut PollResults), what: &str| {
            let mut r = results();
            change(&mut r);
            let problems = r.problems(&poll);
            assert!(
                problems.iter().any(|p| p.contains(what)),
                "{what}: {problems:?}"
            );
        };
        refused(|r| r.rounds[1].round = 1, "listed as round 1");
        refused(
            |r| r.rounds[1].eliminated = vec!["b".into()],
            "decided twice",
        );
        refused(|r| r.rounds[0].elected = vec!["b".into()], "decided twice");
        refused(|r| r.winners = vec!["c".into()], "winners");
        refused(|r| r.winners = vec!["a".into(), "a".into()], "winners");
        refused(|r| r.total_ballots = "100.5".parse().unwrap(), "not whole");
        refused(
            |r| r.total_ballots = "1000000000".parse().unwrap(),
            "round 1 does not account",
        );
        refused(
            |r| r.rounds[1].inactive.overvotes = "1".parse().unwrap(),
            "round 2 does not account",
        );
        // Written with another number of decimals, the same count.
        let mut r = results();
        r.total_ballots = "100.00".parse().unwrap();
        assert_eq!(r.problems(&poll), Vec::<String>::new());
    }

    #[test]
    fn a_recorded_ballot_must_fit_the_poll_and_its_tracker_read_as_written() {
        let poll = poll();
        let mine = |ranking: &[&str], tracker: &str| MyBallot {
            ranking: ranking.iter().map(|s| s.to_string()).collect(),
            receipt: BallotReceipt {
                tracker: tracker.into(),
                recorded_at: "2026-12-02T00:00:00Z".parse().unwrap(),
            },
        };
        assert_eq!(mine(&["b", "a"], "7QK2-M9XD").problems(&poll), None);
        assert_eq!(mine(&["b"], "abc_123").problems(&poll), None);
        for (ranking, tracker) in [
            (&["a", "a"][..], "7QK2"),
            (&["z"][..], "7QK2"),
            (&["a"][..], "7QK2\u{202E}DX9M"),
            (&["a"][..], ""),
            (&["a"][..], &"7".repeat(65)),
        ] {
            assert!(
                mine(ranking, tracker).problems(&poll).is_some(),
                "{ranking:?} {tracker:?}"
            );
        }
    }

    #[test]
    fn a_seed_is_one_the_count_and_every_browser_read_exactly() {
        let mut p = poll();
        p.rules.random_seed = Some((1 << 47) - 1);
        assert!(p.problems().is_empty());
        p.rules.random_seed = Some(-(1 << 47));
        assert!(p.problems().is_empty());
        p.rules.random_seed = Some(1 << 47);
        assert!(p.problems().iter().any(|m| m.contains("random_seed")));
        // Not read by a tie-break that draws nothing.
        p.rules.tiebreak = TieBreak::UseCandidateOrder;
        assert!(p.problems().is_empty());
    }

    #[test]
    fn every_option_needs_a_label() {
        let mut p = poll();
        p.options[1].label = LocalizedText::new([("en", "  ")]);
        assert!(p
            .problems()
            .iter()
            .any(|m| m.contains("option 2 has no label")));
    }

    #[test]
    fn a_valid_ranking_passes() {
        assert!(ballot(&["b", "a"]).validate(&poll()).is_ok());
        assert!(poll().problems().is_empty());
    }

    #[test]
    fn rankings_are_checked_against_the_poll() {
        let codes = |b: BallotSubmission| -> Vec<(String, String)> {
            b.validate(&poll())
                .unwrap_err()
                .into_iter()
                .map(|e| (e.field, e.code))
                .collect()
        };
        assert_eq!(codes(ballot(&[])), [("ranking".into(), "required".into())]);
        assert_eq!(
            codes(ballot(&["a", "a"])),
            [("ranking[1]".into(), "duplicate".into())]
        );
        assert_eq!(
            codes(ballot(&["z"])),
            [("ranking[0]".into(), "unknown_option".into())]
        );
        assert_eq!(
            codes(ballot(&["a", "b", "c"])),
            [("ranking".into(), "too_many".into())]
        );
        let long: Vec<String> = (0..10_000).map(|i| format!("x{i}")).collect();
        let long = BallotSubmission { ranking: long };
        assert_eq!(
            long.validate(&poll()).unwrap_err().len(),
            1,
            "one error, not one per entry"
        );
    }

    #[test]
    fn ballots_are_accepted_only_while_the_poll_is_open() {
        let mut p = poll();
        assert!(p.check_ballot(&ballot(&["a"]), false).is_ok());
        p.status = PollStatus::Upcoming;
        assert_eq!(
            p.check_ballot(&ballot(&["a"]), false).unwrap_err().code,
            ProblemCode::PollNotOpen
        );
        p.status = PollStatus::Closed;
        assert_eq!(
            p.check_ballot(&ballot(&["a"]), false).unwrap_err().code,
            ProblemCode::PollClosed
        );
        p.status = PollStatus::Open;
        assert_eq!(
            p.check_ballot(&ballot(&["z"]), false).unwrap_err().code,
            ProblemCode::ValidationFailed
        );
    }

    #[test]
    fn only_signed_in_residents_vote_unless_the_poll_says_anyone() {
        let mut p = poll();
        assert!(p.check_ballot(&ballot(&["a"]), false).is_ok());
        p.eligibility = Eligibility::SignedIn;
        let refused = p.check_ballot(&ballot(&["a"]), false).unwrap_err();
        assert_eq!(
            (refused.code, refused.status),
            (ProblemCode::NotEligible, 403)
        );
        assert!(p.check_ballot(&ballot(&["a"]), true).is_ok());
        // A poll that does not say is for signed-in residents.
        let mut json = serde_json::to_value(poll()).unwrap();
        json.as_object_mut().unwrap().remove("eligibility");
        let unsaid: Poll = serde_json::from_value(json).unwrap();
        assert_eq!(unsaid.eligibility, Eligibility::SignedIn);
    }

    #[test]
    fn once_voted_on_a_poll_keeps_what_decides_the_count() {
        let before = poll();
        type Change = fn(&mut Poll);
        let changes: [(&str, Change); 7] = [
            ("options", |p| {
                p.options[0].label = LocalizedText::new([("en", "A new name")])
            }),
            ("options", |p| p.options.swap(0, 1)),
            ("method", |p| p.method = VotingMethod::Stv),
            ("seats", |p| p.seats = 2),
            ("rules", |p| p.rules.random_seed = Some(7)),
            ("max_rankings", |p| p.max_rankings = None),
            ("eligibility", |p| p.eligibility = Eligibility::SignedIn),
        ];
        for (field, change) in changes {
            let mut after = poll();
            change(&mut after);
            assert!(
                before.check_replacement(&after, false).is_ok(),
                "{field}: no ballot yet"
            );
            let refused = before.check_replacement(&after, true).unwrap_err();
            assert!(refused.contains(field), "{field}: {refused}");
        }
        // What residents read around the ballot may still be corrected.
        let mut after = poll();
        after.question = LocalizedText::new([("en", "Which design?")]);
        after.results_visibility = ResultsVisibility::Always;
        after.closes_at = "2026-12-22T00:00:00Z".parse().unwrap();
        assert!(before.check_replacement(&after, true).is_ok());
        // Naming the limit that was already the option count changes nothing.
        let mut all = poll();
        all.max_rankings = None;
        let mut same = poll();
        same.max_rankings = Some(3);
        assert!(all.check_replacement(&same, true).is_ok());
    }

    #[test]
    fn a_replacement_cannot_reopen_a_poll_nor_stop_a_running_vote() {
        let with = |status| {
            let mut p = poll();
            p.status = status;
            p
        };
        use PollStatus::*;
        for (before, after, ballots, allowed) in [
            (Closed, Open, false, false),
            (Closed, Upcoming, true, false),
            (Closed, Closed, true, true),
            (Open, Upcoming, true, false),
            (Open, Upcoming, false, true),
            (Upcoming, Open, false, true),
            (Open, Closed, true, true),
        ] {
            let answer = with(before).check_replacement(&with(after), ballots);
            assert_eq!(
                answer.is_ok(),
                allowed,
                "{before:?} → {after:?}, ballots {ballots}: {answer:?}"
            );
        }
        let refused = with(Closed)
            .check_replacement(&with(Open), false)
            .unwrap_err();
        assert!(
            refused.contains("is closed: it cannot become open"),
            "{refused}"
        );
    }

    #[test]
    fn results_follow_the_visibility_until_the_close() {
        let mut p = poll();
        let visible = |p: &Poll, voted| p.results_visible(voted).is_ok();
        assert!(!visible(&p, true) && !p.results_depend_on_ballot());
        p.results_visibility = ResultsVisibility::AfterVote;
        assert!(p.results_depend_on_ballot());
        assert!(visible(&p, true) && !visible(&p, false));
        p.results_visibility = ResultsVisibility::Always;
        assert!(visible(&p, false));
        assert!(p.ballots_published().is_err());
        p.status = PollStatus::Closed;
        p.results_visibility = ResultsVisibility::AfterClose;
        assert!(visible(&p, false) && p.ballots_published().is_ok());
        assert!(!p.results_depend_on_ballot());
    }

    #[test]
    fn inconsistent_polls_are_reported() {
        let mut p = poll();
        p.seats = 2;
        p.rules.decimal_places = 0;
        p.options.truncate(1);
        assert_eq!(p.problems().len(), 3);
        let fields: Vec<(&str, InvalidKind)> =
            p.invalid().iter().map(|i| (i.field, i.kind)).collect();
        assert_eq!(
            fields,
            [
                ("options", InvalidKind::TooFew),
                ("seats", InvalidKind::OutOfRange),
                ("rules.decimal_places", InvalidKind::OutOfRange),
            ]
        );
        let mut many = poll();
        many.options = (0..=MAX_OPTIONS)
            .map(|i| PollOption {
                id: format!("o{i}"),
                label: LocalizedText::new([("en", "x")]),
                description: LocalizedText::default(),
                image: None,
            })
            .collect();
        assert_eq!(many.problems().len(), 1);
    }

    #[test]
    fn decimals_refuse_floats_and_signs() {
        assert!(serde_json::from_str::<Decimal>(r#""7.2501""#).is_ok());
        assert!(serde_json::from_str::<Decimal>(r#""-1""#).is_err());
        assert!(serde_json::from_str::<Decimal>("7.25").is_err());
    }

    #[test]
    fn a_poll_with_ballots_stays_its_deliberations() {
        assert!(Poll::check_kept(Some("p"), Some("p"), true).is_ok());
        assert!(Poll::check_kept(Some("p"), Some("p2"), false).is_ok());
        assert!(Poll::check_kept(Some("p"), None, false).is_ok());
        assert!(Poll::check_kept(None, Some("p2"), true).is_ok());
        assert!(Poll::check_kept(Some("p"), Some("p2"), true).is_err());
        assert!(Poll::check_kept(Some("p"), None, true).is_err());
    }
}
