//! Lists read in the order things were posted keep that order when the
//! posts come one after the other within a millisecond (in process, a
//! request takes less): their ids are random and cannot break a tie.

mod in_process;

use in_process::{json_body, seeded_app, send};
use serde_json::{json, Value};

const POSTS: usize = 20;

async fn post(app: &axum::Router, token: &str, path: &str, body: Value) -> String {
    let made = send(app, "POST", path, Some(token), json_body(body)).await;
    assert_eq!(made.status, 201, "{path}: {}", made.body);
    made.body["id"].as_str().expect("an id").to_owned()
}

async fn listed(app: &axum::Router, path: &str) -> Vec<String> {
    let page = send(app, "GET", path, None, None).await;
    assert_eq!(page.status, 200, "{path}: {}", page.body);
    page.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|item| item["id"].as_str().expect("an id").to_owned())
        .collect()
}

#[tokio::test]
async fn arguments_comments_and_proposals_keep_the_order_they_were_posted_in() {
    let (app, resident) = seeded_app(&[]).await;

    let mut arguments = Vec::new();
    for i in 0..POSTS {
        let body = json!({"stance": "against", "text": format!("Argument {i}")});
        arguments.push(
            post(
                &app,
                &resident,
                "/v1/deliberations/rue-des-lilas/arguments",
                body,
            )
            .await,
        );
    }
    let recent = listed(
        &app,
        "/v1/deliberations/rue-des-lilas/arguments?stance=against&sort=recent&limit=50",
    )
    .await;
    let newest_first: Vec<String> = arguments.iter().rev().cloned().collect();
    assert_eq!(recent[..POSTS], newest_first[..], "sort=recent");

    let under = &arguments[0];
    let mut comments = Vec::new();
    for i in 0..POSTS {
        let body = json!({"text": format!("Reply {i}")});
        let path = format!("/v1/arguments/{under}/comments");
        comments.push(post(&app, &resident, &path, body).await);
    }
    let thread = listed(&app, &format!("/v1/arguments/{under}/comments?limit=50")).await;
    assert_eq!(thread, comments, "comments, oldest first");

    let mut proposals = Vec::new();
    for i in 0..POSTS {
        let body = json!({"title": format!("Option {i}"), "description": "Trees and benches"});
        proposals.push(
            post(
                &app,
                &resident,
                "/v1/deliberations/rue-des-lilas/proposals",
                body,
            )
            .await,
        );
    }
    let listed_proposals = listed(&app, "/v1/deliberations/rue-des-lilas/proposals?limit=50").await;
    let ours: Vec<String> = listed_proposals
        .into_iter()
        .filter(|id| proposals.contains(id))
        .collect();
    assert_eq!(ours, proposals, "proposals, oldest first");
}
