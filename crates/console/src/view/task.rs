//! Requests whose answers land in signals: an answer that comes after its
//! component is gone is dropped (the task is cancelled with its owner).

use std::future::Future;

use leptos::prelude::*;
use leptos::task::spawn_local_scoped_with_cancellation;

use crate::error::ConsoleError;

pub type Loaded<T> = Option<Result<T, ConsoleError>>;

/// The calling component's owner, so that work started from a click still
/// ends with it (event handlers run without one).
#[derive(Clone)]
pub struct Tasks(Option<Owner>);

impl Tasks {
    pub fn of_current() -> Self {
        Tasks(Owner::current())
    }

    pub fn spawn(&self, task: impl Future<Output = ()> + 'static) {
        match &self.0 {
            Some(owner) => owner.with(|| spawn_local_scoped_with_cancellation(task)),
            None => spawn_local_scoped_with_cancellation(task),
        }
    }

    /// Runs `request` and puts its answer into `into` (cleared meanwhile).
    pub fn load<T: Send + Sync + 'static>(
        &self,
        into: RwSignal<Loaded<T>>,
        request: impl Future<Output = Result<T, ConsoleError>> + 'static,
    ) {
        into.set(None);
        self.spawn(async move {
            let answer = request.await;
            into.try_set(Some(answer));
        });
    }
}

/// A list read page by page ("Show more").
#[derive(Debug, Clone)]
pub struct Pages<T> {
    pub items: Vec<T>,
    pub next: Option<String>,
    /// The last "Show more" failed; the items read so far stay.
    pub more_failed: Option<ConsoleError>,
}

impl Tasks {
    /// Reads the first page into `into` (`cursor` is `None`) or the next
    /// one after the items it has.
    pub fn load_page<T: Send + Sync + 'static>(
        &self,
        into: RwSignal<Loaded<Pages<T>>>,
        cursor: Option<String>,
        request: impl Future<Output = Result<plaza_contract::Page<T>, ConsoleError>> + 'static,
    ) {
        let first = cursor.is_none();
        if first {
            into.set(None);
        }
        self.spawn(async move {
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
}
