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

/// The least length of the host secret and the moderator token: a shorter
/// host secret can be found offline from any resident's token.
pub const MIN_SECRET_BYTES: usize = 32;

/// Refuses a host secret or moderator token shorter than
/// [`MIN_SECRET_BYTES`], saying how to make one.
pub fn check_secrets(host_secret: Option<&str>, moderator: Option<&str>) -> Result<(), String> {
    for (option, value) in [
        ("--host-secret", host_secret),
        ("--moderator-token", moderator),
    ] {
        if let Some(v) = value.filter(|v| v.len() < MIN_SECRET_BYTES) {
            return Err(format!(
                "{option} is {} bytes; it must be at least {MIN_SECRET_BYTES}, random: \
                 `plaza-server secret` prints one (or `openssl rand -base64 32`)",
                v.len()
            ));
        }
    }
    Ok(())
}

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
    Participant {
        id: String,
        kind: ParticipantKind,
    },
    Moderator,
    /// A staff member the city's site signed in (a host token with
    /// `"role": "staff"`): a moderator, recorded by the token's `sub`.
    Staff {
        id: String,
    },
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
    /// The `aud` a host token must name (this Plaza, not another service
    /// that shares the city's signing secret).
    pub audience: String,
    /// The `iss` a host token must name, when the server is given one.
    pub issuer: Option<String>,
    /// How long an anonymous token is good for, in seconds; then it is
    /// renewed (`POST /v1/participants` with it), the participant kept.
    pub anonymous_ttl_secs: i64,
}

/// An anonymous token's life unless the server is told another: 90 days.
pub const DEFAULT_ANONYMOUS_TTL_SECS: i64 = 90 * 24 * 3600;

/// The audience of host tokens unless the server is told another.
pub const DEFAULT_AUDIENCE: &str = "plaza";

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
            audience: DEFAULT_AUDIENCE.to_owned(),
            issuer: None,
            anonymous_ttl_secs: DEFAULT_ANONYMOUS_TTL_SECS,
        }
    }

    /// Anonymous tokens are good for `secs`.
    pub fn with_anonymous_ttl(mut self, secs: i64) -> Keys {
        self.anonymous_ttl_secs = secs.max(60);
        self
    }

    /// Host tokens must name `audience`, and `issuer` when given.
    pub fn with_host_claims(mut self, audience: &str, issuer: Option<&str>) -> Keys {
        self.audience = audience.to_owned();
        self.issuer = issuer.map(str::to_owned);
        self
    }

    /// The network a client address belongs to, as a keyed hash (the
    /// address itself is never stored): the address for IPv4, its /56 for
    /// IPv6 (providers give a household a /56 as a rule, RIPE-690: counted
    /// by /64, one household would be 256 networks to the limits and to
    /// the flags that hide content).
    pub fn network_of(&self, ip: std::net::IpAddr) -> String {
        let prefix = match ip {
            std::net::IpAddr::V4(v4) => v4.to_string(),
            std::net::IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => v4.to_string(),
                None => {
                    let s = v6.segments();
                    format!("{:x}:{:x}:{:x}:{:x}::/56", s[0], s[1], s[2], s[3] & 0xff00)
                }
            },
        };
        let digest = self
            .mac(&self.server_key, &format!("network:{prefix}"))
            .finalize()
            .into_bytes();
        digest[..12].iter().map(|b| format!("{b:02x}")).collect()
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

    /// `anon.<participant_id>.<issued, Unix seconds>.<MAC>`.
    pub fn mint_anonymous(&self, participant_id: &str, now: i64) -> String {
        let body = format!("{ANON_PREFIX}{participant_id}.{now}");
        let tag = self.mac(&self.server_key, &body).finalize().into_bytes();
        format!("{body}.{}", URL_SAFE_NO_PAD.encode(tag))
    }

    /// The participant of an anonymous token this server signed, expired
    /// or not, and when it was issued (0 for a token of the first format,
    /// which had no date).
    fn anonymous(&self, token: &str) -> Result<(String, i64), &'static str> {
        let (body, tag) = token.rsplit_once('.').ok_or("malformed token")?;
        let rest = body.strip_prefix(ANON_PREFIX).ok_or("malformed token")?;
        let tag = URL_SAFE_NO_PAD.decode(tag).map_err(|_| "malformed token")?;
        self.mac(&self.server_key, body)
            .verify_slice(&tag)
            .map_err(|_| "invalid token")?;
        Ok(match rest.rsplit_once('.') {
            Some((id, issued)) => (
                id.to_owned(),
                issued.parse().map_err(|_| "malformed token")?,
            ),
            None => (rest.to_owned(), 0),
        })
    }

    /// The participant whose anonymous token this is, if the server signed
    /// it, even expired: `POST /v1/participants` with it renews the token
    /// and keeps the participant (their ballot, their contributions).
    pub fn renewable(&self, token: &str) -> Option<String> {
        token
            .starts_with(ANON_PREFIX)
            .then(|| self.anonymous(token).ok())
            .flatten()
            .map(|(id, _)| id)
    }

    /// The caller a bearer token stands for, at `now` (Unix seconds).
    pub fn verify(&self, token: &str, now: i64) -> Result<Caller, &'static str> {
        if let Some(digest) = &self.moderator_digest {
            if Sha256::digest(token.as_bytes()).as_slice() == digest {
                return Ok(Caller::Moderator);
            }
        }
        if token.starts_with(ANON_PREFIX) {
            return self.verify_anonymous(token, now);
        }
        self.verify_host(token, now)
    }

    fn verify_anonymous(&self, token: &str, now: i64) -> Result<Caller, &'static str> {
        let (id, issued) = self.anonymous(token)?;
        if now - issued > self.anonymous_ttl_secs {
            return Err("expired token: renew it with POST /v1/participants");
        }
        Ok(Caller::Participant {
            id,
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
        if !claims.aud.names(&self.audience) {
            return Err("token not meant for this server (aud)");
        }
        if self
            .issuer
            .as_ref()
            .is_some_and(|i| claims.iss.as_ref() != Some(i))
        {
            return Err("token from another issuer (iss)");
        }
        if claims.role.as_deref() == Some(STAFF_ROLE) {
            return Ok(Caller::Staff { id: claims.sub });
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

    /// What tells this server key from another, without revealing it: a
    /// database records it, so that no process starts on it with another
    /// key (every resident's id, and so their ballot, would change).
    pub fn fingerprint(&self) -> String {
        let tag = self
            .mac(&self.server_key, "fingerprint")
            .finalize()
            .into_bytes();
        URL_SAFE_NO_PAD.encode(tag)[..22].to_owned()
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
    #[serde(default)]
    aud: Audience,
    #[serde(default)]
    iss: Option<String>,
    /// `staff` for city staff; residents' tokens have none.
    #[serde(default)]
    role: Option<String>,
}

/// The `role` claim of a staff member's host token.
pub const STAFF_ROLE: &str = "staff";

/// A JWT's `aud`: one name or several (RFC 7519).
#[derive(Deserialize, Default)]
#[serde(untagged)]
enum Audience {
    #[default]
    None,
    One(String),
    Several(Vec<String>),
}

impl Audience {
    fn names(&self, audience: &str) -> bool {
        match self {
            Audience::None => false,
            Audience::One(a) => a == audience,
            Audience::Several(all) => all.iter().any(|a| a == audience),
        }
    }
}

fn decode_part<T: for<'de> Deserialize<'de>>(part: &str) -> Result<T, &'static str> {
    let bytes = URL_SAFE_NO_PAD
        .decode(part)
        .map_err(|_| "malformed token")?;
    serde_json::from_slice(&bytes).map_err(|_| "malformed token")
}

/// What a city's site does to sign in a resident: an HS256 JWT with `sub`,
/// `exp` and `aud` ([`DEFAULT_AUDIENCE`]). Used by the tests; the README
/// shows the same in Python and Node.
pub fn mint_host_token(secret: &str, resident: &str, expires_at: i64) -> String {
    mint_host_token_for(secret, resident, expires_at, DEFAULT_AUDIENCE, None, None)
}

/// [`mint_host_token`] for another audience, with an issuer and a role
/// ([`STAFF_ROLE`] for city staff) (`plaza-server host-token`).
pub fn mint_host_token_for(
    secret: &str,
    resident: &str,
    expires_at: i64,
    audience: &str,
    issuer: Option<&str>,
    role: Option<&str>,
) -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
    let mut claims = serde_json::json!({ "sub": resident, "exp": expires_at, "aud": audience });
    if let Some(iss) = issuer {
        claims["iss"] = iss.into();
    }
    if let Some(role) = role {
        claims["role"] = role.into();
    }
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

    #[test]
    fn short_secrets_are_refused_with_how_to_make_one() {
        let long = "x".repeat(MIN_SECRET_BYTES);
        assert!(check_secrets(Some(&long), Some(&long)).is_ok());
        assert!(check_secrets(None, None).is_ok());
        let e = check_secrets(Some("short"), None).unwrap_err();
        assert!(
            e.contains("--host-secret") && e.contains("plaza-server secret"),
            "{e}"
        );
        assert!(check_secrets(None, Some(&long[1..])).is_err());
    }

    #[test]
    fn a_network_is_an_ipv4_address_or_an_ipv6_slash_56_never_stored_as_such() {
        let k = keys();
        let net = |a: &str| k.network_of(a.parse().unwrap());
        assert_eq!(net("2001:db8:1:2::1"), net("2001:db8:1:2:ffff::9"));
        // The /64s of one household's /56.
        assert_eq!(net("2001:db8:1:200::1"), net("2001:db8:1:2ff::1"));
        assert_ne!(net("2001:db8:1:200::1"), net("2001:db8:1:300::1"));
        assert_ne!(net("192.0.2.1"), net("192.0.2.2"));
        assert_eq!(net("::ffff:192.0.2.1"), net("192.0.2.1"));
        assert!(!net("192.0.2.1").contains("192"));
    }

    fn keys() -> Keys {
        Keys::new(
            b"server key".to_vec(),
            Some("city secret"),
            Some("mod-token"),
        )
    }

    #[test]
    fn a_staff_token_is_a_staff_member_not_a_resident() {
        let exp = i64::MAX / 2;
        let staff = mint_host_token_for(
            "city secret",
            "planner-7",
            exp,
            DEFAULT_AUDIENCE,
            None,
            Some(STAFF_ROLE),
        );
        assert_eq!(
            keys().verify(&staff, 0),
            Ok(Caller::Staff {
                id: "planner-7".into()
            })
        );
        // Another role is a resident like any other.
        let other = mint_host_token_for(
            "city secret",
            "r",
            exp,
            DEFAULT_AUDIENCE,
            None,
            Some("admin"),
        );
        assert!(matches!(
            keys().verify(&other, 0),
            Ok(Caller::Participant { .. })
        ));
        // A forged staff token is no one.
        let forged = mint_host_token_for(
            "not the secret",
            "planner-7",
            exp,
            DEFAULT_AUDIENCE,
            None,
            Some(STAFF_ROLE),
        );
        assert!(keys().verify(&forged, 0).is_err());
    }

    #[test]
    fn host_tokens_must_name_this_server_and_its_issuer() {
        let exp = i64::MAX / 2;
        let k = keys().with_host_claims("plaza-saint-aubin", Some("https://saint-aubin.example"));
        let good = mint_host_token_for(
            "city secret",
            "r",
            exp,
            "plaza-saint-aubin",
            Some("https://saint-aubin.example"),
            None,
        );
        assert!(k.verify(&good, 0).is_ok());
        for bad in [
            mint_host_token_for(
                "city secret",
                "r",
                exp,
                "another-service",
                Some("https://saint-aubin.example"),
                None,
            ),
            mint_host_token_for("city secret", "r", exp, "plaza-saint-aubin", None, None),
            mint_host_token_for(
                "city secret",
                "r",
                exp,
                "plaza-saint-aubin",
                Some("https://elsewhere.example"),
                None,
            ),
        ] {
            assert!(k.verify(&bad, 0).is_err());
        }
        // Without an issuer configured, the audience alone is checked.
        let plain = keys();
        assert!(plain
            .verify(&mint_host_token("city secret", "r", exp), 0)
            .is_ok());
        assert!(plain
            .verify(
                &mint_host_token_for("city secret", "r", exp, "other", None, None),
                0
            )
            .is_err());
    }

    #[test]
    fn anonymous_tokens_verify_and_resist_tampering() {
        let k = keys();
        let token = k.mint_anonymous("p-123", 0);
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
    fn anonymous_tokens_expire_and_renew_for_the_same_participant() {
        let k = keys().with_anonymous_ttl(3600);
        let token = k.mint_anonymous("p-123", 1_000);
        assert!(k.verify(&token, 1_000 + 3600).is_ok());
        assert!(k.verify(&token, 1_000 + 3601).is_err(), "expired");
        assert_eq!(k.renewable(&token).as_deref(), Some("p-123"));
        // A token of another server, or forged, renews nothing.
        let other = Keys::new(b"other".to_vec(), None, None).mint_anonymous("p-123", 1_000);
        assert_eq!(k.renewable(&other), None);
        assert_eq!(k.renewable(&token.replace("p-123", "p-999")), None);
        // A token of the first format (no date) must be renewed.
        let body = "anon.p-7";
        let tag = URL_SAFE_NO_PAD.encode(k.mac(&k.server_key, body).finalize().into_bytes());
        let old = format!("{body}.{tag}");
        assert!(k.verify(&old, 1_700_000_000).is_err());
        assert_eq!(k.renewable(&old).as_deref(), Some("p-7"));
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
