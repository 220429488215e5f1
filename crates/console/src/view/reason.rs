//! A reason chosen from a list, required before a decision residents will
//! read about (hiding content, declining a proposal).

use leptos::html::Select;
use leptos::prelude::*;

use super::action::focus;
use super::{wire_name, Ctx};

pub struct Reason<R: 'static> {
    pub chosen: RwSignal<Option<R>>,
    /// A decision was asked for without one: the list says it is needed.
    missing: RwSignal<bool>,
    node: NodeRef<Select>,
}

impl<R: 'static> Clone for Reason<R> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<R: 'static> Copy for Reason<R> {}

impl<R> Reason<R>
where
    R: Copy + serde::Serialize + Send + Sync + 'static,
{
    pub fn new() -> Self {
        Reason {
            chosen: RwSignal::new(None),
            missing: RwSignal::new(false),
            node: NodeRef::new(),
        }
    }

    /// `request`, built from the chosen reason; when it could not be (no
    /// reason yet), the list says one is needed and takes the focus.
    pub fn or_ask<T>(self, request: Option<T>) -> Option<T> {
        self.missing.set(request.is_none());
        if request.is_none() {
            focus(self.node);
        }
        request
    }

    /// The list of `all` reasons under a label, with "Choose a reason" first.
    pub fn select(
        self,
        id: String,
        all: &'static [R],
        name: impl Fn(R) -> &'static str,
    ) -> impl IntoView {
        let t = Ctx::get().t;
        let Reason {
            chosen,
            missing,
            node,
        } = self;
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
                        chosen.set(all.iter().copied().find(|r| wire_name(*r) == picked));
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
}

/// An id for the elements of one item, from its contract id (which may hold
/// characters an HTML id reference should not).
pub fn item_key(prefix: &str, id: &str) -> String {
    let key: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{prefix}-{key}")
}
