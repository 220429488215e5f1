//! Request extractors that answer with problem documents: JSON bodies,
//! query strings, the caller's identity, the client address, the
//! idempotency key, and all of these together for a participant's change.

use std::net::{IpAddr, SocketAddr};

use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, OriginalUri, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};
use plaza_contract::ProblemCode;
use serde::de::DeserializeOwned;

use crate::error::ApiError;
use crate::identity::{Caller, ParticipantKind};
use crate::state::AppState;
use crate::{idempotency, rate_limit};

/// A JSON body, decoded, with the raw bytes it came from (for the
/// idempotency fingerprint). Malformed JSON is 400 `bad_request`; JSON of
/// the wrong shape is 422 `validation_failed` naming the field; another
/// content type is 415; a body over the limit is 413.
pub struct JsonBody<T> {
    pub value: T,
    pub raw: Bytes,
}

impl<T: DeserializeOwned> FromRequest<AppState> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, ApiError> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(|mime| {
                let mime = mime.trim().to_ascii_lowercase();
                mime == "application/json" || mime.ends_with("+json")
            })
            .unwrap_or(false);
        if !is_json {
            return Err(ApiError::new(
                ProblemCode::UnsupportedMediaType,
                "Send JSON with Content-Type: application/json",
            ));
        }
        let raw = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status().as_u16() == 413 {
                too_large()
            } else {
                ApiError::new(
                    ProblemCode::BadRequest,
                    "The request body could not be read",
                )
            }
        })?;
        let value = decode_json(&raw)?;
        Ok(JsonBody { value, raw })
    }
}

pub fn too_large() -> ApiError {
    ApiError::new(
        ProblemCode::PayloadTooLarge,
        "The request body is too large",
    )
}

/// Decodes JSON, telling a syntax error (400) from a value of the wrong
/// shape (422, with the path of the offending field).
pub fn decode_json<T: DeserializeOwned>(raw: &[u8]) -> Result<T, ApiError> {
    // JSON first, then the shape: serde reports some shape errors (a number
    // where an enum's string belongs) as syntax errors when it does both.
    let value: serde_json::Value = serde_json::from_slice(raw).map_err(syntax_error)?;
    // Every request body of the contract is an object; serde would also
    // take a struct from an array of its fields.
    if !value.is_object() {
        return Err(
            ApiError::invalid_field("body", "invalid").detail("The body must be a JSON object")
        );
    }
    serde_path_to_error::deserialize::<_, T>(value).map_err(|e| {
        let path = e.path().to_string();
        let field = if path == "." { "body".to_owned() } else { path };
        let mut err = ApiError::invalid_field(&field, "invalid");
        err.problem.detail = Some(e.into_inner().to_string());
        err
    })
}

fn syntax_error(e: serde_json::Error) -> ApiError {
    ApiError::new(
        ProblemCode::BadRequest,
        "The request body is not valid JSON",
    )
    .detail(e.to_string())
}

/// A query string decoded into `T`; unknown values are 422.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let query = parts.uri.query().unwrap_or("");
        serde_urlencoded::from_str(query)
            .map(ApiQuery)
            .map_err(|e| {
                let mut err = ApiError::invalid_field("query", "invalid");
                err.problem.detail = Some(e.to_string());
                err
            })
    }
}

/// The caller's bearer token, if any, checked. A token that is present but
/// invalid is 401 (never silently treated as anonymous).
pub struct MaybeCaller(pub Option<Caller>);

impl FromRequestParts<AppState> for MaybeCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let Some(value) = parts.headers.get(header::AUTHORIZATION) else {
            return Ok(MaybeCaller(None));
        };
        let token = value
            .to_str()
            .ok()
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(str::trim)
            .ok_or_else(|| unauthorized("Use Authorization: Bearer <token>"))?;
        let now = crate::db::now_millis() / 1000;
        state
            .keys
            .verify(token, now)
            .map(|caller| MaybeCaller(Some(caller)))
            .map_err(unauthorized)
    }
}

fn unauthorized(detail: &str) -> ApiError {
    ApiError::new(
        ProblemCode::Unauthorized,
        "A valid participant token is needed",
    )
    .detail(detail)
}

/// A participant (anonymous or signed in by the host site): required.
#[derive(Debug, Clone)]
pub struct Participant {
    pub id: String,
    pub kind: ParticipantKind,
}

impl FromRequestParts<AppState> for Participant {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        match MaybeCaller::from_request_parts(parts, state).await?.0 {
            Some(Caller::Participant { id, kind }) => Ok(Participant { id, kind }),
            Some(Caller::Moderator) => Err(ApiError::new(
                ProblemCode::Forbidden,
                "A moderator token cannot act as a participant",
            )),
            None => Err(unauthorized(
                "Create a participant with POST /v1/participants",
            )),
        }
    }
}

/// An optional participant, for reads that show "my" reactions or ballot.
pub struct MaybeParticipant(pub Option<Participant>);

impl FromRequestParts<AppState> for MaybeParticipant {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        Ok(MaybeParticipant(
            match MaybeCaller::from_request_parts(parts, state).await?.0 {
                Some(Caller::Participant { id, kind }) => Some(Participant { id, kind }),
                _ => None,
            },
        ))
    }
}

/// The moderator: the configured moderator token, required.
pub struct Moderator;

impl FromRequestParts<AppState> for Moderator {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if state.keys.moderator_digest.is_none() {
            return Err(ApiError::new(
                ProblemCode::Forbidden,
                "Moderation is off: start the server with --moderator-token",
            ));
        }
        match MaybeCaller::from_request_parts(parts, state).await?.0 {
            Some(Caller::Moderator) => Ok(Moderator),
            Some(_) => Err(ApiError::new(
                ProblemCode::Forbidden,
                "Only moderators may do this",
            )),
            None => Err(unauthorized("Send the moderator token as a bearer token")),
        }
    }
}

/// The client's address: the connection's peer, or the last
/// `X-Forwarded-For` hop behind a trusted proxy.
pub struct ClientIp(pub IpAddr);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if state.settings.trust_forwarded_for {
            if let Some(ip) = forwarded_for(&parts.headers) {
                return Ok(ClientIp(ip));
            }
        }
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip())
            .unwrap_or(IpAddr::from([127, 0, 0, 1]));
        Ok(ClientIp(peer))
    }
}

fn forwarded_for(headers: &HeaderMap) -> Option<IpAddr> {
    headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|hop| hop.trim().parse().ok())
        .next_back()
}

/// The `Idempotency-Key` header: 1 to 255 visible ASCII characters.
pub struct IdempotencyKey(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for IdempotencyKey {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let Some(value) = parts.headers.get("idempotency-key") else {
            return Ok(IdempotencyKey(None));
        };
        let key = value
            .to_str()
            .ok()
            .map(|k| k.trim().trim_matches('"'))
            .filter(|k| !k.is_empty() && k.len() <= 255 && k.bytes().all(|b| b.is_ascii_graphic()))
            .ok_or_else(|| ApiError::invalid_field("Idempotency-Key", "invalid"))?;
        Ok(IdempotencyKey(Some(key.to_owned())))
    }
}

/// A participant's change: the participant and the decoded JSON body, with
/// what [`idempotency::run`] needs to run it at most once per key and count
/// it against the rate limits (of the participant and of the client
/// address). A repeat is the same method, path and body. Refusals come in
/// the order the parts are read: the token, the key, then the body.
pub struct ChangeRequest<T> {
    pub who: Participant,
    pub body: T,
    pub change: idempotency::Change,
}

impl<T: DeserializeOwned> FromRequest<AppState> for ChangeRequest<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, ApiError> {
        let (mut parts, body) = req.into_parts();
        let who = Participant::from_request_parts(&mut parts, state).await?;
        let ClientIp(ip) = ClientIp::from_request_parts(&mut parts, state).await?;
        let IdempotencyKey(key) = IdempotencyKey::from_request_parts(&mut parts, state).await?;
        let Ok(OriginalUri(uri)) = OriginalUri::from_request_parts(&mut parts, state).await;
        let method = parts.method.clone();
        let body = JsonBody::<T>::from_request(Request::from_parts(parts, body), state).await?;
        let change = idempotency::Change {
            participant: who.id.clone(),
            key,
            fingerprint: idempotency::fingerprint(method.as_str(), uri.path(), &body.raw),
            limits: rate_limit::Buckets::of(&state.settings, Some(&who.id), ip),
        };
        Ok(ChangeRequest {
            who,
            body: body.value,
            change,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use plaza_contract::NewArgument;

    #[test]
    fn syntax_errors_and_shape_errors_are_told_apart() {
        let bad_syntax = decode_json::<NewArgument>(br#"{"stance": "for", "text": "#).unwrap_err();
        assert_eq!(bad_syntax.problem.code, ProblemCode::BadRequest);
        let wrong_type = decode_json::<NewArgument>(br#"{"stance": -1, "text": "x"}"#).unwrap_err();
        assert_eq!(wrong_type.problem.code, ProblemCode::ValidationFailed);
        assert_eq!(wrong_type.problem.errors[0].field, "stance");
        let trailing =
            decode_json::<NewArgument>(br#"{"stance": "for", "text": "x"} []"#).unwrap_err();
        assert_eq!(trailing.problem.code, ProblemCode::BadRequest);
        let array = decode_json::<NewArgument>(br#"["for", "x"]"#).unwrap_err();
        assert_eq!(array.problem.code, ProblemCode::ValidationFailed);
        assert!(decode_json::<NewArgument>(br#"{"stance": "for", "text": "x"}"#).is_ok());
    }

    #[test]
    fn the_last_forwarded_hop_is_the_client() {
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            "203.0.113.9, 198.51.100.7".parse().unwrap(),
        );
        assert_eq!(
            forwarded_for(&headers),
            Some("198.51.100.7".parse().unwrap())
        );
    }
}
