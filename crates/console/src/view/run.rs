//! One deliberation, as staff run it: its phase, its poll, its moderation
//! queue and its moderation log.

use leptos::prelude::*;
use plaza_contract::{Deliberation, Operation, PhaseChange};

use super::action::{focus, Action, Outcome, Said};
use super::log::Log;
use super::poll::Poll;
use super::proposals::Proposals;
use super::queue::Queue;
use super::task::{document_loader, focus_when_drawn, Loaded, Tasks};
use super::{Ctx, Failed, Screen};
use crate::i18n::fill;
use crate::run::phase_moves;

#[component]
pub fn Run(id: String, screen: RwSignal<Screen>) -> impl IntoView {
    let ctx = Ctx::get();
    let t = ctx.t;
    let deliberation = RwSignal::new(Loaded::<Deliberation>::None);
    let tasks = Tasks::of_current();
    let load = document_loader(tasks.clone(), deliberation, Operation::GetDeliberation, id);
    // Bumped after each action, so that the log shows it.
    let changed = RwSignal::new(0u32);
    let heading = NodeRef::<leptos::html::H1>::new();
    focus_when_drawn(heading);
    view! {
        <section class="console-screen" aria-labelledby="console-run-heading">
            <button type="button" class="console-back" on:click=move |_| screen.set(Screen::List)>
                {t.back_to_list}
            </button>
            {move || match deliberation.get() {
                None => view! { <p role="status">{t.loading}</p> }.into_any(),
                Some(Err(error)) => view! { <Failed error retry=load/> }.into_any(),
                Some(Ok(d)) => {
                    let title = ctx.pick(&d.title);
                    let poll = d.poll_id.clone();
                    let id = d.id.clone();
                    view! {
                        <h1 id="console-run-heading" tabindex="-1" node_ref=heading lang=title.lang dir="auto">{title.text}</h1>
                        <p>
                            <button type="button" on:click={
                                let id = id.clone();
                                move |_| screen.set(Screen::Setup(Some(id.clone())))
                            }>{t.setup_edit}</button>
                        </p>
                        <Phase deliberation=d changed/>
                        {match poll {
                            Some(poll) => view! { <Poll id=poll changed/> }.into_any(),
                            None => view! {
                                <section class="console-panel" aria-labelledby="console-poll-heading">
                                    <h2 id="console-poll-heading">{t.poll_heading}</h2>
                                    <p>{t.no_poll}</p>
                                </section>
                            }.into_any(),
                        }}
                        <Queue deliberation=id.clone() changed/>
                        <Proposals deliberation=id.clone() changed/>
                        <Log deliberation=id.clone() changed/>
                        <p>
                            <button type="button" class="console-primary"
                                on:click=move |_| screen.set(Screen::Report(id.clone()))>{t.report_open}</button>
                        </p>
                    }.into_any()
                }
            }}
        </section>
    }
}

#[component]
fn Phase(deliberation: Deliberation, changed: RwSignal<u32>) -> impl IntoView {
    let ctx = Ctx::get();
    let t = ctx.t;
    let tasks = Tasks::of_current();
    let said = Said::new(None);
    let action = Action::new(said, changed);
    let current = RwSignal::new(deliberation.current_phase);
    let id = StoredValue::new(deliberation.id.clone());
    let deliberation = StoredValue::new(deliberation);
    // The button pressed leaves the list with the phase it named: the
    // reader is taken to the phase the deliberation is now in.
    let now = NodeRef::<leptos::html::P>::new();
    let move_to = move |phase| {
        let client = ctx.client();
        let id = id.get_value();
        action.run(
            &tasks,
            async move {
                client
                    .write::<_, serde_json::Value>(
                        Operation::SetPhase,
                        &[&id],
                        &PhaseChange { phase },
                    )
                    .await
            },
            move |_| {
                current.try_set(phase);
                focus(now);
                fill(t.phase_moved, &[("phase", t.phase(phase))])
            },
            || (),
        );
    };
    view! {
        <section class="console-panel" aria-labelledby="console-phase-heading">
            <h2 id="console-phase-heading">{t.phase_heading}</h2>
            <p tabindex="-1" node_ref=now>{move || fill(t.current_phase, &[("phase", t.phase(current.get()))])}</p>
            <ul class="console-actions">
                {move || {
                    let mut d = deliberation.get_value();
                    d.current_phase = current.get();
                    phase_moves(&d).into_iter().map(|phase| {
                        let move_to = move_to.clone();
                        view! {
                            <li>
                                <button type="button" on:click=move |_| move_to(phase)
                                    aria-disabled=action.disabled()>
                                    {fill(t.move_to_phase, &[("phase", t.phase(phase))])}
                                </button>
                            </li>
                        }
                    }).collect_view()
                }}
            </ul>
            <Outcome said/>
        </section>
    }
}
