//! `GET /v1`, `GET /v1/deliberations`, `GET /v1/deliberations/{id}`.

use axum::extract::{Path, State};
use axum::Json;
use plaza_contract::{
    Capabilities, Counts, Deliberation, DeliberationSummary, Page, PageQuery, PhaseKind,
};
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::db::codec::{from_text, Sql};
use crate::db::count;
use crate::error::{ApiError, ApiResult};
use crate::extract::ApiQuery;
use crate::state::AppState;
use plaza_contract::cursor;

pub async fn capabilities(State(state): State<AppState>) -> ApiResult<Json<Capabilities>> {
    let rows = sqlx::query("SELECT document FROM deliberations ORDER BY id LIMIT 100")
        .fetch_all(&state.db.read)
        .await?;
    let mut deliberations = Vec::with_capacity(rows.len());
    for row in rows {
        if let Ok(d) = serde_json::from_str::<Deliberation>(&row.try_get::<String, _>("document")?)
        {
            deliberations.push(d);
        }
    }
    Ok(Json(Capabilities::of(
        &deliberations,
        state.keys.moderator_digest.is_some(),
    )))
}

/// The columns a deliberation is read with: its document, live phase and
/// the counts derived from its content.
const SELECT: &str = "SELECT d.id, d.document, d.current_phase, \
    (SELECT COUNT(*) FROM arguments a WHERE a.deliberation_id = d.id AND a.stance = 'for' AND a.status = 'visible') AS arguments_for, \
    (SELECT COUNT(*) FROM arguments a WHERE a.deliberation_id = d.id AND a.stance = 'against' AND a.status = 'visible') AS arguments_against, \
    (SELECT COUNT(*) FROM comments c WHERE c.deliberation_id = d.id AND c.status = 'visible') AS comments, \
    (SELECT COUNT(*) FROM contributors k WHERE k.deliberation_id = d.id) AS participants \
    FROM deliberations d";

fn from_row(row: &AnyRow) -> ApiResult<Deliberation> {
    let mut d: Deliberation = serde_json::from_str(&row.try_get::<String, _>("document")?)?;
    d.current_phase = from_text::<PhaseKind>(&row.try_get::<String, _>("current_phase")?)?;
    d.counts = Counts {
        arguments_for: count(row.try_get("arguments_for")?),
        arguments_against: count(row.try_get("arguments_against")?),
        comments: count(row.try_get("comments")?),
        participants: count(row.try_get("participants")?),
    };
    Ok(d)
}

/// 404 unless the deliberation exists.
pub async fn require_deliberation<'e, E>(executor: E, id: &str) -> ApiResult<()>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query("SELECT 1 AS one FROM deliberations WHERE id = $1")
        .bind(id)
        .fetch_optional(executor)
        .await?
        .map(|_| ())
        .ok_or_else(|| ApiError::not_found("deliberation"))
}

/// Reads one deliberation, or 404.
pub async fn load<'e, E>(executor: E, id: &str) -> ApiResult<Deliberation>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let sql = format!("{SELECT} WHERE d.id = $1");
    let row = sqlx::query(&sql)
        .bind(id)
        .fetch_optional(executor)
        .await?
        .ok_or_else(|| ApiError::not_found("deliberation"))?;
    from_row(&row)
}

pub async fn one(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Json<Deliberation>> {
    Ok(Json(load(&state.db.read, &id).await?))
}

pub async fn list(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Json<Page<DeliberationSummary>>> {
    let limit = q.limit()?;
    let list = cursor::List::deliberations();
    let after: Option<String> = cursor::optional(&list, q.cursor())?;
    let mut sql = Sql::new(SELECT);
    if let Some(after) = after {
        let p = sql.text(after);
        sql.push(&format!(" WHERE d.id > {p}"));
    }
    let l = sql.int(i64::from(limit) + 1);
    sql.push(&format!(" ORDER BY d.id LIMIT {l}"));
    let rows = sql.query().fetch_all(&state.db.read).await?;
    let items = rows.iter().map(from_row).collect::<ApiResult<Vec<_>>>()?;
    let (items, next_cursor) = cursor::page(items, limit, &list, |d| d.id.clone());
    Ok(Json(Page {
        items: items.iter().map(DeliberationSummary::from).collect(),
        next_cursor,
    }))
}
