//! The arguments for and against, side by side (stacked on narrow widgets).

use leptos::html::Ul;
use leptos::prelude::*;
use leptos::task::spawn_local_scoped;
use plaza_contract::{Argument, ContentStatus, Counts, Page, Stance};
use wasm_bindgen::JsCast;

use super::format;
use super::status::ErrorPanel;
use super::{BackendHandle, Ui};
use crate::backend::{ArgumentQuery, BackendError};
use crate::state::paged::{Paged, PagedStatus};

#[component]
pub fn Discussion(
    counts: Counts,
    for_page: Page<Argument>,
    against_page: Page<Argument>,
    deliberation_id: String,
) -> impl IntoView {
    let s = expect_context::<Ui>().s();
    view! {
        <section class="plaza-discussion">
            <h3 id="plaza-discussion-heading">{s.discussion_heading}</h3>
            <div class="plaza-columns">
                <Column stance=Stance::For total=counts.arguments_for first=for_page deliberation_id=deliberation_id.clone()/>
                <Column stance=Stance::Against total=counts.arguments_against first=against_page deliberation_id=deliberation_id/>
            </div>
        </section>
    }
}

#[component]
fn Column(
    stance: Stance,
    total: u32,
    first: Page<Argument>,
    deliberation_id: String,
) -> impl IntoView {
    let ui = expect_context::<Ui>();
    let backend = expect_context::<BackendHandle>();
    let (s, locale) = (ui.s(), ui.locale);
    let list: RwSignal<Paged<Argument, BackendError>> = RwSignal::new(Paged::from_first(first));
    let list_ref = NodeRef::<Ul>::new();
    let (heading, heading_id, class) = match stance {
        Stance::For => (
            s.arguments_for_heading,
            "plaza-for-heading",
            "plaza-column plaza-for",
        ),
        Stance::Against => (
            s.arguments_against_heading,
            "plaza-against-heading",
            "plaza-column plaza-against",
        ),
    };
    let count = s.arguments_count.format(
        locale,
        u64::from(total),
        &format::number(u64::from(total), locale),
    );

    let load_more = Callback::new(move |()| {
        let mut cursor = None;
        list.update(|l| cursor = l.begin_more());
        let Some(cursor) = cursor else { return };
        let query = ArgumentQuery {
            stance: Some(stance),
            cursor: Some(cursor),
            ..Default::default()
        };
        let id = deliberation_id.clone();
        spawn_local_scoped(async move {
            match backend.0.get_value().arguments(&id, &query).await {
                Ok(page) => {
                    let mut first_new = 0;
                    list.update(|l| first_new = l.receive(page, |a, b| a.id == b.id));
                    focus_item(list_ref, first_new);
                }
                Err(e) => list.update(|l| l.fail(e)),
            }
        });
    });

    view! {
        <section class=class>
            <h4 id=heading_id class="plaza-column-heading">
                {heading}
                " "
                <span class="plaza-count">{count}</span>
            </h4>
            <Show
                when=move || list.with(|l| !l.items.is_empty())
                fallback=move || view! { <p class="plaza-empty">{s.no_arguments_yet}</p> }
            >
                <ul class="plaza-arguments" node_ref=list_ref aria-busy=move || list.with(|l| l.is_loading()).to_string()>
                    <For each=move || list.with(|l| l.items.clone()) key=|a| a.id.clone() let:argument>
                        <li>
                            <ArgumentCard argument=argument/>
                        </li>
                    </For>
                </ul>
            </Show>
            {move || list.with(|l| match &l.status {
                PagedStatus::Failed(e) => {
                    Some(view! { <ErrorPanel message=e.message(s) retry=load_more/> }.into_any())
                }
                _ if l.has_more() => {
                    let busy = l.is_loading();
                    Some(view! {
                        <button type="button" class="plaza-button plaza-more" aria-disabled=busy.to_string() on:click=move |_| load_more.run(())>
                            {if busy { s.loading_more } else { s.show_more_arguments }}
                        </button>
                    }.into_any())
                }
                _ => None,
            })}
        </section>
    }
}

/// Moves keyboard and screen-reader focus to the first newly loaded
/// argument, so "Show more" does not leave the reader behind.
fn focus_item(list_ref: NodeRef<Ul>, index: usize) {
    request_animation_frame(move || {
        let Some(list) = list_ref.get_untracked() else {
            return;
        };
        let item = list
            .children()
            .item(index as u32)
            .and_then(|li| li.first_element_child())
            .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(item) = item {
            let _ = item.focus();
        }
    });
}

#[component]
fn ArgumentCard(argument: Argument) -> impl IntoView {
    let ui = expect_context::<Ui>();
    let (s, locale) = (ui.s(), ui.locale);
    let a = argument;
    let n = |count: u32| format::number(u64::from(count), locale);
    let text = match (a.status, a.text) {
        (ContentStatus::Visible, Some(text)) => {
            view! { <p class="plaza-argument-text" lang=ui.other_lang(a.lang.as_deref())>{text}</p> }.into_any()
        }
        (ContentStatus::Removed, _) => view! { <p class="plaza-moderated">{s.removed_by_moderator}</p> }.into_any(),
        _ => view! { <p class="plaza-moderated">{s.hidden_pending_review}</p> }.into_any(),
    };
    let author = a
        .author
        .display_name
        .unwrap_or_else(|| s.anonymous.to_owned());
    let stats = [
        (a.reactions.helpful, &s.helpful_count),
        (a.reactions.changed_my_mind, &s.changed_mind_count),
        (a.comment_count, &s.replies_count),
    ]
    .into_iter()
    .filter(|(count, _)| *count > 0)
    .map(|(count, plural)| view! { <li>{plural.format(locale, u64::from(count), &n(count))}</li> })
    .collect_view();
    view! {
        <article class="plaza-argument" tabindex="-1">
            {text}
            <footer class="plaza-argument-meta">
                <span class="plaza-author">{author}</span>
                " · "
                <time datetime=a.created_at.to_string()>{format::date(&a.created_at, locale)}</time>
                <ul class="plaza-stats">{stats}</ul>
            </footer>
        </article>
    }
}
