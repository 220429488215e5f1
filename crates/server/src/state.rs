//! What every request handler can reach. Nothing here changes after start:
//! all mutable state is in the database, so any number of server processes
//! can share one (but for the count of failed sign-ins on reads, kept per
//! process so that a read writes nothing: `rate_limit::ReadFailures`).

use std::sync::Arc;

use crate::config::ServeArgs;
use crate::db::Db;
use crate::identity::Keys;

#[derive(Debug, Clone)]
pub struct Settings {
    pub flag_threshold: u32,
    /// How old an anonymous participant must be for their flags to count.
    pub flag_trust_after_ms: i64,
    pub network_participants_per_hour: u32,
    pub auth_failures_per_minute: u32,
    pub participant_writes_per_minute: u32,
    pub ip_writes_per_minute: u32,
    pub trust_forwarded_for: bool,
    pub trusted_proxies: Vec<ipnet::IpNet>,
    pub max_body_bytes: usize,
    /// When an open poll's results are counted again.
    pub live_results: plaza_results::LiveCounting,
}

impl From<&ServeArgs> for Settings {
    fn from(args: &ServeArgs) -> Self {
        Settings {
            flag_threshold: args.flag_threshold.max(1),
            flag_trust_after_ms: i64::from(args.flag_trust_after_hours) * 3_600_000,
            network_participants_per_hour: args.network_participants_per_hour,
            auth_failures_per_minute: args.auth_failures_per_minute,
            participant_writes_per_minute: args.participant_writes_per_minute,
            ip_writes_per_minute: args.ip_writes_per_minute,
            trust_forwarded_for: args.trust_forwarded_for,
            trusted_proxies: args.trusted_proxies.clone(),
            max_body_bytes: args.max_body_bytes,
            live_results: plaza_results::LiveCounting {
                every_ms: i64::from(args.live_results_every_secs) * 1000,
                min_changes: i64::from(args.live_results_min_ballots.max(1)),
            },
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    /// Counts and publishes results (reads only read them).
    pub publisher: Arc<crate::publisher::Publisher>,
    pub keys: Arc<Keys>,
    pub settings: Arc<Settings>,
    pub read_failures: Arc<crate::rate_limit::ReadFailures>,
}
