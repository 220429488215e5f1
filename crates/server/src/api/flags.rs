//! `POST /v1/flags`: one flag per participant and target; at the configured
//! number of flags the content is hidden until a moderator reviews it.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use plaza_contract::{ContentStatus, FlagReceipt, FlagTarget, NewFlag};
use sqlx::Row;

use super::codec::{from_text, to_text};
use crate::db::now_millis;
use crate::error::{ApiError, ApiResult};
use crate::extract::ChangeRequest;
use crate::idempotency;
use crate::reply::Reply;
use crate::state::AppState;

/// The table holding a kind of content (from the enum, never the request).
pub fn table(target: FlagTarget) -> &'static str {
    match target {
        FlagTarget::Argument => "arguments",
        FlagTarget::Comment => "comments",
        FlagTarget::Proposal => "proposals",
    }
}

pub async fn create(
    State(state): State<AppState>,
    ChangeRequest {
        who,
        body: flag,
        change,
    }: ChangeRequest<NewFlag>,
) -> ApiResult<Response> {
    let participant = who.id;
    let threshold = i64::from(state.settings.flag_threshold);
    idempotency::run(&state.db, change, move |tx| {
        Box::pin(async move {
            let table = table(flag.target_type);
            let found = sqlx::query(&format!("SELECT status FROM {table} WHERE id = $1"))
                .bind(&flag.target_id)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| ApiError::not_found("content"))?;
            let mut status: ContentStatus = from_text(&found.try_get::<String, _>("status")?)?;
            if status == ContentStatus::Removed {
                return Err(ApiError::not_found("content"));
            }
            let new = sqlx::query(
                "INSERT INTO flags (target_type, target_id, participant_id, reason, created_at) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
            )
            .bind(to_text(&flag.target_type))
            .bind(&flag.target_id)
            .bind(&participant)
            .bind(to_text(&flag.reason))
            .bind(now_millis())
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if new > 0 {
                let row = sqlx::query(&format!(
                    "UPDATE {table} SET flags = flags + 1 WHERE id = $1 RETURNING flags"
                ))
                .bind(&flag.target_id)
                .fetch_one(&mut *tx)
                .await?;
                let flags: i64 = row.try_get("flags")?;
                if flags >= threshold && status == ContentStatus::Visible {
                    status = ContentStatus::HiddenPendingReview;
                    sqlx::query(&format!("UPDATE {table} SET status = $2 WHERE id = $1"))
                        .bind(&flag.target_id)
                        .bind(to_text(&status))
                        .execute(&mut *tx)
                        .await?;
                }
            }
            Reply::json(
                StatusCode::CREATED,
                &FlagReceipt {
                    target_type: flag.target_type,
                    target_id: flag.target_id,
                    status,
                },
            )
        })
    })
    .await
}
