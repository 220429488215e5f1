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
        app.merge(demo_routes(args.static_dir.clone(), DemoStaff::of(args)))
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

/// The staff console's page: the same, and the console's preview of an
/// unsaved draft, which the widget reads from a `blob:` address the page
/// made (only a script of the page's own origin can make one).
fn console_csp() -> String {
    DEMO_CSP.replace("connect-src 'self';", "connect-src 'self' blob:;")
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

/// The demo: the built widget from `static_dir`, its city page with every
/// widget pointed at this server, and the page's images also under `/v1/`
/// (where the seed's relative image URLs resolve against the API base).
/// The widget's files go as `cargo xtask dist` compressed them (brotli or
/// gzip, as the browser accepts), cached for a few minutes and then
/// revalidated, as README advises a city to serve them.
fn demo_routes(static_dir: PathBuf, staff: Option<DemoStaff>) -> Router<AppState> {
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
        .route("/console/", get(console_page))
        .route("/console/index.html", get(console_page))
        .fallback_service(cached)
        .layer(axum::Extension(StaticDir(static_dir)))
        .layer(axum::Extension(staff))
}

/// Who the demo's staff console signs in: anyone who opens `/console/` is
/// the staff member [`DEMO_STAFF`], with a token signed by the host secret
/// (a city's own staff site signs its staff in instead; README says how).
#[derive(Clone)]
pub struct DemoStaff {
    secret: String,
    audience: String,
    issuer: Option<String>,
}

/// The staff member the demo console signs in as.
pub const DEMO_STAFF: &str = "demo-planner";

/// How long the demo console's staff token is good for.
const DEMO_STAFF_TOKEN_SECS: i64 = 8 * 3600;

impl DemoStaff {
    fn of(args: &ServeArgs) -> Option<DemoStaff> {
        Some(DemoStaff {
            secret: args.host_secret.clone().filter(|s| !s.is_empty())?,
            audience: args.host_token_audience.clone(),
            issuer: args.host_token_issuer.clone(),
        })
    }

    fn token(&self) -> String {
        crate::identity::mint_host_token_for(
            &self.secret,
            DEMO_STAFF,
            crate::db::now_millis() / 1000 + DEMO_STAFF_TOKEN_SECS,
            &self.audience,
            self.issuer.as_deref(),
            Some(crate::identity::STAFF_ROLE),
        )
    }
}

/// `console/index.html` with the demo staff member's token in its
/// `<plaza-console token="">`; without a host secret, as it is (the console
/// then says it needs a staff sign-in).
async fn console_page(
    axum::Extension(StaticDir(dir)): axum::Extension<StaticDir>,
    axum::Extension(staff): axum::Extension<Option<DemoStaff>>,
) -> Response {
    let Ok(page) = tokio::fs::read_to_string(dir.join("console/index.html")).await else {
        return ApiError::not_found("resource").into_response();
    };
    let page = match staff {
        Some(staff) => sign_console_in(&page, &staff.token()),
        None => page,
    };
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            // A signed-in page: never kept by a cache or shared.
            (header::CACHE_CONTROL, "no-store"),
        ],
        [(header::CONTENT_SECURITY_POLICY, console_csp())],
        page,
    )
        .into_response()
}

/// Puts `token` into the page's empty `token=""` attribute.
pub fn sign_console_in(page: &str, token: &str) -> String {
    page.replacen("token=\"\"", &format!("token=\"{token}\""), 1)
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
    fn the_console_page_may_also_read_blobs_it_made() {
        let csp = console_csp();
        assert!(csp.contains("connect-src 'self' blob:;"), "{csp}");
        assert_eq!(csp.replace(" blob:", ""), DEMO_CSP);
    }

    #[test]
    fn the_demo_console_is_signed_in_once() {
        let page = r#"<plaza-console api="/v1" token=""></plaza-console> token="""#;
        assert_eq!(
            sign_console_in(page, "a.b.c"),
            r#"<plaza-console api="/v1" token="a.b.c"></plaza-console> token="""#
        );
    }

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
