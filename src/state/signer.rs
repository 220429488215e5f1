//! Which signed-in resident submitted an item: a device shared by two
//! residents of the city's site (a library computer) must never send one's
//! waiting ballot or argument with the other's sign-in. The host page's
//! token is, for the reference server, a JWT whose `sub` names the
//! resident; the outbox keeps a hash of it (not the id itself) with each
//! item. A token of another form names nobody, and then only "signed in or
//! not" is told apart, as before.

use crate::backend::json;

#[derive(serde::Deserialize)]
struct Claims {
    sub: String,
}

/// The signer of `token`: a hash of its `sub` claim, if it is a JWT
/// whose payload says one.
pub fn signer_of(token: &str) -> Option<String> {
    let payload = token.split('.').nth(1)?;
    let text = String::from_utf8(base64url(payload)?).ok()?;
    let claims: Claims = json::from_text(&text).ok()?;
    (!claims.sub.is_empty()).then(|| format!("{:016x}", fnv1a(claims.sub.as_bytes())))
}

/// Whether an item submitted by `item` may be sent with a sign-in of
/// `sender`: the same resident, or one side names nobody.
pub fn same_signer(item: Option<&str>, sender: Option<&str>) -> bool {
    match (item, sender) {
        (Some(a), Some(b)) => a == b,
        _ => true,
    }
}

/// The bytes of unpadded base64url `text`; `None` if it is not that.
fn base64url(text: &str) -> Option<Vec<u8>> {
    let mut bytes = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in text.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' => 62,
            b'_' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            bytes.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(bytes)
}

/// FNV-1a, 64 bits: enough to tell the residents of one device apart.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, b| {
        (hash ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(payload: &str) -> String {
        // base64url without padding, as JWTs write it.
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let bits: Vec<bool> = payload
            .bytes()
            .flat_map(|b| (0..8).rev().map(move |i| b >> i & 1 == 1))
            .collect();
        let encoded: String = bits
            .chunks(6)
            .map(|c| {
                let v = c
                    .iter()
                    .enumerate()
                    .fold(0, |v, (i, b)| v | (usize::from(*b) << (5 - i)));
                ALPHABET[v] as char
            })
            .collect();
        format!("eyJhbGciOiJIUzI1NiJ9.{encoded}.c2lnbmF0dXJl")
    }

    #[test]
    fn a_jwt_names_its_resident_whatever_its_expiry() {
        let lea = signer_of(&token(r#"{"sub":"lea@example.org","exp":1}"#));
        assert!(lea.is_some());
        assert_eq!(
            lea,
            signer_of(&token(r#"{"exp":99,"sub":"lea@example.org"}"#))
        );
        assert_ne!(lea, signer_of(&token(r#"{"sub":"omar","exp":1}"#)));
        assert_eq!(signer_of(&token(r#"{"sub":"","exp":1}"#)), None);
        for other in ["opaque-token", "a.b!c.d", "", "x.e30.y"] {
            assert_eq!(signer_of(other), None, "{other}");
        }
    }

    #[test]
    fn an_item_goes_only_with_its_residents_sign_in() {
        assert!(same_signer(Some("1"), Some("1")));
        assert!(!same_signer(Some("1"), Some("2")));
        assert!(same_signer(None, Some("2")), "a token that names nobody");
        assert!(same_signer(Some("1"), None));
    }
}
