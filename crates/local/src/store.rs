//! The data and rules of the in-browser backend, as plain Rust: what
//! `api="local"` answers, with the same rules as a real backend (validation,
//! pagination, idempotent reactions, last-ballot-counts, idempotency keys).
//!
//! The state is one serde document, stored whole in `localStorage` (or in
//! memory) by the widget, so that every instance on the page reads and
//! writes the same data without clobbering each other's changes.

use std::collections::{BTreeMap, BTreeSet};

use plaza_contract::seed::{self, Seed, SeedDeliberation};
use plaza_contract::*;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// Bump when the stored shape changes incompatibly.
pub const STATE_VERSION: u32 = 1;
/// Replays kept for `Idempotency-Key`s; older keys are forgotten first.
const MAX_REPLAYS: usize = 200;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LocalState {
    pub version: u32,
    /// This browser's participant: `api="local"` has exactly one.
    pub participant_id: String,
    pub next_id: u64,
    pub deliberations: Vec<SeedDeliberation>,
    /// Arguments this participant reacted to, with the reaction.
    #[serde(default)]
    pub my_reactions: BTreeSet<(String, ReactionKind)>,
    #[serde(default)]
    pub my_flags: BTreeSet<(String, String)>,
    /// Flags a moderator set aside by restoring what they flagged: kept, so
    /// that flagging it again does not put it back in the queue.
    #[serde(default)]
    pub reviewed_flags: BTreeSet<(String, String)>,
    #[serde(default)]
    pub my_ballots: BTreeMap<String, MyBallot>,
    /// Answers to requests with an `Idempotency-Key`, oldest first.
    #[serde(default)]
    pub replays: Vec<Replay>,
    /// What the moderation surface did, oldest first.
    #[serde(default)]
    pub moderation_log: Vec<ModerationLogEntry>,
}

/// The stored answer to a request with an `Idempotency-Key`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Replay {
    pub key: String,
    /// What the request was (method, path, body), to tell a retry from a reuse.
    pub fingerprint: String,
    pub status: u16,
    pub body: String,
}

/// A failed call, as a real backend would answer it.
pub type StoreResult<T> = Result<T, Problem>;

pub(crate) fn not_found(what: &str) -> Problem {
    Problem::not_found(what)
}

/// Where a page lies in its list, read from its query before anything else
/// is looked at: a malformed limit or cursor is 422 even for a list whose
/// deliberation or argument does not exist, as the reference server answers.
pub(crate) struct Window<K> {
    list: cursor::List,
    after: Option<K>,
    limit: u32,
}

/// The page `query` asks for of `items` of `list`, in the order of `key`.
pub(crate) fn page<T, K: Ord + Serialize + DeserializeOwned>(
    list: cursor::List,
    items: Vec<T>,
    query: &PageQuery,
    key: impl Fn(&T) -> K,
) -> StoreResult<Page<T>> {
    Ok(Window::of(list, query)?.page(items, key))
}

impl<K: Ord + Serialize + DeserializeOwned> Window<K> {
    /// A cursor is the contract's (the sort key of the previous page's last
    /// item of `list`, as the reference server makes it): anything else is a
    /// validation error, not a panic.
    pub(crate) fn of(list: cursor::List, query: &PageQuery) -> StoreResult<Window<K>> {
        Ok(Window {
            limit: query.limit()?,
            after: cursor::optional(&list, query.cursor())?,
            list,
        })
    }

    /// This page of `items`, sorted by `key` (which tells every two items
    /// apart): an item added since the last page repeats nothing there.
    pub(crate) fn page<T>(&self, items: Vec<T>, key: impl Fn(&T) -> K) -> Page<T> {
        let (items, next_cursor) =
            cursor::page_in(items, self.after.as_ref(), self.limit, &self.list, key);
        Page { items, next_cursor }
    }
}

/// Hides what must not be shown and fills in this participant's reactions.
fn present_argument(a: Argument, mine: &BTreeSet<(String, ReactionKind)>) -> Argument {
    let mut a = a.redacted();
    a.my_reactions = reactions_on(mine, &a.id);
    a
}

/// This participant's reactions to the argument `argument_id`, as
/// `my_reactions` lists them.
fn reactions_on(mine: &BTreeSet<(String, ReactionKind)>, argument_id: &str) -> Vec<ReactionKind> {
    ReactionKind::in_order(
        mine.iter()
            .filter(|(id, _)| id == argument_id)
            .map(|(_, kind)| *kind),
    )
}

/// How a participant's flag on some content is remembered.
pub(crate) fn flag_key(target: FlagTarget, id: &str) -> (String, String) {
    (format!("{target:?}"), id.to_owned())
}

impl LocalState {
    /// A fresh state from a seed; fails when the seed is inconsistent or
    /// has a poll that could not be counted.
    pub fn from_seed(seed: Seed, participant_id: String) -> Result<Self, Vec<String>> {
        let problems = plaza_results::seed_problems(&seed);
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(Self {
            version: STATE_VERSION,
            participant_id,
            next_id: 1,
            deliberations: seed.deliberations,
            my_reactions: BTreeSet::new(),
            my_flags: BTreeSet::new(),
            reviewed_flags: BTreeSet::new(),
            my_ballots: BTreeMap::new(),
            replays: Vec::new(),
            moderation_log: Vec::new(),
        })
    }

    pub(crate) fn entry(&self, deliberation_id: &str) -> StoreResult<&SeedDeliberation> {
        self.deliberations
            .iter()
            .find(|e| e.deliberation.id == deliberation_id)
            .ok_or_else(|| not_found("deliberation"))
    }

    pub(crate) fn entry_mut(
        &mut self,
        deliberation_id: &str,
    ) -> StoreResult<&mut SeedDeliberation> {
        self.deliberations
            .iter_mut()
            .find(|e| e.deliberation.id == deliberation_id)
            .ok_or_else(|| not_found("deliberation"))
    }

    /// The deliberation of an argument residents can see (a removed one does not exist).
    fn entry_of_argument(&self, argument_id: &str) -> StoreResult<&SeedDeliberation> {
        self.deliberations
            .iter()
            .find(|e| {
                e.arguments
                    .iter()
                    .any(|a| a.id == argument_id && a.status != ContentStatus::Removed)
            })
            .ok_or_else(|| not_found("argument"))
    }

    pub(crate) fn fresh_id(&mut self, prefix: &str) -> String {
        let id = format!("{prefix}-{}-{}", self.participant_id, self.next_id);
        self.next_id += 1;
        id
    }

    /// Whether `id` was made by [`Self::fresh_id`]: content this browser's
    /// participant posted, not the seed's.
    fn made_here(&self, id: &str) -> bool {
        id.split_once('-')
            .and_then(|(_, rest)| rest.strip_prefix(self.participant_id.as_str()))
            .is_some_and(|rest| rest.starts_with('-'))
    }

    pub fn capabilities(&self) -> Capabilities {
        // Only native builds have moderation (for callers that vouch for a
        // moderator); the browser's module does not.
        Capabilities::of(
            self.deliberations.iter().map(|e| &e.deliberation),
            cfg!(feature = "moderation"),
        )
    }

    pub fn deliberations(&self, query: &PageQuery) -> StoreResult<Page<DeliberationSummary>> {
        let window = Window::of(cursor::List::deliberations(), query)?;
        let all: Vec<DeliberationSummary> = self
            .deliberations
            .iter()
            .map(|e| DeliberationSummary::from(&self.with_counts(e)))
            .collect();
        Ok(window.page(all, |d| d.id.clone()))
    }

    pub fn deliberation(&self, id: &str) -> StoreResult<Deliberation> {
        self.entry(id).map(|e| self.with_counts(e))
    }

    pub fn arguments(
        &self,
        deliberation_id: &str,
        query: &ArgumentsQuery,
    ) -> StoreResult<Page<Argument>> {
        let list = cursor::List::arguments(deliberation_id, query.stance, query.sort);
        let window = Window::of(list, &query.page())?;
        let entry = self.entry(deliberation_id)?;
        let list: Vec<&Argument> = entry
            .arguments
            .iter()
            .filter(|a| a.status != ContentStatus::Removed)
            .filter(|a| query.stance.is_none_or(|s| a.stance == s))
            .collect();
        let presented: Vec<Argument> = list
            .into_iter()
            .map(|a| present_argument(a.clone(), &self.my_reactions))
            .collect();
        // The server's order: most helpful (when asked), newest, then by id.
        let helpful = query.sort == ArgumentSort::Helpful;
        Ok(window.page(presented, |a| {
            (
                -i64::from(if helpful { a.reactions.helpful } else { 0 }),
                -a.created_at.unix_millis(),
                a.id.clone(),
            )
        }))
    }

    /// `GET /arguments/{id}`: a removed argument does not exist.
    pub fn argument(&self, argument_id: &str) -> StoreResult<Argument> {
        self.entry_of_argument(argument_id)?
            .arguments
            .iter()
            .find(|a| a.id == argument_id)
            .map(|a| present_argument(a.clone(), &self.my_reactions))
            .ok_or_else(|| not_found("argument"))
    }

    pub fn create_argument(
        &mut self,
        deliberation_id: &str,
        new: &NewArgument,
        now: Timestamp,
    ) -> StoreResult<Argument> {
        let entry = self.entry(deliberation_id)?;
        entry
            .deliberation
            .current_phase
            .accepting(Contribution::Argument)?;
        new.validate().map_err(Problem::invalid)?;
        let at = posted(now, entry.arguments.iter().map(|a| &a.created_at));
        let argument = new.to_argument(self.fresh_id("arg"), deliberation_id, at);
        self.entry_mut(deliberation_id)?
            .arguments
            .push(argument.clone());
        Ok(argument)
    }

    pub fn comments(&self, argument_id: &str, query: &PageQuery) -> StoreResult<Page<Comment>> {
        let window = Window::of(cursor::List::comments(argument_id), query)?;
        let entry = self.entry_of_argument(argument_id)?;
        let list: Vec<Comment> = entry
            .comments
            .iter()
            .filter(|c| c.argument_id == argument_id && c.status != ContentStatus::Removed)
            .cloned()
            .map(Comment::redacted)
            .collect();
        Ok(window.page(list, |c| (c.created_at.unix_millis(), c.id.clone())))
    }

    pub fn create_comment(
        &mut self,
        argument_id: &str,
        new: &NewComment,
        now: Timestamp,
    ) -> StoreResult<Comment> {
        let entry = self.entry_of_argument(argument_id)?;
        entry
            .deliberation
            .current_phase
            .accepting(Contribution::Comment)?;
        new.validate().map_err(Problem::invalid)?;
        if let Some(parent) = new.parent() {
            if !entry
                .comments
                .iter()
                .any(|c| c.id == parent && c.argument_id == argument_id)
            {
                return Err(NewComment::unknown_parent());
            }
        }
        let deliberation_id = entry.deliberation.id.clone();
        let under = entry
            .comments
            .iter()
            .filter(|c| c.argument_id == argument_id);
        let at = posted(now, under.map(|c| &c.created_at));
        let comment = new.to_comment(self.fresh_id("com"), argument_id, at);
        let entry = self.entry_mut(&deliberation_id)?;
        entry.comments.push(comment.clone());
        if let Some(a) = entry.arguments.iter_mut().find(|a| a.id == argument_id) {
            a.comment_count += 1;
        }
        Ok(comment)
    }

    /// Adds (`on`) or withdraws a reaction; repeating either changes nothing.
    pub fn set_reaction(
        &mut self,
        argument_id: &str,
        kind: ReactionKind,
        on: bool,
    ) -> StoreResult<ReactionState> {
        let deliberation_id = self.entry_of_argument(argument_id)?.deliberation.id.clone();
        let key = (argument_id.to_owned(), kind);
        let changed = if on {
            self.my_reactions.insert(key)
        } else {
            self.my_reactions.remove(&key)
        };
        let entry = self.entry_mut(&deliberation_id)?;
        let argument = entry
            .arguments
            .iter_mut()
            .find(|a| a.id == argument_id)
            .ok_or_else(|| not_found("argument"))?;
        if changed {
            let count = match kind {
                ReactionKind::Helpful => &mut argument.reactions.helpful,
                ReactionKind::ChangedMyMind => &mut argument.reactions.changed_my_mind,
            };
            *count = if on {
                count.saturating_add(1)
            } else {
                count.saturating_sub(1)
            };
        }
        let reactions = argument.reactions;
        Ok(ReactionState {
            argument_id: argument_id.to_owned(),
            reactions,
            my_reactions: reactions_on(&self.my_reactions, argument_id),
        })
    }

    /// Records a flag. With one participant per browser, the flag threshold
    /// of a shared backend is never reached here, so content stays visible.
    pub fn flag(&mut self, flag: &NewFlag) -> StoreResult<FlagReceipt> {
        let id = flag.target_id.as_str();
        let status = self
            .deliberations
            .iter()
            .find_map(|e| match flag.target_type {
                FlagTarget::Argument => e.arguments.iter().find(|a| a.id == id).map(|a| a.status),
                FlagTarget::Comment => e.comments.iter().find(|c| c.id == id).map(|c| c.status),
                FlagTarget::Proposal => e.proposals.iter().find(|p| p.id == id).map(|p| p.status),
            });
        let status = match status {
            None | Some(ContentStatus::Removed) => return Err(not_found("content")),
            Some(status) => status,
        };
        let key = flag_key(flag.target_type, &flag.target_id);
        if !self.reviewed_flags.contains(&key) {
            self.my_flags.insert(key);
        }
        Ok(FlagReceipt {
            target_type: flag.target_type,
            target_id: flag.target_id.clone(),
            status,
        })
    }

    pub fn proposals(
        &self,
        deliberation_id: &str,
        query: &PageQuery,
    ) -> StoreResult<Page<Proposal>> {
        let window = Window::of(cursor::List::proposals(deliberation_id), query)?;
        let entry = self.entry(deliberation_id)?;
        let list: Vec<Proposal> = entry
            .proposals
            .iter()
            .filter(|p| p.status != ContentStatus::Removed)
            .cloned()
            .map(Proposal::redacted)
            .collect();
        Ok(window.page(list, |p| (p.created_at.unix_millis(), p.id.clone())))
    }

    pub fn create_proposal(
        &mut self,
        deliberation_id: &str,
        new: &NewProposal,
        now: Timestamp,
    ) -> StoreResult<Proposal> {
        let entry = self.entry(deliberation_id)?;
        entry
            .deliberation
            .current_phase
            .accepting(Contribution::Proposal)?;
        new.validate().map_err(Problem::invalid)?;
        let at = posted(now, entry.proposals.iter().map(|p| &p.created_at));
        let proposal = new.to_proposal(self.fresh_id("prop"), deliberation_id, at);
        self.entry_mut(deliberation_id)?
            .proposals
            .push(proposal.clone());
        Ok(proposal)
    }

    pub fn poll(&self, poll_id: &str) -> StoreResult<Poll> {
        self.deliberations
            .iter()
            .filter_map(|e| e.poll.as_ref())
            .find(|p| p.id == poll_id)
            .cloned()
            .ok_or_else(|| not_found("poll"))
    }

    /// Records this participant's ballot; a new one replaces the old one,
    /// and the same ranking again changes nothing and keeps its receipt.
    pub fn cast_ballot(
        &mut self,
        poll_id: &str,
        ballot: &BallotSubmission,
        now: Timestamp,
    ) -> StoreResult<BallotReceipt> {
        // The in-browser backend has no city site to sign residents in: its
        // one participant is anonymous, and votes only where anyone may.
        self.poll(poll_id)?.check_ballot(ballot, false)?;
        if let Some(mine) = self.my_ballots.get(poll_id) {
            if mine.ranking == ballot.ranking {
                return Ok(mine.receipt.clone());
            }
        }
        let receipt = BallotReceipt {
            tracker: format!("{}-{:04}", self.participant_id, self.next_id),
            recorded_at: now,
        };
        self.next_id += 1;
        self.my_ballots.insert(
            poll_id.to_owned(),
            MyBallot {
                ranking: ballot.ranking.clone(),
                receipt: receipt.clone(),
            },
        );
        Ok(receipt)
    }

    pub fn my_ballot(&self, poll_id: &str) -> StoreResult<Option<MyBallot>> {
        self.poll(poll_id)?;
        Ok(self.my_ballots.get(poll_id).cloned())
    }

    /// The stored answer to an earlier call with this idempotency key:
    /// `Ok(Some)` replays it, `Ok(None)` means the key is new, and reusing
    /// a key for another request is an error.
    pub fn replay(&self, key: &str, fingerprint: &str) -> StoreResult<Option<&Replay>> {
        match self.replays.iter().find(|r| r.key == key) {
            None => Ok(None),
            Some(r) if r.fingerprint == fingerprint => Ok(Some(r)),
            Some(_) => Err(Problem::new(
                ProblemCode::IdempotencyKeyReused,
                "This Idempotency-Key was used for another request",
            )),
        }
    }

    pub fn remember(&mut self, key: &str, fingerprint: &str, status: u16, body: String) {
        if self.replays.len() >= MAX_REPLAYS {
            self.replays.remove(0);
        }
        self.replays.push(Replay {
            key: key.to_owned(),
            fingerprint: fingerprint.to_owned(),
            status,
            body,
        });
    }
}

impl LocalState {
    /// The deliberation with its counts derived from the stored lists.
    pub(crate) fn with_counts(&self, e: &SeedDeliberation) -> Deliberation {
        let visible = |s: ContentStatus| s == ContentStatus::Visible;
        let mut d = e.deliberation.clone();
        let side = |st: Stance| {
            e.arguments
                .iter()
                .filter(|a| a.stance == st && visible(a.status))
                .count() as u32
        };
        d.counts = Counts {
            arguments_for: side(Stance::For),
            arguments_against: side(Stance::Against),
            comments: e.comments.iter().filter(|c| visible(c.status)).count() as u32,
            participants: self.participants(e),
        };
        d
    }

    /// As a server counts them: the seed's authors as the contract says,
    /// and this browser's participant once if it argued, replied, proposed
    /// or voted here, under whatever display names.
    fn participants(&self, e: &SeedDeliberation) -> u32 {
        let contributions = e
            .arguments
            .iter()
            .map(|a| (&a.id, &a.author))
            .chain(e.comments.iter().map(|c| (&c.id, &c.author)))
            .chain(e.proposals.iter().map(|p| (&p.id, &p.author)));
        let mut seeded = BTreeSet::new();
        let mut took_part = e
            .poll
            .as_ref()
            .is_some_and(|p| self.my_ballots.contains_key(&p.id));
        for (id, author) in contributions {
            if self.made_here(id) {
                took_part = true;
            } else {
                seeded.insert(seed::contributor(author.display_name.as_deref(), id));
            }
        }
        (seeded.len() + usize::from(took_part)) as u32
    }
}

/// The contract's time for a new post in a list whose posts have times
/// `list`: never before the newest, so posts made within one millisecond
/// keep their order.
pub(crate) fn posted<'a>(now: Timestamp, list: impl Iterator<Item = &'a Timestamp>) -> Timestamp {
    let newest = list.map(Timestamp::unix_millis).max();
    Timestamp::posted(now.unix_millis(), newest)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEMO: &str = include_str!("../../contract/demo/plaza-demo.json");

    fn seed() -> Seed {
        serde_json::from_str(DEMO).unwrap_or_else(|e| panic!("the demo seed decodes: {e}"))
    }

    fn state() -> LocalState {
        LocalState::from_seed(seed(), "me".into())
            .unwrap_or_else(|p| panic!("the demo seed is consistent: {p:?}"))
    }

    fn now() -> Timestamp {
        Timestamp::from_unix_millis(1_795_685_400_000)
    }

    fn query(stance: Option<Stance>, sort: ArgumentSort, cursor: Option<&str>) -> ArgumentsQuery {
        ArgumentsQuery {
            stance,
            sort,
            cursor: cursor.map(str::to_owned),
            limit: None,
        }
    }

    fn new_argument(text: &str) -> NewArgument {
        NewArgument {
            stance: Stance::Against,
            text: text.into(),
            lang: Some("en".into()),
            display_name: None,
        }
    }

    #[test]
    fn the_demo_deliberation_has_derived_counts() -> Result<(), Problem> {
        let d = state().deliberation("rue-des-lilas")?;
        assert_eq!(
            (
                d.counts.arguments_for,
                d.counts.arguments_against,
                d.counts.comments
            ),
            (8, 8, 4)
        );
        assert!(d.counts.participants > 10);
        Ok(())
    }

    #[test]
    fn this_browser_counts_once_among_the_participants() -> Result<(), Problem> {
        let mut s = state();
        let participants = |s: &LocalState| {
            s.deliberation("rue-des-lilas")
                .map(|d| d.counts.participants)
        };
        let before = participants(&s)?;
        if let Some(poll) = s.deliberations[0].poll.as_mut() {
            poll.status = PollStatus::Open;
        }
        let b = BallotSubmission {
            ranking: vec!["shared-street".into()],
        };
        s.cast_ballot("rue-des-lilas-design", &b, now())?;
        assert_eq!(participants(&s)?, before + 1, "a voter takes part");
        for name in [Some("Léa"), Some("Sam"), None, None] {
            let new = NewArgument {
                display_name: name.map(str::to_owned),
                ..new_argument("Under another name")
            };
            let a = s.create_argument("rue-des-lilas", &new, now())?;
            let reply = NewComment {
                text: "And a reply".into(),
                parent_id: None,
                lang: None,
                display_name: name.map(str::to_owned),
            };
            s.create_comment(&a.id, &reply, now())?;
        }
        assert_eq!(participants(&s)?, before + 1, "one participant, many names");
        Ok(())
    }

    #[test]
    fn unknown_ids_are_not_found() -> Result<(), Problem> {
        let s = state();
        assert_eq!(
            s.deliberation("nope").unwrap_err().code,
            ProblemCode::NotFound
        );
        assert_eq!(
            s.comments("nope", &PageQuery::default()).unwrap_err().code,
            ProblemCode::NotFound
        );
        assert_eq!(s.poll("nope").unwrap_err().code, ProblemCode::NotFound);
        Ok(())
    }

    #[test]
    fn arguments_are_filtered_sorted_and_paginated() -> Result<(), Problem> {
        let s = state();
        let page1 = s.arguments(
            "rue-des-lilas",
            &query(Some(Stance::For), ArgumentSort::Helpful, None),
        )?;
        assert!(page1.items.iter().all(|a| a.stance == Stance::For));
        let helpful: Vec<u32> = page1.items.iter().map(|a| a.reactions.helpful).collect();
        assert!(helpful.windows(2).all(|w| w[0] >= w[1]), "{helpful:?}");
        assert_eq!(page1.next_cursor, None);

        let all = s.arguments("rue-des-lilas", &query(None, ArgumentSort::Recent, None))?;
        let size = DEFAULT_PAGE_SIZE as usize;
        assert_eq!(all.items.len(), size);
        let rest = s.arguments(
            "rue-des-lilas",
            &query(None, ArgumentSort::Recent, all.next_cursor.as_deref()),
        )?;
        assert_eq!(rest.items.len(), 16 - size);
        assert_eq!(rest.next_cursor, None);
        let times: Vec<i64> = all
            .items
            .iter()
            .chain(&rest.items)
            .map(|a| a.created_at.unix_millis())
            .collect();
        assert!(times.windows(2).all(|w| w[0] >= w[1]));
        Ok(())
    }

    #[test]
    fn a_malformed_cursor_is_a_validation_error() -> Result<(), Problem> {
        let e = state()
            .arguments(
                "rue-des-lilas",
                &query(None, ArgumentSort::Recent, Some("abc")),
            )
            .unwrap_err();
        assert_eq!(e.code, ProblemCode::ValidationFailed);
        let recent = cursor::List::arguments("rue-des-lilas", None, ArgumentSort::Recent);
        let oldest_key = cursor::encode(&recent, &(0_i64, i64::MAX, "~"));
        let past_end = state().arguments(
            "rue-des-lilas",
            &query(None, ArgumentSort::Recent, Some(&oldest_key)),
        )?;
        assert!(past_end.items.is_empty());
        let refused = |cursor: &str| {
            state()
                .arguments(
                    "rue-des-lilas",
                    &query(None, ArgumentSort::Recent, Some(cursor)),
                )
                .is_err_and(|e| e.code == ProblemCode::ValidationFailed)
        };
        let another_list = cursor::encode(&cursor::List::deliberations(), &"rue-des-lilas");
        assert!(refused(&another_list));
        // A key of the same shape, made for the list in another order.
        let helpful = cursor::List::arguments("rue-des-lilas", None, ArgumentSort::Helpful);
        assert!(refused(&cursor::encode(&helpful, &(0_i64, i64::MAX, "~"))));
        Ok(())
    }

    #[test]
    fn a_post_between_two_pages_repeats_nothing() -> Result<(), Problem> {
        let mut s = state();
        let asked = |cursor: Option<&str>| ArgumentsQuery {
            limit: Some(3),
            ..query(Some(Stance::Against), ArgumentSort::Recent, cursor)
        };
        let first = s.arguments("rue-des-lilas", &asked(None))?;
        s.create_argument("rue-des-lilas", &new_argument("Posted meanwhile"), now())?;
        let next = first.next_cursor.as_deref();
        let second = s.arguments("rue-des-lilas", &asked(next))?;
        assert_eq!(second.items.len(), 3);
        for a in &second.items {
            assert!(first.items.iter().all(|f| f.id != a.id), "{} again", a.id);
        }
        Ok(())
    }

    #[test]
    fn a_new_argument_is_stored_and_counted() -> Result<(), Problem> {
        let mut s = state();
        let a = s.create_argument("rue-des-lilas", &new_argument("  Too expensive.  "), now())?;
        assert_eq!(a.text.as_deref(), Some("Too expensive."));
        let d = s.deliberation("rue-des-lilas")?;
        assert_eq!(d.counts.arguments_against, 9);
        let recent = s.arguments(
            "rue-des-lilas",
            &query(Some(Stance::Against), ArgumentSort::Recent, None),
        )?;
        assert_eq!(recent.items[0].id, a.id);
        Ok(())
    }

    #[test]
    fn invalid_arguments_are_refused_with_field_errors() -> Result<(), Problem> {
        let mut s = state();
        let e = s
            .create_argument("rue-des-lilas", &new_argument("   "), now())
            .unwrap_err();
        assert_eq!(e.code, ProblemCode::ValidationFailed);
        assert_eq!(e.errors[0].field, "text");
        assert_eq!(s.deliberation("rue-des-lilas")?.counts.arguments_against, 8);
        Ok(())
    }

    #[test]
    fn reactions_are_idempotent() -> Result<(), Problem> {
        let mut s = state();
        let before = s
            .arguments("rue-des-lilas", &query(None, ArgumentSort::Recent, None))?
            .items[0]
            .clone();
        let id = before.id.as_str();
        let once = s.set_reaction(id, ReactionKind::Helpful, true)?;
        let twice = s.set_reaction(id, ReactionKind::Helpful, true)?;
        assert_eq!(once, twice);
        assert_eq!(once.reactions.helpful, before.reactions.helpful + 1);
        assert_eq!(once.my_reactions, [ReactionKind::Helpful]);
        s.set_reaction(id, ReactionKind::Helpful, false)?;
        let gone = s.set_reaction(id, ReactionKind::Helpful, false)?;
        assert_eq!(gone.reactions.helpful, before.reactions.helpful);
        assert!(gone.my_reactions.is_empty());
        Ok(())
    }

    /// In a page, posts can come within one millisecond (no network): they
    /// are read back in the order posted, past the ids' ninth (`-9` sorts
    /// after `-10`).
    #[test]
    fn posts_within_a_millisecond_keep_their_order() -> Result<(), Problem> {
        let mut s = state();
        let all = PageQuery {
            cursor: None,
            limit: Some(50),
        };
        let mut arguments = Vec::new();
        for i in 0..12 {
            let text = format!("Argument {i}");
            arguments.push(
                s.create_argument("rue-des-lilas", &new_argument(&text), now())?
                    .id,
            );
        }
        let against = ArgumentsQuery {
            limit: Some(50),
            ..query(Some(Stance::Against), ArgumentSort::Recent, None)
        };
        let recent: Vec<String> = (s.arguments("rue-des-lilas", &against)?.items.into_iter())
            .map(|a| a.id)
            .take(12)
            .collect();
        arguments.reverse();
        assert_eq!(recent, arguments, "newest first");

        let mut replies = Vec::new();
        for i in 0..12 {
            let reply = NewComment {
                text: format!("Reply {i}"),
                parent_id: None,
                lang: None,
                display_name: None,
            };
            replies.push(s.create_comment("arg-10", &reply, now())?.id);
        }
        let thread = s.comments("arg-10", &all)?.items;
        let listed: Vec<String> = thread.into_iter().map(|c| c.id).collect();
        assert_eq!(listed[listed.len() - 12..], replies[..], "oldest first");

        let mut proposals = Vec::new();
        for i in 0..12 {
            let proposal = NewProposal {
                title: format!("Option {i}"),
                description: "Trees and benches".into(),
                lang: None,
                display_name: None,
            };
            proposals.push(s.create_proposal("rue-des-lilas", &proposal, now())?.id);
        }
        let listed: Vec<String> = (s.proposals("rue-des-lilas", &all)?.items)
            .into_iter()
            .map(|p| p.id)
            .filter(|id| proposals.contains(id))
            .collect();
        assert_eq!(listed, proposals, "oldest first");
        Ok(())
    }

    #[test]
    fn comments_thread_under_known_parents_only() -> Result<(), Problem> {
        let mut s = state();
        let c = NewComment {
            text: "Which study?".into(),
            parent_id: Some("com-01".into()),
            lang: None,
            display_name: None,
        };
        let made = s.create_comment("arg-10", &c, now())?;
        assert_eq!(made.parent_id.as_deref(), Some("com-01"));
        let bad = NewComment {
            parent_id: Some("com-03".into()),
            ..c
        };
        assert_eq!(
            s.create_comment("arg-10", &bad, now()).unwrap_err().code,
            ProblemCode::ValidationFailed
        );
        assert_eq!(s.comments("arg-10", &PageQuery::default())?.items.len(), 3);
        Ok(())
    }

    #[test]
    fn ballots_respect_the_poll_status_and_the_last_one_counts() -> Result<(), Problem> {
        let mut s = state();
        let b = BallotSubmission {
            ranking: vec!["shared-street".into(), "full-plaza".into()],
        };
        assert_eq!(
            s.cast_ballot("rue-des-lilas-design", &b, now())
                .unwrap_err()
                .code,
            ProblemCode::PollNotOpen
        );
        if let Some(poll) = s.deliberations[0].poll.as_mut() {
            poll.status = PollStatus::Open;
        }
        s.cast_ballot("rue-des-lilas-design", &b, now())?;
        let b2 = BallotSubmission {
            ranking: vec!["full-plaza".into()],
        };
        let receipt = s.cast_ballot("rue-des-lilas-design", &b2, now())?;
        let later = Timestamp::from_unix_millis(now().unix_millis() + 60_000);
        let before = s.clone();
        let again = s.cast_ballot("rue-des-lilas-design", &b2, later)?;
        assert_eq!(again, receipt, "the same ranking keeps its receipt");
        assert_eq!(s, before, "and changes nothing");
        let Some(mine) = s.my_ballot("rue-des-lilas-design")? else {
            panic!("the ballot is kept")
        };
        assert_eq!((mine.ranking, mine.receipt), (b2.ranking, receipt));
        let dup = BallotSubmission {
            ranking: vec!["full-plaza".into(), "full-plaza".into()],
        };
        assert_eq!(
            s.cast_ballot("rue-des-lilas-design", &dup, now())
                .unwrap_err()
                .code,
            ProblemCode::ValidationFailed
        );
        Ok(())
    }

    #[test]
    fn idempotency_keys_replay_or_refuse() -> Result<(), Problem> {
        let mut s = state();
        assert_eq!(s.replay("k1", "body-a")?, None);
        s.remember("k1", "body-a", 201, "{\"id\":1}".into());
        let replayed = s
            .replay("k1", "body-a")?
            .map(|r| (r.status, r.body.clone()));
        assert_eq!(replayed, Some((201, "{\"id\":1}".to_owned())));
        assert_eq!(
            s.replay("k1", "body-b").unwrap_err().code,
            ProblemCode::IdempotencyKeyReused
        );
        for i in 0..MAX_REPLAYS {
            s.remember(&format!("k{}", i + 2), "x", 200, String::new());
        }
        assert_eq!(s.replays.len(), MAX_REPLAYS);
        assert_eq!(s.replay("k1", "body-a")?, None, "oldest keys are forgotten");
        Ok(())
    }

    #[test]
    fn state_survives_serialization() -> Result<(), Problem> {
        let mut s = state();
        s.set_reaction("arg-01", ReactionKind::ChangedMyMind, true)?;
        let text = serde_json::to_string(&s).unwrap_or_default();
        assert_eq!(serde_json::from_str::<LocalState>(&text).ok(), Some(s));
        Ok(())
    }

    #[test]
    fn inconsistent_seeds_are_refused() -> Result<(), Problem> {
        let mut seed = seed();
        seed.deliberations[0].comments[0].argument_id = "missing".into();
        assert!(LocalState::from_seed(seed, "me".into()).is_err());
        Ok(())
    }
}
