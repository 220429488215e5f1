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

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post, put};
use axum::Router;
use plaza_contract::{ContentStatus, Page};
use sqlx::any::AnyRow;
use sqlx::AnyPool;

use self::codec::{to_text, Sql};
use crate::cursor;
use crate::db::Conn;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

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

/// One page of what was posted under a parent — comments under an argument,
/// proposals under a deliberation — in the order it was posted (ties by
/// id), removed content left out. `select` is the query up to the parent's
/// id (`SELECT … FROM <table> WHERE <parent column> = `); `after` is the
/// `(created_at, id)` of the previous page's last item.
pub async fn oldest_first<T>(
    db: &AnyPool,
    select: &str,
    parent_id: String,
    after: Option<(i64, String)>,
    limit: u32,
    from_row: fn(&AnyRow) -> ApiResult<T>,
    key: fn(&T) -> (i64, String),
) -> ApiResult<Page<T>> {
    let mut sql = Sql::new(select);
    let p = sql.text(parent_id);
    let removed = sql.text(to_text(&ContentStatus::Removed));
    sql.push(&format!("{p} AND status <> {removed}"));
    if let Some((created, id)) = after {
        let (c, i) = (sql.int(created), sql.text(id));
        sql.push(&format!(
            " AND (created_at > {c} OR (created_at = {c} AND id > {i}))"
        ));
    }
    let l = sql.int(i64::from(limit) + 1);
    sql.push(&format!(" ORDER BY created_at ASC, id ASC LIMIT {l}"));
    let rows = sql.query().fetch_all(db).await?;
    let items = rows.iter().map(from_row).collect::<ApiResult<Vec<_>>>()?;
    let (items, next_cursor) = cursor::page(items, limit, key);
    Ok(Page { items, next_cursor })
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
