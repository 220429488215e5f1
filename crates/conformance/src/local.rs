//! `plaza-conformance --local`: the in-browser backend (`plaza-local`)
//! served over HTTP on 127.0.0.1 inside the kit's own process, so that the
//! kit's rules run against it unchanged.
//!
//! The adapter does what the widget's local transport does in the browser
//! (`src/backend/local.rs`): it keeps the state string as the widget keeps
//! it in `localStorage` — passed in with each request, replaced by the new
//! state an answer brings, the demo seed passed when the module asks for
//! one — and calls the module one request at a time, as a page's single
//! thread does. On top of that it does an HTTP server's part, which the
//! browser has no equivalent for, with the reference server's own code
//! (`plaza_server::middleware`): bodies read within the server's limits
//! (413 past them), ETags and 304; `Cache-Control` and `Location` as the
//! contract's route table gives them; and problem documents as
//! `application/problem+json`, 415 for a body that is not JSON.
//!
//! Moderation: `plaza-local` takes no tokens (anything compiled into its
//! wasm module would be public). The adapter alone knows
//! [`MODERATOR_TOKEN`] and makes a request bearing it a
//! [`Role::Moderator`] one. In the browser nothing does: the wasm entry
//! point always passes `Role::Participant`, and the browser's build has no
//! moderation code at all (it needs the `moderation` feature, which this
//! crate turns on).

use std::sync::{Arc, Mutex};

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::Router;
use plaza_contract::routes::{route, Route};
use plaza_contract::{
    is_json_media_type, Operation, Problem, ProblemCode, Timestamp, PROBLEM_CONTENT_TYPE,
};
use plaza_local::{handle, Handled, Role};
use plaza_server::api::IMPORT_BODY_LIMIT;
use plaza_server::config::DEFAULT_MAX_BODY_BYTES;
use plaza_server::middleware::{etag, read_limited, Limited, Streamed};

use crate::fixture::unique;

/// The moderator token of the adapter, for this kit's runs only: it means
/// nothing to `plaza-local` itself, which never sees it.
pub const MODERATOR_TOKEN: &str = "plaza-conformance-local-moderator";
/// What the widget seeds a new browser with.
const SEED: &str = include_str!("../../contract/demo/plaza-demo.json");

/// What a browser keeps: the state string and who it is.
struct Browser {
    state: Option<String>,
    participant_id: String,
}

type Shared = Arc<Mutex<Browser>>;

/// The adapter as a router: one browser, with an empty storage.
pub fn router() -> Router {
    let browser: Shared = Arc::new(Mutex::new(Browser {
        state: None,
        participant_id: unique("browser"),
    }));
    Router::new()
        .fallback(answer)
        .layer(middleware::from_fn(etag))
        .with_state(browser)
}

/// Starts the adapter on a free port; answers its origin (`http://127.0.0.1:PORT`).
pub async fn serve() -> std::io::Result<String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let origin = format!("http://{}", listener.local_addr()?);
    let app = router();
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            eprintln!("plaza-conformance: the local adapter stopped: {e}");
        }
    });
    Ok(origin)
}

fn problem(p: Problem) -> Response {
    reply(p.status, p.to_json())
}

fn reply(status: u16, body: String) -> Response {
    let content_type = if status >= 400 {
        PROBLEM_CONTENT_TYPE
    } else {
        "application/json"
    };
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, [(header::CONTENT_TYPE, content_type)], body).into_response()
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(is_json_media_type)
}

fn role(headers: &HeaderMap) -> Role {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim);
    if bearer == Some(MODERATOR_TOKEN) {
        Role::Moderator
    } else {
        Role::Participant
    }
}

async fn answer(State(browser): State<Shared>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let full = parts
        .uri
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_owned();
    // The module answers paths under the base URL, as the widget calls it.
    let Some(path) = full
        .strip_prefix("/v1")
        .filter(|rest| rest.is_empty() || rest.starts_with(['/', '?']))
    else {
        return problem(Problem::not_found("resource"));
    };
    let import = Operation::ImportSeed.path(&[]);
    let limit = if path.split('?').next() == Some(import.as_str()) {
        IMPORT_BODY_LIMIT
    } else {
        DEFAULT_MAX_BODY_BYTES
    };
    let bytes = match read_limited(body, limit).await {
        Limited::Body(bytes) => bytes,
        Limited::TooLarge { .. } => return problem(Problem::payload_too_large()),
        Limited::Broken => {
            return problem(Problem::new(
                ProblemCode::BadRequest,
                "The request body could not be read",
            ))
        }
    };
    let text = if bytes.is_empty() {
        None
    } else if !is_json(&parts.headers) {
        return problem(Problem::unsupported_media_type());
    } else {
        match String::from_utf8(bytes.to_vec()) {
            Ok(text) => Some(text),
            Err(_) => {
                return problem(Problem::new(
                    ProblemCode::BadRequest,
                    "The body is not UTF-8",
                ))
            }
        }
    };
    // A value that is not text is no key either (as the server reads it).
    let key = parts
        .headers
        .get("idempotency-key")
        .map(|v| v.to_str().unwrap_or("").to_owned());
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
    let request = plaza_local::Request {
        method: parts.method.as_str(),
        path,
        body: text.as_deref(),
        idempotency_key: key.as_deref(),
        now: Timestamp::from_unix_millis(now),
        role: role(&parts.headers),
    };
    let out = {
        // A panic in an earlier call leaves the last saved state, as a
        // page reload would.
        let mut browser = browser.lock().unwrap_or_else(|e| e.into_inner());
        browser.call(&request)
    };
    let op = match route(parts.method.as_str(), path.split('?').next().unwrap_or("")) {
        Route::Found(op, _) => Some(op),
        _ => None,
    };
    // The headers the contract gives the answer, as the server sends them.
    let location = op.filter(|_| out.status == 201).and_then(|op| {
        let created: serde_json::Value = serde_json::from_str(&out.body).ok()?;
        op.location(created.get("id")?.as_str()?)
    });
    let policy = op
        .filter(|_| out.status == 200)
        .map(Operation::cache_control);
    let mut response = reply(out.status, out.body);
    let headers = response.headers_mut();
    if let Some(value) = location.and_then(|l| HeaderValue::from_str(&l).ok()) {
        headers.insert(header::LOCATION, value);
    }
    match policy {
        Some(Some(policy)) => {
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
        }
        // No validator for this answer, as for the server's streamed export.
        Some(None) => {
            response.extensions_mut().insert(Streamed);
        }
        None => {}
    }
    response
}

impl Browser {
    /// One call as the widget makes it: without a seed first, with the demo
    /// seed if the module asks for one; a new state replaces the stored one.
    fn call(&mut self, request: &plaza_local::Request) -> Handled {
        let mut out = handle(self.state.as_deref(), None, &self.participant_id, request);
        if out.needs_seed {
            out = handle(
                self.state.as_deref(),
                Some(SEED),
                &self.participant_id,
                request,
            );
        }
        if out.discarded.is_some() {
            // The widget sets unreadable state aside; here it can only be a bug.
            eprintln!("plaza-conformance: plaza-local could not read its own state");
        }
        if let Some(state) = &out.state {
            self.state = Some(state.clone());
        }
        out
    }
}
