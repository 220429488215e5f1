//! A deliberation's poll: its status, and opening or closing it after a
//! confirmation that says what will happen.

use leptos::prelude::*;
use plaza_contract::{Operation, Poll as PollDoc, PollStatus, PollStatusChange};

use super::action::{Action, Outcome, Said};
use super::task::{document_loader, Loaded, Tasks};
use super::{Ctx, Failed};
use crate::i18n::fill;
use crate::run::{confirmation, next_poll_status};

#[component]
pub fn Poll(id: String, changed: RwSignal<u32>) -> impl IntoView {
    let ctx = Ctx::get();
    let t = ctx.t;
    let tasks = Tasks::of_current();
    let poll = RwSignal::new(Loaded::<PollDoc>::None);
    let load = document_loader(tasks.clone(), poll, Operation::GetPoll, id.clone());
    let id = StoredValue::new(id);
    let status = RwSignal::new(None::<PollStatus>);
    Effect::new(move |_| {
        if let Some(Ok(p)) = poll.get() {
            status.set(Some(p.status));
        }
    });
    // The change waiting for its confirmation.
    let confirming = RwSignal::new(None::<PollStatus>);
    let said = Said::new(None);
    let action = Action::new(said, changed);
    let ask = NodeRef::<leptos::html::Button>::new();
    let question = NodeRef::<leptos::html::P>::new();
    let status_line = NodeRef::<leptos::html::P>::new();
    Effect::new(move |_| {
        if let Some(q) = question.get() {
            let _ = q.focus();
        }
    });
    // Where the reader goes once the confirmation is gone (its nodes are
    // new by then: focused when they appear).
    let back_to_button = RwSignal::new(false);
    let to_status = RwSignal::new(false);
    Effect::new(move |_| {
        if let Some(b) = ask.get() {
            if back_to_button.get_untracked() {
                back_to_button.set(false);
                let _ = b.focus();
            }
        }
    });
    Effect::new(move |_| {
        if let Some(p) = status_line.get() {
            if to_status.get_untracked() {
                to_status.set(false);
                let _ = p.focus();
            }
        }
    });
    let cancel = move |_| {
        back_to_button.set(true);
        confirming.set(None);
    };
    let confirm = move |_| {
        let Some(next) = confirming.get_untracked() else {
            return;
        };
        let client = ctx.client();
        let id = id.get_value();
        action.run(
            &tasks,
            async move {
                client
                    .write::<_, serde_json::Value>(
                        Operation::SetPollStatus,
                        &[&id],
                        &PollStatusChange { status: next },
                    )
                    .await
            },
            move |_| {
                to_status.try_set(true);
                confirming.try_set(None);
                status.try_set(Some(next));
                fill(t.poll_now, &[("status", t.poll_status(next))])
            },
            move || {
                back_to_button.try_set(true);
                confirming.try_set(None);
            },
        );
    };
    view! {
        <section class="console-panel" aria-labelledby="console-poll-heading">
            <h2 id="console-poll-heading">{t.poll_heading}</h2>
            {move || match poll.get() {
                None => view! { <p role="status">{t.loading}</p> }.into_any(),
                Some(Err(error)) => view! { <Failed error retry=load/> }.into_any(),
                Some(Ok(p)) => {
                    let question = ctx.pick(&p.question);
                    view! {
                        <p class="console-question" lang=question.lang dir="auto">{question.text}</p>
                        <ul class="console-options">
                            {p.options.iter().map(|o| {
                                let label = ctx.pick(&o.label);
                                view! { <li lang=label.lang dir="auto">{label.text}</li> }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }
            }}
            {move || status.get().map(|s| view! {
                <p tabindex="-1" node_ref=status_line>
                    {fill(t.poll_status_line, &[("status", t.poll_status(s))])}
                </p>
            })}
            {move || {
                let next = status.get().and_then(next_poll_status)?;
                Some(match confirming.get() {
                    None => view! {
                        <button type="button" class="console-primary" node_ref=ask
                            on:click=move |_| confirming.set(Some(next))>
                            {if next == PollStatus::Closed { t.close_poll } else { t.open_poll }}
                        </button>
                    }.into_any(),
                    Some(next) => {
                        let confirm = confirm.clone();
                        let (what, yes) = confirmation(t, next);
                        view! {
                            <div class="console-confirm" role="group" aria-labelledby="console-confirm-text">
                                <p id="console-confirm-text" tabindex="-1" node_ref=question>{what}</p>
                                <button type="button" class="console-primary" on:click=confirm
                                    aria-disabled=action.disabled()>{yes}</button>
                                <button type="button" on:click=cancel>{t.cancel}</button>
                            </div>
                        }.into_any()
                    }
                })
            }}
            <Outcome said/>
        </section>
    }
}
