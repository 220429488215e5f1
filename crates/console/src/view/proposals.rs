//! Residents' proposals for one deliberation: staff accept one onto the
//! ballot (it becomes the poll's last option, while no one has voted) or
//! decline it with a reason from the list, which residents read.

use leptos::prelude::*;
use plaza_contract::{
    DeclineReason, Operation, Proposal, ProposalDecision, ProposalDecisionChange,
};

use super::reason::reason_select;
use super::run::Outcome;
use super::task::{more, page_loader, Loaded, Pages, Tasks};
use super::{Ctx, Failed};
use crate::i18n::fill;

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
    let outcome = RwSignal::new(None::<Result<String, String>>);
    view! {
        <section class="console-panel" aria-labelledby="console-proposals-heading">
            <h2 id="console-proposals-heading">{t.proposals_heading}</h2>
            <p>{t.proposals_intro}</p>
            <Outcome outcome/>
            {move || match list.get() {
                None => view! { <p role="status">{t.loading}</p> }.into_any(),
                Some(Err(error)) => view! { <Failed error retry=Callback::new(move |()| load.run(None))/> }.into_any(),
                Some(Ok(pages)) if pages.items.is_empty() => view! { <p>{t.proposals_empty}</p> }.into_any(),
                Some(Ok(pages)) => view! {
                    <ul class="console-proposals">
                        {pages.items.iter().cloned().map(|proposal| view! { <Item proposal outcome changed/> }).collect_view()}
                    </ul>
                    {more(&pages, load)}
                }.into_any(),
            }}
        </section>
    }
}

#[component]
fn Item(
    proposal: Proposal,
    outcome: RwSignal<Option<Result<String, String>>>,
    changed: RwSignal<u32>,
) -> impl IntoView {
    let ctx = Ctx::get();
    let t = ctx.t;
    let tasks = Tasks::of_current();
    let id = proposal.id.clone();
    let key: String = id
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let select_id = format!("console-decline-{key}");
    let decision = RwSignal::new(proposal.decision);
    let reason = RwSignal::new(None::<DeclineReason>);
    let missing = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let select = NodeRef::<leptos::html::Select>::new();
    let meta = NodeRef::<leptos::html::P>::new();
    let id = StoredValue::new(id);
    let decide = move |next: ProposalDecision| {
        if busy.get_untracked() {
            return;
        }
        let why = reason.get_untracked();
        if next == ProposalDecision::Declined && why.is_none() {
            missing.set(true);
            if let Some(s) = select.get_untracked() {
                let _ = s.focus();
            }
            return;
        }
        missing.set(false);
        busy.set(true);
        let client = ctx.client();
        let change = ProposalDecisionChange {
            decision: next,
            reason: why.filter(|_| next == ProposalDecision::Declined),
        };
        let id = id.get_value();
        tasks.spawn(async move {
            let answer: Result<Proposal, _> = client
                .write(Operation::DecideProposal, &[&id], &change)
                .await;
            busy.try_set(false);
            outcome.try_set(Some(match answer {
                Ok(p) => {
                    decision.try_set(p.decision);
                    changed.try_update(|c| *c += 1);
                    // The button pressed may be gone: the reader lands on the decision.
                    if let Some(m) = meta.get_untracked() {
                        let _ = m.focus();
                    }
                    Ok(fill(
                        t.proposal_now,
                        &[("decision", t.decision(p.decision))],
                    ))
                }
                Err(e) => Err(e.message(t)),
            }));
        });
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
                        reason_select(select_id, &DeclineReason::ALL, |r| t.decline_reason(r), reason, missing, select)
                    })}
                    <div class="console-actions">
                        <button type="button" class="console-primary" on:click=move |_| decide(ProposalDecision::Accepted)
                            aria-disabled=move || busy.get().to_string()>{t.accept_proposal}</button>
                        {(decision.get() == ProposalDecision::UnderReview).then(|| view! {
                            <button type="button" on:click=move |_| decide_too(ProposalDecision::Declined)
                                aria-disabled=move || busy.get().to_string()>{t.decline_proposal}</button>
                        })}
                    </div>
                }
            })}
        </li>
    }
}
