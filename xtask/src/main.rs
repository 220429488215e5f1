//! Project automation, run as `cargo xtask <command>` (see `.cargo/config.toml`).
//! Every command first installs what it needs and is missing, so that a
//! fresh machine needs nothing but Rust: see DEVELOPERS.md.

mod dist;
mod server;
mod standalone;
mod tools;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

const HELP: &str = "\
Usage: cargo xtask <command>

  demo       build the widget, then run the reference server (plaza-server
             --demo) on a SQLite file: the demo city page at its URL
  test       run every test: native (cargo test --workspace), the server's
             tests on PostgreSQL, the conformance kit against the server on
             SQLite and PostgreSQL and against api=\"local\", and end-to-end
             (the release build embedded in a city page, in headless Chromium,
             and the keyboard and offline flows in Firefox and WebKit)
  dist       write the release build to dist/ and print its download size
  bench      benchmarks (figures, not pass/fail): the counting engine natively
             and in headless Chromium; the time to first screen of a
             deliberation with 5,000 arguments and 20,000 replies; the demo
             page on slow 4G; the server's results on a 200,000-ballot poll
  contract   regenerate the JSON Schema and OpenAPI documents of the contract
  conformance  run the conformance kit against the reference server on
             SQLite and PostgreSQL, and against the in-browser backend
             (plaza-conformance --local) (part of `test`)
  setup      only install the tools the other commands need
";

/// A failure with a message saying what to do about it.
pub struct Failure(pub String);

pub type Result<T = ()> = std::result::Result<T, Failure>;

impl<E: std::fmt::Display> From<E> for Failure {
    fn from(e: E) -> Self {
        Failure(e.to_string())
    }
}

/// The repository root (the parent of this crate).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Runs a command, echoing it, and fails if it fails.
pub fn run(command: &mut Command) -> Result {
    eprintln!("xtask: running {command:?}");
    let status = command
        .status()
        .map_err(|e| Failure(format!("could not start {:?}: {e}", command.get_program())))?;
    if status.success() {
        Ok(())
    } else {
        Err(Failure(format!(
            "{:?} failed ({status})",
            command.get_program()
        )))
    }
}

pub fn cargo() -> Command {
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    command.current_dir(root());
    command
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("demo") => demo(),
        Some("test") => test(),
        Some("dist") => dist::dist().map(|_| ()),
        Some("contract") => contract(),
        Some("conformance") => tools::ensure_postgres().and_then(|pg| server::conformance(&pg)),
        Some("bench") => bench(),
        Some("setup") => tools::ensure_all(),
        Some("help" | "--help" | "-h") | None => {
            print!("{HELP}");
            Ok(())
        }
        Some(other) => Err(Failure(format!("unknown command {other:?}\n\n{HELP}"))),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure(message)) => {
            eprintln!("xtask: error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn demo() -> Result {
    tools::ensure_node()?;
    let dist = dist::dist()?;
    let port = std::env::var("PLAZA_DEMO_PORT").unwrap_or_else(|_| "8080".into());
    server::demo(&dist, &port)
}

fn test() -> Result {
    // First, as it is instant: a fork must not need anything beside the repository.
    standalone::check()?;
    tools::ensure_all()?;
    tools::ensure_rustfmt()?;
    run(cargo().args(["fmt", "--all", "--", "--check"]))
        .map_err(|_| Failure("some code is not formatted: run `cargo fmt --all`".into()))?;
    // On SQLite (each test its own file) ...
    // Property tests explore new random inputs on every plain `cargo test`;
    // here they replay a fixed sequence, so that CI fails on changes, not luck.
    // (A failure found while exploring is kept in the *.proptest-regressions
    // files and replayed first, here too.)
    let proptest_seed = std::env::var("PROPTEST_RNG_SEED").unwrap_or_else(|_| "20261126".into());
    run(cargo()
        .args(["test", "--workspace", "--locked"])
        .env("PROPTEST_RNG_SEED", proptest_seed)
        .env_remove("PLAZA_TEST_DATABASE_URL"))?;
    // ... then the server's integration tests again on PostgreSQL (two
    // server processes on one database among them), and the conformance
    // kit against the server on both databases and against api="local".
    let postgres = tools::ensure_postgres()?;
    run(cargo()
        .args([
            "test",
            "--locked",
            "--package",
            "plaza-server",
            "--test",
            "*",
        ])
        .env("PLAZA_TEST_DATABASE_URL", &postgres))?;
    server::conformance(&postgres)?;
    let dist = dist::dist()?;
    // The end-to-end suite runs last: its summary ends the output.
    run(Command::new("node")
        .current_dir(root())
        .env("PLAZA_DIST", &dist)
        .env("PLAZA_CHROMIUM", tools::chromium_path())
        .env("PLAZA_SERVER_BIN", server::binary("plaza-server"))
        .args(["--test", "--test-reporter=spec", "--test-concurrency=1"])
        .arg("tests/e2e/"))
}

/// The counting engine on the 1,041,313-ballot case: natively (grouped and
/// expanded, time and peak memory), then the wasm build in Chromium; then
/// results at city scale on the server; then the first screen of a large
/// deliberation against the demo's.
fn bench() -> Result {
    tools::ensure_all()?;
    eprintln!("xtask: running cargo bench -p plaza-tally --bench scale");
    let output = cargo()
        .args(["bench", "-p", "plaza-tally", "--bench", "scale"])
        .stderr(std::process::Stdio::inherit())
        .output()?;
    let text = String::from_utf8_lossy(&output.stdout);
    print!("{text}");
    if !output.status.success() {
        return Err(Failure("the native benchmark failed".into()));
    }
    let native_ms = text
        .lines()
        .find_map(|l| l.strip_prefix("native_recount_ms="))
        .unwrap_or("")
        .trim()
        .to_owned();
    let dist = dist::dist()?;
    run(Command::new("node")
        .current_dir(root())
        .env("PLAZA_DIST", &dist)
        .env("PLAZA_CHROMIUM", tools::chromium_path())
        .env("PLAZA_NATIVE_RECOUNT_MS", native_ms)
        .arg("tests/bench/recount-in-browser.mjs"))?;
    // The demo page on a slow phone: compressed files, layout shift.
    run(cargo().args(["build", "--locked", "--package", "plaza-server"]))?;
    browser_bench(&dist, "tests/bench/delivery.mjs")?;
    // Results at city scale: 200,000 ballots on the release server.
    run(cargo().args([
        "bench",
        "--locked",
        "-p",
        "plaza-server",
        "--bench",
        "results",
    ]))?;
    // The server's part of a first screen is a few milliseconds even in a
    // debug build: the figure is the widget's.
    browser_bench(&dist, "tests/bench/first-screen.mjs")
}

/// A browser benchmark against the reference server (its debug build) and `dist`.
fn browser_bench(dist: &std::path::Path, script: &str) -> Result {
    run(Command::new("node")
        .current_dir(root())
        .env("PLAZA_DIST", dist)
        .env("PLAZA_CHROMIUM", tools::chromium_path())
        .env("PLAZA_SERVER_BIN", server::binary("plaza-server"))
        .arg(script))
}

fn contract() -> Result {
    use plaza_contract::schema::{
        json_schema, openapi, to_file_text, JSON_SCHEMA_PATH, OPENAPI_PATH,
    };
    let dir = root().join("crates/contract");
    for (path, document) in [(JSON_SCHEMA_PATH, json_schema()), (OPENAPI_PATH, openapi())] {
        let path = dir.join(path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, to_file_text(&document))?;
        println!("wrote {}", path.display());
    }
    Ok(())
}
