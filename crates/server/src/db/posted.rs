//! When a new row is recorded, for the lists read in the order things
//! were posted (comments and proposals oldest first, arguments and the
//! moderation log newest first): the contract's rule
//! ([`Timestamp::posted`]), with the newest row of the list read from the
//! database in the transaction that adds the new one.

use sqlx::AnyConnection;

use plaza_contract::Timestamp;

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

/// Takes `list`'s lock until the transaction ends (a no-op write on the row
/// it hangs from): on PostgreSQL two posts at once would otherwise read the
/// same newest row, and the one stamped earlier could commit later, behind
/// what a reader already paged past. Taken before what the post checks of
/// that row (the phase, a removal), so that a change to it in between waits.
/// (SQLite's single writer orders them.)
pub async fn lock(conn: &mut AnyConnection, list: Posted<'_>) -> Result<(), sqlx::Error> {
    let lock = match list {
        Posted::Arguments { deliberation } | Posted::Proposals { deliberation } => {
            sqlx::query("UPDATE deliberations SET updated_at = updated_at WHERE id = $1")
                .bind(deliberation)
        }
        Posted::Comments { argument } => {
            sqlx::query("UPDATE arguments SET comment_count = comment_count WHERE id = $1")
                .bind(argument)
        }
        Posted::ModerationLog => sqlx::query(
            "INSERT INTO settings (name, value) VALUES ('moderation_log_order', '') \
             ON CONFLICT (name) DO UPDATE SET value = settings.value",
        ),
    };
    lock.execute(&mut *conn).await?;
    Ok(())
}

/// The time to record a new row of `list` at; the transaction holds its
/// [`lock`] already.
pub async fn posted_at(
    conn: &mut AnyConnection,
    list: Posted<'_>,
) -> Result<Timestamp, sqlx::Error> {
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
    Ok(Timestamp::posted(now_millis(), newest))
}
