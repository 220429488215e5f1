//! The contract's HTTP surface: one module per resource, each holding its
//! handlers and queries.

pub mod activity;
pub mod arguments;
pub mod ballots;
pub mod comments;
pub mod deliberations;
pub mod flags;
pub mod moderation;
pub mod moderation_log;
pub mod participants;
pub mod polls;
pub mod proposals;
pub mod reactions;
pub mod results;

use axum::extract::DefaultBodyLimit;
use axum::middleware::from_fn_with_state;
use axum::routing::{on, MethodFilter, MethodRouter};
use axum::Router;
use plaza_contract::{ContentStatus, HttpMethod, Operation, Page};
use sqlx::any::AnyRow;
use sqlx::AnyPool;

use crate::db::codec::{to_text, Sql};
use crate::db::Conn;
use crate::error::ApiResult;
use crate::middleware::limit_body;
use crate::state::AppState;
use plaza_contract::cursor;

/// A seed can be much larger than anything a resident sends.
pub const IMPORT_BODY_LIMIT: usize = 8 * 1024 * 1024;

/// Every operation of the contract's route table, mounted on its handler
/// with the method and path the table gives, each request body read within
/// its limit (`middleware::limit_body`).
pub fn routes(state: &AppState) -> Router<AppState> {
    let mut router = Router::new();
    for op in Operation::ALL {
        let limit = match op {
            Operation::ImportSeed => IMPORT_BODY_LIMIT,
            _ => state.settings.max_body_bytes,
        };
        let handler = handler(op, method(op.method())).layer(from_fn_with_state(limit, limit_body));
        router = router.route(&op.mounted_template(), handler);
    }
    // Bodies were read and limited by `limit_body` already.
    router.layer(DefaultBodyLimit::disable())
}

fn method(m: HttpMethod) -> MethodFilter {
    match m {
        HttpMethod::Get => MethodFilter::GET,
        HttpMethod::Post => MethodFilter::POST,
        HttpMethod::Put => MethodFilter::PUT,
        HttpMethod::Delete => MethodFilter::DELETE,
    }
}

/// The handler of each operation; exhaustive, so that a new operation of
/// the contract does not build until the server answers it.
fn handler(op: Operation, m: MethodFilter) -> MethodRouter<AppState> {
    match op {
        Operation::GetCapabilities => on(m, deliberations::capabilities),
        Operation::CreateParticipant => on(m, participants::create),
        Operation::ListDeliberations => on(m, deliberations::list),
        Operation::GetDeliberation => on(m, deliberations::one),
        Operation::ListArguments => on(m, arguments::list),
        Operation::CreateArgument => on(m, arguments::create),
        Operation::GetArgument => on(m, arguments::one),
        Operation::ListComments => on(m, comments::list),
        Operation::CreateComment => on(m, comments::create),
        Operation::PutReaction => on(m, reactions::put),
        Operation::DeleteReaction => on(m, reactions::delete),
        Operation::CreateFlag => on(m, flags::create),
        Operation::ListProposals => on(m, proposals::list),
        Operation::CreateProposal => on(m, proposals::create),
        Operation::GetPoll => on(m, polls::one),
        Operation::CastBallot => on(m, ballots::cast),
        Operation::GetMyBallot => on(m, ballots::mine),
        Operation::GetResults => on(m, results::results),
        Operation::ExportBallots => on(m, results::export),
        Operation::SetPhase => on(m, moderation::phase),
        Operation::SetPollStatus => on(m, moderation::poll_status),
        Operation::ModerateContent => on(m, moderation::content),
        Operation::ListFlagged => on(m, moderation::flagged),
        Operation::ImportSeed => on(m, moderation::import),
        Operation::ListModerationLog => on(m, moderation_log::staff_log),
        Operation::ListPublicModerationLog => on(m, moderation_log::public_log),
        Operation::DecideProposal => on(m, moderation::decide_proposal),
        Operation::GetActivity => on(m, activity::activity),
    }
}

/// Where a page of a list posted under a parent starts: read from its query
/// before the parent is looked up, so that a malformed limit or cursor is
/// 422 whether the parent exists or not.
pub struct Window {
    list: cursor::List,
    /// The `(created_at, id)` of the previous page's last item.
    after: Option<(i64, String)>,
    limit: u32,
}

impl Window {
    pub fn of(list: cursor::List, q: &plaza_contract::PageQuery) -> ApiResult<Window> {
        Ok(Window {
            limit: q.limit()?,
            after: cursor::optional(&list, q.cursor())?,
            list,
        })
    }
}

/// One page of what was posted under a parent — comments under an argument,
/// proposals under a deliberation — in the order it was posted (ties by
/// id), removed content left out. `select` is the query up to the parent's
/// id (`SELECT … FROM <table> WHERE <parent column> = `).
pub async fn oldest_first<T>(
    db: &AnyPool,
    select: &str,
    parent_id: String,
    Window { list, after, limit }: Window,
    from_row: fn(&AnyRow) -> ApiResult<T>,
    key: fn(&T) -> (i64, String),
) -> ApiResult<Page<T>> {
    let mut sql = Sql::new(select);
    let p = sql.text(parent_id);
    let removed = sql.text(to_text(&ContentStatus::Removed));
    sql.push(&format!("{p} AND status <> {removed}"));
    if let Some((created, id)) = after {
        let (c, i) = (sql.int(created), sql.text(id));
        sql.push(&format!(
            " AND (created_at > {c} OR (created_at = {c} AND id > {i}))"
        ));
    }
    let l = sql.int(i64::from(limit) + 1);
    sql.push(&format!(" ORDER BY created_at ASC, id ASC LIMIT {l}"));
    let rows = sql.query().fetch_all(db).await?;
    let items = rows.iter().map(from_row).collect::<ApiResult<Vec<_>>>()?;
    let (items, next_cursor) = cursor::page(items, limit, &list, key);
    Ok(Page { items, next_cursor })
}

/// Records that a participant took part in a deliberation.
pub async fn contributed(tx: &mut Conn, deliberation_id: &str, participant: &str) -> ApiResult<()> {
    sqlx::query("INSERT INTO contributors (deliberation_id, participant_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
        .bind(deliberation_id)
        .bind(participant)
        .execute(&mut *tx)
        .await?;
    Ok(())
}
