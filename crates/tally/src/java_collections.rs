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

/// Iteration order of `new HashSet<>(list)` (JDK 19+, as RCTab 2.0.1 runs on Java 21):
/// `HashMap.newHashMap(max(n, 12))`, then every element added in list order.
///
/// Returns positions into `names`. Within one bucket Java iterates in insertion order and a
/// resize keeps that relative order, so the final order is "bucket, then insertion order" for
/// the final table size. We replay the two things that change the table size: the load factor
/// and a bin growing past 8 entries in a table smaller than 64. (A bin that long in a table of 64
/// or more becomes a red-black tree, whose order we do not model; it needs nine tied names with
/// colliding hashes.)
pub(crate) fn hash_set_order(names: &[&str]) -> Vec<usize> {
    let hashes: Vec<u32> = names.iter().map(|n| spread(hash_code(n))).collect();
    let wanted = names.len().max(12);
    // ceil(n / 0.75) = ceil(4n / 3)
    let initial = (wanted * 4).div_ceil(3);
    let mut capacity = initial.next_power_of_two().max(1);
    let mut members: Vec<usize> = Vec::with_capacity(names.len());
    for (position, name) in names.iter().enumerate() {
        if members.iter().any(|&m| names[m] == *name) {
            continue;
        }
        let bucket = hashes[position] as usize & (capacity - 1);
        let bin_length = members
            .iter()
            .filter(|&&m| hashes[m] as usize & (capacity - 1) == bucket)
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
    let mask = capacity - 1;
    members.sort_by_key(|&m| hashes[m] as usize & mask);
    members
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let order: Vec<&str> = hash_set_order(&names).iter().map(|&i| names[i]).collect();
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
            let order: Vec<&str> = hash_set_order(&names).iter().map(|&i| names[i]).collect();
            assert_eq!(order.join("|"), expected, "{input}");
        }
    }
}
