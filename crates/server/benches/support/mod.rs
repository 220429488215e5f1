//! What the server benchmarks share: a release server of their own.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// Starts `plaza-server` on `database` with `args`, and waits until it
/// listens: the process (killed by the caller) and its origin.
pub fn start_server(database: &str, args: &[&str]) -> (Child, String) {
    let mut server = Command::new(env!("CARGO_BIN_EXE_plaza-server"))
        .args(["--addr", "127.0.0.1:0", "--database", database])
        .args(args)
        .env("PLAZA_LOG", "warn")
        .stdout(Stdio::piped())
        .spawn()
        .expect("plaza-server starts");
    let mut lines = BufReader::new(server.stdout.take().expect("stdout")).lines();
    let origin = loop {
        let line = lines.next().expect("server output").expect("readable");
        if let Some(url) = line.strip_prefix("plaza-server listening on ") {
            break url.trim().to_owned();
        }
    };
    // Keep draining stdout so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (server, origin)
}

/// Imports `seed` through the moderation API, or panics saying why.
pub async fn import(
    http: &reqwest::Client,
    origin: &str,
    moderator: &str,
    seed: &serde_json::Value,
) {
    let imported = http
        .post(format!("{origin}/v1/moderation/import"))
        .bearer_auth(moderator)
        .json(seed)
        .send()
        .await
        .expect("import");
    assert!(
        imported.status().is_success(),
        "import failed: {}",
        imported.text().await.unwrap_or_default()
    );
}
