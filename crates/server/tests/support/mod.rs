//! Running real `plaza-server` processes for the tests: on a fresh SQLite
//! file, or on the PostgreSQL database in `PLAZA_TEST_DATABASE_URL`.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{json, Value};

pub const MODERATOR: &str = "test-moderator-token-of-enough-length-0123";

/// The database the test runs on: PostgreSQL when `PLAZA_TEST_DATABASE_URL`
/// names one (CI sets it), otherwise a new SQLite file in `dir`.
/// Unique to this moment of this process: for ids that must not meet
/// those of other tests or earlier runs on a shared PostgreSQL database.
pub fn unique() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("{}-{nanos}", std::process::id())
}

pub fn database_url(dir: &tempfile::TempDir) -> String {
    match std::env::var("PLAZA_TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => url,
        _ => format!("sqlite:{}", dir.path().join("plaza.db").display()),
    }
}

pub struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT`
    pub origin: String,
    pub http: reqwest::Client,
}

impl Server {
    /// Starts a server on a free port and waits until it listens.
    pub fn start(database: &str, extra: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_plaza-server"))
            .args([
                "--addr",
                "127.0.0.1:0",
                "--database",
                database,
                "--moderator-token",
                MODERATOR,
            ])
            .args(extra)
            // Every test writes from 127.0.0.1, and on PostgreSQL into one
            // database that keeps the windows of earlier tests and runs: no
            // limit per address unless a test sets one.
            .args(
                ["--network-participants-per-hour", "--ip-writes-per-minute"]
                    .into_iter()
                    .filter(|limit| !extra.contains(limit))
                    .flat_map(|limit| [limit, "0"]),
            )
            .env("PLAZA_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("plaza-server starts");
        let stdout = child.stdout.take().expect("stdout is piped");
        let mut lines = BufReader::new(stdout).lines();
        let origin = loop {
            let line = lines
                .next()
                .expect("plaza-server printed its address before exiting")
                .expect("stdout is readable");
            if let Some(url) = line.strip_prefix("plaza-server listening on ") {
                break url.trim().to_owned();
            }
        };
        // Keep draining stdout so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Server {
            child,
            origin,
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .expect("HTTP client"),
        }
    }

    /// SIGKILL: no shutdown, no flush, no goodbye.
    pub fn kill_9(&mut self) {
        self.child.kill().expect("kill -9");
        self.child.wait().expect("reaped");
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.origin)
    }

    pub async fn participant(&self) -> String {
        let body: Value = self
            .http
            .post(self.url("/v1/participants"))
            .send()
            .await
            .expect("POST /v1/participants")
            .json()
            .await
            .expect("participant JSON");
        body["token"].as_str().expect("a token").to_owned()
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> (u16, Value) {
        let mut request = self.http.get(self.url(path));
        if let Some(t) = token {
            request = request.bearer_auth(t);
        }
        let response = request.send().await.expect("GET answered");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// Argument `id` as the public list of its deliberation's "for" side
    /// shows it (newest first), or `None` when it is not listed.
    pub async fn listed_argument(&self, deliberation: &str, id: &str) -> Option<Value> {
        let path = format!("/v1/deliberations/{deliberation}/arguments?stance=for&sort=recent");
        let (status, page) = self.get(&path, None).await;
        assert_eq!(status, 200, "{page}");
        page["items"]
            .as_array()
            .and_then(|items| items.iter().find(|a| a["id"] == id))
            .cloned()
    }

    /// The results of `poll` once they count `total` ballots: results are
    /// published by the server's own task, shortly after the ballots change.
    pub async fn results_counting(&self, poll: &str, total: &str) -> Value {
        let path = format!("/v1/polls/{poll}/results");
        let mut last = Value::Null;
        for _ in 0..150 {
            let (status, results) = self.get(&path, None).await;
            assert_eq!(status, 200, "{results}");
            if results["total_ballots"] == total {
                return results;
            }
            last = results;
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the results never counted {total} ballots: {last}");
    }

    pub async fn cast(
        &self,
        poll: &str,
        token: &str,
        ranking: &[&str],
        key: Option<&str>,
    ) -> (u16, Value) {
        let mut request = self
            .http
            .put(self.url(&format!("/v1/polls/{poll}/ballot")))
            .bearer_auth(token)
            .json(&json!({ "ranking": ranking }));
        if let Some(k) = key {
            request = request.header("Idempotency-Key", k);
        }
        let response = request.send().await.expect("PUT ballot answered");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    pub async fn moderate(&self, path: &str, body: Value) -> Value {
        let response = self
            .http
            .put(self.url(path))
            .bearer_auth(MODERATOR)
            .json(&body)
            .send()
            .await
            .expect("moderation answered");
        assert_eq!(response.status().as_u16(), 200, "{path}");
        response.json().await.expect("JSON")
    }

    /// Imports the demo deliberation under fresh ids, its poll open.
    /// Returns (deliberation id, poll id).
    pub async fn import_fixture(&self, name: &str) -> (String, String) {
        let suffix = format!("{name}-{}", unique());
        let mut seed: Value =
            serde_json::from_str(include_str!("../../../contract/demo/plaza-demo.json")).unwrap();
        let entry = &mut seed["deliberations"][0];
        let d = format!("d-{suffix}");
        let p = format!("p-{suffix}");
        entry["deliberation"]["id"] = json!(d);
        entry["deliberation"]["poll_id"] = json!(p);
        entry["poll"]["id"] = json!(p);
        entry["poll"]["deliberation_id"] = json!(d);
        entry["poll"]["status"] = json!("open");
        entry["poll"]["results_visibility"] = json!("always");
        // Seeded contributions keep their ids, which another test may have
        // imported already: this fixture starts without them.
        entry["arguments"] = json!([]);
        entry["comments"] = json!([]);
        entry["proposals"] = json!([]);
        let response = self
            .http
            .post(self.url("/v1/moderation/import"))
            .bearer_auth(MODERATOR)
            .json(&seed)
            .send()
            .await
            .expect("import answered");
        assert_eq!(
            response.status().as_u16(),
            200,
            "{:?}",
            response.text().await
        );
        (d, p)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The demo poll's options.
pub const OPTIONS: [&str; 5] = [
    "full-plaza",
    "shared-street",
    "seasonal",
    "one-way",
    "status-quo",
];
