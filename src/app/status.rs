//! Loading, error and notice states, announced to screen readers.

use std::cell::RefCell;

use leptos::html::Div;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, Event};

use super::inert::{el, Node};
use super::{focus_when_lost, Ui};

/// A polite live region, so a screen reader says what is loading.
#[component]
pub fn Loading(label: &'static str) -> impl IntoView {
    view! {
        <div class="plaza-loading" role="status">
            <span class="plaza-spinner" aria-hidden="true"></span>
            {label}
        </div>
    }
}

thread_local! {
    /// Where the resident last asked for something that can fail ("Show
    /// more", "Try again"): the element holding the control, and when, until
    /// an error drawn there takes focus for it (see [`ErrorPanel`]).
    static ASKED_IN: RefCell<Option<(Element, f64)>> = const { RefCell::new(None) };
}

/// How long an answer may take and still be the answer to what the
/// resident asked for: longer than a request's tries (`backend::retry`).
const ANSWER_WITHIN_MS: f64 = 60_000.0;

/// Records that the resident asked, with the control `ev` came from, for
/// something whose failure an [`ErrorPanel`] in its place would show.
pub fn asked(ev: &Event) {
    let holder = ev
        .target()
        .and_then(|t| t.dyn_into::<Element>().ok())
        .and_then(|e| e.closest("button").ok().flatten())
        .and_then(|b| b.parent_element());
    asked_in(holder);
}

fn asked_in(holder: Option<Element>) {
    let at = js_sys::Date::now();
    ASKED_IN.with(|a| *a.borrow_mut() = holder.map(|h| (h, at)));
}

/// An error a resident can read, with a way to try again when that can help.
/// Drawn in the place of the control the resident used to ask for what
/// failed (see [`asked`]), it takes focus if focus went with that control,
/// once: never for the page's own loading, nor when drawn again later,
/// which would pull a resident who moved on back into the widget.
#[component]
pub fn ErrorPanel(
    message: String,
    /// Offered as a "Try again" button when given.
    #[prop(optional, into)]
    retry: Option<Callback<()>>,
) -> impl IntoView {
    let s = expect_context::<Ui>().s();
    let panel = NodeRef::<Div>::new();
    Effect::new(move |_| {
        let Some(p) = panel.get() else {
            return;
        };
        let here = p.parent_element();
        let now = js_sys::Date::now();
        let answers_resident = ASKED_IN.with(|a| {
            let mut a = a.borrow_mut();
            let hit = matches!((&*a, &here), (Some((asked, at)), Some(here))
                if asked.is_same_node(Some(here)) && now - at < ANSWER_WITHIN_MS);
            if hit {
                *a = None;
            }
            hit
        });
        if answers_resident {
            focus_when_lost(move || Some(p.into()));
        }
    });
    // "Try again" goes with this panel: focus goes to the "Show more" that
    // takes its place, if any (a failed first page has none).
    let try_again = move |retry: Callback<()>| {
        // An error again comes in this panel's place, not inside it.
        let holder = panel.get_untracked().and_then(|p| p.parent_element());
        asked_in(holder.clone());
        retry.run(());
        if let Some(holder) = holder {
            focus_when_lost(move || holder.query_selector(":scope > .plaza-more").ok().flatten());
        }
    };
    view! {
        <div class="plaza-error" role="alert" tabindex="-1" node_ref=panel>
            <p class="plaza-error-title">{s.error_heading}</p>
            <p>{message}</p>
            {retry.map(|retry| view! {
                <button type="button" class="plaza-button" on:click=move |_| try_again(retry)>{s.retry}</button>
            })}
        </div>
    }
}

#[component]
pub fn Notice(text: &'static str) -> impl IntoView {
    view! { <p class="plaza-notice" role="note">{text}</p> }
}

/// A message with one placeholder whose value is content (a name, a
/// credit): the value is isolated (`<bdi>`) so that, written in another
/// script, it cannot reorder the message around it.
pub fn isolated(template: &'static str, name: &'static str, value: &str) -> [Node; 3] {
    let placeholder = format!("{{{name}}}");
    let (before, after) = template
        .split_once(placeholder.as_str())
        .unwrap_or((template, ""));
    [before.into(), el("bdi").child(value).into(), after.into()]
}
