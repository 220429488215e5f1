//! The deliberations a staff member can run.

use leptos::prelude::*;
use plaza_contract::{DeliberationSummary, Operation};

use super::task::{Loaded, Pages, Tasks};
use super::{with_value, Ctx, Failed, Screen};
use crate::i18n::fill;

#[component]
pub fn Deliberations(screen: RwSignal<Screen>) -> impl IntoView {
    let ctx = Ctx::get();
    let t = ctx.t;
    let list = RwSignal::new(Loaded::<Pages<DeliberationSummary>>::None);
    let tasks = Tasks::of_current();
    let load = Callback::new(move |cursor: Option<String>| {
        let client = ctx.client();
        let query = cursor.clone();
        tasks.load_page(list, cursor, async move {
            client
                .read(
                    Operation::ListDeliberations,
                    &[],
                    &[("cursor", query.as_deref())],
                )
                .await
        });
    });
    load.run(None);
    let heading = NodeRef::<leptos::html::H1>::new();
    // Coming back from a deliberation, the reader lands on the list's heading.
    Effect::new(move |_| {
        if let Some(h) = heading.get() {
            let _ = h.focus();
        }
    });
    view! {
        <section class="console-screen" aria-labelledby="console-list-heading">
            <h1 id="console-list-heading" tabindex="-1" node_ref=heading>{t.deliberations_heading}</h1>
            <p>
                <button type="button" on:click=move |_| screen.set(Screen::Setup(None))>{t.setup_new}</button>
            </p>
            {move || match list.get() {
                None => view! { <p role="status">{t.loading}</p> }.into_any(),
                Some(Err(error)) => view! { <Failed error retry=Callback::new(move |()| load.run(None))/> }.into_any(),
                Some(Ok(pages)) if pages.items.is_empty() => view! { <p>{t.no_deliberations}</p> }.into_any(),
                Some(Ok(pages)) => {
                    let next = pages.next.clone();
                    let failed = pages.more_failed.clone();
                    view! {
                        <ul class="console-deliberations">
                            {pages.items.into_iter().map(|d| {
                                let title = ctx.pick(&d.title);
                                let place = ctx.pick(&d.place_name);
                                let label = with_value(t.run_deliberation, "title", title.text.clone());
                                let id = d.id.clone();
                                view! {
                                    <li class="console-card">
                                        <h2 lang=title.lang dir="auto">{title.text}</h2>
                                        <p lang=place.lang dir="auto">{place.text}</p>
                                        <p>{fill(t.current_phase, &[("phase", t.phase(d.current_phase))])}</p>
                                        <button type="button" class="console-primary"
                                            on:click=move |_| screen.set(Screen::Run(id.clone()))>{label}</button>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                        {failed.map(|e| view! { <p class="console-error" role="alert">{e.message(t)}</p> })}
                        {next.map(|cursor| view! {
                            <button type="button" on:click=move |_| load.run(Some(cursor.clone()))>{t.show_more}</button>
                        })}
                    }.into_any()
                }
            }}
        </section>
    }
}
