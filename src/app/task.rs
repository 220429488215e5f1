//! Async work that ends with the instance that started it. A host page may
//! remove a widget, or remount it by changing an attribute, while its
//! requests are in flight; their answers must then be dropped, never read
//! into a disposed signal or node (a panic there would abort every widget
//! on the page, since they share one wasm module).

use std::future::Future;

use leptos::prelude::*;
use plaza_contract::Page;

use super::BackendHandle;
use crate::backend::{ApiResult, Backend, BackendError};
use crate::state::paged::{begin_load, take_page, Paged};

pub use plaza_ui::Tasks;

/// The loader of a list read page by page ("Show more"): each run asks
/// `fetch` for the next page (the first, or the first again after it
/// failed) unless one is on its way, and takes the answer into `list`
/// ([`begin_load`], [`take_page`]); items are told apart by `same`.
pub fn page_loader<T, Fut>(
    list: RwSignal<Option<Paged<T, BackendError>>>,
    fetch: impl Fn(Backend, Option<String>) -> Fut + Copy + Send + Sync + 'static,
    same: fn(&T, &T) -> bool,
) -> Callback<()>
where
    T: Send + Sync + 'static,
    Fut: Future<Output = ApiResult<Page<T>>> + 'static,
{
    let backend = expect_context::<BackendHandle>();
    let tasks = Tasks::of_current();
    Callback::new(move |()| {
        let mut next = None;
        list.update(|l| next = begin_load(l));
        let Some(cursor) = next else { return };
        let answer = fetch(backend.0.get_value(), cursor);
        tasks.spawn(async move {
            let result = answer.await;
            list.update(|l| take_page(l, result, same));
        });
    })
}

/// "Show more" for a list `load` reads page by page: once the page asked
/// for is in, focus goes to its first item (the element
/// `plaza-item-{item_id}`, in the shadow root of `near`), so that a reader
/// is not left on a button that went away (the last page) or on nothing.
pub fn more_then_focus<T, N>(
    list: RwSignal<Option<Paged<T, BackendError>>>,
    load: Callback<()>,
    item_id: fn(&T) -> String,
    near: NodeRef<N>,
) -> Callback<()>
where
    T: Send + Sync + 'static,
    N: leptos::html::ElementType,
    N::Output: wasm_bindgen::JsCast + Clone + 'static,
{
    // The number of items before the page asked for.
    let asked_after: RwSignal<Option<usize>> = RwSignal::new(None);
    Effect::new(move |_| {
        let arrived = list.with(|l| match l {
            Some(l) if !l.is_loading() => {
                Some(l.items.get(asked_after.get_untracked()?).map(item_id))
            }
            _ => None,
        });
        if let Some(first) = arrived {
            asked_after.set(None);
            if let Some(id) = first {
                super::focus_later(near, format!("plaza-item-{id}"));
            }
        }
    });
    Callback::new(move |()| {
        asked_after.set(Some(
            list.with_untracked(|l| l.as_ref().map_or(0, |l| l.items.len())),
        ));
        load.run(());
    })
}
