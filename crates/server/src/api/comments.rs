//! Replies to an argument, threaded by `parent_id`.

use axum::extract::{Path, State};
use axum::response::Response;
use axum::Json;
use plaza_contract::{
    Author, Comment, Contribution, NewComment, Page, PageQuery, Problem, Timestamp,
};
use sqlx::any::AnyRow;
use sqlx::Row;

use super::arguments::{require_argument, require_phase_for};
use super::{contributed, oldest_first, Window};
use crate::db::codec::{from_text, to_text};
use crate::db::posted::{self, posted_at, Posted};
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiQuery, ChangeRequest};
use crate::idempotency;
use crate::ids::new_id;
use crate::reply::Reply;
use crate::state::AppState;
use plaza_contract::cursor;

const COLUMNS: &str = "id, argument_id, parent_id, text, lang, display_name, created_at, status";

fn from_row(row: &AnyRow) -> ApiResult<Comment> {
    Ok(Comment {
        id: row.try_get("id")?,
        argument_id: row.try_get("argument_id")?,
        parent_id: row.try_get("parent_id")?,
        text: row.try_get("text")?,
        lang: row.try_get("lang")?,
        author: Author {
            display_name: row.try_get("display_name")?,
        },
        created_at: Timestamp::from_unix_millis(row.try_get("created_at")?),
        status: from_text(&row.try_get::<String, _>("status")?)?,
    }
    .redacted())
}

/// `GET /v1/arguments/{id}/comments`: oldest first, so that a reply always
/// comes after what it answers.
pub async fn list(
    State(state): State<AppState>,
    Path(argument_id): Path<String>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Json<Page<Comment>>> {
    let window = Window::of(cursor::List::comments(&argument_id), &q)?;
    require_argument(&state.db.read, &argument_id).await?;
    let select = format!("SELECT {COLUMNS} FROM comments WHERE argument_id = ");
    let page = oldest_first(
        &state.db.read,
        &select,
        argument_id,
        window,
        from_row,
        |c| (c.created_at.unix_millis(), c.id.clone()),
    )
    .await?;
    Ok(Json(page))
}

/// `POST /v1/arguments/{id}/comments`.
pub async fn create(
    State(state): State<AppState>,
    Path(argument_id): Path<String>,
    ChangeRequest {
        who,
        body: new,
        change,
        ..
    }: ChangeRequest<NewComment>,
) -> ApiResult<Response> {
    let participant = who.id;
    idempotency::run(&state.db, change, move |tx| {
        Box::pin(async move {
            // The deliberation's row (its phase), then the argument's (a
            // removal, the order of its replies): the order an import
            // takes them in.
            let row = sqlx::query("SELECT deliberation_id FROM arguments WHERE id = $1")
                .bind(&argument_id)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| ApiError::not_found("argument"))?;
            let deliberation_id: String = row.try_get("deliberation_id")?;
            posted::lock(tx, Posted::Arguments { deliberation: &deliberation_id }).await?;
            let list = Posted::Comments { argument: &argument_id };
            posted::lock(tx, list).await?;
            sqlx::query("SELECT 1 AS one FROM arguments WHERE id = $1 AND status <> 'removed'")
                .bind(&argument_id)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| ApiError::not_found("argument"))?;
            require_phase_for(tx, &deliberation_id, Contribution::Comment).await?;
            new.validate().map_err(Problem::invalid)?;
            if let Some(parent) = new.parent() {
                let found = sqlx::query("SELECT 1 AS one FROM comments WHERE id = $1 AND argument_id = $2")
                    .bind(parent)
                    .bind(&argument_id)
                    .fetch_optional(&mut *tx)
                    .await?;
                if found.is_none() {
                    return Err(NewComment::unknown_parent().into());
                }
            }
            let comment = new.to_comment(
                new_id("com"),
                &argument_id,
                posted_at(tx, list).await?,
            );
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
