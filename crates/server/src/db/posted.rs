//! When a new row is recorded, for the lists read in the order things
//! were posted (comments and proposals oldest first, arguments and the
//! moderation log newest first): now, or one millisecond after the newest
//! row of the same list if the clock has not moved past it. Two requests
//! served one after the other within a millisecond then keep their order;
//! a tie would fall to their ids, which are random.

use sqlx::AnyConnection;

use super::now_millis;

/// A list whose order is the order its rows were posted.
#[derive(Debug, Clone, Copy)]
pub enum Posted<'a> {
    /// A deliberation's arguments.
    Arguments { deliberation: &'a str },
    /// The comments under an argument.
    Comments { argument: &'a str },
    /// A deliberation's proposals.
    Proposals { deliberation: &'a str },
    /// The whole moderation log (staff read it whole).
    ModerationLog,
}

/// The time to record a new row of `list` at, in Unix milliseconds.
pub async fn posted_at(conn: &mut AnyConnection, list: Posted<'_>) -> Result<i64, sqlx::Error> {
    let query = match list {
        Posted::Arguments { deliberation } => {
            sqlx::query_scalar("SELECT MAX(created_at) FROM arguments WHERE deliberation_id = $1")
                .bind(deliberation)
        }
        Posted::Comments { argument } => {
            sqlx::query_scalar("SELECT MAX(created_at) FROM comments WHERE argument_id = $1")
                .bind(argument)
        }
        Posted::Proposals { deliberation } => {
            sqlx::query_scalar("SELECT MAX(created_at) FROM proposals WHERE deliberation_id = $1")
                .bind(deliberation)
        }
        Posted::ModerationLog => sqlx::query_scalar("SELECT MAX(created_at) FROM moderation_log"),
    };
    let newest: Option<i64> = query.fetch_one(conn).await?;
    Ok(after(now_millis(), newest))
}

fn after(now: i64, newest: Option<i64>) -> i64 {
    match newest {
        Some(newest) if newest >= now => newest.saturating_add(1),
        _ => now,
    }
}

#[cfg(test)]
mod tests {
    use super::after;

    #[test]
    fn a_new_row_is_never_before_the_newest() {
        assert_eq!(after(1_000, None), 1_000, "the first row: now");
        assert_eq!(after(1_000, Some(999)), 1_000, "the clock moved on: now");
        assert_eq!(after(1_000, Some(1_000)), 1_001, "the same millisecond");
        assert_eq!(after(1_000, Some(1_005)), 1_006, "the clock went back");
    }
}
