//! Who is calling, without cookies: bearer tokens of three kinds.
//!
//! * Anonymous participant tokens, `anon.<participant_id>.<mac>`, minted by
//!   `POST /v1/participants`. The MAC is HMAC-SHA256 under a key kept in the
//!   database (`settings`), so any server process checks any token without
//!   a lookup.
//! * Host-signed tokens: a JWT (RFC 7519) signed with HS256 by the city's
//!   own site, with the secret it shares with this server. Claims: `sub`
//!   (the resident's id on the city's site, required), `exp` (required),
//!   `nbf` (optional). The participant id is derived from `sub`, so one
//!   resident is one participant on every device.
//! * The moderator token, from the configuration.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::{Digest, Sha256};

type HmacSha256 = Hmac<Sha256>;

/// Clock difference tolerated between the city's site and this server.
const LEEWAY_SECS: i64 = 60;
const ANON_PREFIX: &str = "anon.";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParticipantKind {
    Anonymous,
    Host,
}

impl ParticipantKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ParticipantKind::Anonymous => "anonymous",
            ParticipantKind::Host => "host",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    Participant { id: String, kind: ParticipantKind },
    Moderator,
}

/// The secrets tokens are checked against.
#[derive(Clone)]
pub struct Keys {
    /// Signs anonymous tokens and derives host participant ids.
    pub server_key: Vec<u8>,
    pub host_secret: Option<Vec<u8>>,
    /// SHA-256 of the moderator token: compared as digests, so the time a
    /// comparison takes says nothing about the token.
    pub moderator_digest: Option<[u8; 32]>,
}

impl Keys {
    pub fn new(server_key: Vec<u8>, host_secret: Option<&str>, moderator: Option<&str>) -> Keys {
        Keys {
            server_key,
            host_secret: host_secret
                .filter(|s| !s.is_empty())
                .map(|s| s.as_bytes().to_vec()),
            moderator_digest: moderator
                .filter(|s| !s.is_empty())
                .map(|t| Sha256::digest(t.as_bytes()).into()),
        }
    }

    fn mac(&self, key: &[u8], message: &str) -> HmacSha256 {
        // HMAC takes keys of any length; `new_from_slice` cannot fail for it.
        let mut mac = match HmacSha256::new_from_slice(key) {
            Ok(mac) => mac,
            Err(_) => unreachable_hmac(),
        };
        mac.update(message.as_bytes());
        mac
    }

    pub fn mint_anonymous(&self, participant_id: &str) -> String {
        let body = format!("{ANON_PREFIX}{participant_id}");
        let tag = self.mac(&self.server_key, &body).finalize().into_bytes();
        format!("{body}.{}", URL_SAFE_NO_PAD.encode(tag))
    }

    /// The caller a bearer token stands for, at `now` (Unix seconds).
    pub fn verify(&self, token: &str, now: i64) -> Result<Caller, &'static str> {
        if let Some(digest) = &self.moderator_digest {
            if Sha256::digest(token.as_bytes()).as_slice() == digest {
                return Ok(Caller::Moderator);
            }
        }
        if token.starts_with(ANON_PREFIX) {
            return self.verify_anonymous(token);
        }
        self.verify_host(token, now)
    }

    fn verify_anonymous(&self, token: &str) -> Result<Caller, &'static str> {
        let (body, tag) = token.rsplit_once('.').ok_or("malformed token")?;
        let id = body.strip_prefix(ANON_PREFIX).ok_or("malformed token")?;
        let tag = URL_SAFE_NO_PAD.decode(tag).map_err(|_| "malformed token")?;
        self.mac(&self.server_key, body)
            .verify_slice(&tag)
            .map_err(|_| "invalid token")?;
        Ok(Caller::Participant {
            id: id.to_owned(),
            kind: ParticipantKind::Anonymous,
        })
    }

    fn verify_host(&self, token: &str, now: i64) -> Result<Caller, &'static str> {
        let secret = self.host_secret.as_deref().ok_or("invalid token")?;
        let mut parts = token.split('.');
        let (Some(header), Some(payload), Some(signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err("malformed token");
        };
        let header: JwtHeader = decode_part(header)?;
        // Only HS256: a token may not choose a weaker algorithm (or "none").
        if header.alg != "HS256" {
            return Err("unsupported token algorithm");
        }
        let signature = URL_SAFE_NO_PAD
            .decode(signature)
            .map_err(|_| "malformed token")?;
        let signed_len = token.len() - signature_len(token);
        self.mac(secret, &token[..signed_len])
            .verify_slice(&signature)
            .map_err(|_| "invalid token")?;
        let claims: HostClaims = decode_part(payload)?;
        if claims.sub.is_empty() || claims.sub.len() > 256 {
            return Err("invalid token subject");
        }
        if claims.exp + LEEWAY_SECS < now {
            return Err("expired token");
        }
        if claims.nbf.is_some_and(|nbf| nbf - LEEWAY_SECS > now) {
            return Err("token not valid yet");
        }
        Ok(Caller::Participant {
            id: self.host_participant_id(&claims.sub),
            kind: ParticipantKind::Host,
        })
    }

    /// A stable participant id for a resident of the host site, that does
    /// not reveal the resident's id.
    pub fn host_participant_id(&self, resident: &str) -> String {
        let tag = self
            .mac(&self.server_key, &format!("host:{resident}"))
            .finalize()
            .into_bytes();
        format!("h-{}", &URL_SAFE_NO_PAD.encode(tag)[..22])
    }
}

/// Bytes after the last dot, with the dot.
fn signature_len(token: &str) -> usize {
    token.rsplit_once('.').map_or(0, |(_, s)| s.len() + 1)
}

#[derive(Deserialize)]
struct JwtHeader {
    alg: String,
}

#[derive(Deserialize)]
struct HostClaims {
    sub: String,
    exp: i64,
    #[serde(default)]
    nbf: Option<i64>,
}

fn decode_part<T: for<'de> Deserialize<'de>>(part: &str) -> Result<T, &'static str> {
    let bytes = URL_SAFE_NO_PAD
        .decode(part)
        .map_err(|_| "malformed token")?;
    serde_json::from_slice(&bytes).map_err(|_| "malformed token")
}

/// What a city's site does to sign in a resident: an HS256 JWT with `sub`
/// and `exp`. Used by `plaza-server host-token` and the tests; the README
/// shows the same in Python and Node.
pub fn mint_host_token(secret: &str, resident: &str, expires_at: i64) -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
    let claims = serde_json::json!({ "sub": resident, "exp": expires_at });
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    let signing_input = format!("{header}.{payload}");
    let mut mac = match HmacSha256::new_from_slice(secret.as_bytes()) {
        Ok(mac) => mac,
        Err(_) => unreachable_hmac(),
    };
    mac.update(signing_input.as_bytes());
    let signature = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
    format!("{signing_input}.{signature}")
}

#[cold]
fn unreachable_hmac() -> ! {
    // `Hmac::new_from_slice` accepts every key length; this cannot happen.
    panic!("HMAC refused a key")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> Keys {
        Keys::new(
            b"server key".to_vec(),
            Some("city secret"),
            Some("mod-token"),
        )
    }

    #[test]
    fn anonymous_tokens_verify_and_resist_tampering() {
        let k = keys();
        let token = k.mint_anonymous("p-123");
        assert_eq!(
            k.verify(&token, 0),
            Ok(Caller::Participant {
                id: "p-123".into(),
                kind: ParticipantKind::Anonymous
            })
        );
        let forged = token.replace("p-123", "p-124");
        assert!(k.verify(&forged, 0).is_err());
        let other = Keys::new(b"other".to_vec(), None, None);
        assert!(other.verify(&token, 0).is_err());
    }

    #[test]
    fn host_tokens_verify_until_they_expire() {
        let k = keys();
        let token = mint_host_token("city secret", "resident-42", 1_000);
        let Ok(Caller::Participant { id, kind }) = k.verify(&token, 900) else {
            panic!("valid token refused")
        };
        assert_eq!(kind, ParticipantKind::Host);
        assert_eq!(id, k.host_participant_id("resident-42"));
        assert!(!id.contains("resident"));
        assert_eq!(
            k.verify(&token, 1_000 + LEEWAY_SECS + 1),
            Err("expired token")
        );
        let wrong = mint_host_token("not the secret", "resident-42", 1_000);
        assert_eq!(k.verify(&wrong, 900), Err("invalid token"));
    }

    #[test]
    fn host_tokens_cannot_pick_their_algorithm() {
        let k = keys();
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none"}"#);
        let payload = URL_SAFE_NO_PAD.encode(br#"{"sub":"x","exp":99999999999}"#);
        assert_eq!(
            k.verify(&format!("{header}.{payload}."), 0),
            Err("unsupported token algorithm")
        );
    }

    #[test]
    fn the_moderator_token_is_recognised_and_garbage_is_not() {
        let k = keys();
        assert_eq!(k.verify("mod-token", 0), Ok(Caller::Moderator));
        for junk in [
            "",
            "x",
            "a.b.c",
            "anon.",
            "anon.x.",
            "'; DROP TABLE ballots; --",
        ] {
            assert!(k.verify(junk, 0).is_err(), "{junk:?}");
        }
        let no_host = Keys::new(b"k".to_vec(), None, None);
        let token = mint_host_token("city secret", "r", i64::MAX / 2);
        assert!(no_host.verify(&token, 0).is_err());
    }
}
