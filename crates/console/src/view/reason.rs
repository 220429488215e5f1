//! A reason chosen from a list, required before a decision residents will
//! read about (hiding content, declining a proposal).

use leptos::html::Select;
use leptos::prelude::*;

use super::{wire_name, Ctx};

/// The list of `all` reasons under a label, with "Choose a reason" first;
/// while `missing`, it is marked invalid and says so under it.
pub fn reason_select<R>(
    id: String,
    all: &'static [R],
    name: impl Fn(R) -> &'static str,
    reason: RwSignal<Option<R>>,
    missing: RwSignal<bool>,
    node: NodeRef<Select>,
) -> impl IntoView
where
    R: Copy + serde::Serialize + Send + Sync + 'static,
{
    let t = Ctx::get().t;
    let error_id = format!("{id}-error");
    let described = error_id.clone();
    view! {
        <div class="console-field">
            <label for=id.clone()>{t.reason_label}</label>
            <select id=id node_ref=node
                aria-invalid=move || missing.get().to_string()
                aria-describedby=move || missing.get().then(|| described.clone())
                on:change=move |ev| {
                    let picked = event_target_value(&ev);
                    reason.set(all.iter().copied().find(|r| wire_name(*r) == picked));
                    missing.set(false);
                }>
                <option value="">{t.reason_choose}</option>
                {all.iter().copied().map(|r| view! { <option value=wire_name(r)>{name(r)}</option> }).collect_view()}
            </select>
            {move || missing.get().then(|| view! {
                <p class="console-field-error" id=error_id.clone()>{t.reason_needed}</p>
            })}
        </div>
    }
}
