//! Java string ordering and `HashSet` iteration order, which RCTab's tie-breaks depend on.

use std::cmp::Ordering;

/// `String.compareTo`: lexicographic over UTF-16 code units (not Unicode scalar values, which
/// order supplementary characters differently).
pub(crate) fn compare_to(a: &str, b: &str) -> Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

/// `String.hashCode`.
pub(crate) fn hash_code(s: &str) -> i32 {
    s.encode_utf16().fold(0i32, |h, unit| {
        h.wrapping_mul(31).wrapping_add(i32::from(unit))
    })
}

/// `HashMap.hash`: spreads the high bits into the low ones.
fn spread(h: i32) -> u32 {
    let h = h as u32;
    h ^ (h >> 16)
}

/// Bins longer than this make `HashMap.treeifyBin` act.
const TREEIFY_LENGTH: usize = 9;
const MIN_TREEIFY_CAPACITY: usize = 64;

/// Table size of `HashMap.newHashMap(max(n, 12))`: the power of two at or above
/// `ceil(max(n, 12) / 0.75)`. `n` is at most the number of candidates (bounded by
/// `MAX_CANDIDATES`), so neither this nor the doublings in [`hash_set_order`] can overflow.
fn initial_capacity(n: usize) -> usize {
    (n.max(12) * 4).div_ceil(3).next_power_of_two()
}

/// Whether [`hash_set_order`] keeps `n` distinct elements in their initial table: the load
/// factor never triggers a resize (`4n <= 3 × capacity`), and a long bin does not double a table
/// of 64 or more. The order is then "bucket, then insertion order" for one fixed table, so
/// feeding that order back in returns it unchanged.
pub(crate) fn hash_set_order_is_stable(n: usize) -> bool {
    initial_capacity(n) >= MIN_TREEIFY_CAPACITY
}

/// Iteration order of `new HashSet<>(list)` (JDK 19+, as RCTab 2.0.1 runs on Java 21):
/// `HashMap.newHashMap(max(n, 12))`, then every element added in list order.
///
/// Takes the `String.hashCode` of each element of a list of *distinct* strings (tied candidates
/// always are) and returns positions into that list. Within one bucket Java iterates in insertion
/// order and a resize keeps that relative order, so the final order is "bucket, then insertion
/// order" for the final table size. We replay the two things that change the table size: the
/// load factor and a bin growing past 8 entries in a table smaller than 64. (A bin that long in a
/// table of 64 or more becomes a red-black tree, whose order we do not model; it needs nine tied
/// names with colliding hashes.)
///
/// Linear in the list (plus one recount per resize): RCTab walks back through every earlier
/// round on a tie, so this runs once per earlier round per tie-break.
pub(crate) fn hash_set_order(hashes: &[i32]) -> Vec<usize> {
    let spread_hashes: Vec<usize> = hashes.iter().map(|&h| spread(h) as usize).collect();
    let mut capacity = initial_capacity(hashes.len());
    // Entries per bin at the current capacity, among the elements added so far.
    let mut bin_lengths = vec![0usize; capacity];
    for (added, &hash) in spread_hashes.iter().enumerate() {
        let bin_length = &mut bin_lengths[hash & (capacity - 1)];
        *bin_length += 1;
        let mut grown = capacity;
        if *bin_length >= TREEIFY_LENGTH && grown < MIN_TREEIFY_CAPACITY {
            grown *= 2;
        }
        if (added + 1) * 4 > grown * 3 {
            grown *= 2;
        }
        if grown != capacity {
            capacity = grown;
            bin_lengths = vec![0; capacity];
            for &h in &spread_hashes[..=added] {
                bin_lengths[h & (capacity - 1)] += 1;
            }
        }
    }
    let mut order: Vec<usize> = (0..hashes.len()).collect();
    // A stable sort keeps insertion order within a bucket.
    order.sort_by_key(|&position| spread_hashes[position] & (capacity - 1));
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    fn in_hash_set_order<'a>(names: &[&'a str]) -> Vec<&'a str> {
        let hashes: Vec<i32> = names.iter().map(|n| hash_code(n)).collect();
        hash_set_order(&hashes).iter().map(|&i| names[i]).collect()
    }

    #[test]
    fn compare_to_uses_utf16_units() {
        assert_eq!(compare_to("B", "a"), Ordering::Less);
        assert_eq!(compare_to("ab", "abc"), Ordering::Less);
        // U+FF61 is one unit 0xFF61; U+1F600 is the surrogate pair 0xD83D 0xDE00.
        assert_eq!(compare_to("\u{1F600}", "\u{FF61}"), Ordering::Less);
        assert_eq!("\u{1F600}".cmp("\u{FF61}"), Ordering::Greater);
    }

    #[test]
    fn hash_code_matches_java() {
        assert_eq!(hash_code(""), 0);
        assert_eq!(hash_code("a"), 97);
        assert_eq!(
            hash_code("Candidate A"),
            "Candidate A"
                .encode_utf16()
                .fold(0i32, |h, u| h.wrapping_mul(31).wrapping_add(u as i32))
        );
        assert_eq!(hash_code("polygenelubricants"), i32::MIN);
    }

    // Orders printed by OpenJDK for `new ArrayList<>(new HashSet<>(list))`.
    #[test]
    fn hash_set_order_matches_java() {
        let names = ["Candidate A", "Candidate B", "Candidate C", "Candidate D"];
        let order = in_hash_set_order(&names);
        assert_eq!(
            order,
            ["Candidate D", "Candidate C", "Candidate B", "Candidate A"]
        );
    }

    // `new HashSet<>(list)` orders as printed by a JDK 21 `HashMap.newHashMap(max(n, 12))`
    // (printed by OpenJDK with that map built directly); 12 and 24 names are where JDK 17's sizing would differ.
    #[test]
    fn hash_set_order_matches_jdk21_sizing() {
        let cases = [
        ("Candidate A|Candidate B|Candidate C", "Candidate C|Candidate B|Candidate A"),
        ("Candidate A|Candidate B|Candidate C|Candidate D|Candidate E|Candidate F|Candidate G|Candidate H|Candidate I|Candidate J|Candidate K|Candidate L", "Candidate H|Candidate G|Candidate F|Candidate E|Candidate L|Candidate K|Candidate J|Candidate I|Candidate D|Candidate C|Candidate B|Candidate A"),
        ("Candidate A|Candidate B|Candidate C|Candidate D|Candidate E|Candidate F|Candidate G|Candidate H|Candidate I|Candidate J|Candidate K|Candidate L|Candidate M", "Candidate H|Candidate G|Candidate F|Candidate E|Candidate L|Candidate K|Candidate J|Candidate I|Candidate D|Candidate C|Candidate B|Candidate A|Candidate M"),
        ("Candidate A|Candidate B|Candidate C|Candidate D|Candidate E|Candidate F|Candidate G|Candidate H|Candidate I|Candidate J|Candidate K|Candidate L|Candidate M|Candidate N|Candidate O|Candidate P|Candidate Q|Candidate R|Candidate S|Candidate T|Candidate U|Candidate V|Candidate W|Candidate X", "Candidate H|Candidate G|Candidate F|Candidate E|Candidate L|Candidate K|Candidate J|Candidate I|Candidate D|Candidate C|Candidate B|Candidate A|Candidate X|Candidate W|Candidate V|Candidate U|Candidate P|Candidate O|Candidate N|Candidate M|Candidate T|Candidate S|Candidate R|Candidate Q"),
        ("Candidate A|Candidate B|Candidate C|Candidate D|Candidate E|Candidate F|Candidate G|Candidate H|Candidate I|Candidate J|Candidate K|Candidate L|Candidate M|Candidate N|Candidate O|Candidate P|Candidate Q|Candidate R|Candidate S|Candidate T|Candidate U|Candidate V|Candidate W|Candidate X|Candidate Y", "Candidate H|Candidate G|Candidate F|Candidate E|Candidate L|Candidate K|Candidate J|Candidate I|Candidate D|Candidate C|Candidate B|Candidate A|Candidate X|Candidate W|Candidate V|Candidate U|Candidate Y|Candidate P|Candidate O|Candidate N|Candidate M|Candidate T|Candidate S|Candidate R|Candidate Q"),
        ("Candidate A|Candidate B|Candidate C|Candidate D|Candidate E|Candidate F|Candidate G|Candidate H|Candidate I|Candidate J|Candidate K|Candidate L|Candidate M|Candidate N|Candidate O|Candidate P|Candidate Q|Candidate R|Candidate S|Candidate T|Candidate U|Candidate V|Candidate W|Candidate X|Candidate Y|Candidate Z|Candidate A26|Candidate B27|Candidate C28|Candidate D29|Candidate E30|Candidate F31|Candidate G32|Candidate H33|Candidate I34|Candidate J35|Candidate K36|Candidate L37|Candidate M38|Candidate N39", "Candidate F31|Candidate E30|Candidate H33|Candidate G32|Candidate J35|Candidate I34|Candidate L37|Candidate K36|Candidate N39|Candidate M38|Candidate H|Candidate G|Candidate F|Candidate E|Candidate L|Candidate K|Candidate J|Candidate I|Candidate B27|Candidate A26|Candidate D|Candidate C|Candidate D29|Candidate B|Candidate A|Candidate C28|Candidate X|Candidate W|Candidate V|Candidate U|Candidate Z|Candidate Y|Candidate P|Candidate O|Candidate N|Candidate M|Candidate T|Candidate S|Candidate R|Candidate Q"),
        ("AaAaAaAa|BBAaAaAa|AaBBAaAa|BBBBAaAa|AaAaBBAa|BBAaBBAa|AaBBBBAa|BBBBBBAa|AaAaAaBB|BBAaAaBB", "AaAaAaAa|BBAaAaAa|AaBBAaAa|BBBBAaAa|AaAaBBAa|BBAaBBAa|AaBBBBAa|BBBBBBAa|AaAaAaBB|BBAaAaBB"),
        ("AaAaAaAa|BBAaAaAa|AaBBAaAa|BBBBAaAa|AaAaBBAa|BBAaBBAa|AaBBBBAa|BBBBBBAa|AaAaAaBB|x|y|z", "AaAaAaAa|BBAaAaAa|AaBBAaAa|BBBBAaAa|AaAaBBAa|BBAaBBAa|AaBBBBAa|BBBBBBAa|AaAaAaBB|x|y|z"),
        ];
        for (input, expected) in cases {
            let names: Vec<&str> = input.split('|').collect();
            let order = in_hash_set_order(&names);
            assert_eq!(order.join("|"), expected, "{input}");
        }
    }

    #[test]
    fn a_stable_order_survives_rebuilding_the_set() {
        let names: Vec<String> = (0..200).map(|i| format!("Candidate {i}")).collect();
        let hashes: Vec<i32> = names.iter().map(|n| hash_code(n)).collect();
        assert!(!hash_set_order_is_stable(24));
        assert!(hash_set_order_is_stable(25));
        for len in 25..names.len() {
            let once = hash_set_order(&hashes[..len]);
            let reordered: Vec<i32> = once.iter().map(|&i| hashes[i]).collect();
            let twice = hash_set_order(&reordered);
            assert!(twice.iter().enumerate().all(|(i, &p)| i == p), "{len}");
        }
    }

    /// The earlier quadratic replay, kept as a reference: re-count the bin on every insertion.
    fn replayed_order(hashes: &[i32]) -> Vec<usize> {
        let hashes: Vec<usize> = hashes.iter().map(|&h| spread(h) as usize).collect();
        let mut capacity = (hashes.len().max(12) * 4).div_ceil(3).next_power_of_two();
        let mut members: Vec<usize> = Vec::new();
        for position in 0..hashes.len() {
            let bucket = hashes[position] & (capacity - 1);
            let bin_length = members
                .iter()
                .filter(|&&m| hashes[m] & (capacity - 1) == bucket)
                .count()
                + 1;
            members.push(position);
            if bin_length >= TREEIFY_LENGTH && capacity < MIN_TREEIFY_CAPACITY {
                capacity *= 2;
            }
            if members.len() * 4 > capacity * 3 {
                capacity *= 2;
            }
        }
        members.sort_by_key(|&m| hashes[m] & (capacity - 1));
        members
    }

    #[test]
    fn linear_order_matches_the_replay() {
        // "Aa" and "BB" share a hash code, so words of them collide and fill single bins (the
        // resize-on-long-bin path); the numbered names spread normally.
        let mut colliding: Vec<String> = Vec::new();
        for bits in 0u32..64 {
            let word: String = (0..6)
                .map(|i| if bits >> i & 1 == 1 { "BB" } else { "Aa" })
                .collect();
            colliding.push(word);
        }
        let numbered: Vec<String> = (0..300).map(|i| format!("Candidate {i}")).collect();
        let mixed: Vec<String> = colliding
            .iter()
            .zip(&numbered)
            .flat_map(|(a, b)| [a.clone(), b.clone()])
            .collect();
        for names in [&colliding, &numbered, &mixed] {
            for len in 0..names.len() {
                for start in [0, len / 3] {
                    let slice = &names[start..len];
                    let hashes: Vec<i32> = slice.iter().map(|n| hash_code(n)).collect();
                    assert_eq!(
                        hash_set_order(&hashes),
                        replayed_order(&hashes),
                        "{slice:?}"
                    );
                }
            }
        }
    }
}
