//! Moderation that one person cannot capture: flags hide content only when
//! they come from people the server has reason to count apart (residents
//! the city's site signed in; anonymous participants past the trust
//! threshold, one per network), a network cannot mint participants
//! without limit, nor guess tokens without limit; a flag never undoes a
//! moderator's removal.

mod support;

use serde_json::{json, Value};
use support::{database_url, Server};

const SECRET: &str = "a-secret-the-city-shares-of-enough-length";
/// Where the authors of the arguments to flag write from.
const AUTHORS: &str = "198.51.100.200";

/// Sends `body` to `path` as `token`, from `from` (an address the server
/// reads from X-Forwarded-For when it trusts it).
async fn post(
    server: &Server,
    path: &str,
    token: Option<&str>,
    from: &str,
    body: Value,
) -> (u16, Value) {
    let mut request = server
        .http
        .post(server.url(path))
        .header("X-Forwarded-For", from)
        .header("Idempotency-Key", uuid_like())
        .json(&body);
    if let Some(t) = token {
        request = request.bearer_auth(t);
    }
    let response = request.send().await.expect("answered");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn uuid_like() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    format!(
        "key-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

async fn participant_from(server: &Server, from: &str) -> (u16, String) {
    let (status, body) = post(server, "/v1/participants", None, from, json!({})).await;
    (
        status,
        body["token"].as_str().unwrap_or_default().to_owned(),
    )
}

/// An argument to flag, by its own author, who writes from `from`.
async fn argument(server: &Server, deliberation: &str, text: &str, from: &str) -> String {
    let (_, author) = participant_from(server, from).await;
    let (status, body) = post(
        server,
        &format!("/v1/deliberations/{deliberation}/arguments"),
        Some(&author),
        from,
        json!({"stance": "for", "text": text}),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    body["id"].as_str().expect("an id").to_owned()
}

async fn flag(server: &Server, token: &str, from: &str, id: &str) -> String {
    let (status, body) = post(
        server,
        "/v1/flags",
        Some(token),
        from,
        json!({"target_type": "argument", "target_id": id, "reason": "spam"}),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    body["status"].as_str().unwrap_or_default().to_owned()
}

fn start(dir: &tempfile::TempDir, extra: &[&str]) -> Server {
    // The test talks from 127.0.0.1, a proxy that says who the resident is.
    let mut args = vec!["--trusted-proxies", "127.0.0.1/32", "--host-secret", SECRET];
    args.extend_from_slice(extra);
    Server::start(&database_url(dir), &args)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fresh_anonymous_participants_from_one_address_cannot_hide_an_argument() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(&dir, &[]);
    let (deliberation, _) = server.import_fixture("fresh").await;
    let id = argument(
        &server,
        &deliberation,
        "Three new accounts will not silence me",
        AUTHORS,
    )
    .await;
    for _ in 0..5 {
        let (status, token) = participant_from(&server, "203.0.113.7").await;
        assert_eq!(status, 201);
        assert_eq!(flag(&server, &token, "203.0.113.7", &id).await, "visible");
    }
    // Every flag still reaches the moderators (this deliberation's queue:
    // a PostgreSQL database keeps earlier runs' flagged arguments).
    let (status, queue) = server
        .get(
            &format!("/v1/moderation/flagged?deliberation={deliberation}"),
            Some(support::MODERATOR),
        )
        .await;
    assert_eq!(status, 200);
    let listed = queue["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["target_id"] == id.as_str())
        .cloned();
    assert_eq!(listed.map(|f| f["flags"].clone()), Some(json!(5)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn residents_signed_in_by_the_city_still_hide_it() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(&dir, &[]);
    let (deliberation, _) = server.import_fixture("signed").await;
    let id = argument(&server, &deliberation, "Spam spam spam", AUTHORS).await;
    let mut statuses = Vec::new();
    for n in 0..3 {
        let token = plaza_server::identity::mint_host_token(
            SECRET,
            &format!("resident-{n}"),
            4_102_444_800,
        );
        // All from one address: a household of signed-in residents counts.
        statuses.push(flag(&server, &token, "203.0.113.8", &id).await);
    }
    assert_eq!(statuses, ["visible", "visible", "hidden_pending_review"]);
}

/// A moderator who restores content sets its flags aside: the residents
/// who flagged it cannot hide it again by flagging it again, others can.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restored_content_is_not_hidden_again_by_the_same_flaggers() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(&dir, &[]);
    let (deliberation, _) = server.import_fixture("restored").await;
    let id = argument(&server, &deliberation, "Within the rules", AUTHORS).await;
    let resident = |n: usize| {
        plaza_server::identity::mint_host_token(SECRET, &format!("restored-{n}"), 4_102_444_800)
    };
    for n in 0..3 {
        flag(&server, &resident(n), "203.0.113.9", &id).await;
    }
    let restore = json!({"target_type": "argument", "target_id": id, "status": "visible", "reason": "within_the_rules"});
    server.moderate("/v1/moderation/content", restore).await;
    let again: Vec<String> = {
        let mut statuses = Vec::new();
        for n in 0..3 {
            statuses.push(flag(&server, &resident(n), "203.0.113.9", &id).await);
        }
        statuses
    };
    assert_eq!(again, ["visible", "visible", "visible"]);
    let (_, queue) = server
        .get(
            &format!("/v1/moderation/flagged?deliberation={deliberation}"),
            Some(support::MODERATOR),
        )
        .await;
    let listed = queue["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["target_id"] == id.as_str());
    assert!(!listed, "not back in the queue: {queue}");
    // Three others still can.
    let mut others = Vec::new();
    for n in 3..6 {
        others.push(flag(&server, &resident(n), "203.0.113.9", &id).await);
    }
    assert_eq!(others, ["visible", "visible", "hidden_pending_review"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn established_anonymous_participants_count_once_per_network() {
    let dir = tempfile::tempdir().unwrap();
    // Anyone who contributed is established at once here.
    let server = start(&dir, &["--flag-trust-after-hours", "0"]);
    let (deliberation, _) = server.import_fixture("established").await;
    let id = argument(&server, &deliberation, "Flag me from many places", AUTHORS).await;
    let established = |from: &'static str, n: usize| {
        let server = &server;
        let deliberation = deliberation.clone();
        async move {
            let (_, token) = participant_from(server, from).await;
            let (status, _) = post(
                server,
                &format!("/v1/deliberations/{deliberation}/arguments"),
                Some(&token),
                from,
                json!({"stance": "against", "text": format!("My own view {n}")}),
            )
            .await;
            assert_eq!(status, 201);
            token
        }
    };
    // Three from one IPv6 /56: one network, one count.
    for (n, from) in [
        "2001:db8:5:6::1",
        "2001:db8:5:6::2",
        "2001:db8:5:ff:ffff::3",
    ]
    .into_iter()
    .enumerate()
    {
        let token = established(from, n).await;
        assert_eq!(flag(&server, &token, from, &id).await, "visible", "{from}");
    }
    // Two more networks: three in all.
    let a = established("2001:db8:7:8::1", 3).await;
    assert_eq!(flag(&server, &a, "2001:db8:7:8::1", &id).await, "visible");
    let b = established("192.0.2.44", 4).await;
    assert_eq!(
        flag(&server, &b, "192.0.2.44", &id).await,
        "hidden_pending_review"
    );
}

/// `at(net, host)`: the address `host` of IPv6 /56 network `net` of this run
/// alone (a PostgreSQL database keeps the hour's windows from earlier runs);
/// each host in another /64 of it.
fn networks_of_this_run() -> impl Fn(u32, u32) -> String {
    let run = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos() ^ std::process::id());
    let (a, b) = (run & 0xffff, (run >> 16) & 0xff);
    move |net, host| {
        let subnet = (((b ^ net) & 0xff) << 8) | (host & 0xff);
        format!("2001:db8:{a:x}:{subnet:x}::{host:x}")
    }
}

/// Three participants made from addresses of one IPv6 /56 of this run, a
/// fourth from another address of it refused, and another /56 not affected.
async fn three_from_a_56_then_refused(server: &Server) {
    let at = networks_of_this_run();
    for host in 1..=3 {
        assert_eq!(participant_from(server, &at(0, host)).await.0, 201);
    }
    let (status, body) = post(server, "/v1/participants", None, &at(0, 0xbeef), json!({})).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (429, Some("rate_limited")),
        "{body}"
    );
    assert_eq!(participant_from(server, &at(1, 1)).await.0, 201);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_network_creates_a_limited_number_of_participants_per_hour() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(&dir, &["--network-participants-per-hour", "3"]);
    three_from_a_56_then_refused(&server).await;
}

/// The writes per minute of one address count an IPv6 household's whole
/// /56: another address of it is the same client, not a fresh allowance.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ipv6_households_writes_are_counted_across_its_56() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(
        &dir,
        &[
            "--ip-writes-per-minute",
            "3",
            "--network-participants-per-hour",
            "100",
        ],
    );
    three_from_a_56_then_refused(&server).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_authentications_are_limited_per_network() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(&dir, &["--auth-failures-per-minute", "5"]);
    let at = networks_of_this_run();
    let (guesser, other) = (at(0, 1), at(1, 1));
    let guess = |from: String, n: u32| {
        let server = &server;
        async move {
            let token = format!("anon.p-guess{n}.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
            post(server, "/v1/flags", Some(&token), &from, json!({}))
                .await
                .0
        }
    };
    let mut statuses = Vec::new();
    for n in 0..7 {
        statuses.push(guess(guesser.clone(), n).await);
    }
    assert_eq!(
        statuses,
        [401, 401, 401, 401, 401, 429, 429],
        "{statuses:?}"
    );
    // Another network is still told its token is wrong, not throttled.
    assert_eq!(guess(other, 99).await, 401);
}

/// Residents flagging an argument at the moment a moderator removes it: the
/// removal stands, whatever commits first. (A race on PostgreSQL: a flag
/// that read "visible" before the removal committed would write "hidden"
/// over it; SQLite runs writes one at a time.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_removal_stands_against_flags_sent_at_the_same_moment() {
    let dir = tempfile::tempdir().unwrap();
    // One signed-in resident's flag hides: every flag races to write "hidden".
    let server = start(&dir, &["--flag-threshold", "1"]);
    let (deliberation, _) = server.import_fixture("contested").await;
    // Addresses of this run: a PostgreSQL database keeps earlier runs'
    // counts of writes and new participants per network.
    let here = networks_of_this_run()(7, 1);
    // Its status as listed (a removed argument is not listed).
    let status = |listed: Option<Value>| listed.map(|a| a["status"].clone());
    for round in 0..8 {
        let id = argument(&server, &deliberation, &format!("Contested {round}"), &here).await;
        let listed = server.listed_argument(&deliberation, &id).await;
        assert_eq!(status(listed), Some(json!("visible")));
        let flags = (0..4).map(|n| {
            let token = plaza_server::identity::mint_host_token(
                SECRET,
                &format!("resident-{round}-{n}"),
                4_102_444_800,
            );
            let (server, id, here) = (&server, id.clone(), &here);
            async move {
                let (status, body) = post(
                    server,
                    "/v1/flags",
                    Some(&token),
                    here,
                    json!({"target_type": "argument", "target_id": id, "reason": "spam"}),
                )
                .await;
                // Before the removal: counted; after it: gone.
                assert!(status == 201 || status == 404, "{status} {body}");
            }
        });
        let removal = server.moderate(
            "/v1/moderation/content",
            json!({"target_type": "argument", "target_id": id, "status": "removed"}),
        );
        futures::future::join(futures::future::join_all(flags), removal).await;
        let listed = server.listed_argument(&deliberation, &id).await;
        assert_eq!(status(listed), None, "round {round}: removed, not hidden");
    }
}
