//! Async work that ends with the instance that started it. A host page may
//! remove a widget, or remount it by changing an attribute, while its
//! requests are in flight; their answers must then be dropped, never read
//! into a disposed signal or node (a panic there would abort every widget
//! on the page, since they share one wasm module).

use std::future::Future;

use leptos::prelude::*;
use plaza_contract::Page;

use super::participation::Participation;
use super::BackendHandle;
use crate::backend::{ApiResult, Backend, BackendError};
use crate::state::paged::{begin_load, take_page, Paged};

pub use plaza_ui::Tasks;

/// The loader of a list read page by page ("Show more"): each run asks
/// `fetch` for the next page (the first, or the first again after it
/// failed) unless one is on its way, and takes the answer into `list`
/// ([`begin_load`], [`take_page`]); items are told apart by `same`. Once a
/// next page is in, focus goes to its first item (the element
/// `plaza-item-{id}`), so that a reader is not left on a button that went
/// away (the last page) or on nothing.
pub fn page_loader<T, Fut>(
    list: RwSignal<Option<Paged<T, BackendError>>>,
    fetch: impl Fn(Backend, Option<String>) -> Fut + Copy + Send + Sync + 'static,
    same: fn(&T, &T) -> bool,
    id: fn(&T) -> &str,
) -> Callback<()>
where
    T: Send + Sync + 'static,
    Fut: Future<Output = ApiResult<Page<T>>> + 'static,
{
    let backend = expect_context::<BackendHandle>();
    let part = expect_context::<Participation>();
    let tasks = Tasks::of_current();
    Callback::new(move |()| {
        let mut next = None;
        list.update(|l| next = begin_load(l));
        let Some(cursor) = next else { return };
        let more = cursor.is_some();
        let answer = fetch(backend.0.get_value(), cursor);
        tasks.spawn(async move {
            let result = answer.await;
            let mut first_new = None;
            list.update(|l| {
                let before = l.as_ref().map_or(0, |l| l.items.len());
                take_page(l, result, same);
                first_new = l
                    .as_ref()
                    .and_then(|l| l.items.get(before))
                    .filter(|_| more)
                    .map(|item| format!("plaza-item-{}", id(item)));
            });
            if let Some(element) = first_new {
                part.focus_later(element);
            }
        });
    })
}
