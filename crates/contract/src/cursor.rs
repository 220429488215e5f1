//! Opaque pagination cursors, the same on every backend: the sort key of
//! the last item of a page, so that the next page starts after it (keyset
//! pagination: an item posted between two pages neither repeats nor hides
//! one, and on a database each page is one index range scan).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::request::has_nul;
use crate::Problem;

pub fn encode<K: Serialize>(key: &K) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(key).unwrap_or_default())
}

/// The key in `cursor`; a cursor the backend did not make is 422. So is one
/// with a NUL character in a string (`\u0000` in its JSON): no id has one,
/// and PostgreSQL refuses it in a text parameter (a 500, where SQLite
/// would answer).
pub fn decode<K: DeserializeOwned>(cursor: &str) -> Result<K, Problem> {
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
        .filter(|value| !has_nul(value))
        .and_then(|value| serde_json::from_value(value).ok())
        .ok_or_else(|| Problem::invalid_field("cursor", "invalid"))
}

/// The key of an optional cursor (an empty one is none).
pub fn optional<K: DeserializeOwned>(cursor: Option<&str>) -> Result<Option<K>, Problem> {
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

/// The page after `after` of `items`, for a backend that holds its lists
/// in memory: sorted by `key` (which must tell every two items apart), the
/// items whose key comes after `after`, `limit` of them.
pub fn page_in<T, K: Ord + Serialize>(
    mut items: Vec<T>,
    after: Option<&K>,
    limit: u32,
    key: impl Fn(&T) -> K,
) -> (Vec<T>, Option<String>) {
    items.sort_by_cached_key(&key);
    let start = after.map_or(0, |after| items.partition_point(|item| key(item) <= *after));
    let end = start.saturating_add(limit as usize).saturating_add(1);
    items.truncate(end);
    page(items.split_off(start), limit, key)
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
        assert_eq!(optional::<i32>(Some("")).unwrap(), None);
    }

    #[test]
    fn a_page_knows_whether_another_follows() {
        let (items, next) = page(vec![1, 2, 3], 2, |n| *n);
        assert_eq!(items, [1, 2]);
        assert_eq!(decode::<i32>(&next.unwrap()).unwrap(), 2);
        let (items, next) = page(vec![1, 2], 2, |n| *n);
        assert_eq!((items.len(), next), (2, None));
    }

    #[test]
    fn an_item_added_between_two_pages_repeats_nothing() {
        let (first, next) = page_in(vec![30, 10, 20, 40], None, 2, |n| *n);
        assert_eq!(first, [10, 20]);
        let after: i32 = decode(&next.unwrap()).unwrap();
        // 5 sorts before the cursor: an offset would show 20 again.
        let (rest, next) = page_in(vec![30, 10, 5, 20, 40], Some(&after), 2, |n| *n);
        assert_eq!((rest, next), (vec![30, 40], None));
        let (none, next) = page_in(vec![1, 2], Some(&9), 2, |n| *n);
        assert!(none.is_empty() && next.is_none());
    }
}
