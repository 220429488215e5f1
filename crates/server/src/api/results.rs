//! `GET /v1/polls/{id}/results` (the count the publisher last published:
//! see `crate::publisher`; a read writes nothing) and
//! `GET /v1/polls/{id}/ballots` (the anonymous ballots after close, grouped
//! or as CDF).

use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue};
use axum::response::Response;
use axum::Json;
use futures_util::StreamExt;
use plaza_contract::{BallotGroup, ExportFormat, ExportQuery, PollResults, PollStatus, Timestamp};
use plaza_results::{cdf, export_frame};
use sqlx::Row;

use super::polls::{self, StoredPoll};
use crate::db::now_millis;
use crate::error::{ApiError, ApiResult, EXPORT_WAIT};
use crate::extract::{ApiQuery, MaybeParticipant};
use crate::middleware::Streamed;
use crate::state::AppState;

pub async fn results(
    State(state): State<AppState>,
    Path(poll_id): Path<String>,
    MaybeParticipant(me): MaybeParticipant,
) -> ApiResult<Json<PollResults>> {
    let StoredPoll {
        poll,
        ballots_version,
    } = polls::load(&state.db.read, &poll_id).await?;
    let closed = poll.status == PollStatus::Closed;
    let voted = match &me {
        Some(p) if poll.results_depend_on_ballot() => {
            sqlx::query("SELECT 1 AS one FROM ballots WHERE poll_id = $1 AND participant_id = $2")
                .bind(&poll_id)
                .bind(&p.id)
                .fetch_optional(&state.db.read)
                .await?
                .is_some()
        }
        _ => false,
    };
    poll.results_visible(voted)?;
    let mut published = state.publisher.published(&poll_id).await?;
    // Closed, and its final count not published yet: the close is counting
    // it (it publishes before it answers), or the count failed or its
    // process died. The publisher is woken, and the read waits a while for
    // the count, then asks the reader to come back. A read never counts,
    // nor writes.
    let pending = |published: &Option<crate::publisher::Published>| {
        closed
            && published
                .as_ref()
                .is_none_or(|p| p.version < ballots_version)
    };
    if pending(&published) {
        state.publisher.poke(&poll_id);
        let until = tokio::time::Instant::now() + FINAL_COUNT_WAIT;
        while pending(&published) {
            let left = until.saturating_duration_since(tokio::time::Instant::now());
            if left.is_zero() {
                return Err(ApiError::final_count_pending());
            }
            if !state.publisher.count_finished(&poll_id, left).await {
                tokio::time::sleep(left.min(FINAL_COUNT_POLL)).await;
            }
            published = state.publisher.published(&poll_id).await?;
        }
    }
    match published {
        Some(p) => Ok(Json(p.results)),
        // Nothing published yet: no ballot shown (too few to count alone).
        None => {
            let now = Timestamp::from_unix_millis(now_millis());
            plaza_results::count(&poll, &[], closed, now)
                .map(Json)
                .map_err(|e| ApiError::internal().caused_by(e))
        }
    }
}

/// How long a read of a just-closed poll waits for its final count (the
/// widget asks again twice after a 503, so a resident hears of a failed
/// count within about 20 s).
const FINAL_COUNT_WAIT: std::time::Duration = std::time::Duration::from_secs(5);
/// How often it looks, when no count of this process is running (another
/// process's may be).
const FINAL_COUNT_POLL: std::time::Duration = std::time::Duration::from_millis(250);

pub async fn export(
    State(state): State<AppState>,
    Path(poll_id): Path<String>,
    ApiQuery(q): ApiQuery<ExportQuery>,
) -> ApiResult<Response> {
    // The ballots whose tracker starts with the prefix, every ballot for
    // none (the empty prefix); compared case for case on both databases,
    // unlike LIKE on SQLite.
    let prefix = q.tracker_prefix()?.unwrap_or("").to_owned();
    let StoredPoll { poll, .. } = polls::load(&state.db.read, &poll_id).await?;
    poll.ballots_published()?;
    let slot = tokio::time::timeout(EXPORT_WAIT, state.db.exports.clone().acquire_owned())
        .await
        .ok()
        .and_then(Result::ok)
        .ok_or_else(ApiError::exports_busy)?;
    let pool = state.db.read.clone();
    let file = q.format.file_name(&poll_id);
    let out = Export { pool, slot, file };
    let binds = vec![poll_id, prefix];
    match q.format {
        ExportFormat::Plaza => {
            let (prefix, suffix) = export_frame(&poll)?;
            let groups = "SELECT ranking, COUNT(*) AS n FROM ballots \
                          WHERE poll_id = $1 AND substr(tracker, 1, length($2)) = $2 \
                          GROUP BY ranking ORDER BY n DESC, ranking";
            Ok(streamed(out, groups, binds, (prefix, suffix), |row| {
                let group = BallotGroup {
                    ranking: serde_json::from_str(&row.try_get::<String, _>("ranking")?)?,
                    count: u64::try_from(row.try_get::<i64, _>("n")?).unwrap_or(0),
                };
                Ok(serde_json::to_string(&group)?)
            }))
        }
        ExportFormat::Cdf => {
            let now = Timestamp::from_unix_millis(now_millis());
            let frame = cdf::frame(&poll, &now, "plaza-server");
            // Ordered by tracker, which is random: the file says nothing
            // about who voted when.
            let ballots = "SELECT tracker, ranking FROM ballots \
                           WHERE poll_id = $1 AND substr(tracker, 1, length($2)) = $2 \
                           ORDER BY tracker";
            Ok(streamed(out, ballots, binds, frame, |row| {
                let tracker: String = row.try_get("tracker")?;
                let ranking: Vec<String> =
                    serde_json::from_str(&row.try_get::<String, _>("ranking")?)?;
                Ok(cdf::cvr(&tracker, &ranking).to_string())
            }))
        }
    }
}

/// Bytes gathered before they are sent.
const CHUNK_BYTES: usize = 64 * 1024;

/// How long a client may leave a chunk unread, and how long a whole export
/// may take: one that reads a few bytes now and then would otherwise hold
/// an export slot (and, on SQLite, a read snapshot) for as long as it likes.
/// A phone on a slow connection reads a chunk in seconds.
const STALLED_AFTER: std::time::Duration = std::time::Duration::from_secs(30);
const EXPORT_DEADLINE: std::time::Duration = std::time::Duration::from_secs(15 * 60);

/// Where an export reads from, the slot it holds until its last byte is
/// sent, and the name it is saved under.
struct Export {
    pool: sqlx::AnyPool,
    slot: tokio::sync::OwnedSemaphorePermit,
    file: String,
}

/// A JSON answer written as the rows of `sql` (with `binds`) are read:
/// `prefix`, each row as `item` writes it, separated by commas, `suffix`.
/// Memory stays a chunk whatever the number of ballots. A failure midway
/// ends the transfer (the status is sent already): the client sees an
/// incomplete answer, never a truncated document taken for whole.
fn streamed(
    Export { pool, slot, file }: Export,
    sql: &'static str,
    binds: Vec<String>,
    (prefix, suffix): (String, String),
    item: fn(&sqlx::any::AnyRow) -> ApiResult<String>,
) -> Response {
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(4);
    // Set when the export stopped (a row it could not read, or a client
    // reading too slowly): the answer then ends in an error, once what was
    // sent before is read (the channel may be full, and the client slow).
    let stopped = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let stop = stopped.clone();
    tokio::spawn(async move {
        let _slot = slot;
        let deadline = tokio::time::Instant::now() + EXPORT_DEADLINE;
        // Whether the chunk went; false when the client went away or is too slow.
        let send = |chunk: String| {
            let (tx, stop) = (tx.clone(), stop.clone());
            async move {
                let by = deadline.min(tokio::time::Instant::now() + STALLED_AFTER);
                match tokio::time::timeout_at(by, tx.send(Ok(Bytes::from(chunk)))).await {
                    Ok(sent) => sent.is_ok(),
                    Err(_) => {
                        tracing::warn!("an export was read too slowly, and stopped");
                        stop.store(true, std::sync::atomic::Ordering::Relaxed);
                        false
                    }
                }
            }
        };
        let query = binds
            .into_iter()
            .fold(sqlx::query(sql), |query, value| query.bind(value));
        let mut rows = query.fetch(&pool);
        let mut chunk = prefix;
        let mut first = true;
        while let Some(row) = rows.next().await {
            let piece = match row.map_err(ApiError::from).and_then(|r| item(&r)) {
                Ok(piece) => piece,
                Err(e) => {
                    let why = e.cause.unwrap_or(e.problem.title);
                    tracing::error!(error = why, "the export stopped");
                    stop.store(true, std::sync::atomic::Ordering::Relaxed);
                    return;
                }
            };
            if !std::mem::take(&mut first) {
                chunk.push(',');
            }
            chunk.push_str(&piece);
            if chunk.len() >= CHUNK_BYTES && !send(std::mem::take(&mut chunk)).await {
                return;
            }
        }
        chunk.push_str(&suffix);
        send(chunk).await;
    });
    // Fused: a body may be polled again after its end (an unfold would panic).
    let body = futures_util::stream::unfold((rx, false), move |(mut rx, ended)| {
        let stopped = stopped.clone();
        async move {
            if ended {
                return None;
            }
            match rx.recv().await {
                Some(chunk) => Some((chunk, (rx, false))),
                None if stopped.load(std::sync::atomic::Ordering::Relaxed) => {
                    Some((Err(std::io::Error::other("the export stopped")), (rx, true)))
                }
                None => None,
            }
        }
    })
    .fuse();
    let mut response = Response::new(Body::from_stream(body));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    // Saved, not opened in the tab, by a link on another site than the
    // server's (where the browser ignores the link's `download`).
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{file}\"")) {
        response
            .headers_mut()
            .insert(header::CONTENT_DISPOSITION, value);
    }
    // Too large to hash for an ETag; read once, after the close.
    response.extensions_mut().insert(Streamed);
    response
}
