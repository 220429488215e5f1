//! Secrets a city would run with: short ones are refused at start, and the
//! server key can live outside the database.

mod support;

use std::process::Command;

use support::Server;

#[test]
fn a_short_secret_stops_the_server_with_how_to_make_one() {
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite:{}", dir.path().join("short.db").display());
    for (option, value) in [
        ("--moderator-token", "short-token"),
        ("--host-secret", "short-secret"),
        ("--server-key", "short-key"),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_plaza-server"))
            .args([
                "--addr",
                "127.0.0.1:0",
                "--database",
                &database,
                option,
                value,
            ])
            .output()
            .expect("plaza-server runs");
        assert!(!out.status.success(), "{option} {value} was accepted");
        let said = String::from_utf8_lossy(&out.stderr);
        assert!(
            said.contains(option) && said.contains("plaza-server secret"),
            "{said}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_key_outside_the_database_signs_the_tokens() {
    let key = "a-server-key-from-a-secret-store-0123456789";
    let (one, two) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let db = |d: &tempfile::TempDir| format!("sqlite:{}", d.path().join("plaza.db").display());
    let a = Server::start(&db(&one), &["--server-key", key]);
    let token = a.participant().await;
    // Another server, another database, the same key: the token is good.
    let b = Server::start(&db(&two), &["--server-key", key]);
    let (status, _) = b.get("/v1/polls/none/ballot", Some(&token)).await;
    assert_eq!(status, 404, "the token was accepted (no such poll)");
    // A database's own key does not know it.
    let three = tempfile::tempdir().unwrap();
    let c = Server::start(&db(&three), &[]);
    let (status, _) = c.get("/v1/polls/none/ballot", Some(&token)).await;
    assert_eq!(status, 401);
    // A database used with one key does not start with another (every
    // resident's id would change, and they could vote again), nor without
    // one, and a refused start leaves no key of the database's own.
    let other = "another-server-key-from-a-secret-store-0123";
    let said = refused(&db(&two), &["--server-key", other]);
    assert!(said.contains("another server key"), "{said}");
    for _ in 0..2 {
        let said = refused(&db(&two), &[]);
        assert!(said.contains("give it again"), "{said}");
    }
    drop(b);
    let again = Server::start(&db(&two), &["--server-key", key]);
    let (status, _) = again.get("/v1/polls/none/ballot", Some(&token)).await;
    assert_eq!(status, 404, "the same key still starts");
}

/// What the server says when it does not start on `database` with `args`.
fn refused(database: &str, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_plaza-server"))
        .args(["--addr", "127.0.0.1:0", "--database", database])
        .args(args)
        .output()
        .expect("plaza-server runs");
    assert!(!out.status.success(), "started with {args:?}");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// `POST /v1/participants`, with `token` as bearer when given.
async fn participant(server: &Server, token: Option<&str>) -> serde_json::Value {
    let mut request = server.http.post(server.url("/v1/participants"));
    if let Some(t) = token {
        request = request.bearer_auth(t);
    }
    request.send().await.unwrap().json().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_anonymous_token_is_renewed_for_the_same_participant() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", dir.path().join("plaza.db").display());
    let server = Server::start(&db, &["--anonymous-token-days", "30"]);
    let first = participant(&server, None).await;
    let token = first["token"].as_str().unwrap();
    let renewed = participant(&server, Some(token)).await;
    assert_eq!(renewed["participant_id"], first["participant_id"]);
    assert!(renewed["token"]
        .as_str()
        .is_some_and(|t| t.starts_with("anon.")));
    // The scheme's name in any case, as every other route reads it.
    let lower = server
        .http
        .post(server.url("/v1/participants"))
        .header("authorization", format!("bearer {token}"))
        .send()
        .await
        .unwrap()
        .json::<serde_json::Value>()
        .await
        .unwrap();
    assert_eq!(lower["participant_id"], first["participant_id"]);
    // A forged token renews nothing: a new participant.
    let forged = token.replace(first["participant_id"].as_str().unwrap(), "p-someone-else");
    let other = participant(&server, Some(&forged)).await;
    assert_ne!(other["participant_id"], first["participant_id"]);
    assert_ne!(other["participant_id"], "p-someone-else");
}
