//! The paths of contract v1, relative to the base URL, with ids and query
//! values percent-encoded. Pure, so that every address is tested natively.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use plaza_contract::{ArgumentSort, ReactionKind, Stance};

/// Everything but RFC 3986 unreserved characters is encoded, as
/// `encodeURIComponent` does (it also keeps `!'()*`, which we encode).
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

fn enc(value: &str) -> String {
    utf8_percent_encode(value, COMPONENT).to_string()
}

/// Which arguments to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ArgumentQuery {
    pub stance: Option<Stance>,
    pub sort: ArgumentSort,
    pub cursor: Option<String>,
}

/// `path?name=value&…`, leaving out absent parameters.
fn with_query(path: String, params: &[(&str, Option<&str>)]) -> String {
    let mut url = path;
    let mut sep = '?';
    for (name, value) in params {
        if let Some(value) = value {
            url.push(sep);
            url.push_str(name);
            url.push('=');
            url.push_str(&enc(value));
            sep = '&';
        }
    }
    url
}

pub fn deliberations(cursor: Option<&str>) -> String {
    with_query("/deliberations".to_owned(), &[("cursor", cursor)])
}

pub fn deliberation(id: &str) -> String {
    format!("/deliberations/{}", enc(id))
}

/// The arguments list (with `query`) or, with a default query, where to post one.
pub fn arguments(deliberation_id: &str, query: &ArgumentQuery) -> String {
    let path = format!("/deliberations/{}/arguments", enc(deliberation_id));
    if *query == ArgumentQuery::default() {
        return path;
    }
    with_query(
        path,
        &[
            ("stance", query.stance.map(Stance::as_str)),
            ("sort", Some(query.sort.as_str())),
            ("cursor", query.cursor.as_deref()),
        ],
    )
}

pub fn comments(argument_id: &str, cursor: Option<&str>) -> String {
    with_query(
        format!("/arguments/{}/comments", enc(argument_id)),
        &[("cursor", cursor)],
    )
}

pub fn reaction(argument_id: &str, kind: ReactionKind) -> String {
    format!(
        "/arguments/{}/reactions/{}",
        enc(argument_id),
        kind.as_str()
    )
}

pub fn proposals(deliberation_id: &str, cursor: Option<&str>) -> String {
    with_query(
        format!("/deliberations/{}/proposals", enc(deliberation_id)),
        &[("cursor", cursor)],
    )
}

pub fn poll(poll_id: &str) -> String {
    format!("/polls/{}", enc(poll_id))
}

pub fn ballot(poll_id: &str) -> String {
    format!("/polls/{}/ballot", enc(poll_id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_cannot_escape_their_segment() {
        assert_eq!(
            deliberation("no such/place"),
            "/deliberations/no%20such%2Fplace"
        );
        assert_eq!(
            deliberation("../admin?x=1#f"),
            "/deliberations/..%2Fadmin%3Fx%3D1%23f"
        );
        assert_eq!(poll("café"), "/polls/caf%C3%A9");
        assert_eq!(
            reaction("a-1", ReactionKind::ChangedMyMind),
            "/arguments/a-1/reactions/changed_my_mind"
        );
    }

    #[test]
    fn queries_leave_out_what_is_absent() {
        let q = ArgumentQuery {
            stance: Some(Stance::For),
            sort: ArgumentSort::Helpful,
            cursor: None,
        };
        assert_eq!(
            arguments("d", &q),
            "/deliberations/d/arguments?stance=for&sort=helpful"
        );
        let q = ArgumentQuery {
            cursor: Some("10&x=y".into()),
            ..q
        };
        assert_eq!(
            arguments("d", &q),
            "/deliberations/d/arguments?stance=for&sort=helpful&cursor=10%26x%3Dy"
        );
        assert_eq!(
            arguments("d", &ArgumentQuery::default()),
            "/deliberations/d/arguments"
        );
        assert_eq!(comments("a", Some("2")), "/arguments/a/comments?cursor=2");
        assert_eq!(deliberations(None), "/deliberations");
    }
}
