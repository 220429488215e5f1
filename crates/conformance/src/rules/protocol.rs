//! The conventions every call follows: problem documents for bad input,
//! idempotency keys, CORS, ETags, body limits and rate limits.

use std::future::Future;

use futures::future::join_all;
use plaza_contract::{Argument, Deliberation, FlagTarget, Operation, ProblemCode, Stance};
use reqwest::Method;

use super::discussion::all_arguments;
use super::{rule, Rule, Verdict};
use crate::client::{self, ensure, Check};
use crate::fixture::{unique, Ctx};

pub fn rules() -> Vec<Rule> {
    vec![
        rule!("idempotency.replay", "A repeat with the same Idempotency-Key after completion replays the first response and changes nothing", replay),
        rule!("idempotency.other_body", "The same Idempotency-Key with another body is 422 idempotency_key_reused", other_body),
        rule!("idempotency.unread_body", "A request refused because its body could not be read (JSON of the wrong shape, 422) leaves its Idempotency-Key free: the same key with a readable body is answered 201", unread_body),
        rule!("idempotency.concurrent", "Concurrent repeats of one key create one thing; each answer is the first response or 409 idempotency_key_in_flight", concurrent),
        rule!("input.malformed_json", "Malformed JSON is 400 bad_request and changes nothing", malformed),
        rule!("input.wrong_types", "JSON of the wrong shape (a number for a stance, a string for a ranking) is 422 and changes nothing", wrong_types),
        rule!("input.content_type", "A body that is not JSON is 415 unsupported_media_type", content_type),
        rule!("input.too_large", "A body over the backend's limit is 413 payload_too_large", too_large),
        rule!("http.wrong_method", "A method a path does not have is 405, as a problem document", wrong_method),
        rule!("input.injection", "SQL-injection strings in ids and queries are 404 or 4xx and change nothing", injection),
        rule!("input.nul", "A NUL character in a path id, a query or a body id is 400 bad_request, never a 500", nul),
        rule!("http.etag", "Reads carry an ETag, and If-None-Match with it is 304", etag),
        rule!("http.cors", "CORS: an allow-listed origin may call (no credentials; ETag, Location, Retry-After exposed); another may not", cors, optional)
            .not_local("the backend runs inside the page: no cross-origin requests"),
    ]
}

pub fn last_rules() -> Vec<Rule> {
    vec![rule!(
        "http.rate_limit",
        "Too many writes by one participant are 429 rate_limited with Retry-After",
        rate_limit
    )
    .not_local("rate limits protect a shared backend from its clients; a browser's serves only its own page")]
}

async fn count_for(ctx: &Ctx) -> Check<u32> {
    let d: Deliberation = ctx
        .api
        .op(Operation::GetDeliberation, &[&ctx.deliberation()])
        .send()
        .await?
        .expect(200)?;
    Ok(d.counts.arguments_for + d.counts.arguments_against)
}

/// Runs `refused`, requests the backend must turn down, and fails with
/// `message` if the deliberation's argument count moved meanwhile.
async fn stores_nothing(ctx: &Ctx, message: &str, refused: impl Future<Output = Check>) -> Check {
    let before = count_for(ctx).await?;
    refused.await?;
    let after = count_for(ctx).await?;
    ensure(before == after, || message.into())
}

async fn replay(ctx: &Ctx) -> Check {
    let token = ctx.participant().await?;
    let key = unique("replay");
    let body = serde_json::json!({"stance": "for", "text": format!("Said once {key}")});
    let post = || {
        ctx.api
            .op(Operation::CreateArgument, &[&ctx.deliberation()])
            .token(&token)
            .key(&key)
            .json(&body)
            .send()
    };
    let first = post().await?;
    let a: Argument = first.expect(201)?;
    let again = post().await?;
    let b: Argument = again.expect(201)?;
    ensure(a == b, || {
        "the repeat answered with another argument".into()
    })?;
    let listed = all_arguments(ctx, "for", "recent").await?;
    let copies = listed
        .iter()
        .filter(|x| x.text.as_deref() == a.text.as_deref())
        .count();
    ensure(copies == 1, || format!("{copies} copies stored"))
}

/// The answer to creating an argument from `body` with the key `key`.
async fn argue_with_key(
    ctx: &Ctx,
    token: &str,
    key: &str,
    body: serde_json::Value,
) -> Check<crate::client::Answer> {
    ctx.api
        .op(Operation::CreateArgument, &[&ctx.deliberation()])
        .token(token)
        .key(key)
        .json(&body)
        .send()
        .await
}

async fn other_body(ctx: &Ctx) -> Check {
    let token = ctx.participant().await?;
    let key = unique("reuse");
    let first = serde_json::json!({"stance": "for", "text": "First body"});
    argue_with_key(ctx, &token, &key, first)
        .await?
        .expect::<Argument>(201)?;
    let another = serde_json::json!({"stance": "for", "text": "Another body"});
    argue_with_key(ctx, &token, &key, another)
        .await?
        .problem(422, ProblemCode::IdempotencyKeyReused)
        .map(|_| ())
}

async fn unread_body(ctx: &Ctx) -> Check {
    let token = ctx.participant().await?;
    let key = unique("unread");
    let unreadable = serde_json::json!({"stance": "for", "text": 1});
    argue_with_key(ctx, &token, &key, unreadable)
        .await?
        .problem(422, ProblemCode::ValidationFailed)?;
    let readable = serde_json::json!({"stance": "for", "text": format!("Read at last {key}")});
    argue_with_key(ctx, &token, &key, readable)
        .await?
        .expect::<Argument>(201)
        .map(|_| ())
        .map_err(|e| format!("the key after a body that could not be read: {e}"))
}

async fn concurrent(ctx: &Ctx) -> Check {
    let token = ctx.participant().await?;
    let key = unique("race");
    let text = format!("Raced {key}");
    let body = serde_json::json!({"stance": "against", "text": text});
    let answers = join_all((0..8).map(|_| {
        ctx.api
            .op(Operation::CreateArgument, &[&ctx.deliberation()])
            .token(&token)
            .key(&key)
            .json(&body)
            .send()
    }))
    .await;
    let mut ids = Vec::new();
    for answer in answers {
        let answer = answer?;
        if answer.status == 409 {
            answer.problem(409, ProblemCode::IdempotencyKeyInFlight)?;
        } else {
            ids.push(answer.expect::<Argument>(201)?.id);
        }
    }
    ids.dedup();
    ensure(ids.len() <= 1, || {
        format!("answers name {} different arguments", ids.len())
    })?;
    let listed = all_arguments(ctx, "against", "recent").await?;
    let copies = listed
        .iter()
        .filter(|x| x.text.as_deref() == Some(text.as_str()))
        .count();
    ensure(copies == 1, || format!("{copies} copies stored"))
}

async fn malformed(ctx: &Ctx) -> Check {
    let token = ctx.participant().await?;
    stores_nothing(ctx, "a malformed request stored something", async {
        for body in [
            r#"{"stance": "for", "text": "#,
            "{",
            r#"{"stance": "for"} trailing"#,
        ] {
            ctx.api
                .op(Operation::CreateArgument, &[&ctx.deliberation()])
                .token(&token)
                .key(&unique("bad"))
                .raw(body, "application/json")
                .send()
                .await?
                .problem(400, ProblemCode::BadRequest)?;
        }
        Ok(())
    })
    .await
}

async fn wrong_types(ctx: &Ctx) -> Check {
    let token = ctx.participant().await?;
    stores_nothing(
        ctx,
        "a request of the wrong shape stored something",
        async {
            for body in [
                serde_json::json!({"stance": -1, "text": "signed stance"}),
                serde_json::json!({"stance": "for", "text": 42}),
                serde_json::json!({"stance": "for"}),
                serde_json::json!(["for", "text"]),
            ] {
                ctx.api
                    .op(Operation::CreateArgument, &[&ctx.deliberation()])
                    .token(&token)
                    .key(&unique("bad"))
                    .json(&body)
                    .send()
                    .await?
                    .problem(422, ProblemCode::ValidationFailed)?;
            }
            ctx.api
                .op(Operation::CastBallot, &[&ctx.poll()])
                .token(&token)
                .key(&unique("bad"))
                .json(&serde_json::json!({"ranking": "a"}))
                .send()
                .await?
                .problem(422, ProblemCode::ValidationFailed)
                .map(|_| ())
        },
    )
    .await
}

async fn content_type(ctx: &Ctx) -> Check {
    let token = ctx.participant().await?;
    ctx.api
        .op(Operation::CreateArgument, &[&ctx.deliberation()])
        .token(&token)
        .key(&unique("ct"))
        .raw(r#"{"stance": "for", "text": "as text"}"#, "text/plain")
        .send()
        .await?
        .problem(415, ProblemCode::UnsupportedMediaType)
        .map(|_| ())
}

async fn too_large(ctx: &Ctx) -> Check {
    let token = ctx.participant().await?;
    let body = serde_json::json!({"stance": "for", "text": "x".repeat(4 * 1024 * 1024)});
    stores_nothing(ctx, "an oversized request stored something", async {
        ctx.api
            .op(Operation::CreateArgument, &[&ctx.deliberation()])
            .token(&token)
            .key(&unique("big"))
            .json(&body)
            .send()
            .await?
            .problem(413, ProblemCode::PayloadTooLarge)
            .map(|_| ())
    })
    .await
}

async fn nul(ctx: &Ctx) -> Check {
    let token = ctx.participant().await?;
    ctx.api
        .op(Operation::GetDeliberation, &["a\0b"])
        .send()
        .await?
        .problem(400, ProblemCode::BadRequest)?;
    ctx.api
        .op_query(
            Operation::ListArguments,
            &[&ctx.deliberation()],
            &[("cursor", Some("a\0b"))],
        )
        .send()
        .await?
        .problem(400, ProblemCode::BadRequest)?;
    ctx.flag(&token, FlagTarget::Argument, "a\0b")
        .await?
        .problem(400, ProblemCode::BadRequest)
        .map(|_| ())
}

async fn injection(ctx: &Ctx) -> Check {
    let token = ctx.participant().await?;
    stores_nothing(ctx, "the argument count changed", async {
        for id in ["' OR '1'='1", "x'; DROP TABLE ballots; --", "\";--"] {
            ctx.api
                .op(Operation::GetDeliberation, &[id])
                .send()
                .await?
                .problem(404, ProblemCode::NotFound)?;
            ctx.api
                .op(Operation::CastBallot, &[id])
                .token(&token)
                .key(&unique("inj"))
                .json(&serde_json::json!({"ranking": ["a"]}))
                .send()
                .await?
                .problem(404, ProblemCode::NotFound)?;
        }
        ctx.api
            .op_query(
                Operation::ListArguments,
                &[&ctx.deliberation()],
                &[("sort", Some("helpful; DROP TABLE arguments"))],
            )
            .send()
            .await?
            .client_problem()?;
        let injected = "a'); DELETE FROM ballots; --";
        ctx.api
            .op(Operation::CastBallot, &[&ctx.poll()])
            .token(&token)
            .key(&unique("inj"))
            .json(&serde_json::json!({"ranking": [injected]}))
            .send()
            .await?
            .problem(422, ProblemCode::ValidationFailed)
            .map(|_| ())
    })
    .await?;
    // The backend still answers normally.
    ctx.api
        .op(Operation::ListArguments, &[&ctx.deliberation()])
        .send()
        .await?
        .expect::<serde_json::Value>(200)
        .map(|_| ())
}

async fn etag(ctx: &Ctx) -> Check {
    let first = ctx
        .api
        .op(Operation::GetDeliberation, &[&ctx.deliberation()])
        .send()
        .await?;
    first.expect::<Deliberation>(200)?;
    let tag = first.header("etag").ok_or("no ETag on a read")?;
    let again = ctx
        .api
        .op(Operation::GetDeliberation, &[&ctx.deliberation()])
        .header("If-None-Match", &tag)
        .send()
        .await?;
    ensure(again.status == 304, || {
        format!("If-None-Match with the ETag gave {}", again.status)
    })
}

async fn cors(ctx: &Ctx) -> Check<Verdict> {
    let Some(origin) = &ctx.origin else {
        return Ok(Verdict::Skipped(
            "needs --origin (an origin the backend allows)",
        ));
    };
    let path = client::path(Operation::CastBallot, &[&ctx.poll()], &[]);
    let preflight = ctx
        .api
        .call(Method::OPTIONS, &path)
        .header("Origin", origin)
        .header("Access-Control-Request-Method", "PUT")
        .header(
            "Access-Control-Request-Headers",
            "authorization, content-type, idempotency-key",
        )
        .send()
        .await?;
    let allowed = preflight
        .header("access-control-allow-origin")
        .unwrap_or_default();
    ensure(allowed == *origin || allowed == "*", || {
        format!("preflight allows origin {allowed:?}")
    })?;
    ensure(
        preflight
            .header("access-control-allow-credentials")
            .is_none_or(|v| v != "true"),
        || "credentials are allowed".into(),
    )?;
    let headers = preflight
        .header("access-control-allow-headers")
        .unwrap_or_default()
        .to_ascii_lowercase();
    ensure(
        ["authorization", "content-type", "idempotency-key"]
            .iter()
            .all(|h| headers.contains(h) || headers == "*"),
        || format!("allowed headers are {headers:?}"),
    )?;
    let read = ctx
        .api
        .op(Operation::GetDeliberation, &[&ctx.deliberation()])
        .header("Origin", origin)
        .send()
        .await?;
    let exposed = read
        .header("access-control-expose-headers")
        .unwrap_or_default()
        .to_ascii_lowercase();
    ensure(
        ["etag", "location", "retry-after"]
            .iter()
            .all(|h| exposed.contains(h)),
        || format!("exposed headers are {exposed:?}"),
    )?;
    let foreign = ctx
        .api
        .op(Operation::GetDeliberation, &[&ctx.deliberation()])
        .header("Origin", "https://not-allowed.invalid")
        .send()
        .await?;
    let allowed = foreign.header("access-control-allow-origin");
    ensure(
        allowed.is_none() || allowed.as_deref() == Some("*") && ctx.origin.as_deref() == Some("*"),
        || format!("a foreign origin is allowed: {allowed:?}"),
    )?;
    Ok(Verdict::Passed)
}

async fn rate_limit(ctx: &Ctx) -> Check {
    let token = ctx.participant().await?;
    let a = ctx.argument(&token, Stance::For, "Hammered").await?;

    for i in 0..ctx.rate_limit_attempts {
        let call = if i % 2 == 0 {
            ctx.api.op(Operation::PutReaction, &[&a.id, "helpful"])
        } else {
            ctx.api.op(Operation::DeleteReaction, &[&a.id, "helpful"])
        };
        let answer = call.token(&token).send().await?;
        if answer.status == 429 {
            answer.problem(429, ProblemCode::RateLimited)?;
            let wait = answer
                .header("retry-after")
                .ok_or("429 without Retry-After")?;
            return ensure(wait.trim().parse::<u64>().is_ok(), || {
                format!("Retry-After is {wait:?}")
            });
        }
        answer.expect::<serde_json::Value>(200)?;
    }
    Err(format!(
        "{} writes in a row were all accepted",
        ctx.rate_limit_attempts
    ))
}

async fn wrong_method(ctx: &Ctx) -> Check {
    let path = client::path(Operation::CastBallot, &[&ctx.poll()], &[]);
    ctx.api
        .call(Method::DELETE, &path)
        .send()
        .await?
        .client_problem()
        .and_then(|p| {
            ensure(p.status == 405, || {
                format!("DELETE {path} answered {}", p.status)
            })
        })
}
