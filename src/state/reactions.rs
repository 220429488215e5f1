//! Reactions as the resident sees them at once: the backend's counts and
//! their own reactions, with the wish they just made applied on top until
//! the backend confirms (or refuses, and the wish is dropped).

use plaza_contract::{ReactionCounts, ReactionKind};

fn count_mut(counts: &mut ReactionCounts, kind: ReactionKind) -> &mut u32 {
    match kind {
        ReactionKind::Helpful => &mut counts.helpful,
        ReactionKind::ChangedMyMind => &mut counts.changed_my_mind,
    }
}

pub fn count(counts: &ReactionCounts, kind: ReactionKind) -> u32 {
    match kind {
        ReactionKind::Helpful => counts.helpful,
        ReactionKind::ChangedMyMind => counts.changed_my_mind,
    }
}

/// The counts and my reactions with my pending wishes (`(kind, on)`) applied.
pub fn shown(
    counts: ReactionCounts,
    mine: &[ReactionKind],
    wishes: &[(ReactionKind, bool)],
) -> (ReactionCounts, Vec<ReactionKind>) {
    let mut counts = counts;
    let mut mine: Vec<ReactionKind> = mine.to_vec();
    for &(kind, on) in wishes {
        let had = mine.contains(&kind);
        let n = count_mut(&mut counts, kind);
        match (had, on) {
            (false, true) => {
                *n = n.saturating_add(1);
                mine.push(kind);
            }
            (true, false) => {
                *n = n.saturating_sub(1);
                mine.retain(|k| *k != kind);
            }
            _ => {}
        }
    }
    mine.sort();
    (counts, mine)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(helpful: u32, changed: u32) -> ReactionCounts {
        ReactionCounts {
            helpful,
            changed_my_mind: changed,
        }
    }

    #[test]
    fn a_wish_shows_at_once() {
        let (c, mine) = shown(counts(4, 1), &[], &[(ReactionKind::Helpful, true)]);
        assert_eq!((c, mine), (counts(5, 1), vec![ReactionKind::Helpful]));
        let (c, mine) = shown(
            counts(5, 1),
            &[ReactionKind::Helpful],
            &[(ReactionKind::Helpful, false)],
        );
        assert_eq!((c, mine), (counts(4, 1), vec![]));
    }

    #[test]
    fn a_wish_already_granted_changes_nothing() {
        let (c, mine) = shown(
            counts(5, 0),
            &[ReactionKind::Helpful],
            &[(ReactionKind::Helpful, true)],
        );
        assert_eq!((c, mine), (counts(5, 0), vec![ReactionKind::Helpful]));
        let (c, _) = shown(counts(0, 0), &[], &[(ReactionKind::ChangedMyMind, false)]);
        assert_eq!(c, counts(0, 0), "never below zero");
    }
}
