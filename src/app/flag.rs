//! Reporting an argument, a reply or a proposal to the moderators, with a
//! reason from the contract's list; once reported, said so, and never
//! offered twice.

use leptos::prelude::*;
use plaza_contract::{FlagReason, FlagTarget, NewFlag};

use super::participation::Participation;
use super::{focus_if_lost, focus_later, Ui};
use crate::i18n::{control_name, fill};
use crate::state::outbox::Submission;

#[component]
pub fn Report(
    target: FlagTarget,
    id: String,
    /// What is reported, for the control's accessible name ("Argument by Léa").
    about: String,
) -> impl IntoView {
    let s = expect_context::<Ui>().s();
    let part = expect_context::<Participation>();
    let id = StoredValue::new(id);
    let expanded = RwSignal::new(false);
    let reason: RwSignal<Option<FlagReason>> = RwSignal::new(None);
    let reported = move || part.reported(target, &id.get_value());
    // A report the backend refused: its reason is shown, the report offered
    // again; a new try puts the refused one away.
    let refused = Memo::new(move |_| part.refused_report(target, &id.get_value()));
    let forget_refused = move || {
        if let Some((key, _)) = refused.get_untracked() {
            part.discard(&key);
        }
    };
    let root = NodeRef::<leptos::html::Div>::new();
    let base = id.with_value(|i| format!("plaza-report-{target:?}-{i}"));
    let toggle_id = format!("{base}-toggle");
    let done_id = format!("{toggle_id}-done");
    let refused_id = format!("{base}-refused");
    // Reported from this card since it was drawn: its confirmation took
    // focus, and is gone when a refusal comes.
    let sent_here = StoredValue::new(false);
    {
        // Focus then goes to the reason, if it was lost with the
        // confirmation (not for a refusal of a report sent before a reload
        // or from another tab, nor from a resident who moved on).
        let refused_id = refused_id.clone();
        Effect::new(move |was: Option<bool>| {
            let now = refused.with(Option::is_some);
            if was == Some(false) && now && sent_here.get_value() {
                focus_if_lost(root, refused_id.clone());
            }
            now
        });
    }
    let panel_id = format!("{base}-panel");
    let controls = StoredValue::new(panel_id.clone());
    let send = {
        let toggle_id = toggle_id.clone();
        move |e: leptos::ev::SubmitEvent| {
            e.prevent_default();
            let Some(reason) = reason.get_untracked() else {
                return;
            };
            forget_refused();
            sent_here.set_value(true);
            part.submit(Submission::Flag {
                deliberation_id: part.deliberation_id.get_value(),
                flag: NewFlag {
                    target_type: target,
                    target_id: id.get_value(),
                    reason,
                },
            });
            expanded.set(false);
            // The confirmation takes the button's place: focus goes to it.
            focus_later(root, format!("{}-done", toggle_id));
        }
    };
    let reasons = [
        (FlagReason::Abuse, "abuse", s.flag_abuse),
        (FlagReason::Spam, "spam", s.flag_spam),
        (FlagReason::OffTopic, "off-topic", s.flag_off_topic),
        (
            FlagReason::PersonalData,
            "personal-data",
            s.flag_personal_data,
        ),
        (FlagReason::Other, "other", s.flag_other),
    ];
    let group = format!("{base}-reason");
    // Drawn only while open: a card carries one button, not a hidden form
    // of sixteen elements (four in ten of what a discussion's first screen drew).
    let panel = {
        let toggle_id = toggle_id.clone();
        move || {
            let options = reasons
                .into_iter()
                .map(|(value, name, label)| {
                    let option_id = format!("{base}-{name}");
                    view! {
                        <label class="plaza-choice" for=option_id.clone()>
                            <input
                                type="radio"
                                id=option_id.clone()
                                name=group.clone()
                                on:change=move |_| reason.set(Some(value))
                            />
                            {label}
                        </label>
                    }
                })
                .collect_view();
            let labelled = toggle_id.clone();
            let toggle_id = toggle_id.clone();
            let cancel = move |_| {
                expanded.set(false);
                focus_later(root, toggle_id.clone());
            };
            view! {
                // Named by its toggle ("Report — Argument by Léa: “…”"):
                // several may be open, each with the same legend and buttons.
                <form id=panel_id.clone() class="plaza-report-panel" aria-labelledby=labelled on:submit=send.clone()>
                    <fieldset>
                        <legend>{s.report_legend}</legend>
                        {options}
                    </fieldset>
                    <div class="plaza-actions">
                        <button type="submit" class="plaza-button plaza-small" aria-disabled=move || reason.get().is_none().to_string()>
                            {s.submit_report}
                        </button>
                        <button type="button" class="plaza-button plaza-small plaza-quiet" on:click=cancel>
                            {s.cancel}
                        </button>
                    </div>
                </form>
            }
        }
    };
    let toggle = move |_| {
        // A panel drawn again starts with nothing chosen.
        reason.set(None);
        expanded.update(|e| *e = !*e);
    };
    view! {
        <div class="plaza-report" node_ref=root>
            <Show
                when=move || !reported()
                fallback=move || view! {
                    <p id=done_id.clone() class="plaza-reported" tabindex="-1">{s.reported}</p>
                }
            >
                <button
                    type="button"
                    id=toggle_id.clone()
                    class="plaza-link-button"
                    aria-expanded=move || expanded.get().to_string()
                    aria-controls=move || expanded.get().then(|| controls.get_value())
                    aria-label=control_name(s.report, &about)
                    on:click=toggle
                >
                    {s.report}
                </button>
            </Show>
            // Closed once reported, also from another tab or widget: its
            // toggle, which names it, is gone then.
            <Show when=move || expanded.get() && !reported()>{panel.clone()}</Show>
            {move || refused.get().map(|(_, error)| view! {
                <p id=refused_id.clone() class="plaza-state plaza-state-failed" tabindex="-1">
                    {fill(s.state_failed, &[("reason", &error.message(s))])}
                </p>
            })}
        </div>
    }
}
