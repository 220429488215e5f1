//! The command line (every option but `--demo` also reads an environment variable).

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// The largest request body a resident's request may have, unless configured.
pub const DEFAULT_MAX_BODY_BYTES: usize = 64 * 1024;

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
    /// Print a new random secret, for `--host-secret` or `--moderator-token`.
    Secret,
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
        /// The `aud` claim (the server's `--host-token-audience`).
        #[arg(long, env = "PLAZA_HOST_TOKEN_AUDIENCE", default_value = "plaza")]
        audience: String,
        /// The `iss` claim (the server's `--host-token-issuer`), if any.
        #[arg(long, env = "PLAZA_HOST_TOKEN_ISSUER")]
        issuer: Option<String>,
        /// A staff member's token (`"role": "staff"`): moderation, recorded
        /// in the moderation log under this id.
        #[arg(long)]
        staff: bool,
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
    /// Bearer token of moderators (phases, polls, hiding content, import),
    /// at least 32 bytes (`plaza-server secret` prints one). Without it the
    /// moderation API is off.
    #[arg(long, env = "PLAZA_MODERATOR_TOKEN", hide_env_values = true)]
    pub moderator_token: Option<String>,
    /// The key that signs anonymous tokens and derives signed-in residents'
    /// participant ids, at least 32 bytes. Without it the server keeps one
    /// in the database, where a copy of the database holds it too.
    #[arg(long, env = "PLAZA_SERVER_KEY", hide_env_values = true)]
    pub server_key: Option<String>,
    /// Secret shared with the city's site, which signs participant tokens
    /// for its logged-in residents (HS256 JWT), at least 32 bytes. Without
    /// it only anonymous participants exist.
    #[arg(long, env = "PLAZA_HOST_SECRET", hide_env_values = true)]
    pub host_secret: Option<String>,
    /// How many days an anonymous token is good for; then the widget
    /// renews it (the participant is kept).
    #[arg(long, env = "PLAZA_ANONYMOUS_TOKEN_DAYS", default_value_t = 90)]
    pub anonymous_token_days: u32,
    /// The `aud` claim host tokens must carry: this Plaza, not another
    /// service that shares the city's signing secret.
    #[arg(long, env = "PLAZA_HOST_TOKEN_AUDIENCE", default_value = "plaza")]
    pub host_token_audience: String,
    /// The `iss` claim host tokens must carry (the city's site), if given.
    #[arg(long, env = "PLAZA_HOST_TOKEN_ISSUER")]
    pub host_token_issuer: Option<String>,
    /// Flags from different participants that hide content pending review.
    #[arg(long, env = "PLAZA_FLAG_THRESHOLD", default_value_t = 3)]
    pub flag_threshold: u32,
    /// How old an anonymous participant who has contributed must be for
    /// their flags to count towards hiding content (one per network);
    /// signed-in residents' flags always count.
    #[arg(long, env = "PLAZA_FLAG_TRUST_AFTER_HOURS", default_value_t = 24)]
    pub flag_trust_after_hours: u32,
    /// Failed authentications (bad or expired tokens) one network may make
    /// per minute before it gets 429 (0: no limit).
    #[arg(long, env = "PLAZA_AUTH_FAILURES_PER_MINUTE", default_value_t = 20)]
    pub auth_failures_per_minute: u32,
    /// Anonymous participants one network (an IPv4 address, an IPv6 /56)
    /// may create per hour (0: no limit).
    #[arg(
        long,
        env = "PLAZA_NETWORK_PARTICIPANTS_PER_HOUR",
        default_value_t = 100
    )]
    pub network_participants_per_hour: u32,
    /// Writes per minute one participant may make (0: no limit).
    #[arg(
        long,
        env = "PLAZA_PARTICIPANT_WRITES_PER_MINUTE",
        default_value_t = 60
    )]
    pub participant_writes_per_minute: u32,
    /// Writes per minute one network may make (an IPv4 address, an IPv6 /56,
    /// a household's usual prefix), participants created included (0: no limit).
    #[arg(long, env = "PLAZA_IP_WRITES_PER_MINUTE", default_value_t = 600)]
    pub ip_writes_per_minute: u32,
    /// While a poll is open, its results are counted again at most this
    /// often (seconds), so that reading them around one resident's ballot
    /// cannot tell how they ranked.
    #[arg(long, env = "PLAZA_LIVE_RESULTS_EVERY_SECS", default_value_t = 60)]
    pub live_results_every_secs: u32,
    /// …and only once this many ballots rank otherwise than the last count
    /// counted them, or were not in it (one changed and changed back is
    /// none; at least 1: a single ballot is then never counted alone unless
    /// this is 1).
    #[arg(long, env = "PLAZA_LIVE_RESULTS_MIN_BALLOTS", default_value_t = 5)]
    pub live_results_min_ballots: u32,
    /// Take the client address from the last `X-Forwarded-For` hop, whoever
    /// connects (only behind one proxy that sets it, and that nothing can
    /// bypass); `--trusted-proxies` is the precise form.
    #[arg(long, env = "PLAZA_TRUST_FORWARDED_FOR")]
    pub trust_forwarded_for: bool,
    /// The proxies in front of the server, as CIDRs (`10.0.0.0/8,
    /// 2001:db8::/32`): when one of them connects, the client is the
    /// right-most `X-Forwarded-For` hop that is not one of them (behind a
    /// CDN and a load balancer, the resident, not the CDN).
    #[arg(long, env = "PLAZA_TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Connections served at once; more wait in the system's queue.
    #[arg(long, env = "PLAZA_CONNECTION_LIMIT", default_value_t = 1024)]
    pub connection_limit: usize,
    /// A connection that neither sends nor receives a byte for this long is
    /// closed (a client that opens connections and sends nothing), and so is
    /// one on which bytes have waited for an answer longer than this plus
    /// the request timeout (a client that trickles its headers a byte at a
    /// time).
    #[arg(long, env = "PLAZA_IDLE_TIMEOUT_SECS", default_value_t = 30)]
    pub idle_timeout_secs: u64,
    /// A request not answered within this long gets 503 (the answer's body,
    /// an export say, may take longer to send).
    #[arg(long, env = "PLAZA_REQUEST_TIMEOUT_SECS", default_value_t = 30)]
    pub request_timeout_secs: u64,
    /// Largest request body, in bytes (413 above it).
    #[arg(long, env = "PLAZA_MAX_BODY_BYTES", default_value_t = DEFAULT_MAX_BODY_BYTES)]
    pub max_body_bytes: usize,
}
