//! Opaque pagination cursors: the sort key of the last item of a page, so
//! the next page starts after it (keyset pagination: stable under inserts,
//! and each page is one index range scan).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::ApiError;

pub fn encode<K: Serialize>(key: &K) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(key).unwrap_or_default())
}

/// The key in `cursor`; a cursor this server did not make is 422. So is one
/// with a NUL character in a string (`\u0000` in its JSON): no id has one,
/// and PostgreSQL refuses it in a text parameter (a 500, where SQLite
/// would answer).
pub fn decode<K: DeserializeOwned>(cursor: &str) -> Result<K, ApiError> {
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
        .filter(|value| !plaza_contract::has_nul(value))
        .and_then(|value| serde_json::from_value(value).ok())
        .ok_or_else(|| ApiError::invalid_field("cursor", "invalid"))
}

pub fn optional<K: DeserializeOwned>(cursor: Option<&str>) -> Result<Option<K>, ApiError> {
    cursor.filter(|c| !c.is_empty()).map(decode).transpose()
}

/// Splits one row more than a page off `rows`: if it is there, there is a
/// next page, starting after the last row kept.
pub fn page<T, K: Serialize>(
    mut rows: Vec<T>,
    limit: u32,
    key: impl Fn(&T) -> K,
) -> (Vec<T>, Option<String>) {
    let limit = limit as usize;
    if rows.len() > limit {
        rows.truncate(limit);
        let next = rows.last().map(|last| encode(&key(last)));
        (rows, next)
    } else {
        (rows, None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_foreign_ones_are_refused() {
        let c = encode(&(41_i64, 1_700_000_000_000_i64, "arg-01"));
        let back: (i64, i64, String) = decode(&c).unwrap();
        assert_eq!(back, (41, 1_700_000_000_000, "arg-01".into()));
        assert!(decode::<(i64, i64, String)>("10").is_err());
        assert!(decode::<(i64, i64, String)>("' OR 1=1 --").is_err());
        let nul = URL_SAFE_NO_PAD.encode(r#"[41,1700000000000,"arg\u0000"]"#);
        assert!(decode::<(i64, i64, String)>(&nul).is_err());
    }

    #[test]
    fn a_page_knows_whether_another_follows() {
        let (items, next) = page(vec![1, 2, 3], 2, |n| *n);
        assert_eq!(items, [1, 2]);
        assert_eq!(decode::<i32>(&next.unwrap()).unwrap(), 2);
        let (items, next) = page(vec![1, 2], 2, |n| *n);
        assert_eq!((items.len(), next), (2, None));
    }
}
