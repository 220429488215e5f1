//! Loading, error and notice states, announced to screen readers.

use std::cell::RefCell;

use leptos::html::Div;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, Event, HtmlElement};

use super::inert::{el, Node};
use super::{focus_lost, focus_when_lost, Ui};
use crate::i18n::control_name;

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
    /// What failed to load, in the button's name, so that a page's "Try
    /// again" buttons are told apart ("Try again — Proposals").
    #[prop(optional, into)]
    about: Option<String>,
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
    let try_again = move |retry: Callback<()>| {
        // An error again comes in this panel's place, not inside it.
        let panel = panel.get_untracked().map(Element::from);
        let holder = panel.as_ref().and_then(|p| p.parent_element());
        asked_in(holder.clone());
        // What could take focus before the answer is not the answer.
        let before = holder.as_ref().map(landings).unwrap_or_default();
        retry.run(());
        if let (Some(panel), Some(holder)) = (panel, holder) {
            follow_answer(Awaited {
                panel,
                holder,
                before,
                since: js_sys::Date::now(),
            });
        }
    };
    view! {
        <div class="plaza-error" role="alert" tabindex="-1" node_ref=panel>
            <p class="plaza-error-title">{s.error_heading}</p>
            <p>{message}</p>
            {retry.map(|retry| view! {
                <button type="button" class="plaza-button" aria-label=about.as_ref().map(|a| control_name(s.retry, a))
                on:click=move |_| try_again(retry)>{s.retry}</button>
            })}
        </div>
    }
}

/// What may take focus once loaded: an item, or a heading made for it.
const LANDINGS: &str = "[id^='plaza-item-'], .plaza-heading[tabindex='-1']";

fn landings(holder: &Element) -> Vec<Element> {
    let Ok(found) = holder.query_selector_all(LANDINGS) else {
        return Vec::new();
    };
    (0..found.length())
        .filter_map(|i| found.item(i)?.dyn_into::<Element>().ok())
        .collect()
}

/// An answer to "Try again", awaited in `holder`, where `panel` was.
struct Awaited {
    panel: Element,
    holder: Element,
    /// What could take focus in `holder` before.
    before: Vec<Element>,
    since: f64,
}

/// After "Try again", focus goes with the button to the answer, if it went
/// with it: the first item or heading the answer drew (a first page's
/// items, the deliberation's title, the results), else the "Show more"
/// that came back (its list moves focus to the page it shows). Followed from frame to frame while the panel stays or a wait
/// (`.plaza-loading`) is drawn in its place, for as long as an answer
/// counts; an error that comes back takes focus itself.
fn follow_answer(w: Awaited) {
    request_animation_frame(move || {
        if !w.holder.is_connected() || js_sys::Date::now() - w.since > ANSWER_WITHIN_MS {
            return;
        }
        let find = |selector: &str| w.holder.query_selector(selector).ok().flatten();
        if w.panel.is_connected() || find(":scope > .plaza-loading").is_some() {
            return follow_answer(w);
        }
        if !focus_lost() || find(":scope > .plaza-error").is_some() {
            return;
        }
        let new = |e: &Element| !w.before.iter().any(|b| b.is_same_node(Some(e)));
        let target = landings(&w.holder)
            .into_iter()
            .find(|e| new(e))
            .or_else(|| find(":scope > .plaza-more"));
        if let Some(target) = target.and_then(|e| e.dyn_into::<HtmlElement>().ok()) {
            let _ = target.focus();
        }
    });
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
