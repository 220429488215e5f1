//! Every route's refusals, in process: the application's `Router` called
//! with `oneshot` on an in-memory SQLite database — milliseconds a case,
//! beside the slower tests that run real server processes. Each refusal
//! must be the contract's problem document with its status and code, and
//! every operation of the route table must be covered.

mod in_process;

use std::collections::BTreeSet;

use in_process::{json_body, seeded_app, send, MODERATOR};
use plaza_contract::routes::{route, Route};
use plaza_contract::Operation;
use serde_json::json;

/// Who sends a case.
#[derive(Clone, Copy)]
enum Who {
    Nobody,
    Resident,
    Forged,
    Moderator,
}

struct Case {
    method: &'static str,
    path: String,
    who: Who,
    body: Option<(&'static str, String)>,
    status: u16,
    code: &'static str,
}

fn case(
    method: &'static str,
    path: impl Into<String>,
    who: Who,
    status: u16,
    code: &'static str,
) -> Case {
    Case {
        method,
        path: path.into(),
        who,
        body: None,
        status,
        code,
    }
}

fn with_body(mut c: Case, body: Option<(&'static str, String)>) -> Case {
    c.body = body;
    c
}

#[tokio::test]
async fn every_route_refuses_bad_requests_with_its_problem() {
    let (app, me) = seeded_app(&[]).await;
    let argument = json!({"stance": "for", "text": "Shade for the market"});
    let a = send(
        &app,
        "POST",
        "/v1/deliberations/rue-des-lilas/arguments",
        Some(&me),
        json_body(argument.clone()),
    )
    .await
    .body["id"]
        .as_str()
        .expect("an argument id")
        .to_owned();
    let d = "/v1/deliberations/rue-des-lilas";
    let args = format!("{d}/arguments");
    let comments = format!("/v1/arguments/{a}/comments");
    let reaction = format!("/v1/arguments/{a}/reactions/helpful");
    let ballot = "/v1/polls/rue-des-lilas-design/ballot";
    let text = |t: &str| json_body(json!({"text": t}));
    use Who::*;
    let cases = vec![
        case("DELETE", "/v1", Nobody, 405, "bad_request"),
        case("GET", "/v1/participants", Nobody, 405, "bad_request"),
        case(
            "GET",
            "/v1/deliberations?cursor=10",
            Nobody,
            422,
            "validation_failed",
        ),
        case(
            "GET",
            "/v1/deliberations?limit=0",
            Nobody,
            422,
            "validation_failed",
        ),
        case("GET", "/v1/deliberations/nowhere", Nobody, 404, "not_found"),
        case(
            "GET",
            "/v1/deliberations/nowhere/arguments",
            Nobody,
            404,
            "not_found",
        ),
        case(
            "GET",
            format!("{args}?stance=sideways"),
            Nobody,
            422,
            "validation_failed",
        ),
        case(
            "GET",
            format!("{args}?sort=loudest"),
            Nobody,
            422,
            "validation_failed",
        ),
        case(
            "GET",
            format!("{args}?cursor=%27%20OR%201%3D1"),
            Nobody,
            422,
            "validation_failed",
        ),
        case(
            "GET",
            format!("{args}?limit=101"),
            Nobody,
            422,
            "validation_failed",
        ),
        with_body(
            case("POST", &args, Nobody, 401, "unauthorized"),
            json_body(argument.clone()),
        ),
        with_body(
            case("POST", &args, Forged, 401, "unauthorized"),
            json_body(argument.clone()),
        ),
        with_body(
            case("POST", &args, Moderator, 403, "forbidden"),
            json_body(argument.clone()),
        ),
        with_body(
            case(
                "POST",
                "/v1/deliberations/nowhere/arguments",
                Resident,
                404,
                "not_found",
            ),
            json_body(argument.clone()),
        ),
        with_body(
            case(
                "POST",
                "/v1/deliberations/quiet/arguments",
                Resident,
                409,
                "phase_closed",
            ),
            json_body(argument.clone()),
        ),
        with_body(
            case("POST", &args, Resident, 415, "unsupported_media_type"),
            Some(("text/plain", argument.to_string())),
        ),
        with_body(
            case("POST", &args, Resident, 400, "bad_request"),
            Some(("application/json", "{\"stance\": ".into())),
        ),
        with_body(
            case("POST", &args, Resident, 422, "validation_failed"),
            json_body(json!({"stance": -1, "text": "x"})),
        ),
        with_body(
            case("POST", &args, Resident, 422, "validation_failed"),
            json_body(json!({"stance": "for", "text": " "})),
        ),
        with_body(
            case("POST", &args, Resident, 422, "validation_failed"),
            json_body(json!({"stance": "for", "text": "x", "lang": "<script>"})),
        ),
        with_body(
            case("POST", &args, Resident, 413, "payload_too_large"),
            json_body(json!({"stance": "for", "text": "x".repeat(100_000)})),
        ),
        case("GET", "/v1/arguments/nothing", Nobody, 404, "not_found"),
        case(
            "GET",
            "/v1/arguments/nothing/comments",
            Nobody,
            404,
            "not_found",
        ),
        case(
            "GET",
            format!("{comments}?cursor=x"),
            Nobody,
            422,
            "validation_failed",
        ),
        with_body(
            case("POST", &comments, Nobody, 401, "unauthorized"),
            text("A reply"),
        ),
        with_body(
            case(
                "POST",
                "/v1/arguments/nothing/comments",
                Resident,
                404,
                "not_found",
            ),
            text("A reply"),
        ),
        with_body(
            case("POST", &comments, Resident, 422, "validation_failed"),
            json_body(json!({"text": "A reply", "parent_id": "nobody"})),
        ),
        with_body(
            case("POST", &comments, Resident, 422, "validation_failed"),
            json_body(json!({"text": "A reply", "lang": "fr; DROP"})),
        ),
        case("PUT", &reaction, Nobody, 401, "unauthorized"),
        case(
            "PUT",
            "/v1/arguments/nothing/reactions/helpful",
            Resident,
            404,
            "not_found",
        ),
        case(
            "PUT",
            format!("/v1/arguments/{a}/reactions/love"),
            Resident,
            404,
            "not_found",
        ),
        case("DELETE", &reaction, Forged, 401, "unauthorized"),
        case(
            "DELETE",
            format!("/v1/arguments/{a}/reactions/love"),
            Resident,
            404,
            "not_found",
        ),
        with_body(
            case("POST", "/v1/flags", Nobody, 401, "unauthorized"),
            json_body(json!({"target_type": "argument", "target_id": a, "reason": "spam"})),
        ),
        with_body(
            case("POST", "/v1/flags", Resident, 404, "not_found"),
            json_body(json!({"target_type": "argument", "target_id": "nothing", "reason": "spam"})),
        ),
        with_body(
            case("POST", "/v1/flags", Resident, 422, "validation_failed"),
            json_body(json!({"target_type": "table", "target_id": a, "reason": "spam"})),
        ),
        case(
            "GET",
            "/v1/deliberations/nowhere/proposals",
            Nobody,
            404,
            "not_found",
        ),
        case(
            "GET",
            format!("{d}/proposals?limit=x"),
            Nobody,
            422,
            "validation_failed",
        ),
        with_body(
            case(
                "POST",
                format!("{d}/proposals"),
                Nobody,
                401,
                "unauthorized",
            ),
            json_body(json!({"title": "A fountain"})),
        ),
        with_body(
            case(
                "POST",
                format!("{d}/proposals"),
                Resident,
                422,
                "validation_failed",
            ),
            json_body(json!({"title": " "})),
        ),
        with_body(
            case(
                "POST",
                "/v1/deliberations/quiet/proposals",
                Resident,
                409,
                "phase_closed",
            ),
            json_body(json!({"title": "A fountain"})),
        ),
        case("GET", "/v1/polls/nothing", Nobody, 404, "not_found"),
        with_body(
            case("PUT", ballot, Nobody, 401, "unauthorized"),
            json_body(json!({"ranking": ["seasonal"]})),
        ),
        with_body(
            case(
                "PUT",
                "/v1/polls/nothing/ballot",
                Resident,
                404,
                "not_found",
            ),
            json_body(json!({"ranking": ["seasonal"]})),
        ),
        with_body(
            case(
                "PUT",
                "/v1/polls/quiet-poll/ballot",
                Resident,
                409,
                "poll_not_open",
            ),
            json_body(json!({"ranking": ["seasonal"]})),
        ),
        with_body(
            case(
                "PUT",
                "/v1/polls/done-poll/ballot",
                Resident,
                409,
                "poll_closed",
            ),
            json_body(json!({"ranking": ["seasonal"]})),
        ),
        with_body(
            case("PUT", ballot, Resident, 422, "validation_failed"),
            json_body(json!({"ranking": []})),
        ),
        with_body(
            case("PUT", ballot, Resident, 422, "validation_failed"),
            json_body(json!({"ranking": ["seasonal", "seasonal"]})),
        ),
        case("GET", ballot, Nobody, 401, "unauthorized"),
        case(
            "GET",
            "/v1/polls/nothing/ballot",
            Resident,
            404,
            "not_found",
        ),
        case("GET", ballot, Resident, 404, "not_found"),
        case("GET", "/v1/polls/nothing/results", Nobody, 404, "not_found"),
        case(
            "GET",
            "/v1/polls/rue-des-lilas-design/results",
            Nobody,
            403,
            "results_not_available",
        ),
        case("GET", "/v1/polls/nothing/ballots", Nobody, 404, "not_found"),
        case(
            "GET",
            "/v1/polls/rue-des-lilas-design/ballots",
            Nobody,
            403,
            "results_not_available",
        ),
        case(
            "GET",
            "/v1/polls/done-poll/ballots?format=xml",
            Nobody,
            422,
            "validation_failed",
        ),
        with_body(
            case(
                "PUT",
                "/v1/moderation/deliberations/quiet/phase",
                Nobody,
                401,
                "unauthorized",
            ),
            json_body(json!({"phase": "voting"})),
        ),
        with_body(
            case(
                "PUT",
                "/v1/moderation/deliberations/quiet/phase",
                Resident,
                403,
                "forbidden",
            ),
            json_body(json!({"phase": "voting"})),
        ),
        with_body(
            case(
                "PUT",
                "/v1/moderation/deliberations/nowhere/phase",
                Moderator,
                404,
                "not_found",
            ),
            json_body(json!({"phase": "voting"})),
        ),
        with_body(
            case(
                "PUT",
                "/v1/moderation/deliberations/quiet/phase",
                Moderator,
                422,
                "validation_failed",
            ),
            json_body(json!({"phase": "later"})),
        ),
        with_body(
            case(
                "PUT",
                "/v1/moderation/polls/quiet-poll/status",
                Resident,
                403,
                "forbidden",
            ),
            json_body(json!({"status": "open"})),
        ),
        with_body(
            case(
                "PUT",
                "/v1/moderation/polls/nothing/status",
                Moderator,
                404,
                "not_found",
            ),
            json_body(json!({"status": "open"})),
        ),
        with_body(
            case(
                "PUT",
                "/v1/moderation/polls/quiet-poll/status",
                Moderator,
                422,
                "validation_failed",
            ),
            json_body(json!({"status": "ajar"})),
        ),
        with_body(
            case("PUT", "/v1/moderation/content", Resident, 403, "forbidden"),
            json_body(json!({"target_type": "argument", "target_id": a, "status": "removed"})),
        ),
        with_body(
            case("PUT", "/v1/moderation/content", Moderator, 404, "not_found"),
            json_body(
                json!({"target_type": "argument", "target_id": "nothing", "status": "removed"}),
            ),
        ),
        with_body(
            case(
                "PUT",
                "/v1/moderation/proposals/nothing/decision",
                Resident,
                403,
                "forbidden",
            ),
            json_body(json!({"decision": "accepted"})),
        ),
        with_body(
            case(
                "PUT",
                "/v1/moderation/proposals/nothing/decision",
                Moderator,
                404,
                "not_found",
            ),
            json_body(json!({"decision": "accepted"})),
        ),
        with_body(
            case(
                "PUT",
                "/v1/moderation/proposals/nothing/decision",
                Moderator,
                422,
                "validation_failed",
            ),
            json_body(json!({"decision": "declined"})),
        ),
        case(
            "GET",
            "/v1/moderation/deliberations/rue-des-lilas/activity",
            Resident,
            403,
            "forbidden",
        ),
        case(
            "GET",
            "/v1/moderation/deliberations/nothing/activity",
            Moderator,
            404,
            "not_found",
        ),
        case("GET", "/v1/moderation/log", Nobody, 401, "unauthorized"),
        case("GET", "/v1/moderation/log", Resident, 403, "forbidden"),
        case(
            "GET",
            "/v1/moderation/log?limit=0",
            Moderator,
            422,
            "validation_failed",
        ),
        case(
            "GET",
            "/v1/deliberations/nothing/moderation",
            Nobody,
            404,
            "not_found",
        ),
        case(
            "GET",
            "/v1/deliberations/rue-des-lilas/moderation?cursor=x",
            Nobody,
            422,
            "validation_failed",
        ),
        case("GET", "/v1/moderation/flagged", Nobody, 401, "unauthorized"),
        case("GET", "/v1/moderation/flagged", Resident, 403, "forbidden"),
        case(
            "GET",
            "/v1/moderation/flagged?cursor=x",
            Moderator,
            422,
            "validation_failed",
        ),
        with_body(
            case("POST", "/v1/moderation/import", Resident, 403, "forbidden"),
            json_body(json!({"deliberations": []})),
        ),
        with_body(
            case(
                "POST",
                "/v1/moderation/import",
                Moderator,
                422,
                "validation_failed",
            ),
            json_body(json!({"deliberations": [{"deliberation": {}}]})),
        ),
    ];
    let mut covered = BTreeSet::new();
    for c in &cases {
        let token = match c.who {
            Nobody => None,
            Resident => Some(me.as_str()),
            Forged => Some("anon.p-forged.AAAA"),
            Moderator => Some(MODERATOR),
        };
        let answer = send(&app, c.method, &c.path, token, c.body.clone()).await;
        let what = format!("{} {}", c.method, c.path);
        assert_eq!(
            (answer.status, answer.body["code"].as_str()),
            (c.status, Some(c.code)),
            "{what}: {}",
            answer.body
        );
        assert_eq!(answer.content_type, "application/problem+json", "{what}");
        assert_eq!(answer.body["status"], c.status, "{what}");
        let path = c.path.split('?').next().unwrap_or("");
        if let Route::Found(op, _) = route(c.method, path.trim_start_matches("/v1")) {
            covered.insert(format!("{op:?}"));
        }
    }
    let missing: Vec<String> = Operation::ALL
        .iter()
        .map(|op| format!("{op:?}"))
        .filter(|op| !covered.contains(op) && op != "GetCapabilities" && op != "CreateParticipant")
        .collect();
    assert!(
        missing.is_empty(),
        "operations without a refusal case: {missing:?}"
    );
    // None of it changed anything a resident can see.
    let listed = send(&app, "GET", &format!("{args}?limit=100"), None, None).await;
    assert_eq!(
        listed.body["items"].as_array().map(Vec::len),
        Some(17),
        "16 seeded + 1"
    );
}

#[tokio::test]
async fn a_poll_for_signed_in_residents_refuses_anonymous_ballots() {
    let (app, anonymous) = seeded_app(&[
        "--host-secret",
        "a-secret-the-city-shares-of-enough-length-0",
    ])
    .await;
    let ranking = json_body(json!({"ranking": ["seasonal"]}));
    let refused = send(
        &app,
        "PUT",
        "/v1/polls/residents-poll/ballot",
        Some(&anonymous),
        ranking.clone(),
    )
    .await;
    assert_eq!(
        (refused.status, refused.body["code"].as_str()),
        (403, Some("not_eligible"))
    );
    let resident = plaza_server::identity::mint_host_token(
        "a-secret-the-city-shares-of-enough-length-0",
        "resident-7",
        4_102_444_800,
    );
    let cast = send(
        &app,
        "PUT",
        "/v1/polls/residents-poll/ballot",
        Some(&resident),
        ranking,
    )
    .await;
    assert_eq!(cast.status, 200, "{}", cast.body);
}

#[tokio::test]
async fn ballot_exports_are_saved_as_files() {
    let (app, _) = seeded_app(&[]).await;
    for (query, file) in [
        ("", "ballots-done-poll.json"),
        ("?format=cdf", "ballots-done-poll-cdf.json"),
    ] {
        let export = send(
            &app,
            "GET",
            &format!("/v1/polls/done-poll/ballots{query}"),
            None,
            None,
        )
        .await;
        assert_eq!(export.status, 200, "{}", export.body);
        assert_eq!(
            export.headers[axum::http::header::CONTENT_DISPOSITION],
            format!("attachment; filename=\"{file}\"").as_str()
        );
    }
}

/// A re-import that gives a deliberation another poll leaves the old poll's
/// row in place; a proposal accepted afterwards goes onto the deliberation's
/// poll, the one residents vote in, never onto the old one.
#[tokio::test]
async fn an_accepted_proposal_goes_onto_the_deliberations_own_poll() {
    let (app, _) = seeded_app(&[]).await;
    let mut seed = in_process::seed();
    seed.deliberations.truncate(1);
    let entry = &mut seed.deliberations[0];
    let old_poll = entry.deliberation.poll_id.clone().expect("the demo's poll");
    let new_poll = format!("{old_poll}-2");
    entry.deliberation.poll_id = Some(new_poll.clone());
    if let Some(poll) = entry.poll.as_mut() {
        poll.id = new_poll.clone();
    }
    let proposal = entry.proposals[0].id.clone();
    let again = send(
        &app,
        "POST",
        "/v1/moderation/import",
        Some(MODERATOR),
        json_body(serde_json::to_value(&seed).expect("the seed as JSON")),
    )
    .await;
    assert_eq!(again.status, 200, "{}", again.body);
    let options = |answer: &in_process::Answer| {
        answer.body["options"]
            .as_array()
            .map(Vec::len)
            .unwrap_or_default()
    };
    let poll = |id: String| {
        let app = app.clone();
        async move { send(&app, "GET", &format!("/v1/polls/{id}"), None, None).await }
    };
    let (old_before, new_before) = (poll(old_poll.clone()).await, poll(new_poll.clone()).await);
    let decided = send(
        &app,
        "PUT",
        &format!("/v1/moderation/proposals/{proposal}/decision"),
        Some(MODERATOR),
        json_body(json!({"decision": "accepted"})),
    )
    .await;
    assert_eq!(decided.status, 200, "{}", decided.body);
    assert_eq!(options(&poll(new_poll).await), options(&new_before) + 1);
    assert_eq!(options(&poll(old_poll).await), options(&old_before));
}

/// A network refused for guessing tokens is refused again from a read:
/// its count of failures stops at the first refusal, so that a script
/// guessing on and on costs the database's writer nothing more.
#[tokio::test]
async fn a_refused_guesser_costs_no_more_writes() {
    let (app, db) = in_process::app_with_db(&["--auth-failures-per-minute", "2"]).await;
    let guess = "anon.p-guess.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    let mut statuses = Vec::new();
    for _ in 0..6 {
        statuses.push(
            send(&app, "POST", "/v1/flags", Some(guess), json_body(json!({})))
                .await
                .status,
        );
    }
    assert_eq!(statuses, [401, 401, 429, 429, 429, 429]);
    let counted: i64 =
        sqlx::query_scalar("SELECT MAX(hits) FROM rate_limits WHERE bucket LIKE 'auth:%'")
            .fetch_one(&db.read)
            .await
            .expect("the count");
    assert_eq!(counted, 3, "two failures and the first refusal");
    // Refused on writes, refused on reads.
    let read = send(
        &app,
        "GET",
        "/v1/polls/rue-des-lilas-design/results",
        Some(guess),
        None,
    )
    .await;
    assert_eq!(read.status, 429, "{}", read.body);
}

/// A read with a bad token writes nothing (results reads never write): its
/// failure is counted in the process's memory, with the same limit.
#[tokio::test]
async fn guessing_on_reads_is_limited_without_writing() {
    let (app, db) = in_process::app_with_db(&["--auth-failures-per-minute", "2"]).await;
    let guess = "anon.p-guess.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    let mut statuses = Vec::new();
    for path in [
        "/v1/polls/rue-des-lilas-design/results",
        "/v1/deliberations/rue-des-lilas/arguments?stance=for",
        "/v1/polls/rue-des-lilas-design/results",
        "/v1/deliberations/rue-des-lilas/arguments?stance=for",
    ] {
        statuses.push(send(&app, "GET", path, Some(guess), None).await.status);
    }
    assert_eq!(statuses, [401, 401, 429, 429]);
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM rate_limits")
        .fetch_one(&db.read)
        .await
        .expect("the count");
    assert_eq!(rows, 0, "a read wrote a rate-limit row");
}
