//! `plaza-server [--addr …] [--database …] [--demo] …`, `plaza-server import FILE`,
//! `plaza-server secret`, `plaza-server host-token --resident ID`.

use std::process::ExitCode;

use clap::Parser;
use plaza_contract::decode_body;
use plaza_contract::seed::Seed;
use plaza_server::config::{Cli, Command};
use plaza_server::{db::Db, identity, import};

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("PLAZA_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("plaza_server=info,warn")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let cli = Cli::parse();
    let result = match cli.command {
        None => plaza_server::serve(cli.serve).await,
        Some(Command::Import { file, database }) => import_file(&file, &database).await,
        Some(Command::Secret) => {
            println!("{}", plaza_server::ids::secret());
            Ok(())
        }
        Some(Command::HostToken {
            resident,
            host_secret,
            ttl,
            audience,
            issuer,
            staff,
        }) => {
            let now = plaza_server::db::now_millis() / 1000;
            let ttl = i64::try_from(ttl).unwrap_or(i64::MAX / 2);
            println!(
                "{}",
                identity::mint_host_token_for(
                    &host_secret,
                    &resident,
                    now.saturating_add(ttl),
                    &audience,
                    issuer.as_deref(),
                    staff.then_some(identity::STAFF_ROLE),
                )
            );
            Ok(())
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("plaza-server: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn import_file(
    file: &std::path::Path,
    database: &plaza_server::config::DatabaseArgs,
) -> Result<(), plaza_server::BoxError> {
    let text = std::fs::read(file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let seed: Seed = decode_body(&text).map_err(|p| {
        format!(
            "{}: {} {}",
            file.display(),
            p.title,
            p.detail.unwrap_or_default()
        )
    })?;
    let db = Db::connect(database).await?;
    let report = import::import(&db, &seed, true, None).await?;
    println!("{}", serde_json::to_string_pretty(&report)?);
    db.close().await;
    Ok(())
}
