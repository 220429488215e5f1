//! Where a submission is on its way, in words, with what the resident can
//! do about it: send it again after a refusal, or give it up.

use leptos::prelude::*;

use super::participation::{submitted_start, Participation};
use super::Ui;
use crate::i18n::{fill, Strings};
use crate::state::outbox::{Delivery, Item};
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
    // Its words and its buttons each follow the item: the buttons are drawn
    // again only when what is offered changes, not at each attempt, so
    // focus stays on them.
    let said = Memo::new(move |_| item.with(|i| i.as_ref().and_then(|i| said(i, s))));
    let shown = Memo::new(move |_| said.with(Option::is_some));
    let offers =
        Memo::new(move |_| item.with(|i| i.as_ref().map(Item::offers).unwrap_or_default()));
    let busy = Memo::new(move |_| item.with(|i| i.as_ref().is_some_and(Item::is_busy)));
    // After "Send again" its button may go: focus stays on the state line.
    let retry = move |_| {
        if !busy.get_untracked() {
            part.retry(&key.get_value());
            part.focus_later(key.with_value(|k| format!("plaza-state-{k}")));
        }
    };
    let discard = move |_| part.discard(&key.get_value());
    // Each item's buttons named apart: "Discard: “The square needs…”".
    let named = move |action: &str| {
        let start = item.with_untracked(|i| {
            i.as_ref()
                .and_then(|i| submitted_start(&i.submission, NAME_CHARS))
                .unwrap_or_default()
        });
        s.quoting(action, &start)
    };
    let disabled = move || busy.get().then_some("true");
    move || {
        shown.get().then(|| {
            view! {
                <div class=move || said.with(|n| n.as_ref().map_or("plaza-state", |n| n.1))
                    id=key.with_value(|k| format!("plaza-state-{k}")) tabindex="-1">
                    <p>{move || said.with(|n| n.as_ref().map(|n| n.0.clone()))}</p>
                    {move || {
                        let o = offers.get();
                        o.discard.then(|| view! {
                            <div class="plaza-actions">
                                {o.send_again.then(|| view! {
                                    <button type="button" class="plaza-button plaza-small" aria-label=named(s.send_again)
                                        aria-disabled=disabled on:click=retry>
                                        {s.send_again}
                                    </button>
                                })}
                                <button type="button" class="plaza-button plaza-small plaza-quiet" aria-label=named(s.discard)
                                    on:click=discard>
                                    {s.discard}
                                </button>
                            </div>
                        })
                    }}
                </div>
            }
        })
    }
}

/// What the note of an item not sent says, and its class.
fn said(item: &Item, s: &'static Strings) -> Option<(String, &'static str)> {
    Some(match &item.delivery {
        Delivery::Sent { .. } => return None,
        _ if item.discard_asked => (s.state_discarding.to_owned(), "plaza-state"),
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
    })
}
