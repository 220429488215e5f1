//! Requests whose answers land in signals: an answer that comes after its
//! component is gone is dropped (the task is cancelled with its owner).

use std::future::Future;

use leptos::prelude::*;

use crate::error::ConsoleError;

pub type Loaded<T> = Option<Result<T, ConsoleError>>;

pub use plaza_ui::Tasks;

/// Runs `request` and puts its answer into `into` (cleared meanwhile).
pub fn load<T: Send + Sync + 'static>(
    tasks: &Tasks,
    into: RwSignal<Loaded<T>>,
    request: impl Future<Output = Result<T, ConsoleError>> + 'static,
) {
    into.set(None);
    tasks.spawn(async move {
        let answer = request.await;
        into.try_set(Some(answer));
    });
}

/// A list read page by page ("Show more").
#[derive(Debug, Clone)]
pub struct Pages<T> {
    pub items: Vec<T>,
    pub next: Option<String>,
    /// The last "Show more" failed; the items read so far stay.
    pub more_failed: Option<ConsoleError>,
}

/// Reads the first page into `into` (`cursor` is `None`) or the next one
/// after the items it has.
fn load_page<T: Send + Sync + 'static>(
    tasks: &Tasks,
    into: RwSignal<Loaded<Pages<T>>>,
    cursor: Option<String>,
    request: impl Future<Output = Result<plaza_contract::Page<T>, ConsoleError>> + 'static,
) {
    let first = cursor.is_none();
    if first {
        into.set(None);
    }
    tasks.spawn(async move {
        let answer = request.await;
        into.try_update(|list| match (answer, list) {
            (Ok(page), Some(Ok(pages))) if !first => {
                pages.items.extend(page.items);
                pages.next = page.next_cursor;
                pages.more_failed = None;
            }
            (Err(e), Some(Ok(pages))) if !first => pages.more_failed = Some(e),
            (answer, list) => {
                *list = Some(answer.map(|page| Pages {
                    items: page.items,
                    next: page.next_cursor,
                    more_failed: None,
                }))
            }
        });
    });
}

/// The loader of a list `op` (with its path `params` and query `filter`)
/// reads page by page: run with `None` for the first page, with a cursor for
/// the next.
pub fn page_loader<T>(
    tasks: Tasks,
    list: RwSignal<Loaded<Pages<T>>>,
    op: plaza_contract::Operation,
    params: Vec<String>,
    filter: Vec<(&'static str, String)>,
) -> Callback<Option<String>>
where
    T: serde::de::DeserializeOwned + Send + Sync + 'static,
{
    let ctx = super::Ctx::get();
    Callback::new(move |cursor: Option<String>| {
        let client = ctx.client();
        let after = cursor.clone();
        let params = params.clone();
        let filter = filter.clone();
        load_page(&tasks, list, cursor, async move {
            let params: Vec<&str> = params.iter().map(String::as_str).collect();
            let mut query: Vec<(&str, Option<&str>)> =
                filter.iter().map(|(k, v)| (*k, Some(v.as_str()))).collect();
            query.push(("cursor", after.as_deref()));
            client.read(op, &params, &query).await
        });
    })
}

/// The loader of one document `op` names by `id` (a deliberation, a poll),
/// read into `into` now and again on "Try again".
pub fn document_loader<T>(
    tasks: Tasks,
    into: RwSignal<Loaded<T>>,
    op: plaza_contract::Operation,
    id: String,
) -> Callback<()>
where
    T: serde::de::DeserializeOwned + Send + Sync + 'static,
{
    let ctx = super::Ctx::get();
    let load = Callback::new(move |()| {
        let client = ctx.client();
        let id = id.clone();
        load(
            &tasks,
            into,
            async move { client.read(op, &[&id], &[]).await },
        );
    });
    load.run(());
    load
}

/// Under a list: why "Show more" failed, and the button for the next page.
pub fn more<T>(pages: &Pages<T>, load: Callback<Option<String>>) -> impl IntoView {
    let t = super::Ctx::get().t;
    let failed = pages.more_failed.clone();
    let next = pages.next.clone();
    view! {
        {failed.map(|e| view! { <p class="console-error" role="alert">{e.message(t)}</p> })}
        {next.map(|cursor| view! {
            <button type="button" on:click=move |_| load.run(Some(cursor.clone()))>{t.show_more}</button>
        })}
    }
}

/// Focuses a screen's heading once it is drawn, so that the reader knows
/// where they landed.
pub fn focus_when_drawn<E>(node: NodeRef<E>)
where
    E: leptos::html::ElementType + 'static,
    E::Output: wasm_bindgen::JsCast + Clone + 'static,
{
    Effect::new(move |_| {
        if node.get().is_some() {
            super::action::focus(node);
        }
    });
}
