//! While a poll is open, its results move in batches: never one ballot on
//! its own, at most once per interval; the close counts every ballot. The
//! server publishes counts from a task of its own, shortly after a ballot:
//! a count that must not come is looked for after a moment in which it
//! would have come.

mod support;

use serde_json::json;
use support::{database_url, Server, OPTIONS};

/// The published total a moment after the last change.
async fn total(server: &Server, poll: &str) -> (String, bool) {
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    let (status, results) = server.get(&format!("/v1/polls/{poll}/results"), None).await;
    assert_eq!(status, 200, "{results}");
    (
        results["total_ballots"].as_str().unwrap_or("?").to_owned(),
        results["final"].as_bool().unwrap_or(false),
    )
}

/// A server counting an open poll again after `min_ballots` changed
/// ballots, at most every `every_secs`.
fn batching(dir: &tempfile::TempDir, min_ballots: &str, every_secs: &str) -> Server {
    Server::start(
        &database_url(dir),
        &[
            "--live-results-min-ballots",
            min_ballots,
            "--live-results-every-secs",
            every_secs,
        ],
    )
}

/// A ballot of a new resident.
async fn vote(server: &Server, poll: &str, first: &str) {
    let token = server.participant().await;
    recast(server, poll, &token, first).await;
}

/// The ballot of `token`'s resident, cast or changed.
async fn recast(server: &Server, poll: &str, token: &str, first: &str) {
    let (status, body) = server.cast(poll, token, &[first], None).await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn results_of_an_open_poll_move_in_batches() {
    let dir = tempfile::tempdir().unwrap();
    let server = batching(&dir, "3", "0");
    let (_, poll) = server.import_fixture("live").await;
    vote(&server, &poll, OPTIONS[0]).await;
    assert_eq!(
        total(&server, &poll).await,
        ("0".into(), false),
        "one ballot alone"
    );
    vote(&server, &poll, OPTIONS[1]).await;
    assert_eq!(total(&server, &poll).await, ("0".into(), false));
    vote(&server, &poll, OPTIONS[1]).await;
    server.results_counting(&poll, "3").await;
    vote(&server, &poll, OPTIONS[2]).await;
    assert_eq!(
        total(&server, &poll).await,
        ("3".into(), false),
        "the next one waits"
    );
    server
        .moderate(
            &format!("/v1/moderation/polls/{poll}/status"),
            json!({"status": "closed"}),
        )
        .await;
    assert_eq!(
        total(&server, &poll).await,
        ("4".into(), true),
        "the close counts all"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_also_waits_for_the_interval() {
    let dir = tempfile::tempdir().unwrap();
    let server = batching(&dir, "1", "3600");
    let (_, poll) = server.import_fixture("interval").await;
    vote(&server, &poll, OPTIONS[0]).await;
    server.results_counting(&poll, "1").await;
    vote(&server, &poll, OPTIONS[1]).await;
    vote(&server, &poll, OPTIONS[2]).await;
    assert_eq!(
        total(&server, &poll).await,
        ("1".into(), false),
        "within the hour"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_counts_ballots_that_changed_since_the_last_count_not_changes() {
    let dir = tempfile::tempdir().unwrap();
    let server = batching(&dir, "3", "0");
    let (_, poll) = server.import_fixture("changes").await;
    let watchers = [server.participant().await, server.participant().await];
    for watcher in &watchers {
        recast(&server, &poll, watcher, OPTIONS[0]).await;
    }
    vote(&server, &poll, OPTIONS[1]).await;
    server.results_counting(&poll, "3").await;
    // Two watchers change their ballots back and forth, the poll is set
    // open again, and one other resident votes: a new count would differ
    // from the last by that resident's ballot alone.
    for first in [OPTIONS[1], OPTIONS[0], OPTIONS[1], OPTIONS[0]] {
        for watcher in &watchers {
            recast(&server, &poll, watcher, first).await;
        }
    }
    server
        .moderate(
            &format!("/v1/moderation/polls/{poll}/status"),
            json!({"status": "open"}),
        )
        .await;
    vote(&server, &poll, OPTIONS[2]).await;
    assert_eq!(
        total(&server, &poll).await,
        ("3".into(), false),
        "one ballot changed since the count (the watchers' are as counted)"
    );
    // Changed and left changed, it counts: two now, a batch with one more.
    recast(&server, &poll, &watchers[0], OPTIONS[2]).await;
    assert_eq!(total(&server, &poll).await, ("3".into(), false), "two");
    vote(&server, &poll, OPTIONS[0]).await;
    server.results_counting(&poll, "5").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closing_a_closed_poll_again_does_not_count_it_again() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&database_url(&dir), &[]);
    let (_, poll) = server.import_fixture("close-twice").await;
    vote(&server, &poll, OPTIONS[0]).await;
    let status = format!("/v1/moderation/polls/{poll}/status");
    let close = || server.moderate(&status, json!({"status": "closed"}));
    close().await;
    let counted = |results: serde_json::Value| results["counted_at"].as_str().map(str::to_owned);
    let (_, first) = server.get(&format!("/v1/polls/{poll}/results"), None).await;
    assert_eq!(first["final"], true, "{first}");
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    close().await;
    let (_, again) = server.get(&format!("/v1/polls/{poll}/results"), None).await;
    assert_eq!(counted(again), counted(first), "the same final count");
}
