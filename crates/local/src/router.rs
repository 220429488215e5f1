//! Contract v1 as a function: a request (method, path under `/v1`, body,
//! idempotency key) in, a status and a JSON body out — the same answers an
//! HTTP backend gives, so the widget decodes both the same way. Requests
//! are matched against the contract's route table, and every rule comes
//! from the contract crate; this module only reads requests and answers.
//!
//! The moderation routes (`/moderation/…`) answer only a request made with
//! [`Role::Moderator`], which the browser entry point never makes.

use plaza_contract::routes::{self, Access, Route};
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
        body: p.to_json(),
        changed: false,
    }
}

/// Why a request has no answer of its own.
enum Refusal {
    /// It could not be read (its target spells a NUL, its body is not the
    /// operation's JSON): the reference server refuses these before it
    /// looks at the `Idempotency-Key`, so the refusal is not kept under
    /// it, and the key stays free for the request sent right.
    Unread(Problem),
    Refused(Problem),
}

impl From<Problem> for Refusal {
    fn from(p: Problem) -> Self {
        Refusal::Refused(p)
    }
}

fn body<T: DeserializeOwned>(request: &Request) -> Result<T, Refusal> {
    decode_body(request.body.unwrap_or("").as_bytes()).map_err(Refusal::Unread)
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
    let writes = HttpMethod::parse(request.method).is_some_and(HttpMethod::writes);
    let fingerprint = format!(
        "{} {} {}",
        request.method,
        request.path,
        request.body.unwrap_or("")
    );
    // The same header rule as every backend's (the widget always sends a
    // well-formed key; another caller may not): refused where the contract
    // takes a key, ignored elsewhere.
    let (path, query) = request.path.split_once('?').unwrap_or((request.path, ""));
    let found = routes::route(request.method, path);
    let takes_key = matches!(&found, Route::Found(op, _) if op.spec().idempotency_key);
    let key = match request.idempotency_key.filter(|_| takes_key) {
        Some(raw) => match idempotency_key(raw) {
            Ok(key) => Some(key),
            Err(p) => return problem(&p),
        },
        None => None,
    };
    if let Some(key) = key {
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
    let answer = dispatch(state, request, found, query);
    let kept = match &answer {
        Ok(r) => answer_is_kept(r.status, None),
        Err(Refusal::Refused(p)) => answer_is_kept(p.status, Some(p.code)),
        Err(Refusal::Unread(_)) => false,
    };
    let mut response =
        answer.unwrap_or_else(|(Refusal::Unread(p) | Refusal::Refused(p))| problem(&p));
    if let Some(before) = before {
        response.changed = *state != before;
        // Refusals too, as every backend does: a repeat gets the same one.
        if let (true, Some(key)) = (kept, key) {
            state.remember(key, &fingerprint, response.status, response.body.clone());
            response.changed = true;
        }
    }
    response
}

/// The answer to a request for what the route table `found`, or the
/// problem that is the answer.
fn dispatch(
    state: &mut LocalState,
    r: &Request,
    found: Route,
    query: &str,
) -> Result<Response, Refusal> {
    plaza_contract::check_target(r.path).map_err(Refusal::Unread)?;
    let (op, params) = match found {
        Route::Found(op, params) => (op, params),
        Route::WrongMethod => return Err(Problem::method_not_allowed().into()),
        Route::NotFound => return Err(Problem::not_found("resource").into()),
    };
    let id = params.first().map_or("", String::as_str);
    if op.spec().access == Access::Moderator {
        moderator(r)?;
        return moderation(state, r, op, id, query);
    }
    let now = || r.now.clone();
    Ok(match op {
        Operation::GetCapabilities => json(200, &state.capabilities()),
        Operation::CreateParticipant => json(
            201,
            &ParticipantToken {
                participant_id: state.participant_id.clone(),
                token: format!("local-{}", state.participant_id),
            },
        ),
        Operation::ListDeliberations => ok(state.deliberations(&decode_query(query)?), 200),
        Operation::GetDeliberation => ok(state.deliberation(id), 200),
        Operation::ListArguments => ok(state.arguments(id, &decode_query(query)?), 200),
        Operation::CreateArgument => ok(state.create_argument(id, &body(r)?, now()), 201),
        Operation::GetArgument => ok(state.argument(id), 200),
        Operation::ListComments => ok(state.comments(id, &decode_query(query)?), 200),
        Operation::CreateComment => ok(state.create_comment(id, &body(r)?, now()), 201),
        Operation::PutReaction | Operation::DeleteReaction => {
            let kind = ReactionKind::from_path(params.get(1).map_or("", String::as_str))?;
            ok(
                state.set_reaction(id, kind, op == Operation::PutReaction),
                200,
            )
        }
        Operation::CreateFlag => ok(state.flag(&body(r)?), 201),
        Operation::ListProposals => ok(state.proposals(id, &decode_query(query)?), 200),
        Operation::CreateProposal => ok(state.create_proposal(id, &body(r)?, now()), 201),
        Operation::GetPoll => ok(state.poll(id), 200),
        Operation::CastBallot => ok(state.cast_ballot(id, &body(r)?, now()), 200),
        Operation::GetMyBallot => match state.my_ballot(id) {
            Ok(Some(ballot)) => json(200, &ballot),
            Ok(None) => problem(&Problem::new(ProblemCode::NotFound, "No ballot cast yet")),
            Err(p) => problem(&p),
        },
        Operation::GetResults => ok(state.results(id, now()), 200),
        Operation::ExportBallots => ok(
            state.published_ballots(id, &decode_query::<ExportQuery>(query)?, now()),
            200,
        ),
        Operation::ListPublicModerationLog => {
            ok(state.public_moderation_log(id, &decode_query(query)?), 200)
        }
        Operation::SetPhase
        | Operation::SetPollStatus
        | Operation::ModerateContent
        | Operation::ListFlagged
        | Operation::ImportSeed
        | Operation::DecideProposal
        | Operation::ListModerationLog
        | Operation::GetActivity => return Err(Problem::not_found("resource").into()),
    })
}

/// Moderation routes refuse everyone but a [`Role::Moderator`] request.
fn moderator(request: &Request) -> Result<(), Problem> {
    match request.role {
        Role::Moderator => Ok(()),
        Role::Participant => Err(Problem::forbidden("Only moderators may do this")),
    }
}

/// The moderation routes, for a request already known to be a moderator's.
#[cfg(feature = "moderation")]
fn moderation(
    state: &mut LocalState,
    r: &Request,
    op: Operation,
    id: &str,
    query: &str,
) -> Result<Response, Refusal> {
    // Each change is recorded in the moderation log, as the server does.
    let at = r.now.clone();
    Ok(match op {
        Operation::ImportSeed => {
            let report = state.import(body(r)?);
            if let Ok(report) = &report {
                for (d, change) in report.changes() {
                    state.record_moderation(&d, change, None, at.clone());
                }
            }
            ok(report, 200)
        }
        Operation::SetPhase => {
            let change: PhaseChange = body(r)?;
            let answer = state.set_phase(id, change.phase);
            if answer.is_ok() {
                let phase = ModerationChange::Phase {
                    phase: change.phase,
                };
                state.record_moderation(id, phase, None, at);
            }
            ok(answer, 200)
        }
        Operation::SetPollStatus => {
            let change: PollStatusChange = body(r)?;
            let answer = state.set_poll_status(id, change.status);
            if let Ok(poll) = &answer {
                let status = ModerationChange::PollStatus {
                    poll_id: poll.id.clone(),
                    status: change.status,
                };
                let deliberation = poll.deliberation_id.clone();
                state.record_moderation(&deliberation, status, None, at);
            }
            ok(answer, 200)
        }
        Operation::ModerateContent => {
            let m: ContentModeration = body(r)?;
            let answer = state.moderate(&m);
            if let (Ok(_), Some(d)) = (&answer, state.deliberation_of(m.target_type, &m.target_id))
            {
                let content = ModerationChange::Content {
                    target_type: m.target_type,
                    target_id: m.target_id.clone(),
                    status: m.status,
                };
                state.record_moderation(&d, content, m.reason, at);
            }
            ok(answer, 200)
        }
        Operation::DecideProposal => {
            let change: ProposalDecisionChange = body(r)?;
            let answer = state.decide_proposal(id, &change);
            if let Ok(proposal) = &answer {
                let decided = ModerationChange::Proposal {
                    proposal_id: proposal.id.clone(),
                    decision: change.decision,
                    reason: change.reason,
                };
                let deliberation = proposal.deliberation_id.clone();
                state.record_moderation(&deliberation, decided, None, at);
            }
            ok(answer, 200)
        }
        Operation::ListFlagged => ok(state.flagged(&decode_query(query)?), 200),
        Operation::ListModerationLog => ok(state.moderation_log(&decode_query(query)?), 200),
        Operation::GetActivity => ok(state.activity(id), 200),
        _ => problem(&Problem::not_found("resource")),
    })
}

/// Without the `moderation` feature (the browser's build) the moderation
/// surface does not exist.
#[cfg(not(feature = "moderation"))]
fn moderation(
    _: &mut LocalState,
    _: &Request,
    _: Operation,
    _: &str,
    _: &str,
) -> Result<Response, Refusal> {
    Err(Problem::not_found("resource").into())
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
        for bad in ["", "two words", &"k".repeat(256)] {
            let refused = call(
                &mut s,
                "POST",
                "/deliberations/rue-des-lilas/arguments",
                Some(body),
                Some(bad),
            );
            assert_eq!(
                (refused.status, refused.changed),
                (422, false),
                "key {bad:?}"
            );
            assert_eq!(value(&refused)["errors"][0]["field"], "Idempotency-Key");
        }
    }

    /// A malformed page (limit, cursor) is 422 before the list's owner is
    /// looked for, as the reference server answers: the same request gets
    /// the same problem from both backends.
    #[test]
    fn a_malformed_page_is_refused_before_an_unknown_list_is_looked_for() {
        let mut s = state();
        for path in [
            "/deliberations/nowhere/arguments?limit=0",
            "/deliberations/nowhere/arguments?cursor=abc",
            "/arguments/nothing/comments?limit=0",
            "/deliberations/nowhere/proposals?cursor=abc",
            // JSON, but not a key of these lists (the string "a").
            "/deliberations/nowhere/arguments?cursor=ImEi",
            "/arguments/nothing/comments?cursor=ImEi",
        ] {
            let r = get(&mut s, path);
            assert_eq!(
                (r.status, value(&r)["code"].as_str()),
                (422, Some("validation_failed")),
                "{path}"
            );
        }
        let r = get(&mut s, "/deliberations/nowhere/arguments?limit=5");
        assert_eq!(r.status, 404);
    }

    /// As on every backend: a refusal is the answer to its key too (a repeat
    /// gets it again, even once the request would pass), an answer that
    /// asks to try again is not, and routes that take no key ignore one.
    #[test]
    fn refusals_are_kept_under_their_key_and_keyless_routes_ignore_keys() {
        let mut s = state();
        let path = "/deliberations/rue-des-lilas/arguments";
        let body = Some(r#"{"stance":"for","text":"Benches, please."}"#);
        let phase = |s: &mut LocalState, phase: &str| {
            let to = format!(r#"{{"phase":"{phase}"}}"#);
            let moved = call_as(
                Role::Moderator,
                s,
                "PUT",
                "/moderation/deliberations/rue-des-lilas/phase",
                Some(&to),
                None,
            );
            assert_eq!(moved.status, 200, "{}", moved.body);
        };
        phase(&mut s, "voting");
        let closed = call(&mut s, "POST", path, body, Some("k2"));
        assert!((400..500).contains(&closed.status), "{}", closed.body);
        phase(&mut s, "discussion");
        let again = call(&mut s, "POST", path, body, Some("k2"));
        assert_eq!((again.status, &again.body), (closed.status, &closed.body));
        let fresh = call(&mut s, "POST", path, body, Some("k2-new"));
        assert_eq!(fresh.status, 201, "{}", fresh.body);
        assert!(answer_is_kept(422, Some(ProblemCode::ValidationFailed)));
        assert!(!answer_is_kept(429, Some(ProblemCode::RateLimited)));
        assert!(!answer_is_kept(
            409,
            Some(ProblemCode::IdempotencyKeyInFlight)
        ));
        assert!(!answer_is_kept(503, None));
        let helpful = "/arguments/arg-01/reactions/helpful";
        let put = call(&mut s, "PUT", helpful, None, Some("k3"));
        let delete = call(&mut s, "DELETE", helpful, None, Some("k3"));
        assert_eq!((put.status, delete.status), (200, 200), "{}", delete.body);
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
        // `body` in the browser's build; the exact field where the contract
        // crate has `field-paths` (a workspace build, with the server).
        let field = p["errors"][0]["field"].as_str();
        assert!(matches!(field, Some("body" | "stance")), "{p}");
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
