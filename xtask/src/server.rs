//! The reference server in `cargo xtask demo` and `cargo xtask test`: the
//! demo runs it on a SQLite file, and the tests run the conformance kit
//! against it on SQLite and on PostgreSQL, then against the in-browser
//! backend (`plaza-conformance --local`).

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use crate::{cargo, root, run, Failure, Result};

/// Used by the kit runs only; never a real deployment's token.
const MODERATOR_TOKEN: &str = "xtask-conformance-moderator-token-0123456789";
const HOST_SECRET: &str = "xtask-conformance-host-secret-of-enough-length";
const ORIGIN: &str = "http://city.example";

/// Builds the server and runs it in demo mode until Ctrl-C: the built
/// widget from `dist`, the demo deliberation in `target/plaza-demo.db`.
pub fn demo(dist: &Path, port: &str) -> Result {
    run(cargo().args([
        "build",
        "--package",
        "plaza-server",
        "--bin",
        "plaza-server",
    ]))?;
    let database = format!("sqlite:{}", root().join("target/plaza-demo.db").display());
    run(Command::new(server_binary())
        .current_dir(root())
        .args([
            "--demo",
            "--addr",
            &format!("127.0.0.1:{port}"),
            "--database",
            &database,
        ])
        .arg("--static-dir")
        .arg(dist))
}

/// A debug build's binary, in the target directory cargo uses.
pub fn binary(name: &str) -> std::path::PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| root().join("target"))
        .join("debug")
        .join(name)
}

fn server_binary() -> std::path::PathBuf {
    binary("plaza-server")
}

/// Runs the conformance kit against a fresh server on each database, then
/// against `api="local"`.
pub fn conformance(postgres_url: &str) -> Result {
    run(cargo().args([
        "build",
        "--locked",
        "--package",
        "plaza-server",
        "--package",
        "plaza-conformance",
    ]))?;
    let sqlite = root().join("target/plaza-conformance.db");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", sqlite.display()));
    }
    check(&format!("sqlite:{}", sqlite.display()))?;
    forget_rate_limits(postgres_url);
    check(postgres_url)?;
    check_local()
}

/// The SQLite file starts afresh at each run; the PostgreSQL database does
/// not, and a run started within a minute of the last would find its
/// requests counted against the address's write limit (429s the kit does
/// not expect). A database the server never made is left alone.
fn forget_rate_limits(postgres_url: &str) {
    let sql = "DO $$ BEGIN IF to_regclass('rate_limits') IS NOT NULL THEN DELETE FROM rate_limits; END IF; END $$";
    let done = Command::new("psql")
        .args([postgres_url, "-q", "-v", "ON_ERROR_STOP=1", "-c", sql])
        .output();
    if !done.as_ref().is_ok_and(|o| o.status.success()) {
        eprintln!(
            "xtask: could not clear the write limits of {} (psql): a run within a minute of the last may see 429s",
            scheme(postgres_url)
        );
    }
}

/// The kit against the in-browser backend, which it serves itself (no
/// server process): the rules that cannot apply to one participant in one
/// page say `skip`, every other one must pass.
fn check_local() -> Result {
    eprintln!("xtask: checking the in-browser backend (api=\"local\")");
    run(Command::new(binary("plaza-conformance")).arg("--local"))
        .map_err(|e| Failure(format!("conformance on api=\"local\": {}", e.0)))
}

/// A server on `database`, the kit against it, then the server stopped.
fn check(database: &str) -> Result {
    let mut server = Server::start(database)?;
    let kit = run(Command::new(binary("plaza-conformance"))
        .args(["--api", &format!("{}/v1", server.origin)])
        .args([
            "--moderator-token",
            MODERATOR_TOKEN,
            "--host-secret",
            HOST_SECRET,
            "--origin",
            ORIGIN,
        ]));
    server.stop();
    kit.map_err(|e| Failure(format!("conformance on {}: {}", scheme(database), e.0)))
}

fn scheme(database: &str) -> &str {
    database.split(':').next().unwrap_or(database)
}

struct Server {
    child: Child,
    origin: String,
}

impl Server {
    fn start(database: &str) -> Result<Server> {
        eprintln!("xtask: starting plaza-server on {}", scheme(database));
        let mut child = Command::new(server_binary())
            .args(["--addr", "127.0.0.1:0", "--database", database])
            .args([
                "--moderator-token",
                MODERATOR_TOKEN,
                "--host-secret",
                HOST_SECRET,
            ])
            .args(["--allow-origin", ORIGIN])
            // The kit makes many participants from one address.
            .args(["--network-participants-per-hour", "0"])
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| Failure(format!("could not start plaza-server: {e}")))?;
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| Failure("no stdout".into()))?;
        let mut lines = BufReader::new(stdout).lines();
        let origin = loop {
            match lines.next() {
                Some(Ok(line)) => {
                    if let Some(url) = line.strip_prefix("plaza-server listening on ") {
                        break url.trim().to_owned();
                    }
                }
                _ => {
                    let _ = child.kill();
                    return Err(Failure("plaza-server exited before listening".into()));
                }
            }
        };
        std::thread::spawn(move || for _ in lines {});
        Ok(Server { child, origin })
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}
