//! New ids and ballot trackers: random, so they reveal neither order nor count.

use rand::Rng;

const LOWER: &[u8] = b"abcdefghijkmnpqrstuvwxyz23456789";
/// Crockford's base32: no I, L, O or U, so a tracker read aloud or copied
/// by hand survives.
const CROCKFORD: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

fn random_chars(alphabet: &[u8], n: usize) -> String {
    let mut rng = rand::rng();
    (0..n)
        .map(|_| char::from(alphabet[rng.random_range(0..alphabet.len())]))
        .collect()
}

/// `arg-7k2m…`: a prefix saying what it is, and 80 random bits.
pub fn new_id(prefix: &str) -> String {
    format!("{prefix}-{}", random_chars(LOWER, 16))
}

/// `K7Q2-M9XD-4PRT`: 60 random bits, in groups of four.
pub fn tracker() -> String {
    let raw = random_chars(CROCKFORD, 12);
    format!("{}-{}-{}", &raw[..4], &raw[4..8], &raw[8..])
}

/// A 256-bit secret, for the key that signs anonymous tokens.
pub fn secret() -> String {
    random_chars(CROCKFORD, 52)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_trackers_have_their_shape_and_differ() {
        let a = new_id("arg");
        assert!(a.starts_with("arg-") && a.len() == 20);
        assert_ne!(a, new_id("arg"));
        let t = tracker();
        assert_eq!(t.len(), 14);
        assert_eq!(t.matches('-').count(), 2);
    }
}
