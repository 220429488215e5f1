//! Stored Idempotency-Key answers are bounded per participant: a script
//! sending fresh keys keeps only the newest answers, and a repeat of a
//! recent request is still answered from its record.

mod in_process;

use axum::body::Body;
use axum::http::{header, Request};
use in_process::{call, seeded_app};
use plaza_server::idempotency::MAX_KEYS_PER_PARTICIPANT;
use serde_json::json;

fn post_argument(token: &str, key: &str, text: &str) -> Request<Body> {
    Request::builder()
        .method("POST")
        .uri("/v1/deliberations/rue-des-lilas/arguments")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .header("Idempotency-Key", key)
        .body(Body::from(
            json!({"stance": "for", "text": text}).to_string(),
        ))
        .expect("a request")
}

#[tokio::test]
async fn a_participant_keeps_only_their_newest_answers() {
    let (app, me) = seeded_app(&[]).await;
    let cap = MAX_KEYS_PER_PARTICIPANT as usize;
    let total = cap + 20;
    // Keys in the order they are sent, also as text: within one
    // millisecond the server keeps the greater keys.
    let key = |i: usize| format!("key-{i:05}");
    // Refusals are stored like successes (a repeat gets the same refusal),
    // and cost no contribution: blank texts.
    for i in 0..total {
        let answer = call(&app, post_argument(&me, &key(i), " ")).await;
        assert_eq!(answer.status, 422, "{}", answer.body);
    }
    // The newest `cap` keys keep their records: another body with one of
    // them is refused, down to the oldest kept.
    for i in [total - 1, total - cap] {
        let reused = call(&app, post_argument(&me, &key(i), "Shade for the market.")).await;
        assert_eq!(
            (reused.status, reused.body["code"].as_str()),
            (422, Some("idempotency_key_reused")),
            "key {i}: {}",
            reused.body
        );
    }
    // The one before was forgotten: the key is free again.
    let freed = key(total - cap - 1);
    let fresh = call(&app, post_argument(&me, &freed, "Shade for the market.")).await;
    assert_eq!(fresh.status, 201, "{}", fresh.body);
    // And a repeat of that request is answered from its new record.
    let repeat = call(&app, post_argument(&me, &freed, "Shade for the market.")).await;
    assert_eq!((repeat.status, &repeat.body), (201, &fresh.body));
}

/// A resident whose answer was lost on the way, and who is over the rate
/// limit when they retry, gets the answer: a repeat is not counted.
#[tokio::test]
async fn a_repeat_is_answered_even_over_the_rate_limit() {
    let (app, me) = seeded_app(&["--participant-writes-per-minute", "3"]).await;
    let first = call(&app, post_argument(&me, "first", "Shade for the market.")).await;
    assert_eq!(first.status, 201, "{}", first.body);
    let mut limited = None;
    for i in 0..10 {
        let answer = call(
            &app,
            post_argument(&me, &format!("more-{i}"), "Benches too."),
        )
        .await;
        if answer.status == 429 {
            limited = Some(i);
            break;
        }
        assert_eq!(answer.status, 201, "{}", answer.body);
    }
    assert!(limited.is_some(), "the limit was reached");
    let repeat = call(&app, post_argument(&me, "first", "Shade for the market.")).await;
    assert_eq!((repeat.status, &repeat.body), (201, &first.body));
}
