//! When the results of an open poll are counted again. A count published
//! after each ballot would let anyone who reads the results before and
//! after a resident votes see how they ranked; so while a poll is open its
//! results move in batches: at most once per interval, and only once
//! several ballots were cast or changed since the last count. The close
//! publishes every ballot at once.

/// The backend's setting (the reference server's `--live-results-*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LiveCounting {
    /// The least time between two counts, in milliseconds.
    pub every_ms: i64,
    /// The least number of ballots changed since the last count (ranking
    /// otherwise than it counted them, or new; 1 or more) before another.
    pub min_changes: i64,
}

/// What an open poll's results are now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Publication {
    /// The last count stands.
    Last,
    /// Count the ballots again.
    Recount,
    /// Nothing counted yet, and too few ballots to count: no ballot.
    Empty,
}

impl LiveCounting {
    /// `last`: when the results were last counted (ms), if ever;
    /// `changes`: ballots that rank otherwise than that count counted
    /// them, or were not in it (all ballots, if never).
    pub fn publication(&self, last: Option<i64>, changes: i64, now: i64) -> Publication {
        let enough = changes >= self.min_changes.max(1);
        match last {
            None if enough => Publication::Recount,
            None => Publication::Empty,
            Some(at) if enough && now - at >= self.every_ms => Publication::Recount,
            Some(_) => Publication::Last,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINUTE: i64 = 60_000;
    const POLICY: LiveCounting = LiveCounting {
        every_ms: MINUTE,
        min_changes: 5,
    };

    #[test]
    fn a_single_ballot_is_never_counted_alone() {
        assert_eq!(POLICY.publication(None, 1, 0), Publication::Empty);
        assert_eq!(POLICY.publication(None, 4, 0), Publication::Empty);
        assert_eq!(POLICY.publication(None, 5, 0), Publication::Recount);
    }

    #[test]
    fn counts_wait_for_both_enough_ballots_and_enough_time() {
        let last = Some(10 * MINUTE);
        assert_eq!(
            POLICY.publication(last, 1, 20 * MINUTE),
            Publication::Last,
            "one ballot, however long"
        );
        assert_eq!(
            POLICY.publication(last, 50, 10 * MINUTE + 59_999),
            Publication::Last,
            "many, too soon"
        );
        assert_eq!(
            POLICY.publication(last, 5, 11 * MINUTE),
            Publication::Recount
        );
        assert_eq!(
            POLICY.publication(last, 0, 99 * MINUTE),
            Publication::Last,
            "nothing new"
        );
    }

    #[test]
    fn a_zero_minimum_still_needs_a_change() {
        let eager = LiveCounting {
            every_ms: 0,
            min_changes: 0,
        };
        assert_eq!(eager.publication(Some(0), 0, 5), Publication::Last);
        assert_eq!(eager.publication(Some(0), 1, 5), Publication::Recount);
    }
}
