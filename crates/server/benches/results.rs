//! Results at city scale (figures, not a pass/fail test): a poll with
//! 200,000 ballots on the reference server (release build, SQLite unless
//! `PLAZA_BENCH_DATABASE` names a PostgreSQL database). Reported: a results
//! read just after a ballot (it answers the last published count at once)
//! and how long until the new count is published, a cached read, the close
//! (the final count), the export as JSON and as CDF (time and size), and
//! the server's peak memory before and after the exports.
//!
//! ```sh
//! cargo bench -p plaza-server --bench results
//! ```
//! Knob: `PLAZA_BENCH_BALLOTS` (200000).

mod support;

use std::time::{Duration, Instant};

use serde_json::{json, Value};

const MODERATOR: &str = "bench-moderator-token-of-enough-length-01234";
const DELIBERATION: &str = "bench-scale";
const POLL: &str = "bench-scale-poll";

/// The server's peak resident memory so far (Linux), in MB.
fn peak_mb(pid: u32) -> String {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        })
        .map_or_else(
            || "?".to_owned(),
            |kb| format!("{:.0} MB", kb as f64 / 1024.0),
        )
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// A ranking drawn from a fixed sequence: every run counts the same ballots.
fn ranking(i: u64, options: &[String]) -> Vec<String> {
    let mut x = i
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let mut left: Vec<String> = options.to_vec();
    let mut out = Vec::new();
    let length = 1 + (x >> 33) as usize % left.len();
    for _ in 0..length {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        out.push(left.remove((x >> 33) as usize % left.len()));
    }
    out
}

#[tokio::main]
async fn main() {
    let ballots: u64 = std::env::var("PLAZA_BENCH_BALLOTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let database = std::env::var("PLAZA_BENCH_DATABASE")
        .unwrap_or_else(|_| format!("sqlite:{}", dir.path().join("bench.db").display()));
    let (mut server, origin) = support::start_server(
        &database,
        &[
            "--moderator-token",
            MODERATOR,
            // Counted again at once after a change: the figure is the count's.
            "--live-results-every-secs",
            "0",
            "--live-results-min-ballots",
            "1",
            "--participant-writes-per-minute",
            "0",
            "--ip-writes-per-minute",
            "0",
            "--network-participants-per-hour",
            "0",
        ],
    );
    let pid = server.id();
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(600))
        .build()
        .expect("client");
    let url = |path: &str| format!("{origin}/v1{path}");

    // The demo poll under its own ids, open, its results always shown.
    let mut seed: Value =
        serde_json::from_str(include_str!("../../contract/demo/plaza-demo.json")).expect("seed");
    let entry = &mut seed["deliberations"][0];
    entry["deliberation"]["id"] = json!(DELIBERATION);
    entry["deliberation"]["poll_id"] = json!(POLL);
    entry["poll"]["id"] = json!(POLL);
    entry["poll"]["deliberation_id"] = json!(DELIBERATION);
    entry["poll"]["status"] = json!("open");
    entry["poll"]["eligibility"] = json!("anyone");
    entry["poll"]["results_visibility"] = json!("always");
    for list in ["arguments", "comments", "proposals"] {
        entry[list] = json!([]);
    }
    let options: Vec<String> = entry["poll"]["options"]
        .as_array()
        .expect("options")
        .iter()
        .filter_map(|o| o["id"].as_str().map(str::to_owned))
        .collect();
    support::import(&http, &origin, MODERATOR, &seed).await;

    // The ballots, written to the database directly (casting 200,000
    // through HTTP is the load benchmark's business).
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&database).await.expect("database");
    let started = Instant::now();
    let mut tx = pool.begin().await.expect("transaction");
    for first in (0..ballots).step_by(500) {
        let rows: Vec<String> = (first..(first + 500).min(ballots))
            .map(|i| {
                let r = serde_json::to_string(&ranking(i, &options)).expect("JSON");
                format!(
                    "('{POLL}', 'bench-{i}', '{}', 'T{i:08}', 0)",
                    r.replace('\'', "''")
                )
            })
            .collect();
        sqlx::query(&format!(
            "INSERT INTO ballots (poll_id, participant_id, ranking, tracker, recorded_at) VALUES {}",
            rows.join(", ")
        ))
        .execute(&mut *tx)
        .await
        .expect("ballots");
    }
    sqlx::query("UPDATE polls SET ballots_version = ballots_version + 1 WHERE id = $1")
        .bind(POLL)
        .execute(&mut *tx)
        .await
        .expect("version");
    tx.commit().await.expect("commit");
    pool.close().await;
    println!(
        "plaza-server results benchmark: {} ballots on {} (written in {})",
        ballots,
        database.split(':').next().unwrap_or("?"),
        ms(started.elapsed())
    );

    // One more ballot through the API: the read right after it answers at
    // once (the last count), the new count is published shortly after.
    let token: Value = http
        .post(url("/participants"))
        .send()
        .await
        .expect("participant")
        .json()
        .await
        .expect("token");
    let token = token["token"].as_str().expect("token").to_owned();
    let cast = http
        .put(url(&format!("/polls/{POLL}/ballot")))
        .bearer_auth(&token)
        .header("Idempotency-Key", "bench-one-more")
        .json(&json!({"ranking": [options[0]]}))
        .send()
        .await
        .expect("cast");
    assert!(cast.status().is_success());
    let after_change = Instant::now();
    let read = http
        .get(url(&format!("/polls/{POLL}/results")))
        .send()
        .await
        .expect("read");
    assert!(read.status().is_success());
    let read_after_change = after_change.elapsed();
    let expected = (ballots + 1).to_string();
    let published = loop {
        let results: Value = http
            .get(url(&format!("/polls/{POLL}/results")))
            .send()
            .await
            .expect("read")
            .json()
            .await
            .expect("results");
        if results["total_ballots"] == expected.as_str() {
            break after_change.elapsed();
        }
        assert!(
            after_change.elapsed() < Duration::from_secs(300),
            "never published: {results}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let mut cached = Vec::new();
    for _ in 0..50 {
        let t = Instant::now();
        let r = http
            .get(url(&format!("/polls/{POLL}/results")))
            .send()
            .await
            .expect("read");
        let _ = r.bytes().await;
        cached.push(t.elapsed());
    }
    cached.sort();
    println!(
        "results read just after a ballot      {}  (the last published count)",
        ms(read_after_change)
    );
    println!("new count published after             {}", ms(published));
    println!(
        "results read, published count (p50)   {}   p99 {}",
        ms(cached[25]),
        ms(cached[49])
    );

    let t = Instant::now();
    let closed = http
        .put(url(&format!("/moderation/polls/{POLL}/status")))
        .bearer_auth(MODERATOR)
        .json(&json!({"status": "closed"}))
        .send()
        .await
        .expect("close");
    assert!(closed.status().is_success());
    println!("close, with the final count           {}", ms(t.elapsed()));
    println!("server peak memory before the exports {}", peak_mb(pid));
    for (name, query) in [("JSON", ""), ("CDF", "?format=cdf")] {
        let t = Instant::now();
        let response = http
            .get(url(&format!("/polls/{POLL}/ballots{query}")))
            .send()
            .await
            .expect("export");
        assert!(
            response.status().is_success(),
            "{name}: {}",
            response.status()
        );
        let bytes = response.bytes().await.expect("the whole export");
        let document: Value = serde_json::from_slice(&bytes).expect("a JSON document");
        assert!(document.is_object());
        println!(
            "export {name:<4}                           {}  ({:.1} MB)",
            ms(t.elapsed()),
            bytes.len() as f64 / 1e6
        );
    }
    println!("server peak memory after the exports  {}", peak_mb(pid));
    let _ = server.kill();
    let _ = server.wait();
}
