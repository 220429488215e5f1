//! Plaza's reference backend: the JSON contract v1 over HTTP (axum), stored
//! in SQLite by default or PostgreSQL (sqlx), counted with `plaza-tally`
//! through `plaza-results` (shared with the in-browser backend).
//!
//! Every piece of state lives in the database (rate-limit windows and
//! idempotency records included), so any number of processes can serve one
//! database behind a load balancer.

#![forbid(unsafe_code)]

pub mod api;
pub mod app;
pub mod config;
pub mod db;
pub mod error;
pub mod extract;
pub mod idempotency;
pub mod identity;
pub mod ids;
pub mod import;
pub mod listener;
pub mod middleware;
pub mod publisher;
pub mod rate_limit;
pub mod reply;
pub mod state;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::serve::ListenerExt;
use std::time::Duration;

use base64::Engine;

use crate::config::ServeArgs;
use crate::db::Db;
use crate::identity::Keys;
use crate::state::{AppState, Settings};

pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The state of a server on `db` configured by `args`.
pub async fn state(db: Db, args: &ServeArgs) -> Result<AppState, BoxError> {
    identity::check_secrets(args.host_secret.as_deref(), args.moderator_token.as_deref())?;
    identity::check_secrets(args.server_key.as_deref(), None)
        .map_err(|e| e.replace("--host-secret", "--server-key"))?;
    // What the database was used with, if it says (databases from before
    // it recorded this do not).
    let used_with = db.stored_setting("server_key_fingerprint").await?;
    let server_key = match &args.server_key {
        // Kept outside the database: a copy of it cannot mint tokens or
        // tell which resident's id is which.
        Some(key) => key.clone(),
        // A database used with a key given at start has no key of its own:
        // none is made for it.
        None if used_with.is_some() => db.stored_setting("server_key").await?.ok_or(
            "this database was used with a server key given at start: give it again \
             (--server-key or PLAZA_SERVER_KEY)",
        )?,
        None => db.setting("server_key", ids::secret).await?,
    };
    let server_key = base64::engine::general_purpose::STANDARD_NO_PAD.encode(server_key.as_bytes());
    let keys = Keys::new(
        server_key.into_bytes(),
        args.host_secret.as_deref(),
        args.moderator_token.as_deref(),
    )
    .with_host_claims(&args.host_token_audience, args.host_token_issuer.as_deref())
    .with_anonymous_ttl(i64::from(args.anonymous_token_days) * 24 * 3600);
    let fingerprint = keys.fingerprint();
    let used_with = match used_with {
        Some(used) => used,
        None => {
            db.setting("server_key_fingerprint", || fingerprint.clone())
                .await?
        }
    };
    if used_with != fingerprint {
        return Err(
            "this database was used with another server key: with this one every \
            resident would get a new id, and could vote again. Start with the key it was used \
            with (--server-key or PLAZA_SERVER_KEY; without them, the one in its settings table)"
                .into(),
        );
    }
    let settings = Arc::new(Settings::from(args));
    let publisher = publisher::Publisher::new(db.clone(), settings.clone());
    tokio::spawn(publisher.clone().run());
    Ok(AppState {
        keys: Arc::new(keys),
        settings,
        publisher,
        db,
        read_failures: Default::default(),
    })
}

/// Runs the server until Ctrl-C or SIGTERM.
pub async fn serve(mut args: ServeArgs) -> Result<(), BoxError> {
    if args.demo && args.host_secret.is_none() {
        // The demo's staff console needs a signed staff token; a secret made
        // up for this run signs it, and no one else knows it.
        args.host_secret = Some(ids::secret());
    }
    let db = Db::connect(&args.database).await?;
    let state = state(db.clone(), &args).await?;
    if args.demo {
        let report = import::import(&db, &import::demo_seed()?, false, None).await?;
        if !report.created.is_empty() {
            tracing::info!(created = ?report.created, "demo deliberation seeded");
        }
    }
    let app = app::router(state, &args);
    let listener = tokio::net::TcpListener::bind(args.addr).await?;
    let addr = listener.local_addr()?;
    let listener = listener::Guarded::new(
        listener,
        args.connection_limit,
        std::time::Duration::from_secs(args.idle_timeout_secs.max(1)),
        std::time::Duration::from_secs(args.request_timeout_secs.max(1)),
    )
    .tap_io(|_| {});
    // Tests and scripts wait for this line (and read the port from it).
    println!("plaza-server listening on http://{addr}");
    if args.demo {
        println!("Plaza demo: http://{addr}/  (Ctrl-C to stop)");
        println!(
            "Staff console: http://{addr}/console/  (demo: whoever opens it is signed in as {})",
            app::DEMO_STAFF
        );
    }
    let sweeper = tokio::spawn(sweep_forever(db.clone()));
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await?;
    sweeper.abort();
    db.close().await;
    Ok(())
}

async fn sweep_forever(db: Db) {
    let mut every = tokio::time::interval(Duration::from_secs(60));
    loop {
        every.tick().await;
        if let Err(e) = rate_limit::sweep(&db).await {
            tracing::warn!(%e, "could not sweep old rate-limit and idempotency records");
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
