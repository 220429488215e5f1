//! `Idempotency-Key` (IETF httpapi draft): the first request with a key
//! runs; a repeat after it completed gets the stored answer; a repeat with
//! another body is 422; a repeat while the first still runs is 409.
//!
//! Records live in the database, so every server process sees them. The
//! answer is stored in the same transaction as the change it describes:
//! either both are committed or neither, and a retry after a crash can
//! never apply a change twice.

use axum::response::{IntoResponse, Response};
use futures_util::future::BoxFuture;
use plaza_contract::ProblemCode;
use sha2::{Digest, Sha256};
use sqlx::{AnyConnection, Connection, Row};

use crate::db::{now_millis, Conn, Db, Work};
use crate::error::{ApiError, ApiResult};
use crate::rate_limit::{self, Buckets};
use crate::reply::Reply;

/// A claim older than this whose request never finished (its server died)
/// may be taken over by a repeat.
const ABANDONED_AFTER_MS: i64 = 60_000;

/// The most answers kept for one participant: a new key beyond it drops
/// their oldest answered ones, so that a script with fresh keys cannot
/// fill the database within the 30 days records are kept
/// (`routes::IDEMPOTENCY_KEPT_MS`). A resident's retries concern their
/// last few requests, far within it.
pub const MAX_KEYS_PER_PARTICIPANT: i64 = 500;

/// What identifies "the same request": method, path and body.
pub fn fingerprint(method: &str, path: &str, body: &[u8]) -> String {
    let mut hash = Sha256::new();
    hash.update(method.as_bytes());
    hash.update(b"\n");
    hash.update(path.as_bytes());
    hash.update(b"\n");
    hash.update(body);
    hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

enum Claim {
    /// This request runs; its claim was made at this moment (a repeat that
    /// takes an abandoned claim over makes it anew, so the moment tells
    /// the claim's owner).
    Owned(i64),
    Replay(Reply),
}

/// A participant's change, as [`run`] needs it.
pub struct Change {
    pub participant: String,
    pub key: Option<String>,
    pub fingerprint: String,
    pub limits: Buckets,
}

/// Runs `work` — a participant's change — at most once per idempotency key,
/// after counting it against the rate limits. A repeat of a request that
/// has its answer gets it without being counted: a resident whose answer
/// was lost on the way, retrying, is never told to slow down instead.
///
/// On SQLite it is one job of the group commit: claim, limits, change and
/// stored answer in one savepoint of a batch, the change in a savepoint of
/// its own so that a refusal keeps the count and the answer. Writes are
/// serialized there, so a repeat never finds its key still running: it
/// waits for the first and gets its answer. On PostgreSQL the limits and
/// the claim are bookkeeping of their own, visible at once, so a repeat
/// while the first still runs gets 409.
pub async fn run(db: &Db, change: Change, work: impl Work) -> ApiResult<Response> {
    match &db.group {
        Some(group) => Ok(group
            .run(Box::new(
                move |conn: &mut Conn| -> BoxFuture<'_, ApiResult<Reply>> {
                    Box::pin(grouped(conn, change, work))
                },
            ))
            .await?
            .into_response()),
        None => separate(db, change, work).await,
    }
}

async fn grouped(conn: &mut Conn, change: Change, work: impl Work) -> ApiResult<Reply> {
    let Change {
        participant,
        key,
        fingerprint,
        limits,
    } = change;
    let mut claimed_at = 0;
    if let Some(key) = &key {
        match claim(conn, &participant, key, &fingerprint).await? {
            Claim::Replay(reply) => return Ok(reply),
            Claim::Owned(at) => claimed_at = at,
        }
    }
    // An error here rolls back the whole job, the claim included.
    rate_limit::count(conn, &limits).await?;
    let mut savepoint = conn.begin().await?;
    match work(&mut savepoint).await {
        Ok(reply) => {
            if let Some(key) = &key {
                if !store(&mut *savepoint, &participant, key, claimed_at, &reply).await? {
                    return Err(superseded());
                }
            }
            savepoint.commit().await?;
            Ok(reply)
        }
        Err(error) if !error.is_transient() => {
            // A refusal (validation, poll closed, …) is the answer to this
            // request: it is counted, and a repeat gets the same one.
            savepoint.rollback().await?;
            let reply = Reply::from_error(&error);
            if let Some(key) = &key {
                store(&mut *conn, &participant, key, claimed_at, &reply).await?;
            }
            Ok(reply)
        }
        Err(error) => Err(error),
    }
}

async fn separate(db: &Db, change: Change, work: impl Work) -> ApiResult<Response> {
    let Change {
        participant,
        key,
        fingerprint,
        limits,
    } = change;
    let count_limits = || async {
        if !limits.is_empty() {
            let limits = limits.clone();
            db.bookkeeping(move |conn| {
                Box::pin(async move { Ok(rate_limit::count(conn, &limits).await) })
            })
            .await??;
        }
        Ok::<(), ApiError>(())
    };
    let Some(key) = key else {
        count_limits().await?;
        let mut tx = db.begin().await?;
        let reply = work(&mut tx).await?;
        tx.commit().await?;
        return Ok(reply.into_response());
    };
    let claimed = {
        let (participant, key) = (participant.clone(), key.clone());
        db.bookkeeping(move |conn| {
            Box::pin(async move { Ok(claim(conn, &participant, &key, &fingerprint).await) })
        })
        .await??
    };
    let claimed_at = match claimed {
        Claim::Replay(reply) => return Ok(reply.into_response()),
        Claim::Owned(at) => at,
    };
    let outcome = async {
        // Over a limit: nothing was changed, and the key is freed below.
        count_limits().await?;
        let mut tx = db.begin().await?;
        let reply = work(&mut tx).await?;
        // Not ours any more (it ran so long that a repeat took it over):
        // the change is rolled back, the repeat's stands.
        if !store(&mut *tx, &participant, &key, claimed_at, &reply).await? {
            return Err(superseded());
        }
        tx.commit().await?;
        Ok::<Reply, ApiError>(reply)
    }
    .await;
    match outcome {
        Ok(reply) => Ok(reply.into_response()),
        Err(error) if !error.is_transient() => {
            // A refusal (validation, poll closed, …) is the answer to this
            // request too: a repeat gets the same one.
            let reply = Reply::from_error(&error);
            db.bookkeeping(move |conn| {
                Box::pin(
                    async move { store(&mut *conn, &participant, &key, claimed_at, &reply).await },
                )
            })
            .await?;
            Err(error)
        }
        Err(error) => {
            // Nothing was changed: free the key so that a retry runs (if
            // the claim is still this request's).
            db.bookkeeping(move |conn| {
                Box::pin(async move {
                    sqlx::query("DELETE FROM idempotency_keys WHERE participant_id = $1 AND key = $2 AND status IS NULL AND created_at = $3")
                        .bind(&participant)
                        .bind(&key)
                        .bind(claimed_at)
                        .execute(&mut *conn)
                        .await
                })
            })
            .await?;
            Err(error)
        }
    }
}

async fn claim(
    conn: &mut AnyConnection,
    participant_id: &str,
    key: &str,
    fingerprint: &str,
) -> ApiResult<Claim> {
    // Two rounds at most: a record can vanish between the insert and the
    // select when its request failed and freed it.
    for _ in 0..2 {
        let now = now_millis();
        let inserted = sqlx::query(
            "INSERT INTO idempotency_keys (participant_id, key, fingerprint, status, created_at) \
             VALUES ($1, $2, $3, NULL, $4) ON CONFLICT (participant_id, key) DO NOTHING",
        )
        .bind(participant_id)
        .bind(key)
        .bind(fingerprint)
        .bind(now)
        .execute(&mut *conn)
        .await?
        .rows_affected();
        if inserted == 1 {
            forget_oldest(conn, participant_id).await?;
            return Ok(Claim::Owned(now));
        }
        let Some(row) = sqlx::query(
            "SELECT fingerprint, status, location, body, created_at FROM idempotency_keys \
             WHERE participant_id = $1 AND key = $2",
        )
        .bind(participant_id)
        .bind(key)
        .fetch_optional(&mut *conn)
        .await?
        else {
            continue;
        };
        if row.try_get::<String, _>("fingerprint")? != fingerprint {
            return Err(ApiError::new(
                ProblemCode::IdempotencyKeyReused,
                "This Idempotency-Key was used for another request",
            ));
        }
        if let Some(status) = row.try_get::<Option<i64>, _>("status")? {
            return Ok(Claim::Replay(Reply {
                status: u16::try_from(status).unwrap_or(500),
                location: row.try_get("location")?,
                body: row
                    .try_get::<Option<String>, _>("body")?
                    .unwrap_or_default(),
            }));
        }
        let claimed_at: i64 = row.try_get("created_at")?;
        if claimed_at < now - ABANDONED_AFTER_MS {
            let taken = sqlx::query(
                "UPDATE idempotency_keys SET created_at = $3 \
                 WHERE participant_id = $1 AND key = $2 AND status IS NULL AND created_at = $4",
            )
            .bind(participant_id)
            .bind(key)
            .bind(now)
            .bind(claimed_at)
            .execute(&mut *conn)
            .await?
            .rows_affected();
            if taken == 1 {
                return Ok(Claim::Owned(now));
            }
        }
        return Err(ApiError::new(
            ProblemCode::IdempotencyKeyInFlight,
            "A request with this Idempotency-Key is still running",
        )
        .retry_after(1));
    }
    Err(ApiError::internal())
}

/// Drops the participant's answered records beyond their
/// [`MAX_KEYS_PER_PARTICIPANT`] newest (by time, then key: an exact order
/// even within one millisecond).
async fn forget_oldest(conn: &mut AnyConnection, participant_id: &str) -> Result<(), sqlx::Error> {
    let oldest_kept = sqlx::query(
        "SELECT created_at, key FROM idempotency_keys WHERE participant_id = $1 \
         ORDER BY created_at DESC, key DESC LIMIT 1 OFFSET $2",
    )
    .bind(participant_id)
    .bind(MAX_KEYS_PER_PARTICIPANT - 1)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(row) = oldest_kept {
        let (at, key): (i64, String) = (row.try_get("created_at")?, row.try_get("key")?);
        sqlx::query(
            "DELETE FROM idempotency_keys WHERE participant_id = $1 AND status IS NOT NULL \
             AND (created_at < $2 OR (created_at = $2 AND key < $3))",
        )
        .bind(participant_id)
        .bind(at)
        .bind(key)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Stores `reply` as the answer to the key claimed at `claimed_at`; false
/// when that claim is no longer there to answer (a repeat took it over).
async fn store<'e, E>(
    executor: E,
    participant_id: &str,
    key: &str,
    claimed_at: i64,
    reply: &Reply,
) -> Result<bool, sqlx::Error>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let stored = sqlx::query(
        "UPDATE idempotency_keys SET status = $3, location = $4, body = $5 \
         WHERE participant_id = $1 AND key = $2 AND status IS NULL AND created_at = $6",
    )
    .bind(participant_id)
    .bind(key)
    .bind(i64::from(reply.status))
    .bind(reply.location.as_deref())
    .bind(&reply.body)
    .bind(claimed_at)
    .execute(executor)
    .await?
    .rows_affected();
    Ok(stored == 1)
}

/// The answer to a request whose claim a repeat took over while it ran:
/// its change is not kept, and the repeat's answer is the key's.
fn superseded() -> ApiError {
    ApiError::new(
        ProblemCode::IdempotencyKeyInFlight,
        "A repeat of this request with the same Idempotency-Key is running",
    )
    .retry_after(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_tell_bodies_and_paths_apart() {
        let a = fingerprint("PUT", "/v1/polls/p/ballot", br#"{"ranking":["a"]}"#);
        assert_eq!(
            a,
            fingerprint("PUT", "/v1/polls/p/ballot", br#"{"ranking":["a"]}"#)
        );
        assert_ne!(
            a,
            fingerprint("PUT", "/v1/polls/p/ballot", br#"{"ranking":["b"]}"#)
        );
        assert_ne!(
            a,
            fingerprint("PUT", "/v1/polls/q/ballot", br#"{"ranking":["a"]}"#)
        );
        assert_eq!(a.len(), 64);
    }
}
