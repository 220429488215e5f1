//! Loading, error and notice states, announced to screen readers.

use leptos::prelude::*;

use leptos::html::Div;
use wasm_bindgen::JsCast;
use web_sys::HtmlElement;

use super::inert::{el, Node};
use super::{focus_lost, Ui};

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

/// An error a resident can read, with a way to try again when that can help.
#[component]
pub fn ErrorPanel(
    message: String,
    /// Offered as a "Try again" button when given.
    #[prop(optional, into)]
    retry: Option<Callback<()>>,
    /// The error came of something the resident did ("Show more", "Try
    /// again"): focus comes here if it went with the control that had it.
    /// (Not for an error of the page's own loading: focus would leave the
    /// host page for it.)
    #[prop(optional)]
    after_action: bool,
) -> impl IntoView {
    let s = expect_context::<Ui>().s();
    let panel = NodeRef::<Div>::new();
    if after_action {
        Effect::new(move |_| {
            if let Some(p) = panel.get() {
                request_animation_frame(move || {
                    if focus_lost() {
                        let _ = p.focus();
                    }
                });
            }
        });
    }
    // "Try again" goes with this panel: focus goes to the "Show more" that
    // takes its place, if any (a failed first page has none).
    let try_again = move |retry: Callback<()>| {
        let parent = panel.get_untracked().and_then(|p| p.parent_element());
        retry.run(());
        let Some(parent) = parent else {
            return;
        };
        request_animation_frame(move || {
            let more = parent.query_selector(":scope > .plaza-more").ok().flatten();
            if let (true, Some(more)) = (focus_lost(), more) {
                if let Ok(more) = more.dyn_into::<HtmlElement>() {
                    let _ = more.focus();
                }
            }
        });
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
