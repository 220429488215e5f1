//! `POST /v1/participants`: an anonymous participant and its token, limited
//! per address per minute and per network per hour (one costs a request);
//! with an anonymous token of this server, even expired, a new token for
//! the same participant.

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
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
    headers: HeaderMap,
) -> ApiResult<(StatusCode, Json<ParticipantToken>)> {
    // An anonymous token this server signed, even expired: a new one for
    // the same participant (their ballot and contributions stay theirs).
    let renewing = headers
        .get(header::AUTHORIZATION)
        .and_then(crate::extract::bearer_token)
        .and_then(|token| state.keys.renewable(token));
    if let Some(id) = renewing {
        let token = state.keys.mint_anonymous(&id, now_millis() / 1000);
        return Ok((
            StatusCode::CREATED,
            Json(ParticipantToken {
                participant_id: id,
                token,
            }),
        ));
    }
    let network = state.keys.network_of(ip);
    rate_limit::check(
        &state.db,
        rate_limit::Buckets::new_participant(&state.settings, &network),
    )
    .await?;
    let id = new_id("p");
    sqlx::query("INSERT INTO participants (id, kind, created_at) VALUES ($1, $2, $3)")
        .bind(&id)
        .bind(ParticipantKind::Anonymous.as_str())
        .bind(now_millis())
        .execute(&state.db.write)
        .await?;
    let token = state.keys.mint_anonymous(&id, now_millis() / 1000);
    Ok((
        StatusCode::CREATED,
        Json(ParticipantToken {
            participant_id: id,
            token,
        }),
    ))
}
