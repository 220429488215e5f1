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

/// The longest tracker a resident may type (a backend's are far shorter).
pub const MAX_TYPED_TRACKER_CHARS: usize = 64;

/// A tracker as a resident typed it (kept on paper, or on another device):
/// the spaces around it dropped, read as `plaza_contract::tracker_as_read`
/// reads it (upper case, O as 0…), so that its start asks for the right
/// ballots; `None` unless letters, digits and dashes.
pub fn typed_tracker(input: &str) -> Option<String> {
    let tracker = input.trim();
    let valid = !tracker.is_empty()
        && tracker.chars().count() <= MAX_TYPED_TRACKER_CHARS
        && tracker.chars().all(plaza_contract::is_tracker_char);
    valid.then(|| plaza_contract::tracker_as_read(tracker))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typed_tracker_is_read_as_receipts_show_it() {
        assert_eq!(
            typed_tracker(" 7qk2-m9xd-4lrb\n").as_deref(),
            Some("7QK2-M9XD-41RB")
        );
        assert_eq!(
            typed_tracker("7QK2M9XD41RB").as_deref(),
            Some("7QK2M9XD41RB")
        );
        for wrong in [
            "",
            "   ",
            "7QK2 M9XD",
            "7QK2/../x",
            "<b>",
            "٧QK2",
            &"A".repeat(65),
        ] {
            assert_eq!(typed_tracker(wrong), None, "{wrong:?}");
        }
        assert!(typed_tracker(&"A".repeat(64)).is_some());
    }

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
