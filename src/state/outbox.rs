//! The outbox: everything a resident submits, kept until the backend has
//! it. Pure state transitions (the browser side, storage and sending, is
//! `crate::outbox`): an item is added with its idempotency key, sent, and
//! settled by the answer — done, refused for a reason the resident can
//! read, or kept for later (offline, server trouble, a sign-in to renew).
//! A retry reuses the key, so the backend applies it once however often it
//! is sent; only after a refusal, which applied nothing, does the resident's
//! "send again" go under a new one.

use plaza_contract::routes::IDEMPOTENCY_KEPT_MS;
use plaza_contract::{
    Argument, BallotReceipt, BallotSubmission, Comment, FlagReceipt, MyBallot, NewArgument,
    NewComment, NewFlag, NewProposal, Proposal, ReactionKind, ReactionState,
};
use serde::{Deserialize, Serialize};

use crate::backend::BackendError;

/// What a resident submits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Submission {
    Argument {
        deliberation_id: String,
        new: NewArgument,
    },
    Comment {
        deliberation_id: String,
        argument_id: String,
        new: NewComment,
    },
    Proposal {
        deliberation_id: String,
        new: NewProposal,
    },
    Flag {
        deliberation_id: String,
        flag: NewFlag,
    },
    /// The reaction the resident wants on (`on`) or off; only the last
    /// wish for an argument and kind is kept.
    Reaction {
        deliberation_id: String,
        argument_id: String,
        reaction: ReactionKind,
        on: bool,
    },
    /// A ballot; a later one for the same poll replaces it until it is on
    /// its way (the backend, too, keeps the last one cast).
    Ballot {
        deliberation_id: String,
        poll_id: String,
        ballot: BallotSubmission,
    },
}

impl Submission {
    pub fn deliberation_id(&self) -> &str {
        match self {
            Submission::Argument {
                deliberation_id, ..
            }
            | Submission::Comment {
                deliberation_id, ..
            }
            | Submission::Proposal {
                deliberation_id, ..
            }
            | Submission::Flag {
                deliberation_id, ..
            }
            | Submission::Reaction {
                deliberation_id, ..
            }
            | Submission::Ballot {
                deliberation_id, ..
            } => deliberation_id,
        }
    }

    /// Whether `other` is the same wish, which it replaces (a reaction on
    /// the same argument and kind).
    fn replaces(&self, other: &Submission) -> bool {
        match (self, other) {
            (
                Submission::Reaction {
                    argument_id: a,
                    reaction: k,
                    ..
                },
                Submission::Reaction {
                    argument_id: b,
                    reaction: l,
                    ..
                },
            ) => a == b && k == l,
            (Submission::Ballot { poll_id: a, .. }, Submission::Ballot { poll_id: b, .. }) => {
                a == b
            }
            _ => false,
        }
    }
}

/// What the backend answered to a submission.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    Argument(Argument),
    Comment(Comment),
    Proposal(Proposal),
    Flag(FlagReceipt),
    Reaction(ReactionState),
    Ballot(BallotReceipt),
}

/// Where an item is on its way to the backend.
impl Answer {
    pub fn argument(&self) -> Option<&Argument> {
        match self {
            Answer::Argument(a) => Some(a),
            _ => None,
        }
    }

    pub fn comment(&self) -> Option<&Comment> {
        match self {
            Answer::Comment(c) => Some(c),
            _ => None,
        }
    }

    pub fn proposal(&self) -> Option<&Proposal> {
        match self {
            Answer::Proposal(p) => Some(p),
            _ => None,
        }
    }
}

/// What the backend recorded of the sent ones among `items`, as `pick`
/// takes it from their answers (their arguments, say).
pub fn sent_answers<'a, T: 'a>(
    items: &'a [Item],
    pick: impl Fn(&'a Answer) -> Option<&'a T> + 'a,
) -> impl Iterator<Item = &'a T> + 'a {
    items.iter().filter_map(move |i| match &i.delivery {
        Delivery::Sent { answer, .. } => pick(answer),
        _ => None,
    })
}

/// The ballot that counts while the newest of `items` (one poll's ballots,
/// oldest first) is not recorded, waiting or refused: the newest one sent,
/// else `recorded` (the backend's when the view loaded). None when the
/// newest is recorded (it counts) or there is none.
pub fn ballot_counting_meanwhile(items: &[Item], recorded: Option<&MyBallot>) -> Option<MyBallot> {
    if items.last().is_none_or(Item::is_sent) {
        return None;
    }
    items
        .iter()
        .rev()
        .find_map(|i| match (&i.submission, &i.delivery) {
            (
                Submission::Ballot { ballot, .. },
                Delivery::Sent {
                    answer: Answer::Ballot(receipt),
                    ..
                },
            ) => Some(MyBallot {
                ranking: ballot.ranking.clone(),
                receipt: receipt.clone(),
            }),
            _ => None,
        })
        .or_else(|| recorded.cloned())
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Delivery {
    /// To be sent at `next_attempt` (at once for a new item).
    Queued,
    /// Being sent, since `since` (ms). Found so by a tab that holds the
    /// outbox lock, its sender is gone (a reload): it is sent again.
    Sending { since: f64 },
    /// The network is down; sent again when the browser is online, and
    /// its retry time has come (a network that only seems up is not
    /// hammered).
    Offline,
    /// The backend rejected the host page's sign-in; sent once the page
    /// gives a new token.
    NeedsSignIn,
    /// Refused; sent again only if the resident asks.
    Failed { error: BackendError },
    /// Recorded by the backend at `at`.
    Sent { at: f64, answer: Answer },
}

/// One submission and its delivery.
/// See [`Item::progress`].
#[derive(Debug, Clone, PartialEq)]
pub enum Progress {
    /// As the resident submitted it; its delivery note says where it is.
    OnItsWay(Submission),
    /// As the backend recorded it.
    Sent(Answer),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item {
    /// The item's name, and the `Idempotency-Key` of its attempts until a
    /// refusal (see `attempt_key`).
    pub key: String,
    /// The `Idempotency-Key` sent after the resident asked to send a
    /// refused item again: a backend replays a refusal stored under the
    /// first key, and a refusal applied nothing, so a new key is safe.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempt_key: Option<String>,
    pub submission: Submission,
    /// The widget instance it was submitted in, which tells the host page
    /// when it is sent (another one does, if that one is gone).
    #[serde(default)]
    pub origin: String,
    /// Submitted by a resident the host page signed in: only a page with
    /// the city's sign-in sends it (never as an anonymous participant).
    #[serde(default)]
    pub signed_in: bool,
    /// Who signed in (`state::signer`), if the sign-in says.
    #[serde(default)]
    pub signer: Option<String>,
    /// The resident discarded it while an attempt was on its way: it goes
    /// when that attempt ends, unless the backend recorded it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub discard_asked: bool,
    /// When the resident submitted it (ms).
    pub created: f64,
    /// Attempts that failed for a reason that may pass.
    pub attempts: u32,
    /// When it may be sent next (ms).
    pub next_attempt: f64,
    pub delivery: Delivery,
}

/// An idempotency key from 16 random bytes: a version 4 UUID, as
/// `crypto.randomUUID()` makes them (which only secure contexts and recent
/// browsers have; `getRandomValues`, which fills `random`, is everywhere).
pub fn key_from(mut random: [u8; 16]) -> String {
    random[6] = (random[6] & 0x0f) | 0x40;
    random[8] = (random[8] & 0x3f) | 0x80;
    let mut key = String::with_capacity(36);
    for (i, byte) in random.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            key.push('-');
        }
        key.push_str(&format!("{byte:02x}"));
    }
    key
}

/// How long a sent item stays for the view to show it as sent.
pub const KEEP_SENT_MS: f64 = 10.0 * 60_000.0;
/// Without a cross-tab lock, how long before an item still marked as being
/// sent is taken for abandoned (longer than one request with its retries).
pub const SENDING_STALE_MS: f64 = 90_000.0;

/// The longest wait before trying again after a network failure: the
/// browser's "online" can be wrong, but the network may be back any moment.
pub const OFFLINE_RETRY_MS: f64 = 10_000.0;

/// The wait before attempt `attempts + 1` of an item whose last attempt
/// failed for a passing reason: growing, capped at a minute; `jitter` in
/// [0, 1) spreads the retries of many residents.
pub fn backoff_ms(attempts: u32, jitter: f64) -> f64 {
    let base = match attempts {
        0 | 1 => 2_000.0,
        2 => 5_000.0,
        3 => 15_000.0,
        4 => 30_000.0,
        _ => 60_000.0,
    };
    base * (1.0 + 0.25 * jitter.clamp(0.0, 1.0))
}

/// What the resident can do about an item that is not sent, besides waiting.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Offers {
    pub send_again: bool,
    pub discard: bool,
}

/// How an attempt ended, for [`Item::settle`].
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Done(Answer),
    Error(BackendError),
}

impl Item {
    pub fn new(key: String, submission: Submission, now: f64) -> Item {
        Item {
            key,
            attempt_key: None,
            submission,
            origin: String::new(),
            signed_in: false,
            signer: None,
            discard_asked: false,
            created: now,
            attempts: 0,
            next_attempt: now,
            delivery: Delivery::Queued,
        }
    }

    /// Whether it is to be sent now: queued and due, offline while the
    /// browser is online, or left "sending" by a sender that is gone
    /// (`sender_gone`: the lock was free; otherwise after a long wait).
    pub fn is_due(&self, now: f64, online: bool, sender_gone: bool) -> bool {
        if self.discard_asked {
            // Never a new attempt after the resident gave it up.
            return false;
        }
        match &self.delivery {
            Delivery::Queued => self.next_attempt <= now,
            Delivery::Offline => online && self.next_attempt <= now,
            Delivery::Sending { since } => sender_gone || now - since > SENDING_STALE_MS,
            Delivery::NeedsSignIn | Delivery::Failed { .. } | Delivery::Sent { .. } => false,
        }
    }

    /// The `Idempotency-Key` to send.
    pub fn request_key(&self) -> &str {
        self.attempt_key.as_deref().unwrap_or(&self.key)
    }

    /// Marks it as being sent, unless it waited longer than a backend
    /// keeps its key: it is then refused here (false), for the resident to
    /// check before sending it again, as the backend might apply it twice.
    pub fn start(&mut self, now: f64) -> bool {
        // A reaction is a state set, not a thing created: sent again, it
        // changes nothing, so it has no age limit.
        let keyed = !matches!(self.submission, Submission::Reaction { .. });
        if keyed && now - self.created > IDEMPOTENCY_KEPT_MS as f64 {
            self.delivery = Delivery::Failed {
                error: BackendError::Outlived,
            };
            return false;
        }
        self.delivery = Delivery::Sending { since: now };
        true
    }

    /// Records how an attempt ended: sent; kept for later when the reason
    /// may pass (offline, timeouts, server trouble, rate limits) or the
    /// sign-in must be renewed; refused otherwise.
    pub fn settle(&mut self, outcome: Outcome, now: f64, jitter: f64) {
        self.delivery = match outcome {
            Outcome::Done(answer) => Delivery::Sent { at: now, answer },
            Outcome::Error(error) => match error {
                BackendError::Offline(_) => {
                    self.attempts += 1;
                    self.next_attempt =
                        now + backoff_ms(self.attempts, jitter).min(OFFLINE_RETRY_MS);
                    Delivery::Offline
                }
                e if e.status() == Some(401) => Delivery::NeedsSignIn,
                e if e.is_transient() => {
                    self.attempts += 1;
                    self.next_attempt = now + backoff_ms(self.attempts, jitter);
                    Delivery::Queued
                }
                error => Delivery::Failed { error },
            },
        };
    }

    /// The resident asks to send it again (after a refusal), now. A
    /// refused one goes under `fresh_key` (the backend would replay its
    /// refusal under the old one); one that outlived its key is sent as if
    /// submitted now, under its own key: the resident checked.
    pub fn retry(&mut self, now: f64, fresh_key: String) {
        match &self.delivery {
            Delivery::Failed {
                error: BackendError::Outlived,
            } => self.created = now,
            Delivery::Failed { error } if error.is_refusal() => self.attempt_key = Some(fresh_key),
            Delivery::Failed { .. } | Delivery::NeedsSignIn | Delivery::Offline => {}
            // Tried in vain: now rather than at its retry time.
            Delivery::Queued if self.attempts > 0 => {}
            _ => return,
        }
        self.delivery = Delivery::Queued;
        self.next_attempt = now;
    }

    /// What its note offers. An item tried without success can be given up
    /// (its backend may be down for days), also while an attempt is on its
    /// way, so that the button stays where focus is (see [`Self::is_busy`]);
    /// a first attempt, which takes seconds, offers nothing. Sending again
    /// is offered where it can change something.
    pub fn offers(&self) -> Offers {
        let (send_again, discard) = match &self.delivery {
            // As offline: the note's buttons stay as it goes from one to
            // the other at each attempt.
            Delivery::Queued | Delivery::Sending { .. } => (self.attempts > 0, self.attempts > 0),
            Delivery::Offline => (true, true),
            Delivery::NeedsSignIn => (false, true),
            Delivery::Failed { error } => (!error.is_final(), true),
            Delivery::Sent { .. } => (false, false),
        };
        Offers {
            send_again,
            discard,
        }
    }

    /// Whether it is the own of a resident `signed_in` or not by the city's
    /// site, as `signer` (see `state::signer`), as far as this device can
    /// tell: an anonymous item is the device's participant's, whoever signs
    /// in later; a signed-in one is only its signer's (on a device shared
    /// by residents, another's waiting ballot is not theirs to see, change
    /// or discard). What a view shows, and what a new submission replaces.
    pub fn is_own_of(&self, signed_in: bool, signer: Option<&str>) -> bool {
        !self.signed_in
            || (signed_in && crate::state::signer::same_signer(self.signer.as_deref(), signer))
    }

    /// Whether an attempt is on its way: discarding it now would not stop
    /// the backend from recording it, so a discard waits for its answer.
    pub fn is_busy(&self) -> bool {
        matches!(self.delivery, Delivery::Sending { .. })
    }

    /// The resident gives it up: whether it can go now (see
    /// [`Self::is_discarded`]); otherwise it goes when its attempt ends.
    pub fn ask_discard(&mut self, now: f64) -> bool {
        self.discard_asked = true;
        self.is_discarded(now, false)
    }

    /// Whether it is to go for the resident's discard: not sent, and no
    /// attempt on its way (one whose sender is gone, `sender_gone` as for
    /// [`Self::is_due`], or marked long ago, does not count).
    pub fn is_discarded(&self, now: f64, sender_gone: bool) -> bool {
        self.discard_asked
            && match &self.delivery {
                Delivery::Sending { since } => sender_gone || now - since > SENDING_STALE_MS,
                Delivery::Sent { .. } => false,
                _ => true,
            }
    }

    /// Whether the backend has it.
    pub fn is_sent(&self) -> bool {
        matches!(self.delivery, Delivery::Sent { .. })
    }

    /// Whether this state of the item may be written over `stored`, the one
    /// in storage: a recorded answer stays (a tab's read may be older than
    /// another tab's write: its "discard" or "sending" mark must not turn a
    /// recorded ballot back into one on its way, or given up).
    pub fn may_replace(&self, stored: &Item) -> bool {
        self.is_sent() || !stored.is_sent()
    }

    /// What a view of the item shows apart from its delivery note: it
    /// changes once, when the item is sent, not at each attempt.
    pub fn progress(&self) -> Progress {
        match &self.delivery {
            Delivery::Sent { answer, .. } => Progress::Sent(answer.clone()),
            _ => Progress::OnItsWay(self.submission.clone()),
        }
    }

    /// When the item next needs attention without anything happening: its
    /// retry time, or when a "sending" mark goes stale.
    pub fn wake_at(&self) -> Option<f64> {
        match &self.delivery {
            Delivery::Queued | Delivery::Offline => Some(self.next_attempt),
            Delivery::Sending { since } => Some(since + SENDING_STALE_MS),
            _ => None,
        }
    }

    /// Whether it can be dropped: sent and shown long enough.
    pub fn is_expired(&self, now: f64) -> bool {
        matches!(&self.delivery, Delivery::Sent { at, .. } if now - at > KEEP_SENT_MS)
    }
}

/// What [`add`] did to the items already there.
#[derive(Debug, Default, PartialEq)]
pub struct Added {
    /// Replaced before any attempt: removed.
    pub removed: Vec<String>,
    /// Replaced while an attempt was on its way: given up for when that
    /// attempt ends (`discard_asked`), unless it gets it recorded, so that
    /// a passing failure never sends it again after the newer one.
    pub superseded: Vec<String>,
}

/// Adds `item` to `items`: a reaction replaces an earlier wish of the
/// resident's own ([`Item::is_own_of`]) for the same argument and kind, a
/// ballot an earlier ballot of theirs for the same poll (only the last one
/// counts). Another resident's item (a device shared by residents the
/// city's site signs in) is left as it is.
pub fn add(items: &mut Vec<Item>, item: Item) -> Added {
    let mut added = Added::default();
    items.retain_mut(|old| {
        let replaced = item.submission.replaces(&old.submission)
            && old.is_own_of(item.signed_in, item.signer.as_deref());
        match &old.delivery {
            _ if !replaced => true,
            Delivery::Sent { .. } => true,
            Delivery::Sending { .. } => {
                old.discard_asked = true;
                added.superseded.push(old.key.clone());
                true
            }
            _ => {
                added.removed.push(old.key.clone());
                false
            }
        }
    });
    items.push(item);
    added
}

/// What a view of the outbox shows after it changed: the outbox's items
/// (`fresh`), and the sent contributions and ballots it dropped for having
/// been shown long enough, which the view keeps while it lives: their rows
/// would otherwise be drawn again elsewhere (losing focus), and a receipt
/// or a count that includes them would go. Reactions and reports are not
/// kept: their state is the backend's answer, which their view holds. Items
/// from before the resident had the backend forget them (`forgotten_at`,
/// here or in another tab) go. Oldest first.
pub fn keep_expired(
    before: &[Item],
    mut fresh: Vec<Item>,
    now: f64,
    forgotten_at: f64,
) -> Vec<Item> {
    let kept: Vec<Item> = before
        .iter()
        .filter(|old| {
            old.is_expired(now)
                && old.created > forgotten_at
                && !matches!(
                    old.submission,
                    Submission::Reaction { .. } | Submission::Flag { .. }
                )
                && !fresh.iter().any(|i| i.key == old.key)
        })
        .cloned()
        .collect();
    fresh.extend(kept);
    fresh.sort_by(|a, b| a.created.total_cmp(&b.created));
    fresh
}

/// The next item to send, oldest first.
pub fn next_due(items: &[Item], now: f64, online: bool, sender_gone: bool) -> Option<&Item> {
    items
        .iter()
        .filter(|i| i.is_due(now, online, sender_gone))
        .min_by(|a, b| a.created.total_cmp(&b.created))
}

/// How often the sender looks whether the network is back while an item
/// waits for it (the browser's `online` is not always right, nor its event
/// always fired).
pub const ONLINE_POLL_MS: f64 = 3_000.0;

/// The shortest wait between two passes of the sender: a retry time that
/// has passed without the item being sent (the browser is offline, or a
/// tab is about to take it) must not make the sender spin.
const MIN_PASS_WAIT_MS: f64 = 500.0;

/// The longest wait between two passes.
const MAX_PASS_WAIT_MS: f64 = 120_000.0;

/// When the sender should look again, in ms, if it has anything left to
/// do: at the earliest retry or stale "sending" mark among `items` (those
/// this page can send), at least [`MIN_PASS_WAIT_MS`] away; every
/// [`ONLINE_POLL_MS`] while an item waits for the network (while offline,
/// only the network's return makes it due, whatever its retry time).
pub fn next_pass_in(items: &[Item], now: f64, online: bool) -> Option<u32> {
    let for_network = items.iter().any(|i| i.delivery == Delivery::Offline);
    let next = items
        .iter()
        .filter(|i| online || i.delivery != Delivery::Offline)
        .filter_map(Item::wake_at)
        .min_by(f64::total_cmp);
    let wait = match (next, for_network) {
        (Some(at), true) => (at - now).min(ONLINE_POLL_MS),
        (Some(at), false) => at - now,
        (None, true) => ONLINE_POLL_MS,
        (None, false) => return None,
    };
    Some(wait.clamp(MIN_PASS_WAIT_MS, MAX_PASS_WAIT_MS) as u32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use plaza_contract::{Problem, ProblemCode, Stance};

    fn argument(text: &str) -> Submission {
        Submission::Argument {
            deliberation_id: "d".into(),
            new: NewArgument {
                stance: Stance::For,
                text: text.into(),
                lang: None,
                display_name: None,
            },
        }
    }

    fn ballot(ranking: &[&str]) -> Submission {
        Submission::Ballot {
            deliberation_id: "d".into(),
            poll_id: "p".into(),
            ballot: BallotSubmission {
                ranking: ranking.iter().map(|r| r.to_string()).collect(),
            },
        }
    }

    fn reaction(on: bool) -> Submission {
        Submission::Reaction {
            deliberation_id: "d".into(),
            argument_id: "a1".into(),
            reaction: ReactionKind::Helpful,
            on,
        }
    }

    /// What a backend answers to a reaction on argument "a1".
    fn reacted() -> Answer {
        Answer::Reaction(ReactionState {
            argument_id: "a1".into(),
            reactions: Default::default(),
            my_reactions: vec![],
        })
    }

    fn problem(code: ProblemCode) -> BackendError {
        BackendError::Problem(Problem::new(code, "x"))
    }

    #[test]
    fn keys_are_version_4_uuids() {
        assert_eq!(key_from([0; 16]), "00000000-0000-4000-8000-000000000000");
        assert_eq!(key_from([0xff; 16]), "ffffffff-ffff-4fff-bfff-ffffffffffff");
        let key = key_from(*b"0123456789abcdef");
        assert_eq!(key, "30313233-3435-4637-b839-616263646566");
        assert!(plaza_contract::idempotency_key(&key).is_ok());
    }

    #[test]
    fn a_new_item_is_due_at_once_and_sent_once() {
        let mut item = Item::new("k1".into(), argument("Shade"), 1000.0);
        assert!(item.is_due(1000.0, true, false));
        item.start(1000.0);
        assert!(!item.is_due(1001.0, true, false), "one sender at a time");
        assert!(item.is_due(1001.0, true, true), "unless its sender is gone");
        let answer = reacted();
        item.settle(Outcome::Done(answer), 1100.0, 0.0);
        assert!(item.is_sent() && !item.is_due(99_999.0, true, true));
        assert!(!item.is_expired(1100.0 + KEEP_SENT_MS) && item.is_expired(1101.0 + KEEP_SENT_MS));
    }

    #[test]
    fn an_item_older_than_the_backends_memory_of_its_key_waits_for_the_resident() {
        const DAY: f64 = 86_400_000.0;
        let mut item = Item::new("k".into(), argument("Shade"), 0.0);
        item.start(0.0);
        item.settle(
            Outcome::Error(BackendError::Offline("TypeError".into())),
            10.0,
            0.0,
        );
        // A month later the backend may have applied it and forgotten the key.
        let later = IDEMPOTENCY_KEPT_MS as f64 + DAY;
        assert!(item.is_due(later, true, false));
        assert!(!item.start(later), "not sent by itself");
        assert_eq!(
            item.delivery,
            Delivery::Failed {
                error: BackendError::Outlived
            }
        );
        assert!(!item.is_due(later + 1.0, true, true));
        // The resident checked and sends it again: it goes, as new.
        item.retry(later + 2.0, "k2".into());
        assert!(item.is_due(later + 2.0, true, false));
        assert!(item.start(later + 2.0));
        assert_eq!(item.request_key(), "k", "the backend may still know it");
        // Within the backend's memory, it is simply sent again.
        let mut young = Item::new("y".into(), argument("Trees"), 0.0);
        assert!(young.start(IDEMPOTENCY_KEPT_MS as f64 - DAY));
        // A reaction is a state set again, harmless at any age.
        let mut wish = Item::new("r".into(), reaction(true), 0.0);
        assert!(wish.start(later));
    }

    #[test]
    fn passing_failures_are_retried_later_and_refusals_wait_for_the_resident() {
        let mut item = Item::new("k".into(), argument("x"), 0.0);
        item.start(0.0);
        item.settle(
            Outcome::Error(BackendError::Offline("TypeError".into())),
            10.0,
            0.0,
        );
        assert_eq!(item.delivery, Delivery::Offline);
        assert!(!item.is_due(2010.0, false, false), "not while offline");
        assert!(
            !item.is_due(20.0, true, false),
            "not at once: the network may only seem up"
        );
        assert!(item.is_due(2010.0, true, false));
        item.start(2020.0);
        item.settle(Outcome::Error(BackendError::Status(503)), 2030.0, 0.0);
        assert_eq!((item.attempts, item.next_attempt), (2, 2030.0 + 5_000.0));
        assert!(!item.is_due(7000.0, true, false) && item.is_due(7030.0, true, false));
        item.start(7030.0);
        item.settle(Outcome::Error(BackendError::Timeout(15_000)), 7040.0, 0.0);
        assert_eq!(item.next_attempt, 7040.0 + 15_000.0);
        item.start(9000.0);
        item.settle(
            Outcome::Error(problem(ProblemCode::ValidationFailed)),
            9010.0,
            0.0,
        );
        assert!(matches!(item.delivery, Delivery::Failed { .. }));
        assert!(!item.is_due(f64::MAX, true, true));
        assert_eq!(item.request_key(), "k");
        // Sent again under a new key: the backend replays its refusal under the old one.
        item.retry(9020.0, "k2".into());
        assert!(item.is_due(9020.0, true, false));
        assert_eq!((item.key.as_str(), item.request_key()), ("k", "k2"));
    }

    #[test]
    fn a_recorded_answer_is_never_written_over_by_an_older_state() {
        let mut sent = Item::new("k".into(), argument("Shade"), 0.0);
        sent.settle(Outcome::Done(reacted()), 1.0, 0.0);
        // Another tab read it while it was on its way, then the resident
        // discarded it there.
        let mut stale = Item::new("k".into(), argument("Shade"), 0.0);
        stale.start(0.5);
        stale.ask_discard(2.0);
        assert!(!stale.may_replace(&sent));
        assert!(sent.may_replace(&stale));
        let mut again = sent.clone();
        again.ask_discard(3.0);
        assert!(again.may_replace(&sent));
    }

    #[test]
    fn only_sent_items_have_answers_to_pick() {
        let state = ReactionState {
            argument_id: "a1".into(),
            reactions: Default::default(),
            my_reactions: vec![],
        };
        let mut sent = Item::new("k1".into(), argument("Shade"), 0.0);
        sent.settle(Outcome::Done(Answer::Reaction(state.clone())), 1.0, 0.0);
        let waiting = Item::new("k2".into(), argument("Benches"), 0.0);
        let items = [sent, waiting];
        fn reactions(a: &Answer) -> Option<&ReactionState> {
            match a {
                Answer::Reaction(r) => Some(r),
                _ => None,
            }
        }
        assert_eq!(
            sent_answers(&items, reactions).collect::<Vec<_>>(),
            vec![&state]
        );
        assert_eq!(sent_answers(&items, Answer::argument).count(), 0);
    }

    #[test]
    fn its_view_changes_once_sent_not_at_each_attempt() {
        let mut item = Item::new("k".into(), argument("Shade"), 0.0);
        let before = item.progress();
        item.start(1.0);
        item.settle(Outcome::Error(BackendError::Status(503)), 2.0, 0.0);
        assert_eq!(item.progress(), before);
        let answer = reacted();
        item.settle(Outcome::Done(answer.clone()), 3.0, 0.0);
        assert_eq!(item.progress(), Progress::Sent(answer));
    }

    #[test]
    fn only_a_refusal_is_sent_again_under_a_new_key() {
        // The first request still runs: asked again later, same key.
        let mut item = Item::new("k".into(), argument("x"), 0.0);
        item.start(0.0);
        item.settle(
            Outcome::Error(problem(ProblemCode::IdempotencyKeyInFlight)),
            1.0,
            0.0,
        );
        assert_eq!(item.delivery, Delivery::Queued);
        // A bare status may come from a proxy, the request may have gone
        // through: the resident's "send again" keeps the key.
        item.start(10_000.0);
        item.settle(Outcome::Error(BackendError::Status(409)), 10_001.0, 0.0);
        item.retry(10_002.0, "k2".into());
        assert_eq!(item.request_key(), "k");
    }

    #[test]
    fn an_item_tried_in_vain_can_be_given_up_even_while_tried_again() {
        let offers = |item: &Item| (item.offers().send_again, item.offers().discard);
        let offline = || Outcome::Error(BackendError::Offline("down".into()));
        let unavailable = || Outcome::Error(BackendError::Status(503));
        let mut item = Item::new("k".into(), argument("x"), 0.0);
        assert_eq!(
            offers(&item),
            (false, false),
            "a first attempt takes seconds"
        );
        item.start(0.0);
        assert_eq!(offers(&item), (false, false));
        item.settle(unavailable(), 1.0, 0.0);
        assert_eq!((offers(&item), item.is_busy()), ((true, true), false));
        item.start(5_000.0);
        assert_eq!((offers(&item), item.is_busy()), ((true, true), true));
        item.settle(offline(), 5_001.0, 0.0);
        assert_eq!(
            offers(&item),
            (true, true),
            "the same buttons, offline or not"
        );
        item.start(15_000.0);
        assert_eq!(offers(&item), (true, true));
        item.settle(unavailable(), 15_001.0, 0.0);
        item.retry(15_002.0, "k2".into());
        assert!(
            item.is_due(15_002.0, true, false),
            "now, not at its retry time"
        );
        assert_eq!(item.request_key(), "k");
        item.settle(
            Outcome::Error(problem(ProblemCode::PhaseClosed)),
            16_000.0,
            0.0,
        );
        assert_eq!(offers(&item), (false, true), "sending again cannot help");
        item.settle(
            Outcome::Error(problem(ProblemCode::Unauthorized)),
            16_001.0,
            0.0,
        );
        assert_eq!(offers(&item), (false, true));
    }

    #[test]
    fn a_discard_during_an_attempt_waits_for_its_end_and_yields_to_a_success() {
        let unavailable = || Outcome::Error(BackendError::Status(503));
        let tried = || {
            let mut item = Item::new("k".into(), argument("x"), 0.0);
            item.settle(unavailable(), 1.0, 0.0);
            item.start(5_000.0);
            item
        };
        let mut item = tried();
        assert!(
            !item.ask_discard(5_001.0),
            "the attempt may still be recorded"
        );
        assert!(!item.is_due(5_001.0, true, true), "never sent again");
        item.settle(unavailable(), 6_000.0, 0.0);
        assert!(
            item.is_discarded(6_000.0, false),
            "it failed: the discard goes ahead"
        );

        let mut item = tried();
        item.ask_discard(5_001.0);
        let answer = reacted();
        item.settle(Outcome::Done(answer), 6_000.0, 0.0);
        assert!(
            !item.is_discarded(6_000.0, true),
            "recorded: it stays, as sent"
        );

        let mut item = tried();
        assert!(!item.ask_discard(5_001.0));
        let gone = 5_000.0 + SENDING_STALE_MS + 1.0;
        assert!(item.is_discarded(gone, false), "marked long ago");
        assert!(!item.is_discarded(5_002.0, false));
        assert!(item.is_discarded(5_002.0, true), "its tab was closed");
        let mut item = Item::new("k".into(), argument("x"), 0.0);
        item.settle(
            Outcome::Error(BackendError::Offline("down".into())),
            1.0,
            0.0,
        );
        assert!(item.ask_discard(2.0), "nothing on its way: at once");
    }

    #[test]
    fn a_rejected_sign_in_waits_for_a_new_one() {
        let mut item = Item::new("k".into(), argument("x"), 0.0);
        item.settle(Outcome::Error(problem(ProblemCode::Unauthorized)), 1.0, 0.0);
        assert_eq!(item.delivery, Delivery::NeedsSignIn);
        assert!(!item.is_due(1e12, true, true));
        item.retry(2.0, "k2".into());
        assert!(item.is_due(2.0, true, false));
        assert_eq!(item.request_key(), "k", "nothing was stored under the key");
    }

    #[test]
    fn a_change_not_yet_recorded_leaves_the_last_recorded_ballot_counting() {
        let receipt = |tracker: &str| BallotReceipt {
            tracker: tracker.into(),
            recorded_at: plaza_contract::Timestamp::try_from("2026-05-01T10:00:00Z")
                .expect("timestamp"),
        };
        let recorded = MyBallot {
            ranking: vec!["x".into()],
            receipt: receipt("T-OLD"),
        };
        let mut first = Item::new("b1".into(), ballot(&["a", "b"]), 0.0);
        first.settle(Outcome::Done(Answer::Ballot(receipt("T-1"))), 1.0, 0.0);
        let mut change = Item::new("b2".into(), ballot(&["b"]), 2.0);
        change.settle(Outcome::Error(problem(ProblemCode::PollClosed)), 3.0, 0.0);
        let items = [first.clone(), change.clone()];
        let counting = ballot_counting_meanwhile(&items, Some(&recorded)).expect("one counts");
        assert_eq!(
            (counting.ranking, counting.receipt.tracker.as_str()),
            (vec!["a".to_string(), "b".to_string()], "T-1")
        );
        // Refused with no ballot sent from here: the backend's.
        let counting = ballot_counting_meanwhile(&items[1..], Some(&recorded));
        assert_eq!(counting.map(|b| b.receipt.tracker), Some("T-OLD".into()));
        // The newest recorded: it is the one shown, nothing besides.
        assert_eq!(
            ballot_counting_meanwhile(&items[..1], Some(&recorded)),
            None
        );
        assert_eq!(ballot_counting_meanwhile(&[], Some(&recorded)), None);
        // Waiting, never voted before: nothing counts yet.
        let waiting = Item::new("b3".into(), ballot(&["a"]), 4.0);
        assert_eq!(ballot_counting_meanwhile(&[waiting], None), None);
    }

    #[test]
    fn backoff_grows_and_stops_at_a_minute() {
        let waits: Vec<f64> = (1..8).map(|a| backoff_ms(a, 0.0)).collect();
        assert!(waits.windows(2).all(|w| w[0] <= w[1]), "{waits:?}");
        assert_eq!(backoff_ms(50, 0.0), 60_000.0);
        assert_eq!(backoff_ms(1, 0.999_999).round(), 2_500.0);
    }

    #[test]
    fn only_the_last_reaction_wish_is_kept_until_it_is_sent() {
        let mut items = Vec::new();
        add(&mut items, Item::new("r1".into(), reaction(true), 0.0));
        let added = add(&mut items, Item::new("r2".into(), reaction(false), 1.0));
        assert_eq!(added.removed, ["r1"]);
        assert_eq!(items.len(), 1);
        items[0].start(2.0);
        let added = add(&mut items, Item::new("r3".into(), reaction(true), 3.0));
        assert_eq!(items.len(), 2, "one already on its way stays");
        assert_eq!(added.superseded, ["r2"]);
        add(&mut items, Item::new("a".into(), argument("x"), 4.0));
        add(&mut items, Item::new("b".into(), argument("x"), 5.0));
        assert_eq!(items.len(), 4, "arguments are never merged");
    }

    /// A ballot changed while the one before is on its way: a passing
    /// failure of that attempt must not send the older one again after the
    /// newer (the backend keeps the last one it receives).
    #[test]
    fn a_ballot_on_its_way_when_changed_is_never_sent_after_the_change() {
        let mut items = vec![Item::new("first".into(), ballot(&["a"]), 0.0)];
        assert!(items[0].start(1.0));
        let added = add(&mut items, Item::new("second".into(), ballot(&["b"]), 2.0));
        assert_eq!(added.superseded, ["first"]);
        // The attempt fails for now (a 503): the older ballot is given up,
        // not queued again, and only the newer one is due, ever.
        items[0].settle(Outcome::Error(BackendError::Status(503)), 3.0, 0.5);
        assert!(items[0].is_discarded(3.0, false));
        assert!(!items[0].is_due(1e12, true, false));
        assert_eq!(
            next_due(&items, 1e12, true, false).map(|i| i.key.as_str()),
            Some("second")
        );
        // Had it got through, it would stay recorded, and the newer one
        // would still go after it.
        let mut recorded = vec![Item::new("first".into(), ballot(&["a"]), 0.0)];
        assert!(recorded[0].start(1.0));
        add(
            &mut recorded,
            Item::new("second".into(), ballot(&["b"]), 2.0),
        );
        let answer = Answer::Ballot(BallotReceipt {
            tracker: "t-1".into(),
            recorded_at: plaza_contract::Timestamp::try_from("2026-05-01T10:00:00Z")
                .expect("timestamp"),
        });
        recorded[0].settle(Outcome::Done(answer), 3.0, 0.5);
        assert!(recorded[0].is_sent() && !recorded[0].is_discarded(3.0, false));
        assert_eq!(
            next_due(&recorded, 3.0, true, false).map(|i| i.key.as_str()),
            Some("second")
        );
    }

    /// On a device shared by two residents the city's site signs in, one's
    /// waiting ballot is not replaced by the other's.
    #[test]
    fn another_residents_ballot_is_not_replaced() {
        let signed = |key: &str, ranking: &[&str], signer: &str| {
            let mut item = Item::new(key.into(), ballot(ranking), 0.0);
            item.signed_in = true;
            item.signer = Some(signer.into());
            item
        };
        let mut items = vec![signed("lea", &["a"], "lea-hash")];
        let added = add(&mut items, signed("omar", &["b"], "omar-hash"));
        assert_eq!(added, Added::default());
        assert_eq!(items.len(), 2);
        let added = add(&mut items, signed("omar-again", &["c"], "omar-hash"));
        assert_eq!(added.removed, ["omar"]);
        let anonymous = Item::new("anon".into(), ballot(&["a"]), 0.0);
        assert!(
            add(&mut items, anonymous).removed.is_empty(),
            "signed-in ballots are not the device's"
        );
        // The device's anonymous ballot is anyone's own here, as it is shown.
        let added = add(&mut items, signed("lea-again", &["b"], "lea-hash"));
        assert_eq!(added.removed, ["lea", "anon"]);
    }

    #[test]
    fn the_oldest_due_item_goes_first_and_the_sender_knows_when_to_wake() {
        let mut items = vec![
            Item::new("late".into(), argument("b"), 20.0),
            Item::new("early".into(), argument("a"), 10.0),
        ];
        assert_eq!(
            next_due(&items, 30.0, true, false).map(|i| i.key.as_str()),
            Some("early")
        );
        for item in &mut items {
            item.start(30.0);
            item.settle(Outcome::Error(BackendError::Status(500)), 31.0, 0.0);
        }
        assert_eq!(next_due(&items, 31.0, true, false), None);
        assert_eq!(next_pass_in(&items, 31.0, true), Some(2000));
    }

    #[test]
    fn the_sender_waits_for_the_next_retry_and_never_spins() {
        let at = |delivery: Delivery, next_attempt: f64| {
            let mut item = Item::new("k".into(), argument("t"), 0.0);
            item.delivery = delivery;
            item.next_attempt = next_attempt;
            item
        };
        let now = 100_000.0;
        assert_eq!(next_pass_in(&[], now, true), None);
        assert_eq!(
            next_pass_in(&[at(Delivery::Queued, now + 4_000.0)], now, true),
            Some(4_000)
        );
        // A retry time past (the item not sendable in this pass): not at once.
        assert_eq!(
            next_pass_in(&[at(Delivery::Queued, now - 5.0)], now, true),
            Some(500)
        );
        // Offline with its retry time past: the network is looked for every
        // few seconds, not in a loop.
        assert_eq!(
            next_pass_in(&[at(Delivery::Offline, now - 5_000.0)], now, false),
            Some(3_000)
        );
        assert_eq!(
            next_pass_in(&[at(Delivery::Offline, now + 1_000.0)], now, true),
            Some(1_000)
        );
        // Another tab's "sending" mark: looked at when it goes stale.
        let sending = at(Delivery::Sending { since: now }, 0.0);
        assert_eq!(next_pass_in(&[sending], now, true), Some(90_000));
        let sent = at(
            Delivery::Sent {
                answer: Answer::Reaction(ReactionState {
                    argument_id: "a".into(),
                    reactions: Default::default(),
                    my_reactions: vec![],
                }),
                at: now,
            },
            0.0,
        );
        assert_eq!(next_pass_in(&[sent], now, true), None);
    }

    #[test]
    fn items_survive_storage() {
        let mut item = Item::new("k".into(), argument("Ça « marche » ✓"), 5.0);
        item.settle(Outcome::Error(problem(ProblemCode::PhaseClosed)), 6.0, 0.0);
        let text = serde_json::to_string(&item).unwrap_or_default();
        let back: Item = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
        assert_eq!(back, item);
    }

    #[test]
    fn a_view_keeps_what_the_outbox_dropped_once_expired_not_what_was_forgotten() {
        let answer = reacted();
        let sent = |key: &str, submission: Submission, created: f64| {
            let mut item = Item::new(key.into(), submission, created);
            item.start(created);
            item.settle(Outcome::Done(answer.clone()), created, 0.0);
            item
        };
        let old = sent("old", argument("old"), 1.0);
        let old_reaction = sent("old-reaction", reaction(true), 2.0);
        let recent = sent("recent", argument("recent"), 2.0 * KEEP_SENT_MS);
        let waiting = Item::new("waiting".into(), argument("w"), 3.0 * KEEP_SENT_MS);
        let before = vec![old.clone(), old_reaction, recent.clone(), waiting.clone()];
        let now = 2.5 * KEEP_SENT_MS;
        let keys = |items: Vec<Item>| items.into_iter().map(|i| i.key).collect::<Vec<_>>();

        // The outbox dropped the expired items: the view keeps the
        // argument, in its place, not the reaction (its card holds the answer).
        let shown = keep_expired(&before, vec![recent.clone(), waiting.clone()], now, 0.0);
        assert_eq!(keys(shown), ["old", "recent", "waiting"]);
        // An outbox emptied by "forget me" (here or in another tab): nothing
        // from before stays.
        assert!(keep_expired(&before, vec![], now, now).is_empty());
        // An outbox merely empty, every item expired: they stay.
        assert_eq!(keys(keep_expired(&before, vec![], now, 0.0)), ["old"]);
        // Nothing is kept twice, and what the outbox still has is its own version.
        let mut again = old.clone();
        again.attempts = 7;
        let shown = keep_expired(&before, vec![again, recent], now, 0.0);
        assert_eq!(shown.len(), 2);
        assert_eq!(shown[0].attempts, 7);
    }
}
