//! The poll of a deliberation: whether the resident may vote and when,
//! their ballot (ranking, review, receipt: `ballot.rs`) and, when the poll
//! allows, its results (`results.rs`).

use leptos::prelude::*;
use plaza_contract::{
    Argument, Deliberation, Eligibility, MyBallot, Poll, PollResults, PollStatus,
};

use super::ballot::{Ballot, TopArguments, WaitingBallot};
use super::heading::Heading;
use super::participation::Participation;
use super::results::ResultsView;
use super::status::{ErrorPanel, Loading};
use super::{BackendHandle, Tasks, Ui};
use crate::backend::{ApiResult, BackendError};
use crate::i18n::fill;
use crate::state::outbox::{sent_answers, Answer, Submission};

/// Where the host page signs residents in (`sign-in-url`), if it said.
#[derive(Clone)]
pub struct SignInLink(pub Option<String>);

/// What the vote section loaded: the poll and, when the resident has an
/// identity, their current ballot.
#[derive(Clone)]
struct Loaded {
    poll: Poll,
    mine: Option<MyBallot>,
}

/// The poll, checked before any view sees it.
async fn load_poll(
    handle: BackendHandle,
    poll_id: &str,
    deliberation_id: &str,
) -> ApiResult<Loaded> {
    let backend = handle.0.get_value();
    let poll = backend.poll(poll_id).await?;
    let mut problems = poll.problems();
    if poll.id != poll_id || poll.deliberation_id != deliberation_id {
        problems.push(format!(
            "asked for poll {poll_id:?} of {deliberation_id:?}, got {:?} of {:?}",
            poll.id, poll.deliberation_id
        ));
    }
    if !problems.is_empty() {
        return Err(BackendError::Invalid(problems));
    }
    let mine = match poll.status != PollStatus::Upcoming && backend.has_participant() {
        // A sign-in the backend rejects hides the resident's ballot, not
        // the poll: they are told how to sign in again.
        true => match backend.my_ballot(poll_id).await {
            Err(e) if e.status() == Some(401) => None,
            answer => answer?,
        },
        false => None,
    };
    // A record the widget cannot show as the resident's ballot is left out
    // (said to the site's team), not the poll with it.
    let mine = mine.filter(|m| match m.problems(&poll) {
        None => true,
        Some(problems) => {
            web_sys::console::error_1(
                &format!(
                    "Plaza: the resident's recorded ballot is left out: {}",
                    problems.join("; ")
                )
                .into(),
            );
            false
        }
    });
    Ok(Loaded { poll, mine })
}

/// The results, checked against the poll.
async fn load_results(handle: BackendHandle, poll: &Poll) -> ApiResult<PollResults> {
    let results = handle.0.get_value().results(&poll.id).await?;
    let problems = results.problems(poll);
    if problems.is_empty() {
        Ok(results)
    } else {
        Err(BackendError::Invalid(problems))
    }
}

#[component]
pub fn Vote(deliberation: Deliberation, top: TopArguments) -> impl IntoView {
    let ui = expect_context::<Ui>();
    let s = ui.s();
    let backend = expect_context::<BackendHandle>();
    let part = expect_context::<Participation>();
    let tasks = Tasks::of_current();
    let poll_id = StoredValue::new(deliberation.poll_id.clone().unwrap_or_default());
    let deliberation_id = StoredValue::new(deliberation.id.clone());
    let top = StoredValue::new(top);
    let loaded: RwSignal<Option<ApiResult<Loaded>>> = RwSignal::new(None);
    let results: RwSignal<Option<ApiResult<PollResults>>> = RwSignal::new(None);
    let load = {
        let tasks = tasks.clone();
        Callback::new(move |()| {
            loaded.set(None);
            tasks.spawn(async move {
                let answer =
                    load_poll(backend, &poll_id.get_value(), &deliberation_id.get_value()).await;
                loaded.set(Some(answer));
            });
        })
    };
    load.run(());
    let ballots = part.mine(move |s| {
        matches!(s, Submission::Ballot { poll_id: p, .. } if poll_id.with_value(|id| id == p))
    });
    // Whether the resident has a ballot recorded: from the backend, or sent now.
    let has_voted = Memo::new(move |_| {
        loaded.with(|l| matches!(l, Some(Ok(Loaded { mine: Some(_), .. }))))
            || ballots.with(|items| {
                sent_answers(items, |a| match a {
                    Answer::Ballot(r) => Some(r),
                    _ => None,
                })
                .next()
                .is_some()
            })
    });
    // The results, once the poll says the resident may see them; again
    // after each ballot they cast (a poll may show them only to voters).
    // Only the latest load's answer is shown: an earlier one that ends later
    // (a failure after its retries) does not replace newer results.
    let latest_load = StoredValue::new(0u32);
    let load_results_now = Callback::new(move |()| {
        let Some(Some(Ok(l))) = loaded.try_get_untracked() else {
            return;
        };
        if l.poll.results_visible(has_voted.get_untracked()).is_err() {
            return;
        }
        let Some(this_load) = latest_load.try_update_value(|n| {
            *n = n.wrapping_add(1);
            *n
        }) else {
            return;
        };
        tasks.spawn(async move {
            let answer = load_results(backend, &l.poll).await;
            if latest_load.try_get_value() == Some(this_load) {
                results.set(Some(answer));
            }
        });
    });
    Effect::new(move |_| {
        has_voted.track();
        loaded.track();
        load_results_now.run(());
    });
    view! {
        <section class="plaza-vote">
            <Heading depth=1 id="plaza-vote-heading">{s.vote_heading}</Heading>
            {move || match loaded.get() {
                None => view! { <Loading label=s.vote_loading/> }.into_any(),
                Some(Err(e)) => {
                    let message = e.message(s);
                    match e.is_transient() {
                        true => view! { <ErrorPanel message=message retry=load about=s.vote_heading/> }.into_any(),
                        false => view! { <ErrorPanel message=message/> }.into_any(),
                    }
                }
                Some(Ok(Loaded { poll, mine })) => {
                    let question = ui.pick(&poll.question);
                    let poll = StoredValue::new(poll);
                    let recorded = StoredValue::new(mine.clone());
                    view! {
                        <p class="plaza-question" lang=question.lang.clone() dir=question.lang.map(|_| "auto")>
                            {question.text}
                        </p>
                        <Schedule poll=poll.get_value()/>
                        {move || voting(poll, mine.clone(), ballots, top.get_value())}
                        {move || results.get().map(|r| match r {
                            Ok(r) => view! { <ResultsView poll=poll.get_value() results=r mine=recorded.get_value()/> }.into_any(),
                            Err(e) => view! {
                                <ErrorPanel message=e.message(s) retry=load_results_now about=s.results_heading/>
                            }.into_any(),
                        })}
                        {move || (results.with(Option::is_none) && poll.with_value(|p| p.status != PollStatus::Upcoming))
                            .then(|| poll.with_value(|p| p.results_visible(has_voted.get()).err()))
                            .flatten()
                            .map(|_| view! { <p class="plaza-note">{not_yet(s, poll)}</p> })}
                    }
                    .into_any()
                }
            }}
        </section>
    }
}

/// Why the results are not shown yet.
fn not_yet(s: &'static crate::i18n::Strings, poll: StoredValue<Poll>) -> &'static str {
    match poll.with_value(|p| p.results_visibility) {
        plaza_contract::ResultsVisibility::AfterVote => s.results_after_vote,
        _ => s.results_after_close,
    }
}

/// When voting opens or closes.
#[component]
fn Schedule(poll: Poll) -> impl IntoView {
    let ui = expect_context::<Ui>();
    let s = ui.s();
    let text = match poll.status {
        PollStatus::Upcoming => fill(s.vote_opens, &[("date", &ui.date(&poll.opens_at))]),
        PollStatus::Open => fill(s.vote_open_until, &[("date", &ui.date(&poll.closes_at))]),
        PollStatus::Closed => fill(s.vote_closed, &[("date", &ui.date(&poll.closes_at))]),
    };
    view! { <p class="plaza-schedule">{text}</p> }
}

/// The ballot while voting is open, for a resident who may vote; how to
/// take part for one who may not.
fn voting(
    poll: StoredValue<Poll>,
    mine: Option<MyBallot>,
    ballots: Memo<Vec<crate::state::outbox::Item>>,
    top: TopArguments,
) -> Option<AnyView> {
    let part = expect_context::<Participation>();
    let (status, eligibility) = poll.with_value(|p| (p.status, p.eligibility));
    if status != PollStatus::Open {
        return None;
    }
    if eligibility == Eligibility::SignedIn && (!part.signed_in || part.token_rejected.get()) {
        // A ballot cast before the sign-in was rejected stays in sight.
        return Some(view! { <NotEligible/> <WaitingBallot poll ballots/> }.into_any());
    }
    Some(view! { <Ballot poll=poll.get_value() mine ballots top/> }.into_any())
}

/// A resident the poll does not let vote (not signed in, or their sign-in
/// rejected): how to take part.
#[component]
fn NotEligible() -> impl IntoView {
    let s = expect_context::<Ui>().s();
    let link = use_context::<SignInLink>().and_then(|l| l.0);
    view! {
        <div class="plaza-not-eligible" role="note">
            <p>{s.vote_not_eligible}</p>
            {match link {
                Some(href) => view! {
                    <p><a class="plaza-button plaza-sign-in" href=href target="_top">{s.vote_sign_in}</a></p>
                }.into_any(),
                None => view! { <p>{s.vote_sign_in_elsewhere}</p> }.into_any(),
            }}
        </div>
    }
}

/// The most helpful arguments of each side, for residents to read before
/// they rank (the first pages the discussion loaded, most helpful first).
pub fn top_arguments(for_page: &[Argument], against_page: &[Argument]) -> TopArguments {
    let first = |page: &[Argument]| page.iter().take(2).cloned().collect();
    TopArguments {
        for_side: first(for_page),
        against_side: first(against_page),
    }
}
