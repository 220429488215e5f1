//! Form fields with a draft that survives a reload and, for long texts, a
//! visible character count that screen readers hear at a few thresholds.

use leptos::prelude::*;

use super::participation::Participation;
use super::Ui;
use crate::i18n::fill;
use crate::state::budget::Budget;

/// Why a form's contribution cannot be sent as it is (the contract would
/// refuse it): focus comes here, which says it (not also an alert, which
/// a screen reader would say a second time).
#[component]
pub fn SendProblem(id: String, shown: RwSignal<bool>) -> impl IntoView {
    let s = expect_context::<Ui>().s();
    view! {
        <p id=id class="plaza-field-error" tabindex="-1" hidden=move || !shown.get()>
            {s.text_not_sendable}
        </p>
    }
}

/// A text field bound to `value`, its draft kept under `draft` (unique on
/// the page); with `max`, a textarea with a character count.
#[component]
pub fn TextField(
    /// The element id (unique on the page: ids live in the instance's shadow root).
    id: String,
    /// The visible label.
    label: &'static str,
    /// A hint under the label, if any.
    #[prop(optional)]
    hint: Option<&'static str>,
    value: RwSignal<String>,
    /// Where the draft is kept (see `Device::draft`).
    draft: String,
    /// A long text with this many characters at most; a one-line field without.
    #[prop(optional)]
    max: Option<usize>,
    /// A short field's limit (one line; not counted aloud).
    #[prop(optional)]
    short_max: Option<usize>,
    /// The field must not be empty: set when the resident tried to send it empty.
    #[prop(optional)]
    missing: Option<RwSignal<bool>>,
    /// The browser's autofill hint of a one-line field (`nickname`).
    #[prop(optional)]
    autocomplete: Option<&'static str>,
    #[prop(optional)] node_ref: Option<NodeRef<leptos::html::Textarea>>,
) -> impl IntoView {
    let ui = expect_context::<Ui>();
    let s = ui.s();
    let part = expect_context::<Participation>();
    if value.get_untracked().is_empty() {
        value.set(part.device.with_value(|d| d.draft(&draft)));
    }
    let draft = StoredValue::new(draft);
    let save = move |text: String| {
        // A short field stops at its limit as the contract counts it, in
        // characters (`maxlength` would count UTF-16 units: an emoji is two).
        let text = match short_max {
            Some(m) if text.chars().count() > m => text.chars().take(m).collect(),
            _ => text,
        };
        part.device
            .with_value(|d| d.save_draft(&draft.get_value(), &text));
        if let Some(m) = missing {
            if !text.trim().is_empty() {
                m.set(false);
            }
        }
        value.set(text);
    };
    let hint_id = format!("{id}-hint");
    let count_id = format!("{id}-count");
    let error_id = format!("{id}-error");
    // The error message only while it is shown: a screen reader reads
    // what aria-describedby names even when it is hidden.
    let described = {
        let mut ids = Vec::new();
        if hint.is_some() {
            ids.push(hint_id.clone());
        }
        if max.is_some() {
            ids.push(count_id.clone());
        }
        let (error_id, always) = (error_id.clone(), ids.join(" "));
        move || {
            let error = missing
                .is_some_and(|m| m.get())
                .then_some(error_id.as_str());
            let ids: Vec<&str> = [always.as_str()]
                .into_iter()
                .chain(error)
                .filter(|i| !i.is_empty())
                .collect();
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    let invalid = move || {
        let over = max.is_some_and(|m| Budget::of(&value.get(), m).over() > 0);
        let empty = missing.is_some_and(|m| m.get());
        (over || empty).then_some("true")
    };
    let input = match max {
        Some(_) => {
            let node = node_ref.unwrap_or_default();
            view! {
                <textarea
                    id=id.clone()
                    node_ref=node
                    rows="4"
                    aria-describedby=described
                    aria-invalid=invalid
                    prop:value=move || value.get()
                    on:input=move |e| save(event_target_value(&e))
                ></textarea>
            }
            .into_any()
        }
        None => view! {
            <input
                id=id.clone()
                type="text"
                autocomplete=autocomplete
                aria-describedby=described
                aria-invalid=invalid
                prop:value=move || value.get()
                on:input=move |e| save(event_target_value(&e))
            />
        }
        .into_any(),
    };
    let counter = max.map(|max| {
        let budget = move || Budget::of(&value.get(), max);
        // What a screen reader hears: only when crossing a threshold.
        let heard = Memo::new(move |_| {
            let b = budget();
            (b.step(), b.is_near())
        });
        let spoken = {
            let ui = ui.clone();
            move || {
                let (step, near) = heard.get();
                let b = value.with_untracked(|v| Budget::of(v, max));
                match step {
                    4 => ui.count(&s.chars_over, b.over() as u64),
                    _ if near => ui.count(&s.chars_left, b.left() as u64),
                    _ => String::new(),
                }
            }
        };
        let shown = {
            let ui = ui.clone();
            move || {
                let b = budget();
                let used = ui.number(b.used as u64);
                let max = ui.number(max as u64);
                fill(s.chars_counter, &[("used", &used), ("max", &max)])
            }
        };
        let counter_class = move || {
            if budget().over() > 0 {
                "plaza-counter plaza-over"
            } else {
                "plaza-counter"
            }
        };
        view! {
            <p id=count_id.clone() class=counter_class>
                {shown}
            </p>
            <p class="plaza-visually-hidden" aria-live="polite">{spoken}</p>
        }
    });
    view! {
        <div class="plaza-field">
            <label for=id>{label}</label>
            {hint.map(|h| view! { <p id=hint_id class="plaza-hint">{h}</p> })}
            {input}
            {counter}
            {missing.map(|m| view! {
                <p id=error_id class="plaza-field-error" hidden=move || !m.get()>{s.field_required}</p>
            })}
        </div>
    }
}
