//! The HTTP application: the API routes with the layers every answer goes
//! through (problem documents, ETags, error logging, CORS; see
//! `middleware`), and in demo mode the built widget and the demo city page.

use std::path::{Path, PathBuf};
use std::time::Duration;

use axum::http::{header, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use tower_http::compression::CompressionLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;

use crate::api;
use crate::config::ServeArgs;
use crate::error::ApiError;
use crate::middleware::{etag, log_errors, problems_everywhere, refuse_nul, security_headers};
use crate::state::AppState;

pub fn router(state: AppState, args: &ServeArgs) -> Router {
    let app = api::routes(&state);
    let app = if args.demo {
        app.merge(demo_routes(args.static_dir.clone()))
    } else {
        app.fallback(|| async { ApiError::not_found("resource") })
    };
    let mut app = app
        .layer(middleware::from_fn(etag))
        // A request not answered in time is 503 (a problem document, below).
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            Duration::from_secs(args.request_timeout_secs.max(1)),
        ))
        .layer(middleware::from_fn(refuse_nul))
        .layer(middleware::from_fn(problems_everywhere))
        .layer(middleware::from_fn(log_errors))
        .with_state(state);
    if let Some(cors) = cors(&args.allow_origins) {
        app = app.layer(cors);
    }
    // API answers compressed when the client accepts it (the widget's files
    // are already: dist/'s .br and .gz, which this layer leaves as they are).
    app.layer(CompressionLayer::new().br(true).gzip(true))
        .layer(middleware::from_fn(security_headers))
}

/// The demo page's Content-Security-Policy: what a city can give the pages
/// that embed the widget (README says how to add its own origins). The
/// wasm needs `'wasm-unsafe-eval'`, never `'unsafe-eval'`; no inline
/// script runs; styles may be inline (the widget's shadow roots have one).
pub const DEMO_CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
    style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; \
    object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

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

/// The demo: the built widget from `static_dir`, its city page with every
/// widget pointed at this server, and the page's images also under `/v1/`
/// (where the seed's relative image URLs resolve against the API base).
/// The widget's files go as `cargo xtask dist` compressed them (brotli or
/// gzip, as the browser accepts), cached for a few minutes and then
/// revalidated, as README advises a city to serve them.
fn demo_routes(static_dir: PathBuf) -> Router<AppState> {
    let files = ServeDir::new(&static_dir)
        .precompressed_br()
        .precompressed_gzip();
    let cached = tower::ServiceBuilder::new()
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static(STATIC_CACHE),
        ))
        .service(files);
    Router::new()
        .route("/", get(demo_page))
        .route("/index.html", get(demo_page))
        .route("/v1/{file}", get(demo_media))
        .fallback_service(cached)
        .layer(axum::Extension(StaticDir(static_dir)))
}

/// The widget's files keep their names from release to release: a short
/// lifetime, then a revalidation (Last-Modified), served stale meanwhile.
const STATIC_CACHE: &str = "public, max-age=300, stale-while-revalidate=86400";

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
            (header::CONTENT_SECURITY_POLICY, DEMO_CSP),
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
