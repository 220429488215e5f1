//! The operations of the contract, once: method, path template, who may
//! call it and which parameters it takes. The widget builds its addresses
//! from this table, `plaza-local` routes requests with it, the reference
//! server mounts its handlers on it, the conformance kit calls through it
//! and the OpenAPI document is generated from it.
//!
//! Templates are relative to the base URL (which ends in `/v1`) and name
//! their parameters `{like_this}`, the syntax of axum and OpenAPI alike.

use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// The path every backend serves the contract under, on its origin.
pub const BASE_PATH: &str = "/v1";

/// An HTTP method the contract uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HttpMethod {
    Get,
    Post,
    Put,
    Delete,
}

impl HttpMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
            HttpMethod::Put => "PUT",
            HttpMethod::Delete => "DELETE",
        }
    }

    /// `GET` → `Get`; methods the contract does not use are `None`.
    pub fn parse(method: &str) -> Option<Self> {
        match method {
            "GET" => Some(HttpMethod::Get),
            "POST" => Some(HttpMethod::Post),
            "PUT" => Some(HttpMethod::Put),
            "DELETE" => Some(HttpMethod::Delete),
            _ => None,
        }
    }

    /// Whether a call changes something (and may carry an `Idempotency-Key`).
    pub fn writes(self) -> bool {
        self != HttpMethod::Get
    }
}

/// Who may call an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Access {
    /// Anyone; the answer is the same for everyone.
    Public,
    /// Anyone; a participant's token adds what is theirs (their reactions).
    OptionalParticipant,
    /// A participant's bearer token is required.
    Participant,
    /// The moderation surface: a moderator's token is required.
    Moderator,
}

/// One operation of the contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    GetCapabilities,
    CreateParticipant,
    ListDeliberations,
    GetDeliberation,
    ListArguments,
    CreateArgument,
    GetArgument,
    ListComments,
    CreateComment,
    PutReaction,
    DeleteReaction,
    CreateFlag,
    ListProposals,
    CreateProposal,
    GetPoll,
    CastBallot,
    GetMyBallot,
    GetResults,
    ExportBallots,
    SetPhase,
    SetPollStatus,
    ModerateContent,
    ListFlagged,
    ImportSeed,
    ListModerationLog,
    ListPublicModerationLog,
    DecideProposal,
    GetActivity,
}

/// How long a backend answers a repeated `Idempotency-Key` with its first
/// answer (ms), at least (the reference server also keeps at most the
/// last 500 keys of a participant). A client does not send a request older
/// than this again by itself: the backend may have forgotten its key, and
/// would apply it a second time.
pub const IDEMPOTENCY_KEPT_MS: i64 = 30 * 86_400_000;

/// What the table says about an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spec {
    pub method: HttpMethod,
    /// Relative to the base URL: `/deliberations/{deliberation_id}`.
    pub template: &'static str,
    pub access: Access,
    /// Whether the call takes an `Idempotency-Key` (writes that create something).
    pub idempotency_key: bool,
    /// The query parameters it understands, in the order they are written.
    pub query: &'static [&'static str],
}

const PAGE: &[&str] = &["cursor", "limit"];
const STAFF_PAGE: &[&str] = &["deliberation", "cursor", "limit"];

impl Operation {
    pub const ALL: [Operation; 28] = [
        Operation::GetCapabilities,
        Operation::CreateParticipant,
        Operation::ListDeliberations,
        Operation::GetDeliberation,
        Operation::ListArguments,
        Operation::CreateArgument,
        Operation::GetArgument,
        Operation::ListComments,
        Operation::CreateComment,
        Operation::PutReaction,
        Operation::DeleteReaction,
        Operation::CreateFlag,
        Operation::ListProposals,
        Operation::CreateProposal,
        Operation::GetPoll,
        Operation::CastBallot,
        Operation::GetMyBallot,
        Operation::GetResults,
        Operation::ExportBallots,
        Operation::SetPhase,
        Operation::SetPollStatus,
        Operation::ModerateContent,
        Operation::ListFlagged,
        Operation::ImportSeed,
        Operation::ListModerationLog,
        Operation::ListPublicModerationLog,
        Operation::DecideProposal,
        Operation::GetActivity,
    ];

    pub const fn spec(self) -> Spec {
        use Access::*;
        use HttpMethod::*;
        let (method, template, access, idempotency_key, query): (
            HttpMethod,
            &'static str,
            Access,
            bool,
            &'static [&'static str],
        ) = match self {
            Operation::GetCapabilities => (Get, "", Public, false, &[]),
            Operation::CreateParticipant => (Post, "/participants", Public, false, &[]),
            Operation::ListDeliberations => (Get, "/deliberations", Public, false, PAGE),
            Operation::GetDeliberation => {
                (Get, "/deliberations/{deliberation_id}", Public, false, &[])
            }
            Operation::ListArguments => (
                Get,
                "/deliberations/{deliberation_id}/arguments",
                OptionalParticipant,
                false,
                &["stance", "sort", "cursor", "limit"],
            ),
            Operation::CreateArgument => (
                Post,
                "/deliberations/{deliberation_id}/arguments",
                Participant,
                true,
                &[],
            ),
            Operation::GetArgument => (
                Get,
                "/arguments/{argument_id}",
                OptionalParticipant,
                false,
                &[],
            ),
            Operation::ListComments => (
                Get,
                "/arguments/{argument_id}/comments",
                Public,
                false,
                PAGE,
            ),
            Operation::CreateComment => (
                Post,
                "/arguments/{argument_id}/comments",
                Participant,
                true,
                &[],
            ),
            Operation::PutReaction => (
                Put,
                "/arguments/{argument_id}/reactions/{kind}",
                Participant,
                false,
                &[],
            ),
            Operation::DeleteReaction => (
                Delete,
                "/arguments/{argument_id}/reactions/{kind}",
                Participant,
                false,
                &[],
            ),
            Operation::CreateFlag => (Post, "/flags", Participant, true, &[]),
            Operation::ListProposals => (
                Get,
                "/deliberations/{deliberation_id}/proposals",
                Public,
                false,
                PAGE,
            ),
            Operation::CreateProposal => (
                Post,
                "/deliberations/{deliberation_id}/proposals",
                Participant,
                true,
                &[],
            ),
            Operation::GetPoll => (Get, "/polls/{poll_id}", Public, false, &[]),
            Operation::CastBallot => (Put, "/polls/{poll_id}/ballot", Participant, true, &[]),
            Operation::GetMyBallot => (Get, "/polls/{poll_id}/ballot", Participant, false, &[]),
            Operation::GetResults => (
                Get,
                "/polls/{poll_id}/results",
                OptionalParticipant,
                false,
                &[],
            ),
            Operation::ExportBallots => (
                Get,
                "/polls/{poll_id}/ballots",
                Public,
                false,
                &["format", "tracker_prefix"],
            ),
            Operation::SetPhase => (
                Put,
                "/moderation/deliberations/{deliberation_id}/phase",
                Moderator,
                false,
                &[],
            ),
            Operation::SetPollStatus => (
                Put,
                "/moderation/polls/{poll_id}/status",
                Moderator,
                false,
                &[],
            ),
            Operation::ModerateContent => (Put, "/moderation/content", Moderator, false, &[]),
            Operation::ListFlagged => (Get, "/moderation/flagged", Moderator, false, STAFF_PAGE),
            Operation::ImportSeed => (Post, "/moderation/import", Moderator, false, &[]),
            Operation::ListModerationLog => (Get, "/moderation/log", Moderator, false, STAFF_PAGE),
            Operation::DecideProposal => (
                Put,
                "/moderation/proposals/{proposal_id}/decision",
                Moderator,
                false,
                &[],
            ),
            Operation::ListPublicModerationLog => (
                Get,
                "/deliberations/{deliberation_id}/moderation",
                Public,
                false,
                PAGE,
            ),
            Operation::GetActivity => (
                Get,
                "/moderation/deliberations/{deliberation_id}/activity",
                Moderator,
                false,
                &[],
            ),
        };
        Spec {
            method,
            template,
            access,
            idempotency_key,
            query,
        }
    }

    pub fn method(self) -> HttpMethod {
        self.spec().method
    }

    pub fn template(self) -> &'static str {
        self.spec().template
    }

    /// The names of the path parameters, in order: `["argument_id", "kind"]`.
    pub fn path_params(self) -> impl Iterator<Item = &'static str> {
        segments(self.template()).filter_map(param_name)
    }

    /// The path for these parameter values (in the order of the template),
    /// each percent-encoded so that it stays within its segment:
    /// `GetDeliberation.path(&["rue des lilas"])` is `/deliberations/rue%20des%20lilas`.
    /// A missing or empty value leaves the segment empty, which matches no operation.
    pub fn path(self, values: &[&str]) -> String {
        let mut values = values.iter();
        let mut out = String::new();
        for segment in segments(self.template()) {
            out.push('/');
            match param_name(segment) {
                Some(_) => out.push_str(&encode(values.next().copied().unwrap_or(""))),
                None => out.push_str(segment),
            }
        }
        out
    }

    /// [`Operation::path`] with a query string of the parameters that have a value.
    pub fn path_with_query(self, values: &[&str], query: &[(&str, Option<&str>)]) -> String {
        let mut url = self.path(values);
        let mut separator = '?';
        for (name, value) in query {
            if let Some(value) = value {
                url.push(separator);
                url.push_str(name);
                url.push('=');
                url.push_str(&encode(value));
                separator = '&';
            }
        }
        url
    }

    /// The template as the server mounts it, under [`BASE_PATH`].
    pub fn mounted_template(self) -> String {
        format!("{BASE_PATH}{}", self.template())
    }

    /// The `Cache-Control` of a successful read, which comes with an ETag;
    /// `None`: the answer has neither (a write, or the export, written as
    /// it is read). A resident's own ballot is never kept by a cache, not
    /// even the browser's, so that a shared device does not show it.
    pub fn cache_control(self) -> Option<&'static str> {
        match self {
            Operation::ExportBallots => None,
            Operation::GetMyBallot => Some("private, no-store"),
            _ if self.method() == HttpMethod::Get => Some("no-cache"),
            _ => None,
        }
    }

    /// The operation that reads what this one creates, for the `Location`
    /// of its 201; `None` when what it creates has no address of its own.
    pub fn created_at(self) -> Option<Operation> {
        match self {
            Operation::CreateArgument => Some(Operation::GetArgument),
            _ => None,
        }
    }

    /// The `Location` of a 201 of this operation that created `id`.
    pub fn location(self, id: &str) -> Option<String> {
        self.created_at()
            .map(|read| format!("{BASE_PATH}{}", read.path(&[id])))
    }
}

/// How a request's method and path (relative to the base URL, without the
/// query) relate to the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// An operation, with its path parameters decoded, in template order.
    Found(Operation, Vec<String>),
    /// The path exists, but not with this method (405).
    WrongMethod,
    /// No such path (404).
    NotFound,
}

/// Finds the operation a request is for.
pub fn route(method: &str, path: &str) -> Route {
    let wanted: Vec<&str> = segments(path).collect();
    let mut path_exists = false;
    for op in Operation::ALL {
        let Some(params) = match_template(op.template(), &wanted) else {
            continue;
        };
        if op.method().as_str() == method {
            return Route::Found(op, params);
        }
        path_exists = true;
    }
    if path_exists {
        Route::WrongMethod
    } else {
        Route::NotFound
    }
}

fn match_template(template: &str, wanted: &[&str]) -> Option<Vec<String>> {
    let pattern: Vec<&str> = segments(template).collect();
    if pattern.len() != wanted.len() {
        return None;
    }
    let mut params = Vec::new();
    for (p, w) in pattern.iter().zip(wanted) {
        if param_name(p).is_some() {
            if w.is_empty() {
                return None;
            }
            params.push(decode(w));
        } else if p != w {
            return None;
        }
    }
    Some(params)
}

/// The segments of a path after its leading `/`: `/a/b` has `a` and `b`,
/// `/` and `` none, and `/a/` has `a` and an empty one (which matches no
/// parameter, so that an empty id never reaches another operation).
fn segments(path: &str) -> impl Iterator<Item = &str> {
    let path = path.strip_prefix('/').unwrap_or(path);
    path.split('/').filter(move |_| !path.is_empty())
}

fn param_name(segment: &str) -> Option<&str> {
    segment.strip_prefix('{')?.strip_suffix('}')
}

/// Everything but RFC 3986 unreserved characters is encoded, as
/// `encodeURIComponent` does (which also keeps `!'()*`; we encode them).
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// A path segment or query value, percent-encoded.
pub fn encode(value: &str) -> String {
    utf8_percent_encode(value, COMPONENT).to_string()
}

/// A path segment or query value, decoded (invalid UTF-8 is replaced, never a panic).
pub fn decode(value: &str) -> String {
    percent_decode_str(value).decode_utf8_lossy().into_owned()
}

/// The value of a query parameter in `query` (`a=1&b=2`), decoded
/// (`+` is a space, as in HTML forms); the first one when repeated.
pub fn query_value(query: &str, name: &str) -> Option<String> {
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (decode(k) == name).then(|| decode(&v.replace('+', " ")))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_has_a_unique_method_and_path() {
        let mut seen = std::collections::HashSet::new();
        for op in Operation::ALL {
            assert!(seen.insert((op.method(), op.template())), "{op:?}");
            let spec = op.spec();
            assert!(
                !spec.idempotency_key || spec.method.writes(),
                "{op:?}: reads need no idempotency key"
            );
        }
    }

    #[test]
    fn paths_are_built_from_the_table_with_encoded_values() {
        assert_eq!(
            Operation::GetDeliberation.path(&["no such/place"]),
            "/deliberations/no%20such%2Fplace"
        );
        assert_eq!(
            Operation::GetDeliberation.path(&["../admin?x=1#f"]),
            "/deliberations/..%2Fadmin%3Fx%3D1%23f"
        );
        assert_eq!(Operation::GetPoll.path(&["café"]), "/polls/caf%C3%A9");
        assert_eq!(
            Operation::PutReaction.path(&["a-1", "changed_my_mind"]),
            "/arguments/a-1/reactions/changed_my_mind"
        );
        assert_eq!(Operation::GetCapabilities.path(&[]), "");
        assert_eq!(
            Operation::ListArguments.path_with_query(
                &["d"],
                &[
                    ("stance", Some("for")),
                    ("sort", None),
                    ("cursor", Some("10&x=y"))
                ]
            ),
            "/deliberations/d/arguments?stance=for&cursor=10%26x%3Dy"
        );
        assert_eq!(
            Operation::PutReaction.path_params().collect::<Vec<_>>(),
            ["argument_id", "kind"]
        );
    }

    #[test]
    fn requests_are_routed_back_to_their_operation() {
        for op in Operation::ALL {
            let values: Vec<String> = op.path_params().map(|p| format!("x {p}/é")).collect();
            let refs: Vec<&str> = values.iter().map(String::as_str).collect();
            let path = op.path(&refs);
            assert_eq!(
                route(op.method().as_str(), &path),
                Route::Found(op, values.clone()),
                "{op:?} {path}"
            );
        }
        assert_eq!(route("DELETE", "/polls/p/ballot"), Route::WrongMethod);
        assert_eq!(route("GET", "/nowhere"), Route::NotFound);
        assert_eq!(route("PATCH", "/flags"), Route::WrongMethod);
        assert_eq!(route("GET", "/deliberations/"), Route::NotFound);
        assert_eq!(route("GET", "/deliberations//arguments"), Route::NotFound);
        assert_eq!(
            route("GET", "/"),
            Route::Found(Operation::GetCapabilities, vec![])
        );
    }

    #[test]
    fn query_values_are_decoded() {
        assert_eq!(
            query_value("stance=for&cursor=10%26x", "cursor").as_deref(),
            Some("10&x")
        );
        assert_eq!(query_value("q=a+b", "q").as_deref(), Some("a b"));
        assert_eq!(query_value("flag", "flag").as_deref(), Some(""));
        assert_eq!(query_value("", "x"), None);
    }

    #[test]
    fn a_created_argument_is_found_where_its_location_says() {
        let location = Operation::CreateArgument.location("arg 1/2");
        assert_eq!(location.as_deref(), Some("/v1/arguments/arg%201%2F2"));
        let path = location.as_deref().and_then(|l| l.strip_prefix(BASE_PATH));
        assert_eq!(
            path.map(|p| route("GET", p)),
            Some(Route::Found(Operation::GetArgument, vec!["arg 1/2".into()]))
        );
        assert_eq!(Operation::CreateComment.location("c"), None);
    }

    #[test]
    fn only_reads_have_a_cache_policy_and_a_ballot_is_never_kept() {
        for op in Operation::ALL {
            let policy = op.cache_control();
            match op {
                Operation::GetMyBallot => assert_eq!(policy, Some("private, no-store")),
                Operation::ExportBallots => assert_eq!(policy, None),
                _ if op.method() == HttpMethod::Get => assert_eq!(policy, Some("no-cache")),
                _ => assert_eq!(policy, None, "{op:?}"),
            }
        }
    }
}
