//! The moderation queue of one deliberation: flagged and held content,
//! each hidden or restored with a reason from the list.

use leptos::prelude::*;
use plaza_contract::{
    ContentModeration, ContentStatus, FlaggedContent, ModerationReason, Operation,
};

use super::action::{focus, Action, Outcome, Said};
use super::reason::{item_key, Reason};
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
    let said = Said::new(None);
    view! {
        <section class="console-panel" aria-labelledby="console-queue-heading">
            <h2 id="console-queue-heading">{t.queue_heading}</h2>
            <p>{t.queue_intro}</p>
            <Outcome said/>
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
                                    {items.into_iter().map(|item| view! { <Item item said changed/> }).collect_view()}
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
fn Item(item: FlaggedContent, said: Said, changed: RwSignal<u32>) -> impl IntoView {
    let ctx = Ctx::get();
    let t = ctx.t;
    let tasks = Tasks::of_current();
    let select_id = item_key(
        "console-reason",
        &format!("{:?}-{}", item.target_type, item.target_id).to_lowercase(),
    );
    let reason = Reason::<ModerationReason>::new();
    let action = Action::new(said, changed);
    let meta = NodeRef::<leptos::html::P>::new();
    let text = item.text.clone();
    let target = item.target_type;
    let item = RwSignal::new(item);
    let act = move |status: ContentStatus| {
        let asked = item.with_untracked(|i| decision(i, status, reason.chosen.get_untracked()));
        let Some(done) = reason.or_ask(asked) else {
            return;
        };
        let client = ctx.client();
        let request = done.clone();
        action.run(
            &tasks,
            async move {
                client
                    .write::<_, ContentModeration>(Operation::ModerateContent, &[], &request)
                    .await
            },
            move |_| {
                item.try_update(|i| apply(i, &done));
                // The button pressed is gone: the reader lands on what it did.
                focus(meta);
                fill(
                    t.content_now,
                    &[
                        ("target", t.target(done.target_type)),
                        ("status", t.content_status(done.status)),
                    ],
                )
            },
            || (),
        );
    };
    view! {
        <li class="console-card">
            <p class="console-meta" tabindex="-1" node_ref=meta>
                <strong>{t.target(target)}</strong>
                " · " {move || t.content_status(item.with(|i| i.status))}
                " · " {move || fill(t.flags_count, &[("count", &ctx.number(item.with(|i| i.flags)))])}
            </p>
            <blockquote class="console-quote">{text}</blockquote>
            {reason.select(select_id, &ModerationReason::ALL, |r| t.reason(r))}
            <div class="console-actions">
                {move || choices(item.with(|i| i.status)).into_iter().filter(|(_, offered)| *offered).map(|(to, _)| {
                    let act = act.clone();
                    let label = if to == ContentStatus::Visible { t.restore } else { t.hide };
                    view! {
                        <button type="button" on:click=move |_| act(to)
                            aria-disabled=action.disabled()>{label}</button>
                    }
                }).collect_view()}
            </div>
        </li>
    }
}
