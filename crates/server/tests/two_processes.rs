//! The scale path: two server processes on one database hold no state of
//! their own. Ballots cast through either give the same results from both;
//! an idempotency key used on one is honoured by the other; rate limits
//! count writes made through both. Runs on PostgreSQL when
//! `PLAZA_TEST_DATABASE_URL` is set (as in CI), on one SQLite file otherwise.

mod support;

use serde_json::json;
use support::{database_url, Server, OPTIONS};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_on_one_database_agree() {
    let dir = tempfile::tempdir().unwrap();
    let db = database_url(&dir);
    // Results published again at every change: what is checked here is that
    // both processes see the same (batching is tests/live_results.rs).
    let limits = [
        "--participant-writes-per-minute",
        "10",
        "--live-results-min-ballots",
        "1",
        "--live-results-every-secs",
        "0",
    ];
    let a = Server::start(&db, &limits);
    let b = Server::start(&db, &limits);
    let (_, poll) = a.import_fixture("two-processes").await;

    for i in 0..30 {
        let (via, other) = if i % 2 == 0 { (&a, &b) } else { (&b, &a) };
        let token = via.participant().await;
        let ranking = [OPTIONS[i % 5], OPTIONS[(i + 1 + i % 3) % 5]];
        let (status, receipt) = via.cast(&poll, &token, &ranking, Some("same-key")).await;
        assert_eq!(status, 200, "{receipt}");
        // The other process replays the answer for the same key and body.
        let (status, replay) = other.cast(&poll, &token, &ranking, Some("same-key")).await;
        assert_eq!((status, &replay), (200, &receipt));
    }

    a.results_counting(&poll, "30").await;
    let from_a = results(&a, &poll).await;
    assert_eq!(from_a, results(&b, &poll).await);

    // A ballot through B changes what A reports.
    let token = b.participant().await;
    assert_eq!(b.cast(&poll, &token, &["one-way"], None).await.0, 200);
    a.results_counting(&poll, "31").await;
    let again = results(&a, &poll).await;
    assert_eq!(again, results(&b, &poll).await);

    // Closing through A makes the results final on B.
    a.moderate(
        &format!("/v1/moderation/polls/{poll}/status"),
        json!({"status": "closed"}),
    )
    .await;
    let final_b = results(&b, &poll).await;
    assert_eq!(final_b["final"], true);
    assert_eq!(final_b, results(&a, &poll).await);

    // One participant, ten writes allowed per minute, made through both.
    let token = a.participant().await;
    let (d, _) = a.import_fixture("two-processes-limits").await;
    let mut statuses = Vec::new();
    for i in 0..12 {
        let via = if i % 2 == 0 { &a } else { &b };
        let response = via
            .http
            .post(via.url(&format!("/v1/deliberations/{d}/arguments")))
            .bearer_auth(&token)
            .json(&json!({"stance": "for", "text": format!("Argument {i}")}))
            .send()
            .await
            .unwrap();
        statuses.push(response.status().as_u16());
    }
    assert_eq!(&statuses[..10], &[201; 10]);
    assert_eq!(&statuses[10..], &[429, 429], "{statuses:?}");
}

/// The results as `s` reports them, without the moment they were counted.
async fn results(s: &Server, poll: &str) -> serde_json::Value {
    let (status, mut r) = s.get(&format!("/v1/polls/{poll}/results"), None).await;
    assert_eq!(status, 200, "{r}");
    r.as_object_mut().unwrap().remove("counted_at");
    r
}
