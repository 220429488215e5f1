//! "How this deliberation is moderated": what the city's moderators did
//! here and why, newest first, read from the deliberation's public
//! moderation log when the resident opens it (never who did it, never the
//! text that was hidden).

use leptos::prelude::*;
use plaza_contract::LogLine;

use super::status::{ErrorPanel, MoreButton};
use super::task::page_loader;
use super::Ui;
use crate::backend::BackendError;
use crate::state::paged::{Paged, PagedStatus};

#[component]
pub fn ModerationLog(deliberation_id: String) -> impl IntoView {
    let ui = expect_context::<Ui>();
    let s = ui.s();
    let id = StoredValue::new(deliberation_id);
    let expanded = RwSignal::new(false);
    let list: RwSignal<Option<Paged<LogLine, BackendError>>> = RwSignal::new(None);
    let load = page_loader(
        list,
        move |backend, cursor| async move {
            backend
                .moderation_log(&id.get_value(), cursor.as_deref())
                .await
        },
        |a, b| a.id() == b.id(),
        LogLine::id,
    );
    let toggle = move |_| {
        expanded.update(|e| *e = !*e);
        if expanded.get_untracked() && list.with_untracked(Option::is_none) {
            load.run(());
        }
    };
    let entries = move || list.with(|l| l.as_ref().map(|l| l.items.clone()).unwrap_or_default());
    let ui_entry = ui.clone();
    let entry = move |line: LogLine| {
        let li_id = format!("plaza-item-{}", line.id());
        let (at, said) = match line {
            LogLine::Known(e) => {
                let reason = e.reason.map(|r| format!(" {}", s.moderation_reason(r)));
                (
                    e.at,
                    format!("{}{}", s.moderation(&e.change), reason.unwrap_or_default()),
                )
            }
            LogLine::Unknown { at, .. } => (at, s.moderation_unknown.to_owned()),
        };
        view! {
            <li id=li_id tabindex="-1">
                <time datetime=at.as_str().to_owned()>{ui_entry.date(&at)}</time>
                " "
                <span>{said}</span>
            </li>
        }
    };
    view! {
        <section class="plaza-moderation-log">
            <button
                type="button"
                class="plaza-link-button"
                aria-expanded=move || expanded.get().to_string()
                aria-controls="plaza-moderation-log"
                on:click=toggle
            >
                {s.moderation_log_toggle}
            </button>
            <div id="plaza-moderation-log" hidden=move || !expanded.get()>
                <p>{s.moderation_log_intro}</p>
                <ol class="plaza-moderation-entries">
                    <For each=entries key=|e| e.id().to_owned() let:e>
                        {entry(e)}
                    </For>
                </ol>
                {move || list.with(|l| match l {
                    None => ().into_any(),
                    Some(l) if l.items.is_empty() && l.is_loading() => {
                        view! { <p class="plaza-wait" role="status">{s.loading_more}</p> }.into_any()
                    }
                    Some(l) => match &l.status {
                        PagedStatus::Failed(e) => {
                            view! { <ErrorPanel message=e.message(s) retry=load about=s.moderation_log_toggle/> }.into_any()
                        }
                        _ if l.items.is_empty() => {
                            view! { <p class="plaza-empty">{s.moderation_log_empty}</p> }.into_any()
                        }
                        _ if l.has_more() => {
                            view! { <MoreButton label=s.moderation_log_more busy=l.is_loading() load/> }.into_any()
                        }
                        _ => ().into_any(),
                    },
                })}
            </div>
        </section>
    }
}
