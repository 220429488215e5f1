//! The moderation queue of one deliberation: flagged and held content,
//! each hidden or restored with a reason from the list.

use leptos::prelude::*;
use plaza_contract::{
    ContentModeration, ContentStatus, FlaggedContent, ModerationReason, Operation,
};

use super::reason::reason_select;
use super::run::Outcome;
use super::task::{more, page_loader, Loaded, Pages, Tasks};
use super::{Ctx, Failed};
use crate::i18n::fill;
use crate::queue::{apply, choices, decision, order};

#[component]
pub fn Queue(deliberation: String, changed: RwSignal<u32>) -> impl IntoView {
    let ctx = Ctx::get();
    let t = ctx.t;
    let tasks = Tasks::of_current();
    let list = RwSignal::new(Loaded::<Pages<FlaggedContent>>::None);
    let load = page_loader(
        tasks.clone(),
        list,
        Operation::ListFlagged,
        Vec::new(),
        vec![("deliberation", deliberation)],
    );
    load.run(None);
    let outcome = RwSignal::new(None::<Result<String, String>>);
    view! {
        <section class="console-panel" aria-labelledby="console-queue-heading">
            <h2 id="console-queue-heading">{t.queue_heading}</h2>
            <p>{t.queue_intro}</p>
            <Outcome outcome/>
            {move || match list.get() {
                None => view! { <p role="status">{t.loading}</p> }.into_any(),
                Some(Err(error)) => view! { <Failed error retry=Callback::new(move |()| load.run(None))/> }.into_any(),
                Some(Ok(pages)) => {
                    let mut items = pages.items.clone();
                    order(&mut items);
                    view! {
                        {if items.is_empty() {
                            view! { <p>{t.queue_empty}</p> }.into_any()
                        } else {
                            view! {
                                <ul class="console-queue">
                                    {items.into_iter().map(|item| view! { <Item item outcome changed/> }).collect_view()}
                                </ul>
                            }.into_any()
                        }}
                        {more(&pages, load)}
                    }.into_any()
                }
            }}
        </section>
    }
}

#[component]
fn Item(
    item: FlaggedContent,
    outcome: RwSignal<Option<Result<String, String>>>,
    changed: RwSignal<u32>,
) -> impl IntoView {
    let ctx = Ctx::get();
    let t = ctx.t;
    let tasks = Tasks::of_current();
    let key = format!("{:?}-{}", item.target_type, item.target_id)
        .to_lowercase()
        .replace(|c: char| !c.is_ascii_alphanumeric() && c != '-', "_");
    let select_id = format!("console-reason-{key}");
    let reason = RwSignal::new(None::<ModerationReason>);
    let missing = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let select = NodeRef::<leptos::html::Select>::new();
    let meta = NodeRef::<leptos::html::P>::new();
    let text = item.text.clone();
    let target = item.target_type;
    let item = RwSignal::new(item);
    let act = move |status: ContentStatus| {
        if busy.get_untracked() {
            return;
        }
        let Some(done) = item.with_untracked(|i| decision(i, status, reason.get_untracked()))
        else {
            missing.set(true);
            if let Some(s) = select.get_untracked() {
                let _ = s.focus();
            }
            return;
        };
        missing.set(false);
        busy.set(true);
        let client = ctx.client();
        tasks.spawn(async move {
            let answer: Result<ContentModeration, _> =
                client.write(Operation::ModerateContent, &[], &done).await;
            busy.try_set(false);
            outcome.try_set(Some(match answer {
                Ok(_) => {
                    item.try_update(|i| apply(i, &done));
                    changed.try_update(|c| *c += 1);
                    // The button pressed is gone: the reader lands on what it did.
                    if let Some(p) = meta.get_untracked() {
                        let _ = p.focus();
                    }
                    Ok(fill(
                        t.content_now,
                        &[
                            ("target", t.target(done.target_type)),
                            ("status", t.content_status(done.status)),
                        ],
                    ))
                }
                Err(e) => Err(e.message(t)),
            }));
        });
    };
    view! {
        <li class="console-card">
            <p class="console-meta" tabindex="-1" node_ref=meta>
                <strong>{t.target(target)}</strong>
                " · " {move || t.content_status(item.with(|i| i.status))}
                " · " {move || fill(t.flags_count, &[("count", &item.with(|i| i.flags).to_string())])}
            </p>
            <blockquote class="console-quote">{text}</blockquote>
            {reason_select(select_id, &ModerationReason::ALL, |r| t.reason(r), reason, missing, select)}
            <div class="console-actions">
                {move || choices(item.with(|i| i.status)).into_iter().filter(|(_, offered)| *offered).map(|(to, _)| {
                    let act = act.clone();
                    let label = if to == ContentStatus::Visible { t.restore } else { t.hide };
                    view! {
                        <button type="button" on:click=move |_| act(to)
                            aria-disabled=move || busy.get().to_string()>{label}</button>
                    }
                }).collect_view()}
            </div>
        </li>
    }
}
