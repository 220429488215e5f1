//! Key-value storage that never panics: `localStorage` when the browser
//! allows it, page memory otherwise (blocked storage, private modes, full
//! quota). What could not be persisted is still kept for the page's life.

use std::cell::{OnceCell, RefCell};
use std::collections::{HashMap, HashSet};

thread_local! {
    /// Values that could not go to `localStorage`, shared by every instance on the page.
    static MEMORY: RefCell<HashMap<String, String>> = RefCell::new(HashMap::new());
    /// `localStorage` once it has worked on this page. Kept: the probe
    /// writes, and a write costs (other tabs hear of each one); a write
    /// refused later still lands in `MEMORY`. A failed probe is tried again
    /// next time (storage freed, or refused only for a moment).
    static BROWSER: OnceCell<web_sys::Storage> = const { OnceCell::new() };
    /// Keys `localStorage` refused (its quota full), kept in `MEMORY` only
    /// until a later write of theirs succeeds.
    static SPILLED: RefCell<HashSet<String>> = RefCell::new(HashSet::new());
}

const PROBE_KEY: &str = "plaza:probe";

pub enum KeyValue {
    Browser(web_sys::Storage),
    Memory,
}

/// The backend name of a preview (`seed`): what it keeps stays in page
/// memory, apart from what a real backend of the page keeps.
pub const PREVIEW: &str = "local-preview";

impl KeyValue {
    /// Where backend `name`'s outbox, drafts and contributions are kept:
    /// page memory only for a preview.
    pub fn of(name: &str) -> Self {
        if name == PREVIEW {
            KeyValue::Memory
        } else {
            KeyValue::open()
        }
    }

    /// `localStorage` if reading and writing it works here, else memory.
    pub fn open() -> Self {
        if let Some(s) = BROWSER.with(|b| b.get().cloned()) {
            return KeyValue::Browser(s);
        }
        let storage = web_sys::window()
            .and_then(|w| w.local_storage().ok().flatten())
            .filter(|s| s.set_item(PROBE_KEY, "1").is_ok() && s.remove_item(PROBE_KEY).is_ok());
        match storage {
            Some(s) => {
                BROWSER.with(|b| {
                    let _ = b.set(s.clone());
                });
                KeyValue::Browser(s)
            }
            None => KeyValue::Memory,
        }
    }

    /// Whether what is kept here survives a reload: storage works, and
    /// refused none of the values still kept.
    pub fn is_persistent(&self) -> bool {
        matches!(self, KeyValue::Browser(_)) && SPILLED.with(|s| s.borrow().is_empty())
    }

    pub fn get(&self, key: &str) -> Option<String> {
        // A value kept in memory is newer than any in storage: it exists
        // only because writing it to storage failed.
        MEMORY
            .with(|m| m.borrow().get(key).cloned())
            .or_else(|| match self {
                KeyValue::Browser(s) => s.get_item(key).ok().flatten(),
                KeyValue::Memory => None,
            })
    }

    pub fn remove(&self, key: &str) {
        MEMORY.with(|m| m.borrow_mut().remove(key));
        SPILLED.with(|s| s.borrow_mut().remove(key));
        if let KeyValue::Browser(s) = self {
            let _ = s.remove_item(key);
        }
    }

    /// Every key that starts with `prefix`, in storage or in memory.
    pub fn keys(&self, prefix: &str) -> Vec<String> {
        let mut keys: Vec<String> = MEMORY.with(|m| {
            m.borrow()
                .keys()
                .filter(|k| k.starts_with(prefix))
                .cloned()
                .collect()
        });
        if let KeyValue::Browser(s) = self {
            let n = s.length().unwrap_or(0);
            keys.extend(
                (0..n)
                    .filter_map(|i| s.key(i).ok().flatten())
                    .filter(|k| k.starts_with(prefix)),
            );
        }
        keys.sort();
        keys.dedup();
        keys
    }

    /// Stores `value`; `false` when it is only kept in memory.
    pub fn set(&self, key: &str, value: &str) -> bool {
        if let KeyValue::Browser(s) = self {
            if s.set_item(key, value).is_ok() {
                MEMORY.with(|m| m.borrow_mut().remove(key));
                SPILLED.with(|s| s.borrow_mut().remove(key));
                return true;
            }
            SPILLED.with(|s| s.borrow_mut().insert(key.to_owned()));
        }
        MEMORY.with(|m| m.borrow_mut().insert(key.to_owned(), value.to_owned()));
        false
    }
}
