//! The kit against the in-browser backend (`plaza-conformance --local`), as
//! `cargo xtask test` runs it: every rule passes but the ones that cannot
//! apply to one participant inside a page, which say `skip` — these and no
//! others.

use std::process::Command;

const NOT_LOCAL: [&str; 12] = [
    "participant.create",
    "participant.required",
    "participant.invalid",
    "participant.host_token",
    "reaction.idempotent",
    "flag.threshold",
    "flag.fresh_anonymous",
    "http.cors",
    "ballot.signed_in",
    "ballot.none",
    "results.batched",
    "http.rate_limit",
];

#[test]
fn plaza_local_passes_every_rule_that_applies() {
    let out = Command::new(env!("CARGO_BIN_EXE_plaza-conformance"))
        .arg("--local")
        .env_remove("PLAZA_MODERATOR_TOKEN")
        .output()
        .unwrap_or_else(|e| panic!("the kit runs: {e}"));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    let skipped: Vec<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("skip  "))
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert_eq!(skipped, NOT_LOCAL, "{text}");
    let passed = text.lines().filter(|l| l.starts_with("pass  ")).count();
    // Every rule of the kit ran.
    assert_eq!(
        passed + NOT_LOCAL.len(),
        plaza_conformance::rules::all().len(),
        "{text}"
    );
}
