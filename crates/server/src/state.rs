//! What every request handler can reach. Nothing here changes after start:
//! all mutable state is in the database, so any number of server processes
//! can share one.

use std::sync::Arc;

use crate::config::ServeArgs;
use crate::db::Db;
use crate::identity::Keys;

#[derive(Debug, Clone)]
pub struct Settings {
    pub flag_threshold: u32,
    pub participant_writes_per_minute: u32,
    pub ip_writes_per_minute: u32,
    pub trust_forwarded_for: bool,
    pub voting_requires_host_token: bool,
    pub max_body_bytes: usize,
}

impl From<&ServeArgs> for Settings {
    fn from(args: &ServeArgs) -> Self {
        Settings {
            flag_threshold: args.flag_threshold.max(1),
            participant_writes_per_minute: args.participant_writes_per_minute,
            ip_writes_per_minute: args.ip_writes_per_minute,
            trust_forwarded_for: args.trust_forwarded_for,
            voting_requires_host_token: args.voting_requires_host_token,
            max_body_bytes: args.max_body_bytes,
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub keys: Arc<Keys>,
    pub settings: Arc<Settings>,
}
