//! The deliberations a staff member can run.

use leptos::prelude::*;
use plaza_contract::{DeliberationSummary, Operation};

use super::task::{focus_when_drawn, more, page_loader, Loaded, Pages, Tasks};
use super::{with_value, Ctx, Failed, Screen};
use crate::i18n::fill;

#[component]
pub fn Deliberations(screen: RwSignal<Screen>) -> impl IntoView {
    let ctx = Ctx::get();
    let t = ctx.t;
    let list = RwSignal::new(Loaded::<Pages<DeliberationSummary>>::None);
    let tasks = Tasks::of_current();
    let load = page_loader(
        tasks.clone(),
        list,
        Operation::ListDeliberations,
        Vec::new(),
        Vec::new(),
    );
    load.run(None);
    let heading = NodeRef::<leptos::html::H1>::new();
    // Coming back from a deliberation, the reader lands on the list's heading.
    focus_when_drawn(heading);
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
                    view! {
                        <ul class="console-deliberations">
                            {pages.items.iter().map(|d| {
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
                        {more(&pages, load)}
                    }.into_any()
                }
            }}
        </section>
    }
}
