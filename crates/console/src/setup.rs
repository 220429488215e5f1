//! Setting up a deliberation and its poll: the form's state ([`Draft`]),
//! filled from the stored documents or empty, and turned back into them
//! with every problem tied to the field it is about. The contract's own
//! checks ([`Deliberation::invalid`], [`Poll::invalid`]) run on the result,
//! so the console refuses what every backend would refuse, and says where.

use std::collections::{BTreeMap, BTreeSet};

use plaza_contract::seed::{Seed, SeedDeliberation};
use plaza_contract::{
    ChallengeArea, Coordinates, Decision, Deliberation, Eligibility, FollowUp, Image, Invalid,
    InvalidKind, LocalizedText, Phase, PhaseKind, Place, Poll, PollOption, PollStatus,
    ResultsVisibility, SocialFunction, Timestamp, VotingMethod,
};

/// A text in each of the deliberation's languages (tag → text).
pub type Texts = BTreeMap<String, String>;

#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    /// Not stored yet: its id can still be chosen.
    pub is_new: bool,
    pub id: String,
    /// The languages it is written in, the city's first.
    pub languages: Vec<String>,
    pub title: Texts,
    pub summary: Texts,
    pub body: Texts,
    pub place_name: Texts,
    pub address: String,
    pub latitude: String,
    pub longitude: String,
    pub image_url: String,
    pub image_alt: Texts,
    pub image_credit: String,
    pub decides: Texts,
    /// `YYYY-MM-DD`, or empty.
    pub decision_date: String,
    /// One per phase kind, in order.
    pub phases: Vec<PhaseDraft>,
    pub current_phase: PhaseKind,
    pub social_functions: BTreeSet<SocialFunction>,
    pub challenge_areas: BTreeSet<ChallengeArea>,
    pub follow_up: Vec<FollowUpDraft>,
    pub poll: Option<PollDraft>,
    /// What the form does not show, kept as stored.
    pub base: Option<Deliberation>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PhaseDraft {
    pub kind: PhaseKind,
    pub included: bool,
    /// `YYYY-MM-DD`.
    pub starts: String,
    /// `YYYY-MM-DD`, or empty.
    pub ends: String,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct FollowUpDraft {
    pub date: String,
    pub text: Texts,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PollDraft {
    pub id: String,
    pub question: Texts,
    pub options: Vec<OptionDraft>,
    pub method: VotingMethod,
    pub seats: String,
    /// Empty: every option may be ranked.
    pub max_rankings: String,
    pub eligibility: Eligibility,
    pub visibility: ResultsVisibility,
    /// `YYYY-MM-DDTHH:MM`, the form's `datetime-local`.
    pub opens: String,
    pub closes: String,
    /// What the form does not show (status, counting rules), kept as stored.
    pub base: Option<Poll>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct OptionDraft {
    /// Kept for a stored option; made up from its place for a new one.
    pub id: String,
    pub label: Texts,
    pub description: Texts,
    pub image_url: String,
    pub image_alt: Texts,
}

/// A problem with the form, on the field it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The field's id in the form ([`field`] builds them).
    pub field: String,
    pub kind: Kind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// Empty; in this language when it has one.
    Missing(Option<String>),
    /// Letters, digits and hyphens only (an id).
    BadId,
    NotANumber,
    NotADate,
    /// Not an `http(s)` address or a path.
    NotAnAddress,
    /// Latitude and longitude go together, within range.
    Coordinates,
    EndsBeforeStart,
    NoPhase,
    CurrentNotIncluded,
    TooFewOptions,
    TooManyOptions,
    /// IRV elects one; STV fewer than there are options.
    Seats,
    AtLeastOne,
    ClosesBeforeOpens,
    /// What the contract refused, in its words (a rule the form does not know).
    Other(String),
}

/// The id of a form field: `title.fr`, `phases.voting.starts`, `poll.options.2.label.en`.
pub fn field(parts: &[&str]) -> String {
    parts.join(".")
}

fn texts_of(text: &LocalizedText, languages: &[String]) -> Texts {
    languages
        .iter()
        .map(|l| (l.clone(), text.get(l).unwrap_or_default().to_owned()))
        .collect()
}

fn localized(texts: &Texts) -> LocalizedText {
    LocalizedText::new(
        texts
            .iter()
            .filter(|(_, t)| !t.trim().is_empty())
            .map(|(l, t)| (l.clone(), t.trim().to_owned())),
    )
}

/// The languages of a stored deliberation: the city's (in its order),
/// then any other its texts are written in.
pub fn languages_of(city: &[String], d: Option<&Deliberation>) -> Vec<String> {
    let mut languages: Vec<String> = city.to_vec();
    if let Some(d) = d {
        for lang in d.title.languages().chain(d.summary.languages()) {
            if !languages.iter().any(|l| l == lang) {
                languages.push(lang.to_owned());
            }
        }
    }
    if languages.is_empty() {
        languages.push("en".to_owned());
    }
    languages
}

fn day_of(t: &Timestamp) -> String {
    t.as_str().chars().take(10).collect()
}

fn minute_of(t: &Timestamp) -> String {
    t.as_str().chars().take(16).collect()
}

/// `+01:00` for an offset of 60 minutes east of UTC.
fn offset(minutes: i32) -> String {
    let sign = if minutes < 0 { '-' } else { '+' };
    let m = minutes.unsigned_abs();
    format!("{sign}{:02}:{:02}", m / 60, m % 60)
}

/// A day of the form as an instant in the city's offset: when it starts,
/// or (`end`) its last second. The stored instant when the day is the one
/// it was on: an edit that leaves a date alone leaves it as it was.
fn day_timestamp(
    day: &str,
    offset_minutes: i32,
    end: bool,
    stored: Option<&Timestamp>,
) -> Option<Timestamp> {
    if let Some(stored) = stored.filter(|t| day_of(t) == day) {
        return Some(stored.clone());
    }
    if day.len() != 10 {
        return None;
    }
    let time = if end { "23:59:59" } else { "00:00:00" };
    format!("{day}T{time}{}", offset(offset_minutes))
        .parse()
        .ok()
}

/// A `datetime-local` value as an instant in the city's offset (the
/// stored one when it is the minute it was).
fn minute_timestamp(
    minute: &str,
    offset_minutes: i32,
    stored: Option<&Timestamp>,
) -> Option<Timestamp> {
    if let Some(stored) = stored.filter(|t| minute_of(t) == minute) {
        return Some(stored.clone());
    }
    if minute.len() != 16 {
        return None;
    }
    format!("{minute}:00{}", offset(offset_minutes))
        .parse()
        .ok()
}

impl Draft {
    /// An empty deliberation in the city's languages.
    pub fn new(languages: Vec<String>) -> Draft {
        let empty = |_: ()| -> Texts {
            languages
                .iter()
                .map(|l| (l.clone(), String::new()))
                .collect()
        };
        Draft {
            is_new: true,
            id: String::new(),
            title: empty(()),
            summary: empty(()),
            body: empty(()),
            place_name: empty(()),
            address: String::new(),
            latitude: String::new(),
            longitude: String::new(),
            image_url: String::new(),
            image_alt: empty(()),
            image_credit: String::new(),
            decides: empty(()),
            decision_date: String::new(),
            phases: PhaseKind::ALL
                .into_iter()
                .map(|kind| PhaseDraft {
                    kind,
                    included: true,
                    starts: String::new(),
                    ends: String::new(),
                })
                .collect(),
            current_phase: PhaseKind::Information,
            social_functions: BTreeSet::new(),
            challenge_areas: BTreeSet::new(),
            follow_up: Vec::new(),
            poll: None,
            base: None,
            languages,
        }
    }

    /// The form for a stored deliberation and its poll.
    pub fn of(d: &Deliberation, poll: Option<&Poll>, languages: Vec<String>) -> Draft {
        let t = |text: &LocalizedText| texts_of(text, &languages);
        let image = d.place.image.as_ref();
        Draft {
            is_new: false,
            id: d.id.clone(),
            title: t(&d.title),
            summary: t(&d.summary),
            body: t(&d.body),
            place_name: t(&d.place.name),
            address: d.place.address.clone().unwrap_or_default(),
            latitude: d
                .place
                .coordinates
                .as_ref()
                .map(|c| c.lat.to_string())
                .unwrap_or_default(),
            longitude: d
                .place
                .coordinates
                .as_ref()
                .map(|c| c.lon.to_string())
                .unwrap_or_default(),
            image_url: image.map(|i| i.url.to_string()).unwrap_or_default(),
            image_alt: t(&image.map(|i| i.alt.clone()).unwrap_or_default()),
            image_credit: image.and_then(|i| i.credit.clone()).unwrap_or_default(),
            decides: t(&d
                .decision
                .as_ref()
                .map(|x| x.by.clone())
                .unwrap_or_default()),
            decision_date: d
                .decision
                .as_ref()
                .and_then(|x| x.expected_at.as_ref())
                .map(day_of)
                .unwrap_or_default(),
            phases: PhaseKind::ALL
                .into_iter()
                .map(|kind| match d.phases.iter().find(|p| p.kind == kind) {
                    Some(p) => PhaseDraft {
                        kind,
                        included: true,
                        starts: day_of(&p.starts_at),
                        ends: p.ends_at.as_ref().map(day_of).unwrap_or_default(),
                    },
                    None => PhaseDraft {
                        kind,
                        included: false,
                        starts: String::new(),
                        ends: String::new(),
                    },
                })
                .collect(),
            current_phase: d.current_phase,
            social_functions: d.social_functions.iter().copied().collect(),
            challenge_areas: d.challenge_areas.iter().copied().collect(),
            follow_up: d
                .follow_up
                .iter()
                .map(|f| FollowUpDraft {
                    date: day_of(&f.date),
                    text: t(&f.text),
                })
                .collect(),
            poll: poll.map(|p| PollDraft {
                id: p.id.clone(),
                question: t(&p.question),
                options: p
                    .options
                    .iter()
                    .map(|o| OptionDraft {
                        id: o.id.clone(),
                        label: t(&o.label),
                        description: t(&o.description),
                        image_url: o
                            .image
                            .as_ref()
                            .map(|i| i.url.to_string())
                            .unwrap_or_default(),
                        image_alt: t(&o.image.as_ref().map(|i| i.alt.clone()).unwrap_or_default()),
                    })
                    .collect(),
                method: p.method,
                seats: p.seats.to_string(),
                max_rankings: p.max_rankings.map(|m| m.to_string()).unwrap_or_default(),
                eligibility: p.eligibility,
                visibility: p.results_visibility,
                opens: minute_of(&p.opens_at),
                closes: minute_of(&p.closes_at),
                base: Some(p.clone()),
            }),
            base: Some(d.clone()),
            languages,
        }
    }

    /// A poll for this deliberation, with two empty options.
    pub fn new_poll(&self) -> PollDraft {
        let empty: Texts = self
            .languages
            .iter()
            .map(|l| (l.clone(), String::new()))
            .collect();
        PollDraft {
            id: String::new(),
            question: empty.clone(),
            options: vec![self.new_option(&[]), self.new_option(&["option-1".into()])],
            method: VotingMethod::Irv,
            seats: "1".into(),
            max_rankings: String::new(),
            eligibility: Eligibility::SignedIn,
            visibility: ResultsVisibility::AfterClose,
            opens: String::new(),
            closes: String::new(),
            base: None,
        }
    }

    /// An empty option with an id none of `taken` has.
    pub fn new_option(&self, taken: &[String]) -> OptionDraft {
        let id = (1..)
            .map(|n| format!("option-{n}"))
            .find(|id| !taken.contains(id))
            .unwrap_or_default();
        let empty: Texts = self
            .languages
            .iter()
            .map(|l| (l.clone(), String::new()))
            .collect();
        OptionDraft {
            id,
            label: empty.clone(),
            description: empty.clone(),
            image_url: String::new(),
            image_alt: empty,
        }
    }

    /// The documents the form describes, or every problem with it. Dates
    /// are written in the city's offset (`offset_minutes` east of UTC).
    pub fn build(&self, offset_minutes: i32) -> Result<(Deliberation, Option<Poll>), Vec<Problem>> {
        let mut problems = Vec::new();
        let mut problem = |field: String, kind: Kind| problems.push(Problem { field, kind });
        // A new deliberation left without an id takes one from its title.
        let id = match self.id.trim() {
            "" if self.is_new => self
                .languages
                .first()
                .and_then(|l| self.title.get(l))
                .map(|t| suggest_id(t))
                .unwrap_or_default(),
            id => id.to_owned(),
        };
        if self.is_new && !is_id(&id) {
            problem(
                "id".into(),
                if id.is_empty() {
                    Kind::Missing(None)
                } else {
                    Kind::BadId
                },
            );
        }
        missing(&self.title, "title", &mut problem);
        missing(&self.summary, "summary", &mut problem);
        missing(&self.place_name, "place_name", &mut problem);
        let coordinates = match (self.latitude.trim(), self.longitude.trim()) {
            ("", "") => None,
            (lat, lon) => match (lat.parse::<f64>(), lon.parse::<f64>()) {
                (Ok(lat), Ok(lon)) => Some(Coordinates { lat, lon }),
                _ => {
                    problem("latitude".into(), Kind::Coordinates);
                    None
                }
            },
        };
        let image = if self.image_url.trim().is_empty() {
            None
        } else {
            missing(&self.image_alt, "image_alt", &mut problem);
            match self.image_url.trim().parse() {
                Ok(url) => Some(Image {
                    url,
                    alt: localized(&self.image_alt),
                    credit: Some(self.image_credit.trim().to_owned()).filter(|c| !c.is_empty()),
                }),
                Err(_) => {
                    problem("image_url".into(), Kind::NotAnAddress);
                    None
                }
            }
        };
        let decides = localized(&self.decides);
        let base = self.base.as_ref();
        let expected_at = match self.decision_date.trim() {
            "" => None,
            day => {
                let stored = base.and_then(|b| b.decision.as_ref()?.expected_at.as_ref());
                let at = day_timestamp(day, offset_minutes, false, stored);
                if at.is_none() {
                    problem("decision_date".into(), Kind::NotADate);
                }
                at
            }
        };
        let mut phases = Vec::new();
        for p in self.phases.iter().filter(|p| p.included) {
            let key = phase_key(p.kind);
            let stored = base.and_then(|b| b.phases.iter().find(|s| s.kind == p.kind));
            let starts = day_timestamp(
                p.starts.trim(),
                offset_minutes,
                false,
                stored.map(|s| &s.starts_at),
            );
            if starts.is_none() {
                problem(
                    field(&["phases", key, "starts"]),
                    if p.starts.trim().is_empty() {
                        Kind::Missing(None)
                    } else {
                        Kind::NotADate
                    },
                );
            }
            let ends = match p.ends.trim() {
                "" => None,
                day => match day_timestamp(
                    day,
                    offset_minutes,
                    true,
                    stored.and_then(|s| s.ends_at.as_ref()),
                ) {
                    Some(ends) => {
                        if starts
                            .as_ref()
                            .is_some_and(|s| ends.unix_millis() < s.unix_millis())
                        {
                            problem(field(&["phases", key, "ends"]), Kind::EndsBeforeStart);
                        }
                        Some(ends)
                    }
                    None => {
                        problem(field(&["phases", key, "ends"]), Kind::NotADate);
                        None
                    }
                },
            };
            if let Some(starts_at) = starts {
                phases.push(Phase {
                    kind: p.kind,
                    starts_at,
                    ends_at: ends,
                });
            }
        }
        if !self.phases.iter().any(|p| p.included) {
            problem("phases".into(), Kind::NoPhase);
        } else if !self
            .phases
            .iter()
            .any(|p| p.included && p.kind == self.current_phase)
        {
            problem("current_phase".into(), Kind::CurrentNotIncluded);
        }
        let mut follow_up = Vec::new();
        for (i, f) in self.follow_up.iter().enumerate() {
            let n = i.to_string();
            missing(&f.text, &field(&["follow_up", &n, "text"]), &mut problem);
            let stored = base.and_then(|b| b.follow_up.get(i)).map(|s| &s.date);
            match day_timestamp(f.date.trim(), offset_minutes, false, stored) {
                Some(date) => follow_up.push(FollowUp {
                    date,
                    text: localized(&f.text),
                }),
                None => problem(
                    field(&["follow_up", &n, "date"]),
                    if f.date.trim().is_empty() {
                        Kind::Missing(None)
                    } else {
                        Kind::NotADate
                    },
                ),
            }
        }
        let poll = self
            .poll
            .as_ref()
            .and_then(|p| p.build(&id, offset_minutes, &mut problem));
        let deliberation = Deliberation {
            id: id.clone(),
            title: localized(&self.title),
            summary: localized(&self.summary),
            body: localized(&self.body),
            place: Place {
                name: localized(&self.place_name),
                address: Some(self.address.trim().to_owned()).filter(|a| !a.is_empty()),
                coordinates,
                image,
            },
            decision: (!decides.is_empty() || expected_at.is_some()).then_some(Decision {
                by: decides,
                expected_at,
            }),
            social_functions: self.social_functions.iter().copied().collect(),
            challenge_areas: self.challenge_areas.iter().copied().collect(),
            phases,
            current_phase: self.current_phase,
            poll_id: poll.as_ref().map(|p| p.id.clone()),
            counts: base.map(|b| b.counts).unwrap_or_default(),
            follow_up,
        };
        if problems.is_empty() {
            // The contract's checks, on what every backend will be sent.
            for invalid in deliberation.invalid() {
                problems.push(from_contract(&invalid, "", &self.languages));
            }
            if let Some(poll) = &poll {
                for invalid in poll.invalid() {
                    problems.push(from_contract(&invalid, "poll", &self.languages));
                }
            }
        }
        if problems.is_empty() {
            Ok((deliberation, poll))
        } else {
            Err(problems)
        }
    }
}

impl PollDraft {
    fn build(
        &self,
        deliberation: &str,
        offset_minutes: i32,
        problem: &mut dyn FnMut(String, Kind),
    ) -> Option<Poll> {
        let mut ok = missing(&self.question, "poll.question", problem);
        for (i, o) in self.options.iter().enumerate() {
            ok &= missing(
                &o.label,
                &field(&["poll", "options", &i.to_string(), "label"]),
                problem,
            );
        }
        let mut options = Vec::new();
        for (i, o) in self.options.iter().enumerate() {
            let image = if o.image_url.trim().is_empty() {
                None
            } else {
                ok &= missing(
                    &o.image_alt,
                    &field(&["poll", "options", &i.to_string(), "image_alt"]),
                    problem,
                );
                match o.image_url.trim().parse() {
                    Ok(url) => Some(Image {
                        url,
                        alt: localized(&o.image_alt),
                        credit: None,
                    }),
                    Err(_) => {
                        ok = false;
                        problem(
                            field(&["poll", "options", &i.to_string(), "image_url"]),
                            Kind::NotAnAddress,
                        );
                        None
                    }
                }
            };
            options.push(PollOption {
                id: o.id.clone(),
                label: localized(&o.label),
                description: localized(&o.description),
                image,
            });
        }
        if self.options.len() < 2 {
            ok = false;
            problem("poll.options".into(), Kind::TooFewOptions);
        }
        let seats = match self.seats.trim().parse::<u32>() {
            Ok(s) => s,
            Err(_) => {
                ok = false;
                problem("poll.seats".into(), Kind::NotANumber);
                1
            }
        };
        let max_rankings = match self.max_rankings.trim() {
            "" => None,
            m => match m.parse::<u32>() {
                Ok(0) => {
                    ok = false;
                    problem("poll.max_rankings".into(), Kind::AtLeastOne);
                    None
                }
                Ok(m) => Some(m),
                Err(_) => {
                    ok = false;
                    problem("poll.max_rankings".into(), Kind::NotANumber);
                    None
                }
            },
        };
        let mut when = |value: &str, at: &str, stored: Option<&Timestamp>| {
            let parsed = minute_timestamp(value.trim(), offset_minutes, stored);
            if parsed.is_none() {
                problem(
                    at.into(),
                    if value.trim().is_empty() {
                        Kind::Missing(None)
                    } else {
                        Kind::NotADate
                    },
                );
            }
            parsed
        };
        let stored = self.base.as_ref();
        let opens_at = when(&self.opens, "poll.opens", stored.map(|b| &b.opens_at));
        let closes_at = when(&self.closes, "poll.closes", stored.map(|b| &b.closes_at));
        let (true, Some(opens_at), Some(closes_at)) = (ok, opens_at, closes_at) else {
            return None;
        };
        let base = self.base.clone();
        Some(Poll {
            id: if self.id.is_empty() {
                format!("{deliberation}-poll")
            } else {
                self.id.clone()
            },
            deliberation_id: deliberation.to_owned(),
            question: localized(&self.question),
            options,
            method: self.method,
            seats,
            rules: base.as_ref().map(|b| b.rules.clone()).unwrap_or_default(),
            opens_at,
            closes_at,
            status: base.as_ref().map_or(PollStatus::Upcoming, |b| b.status),
            results_visibility: self.visibility,
            max_rankings,
            eligibility: self.eligibility,
            shuffle_options: base.is_some_and(|b| b.shuffle_options),
        })
    }
}

/// Reports each language `texts` is empty in; `true` when none is.
fn missing(texts: &Texts, at: &str, problem: &mut dyn FnMut(String, Kind)) -> bool {
    let mut complete = true;
    for (lang, text) in texts {
        if text.trim().is_empty() {
            complete = false;
            problem(field(&[at, lang]), Kind::Missing(Some(lang.clone())));
        }
    }
    complete
}

/// A contract problem on the form's field for it.
fn from_contract(invalid: &Invalid, prefix: &str, languages: &[String]) -> Problem {
    let first = languages.first().map(String::as_str).unwrap_or("en");
    let on = |f: &str| {
        if prefix.is_empty() {
            f.to_owned()
        } else {
            field(&[prefix, f])
        }
    };
    let (field_id, kind) = match (invalid.field, invalid.kind) {
        ("id", _) => (on("id"), Kind::Missing(None)),
        ("title", _) => (
            on(&field(&["title", first])),
            Kind::Missing(Some(first.into())),
        ),
        ("place.name", _) => (
            on(&field(&["place_name", first])),
            Kind::Missing(Some(first.into())),
        ),
        ("place.coordinates", _) => (on("latitude"), Kind::Coordinates),
        ("phases", _) => (on("phases"), Kind::Other(invalid.message.clone())),
        ("current_phase", _) => (on("current_phase"), Kind::CurrentNotIncluded),
        ("options", InvalidKind::TooFew) => (on("options"), Kind::TooFewOptions),
        ("options", InvalidKind::TooMany) => (on("options"), Kind::TooManyOptions),
        ("seats", _) => (on("seats"), Kind::Seats),
        // The counting rules have no field of their own (they come with an
        // imported poll): said next to how the poll is counted.
        ("rules.random_seed" | "rules.decimal_places", _) => {
            (on("seats"), Kind::Other(invalid.message.clone()))
        }
        ("max_rankings", _) => (on("max_rankings"), Kind::AtLeastOne),
        ("closes_at", _) => (on("closes"), Kind::ClosesBeforeOpens),
        (other, _) => (on(other), Kind::Other(invalid.message.clone())),
    };
    Problem {
        field: field_id,
        kind,
    }
}

/// The path word of a phase kind, for field ids.
pub fn phase_key(kind: PhaseKind) -> &'static str {
    match kind {
        PhaseKind::Information => "information",
        PhaseKind::Discussion => "discussion",
        PhaseKind::Voting => "voting",
        PhaseKind::Results => "results",
        PhaseKind::FollowUp => "follow_up",
    }
}

/// A new deliberation's id: what its address will show (`rue-des-lilas`).
pub fn is_id(id: &str) -> bool {
    (3..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-')
        && !id.ends_with('-')
}

/// A suggested id for a title: `Rue des Lilas!` → `rue-des-lilas`.
pub fn suggest_id(title: &str) -> String {
    let mut id = String::new();
    for c in title.chars().flat_map(char::to_lowercase) {
        let c = match c {
            'à' | 'â' | 'ä' | 'á' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' | 'í' => 'i',
            'ô' | 'ö' | 'ó' => 'o',
            'ù' | 'û' | 'ü' | 'ú' => 'u',
            'ç' => 'c',
            'ñ' => 'n',
            'ß' => 's',
            c => c,
        };
        if c.is_ascii_alphanumeric() {
            id.push(c);
        } else if !id.ends_with('-') && !id.is_empty() {
            id.push('-');
        }
        if id.len() >= 60 {
            break;
        }
    }
    id.trim_end_matches('-').to_owned()
}

/// What the console sends to save: the deliberation and its poll, as an
/// import (which creates or replaces them, and refuses a change to a poll
/// that would alter how cast ballots count).
pub fn seed(deliberation: Deliberation, poll: Option<Poll>) -> Seed {
    Seed {
        deliberations: vec![SeedDeliberation {
            deliberation,
            poll,
            arguments: Vec::new(),
            comments: Vec::new(),
            proposals: Vec::new(),
        }],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo() -> (Deliberation, Poll) {
        let seed: Seed = serde_json::from_str(include_str!("../../contract/demo/plaza-demo.json"))
            .unwrap_or_else(|e| unreachable!("{e}"));
        let entry = seed
            .deliberations
            .into_iter()
            .next()
            .unwrap_or_else(|| unreachable!());
        (
            entry.deliberation,
            entry.poll.unwrap_or_else(|| unreachable!()),
        )
    }

    fn langs(tags: &[&str]) -> Vec<String> {
        tags.iter().map(|t| t.to_string()).collect()
    }

    #[test]
    fn a_stored_deliberation_comes_back_unchanged_from_its_form() {
        let (d, poll) = demo();
        let draft = Draft::of(
            &d,
            Some(&poll),
            languages_of(&langs(&["en", "fr"]), Some(&d)),
        );
        // An offset that is not the stored one: untouched dates keep theirs.
        let (back, back_poll) = draft.build(-300).unwrap_or_else(|e| unreachable!("{e:?}"));
        assert_eq!(back, d);
        assert_eq!(back_poll, Some(poll));
    }

    #[test]
    fn edited_dates_are_written_in_the_city_offset_ends_at_the_end_of_the_day() {
        let (d, poll) = demo();
        let mut draft = Draft::of(&d, Some(&poll), langs(&["en", "fr"]));
        draft.phases[2].starts = "2026-12-20".into();
        draft.phases[2].ends = "2027-01-12".into();
        draft.poll.as_mut().unwrap_or_else(|| unreachable!()).closes = "2027-01-12T18:00".into();
        let (back, back_poll) = draft.build(60).unwrap_or_else(|e| unreachable!("{e:?}"));
        assert_eq!(
            back.phases[2].starts_at.as_str(),
            "2026-12-20T00:00:00+01:00"
        );
        assert_eq!(
            back.phases[2].ends_at.as_ref().map(|t| t.as_str()),
            Some("2027-01-12T23:59:59+01:00")
        );
        assert_eq!(
            back_poll.map(|p| p.closes_at.as_str().to_owned()),
            Some("2027-01-12T18:00:00+01:00".to_owned())
        );
    }

    fn fields(problems: &[Problem]) -> Vec<(&str, &Kind)> {
        problems
            .iter()
            .map(|p| (p.field.as_str(), &p.kind))
            .collect()
    }

    #[test]
    fn an_empty_form_says_what_is_missing_field_by_field_and_language_by_language() {
        let draft = Draft::new(langs(&["en", "ar"]));
        let problems = draft.build(0).err().unwrap_or_default();
        let got = fields(&problems);
        for expected in [
            ("id", &Kind::Missing(None)),
            ("title.en", &Kind::Missing(Some("en".into()))),
            ("title.ar", &Kind::Missing(Some("ar".into()))),
            ("summary.ar", &Kind::Missing(Some("ar".into()))),
            ("place_name.en", &Kind::Missing(Some("en".into()))),
            ("phases.information.starts", &Kind::Missing(None)),
            ("phases.follow_up.starts", &Kind::Missing(None)),
        ] {
            assert!(got.contains(&expected), "{expected:?} in {got:?}");
        }
    }

    fn filled() -> Draft {
        let mut draft = Draft::new(langs(&["en", "fr"]));
        // Left empty: made from the first language's title.
        for (lang, t) in [("en", "Parc des Tilleuls"), ("fr", "Parc des Tilleuls")] {
            draft.title.insert(lang.into(), t.into());
            draft
                .summary
                .insert(lang.into(), format!("{t}: a new playground?"));
            draft.place_name.insert(lang.into(), t.into());
        }
        for (p, day) in draft.phases.iter_mut().zip([
            "2027-03-01",
            "2027-03-15",
            "2027-04-01",
            "2027-04-20",
            "2027-05-01",
        ]) {
            p.starts = day.into();
        }
        draft
    }

    #[test]
    fn a_filled_form_builds_documents_the_contract_accepts() {
        let mut draft = filled();
        let mut poll = draft.new_poll();
        for (i, o) in poll.options.iter_mut().enumerate() {
            o.label = [("en", format!("Plan {i}")), ("fr", format!("Projet {i}"))]
                .into_iter()
                .map(|(l, t)| (l.to_owned(), t))
                .collect();
        }
        poll.question = [("en", "Which plan?"), ("fr", "Quel projet ?")]
            .into_iter()
            .map(|(l, t)| (l.to_owned(), t.to_owned()))
            .collect();
        poll.opens = "2027-04-01T08:00".into();
        poll.closes = "2027-04-19T20:00".into();
        draft.poll = Some(poll);
        let (d, poll) = draft.build(120).unwrap_or_else(|e| unreachable!("{e:?}"));
        assert_eq!(d.id, "parc-des-tilleuls");
        assert_eq!(d.poll_id.as_deref(), Some("parc-des-tilleuls-poll"));
        let poll = poll.unwrap_or_else(|| unreachable!());
        assert_eq!(
            poll.options
                .iter()
                .map(|o| o.id.as_str())
                .collect::<Vec<_>>(),
            ["option-1", "option-2"]
        );
        assert_eq!(poll.status, PollStatus::Upcoming);
        assert_eq!(poll.opens_at.as_str(), "2027-04-01T08:00:00+02:00");
        assert!(seed(d, Some(poll)).problems().is_empty());
    }

    #[test]
    fn rules_of_the_contract_land_on_their_field() {
        let mut draft = filled();
        let mut poll = draft.new_poll();
        poll.question = [("en", "Q"), ("fr", "Q")]
            .into_iter()
            .map(|(l, t)| (l.to_owned(), t.to_owned()))
            .collect();
        for o in &mut poll.options {
            o.label = poll.question.clone();
        }
        poll.seats = "2".into();
        poll.opens = "2027-04-19T20:00".into();
        poll.closes = "2027-04-01T08:00".into();
        draft.poll = Some(poll);
        draft.current_phase = PhaseKind::Voting;
        draft.phases[2].included = false;
        let got = draft.build(0).err().unwrap_or_default();
        assert_eq!(fields(&got), [("current_phase", &Kind::CurrentNotIncluded)]);
        draft.phases[2].included = true;
        let got = draft.build(0).err().unwrap_or_default();
        assert_eq!(
            fields(&got),
            [
                ("poll.seats", &Kind::Seats),
                ("poll.closes", &Kind::ClosesBeforeOpens)
            ]
        );
    }

    #[test]
    fn numbers_dates_addresses_and_coordinates_are_checked() {
        let mut draft = filled();
        draft.latitude = "47.2".into();
        draft.image_url = "javascript:alert(1)".into();
        draft.phases[0].ends = "2027-02-01".into();
        draft.phases[1].starts = "15/03/2027".into();
        draft.follow_up.push(FollowUpDraft::default());
        let got = draft.build(0).err().unwrap_or_default();
        let got = fields(&got);
        for expected in [
            ("latitude", &Kind::Coordinates),
            ("image_url", &Kind::NotAnAddress),
            ("image_alt.fr", &Kind::Missing(Some("fr".into()))),
            ("phases.information.ends", &Kind::EndsBeforeStart),
            ("phases.discussion.starts", &Kind::NotADate),
            ("follow_up.0.date", &Kind::Missing(None)),
        ] {
            assert!(got.contains(&expected), "{expected:?} in {got:?}");
        }
    }

    #[test]
    fn ids_are_suggested_from_titles_and_checked() {
        assert_eq!(
            suggest_id("Rue des Lilas: à pied !"),
            "rue-des-lilas-a-pied"
        );
        assert!(is_id("rue-des-lilas"));
        for bad in [
            "",
            "ab",
            "Rue",
            "-rue",
            "rue-",
            "rue des lilas",
            "rue/lilas",
        ] {
            assert!(!is_id(bad), "{bad}");
        }
    }

    #[test]
    fn new_options_get_ids_no_other_has() {
        let draft = filled();
        assert_eq!(
            draft.new_option(&["option-1".into(), "option-3".into()]).id,
            "option-2"
        );
    }
}
