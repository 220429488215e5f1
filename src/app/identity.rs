//! The resident's identity on this device: what happens when the city's
//! sign-in is rejected, and the "forget me" an anonymous resident has.

use leptos::prelude::*;

use super::participation::Participation;
use super::{focus_later, BackendHandle, Ui};

/// Shown when the backend rejected the host page's token: reading goes on,
/// and what the resident writes waits for a new sign-in.
#[component]
pub fn SignInNotice() -> impl IntoView {
    let s = expect_context::<Ui>().s();
    let part = expect_context::<Participation>();
    // The live region is there, empty, before its notice: one that appears
    // with its text is not said by every screen reader.
    view! {
        <div role="status">
            {move || part.token_rejected.get().then(|| view! { <p class="plaza-notice">{s.error_token_rejected}</p> })}
        </div>
    }
}

/// "Forget me on this device", for residents the host page did not sign in.
#[component]
pub fn ForgetMe() -> impl IntoView {
    let s = expect_context::<Ui>().s();
    let part = expect_context::<Participation>();
    let backend = expect_context::<BackendHandle>();
    let asking = RwSignal::new(false);
    let done = RwSignal::new(false);
    // Each step replaces the button that led to it: focus follows.
    let root = NodeRef::<leptos::html::Div>::new();
    let step = move |asked: bool, to: &str| {
        asking.set(asked);
        focus_later(root, to.to_owned());
    };
    (!part.signed_in).then(|| {
        view! {
            <div class="plaza-forget" node_ref=root>
                {move || match (done.get(), asking.get()) {
                    (true, _) => view! {
                        <p id="plaza-forget-done" role="status" tabindex="-1">{s.forgotten}</p>
                    }
                    .into_any(),
                    (false, false) => view! {
                        <button type="button" id="plaza-forget-me" class="plaza-link-button" on:click=move |_| step(true, "plaza-forget-confirm")>
                            {s.forget_me}
                        </button>
                    }
                    .into_any(),
                    (false, true) => view! {
                        <div role="group" aria-label=s.forget_me>
                            <p id="plaza-forget-confirm" tabindex="-1">{s.forget_me_confirm}</p>
                            <div class="plaza-actions">
                                <button type="button" class="plaza-button plaza-small" on:click=move |_| {
                                    backend.0.with_value(|b| part.forget(b));
                                    done.set(true);
                                    focus_later(root, "plaza-forget-done".to_owned());
                                }>
                                    {s.forget_me_yes}
                                </button>
                                <button type="button" class="plaza-button plaza-small plaza-quiet" on:click=move |_| step(false, "plaza-forget-me")>
                                    {s.cancel}
                                </button>
                            </div>
                        </div>
                    }
                    .into_any(),
                }}
            </div>
        }
    })
}
