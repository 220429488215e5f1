//! The command line (every option also reads an environment variable).

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "plaza-server",
    version,
    about = "Plaza's reference backend: contract v1 over HTTP, on SQLite or PostgreSQL"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub serve: ServeArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create or update deliberations and their polls from a seed file
    /// (the format of crates/contract/demo/plaza-demo.json), then exit.
    Import {
        file: PathBuf,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Print a host-signed participant token (what a city's site mints for a
    /// logged-in resident), for trying the server out.
    HostToken {
        /// The resident's id on the city's site.
        #[arg(long)]
        resident: String,
        /// The secret shared with the server (`--host-secret`).
        #[arg(long, env = "PLAZA_HOST_SECRET", hide_env_values = true)]
        host_secret: String,
        /// Lifetime in seconds.
        #[arg(long, default_value_t = 3600)]
        ttl: u64,
    },
}

#[derive(Debug, Clone, Args)]
pub struct DatabaseArgs {
    /// `sqlite:FILE` (created if missing) or `postgres://user:pass@host/db`.
    #[arg(long, env = "PLAZA_DATABASE", default_value = "sqlite:plaza.db")]
    pub database: String,
    /// SQLite only: `full` syncs every commit to disk (survives a power cut);
    /// `normal` syncs at checkpoints (survives a crash of the server process,
    /// may lose the last commits on a power cut), and is faster.
    #[arg(long, env = "PLAZA_SQLITE_SYNCHRONOUS", value_enum, default_value_t = SqliteSync::Full)]
    pub sqlite_synchronous: SqliteSync,
    /// PostgreSQL only: connections per server process.
    #[arg(long, env = "PLAZA_MAX_CONNECTIONS", default_value_t = 16)]
    pub max_connections: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SqliteSync {
    Full,
    Normal,
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "PLAZA_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// An origin whose pages may call the API from a browser (CORS), e.g.
    /// `https://www.city.example`. Repeat for several; `*` allows any.
    #[arg(
        long = "allow-origin",
        env = "PLAZA_ALLOW_ORIGIN",
        value_delimiter = ','
    )]
    pub allow_origins: Vec<String>,
    /// Seed the demo deliberation (if missing) and serve the built widget and
    /// the demo city page at `/`.
    #[arg(long)]
    pub demo: bool,
    /// The built widget (`cargo xtask dist`), served at `/` in demo mode.
    #[arg(long, env = "PLAZA_STATIC_DIR", default_value = "dist")]
    pub static_dir: PathBuf,
    /// Bearer token of moderators (phases, polls, hiding content, import).
    /// Without it the moderation API is off.
    #[arg(long, env = "PLAZA_MODERATOR_TOKEN", hide_env_values = true)]
    pub moderator_token: Option<String>,
    /// Secret shared with the city's site, which signs participant tokens
    /// for its logged-in residents (HS256 JWT). Without it only anonymous
    /// participants exist.
    #[arg(long, env = "PLAZA_HOST_SECRET", hide_env_values = true)]
    pub host_secret: Option<String>,
    /// Only residents with a host-signed token may vote (anonymous
    /// participants get `not_eligible`).
    #[arg(long, env = "PLAZA_VOTING_REQUIRES_HOST_TOKEN")]
    pub voting_requires_host_token: bool,
    /// Flags from different participants that hide content pending review.
    #[arg(long, env = "PLAZA_FLAG_THRESHOLD", default_value_t = 3)]
    pub flag_threshold: u32,
    /// Writes per minute one participant may make (0: no limit).
    #[arg(
        long,
        env = "PLAZA_PARTICIPANT_WRITES_PER_MINUTE",
        default_value_t = 60
    )]
    pub participant_writes_per_minute: u32,
    /// Writes per minute one IP address may make, participants created
    /// included (0: no limit).
    #[arg(long, env = "PLAZA_IP_WRITES_PER_MINUTE", default_value_t = 600)]
    pub ip_writes_per_minute: u32,
    /// Take the client address from the last `X-Forwarded-For` hop (only
    /// behind a proxy that sets it).
    #[arg(long, env = "PLAZA_TRUST_FORWARDED_FOR")]
    pub trust_forwarded_for: bool,
    /// Largest request body, in bytes (413 above it).
    #[arg(long, env = "PLAZA_MAX_BODY_BYTES", default_value_t = 64 * 1024)]
    pub max_body_bytes: usize,
}
