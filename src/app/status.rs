//! Loading, error and notice states, announced to screen readers.

use std::cell::{Cell, RefCell};

use leptos::html::Div;
use leptos::prelude::*;
use wasm_bindgen::prelude::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Element, Event, HtmlElement};

use super::inert::{el, Node};
use super::{focus_lost, focus_when_lost, focusable, landing, up_to_section, Ui};
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
        let presses = presses();
        retry.run(());
        if let (Some(panel), Some(holder)) = (panel, holder) {
            follow_answer(Awaited {
                panel,
                holder,
                before,
                presses,
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

/// What an answer may draw that takes focus: an item, the deliberation's
/// title, the results.
const LANDINGS: &str = "[id^='plaza-item-'], #plaza-title, #plaza-results-heading";

fn landings(holder: &Element) -> Vec<Element> {
    let Ok(found) = holder.query_selector_all(LANDINGS) else {
        return Vec::new();
    };
    (0..found.length())
        .filter_map(|i| found.item(i)?.dyn_into::<Element>().ok())
        .collect()
}

thread_local! {
    /// Keys pressed and pointers put down anywhere on the page, counted
    /// from the first "Try again" on.
    static PRESSES: Cell<Option<u32>> = const { Cell::new(None) };
}

/// How many times the resident pressed a key or put a pointer down on the
/// page so far: one who did while an answer was awaited moved on, even
/// where focus does not show it (a click on text leaves it on the page's
/// body, as does a click on a button in Safari). A modifier alone is not
/// counted: Control silences a screen reader reading the error out.
fn presses() -> u32 {
    if let Some(n) = PRESSES.get() {
        return n;
    }
    PRESSES.set(Some(0));
    let count = Closure::<dyn Fn(Event)>::new(|e: Event| {
        let key = js_sys::Reflect::get(&e, &"key".into())
            .ok()
            .and_then(|k| k.as_string());
        if matches!(key.as_deref(), Some("Control" | "Shift" | "Alt" | "Meta")) {
            return;
        }
        PRESSES.set(Some(PRESSES.get().unwrap_or(0).wrapping_add(1)));
    });
    for kind in ["keydown", "pointerdown"] {
        let _ = document().add_event_listener_with_callback_and_bool(
            kind,
            count.as_ref().unchecked_ref(),
            true,
        );
    }
    // One listener for the module, for as long as the page lives.
    count.forget();
    0
}

/// An answer to "Try again", awaited in `holder`, where `panel` was.
struct Awaited {
    panel: Element,
    holder: Element,
    /// What could take focus in `holder` before.
    before: Vec<Element>,
    /// [`presses`] when the resident asked.
    presses: u32,
    since: f64,
}

/// After "Try again", focus goes with the button to the answer, if it went
/// with it and the resident did nothing else meanwhile: to the first item,
/// title or results the answer drew, else to the "Show more" that came
/// back (its list moves focus to the page it shows), else to where the
/// panel was (its thread, its section's heading). It waits while the panel
/// stays or a wait (`.plaza-loading`, `.plaza-wait`) is drawn in its
/// place, for as long as an answer counts; an error that comes back takes
/// focus itself.
fn follow_answer(w: Awaited) {
    request_animation_frame(move || {
        let late = js_sys::Date::now() - w.since > ANSWER_WITHIN_MS;
        if late || !w.holder.is_connected() || presses() != w.presses {
            return;
        }
        let find = |selector: &str| w.holder.query_selector(selector).ok().flatten();
        let more = find(":scope > .plaza-more");
        // A list loading again from its first page (a new order) is busy
        // with no "Show more" under it.
        let waits = find(":scope > :is(.plaza-loading, .plaza-wait)").is_some()
            || (more.is_none() && find(":scope > [aria-busy='true']").is_some());
        if w.panel.is_connected() || waits {
            return follow_answer(w);
        }
        if !focus_lost() || find(":scope > .plaza-error").is_some() {
            return;
        }
        let new = |e: &Element| !w.before.iter().any(|b| b.is_same_node(Some(e)));
        let target = landings(&w.holder)
            .into_iter()
            .find(|e| new(e))
            .map(focusable)
            .or(more)
            .or_else(|| {
                up_to_section(Some(w.holder.clone()))
                    .iter()
                    .find_map(landing)
            });
        if let Some(target) = target.and_then(|e| e.dyn_into::<HtmlElement>().ok()) {
            let _ = target.focus();
        }
    });
}

/// "Show more" under a list. While the next page loads it says so and does
/// nothing (`aria-disabled`, so that it keeps focus); pressed, it is what
/// an error in its place answers (see [`asked`]).
#[component]
pub fn MoreButton(
    label: &'static str,
    busy: bool,
    load: Callback<()>,
    /// What the list belongs to, in the button's name, where several such
    /// lists are on the page (a thread's replies).
    #[prop(optional)]
    about: Option<String>,
    #[prop(optional)] small: bool,
) -> impl IntoView {
    let s = expect_context::<Ui>().s();
    let text = if busy { s.loading_more } else { label };
    let class = if small {
        "plaza-button plaza-more plaza-small"
    } else {
        "plaza-button plaza-more"
    };
    view! {
        <button type="button" class=class aria-disabled=busy.to_string()
            aria-label=about.map(|a| control_name(text, &a))
            on:click=move |e| { asked(&e); load.run(()) }>
            {text}
        </button>
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
