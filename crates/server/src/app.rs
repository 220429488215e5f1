//! The HTTP application: the API routes with the layers every answer goes
//! through (problem documents, ETags, CORS), and in demo mode the built
//! widget and the demo city page.

use std::path::{Path, PathBuf};
use std::time::Duration;

use axum::body::{to_bytes, Body};
use axum::extract::Request;
use axum::http::{header, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use plaza_contract::{ProblemCode, PROBLEM_CONTENT_TYPE};
use sha2::{Digest, Sha256};
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::services::ServeDir;

use crate::api;
use crate::config::ServeArgs;
use crate::error::ApiError;
use crate::extract::too_large;
use crate::state::AppState;

/// Largest answer an ETag is computed for (exports can be larger; they go
/// without one).
const ETAG_MAX_BYTES: usize = 4 * 1024 * 1024;

pub fn router(state: AppState, args: &ServeArgs) -> Router {
    let app = api::routes(&state);
    let app = if args.demo {
        app.merge(demo_routes(args.static_dir.clone()))
    } else {
        app.fallback(|| async { ApiError::not_found("resource") })
    };
    let mut app = app
        .layer(middleware::from_fn(etag))
        .layer(middleware::from_fn(problems_everywhere))
        .with_state(state);
    if let Some(cors) = cors(&args.allow_origins) {
        app = app.layer(cors);
    }
    app
}

/// CORS for the allow-listed origins only, without credentials (identity
/// travels in the Authorization header, never in cookies).
fn cors(origins: &[String]) -> Option<CorsLayer> {
    if origins.is_empty() {
        return None;
    }
    let allow = if origins.iter().any(|o| o == "*") {
        AllowOrigin::any()
    } else {
        AllowOrigin::list(
            origins
                .iter()
                .filter_map(|o| HeaderValue::from_str(o.trim_end_matches('/')).ok()),
        )
    };
    Some(
        CorsLayer::new()
            .allow_origin(allow)
            .allow_methods([Method::GET, Method::POST, Method::PUT, Method::DELETE])
            .allow_headers([
                header::AUTHORIZATION,
                header::CONTENT_TYPE,
                header::ACCEPT,
                header::ACCEPT_LANGUAGE,
                header::IF_NONE_MATCH,
                HeaderName::from_static("idempotency-key"),
            ])
            .expose_headers([header::ETAG, header::LOCATION, header::RETRY_AFTER])
            .max_age(Duration::from_secs(86_400)),
    )
}

/// Any error answer that is not a problem document yet (a 405 from the
/// router, a rejection axum produced itself) becomes one.
async fn problems_everywhere(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    let is_problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes() == PROBLEM_CONTENT_TYPE.as_bytes());
    if !(status.is_client_error() || status.is_server_error()) || is_problem {
        return response;
    }
    let error = match status.as_u16() {
        404 => ApiError::not_found("resource"),
        405 => ApiError::new(ProblemCode::BadRequest, "This method is not allowed here")
            .with_status(405),
        413 => too_large(),
        415 => ApiError::new(
            ProblemCode::UnsupportedMediaType,
            "Send JSON with Content-Type: application/json",
        ),
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

/// A strong ETag on every successful JSON read, and 304 when the client
/// already has it. Answers may depend on the bearer token (my reactions),
/// hence `Vary: Authorization`; `no-cache` makes caches revalidate.
async fn etag(request: Request, next: Next) -> Response {
    let is_get = request.method() == Method::GET;
    let if_none_match = request.headers().get(header::IF_NONE_MATCH).cloned();
    let response = next.run(request).await;
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes() == b"application/json");
    if !is_get || response.status() != StatusCode::OK || !is_json {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, ETAG_MAX_BYTES).await else {
        return ApiError::internal().into_response();
    };
    let digest = Sha256::digest(&bytes);
    let tag: String = digest[..12].iter().map(|b| format!("{b:02x}")).collect();
    let tag = format!("\"{tag}\"");
    let headers = &mut parts.headers;
    if let Ok(value) = HeaderValue::from_str(&tag) {
        headers.insert(header::ETAG, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.append(header::VARY, HeaderValue::from_static("Authorization"));
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

/// The demo: the built widget from `static_dir`, its city page with every
/// widget pointed at this server, and the page's images also under `/v1/`
/// (where the seed's relative image URLs resolve against the API base).
fn demo_routes(static_dir: PathBuf) -> Router<AppState> {
    Router::new()
        .route("/", get(demo_page))
        .route("/index.html", get(demo_page))
        .route("/v1/{file}", get(demo_media))
        .fallback_service(ServeDir::new(&static_dir))
        .layer(axum::Extension(StaticDir(static_dir)))
}

#[derive(Clone)]
struct StaticDir(PathBuf);

/// `index.html` with `api="local"` (the in-browser store) replaced by this
/// server's own API, as a path (`/v1`) that the widget resolves against the
/// page: right whatever host name or proxy the page is reached through.
async fn demo_page(axum::Extension(StaticDir(dir)): axum::Extension<StaticDir>) -> Response {
    let Ok(page) = tokio::fs::read_to_string(dir.join("index.html")).await else {
        return (
            StatusCode::NOT_FOUND,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            format!(
                "No built widget in {}: run `cargo xtask dist` (or `cargo xtask demo`), \
                 or point --static-dir at it.\n",
                dir.display()
            ),
        )
            .into_response();
    };
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        point_widgets_at(&page, "/v1"),
    )
        .into_response()
}

/// Replaces the demo page's `api="local"` and `data-api="local"`.
pub fn point_widgets_at(page: &str, api: &str) -> String {
    page.replace("api=\"local\"", &format!("api=\"{api}\""))
}

async fn demo_media(
    axum::Extension(StaticDir(dir)): axum::Extension<StaticDir>,
    axum::extract::Path(file): axum::extract::Path<String>,
) -> Response {
    let Some(mime) = image_type(&file) else {
        return ApiError::not_found("resource").into_response();
    };
    match tokio::fs::read(Path::new(&dir).join(&file)).await {
        Ok(bytes) => ([(header::CONTENT_TYPE, mime)], bytes).into_response(),
        Err(_) => ApiError::not_found("resource").into_response(),
    }
}

/// The content type of an image file name with no path in it.
fn image_type(file: &str) -> Option<&'static str> {
    if file.contains(['/', '\\']) || file.starts_with('.') {
        return None;
    }
    let ext = file.rsplit_once('.')?.1.to_ascii_lowercase();
    Some(match ext.as_str() {
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "gif" => "image/gif",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_page_points_both_embed_forms_at_the_server() {
        let page = r#"<plaza-deliberation api="local" deliberation="x"></plaza-deliberation>
<div data-plaza-deliberation="x" data-api="local"></div>"#;
        let out = point_widgets_at(page, "/v1");
        assert!(out.contains(r#"<plaza-deliberation api="/v1""#));
        assert!(out.contains(r#"data-api="/v1""#));
        assert!(!out.contains("\"local\""));
    }

    #[test]
    fn only_plain_image_names_are_served_as_media() {
        assert_eq!(
            image_type("plaza-demo-rue-des-lilas.svg"),
            Some("image/svg+xml")
        );
        assert_eq!(image_type("../secret.svg"), None);
        assert_eq!(image_type("plaza.js"), None);
        assert_eq!(image_type(".env.png"), None);
    }
}
