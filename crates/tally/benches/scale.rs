//! Scale benchmark: `cargo bench -p plaza-tally --bench scale`.
//!
//! Counts `2013_minneapolis_mayor_scale` (1,041,313 ballots) twice: as the corpus stores it
//! (7,084 grouped rankings) and expanded to 1,041,313 entries of `"count": 1`, generated here as
//! one JSON document in memory. Each scenario runs in its own child process so memory peaks do
//! not mix; the peak of parse + count is isolated by resetting the kernel's high-water mark
//! (`/proc/self/clear_refs`) after the document is built.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use plaza_tally::parse_case;

const CASE: &str = "2013_minneapolis_mayor_scale.json";
const CHILD_ENV: &str = "PLAZA_TALLY_BENCH_CHILD";

struct Scenario {
    name: &'static str,
    runs: usize,
    target_ms: f64,
    target_mb: Option<f64>,
}

const SCENARIOS: [Scenario; 2] = [
    Scenario {
        name: "grouped",
        runs: 15,
        target_ms: 50.0,
        target_mb: None,
    },
    Scenario {
        name: "expanded",
        runs: 5,
        target_ms: 1500.0,
        target_mb: Some(300.0),
    },
];

fn case_path() -> PathBuf {
    let dir = match std::env::var_os("PLAZA_RCTAB_CASES") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata/rctab/cases"),
    };
    dir.join(CASE)
}

fn main() {
    if let Ok(scenario) = std::env::var(CHILD_ENV) {
        child(&scenario);
        return;
    }
    let exe = std::env::current_exe().expect("the bench knows its own path");
    let path = case_path();
    let path = path.canonicalize().unwrap_or(path);
    println!("plaza-tally scale benchmark: {}", path.display());
    println!(
        "(each scenario in its own process; times are medians of several parse + count runs)\n"
    );
    let mut rows = Vec::new();
    let mut recount_ms = f64::NAN;
    for scenario in &SCENARIOS {
        let output = Command::new(&exe)
            .env(CHILD_ENV, scenario.name)
            .output()
            .expect("the bench can start itself");
        let stdout = String::from_utf8_lossy(&output.stdout);
        if !output.status.success() {
            eprintln!(
                "{} failed:\n{stdout}{}",
                scenario.name,
                String::from_utf8_lossy(&output.stderr)
            );
            std::process::exit(1);
        }
        let line = stdout
            .lines()
            .find(|l| l.starts_with("RESULT "))
            .unwrap_or_default();
        let field = |key: &str| -> f64 {
            line.split_whitespace()
                .find_map(|kv| kv.strip_prefix(&format!("{key}=")))
                .and_then(|v| v.parse().ok())
                .unwrap_or(f64::NAN)
        };
        if scenario.name == "grouped" {
            recount_ms = field("recount_ms");
        }
        rows.push((
            scenario,
            field("entries"),
            field("json_mb"),
            field("parse_ms"),
            field("count_ms"),
            field("total_ms"),
            field("peak_mb"),
            field("process_peak_mb"),
            field("runs"),
        ));
    }
    println!(
        "{:<9} {:>10} {:>9} {:>9} {:>9} {:>17} {:>15} {:>13}  target",
        "scenario",
        "entries",
        "JSON",
        "parse",
        "count",
        "parse + count",
        "peak (p + c)",
        "peak (all)",
    );
    let mut all_met = true;
    for (s, entries, json_mb, parse, count, total, peak, process_peak, runs) in rows {
        let mut target = format!("<= {:.0} ms", s.target_ms);
        let mut met = total <= s.target_ms;
        if let Some(mb) = s.target_mb {
            target.push_str(&format!(", <= {mb:.0} MB"));
            met &= process_peak <= mb;
        }
        all_met &= met;
        println!(
            "{:<9} {:>10} {:>6.1} MB {:>6.1} ms {:>6.1} ms {:>8.1} ms (n={runs}) {:>12.1} MB {:>10.1} MB  {target} {}",
            s.name,
            entries,
            json_mb,
            parse,
            count,
            total,
            peak,
            process_peak,
            if met { "met" } else { "MISSED" }
        );
    }
    println!("\npeak (p + c): highest resident memory while parsing and counting, with the document already in memory");
    println!(
        "peak (all): highest resident memory of the whole process, document generation included"
    );
    println!(
        "\nre-count as the browser does it (run_case_json: parse, count, result JSON), grouped: {recount_ms:.1} ms"
    );
    // Read by `cargo xtask bench` to compare with the same call in Chromium.
    println!("native_recount_ms={recount_ms:.2}");
    if !all_met {
        println!("\nsome targets were missed");
    }
}

fn status_kb(field: &str) -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(f64::NAN)
}

fn reset_peak() {
    // "5" resets VmHWM to the current RSS (Linux >= 4.0).
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn median(mut values: Vec<Duration>) -> f64 {
    values.sort();
    values[values.len() / 2].as_secs_f64() * 1000.0
}

fn child(scenario: &str) {
    let grouped = std::fs::read_to_string(case_path()).expect("the scale case is readable");
    let document = match scenario {
        "grouped" => grouped,
        _ => {
            let expanded = expand(&grouped);
            drop(grouped);
            expanded
        }
    };
    let runs = SCENARIOS
        .iter()
        .find(|s| s.name == scenario)
        .map_or(3, |s| s.runs);
    // The process peak so far: reading (and, expanded, generating) the document.
    let document_peak_mb = status_kb("VmHWM:") / 1024.0;
    reset_peak();
    let mut parse_times = Vec::new();
    let mut count_times = Vec::new();
    let mut total_times = Vec::new();
    let mut entries = 0;
    for _ in 0..runs {
        let start = Instant::now();
        let case = parse_case(&document).expect("the case parses");
        let parsed = Instant::now();
        let tabulation = case.election.tabulate().expect("the case counts");
        let done = Instant::now();
        assert_eq!(tabulation.winners, ["BETSY HODGES"]);
        assert_eq!(tabulation.passes[0].rounds.len(), 33);
        assert_eq!(case.election.ballot_count(), 1_041_313);
        entries = if scenario == "grouped" {
            case.election.distinct_rankings()
        } else {
            1_041_313
        };
        parse_times.push(parsed - start);
        count_times.push(done - parsed);
        total_times.push(done - start);
    }
    let peak_mb = status_kb("VmHWM:") / 1024.0;
    // What a browser runs to re-count (parse, count, and the result as JSON
    // text), timed the same way as the wasm build in `cargo xtask bench`.
    let recount_times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            let json = plaza_tally::run_case_json(&document);
            let elapsed = start.elapsed();
            assert!(json.contains("BETSY HODGES"));
            elapsed
        })
        .collect();
    println!(
        "RESULT recount_ms={:.2} entries={entries} json_mb={:.1} parse_ms={:.2} count_ms={:.2} total_ms={:.2} peak_mb={peak_mb:.1} process_peak_mb={:.1} runs={runs}",
        median(recount_times),
        document.len() as f64 / 1e6,
        median(parse_times),
        median(count_times),
        median(total_times),
        peak_mb.max(document_peak_mb),
    );
}

/// The same case with every group written out as `count` separate ballots of `"count": 1`.
fn expand(grouped: &str) -> String {
    let mut case: serde_json::Value = serde_json::from_str(grouped).expect("the case is JSON");
    let ballots = case
        .as_object_mut()
        .and_then(|o| o.remove("ballots"))
        .expect("the case has ballots");
    let ballots = ballots.as_array().expect("ballots are an array");
    let groups: Vec<(String, u64)> = ballots
        .iter()
        .map(|b| {
            (
                b["ranking"].to_string(),
                b["count"].as_u64().expect("a count"),
            )
        })
        .collect();
    let size: usize = groups
        .iter()
        .map(|(r, n)| (r.len() + 25) * *n as usize)
        .sum();
    let head = case.to_string();
    let mut out = String::with_capacity(head.len() + size + 32);
    out.push_str(&head[..head.len() - 1]);
    out.push_str(",\"ballots\":[");
    let mut first = true;
    for (ranking, n) in &groups {
        for _ in 0..*n {
            if !first {
                out.push(',');
            }
            first = false;
            let _ = write!(out, "{{\"ranking\":{ranking},\"count\":1}}");
        }
    }
    out.push_str("]}");
    out
}
