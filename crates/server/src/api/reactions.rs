//! `PUT` / `DELETE /v1/arguments/{id}/reactions/{kind}`: idempotent by
//! nature (one row per participant and kind), so no idempotency key needed.

use axum::extract::{Path, State};
use axum::Json;
use plaza_contract::{ReactionCounts, ReactionKind, ReactionState};
use sqlx::Row;

use super::arguments::require_argument;
use crate::db::codec::{from_text, to_text};
use crate::db::{count, Tx};
use crate::error::ApiResult;
use crate::extract::{ClientIp, Participant};
use crate::rate_limit;
use crate::state::AppState;

pub async fn put(
    state: State<AppState>,
    path: Path<(String, String)>,
    who: Participant,
    ip: ClientIp,
) -> ApiResult<Json<ReactionState>> {
    set(state, path, who, ip, true).await
}

pub async fn delete(
    state: State<AppState>,
    path: Path<(String, String)>,
    who: Participant,
    ip: ClientIp,
) -> ApiResult<Json<ReactionState>> {
    set(state, path, who, ip, false).await
}

async fn set(
    State(state): State<AppState>,
    Path((argument_id, kind)): Path<(String, String)>,
    who: Participant,
    ClientIp(ip): ClientIp,
    on: bool,
) -> ApiResult<Json<ReactionState>> {
    let kind = ReactionKind::from_path(&kind)?;
    rate_limit::check(
        &state.db,
        rate_limit::Buckets::of(&state.settings, Some(&who.id), &state.keys.network_of(ip)),
    )
    .await?;
    let mut tx = state.db.begin().await?;
    require_argument(&mut *tx, &argument_id).await?;
    let sql = if on {
        "INSERT INTO reactions (argument_id, participant_id, kind) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING"
    } else {
        "DELETE FROM reactions WHERE argument_id = $1 AND participant_id = $2 AND kind = $3"
    };
    let changed = sqlx::query(sql)
        .bind(&argument_id)
        .bind(&who.id)
        .bind(to_text(&kind))
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if changed > 0 {
        // The column name comes from the enum, never from the request.
        let column = match kind {
            ReactionKind::Helpful => "helpful",
            ReactionKind::ChangedMyMind => "changed_my_mind",
        };
        let step = if on { "+ 1" } else { "- 1" };
        sqlx::query(&format!(
            "UPDATE arguments SET {column} = {column} {step} WHERE id = $1"
        ))
        .bind(&argument_id)
        .execute(&mut *tx)
        .await?;
    }
    let state_now = current(&mut tx, &argument_id, &who.id).await?;
    tx.commit().await?;
    Ok(Json(state_now))
}

async fn current(tx: &mut Tx, argument_id: &str, participant: &str) -> ApiResult<ReactionState> {
    let row = sqlx::query("SELECT helpful, changed_my_mind FROM arguments WHERE id = $1")
        .bind(argument_id)
        .fetch_one(&mut **tx)
        .await?;
    let mine =
        sqlx::query("SELECT kind FROM reactions WHERE argument_id = $1 AND participant_id = $2")
            .bind(argument_id)
            .bind(participant)
            .fetch_all(&mut **tx)
            .await?;
    Ok(ReactionState {
        argument_id: argument_id.to_owned(),
        reactions: ReactionCounts {
            helpful: count(row.try_get("helpful")?),
            changed_my_mind: count(row.try_get("changed_my_mind")?),
        },
        my_reactions: ReactionKind::in_order(
            mine.iter()
                .map(|r| from_text::<ReactionKind>(&r.try_get::<String, _>("kind")?))
                .collect::<ApiResult<Vec<_>>>()?,
        ),
    })
}
