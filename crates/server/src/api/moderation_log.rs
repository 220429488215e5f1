//! The moderation log: each moderation action recorded with who did it
//! and why (`record`), read by staff whole and by residents per
//! deliberation without the staff member (`staff_log`, `public_log`).

use axum::extract::{Path, State};
use axum::Json;
use plaza_contract::{
    ModerationChange, ModerationLogEntry, ModerationQuery, ModerationReason, Page, PageQuery,
    Timestamp,
};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::db::codec::{from_text, to_text, Sql};
use crate::db::posted::{self, posted_at, Posted};
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiQuery, Moderator};
use crate::ids::new_id;
use crate::state::AppState;
use plaza_contract::cursor;

/// Records one action, in the transaction (or on the connection) of the
/// change it describes.
pub async fn record(
    conn: &mut AnyConnection,
    deliberation_id: &str,
    change: &ModerationChange,
    reason: Option<ModerationReason>,
    staff: &str,
) -> Result<(), ApiError> {
    let what = serde_json::to_string(change).map_err(|e| ApiError::internal().caused_by(e))?;
    posted::lock(&mut *conn, Posted::ModerationLog).await?;
    let at = posted_at(&mut *conn, Posted::ModerationLog).await?;
    sqlx::query(
        "INSERT INTO moderation_log (id, created_at, deliberation_id, what, reason, staff) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(new_id("m"))
    .bind(at.unix_millis())
    .bind(deliberation_id)
    .bind(what)
    .bind(reason.map(|r| to_text(&r)))
    .bind(staff)
    .execute(conn)
    .await?;
    Ok(())
}

/// `GET /v1/moderation/log`: every action, newest first, with who did it.
pub async fn staff_log(
    State(state): State<AppState>,
    _: Moderator,
    ApiQuery(q): ApiQuery<ModerationQuery>,
) -> ApiResult<Json<Page<ModerationLogEntry>>> {
    if let Some(id) = q.deliberation() {
        must_exist(&state, id).await?;
    }
    let list = cursor::List::moderation_log(q.deliberation());
    page(&state, &list, q.deliberation(), &q.page())
        .await
        .map(Json)
}

/// 404 unless deliberation `id` exists.
pub(crate) async fn must_exist(state: &AppState, id: &str) -> ApiResult<()> {
    let exists = sqlx::query("SELECT 1 FROM deliberations WHERE id = $1")
        .bind(id)
        .fetch_optional(&state.db.read)
        .await?
        .is_some();
    if exists {
        Ok(())
    } else {
        Err(ApiError::not_found("deliberation"))
    }
}

/// `GET /v1/deliberations/{id}/moderation`: what was done in a
/// deliberation and why, newest first; never who, never hidden text.
pub async fn public_log(
    State(state): State<AppState>,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Json<Page<ModerationLogEntry>>> {
    must_exist(&state, &id).await?;
    let list = cursor::List::public_moderation_log(&id);
    let page = page(&state, &list, Some(&id), &q).await?;
    Ok(Json(Page {
        items: page
            .items
            .into_iter()
            .map(ModerationLogEntry::public)
            .collect(),
        next_cursor: page.next_cursor,
    }))
}

async fn page(
    state: &AppState,
    list: &cursor::List,
    deliberation: Option<&str>,
    q: &PageQuery,
) -> ApiResult<Page<ModerationLogEntry>> {
    let limit = q.limit()?;
    let after: Option<(i64, String)> = cursor::optional(list, q.cursor())?;
    let mut sql = Sql::new("SELECT * FROM moderation_log WHERE 1 = 1");
    if let Some(d) = deliberation {
        let d = sql.text(d);
        sql.push(&format!(" AND deliberation_id = {d}"));
    }
    if let Some((at, id)) = after {
        let (a, i) = (sql.int(at), sql.text(id));
        sql.push(&format!(
            " AND (created_at < {a} OR (created_at = {a} AND id < {i}))"
        ));
    }
    let l = sql.int(i64::from(limit) + 1);
    sql.push(&format!(" ORDER BY created_at DESC, id DESC LIMIT {l}"));
    let rows = sql.query().fetch_all(&state.db.read).await?;
    let items = rows
        .iter()
        .map(|row| Ok((row.try_get::<i64, _>("created_at")?, entry(row)?)))
        .collect::<ApiResult<Vec<_>>>()?;
    let (items, next_cursor) =
        cursor::page(items, limit, list, |(at, e): &(i64, ModerationLogEntry)| {
            (*at, e.id.clone())
        });
    Ok(Page {
        items: items.into_iter().map(|(_, e)| e).collect(),
        next_cursor,
    })
}

fn entry(row: &AnyRow) -> ApiResult<ModerationLogEntry> {
    let what: String = row.try_get("what")?;
    let change: ModerationChange =
        serde_json::from_str(&what).map_err(|e| ApiError::internal().caused_by(e))?;
    Ok(ModerationLogEntry {
        id: row.try_get("id")?,
        at: Timestamp::from_unix_millis(row.try_get("created_at")?),
        deliberation_id: row.try_get("deliberation_id")?,
        change,
        reason: row
            .try_get::<Option<String>, _>("reason")?
            .map(|r| from_text(&r))
            .transpose()?,
        staff: Some(row.try_get("staff")?),
    })
}
