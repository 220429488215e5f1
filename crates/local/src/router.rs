//! Contract v1 as a function: a request (method, path under `/v1`, body,
//! idempotency key) in, a status and a JSON body out — the same answers an
//! HTTP backend gives, so the widget decodes both the same way.
//!
//! The moderation routes (`/moderation/…`) answer only a request made with
//! [`Role::Moderator`], which the browser entry point never makes.

use percent_encoding::percent_decode_str;
use plaza_contract::*;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::store::{LocalState, StoreResult};

pub struct Request<'a> {
    pub method: &'a str,
    /// The path under the base URL, with its query: `/deliberations/x/arguments?stance=for`.
    pub path: &'a str,
    pub body: Option<&'a str>,
    pub idempotency_key: Option<&'a str>,
    pub now: Timestamp,
    pub role: Role,
}

/// On whose behalf a request is made.
///
/// Not a token: the in-browser backend has no secret to compare one with
/// (anything compiled into its wasm module is public), so the caller says
/// who is asking. `Moderator` is for native callers that checked a
/// moderator's credentials themselves — the conformance kit's adapter
/// checks its moderator token. The browser entry point (`handle_js`) always
/// says `Participant`: no page, stored state or request can reach the
/// moderation routes — which the browser's build leaves out anyway (they
/// need the `moderation` feature).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Role {
    /// This browser's participant: everything but moderation.
    #[default]
    Participant,
    /// Also the moderation surface (import, phases, poll status, content).
    Moderator,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub body: String,
    /// Whether the state changed and must be saved.
    pub changed: bool,
}

fn json(status: u16, value: &impl Serialize) -> Response {
    match serde_json::to_string(value) {
        Ok(body) => Response {
            status,
            body,
            changed: false,
        },
        Err(e) => problem(
            &Problem::new(ProblemCode::Internal, "Could not write the answer")
                .with_detail(e.to_string()),
        ),
    }
}

fn problem(p: &Problem) -> Response {
    Response {
        status: p.status,
        body: serde_json::to_string(p).unwrap_or_default(),
        changed: false,
    }
}

fn invalid_field(field: &str, detail: String) -> Problem {
    Problem::new(ProblemCode::ValidationFailed, "The request is not valid")
        .with_errors(vec![FieldError::new(field, "invalid")])
        .with_detail(detail)
}

/// Decodes a JSON body as the reference server does: malformed JSON is 400
/// `bad_request`; JSON of the wrong shape is 422 `validation_failed`. The
/// field named is `body`, with serde's account in the detail: naming the
/// exact field as the server does (serde_path_to_error) would add some
/// 20 KB (gzip) to the browser's module for answers the widget never gets.
fn body<T: DeserializeOwned>(request: &Request) -> Result<T, Problem> {
    // JSON first, then the shape: serde reports some shape errors (a number
    // where an enum's string belongs) as syntax errors when it does both.
    let value: serde_json::Value =
        serde_json::from_str(request.body.unwrap_or("")).map_err(|e| {
            Problem::new(
                ProblemCode::BadRequest,
                "The request body is not valid JSON",
            )
            .with_detail(e.to_string())
        })?;
    // Every request body of the contract is an object; serde would also
    // take a struct from an array of its fields.
    if !value.is_object() {
        return Err(invalid_field(
            "body",
            "The body must be a JSON object".into(),
        ));
    }
    serde_json::from_value(value).map_err(|e| invalid_field("body", e.to_string()))
}

/// Moderation routes refuse everyone but a [`Role::Moderator`] request.
fn moderator(request: &Request) -> Result<(), Problem> {
    match request.role {
        Role::Moderator => Ok(()),
        Role::Participant => Err(Problem::new(
            ProblemCode::Forbidden,
            "Only moderators may do this",
        )),
    }
}

/// A decoded path segment (ids are percent-encoded by the widget).
fn decode(segment: &str) -> String {
    percent_decode_str(segment).decode_utf8_lossy().into_owned()
}

/// The value of a query parameter, decoded.
fn query(query: &str, name: &str) -> Option<String> {
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (k == name).then(|| decode(&v.replace('+', " ")))
    })
}

/// Parses an enum query parameter the way it is written in JSON.
fn query_enum<T: DeserializeOwned>(q: &str, name: &str) -> Result<Option<T>, Problem> {
    match query(q, name) {
        None => Ok(None),
        Some(v) => serde_json::from_value(serde_json::Value::String(v))
            .map(Some)
            .map_err(|_| {
                Problem::new(ProblemCode::ValidationFailed, "Invalid query parameter")
                    .with_errors(vec![FieldError::new(name, "invalid")])
            }),
    }
}

fn ok<T: Serialize>(result: StoreResult<T>, status: u16) -> Response {
    match result {
        Ok(value) => json(status, &value),
        Err(p) => problem(&p),
    }
}

/// Answers one request. Writes carrying an `Idempotency-Key` are answered
/// once; a repeat gets the first answer, a reuse for another request 422.
pub fn route(state: &mut LocalState, request: &Request) -> Response {
    let (path, q) = request.path.split_once('?').unwrap_or((request.path, ""));
    let segments: Vec<String> = path
        .trim_matches('/')
        .split('/')
        .filter(|s| !s.is_empty())
        .map(decode)
        .collect();
    let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
    let writes = matches!(request.method, "POST" | "PUT" | "DELETE");
    let fingerprint = format!(
        "{} {} {}",
        request.method,
        request.path,
        request.body.unwrap_or("")
    );
    if let (true, Some(key)) = (writes, request.idempotency_key) {
        match state.replay(key, &fingerprint) {
            Ok(Some(r)) => {
                return Response {
                    status: r.status,
                    body: r.body.clone(),
                    changed: false,
                }
            }
            Ok(None) => {}
            Err(p) => return problem(&p),
        }
    }
    let before = writes.then(|| state.clone());
    let mut response = dispatch(state, request, &segments, q).unwrap_or_else(|p| problem(&p));
    if let Some(before) = before {
        response.changed = *state != before;
        if let (true, Some(key)) = (
            (200..300).contains(&response.status),
            request.idempotency_key,
        ) {
            state.remember(key, &fingerprint, response.status, response.body.clone());
            response.changed = true;
        }
    }
    response
}

/// The answer to a request, or the problem that is the answer.
fn dispatch(
    state: &mut LocalState,
    r: &Request,
    segments: &[&str],
    q: &str,
) -> Result<Response, Problem> {
    let now = || r.now.clone();
    Ok(match (r.method, segments) {
        ("GET", []) => json(200, &state.capabilities()),
        ("POST", ["participants"]) => json(
            201,
            &ParticipantToken {
                participant_id: state.participant_id.clone(),
                token: format!("local-{}", state.participant_id),
            },
        ),
        ("GET", ["deliberations"]) => ok(state.deliberations(query(q, "cursor").as_deref()), 200),
        ("GET", ["deliberations", id]) => ok(state.deliberation(id), 200),
        ("GET", ["deliberations", id, "arguments"]) => {
            let stance = query_enum::<Stance>(q, "stance")?;
            let sort = query_enum::<ArgumentSort>(q, "sort")?.unwrap_or_default();
            ok(
                state.arguments(id, stance, sort, query(q, "cursor").as_deref()),
                200,
            )
        }
        ("POST", ["deliberations", id, "arguments"]) => {
            ok(state.create_argument(id, &body(r)?, now()), 201)
        }
        ("GET", ["deliberations", id, "proposals"]) => {
            ok(state.proposals(id, query(q, "cursor").as_deref()), 200)
        }
        ("POST", ["deliberations", id, "proposals"]) => {
            ok(state.create_proposal(id, &body(r)?, now()), 201)
        }
        ("GET", ["arguments", id, "comments"]) => {
            ok(state.comments(id, query(q, "cursor").as_deref()), 200)
        }
        ("POST", ["arguments", id, "comments"]) => {
            ok(state.create_comment(id, &body(r)?, now()), 201)
        }
        (method @ ("PUT" | "DELETE"), ["arguments", id, "reactions", kind]) => {
            let kind: ReactionKind =
                serde_json::from_value(serde_json::Value::String((*kind).to_owned()))
                    .map_err(|_| Problem::new(ProblemCode::NotFound, "No such reaction"))?;
            ok(state.set_reaction(id, kind, method == "PUT"), 200)
        }
        ("POST", ["flags"]) => ok(state.flag(&body(r)?), 201),
        ("GET", ["polls", id]) => ok(state.poll(id), 200),
        ("PUT", ["polls", id, "ballot"]) => ok(state.cast_ballot(id, &body(r)?, now()), 200),
        ("GET", ["polls", id, "ballot"]) => match state.my_ballot(id) {
            Ok(Some(ballot)) => json(200, &ballot),
            Ok(None) => problem(&Problem::new(ProblemCode::NotFound, "No ballot cast yet")),
            Err(p) => problem(&p),
        },
        ("GET", ["polls", id, "results"]) => ok(state.results(id, now()), 200),
        ("GET", ["polls", id, "ballots"]) => ok(
            state.published_ballots(id, query(q, "format").as_deref(), now()),
            200,
        ),
        (_, ["moderation", ..]) => {
            moderator(r)?;
            moderation(state, r, segments)?
        }
        _ => problem(&no_such_resource()),
    })
}

/// The moderation routes, for a request already known to be a moderator's.
#[cfg(feature = "moderation")]
fn moderation(state: &mut LocalState, r: &Request, segments: &[&str]) -> Result<Response, Problem> {
    Ok(match (r.method, segments) {
        ("POST", ["moderation", "import"]) => ok(state.import(body(r)?), 200),
        ("PUT", ["moderation", "deliberations", id, "phase"]) => {
            let change: PhaseChange = body(r)?;
            ok(state.set_phase(id, change.phase), 200)
        }
        ("PUT", ["moderation", "polls", id, "status"]) => {
            let change: PollStatusChange = body(r)?;
            ok(state.set_poll_status(id, change.status), 200)
        }
        ("PUT", ["moderation", "content"]) => ok(state.moderate(&body(r)?), 200),
        _ => problem(&no_such_resource()),
    })
}

/// Without the `moderation` feature (the browser's build) the moderation
/// surface does not exist.
#[cfg(not(feature = "moderation"))]
fn moderation(_: &mut LocalState, _: &Request, _: &[&str]) -> Result<Response, Problem> {
    Err(no_such_resource())
}

fn no_such_resource() -> Problem {
    Problem::new(ProblemCode::NotFound, "No such resource")
}

#[cfg(test)]
mod tests {
    use super::*;
    use plaza_contract::seed::Seed;

    fn state() -> LocalState {
        let seed: Seed = serde_json::from_str(include_str!("../../contract/demo/plaza-demo.json"))
            .unwrap_or_else(|e| panic!("demo seed: {e}"));
        LocalState::from_seed(seed, "me".into()).unwrap_or_else(|p| panic!("{p:?}"))
    }

    fn call(
        s: &mut LocalState,
        method: &str,
        path: &str,
        body: Option<&str>,
        key: Option<&str>,
    ) -> Response {
        call_as(Role::Participant, s, method, path, body, key)
    }

    fn call_as(
        role: Role,
        s: &mut LocalState,
        method: &str,
        path: &str,
        body: Option<&str>,
        key: Option<&str>,
    ) -> Response {
        let now = Timestamp::from_unix_millis(1_795_685_400_000);
        route(
            s,
            &Request {
                method,
                path,
                body,
                idempotency_key: key,
                now,
                role,
            },
        )
    }

    fn get(s: &mut LocalState, path: &str) -> Response {
        call(s, "GET", path, None, None)
    }

    fn value(r: &Response) -> serde_json::Value {
        serde_json::from_str(&r.body).unwrap_or_else(|e| panic!("{e}: {}", r.body))
    }

    #[test]
    fn reads_answer_like_a_backend() {
        let mut s = state();
        let r = get(&mut s, "/deliberations/rue-des-lilas");
        assert_eq!((r.status, r.changed), (200, false));
        assert_eq!(value(&r)["counts"]["arguments_for"], 8);
        let r = get(
            &mut s,
            "/deliberations/rue-des-lilas/arguments?stance=against&sort=recent",
        );
        let items = value(&r)["items"].as_array().cloned().unwrap_or_default();
        assert_eq!(items.len(), 8);
        assert!(items.iter().all(|a| a["stance"] == "against"));
        assert_eq!(value(&get(&mut s, ""))["contract"], "plaza/1");
    }

    #[test]
    fn percent_encoded_ids_are_decoded() {
        let mut s = state();
        let r = get(&mut s, "/deliberations/rue%2Ddes%2Dlilas");
        assert_eq!(r.status, 200);
        let missing = get(&mut s, "/deliberations/no%20such%2Fplace");
        assert_eq!(
            (missing.status, value(&missing)["code"].as_str()),
            (404, Some("not_found"))
        );
    }

    #[test]
    fn errors_are_problem_documents() {
        let mut s = state();
        for (method, path, body, status, code) in [
            ("GET", "/nowhere", None, 404, "not_found"),
            (
                "POST",
                "/deliberations/rue-des-lilas/arguments",
                Some("{not json"),
                400,
                "bad_request",
            ),
            (
                "POST",
                "/deliberations/rue-des-lilas/arguments",
                Some(r#"{"stance":-1,"text":"x"}"#),
                422,
                "validation_failed",
            ),
            (
                "POST",
                "/deliberations/rue-des-lilas/arguments",
                Some(r#"["for","x"]"#),
                422,
                "validation_failed",
            ),
            (
                "POST",
                "/deliberations/rue-des-lilas/arguments",
                Some(r#"{"stance":"for","text":"x"} []"#),
                400,
                "bad_request",
            ),
            (
                "PUT",
                "/polls/rue-des-lilas-design/ballot",
                Some(r#"{"ranking":"a"}"#),
                422,
                "validation_failed",
            ),
            (
                "POST",
                "/deliberations/rue-des-lilas/arguments",
                Some(r#"{"stance":"for","text":" "}"#),
                422,
                "validation_failed",
            ),
            (
                "GET",
                "/deliberations/rue-des-lilas/arguments?stance=sideways",
                None,
                422,
                "validation_failed",
            ),
            (
                "PUT",
                "/arguments/arg-01/reactions/love",
                None,
                404,
                "not_found",
            ),
            (
                "PUT",
                "/polls/rue-des-lilas-design/ballot",
                Some(r#"{"ranking":["full-plaza"]}"#),
                409,
                "poll_not_open",
            ),
        ] {
            let r = call(&mut s, method, path, body, None);
            assert_eq!(
                (r.status, value(&r)["code"].as_str()),
                (status, Some(code)),
                "{method} {path}"
            );
            assert!(!r.changed, "{method} {path} changed nothing");
        }
    }

    #[test]
    fn writes_change_the_state_and_keys_replay_them() {
        let mut s = state();
        let body = r#"{"stance":"for","text":"More shade in summer."}"#;
        let first = call(
            &mut s,
            "POST",
            "/deliberations/rue-des-lilas/arguments",
            Some(body),
            Some("k1"),
        );
        assert_eq!((first.status, first.changed), (201, true));
        let again = call(
            &mut s,
            "POST",
            "/deliberations/rue-des-lilas/arguments",
            Some(body),
            Some("k1"),
        );
        assert_eq!(
            (again.status, &again.body, again.changed),
            (201, &first.body, false)
        );
        let reused = call(
            &mut s,
            "POST",
            "/deliberations/rue-des-lilas/arguments",
            Some(r#"{"stance":"for","text":"Other"}"#),
            Some("k1"),
        );
        assert_eq!(
            (reused.status, value(&reused)["code"].as_str()),
            (422, Some("idempotency_key_reused"))
        );
        let d = value(&get(&mut s, "/deliberations/rue-des-lilas"));
        assert_eq!(d["counts"]["arguments_for"], 9, "created once");
    }

    #[test]
    fn reactions_are_idempotent_puts_and_deletes() {
        let mut s = state();
        let put = call(
            &mut s,
            "PUT",
            "/arguments/arg-01/reactions/helpful",
            None,
            None,
        );
        let again = call(
            &mut s,
            "PUT",
            "/arguments/arg-01/reactions/helpful",
            None,
            None,
        );
        assert_eq!(value(&put), value(&again));
        assert!(put.changed && !again.changed);
        let gone = call(
            &mut s,
            "DELETE",
            "/arguments/arg-01/reactions/helpful",
            None,
            None,
        );
        assert_eq!(value(&gone)["my_reactions"], serde_json::json!([]));
    }

    #[test]
    fn wrong_shapes_say_what_is_wrong() {
        let mut s = state();
        let r = call(
            &mut s,
            "POST",
            "/deliberations/rue-des-lilas/arguments",
            Some(r#"{"stance":-1,"text":"x"}"#),
            None,
        );
        let p = value(&r);
        assert_eq!(p["errors"][0]["field"], "body");
        assert!(
            p["detail"].as_str().is_some_and(|d| d.contains("-1")),
            "{p}"
        );
    }

    /// Every moderation route, with a body it would accept.
    const MODERATION: [(&str, &str, &str); 4] = [
        (
            "PUT",
            "/moderation/deliberations/rue-des-lilas/phase",
            r#"{"phase":"voting"}"#,
        ),
        (
            "PUT",
            "/moderation/polls/rue-des-lilas-design/status",
            r#"{"status":"open"}"#,
        ),
        (
            "PUT",
            "/moderation/content",
            r#"{"target_type":"argument","target_id":"arg-01","status":"removed"}"#,
        ),
        ("POST", "/moderation/import", r#"{"deliberations":[]}"#),
    ];

    #[test]
    fn participants_cannot_moderate() {
        let mut s = state();
        let before = s.clone();
        for (method, path, body) in MODERATION {
            for key in [None, Some("k")] {
                let r = call(&mut s, method, path, Some(body), key);
                assert_eq!(
                    (r.status, value(&r)["code"].as_str(), r.changed),
                    (403, Some("forbidden"), false),
                    "{method} {path}"
                );
            }
        }
        let r = get(&mut s, "/moderation/flagged");
        assert_eq!(r.status, 403);
        assert_eq!(s, before);
    }

    #[test]
    fn moderators_can() {
        let mut s = state();
        for (method, path, body) in MODERATION {
            let r = call_as(Role::Moderator, &mut s, method, path, Some(body), None);
            assert_eq!(
                (r.status, r.changed),
                (200, path != "/moderation/import"),
                "{method} {path}: {}",
                r.body
            );
        }
        let d = value(&get(&mut s, "/deliberations/rue-des-lilas"));
        assert_eq!(d["current_phase"], "voting");
        let bad = call_as(
            Role::Moderator,
            &mut s,
            "PUT",
            "/moderation/polls/rue-des-lilas-design/status",
            Some(r#"{"status":"ajar"}"#),
            None,
        );
        assert_eq!((bad.status, bad.changed), (422, false));
        let unknown = call_as(
            Role::Moderator,
            &mut s,
            "PUT",
            "/moderation/polls/nope/status",
            Some(r#"{"status":"open"}"#),
            None,
        );
        assert_eq!(unknown.status, 404);
    }

    #[test]
    fn results_and_ballots_are_routed() {
        let mut s = state();
        let status = |s: &mut LocalState, to: &str| {
            let body = format!(r#"{{"status":"{to}"}}"#);
            let r = call_as(
                Role::Moderator,
                s,
                "PUT",
                "/moderation/polls/rue-des-lilas-design/status",
                Some(&body),
                None,
            );
            assert_eq!(r.status, 200);
        };
        status(&mut s, "open");
        let cast = call(
            &mut s,
            "PUT",
            "/polls/rue-des-lilas-design/ballot",
            Some(r#"{"ranking":["full-plaza"]}"#),
            None,
        );
        assert_eq!(cast.status, 200);
        let early = get(&mut s, "/polls/rue-des-lilas-design/ballots");
        assert_eq!(value(&early)["code"], "results_not_available");
        status(&mut s, "closed");
        let results = get(&mut s, "/polls/rue-des-lilas-design/results");
        assert_eq!(
            (results.status, value(&results)["final"].as_bool()),
            (200, Some(true))
        );
        assert_eq!(
            value(&results)["winners"],
            serde_json::json!(["full-plaza"])
        );
        let export = value(&get(&mut s, "/polls/rue-des-lilas-design/ballots"));
        assert_eq!(
            export["ballots"],
            serde_json::json!([{"ranking": ["full-plaza"], "count": 1}])
        );
        let cdf = value(&get(
            &mut s,
            "/polls/rue-des-lilas-design/ballots?format=cdf",
        ));
        assert_eq!(cdf["@type"], "CVR.CastVoteRecordReport");
    }
}
