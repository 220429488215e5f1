//! Write rate limits per participant and per client address, as fixed
//! windows (a minute; an hour for creating participants) counted in the
//! database, so that the limits hold across every server process. Reads are not limited here: they change
//! nothing, cost one indexed query, and are best limited (and cached) by
//! the reverse proxy in front. A read with a bad token is the exception:
//! its failure is counted in this process's memory ([`ReadFailures`]), so
//! that a read still writes nothing.

use std::collections::HashMap;
use std::sync::Mutex;

use sqlx::{AnyConnection, Row};

use crate::db::{now_millis, Db};
use crate::error::{ApiError, ApiResult};
use crate::state::Settings;

const MINUTE_MS: i64 = 60_000;
const HOUR_MS: i64 = 3_600_000;

/// One window a write counts in: its name, limit and length.
#[derive(Debug, Clone)]
struct Bucket {
    name: String,
    limit: u32,
    window_ms: i64,
}

impl Bucket {
    fn window_start(&self, now: i64) -> i64 {
        now - now.rem_euclid(self.window_ms)
    }

    /// 429, until the window of `now` ends.
    fn refusal(&self, now: i64) -> ApiError {
        let wait_ms = self.window_start(now) + self.window_ms - now;
        ApiError::rate_limited(wait_ms.div_euclid(1000).max(0) as u64 + 1)
    }
}

/// The windows one write counts in, with their limits.
#[derive(Debug, Clone, Default)]
pub struct Buckets(Vec<Bucket>);

impl Buckets {
    /// The participant's (if known) and the client's network's (`network`:
    /// the address for IPv4, its /56 for IPv6, a household's usual prefix).
    pub fn of(settings: &Settings, participant: Option<&str>, network: &str) -> Buckets {
        let mut buckets = Buckets(Vec::with_capacity(3));
        if let Some(p) = participant {
            buckets.add(
                format!("p:{p}"),
                settings.participant_writes_per_minute,
                MINUTE_MS,
            );
        }
        buckets.add(
            format!("net:{network}"),
            settings.ip_writes_per_minute,
            MINUTE_MS,
        );
        buckets
    }

    /// Creating an anonymous participant: the address's writes per minute,
    /// and its network's (`network`, IPv6 by /56) new participants per hour.
    pub fn new_participant(settings: &Settings, network: &str) -> Buckets {
        let mut buckets = Buckets::of(settings, None, network);
        buckets.add(
            format!("new:{network}"),
            settings.network_participants_per_hour,
            HOUR_MS,
        );
        buckets
    }

    /// A failed authentication from `network` (a bad or expired token).
    pub fn auth_failure(settings: &Settings, network: &str) -> Buckets {
        let mut buckets = Buckets(Vec::with_capacity(1));
        buckets.add(
            format!("auth:{network}"),
            settings.auth_failures_per_minute,
            MINUTE_MS,
        );
        buckets
    }

    /// A limit of 0 is no limit.
    fn add(&mut self, name: String, limit: u32, window_ms: i64) {
        if limit > 0 {
            self.0.push(Bucket {
                name,
                limit,
                window_ms,
            });
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Counts one write in `buckets` on `conn`, and refuses it with 429 and
/// `Retry-After` when one of them is over its limit.
pub async fn count(conn: &mut AnyConnection, buckets: &Buckets) -> ApiResult<()> {
    let buckets = &buckets.0;
    if buckets.is_empty() {
        return Ok(());
    }
    let now = now_millis();
    let values: Vec<String> = (0..buckets.len())
        .map(|i| format!("(${}, ${}, 1)", 2 * i + 1, 2 * i + 2))
        .collect();
    let sql = format!(
        "INSERT INTO rate_limits (bucket, window_start, hits) VALUES {} \
         ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limits.hits + 1 \
         RETURNING bucket, hits",
        values.join(", ")
    );
    let rows = with_windows(&sql, buckets, now)
        .fetch_all(&mut *conn)
        .await?;
    refuse_over(buckets, &rows, now)
}

/// `sql` with each bucket's name and current window bound, in order
/// (`$1`, `$2` for the first bucket, and so on).
fn with_windows<'q>(
    sql: &'q str,
    buckets: &'q [Bucket],
    now: i64,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    let mut query = sqlx::query(sql);
    for bucket in buckets {
        query = query
            .bind(bucket.name.as_str())
            .bind(bucket.window_start(now));
    }
    query
}

/// 429 if a row (`bucket`, `hits`) counts more hits than its bucket allows.
fn refuse_over(buckets: &[Bucket], rows: &[sqlx::any::AnyRow], now: i64) -> ApiResult<()> {
    for row in rows {
        let name: String = row.try_get("bucket")?;
        let hits: i64 = row.try_get("hits")?;
        if let Some(bucket) = buckets.iter().find(|b| b.name == name) {
            if hits > i64::from(bucket.limit) {
                return Err(bucket.refusal(now));
            }
        }
    }
    Ok(())
}

/// [`count`] as bookkeeping of its own (see [`Db::bookkeeping`]). A client
/// already refused in a window is refused again from a read, without a
/// write: a script guessing tokens on public reads, say, must not keep the
/// writer (SQLite has one) from residents' ballots.
pub async fn check(db: &Db, buckets: Buckets) -> ApiResult<()> {
    if buckets.is_empty() {
        return Ok(());
    }
    refuse_if_over(db, &buckets).await?;
    db.bookkeeping(move |conn| Box::pin(async move { Ok(count(conn, &buckets).await) }))
        .await?
}

/// 429 if one of `buckets` is already over its limit in its current
/// window: one read of all of them.
pub async fn refuse_if_over(db: &Db, buckets: &Buckets) -> ApiResult<()> {
    if buckets.is_empty() {
        return Ok(());
    }
    let now = now_millis();
    let buckets = &buckets.0;
    let wanted: Vec<String> = (0..buckets.len())
        .map(|i| {
            format!(
                "(bucket = ${} AND window_start = ${})",
                2 * i + 1,
                2 * i + 2
            )
        })
        .collect();
    let sql = format!(
        "SELECT bucket, hits FROM rate_limits WHERE {}",
        wanted.join(" OR ")
    );
    let rows = with_windows(&sql, buckets, now).fetch_all(&db.read).await?;
    refuse_over(buckets, &rows, now)
}

/// Failed authentications on reads (a bad token on a results read, say),
/// counted per bucket in this process's memory, each in its current window.
/// Each server process counts its own: behind a load balancer a network may
/// fail that many times per process. Failures on writes are counted in the
/// database ([`check`]), and a network refused there is refused on reads too.
#[derive(Debug, Default)]
pub struct ReadFailures(Mutex<Counts>);

#[derive(Debug, Default)]
struct Counts {
    hits: HashMap<String, Hits>,
    /// When the first window of a full map ends: no sweep is tried before
    /// (a flood of new networks must not sweep the whole map at each one).
    sweep_at: i64,
}

/// A bucket's hits in the window that starts at `start` and ends at `end`.
#[derive(Debug)]
struct Hits {
    start: i64,
    end: i64,
    hits: u32,
}

/// Buckets remembered at most: beyond them (a flood from that many
/// networks within one window) new ones are not counted, so the map stays
/// bounded (about 100 bytes a bucket).
const READ_FAILURE_BUCKETS: usize = 100_000;

impl ReadFailures {
    /// Counts one failure in each of `buckets` and refuses with 429 when one
    /// of them is over its limit.
    pub fn count(&self, buckets: &Buckets) -> ApiResult<()> {
        self.count_at(buckets, now_millis())
    }

    fn count_at(&self, buckets: &Buckets, now: i64) -> ApiResult<()> {
        // A poisoned lock only means another request panicked while
        // counting; the counts are still counts.
        let mut counts = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let Counts {
            hits: map,
            sweep_at,
        } = &mut *counts;
        for bucket in &buckets.0 {
            if map.len() >= READ_FAILURE_BUCKETS && !map.contains_key(&bucket.name) {
                if now >= *sweep_at {
                    map.retain(|_, h| h.end > now);
                    *sweep_at = map.values().map(|h| h.end).min().unwrap_or(now);
                }
                if map.len() >= READ_FAILURE_BUCKETS {
                    continue;
                }
            }
            let start = bucket.window_start(now);
            let hits = map.entry(bucket.name.clone()).or_insert(Hits {
                start,
                end: start + bucket.window_ms,
                hits: 0,
            });
            if hits.start != start {
                *hits = Hits {
                    start,
                    end: start + bucket.window_ms,
                    hits: 0,
                };
            }
            hits.hits = hits.hits.saturating_add(1);
            if hits.hits > bucket.limit {
                return Err(bucket.refusal(now));
            }
        }
        Ok(())
    }
}

/// Forgets windows and idempotency records nobody will ask about again.
pub async fn sweep(db: &Db) -> Result<(), sqlx::Error> {
    let now = now_millis();
    sqlx::query("DELETE FROM rate_limits WHERE window_start < $1")
        .bind(now - 2 * HOUR_MS)
        .execute(&db.write)
        .await?;
    sqlx::query("DELETE FROM idempotency_keys WHERE created_at < $1")
        .bind(now - plaza_contract::routes::IDEMPOTENCY_KEPT_MS)
        .execute(&db.write)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn auth(network: &str, limit: u32) -> Buckets {
        let mut buckets = Buckets::default();
        buckets.add(format!("auth:{network}"), limit, MINUTE_MS);
        buckets
    }

    #[test]
    fn read_failures_are_refused_past_the_limit_until_the_window_ends() {
        let failures = ReadFailures::default();
        let minute = 1_000 * MINUTE_MS;
        let at = |buckets: &Buckets, now| failures.count_at(buckets, now).is_ok();
        assert!(at(&auth("a", 2), minute));
        assert!(at(&auth("a", 2), minute + 1));
        assert!(!at(&auth("a", 2), minute + 2), "the third in the minute");
        assert!(
            at(&auth("b", 2), minute + 3),
            "another network is counted apart"
        );
        assert!(at(&auth("a", 2), minute + MINUTE_MS), "a new minute");
    }

    #[test]
    fn a_full_map_stops_counting_new_buckets_until_their_windows_end() {
        let failures = ReadFailures::default();
        for n in 0..READ_FAILURE_BUCKETS {
            assert!(failures.count_at(&auth(&n.to_string(), 1), 0).is_ok());
        }
        assert!(failures.count_at(&auth("new", 1), 0).is_ok());
        assert!(failures.count_at(&auth("new", 1), 0).is_ok(), "not counted");
        assert!(failures.count_at(&auth("0", 1), 0).is_err(), "counted");
        // The next minute, the old windows make room.
        assert!(failures.count_at(&auth("new", 1), MINUTE_MS).is_ok());
        assert!(failures.count_at(&auth("new", 1), MINUTE_MS).is_err());
    }

    #[test]
    fn windows_of_different_lengths_are_counted_apart() {
        let failures = ReadFailures::default();
        let mut both = auth("a", 2);
        both.add("hour:a".into(), 3, HOUR_MS);
        let at = |now| failures.count_at(&both, now).is_ok();
        assert!(at(0) && at(1));
        assert!(!at(2), "the minute's third");
        assert!(at(MINUTE_MS), "a new minute, the hour's third");
        assert!(!at(MINUTE_MS + 1), "the hour's fourth");
    }
}
