//! Load benchmark of the reference server (figures, not a pass/fail test):
//! reads (deliberation, arguments) and ballot writes against a local
//! release build, closed-loop with N concurrent connections.
//!
//! ```sh
//! cargo bench -p plaza-server --bench load                       # SQLite
//! PLAZA_BENCH_DATABASE=postgres://plaza:plaza@127.0.0.1/plaza_bench \
//!   cargo bench -p plaza-server --bench load                     # PostgreSQL
//! ```
//! Knobs: `PLAZA_BENCH_SECONDS` (10 per phase), `PLAZA_BENCH_CONNECTIONS`
//! (32), `PLAZA_BENCH_SQLITE_SYNCHRONOUS` (full | normal).

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::future::join_all;
use serde_json::{json, Value};

const MODERATOR: &str = "bench-moderator-token-of-enough-length-01234";
const OPTIONS: [&str; 5] = [
    "full-plaza",
    "shared-street",
    "seasonal",
    "one-way",
    "status-quo",
];
const PARTICIPANTS: usize = 2000;

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

struct Phase {
    latencies_us: Vec<u64>,
    errors: usize,
    elapsed: Duration,
}

impl Phase {
    fn report(&mut self, name: &str) {
        self.latencies_us.sort_unstable();
        let n = self.latencies_us.len();
        let at = |q: f64| {
            self.latencies_us
                .get(((n as f64 * q) as usize).min(n.saturating_sub(1)))
                .copied()
                .unwrap_or(0)
        };
        println!(
            "{name:<14} {n:>7} requests in {:.1} s = {:>7.0}/s   p50 {:>6.2} ms   p99 {:>6.2} ms   max {:>7.2} ms   errors {}",
            self.elapsed.as_secs_f64(),
            n as f64 / self.elapsed.as_secs_f64(),
            at(0.50) as f64 / 1000.0,
            at(0.99) as f64 / 1000.0,
            self.latencies_us.last().copied().unwrap_or(0) as f64 / 1000.0,
            self.errors,
        );
    }
}

/// Runs `connections` loops of `request` for `seconds`.
async fn phase<F, Fut>(connections: usize, seconds: u64, request: F) -> Phase
where
    F: Fn(usize) -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = bool> + Send,
{
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let counter = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let tasks = (0..connections).map(|_| {
        let request = request.clone();
        let counter = counter.clone();
        tokio::spawn(async move {
            let (mut latencies, mut errors) = (Vec::new(), 0);
            while Instant::now() < deadline {
                let i = counter.fetch_add(1, Ordering::Relaxed);
                let t = Instant::now();
                let ok = request(i).await;
                latencies.push(t.elapsed().as_micros() as u64);
                if !ok {
                    errors += 1;
                }
            }
            (latencies, errors)
        })
    });
    let mut all = Phase {
        latencies_us: Vec::new(),
        errors: 0,
        elapsed: Duration::ZERO,
    };
    for result in join_all(tasks).await {
        let (latencies, errors) = result.expect("a load task panicked");
        all.latencies_us.extend(latencies);
        all.errors += errors;
    }
    all.elapsed = started.elapsed();
    all
}

#[tokio::main]
async fn main() {
    let seconds = env_or("PLAZA_BENCH_SECONDS", 10);
    let connections = env_or("PLAZA_BENCH_CONNECTIONS", 32) as usize;
    let dir = tempfile::tempdir().expect("temp dir");
    let database = std::env::var("PLAZA_BENCH_DATABASE")
        .unwrap_or_else(|_| format!("sqlite:{}", dir.path().join("bench.db").display()));
    let sync = std::env::var("PLAZA_BENCH_SQLITE_SYNCHRONOUS").unwrap_or_else(|_| "full".into());
    let (mut server, origin) = support::start_server(
        &database,
        &[
            "--moderator-token",
            MODERATOR,
            "--participant-writes-per-minute",
            "0",
            "--ip-writes-per-minute",
            "0",
            "--network-participants-per-hour",
            "0",
            "--sqlite-synchronous",
            &sync,
        ],
    );
    let kind = database.split(':').next().unwrap_or("?");
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let storage = if kind == "sqlite" {
        format!("SQLite, synchronous={sync}")
    } else {
        kind.to_owned()
    };
    println!("plaza-server load benchmark: {storage}, {cores} cores, {connections} connections, {seconds} s per phase");

    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(connections * 2)
        .build()
        .expect("client");

    // A fresh copy of the demo deliberation with its poll open.
    let mut seed: Value = serde_json::from_str(include_str!("../../contract/demo/plaza-demo.json"))
        .expect("demo seed");
    let suffix = std::process::id();
    let (d, p) = (format!("bench-{suffix}"), format!("bench-{suffix}-poll"));
    let entry = &mut seed["deliberations"][0];
    entry["deliberation"]["id"] = json!(d);
    entry["deliberation"]["poll_id"] = json!(p);
    entry["poll"]["id"] = json!(p);
    entry["poll"]["deliberation_id"] = json!(d);
    entry["poll"]["status"] = json!("open");
    entry["poll"]["results_visibility"] = json!("always");
    for list in ["arguments", "comments", "proposals"] {
        for (i, item) in entry[list]
            .as_array_mut()
            .expect("list")
            .iter_mut()
            .enumerate()
        {
            item["id"] = json!(format!("{list}-{suffix}-{i}"));
            if list != "comments" {
                item["deliberation_id"] = json!(d);
            }
        }
    }
    // Comments point at arguments by id: keep them consistent.
    let arguments: Vec<String> = entry["arguments"]
        .as_array()
        .expect("arguments")
        .iter()
        .map(|a| a["id"].as_str().unwrap_or("").to_owned())
        .collect();
    for c in entry["comments"].as_array_mut().expect("comments") {
        c["argument_id"] = json!(arguments[0]);
        c.as_object_mut().expect("comment").remove("parent_id");
    }
    support::import(&http, &origin, MODERATOR, &seed).await;

    let tokens: Vec<String> = join_all((0..PARTICIPANTS).map(|_| {
        let http = http.clone();
        let origin = origin.clone();
        async move {
            let v: Value = http
                .post(format!("{origin}/v1/participants"))
                .send()
                .await
                .expect("participant")
                .json()
                .await
                .expect("json");
            v["token"].as_str().expect("token").to_owned()
        }
    }))
    .await;
    let tokens = Arc::new(tokens);

    // Reads: the two calls the widget makes when it opens.
    let reads = {
        let (http, origin, d) = (http.clone(), origin.clone(), d.clone());
        move |i: usize| {
            let url = match i % 3 {
                0 => format!("{origin}/v1/deliberations/{d}"),
                1 => format!("{origin}/v1/deliberations/{d}/arguments?stance=for&sort=helpful"),
                _ => format!("{origin}/v1/deliberations/{d}/arguments?stance=against&sort=helpful"),
            };
            let http = http.clone();
            async move {
                match http.get(url).send().await {
                    Ok(r) => r.status().is_success() && r.bytes().await.is_ok(),
                    Err(_) => false,
                }
            }
        }
    };
    phase(connections, 1, reads.clone()).await; // warm-up
    phase(connections, seconds, reads).await.report("reads");

    // Ballot writes: each a new or changed ballot of one of the participants.
    let writes = {
        let (http, origin, p, tokens) = (http.clone(), origin.clone(), p.clone(), tokens.clone());
        move |i: usize| {
            let token = tokens[i % tokens.len()].clone();
            let ranking = [OPTIONS[i % 5], OPTIONS[(i / 5 + 1 + i % 5) % 5]];
            let ranking: Vec<&str> = if ranking[0] == ranking[1] {
                vec![ranking[0]]
            } else {
                ranking.to_vec()
            };
            let (http, url) = (http.clone(), format!("{origin}/v1/polls/{p}/ballot"));
            async move {
                match http
                    .put(url)
                    .bearer_auth(token)
                    .header("Idempotency-Key", format!("bench-{i}"))
                    .json(&json!({ "ranking": ranking }))
                    .send()
                    .await
                {
                    Ok(r) => r.status().is_success() && r.bytes().await.is_ok(),
                    Err(_) => false,
                }
            }
        }
    };
    phase(connections, seconds, writes)
        .await
        .report("ballot writes");

    let results: Value = http
        .get(format!("{origin}/v1/polls/{p}/results"))
        .send()
        .await
        .expect("results")
        .json()
        .await
        .unwrap_or(Value::Null);
    println!("results after the run: total_ballots {} (at most {PARTICIPANTS}: one ballot per participant)", results["total_ballots"]);
    println!(
        "for wrk: wrk -t2 -c{connections} -d{seconds}s --latency {origin}/v1/deliberations/{d}"
    );
    let _ = server.kill();
    let _ = server.wait();
}
