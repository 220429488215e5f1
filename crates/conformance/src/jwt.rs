//! Host-signed participant tokens, made the way a city's site makes them:
//! a compact JWT signed with HS256 (claims `sub`, `exp`, and `aud` naming
//! the reference server's default audience, `plaza`).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

pub fn hs256(secret: &str, subject: &str, expires_at: i64) -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
    let claims = serde_json::json!({"sub": subject, "exp": expires_at, "aud": "plaza"}).to_string();
    let input = format!("{header}.{}", URL_SAFE_NO_PAD.encode(claims));
    let signature = match Hmac::<Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(mut mac) => {
            mac.update(input.as_bytes());
            URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
        }
        Err(_) => String::new(),
    };
    format!("{input}.{signature}")
}
