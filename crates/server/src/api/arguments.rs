//! Arguments for and against: list, read one, add.

use axum::extract::{Path, State};
use axum::response::Response;
use axum::Json;
use plaza_contract::{
    Argument, ArgumentSort, ArgumentsQuery, Author, ContentStatus, Contribution, NewArgument,
    Operation, Page, PhaseKind, Problem, ReactionCounts, ReactionKind, Timestamp,
};
use sqlx::any::AnyRow;
use sqlx::Row;

use super::contributed;
use super::deliberations::require_deliberation;
use crate::db::codec::{from_text, to_text, Sql};
use crate::db::posted::{self, posted_at, Posted};
use crate::db::{count, Conn};
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiQuery, ChangeRequest, MaybeParticipant, Participant};
use crate::idempotency;
use crate::ids::new_id;
use crate::reply::Reply;
use crate::state::AppState;
use plaza_contract::cursor;

pub const COLUMNS: &str = "id, deliberation_id, stance, text, lang, display_name, created_at, \
    helpful, changed_my_mind, comment_count, status";

/// An argument as residents see it: no text unless it is visible.
pub fn from_row(row: &AnyRow) -> ApiResult<Argument> {
    Ok(Argument {
        id: row.try_get("id")?,
        deliberation_id: row.try_get("deliberation_id")?,
        stance: from_text(&row.try_get::<String, _>("stance")?)?,
        text: row.try_get("text")?,
        lang: row.try_get("lang")?,
        author: Author {
            display_name: row.try_get("display_name")?,
        },
        created_at: Timestamp::from_unix_millis(row.try_get("created_at")?),
        reactions: ReactionCounts {
            helpful: count(row.try_get("helpful")?),
            changed_my_mind: count(row.try_get("changed_my_mind")?),
        },
        my_reactions: Vec::new(),
        comment_count: count(row.try_get("comment_count")?),
        status: from_text(&row.try_get::<String, _>("status")?)?,
    }
    .redacted())
}

/// The reactions `participant` gave to each of `arguments`.
pub async fn fill_my_reactions(
    db: &sqlx::AnyPool,
    participant: Option<&Participant>,
    arguments: &mut [Argument],
) -> ApiResult<()> {
    let Some(p) = participant else { return Ok(()) };
    if arguments.is_empty() {
        return Ok(());
    }
    let mut sql = Sql::new("SELECT argument_id, kind FROM reactions WHERE participant_id = ");
    let who = sql.text(p.id.clone());
    sql.push(&who).push(" AND argument_id IN (");
    for (i, a) in arguments.iter().enumerate() {
        let id = sql.text(a.id.clone());
        if i > 0 {
            sql.push(", ");
        }
        sql.push(&id);
    }
    sql.push(")");
    for row in sql.query().fetch_all(db).await? {
        let argument: String = row.try_get("argument_id")?;
        let kind: ReactionKind = from_text(&row.try_get::<String, _>("kind")?)?;
        if let Some(a) = arguments.iter_mut().find(|a| a.id == argument) {
            a.my_reactions.push(kind);
        }
    }
    for a in arguments {
        a.my_reactions = ReactionKind::in_order(a.my_reactions.drain(..));
    }
    Ok(())
}

/// `GET /v1/deliberations/{id}/arguments`: removed arguments are left out;
/// ones hidden pending review are listed without their text.
pub async fn list(
    State(state): State<AppState>,
    Path(deliberation_id): Path<String>,
    MaybeParticipant(me): MaybeParticipant,
    ApiQuery(q): ApiQuery<ArgumentsQuery>,
) -> ApiResult<Json<Page<Argument>>> {
    let limit = q.page().limit()?;
    // (helpful, created_at, id) of the last argument of the previous page.
    let list = cursor::List::arguments(&deliberation_id, q.stance, q.sort);
    let after: Option<(i64, i64, String)> = cursor::optional(&list, q.page().cursor())?;
    require_deliberation(&state.db.read, &deliberation_id).await?;
    let mut sql = Sql::new(&format!(
        "SELECT {COLUMNS} FROM arguments WHERE deliberation_id = "
    ));
    let d = sql.text(deliberation_id);
    let removed = sql.text(to_text(&ContentStatus::Removed));
    sql.push(&format!("{d} AND status <> {removed}"));
    if let Some(stance) = q.stance {
        let s = sql.text(to_text(&stance));
        sql.push(&format!(" AND stance = {s}"));
    }
    if let Some((helpful, created, id)) = after {
        let (c, i) = (sql.int(created), sql.text(id));
        // Newest first, ties by id: what comes after the cursor's argument.
        let recent_after = format!("(created_at < {c} OR (created_at = {c} AND id > {i}))");
        match q.sort {
            ArgumentSort::Helpful => {
                let h = sql.int(helpful);
                sql.push(&format!(
                    " AND (helpful < {h} OR (helpful = {h} AND {recent_after}))"
                ));
            }
            ArgumentSort::Recent => {
                sql.push(&format!(" AND {recent_after}"));
            }
        }
    }
    sql.push(match q.sort {
        ArgumentSort::Helpful => " ORDER BY helpful DESC, created_at DESC, id ASC",
        ArgumentSort::Recent => " ORDER BY created_at DESC, id ASC",
    });
    let l = sql.int(i64::from(limit) + 1);
    sql.push(&format!(" LIMIT {l}"));
    let rows = sql.query().fetch_all(&state.db.read).await?;
    let items = rows.iter().map(from_row).collect::<ApiResult<Vec<_>>>()?;
    let (mut items, next_cursor) = cursor::page(items, limit, &list, |a| {
        (
            i64::from(a.reactions.helpful),
            a.created_at.unix_millis(),
            a.id.clone(),
        )
    });
    fill_my_reactions(&state.db.read, me.as_ref(), &mut items).await?;
    Ok(Json(Page { items, next_cursor }))
}

/// `GET /v1/arguments/{id}` (where `Location` points after a post).
pub async fn one(
    State(state): State<AppState>,
    Path(id): Path<String>,
    MaybeParticipant(me): MaybeParticipant,
) -> ApiResult<Json<Argument>> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM arguments WHERE id = $1 AND status <> 'removed'"
    ))
    .bind(&id)
    .fetch_optional(&state.db.read)
    .await?
    .ok_or_else(|| ApiError::not_found("argument"))?;
    let mut items = vec![from_row(&row)?];
    fill_my_reactions(&state.db.read, me.as_ref(), &mut items).await?;
    Ok(Json(items.remove(0)))
}

/// 404 unless the argument exists (a removed one does not).
pub async fn require_argument<'e, E>(executor: E, id: &str) -> ApiResult<()>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query("SELECT 1 AS one FROM arguments WHERE id = $1 AND status <> 'removed'")
        .bind(id)
        .fetch_optional(executor)
        .await?
        .map(|_| ())
        .ok_or_else(|| ApiError::not_found("argument"))
}

/// The deliberation's current phase must accept `what` (the contract's rule).
pub async fn require_phase_for(
    tx: &mut Conn,
    deliberation_id: &str,
    what: Contribution,
) -> ApiResult<()> {
    let row = sqlx::query("SELECT current_phase FROM deliberations WHERE id = $1")
        .bind(deliberation_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| ApiError::not_found("deliberation"))?;
    let phase: PhaseKind = from_text(&row.try_get::<String, _>("current_phase")?)?;
    Ok(phase.accepting(what)?)
}

/// `POST /v1/deliberations/{id}/arguments`.
pub async fn create(
    State(state): State<AppState>,
    Path(deliberation_id): Path<String>,
    ChangeRequest {
        who,
        body: new,
        change,
        ..
    }: ChangeRequest<NewArgument>,
) -> ApiResult<Response> {
    let participant = who.id;
    idempotency::run(&state.db, change, move |tx| {
        Box::pin(async move {
            let list = Posted::Arguments { deliberation: &deliberation_id };
            posted::lock(tx, list).await?;
            require_phase_for(tx, &deliberation_id, Contribution::Argument).await?;
            new.validate().map_err(Problem::invalid)?;
            let argument = new.to_argument(
                new_id("arg"),
                &deliberation_id,
                posted_at(tx, list).await?,
            );
            sqlx::query(
                "INSERT INTO arguments (id, deliberation_id, stance, text, lang, display_name, author_id, created_at, \
                 helpful, changed_my_mind, comment_count, status, flags) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, 0, 0, $9, 0)",
            )
            .bind(&argument.id)
            .bind(&argument.deliberation_id)
            .bind(to_text(&argument.stance))
            .bind(argument.text.as_deref())
            .bind(argument.lang.as_deref())
            .bind(argument.author.display_name.as_deref())
            .bind(&participant)
            .bind(argument.created_at.unix_millis())
            .bind(to_text(&argument.status))
            .execute(&mut *tx)
            .await?;
            contributed(tx, &deliberation_id, &participant).await?;
            let location = Operation::CreateArgument.location(&argument.id);
            Reply::created(&argument, location)
        })
    })
    .await
}
