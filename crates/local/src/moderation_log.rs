//! The moderation log of the in-browser backend: what the moderation
//! surface changed, recorded as the reference server records it, and read
//! back, whole by a moderator or per deliberation by anyone (without who).
//! In a page there is no moderation, so a resident's log is empty.

use std::cmp::Reverse;

use plaza_contract::*;

#[cfg(feature = "moderation")]
use crate::store::posted;
use crate::store::{page, LocalState, StoreResult};

impl LocalState {
    /// Records an action of the moderation surface.
    #[cfg(feature = "moderation")]
    pub(crate) fn record_moderation(
        &mut self,
        deliberation_id: &str,
        change: ModerationChange,
        reason: Option<ModerationReason>,
        at: Timestamp,
    ) {
        let id = self.fresh_id("m");
        let at = posted(at, self.moderation_log.iter().map(|e| &e.at));
        self.moderation_log.push(ModerationLogEntry {
            id,
            at,
            deliberation_id: deliberation_id.to_owned(),
            change,
            reason,
            staff: Some(MODERATOR_TOKEN_STAFF.to_owned()),
        });
    }

    /// The deliberation an argument, comment or proposal belongs to.
    #[cfg(feature = "moderation")]
    pub(crate) fn deliberation_of(&self, target_type: FlagTarget, id: &str) -> Option<String> {
        self.deliberations
            .iter()
            .find(|e| match target_type {
                FlagTarget::Argument => e.arguments.iter().any(|a| a.id == id),
                FlagTarget::Comment => e.comments.iter().any(|c| c.id == id),
                FlagTarget::Proposal => e.proposals.iter().any(|p| p.id == id),
            })
            .map(|e| e.deliberation.id.clone())
    }

    /// `GET /moderation/log`: every action, newest first.
    #[cfg(feature = "moderation")]
    pub fn moderation_log(&self, query: &ModerationQuery) -> StoreResult<Page<ModerationLogEntry>> {
        if let Some(id) = query.deliberation() {
            self.entry(id)?;
        }
        let entries: Vec<(usize, ModerationLogEntry)> = self
            .moderation_log
            .iter()
            .cloned()
            .enumerate()
            .filter(|(_, e)| query.deliberation().is_none_or(|d| e.deliberation_id == d))
            .collect();
        let list = cursor::List::moderation_log(query.deliberation());
        newest_first(list, entries, &query.page())
    }

    /// `GET /deliberations/{id}/moderation`: what was done there, newest
    /// first, without who did it.
    pub fn public_moderation_log(
        &self,
        deliberation_id: &str,
        query: &PageQuery,
    ) -> StoreResult<Page<ModerationLogEntry>> {
        self.entry(deliberation_id)?;
        let entries: Vec<(usize, ModerationLogEntry)> = self
            .moderation_log
            .iter()
            .cloned()
            .map(ModerationLogEntry::public)
            .enumerate()
            .filter(|(_, e)| e.deliberation_id == deliberation_id)
            .collect();
        newest_first(
            cursor::List::public_moderation_log(deliberation_id),
            entries,
            query,
        )
    }
}

/// A page of the log's `entries`, each with its place in the log, newest
/// first as the server orders them (by time; entries of one millisecond by
/// place, since the log only grows, a key no later entry changes).
fn newest_first(
    list: cursor::List,
    entries: Vec<(usize, ModerationLogEntry)>,
    query: &PageQuery,
) -> StoreResult<Page<ModerationLogEntry>> {
    let page = page(list, entries, query, |(place, e)| {
        (Reverse(e.at.unix_millis()), Reverse(*place))
    })?;
    Ok(Page {
        items: page.items.into_iter().map(|(_, e)| e).collect(),
        next_cursor: page.next_cursor,
    })
}
