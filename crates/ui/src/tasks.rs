//! Async work that ends with the component that started it. A host page may
//! remove a widget or a console, or remount it, while its requests are in
//! flight; their answers must then be dropped, never read into a disposed
//! signal or node (a panic there, with `panic = "abort"`, would stop every
//! instance sharing the wasm module).

use std::future::Future;

use leptos::prelude::Owner;
use leptos::reactive::owner::WeakOwner;
use leptos::task::spawn_local_scoped_with_cancellation;

/// The reactive owner of a component, kept so that work started later —
/// from a click — still belongs to it (event handlers run without one).
/// Kept weakly: a `Tasks` lives in callbacks that its owner holds, and a
/// strong reference there would keep an unmounted instance's root owner,
/// and so everything it holds, alive for ever (a root owner is cleaned up
/// when its last reference goes).
#[derive(Clone)]
pub struct Tasks(Option<WeakOwner>);

impl Tasks {
    /// The calling component's owner.
    pub fn of_current() -> Self {
        Tasks(Owner::current().map(|owner| owner.downgrade()))
    }

    /// Runs `task` until it ends or the owner is disposed, whichever comes
    /// first: a disposed owner aborts the task at its next `.await`
    /// (`spawn_local_scoped` alone would let it run on). Work for an owner
    /// already gone is not started.
    pub fn spawn(&self, task: impl Future<Output = ()> + 'static) {
        match &self.0 {
            Some(weak) => {
                if let Some(owner) = weak.upgrade() {
                    owner.with(|| spawn_local_scoped_with_cancellation(task));
                }
            }
            None => spawn_local_scoped_with_cancellation(task),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;

    use leptos::prelude::*;

    use super::Tasks;

    /// An instance's root owner is cleaned up (its tasks cancelled, its
    /// signals dropped) when the handle that mounted it goes, although its
    /// own callbacks keep its `Tasks`.
    #[test]
    fn a_root_owner_that_keeps_its_tasks_is_cleaned_up_when_dropped() {
        let cleaned = Arc::new(AtomicBool::new(false));
        let owner = Owner::new();
        owner.with(|| {
            let tasks = Tasks::of_current();
            let _kept = StoredValue::new(tasks);
            let cleaned = Arc::clone(&cleaned);
            Owner::on_cleanup(move || cleaned.store(true, Ordering::SeqCst));
        });
        drop(owner);
        assert!(cleaned.load(Ordering::SeqCst));
    }
}
