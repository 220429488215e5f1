//! Creating and updating deliberations from a seed document (the format of
//! `crates/contract/demo/plaza-demo.json`): `plaza-server import FILE`,
//! `POST /v1/moderation/import`, and the demo.
//!
//! The deliberation and poll documents are replaced (when `replace`), while
//! arguments, comments and proposals are only added: what residents did
//! since (reactions, flags, replies) is never overwritten.

use std::collections::BTreeSet;

use plaza_contract::seed::{contributor, Seed, SeedDeliberation};
use plaza_contract::{
    blank_to_none, ContentStatus, Deliberation, EditedPart, ImportReport, Poll, PollStatus,
};
use sqlx::Row;

use crate::api::polls;
use crate::db::codec::{from_text, to_text};
use crate::db::{now_millis, Db, Tx};

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("the seed is not valid: {}", .0.join("; "))]
    Invalid(Vec<String>),
    #[error("{0}")]
    Conflict(String),
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    /// The moderation log could not be written: nothing was imported.
    #[error("the moderation log: {0:?}")]
    Log(crate::error::ApiError),
}

/// Imports every deliberation of `seed` in one transaction: all or nothing,
/// with, when a staff member imports it (`logged_by`), the moderation
/// log's entries for what it created and changed.
pub async fn import(
    db: &Db,
    seed: &Seed,
    replace: bool,
    logged_by: Option<&str>,
) -> Result<ImportReport, ImportError> {
    let problems = plaza_results::seed_problems(seed);
    if !problems.is_empty() {
        return Err(ImportError::Invalid(problems));
    }
    let mut tx = db.begin().await?;
    let mut report = ImportReport::default();
    for entry in &seed.deliberations {
        import_one(&mut tx, entry, replace, &mut report).await?;
    }
    if let Some(staff) = logged_by {
        for (deliberation, change) in report.changes() {
            crate::api::moderation_log::record(&mut tx, &deliberation, &change, None, staff)
                .await
                .map_err(ImportError::Log)?;
        }
    }
    tx.commit().await?;
    Ok(report)
}

async fn import_one(
    tx: &mut Tx,
    entry: &SeedDeliberation,
    replace: bool,
    report: &mut ImportReport,
) -> Result<(), ImportError> {
    let d = &entry.deliberation;
    let now = now_millis();
    let mut document = d.clone();
    // Counts are derived from the stored content whenever it is read.
    document.counts = Default::default();
    let document =
        serde_json::to_string(&document).map_err(|e| ImportError::Invalid(vec![e.to_string()]))?;
    let stored =
        sqlx::query("SELECT document, current_phase, poll_id FROM deliberations WHERE id = $1")
            .bind(&d.id)
            .fetch_optional(&mut **tx)
            .await?;
    let exists = stored.is_some();
    // What it was, to say what an edit changed (unreadable: as if new),
    // with the live phase (moderators move it) over the document's copy.
    let before: Option<Deliberation> = match &stored {
        Some(row) => {
            let document: Option<Deliberation> =
                serde_json::from_str(&row.try_get::<String, _>("document")?).ok();
            let phase = from_text(&row.try_get::<String, _>("current_phase")?).ok();
            document.map(|mut before| {
                before.current_phase = phase.unwrap_or(before.current_phase);
                before
            })
        }
        None => None,
    };
    let mut poll_before: Option<Poll> = None;
    if !exists {
        sqlx::query(
            "INSERT INTO deliberations (id, document, current_phase, poll_id, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $5)",
        )
        .bind(&d.id)
        .bind(&document)
        .bind(to_text(&d.current_phase))
        .bind(d.poll_id.as_deref())
        .bind(now)
        .execute(&mut **tx)
        .await?;
        report.created.push(d.id.clone());
    } else if replace {
        let stored_poll: Option<String> = match &stored {
            Some(row) => row.try_get("poll_id")?,
            None => None,
        };
        if let Some(stored_poll) = stored_poll.filter(|p| d.poll_id.as_ref() != Some(p)) {
            polls::lock(tx, &stored_poll).await?;
            let ballots: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM ballots WHERE poll_id = $1")
                    .bind(&stored_poll)
                    .fetch_one(&mut **tx)
                    .await?;
            Poll::check_kept(Some(&stored_poll), d.poll_id.as_deref(), ballots > 0)
                .map_err(ImportError::Conflict)?;
            // Without a ballot, the poll the deliberation no longer names
            // goes: left, it would take ballots no result reads.
            sqlx::query("DELETE FROM results_cache WHERE poll_id = $1")
                .bind(&stored_poll)
                .execute(&mut **tx)
                .await?;
            sqlx::query("DELETE FROM polls WHERE id = $1 AND deliberation_id = $2")
                .bind(&stored_poll)
                .bind(&d.id)
                .execute(&mut **tx)
                .await?;
        }
        sqlx::query(
            "UPDATE deliberations SET document = $2, current_phase = $3, poll_id = $4, updated_at = $5 WHERE id = $1",
        )
        .bind(&d.id)
        .bind(&document)
        .bind(to_text(&d.current_phase))
        .bind(d.poll_id.as_deref())
        .bind(now)
        .execute(&mut **tx)
        .await?;
        report.updated.push(d.id.clone());
    }
    if let Some(poll) = &entry.poll {
        polls::lock(tx, &poll.id).await?;
        let existing = sqlx::query(
            "SELECT deliberation_id, document, status, (SELECT COUNT(*) FROM ballots WHERE poll_id = $1) AS ballots \
             FROM polls WHERE id = $1",
        )
        .bind(&poll.id)
        .fetch_optional(&mut **tx)
        .await?;
        let poll_doc =
            serde_json::to_string(poll).map_err(|e| ImportError::Invalid(vec![e.to_string()]))?;
        match existing {
            None => {
                sqlx::query(
                    "INSERT INTO polls (id, deliberation_id, document, status, ballots_version) VALUES ($1, $2, $3, $4, 0)",
                )
                .bind(&poll.id)
                .bind(&d.id)
                .bind(&poll_doc)
                .bind(to_text(&poll.status))
                .execute(&mut **tx)
                .await?;
            }
            Some(row) if replace || !exists => {
                let ballots: i64 = row.try_get("ballots")?;
                let mut old: Poll = serde_json::from_str(&row.try_get::<String, _>("document")?)
                    .map_err(|e| {
                        ImportError::Conflict(format!(
                            "stored poll {:?} is unreadable: {e}",
                            poll.id
                        ))
                    })?;
                old.deliberation_id = row.try_get("deliberation_id")?;
                // The live status (moderators change it), not the document's copy.
                let status: String = row.try_get("status")?;
                old.status =
                    serde_json::from_value(serde_json::Value::String(status)).map_err(|e| {
                        ImportError::Conflict(format!("stored poll {:?}: {e}", poll.id))
                    })?;
                old.check_replacement(poll, ballots > 0)
                    .map_err(ImportError::Conflict)?;
                poll_before = Some(old);
                // The rules may have changed: cached results are stale.
                sqlx::query(
                    "UPDATE polls SET document = $2, status = $3, ballots_version = ballots_version + 1 WHERE id = $1",
                )
                .bind(&poll.id)
                .bind(&poll_doc)
                .bind(to_text(&poll.status))
                .execute(&mut **tx)
                .await?;
            }
            Some(_) => {}
        }
    }
    if exists && replace {
        let parts = match &before {
            Some(before) => {
                EditedPart::between((before, poll_before.as_ref()), (d, entry.poll.as_ref()))
            }
            None => EditedPart::ALL.to_vec(),
        };
        report.edited.insert(d.id.clone(), parts);
    }
    report.contributions_added += add_contributions(tx, entry).await?;
    Ok(())
}

/// Adds the seed's arguments, comments and proposals that are not there yet.
async fn add_contributions(tx: &mut Tx, entry: &SeedDeliberation) -> Result<u32, ImportError> {
    let d = &entry.deliberation.id;
    let mut added = 0;
    let mut contributors = BTreeSet::new();
    for a in &entry.arguments {
        let n = sqlx::query(
            "INSERT INTO arguments (id, deliberation_id, stance, text, lang, display_name, author_id, created_at, \
             helpful, changed_my_mind, comment_count, status, flags) \
             VALUES ($1, $2, $3, $4, $5, $6, NULL, $7, $8, $9, 0, $10, 0) ON CONFLICT (id) DO NOTHING",
        )
        .bind(&a.id)
        .bind(d)
        .bind(to_text(&a.stance))
        .bind(a.text.clone().unwrap_or_default())
        .bind(blank_to_none(a.lang.as_deref()))
        .bind(blank_to_none(a.author.display_name.as_deref()))
        .bind(a.created_at.unix_millis())
        .bind(i64::from(a.reactions.helpful))
        .bind(i64::from(a.reactions.changed_my_mind))
        .bind(to_text(&a.status))
        .execute(&mut **tx)
        .await?
        .rows_affected();
        if n > 0 {
            added += 1;
            contributors.insert(contributor(a.author.display_name.as_deref(), &a.id));
        }
    }
    for c in &entry.comments {
        let n = sqlx::query(
            "INSERT INTO comments (id, argument_id, deliberation_id, parent_id, text, lang, display_name, author_id, \
             created_at, status, flags) VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, $8, $9, 0) ON CONFLICT (id) DO NOTHING",
        )
        .bind(&c.id)
        .bind(&c.argument_id)
        .bind(d)
        .bind(c.parent_id.as_deref())
        .bind(c.text.clone().unwrap_or_default())
        .bind(blank_to_none(c.lang.as_deref()))
        .bind(blank_to_none(c.author.display_name.as_deref()))
        .bind(c.created_at.unix_millis())
        .bind(to_text(&c.status))
        .execute(&mut **tx)
        .await?
        .rows_affected();
        if n > 0 {
            added += 1;
            contributors.insert(contributor(c.author.display_name.as_deref(), &c.id));
        }
    }
    for p in &entry.proposals {
        let n = sqlx::query(
            "INSERT INTO proposals (id, deliberation_id, title, description, lang, display_name, author_id, created_at, \
             decision, status, flags) VALUES ($1, $2, $3, $4, $5, $6, NULL, $7, $8, $9, 0) ON CONFLICT (id) DO NOTHING",
        )
        .bind(&p.id)
        .bind(d)
        .bind(p.title.clone().unwrap_or_default())
        .bind(p.description.as_deref())
        .bind(blank_to_none(p.lang.as_deref()))
        .bind(blank_to_none(p.author.display_name.as_deref()))
        .bind(p.created_at.unix_millis())
        .bind(to_text(&p.decision))
        .bind(to_text(&p.status))
        .execute(&mut **tx)
        .await?
        .rows_affected();
        if n > 0 {
            added += 1;
            contributors.insert(contributor(p.author.display_name.as_deref(), &p.id));
        }
    }
    sqlx::query(
        "UPDATE arguments SET comment_count = (SELECT COUNT(*) FROM comments c \
         WHERE c.argument_id = arguments.id AND c.status <> $2) WHERE deliberation_id = $1",
    )
    .bind(d)
    .bind(to_text(&ContentStatus::Removed))
    .execute(&mut **tx)
    .await?;
    for who in contributors {
        sqlx::query(
            "INSERT INTO contributors (deliberation_id, participant_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        )
        .bind(d)
        .bind(who)
        .execute(&mut **tx)
        .await?;
    }
    Ok(added)
}

/// The demo deliberation, with its poll opened so that visitors can vote
/// (the discussion phase stays as the seed has it, so they can also argue).
pub fn demo_seed() -> Result<Seed, serde_json::Error> {
    let mut seed: Seed = serde_json::from_str(include_str!("../../contract/demo/plaza-demo.json"))?;
    for entry in &mut seed.deliberations {
        if let Some(poll) = &mut entry.poll {
            poll.status = PollStatus::Open;
        }
    }
    Ok(seed)
}
