//! `GET /v1/polls/{id}`.

use axum::extract::{Path, State};
use axum::Json;
use plaza_contract::{Poll, PollStatus};
use sqlx::Row;

use crate::db::codec::from_text;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// A poll as stored: its document with the live status, and the version of
/// its ballots (which changes whenever one does).
pub struct StoredPoll {
    pub poll: Poll,
    pub ballots_version: i64,
}

pub async fn load<'e, E>(executor: E, id: &str) -> ApiResult<StoredPoll>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let row = sqlx::query("SELECT document, status, ballots_version FROM polls WHERE id = $1")
        .bind(id)
        .fetch_optional(executor)
        .await?
        .ok_or_else(|| ApiError::not_found("poll"))?;
    let mut poll: Poll = serde_json::from_str(&row.try_get::<String, _>("document")?)?;
    poll.status = from_text::<PollStatus>(&row.try_get::<String, _>("status")?)?;
    Ok(StoredPoll {
        poll,
        ballots_version: row.try_get("ballots_version")?,
    })
}

/// Locks poll `id`'s row until the transaction ends (a no-op update), before
/// its ballots are counted or one is cast: a first ballot cannot slip in
/// between a count and what depends on it, and none commits after a close.
/// (SQLite's single writer already runs them one after the other.)
pub async fn lock(conn: &mut sqlx::AnyConnection, id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE polls SET ballots_version = ballots_version WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn one(State(state): State<AppState>, Path(id): Path<String>) -> ApiResult<Json<Poll>> {
    Ok(Json(load(&state.db.read, &id).await?.poll))
}
