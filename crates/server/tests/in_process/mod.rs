//! The application's `Router` in process, on an in-memory SQLite database
//! with the demo seed: what the tests that call routes with `oneshot`
//! share (milliseconds a request, beside the tests that run processes).

#![allow(dead_code)]

use std::sync::atomic::{AtomicUsize, Ordering};

use axum::body::{to_bytes, Body};
use axum::http::{header, HeaderMap, Request};
use axum::Router;
use clap::Parser;
use plaza_contract::seed::Seed;
use plaza_contract::{Eligibility, PhaseKind, PollStatus, ResultsVisibility};
use plaza_server::config::Cli;
use plaza_server::db::Db;
use plaza_server::error::ErrorCause;
use serde_json::Value;
use tower::ServiceExt;

pub const MODERATOR: &str = "handlers-moderator-token-of-enough-length-0";

/// A fresh application on its own in-memory database.
pub async fn app(extra: &[&str]) -> Router {
    app_with_db(extra).await.0
}

/// [`app`], with its database, for tests that look at what it stored.
pub async fn app_with_db(extra: &[&str]) -> (Router, Db) {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let name = format!(
        "plaza-handlers-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    // The `file:` form with a shared cache: every pool of the server opens
    // the same in-memory database by its name.
    let database = format!("sqlite:file:{name}?mode=memory&cache=shared");
    let mut args = vec![
        "plaza-server",
        "--database",
        &database,
        "--moderator-token",
        MODERATOR,
    ];
    // No limits, unless the test sets one.
    for limit in ["--participant-writes-per-minute", "--ip-writes-per-minute"] {
        if !extra.contains(&limit) {
            args.extend([limit, "0"]);
        }
    }
    args.extend_from_slice(extra);
    let cli = Cli::parse_from(args);
    let db = Db::connect(&cli.serve.database)
        .await
        .expect("in-memory database");
    let state = plaza_server::state(db.clone(), &cli.serve)
        .await
        .expect("state");
    (plaza_server::app::router(state, &cli.serve), db)
}

pub struct Answer {
    pub status: u16,
    pub content_type: String,
    pub headers: HeaderMap,
    pub body: Value,
}

pub async fn send(
    app: &Router,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<(&str, String)>,
) -> Answer {
    let mut request = Request::builder().method(method).uri(path);
    if let Some(token) = token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    let request = match body {
        Some((content_type, body)) => request
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(body)),
        None => request.body(Body::empty()),
    }
    .expect("a request");
    call(app, request).await
}

/// Sends `request` to `app`; the answer's body as JSON (`Null` when it is
/// not JSON), and the cause of a server error printed.
pub async fn call(app: &Router, request: Request<Body>) -> Answer {
    let label = format!("{} {}", request.method(), request.uri());
    let response = app.clone().oneshot(request).await.expect("an answer");
    let status = response.status().as_u16();
    if let Some(cause) = response.extensions().get::<ErrorCause>() {
        eprintln!("{label}: {status}, caused by {}", cause.0);
    }
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let headers = response.headers().clone();
    let bytes = to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("a body");
    Answer {
        status,
        content_type,
        headers,
        body: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    }
}

pub fn json_body(value: Value) -> Option<(&'static str, String)> {
    Some(("application/json", value.to_string()))
}

/// The demo deliberation in discussion with an open poll, a second one in
/// the information phase with an upcoming poll, a third with a closed one.
pub fn seed() -> Seed {
    let demo: Seed =
        serde_json::from_str(include_str!("../../../contract/demo/plaza-demo.json")).expect("demo");
    let template = demo.deliberations[0].clone();
    let copy = |id: &str, phase: PhaseKind, status: PollStatus| {
        let mut entry = template.clone();
        entry.deliberation.id = id.into();
        entry.deliberation.current_phase = phase;
        let poll_id = format!("{id}-poll");
        entry.deliberation.poll_id = Some(poll_id.clone());
        if let Some(poll) = entry.poll.as_mut() {
            poll.id = poll_id;
            poll.deliberation_id = id.into();
            poll.status = status;
            poll.results_visibility = ResultsVisibility::AfterClose;
        }
        entry.arguments.clear();
        entry.comments.clear();
        entry.proposals.clear();
        entry
    };
    let mut main = demo.deliberations[0].clone();
    if let Some(poll) = main.poll.as_mut() {
        poll.status = PollStatus::Open;
    }
    // A poll for signed-in residents only, as polls are unless they say.
    let mut residents = copy("residents", PhaseKind::Voting, PollStatus::Open);
    if let Some(poll) = residents.poll.as_mut() {
        poll.eligibility = Eligibility::SignedIn;
    }
    Seed {
        deliberations: vec![
            main,
            copy("quiet", PhaseKind::Information, PollStatus::Upcoming),
            copy("done", PhaseKind::FollowUp, PollStatus::Closed),
            residents,
        ],
    }
}

/// An application with [`seed`] imported, and a participant's token.
pub async fn seeded_app(extra: &[&str]) -> (Router, String) {
    let app = app(extra).await;
    let token = seed_into(&app, MODERATOR).await;
    (app, token)
}

/// Imports [`seed`] into a backend with its `moderator` token; a new
/// participant's token.
pub async fn seed_into(app: &Router, moderator: &str) -> String {
    let imported = send(
        app,
        "POST",
        "/v1/moderation/import",
        Some(moderator),
        json_body(serde_json::to_value(seed()).expect("the seed as JSON")),
    )
    .await;
    assert_eq!(imported.status, 200, "{}", imported.body);
    send(app, "POST", "/v1/participants", None, None).await.body["token"]
        .as_str()
        .expect("a token")
        .to_owned()
}
