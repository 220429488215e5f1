//! Opaque pagination cursors, the same on every backend: the sort key of
//! the last item of a page, so that the next page starts after it (keyset
//! pagination: an item posted between two pages neither repeats nor hides
//! one, and on a database each page is one index range scan), with the
//! list it was made for.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};

use crate::request::has_nul;
use crate::{ArgumentSort, Problem, Stance};

/// The list a cursor is made for: what it lists, of what, in which order.
/// A cursor given to another list (another deliberation's, another order's)
/// is refused like one the backend did not make: its key would be read as
/// a place in a list it is not from, and the page would start anywhere.
#[derive(Debug, Clone, PartialEq)]
pub struct List(Value);

impl List {
    pub fn deliberations() -> List {
        List(json!(["deliberations"]))
    }

    pub fn arguments(deliberation: &str, stance: Option<Stance>, sort: ArgumentSort) -> List {
        List(json!(["arguments", deliberation, stance, sort]))
    }

    pub fn comments(argument: &str) -> List {
        List(json!(["comments", argument]))
    }

    pub fn proposals(deliberation: &str) -> List {
        List(json!(["proposals", deliberation]))
    }

    /// The moderation queue, of one deliberation or all.
    pub fn flagged(deliberation: Option<&str>) -> List {
        List(json!(["flagged", deliberation]))
    }

    /// The staff's moderation log, of one deliberation or all.
    pub fn moderation_log(deliberation: Option<&str>) -> List {
        List(json!(["moderation", deliberation]))
    }

    /// The public moderation log of a deliberation.
    pub fn public_moderation_log(deliberation: &str) -> List {
        List(json!(["public-moderation", deliberation]))
    }
}

pub fn encode<K: Serialize>(list: &List, key: &K) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(&(&list.0, key)).unwrap_or_default())
}

/// The key in `cursor`, made for `list`; a cursor the backend did not make,
/// or made for another list, is 422. So is one with a NUL character in a
/// string (`\u0000` in its JSON): no id has one, and PostgreSQL refuses it
/// in a text parameter (a 500, where SQLite would answer).
pub fn decode<K: DeserializeOwned>(list: &List, cursor: &str) -> Result<K, Problem> {
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|bytes| serde_json::from_slice::<Value>(&bytes).ok())
        .filter(|value| !has_nul(value))
        .and_then(|value| match value {
            // A list's name is an array, and no key starts with one.
            Value::Array(ref parts) if parts.first().is_some_and(Value::is_array) => {
                serde_json::from_value::<(Value, K)>(value)
                    .ok()
                    .filter(|(made_for, _)| *made_for == list.0)
                    .map(|(_, key)| key)
            }
            // The key alone: a cursor made before cursors named their list
            // (December 2026), still read so that a page left open across
            // an upgrade keeps paging; it is not checked against a list.
            // (This holds while every list's key starts with a number or a
            // string, as each does.)
            legacy => serde_json::from_value(legacy).ok(),
        })
        .ok_or_else(|| Problem::invalid_field("cursor", "invalid"))
}

/// The key of an optional cursor for `list` (an empty one is none).
pub fn optional<K: DeserializeOwned>(
    list: &List,
    cursor: Option<&str>,
) -> Result<Option<K>, Problem> {
    cursor
        .filter(|c| !c.is_empty())
        .map(|c| decode(list, c))
        .transpose()
}

/// Splits one row more than a page off `rows`: if it is there, there is a
/// next page of `list`, starting after the last row kept.
pub fn page<T, K: Serialize>(
    mut rows: Vec<T>,
    limit: u32,
    list: &List,
    key: impl Fn(&T) -> K,
) -> (Vec<T>, Option<String>) {
    let limit = limit as usize;
    if rows.len() > limit {
        rows.truncate(limit);
        let next = rows.last().map(|last| encode(list, &key(last)));
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
    list: &List,
    key: impl Fn(&T) -> K,
) -> (Vec<T>, Option<String>) {
    items.sort_by_cached_key(&key);
    let start = after.map_or(0, |after| items.partition_point(|item| key(item) <= *after));
    let end = start.saturating_add(limit as usize).saturating_add(1);
    items.truncate(end);
    page(items.split_off(start), limit, list, key)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list() -> List {
        List::arguments("rue-des-lilas", Some(Stance::For), ArgumentSort::Helpful)
    }

    #[test]
    fn cursors_round_trip_and_foreign_ones_are_refused() {
        let c = encode(&list(), &(41_i64, 1_700_000_000_000_i64, "arg-01"));
        let back: (i64, i64, String) = decode(&list(), &c).unwrap();
        assert_eq!(back, (41, 1_700_000_000_000, "arg-01".into()));
        assert!(decode::<(i64, i64, String)>(&list(), "10").is_err());
        assert!(decode::<(i64, i64, String)>(&list(), "' OR 1=1 --").is_err());
        let nul = URL_SAFE_NO_PAD.encode(
            r#"[["arguments","rue-des-lilas","for","helpful"],[41,1700000000000,"arg\u0000"]]"#,
        );
        assert!(decode::<(i64, i64, String)>(&list(), &nul).is_err());
        assert_eq!(optional::<i32>(&list(), Some("")).unwrap(), None);
    }

    #[test]
    fn a_cursor_is_refused_by_another_list_with_keys_of_its_shape() {
        let c = encode(&list(), &(41_i64, 1_700_000_000_000_i64, "arg-01"));
        for other in [
            List::arguments(
                "rue-des-lilas",
                Some(Stance::Against),
                ArgumentSort::Helpful,
            ),
            List::arguments("rue-des-lilas", Some(Stance::For), ArgumentSort::Recent),
            List::arguments("rue-des-lilas", None, ArgumentSort::Helpful),
            List::arguments("quai-nord", Some(Stance::For), ArgumentSort::Helpful),
        ] {
            assert!(
                decode::<(i64, i64, String)>(&other, &c).is_err(),
                "{other:?}"
            );
        }
        let replies = encode(&List::comments("arg-1"), &(1_i64, "c-1"));
        assert!(decode::<(i64, String)>(&List::comments("arg-2"), &replies).is_err());
        assert!(decode::<(i64, String)>(&List::proposals("arg-1"), &replies).is_err());
        let log = encode(&List::moderation_log(None), &(1_i64, "m-1"));
        assert!(decode::<(i64, String)>(&List::moderation_log(Some("d")), &log).is_err());
        assert!(decode::<(i64, String)>(&List::moderation_log(None), &log).is_ok());
    }

    #[test]
    fn a_cursor_made_before_cursors_named_their_list_is_read() {
        let old = URL_SAFE_NO_PAD.encode(r#"[41,1700000000000,"arg-01"]"#);
        let key: (i64, i64, String) = decode(&list(), &old).unwrap();
        assert_eq!(key, (41, 1_700_000_000_000, "arg-01".into()));
        let old_id = URL_SAFE_NO_PAD.encode(r#""rue-des-lilas""#);
        assert_eq!(
            decode::<String>(&List::deliberations(), &old_id).unwrap(),
            "rue-des-lilas"
        );
    }

    #[test]
    fn a_page_knows_whether_another_follows() {
        let (items, next) = page(vec![1, 2, 3], 2, &list(), |n| *n);
        assert_eq!(items, [1, 2]);
        assert_eq!(decode::<i32>(&list(), &next.unwrap()).unwrap(), 2);
        let (items, next) = page(vec![1, 2], 2, &list(), |n| *n);
        assert_eq!((items.len(), next), (2, None));
    }

    #[test]
    fn an_item_added_between_two_pages_repeats_nothing() {
        let (first, next) = page_in(vec![30, 10, 20, 40], None, 2, &list(), |n| *n);
        assert_eq!(first, [10, 20]);
        let after: i32 = decode(&list(), &next.unwrap()).unwrap();
        // 5 sorts before the cursor: an offset would show 20 again.
        let (rest, next) = page_in(vec![30, 10, 5, 20, 40], Some(&after), 2, &list(), |n| *n);
        assert_eq!((rest, next), (vec![30, 40], None));
        let (none, next) = page_in(vec![1, 2], Some(&9), 2, &list(), |n| *n);
        assert!(none.is_empty() && next.is_none());
    }
}
