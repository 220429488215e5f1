//! `POST /v1/flags`: one flag per participant and target. Every flag puts
//! the content in the moderation queue; it is hidden until a moderator
//! reviews it only when the configured number of flags come from people the
//! server has reason to count apart: residents the city's site signed in,
//! and anonymous participants past the trust threshold (old enough, and
//! who have contributed), one per network. Fresh anonymous participants
//! cost one request each, so their flags alone never hide anything.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use plaza_contract::{ContentStatus, FlagReceipt, FlagTarget, NewFlag};
use sqlx::Row;

use crate::db::codec::{from_text, to_text};
use crate::db::now_millis;
use crate::error::{ApiError, ApiResult};
use crate::extract::ChangeRequest;
use crate::idempotency;
use crate::identity::ParticipantKind;
use crate::reply::Reply;
use crate::state::AppState;

/// How far a flag counts towards hiding content (stored as its number).
#[derive(Debug, Clone, Copy)]
enum Standing {
    /// A fresh anonymous participant: to the moderation queue only.
    New = 0,
    /// An anonymous participant past the trust threshold: one per network.
    Established = 1,
    /// A resident the city's site signed in: each counts.
    SignedIn = 2,
}

/// The standing of a flag a moderator set aside by restoring its content:
/// it no longer counts, and it stays so that its author cannot flag the
/// content again (one flag per participant and content).
pub const REVIEWED: i64 = -1;

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
        network,
    }: ChangeRequest<NewFlag>,
) -> ApiResult<Response> {
    let participant = who.id;
    let kind = who.kind;
    let threshold = i64::from(state.settings.flag_threshold);
    let trust_after_ms = state.settings.flag_trust_after_ms;
    idempotency::run(&state.db, change, move |tx| {
        Box::pin(async move {
            let table = table(flag.target_type);
            // The content's row is locked before its status is read (a no-op
            // update): on PostgreSQL a moderator's removal could otherwise
            // commit in between, and be overwritten by "hidden" below.
            sqlx::query(&format!("UPDATE {table} SET status = status WHERE id = $1"))
                .bind(&flag.target_id)
                .execute(&mut *tx)
                .await?;
            let found = sqlx::query(&format!("SELECT status FROM {table} WHERE id = $1"))
                .bind(&flag.target_id)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| ApiError::not_found("content"))?;
            let mut status: ContentStatus = from_text(&found.try_get::<String, _>("status")?)?;
            if status == ContentStatus::Removed {
                return Err(ApiError::not_found("content"));
            }
            let now = now_millis();
            let standing = match kind {
                ParticipantKind::Host => Standing::SignedIn,
                ParticipantKind::Anonymous => {
                    let established = sqlx::query(
                        "SELECT 1 AS one FROM participants p WHERE p.id = $1 AND p.created_at <= $2 \
                         AND EXISTS (SELECT 1 FROM contributors c WHERE c.participant_id = p.id)",
                    )
                    .bind(&participant)
                    .bind(now - trust_after_ms)
                    .fetch_optional(&mut *tx)
                    .await?
                    .is_some();
                    if established {
                        Standing::Established
                    } else {
                        Standing::New
                    }
                }
            };
            let new = sqlx::query(
                "INSERT INTO flags (target_type, target_id, participant_id, reason, created_at, network, standing) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
            )
            .bind(to_text(&flag.target_type))
            .bind(&flag.target_id)
            .bind(&participant)
            .bind(to_text(&flag.reason))
            .bind(now)
            .bind(&network)
            .bind(standing as i64)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if new > 0 {
                sqlx::query(&format!("UPDATE {table} SET flags = flags + 1 WHERE id = $1"))
                    .bind(&flag.target_id)
                    .execute(&mut *tx)
                    .await?;
                let counted = sqlx::query(
                    "SELECT (SELECT COUNT(*) FROM flags WHERE target_type = $1 AND target_id = $2 AND standing = 2) \
                     + (SELECT COUNT(DISTINCT network) FROM flags WHERE target_type = $1 AND target_id = $2 AND standing = 1) AS n",
                )
                .bind(to_text(&flag.target_type))
                .bind(&flag.target_id)
                .fetch_one(&mut *tx)
                .await?;
                let independent: i64 = counted.try_get("n")?;
                if independent >= threshold && status == ContentStatus::Visible {
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
