//! Polls, ballots, results and the published ballots.

use std::collections::BTreeMap;

use futures::future::join_all;
use plaza_contract::{
    BallotExport, BallotReceipt, BallotSubmission, DeclineReason, Deliberation, Eligibility,
    ModerationChange, ModerationLogEntry, MyBallot, Operation, Page, Poll, PollResults, PollStatus,
    PollStatusChange, ProblemCode, Proposal, ProposalDecision, ProposalDecisionChange,
    VotingMethod,
};

use super::{rule, Rule, Verdict};
use crate::client::{ensure, Check};
use crate::fixture::{unique, Ctx};
use crate::recount::{number, recount};

pub fn rules() -> Vec<Rule> {
    vec![
        rule!("poll.read", "GET /v1/polls/{id} is the Poll as imported, without problems", read),
        rule!("ballot.not_open", "A ballot for an upcoming poll is 409 poll_not_open", not_open),
        rule!("poll.eligibility", "A poll that does not say who may vote is for signed-in residents (eligibility signed_in): an anonymous ballot is 403 not_eligible", eligibility_default),
        rule!("ballot.signed_in", "A resident the city's site signed in votes in a poll for signed-in residents", signed_in_vote, optional)
            .not_local("the in-browser backend has no city site to sign residents in"),
        rule!("poll.frozen", "Once a poll has a ballot, an import that changes its options, method or counting rules, or gives its deliberation another poll or none, is 409 conflict; its question may still change", frozen),
        rule!("poll.replaced", "An import that gives a deliberation without ballots another poll removes the old one: reading it and voting in it are 404 not_found", replaced),
        rule!("proposal.decision", "A moderator accepts a proposal onto the ballot (its last option) or declines it with a reason (422 without); a decided proposal is 409, as is accepting one once the poll has a ballot; each decision is in the public log", proposal_decision),
        rule!("poll.import_keeps_status", "An import cannot reopen a closed poll, nor take a poll with a ballot back to upcoming (409 conflict)", import_keeps_status),
        rule!("ballot.cast", "PUT …/ballot answers a receipt (tracker, recorded_at); GET …/ballot gives the ranking and the receipt", cast),
        rule!("ballot.none", "GET …/ballot before voting is 404 not_found", none)
            .not_local("needs a participant without a ballot; a browser's one participant voted in ballot.cast"),
        rule!("ballot.last_counts", "A second ballot replaces the first: one ballot per participant, the last one", last_counts),
        rule!("ballot.identical_retry", "The same ballot again (no key) succeeds with the same receipt", identical_retry),
        rule!("ballot.validation", "Unknown, duplicate, missing or too many options are 422 with the field and code", validation),
        rule!("ballot.concurrent", "Many concurrent ballots by one participant leave exactly one", concurrent),
        rule!("results.read", "Results have rounds keyed by option id with decimal strings, numbered from 1", results_read),
        rule!("results.batched", "While a poll is open one new ballot is never counted alone (results stay as they were); the close counts it", batched)
            .not_local("one participant in one browser: there is no one else's ballot to reveal"),
        rule!("results.visibility", "Results of an after_close poll are 403 results_not_available while it is open", hidden_until_close),
        rule!("export.not_yet", "The ballots are not published while the poll is open (4xx)", export_not_yet),
        rule!("ballot.closed", "A ballot for a closed poll is 409 poll_closed", closed),
        rule!("poll.closed_for_good", "A closed poll stays closed: setting it to open or upcoming is 409 conflict; closing it again is harmless", closed_for_good),
        rule!("export.groups", "After close, GET …/ballots gives {ranking, count} groups that add up to total_ballots", export_groups),
        rule!("export.cdf", "?format=cdf gives a NIST SP 1500-103 report with one CVR per ballot", export_cdf),
        rule!("export.by_tracker", "&tracker_prefix= gives exactly the ballots whose tracker starts with it, in either format (none when no tracker does; over 8 characters or other than letters, digits and - is 422)", export_by_tracker),
        rule!("results.recount", "Final results (IRV and STV) equal a re-count of the published ballots with plaza-tally", results_recount),
    ]
}

fn ranking(ids: &[&str]) -> BallotSubmission {
    BallotSubmission {
        ranking: ids.iter().map(|s| s.to_string()).collect(),
    }
}

async fn vote(ctx: &Ctx, poll: &str, token: &str, ids: &[&str]) -> Check<BallotReceipt> {
    cast_ranking(ctx, poll, token, ids).await?.expect(200)
}

/// The answer to a ballot ranking `ids` in `poll`, with a fresh key.
async fn cast_ranking(
    ctx: &Ctx,
    poll: &str,
    token: &str,
    ids: &[&str],
) -> Check<crate::client::Answer> {
    ctx.api
        .op(Operation::CastBallot, &[poll])
        .token(token)
        .key(&unique("ballot"))
        .json(&ranking(ids))
        .send()
        .await
}

async fn results(ctx: &Ctx, poll: &str) -> Check<PollResults> {
    ctx.api
        .op(Operation::GetResults, &[poll])
        .send()
        .await?
        .expect(200)
}

/// The participant's ballot, `None` when it has not voted (404).
async fn my_ballot(ctx: &Ctx, poll: &str, token: &str) -> Check<Option<MyBallot>> {
    let answer = ctx
        .api
        .op(Operation::GetMyBallot, &[poll])
        .token(token)
        .send()
        .await?;
    if answer.status == 404 {
        answer.problem(404, ProblemCode::NotFound)?;
        return Ok(None);
    }
    answer.expect(200).map(Some)
}

/// The participant's ballot, which it must have (200).
async fn stored_ballot(ctx: &Ctx, poll: &str, token: &str) -> Check<MyBallot> {
    ctx.api
        .op(Operation::GetMyBallot, &[poll])
        .token(token)
        .send()
        .await?
        .expect(200)
}

/// A poll of the rule's own, open, on options a to d.
async fn own_poll(ctx: &Ctx, name: &str) -> Check<String> {
    let (answer, poll) = ctx.import_own(name, |_| {}).await?;
    answer.expect::<serde_json::Value>(200)?;
    Ok(poll)
}

/// Closes `poll` and checks that it published exactly one ballot, `ranking`:
/// however many the participant cast, one counts, the last.
async fn only_ballot(ctx: &Ctx, poll: &str, ranking: &[String]) -> Check {
    ctx.set_poll_status(poll, PollStatus::Closed).await?;
    let published = export(ctx, poll).await?.ballots;
    let one = published.len() == 1 && published[0].count == 1 && published[0].ranking == ranking;
    ensure(one, || {
        format!("published {published:?}, expected one ballot {ranking:?}")
    })
}

async fn read(ctx: &Ctx) -> Check {
    let p: Poll = ctx
        .api
        .op(Operation::GetPoll, &[&ctx.poll()])
        .send()
        .await?
        .expect(200)?;
    ensure(p.problems().is_empty(), || {
        format!("problems: {:?}", p.problems())
    })?;
    let ids: Vec<&str> = p.options.iter().map(|o| o.id.as_str()).collect();
    ensure(ids == ["a", "b", "c", "d"], || format!("options {ids:?}"))?;
    ensure(
        p.method == VotingMethod::Irv && p.status == PollStatus::Open && p.max_rankings == Some(3),
        || "method, status or max_rankings differ from the import".into(),
    )
}

/// The poll of `ctx.import_own(name, …)` with the `eligibility` key removed.
async fn unsaid_eligibility(ctx: &Ctx, name: &str) -> Check<String> {
    let (answer, poll) = ctx
        .import_own(name, |seed| {
            if let Some(p) = seed["deliberations"][0]["poll"].as_object_mut() {
                p.remove("eligibility");
            }
        })
        .await?;
    answer.expect::<serde_json::Value>(200)?;
    Ok(poll)
}

async fn eligibility_default(ctx: &Ctx) -> Check {
    let poll = unsaid_eligibility(ctx, "unsaid").await?;
    let p: Poll = ctx
        .api
        .op(Operation::GetPoll, &[&poll])
        .send()
        .await?
        .expect(200)?;
    ensure(p.eligibility == Eligibility::SignedIn, || {
        format!("eligibility {:?}", p.eligibility)
    })?;
    let token = ctx.participant().await?;
    cast_ranking(ctx, &poll, &token, &["a"])
        .await?
        .problem(403, ProblemCode::NotEligible)
        .map(|_| ())
}

async fn signed_in_vote(ctx: &Ctx) -> Check<Verdict> {
    let Some(resident) = ctx.signed_in_resident() else {
        return Ok(Verdict::Skipped("needs --host-secret"));
    };
    let poll = unsaid_eligibility(ctx, "residents").await?;
    vote(ctx, &poll, &resident, &["b", "a"]).await?;
    let mine = stored_ballot(ctx, &poll, &resident).await?;
    ensure(mine.ranking == ["b", "a"], || {
        format!("ranking {:?}", mine.ranking)
    })?;
    Ok(Verdict::Passed)
}

async fn frozen(ctx: &Ctx) -> Check {
    let (answer, poll) = ctx.import_own("frozen", |_| {}).await?;
    answer.expect::<serde_json::Value>(200)?;
    let token = ctx.participant().await?;
    vote(ctx, &poll, &token, &["a", "b"]).await?;
    type Edit = fn(&mut serde_json::Value);
    let refused: [(&str, Edit); 3] = [
        ("an option's label", |p| {
            p["options"][0]["label"] = serde_json::json!({"en": "Renamed"})
        }),
        ("the method", |p| {
            p["method"] = "stv".into();
            p["seats"] = 2.into();
        }),
        ("the tie-break seed", |p| {
            p["rules"]["random_seed"] = 7.into()
        }),
    ];
    for (what, edit) in refused {
        let (answer, _) = ctx
            .import_own("frozen", |seed| edit(&mut seed["deliberations"][0]["poll"]))
            .await?;
        answer
            .problem(409, ProblemCode::Conflict)
            .map_err(|e| format!("changing {what}: {e}"))?;
    }
    // The same options under a new poll id, or no poll: its ballots would
    // be left where no result reads them.
    let elsewhere: [(&str, Edit); 2] = [
        ("another poll", |entry| {
            let other = format!("{}-2", entry["poll"]["id"].as_str().unwrap_or("poll"));
            entry["poll"]["id"] = other.clone().into();
            entry["deliberation"]["poll_id"] = other.into();
        }),
        ("no poll", |entry| {
            entry["poll"] = serde_json::Value::Null;
            entry["deliberation"]["poll_id"] = serde_json::Value::Null;
        }),
    ];
    for (what, edit) in elsewhere {
        let (answer, _) = ctx
            .import_own("frozen", |seed| edit(&mut seed["deliberations"][0]))
            .await?;
        answer
            .problem(409, ProblemCode::Conflict)
            .map_err(|e| format!("giving the deliberation {what}: {e}"))?;
    }
    // import_own names the poll after its deliberation.
    let deliberation = poll.strip_suffix("-poll").unwrap_or(&poll);
    let read: Deliberation = ctx
        .api
        .op(Operation::GetDeliberation, &[deliberation])
        .send()
        .await?
        .expect(200)?;
    if read.poll_id.as_deref() != Some(poll.as_str()) {
        return Err(format!(
            "the deliberation's poll is now {:?}, not {poll:?}",
            read.poll_id
        ));
    }
    let (answer, _) = ctx
        .import_own("frozen", |seed| {
            seed["deliberations"][0]["poll"]["question"] =
                serde_json::json!({"en": "Which design?"})
        })
        .await?;
    answer
        .expect::<serde_json::Value>(200)
        .map_err(|e| format!("changing the question: {e}"))?;
    Ok(())
}

async fn replaced(ctx: &Ctx) -> Check {
    let (answer, old) = ctx.import_own("replaced", |_| {}).await?;
    answer.expect::<serde_json::Value>(200)?;
    let new = format!("{old}-2");
    let (answer, _) = ctx
        .import_own("replaced", |seed| {
            let entry = &mut seed["deliberations"][0];
            entry["poll"]["id"] = new.clone().into();
            entry["deliberation"]["poll_id"] = new.clone().into();
        })
        .await?;
    answer
        .expect::<serde_json::Value>(200)
        .map_err(|e| format!("giving the deliberation another poll: {e}"))?;
    ctx.api
        .op(Operation::GetPoll, &[&old])
        .send()
        .await?
        .problem(404, ProblemCode::NotFound)
        .map_err(|e| format!("reading the replaced poll: {e}"))?;
    let token = ctx.participant().await?;
    cast_ranking(ctx, &old, &token, &["a"])
        .await?
        .problem(404, ProblemCode::NotFound)
        .map_err(|e| format!("a ballot in the replaced poll: {e}"))?;
    vote(ctx, &new, &token, &["a"]).await.map(|_| ())
}

async fn import_keeps_status(ctx: &Ctx) -> Check {
    let (answer, poll) = ctx.import_own("status", |_| {}).await?;
    answer.expect::<serde_json::Value>(200)?;
    let token = ctx.participant().await?;
    vote(ctx, &poll, &token, &["a"]).await?;
    let (answer, _) = ctx
        .import_own("status", |seed| {
            seed["deliberations"][0]["poll"]["status"] = "upcoming".into()
        })
        .await?;
    answer
        .problem(409, ProblemCode::Conflict)
        .map_err(|e| format!("taking a poll with a ballot back to upcoming: {e}"))?;
    ctx.set_poll_status(&poll, PollStatus::Closed).await?;
    // The import's copy still says `open`.
    let (answer, _) = ctx.import_own("status", |_| {}).await?;
    answer
        .problem(409, ProblemCode::Conflict)
        .map_err(|e| format!("reopening a closed poll by an import: {e}"))?;
    let stored: Poll = ctx
        .api
        .op(Operation::GetPoll, &[&poll])
        .send()
        .await?
        .expect(200)?;
    ensure(stored.status == PollStatus::Closed, || {
        format!("the poll is {:?} after the refused import", stored.status)
    })
}

async fn decide(
    ctx: &Ctx,
    proposal: &str,
    decision: ProposalDecision,
    reason: Option<DeclineReason>,
) -> Check<crate::client::Answer> {
    ctx.api
        .op(Operation::DecideProposal, &[proposal])
        .token(&ctx.moderator)
        .json(&ProposalDecisionChange { decision, reason })
        .send()
        .await
}

async fn proposal_decision(ctx: &Ctx) -> Check {
    let (answer, poll) = ctx.import_own("proposals", |_| {}).await?;
    answer.expect::<serde_json::Value>(200)?;
    let deliberation = poll.trim_end_matches("-poll").to_owned();
    let token = ctx.participant().await?;
    let mut made = Vec::new();
    for title in ["A delivery lane", "A second fountain"] {
        let p: Proposal = ctx
            .api
            .op(Operation::CreateProposal, &[&deliberation])
            .token(&token)
            .key(&unique("p"))
            .json(&serde_json::json!({"title": title, "description": "Proposed by a resident.", "lang": "en"}))
            .send()
            .await?
            .expect(201)?;
        made.push(p.id);
    }
    let accepted: Proposal = decide(ctx, &made[0], ProposalDecision::Accepted, None)
        .await?
        .expect(200)?;
    ensure(accepted.decision == ProposalDecision::Accepted, || {
        format!("answered {:?}", accepted.decision)
    })?;
    let stored: Poll = ctx
        .api
        .op(Operation::GetPoll, &[&poll])
        .send()
        .await?
        .expect(200)?;
    let last = stored.options.last();
    ensure(
        last.is_some_and(|o| o.id == made[0] && o.label.get("en") == Some("A delivery lane")),
        || format!("the ballot's last option is {last:?}"),
    )?;
    decide(
        ctx,
        &made[0],
        ProposalDecision::Declined,
        Some(DeclineReason::Other),
    )
    .await?
    .problem(409, ProblemCode::Conflict)
    .map_err(|e| format!("declining an accepted proposal: {e}"))?;
    decide(ctx, &made[1], ProposalDecision::Declined, None)
        .await?
        .problem(422, ProblemCode::ValidationFailed)
        .map_err(|e| format!("declining without a reason: {e}"))?;
    vote(ctx, &poll, &token, &["a"]).await?;
    decide(ctx, &made[1], ProposalDecision::Accepted, None)
        .await?
        .problem(409, ProblemCode::Conflict)
        .map_err(|e| format!("accepting once the poll has a ballot: {e}"))?;
    decide(
        ctx,
        &made[1],
        ProposalDecision::Declined,
        Some(DeclineReason::NotFeasible),
    )
    .await?
    .expect::<Proposal>(200)?;
    let log: Page<ModerationLogEntry> = ctx
        .api
        .op(Operation::ListPublicModerationLog, &[&deliberation])
        .send()
        .await?
        .expect(200)?;
    let logged = |id: &str, decision, reason| {
        log.items.iter().any(|e| {
            e.change
                == ModerationChange::Proposal {
                    proposal_id: id.to_owned(),
                    decision,
                    reason,
                }
        })
    };
    ensure(
        logged(&made[0], ProposalDecision::Accepted, None)
            && logged(
                &made[1],
                ProposalDecision::Declined,
                Some(DeclineReason::NotFeasible),
            ),
        || format!("the public log: {:?}", log.items),
    )
}

async fn not_open(ctx: &Ctx) -> Check {
    let token = ctx.participant().await?;
    ctx.set_poll_status(&ctx.poll(), PollStatus::Upcoming)
        .await?;
    let answer = ctx
        .api
        .op(Operation::CastBallot, &[&ctx.poll()])
        .token(&token)
        .key(&unique("b"))
        .json(&ranking(&["a"]))
        .send()
        .await;
    ctx.set_poll_status(&ctx.poll(), PollStatus::Open).await?;
    answer?.problem(409, ProblemCode::PollNotOpen).map(|_| ())
}

async fn cast(ctx: &Ctx) -> Check {
    let token = ctx.participant().await?;
    let receipt = vote(ctx, &ctx.poll(), &token, &["b", "a"]).await?;
    ensure(!receipt.tracker.is_empty(), || "empty tracker".into())?;
    let mine = stored_ballot(ctx, &ctx.poll(), &token).await?;
    ensure(mine.ranking == ["b", "a"], || {
        format!("ranking {:?}", mine.ranking)
    })?;
    ensure(mine.receipt == receipt, || {
        "GET gives another receipt".into()
    })
}

async fn none(ctx: &Ctx) -> Check {
    let token = ctx.participant().await?;
    ctx.api
        .op(Operation::GetMyBallot, &[&ctx.poll()])
        .token(&token)
        .send()
        .await?
        .problem(404, ProblemCode::NotFound)
        .map(|_| ())
}

async fn last_counts(ctx: &Ctx) -> Check {
    let poll = own_poll(ctx, "last").await?;
    let token = ctx.participant().await?;
    vote(ctx, &poll, &token, &["a"]).await?;
    vote(ctx, &poll, &token, &["c", "b"]).await?;
    let mine = stored_ballot(ctx, &poll, &token).await?;
    ensure(mine.ranking == ["c", "b"], || {
        format!("ranking {:?}", mine.ranking)
    })?;
    only_ballot(ctx, &poll, &mine.ranking).await
}

async fn identical_retry(ctx: &Ctx) -> Check {
    let token = ctx.participant().await?;
    let send = || {
        ctx.api
            .op(Operation::CastBallot, &[&ctx.poll()])
            .token(&token)
            .json(&ranking(&["d", "c"]))
            .send()
    };
    let first: BallotReceipt = send().await?.expect(200)?;
    let second: BallotReceipt = send().await?.expect(200)?;
    ensure(first == second, || {
        "the same ballot again gave another receipt".into()
    })
}

async fn validation(ctx: &Ctx) -> Check {
    let token = ctx.participant().await?;
    let before = my_ballot(ctx, &ctx.poll(), &token).await?;
    for (ids, field, code) in [
        (&["z"][..], "ranking[0]", "unknown_option"),
        (&["a", "a"][..], "ranking[1]", "duplicate"),
        (&[][..], "ranking", "required"),
        (&["a", "b", "c", "d"][..], "ranking", "too_many"),
    ] {
        let p = ctx
            .api
            .op(Operation::CastBallot, &[&ctx.poll()])
            .token(&token)
            .key(&unique("bad"))
            .json(&ranking(ids))
            .send()
            .await?
            .problem(422, ProblemCode::ValidationFailed)?;
        ensure(
            p.errors.iter().any(|e| e.field == field && e.code == code),
            || {
                format!(
                    "{ids:?}: expected {{field: {field}, code: {code}}}, got {:?}",
                    p.errors
                )
            },
        )?;
    }
    let after = my_ballot(ctx, &ctx.poll(), &token).await?;
    ensure(after == before, || {
        format!("invalid ballots changed the stored one from {before:?} to {after:?}")
    })
}

async fn concurrent(ctx: &Ctx) -> Check {
    let poll = own_poll(ctx, "concurrent").await?;
    let token = ctx.participant().await?;
    let choices: [&[&str]; 4] = [&["a"], &["b", "c"], &["c", "a", "d"], &["d"]];
    let answers = join_all((0..20).map(|i| vote(ctx, &poll, &token, choices[i % 4]))).await;
    for answer in answers {
        answer?;
    }
    let mine = stored_ballot(ctx, &poll, &token).await?;
    ensure(choices.iter().any(|c| mine.ranking == *c), || {
        format!("stored ranking {:?}", mine.ranking)
    })?;
    only_ballot(ctx, &poll, &mine.ranking).await
}

fn check_shape(r: &PollResults, poll: &Poll) -> Check {
    let options: Vec<&str> = poll.options.iter().map(|o| o.id.as_str()).collect();
    for (i, round) in r.rounds.iter().enumerate() {
        ensure(round.round as usize == i + 1, || {
            format!("round {} listed as number {}", i + 1, round.round)
        })?;
        ensure(
            round.tally.keys().all(|k| options.contains(&k.as_str())),
            || {
                format!(
                    "round {} tallies unknown options {:?}",
                    round.round,
                    round.tally.keys()
                )
            },
        )?;
        for (from, to) in &round.transfers {
            ensure(options.contains(&from.as_str()), || {
                format!("transfer from {from:?}")
            })?;
            ensure(
                to.keys().all(|k| {
                    options.contains(&k.as_str()) || k == "exhausted" || k == "residual_surplus"
                }),
                || format!("transfer targets {:?}", to.keys()),
            )?;
        }
    }
    ensure(
        r.winners.iter().all(|w| options.contains(&w.as_str())),
        || format!("winners {:?}", r.winners),
    )
}

async fn results_read(ctx: &Ctx) -> Check {
    let poll: Poll = ctx
        .api
        .op(Operation::GetPoll, &[&ctx.poll()])
        .send()
        .await?
        .expect(200)?;
    let r = results(ctx, &ctx.poll()).await?;
    ensure(r.poll_id == ctx.poll() && !r.is_final, || {
        "wrong poll_id, or final while open".into()
    })?;
    // (While the poll is open the results may not count every ballot yet:
    // see results.batched.)
    ensure(
        number(r.total_ballots.as_str()) == 0.0 || !r.rounds.is_empty(),
        || "no rounds although ballots were counted".into(),
    )?;
    check_shape(&r, &poll)
}

/// An option's votes in the first round (first choices: every option takes
/// part in it), zero when nothing was counted yet.
fn first_round(r: &PollResults, option: &str) -> f64 {
    r.rounds
        .first()
        .and_then(|round| round.tally.get(option))
        .map_or(0.0, |v| number(v.as_str()))
}

async fn batched(ctx: &Ctx) -> Check {
    let (answer, poll) = ctx.import_own("batched", |_| {}).await?;
    answer.expect::<serde_json::Value>(200)?;
    let before = results(ctx, &poll).await?;
    let token = ctx.participant().await?;
    vote(ctx, &poll, &token, &["d", "a"]).await?;
    let open = results(ctx, &poll).await?;
    ensure(
        !open.is_final && open.total_ballots == before.total_ballots,
        || {
            format!(
            "total_ballots went from {} to {} right after one ballot: it shows how that resident ranked",
            before.total_ballots.as_str(),
            open.total_ballots.as_str()
        )
        },
    )?;
    ctx.set_poll_status(&poll, PollStatus::Closed).await?;
    let closed = results(ctx, &poll).await?;
    ensure(
        closed.is_final && number(closed.total_ballots.as_str()) == 1.0,
        || {
            format!(
                "after the close: final {}, total_ballots {}",
                closed.is_final,
                closed.total_ballots.as_str()
            )
        },
    )?;
    let first = first_round(&closed, "d");
    ensure(first == 1.0, || format!("first choices for \"d\": {first}"))
}

/// Ballots cast on the STV poll, known in advance so the rounds are too.
const STV_BALLOTS: [(&[&str], usize); 5] = [
    (&["a", "b"], 4),
    (&["b", "a"], 2),
    (&["c", "d"], 3),
    (&["d", "c", "e"], 2),
    (&["e"], 1),
];

async fn hidden_until_close(ctx: &Ctx) -> Check {
    for (ids, n) in STV_BALLOTS {
        for _ in 0..n {
            let p = ctx.new_participant().await?;
            vote(ctx, &ctx.stv_poll(), &p.token, ids).await?;
            ctx.stv_ballots
                .lock()
                .map_err(|_| "a rule panicked")?
                .insert(
                    p.participant_id,
                    ids.iter().map(|s| s.to_string()).collect(),
                );
        }
    }
    ctx.api
        .op(Operation::GetResults, &[&ctx.stv_poll()])
        .send()
        .await?
        .problem(403, ProblemCode::ResultsNotAvailable)
        .map(|_| ())
}

/// The STV ballots as they must be published: the last ballot of each
/// participant who voted in `results.visibility`, grouped.
fn stv_expected(ctx: &Ctx) -> Check<BTreeMap<Vec<String>, u64>> {
    let cast = ctx.stv_ballots.lock().map_err(|_| "a rule panicked")?;
    let mut groups = BTreeMap::new();
    for ranking in cast.values() {
        *groups.entry(ranking.clone()).or_default() += 1;
    }
    Ok(groups)
}

/// [`STV_BALLOTS`] grouped: what is published when every ballot came from
/// another participant.
fn stv_fixture() -> BTreeMap<Vec<String>, u64> {
    STV_BALLOTS
        .iter()
        .map(|(ids, n)| (ids.iter().map(|s| s.to_string()).collect(), *n as u64))
        .collect()
}

async fn export_not_yet(ctx: &Ctx) -> Check {
    ctx.api
        .op(Operation::ExportBallots, &[&ctx.poll()])
        .send()
        .await?
        .client_problem()
        .map(|_| ())
}

async fn closed(ctx: &Ctx) -> Check {
    ctx.set_poll_status(&ctx.poll(), PollStatus::Closed).await?;
    ctx.set_poll_status(&ctx.stv_poll(), PollStatus::Closed)
        .await?;
    let token = ctx.participant().await?;
    ctx.api
        .op(Operation::CastBallot, &[&ctx.poll()])
        .token(&token)
        .key(&unique("late"))
        .json(&ranking(&["a"]))
        .send()
        .await?
        .problem(409, ProblemCode::PollClosed)
        .map(|_| ())
}

async fn closed_for_good(ctx: &Ctx) -> Check {
    for status in [PollStatus::Open, PollStatus::Upcoming] {
        ctx.api
            .op(Operation::SetPollStatus, &[&ctx.poll()])
            .token(&ctx.moderator)
            .json(&PollStatusChange { status })
            .send()
            .await?
            .problem(409, ProblemCode::Conflict)
            .map_err(|e| format!("setting a closed poll to {status:?}: {e}"))?;
    }
    ctx.set_poll_status(&ctx.poll(), PollStatus::Closed).await
}

async fn export(ctx: &Ctx, poll: &str) -> Check<BallotExport> {
    ctx.api
        .op(Operation::ExportBallots, &[poll])
        .send()
        .await?
        .expect(200)
}

async fn export_groups(ctx: &Ctx) -> Check {
    let e = export(ctx, &ctx.stv_poll()).await?;
    ensure(
        e.options == ["a", "b", "c", "d", "e"] && e.method == VotingMethod::Stv && e.seats == 2,
        || "options, method or seats differ from the poll".into(),
    )?;
    let mut got: BTreeMap<Vec<String>, u64> = BTreeMap::new();
    for g in &e.ballots {
        *got.entry(g.ranking.clone()).or_default() += g.count;
    }
    let expected = stv_expected(ctx)?;
    ensure(got == expected, || {
        format!("published {got:?}, cast {expected:?}")
    })?;
    let irv = export(ctx, &ctx.poll()).await?;
    let published: u64 = irv.ballots.iter().map(|g| g.count).sum();
    let r = results(ctx, &ctx.poll()).await?;
    ensure(published as f64 == number(r.total_ballots.as_str()), || {
        format!(
            "{published} ballots published, results count {}",
            r.total_ballots
        )
    })
}

async fn export_cdf(ctx: &Ctx) -> Check {
    let doc: serde_json::Value = ctx
        .api
        .op_query(
            Operation::ExportBallots,
            &[&ctx.stv_poll()],
            &[("format", Some("cdf"))],
        )
        .send()
        .await?
        .expect(200)?;
    ensure(doc["@type"] == "CVR.CastVoteRecordReport", || {
        format!("@type is {}", doc["@type"])
    })?;
    let cvrs = doc["CVR"].as_array().map_or(0, Vec::len) as u64;
    let cast: u64 = stv_expected(ctx)?.values().sum();
    ensure(cvrs == cast, || format!("{cvrs} CVRs for {cast} ballots"))
}

async fn export_by_tracker(ctx: &Ctx) -> Check {
    let poll = ctx.stv_poll();
    // An empty prefix is no prefix: every ballot.
    let exported = |format: &'static str, prefix: String| {
        let poll = poll.clone();
        async move {
            ctx.api
                .op_query(
                    Operation::ExportBallots,
                    &[&poll],
                    &[("format", Some(format)), ("tracker_prefix", Some(&prefix))],
                )
                .send()
                .await?
                .expect::<serde_json::Value>(200)
        }
    };
    let cvrs = |doc: &serde_json::Value| doc["CVR"].as_array().cloned().unwrap_or_default();
    let all = exported("cdf", String::new()).await?;
    let Some(first) = cvrs(&all).first().cloned() else {
        return Err("the STV poll published no CVR".into());
    };
    let tracker = first["UniqueId"].as_str().unwrap_or_default();
    let prefix: String = tracker.chars().take(2).collect();
    let expected: Vec<serde_json::Value> = cvrs(&all)
        .into_iter()
        .filter(|c| {
            c["UniqueId"]
                .as_str()
                .is_some_and(|t| t.starts_with(&prefix))
        })
        .collect();
    let some = exported("cdf", prefix.clone()).await?;
    ensure(some["@type"] == "CVR.CastVoteRecordReport", || {
        format!("@type is {}", some["@type"])
    })?;
    ensure(cvrs(&some) == expected, || {
        format!(
            "prefix {prefix}: {} CVRs, expected the {} whose tracker starts with it",
            cvrs(&some).len(),
            expected.len()
        )
    })?;
    // No tracker starts with a dash.
    let none = exported("cdf", "-".into()).await?;
    ensure(cvrs(&none).is_empty(), || {
        format!("prefix -: found {:?}", cvrs(&none))
    })?;
    let grouped: BallotExport = serde_json::from_value(exported("plaza", prefix.clone()).await?)
        .map_err(|e| format!("the grouped export of a prefix: {e}"))?;
    let counted: u64 = grouped.ballots.iter().map(|g| g.count).sum();
    ensure(counted == expected.len() as u64, || {
        format!(
            "prefix {prefix}, grouped: {counted} ballots, expected {}",
            expected.len()
        )
    })?;
    for bad in ["ABCD-EFGH", "A%"] {
        ctx.api
            .op_query(
                Operation::ExportBallots,
                &[&poll],
                &[("tracker_prefix", Some(bad))],
            )
            .send()
            .await?
            .invalid_field("tracker_prefix")?;
    }
    Ok(())
}

async fn results_recount(ctx: &Ctx) -> Check {
    for poll in [ctx.poll(), ctx.stv_poll()] {
        let r = results(ctx, &poll).await?;
        ensure(r.is_final, || {
            format!("{poll}: results of a closed poll are not final")
        })?;
        let e = export(ctx, &poll).await?;
        let mine = recount(&e)
            .map_err(|err| format!("{poll}: the published ballots do not count: {err}"))?;
        ensure(r.winners == mine.winners, || {
            format!(
                "{poll}: winners {:?}, re-count {:?}",
                r.winners, mine.winners
            )
        })?;
        ensure(r.rounds.len() == mine.rounds.len(), || {
            format!(
                "{poll}: {} rounds, re-count {}",
                r.rounds.len(),
                mine.rounds.len()
            )
        })?;
        for (round, expected) in r.rounds.iter().zip(&mine.rounds) {
            let got: BTreeMap<String, f64> = round
                .tally
                .iter()
                .map(|(k, v)| (k.clone(), number(v.as_str())))
                .collect();
            ensure(&got == expected, || {
                format!(
                    "{poll} round {}: {got:?}, re-count {expected:?}",
                    round.round
                )
            })?;
        }
    }
    // The STV poll's ballots were chosen so the count is known: a and c —
    // when they came from as many participants (not from a browser's one).
    if stv_expected(ctx)? != stv_fixture() {
        return Ok(());
    }
    let stv = results(ctx, &ctx.stv_poll()).await?;
    let mut winners = stv.winners.clone();
    winners.sort();
    ensure(winners == ["a", "c"], || {
        format!("STV winners {:?}, expected a and c", stv.winners)
    })
}
