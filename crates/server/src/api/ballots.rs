//! `PUT` / `GET /v1/polls/{id}/ballot`: one ballot per participant and
//! poll, the last one counts.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::Response;
use axum::Json;
use plaza_contract::{BallotReceipt, BallotSubmission, MyBallot, Operation, Timestamp};
use sqlx::Row;

use super::{contributed, polls};
use crate::db::now_millis;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ChangeRequest, Participant};
use crate::idempotency;
use crate::identity::ParticipantKind;
use crate::ids::tracker;
use crate::reply::Reply;
use crate::state::AppState;

/// `PUT /v1/polls/{id}/ballot`. An upsert under the (poll, participant)
/// key: concurrent submissions leave one ballot, the last committed. The
/// same ranking again changes nothing and returns the same receipt.
pub async fn cast(
    State(state): State<AppState>,
    Path(poll_id): Path<String>,
    ChangeRequest {
        who,
        body: ballot,
        change,
        ..
    }: ChangeRequest<BallotSubmission>,
) -> ApiResult<Response> {
    let participant = who.id;
    let signed_in = who.kind == ParticipantKind::Host;
    let poll_id_for_publisher = poll_id.clone();
    let answer = idempotency::run(&state.db, change, move |tx| {
        Box::pin(async move {
            // A close waits for this ballot to commit, or this ballot sees
            // the close.
            polls::lock(tx, &poll_id).await?;
            let poll = polls::load(&mut *tx, &poll_id).await?.poll;
            poll.check_ballot(&ballot, signed_in)?;
            let ranking = serde_json::to_string(&ballot.ranking)?;
            let now = now_millis();
            let changed = sqlx::query(
                "INSERT INTO ballots (poll_id, participant_id, ranking, tracker, recorded_at, changed_version) \
                 VALUES ($1, $2, $3, $4, $5, (SELECT ballots_version + 1 FROM polls WHERE id = $1)) \
                 ON CONFLICT (poll_id, participant_id) DO UPDATE \
                 SET ranking = excluded.ranking, tracker = excluded.tracker, recorded_at = excluded.recorded_at, \
                 changed_version = excluded.changed_version \
                 WHERE ballots.ranking <> excluded.ranking \
                 RETURNING tracker, recorded_at",
            )
            .bind(&poll_id)
            .bind(&participant)
            .bind(&ranking)
            .bind(tracker())
            .bind(now)
            .fetch_optional(&mut *tx)
            .await?;
            let row = match changed {
                // The version the ballot took above (the poll's row is
                // locked: no other ballot takes it).
                Some(row) => {
                    sqlx::query("UPDATE polls SET ballots_version = ballots_version + 1 WHERE id = $1")
                        .bind(&poll_id)
                        .execute(&mut *tx)
                        .await?;
                    contributed(tx, &poll.deliberation_id, &participant).await?;
                    row
                }
                None => {
                    sqlx::query("SELECT tracker, recorded_at FROM ballots WHERE poll_id = $1 AND participant_id = $2")
                        .bind(&poll_id)
                        .bind(&participant)
                        .fetch_one(&mut *tx)
                        .await?
                }
            };
            Reply::ok(&BallotReceipt {
                tracker: row.try_get("tracker")?,
                recorded_at: Timestamp::from_unix_millis(row.try_get("recorded_at")?),
            })
        })
    })
    .await;
    // The results may be due for a new count (counted off this request).
    if answer.as_ref().is_ok_and(|r| r.status().is_success()) {
        state.publisher.poke(&poll_id_for_publisher);
    }
    answer
}

/// `GET /v1/polls/{id}/ballot`: 404 `not_found` when I have not voted.
/// Never kept by a cache: it says how this resident voted.
pub async fn mine(
    State(state): State<AppState>,
    Path(poll_id): Path<String>,
    who: Participant,
) -> ApiResult<([(header::HeaderName, &'static str); 1], Json<MyBallot>)> {
    polls::load(&state.db.read, &poll_id).await?;
    let row = sqlx::query("SELECT ranking, tracker, recorded_at FROM ballots WHERE poll_id = $1 AND participant_id = $2")
        .bind(&poll_id)
        .bind(&who.id)
        .fetch_optional(&state.db.read)
        .await?
        .ok_or_else(|| ApiError::not_found("ballot"))?;
    let ballot = MyBallot {
        ranking: serde_json::from_str(&row.try_get::<String, _>("ranking")?)?,
        receipt: BallotReceipt {
            tracker: row.try_get("tracker")?,
            recorded_at: Timestamp::from_unix_millis(row.try_get("recorded_at")?),
        },
    };
    let policy = Operation::GetMyBallot.cache_control().unwrap_or("no-store");
    Ok(([(header::CACHE_CONTROL, policy)], Json(ballot)))
}
