//! `java.util.Random` and `Collections.shuffle`, reproduced bit for bit.
//!
//! RCTab's seeded tie-breaks only match if the same pseudo-random sequence is drawn, so this is
//! the JDK's 48-bit linear congruential generator, without floating point.

const MULTIPLIER: u64 = 0x5_DEEC_E66D;
const ADDEND: u64 = 0xB;
const MASK: u64 = (1 << 48) - 1;

#[derive(Debug, Clone)]
pub(crate) struct JavaRandom {
    seed: u64,
}

impl JavaRandom {
    /// `new Random(seed)`: the seed is scrambled with the multiplier. Any `i64` is fine: the
    /// cast keeps its two's-complement bits, as Java's `long` arithmetic does.
    pub(crate) fn new(seed: i64) -> JavaRandom {
        JavaRandom {
            seed: (seed as u64 ^ MULTIPLIER) & MASK,
        }
    }

    /// `next(bits)`: the top `bits` of the new 48-bit state, as Java's `(int)` cast leaves them.
    fn next(&mut self, bits: u32) -> i32 {
        self.seed = self.seed.wrapping_mul(MULTIPLIER).wrapping_add(ADDEND) & MASK;
        (self.seed >> (48 - bits)) as u32 as i32
    }

    /// The 53-bit integer `k` such that `nextDouble() == k · 2^-53`.
    fn next_double_bits(&mut self) -> u64 {
        let high = self.next(26) as u64;
        let low = self.next(27) as u64;
        (high << 27) + low
    }

    /// `(int) Math.floor(nextDouble() * (double) n)`, as in RCTab's `Tiebreak.doRandom`.
    ///
    /// `k · n` is exact in integers; Java then rounds the product to a 53-bit double (to nearest,
    /// ties to even) before flooring, and in rare cases that rounding reaches the next integer.
    /// We reproduce the rounding so even those draws agree.
    pub(crate) fn next_index(&mut self, n: usize) -> usize {
        let k = u128::from(self.next_double_bits());
        let product = k * n as u128;
        let rounded = round_to_53_bits(product);
        let index = (rounded >> 53) as usize;
        // The rounding can never reach n itself (k < 2^53), but stay in bounds regardless.
        index.min(n.saturating_sub(1))
    }

    /// `nextInt(bound)` with the JDK's rejection loop; `bound` must be positive.
    pub(crate) fn next_int(&mut self, bound: i32) -> i32 {
        if bound <= 0 {
            return 0;
        }
        let mut r = self.next(31);
        let m = bound - 1;
        if bound & m == 0 {
            return ((i64::from(bound) * i64::from(r)) >> 31) as i32;
        }
        let mut u = r;
        loop {
            r = u % bound;
            // Java relies on int overflow here to reject the biased top of the range.
            if u.wrapping_sub(r).wrapping_add(m) >= 0 {
                return r;
            }
            u = self.next(31);
        }
    }
}

/// Rounds a non-negative integer to 53 significant bits, to nearest with ties to even.
fn round_to_53_bits(value: u128) -> u128 {
    let bits = 128 - value.leading_zeros();
    if bits <= 53 {
        return value;
    }
    let shift = bits - 53;
    let truncated = value >> shift;
    let remainder = value & ((1u128 << shift) - 1);
    let half = 1u128 << (shift - 1);
    let round_up = remainder > half || (remainder == half && truncated & 1 == 1);
    (truncated + u128::from(round_up)) << shift
}

/// `Collections.shuffle(list, random)` for a random-access list.
pub(crate) fn shuffle<T>(items: &mut [T], random: &mut JavaRandom) {
    for i in (2..=items.len()).rev() {
        let bound = i32::try_from(i).unwrap_or(i32::MAX);
        let j = random.next_int(bound) as usize;
        if j < items.len() {
            items.swap(i - 1, j);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Reference values printed by OpenJDK 17 (`java T.java`).
    #[test]
    fn matches_the_jdk_sequence() {
        let mut r = JavaRandom::new(0);
        // nextDouble() = 0.730967787376657
        let k = r.clone().next_double_bits();
        assert_eq!(k as f64 / (1u64 << 53) as f64, 0.730967787376657);
        assert_eq!(r.next_index(1_000_000_000), 730_967_787);
        assert_eq!(r.next_int(7), 4);
        assert_eq!(r.next_int(16), 9);
        let mut r = JavaRandom::new(-140_737_488_355_328);
        let k = r.next_double_bits();
        assert_eq!(k as f64 / (1u64 << 53) as f64, 0.23096777992607642);
    }

    #[test]
    fn shuffle_matches_collections_shuffle() {
        let mut letters: Vec<char> = "abcdefghijklm".chars().collect();
        shuffle(&mut letters, &mut JavaRandom::new(12345));
        let shuffled: String = letters.into_iter().collect();
        assert_eq!(shuffled, "dmkfbhcaligej");
    }

    #[test]
    fn double_rounding_is_reproduced() {
        // k·5 = 3·2^53 − 1 exactly; as a double the product rounds to 3.0, so Java picks 3.
        let product = (3u128 << 53) - 1;
        assert_eq!(product % 5, 0);
        assert_eq!(round_to_53_bits(product) >> 53, 3);
        assert_eq!(round_to_53_bits(9), 9);
    }

    // Printed by OpenJDK: `(int) Math.floor(r.nextDouble() * n)` for n = 2..=9, eight draws
    // each, and alternating `nextInt(1000000007)` / `nextInt(1 << 20)` from a fresh generator.
    #[test]
    fn draws_match_the_jdk() {
        let cases: [(i64, &str, &str); 6] = [
            (0, "1011100122000012021331224424004340200225664115046516703678718667", "569741353,871829,516548029,635799,368843508,324063,182054484,122690,283218712,819498,715581077,265055,"),
            (1, "1000101122110102201023023022213000135121316044047123234758443268", "569548978,105353,880641847,427231,446064254,37995,714504434,690872,526301741,6414,327998473,1010517,"),
            (12345, "0110000102202102310203013014110003223501363353044550063132662430", "776966251,538139,969488821,873559,80902084,342334,267722802,246964,75883389,366073,962239390,958237,"),
            (-5, "0000001011000021032113212311344402411234053365531325641582514280", "578319411,381087,717457953,360349,817965352,725673,617011057,243108,741576374,356219,245762545,744412,"),
            (140737488355327, "1101001100010220220122033131444145052323240363554647761574587051", "651291730,985202,100091396,50367,348073780,105691,968036294,942972,700435941,583571,657209984,849102,"),
            (-140737488355328, "0100011011211101203113001101322113533552320452312152347224364212", "495999536,347541,590289846,111511,295101691,848351,108312667,646978,209476895,295210,789322894,789343,"),
        ];
        for (seed, draws, ints) in cases {
            let mut r = JavaRandom::new(seed);
            let mut got = String::new();
            for n in 2..=9 {
                for _ in 0..8 {
                    got.push_str(&r.next_index(n).to_string());
                }
            }
            assert_eq!(got, draws, "seed {seed}");
            let mut r = JavaRandom::new(seed);
            let mut got = String::new();
            for _ in 0..6 {
                got.push_str(&format!("{},", r.next_int(1_000_000_007)));
                got.push_str(&format!("{},", r.next_int(1 << 20)));
            }
            assert_eq!(got, ints, "seed {seed}");
        }
    }
}
