//! Where a submission is on its way, in words, with what the resident can
//! do about it: send it again after a refusal, or give it up.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, ShadowRoot};

use super::participation::{submitted_start, Participation};
use super::{focus_when_lost, landing, up_to_section, Ui};
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
    // Focus in the note is not lost with its buttons or the note (sent,
    // discarded): see `refocus`, which needs where the note is (its
    // ancestors, as some may go with it), kept while focus is in the note
    // (a resident who moved on, even to no control, is not pulled back). A
    // component's cleanups run before its reactive values go.
    let note = NodeRef::<leptos::html::Div>::new();
    let place = StoredValue::new_local(None::<Vec<Element>>);
    // (Both may be called while the view that holds the note is being
    // replaced, after its values are gone: a browser says "focus out" as
    // it removes the focused element.)
    let focus_in = move |_| {
        let here = note.try_get_untracked().flatten();
        place.try_set_value(here.map(|n| up_to_section(n.parent_element())));
    };
    // Not when focus went with what had it, which is what `refocus` is for:
    // looked at once the view has changed (a browser may say "focus out"
    // while it removes the element).
    let focus_out = move |e: leptos::ev::FocusEvent| {
        let left = e.target().and_then(|t| t.dyn_into::<web_sys::Node>().ok());
        let (Some(left), Some(here)) = (left, note.try_get_untracked().flatten()) else {
            return;
        };
        request_animation_frame(move || {
            let now_at = left
                .get_root_node()
                .dyn_into::<ShadowRoot>()
                .ok()
                .and_then(|root| root.active_element());
            let still_here = now_at.is_some_and(|a| here.contains(Some(&a)));
            if left.is_connected() && !still_here {
                place.try_set_value(None);
            }
        });
    };
    let refocus = move || {
        if let (Some(Some(place)), Some(k)) = (place.try_get_value(), key.try_get_value()) {
            refocus(place, &k);
        }
    };
    on_cleanup(refocus);
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
        let shown = shown.get();
        if !shown {
            refocus();
        }
        shown.then(|| {
            view! {
                <div class=move || said.with(|n| n.as_ref().map_or("plaza-state", |n| n.1))
                    id=key.with_value(|k| format!("plaza-state-{k}")) tabindex="-1" node_ref=note
                    on:focusin=focus_in on:focusout=focus_out>
                    <p>{move || said.with(|n| n.as_ref().map(|n| n.0.clone()))}</p>
                    {move || {
                        let o = offers.get();
                        if !o.discard {
                            refocus();
                        }
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

/// After the frame in which focus may have gone with a part of the note of
/// item `key`, focus goes to what is left of it: the note, else its item
/// (sent), else, if the item went too (discarded), the nearest of `place`
/// (the note's ancestors) still there that stands for where it was: the
/// item it answered, its thread, the heading of its section. A resident who
/// moved on is not pulled back.
fn refocus(place: Vec<Element>, key: &str) {
    let ids = [format!("plaza-state-{key}"), format!("plaza-item-{key}")];
    focus_when_lost(move || {
        let root = place
            .last()?
            .get_root_node()
            .dyn_into::<ShadowRoot>()
            .ok()?;
        ids.iter()
            .find_map(|id| root.get_element_by_id(id))
            .or_else(|| place.iter().filter(|e| e.is_connected()).find_map(landing))
    });
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
