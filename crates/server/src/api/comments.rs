//! Replies to an argument, threaded by `parent_id`.

use axum::extract::{OriginalUri, Path, State};
use axum::response::Response;
use axum::Json;
use plaza_contract::{Author, Comment, ContentStatus, FieldError, NewComment, Page, Timestamp};
use serde::Deserialize;
use sqlx::any::AnyRow;
use sqlx::Row;

use super::arguments::require_discussion;
use super::codec::{blank_to_none, from_text, to_text, Sql};
use super::{check_lang, contributed, write};
use crate::cursor;
use crate::db::now_millis;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiQuery, ClientIp, IdempotencyKey, JsonBody, Participant};
use crate::ids::new_id;
use crate::reply::Reply;
use crate::state::AppState;

const COLUMNS: &str = "id, argument_id, parent_id, text, lang, display_name, created_at, status";

fn from_row(row: &AnyRow) -> ApiResult<Comment> {
    let status: ContentStatus = from_text(&row.try_get::<String, _>("status")?)?;
    Ok(Comment {
        id: row.try_get("id")?,
        argument_id: row.try_get("argument_id")?,
        parent_id: row.try_get("parent_id")?,
        text: (status == ContentStatus::Visible)
            .then(|| row.try_get("text"))
            .transpose()?,
        lang: row.try_get("lang")?,
        author: Author {
            display_name: row.try_get("display_name")?,
        },
        created_at: Timestamp::from_unix_millis(row.try_get("created_at")?),
        status,
    })
}

#[derive(Deserialize)]
pub struct ListQuery {
    cursor: Option<String>,
    limit: Option<u32>,
}

/// `GET /v1/arguments/{id}/comments`: oldest first, so that a reply always
/// comes after what it answers.
pub async fn list(
    State(state): State<AppState>,
    Path(argument_id): Path<String>,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> ApiResult<Json<Page<Comment>>> {
    let limit = cursor::limit(q.limit)?;
    let after: Option<(i64, String)> = cursor::optional(q.cursor.as_deref())?;
    let exists =
        sqlx::query("SELECT 1 AS one FROM arguments WHERE id = $1 AND status <> 'removed'")
            .bind(&argument_id)
            .fetch_optional(&state.db.read)
            .await?;
    if exists.is_none() {
        return Err(ApiError::not_found("argument"));
    }
    let mut sql = Sql::new(&format!(
        "SELECT {COLUMNS} FROM comments WHERE argument_id = "
    ));
    let a = sql.text(argument_id);
    let removed = sql.text(to_text(&ContentStatus::Removed));
    sql.push(&format!("{a} AND status <> {removed}"));
    if let Some((created, id)) = after {
        let (c, i) = (sql.int(created), sql.text(id));
        sql.push(&format!(
            " AND (created_at > {c} OR (created_at = {c} AND id > {i}))"
        ));
    }
    let l = sql.int(i64::from(limit) + 1);
    sql.push(&format!(" ORDER BY created_at ASC, id ASC LIMIT {l}"));
    let rows = sql.query().fetch_all(&state.db.read).await?;
    let items = rows.iter().map(from_row).collect::<ApiResult<Vec<_>>>()?;
    let (items, next_cursor) =
        cursor::page(items, limit, |c| (c.created_at.unix_millis(), c.id.clone()));
    Ok(Json(Page { items, next_cursor }))
}

/// `POST /v1/arguments/{id}/comments`.
#[allow(clippy::too_many_arguments)]
pub async fn create(
    State(state): State<AppState>,
    Path(argument_id): Path<String>,
    who: Participant,
    ClientIp(ip): ClientIp,
    IdempotencyKey(key): IdempotencyKey,
    OriginalUri(uri): OriginalUri,
    body: JsonBody<NewComment>,
) -> ApiResult<Response> {
    let new = body.value;
    let participant = who.id.clone();
    write(&state, &who, ip, key, "POST", &uri, &body.raw, move |tx| {
        Box::pin(async move {
            let row = sqlx::query("SELECT deliberation_id FROM arguments WHERE id = $1 AND status <> 'removed'")
                .bind(&argument_id)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| ApiError::not_found("argument"))?;
            let deliberation_id: String = row.try_get("deliberation_id")?;
            require_discussion(tx, &deliberation_id).await?;
            new.validate().map_err(ApiError::invalid)?;
            check_lang(&new.lang)?;
            let parent_id = blank_to_none(&new.parent_id);
            if let Some(parent) = &parent_id {
                let found = sqlx::query("SELECT 1 AS one FROM comments WHERE id = $1 AND argument_id = $2")
                    .bind(parent)
                    .bind(&argument_id)
                    .fetch_optional(&mut *tx)
                    .await?;
                if found.is_none() {
                    return Err(ApiError::invalid(vec![FieldError::new("parent_id", "unknown")]));
                }
            }
            let comment = Comment {
                id: new_id("com"),
                argument_id: argument_id.clone(),
                parent_id,
                text: Some(new.text.trim().to_owned()),
                lang: blank_to_none(&new.lang),
                author: Author {
                    display_name: blank_to_none(&new.display_name),
                },
                created_at: Timestamp::from_unix_millis(now_millis()),
                status: ContentStatus::Visible,
            };
            sqlx::query(
                "INSERT INTO comments (id, argument_id, deliberation_id, parent_id, text, lang, display_name, \
                 author_id, created_at, status, flags) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0)",
            )
            .bind(&comment.id)
            .bind(&comment.argument_id)
            .bind(&deliberation_id)
            .bind(comment.parent_id.as_deref())
            .bind(comment.text.as_deref())
            .bind(comment.lang.as_deref())
            .bind(comment.author.display_name.as_deref())
            .bind(&participant)
            .bind(comment.created_at.unix_millis())
            .bind(to_text(&comment.status))
            .execute(&mut *tx)
            .await?;
            sqlx::query("UPDATE arguments SET comment_count = comment_count + 1 WHERE id = $1")
                .bind(&argument_id)
                .execute(&mut *tx)
                .await?;
            contributed(tx, &deliberation_id, &participant).await?;
            Reply::json(axum::http::StatusCode::CREATED, &comment)
        })
    })
    .await
}
