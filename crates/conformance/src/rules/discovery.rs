//! Capabilities, deliberations, participants and identity.

use plaza_contract::{
    Capabilities, Deliberation, DeliberationSummary, Operation, Page, ProblemCode, CONTRACT_VERSION,
};

use super::{rule, Rule, Verdict};
use crate::client::{ensure, Check};
use crate::fixture::{unique, Ctx};

pub fn rules() -> Vec<Rule> {
    vec![
        rule!(
            "capabilities",
            "GET /v1 names the contract plaza/1, its features and locales",
            capabilities
        ),
        rule!(
            "deliberation.read",
            "GET /v1/deliberations/{id} is a Deliberation without problems",
            deliberation
        ),
        rule!(
            "deliberation.list",
            "GET /v1/deliberations pages through every deliberation with next_cursor",
            list
        ),
        rule!(
            "deliberation.unknown",
            "An unknown deliberation is 404 not_found as problem+json",
            unknown
        ),
        rule!(
            "participant.create",
            "POST /v1/participants gives a new participant_id and token each time (201)",
            participants
        )
        .not_local("one participant per browser: POST /v1/participants names it every time"),
        rule!(
            "participant.required",
            "A write without a bearer token is 401 unauthorized",
            token_required
        )
        .not_local("the browser is the participant: no bearer tokens, so none can be missing"),
        rule!(
            "participant.invalid",
            "A write with a forged bearer token is 401 unauthorized",
            token_forged
        )
        .not_local("the browser is the participant: no bearer tokens, so none can be forged"),
        rule!(
            "participant.host_token",
            "A token the host site signs (HS256 JWT) is a participant; an expired one is 401",
            host_token,
            optional
        )
        .not_local("no host site signs tokens for a backend inside the page"),
    ]
}

async fn capabilities(ctx: &Ctx) -> Check {
    let caps: Capabilities = ctx
        .api
        .op(Operation::GetCapabilities, &[])
        .send()
        .await?
        .expect(200)?;
    ensure(caps.contract == CONTRACT_VERSION, || {
        format!("contract is {:?}", caps.contract)
    })?;
    ensure(!caps.features.is_empty(), || "no features listed".into())
}

async fn deliberation(ctx: &Ctx) -> Check {
    let d: Deliberation = ctx
        .api
        .op(Operation::GetDeliberation, &[&ctx.deliberation()])
        .send()
        .await?
        .expect(200)?;
    ensure(d.id == ctx.deliberation(), || format!("id is {:?}", d.id))?;
    ensure(d.problems().is_empty(), || {
        format!("problems: {:?}", d.problems())
    })?;
    ensure(d.poll_id.as_deref() == Some(ctx.poll().as_str()), || {
        "poll_id is not the imported one".into()
    })
}

async fn list(ctx: &Ctx) -> Check {
    let mut cursor: Option<String> = None;
    let mut seen = Vec::new();
    for _ in 0..1000 {
        let page: Page<DeliberationSummary> = ctx
            .api
            .op_query(
                Operation::ListDeliberations,
                &[],
                &[("cursor", cursor.as_deref())],
            )
            .send()
            .await?
            .expect(200)?;
        seen.extend(page.items.into_iter().map(|d| d.id));
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    let mut unique_ids = seen.clone();
    unique_ids.sort();
    unique_ids.dedup();
    ensure(unique_ids.len() == seen.len(), || {
        "a deliberation was listed twice".into()
    })?;
    ensure(
        seen.contains(&ctx.deliberation()) && seen.contains(&ctx.stv_deliberation()),
        || "the imported deliberations are not listed".into(),
    )
}

async fn unknown(ctx: &Ctx) -> Check {
    let id = unique("no-such-deliberation");
    ctx.api
        .op(Operation::GetDeliberation, &[&id])
        .send()
        .await?
        .problem(404, ProblemCode::NotFound)?;
    ctx.api
        .op(Operation::GetPoll, &[&id])
        .send()
        .await?
        .problem(404, ProblemCode::NotFound)
        .map(|_| ())
}

async fn participants(ctx: &Ctx) -> Check {
    let a = ctx.new_participant().await?;
    let b = ctx.new_participant().await?;
    ensure(!a.token.is_empty() && !a.participant_id.is_empty(), || {
        "empty id or token".into()
    })?;
    ensure(
        a.participant_id != b.participant_id && a.token != b.token,
        || "two participants share an id or token".into(),
    )
}

fn new_argument() -> serde_json::Value {
    serde_json::json!({"stance": "for", "text": "Should not be stored"})
}

async fn token_required(ctx: &Ctx) -> Check {
    ctx.api
        .op(Operation::CreateArgument, &[&ctx.deliberation()])
        .json(&new_argument())
        .send()
        .await?
        .problem(401, ProblemCode::Unauthorized)
        .map(|_| ())
}

async fn token_forged(ctx: &Ctx) -> Check {
    let real = ctx.participant().await?;
    // The same token with its last character changed.
    let mut forged = real.clone();
    let last = forged.pop().unwrap_or('x');
    forged.push(if last == 'A' { 'B' } else { 'A' });
    ctx.api
        .op(Operation::CreateArgument, &[&ctx.deliberation()])
        .token(&forged)
        .json(&new_argument())
        .send()
        .await?
        .problem(401, ProblemCode::Unauthorized)
        .map(|_| ())
}

async fn host_token(ctx: &Ctx) -> Check<Verdict> {
    let Some(secret) = &ctx.host_secret else {
        return Ok(Verdict::Skipped("needs --host-secret"));
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let valid = crate::jwt::hs256(secret, &unique("resident"), now + 600);
    let answer = ctx
        .api
        .op(Operation::GetMyBallot, &[&ctx.poll()])
        .token(&valid)
        .send()
        .await?;
    // Known participant without a ballot: 404, not 401.
    answer.problem(404, ProblemCode::NotFound)?;
    let expired = crate::jwt::hs256(secret, &unique("resident"), now - 3600);
    ctx.api
        .op(Operation::GetMyBallot, &[&ctx.poll()])
        .token(&expired)
        .send()
        .await?
        .problem(401, ProblemCode::Unauthorized)?;
    Ok(Verdict::Passed)
}
