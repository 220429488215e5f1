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
//! browser has no equivalent for: problem documents as
//! `application/problem+json`, 415 for a body that is not JSON, 413 for an
//! oversized one, ETags and 304.
//!
//! Moderation: `plaza-local` takes no tokens (anything compiled into its
//! wasm module would be public). The adapter alone knows
//! [`MODERATOR_TOKEN`] and makes a request bearing it a
//! [`Role::Moderator`] one. In the browser nothing does: the wasm entry
//! point always passes `Role::Participant`, and the browser's build has no
//! moderation code at all (it needs the `moderation` feature, which this
//! crate turns on).

use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use futures::StreamExt;
use plaza_contract::{Problem, ProblemCode, Timestamp, PROBLEM_CONTENT_TYPE};
use plaza_local::{handle, Outcome, Role};
use sha2::{Digest, Sha256};

use crate::fixture::unique;

/// The moderator token of the adapter, for this kit's runs only: it means
/// nothing to `plaza-local` itself, which never sees it.
pub const MODERATOR_TOKEN: &str = "plaza-conformance-local-moderator";
/// What the widget seeds a new browser with.
const SEED: &str = include_str!("../../contract/demo/plaza-demo.json");
/// The reference server's defaults, so that the same rules hold.
const MAX_BODY_BYTES: usize = 64 * 1024;
const MAX_IMPORT_BYTES: usize = 8 * 1024 * 1024;
/// How much of an oversized body is read and thrown away before the 413:
/// closing a socket with unread data resets it, and the client would see a
/// broken connection instead of the answer.
const MAX_DRAINED_BYTES: usize = 64 * 1024 * 1024;

/// What a browser keeps: the state string and who it is.
struct Browser {
    state: Option<String>,
    participant_id: String,
}

type Shared = Arc<Mutex<Browser>>;

/// Starts the adapter on a free port; answers its origin (`http://127.0.0.1:PORT`).
pub async fn serve() -> std::io::Result<String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let origin = format!("http://{}", listener.local_addr()?);
    let browser: Shared = Arc::new(Mutex::new(Browser {
        state: None,
        participant_id: unique("browser"),
    }));
    let app = Router::new().fallback(answer).with_state(browser);
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            eprintln!("plaza-conformance: the local adapter stopped: {e}");
        }
    });
    Ok(origin)
}

fn problem(code: ProblemCode, title: &str) -> Response {
    let p = Problem::new(code, title);
    reply(p.status, serde_json::to_string(&p).unwrap_or_default())
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
        .and_then(|v| v.split(';').next())
        .map(|mime| {
            let mime = mime.trim().to_ascii_lowercase();
            mime == "application/json" || mime.ends_with("+json")
        })
        .unwrap_or(false)
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
        return problem(ProblemCode::NotFound, "No such resource");
    };
    let limit = if path.starts_with("/moderation/import") {
        MAX_IMPORT_BYTES
    } else {
        MAX_BODY_BYTES
    };
    let bytes = match read(body, limit).await {
        Read::Body(bytes) => bytes,
        Read::TooLarge => {
            return problem(
                ProblemCode::PayloadTooLarge,
                "The request body is too large",
            )
        }
        Read::Broken => {
            return problem(
                ProblemCode::BadRequest,
                "The request body could not be read",
            )
        }
    };
    let text = if bytes.is_empty() {
        None
    } else if !is_json(&parts.headers) {
        return problem(
            ProblemCode::UnsupportedMediaType,
            "Send JSON with Content-Type: application/json",
        );
    } else {
        match String::from_utf8(bytes) {
            Ok(text) => Some(text),
            Err(_) => return problem(ProblemCode::BadRequest, "The body is not UTF-8"),
        }
    };
    let key = parts
        .headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
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
    let etag = (parts.method == axum::http::Method::GET && out.status == 200).then(|| {
        let digest = Sha256::digest(out.body.as_bytes());
        let hex: String = digest[..12].iter().map(|b| format!("{b:02x}")).collect();
        format!("\"{hex}\"")
    });
    let Some(tag) = etag else {
        return reply(out.status, out.body);
    };
    let matches = parts
        .headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == tag || t.trim() == "*"));
    let mut response = if matches {
        (StatusCode::NOT_MODIFIED, Body::empty()).into_response()
    } else {
        reply(out.status, out.body)
    };
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&tag) {
        headers.insert(header::ETAG, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

enum Read {
    Body(Vec<u8>),
    TooLarge,
    Broken,
}

/// The body, up to `limit` bytes; past it, the rest is drained (up to
/// [`MAX_DRAINED_BYTES`]) so that the 413 reaches the client.
async fn read(body: Body, limit: usize) -> Read {
    let mut stream = body.into_data_stream();
    let mut bytes = Vec::new();
    let mut seen = 0usize;
    while let Some(chunk) = stream.next().await {
        let Ok(chunk) = chunk else {
            return Read::Broken;
        };
        seen = seen.saturating_add(chunk.len());
        if seen > MAX_DRAINED_BYTES {
            return Read::TooLarge;
        }
        if seen <= limit {
            bytes.extend_from_slice(&chunk);
        }
    }
    if seen > limit {
        Read::TooLarge
    } else {
        Read::Body(bytes)
    }
}

impl Browser {
    /// One call as the widget makes it: without a seed first, with the demo
    /// seed if the module asks for one; a new state replaces the stored one.
    fn call(&mut self, request: &plaza_local::Request) -> Outcome {
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
