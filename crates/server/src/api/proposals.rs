//! Options residents propose for the ballot.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use plaza_contract::{
    Author, ContentStatus, NewProposal, Page, Proposal, ProposalDecision, Timestamp,
};
use sqlx::any::AnyRow;
use sqlx::Row;

use super::codec::{blank_to_none, from_text, to_text};
use super::deliberations::require_deliberation;
use super::{check_lang, contributed, oldest_first};
use crate::cursor::{self, PageQuery};
use crate::db::now_millis;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiQuery, ChangeRequest};
use crate::idempotency;
use crate::ids::new_id;
use crate::reply::Reply;
use crate::state::AppState;

const COLUMNS: &str =
    "id, deliberation_id, title, description, lang, display_name, created_at, decision, status";

fn from_row(row: &AnyRow) -> ApiResult<Proposal> {
    let status: ContentStatus = from_text(&row.try_get::<String, _>("status")?)?;
    let visible = status == ContentStatus::Visible;
    Ok(Proposal {
        id: row.try_get("id")?,
        deliberation_id: row.try_get("deliberation_id")?,
        title: visible.then(|| row.try_get("title")).transpose()?,
        description: if visible {
            row.try_get("description")?
        } else {
            None
        },
        lang: row.try_get("lang")?,
        author: Author {
            display_name: row.try_get("display_name")?,
        },
        created_at: Timestamp::from_unix_millis(row.try_get("created_at")?),
        decision: from_text(&row.try_get::<String, _>("decision")?)?,
        status,
    })
}

/// `GET /v1/deliberations/{id}/proposals`: in the order they were made.
pub async fn list(
    State(state): State<AppState>,
    Path(deliberation_id): Path<String>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Json<Page<Proposal>>> {
    let limit = cursor::limit(q.limit)?;
    let after = cursor::optional(q.cursor.as_deref())?;
    require_deliberation(&state.db.read, &deliberation_id).await?;
    let select = format!("SELECT {COLUMNS} FROM proposals WHERE deliberation_id = ");
    let page = oldest_first(
        &state.db.read,
        &select,
        deliberation_id,
        after,
        limit,
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
    }: ChangeRequest<NewProposal>,
) -> ApiResult<Response> {
    let participant = who.id;
    idempotency::run(&state.db, change, move |tx| {
        Box::pin(async move {
            require_deliberation(&mut *tx, &deliberation_id).await?;
            new.validate().map_err(ApiError::invalid)?;
            check_lang(&new.lang)?;
            let description = new.description.trim();
            let proposal = Proposal {
                id: new_id("prop"),
                deliberation_id: deliberation_id.clone(),
                title: Some(new.title.trim().to_owned()),
                description: (!description.is_empty()).then(|| description.to_owned()),
                lang: blank_to_none(&new.lang),
                author: Author {
                    display_name: blank_to_none(&new.display_name),
                },
                created_at: Timestamp::from_unix_millis(now_millis()),
                decision: ProposalDecision::UnderReview,
                status: ContentStatus::Visible,
            };
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
