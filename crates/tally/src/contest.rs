//! A prepared contest: the validated election with candidates as indices
//! and ballots as groups of ranks, which the counting modules read. Its own
//! module so that they depend on it, not on the election they came from.

use std::cmp::Ordering;

use crate::ballots;
use crate::java_collections::{compare_to, hash_code};
use crate::rules::Rules;

/// Mark id of an explicit overvote label in a prepared contest (distinct from the rank separator).
pub(crate) const OVERVOTE: u32 = ballots::RANK_END - 1;

/// A validated election with candidates as indices: declared candidates first, in declared
/// order, then the undeclared write-in pseudo-candidate if enabled.
#[derive(Debug, Clone)]
pub(crate) struct Contest {
    pub(crate) names: Vec<String>,
    pub(crate) num_declared: usize,
    pub(crate) uwi: Option<usize>,
    pub(crate) excluded: Vec<bool>,
    pub(crate) rules: Rules,
    pub(crate) groups: Vec<Group>,
    /// Each candidate's position in Java `String.compareTo` order. Tie-breaks and reports sort
    /// by it every round, so it is computed once rather than re-encoding names as UTF-16.
    java_rank: Vec<u32>,
    /// Each candidate's Java `String.hashCode`, for the previous-round tie-break.
    java_hash: Vec<i32>,
}

impl Contest {
    pub(crate) fn new(
        names: Vec<String>,
        num_declared: usize,
        uwi: Option<usize>,
        excluded: Vec<bool>,
        rules: Rules,
        groups: Vec<Group>,
    ) -> Contest {
        let mut by_java_order: Vec<usize> = (0..names.len()).collect();
        by_java_order.sort_by(|&a, &b| compare_to(&names[a], &names[b]));
        let mut java_rank = vec![0; names.len()];
        for (rank, &candidate) in (0u32..).zip(&by_java_order) {
            java_rank[candidate] = rank;
        }
        let java_hash = names.iter().map(|name| hash_code(name)).collect();
        Contest {
            names,
            num_declared,
            uwi,
            excluded,
            rules,
            groups,
            java_rank,
            java_hash,
        }
    }

    /// Java `String.compareTo` order of two candidates' names (names are unique).
    pub(crate) fn java_order(&self, a: u32, b: u32) -> Ordering {
        let rank = |c: u32| self.java_rank.get(c as usize);
        rank(a).cmp(&rank(b))
    }

    pub(crate) fn java_hash(&self, candidate: u32) -> i32 {
        self.java_hash.get(candidate as usize).copied().unwrap_or(0)
    }

    pub(crate) fn name(&self, candidate: u32) -> &str {
        self.names
            .get(candidate as usize)
            .map(String::as_str)
            .unwrap_or("")
    }
}

/// Identical ballots: their non-empty ranks (numbered from 1) and how many there are.
#[derive(Debug, Clone)]
pub(crate) struct Group {
    pub(crate) ranks: Vec<Rank>,
    pub(crate) count: u64,
}

#[derive(Debug, Clone)]
pub(crate) struct Rank {
    pub(crate) number: u32,
    /// Candidate indices, or [`OVERVOTE`]; repeats are kept (`A|A` is an overvote).
    pub(crate) marks: Vec<u32>,
}
