//! Finding one's ballot among the published ones without telling anyone
//! which it is: the widget asks for the ballots whose tracker starts like
//! the resident's — enough of them that the answer hides theirs in a
//! crowd — and looks for its own in the browser.

/// The fewest ballots an answer should hold, as far as the total allows.
pub const CROWD: u64 = 100;

/// How many different characters a tracker's character may be: the
/// reference server's trackers are random Crockford base-32. A backend
/// with fewer gives smaller crowds, never a smaller download.
const SYMBOLS: u64 = 32;

/// The start of `tracker` to ask for among `published` ballots: as long as
/// leaves about [`CROWD`] ballots or more sharing it, at most the tracker's
/// first group of four; `None` (ask for them all) in a poll of fewer than
/// `CROWD × 32` ballots.
pub fn search_prefix(tracker: &str, published: u64) -> Option<String> {
    let mut len = 0;
    let mut sharing = published;
    while len < 4 && sharing / SYMBOLS >= CROWD {
        sharing /= SYMBOLS;
        len += 1;
    }
    let prefix: String = tracker.chars().take(len).collect();
    // A tracker shorter than that, or not of letters and digits there: ask for all.
    (len > 0 && prefix.chars().count() == len && prefix.chars().all(|c| c.is_ascii_alphanumeric()))
        .then_some(prefix)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_prefix_leaves_a_crowd() {
        let t = "7QK2-M9XD-41RB";
        assert_eq!(search_prefix(t, 7), None, "a small poll: every ballot");
        assert_eq!(search_prefix(t, 3_199), None);
        assert_eq!(search_prefix(t, 3_200).as_deref(), Some("7"));
        assert_eq!(search_prefix(t, 102_399).as_deref(), Some("7"));
        assert_eq!(search_prefix(t, 102_400).as_deref(), Some("7Q"));
        assert_eq!(
            search_prefix(t, 1_041_313).as_deref(),
            Some("7Q"),
            "about 1,000 ballots"
        );
        assert_eq!(
            search_prefix(t, u64::MAX).as_deref(),
            Some("7QK2"),
            "never past the first group"
        );
        assert_eq!(search_prefix("", 1_000_000), None);
        assert_eq!(search_prefix("-abc", 1_000_000), None);
    }
}
