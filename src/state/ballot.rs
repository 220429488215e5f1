//! A resident's ranking while they fill in the ballot: which options they
//! ranked, in order, within the poll's limit. Every change is one of the
//! ballot's controls (a rank chosen for an option, move up, move down,
//! remove) and says where the option ended up, for the announcement and
//! for the focus to follow the option.

use plaza_contract::{BallotSubmission, Poll};

/// The options ranked so far, most preferred first.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Ranking {
    ranked: Vec<String>,
    limit: usize,
}

/// Where an option is after a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placed {
    /// At rank `rank` (1-based) of the `of` ranked options.
    At { rank: usize, of: usize },
    /// No longer ranked.
    Unranked,
}

impl Ranking {
    /// An empty ranking for `poll`.
    pub fn new(poll: &Poll) -> Ranking {
        Ranking {
            ranked: Vec::new(),
            limit: poll.ranking_limit(),
        }
    }

    /// A ranking the backend holds (the resident's current ballot), keeping
    /// only what the poll still offers, once each, within the limit: a
    /// stale or malformed ballot never breaks the form.
    pub fn from_ballot(poll: &Poll, ranking: &[String]) -> Ranking {
        let mut this = Ranking::new(poll);
        for id in ranking {
            if poll.option(id).is_some() && !this.ranked.contains(id) && !this.is_full() {
                this.ranked.push(id.clone());
            }
        }
        this
    }

    pub fn ranked(&self) -> &[String] {
        &self.ranked
    }

    pub fn len(&self) -> usize {
        self.ranked.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ranked.is_empty()
    }

    /// The most options one ballot may rank.
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// No more options may be ranked.
    pub fn is_full(&self) -> bool {
        self.ranked.len() >= self.limit
    }

    /// The rank of `id` (1-based), if ranked.
    pub fn rank_of(&self, id: &str) -> Option<usize> {
        self.ranked.iter().position(|r| r == id).map(|i| i + 1)
    }

    /// The ranks `id` may be given: every current rank, and one more at the
    /// end when it is not ranked yet and the limit allows.
    pub fn choices_for(&self, id: &str) -> usize {
        match self.rank_of(id) {
            Some(_) => self.ranked.len(),
            None if self.is_full() => 0,
            None => self.ranked.len() + 1,
        }
    }

    fn placed(&self, id: &str) -> Placed {
        match self.rank_of(id) {
            Some(rank) => Placed::At {
                rank,
                of: self.ranked.len(),
            },
            None => Placed::Unranked,
        }
    }

    /// Gives `id` the rank `rank` (1-based; the others make room), or takes
    /// it out of the ranking (`None`). A rank beyond those it may have puts
    /// it last; an unranked option is not added once the limit is reached.
    pub fn set_rank(&mut self, id: &str, rank: Option<usize>) -> Placed {
        let Some(rank) = rank else {
            self.ranked.retain(|r| r != id);
            return Placed::Unranked;
        };
        let choices = self.choices_for(id);
        if choices == 0 {
            return self.placed(id);
        }
        self.ranked.retain(|r| r != id);
        let at = rank.clamp(1, choices) - 1;
        self.ranked.insert(at.min(self.ranked.len()), id.to_owned());
        self.placed(id)
    }

    /// Moves a ranked option one rank up (towards first).
    pub fn move_up(&mut self, id: &str) -> Placed {
        if let Some(rank) = self.rank_of(id).filter(|r| *r > 1) {
            self.ranked.swap(rank - 1, rank - 2);
        }
        self.placed(id)
    }

    /// Moves a ranked option one rank down.
    pub fn move_down(&mut self, id: &str) -> Placed {
        if let Some(rank) = self.rank_of(id).filter(|r| *r < self.ranked.len()) {
            self.ranked.swap(rank - 1, rank);
        }
        self.placed(id)
    }

    /// The options of `poll` left unranked, in `order`: the order the
    /// resident's ballot shows them in ([`display_order`]).
    pub fn unranked<'p>(&self, poll: &'p Poll, order: &[usize]) -> Vec<&'p str> {
        order
            .iter()
            .filter_map(|&i| poll.options.get(i))
            .map(|o| o.id.as_str())
            .filter(|id| self.rank_of(id).is_none())
            .collect()
    }

    pub fn submission(&self) -> BallotSubmission {
        BallotSubmission {
            ranking: self.ranked.clone(),
        }
    }
}

/// The order in which a resident sees `count` options (indices into the
/// poll's list): the poll's own, or, shuffled, one drawn from `seed` — the
/// same every time the same resident looks, different between residents.
pub fn display_order(count: usize, shuffle: bool, seed: u64) -> Vec<usize> {
    let mut order: Vec<usize> = (0..count).collect();
    if !shuffle {
        return order;
    }
    let mut x = seed | 1;
    for i in (1..count).rev() {
        // xorshift64: enough to deal a ballot, and no dependency.
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        order.swap(i, (x % (i as u64 + 1)) as usize);
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    fn poll(options: &[&str], max: Option<u32>) -> Poll {
        let options: Vec<serde_json::Value> = options
            .iter()
            .map(|id| serde_json::json!({"id": id, "label": {"en": id}}))
            .collect();
        serde_json::from_value(serde_json::json!({
            "id": "p", "deliberation_id": "d", "question": {"en": "?"},
            "options": options, "method": "irv", "seats": 1,
            "opens_at": "2026-01-01T00:00:00Z", "closes_at": "2026-02-01T00:00:00Z",
            "status": "open", "max_rankings": max,
        }))
        .expect("a poll")
    }

    #[test]
    fn choosing_a_rank_inserts_and_the_others_make_room() {
        let p = poll(&["a", "b", "c", "d"], None);
        let mut r = Ranking::new(&p);
        assert_eq!(r.set_rank("a", Some(1)), Placed::At { rank: 1, of: 1 });
        assert_eq!(r.set_rank("b", Some(1)), Placed::At { rank: 1, of: 2 });
        assert_eq!(r.ranked(), ["b", "a"]);
        // A rank past the end puts it last.
        assert_eq!(r.set_rank("c", Some(9)), Placed::At { rank: 3, of: 3 });
        // Re-ranking a ranked option moves it.
        assert_eq!(r.set_rank("c", Some(1)), Placed::At { rank: 1, of: 3 });
        assert_eq!(r.ranked(), ["c", "b", "a"]);
        assert_eq!(r.set_rank("b", None), Placed::Unranked);
        assert_eq!(r.ranked(), ["c", "a"]);
        assert_eq!(r.unranked(&p, &[0, 1, 2, 3]), ["b", "d"]);
        assert_eq!(
            r.unranked(&p, &[3, 2, 1, 0]),
            ["d", "b"],
            "as the ballot showed them"
        );
        assert_eq!(r.submission().ranking, ["c", "a"]);
        assert!(r.submission().validate(&p).is_ok());
    }

    #[test]
    fn moves_stop_at_the_ends_and_say_where_the_option_is() {
        let p = poll(&["a", "b", "c"], None);
        let mut r = Ranking::from_ballot(&p, &["a".into(), "b".into(), "c".into()]);
        assert_eq!(r.move_up("a"), Placed::At { rank: 1, of: 3 });
        assert_eq!(r.move_down("a"), Placed::At { rank: 2, of: 3 });
        assert_eq!(r.ranked(), ["b", "a", "c"]);
        assert_eq!(r.move_down("c"), Placed::At { rank: 3, of: 3 });
        assert_eq!(r.move_up("c"), Placed::At { rank: 2, of: 3 });
        assert_eq!(r.ranked(), ["b", "c", "a"]);
        assert_eq!(r.move_up("zz"), Placed::Unranked);
    }

    #[test]
    fn the_limit_is_respected() {
        let p = poll(&["a", "b", "c", "d"], Some(2));
        let mut r = Ranking::new(&p);
        r.set_rank("a", Some(1));
        r.set_rank("b", Some(2));
        assert!(r.is_full());
        assert_eq!(r.choices_for("c"), 0);
        assert_eq!(r.set_rank("c", Some(1)), Placed::Unranked);
        assert_eq!(r.ranked(), ["a", "b"]);
        // A ranked option may still change places.
        assert_eq!(r.choices_for("b"), 2);
        assert_eq!(r.set_rank("b", Some(1)), Placed::At { rank: 1, of: 2 });
    }

    #[test]
    fn a_shuffled_ballot_is_a_stable_permutation_of_the_residents_own() {
        assert_eq!(display_order(5, false, 42), [0, 1, 2, 3, 4]);
        let mine = display_order(5, true, 42);
        assert_eq!(mine, display_order(5, true, 42), "the same each time");
        let mut sorted = mine.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, [0, 1, 2, 3, 4]);
        // Over many residents, every option comes first sometimes.
        let firsts: std::collections::BTreeSet<usize> = (0..200)
            .map(|seed| display_order(5, true, seed)[0])
            .collect();
        assert_eq!(firsts.len(), 5);
    }

    #[test]
    fn a_stored_ballot_keeps_only_what_the_poll_offers() {
        let p = poll(&["a", "b", "c"], Some(2));
        let stored: Vec<String> = ["x", "b", "b", "a", "c"].map(String::from).to_vec();
        let r = Ranking::from_ballot(&p, &stored);
        assert_eq!(r.ranked(), ["b", "a"]);
    }
}
