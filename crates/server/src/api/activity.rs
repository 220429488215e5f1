//! Participation over time, for staff: the database counts each kind of
//! record by UTC day of a deliberation, the contract makes the days.

use axum::extract::{Path, State};
use axum::Json;
use plaza_contract::{activity_day_start, Activity, ActivityKind, Stance};
use sqlx::Row;

use super::moderation_log::must_exist;
use crate::db::codec::from_text;
use crate::error::ApiResult;
use crate::extract::Moderator;
use crate::state::AppState;

/// The day number of a time column: days since 1970-01-01, rounded down
/// also before 1970, which an imported document may date (SQL's division
/// rounds toward zero).
macro_rules! day {
    ($column:literal) => {
        concat!(
            "((",
            $column,
            " - ((",
            $column,
            " % 86400000) + 86400000) % 86400000) / 86400000)"
        )
    };
}

/// Each count: its kind (`None`: by the row's stance) and its query, which
/// answers `d` (the day number) and `n` for the deliberation `$1`.
const COUNTS: [(Option<ActivityKind>, &str); 4] = [
    (
        None,
        concat!(
            "SELECT stance, ",
            day!("created_at"),
            " AS d, COUNT(*) AS n FROM arguments ",
            "WHERE deliberation_id = $1 GROUP BY stance, d"
        ),
    ),
    (
        Some(ActivityKind::Reply),
        concat!(
            "SELECT ",
            day!("created_at"),
            " AS d, COUNT(*) AS n FROM comments ",
            "WHERE deliberation_id = $1 GROUP BY d"
        ),
    ),
    (
        Some(ActivityKind::Proposal),
        concat!(
            "SELECT ",
            day!("created_at"),
            " AS d, COUNT(*) AS n FROM proposals ",
            "WHERE deliberation_id = $1 GROUP BY d"
        ),
    ),
    (
        Some(ActivityKind::Ballot),
        concat!(
            "SELECT ",
            day!("b.recorded_at"),
            " AS d, COUNT(*) AS n FROM ballots b ",
            "JOIN polls p ON p.id = b.poll_id WHERE p.deliberation_id = $1 GROUP BY d"
        ),
    ),
];

/// `GET /v1/moderation/deliberations/{id}/activity`.
pub async fn activity(
    State(state): State<AppState>,
    _: Moderator,
    Path(id): Path<String>,
) -> ApiResult<Json<Activity>> {
    must_exist(&state, &id).await?;
    let mut records = Vec::new();
    for (kind, sql) in COUNTS {
        let rows = sqlx::query(sql).bind(&id).fetch_all(&state.db.read).await?;
        for row in rows {
            let kind = match kind {
                Some(kind) => kind,
                None => ActivityKind::argument(from_text::<Stance>(
                    &row.try_get::<String, _>("stance")?,
                )?),
            };
            let day = activity_day_start(row.try_get::<i64, _>("d")?);
            let n = u64::try_from(row.try_get::<i64, _>("n")?).unwrap_or(0);
            records.push((kind, day, n));
        }
    }
    Ok(Json(Activity::of(&id, records)))
}
