//! The database: SQLite (one file, the default) or PostgreSQL, behind one
//! set of queries (sqlx's `Any` driver; the schema keeps to types both have).
//! Storage only: connections and migrations here, SQLite's group commit in
//! `group_commit`, contract values in and out of columns in `codec`, the
//! time a new post is recorded at in `posted`.

pub mod codec;
pub mod group_commit;
pub mod posted;

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use futures_util::future::BoxFuture;
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::AnyConnection;
use sqlx::{Any, AnyPool, Executor, Row};
use tokio::sync::Semaphore;

use crate::config::{DatabaseArgs, SqliteSync};
use crate::error::ApiResult;
use crate::reply::Reply;

pub type Tx = sqlx::Transaction<'static, Any>;
/// What a request's change runs on: a transaction (or a savepoint in one).
pub type Conn = AnyConnection;

/// A participant's change, run on the writer connection it is given (a
/// transaction, or a savepoint in one); its reply is the answer stored for
/// the request's idempotency key.
pub trait Work:
    for<'c> FnOnce(&'c mut Conn) -> BoxFuture<'c, ApiResult<Reply>> + Send + 'static
{
}

impl<F> Work for F where
    F: for<'c> FnOnce(&'c mut Conn) -> BoxFuture<'c, ApiResult<Reply>> + Send + 'static
{
}

/// Which database engine a [`Db`] runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DbKind {
    Sqlite,
    Postgres,
}

/// Connection pools. On SQLite every write goes through `write`, a pool of
/// one connection: SQLite allows one writer at a time, and a writer that
/// must wait for another inside a transaction can fail with "database is
/// locked" whatever the busy timeout; queuing writers in the pool instead
/// means they never meet. Reads use `read` (WAL lets them run beside the
/// writer). On PostgreSQL both are the same pool.
#[derive(Clone)]
pub struct Db {
    /// SQLite only: the task that commits many requests' changes at once.
    pub group: Option<group_commit::GroupCommit>,
    pub read: AnyPool,
    pub write: AnyPool,
    pub kind: DbKind,
    /// Ballot exports running at once. An export keeps a connection for as
    /// long as its client takes to download it; this leaves the others to
    /// the widget's reads however slow the downloads (see [`EXPORTS_SQLITE`]).
    pub exports: Arc<Semaphore>,
    /// The statement that restores SQLite's configured `synchronous` after
    /// bookkeeping (see [`Db::bookkeeping`]).
    restore_sync: &'static str,
}

/// Exports at once on SQLite: half of its read connections.
pub const EXPORTS_SQLITE: usize = 2;

/// Exports at once on PostgreSQL, whose one pool also serves writes: a
/// quarter of its connections, at least one.
fn exports_postgres(max_connections: u32) -> usize {
    (max_connections as usize / 4).max(1)
}

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

impl Db {
    /// Connects and brings the schema up to date.
    pub async fn connect(args: &DatabaseArgs) -> Result<Db, sqlx::Error> {
        sqlx::any::install_default_drivers();
        let url = args.database.as_str();
        let db = if url.starts_with("sqlite:") {
            let url = sqlite_url(url);
            let (sync, restore_sync) = match args.sqlite_synchronous {
                SqliteSync::Full => ("FULL", "PRAGMA synchronous = FULL"),
                SqliteSync::Normal => ("NORMAL", "PRAGMA synchronous = NORMAL"),
            };
            let options = move |max: u32| {
                AnyPoolOptions::new()
                    .max_connections(max)
                    .min_connections(1)
                    .acquire_timeout(Duration::from_secs(30))
                    .after_connect(move |conn, _| {
                        Box::pin(async move {
                            conn.execute("PRAGMA journal_mode = WAL").await?;
                            conn.execute(format!("PRAGMA synchronous = {sync}").as_str())
                                .await?;
                            // A second server process on the same file waits
                            // rather than failing.
                            conn.execute("PRAGMA busy_timeout = 10000").await?;
                            conn.execute("PRAGMA foreign_keys = ON").await?;
                            Ok(())
                        })
                    })
            };
            let write = options(1).connect(&url).await?;
            let read = options(4).connect(&url).await?;
            Db {
                group: Some(group_commit::GroupCommit::start(write.clone())),
                read,
                write,
                kind: DbKind::Sqlite,
                exports: Arc::new(Semaphore::new(EXPORTS_SQLITE)),
                restore_sync,
            }
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let pool = AnyPoolOptions::new()
                .max_connections(args.max_connections.max(2))
                .acquire_timeout(Duration::from_secs(30))
                .connect(url)
                .await?;
            Db {
                group: None,
                read: pool.clone(),
                write: pool,
                kind: DbKind::Postgres,
                exports: Arc::new(Semaphore::new(exports_postgres(
                    args.max_connections.max(2),
                ))),
                restore_sync: "",
            }
        } else {
            return Err(sqlx::Error::Configuration(
                "--database must start with sqlite: or postgres://".into(),
            ));
        };
        MIGRATOR
            .run(&db.write)
            .await
            .map_err(|e| sqlx::Error::Migrate(Box::new(e)))?;
        Ok(db)
    }

    /// A write transaction. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`): a transaction that reads first and writes later
    /// can fail at once with "database is locked" when another process on
    /// the same file wrote meanwhile, whatever the busy timeout.
    pub async fn begin(&self) -> Result<Tx, sqlx::Error> {
        begin_write(&self.write, self.kind).await
    }

    /// Runs `work` on a writer connection for bookkeeping that protects
    /// nothing if lost in a power cut: rate-limit windows and idempotency
    /// claims. On SQLite its commits skip the disk sync; the next real
    /// commit (the change itself, `synchronous = FULL`) syncs the log with
    /// them, so one fsync per write remains instead of two or three.
    ///
    /// It runs as its own task so that it always finishes, even when the
    /// client goes away: the connection must never go back to the pool
    /// with syncing off.
    pub async fn bookkeeping<T, F>(&self, work: F) -> Result<T, sqlx::Error>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(&'c mut AnyConnection) -> BoxFuture<'c, Result<T, sqlx::Error>>
            + Send
            + 'static,
    {
        let pool = self.write.clone();
        let restore = (self.kind == DbKind::Sqlite).then_some(self.restore_sync);
        let task = tokio::spawn(async move {
            let mut conn = pool.acquire().await?;
            if restore.is_some() {
                conn.execute("PRAGMA synchronous = OFF").await?;
            }
            let result = work(&mut conn).await;
            if let Some(restore) = restore {
                if let Err(e) = conn.execute(restore).await {
                    // Never reuse a connection that may still skip syncs.
                    conn.close_on_drop();
                    return Err(e);
                }
            }
            result
        });
        task.await
            .map_err(|e| sqlx::Error::Protocol(format!("bookkeeping task failed: {e}")))?
    }

    /// A server-wide setting, created with `make` by whichever process asks
    /// first; every process then reads the same value.
    pub async fn setting(
        &self,
        name: &str,
        make: impl FnOnce() -> String,
    ) -> Result<String, sqlx::Error> {
        sqlx::query(
            "INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .bind(make())
        .execute(&self.write)
        .await?;
        let row: AnyRow = sqlx::query("SELECT value FROM settings WHERE name = $1")
            .bind(name)
            .fetch_one(&self.write)
            .await?;
        row.try_get("value")
    }

    /// A server-wide setting, if some process made it.
    pub async fn stored_setting(&self, name: &str) -> Result<Option<String>, sqlx::Error> {
        sqlx::query("SELECT value FROM settings WHERE name = $1")
            .bind(name)
            .fetch_optional(&self.write)
            .await?
            .map(|row| row.try_get("value"))
            .transpose()
    }

    pub async fn close(&self) {
        self.read.close().await;
        self.write.close().await;
    }
}

pub async fn begin_write(pool: &AnyPool, kind: DbKind) -> Result<Tx, sqlx::Error> {
    match kind {
        DbKind::Sqlite => pool.begin_with("BEGIN IMMEDIATE").await,
        DbKind::Postgres => pool.begin().await,
    }
}

/// `sqlite:plaza.db` creates the file when missing, as a server should.
fn sqlite_url(url: &str) -> String {
    if url.contains("mode=") {
        url.to_owned()
    } else if url.contains('?') {
        format!("{url}&mode=rwc")
    } else {
        format!("{url}?mode=rwc")
    }
}

/// Now, in Unix milliseconds (how every time is stored).
pub fn now_millis() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// A stored count (never negative) as the contract's `u32`.
pub fn count(value: i64) -> u32 {
    u32::try_from(value.max(0)).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_files_are_created_when_missing() {
        assert_eq!(sqlite_url("sqlite:plaza.db"), "sqlite:plaza.db?mode=rwc");
        assert_eq!(
            sqlite_url("sqlite:a.db?cache=shared"),
            "sqlite:a.db?cache=shared&mode=rwc"
        );
        assert_eq!(sqlite_url("sqlite:a.db?mode=ro"), "sqlite:a.db?mode=ro");
    }
}
