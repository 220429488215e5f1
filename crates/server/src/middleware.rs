//! What every answer of the API goes through: request bodies read within a
//! limit, errors as problem documents, ETags on reads, and errors logged
//! once. Generic over the application, so that the conformance kit's
//! in-process backend (`plaza-conformance --local`) answers with the same
//! code.

use axum::body::{to_bytes, Body, Bytes, HttpBody};
use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use plaza_contract::{Problem, ProblemCode, PROBLEM_CONTENT_TYPE};
use sha2::{Digest, Sha256};

use crate::error::{ApiError, ErrorCause};

/// How much of an oversized body is read and thrown away before the 413
/// goes out: a server that answers and closes with unread data in its
/// socket resets the connection, and the client sees a broken pipe
/// instead of the answer (and a browser would retry a request that can
/// never succeed). Past this, the answer goes out and the connection
/// closes: reading more would be the attacker's bandwidth spent on ours.
pub const MAX_DRAINED_BYTES: usize = 32 * 1024 * 1024;

/// Largest answer an ETag is computed for (the export, which can be larger,
/// is streamed without one).
const ETAG_MAX_BYTES: usize = 4 * 1024 * 1024;

/// The request body, read whole within a limit.
pub enum Limited {
    Body(Bytes),
    /// Over the limit; `drained` when the rest was read, so that the
    /// connection can serve the answer and the next request.
    TooLarge {
        drained: bool,
    },
    /// The client stopped sending (or sent something unreadable).
    Broken,
}

/// Reads `body` up to `limit` bytes. Past the limit it keeps reading (and
/// discarding) up to [`MAX_DRAINED_BYTES`].
pub async fn read_limited(body: Body, limit: usize) -> Limited {
    let mut stream = body.into_data_stream();
    let mut kept = Vec::new();
    let mut seen = 0usize;
    while let Some(chunk) = stream.next().await {
        let Ok(chunk) = chunk else {
            return Limited::Broken;
        };
        seen = seen.saturating_add(chunk.len());
        if seen > MAX_DRAINED_BYTES {
            return Limited::TooLarge { drained: false };
        }
        if seen <= limit {
            kept.extend_from_slice(&chunk);
        }
    }
    if seen > limit {
        Limited::TooLarge { drained: true }
    } else {
        Limited::Body(Bytes::from(kept))
    }
}

/// Middleware: the body of every request is read here, within `limit`
/// bytes, so that handlers find it whole, and an oversized one is answered
/// with a readable 413 problem.
pub async fn limit_body(State(limit): State<usize>, request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    match read_limited(body, limit).await {
        Limited::Body(bytes) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        Limited::TooLarge { drained } => {
            let mut response = ApiError::from(Problem::payload_too_large())
                .detail(format!("At most {limit} bytes"))
                .into_response();
            if !drained {
                response
                    .headers_mut()
                    .insert(header::CONNECTION, HeaderValue::from_static("close"));
            }
            response
        }
        Limited::Broken => ApiError::new(
            ProblemCode::BadRequest,
            "The request body could not be read",
        )
        .into_response(),
    }
}

/// Middleware: any error answer that is not a problem document yet (a 405
/// from the router, a rejection axum produced itself) becomes one.
pub async fn problems_everywhere(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    let is_problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes() == PROBLEM_CONTENT_TYPE.as_bytes());
    if !(status.is_client_error() || status.is_server_error()) || is_problem {
        return response;
    }
    let error: ApiError = match status.as_u16() {
        404 => ApiError::not_found("resource"),
        405 => Problem::method_not_allowed().into(),
        413 => Problem::payload_too_large().into(),
        415 => Problem::unsupported_media_type().into(),
        422 => ApiError::new(ProblemCode::ValidationFailed, "The request is not valid"),
        429 => ApiError::rate_limited(1),
        400..=499 => ApiError::new(ProblemCode::BadRequest, "The request is not valid")
            .with_status(status.as_u16()),
        503 => ApiError::new(ProblemCode::Unavailable, "The server is unavailable"),
        _ => ApiError::internal(),
    };
    let mut converted = error.into_response();
    if let Some(allow) = response.headers().get(header::ALLOW) {
        converted.headers_mut().insert(header::ALLOW, allow.clone());
    }
    converted
}

/// Middleware: headers on everything the server sends. No content-type
/// sniffing (a JSON answer or an upload can never run as a script or a
/// page), and no referrer sent from the demo page to other sites.
pub async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers
        .entry(header::REFERRER_POLICY)
        .or_insert(HeaderValue::from_static("no-referrer"));
    response
}

/// Middleware: a request whose path or query spells a NUL character is
/// 400 `bad_request` before any handler (a database refuses NUL in text).
pub async fn refuse_nul(request: Request, next: Next) -> Response {
    let target = request.uri().path_and_query().map_or("", |p| p.as_str());
    match plaza_contract::check_target(target) {
        Ok(()) => next.run(request).await,
        Err(problem) => ApiError::from(problem).into_response(),
    }
}

/// Marks an answer written as it is produced (the ballot export): no ETag,
/// which would need it whole.
#[derive(Debug, Clone, Copy)]
pub struct Streamed;

/// Middleware: a strong ETag on every successful JSON read, and 304 when
/// the client already has it. Answers may depend on the bearer token (my
/// reactions), hence `Vary: Authorization`; `no-cache` makes caches
/// revalidate.
pub async fn etag(request: Request, next: Next) -> Response {
    let is_get = request.method() == Method::GET;
    let if_none_match = request.headers().get(header::IF_NONE_MATCH).cloned();
    let response = next.run(request).await;
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes() == b"application/json");
    let streamed = response.extensions().get::<Streamed>().is_some();
    if !is_get || response.status() != StatusCode::OK || !is_json || streamed {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    // A handler's own policy stands (a resident's ballot: never stored).
    if !parts.headers.contains_key(header::CACHE_CONTROL) {
        parts
            .headers
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    }
    parts
        .headers
        .append(header::VARY, HeaderValue::from_static("Authorization"));
    // A larger answer (a deliberation a city imported with long texts) goes
    // out as it is, without a tag, rather than as an error.
    if body
        .size_hint()
        .upper()
        .is_some_and(|n| n > ETAG_MAX_BYTES as u64)
    {
        return Response::from_parts(parts, body);
    }
    let bytes = match to_bytes(body, ETAG_MAX_BYTES).await {
        Ok(bytes) => bytes,
        Err(e) => return ApiError::internal().caused_by(e).into_response(),
    };
    let digest = Sha256::digest(&bytes);
    let tag: String = digest[..12].iter().map(|b| format!("{b:02x}")).collect();
    let tag = format!("\"{tag}\"");
    if let Ok(value) = HeaderValue::from_str(&tag) {
        parts.headers.insert(header::ETAG, value);
    }
    let matches = if_none_match
        .as_ref()
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == tag || t.trim() == "*"));
    if matches {
        parts.status = StatusCode::NOT_MODIFIED;
        parts.headers.remove(header::CONTENT_TYPE);
        parts.headers.remove(header::CONTENT_LENGTH);
        return Response::from_parts(parts, Body::empty());
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// Middleware: logs each error answer once, with its route: server faults
/// as errors, other answers that carry a cause as warnings. Conversions
/// only attach the cause (`ApiError::caused_by`); nothing else logs.
pub async fn log_errors(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| request.uri().path().to_owned());
    let response = next.run(request).await;
    let status = response.status();
    let cause = response
        .extensions()
        .get::<ErrorCause>()
        .map(|c| c.0.as_str());
    if status.is_server_error() {
        tracing::error!(%method, route, status = status.as_u16(), cause = cause.unwrap_or("-"), "request failed");
    } else if let Some(cause) = cause {
        tracing::warn!(%method, route, status = status.as_u16(), cause, "request refused");
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(chunks: Vec<&'static [u8]>) -> Body {
        let stream = futures_util::stream::iter(
            chunks
                .into_iter()
                .map(|c| Ok::<_, std::io::Error>(Bytes::from_static(c))),
        );
        Body::from_stream(stream)
    }

    #[tokio::test]
    async fn bodies_within_the_limit_are_kept_whole() {
        match read_limited(body(vec![b"{\"a\":", b"1}"]), 7).await {
            Limited::Body(bytes) => assert_eq!(&bytes[..], b"{\"a\":1}"),
            _ => panic!("within the limit"),
        }
    }

    #[tokio::test]
    async fn a_read_too_large_for_a_tag_goes_out_untagged() {
        use tower::ServiceExt;
        let big = format!("\"{}\"", "x".repeat(ETAG_MAX_BYTES + 1));
        let small = "\"x\"".to_owned();
        let app = axum::Router::new()
            .route(
                "/big",
                axum::routing::get(move || async move {
                    ([(header::CONTENT_TYPE, "application/json")], big)
                }),
            )
            .route(
                "/small",
                axum::routing::get(move || async move {
                    ([(header::CONTENT_TYPE, "application/json")], small)
                }),
            )
            .layer(axum::middleware::from_fn(etag));
        for (path, tagged, length) in [("/big", false, ETAG_MAX_BYTES + 3), ("/small", true, 3)] {
            let request = Request::get(path).body(Body::empty()).unwrap();
            let response = app.clone().oneshot(request).await.unwrap();
            assert_eq!(response.status(), StatusCode::OK, "{path}");
            assert_eq!(
                response.headers().contains_key(header::ETAG),
                tagged,
                "{path}"
            );
            assert_eq!(response.headers()[header::VARY], "Authorization", "{path}");
            let bytes = to_bytes(response.into_body(), usize::MAX).await.unwrap();
            assert_eq!(bytes.len(), length, "{path}");
        }
    }

    #[tokio::test]
    async fn oversized_bodies_are_drained_then_refused() {
        let big: &'static [u8] = Box::leak(vec![b'x'; 1 << 20].into_boxed_slice());
        match read_limited(body(vec![big, big, big]), 64 * 1024).await {
            Limited::TooLarge { drained } => assert!(drained, "3 MB is read to its end"),
            _ => panic!("over the limit"),
        }
    }
}
