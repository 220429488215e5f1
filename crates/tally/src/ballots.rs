//! Ballots as they arrive: names interned, identical rankings aggregated into groups.
//!
//! A million ballots usually hold a few thousand distinct rankings, and every RCTab rule treats
//! identical rankings identically, so we keep one entry per distinct ranking with a count. The
//! names are resolved against the candidate list only when counting, so ballots may be read
//! before the candidates (JSON objects have no key order).

use std::collections::HashMap;

use crate::error::TallyError;

/// Separates ranks in an encoded ranking; never a name id.
pub(crate) const RANK_END: u32 = u32::MAX;

/// A ranking encoded as name ids, each rank closed by [`RANK_END`], trailing empty ranks dropped
/// (they cannot affect the count, and RCTab drops them too).
pub(crate) type EncodedRanking = Box<[u32]>;

#[derive(Debug, Clone, Default)]
pub(crate) struct BallotSet {
    names: Vec<String>,
    index: HashMap<String, u32>,
    groups: HashMap<EncodedRanking, u64>,
    scratch: Vec<u32>,
    total: u64,
}

impl BallotSet {
    pub(crate) fn new() -> BallotSet {
        BallotSet::default()
    }

    /// Names in order of first appearance; ids index into this.
    pub(crate) fn names(&self) -> &[String] {
        &self.names
    }

    pub(crate) fn groups(&self) -> impl Iterator<Item = (&[u32], u64)> {
        self.groups.iter().map(|(k, c)| (&k[..], *c))
    }

    pub(crate) fn total(&self) -> u64 {
        self.total
    }

    pub(crate) fn distinct(&self) -> usize {
        self.groups.len()
    }

    /// Starts reading a ballot's ranking.
    pub(crate) fn begin(&mut self) {
        self.scratch.clear();
    }

    pub(crate) fn push_mark(&mut self, name: &str) -> Result<(), TallyError> {
        let id = match self.index.get(name) {
            Some(&id) => id,
            None => {
                let id = u32::try_from(self.names.len())
                    .ok()
                    .filter(|&id| id < RANK_END)
                    .ok_or_else(|| TallyError::MalformedInput {
                        message: "too many distinct names on the ballots".to_owned(),
                    })?;
                self.names.push(name.to_owned());
                self.index.insert(name.to_owned(), id);
                id
            }
        };
        self.scratch.push(id);
        Ok(())
    }

    pub(crate) fn end_rank(&mut self) {
        self.scratch.push(RANK_END);
    }

    /// Finishes the ballot begun with [`BallotSet::begin`], adding `count` copies of it.
    pub(crate) fn commit(&mut self, count: u64) -> Result<(), TallyError> {
        while self.scratch.last() == Some(&RANK_END) {
            self.scratch.pop();
        }
        self.total = self
            .total
            .checked_add(count)
            .ok_or_else(|| TallyError::overflow("adding up ballot counts"))?;
        if let Some(existing) = self.groups.get_mut(&self.scratch[..]) {
            // Cannot overflow: it is bounded by the total checked above.
            *existing = existing.saturating_add(count);
        } else {
            self.groups
                .insert(self.scratch.clone().into_boxed_slice(), count);
        }
        Ok(())
    }

    /// Adds one ballot given as ranks of names.
    pub(crate) fn add<R, K, S>(&mut self, ranking: R, count: u64) -> Result<(), TallyError>
    where
        R: IntoIterator<Item = K>,
        K: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.begin();
        for rank in ranking {
            for name in rank {
                self.push_mark(name.as_ref())?;
            }
            self.end_rank();
        }
        self.commit(count)
    }
}

/// Splits an encoded ranking into `(rank number, marks)` for its non-empty ranks. Callers first
/// check that [`rank_positions`] fits in a `u32`, so no rank number saturates.
pub(crate) fn decode(encoded: &[u32]) -> Vec<(u32, Vec<u32>)> {
    let mut ranks = Vec::new();
    if encoded.is_empty() {
        return ranks;
    }
    for (position, marks) in encoded.split(|&t| t == RANK_END).enumerate() {
        if !marks.is_empty() {
            let number = u32::try_from(position + 1).unwrap_or(u32::MAX);
            ranks.push((number, marks.to_vec()));
        }
    }
    ranks
}

/// Number of rank positions (the highest marked rank).
pub(crate) fn rank_positions(encoded: &[u32]) -> usize {
    if encoded.is_empty() {
        0
    } else {
        encoded.iter().filter(|&&t| t == RANK_END).count() + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_rankings_aggregate_and_trailing_blanks_drop() {
        let mut set = BallotSet::new();
        set.add([vec!["A"], vec![], vec!["B"]], 2).unwrap();
        set.add([vec!["A"], vec![], vec!["B"], vec![]], 3).unwrap();
        set.add(Vec::<Vec<&str>>::new(), 1).unwrap();
        assert_eq!(set.distinct(), 2);
        assert_eq!(set.total(), 6);
        let (key, count) = set.groups().find(|(k, _)| !k.is_empty()).unwrap();
        assert_eq!(count, 5);
        assert_eq!(decode(key), vec![(1, vec![0]), (3, vec![1])]);
        assert_eq!(rank_positions(key), 3);
    }
}
