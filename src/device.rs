//! What this device remembers for the resident, per backend: the draft of
//! each field they type in (so that a reload or a crash loses nothing),
//! and their own contributions (so that they see their text while it
//! waits for a moderator). In `localStorage`, page memory where storage is
//! blocked; "forget me" clears it all.

use std::collections::BTreeMap;

use crate::backend::{json, KeyValue};

/// Contributions remembered as the resident's own, at most.
const MAX_MINE: usize = 200;

/// The drafts and contributions of one resident with one backend.
#[derive(Clone)]
pub struct Device {
    name: String,
}

impl Device {
    /// `name`: the backend's (`Backend::name`).
    pub fn new(name: &str) -> Device {
        Device {
            name: name.to_owned(),
        }
    }

    fn draft_key(&self, field: &str) -> String {
        format!("plaza:draft:v1:{}:{field}", self.name)
    }

    fn mine_key(&self) -> String {
        format!("plaza:mine:v1:{}", self.name)
    }

    /// The draft of `field` (a name unique on the page for the form and
    /// its target: `argument:<deliberation>`, `reply:<argument>:<parent>`…).
    pub fn draft(&self, field: &str) -> String {
        KeyValue::of(&self.name)
            .get(&self.draft_key(field))
            .unwrap_or_default()
    }

    pub fn save_draft(&self, field: &str, text: &str) {
        let storage = KeyValue::of(&self.name);
        if text.is_empty() {
            storage.remove(&self.draft_key(field));
        } else {
            storage.set(&self.draft_key(field), text);
        }
    }

    fn mine(&self) -> BTreeMap<String, String> {
        KeyValue::of(&self.name)
            .get(&self.mine_key())
            .and_then(|t| json::from_text(&t).ok())
            .unwrap_or_default()
    }

    /// Remembers a contribution as the resident's, with its text.
    pub fn remember_mine(&self, id: &str, text: &str) {
        let mine = self.mine();
        if !mine.contains_key(id) {
            self.keep(mine, id, text);
        }
    }

    /// Stores `mine` with `id`'s text (new, or replaced); beyond
    /// [`MAX_MINE`] the first others in key order are forgotten.
    fn keep(&self, mut mine: BTreeMap<String, String>, id: &str, text: &str) {
        while !mine.contains_key(id) && mine.len() >= MAX_MINE {
            let Some(first) = mine.keys().next().cloned() else {
                break;
            };
            mine.remove(&first);
        }
        mine.insert(id.to_owned(), text.to_owned());
        if let Ok(text) = json::to_text(&mine) {
            KeyValue::of(&self.name).set(&self.mine_key(), &text);
        }
    }

    /// The text of one of the resident's own contributions, if it is theirs.
    pub fn my_text(&self, id: &str) -> Option<String> {
        self.mine().remove(id)
    }

    /// Remembers the ranking this device cast in `poll` under `tracker`, so
    /// that the published ballot can be compared with what was sent, not
    /// only with the backend's own record of it.
    pub fn remember_cast(&self, poll: &str, tracker: &str, ranking: &[String]) {
        // Replaced: a backend may keep the tracker of a changed ballot.
        if let Ok(text) = json::to_text(&ranking) {
            self.keep(self.mine(), &cast_memory(poll, tracker), &text);
        }
    }

    /// The ranking this device cast in `poll` under `tracker`, if it
    /// remembers (not after "forget me", nor on another device).
    pub fn cast(&self, poll: &str, tracker: &str) -> Option<Vec<String>> {
        json::from_text(&self.my_text(&cast_memory(poll, tracker))?).ok()
    }

    /// Forgets every draft and contribution of this backend.
    pub fn forget(&self) {
        let storage = KeyValue::of(&self.name);
        for key in storage.keys(&format!("plaza:draft:v1:{}:", self.name)) {
            storage.remove(&key);
        }
        storage.remove(&self.mine_key());
    }
}

fn cast_memory(poll: &str, tracker: &str) -> String {
    format!("ballot:{poll}:{tracker}")
}
