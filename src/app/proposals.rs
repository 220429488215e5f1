//! Options residents propose for the ballot: the list with where each
//! stands with the organisers, and, while the phase allows, the form.

use leptos::prelude::*;
use plaza_contract::{
    ContentStatus, Contribution, Deliberation, FlagTarget, NewProposal, Proposal, ProposalDecision,
    MAX_SHORT_TEXT_CHARS, MAX_TEXT_CHARS,
};

use super::arguments::ContributionsNote;
use super::card::{author_name, byline, withheld, written};
use super::delivery::DeliveryNote;
use super::flag::Report;
use super::form::{SendProblem, TextField};
use super::heading::Heading;
use super::inert::el;
use super::participation::{keep_sent, Participation};
use super::status::{ErrorPanel, MoreButton};
use super::task::page_loader;
use super::{focus_later, Ui};
use crate::backend::BackendError;
use crate::state::outbox::{sent_answers, Answer, Progress, Submission};
use crate::state::paged::{Paged, PagedStatus};
use crate::state::text::{shown, start_of, NAME_CHARS};
use crate::state::timeline::{window, Window};

#[component]
pub fn Proposals(deliberation: Deliberation) -> impl IntoView {
    let ui = expect_context::<Ui>();
    let s = ui.s();
    let part = expect_context::<Participation>();
    let id = StoredValue::new(deliberation.id.clone());
    let open = window(&deliberation, Contribution::Proposal);
    let list: RwSignal<Option<Paged<Proposal, BackendError>>> = RwSignal::new(None);
    let load = page_loader(
        list,
        move |backend, cursor| async move {
            backend.proposals(&id.get_value(), cursor.as_deref()).await
        },
        |a, b| a.id == b.id,
        |p| &p.id,
    );
    load.run(());
    let mine = part.mine(|s| matches!(s, Submission::Proposal { .. }));
    keep_sent(mine, Answer::proposal, move |p| {
        list.maybe_update(|l| {
            l.as_mut()
                .is_some_and(|l| l.include(p, |x, y| x.id == y.id, false))
        })
    });
    // What the backend listed, then the resident's own, each keyed by its
    // outbox item from submission on, so that it keeps its place (and
    // focus) when it is sent.
    let entries = move || {
        let sent_by_me =
            |id: &str| mine.with(|items| sent_answers(items, Answer::proposal).any(|p| p.id == id));
        let mut entries: Vec<Result<Proposal, String>> = list.with(|l| {
            l.as_ref()
                .map(|l| {
                    l.items
                        .iter()
                        .filter(|p| !sent_by_me(&p.id))
                        .cloned()
                        .map(Ok)
                        .collect()
                })
                .unwrap_or_default()
        });
        entries.extend(
            mine.with(|items| items.iter().map(|i| Err(i.key.clone())).collect::<Vec<_>>()),
        );
        entries
    };
    view! {
        <section class="plaza-proposals">
            <Heading depth=1 id="plaza-proposals-heading">{s.proposals_heading}</Heading>
            <p>{s.proposals_intro}</p>
            <ul class="plaza-proposal-list">
                <For
                    each=entries
                    key=|e| match e { Ok(p) => p.id.clone(), Err(key) => key.clone() }
                    let:entry
                >
                    {match entry {
                        Ok(p) => {
                            let li_id = format!("plaza-item-{}", p.id);
                            view! { <li id=li_id tabindex="-1"><ProposalCard proposal=p/></li> }.into_any()
                        }
                        Err(key) => {
                            let li_id = format!("plaza-item-{key}");
                            view! { <li id=li_id tabindex="-1"><MyProposal key list/></li> }.into_any()
                        }
                    }}
                </For>
            </ul>
            {move || list.with(|l| match l {
                Some(l) if l.items.is_empty() && l.is_loading() => {
                    view! { <p class="plaza-wait" role="status">{s.loading_more}</p> }.into_any()
                }
                Some(l) if l.items.is_empty() && mine.with(Vec::is_empty) && !l.is_loading() => {
                    match &l.status {
                        PagedStatus::Failed(e) => view! { <ErrorPanel message=e.message(s) retry=load about=s.proposals_heading/> }.into_any(),
                        _ => view! { <p class="plaza-empty">{s.no_proposals_yet}</p> }.into_any(),
                    }
                }
                Some(l) => match &l.status {
                    PagedStatus::Failed(e) => view! { <ErrorPanel message=e.message(s) retry=load about=s.proposals_heading/> }.into_any(),
                    // While a page loads, the button says so and does nothing.
                    _ if l.has_more() => {
                        view! { <MoreButton label=s.show_more_proposals busy=l.is_loading() load/> }.into_any()
                    }
                    _ => ().into_any(),
                },
                None => view! { <p class="plaza-wait" role="status">{s.loading_more}</p> }.into_any(),
            })}
            {match open {
                Window::Open => view! { <ProposalForm/> }.into_any(),
                closed => view! { <ContributionsNote window=closed/> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn ProposalCard(proposal: Proposal) -> impl IntoView {
    let ui = expect_context::<Ui>();
    let s = ui.s();
    let p = proposal;
    let decision = match p.decision {
        ProposalDecision::UnderReview => s.proposal_under_review,
        ProposalDecision::Accepted => s.proposal_accepted,
        ProposalDecision::Declined => s.proposal_declined,
    };
    let author = author_name(&ui, &p.author, p.status);
    let body = match (p.status, p.title.as_deref()) {
        (ContentStatus::Visible, Some(title)) => {
            let mut body = vec![written(
                &ui,
                "plaza-proposal-title",
                title,
                p.lang.as_deref(),
            )];
            if let Some(d) = p.description.as_deref() {
                body.push(written(
                    &ui,
                    "plaza-proposal-description",
                    d,
                    p.lang.as_deref(),
                ));
            }
            body
        }
        (ContentStatus::Removed, _) => vec![withheld(s.removed_by_moderator)],
        _ => vec![withheld(s.hidden_pending_review)],
    };
    let visible = p.status == ContentStatus::Visible;
    let start = start_of(p.title.as_deref().unwrap_or_default(), NAME_CHARS);
    let about = s.subject(s.proposal_by, &author, &start);
    view! {
        <article class="plaza-proposal">
            {body}
            {el("footer")
                .attr("class", "plaza-argument-meta")
                .child(el("span").attr("class", "plaza-badge plaza-decision").child(decision))
                .child(" ")
                .children(byline(&ui, &author, &p.created_at))}
            {visible.then(|| view! {
                <Report target=FlagTarget::Proposal id=p.id.clone() about/>
            })}
        </article>
    }
}

/// One of the resident's own proposals: as typed and on its way, then as
/// the backend recorded it (as listed, if the list has it).
#[component]
fn MyProposal(key: String, list: RwSignal<Option<Paged<Proposal, BackendError>>>) -> impl IntoView {
    let s = expect_context::<Ui>().s();
    let part = expect_context::<Participation>();
    let progress = part.progress(key.clone());
    let key = StoredValue::new(key);
    move || {
        Some(match progress.get()? {
            Progress::Sent(Answer::Proposal(p)) => {
                let proposal = list
                    .with_untracked(|l| l.as_ref().and_then(|l| l.items.iter().find(|x| x.id == p.id).cloned()))
                    .unwrap_or(p);
                view! { <ProposalCard proposal/> }.into_any()
            }
            Progress::OnItsWay(Submission::Proposal { new, .. }) => view! {
                <article class="plaza-proposal plaza-pending">
                    <p class="plaza-proposal-title" dir="auto">{shown(new.title.trim())}</p>
                    {(!new.description.trim().is_empty()).then(|| view! {
                        <p class="plaza-proposal-description" dir="auto">{shown(new.description.trim())}</p>
                    })}
                    <footer class="plaza-argument-meta"><bdi class="plaza-author">{s.you}</bdi></footer>
                    <DeliveryNote key=key.get_value()/>
                </article>
            }
            .into_any(),
            _ => return None,
        })
    }
}

#[component]
fn ProposalForm() -> impl IntoView {
    let ui = expect_context::<Ui>();
    let s = ui.s();
    let part = expect_context::<Participation>();
    let title = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let missing = RwSignal::new(false);
    let problem = RwSignal::new(false);
    let form_ref = NodeRef::<leptos::html::Form>::new();
    let deliberation = part.deliberation_id.get_value();
    let lang = ui.lang.tag;
    let submit = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        if title.with_untracked(|t| t.trim().is_empty()) {
            missing.set(true);
            focus_later(form_ref, "plaza-proposal-title".to_owned());
            return;
        }
        let new = NewProposal {
            title: title.get_untracked(),
            description: description.get_untracked(),
            lang: Some(lang.to_owned()),
            display_name: Some(name.get_untracked()),
        };
        let valid = new.validate().is_ok();
        let submission = Submission::Proposal {
            deliberation_id: part.deliberation_id.get_value(),
            new,
        };
        let at = part.deliberation_id.get_value();
        let drafts = [
            format!("proposal-title:{at}"),
            format!("proposal-description:{at}"),
        ];
        if part.send_form(
            valid,
            submission,
            (problem, "plaza-proposal-problem"),
            &drafts,
            form_ref,
        ) {
            title.set(String::new());
            description.set(String::new());
        }
    };
    view! {
        <form class="plaza-form" node_ref=form_ref on:submit=submit novalidate=true>
            <Heading depth=2 id="plaza-propose-heading">{s.propose_heading}</Heading>
            <TextField id="plaza-proposal-title".to_owned() label=s.proposal_title_label value=title
                draft=format!("proposal-title:{deliberation}") short_max=MAX_SHORT_TEXT_CHARS missing=missing/>
            <TextField id="plaza-proposal-description".to_owned() label=s.proposal_description_label value=description
                draft=format!("proposal-description:{deliberation}") max=MAX_TEXT_CHARS/>
            <TextField id="plaza-proposal-name".to_owned() label=s.name_label hint=s.name_hint value=name
                draft="name".to_owned() short_max=MAX_SHORT_TEXT_CHARS autocomplete="nickname"/>
            <SendProblem id="plaza-proposal-problem".to_owned() shown=problem/>
            <button type="submit" class="plaza-button">{s.submit_proposal}</button>
        </form>
    }
}
