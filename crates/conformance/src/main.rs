//! `plaza-conformance --api URL --moderator-token TOKEN`: checks every rule
//! of the Plaza contract v1 against a running backend, prints one line per
//! rule and a closing count, and exits non-zero if any rule failed.
//!
//! The kit brings its own test data: it imports two fresh deliberations
//! with their polls through the backend's moderation surface
//! (`POST /v1/moderation/import`, then phase and poll changes), so the
//! backend needs a moderator token. Everything it creates has ids starting
//! with `conformance-`.
//!
//! `plaza-conformance --local` checks the in-browser backend (`plaza-local`)
//! instead, served over HTTP by the kit itself (see `local.rs`); the rules
//! that cannot apply to a backend with one participant in one page say
//! `skip` and why.

use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;
use plaza_contract::{ImportReport, Operation};

use plaza_conformance::client::Client;
use plaza_conformance::fixture::{unique, Ctx};
use plaza_conformance::local;
use plaza_conformance::rules::{self, Verdict};

#[derive(Parser)]
#[command(
    name = "plaza-conformance",
    version,
    about = "Checks that a backend honours the Plaza JSON contract v1"
)]
struct Args {
    /// The backend's base URL, ending in /v1 (e.g. http://127.0.0.1:8080/v1).
    #[arg(long, required_unless_present = "local", conflicts_with = "local")]
    api: Option<String>,
    /// The backend's moderator token (the kit imports its test data with it).
    #[arg(
        long,
        env = "PLAZA_MODERATOR_TOKEN",
        hide_env_values = true,
        required_unless_present = "local"
    )]
    moderator_token: Option<String>,
    /// Check the in-browser backend of api="local" (plaza-local), served
    /// over HTTP by the kit itself on 127.0.0.1, instead of --api.
    #[arg(long)]
    local: bool,
    /// How many flags hide content on this backend.
    #[arg(long, default_value_t = 3)]
    flag_threshold: u32,
    /// The secret the backend shares with the host site, to check host-signed tokens.
    #[arg(long, env = "PLAZA_HOST_SECRET", hide_env_values = true)]
    host_secret: Option<String>,
    /// An origin the backend allows (CORS), to check CORS.
    #[arg(long)]
    origin: Option<String>,
    /// Writes the rate-limit rule makes before it gives up waiting for a 429.
    #[arg(long, default_value_t = 300)]
    rate_limit_attempts: u32,
    /// Only the rules whose name contains this.
    #[arg(long)]
    only: Option<String>,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    // Every path the rules use starts with /v1: the client is rooted at the origin.
    let (origin, moderator) = if args.local {
        match local::serve().await {
            Ok(origin) => (origin, local::MODERATOR_TOKEN.to_owned()),
            Err(e) => {
                println!("setup failed: could not serve plaza-local on 127.0.0.1: {e}");
                return ExitCode::FAILURE;
            }
        }
    } else {
        let api = args.api.unwrap_or_default();
        (
            api.trim_end_matches('/').trim_end_matches("/v1").to_owned(),
            args.moderator_token.unwrap_or_default(),
        )
    };
    let ctx = Ctx {
        api: Client::new(&origin),
        moderator,
        run: unique("run").trim_start_matches("run-").to_owned(),
        flag_threshold: args.flag_threshold,
        host_secret: args.host_secret,
        origin: args.origin,
        rate_limit_attempts: args.rate_limit_attempts,
        local: args.local,
        stv_ballots: Default::default(),
    };
    if ctx.local {
        println!(
            "plaza-conformance: checking plaza-local (api=\"local\"), served at {}/v1",
            ctx.api.base()
        );
    } else {
        println!("plaza-conformance: checking {}/v1", ctx.api.base());
    }
    let imported = ctx
        .api
        .op(Operation::ImportSeed, &[])
        .token(&ctx.moderator)
        .json(&ctx.seed())
        .send()
        .await
        .and_then(|a| a.expect::<ImportReport>(200));
    if let Err(e) = imported {
        println!("setup failed: the kit imports its test data with POST /v1/moderation/import and the moderator token: {e}");
        println!("0 passed, 1 failed");
        return ExitCode::FAILURE;
    }
    let (mut passed, mut failed, mut skipped) = (0, 0, 0);
    let started = Instant::now();
    for rule in rules::all() {
        if args.only.as_deref().is_some_and(|o| !rule.name.contains(o)) {
            continue;
        }
        let t = Instant::now();
        let outcome = match rule.not_local {
            Some(why) if ctx.local => Ok(Verdict::Skipped(why)),
            _ => (rule.run)(&ctx).await,
        };
        let ms = t.elapsed().as_millis();
        match outcome {
            Ok(Verdict::Passed) => {
                passed += 1;
                println!("pass  {:<32} {} ({ms} ms)", rule.name, rule.says);
            }
            Ok(Verdict::Skipped(why)) => {
                skipped += 1;
                println!("skip  {:<32} {} ({why})", rule.name, rule.says);
            }
            Err(why) => {
                failed += 1;
                println!("FAIL  {:<32} {}\n      {why}", rule.name, rule.says);
            }
        }
    }
    println!(
        "plaza-conformance: {} rules in {:.1} s",
        passed + failed + skipped,
        started.elapsed().as_secs_f64()
    );
    if skipped > 0 {
        println!("{passed} passed, {failed} failed, {skipped} skipped");
    } else {
        println!("{passed} passed, {failed} failed");
    }
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
