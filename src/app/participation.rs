//! What an instance shares with its parts to let the resident take part:
//! the backend's outbox (the items of this deliberation, as a signal), the
//! device's memory (drafts, own contributions), the live region that
//! announces outcomes arriving later, and the DOM events for the host page.

use std::collections::HashMap;
use std::rc::Rc;

use leptos::prelude::*;
use plaza_contract::{FlagTarget, Stance};
use web_sys::Element;

use super::events;
use super::Ui;
use crate::backend::{Backend, BackendError};
use crate::device::Device;
use crate::outbox::{Outbox, Subscription};
use crate::state::outbox::{
    keep_expired, sent_answers, Answer, Delivery, Item, Progress, Submission,
};
use crate::state::text::start_of;
use crate::state::told::Told;

/// Characters of a published text said in its announcement.
const ANNOUNCED_CHARS: usize = 80;

/// The participation context of one instance.
#[derive(Clone, Copy)]
pub struct Participation {
    outbox: StoredValue<Rc<Outbox>, LocalStorage>,
    pub device: StoredValue<Device, LocalStorage>,
    /// This deliberation's items in the outbox, oldest first, with the sent
    /// ones it dropped since (see [`keep_expired`]).
    pub items: RwSignal<Vec<Item>>,
    pub deliberation_id: StoredValue<String>,
    /// This instance, as the outbox knows it.
    instance: StoredValue<String>,
    /// The latest announcement for screen readers (the live region's text).
    pub announcement: RwSignal<String>,
    /// The waits already announced.
    told: StoredValue<Told>,
    /// The backend rejected the host page's sign-in.
    pub token_rejected: RwSignal<bool>,
    /// The resident is signed in by the host page (no "forget me").
    pub signed_in: bool,
    /// Who signed the host page's sign-in (see `state::signer`).
    signer: StoredValue<Option<String>>,
    host: StoredValue<Element, LocalStorage>,
}

/// The shadow root an instance renders in: its host's, or that of the
/// wrapper made inside a host that cannot have one (`embed`).
fn instance_root(host: &Element) -> Option<web_sys::ShadowRoot> {
    host.shadow_root().or_else(|| {
        let children = host.children();
        (0..children.length()).find_map(|i| children.item(i)?.shadow_root())
    })
}

/// A random name for this instance.
fn instance_name() -> String {
    format!("i{:x}", (js_sys::Math::random() * 2f64.powi(48)) as u64)
}

impl Participation {
    /// Subscribes the calling component's instance to the outbox of
    /// `backend` for `deliberation_id`, until the component is disposed.
    pub fn new(
        backend: &Backend,
        deliberation_id: &str,
        host: StoredValue<Element, LocalStorage>,
    ) -> Participation {
        let name = backend.name();
        let outbox = Outbox::of(&name, backend);
        let instance = instance_name();
        let items = RwSignal::new(Vec::new());
        let token_rejected = RwSignal::new(false);
        let this = Participation {
            outbox: StoredValue::new_local(outbox.clone()),
            device: StoredValue::new_local(Device::new(&name)),
            items,
            deliberation_id: StoredValue::new(deliberation_id.to_owned()),
            instance: StoredValue::new(instance.clone()),
            announcement: RwSignal::new(String::new()),
            told: StoredValue::new(Told::default()),
            token_rejected,
            signed_in: backend.has_host_token(),
            signer: StoredValue::new(backend.host_signer().map(str::to_owned)),
            host,
        };
        let ui = expect_context::<Ui>();
        let refresh = move || this.refresh(&ui);
        // Called by the outbox, also after this instance is gone: every
        // access is a `try_`, which does nothing then.
        let subscription: Subscription =
            outbox.subscribe(&instance, deliberation_id, backend, refresh.clone());
        let subscription = StoredValue::new_local(Some(subscription));
        on_cleanup(move || {
            subscription.try_update_value(|s| s.take());
        });
        backend.when_token_rejected(Rc::new(move || {
            if token_rejected.try_get_untracked() == Some(false) {
                token_rejected.try_set(true);
                host.try_with_value(|h| events::dispatch(h, "plaza:token-rejected", &[]));
            }
        }));
        // What this page's outbox still holds from before (a reload).
        refresh();
        if this.signed_in {
            // Perhaps a new sign-in, after one the backend rejected.
            outbox.signed_in();
        } else {
            outbox.kick();
        }
        this
    }

    /// Reads the items again, and tells the resident and the host page
    /// what changed since the last look.
    fn refresh(self, ui: &Ui) {
        let Some(id) = self.deliberation_id.try_get_value() else {
            return;
        };
        let Some(outbox) = self.outbox.try_get_value() else {
            return;
        };
        let Some(signer) = self.signer.try_get_value() else {
            return;
        };
        // What this resident submitted (a device may be shared by
        // residents the city's site signs in).
        let mine = |i: &Item| i.is_own_of(self.signed_in, signer.as_deref());
        let fresh: Vec<Item> = outbox
            .items()
            .into_iter()
            .filter(|i| i.submission.deliberation_id() == id && mine(i))
            .collect();
        let Some(before_items) = self.items.try_get_untracked() else {
            return;
        };
        let before: HashMap<&str, &Delivery> = before_items
            .iter()
            .map(|i| (i.key.as_str(), &i.delivery))
            .collect();
        let me = self.instance.try_get_value().unwrap_or_default();
        for item in &fresh {
            let was = before.get(item.key.as_str());
            let new_wait = self
                .told
                .try_update_value(|t| t.new_wait(&item.key, &item.delivery))
                .unwrap_or(false);
            let changed = was.is_none_or(|d| {
                std::mem::discriminant(*d) != std::mem::discriminant(&item.delivery)
            });
            if !changed {
                continue;
            }
            if let Delivery::Sent { answer, .. } = &item.delivery {
                self.remember(&item.submission, answer);
            }
            let speaker = outbox.speaker_for(item);
            if speaker.as_deref() == Some(me.as_str()) {
                // The host page of the widget it was written in hears of
                // it; the page that sent it, if that widget is not here.
                let tell_host = item.origin == me || outbox.answered_here(&item.key);
                // A wait is news once, not at each attempt that finds the
                // network still down.
                let offline = matches!(item.delivery, Delivery::Offline);
                let known = was.is_some() && (new_wait || !offline);
                self.tell(ui, item, known, tell_host);
            }
        }
        self.told
            .try_update_value(|t| t.keep_only(fresh.iter().map(|i| i.key.as_str())));
        let shown = keep_expired(
            &before_items,
            fresh,
            js_sys::Date::now(),
            outbox.forgotten_at(),
        );
        self.items.try_set(shown);
    }

    /// Announces an item's new state, and tells the host page when it is
    /// sent or refused (`known`: it was seen before, so it is news;
    /// `tell_host`: the host page is the one to hear of it).
    fn tell(self, ui: &Ui, item: &Item, known: bool, tell_host: bool) {
        let s = ui.s();
        match &item.delivery {
            Delivery::Sent { answer, .. } => {
                if known {
                    if let Some(text) = submitted_start(&item.submission, ANNOUNCED_CHARS) {
                        let text = crate::state::text::isolated(&text);
                        self.announce(crate::i18n::fill(s.announce_published, &[("text", &text)]));
                    } else if matches!(item.submission, Submission::Ballot { .. }) {
                        self.announce(s.announce_ballot_recorded.to_owned());
                    }
                }
                if known && tell_host {
                    self.host
                        .try_with_value(|h| sent_event(h, answer, &item.submission));
                }
            }
            Delivery::Failed { error } if known => {
                let reason = error.message(s);
                // Said here once, also when the reaction's card is not drawn
                // (the card shows why, and rolls the reaction back).
                let said = match item.submission {
                    Submission::Reaction { .. } => s.reaction_refused,
                    _ => s.announce_failed,
                };
                self.announce(crate::i18n::fill(said, &[("reason", &reason)]));
                self.host.try_with_value(|h| {
                    events::dispatch(
                        h,
                        "plaza:error",
                        &[("code", error.code()), ("message", &reason)],
                    )
                });
            }
            Delivery::Offline if known => self.announce(s.announce_queued.to_owned()),
            Delivery::NeedsSignIn if known => self.announce(s.state_needs_sign_in.to_owned()),
            _ => {}
        }
    }

    /// Remembers a sent contribution (or report, or ballot) as the
    /// resident's own.
    fn remember(self, submission: &Submission, answer: &Answer) {
        let (id, text) = match answer {
            Answer::Ballot(receipt) => {
                if let Submission::Ballot {
                    poll_id, ballot, ..
                } = submission
                {
                    self.device.try_with_value(|d| {
                        d.remember_cast(poll_id, &receipt.tracker, &ballot.ranking)
                    });
                }
                return;
            }
            Answer::Argument(a) => (a.id.clone(), a.text.clone()),
            Answer::Comment(c) => (c.id.clone(), c.text.clone()),
            Answer::Proposal(p) => (p.id.clone(), p.title.clone()),
            Answer::Flag(f) => (
                flag_memory(f.target_type, &f.target_id),
                Some(String::new()),
            ),
            Answer::Reaction(_) => return,
        };
        if let Some(text) = text {
            self.device.try_with_value(|d| d.remember_mine(&id, &text));
        }
    }

    /// Moves focus to the element `id` of this instance at the next frame
    /// (once what a change draws is drawn), if it is there then.
    pub fn focus_later(self, id: String) {
        if let Some(root) = self.host.try_with_value(instance_root).flatten() {
            super::focus_in_later(root, id);
        }
    }

    pub fn announce(self, text: String) {
        // The same text twice would not be read again: clear it first.
        self.announcement.try_set(String::new());
        request_animation_frame(move || {
            self.announcement.try_set(text);
        });
    }

    /// This deliberation's items whose submission `belongs` to a part of
    /// the view (an argument column, a thread), oldest first.
    pub fn mine(
        self,
        belongs: impl Fn(&Submission) -> bool + Send + Sync + 'static,
    ) -> Memo<Vec<Item>> {
        Memo::new(move |_| {
            self.items.with(|items| {
                items
                    .iter()
                    .filter(|i| belongs(&i.submission))
                    .cloned()
                    .collect()
            })
        })
    }

    /// Where the item `key` is, for its view (none after "forget me").
    pub fn progress(self, key: String) -> Memo<Option<Progress>> {
        Memo::new(move |_| {
            self.items
                .with(|items| items.iter().find(|i| i.key == key).map(Item::progress))
        })
    }

    /// A form's contribution: refused in the form when the contract would
    /// refuse it (`problem` set, focus on its message `problem_id`), else
    /// handed to the outbox; then the drafts of its fields are cleared and
    /// focus follows the new item (near the form, in the same shadow root).
    /// Whether it was taken.
    pub fn send_form<E>(
        self,
        valid: bool,
        submission: Submission,
        (problem, problem_id): (RwSignal<bool>, &str),
        drafts: &[String],
        near: NodeRef<E>,
    ) -> bool
    where
        E: leptos::html::ElementType,
        E::Output: wasm_bindgen::JsCast + Clone + 'static,
    {
        problem.set(!valid);
        if !valid {
            super::focus_later(near, problem_id.to_owned());
            return false;
        }
        let Some(key) = self.submit(submission) else {
            return false;
        };
        self.device.with_value(|d| {
            for draft in drafts {
                d.save_draft(draft, "");
            }
        });
        super::focus_later(near, format!("plaza-item-{key}"));
        true
    }

    /// Stores `submission` in the outbox and starts sending it.
    pub fn submit(self, submission: Submission) -> Option<String> {
        let instance = self.instance.try_get_value()?;
        self.outbox
            .try_with_value(|o| o.submit(&instance, submission))
    }

    pub fn retry(self, key: &str) {
        self.outbox.try_with_value(|o| o.retry(key));
    }

    pub fn discard(self, key: &str) {
        self.outbox.try_with_value(|o| o.discard(key));
    }

    /// Whether items survive a reload on this device.
    pub fn is_persistent(self) -> bool {
        self.outbox
            .try_with_value(|o| o.is_persistent())
            .unwrap_or(true)
    }

    /// "Forget me on this device": the anonymous identity, the drafts, the
    /// contributions remembered as the resident's, and everything unsent.
    pub fn forget(self, backend: &Backend) {
        backend.forget_participant();
        self.device.with_value(Device::forget);
        self.outbox.try_with_value(|o| o.forget());
    }

    /// The resident's report of `target` that the backend refused, if any:
    /// its outbox key and the reason.
    pub fn refused_report(self, target: FlagTarget, id: &str) -> Option<(String, BackendError)> {
        self.items.with(|items| {
            items
                .iter()
                .find_map(|i| match (&i.submission, &i.delivery) {
                    (Submission::Flag { flag, .. }, Delivery::Failed { error })
                        if flag.target_type == target && flag.target_id == id =>
                    {
                        Some((i.key.clone(), error.clone()))
                    }
                    _ => None,
                })
        })
    }

    /// Whether the resident already reported `target` (sent, or on its way).
    pub fn reported(self, target: FlagTarget, id: &str) -> bool {
        self.items.with(|items| {
            items.iter().any(|i| match &i.submission {
                Submission::Flag { flag, .. } => {
                    flag.target_type == target
                        && flag.target_id == id
                        && !matches!(i.delivery, Delivery::Failed { .. })
                }
                _ => false,
            })
        }) || self
            .device
            .with_value(|d| d.my_text(&flag_memory(target, id)).is_some())
    }
}

/// Once sent, each of `mine`'s contributions that `pick` takes is handed
/// to `include`, which adds it to the list its part of the view loaded: it
/// stays there after "forget me" too.
pub fn keep_sent<T: Clone + 'static>(
    mine: Memo<Vec<Item>>,
    pick: fn(&Answer) -> Option<&T>,
    include: impl Fn(T) + 'static,
) {
    Effect::new(move |_| {
        let sent: Vec<T> = mine.with(|items| sent_answers(items, pick).cloned().collect());
        for answer in sent {
            include(answer);
        }
    });
}

/// How a report is remembered once sent (with the resident's contributions).
pub fn flag_memory(target: FlagTarget, id: &str) -> String {
    format!("flag:{target:?}:{id}")
}

/// The beginning of a submitted text (a proposal's title), at most
/// `max_chars` long: in announcements, and in the names of its item's
/// controls; none for what has no text.
pub fn submitted_start(submission: &Submission, max_chars: usize) -> Option<String> {
    let text = match submission {
        Submission::Argument { new, .. } => &new.text,
        Submission::Comment { new, .. } => &new.text,
        Submission::Proposal { new, .. } => &new.title,
        Submission::Flag { .. } | Submission::Reaction { .. } | Submission::Ballot { .. } => {
            return None
        }
    };
    Some(start_of(text, max_chars))
}

/// The DOM event for a sent submission.
fn sent_event(host: &Element, answer: &Answer, submission: &Submission) {
    match answer {
        Answer::Argument(a) => {
            let stance = match a.stance {
                Stance::For => "for",
                Stance::Against => "against",
            };
            events::dispatch(
                host,
                "plaza:argument-posted",
                &[("id", &a.id), ("stance", stance)],
            );
        }
        Answer::Comment(c) => events::dispatch(
            host,
            "plaza:comment-posted",
            &[("id", &c.id), ("argument_id", &c.argument_id)],
        ),
        Answer::Proposal(p) => events::dispatch(host, "plaza:proposal-posted", &[("id", &p.id)]),
        Answer::Flag(f) => {
            let target = match f.target_type {
                FlagTarget::Argument => "argument",
                FlagTarget::Comment => "comment",
                FlagTarget::Proposal => "proposal",
            };
            events::dispatch(
                host,
                "plaza:flagged",
                &[("target_type", target), ("target_id", &f.target_id)],
            )
        }
        Answer::Ballot(receipt) => {
            if let Submission::Ballot { poll_id, .. } = submission {
                events::dispatch(
                    host,
                    "plaza:ballot-cast",
                    &[("poll_id", poll_id), ("tracker", &receipt.tracker)],
                );
            }
        }
        Answer::Reaction(r) => {
            if let Submission::Reaction { reaction, on, .. } = submission {
                let on = if *on { "true" } else { "false" };
                events::dispatch(
                    host,
                    "plaza:reaction",
                    &[
                        ("argument_id", &r.argument_id),
                        ("kind", reaction.as_str()),
                        ("on", on),
                    ],
                );
            }
        }
    }
}
