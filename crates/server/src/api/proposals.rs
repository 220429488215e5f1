//! Options residents propose for the ballot.

use axum::extract::{OriginalUri, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use plaza_contract::{
    Author, ContentStatus, NewProposal, Page, Proposal, ProposalDecision, Timestamp,
};
use serde::Deserialize;
use sqlx::any::AnyRow;
use sqlx::Row;

use super::codec::{blank_to_none, from_text, to_text, Sql};
use super::{check_lang, contributed, write};
use crate::cursor;
use crate::db::now_millis;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiQuery, ClientIp, IdempotencyKey, JsonBody, Participant};
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

#[derive(Deserialize)]
pub struct ListQuery {
    cursor: Option<String>,
    limit: Option<u32>,
}

/// `GET /v1/deliberations/{id}/proposals`: in the order they were made.
pub async fn list(
    State(state): State<AppState>,
    Path(deliberation_id): Path<String>,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> ApiResult<Json<Page<Proposal>>> {
    let limit = cursor::limit(q.limit)?;
    let after: Option<(i64, String)> = cursor::optional(q.cursor.as_deref())?;
    let exists = sqlx::query("SELECT 1 AS one FROM deliberations WHERE id = $1")
        .bind(&deliberation_id)
        .fetch_optional(&state.db.read)
        .await?;
    if exists.is_none() {
        return Err(ApiError::not_found("deliberation"));
    }
    let mut sql = Sql::new(&format!(
        "SELECT {COLUMNS} FROM proposals WHERE deliberation_id = "
    ));
    let d = sql.text(deliberation_id);
    let removed = sql.text(to_text(&ContentStatus::Removed));
    sql.push(&format!("{d} AND status <> {removed}"));
    if let Some((created, id)) = after {
        let (c, i) = (sql.int(created), sql.text(id));
        sql.push(&format!(
            " AND (created_at > {c} OR (created_at = {c} AND id > {i}))"
        ));
    }
    let l = sql.int(i64::from(limit) + 1);
    sql.push(&format!(" ORDER BY created_at ASC, id ASC LIMIT {l}"));
    let rows = sql.query().fetch_all(&state.db.read).await?;
    let items = rows.iter().map(from_row).collect::<ApiResult<Vec<_>>>()?;
    let (items, next_cursor) =
        cursor::page(items, limit, |p| (p.created_at.unix_millis(), p.id.clone()));
    Ok(Json(Page { items, next_cursor }))
}

/// `POST /v1/deliberations/{id}/proposals`.
#[allow(clippy::too_many_arguments)]
pub async fn create(
    State(state): State<AppState>,
    Path(deliberation_id): Path<String>,
    who: Participant,
    ClientIp(ip): ClientIp,
    IdempotencyKey(key): IdempotencyKey,
    OriginalUri(uri): OriginalUri,
    body: JsonBody<NewProposal>,
) -> ApiResult<Response> {
    let new = body.value;
    let participant = who.id.clone();
    write(&state, &who, ip, key, "POST", &uri, &body.raw, move |tx| {
        Box::pin(async move {
            let exists = sqlx::query("SELECT 1 AS one FROM deliberations WHERE id = $1")
                .bind(&deliberation_id)
                .fetch_optional(&mut *tx)
                .await?;
            if exists.is_none() {
                return Err(ApiError::not_found("deliberation"));
            }
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
