//! The contract's HTTP surface: one module per resource, each holding its
//! handlers and queries.

pub mod arguments;
pub mod ballots;
pub mod codec;
pub mod comments;
pub mod deliberations;
pub mod flags;
pub mod moderation;
pub mod participants;
pub mod polls;
pub mod proposals;
pub mod reactions;
pub mod results;

use std::net::IpAddr;

use axum::extract::DefaultBodyLimit;
use axum::http::Uri;
use axum::response::Response;
use axum::routing::{get, post, put};
use axum::Router;
use futures_util::future::BoxFuture;

use crate::db::Conn;
use crate::error::{ApiError, ApiResult};
use crate::extract::Participant;
use crate::reply::Reply;
use crate::state::AppState;
use crate::{idempotency, rate_limit};

/// A seed can be much larger than anything a resident sends.
const IMPORT_BODY_LIMIT: usize = 8 * 1024 * 1024;

pub fn routes(state: &AppState) -> Router<AppState> {
    Router::new()
        .route("/v1", get(deliberations::capabilities))
        .route("/v1/participants", post(participants::create))
        .route("/v1/deliberations", get(deliberations::list))
        .route("/v1/deliberations/{id}", get(deliberations::one))
        .route(
            "/v1/deliberations/{id}/arguments",
            get(arguments::list).post(arguments::create),
        )
        .route("/v1/arguments/{id}", get(arguments::one))
        .route(
            "/v1/arguments/{id}/comments",
            get(comments::list).post(comments::create),
        )
        .route(
            "/v1/arguments/{id}/reactions/{kind}",
            put(reactions::put).delete(reactions::delete),
        )
        .route("/v1/flags", post(flags::create))
        .route(
            "/v1/deliberations/{id}/proposals",
            get(proposals::list).post(proposals::create),
        )
        .route("/v1/polls/{id}", get(polls::one))
        .route(
            "/v1/polls/{id}/ballot",
            get(ballots::mine).put(ballots::cast),
        )
        .route("/v1/polls/{id}/results", get(results::results))
        .route("/v1/polls/{id}/ballots", get(results::export))
        .route(
            "/v1/moderation/deliberations/{id}/phase",
            put(moderation::phase),
        )
        .route(
            "/v1/moderation/polls/{id}/status",
            put(moderation::poll_status),
        )
        .route("/v1/moderation/content", put(moderation::content))
        .route("/v1/moderation/flagged", get(moderation::flagged))
        .route(
            "/v1/moderation/import",
            post(moderation::import).layer(DefaultBodyLimit::max(IMPORT_BODY_LIMIT)),
        )
        .layer(DefaultBodyLimit::max(state.settings.max_body_bytes))
}

/// Every change a participant makes: counted against the rate limits, then
/// run in a transaction at most once per idempotency key.
#[allow(clippy::too_many_arguments)]
pub async fn write<F>(
    state: &AppState,
    who: &Participant,
    ip: IpAddr,
    key: Option<String>,
    method: &str,
    uri: &Uri,
    body: &[u8],
    work: F,
) -> ApiResult<Response>
where
    F: for<'t> FnOnce(&'t mut Conn) -> BoxFuture<'t, ApiResult<Reply>> + Send + 'static,
{
    let change = idempotency::Change {
        participant: who.id.clone(),
        key,
        fingerprint: idempotency::fingerprint(method, uri.path(), body),
        limits: rate_limit::Buckets::of(&state.settings, Some(&who.id), ip),
    };
    idempotency::run(&state.db, change, work).await
}

/// Records that a participant took part in a deliberation.
pub async fn contributed(tx: &mut Conn, deliberation_id: &str, participant: &str) -> ApiResult<()> {
    sqlx::query("INSERT INTO contributors (deliberation_id, participant_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
        .bind(deliberation_id)
        .bind(participant)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// A language tag, when given, looks like one (BCP 47: letters, digits, hyphens).
pub fn check_lang(lang: &Option<String>) -> ApiResult<()> {
    match lang.as_deref().map(str::trim) {
        Some(l)
            if !l.is_empty()
                && (l.len() > 35 || !l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')) =>
        {
            Err(ApiError::invalid_field("lang", "invalid"))
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_tags_are_checked_loosely() {
        for ok in [
            None,
            Some(""),
            Some("fr"),
            Some("de-CH"),
            Some("zh-Hant-TW"),
        ] {
            assert!(check_lang(&ok.map(str::to_owned)).is_ok(), "{ok:?}");
        }
        for bad in ["<script>", "fr; DROP TABLE x", "a".repeat(36).as_str()] {
            assert!(check_lang(&Some(bad.to_owned())).is_err(), "{bad}");
        }
    }
}
