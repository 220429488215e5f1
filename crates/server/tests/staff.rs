//! City staff signed in by the city's site moderate under their own name:
//! a host token with `"role": "staff"` opens the moderation surface, and
//! the moderation log records who did what; residents read what and why.

mod in_process;

use in_process::{json_body, seeded_app, send, MODERATOR};
use plaza_server::identity::{mint_host_token_for, DEFAULT_AUDIENCE, STAFF_ROLE};
use serde_json::json;

const SECRET: &str = "staff-test-host-secret-of-enough-length-01";

fn token(subject: &str, role: Option<&str>) -> String {
    let exp = plaza_server::db::now_millis() / 1000 + 3600;
    mint_host_token_for(SECRET, subject, exp, DEFAULT_AUDIENCE, None, role)
}

/// An application with the demo seed, a staff member's token, and the id
/// of an argument a resident just posted.
async fn argument_to_moderate(text: &str) -> (axum::Router, String, String) {
    let (app, resident) = seeded_app(&["--host-secret", SECRET]).await;
    let argument = send(
        &app,
        "POST",
        "/v1/deliberations/rue-des-lilas/arguments",
        Some(&resident),
        json_body(json!({"stance": "for", "text": text})),
    )
    .await;
    assert_eq!(argument.status, 201, "{}", argument.body);
    let id = argument.body["id"].as_str().expect("an id").to_owned();
    (app, token("planner-7", Some(STAFF_ROLE)), id)
}

#[tokio::test]
async fn staff_moderate_under_their_own_name() {
    let (app, planner, id) = argument_to_moderate("Buy my sunglasses at example.com").await;

    // A staff member hides it, saying why; the moderator token closes the poll.
    let hide =
        json!({"target_type": "argument", "target_id": id, "status": "removed", "reason": "spam"});
    let hidden = send(
        &app,
        "PUT",
        "/v1/moderation/content",
        Some(&planner),
        json_body(hide),
    )
    .await;
    assert_eq!(hidden.status, 200, "{}", hidden.body);
    let closed = send(
        &app,
        "PUT",
        "/v1/moderation/polls/rue-des-lilas-design/status",
        Some(MODERATOR),
        json_body(json!({"status": "closed"})),
    )
    .await;
    assert_eq!(closed.status, 200, "{}", closed.body);

    // The staff log: newest first, each with who did it.
    let log = send(&app, "GET", "/v1/moderation/log", Some(&planner), None).await;
    assert_eq!(log.status, 200, "{}", log.body);
    let items = log.body["items"].as_array().expect("items");
    assert_eq!(items[0]["change"]["poll_status"]["status"], "closed");
    assert_eq!(items[0]["staff"], "moderator-token");
    assert_eq!(items[1]["change"]["content"]["target_id"], id);
    assert_eq!(
        (&items[1]["reason"], &items[1]["staff"]),
        (&json!("spam"), &json!("staff:planner-7"))
    );

    // The public log: what and why, never who, never the text.
    let public = send(
        &app,
        "GET",
        "/v1/deliberations/rue-des-lilas/moderation",
        None,
        None,
    )
    .await;
    assert_eq!(public.status, 200, "{}", public.body);
    let text = public.body.to_string();
    assert!(
        !text.contains("staff") && !text.contains("sunglasses"),
        "{text}"
    );
    assert_eq!(public.body["items"][1]["reason"], "spam");

    // A staff token is no resident, and a resident's token is no staff.
    let as_resident = send(
        &app,
        "POST",
        "/v1/deliberations/rue-des-lilas/arguments",
        Some(&planner),
        json_body(json!({"stance": "for", "text": "Staff opinion"})),
    )
    .await;
    assert_eq!(as_resident.status, 403, "{}", as_resident.body);
    let signed_in = token("resident-9", None);
    let as_staff = send(&app, "GET", "/v1/moderation/log", Some(&signed_in), None).await;
    assert_eq!(as_staff.status, 403, "{}", as_staff.body);
}

/// Actions done one after the other are read back newest first even
/// within one millisecond (in process, a request takes less): the log's
/// order is the order things happened, which its ids, being random, are not.
#[tokio::test]
async fn the_log_keeps_the_order_of_actions_done_within_a_millisecond() {
    let (app, planner, id) = argument_to_moderate("A bench by the fountain").await;

    let statuses: Vec<&str> = ["removed", "visible"]
        .into_iter()
        .cycle()
        .take(20)
        .collect();
    for status in &statuses {
        let change = json!({"target_type": "argument", "target_id": id, "status": status});
        let done = send(
            &app,
            "PUT",
            "/v1/moderation/content",
            Some(&planner),
            json_body(change),
        )
        .await;
        assert_eq!(done.status, 200, "{}", done.body);
    }

    let log = send(
        &app,
        "GET",
        "/v1/moderation/log?limit=50",
        Some(&planner),
        None,
    )
    .await;
    assert_eq!(log.status, 200, "{}", log.body);
    let read: Vec<&str> = log.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|item| item["change"]["content"]["status"].as_str())
        .collect();
    let newest_first: Vec<&str> = statuses.iter().rev().copied().collect();
    assert_eq!(read, newest_first);
}
