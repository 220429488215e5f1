//! Options residents propose for the ballot.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use plaza_contract::{
    Author, Contribution, NewProposal, Page, PageQuery, Problem, Proposal, Timestamp,
};
use sqlx::any::AnyRow;
use sqlx::Row;

use super::arguments::require_phase_for;
use super::deliberations::require_deliberation;
use super::{contributed, oldest_first, Window};
use crate::db::codec::{from_text, to_text};
use crate::db::posted::{self, posted_at, Posted};
use crate::error::ApiResult;
use crate::extract::{ApiQuery, ChangeRequest};
use crate::idempotency;
use crate::ids::new_id;
use crate::reply::Reply;
use crate::state::AppState;
use plaza_contract::cursor;

const COLUMNS: &str =
    "id, deliberation_id, title, description, lang, display_name, created_at, decision, status";

/// One proposal as residents read it (a hidden one without its texts).
pub async fn load<'e, E>(executor: E, id: &str) -> ApiResult<Proposal>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM proposals WHERE id = $1"))
        .bind(id)
        .fetch_optional(executor)
        .await?
        .ok_or_else(|| crate::error::ApiError::not_found("proposal"))?;
    from_row(&row)
}

fn from_row(row: &AnyRow) -> ApiResult<Proposal> {
    Ok(Proposal {
        id: row.try_get("id")?,
        deliberation_id: row.try_get("deliberation_id")?,
        title: row.try_get("title")?,
        description: row.try_get("description")?,
        lang: row.try_get("lang")?,
        author: Author {
            display_name: row.try_get("display_name")?,
        },
        created_at: Timestamp::from_unix_millis(row.try_get("created_at")?),
        decision: from_text(&row.try_get::<String, _>("decision")?)?,
        status: from_text(&row.try_get::<String, _>("status")?)?,
    }
    .redacted())
}

/// `GET /v1/deliberations/{id}/proposals`: in the order they were made.
pub async fn list(
    State(state): State<AppState>,
    Path(deliberation_id): Path<String>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Json<Page<Proposal>>> {
    let window = Window::of(cursor::List::proposals(&deliberation_id), &q)?;
    require_deliberation(&state.db.read, &deliberation_id).await?;
    let select = format!("SELECT {COLUMNS} FROM proposals WHERE deliberation_id = ");
    let page = oldest_first(
        &state.db.read,
        &select,
        deliberation_id,
        window,
        from_row,
        |p| (p.created_at.unix_millis(), p.id.clone()),
    )
    .await?;
    Ok(Json(page))
}

/// `POST /v1/deliberations/{id}/proposals`.
pub async fn create(
    State(state): State<AppState>,
    Path(deliberation_id): Path<String>,
    ChangeRequest {
        who,
        body: new,
        change,
        ..
    }: ChangeRequest<NewProposal>,
) -> ApiResult<Response> {
    let participant = who.id;
    idempotency::run(&state.db, change, move |tx| {
        Box::pin(async move {
            let list = Posted::Proposals { deliberation: &deliberation_id };
            posted::lock(tx, list).await?;
            require_phase_for(tx, &deliberation_id, Contribution::Proposal).await?;
            new.validate().map_err(Problem::invalid)?;
            let proposal = new.to_proposal(
                new_id("prop"),
                &deliberation_id,
                posted_at(tx, list).await?,
            );
            sqlx::query(
                "INSERT INTO proposals (id, deliberation_id, title, description, lang, display_name, author_id, \
                 created_at, decision, status, flags) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0)",
            )
            .bind(&proposal.id)
            .bind(&deliberation_id)
            .bind(proposal.title.as_deref())
            .bind(proposal.description.as_deref())
            .bind(proposal.lang.as_deref())
            .bind(proposal.author.display_name.as_deref())
            .bind(&participant)
            .bind(proposal.created_at.unix_millis())
            .bind(to_text(&proposal.decision))
            .bind(to_text(&proposal.status))
            .execute(&mut *tx)
            .await?;
            contributed(tx, &deliberation_id, &participant).await?;
            Reply::json(StatusCode::CREATED, &proposal)
        })
    })
    .await
}
