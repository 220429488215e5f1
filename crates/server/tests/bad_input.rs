//! Bad input changes nothing: malformed JSON, wrong types, unknown ids,
//! oversized bodies and SQL-injection strings are answered with a 4xx
//! problem document, and every read gives what it gave before.

mod support;

use serde_json::{json, Value};
use support::{database_url, Server};

/// Everything a resident can read about the fixture, plus my ballot.
async fn snapshot(server: &Server, deliberation: &str, poll: &str, token: &str) -> Vec<Value> {
    let mut all = Vec::new();
    for path in [
        format!("/v1/deliberations/{deliberation}"),
        format!("/v1/deliberations/{deliberation}/arguments?stance=for&limit=100"),
        format!("/v1/deliberations/{deliberation}/arguments?stance=against&limit=100"),
        format!("/v1/deliberations/{deliberation}/proposals?limit=100"),
        format!("/v1/polls/{poll}"),
        format!("/v1/polls/{poll}/ballot"),
        format!("/v1/polls/{poll}/results"),
        "/v1/deliberations?limit=100".to_owned(),
    ] {
        let (status, mut body) = server.get(&path, Some(token)).await;
        // The moment of counting is not content.
        if let Some(results) = body.as_object_mut() {
            results.remove("counted_at");
        }
        all.push(json!({"path": path, "status": status, "body": body}));
    }
    all
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_requests_get_problems_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(
        &database_url(&dir),
        &["--participant-writes-per-minute", "0"],
    );
    let (d, p) = server.import_fixture("bad-input").await;
    let token = server.participant().await;
    let (status, _) = server.cast(&p, &token, &["seasonal"], None).await;
    assert_eq!(status, 200);
    let argument: Value = server
        .http
        .post(server.url(&format!("/v1/deliberations/{d}/arguments")))
        .bearer_auth(&token)
        .json(&json!({"stance": "for", "text": "A real argument"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let a = argument["id"].as_str().unwrap().to_owned();
    let before = snapshot(&server, &d, &p, &token).await;

    let injection = "x'; DROP TABLE ballots; --";
    let enc = "x%27%3B%20DROP%20TABLE%20ballots%3B%20--";
    let nul = |key: &str| {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(key)
    };
    let huge = json!({"stance": "for", "text": "x".repeat(1 << 20)}).to_string();
    // Under the body limit, refused by the decoder, which quotes the value.
    let quoted = "\u{200b}".repeat(20_000);
    // Past the limit, and larger than what a socket buffers: answered with
    // a readable 413 all the same (the server reads the rest first).
    let larger = json!({"ranking": ["x".repeat(3 << 20)]}).to_string();
    // (method, path, body, content type, expected status)
    let cases: Vec<(&str, String, Option<String>, &str, u16)> = vec![
        (
            "POST",
            format!("/v1/deliberations/{d}/arguments"),
            Some("{\"stance\": \"for\", \"text\": ".into()),
            "application/json",
            400,
        ),
        (
            "POST",
            format!("/v1/deliberations/{d}/arguments"),
            Some("not json at all".into()),
            "application/json",
            400,
        ),
        (
            "POST",
            format!("/v1/deliberations/{d}/arguments"),
            Some(json!({"stance": -1, "text": "x"}).to_string()),
            "application/json",
            422,
        ),
        (
            "POST",
            format!("/v1/deliberations/{d}/arguments"),
            Some(json!({"stance": "for", "text": ["x"]}).to_string()),
            "application/json",
            422,
        ),
        (
            "POST",
            format!("/v1/deliberations/{d}/arguments"),
            Some(json!(["for", "x"]).to_string()),
            "application/json",
            422,
        ),
        (
            "POST",
            format!("/v1/deliberations/{d}/arguments"),
            Some(json!({"stance": "for", "text": "x"}).to_string()),
            "text/plain",
            415,
        ),
        (
            "PUT",
            format!("/v1/polls/{p}/ballot"),
            Some(json!({ "ranking": quoted }).to_string()),
            "application/json",
            422,
        ),
        (
            "POST",
            format!("/v1/deliberations/{d}/arguments"),
            Some(json!({"stance": quoted, "text": "x"}).to_string()),
            "application/json",
            422,
        ),
        (
            "POST",
            format!("/v1/deliberations/{d}/arguments"),
            Some(huge.clone()),
            "application/json",
            413,
        ),
        (
            "PUT",
            format!("/v1/polls/{p}/ballot"),
            Some(huge),
            "application/json",
            413,
        ),
        (
            "PUT",
            format!("/v1/polls/{p}/ballot"),
            Some(larger),
            "application/json",
            413,
        ),
        (
            "PUT",
            format!("/v1/polls/{p}/ballot"),
            Some(json!({"ranking": "seasonal"}).to_string()),
            "application/json",
            422,
        ),
        (
            "PUT",
            format!("/v1/polls/{p}/ballot"),
            Some(json!({"ranking": [1, 2]}).to_string()),
            "application/json",
            422,
        ),
        (
            "PUT",
            format!("/v1/polls/{p}/ballot"),
            Some(json!({"ranking": [injection]}).to_string()),
            "application/json",
            422,
        ),
        (
            "PUT",
            format!("/v1/polls/{p}/ballot"),
            Some(json!({"ranking": []}).to_string()),
            "application/json",
            422,
        ),
        (
            "PUT",
            format!("/v1/polls/{enc}/ballot"),
            Some(json!({"ranking": ["seasonal"]}).to_string()),
            "application/json",
            404,
        ),
        (
            "POST",
            format!("/v1/deliberations/{enc}/arguments"),
            Some(json!({"stance": "for", "text": "x"}).to_string()),
            "application/json",
            404,
        ),
        (
            "POST",
            format!("/v1/arguments/{enc}/comments"),
            Some(json!({"text": "x"}).to_string()),
            "application/json",
            404,
        ),
        (
            "POST",
            format!("/v1/arguments/{a}/comments"),
            Some(json!({"text": "x", "parent_id": injection}).to_string()),
            "application/json",
            422,
        ),
        (
            "PUT",
            format!("/v1/arguments/{enc}/reactions/helpful"),
            None,
            "application/json",
            404,
        ),
        (
            "PUT",
            format!("/v1/arguments/{a}/reactions/{enc}"),
            None,
            "application/json",
            404,
        ),
        (
            "POST",
            "/v1/flags".into(),
            Some(
                json!({"target_type": "argument", "target_id": injection, "reason": "spam"})
                    .to_string(),
            ),
            "application/json",
            404,
        ),
        (
            "POST",
            "/v1/flags".into(),
            Some(json!({"target_type": "table", "target_id": a, "reason": "spam"}).to_string()),
            "application/json",
            422,
        ),
        (
            "GET",
            format!("/v1/deliberations/{enc}"),
            None,
            "application/json",
            404,
        ),
        (
            "GET",
            format!("/v1/deliberations/{d}/arguments?stance={enc}"),
            None,
            "application/json",
            422,
        ),
        (
            "GET",
            format!("/v1/deliberations/{d}/arguments?cursor={enc}"),
            None,
            "application/json",
            422,
        ),
        // A cursor shaped like the server's, with a NUL in its id: no id
        // has one, and PostgreSQL would refuse it with an error (a 500).
        (
            "GET",
            format!(
                "/v1/deliberations/{d}/arguments?stance=for&cursor={}",
                nul(r#"[0,0,"a\u0000"]"#)
            ),
            None,
            "application/json",
            422,
        ),
        (
            "GET",
            format!("/v1/deliberations?cursor={}", nul(r#""a\u0000""#)),
            None,
            "application/json",
            422,
        ),
        (
            "GET",
            format!(
                "/v1/deliberations/{d}/moderation?cursor={}",
                nul(r#"[0,"a\u0000"]"#)
            ),
            None,
            "application/json",
            422,
        ),
        (
            "GET",
            format!("/v1/deliberations/{d}/arguments?sort=helpful%20DESC%3B--"),
            None,
            "application/json",
            422,
        ),
        (
            "GET",
            format!("/v1/polls/{p}/ballots?format={enc}"),
            None,
            "application/json",
            422,
        ),
        (
            "DELETE",
            format!("/v1/polls/{p}/ballot"),
            None,
            "application/json",
            405,
        ),
        (
            "GET",
            "/v1/no/such/route".into(),
            None,
            "application/json",
            404,
        ),
        (
            "PUT",
            format!("/v1/moderation/polls/{p}/status"),
            Some(json!({"status": "closed"}).to_string()),
            "application/json",
            403,
        ),
    ];
    for (method, path, body, content_type, expected) in cases {
        let mut request = server
            .http
            .request(method.parse().unwrap(), server.url(&path))
            .bearer_auth(&token)
            .header("Content-Type", content_type);
        if let Some(body) = body {
            request = request.body(body);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let content = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let text = response.text().await.unwrap_or_default();
        assert!(
            text.len() < 4_000,
            "{method} {path}: a {} byte answer",
            text.len()
        );
        let problem: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        assert_eq!(status, expected, "{method} {path}: {problem}");
        assert_eq!(content, "application/problem+json", "{method} {path}");
        assert_eq!(problem["status"], expected, "{method} {path}: {problem}");
        assert!(
            problem["code"].is_string() && problem["title"].is_string(),
            "{problem}"
        );
    }

    assert_eq!(snapshot(&server, &d, &p, &token).await, before);
}
