//! Where a submission is on its way, in words, with what the resident can
//! do about it: send it again after a refusal, or give it up.

use leptos::prelude::*;

use super::participation::{submitted_start, Participation};
use super::Ui;
use crate::i18n::{fill, Strings};
use crate::state::outbox::{Delivery, Item, Offers};
use crate::state::text::NAME_CHARS;

/// The state line of the outbox item `key` while it is not sent (nothing
/// once it is, or once it is gone). It follows the item as it changes.
#[component]
pub fn DeliveryNote(key: String) -> impl IntoView {
    let ui = expect_context::<Ui>();
    let s = ui.s();
    let part = expect_context::<Participation>();
    let key = StoredValue::new(key);
    let item = Memo::new(move |_| {
        part.items
            .with(|items| key.with_value(|k| items.iter().find(|i| &i.key == k).cloned()))
    });
    // After "Send again" its button goes: focus stays on the state line.
    let retry = move |_| {
        part.retry(&key.get_value());
        part.focus_later(key.with_value(|k| format!("plaza-state-{k}")));
    };
    // The note is drawn again only when what it says or offers changes,
    // not at each attempt: focus stays on its buttons.
    let note = Memo::new(move |_| item.with(|i| i.as_ref().and_then(|i| note(i, s))));
    let busy = Memo::new(move |_| item.with(|i| i.as_ref().is_some_and(Item::is_busy)));
    let discard = move |_| {
        if !busy.get_untracked() {
            part.discard(&key.get_value());
        }
    };
    move || {
        let Note {
            text,
            class,
            offers,
            names: (send_again, discard_name),
        } = note.get()?;
        Some(view! {
            <div class=class id=key.with_value(|k| format!("plaza-state-{k}")) tabindex="-1">
                <p>{text}</p>
                {offers.discard.then(|| view! {
                    <div class="plaza-actions">
                        {offers.send_again.then(|| view! {
                            <button type="button" class="plaza-button plaza-small" aria-label=send_again on:click=retry>
                                {s.send_again}
                            </button>
                        })}
                        <button type="button" class="plaza-button plaza-small plaza-quiet" aria-label=discard_name
                            aria-disabled=move || busy.get().then_some("true") on:click=discard>
                            {s.discard}
                        </button>
                    </div>
                })}
            </div>
        })
    }
}

/// What the note of an item not sent says and offers.
#[derive(Clone, PartialEq)]
struct Note {
    text: String,
    class: &'static str,
    offers: Offers,
    /// "Send again" and "Discard", each named with what it acts on.
    names: (String, String),
}

fn note(item: &Item, s: &'static Strings) -> Option<Note> {
    let (text, class) = match &item.delivery {
        Delivery::Queued | Delivery::Sending { .. } if item.attempts == 0 => {
            (s.state_sending.to_owned(), "plaza-state")
        }
        Delivery::Queued | Delivery::Sending { .. } => (s.state_retrying.to_owned(), "plaza-state"),
        Delivery::Offline => (s.state_waiting_network.to_owned(), "plaza-state"),
        Delivery::NeedsSignIn => (s.state_needs_sign_in.to_owned(), "plaza-state"),
        Delivery::Failed { error } => (
            fill(s.state_failed, &[("reason", &error.message(s))]),
            "plaza-state plaza-state-failed",
        ),
        Delivery::Sent { .. } => return None,
    };
    // Each item's buttons named apart: "Discard: “The square needs…”".
    let start = submitted_start(&item.submission, NAME_CHARS).unwrap_or_default();
    Some(Note {
        text,
        class,
        offers: item.offers(),
        names: (
            s.quoting(s.send_again, &start),
            s.quoting(s.discard, &start),
        ),
    })
}
