//! Where a poll's results are counted: here, never in a read. A read gives
//! the last published count (`results_cache`) and writes nothing; this
//! task counts again when a poll's ballots changed and its publication
//! says so (`plaza_results::LiveCounting`: batches while the poll is open,
//! every ballot once it closed), on a blocking thread so the async runtime
//! keeps answering, and one count per poll at a time in this process (a
//! read of a just-closed poll waits a while for the final count). Each process
//! publishes the polls whose ballots it changed: woken by each ballot, and
//! every few seconds for batches that became due; at start, the closed
//! polls whose final count is missing. (An open poll left with uncounted
//! ballots by a stopped process is counted at its next ballot.)
//!
//! Several processes on one database each run one; a count never replaces
//! a newer one, so the worst case is a count made twice.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use plaza_contract::{BallotGroup, PollResults, PollStatus, Timestamp};
use plaza_results::Publication;
use sqlx::Row;

use crate::api::polls;
use crate::db::{now_millis, Db};
use crate::error::{ApiError, ApiResult};
use crate::state::Settings;

/// How often due batches are looked for without a ballot to wake us.
const TICK: Duration = Duration::from_secs(5);

pub struct Publisher {
    db: Db,
    settings: Arc<Settings>,
    wake: tokio::sync::Notify,
    /// Polls whose ballots this process changed since it published them.
    dirty: Mutex<HashSet<String>>,
    /// One count per poll at a time.
    counting: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

/// The last published count of a poll: the ballot version it counted.
pub struct Published {
    pub version: i64,
    pub results: PollResults,
}

impl Publisher {
    pub fn new(db: Db, settings: Arc<Settings>) -> Arc<Publisher> {
        Arc::new(Publisher {
            db,
            settings,
            wake: tokio::sync::Notify::new(),
            dirty: Mutex::new(HashSet::new()),
            counting: Mutex::new(HashMap::new()),
        })
    }

    /// Waits, up to `within`, for a count of `poll_id` running in this
    /// process to end; at once when none runs. Whether one ran and ended.
    pub async fn count_finished(&self, poll_id: &str, within: Duration) -> bool {
        let Some(one) = lock(&self.counting).get(poll_id).cloned() else {
            return false;
        };
        if one.try_lock().is_ok() {
            return false;
        }
        let ended = tokio::time::timeout(within, one.lock()).await.is_ok();
        ended
    }

    /// `poll_id`'s ballots changed: publish it when its batch is due.
    pub fn poke(&self, poll_id: &str) {
        lock(&self.dirty).insert(poll_id.to_owned());
        self.wake.notify_one();
    }

    /// Runs until the server stops: at once (closed polls left without
    /// their final count), then whenever woken or every few seconds.
    pub async fn run(self: Arc<Self>) {
        match self.closed_unpublished().await {
            Ok(polls) => lock(&self.dirty).extend(polls),
            Err(e) => tracing::error!(error = %e, "polls to count could not be listed"),
        }
        loop {
            let polls: Vec<String> = lock(&self.dirty).iter().cloned().collect();
            for poll in polls {
                match self.publish(&poll).await {
                    Ok(Outcome::Published) => {
                        lock(&self.dirty).remove(&poll);
                    }
                    Ok(Outcome::NotDue) => {}
                    // Gone (a re-import under another id): nothing to count.
                    Err(e) if e.status().as_u16() == 404 => {
                        lock(&self.dirty).remove(&poll);
                    }
                    Err(e) => {
                        let why = e.cause.as_deref().unwrap_or(&e.problem.title);
                        tracing::error!(poll, error = why, "results could not be counted");
                    }
                }
            }
            let _ = tokio::time::timeout(TICK, self.wake.notified()).await;
        }
    }

    /// Closed polls whose final count was not published.
    async fn closed_unpublished(&self) -> Result<Vec<String>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT p.id FROM polls p LEFT JOIN results_cache c ON c.poll_id = p.id \
             WHERE p.status = 'closed' AND (c.ballots_version IS NULL OR c.ballots_version < p.ballots_version)",
        )
        .fetch_all(&self.db.read)
        .await?;
        rows.iter().map(|r| r.try_get("id")).collect()
    }

    /// The last published count of `poll_id`, if any.
    pub async fn published(&self, poll_id: &str) -> ApiResult<Option<Published>> {
        let row =
            sqlx::query("SELECT ballots_version, document FROM results_cache WHERE poll_id = $1")
                .bind(poll_id)
                .fetch_optional(&self.db.read)
                .await?;
        Ok(match row {
            Some(row) => Some(Published {
                version: row.try_get("ballots_version")?,
                results: serde_json::from_str(&row.try_get::<String, _>("document")?)?,
            }),
            None => None,
        })
    }

    /// Counts `poll_id` again if its publication says so, and publishes
    /// the count; waits for a count already under way instead of making
    /// another.
    pub async fn publish(&self, poll_id: &str) -> ApiResult<Outcome> {
        let one = lock(&self.counting)
            .entry(poll_id.to_owned())
            .or_default()
            .clone();
        let _one_at_a_time = one.lock().await;
        // The version is read before the ballots: a count labelled with a
        // version never misses a ballot of that version.
        let polls::StoredPoll {
            poll,
            ballots_version,
        } = polls::load(&self.db.read, poll_id).await?;
        let last = self.published(poll_id).await?;
        let closed = poll.status == PollStatus::Closed;
        let now = now_millis();
        let publication = match &last {
            Some(p) if p.version >= ballots_version => return Ok(Outcome::Published),
            _ if closed => Publication::Recount,
            Some(p) => {
                let live = self.settings.live_results;
                let last = Some(p.results.counted_at.unix_millis());
                // The time first: counting the changes reads every ballot.
                match live.publication(last, i64::MAX, now) {
                    Publication::Recount => {
                        live.publication(last, changed_since_count(&self.db, poll_id).await?, now)
                    }
                    not_yet => not_yet,
                }
            }
            None => {
                let cast = ballot_count(&self.db, poll_id).await?;
                self.settings.live_results.publication(None, cast, now)
            }
        };
        if publication != Publication::Recount {
            return Ok(Outcome::NotDue);
        }
        let (groups, newest) = ballot_groups(&self.db, poll_id).await?;
        // Ballots that came after the version was read are in the count:
        // it is labelled with theirs (versions are taken in the order the
        // ballots commit, and none after a close), so that the next batch
        // does not take them for new.
        let ballots_version = ballots_version.max(newest);
        let counted = tokio::task::spawn_blocking(move || {
            plaza_results::count(&poll, &groups, closed, Timestamp::from_unix_millis(now))
        })
        .await
        .map_err(|e| ApiError::internal().caused_by(format_args!("the count stopped: {e}")))?
        .map_err(|e| {
            ApiError::internal()
                .detail(e.to_string())
                .caused_by(format_args!("poll {poll_id:?} could not be counted: {e}"))
        })?;
        // Another process may have published a newer count meanwhile: never
        // replace it with an older one.
        let stored = sqlx::query(
            "INSERT INTO results_cache (poll_id, ballots_version, document) VALUES ($1, $2, $3) \
             ON CONFLICT (poll_id) DO UPDATE SET ballots_version = excluded.ballots_version, document = excluded.document \
             WHERE results_cache.ballots_version < excluded.ballots_version",
        )
        .bind(poll_id)
        .bind(ballots_version)
        .bind(serde_json::to_string(&counted)?)
        .execute(&self.db.write)
        .await?
        .rows_affected();
        if stored > 0 && !closed {
            // What this count counted, for the next batch to compare with
            // (ballots changed after it read them keep their older mark).
            sqlx::query(
                "UPDATE ballots SET counted_ranking = ranking WHERE poll_id = $1 \
                 AND changed_version <= $2 AND (counted_ranking IS NULL OR counted_ranking <> ranking)",
            )
            .bind(poll_id)
            .bind(ballots_version)
            .execute(&self.db.write)
            .await?;
        }
        Ok(Outcome::Published)
    }
}

/// Whether a poll's published results are up to date after [`Publisher::publish`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Published,
    /// Its ballots changed, but the next batch is not due yet.
    NotDue,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

async fn ballot_count(db: &Db, poll_id: &str) -> ApiResult<i64> {
    let row = sqlx::query("SELECT COUNT(*) AS n FROM ballots WHERE poll_id = $1")
        .bind(poll_id)
        .fetch_one(&db.read)
        .await?;
    Ok(row.try_get("n")?)
}

/// How many ballots rank otherwise than the last count of the open poll
/// counted them, or were not in it: one changed and changed back is none.
async fn changed_since_count(db: &Db, poll_id: &str) -> ApiResult<i64> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n FROM ballots WHERE poll_id = $1 \
         AND (counted_ranking IS NULL OR counted_ranking <> ranking)",
    )
    .bind(poll_id)
    .fetch_one(&db.read)
    .await?;
    Ok(row.try_get("n")?)
}

/// Identical rankings grouped, most frequent first, and the newest
/// version among them (one statement: one snapshot of the ballots).
pub async fn ballot_groups(db: &Db, poll_id: &str) -> ApiResult<(Vec<BallotGroup>, i64)> {
    let rows = sqlx::query(
        "SELECT ranking, COUNT(*) AS n, MAX(changed_version) AS newest FROM ballots WHERE poll_id = $1 \
         GROUP BY ranking ORDER BY n DESC, ranking",
    )
    .bind(poll_id)
    .fetch_all(&db.read)
    .await?;
    let mut newest = 0;
    let groups = rows
        .iter()
        .map(|row| {
            newest = newest.max(row.try_get::<i64, _>("newest")?);
            Ok(BallotGroup {
                ranking: serde_json::from_str(&row.try_get::<String, _>("ranking")?)?,
                count: u64::try_from(row.try_get::<i64, _>("n")?).unwrap_or(0),
            })
        })
        .collect::<ApiResult<Vec<_>>>()?;
    Ok((groups, newest))
}
