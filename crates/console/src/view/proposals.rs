//! Residents' proposals for one deliberation: staff accept one onto the
//! ballot (it becomes the poll's last option, while no one has voted) or
//! decline it with a reason from the list, which residents read.

use leptos::prelude::*;
use plaza_contract::{DeclineReason, Operation, Proposal, ProposalDecision};

use super::action::{focus, Action, Outcome, Said};
use super::reason::{item_key, Reason};
use super::task::{more, page_loader, Loaded, Pages, Tasks};
use super::{Ctx, Failed};
use crate::i18n::fill;
use crate::queue::proposal_decision;

#[component]
pub fn Proposals(deliberation: String, changed: RwSignal<u32>) -> impl IntoView {
    let ctx = Ctx::get();
    let t = ctx.t;
    let tasks = Tasks::of_current();
    let list = RwSignal::new(Loaded::<Pages<Proposal>>::None);
    let load = page_loader(
        tasks,
        list,
        Operation::ListProposals,
        vec![deliberation],
        Vec::new(),
    );
    load.run(None);
    let said = Said::new(None);
    view! {
        <section class="console-panel" aria-labelledby="console-proposals-heading">
            <h2 id="console-proposals-heading">{t.proposals_heading}</h2>
            <p>{t.proposals_intro}</p>
            <Outcome said/>
            {move || match list.get() {
                None => view! { <p role="status">{t.loading}</p> }.into_any(),
                Some(Err(error)) => view! { <Failed error retry=Callback::new(move |()| load.run(None))/> }.into_any(),
                Some(Ok(pages)) if pages.items.is_empty() => view! { <p>{t.proposals_empty}</p> }.into_any(),
                Some(Ok(pages)) => view! {
                    <ul class="console-proposals">
                        {pages.items.iter().cloned().map(|proposal| view! { <Item proposal said changed/> }).collect_view()}
                    </ul>
                    {more(&pages, load)}
                }.into_any(),
            }}
        </section>
    }
}

#[component]
fn Item(proposal: Proposal, said: Said, changed: RwSignal<u32>) -> impl IntoView {
    let ctx = Ctx::get();
    let t = ctx.t;
    let tasks = Tasks::of_current();
    let select_id = item_key("console-decline", &proposal.id);
    let decision = RwSignal::new(proposal.decision);
    let reason = Reason::<DeclineReason>::new();
    let action = Action::new(said, changed);
    let meta = NodeRef::<leptos::html::P>::new();
    let id = StoredValue::new(proposal.id.clone());
    let decide = move |next: ProposalDecision| {
        let Some(change) = reason.or_ask(proposal_decision(next, reason.chosen.get_untracked()))
        else {
            return;
        };
        let client = ctx.client();
        let id = id.get_value();
        action.run(
            &tasks,
            async move {
                client
                    .write::<_, Proposal>(Operation::DecideProposal, &[&id], &change)
                    .await
            },
            move |p| {
                decision.try_set(p.decision);
                // The button pressed may be gone: the reader lands on the decision.
                focus(meta);
                fill(t.proposal_now, &[("decision", t.decision(p.decision))])
            },
            || (),
        );
    };
    let lang = proposal.lang.clone();
    view! {
        <li class="console-card">
            <p class="console-meta" tabindex="-1" node_ref=meta>{move || t.decision(decision.get())}</p>
            <p lang=lang.clone() dir="auto"><strong>{proposal.title.clone().unwrap_or_default()}</strong></p>
            <p lang=lang dir="auto">{proposal.description.clone().unwrap_or_default()}</p>
            {move || (decision.get() != ProposalDecision::Accepted).then(|| {
                let decide = decide.clone();
                let decide_too = decide.clone();
                let select_id = select_id.clone();
                view! {
                    {(decision.get() == ProposalDecision::UnderReview).then(|| {
                        reason.select(select_id, &DeclineReason::ALL, |r| t.decline_reason(r))
                    })}
                    <div class="console-actions">
                        <button type="button" class="console-primary" on:click=move |_| decide(ProposalDecision::Accepted)
                            aria-disabled=action.disabled()>{t.accept_proposal}</button>
                        {(decision.get() == ProposalDecision::UnderReview).then(|| view! {
                            <button type="button" on:click=move |_| decide_too(ProposalDecision::Declined)
                                aria-disabled=action.disabled()>{t.decline_proposal}</button>
                        })}
                    </div>
                }
            })}
        </li>
    }
}
