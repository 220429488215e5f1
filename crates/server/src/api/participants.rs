//! `POST /v1/participants`: an anonymous participant and its token.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use plaza_contract::ParticipantToken;

use crate::db::now_millis;
use crate::error::ApiResult;
use crate::extract::ClientIp;
use crate::identity::ParticipantKind;
use crate::ids::new_id;
use crate::rate_limit;
use crate::state::AppState;

pub async fn create(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
) -> ApiResult<(StatusCode, Json<ParticipantToken>)> {
    rate_limit::check_write(&state.db, &state.settings, None, ip).await?;
    let id = new_id("p");
    sqlx::query("INSERT INTO participants (id, kind, created_at) VALUES ($1, $2, $3)")
        .bind(&id)
        .bind(ParticipantKind::Anonymous.as_str())
        .bind(now_millis())
        .execute(&state.db.write)
        .await?;
    let token = state.keys.mint_anonymous(&id);
    Ok((
        StatusCode::CREATED,
        Json(ParticipantToken {
            participant_id: id,
            token,
        }),
    ))
}
