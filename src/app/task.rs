//! Async work that ends with the instance that started it. A host page may
//! remove a widget, or remount it by changing an attribute, while its
//! requests are in flight; their answers must then be dropped, never read
//! into a disposed signal or node (a panic there would abort every widget
//! on the page, since they share one wasm module).

use std::future::Future;

use leptos::prelude::Owner;
use leptos::task::spawn_local_scoped_with_cancellation;

/// The reactive owner of a component, kept so that work started later —
/// from a click — still belongs to it (event handlers run without one).
#[derive(Clone)]
pub struct Tasks(Option<Owner>);

impl Tasks {
    /// The calling component's owner.
    pub fn of_current() -> Self {
        Tasks(Owner::current())
    }

    /// Runs `task` until it ends or the owner is disposed, whichever comes
    /// first: a disposed owner aborts the task at its next `.await`.
    pub fn spawn(&self, task: impl Future<Output = ()> + 'static) {
        match &self.0 {
            Some(owner) => owner.with(|| spawn_local_scoped_with_cancellation(task)),
            None => spawn_local_scoped_with_cancellation(task),
        }
    }
}
