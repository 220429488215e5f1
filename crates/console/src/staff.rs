//! Who the console is signed in as, for the header. The server checks the
//! token on every request; this only reads its `sub` to show a name, so a
//! staff member can see whose actions the log will record.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::Deserialize;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignedIn {
    /// A staff member's token signed by the city's site.
    Staff(String),
    /// Anything else: the configured moderator token, used by scripts.
    ModeratorToken,
}

#[derive(Deserialize)]
struct Claims {
    sub: String,
}

/// Who `token` says it is.
pub fn signed_in(token: &str) -> SignedIn {
    let mut parts = token.split('.');
    let (Some(_), Some(payload), Some(_), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return SignedIn::ModeratorToken;
    };
    URL_SAFE_NO_PAD
        .decode(payload)
        .ok()
        .and_then(|bytes| serde_json::from_slice::<Claims>(&bytes).ok())
        .map(|claims| claims.sub.trim().chars().take(120).collect::<String>())
        .filter(|sub| !sub.is_empty())
        .map_or(SignedIn::ModeratorToken, SignedIn::Staff)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(claims: &str) -> String {
        format!("e30.{}.c2ln", URL_SAFE_NO_PAD.encode(claims))
    }

    #[test]
    fn a_staff_token_names_its_subject() {
        assert_eq!(
            signed_in(&token(r#"{"sub":"planner@city.example","role":"staff"}"#)),
            SignedIn::Staff("planner@city.example".into())
        );
    }

    #[test]
    fn anything_else_is_the_moderator_token() {
        for other in [
            "a-long-moderator-token".to_string(),
            token(r#"{"role":"staff"}"#),
            token(r#"{"sub":"   "}"#),
            "a.b.c.d".into(),
            "x.!!!.y".into(),
            token("not json"),
        ] {
            assert_eq!(signed_in(&other), SignedIn::ModeratorToken, "{other}");
        }
    }
}
