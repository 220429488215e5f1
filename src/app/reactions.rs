//! "Helpful" and "changed my mind": toggles that show the resident's
//! choice at once, sent through the outbox, rolled back with a message if
//! the backend refuses.

use leptos::prelude::*;
use plaza_contract::{Argument, ReactionKind, ReactionState};

use super::participation::Participation;
use super::Ui;
use crate::i18n::{control_name, fill};
use crate::state::outbox::{Answer, Delivery, Submission};
use crate::state::reactions::{count, shown};

#[component]
pub fn Reactions(
    argument: Argument,
    /// The id of the argument's text, which describes the buttons.
    described_by: String,
    /// The argument, in the buttons' names ("Argument by Léa: “…”").
    about: String,
) -> impl IntoView {
    let ui = expect_context::<Ui>();
    let s = ui.s();
    let part = expect_context::<Participation>();
    let id = StoredValue::new(argument.id.clone());
    // What the backend said, updated by the answers to my reactions.
    let base = RwSignal::new(ReactionState {
        argument_id: argument.id.clone(),
        reactions: argument.reactions,
        my_reactions: argument.my_reactions.clone(),
    });
    let mine = move |items: &[crate::state::outbox::Item]| {
        let id = id.get_value();
        items
            .iter()
            .filter_map(|item| match &item.submission {
                Submission::Reaction {
                    argument_id,
                    reaction,
                    on,
                    ..
                } if *argument_id == id => Some((item.clone(), *reaction, *on)),
                _ => None,
            })
            .collect::<Vec<_>>()
    };
    // Why the backend refused the last reaction, shown until the next one.
    let refused: RwSignal<Option<String>> = RwSignal::new(None);
    // The backend's answers replace what it said before; a refusal is
    // rolled back (the wish is dropped) and said why on the page (and to a
    // screen reader by `Participation`).
    Effect::new(move |_| {
        for (item, _, _) in part.items.with(|items| mine(items)) {
            match &item.delivery {
                Delivery::Sent {
                    answer: Answer::Reaction(state),
                    ..
                } if base.with_untracked(|b| b != state) => base.set(state.clone()),
                Delivery::Failed { error } => {
                    let text = fill(s.reaction_refused, &[("reason", &error.message(s))]);
                    refused.set(Some(text));
                    part.discard(&item.key);
                }
                _ => {}
            }
        }
    });
    // The wishes on their way, shown at once.
    let wishes = Memo::new(move |_| {
        part.items.with(|items| {
            mine(items)
                .into_iter()
                .filter(|(item, _, _)| {
                    !matches!(
                        item.delivery,
                        Delivery::Sent { .. } | Delivery::Failed { .. }
                    )
                })
                .map(|(_, kind, on)| (kind, on))
                .collect::<Vec<_>>()
        })
    });
    let state = move || base.with(|b| shown(b.reactions, &b.my_reactions, &wishes.get()));
    let button = move |kind: ReactionKind, label: &'static str| {
        let ui = ui.clone();
        let pressed = move || state().1.contains(&kind);
        let shown_count = move || ui.number(u64::from(count(&state().0, kind)));
        let about = about.clone();
        let name_count = shown_count.clone();
        view! {
            <button
                type="button"
                class="plaza-reaction"
                aria-label=move || control_name(&format!("{label} {}", name_count()), &about)
                aria-pressed=move || pressed().to_string()
                aria-describedby=described_by.clone()
                on:click=move |_| {
                    refused.set(None);
                    part.submit(Submission::Reaction {
                        deliberation_id: part.deliberation_id.get_value(),
                        argument_id: id.get_value(),
                        reaction: kind,
                        on: !pressed(),
                    });
                }
            >
                <span>{label}</span>
                " "
                <span class="plaza-reaction-count">{shown_count}</span>
            </button>
        }
    };
    view! {
        <div class="plaza-reactions">
            {button(ReactionKind::Helpful, s.reaction_helpful)}
            {button(ReactionKind::ChangedMyMind, s.reaction_changed_mind)}
            {move || refused.get().map(|text| view! {
                <p class="plaza-state plaza-state-failed">{text}</p>
            })}
        </div>
    }
}
