//! Which waits a resident has already been told of. An item kept while the
//! network is down is tried again every few seconds, and each attempt takes
//! it from "waiting for the network" to "sending" and back: a screen reader
//! would say "saved on this device" again at every attempt, for good.

use super::outbox::Delivery;

/// The items said to be waiting for the network, and not since elsewhere
/// (a few at most: a list).
#[derive(Debug, Default)]
pub struct Told {
    waiting: Vec<String>,
}

impl Told {
    /// Whether the item `key`, now in `delivery`, is news as a wait: the
    /// first time it waits for the network since it was last sent, refused,
    /// queued for the backend or for a sign-in (an attempt in between is not
    /// a change the resident needs to hear of).
    pub fn new_wait(&mut self, key: &str, delivery: &Delivery) -> bool {
        match delivery {
            Delivery::Offline if self.waiting.iter().any(|k| k == key) => false,
            Delivery::Offline => {
                self.waiting.push(key.to_owned());
                true
            }
            Delivery::Sending { .. } => false,
            _ => {
                self.waiting.retain(|k| k != key);
                false
            }
        }
    }

    /// Forgets the items no longer in the outbox but `keys`.
    pub fn keep_only<'a>(&mut self, keys: impl IntoIterator<Item = &'a str> + Clone) {
        self.waiting
            .retain(|k| keys.clone().into_iter().any(|kept| kept == k));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::BackendError;

    #[test]
    fn a_wait_is_said_once_across_attempts() {
        let mut told = Told::default();
        let sending = Delivery::Sending { since: 1.0 };
        assert!(!told.new_wait("a", &Delivery::Queued));
        assert!(!told.new_wait("a", &sending));
        assert!(told.new_wait("a", &Delivery::Offline));
        for _ in 0..5 {
            assert!(!told.new_wait("a", &sending));
            assert!(!told.new_wait("a", &Delivery::Offline), "said again");
        }
        // Another item waits on its own.
        assert!(told.new_wait("b", &Delivery::Offline));
    }

    #[test]
    fn a_wait_after_another_state_is_news_again() {
        let mut told = Told::default();
        assert!(told.new_wait("a", &Delivery::Offline));
        // The backend answered 503 (queued): a new situation.
        assert!(!told.new_wait("a", &Delivery::Queued));
        assert!(told.new_wait("a", &Delivery::Offline));
        let failed = Delivery::Failed {
            error: BackendError::Outlived,
        };
        assert!(!told.new_wait("a", &failed));
        assert!(told.new_wait("a", &Delivery::Offline));
    }

    #[test]
    fn items_gone_are_forgotten() {
        let mut told = Told::default();
        assert!(told.new_wait("a", &Delivery::Offline));
        assert!(told.new_wait("b", &Delivery::Offline));
        told.keep_only(["b"]);
        assert!(told.new_wait("a", &Delivery::Offline));
        assert!(!told.new_wait("b", &Delivery::Offline));
    }
}
