//! Write rate limits per participant and per client address, as fixed
//! one-minute windows counted in the database, so that the limits hold
//! across every server process. Reads are not limited here: they change
//! nothing, cost one indexed query, and are best limited (and cached) by
//! the reverse proxy in front.

use std::net::IpAddr;

use sqlx::{AnyConnection, Row};

use crate::db::{now_millis, Db};
use crate::error::{ApiError, ApiResult};
use crate::state::Settings;

const WINDOW_MS: i64 = 60_000;

/// The windows one write counts in, with their limits.
#[derive(Debug, Clone, Default)]
pub struct Buckets(Vec<(String, u32)>);

impl Buckets {
    /// The participant's (if known) and the client address's.
    pub fn of(settings: &Settings, participant: Option<&str>, ip: IpAddr) -> Buckets {
        let mut buckets = Vec::with_capacity(2);
        if let Some(p) = participant.filter(|_| settings.participant_writes_per_minute > 0) {
            buckets.push((format!("p:{p}"), settings.participant_writes_per_minute));
        }
        if settings.ip_writes_per_minute > 0 {
            buckets.push((format!("ip:{ip}"), settings.ip_writes_per_minute));
        }
        Buckets(buckets)
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
    let window = now - now.rem_euclid(WINDOW_MS);
    let values: Vec<String> = (0..buckets.len())
        .map(|i| format!("(${}, $1, 1)", i + 2))
        .collect();
    let sql = format!(
        "INSERT INTO rate_limits (bucket, window_start, hits) VALUES {} \
         ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limits.hits + 1 \
         RETURNING bucket, hits",
        values.join(", ")
    );
    let mut query = sqlx::query(&sql).bind(window);
    for (bucket, _) in buckets {
        query = query.bind(bucket.as_str());
    }
    for row in query.fetch_all(&mut *conn).await? {
        let bucket: String = row.try_get("bucket")?;
        let hits: i64 = row.try_get("hits")?;
        let limit = buckets
            .iter()
            .find(|(b, _)| *b == bucket)
            .map_or(u32::MAX, |(_, l)| *l);
        if hits > i64::from(limit) {
            let wait_ms = window + WINDOW_MS - now;
            return Err(ApiError::rate_limited(
                wait_ms.div_euclid(1000).max(0) as u64 + 1,
            ));
        }
    }
    Ok(())
}

/// [`count`] as bookkeeping of its own (see [`Db::bookkeeping`]).
pub async fn check_write(
    db: &Db,
    settings: &Settings,
    participant: Option<&str>,
    ip: IpAddr,
) -> ApiResult<()> {
    let buckets = Buckets::of(settings, participant, ip);
    if buckets.0.is_empty() {
        return Ok(());
    }
    db.bookkeeping(move |conn| Box::pin(async move { Ok(count(conn, &buckets).await) }))
        .await?
}

/// Forgets windows and idempotency records nobody will ask about again.
pub async fn sweep(db: &Db) -> Result<(), sqlx::Error> {
    let now = now_millis();
    sqlx::query("DELETE FROM rate_limits WHERE window_start < $1")
        .bind(now - 2 * WINDOW_MS)
        .execute(&db.write)
        .await?;
    sqlx::query("DELETE FROM idempotency_keys WHERE created_at < $1")
        .bind(now - 24 * 3_600_000)
        .execute(&db.write)
        .await?;
    Ok(())
}
