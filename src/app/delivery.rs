//! Where a submission is on its way, in words, with what the resident can
//! do about it: send it again after a refusal, or give it up.

use leptos::prelude::*;

use super::participation::{submitted_start, Participation};
use super::Ui;
use crate::i18n::fill;
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
    // After "Send again" its button goes: focus stays on the state line.
    let retry = move |_| {
        part.retry(&key.get_value());
        part.focus_later(key.with_value(|k| format!("plaza-state-{k}")));
    };
    move || {
        let item: Item = item.get()?;
        // (text, "send again" offered, "discard" offered, class)
        let (text, can_retry, can_discard, class) = match &item.delivery {
            Delivery::Queued | Delivery::Sending { .. } if item.attempts == 0 => {
                (s.state_sending.to_owned(), false, false, "plaza-state")
            }
            Delivery::Queued | Delivery::Sending { .. } => {
                (s.state_retrying.to_owned(), false, false, "plaza-state")
            }
            Delivery::Offline => (
                s.state_waiting_network.to_owned(),
                true,
                true,
                "plaza-state",
            ),
            Delivery::NeedsSignIn => (s.state_needs_sign_in.to_owned(), false, true, "plaza-state"),
            // A refusal that sending again cannot change (the vote closed)
            // offers only to put the item away.
            Delivery::Failed { error } => (
                fill(s.state_failed, &[("reason", &error.message(s))]),
                !error.is_final(),
                true,
                "plaza-state plaza-state-failed",
            ),
            Delivery::Sent { .. } => return None,
        };
        // Each item's buttons named apart: "Discard: “The square needs…”".
        let start = submitted_start(&item.submission, NAME_CHARS).unwrap_or_default();
        let named = |action: &str| s.quoting(action, &start);
        let (send_again, discard) = (named(s.send_again), named(s.discard));
        Some(view! {
            <div class=class id=key.with_value(|k| format!("plaza-state-{k}")) tabindex="-1">
                <p>{text}</p>
                {can_discard.then(|| view! {
                    <div class="plaza-actions">
                        {can_retry.then(|| view! {
                            <button type="button" class="plaza-button plaza-small" aria-label=send_again on:click=retry>
                                {s.send_again}
                            </button>
                        })}
                        <button type="button" class="plaza-button plaza-small plaza-quiet" aria-label=discard
                            on:click=move |_| part.discard(&key.get_value())>
                            {s.discard}
                        </button>
                    </div>
                })}
            </div>
        })
    }
}
