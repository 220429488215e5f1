//! Loading, error and notice states, announced to screen readers.

use leptos::prelude::*;

use super::inert::{el, Node};
use super::Ui;

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
) -> impl IntoView {
    let s = expect_context::<Ui>().s();
    view! {
        <div class="plaza-error" role="alert">
            <p class="plaza-error-title">{s.error_heading}</p>
            <p>{message}</p>
            {retry.map(|retry| view! {
                <button type="button" class="plaza-button" on:click=move |_| retry.run(())>{s.retry}</button>
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
