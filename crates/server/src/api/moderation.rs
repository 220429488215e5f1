//! The moderator's API (`/v1/moderation/…`, the moderator token or a staff
//! member's): move phases, open and close polls, hide and restore content,
//! see what was flagged, import deliberations. Each change is recorded in
//! the moderation log with who made it.

use axum::extract::{Path, State};
use axum::Json;
use plaza_contract::seed::Seed;
use plaza_contract::{
    ContentModeration, ContentStatus, Deliberation, FlagTarget, FlaggedContent, ImportReport,
    ModerationChange, ModerationQuery, Page, PhaseChange, Poll, PollStatus, PollStatusChange,
    Problem, ProblemCode, Proposal, ProposalDecision, ProposalDecisionChange,
};
use sqlx::Row;

use super::flags::table;
use super::moderation_log::record;
use super::{deliberations, polls, proposals};
use crate::db::codec::{from_text, to_text, Sql};
use crate::db::count;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiQuery, JsonBody, Moderator};
use crate::import::{self, ImportError};
use crate::state::AppState;
use plaza_contract::cursor;

/// `PUT /v1/moderation/deliberations/{id}/phase`.
pub async fn phase(
    State(state): State<AppState>,
    moderator: Moderator,
    Path(id): Path<String>,
    body: JsonBody<PhaseChange>,
) -> ApiResult<Json<Deliberation>> {
    let phase = body.value.phase;
    let mut tx = state.db.begin().await?;
    let changed =
        sqlx::query("UPDATE deliberations SET current_phase = $2, updated_at = $3 WHERE id = $1")
            .bind(&id)
            .bind(to_text(&phase))
            .bind(crate::db::now_millis())
            .execute(&mut *tx)
            .await?
            .rows_affected();
    if changed == 0 {
        return Err(ApiError::not_found("deliberation"));
    }
    // Read under the row's lock the update took (a re-import may change its
    // phases meanwhile); refused, the transaction is rolled back.
    deliberations::load(&mut *tx, &id)
        .await?
        .check_phase(phase)?;
    let change = ModerationChange::Phase { phase };
    record(&mut tx, &id, &change, None, &moderator.staff).await?;
    tx.commit().await?;
    Ok(Json(deliberations::load(&state.db.write, &id).await?))
}

/// `PUT /v1/moderation/polls/{id}/status`. The version bump makes the
/// results count again; a close publishes the final count before answering.
pub async fn poll_status(
    State(state): State<AppState>,
    moderator: Moderator,
    Path(id): Path<String>,
    body: JsonBody<PollStatusChange>,
) -> ApiResult<Json<Poll>> {
    let next = body.value.status;
    // The contract's rule as the update's condition: atomic with a close.
    let sources: Vec<String> = PollStatus::sources_of(next)
        .map(|s| format!("'{}'", to_text(&s)))
        .collect();
    let mut tx = state.db.begin().await?;
    // The version moves only with the status (closing a closed poll again
    // does not ask for another count of the same ballots).
    let changed = sqlx::query(&format!(
        "UPDATE polls SET ballots_version = ballots_version + CASE WHEN status = $2 THEN 0 ELSE 1 END, \
         status = $2 WHERE id = $1 AND status IN ({})",
        sources.join(", ")
    ))
    .bind(&id)
    .bind(to_text(&next))
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if changed == 0 {
        let exists = sqlx::query("SELECT 1 FROM polls WHERE id = $1")
            .bind(&id)
            .fetch_optional(&mut *tx)
            .await?
            .is_some();
        return Err(if exists {
            PollStatus::closed_for_good().into()
        } else {
            ApiError::not_found("poll")
        });
    }
    let deliberation: String = sqlx::query("SELECT deliberation_id FROM polls WHERE id = $1")
        .bind(&id)
        .fetch_one(&mut *tx)
        .await?
        .try_get("deliberation_id")?;
    let change = ModerationChange::PollStatus {
        poll_id: id.clone(),
        status: next,
    };
    record(&mut tx, &deliberation, &change, None, &moderator.staff).await?;
    tx.commit().await?;
    if body.value.status == PollStatus::Closed {
        // The final count is published before the close is confirmed, on
        // a task of its own: a request that times out, or a moderator who
        // leaves, does not throw it away.
        let (publisher, poll) = (state.publisher.clone(), id.clone());
        tokio::spawn(async move { publisher.publish(&poll).await })
            .await
            .map_err(|e| ApiError::internal().caused_by(format_args!("the final count: {e}")))??;
    } else {
        state.publisher.poke(&id);
    }
    Ok(Json(polls::load(&state.db.write, &id).await?.poll))
}

/// `PUT /v1/moderation/proposals/{id}/decision`: an accepted proposal
/// becomes the last option of its deliberation's poll, in the same
/// transaction, while the poll has no ballot (the contract's rules:
/// `ProposalDecision::may_become`, `Poll::with_option`).
pub async fn decide_proposal(
    State(state): State<AppState>,
    moderator: Moderator,
    Path(id): Path<String>,
    body: JsonBody<ProposalDecisionChange>,
) -> ApiResult<Json<Proposal>> {
    let change = body.value;
    change.validate().map_err(Problem::invalid)?;
    let mut tx = state.db.begin().await?;
    // Taken first, so that two decisions on one proposal are made in turn.
    sqlx::query("UPDATE proposals SET decision = decision WHERE id = $1")
        .bind(&id)
        .execute(&mut *tx)
        .await?;
    let proposal = proposals::load(&mut *tx, &id).await?;
    if !proposal.decision.may_become(change.decision) {
        return Err(proposal.decision.decided().into());
    }
    let mut changed_poll = None;
    if change.decision == ProposalDecision::Accepted {
        // The poll's row is locked before its ballots are counted (a no-op
        // update, as a ballot and an import do): on PostgreSQL a first
        // ballot could otherwise commit between the count and the new option.
        // The deliberation's poll: a re-import that named another poll left
        // the old one's row, which is no longer its ballot.
        sqlx::query(
            "UPDATE polls SET ballots_version = ballots_version \
             WHERE id = (SELECT poll_id FROM deliberations WHERE id = $1)",
        )
        .bind(&proposal.deliberation_id)
        .execute(&mut *tx)
        .await?;
        let row = sqlx::query(
            "SELECT id, (SELECT COUNT(*) FROM ballots WHERE poll_id = polls.id) AS ballots \
             FROM polls WHERE id = (SELECT poll_id FROM deliberations WHERE id = $1)",
        )
        .bind(&proposal.deliberation_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| {
            ApiError::new(
                ProblemCode::Conflict,
                "The proposal cannot be added to the ballot",
            )
            .detail("The deliberation has no poll.")
        })?;
        let poll_id: String = row.try_get("id")?;
        let ballots: i64 = row.try_get("ballots")?;
        let stored = polls::load(&mut *tx, &poll_id).await?;
        let lang = deliberations::load(&mut *tx, &proposal.deliberation_id)
            .await?
            .title
            .languages()
            .next()
            .unwrap_or("en")
            .to_owned();
        let poll = stored
            .poll
            .with_option(proposal.as_option(&lang), ballots > 0)?;
        let document = serde_json::to_string(&poll)?;
        sqlx::query(
            "UPDATE polls SET document = $2, ballots_version = ballots_version + 1 WHERE id = $1",
        )
        .bind(&poll_id)
        .bind(&document)
        .execute(&mut *tx)
        .await?;
        changed_poll = Some(poll_id);
    }
    sqlx::query("UPDATE proposals SET decision = $2 WHERE id = $1")
        .bind(&id)
        .bind(to_text(&change.decision))
        .execute(&mut *tx)
        .await?;
    let logged = ModerationChange::Proposal {
        proposal_id: id.clone(),
        decision: change.decision,
        reason: change.reason,
    };
    record(
        &mut tx,
        &proposal.deliberation_id,
        &logged,
        None,
        &moderator.staff,
    )
    .await?;
    tx.commit().await?;
    if let Some(poll) = changed_poll {
        state.publisher.poke(&poll);
    }
    Ok(Json(Proposal {
        decision: change.decision,
        ..proposal
    }))
}

/// `PUT /v1/moderation/content`: restoring to `visible` also sets its flags
/// aside (no longer counted, but kept), so that the same flaggers cannot
/// hide it again.
pub async fn content(
    State(state): State<AppState>,
    moderator: Moderator,
    body: JsonBody<ContentModeration>,
) -> ApiResult<Json<ContentModeration>> {
    let m = body.value;
    let table = table(m.target_type);
    let mut tx = state.db.begin().await?;
    // Locked before its status is read (a no-op update), so that two
    // moderators acting on it at once act in turn: each reads what the other
    // did, and a comment's removal is counted once.
    sqlx::query(&format!("UPDATE {table} SET status = status WHERE id = $1"))
        .bind(&m.target_id)
        .execute(&mut *tx)
        .await?;
    let row = sqlx::query(&format!(
        "SELECT status, deliberation_id FROM {table} WHERE id = $1"
    ))
    .bind(&m.target_id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| ApiError::not_found("content"))?;
    let before: ContentStatus = from_text(&row.try_get::<String, _>("status")?)?;
    let deliberation: String = row.try_get("deliberation_id")?;
    sqlx::query(&format!("UPDATE {table} SET status = $2 WHERE id = $1"))
        .bind(&m.target_id)
        .bind(to_text(&m.status))
        .execute(&mut *tx)
        .await?;
    if m.status == ContentStatus::Visible {
        sqlx::query(&format!("UPDATE {table} SET flags = 0 WHERE id = $1"))
            .bind(&m.target_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE flags SET standing = $3 WHERE target_type = $1 AND target_id = $2")
            .bind(to_text(&m.target_type))
            .bind(&m.target_id)
            .bind(super::flags::REVIEWED)
            .execute(&mut *tx)
            .await?;
    }
    // A comment's argument counts its replies that are not removed.
    if m.target_type == FlagTarget::Comment
        && (before == ContentStatus::Removed) != (m.status == ContentStatus::Removed)
    {
        let step = if m.status == ContentStatus::Removed {
            "- 1"
        } else {
            "+ 1"
        };
        sqlx::query(&format!(
            "UPDATE arguments SET comment_count = comment_count {step} \
             WHERE id = (SELECT argument_id FROM comments WHERE id = $1)"
        ))
        .bind(&m.target_id)
        .execute(&mut *tx)
        .await?;
    }
    let change = ModerationChange::Content {
        target_type: m.target_type,
        target_id: m.target_id.clone(),
        status: m.status,
    };
    record(&mut tx, &deliberation, &change, m.reason, &moderator.staff).await?;
    tx.commit().await?;
    Ok(Json(m))
}

/// `GET /v1/moderation/flagged`: arguments, comments and proposals with at
/// least one flag, most flagged first.
pub async fn flagged(
    State(state): State<AppState>,
    _: Moderator,
    ApiQuery(query): ApiQuery<ModerationQuery>,
) -> ApiResult<Json<Page<FlaggedContent>>> {
    let q = query.page();
    let limit = q.limit()?;
    let list = cursor::List::flagged(query.deliberation());
    let after: Option<(i64, String, String)> = cursor::optional(&list, q.cursor())?;
    let mut sql = Sql::new(
        "SELECT * FROM ( \
         SELECT 'argument' AS target_type, id, deliberation_id, status, flags, text FROM arguments WHERE flags > 0 \
         UNION ALL SELECT 'comment', id, deliberation_id, status, flags, text FROM comments WHERE flags > 0 \
         UNION ALL SELECT 'proposal', id, deliberation_id, status, flags, title FROM proposals WHERE flags > 0 \
         ) AS flagged WHERE 1 = 1",
    );
    if let Some(d) = query.deliberation() {
        super::moderation_log::must_exist(&state, d).await?;
        let d = sql.text(d);
        sql.push(&format!(" AND deliberation_id = {d}"));
    }
    if let Some((flags, kind, id)) = after {
        let (f, k, i) = (sql.int(flags), sql.text(kind), sql.text(id));
        sql.push(&format!(
            " AND (flags < {f} OR (flags = {f} AND (target_type > {k} OR (target_type = {k} AND id > {i}))))"
        ));
    }
    let l = sql.int(i64::from(limit) + 1);
    sql.push(&format!(
        " ORDER BY flags DESC, target_type ASC, id ASC LIMIT {l}"
    ));
    let rows = sql.query().fetch_all(&state.db.read).await?;
    let items = rows
        .iter()
        .map(|row| {
            Ok(FlaggedContent {
                target_type: from_text(&row.try_get::<String, _>("target_type")?)?,
                target_id: row.try_get("id")?,
                deliberation_id: row.try_get("deliberation_id")?,
                status: from_text(&row.try_get::<String, _>("status")?)?,
                flags: count(row.try_get("flags")?),
                text: row.try_get("text")?,
            })
        })
        .collect::<ApiResult<Vec<_>>>()?;
    let (items, next_cursor) = cursor::page(items, limit, &list, |f: &FlaggedContent| {
        (
            i64::from(f.flags),
            to_text(&f.target_type),
            f.target_id.clone(),
        )
    });
    Ok(Json(Page { items, next_cursor }))
}

/// `POST /v1/moderation/import`: the same as `plaza-server import FILE`.
pub async fn import(
    State(state): State<AppState>,
    moderator: Moderator,
    body: JsonBody<Seed>,
) -> ApiResult<Json<ImportReport>> {
    match import::import(&state.db, &body.value, true, Some(&moderator.staff)).await {
        Ok(report) => {
            // Imported polls (closed ones too) are counted off this request.
            for entry in &body.value.deliberations {
                if let Some(poll) = &entry.poll {
                    state.publisher.poke(&poll.id);
                }
            }
            Ok(Json(report))
        }
        Err(ImportError::Invalid(problems)) => Err(ApiError::new(
            ProblemCode::ValidationFailed,
            "The seed is not valid",
        )
        .detail(problems.join("; "))),
        Err(ImportError::Conflict(why)) => Err(ApiError::new(
            ProblemCode::Conflict,
            "The seed conflicts with what is stored",
        )
        .detail(why)),
        Err(ImportError::Database(e)) => Err(e.into()),
        Err(ImportError::Log(e)) => Err(e),
    }
}
