//! A staff action (move a phase, close a poll, hide content, decide a
//! proposal): one request at a time, then what it did said in a live
//! region and the run screen told that something changed.

use std::future::Future;

use leptos::prelude::*;

use super::task::Tasks;
use super::Ctx;
use crate::error::ConsoleError;

/// What the last action did (`Ok`) or why it failed (`Err`), as said.
pub type Said = RwSignal<Option<Result<String, String>>>;

#[derive(Clone, Copy)]
pub struct Action {
    /// A request is under way: its buttons say so and do nothing.
    pub busy: RwSignal<bool>,
    said: Said,
    /// Bumped after each action, so that the log reads what it did.
    changed: RwSignal<u32>,
}

impl Action {
    pub fn new(said: Said, changed: RwSignal<u32>) -> Self {
        Action {
            busy: RwSignal::new(false),
            said,
            changed,
        }
    }

    /// Sends `request` unless one is under way. Its answer goes to `done`,
    /// which updates the screen and returns what to say; a failure is said
    /// with the error's message after `failed` ran.
    pub fn run<T: 'static>(
        self,
        tasks: &Tasks,
        request: impl Future<Output = Result<T, ConsoleError>> + 'static,
        done: impl FnOnce(T) -> String + 'static,
        failed: impl FnOnce() + 'static,
    ) {
        if self.busy.get_untracked() {
            return;
        }
        self.busy.set(true);
        let t = Ctx::get().t;
        tasks.spawn(async move {
            let answer = request.await;
            self.busy.try_set(false);
            let said = match answer {
                Ok(answer) => {
                    self.changed.try_update(|c| *c += 1);
                    Ok(done(answer))
                }
                Err(e) => {
                    failed();
                    Err(e.message(t))
                }
            };
            self.said.try_set(Some(said));
        });
    }

    /// `aria-disabled` of the action's buttons.
    pub fn disabled(self) -> impl Fn() -> String + Copy {
        move || self.busy.get().to_string()
    }
}

/// What the last action did, said to screen readers as it appears.
#[component]
pub fn Outcome(said: Said) -> impl IntoView {
    view! {
        <p class="console-outcome" role="status" aria-live="polite">
            {move || match said.get() {
                Some(Ok(done)) => view! { <span class="console-done">{done}</span> }.into_any(),
                Some(Err(failed)) => view! { <span class="console-error">{failed}</span> }.into_any(),
                None => ().into_any(),
            }}
        </p>
    }
}

/// Moves the focus to `node` if it is drawn: where the reader lands once
/// the button they pressed is gone.
pub fn focus<E>(node: NodeRef<E>)
where
    E: leptos::html::ElementType + 'static,
    E::Output: wasm_bindgen::JsCast + Clone + 'static,
{
    if let Some(element) = node.get_untracked() {
        if let Some(element) = wasm_bindgen::JsCast::dyn_ref::<web_sys::HtmlElement>(&element) {
            let _ = element.focus();
        }
    }
}
