//! Async work that ends with the component that started it. A host page may
//! remove a widget or a console, or remount it, while its requests are in
//! flight; their answers must then be dropped, never read into a disposed
//! signal or node (a panic there, with `panic = "abort"`, would stop every
//! instance sharing the wasm module).

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
    /// first: a disposed owner aborts the task at its next `.await`
    /// (`spawn_local_scoped` alone would let it run on).
    pub fn spawn(&self, task: impl Future<Output = ()> + 'static) {
        match &self.0 {
            Some(owner) => owner.with(|| spawn_local_scoped_with_cancellation(task)),
            None => spawn_local_scoped_with_cancellation(task),
        }
    }
}
