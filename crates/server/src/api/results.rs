//! `GET /v1/polls/{id}/results` (counted with plaza-tally, cached per
//! ballot version) and `GET /v1/polls/{id}/ballots` (the anonymous ballots
//! after close, grouped or as CDF).

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use plaza_contract::{
    BallotGroup, PollResults, PollStatus, ProblemCode, ResultsVisibility, Timestamp,
};
use plaza_results::{ballot_export, cdf};
use serde::Deserialize;
use sqlx::Row;

use super::polls::{self, StoredPoll};
use crate::db::now_millis;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiQuery, MaybeParticipant};
use crate::state::AppState;

fn not_available(detail: &str) -> ApiError {
    ApiError::new(
        ProblemCode::ResultsNotAvailable,
        "The results are not available yet",
    )
    .detail(detail)
}

pub async fn results(
    State(state): State<AppState>,
    Path(poll_id): Path<String>,
    MaybeParticipant(me): MaybeParticipant,
) -> ApiResult<Json<PollResults>> {
    // The version is read before the ballots: a count labelled with a
    // version never misses a ballot of that version.
    let StoredPoll {
        poll,
        ballots_version,
    } = polls::load(&state.db.read, &poll_id).await?;
    let closed = poll.status == PollStatus::Closed;
    match poll.results_visibility {
        ResultsVisibility::Always => {}
        _ if closed => {}
        ResultsVisibility::AfterClose => {
            return Err(not_available("Results are published when the poll closes"))
        }
        ResultsVisibility::AfterVote => {
            let voted = match &me {
                Some(p) => sqlx::query(
                    "SELECT 1 AS one FROM ballots WHERE poll_id = $1 AND participant_id = $2",
                )
                .bind(&poll_id)
                .bind(&p.id)
                .fetch_optional(&state.db.read)
                .await?
                .is_some(),
                None => false,
            };
            if !voted {
                return Err(not_available("Results are shown once you have voted"));
            }
        }
    }
    let cached =
        sqlx::query("SELECT ballots_version, document FROM results_cache WHERE poll_id = $1")
            .bind(&poll_id)
            .fetch_optional(&state.db.read)
            .await?;
    if let Some(row) = cached {
        if row.try_get::<i64, _>("ballots_version")? == ballots_version {
            return Ok(Json(serde_json::from_str(
                &row.try_get::<String, _>("document")?,
            )?));
        }
    }
    let groups = ballot_groups(&state, &poll_id).await?;
    let results = plaza_results::count(
        &poll,
        &groups,
        closed,
        Timestamp::from_unix_millis(now_millis()),
    )
    .map_err(|e| {
        tracing::error!(%e, poll_id, "count failed");
        ApiError::internal().detail(e.to_string())
    })?;
    // Another process may have stored a newer count meanwhile: never
    // replace it with an older one.
    sqlx::query(
        "INSERT INTO results_cache (poll_id, ballots_version, document) VALUES ($1, $2, $3) \
         ON CONFLICT (poll_id) DO UPDATE SET ballots_version = excluded.ballots_version, document = excluded.document \
         WHERE results_cache.ballots_version < excluded.ballots_version",
    )
    .bind(&poll_id)
    .bind(ballots_version)
    .bind(serde_json::to_string(&results)?)
    .execute(&state.db.write)
    .await?;
    Ok(Json(results))
}

/// Identical rankings grouped, most frequent first.
async fn ballot_groups(state: &AppState, poll_id: &str) -> ApiResult<Vec<BallotGroup>> {
    let rows = sqlx::query(
        "SELECT ranking, COUNT(*) AS n FROM ballots WHERE poll_id = $1 GROUP BY ranking ORDER BY n DESC, ranking",
    )
    .bind(poll_id)
    .fetch_all(&state.db.read)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(BallotGroup {
                ranking: serde_json::from_str(&row.try_get::<String, _>("ranking")?)?,
                count: u64::try_from(row.try_get::<i64, _>("n")?).unwrap_or(0),
            })
        })
        .collect()
}

#[derive(Deserialize)]
pub struct ExportQuery {
    format: Option<String>,
}

pub async fn export(
    State(state): State<AppState>,
    Path(poll_id): Path<String>,
    ApiQuery(q): ApiQuery<ExportQuery>,
) -> ApiResult<Response> {
    let StoredPoll { poll, .. } = polls::load(&state.db.read, &poll_id).await?;
    if poll.status != PollStatus::Closed {
        return Err(not_available(
            "The ballots are published when the poll closes",
        ));
    }
    match q.format.as_deref() {
        None | Some("plaza") => {
            Ok(Json(ballot_export(&poll, ballot_groups(&state, &poll_id).await?)).into_response())
        }
        Some("cdf") => {
            // Ordered by tracker, which is random: the file says nothing
            // about who voted when.
            let rows = sqlx::query(
                "SELECT tracker, ranking FROM ballots WHERE poll_id = $1 ORDER BY tracker",
            )
            .bind(&poll_id)
            .fetch_all(&state.db.read)
            .await?;
            let ballots = rows
                .iter()
                .map(|row| {
                    Ok((
                        row.try_get::<String, _>("tracker")?,
                        serde_json::from_str::<Vec<String>>(&row.try_get::<String, _>("ranking")?)?,
                    ))
                })
                .collect::<ApiResult<Vec<_>>>()?;
            let now = Timestamp::from_unix_millis(now_millis());
            Ok(Json(cdf::report(&poll, &ballots, &now, "plaza-server")).into_response())
        }
        Some(_) => Err(ApiError::invalid_field("format", "invalid")),
    }
}
