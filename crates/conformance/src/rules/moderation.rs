//! Flags and moderation: hidden pending review after N flags, hidden and
//! restored by a moderator, phases opened and closed.

use plaza_contract::{
    Activity, ContentModeration, ContentStatus, EditedPart, FlagReceipt, FlagTarget,
    FlaggedContent, ImportReport, ModerationChange, ModerationLogEntry, ModerationReason,
    Operation, Page, PhaseKind, ProblemCode, Stance,
};
use serde_json::json;

use super::discussion::all_arguments;
use super::{rule, Rule, Verdict};
use crate::client::{ensure, Check};
use crate::fixture::{unique, Ctx};

pub fn rules() -> Vec<Rule> {
    vec![
        rule!("flag.threshold", "N flags from different residents the city's site signed in hide content pending review (no text); repeats by one resident count once", threshold, optional)
            .not_local("needs N signed-in residents to flag; a browser has one"),
        rule!("flag.fresh_anonymous", "Flags from fresh anonymous participants (one request each) never hide content alone, however many: it stays visible", fresh_anonymous)
            .not_local("needs several participants to flag; a browser has one"),
        rule!("flag.unknown", "Flagging content that does not exist is 404 not_found", unknown),
        rule!("moderation.restore_and_remove", "A moderator restores hidden content (text back) and removes it (no longer listed)", restore_and_remove),
        rule!("moderation.log", "Each moderation action is in the staff log, newest first, with who did it and why; the deliberation's public log says what and why, never who nor the text; an unknown deliberation's log is 404", log),
        rule!("moderation.by_deliberation", "Flagged content and the staff log narrowed to one deliberation (?deliberation=) hold that deliberation's only; an unknown deliberation is 404", by_deliberation),
        rule!("moderation.edit_logged", "An import that edits a deliberation says which parts changed (report and staff log: texts, poll options…); one that changes nothing (the phase a moderator moved included) says none and logs nothing; a creation is logged as an import", edit_logged),
        rule!("moderation.activity", "Staff read what residents did in a deliberation by UTC day — arguments for and against, replies, proposals, ballots — all of it, whatever moderation did since; a participant cannot (403), an unknown deliberation is 404", activity),
        rule!("moderation.participants_cannot", "A participant token cannot use the moderation API (403)", not_a_moderator),
        rule!("flag.removed", "Flagging removed content is 404 not_found: it no longer exists for residents", flag_removed),
        rule!("phase.closed", "Outside the discussion phase a new argument, reply or proposal is 409 phase_closed", phase_closed),
        rule!("phase.not_listed", "A moderator cannot move a deliberation to a phase it does not list (422 on phase): its document would be one no client can show", phase_not_listed),
    ]
}

async fn threshold(ctx: &Ctx) -> Check<Verdict> {
    let n = ctx.flag_threshold.max(1) as usize;
    let flaggers: Vec<String> = (0..n).filter_map(|_| ctx.signed_in_resident()).collect();
    if flaggers.len() < n {
        return Ok(Verdict::Skipped("needs --host-secret"));
    }
    let author = ctx.participant().await?;
    let a = ctx
        .argument(
            &author,
            Stance::Against,
            &format!("Flag me {}", unique("x")),
        )
        .await?;
    // The first flagger twice, then the others: still below N until the last.
    for (i, token) in std::iter::once(&flaggers[0])
        .chain(flaggers.iter())
        .enumerate()
    {
        let receipt: FlagReceipt = ctx
            .flag(token, FlagTarget::Argument, &a.id)
            .await?
            .expect(201)?;
        let distinct = i.max(1);
        let expected = if distinct >= n {
            ContentStatus::HiddenPendingReview
        } else {
            ContentStatus::Visible
        };
        ensure(receipt.status == expected, || {
            format!(
                "after {distinct} distinct flags (threshold {n}) the status is {:?}",
                receipt.status
            )
        })?;
    }
    let listed = all_arguments(ctx, "against", "recent").await?;
    let hidden = listed
        .iter()
        .find(|x| x.id == a.id)
        .ok_or("hidden argument not listed")?;
    ensure(
        hidden.status == ContentStatus::HiddenPendingReview && hidden.text.is_none(),
        || format!("listed as {:?} with text {:?}", hidden.status, hidden.text),
    )?;
    Ok(Verdict::Passed)
}

async fn fresh_anonymous(ctx: &Ctx) -> Check {
    let n = ctx.flag_threshold.max(1) as usize;
    let author = ctx.participant().await?;
    let a = ctx
        .argument(&author, Stance::For, &format!("Keep me {}", unique("x")))
        .await?;
    for token in ctx.participants(n + 2).await? {
        let receipt: FlagReceipt = ctx
            .flag(&token, FlagTarget::Argument, &a.id)
            .await?
            .expect(201)?;
        ensure(receipt.status == ContentStatus::Visible, || {
            format!("a fresh participant's flag made it {:?}", receipt.status)
        })?;
    }
    let listed = all_arguments(ctx, "for", "recent").await?;
    let kept = listed
        .iter()
        .find(|x| x.id == a.id)
        .ok_or("the flagged argument is not listed")?;
    ensure(
        kept.status == ContentStatus::Visible && kept.text.is_some(),
        || format!("listed as {:?}", kept.status),
    )
}

async fn unknown(ctx: &Ctx) -> Check {
    let token = ctx.participant().await?;
    ctx.flag(&token, FlagTarget::Comment, &unique("no-such-comment"))
        .await?
        .problem(404, ProblemCode::NotFound)
        .map(|_| ())
}

async fn moderate(ctx: &Ctx, id: &str, status: ContentStatus) -> Check {
    moderate_for(ctx, id, status, None).await
}

async fn moderate_for(
    ctx: &Ctx,
    id: &str,
    status: ContentStatus,
    reason: Option<ModerationReason>,
) -> Check {
    let m: ContentModeration = ctx
        .api
        .op(Operation::ModerateContent, &[])
        .token(&ctx.moderator)
        .json(&ContentModeration {
            target_type: FlagTarget::Argument,
            target_id: id.into(),
            status,
            reason,
        })
        .send()
        .await?
        .expect(200)?;
    ensure(m.status == status, || {
        "the moderation answer has another status".into()
    })
}

async fn log(ctx: &Ctx) -> Check {
    let author = ctx.participant().await?;
    let text = format!("Log me {}", unique("x"));
    let a = ctx.argument(&author, Stance::For, &text).await?;
    moderate_for(
        ctx,
        &a.id,
        ContentStatus::Removed,
        Some(ModerationReason::Spam),
    )
    .await?;
    let is_this = |e: &&ModerationLogEntry| matches!(&e.change, ModerationChange::Content { target_id, status: ContentStatus::Removed, .. } if *target_id == a.id);
    let staff: Page<ModerationLogEntry> = ctx
        .api
        .op(Operation::ListModerationLog, &[])
        .token(&ctx.moderator)
        .send()
        .await?
        .expect(200)?;
    let entry = staff
        .items
        .iter()
        .find(is_this)
        .ok_or("the removal is not on the first page of the staff log")?;
    ensure(
        entry.reason == Some(ModerationReason::Spam)
            && entry.deliberation_id == ctx.deliberation()
            && entry.staff.as_deref().is_some_and(|s| !s.is_empty()),
        || format!("the staff log's entry lacks the reason, deliberation or staff: {entry:?}"),
    )?;
    let answer = ctx
        .api
        .op(Operation::ListPublicModerationLog, &[&ctx.deliberation()])
        .send()
        .await?;
    ensure(!answer.body.contains(&text), || {
        "the public log quotes the removed text".into()
    })?;
    let public: Page<ModerationLogEntry> = answer.expect(200)?;
    let shown = public
        .items
        .iter()
        .find(is_this)
        .ok_or("the removal is not on the first page of the public log")?;
    ensure(
        shown.staff.is_none() && shown.reason == Some(ModerationReason::Spam),
        || format!("the public log's entry names staff or lacks the reason: {shown:?}"),
    )?;
    ctx.api
        .op(
            Operation::ListPublicModerationLog,
            &[&unique("no-such-deliberation")],
        )
        .send()
        .await?
        .problem(404, ProblemCode::NotFound)
        .map(|_| ())
}

async fn by_deliberation(ctx: &Ctx) -> Check {
    let author = ctx.participant().await?;
    let a = ctx
        .argument(&author, Stance::For, &format!("Narrow me {}", unique("x")))
        .await?;
    ctx.flag(&author, FlagTarget::Argument, &a.id)
        .await?
        .expect::<FlagReceipt>(201)?;
    moderate(ctx, &a.id, ContentStatus::HiddenPendingReview).await?;
    let (here, there) = (ctx.deliberation(), ctx.stv_deliberation());
    for (deliberation, holds_it) in [(&here, true), (&there, false)] {
        let query = [
            ("deliberation", Some(deliberation.as_str())),
            ("limit", Some("100")),
        ];
        let flagged: Page<FlaggedContent> = ctx
            .api
            .op_query(Operation::ListFlagged, &[], &query)
            .token(&ctx.moderator)
            .send()
            .await?
            .expect(200)?;
        ensure(
            flagged
                .items
                .iter()
                .all(|f| &f.deliberation_id == deliberation)
                && flagged.items.iter().any(|f| f.target_id == a.id) == holds_it,
            || format!("flagged content of {deliberation}: {flagged:?}"),
        )?;
        let log: Page<ModerationLogEntry> = ctx
            .api
            .op_query(Operation::ListModerationLog, &[], &query)
            .token(&ctx.moderator)
            .send()
            .await?
            .expect(200)?;
        let logged = |e: &ModerationLogEntry| matches!(&e.change, ModerationChange::Content { target_id, .. } if *target_id == a.id);
        ensure(
            log.items.iter().all(|e| &e.deliberation_id == deliberation)
                && log.items.iter().any(logged) == holds_it,
            || format!("the staff log of {deliberation}: {log:?}"),
        )?;
    }
    let nowhere = unique("no-such-deliberation");
    for op in [Operation::ListFlagged, Operation::ListModerationLog] {
        ctx.api
            .op_query(op, &[], &[("deliberation", Some(nowhere.as_str()))])
            .token(&ctx.moderator)
            .send()
            .await?
            .problem(404, ProblemCode::NotFound)?;
    }
    Ok(())
}

async fn edit_logged(ctx: &Ctx) -> Check {
    let name = unique("edited");
    let (id, _) = ctx.create_own(&name).await?;
    let newest = |id: String| async move {
        let log: Page<ModerationLogEntry> = ctx
            .api
            .op_query(
                Operation::ListModerationLog,
                &[],
                &[("deliberation", Some(&id))],
            )
            .token(&ctx.moderator)
            .send()
            .await?
            .expect(200)?;
        Check::Ok(log.items)
    };
    let log = newest(id.clone()).await?;
    ensure(
        matches!(
            log.first().map(|e| &e.change),
            Some(ModerationChange::Import)
        ),
        || format!("the creation is not logged as an import: {log:?}"),
    )?;
    // The same again: nothing changed, nothing logged.
    let (answer, _) = ctx.import_own(&name, |_| {}).await?;
    let same: ImportReport = answer.expect(200)?;
    ensure(
        same.updated == [id.clone()] && same.edited.get(&id).is_some_and(Vec::is_empty),
        || format!("an import without changes reports {same:?}"),
    )?;
    let after_same = newest(id.clone()).await?;
    ensure(after_same.len() == log.len(), || {
        format!("an import without changes was logged: {after_same:?}")
    })?;
    // A phase a moderator moved is the live one: saving it back is no edit.
    ctx.set_phase(&id, PhaseKind::Voting).await?;
    let (answer, _) = ctx
        .import_own(&name, |seed| {
            seed["deliberations"][0]["deliberation"]["current_phase"] = "voting".into();
        })
        .await?;
    let moved: ImportReport = answer.expect(200)?;
    ensure(moved.edited.get(&id).is_some_and(Vec::is_empty), || {
        format!("saving the live phase back reports {moved:?}")
    })?;
    // A new title and one option relabelled (no one has voted).
    let (answer, _) = ctx
        .import_own(&name, |seed| {
            let entry = &mut seed["deliberations"][0];
            entry["deliberation"]["current_phase"] = "voting".into();
            entry["deliberation"]["title"]["en"] = "Edited title".into();
            entry["poll"]["options"][0]["label"]["en"] = "Option A, relabelled".into();
        })
        .await?;
    let edited: ImportReport = answer.expect(200)?;
    let parts = vec![EditedPart::Texts, EditedPart::PollOptions];
    ensure(edited.edited.get(&id) == Some(&parts), || {
        format!("the edit reports {edited:?}, not texts and poll options")
    })?;
    let log = newest(id).await?;
    match log.first() {
        Some(ModerationLogEntry {
            change: ModerationChange::Edit { parts: logged },
            staff: Some(_),
            ..
        }) if *logged == parts => Ok(()),
        other => Err(format!(
            "the staff log's newest entry is not the edit: {other:?}"
        )),
    }
}

async fn restore_and_remove(ctx: &Ctx) -> Check {
    let author = ctx.participant().await?;
    let text = format!("Moderate me {}", unique("x"));
    let a = ctx.argument(&author, Stance::Against, &text).await?;
    moderate(ctx, &a.id, ContentStatus::HiddenPendingReview).await?;
    moderate(ctx, &a.id, ContentStatus::Visible).await?;
    let listed = all_arguments(ctx, "against", "recent").await?;
    let back = listed
        .iter()
        .find(|x| x.id == a.id)
        .ok_or("restored argument not listed")?;
    ensure(back.text.as_deref() == Some(text.as_str()), || {
        "restored argument has no text".into()
    })?;
    moderate(ctx, &a.id, ContentStatus::Removed).await?;
    let listed = all_arguments(ctx, "against", "recent").await?;
    ensure(!listed.iter().any(|x| x.id == a.id), || {
        "a removed argument is still listed".into()
    })
}

async fn not_a_moderator(ctx: &Ctx) -> Check {
    let token = ctx.participant().await?;
    ctx.api
        .op(Operation::SetPollStatus, &[&ctx.poll()])
        .token(&token)
        .json(&serde_json::json!({"status": "closed"}))
        .send()
        .await?
        .problem(403, ProblemCode::Forbidden)
        .map(|_| ())
}

async fn flag_removed(ctx: &Ctx) -> Check {
    let token = ctx.participant().await?;
    let a = ctx
        .argument(
            &token,
            Stance::For,
            &format!("Removed soon {}", unique("x")),
        )
        .await?;
    moderate(ctx, &a.id, ContentStatus::Removed).await?;
    ctx.flag(&token, FlagTarget::Argument, &a.id)
        .await?
        .problem(404, ProblemCode::NotFound)
        .map(|_| ())
}

async fn phase_not_listed(ctx: &Ctx) -> Check {
    // Information and discussion only: the vote is held elsewhere.
    let (answer, _) = ctx
        .import_own(&unique("two-phases"), |seed| {
            let d = &mut seed["deliberations"][0]["deliberation"];
            if let Some(phases) = d["phases"].as_array_mut() {
                phases.truncate(2);
            }
            d["poll_id"] = serde_json::Value::Null;
            seed["deliberations"][0]["poll"] = serde_json::Value::Null;
        })
        .await?;
    let report: ImportReport = answer.expect(200)?;
    let id = report
        .created
        .first()
        .cloned()
        .ok_or("the import created nothing")?;
    ctx.api
        .op(Operation::SetPhase, &[&id])
        .token(&ctx.moderator)
        .json(&json!({"phase": "voting"}))
        .send()
        .await?
        .invalid_field("phase")?;
    ctx.set_phase(&id, PhaseKind::Information).await
}

async fn phase_closed(ctx: &Ctx) -> Check {
    let token = ctx.participant().await?;
    let a = ctx
        .argument(&token, Stance::For, "Open for replies until the vote")
        .await?;
    let mut answers = Vec::new();
    for phase in [PhaseKind::Information, PhaseKind::Voting] {
        ctx.set_phase(&ctx.deliberation(), phase).await?;
        for (op, id, body) in [
            (
                Operation::CreateArgument,
                ctx.deliberation(),
                serde_json::json!({"stance": "for", "text": "Too late"}),
            ),
            (
                Operation::CreateComment,
                a.id.clone(),
                serde_json::json!({"text": "Too late"}),
            ),
            (
                Operation::CreateProposal,
                ctx.deliberation(),
                serde_json::json!({"title": "Too late"}),
            ),
        ] {
            let answer = ctx
                .api
                .op(op, &[&id])
                .token(&token)
                .key(&unique("late"))
                .json(&body)
                .send()
                .await;
            answers.push(answer);
        }
    }
    // Reopen the discussion whatever happened, for the rules after this one.
    ctx.set_phase(&ctx.deliberation(), PhaseKind::Discussion)
        .await?;
    for answer in answers {
        answer?.problem(409, ProblemCode::PhaseClosed)?;
    }
    Ok(())
}

async fn activity(ctx: &Ctx) -> Check {
    let (id, poll) = ctx.create_own(&unique("activity")).await?;
    let token = ctx.participant().await?;
    // Each as a resident sends it.
    let send = |op: Operation, at: &str, body: serde_json::Value, status: u16| {
        let (token, at) = (token.clone(), at.to_owned());
        async move {
            ctx.api
                .op(op, &[&at])
                .token(&token)
                .key(&unique("activity"))
                .json(&body)
                .send()
                .await?
                .expect::<serde_json::Value>(status)
        }
    };
    let mut posted = Vec::new();
    for stance in ["for", "against", "for"] {
        let text = format!("Counted by day {}", unique("a"));
        let argument = json!({"stance": stance, "text": text, "lang": "en"});
        let created = send(Operation::CreateArgument, &id, argument, 201).await?;
        posted.push(created["id"].as_str().unwrap_or_default().to_owned());
    }
    let reply = json!({"text": "A reply, counted too", "lang": "en"});
    send(Operation::CreateComment, &posted[0], reply, 201).await?;
    let proposal =
        json!({"title": "A proposal, counted too", "description": "By day.", "lang": "en"});
    send(Operation::CreateProposal, &id, proposal, 201).await?;
    send(Operation::CastBallot, &poll, json!({"ranking": ["a"]}), 200).await?;
    // Removed since: still part of what residents did.
    ctx.api
        .op(Operation::ModerateContent, &[])
        .token(&ctx.moderator)
        .json(&ContentModeration {
            target_type: FlagTarget::Argument,
            target_id: posted[2].clone(),
            status: ContentStatus::Removed,
            reason: Some(ModerationReason::Spam),
        })
        .send()
        .await?
        .expect::<serde_json::Value>(200)?;
    let read: Activity = ctx
        .api
        .op(Operation::GetActivity, &[&id])
        .token(&ctx.moderator)
        .send()
        .await?
        .expect(200)?;
    let total = |f: fn(&plaza_contract::ActivityDay) -> u64| read.days.iter().map(f).sum::<u64>();
    let totals = [
        total(|d| d.arguments_for),
        total(|d| d.arguments_against),
        total(|d| d.replies),
        total(|d| d.proposals),
        total(|d| d.ballots),
    ];
    ensure(
        read.deliberation_id == id && totals == [2, 1, 1, 1, 1],
        || {
            format!("for, against, replies, proposals, ballots: {totals:?}, expected [2, 1, 1, 1, 1] ({read:?})")
        },
    )?;
    ensure(
        read.days.windows(2).all(|w| w[0].day < w[1].day)
            && read.days.iter().all(|d| d.day.len() == 10),
        || format!("days are not YYYY-MM-DD, oldest first: {read:?}"),
    )?;
    ctx.api
        .op(Operation::GetActivity, &[&id])
        .token(&token)
        .send()
        .await?
        .problem(403, ProblemCode::Forbidden)
        .map_err(|e| format!("a participant reading the activity: {e}"))?;
    ctx.api
        .op(Operation::GetActivity, &[&unique("conformance-nothing")])
        .token(&ctx.moderator)
        .send()
        .await?
        .problem(404, ProblemCode::NotFound)?;
    Ok(())
}
