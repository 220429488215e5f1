//! Request extractors that answer with problem documents: JSON bodies,
//! query strings, the caller's identity, the client address, the
//! idempotency key, and all of these together for a participant's change.

use std::net::{IpAddr, SocketAddr};

use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, OriginalUri, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue};
use plaza_contract::{decode_body, decode_query, is_json_media_type, Problem, ProblemCode};
use serde::de::DeserializeOwned;

use crate::error::ApiError;
use crate::identity::{Caller, ParticipantKind};
use crate::state::AppState;
use crate::{idempotency, rate_limit};

/// A JSON body, decoded, with the raw bytes it came from (for the
/// idempotency fingerprint). Malformed JSON is 400 `bad_request`; JSON of
/// the wrong shape is 422 `validation_failed` naming the field; another
/// content type is 415 (the contract's `decode_body` and
/// `is_json_media_type`). Its size was limited by `middleware::limit_body`.
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
            .is_some_and(is_json_media_type);
        if !is_json {
            return Err(Problem::unsupported_media_type().into());
        }
        let raw = Bytes::from_request(req, state).await.map_err(|rejection| {
            ApiError::new(
                ProblemCode::BadRequest,
                "The request body could not be read",
            )
            .caused_by(rejection)
        })?;
        let value = decode_body(&raw)?;
        Ok(JsonBody { value, raw })
    }
}

/// A query string decoded into a contract query type (`decode_query`):
/// unknown values are 422.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        Ok(ApiQuery(decode_query(parts.uri.query().unwrap_or(""))?))
    }
}

/// The token of an `Authorization: Bearer …` header (the scheme's name in
/// any case, as HTTP allows), for every route that reads one.
pub fn bearer_token(value: &HeaderValue) -> Option<&str> {
    let value = value.to_str().ok()?;
    let (scheme, token) = (value.get(..7)?, value.get(7..)?);
    scheme.eq_ignore_ascii_case("bearer ").then(|| token.trim())
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
        let token =
            bearer_token(value).ok_or_else(|| unauthorized("Use Authorization: Bearer <token>"))?;
        let now = crate::db::now_millis() / 1000;
        match state.keys.verify(token, now) {
            Ok(caller) => Ok(MaybeCaller(Some(caller))),
            Err(why) => {
                // Guessing tokens costs: failures are limited per network.
                // A read's failure is counted in memory: a read writes nothing.
                let ClientIp(ip) = ClientIp::from_request_parts(parts, state).await?;
                let network = state.keys.network_of(ip);
                let buckets = rate_limit::Buckets::auth_failure(&state.settings, &network);
                if parts.method.is_safe() {
                    rate_limit::refuse_if_over(&state.db, &buckets).await?;
                    state.read_failures.count(&buckets)?;
                } else {
                    rate_limit::check(&state.db, buckets).await?;
                }
                Err(unauthorized(why))
            }
        }
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
            Some(Caller::Moderator | Caller::Staff { .. }) => Err(ApiError::new(
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
pub struct Moderator {
    /// Who the moderation log records: `staff:<id>` or `moderator-token`.
    pub staff: String,
}

impl FromRequestParts<AppState> for Moderator {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if state.keys.moderator_digest.is_none() && state.keys.host_secret.is_none() {
            return Err(ApiError::new(
                ProblemCode::Forbidden,
                "Moderation is off: start the server with --moderator-token or --host-secret",
            ));
        }
        match MaybeCaller::from_request_parts(parts, state).await?.0 {
            Some(Caller::Moderator) => Ok(Moderator {
                staff: plaza_contract::MODERATOR_TOKEN_STAFF.to_owned(),
            }),
            Some(Caller::Staff { id }) => Ok(Moderator {
                staff: plaza_contract::staff_name(&id),
            }),
            Some(_) => Err(ApiError::new(
                ProblemCode::Forbidden,
                "Only moderators may do this",
            )),
            None => Err(unauthorized(
                "Send the moderator token, or a staff member's token, as a bearer token",
            )),
        }
    }
}

/// The client's address: the connection's peer, or, behind proxies the
/// server trusts, the hop of `X-Forwarded-For` they got the request from.
pub struct ClientIp(pub IpAddr);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip())
            .unwrap_or(IpAddr::from([127, 0, 0, 1]));
        let hops: Vec<IpAddr> = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|hop| hop.trim().parse().ok())
            .collect();
        let s = &state.settings;
        Ok(ClientIp(client_ip(
            peer,
            &hops,
            &s.trusted_proxies,
            s.trust_forwarded_for,
        )))
    }
}

/// `peer` connected with `hops` in `X-Forwarded-For` (oldest first). A
/// trusted proxy's request comes from the right-most hop that is not a
/// trusted proxy itself; anyone else's from the peer, whatever it claims.
/// `trust_any`: every peer is a proxy of one hop (the last one is the client).
pub fn client_ip(
    peer: IpAddr,
    hops: &[IpAddr],
    trusted: &[ipnet::IpNet],
    trust_any: bool,
) -> IpAddr {
    let is_proxy = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if trust_any {
        return hops.last().copied().unwrap_or(peer);
    }
    if !is_proxy(&peer) {
        return peer;
    }
    hops.iter()
        .rev()
        .find(|hop| !is_proxy(hop))
        // Every hop a proxy: the first one the chain knows.
        .or(hops.first())
        .copied()
        .unwrap_or(peer)
}

/// The `Idempotency-Key` header, read by the contract's rule.
pub struct IdempotencyKey(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for IdempotencyKey {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let Some(value) = parts.headers.get("idempotency-key") else {
            return Ok(IdempotencyKey(None));
        };
        // A value that is not text is no key either.
        let key = plaza_contract::idempotency_key(value.to_str().unwrap_or(""))?;
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
    /// The client's network, as a keyed hash (see `Keys::network_of`).
    pub network: String,
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
        let network = state.keys.network_of(ip);
        let change = idempotency::Change {
            participant: who.id.clone(),
            key,
            fingerprint: idempotency::fingerprint(method.as_str(), uri.path(), &body.raw),
            limits: rate_limit::Buckets::of(&state.settings, Some(&who.id), &network),
        };
        Ok(ChangeRequest {
            who,
            body: body.value,
            change,
            network,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn behind_trusted_proxies_the_client_is_the_first_untrusted_hop_from_the_right() {
        let trusted: Vec<ipnet::IpNet> = vec![
            "10.0.0.0/8".parse().unwrap(),
            "2001:db8:cd::/48".parse().unwrap(),
        ];
        // resident → CDN (2001:db8:cd::5) → load balancer (10.0.0.2) → server
        let hops = [ip("203.0.113.9"), ip("2001:db8:cd::5")];
        assert_eq!(
            client_ip(ip("10.0.0.2"), &hops, &trusted, false),
            ip("203.0.113.9")
        );
        // A forged hop on the left changes nothing.
        let forged = [ip("1.2.3.4"), ip("203.0.113.9"), ip("2001:db8:cd::5")];
        assert_eq!(
            client_ip(ip("10.0.0.2"), &forged, &trusted, false),
            ip("203.0.113.9")
        );
        // Someone connecting directly is who they are, whatever they claim.
        assert_eq!(
            client_ip(ip("198.51.100.7"), &hops, &trusted, false),
            ip("198.51.100.7")
        );
        // No header behind a proxy: the proxy.
        assert_eq!(
            client_ip(ip("10.0.0.2"), &[], &trusted, false),
            ip("10.0.0.2")
        );
    }

    #[test]
    fn trusting_any_peer_takes_the_last_hop() {
        let hops = [ip("203.0.113.9"), ip("198.51.100.7")];
        assert_eq!(
            client_ip(ip("127.0.0.1"), &hops, &[], true),
            ip("198.51.100.7")
        );
        assert_eq!(
            client_ip(ip("127.0.0.1"), &hops, &[], false),
            ip("127.0.0.1")
        );
    }

    #[test]
    fn a_bearer_token_is_read_whatever_the_schemes_case() {
        let token = |v: &str| bearer_token(&HeaderValue::from_str(v).unwrap()).map(str::to_owned);
        assert_eq!(token("Bearer abc"), Some("abc".into()));
        assert_eq!(token("bEaReR  abc "), Some("abc".into()));
        assert_eq!(token("Basic abc"), None);
        assert_eq!(token("Bearer"), None);
        assert_eq!(token("Bearerabc"), None);
        assert_eq!(token("Bear\u{e9}r abc"), None);
    }
}
