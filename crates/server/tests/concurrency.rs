//! Nothing doubled: concurrent ballots by one participant leave one, and a
//! retried request with the same Idempotency-Key gets the first response.
//! Nothing late: no ballot commits after the poll closed.

mod support;

use futures::future::join_all;
use serde_json::json;
use support::{database_url, Server, OPTIONS};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_concurrent_ballots_by_one_participant_leave_exactly_one() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(
        &database_url(&dir),
        &["--participant-writes-per-minute", "0"],
    );
    let (_, poll) = server.import_fixture("concurrency").await;
    let token = server.participant().await;

    let rankings: Vec<Vec<&str>> = (0..50)
        .map(|i| vec![OPTIONS[i % 5], OPTIONS[(i + 1) % 5]])
        .collect();
    let answers = join_all(rankings.iter().enumerate().map(|(i, r)| {
        let key = format!("ballot-{i}");
        let server = &server;
        let token = &token;
        let poll = &poll;
        async move { server.cast(poll, token, r, Some(&key)).await }
    }))
    .await;
    for (status, body) in &answers {
        assert_eq!(*status, 200, "{body}");
    }

    let (_, mine) = server
        .get(&format!("/v1/polls/{poll}/ballot"), Some(&token))
        .await;
    let stored: Vec<String> = serde_json::from_value(mine["ranking"].clone()).unwrap();
    assert!(rankings.iter().any(|r| *r == stored), "{stored:?}");
    // The receipt of the stored ballot is the one some acknowledgement gave.
    assert!(answers.iter().any(|(_, r)| *r == mine["receipt"]));

    server
        .moderate(
            &format!("/v1/moderation/polls/{poll}/status"),
            json!({"status": "closed"}),
        )
        .await;
    let (status, export) = server.get(&format!("/v1/polls/{poll}/ballots"), None).await;
    assert_eq!(status, 200);
    assert_eq!(export["ballots"], json!([{"ranking": stored, "count": 1}]));
    let (_, results) = server.get(&format!("/v1/polls/{poll}/results"), None).await;
    assert_eq!(results["total_ballots"], "1");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retried_request_with_the_same_key_returns_the_first_response() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&database_url(&dir), &[]);
    let (deliberation, _) = server.import_fixture("retry").await;
    let token = server.participant().await;
    let url = server.url(&format!("/v1/deliberations/{deliberation}/arguments"));
    let post = || {
        server
            .http
            .post(&url)
            .bearer_auth(&token)
            .header("Idempotency-Key", "retry-me")
            .json(&json!({"stance": "for", "text": "Sent twice, stored once."}))
            .send()
    };
    let first = post().await.unwrap();
    let (status, location) = (first.status(), first.headers().get("location").cloned());
    let body = first.text().await.unwrap();
    assert_eq!(status, 201);

    // Sequential and concurrent retries all get the first answer, byte for byte.
    let mut retries = vec![post().await.unwrap()];
    retries.extend(
        join_all((0..10).map(|_| post()))
            .await
            .into_iter()
            .map(Result::unwrap),
    );
    for retry in retries {
        assert_eq!(retry.status(), status);
        assert_eq!(retry.headers().get("location"), location.as_ref());
        assert_eq!(retry.text().await.unwrap(), body);
    }
    let (_, page) = server
        .get(
            &format!("/v1/deliberations/{deliberation}/arguments?stance=for"),
            None,
        )
        .await;
    let copies = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["text"] == "Sent twice, stored once.")
        .count();
    assert_eq!(copies, 1);

    // The same key with another body is refused and stores nothing.
    let other = server
        .http
        .post(&url)
        .bearer_auth(&token)
        .header("Idempotency-Key", "retry-me")
        .json(&json!({"stance": "for", "text": "Something else"}))
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), 422);
    let problem: serde_json::Value = other.json().await.unwrap();
    assert_eq!(problem["code"], "idempotency_key_reused");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_ballot_commits_after_the_poll_closes() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(
        &database_url(&dir),
        &[
            "--participant-writes-per-minute",
            "0",
            "--ip-writes-per-minute",
            "0",
        ],
    );
    let (_, poll) = server.import_fixture("close").await;
    let voters = join_all((0..8).map(|_| server.participant())).await;
    // Each voter changes their ballot again and again until the poll says
    // it is closed; what was last accepted is their ballot.
    let casting = join_all(voters.iter().enumerate().map(|(v, token)| {
        let (server, poll) = (&server, &poll);
        async move {
            let mut last: Option<Vec<&str>> = None;
            for round in 0.. {
                let ranking = vec![OPTIONS[(v + round) % 5], OPTIONS[(v + round + 1) % 5]];
                let (status, body) = server.cast(poll, token, &ranking, None).await;
                match status {
                    200 => last = Some(ranking),
                    409 if body["code"] == "poll_closed" => break,
                    _ => panic!("{status}: {body}"),
                }
                assert!(round < 10_000, "the close never reached voter {v}");
            }
            last
        }
    }));
    let closing = async {
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        server
            .moderate(
                &format!("/v1/moderation/polls/{poll}/status"),
                json!({"status": "closed"}),
            )
            .await;
        // The ballots as they are the moment the close has answered.
        server.get(&format!("/v1/polls/{poll}/ballots"), None).await
    };
    let (accepted, (status, at_close)) = tokio::join!(casting, closing);
    assert_eq!(status, 200, "{at_close}");
    let (_, later) = server.get(&format!("/v1/polls/{poll}/ballots"), None).await;
    assert_eq!(at_close, later, "a ballot was committed after the close");
    // And every ballot the poll holds is the last one its voter was told was recorded.
    let mut expected: Vec<Vec<String>> = accepted
        .into_iter()
        .flatten()
        .map(|r| r.iter().map(|s| s.to_string()).collect())
        .collect();
    expected.sort();
    let mut stored: Vec<Vec<String>> = Vec::new();
    for group in later["ballots"].as_array().unwrap() {
        let ranking: Vec<String> = serde_json::from_value(group["ranking"].clone()).unwrap();
        for _ in 0..group["count"].as_u64().unwrap() {
            stored.push(ranking.clone());
        }
    }
    stored.sort();
    assert_eq!(stored, expected);
}

/// Moderators removing one reply at the same moment: it is removed, and its
/// argument counts one reply less, not one less per moderator. (A race on
/// PostgreSQL; SQLite runs writes one at a time.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_removed_by_several_moderators_at_once_is_counted_once() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(
        &database_url(&dir),
        &["--participant-writes-per-minute", "0"],
    );
    let (deliberation, _) = server.import_fixture("removal").await;
    let token = server.participant().await;
    let post = |path: String, body: serde_json::Value| {
        let (server, token) = (&server, &token);
        async move {
            let response = server
                .http
                .post(server.url(&path))
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .expect("POST answered");
            assert_eq!(response.status().as_u16(), 201, "{path}");
            let made: serde_json::Value = response.json().await.expect("JSON");
            made["id"].as_str().expect("an id").to_owned()
        }
    };
    let argument = post(
        format!("/v1/deliberations/{deliberation}/arguments"),
        json!({"stance": "for", "text": "Shade for the market"}),
    )
    .await;
    let comments = format!("/v1/arguments/{argument}/comments");
    let reply = post(comments.clone(), json!({"text": "And benches"})).await;
    post(comments, json!({"text": "And a fountain"})).await;
    let replies_counted = || async {
        let listed = server.listed_argument(&deliberation, &argument).await;
        listed.map(|a| a["comment_count"].clone())
    };
    assert_eq!(replies_counted().await, Some(json!(2)));

    join_all((0..8).map(|_| {
        server.moderate(
            "/v1/moderation/content",
            json!({"target_type": "comment", "target_id": reply, "status": "removed"}),
        )
    }))
    .await;
    assert_eq!(replies_counted().await, Some(json!(1)));
}

/// A request that runs so long that a repeat with its key takes the key
/// over (its claim looks abandoned after a minute) keeps nothing of its
/// change: the repeat's change is the one kept, never both. On PostgreSQL
/// the two run at once (the claim is aged while the first one waits);
/// SQLite runs writes one at a time, so a takeover cannot happen there, and
/// it is played inside the first request's own work.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_whose_key_a_repeat_took_over_keeps_nothing() {
    use axum::response::Response;
    use clap::Parser;
    use futures::FutureExt;
    use plaza_server::db::{Conn, Db, DbKind};
    use plaza_server::error::ApiResult;
    use plaza_server::{config::Cli, idempotency, reply::Reply};

    let dir = tempfile::tempdir().unwrap();
    let url = database_url(&dir);
    let cli = Cli::parse_from(["plaza-server", "--database", &url]);
    let db = Db::connect(&cli.serve.database)
        .await
        .expect("the database");
    let unique = support::unique();
    let participant = format!("p-takeover-{unique}");
    let change = || idempotency::Change {
        participant: participant.clone(),
        key: Some("slow-request".into()),
        fingerprint: "f".into(),
        limits: Default::default(),
    };
    // Each request's change: a row of its own.
    async fn make(conn: &mut Conn, id: &str) {
        sqlx::query("INSERT INTO participants (id, kind, created_at) VALUES ($1, 'anonymous', 0)")
            .bind(id)
            .execute(&mut *conn)
            .await
            .expect("the change");
    }
    let created = Reply {
        status: 201,
        location: None,
        body: "{}".into(),
    };
    let status = |answer: ApiResult<Response>| match answer {
        Ok(response) => response.status().as_u16(),
        Err(error) => error.problem.status,
    };
    let (first, repeat) = (format!("p-first-{unique}"), format!("p-repeat-{unique}"));

    if db.kind == DbKind::Postgres {
        let (started, has_started) = tokio::sync::oneshot::channel::<()>();
        let (go_on, may_go_on) = tokio::sync::oneshot::channel::<()>();
        let running = {
            let (db, first, created) = (db.clone(), first.clone(), created.clone());
            let change = change();
            tokio::spawn(async move {
                idempotency::run(&db, change, move |conn| {
                    async move {
                        make(conn, &first).await;
                        let _ = started.send(());
                        let _ = may_go_on.await;
                        Ok(created)
                    }
                    .boxed()
                })
                .await
            })
        };
        has_started.await.expect("the first request runs");
        // A minute on, as far as its claim can tell: a repeat takes it over.
        sqlx::query(
            "UPDATE idempotency_keys SET created_at = created_at - 61000 WHERE participant_id = $1",
        )
        .bind(&participant)
        .execute(&db.write)
        .await
        .unwrap();
        let again = repeat.clone();
        let repeated = idempotency::run(&db, change(), move |conn| {
            async move {
                make(conn, &again).await;
                Ok(created)
            }
            .boxed()
        })
        .await;
        assert_eq!(status(repeated), 201, "the repeat runs");
        let _ = go_on.send(());
        let first_answer = running.await.expect("the first request ends");
        assert_eq!(
            status(first_answer),
            409,
            "the first one learns it lost its key"
        );
    } else {
        let (who, what) = (participant.clone(), first.clone());
        let answer = idempotency::run(&db, change(), move |conn| {
            async move {
                make(conn, &what).await;
                sqlx::query(
                    "UPDATE idempotency_keys SET created_at = created_at + 1 WHERE participant_id = $1",
                )
                .bind(&who)
                .execute(&mut *conn)
                .await
                .expect("the repeat's takeover");
                Ok(created)
            }
            .boxed()
        })
        .await;
        assert_eq!(status(answer), 409, "the first one learns it lost its key");
    }
    let kept = |id: String| {
        let db = db.clone();
        async move {
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM participants WHERE id = $1")
                .bind(id)
                .fetch_one(&db.read)
                .await
                .unwrap()
        }
    };
    assert_eq!(
        kept(first).await,
        0,
        "the change of the request that lost its key"
    );
    if db.kind == DbKind::Postgres {
        assert_eq!(kept(repeat).await, 1, "the repeat's change");
    }
}
