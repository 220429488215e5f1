//! The outbox in the browser: every submission is stored before it is
//! sent, and sent in the background until the backend has it — after a
//! network failure, when the browser is online again, after a reload.
//!
//! - Storage: one `localStorage` key per item (page memory where storage
//!   is blocked), so that tabs never overwrite each other's items.
//! - One sender: a tab sends only while it holds the backend's Web Lock
//!   (`lock.rs`), so two tabs of a page never send an item twice; an item
//!   left "sending" by a tab that is gone is sent again with the same
//!   idempotency key, which the backend applies once.
//! - Every instance on the page that uses the backend shares its outbox;
//!   they are told of changes by subscription, other tabs by a
//!   `BroadcastChannel`. Nothing listens on the window: waiting for the
//!   network is a look at `navigator.onLine` every few seconds.
//!
//! The states and their transitions are `crate::state::outbox`.

mod lock;

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::backend::{json, Backend, KeyValue};
use crate::state::outbox::{self, Answer, Item, Outcome, Submission};
use crate::state::signer::same_signer;

/// How often the sender looks whether another tab that sends went away.
const OTHER_SENDER_POLL_MS: u32 = 6_000;

/// A subscriber: its instance, the deliberation it shows, and its
/// callback, told that the items changed.
struct Listener {
    id: u64,
    instance: String,
    deliberation: String,
    /// The instance's backend, with its identity (a page may sign the
    /// resident in for one widget and not for another).
    backend: Backend,
    on_change: Rc<dyn Fn()>,
}

/// The outbox of one backend on this page.
pub struct Outbox {
    /// What names the backend in storage keys and locks.
    name: String,
    backend: RefCell<Backend>,
    listeners: RefCell<Vec<Listener>>,
    next_listener: Cell<u64>,
    /// A sending pass is under way (or scheduled).
    running: Cell<bool>,
    /// The latest wake-up scheduled after a pass: an earlier one that
    /// fires after a later was scheduled does nothing, so that passes
    /// started meanwhile (a submission, another tab's message) never leave
    /// two chains of wake-ups.
    wake: Cell<u64>,
    /// When the resident last had this backend forget them here, in this
    /// tab or another (0: not since the page loaded).
    forgotten_at: Cell<f64>,
    /// The items whose answer this page received: when the widget an item
    /// was written in is gone (a reload while sending), the host page that
    /// sent it hears of it; not other tabs, nor a reload after it was sent.
    answered_here: RefCell<Vec<String>>,
    /// The items the last sending pass read (see [`Outbox::pass`]).
    seen: RefCell<Vec<Item>>,
    channel: Option<web_sys::BroadcastChannel>,
    _on_message: Option<Closure<dyn FnMut(web_sys::MessageEvent)>>,
}

thread_local! {
    static OUTBOXES: RefCell<HashMap<String, Rc<Outbox>>> = RefCell::new(HashMap::new());
}

/// Stops telling a subscriber when dropped (its instance is gone).
pub struct Subscription {
    outbox: Rc<Outbox>,
    id: u64,
}

impl Drop for Subscription {
    fn drop(&mut self) {
        self.outbox
            .listeners
            .borrow_mut()
            .retain(|l| l.id != self.id);
    }
}

/// What a tab tells the others when the resident had it forget them.
const FORGOTTEN: &str = "forgotten";

fn now() -> f64 {
    js_sys::Date::now()
}

fn online() -> bool {
    web_sys::window().is_none_or(|w| w.navigator().on_line())
}

/// A fresh idempotency key. `crypto.randomUUID` would throw on a city page
/// served over http and in browsers before 2022 (a JS exception through the
/// wasm, losing the submission); `getRandomValues` is everywhere.
pub fn new_key() -> String {
    let mut random = [0_u8; 16];
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .is_some_and(|c| c.get_random_values_with_u8_array(&mut random).is_ok());
    if !filled {
        // No crypto at all: random enough to tell one resident's items apart.
        for byte in &mut random {
            *byte = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    outbox::key_from(random)
}

impl Outbox {
    /// The page's outbox for `backend` (named `name`); `backend` becomes
    /// the one it sends with when no instance of an item's identity is left
    /// on the page (see [`Outbox::backend_for`]).
    pub fn of(name: &str, backend: &Backend) -> Rc<Outbox> {
        let existing = OUTBOXES.with(|o| o.borrow().get(name).cloned());
        if let Some(outbox) = existing {
            *outbox.backend.borrow_mut() = backend.clone();
            return outbox;
        }
        let outbox = Rc::new_cyclic(|weak: &std::rc::Weak<Outbox>| {
            let channel = web_sys::BroadcastChannel::new(&format!("plaza-outbox:{name}")).ok();
            let on_message = channel.as_ref().map(|channel| {
                let weak = weak.clone();
                let closure = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(
                    move |e: web_sys::MessageEvent| {
                        // Another tab changed the items.
                        if let Some(outbox) = weak.upgrade() {
                            if e.data().as_string().as_deref() == Some(FORGOTTEN) {
                                outbox.forgotten_at.set(now());
                            }
                            outbox.notify();
                            outbox.kick();
                        }
                    },
                );
                channel.set_onmessage(Some(closure.as_ref().unchecked_ref()));
                closure
            });
            Outbox {
                name: name.to_owned(),
                backend: RefCell::new(backend.clone()),
                listeners: RefCell::new(Vec::new()),
                next_listener: Cell::new(0),
                running: Cell::new(false),
                wake: Cell::new(0),
                forgotten_at: Cell::new(0.0),
                answered_here: RefCell::new(Vec::new()),
                seen: RefCell::new(Vec::new()),
                channel,
                _on_message: on_message,
            }
        });
        OUTBOXES.with(|o| o.borrow_mut().insert(name.to_owned(), outbox.clone()));
        outbox
    }

    fn prefix(&self) -> String {
        format!("plaza:outbox:v1:{}:", self.name)
    }

    /// Whether items survive a reload here (storage allowed).
    pub fn is_persistent(&self) -> bool {
        KeyValue::of(&self.name).is_persistent()
    }

    /// Every item, oldest first. Unreadable entries (another version) are left alone.
    pub fn items(&self) -> Vec<Item> {
        let storage = KeyValue::of(&self.name);
        let mut items: Vec<Item> = storage
            .keys(&self.prefix())
            .iter()
            .filter_map(|k| storage.get(k))
            .filter_map(|text| json::from_text(&text).ok())
            .collect();
        items.sort_by(|a, b| a.created.total_cmp(&b.created));
        items
    }

    /// The item `key`, read alone (unreadable: none, as in [`Self::items`]).
    fn item(&self, key: &str) -> Option<Item> {
        KeyValue::of(&self.name)
            .get(&format!("{}{key}", self.prefix()))
            .and_then(|text| json::from_text(&text).ok())
    }

    /// Writes `item` unless storage holds an answer it would lose (see
    /// [`Item::may_replace`]); answers whether it did.
    fn save(&self, item: &Item) -> bool {
        if self
            .item(&item.key)
            .is_some_and(|stored| !item.may_replace(&stored))
        {
            return false;
        }
        if let Ok(text) = json::to_text(item) {
            KeyValue::of(&self.name).set(&format!("{}{}", self.prefix(), item.key), &text);
        }
        true
    }

    fn remove(&self, key: &str) {
        KeyValue::of(&self.name).remove(&format!("{}{key}", self.prefix()));
    }

    /// Removes an item given up or replaced, unless storage now holds its
    /// answer (read by another tab after what decided it was taken).
    fn give_up(&self, key: &str) {
        if !self.item(key).is_some_and(|stored| stored.is_sent()) {
            self.remove(key);
        }
    }

    /// Tells this page's instances and the other tabs that items changed.
    fn changed(&self) {
        self.tell_all(&JsValue::TRUE);
    }

    /// Tells this page's instances, and the other tabs `news`.
    fn tell_all(&self, news: &JsValue) {
        self.notify();
        if let Some(channel) = &self.channel {
            let _ = channel.post_message(news);
        }
    }

    fn notify(&self) {
        let listeners: Vec<Rc<dyn Fn()>> = self
            .listeners
            .borrow()
            .iter()
            .map(|l| l.on_change.clone())
            .collect();
        for listener in listeners {
            listener();
        }
    }

    /// Calls `on_change` whenever the items change, until the subscription
    /// is dropped; `instance` shows `deliberation`.
    pub fn subscribe(
        self: &Rc<Self>,
        instance: &str,
        deliberation: &str,
        backend: &Backend,
        on_change: impl Fn() + 'static,
    ) -> Subscription {
        let id = self.next_listener.get();
        self.next_listener.set(id + 1);
        self.listeners.borrow_mut().push(Listener {
            id,
            instance: instance.to_owned(),
            deliberation: deliberation.to_owned(),
            backend: backend.clone(),
            on_change: Rc::new(on_change),
        });
        Subscription {
            outbox: self.clone(),
            id,
        }
    }

    /// The backend `item` is sent with: that of the instance it was
    /// submitted in, if still here and of the same identity (signed in by
    /// the host page, or not), else of another instance of that identity,
    /// else the outbox's own if it is; none when no instance on this page
    /// has the item's identity (it waits for one, or for another tab). A
    /// signed-in item goes with a sign-in the backend has not rejected if
    /// there is one, else with a rejected one (and waits for a new sign-in).
    fn backend_for(&self, item: &Item) -> Option<Backend> {
        let listeners = self.listeners.borrow();
        let own = self.backend.borrow();
        let candidates = || {
            let of_origin = listeners.iter().filter(|l| l.instance == item.origin);
            of_origin
                .chain(listeners.iter())
                .map(|l| &l.backend)
                .chain(std::iter::once(&*own))
        };
        let theirs = |b: &&Backend| same_signer(item.signer.as_deref(), b.host_signer());
        let found = if item.signed_in {
            candidates()
                .filter(theirs)
                .find(|b| b.host_token_usable())
                .or_else(|| candidates().filter(theirs).find(|b| b.has_host_token()))
        } else {
            candidates().find(|b| !b.has_host_token())
        };
        found.cloned()
    }

    /// The backend of `instance`, or the outbox's own if it is not here.
    fn backend_of(&self, instance: &str) -> Backend {
        let listeners = self.listeners.borrow();
        match listeners.iter().find(|l| l.instance == instance) {
            Some(l) => l.backend.clone(),
            None => self.backend.borrow().clone(),
        }
    }

    /// The instance that tells the host page about `item`: the one it was
    /// submitted in, or, if that one is gone, the first showing its deliberation
    /// to the resident it belongs to (another resident's widget does not show
    /// it, so must not announce it either).
    pub fn speaker_for(&self, item: &Item) -> Option<String> {
        let listeners = self.listeners.borrow();
        if listeners.iter().any(|l| l.instance == item.origin) {
            return Some(item.origin.clone());
        }
        listeners
            .iter()
            .find(|l| {
                l.deliberation == item.submission.deliberation_id()
                    && item.is_own_of(l.backend.has_host_token(), l.backend.host_signer())
            })
            .map(|l| l.instance.clone())
    }

    /// Stores a submission made in `origin` and starts sending it; answers its key.
    pub fn submit(self: &Rc<Self>, origin: &str, submission: Submission) -> String {
        let key = new_key();
        let mut items = self.items();
        let mut item = Item::new(key.clone(), submission, now());
        item.origin = origin.to_owned();
        let backend = self.backend_of(origin);
        item.signed_in = backend.has_host_token();
        item.signer = backend.host_signer().map(str::to_owned);
        let added = outbox::add(&mut items, item);
        // The new one first: another tab reading between the writes never
        // finds neither.
        for item in items
            .iter()
            .filter(|i| i.key == key || added.superseded.contains(&i.key))
        {
            self.save(item);
        }
        for old in added.removed {
            self.give_up(&old);
        }
        self.changed();
        self.kick();
        key
    }

    /// The resident asks to send a refused item again.
    pub fn retry(self: &Rc<Self>, key: &str) {
        self.update(key, |item| item.retry(now(), new_key()));
        self.kick();
    }

    /// The resident gives an item up: at once, or when the attempt on its
    /// way ends, unless that attempt gets it recorded.
    pub fn discard(&self, key: &str) {
        let Some(mut item) = self.item(key) else {
            return;
        };
        if item.ask_discard(now()) {
            self.give_up(key);
        } else {
            self.save(&item);
        }
        self.changed();
    }

    /// A new sign-in: what waited for one (of the same resident) is sent.
    pub fn signed_in(self: &Rc<Self>) {
        self.requeue_signed_in();
        self.kick();
    }

    /// Puts back in line the items that waited for a sign-in this page has
    /// (of their resident, not rejected): after a new sign-in here, or when
    /// another tab, whose sign-in was rejected, marked them.
    fn requeue_signed_in(&self) {
        for item in self.items() {
            let theirs = || {
                self.backend_for(&item)
                    .is_some_and(|b| b.host_token_usable())
            };
            if item.delivery == outbox::Delivery::NeedsSignIn && theirs() {
                self.update(&item.key, |i| i.retry(now(), new_key()));
            }
        }
    }

    /// Forgets every item of this backend (the resident's "forget me"),
    /// and tells the other tabs that it was forgotten, not merely changed.
    pub fn forget(&self) {
        let storage = KeyValue::of(&self.name);
        for key in storage.keys(&self.prefix()) {
            storage.remove(&key);
        }
        self.forgotten_at.set(now());
        self.tell_all(&JsValue::from_str(FORGOTTEN));
    }

    /// When the resident last had this backend forget them (see
    /// [`crate::state::outbox::keep_expired`]).
    pub fn forgotten_at(&self) -> f64 {
        self.forgotten_at.get()
    }

    /// Whether the item `key` was sent from this page.
    pub fn answered_here(&self, key: &str) -> bool {
        self.answered_here.borrow().iter().any(|k| k == key)
    }

    fn update(&self, key: &str, change: impl FnOnce(&mut Item)) {
        let Some(mut item) = self.item(key) else {
            return;
        };
        change(&mut item);
        self.save(&item);
        self.changed();
    }

    /// Starts a sending pass unless one is under way.
    pub fn kick(self: &Rc<Self>) {
        if self.running.replace(true) {
            return;
        }
        let outbox = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let wake_in = outbox.clone().pass().await;
            outbox.running.set(false);
            if let Some(ms) = wake_in {
                let wake = outbox.wake.get().wrapping_add(1);
                outbox.wake.set(wake);
                gloo_timers::future::TimeoutFuture::new(ms).await;
                // Nobody left to show it to: the items wait in storage for the next page.
                if outbox.wake.get() == wake && !outbox.listeners.borrow().is_empty() {
                    outbox.kick();
                }
            }
        });
    }

    /// One pass, under the backend's lock: sends every due item, one at a
    /// time. Answers when to look again, if anything is left to send.
    async fn pass(self: Rc<Self>) -> Option<u32> {
        let this = self.clone();
        let held = lock::with_lock(&format!("plaza-outbox:{}", self.name), move |sender_gone| {
            this.send_due(sender_gone)
        })
        .await;
        let items = self.items();
        // Another tab's message can reach this one before its write to
        // storage does (the browser carries them apart), and the instances
        // told then read the items as they were: each pass that reads
        // other items than the last tells them again.
        let unseen = *self.seen.borrow() != items;
        if unseen {
            self.seen.replace(items.clone());
            self.notify();
        }
        // Sent items the view no longer needs.
        for item in items.iter().filter(|i| i.is_expired(now())) {
            self.remove(&item.key);
        }
        // Discarded during an attempt whose sender went long ago.
        self.drop_discarded(&items, false);
        if held.is_none() {
            // Another tab is sending: look again later, in case it goes away.
            return (!items.iter().all(|i| i.is_sent())).then_some(OTHER_SENDER_POLL_MS);
        }
        // Items waiting for an identity this page lacks are another page's.
        let mine: Vec<Item> = items
            .into_iter()
            .filter(|i| self.backend_for(i).is_some())
            .collect();
        outbox::next_pass_in(&mine, now(), online())
    }

    /// Removes those of `items` discarded during an attempt that is over
    /// (`sender_gone`: as for [`Self::send_due`]).
    fn drop_discarded(&self, items: &[Item], sender_gone: bool) {
        let mut gone = items
            .iter()
            .filter(|i| i.is_discarded(now(), sender_gone))
            .peekable();
        if gone.peek().is_none() {
            return;
        }
        for item in gone {
            self.give_up(&item.key);
        }
        self.changed();
    }

    /// Sends every due item (`sender_gone`: items marked "sending" belong to
    /// a tab that no longer holds the lock).
    async fn send_due(self: Rc<Self>, sender_gone: bool) {
        self.requeue_signed_in();
        // Discarded during an attempt of a tab closed before it ended.
        self.drop_discarded(&self.items(), sender_gone);
        loop {
            // Only what was submitted with a kind of identity this page
            // has: another tab of the site may be signed in when this one
            // is not.
            let items: Vec<Item> = self
                .items()
                .into_iter()
                .filter(|i| self.backend_for(i).is_some())
                .collect();
            let Some(mut item) = outbox::next_due(&items, now(), online(), sender_gone).cloned()
            else {
                return;
            };
            let Some(backend) = self.backend_for(&item) else {
                return;
            };
            let sending = item.start(now());
            // Storage says another tab got it recorded: nothing to send.
            let saved = self.save(&item);
            self.changed();
            if !sending || !saved {
                continue;
            }
            let outcome = send(&backend, &item).await;
            // The resident may have discarded it meanwhile (in any tab).
            let Some(stored) = self.item(&item.key) else {
                continue;
            };
            // Another tab sent it too (a page without Web Locks) and its
            // attempt got it recorded: that answer stays.
            if stored.is_sent() {
                continue;
            }
            item.discard_asked |= stored.discard_asked;
            item.settle(outcome, now(), js_sys::Math::random());
            if item.is_sent() {
                self.answered_here.borrow_mut().push(item.key.clone());
            }
            if item.is_discarded(now(), false) {
                self.give_up(&item.key);
            } else {
                self.save(&item);
            }
            self.changed();
        }
    }
}

/// One attempt at sending `item`, with its idempotency key.
async fn send(backend: &Backend, item: &Item) -> Outcome {
    let key = item.request_key();
    let result = match &item.submission {
        Submission::Argument {
            deliberation_id,
            new,
        } => backend
            .create_argument(deliberation_id, new, key)
            .await
            .map(Answer::Argument),
        Submission::Comment {
            argument_id, new, ..
        } => backend
            .create_comment(argument_id, new, key)
            .await
            .map(Answer::Comment),
        Submission::Proposal {
            deliberation_id,
            new,
        } => backend
            .create_proposal(deliberation_id, new, key)
            .await
            .map(Answer::Proposal),
        Submission::Flag { flag, .. } => backend.flag(flag, key).await.map(Answer::Flag),
        Submission::Reaction {
            argument_id,
            reaction,
            on,
            ..
        } => backend
            .set_reaction(argument_id, *reaction, *on)
            .await
            .map(Answer::Reaction),
        Submission::Ballot {
            poll_id, ballot, ..
        } => backend
            .cast_ballot(poll_id, ballot, key)
            .await
            .map(Answer::Ballot),
    };
    match result {
        Ok(answer) => Outcome::Done(answer),
        Err(error) => Outcome::Error(error),
    }
}
