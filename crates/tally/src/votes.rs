//! `Votes`: an exact decimal with Java `BigDecimal` semantics for the operations RCTab uses.
//!
//! A value is `units × 10^-scale`. Like BigDecimal, the scale is part of the value's printed form
//! (`"7.0000"` is not printed as `"7"`), so sums keep the larger scale and products add scales;
//! comparisons are numeric. Every operation is checked: overflow is an error, never a panic.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::TallyError;
use crate::wide;

/// Largest scale we store; 10^38 is the largest power of ten below `i128::MAX`.
pub const MAX_SCALE: u8 = 38;

#[derive(Clone, Copy, Debug)]
pub struct Votes {
    units: i128,
    scale: u8,
}

fn pow10(exp: u32) -> Option<i128> {
    10i128.checked_pow(exp)
}

fn overflow(context: &str) -> TallyError {
    TallyError::overflow(context)
}

impl Votes {
    pub const ZERO: Votes = Votes { units: 0, scale: 0 };
    pub const ONE: Votes = Votes { units: 1, scale: 0 };

    /// `units × 10^-scale`; `None` if the scale exceeds [`MAX_SCALE`].
    pub fn new(units: i128, scale: u8) -> Option<Votes> {
        (scale <= MAX_SCALE).then_some(Votes { units, scale })
    }

    pub fn from_count(count: u64) -> Votes {
        Votes {
            units: i128::from(count),
            scale: 0,
        }
    }

    pub fn units(self) -> i128 {
        self.units
    }

    pub fn scale(self) -> u8 {
        self.scale
    }

    pub fn is_zero(self) -> bool {
        self.units == 0
    }

    pub fn is_positive(self) -> bool {
        self.units > 0
    }

    /// The integer part (BigDecimal `toBigInteger`: truncation toward zero).
    pub fn trunc_to_integer(self) -> i128 {
        match pow10(u32::from(self.scale)) {
            Some(p) => self.units / p,
            None => 0,
        }
    }

    fn units_at(self, scale: u8) -> Option<i128> {
        let up = scale.checked_sub(self.scale)?;
        self.units.checked_mul(pow10(u32::from(up))?)
    }

    pub fn checked_add(self, other: Votes) -> Result<Votes, TallyError> {
        let scale = self.scale.max(other.scale);
        let a = self
            .units_at(scale)
            .ok_or_else(|| overflow("adding votes"))?;
        let b = other
            .units_at(scale)
            .ok_or_else(|| overflow("adding votes"))?;
        let units = a.checked_add(b).ok_or_else(|| overflow("adding votes"))?;
        Ok(Votes { units, scale })
    }

    pub fn checked_sub(self, other: Votes) -> Result<Votes, TallyError> {
        let negated = Votes {
            units: other
                .units
                .checked_neg()
                .ok_or_else(|| overflow("subtracting votes"))?,
            scale: other.scale,
        };
        self.checked_add(negated)
    }

    /// Exact product (scales add), as BigDecimal `multiply` without rounding.
    pub fn checked_mul(self, other: Votes) -> Result<Votes, TallyError> {
        let scale = self
            .scale
            .checked_add(other.scale)
            .filter(|s| *s <= MAX_SCALE)
            .ok_or_else(|| overflow("multiplying votes"))?;
        let units = self
            .units
            .checked_mul(other.units)
            .ok_or_else(|| overflow("multiplying votes"))?;
        Ok(Votes { units, scale })
    }

    pub fn checked_mul_count(self, count: u64) -> Result<Votes, TallyError> {
        let units = self
            .units
            .checked_mul(i128::from(count))
            .ok_or_else(|| overflow("multiplying votes by a ballot count"))?;
        Ok(Votes {
            units,
            scale: self.scale,
        })
    }

    /// `(self × other).setScale(scale, RoundingMode.DOWN)`: RCTab's `ContestConfig.multiply`.
    pub fn mul_truncated(self, other: Votes, scale: u8) -> Result<Votes, TallyError> {
        let err = || overflow("multiplying votes");
        if scale > MAX_SCALE {
            return Err(err());
        }
        let negative = (self.units < 0) != (other.units < 0);
        let (mut high, mut low) = wide::mul(self.units.unsigned_abs(), other.units.unsigned_abs());
        let product_scale = u32::from(self.scale) + u32::from(other.scale);
        let target = u32::from(scale);
        let magnitude = if product_scale >= target {
            let mut drop = product_scale - target;
            // Divide in steps of at most 10^38 so each divisor fits in u128.
            while drop > 0 {
                let step = drop.min(38);
                let divisor = 10u128.pow(step);
                // The high half is below the divisor after dividing it separately first.
                let (q_high, r_high) = (high / divisor, high % divisor);
                let (q_low, _) = wide::div_rem(r_high, low, divisor).ok_or_else(err)?;
                high = q_high;
                low = q_low;
                drop -= step;
            }
            if high != 0 {
                return Err(err());
            }
            low
        } else {
            if high != 0 {
                return Err(err());
            }
            low.checked_mul(10u128.pow(target - product_scale))
                .ok_or_else(err)?
        };
        let units = i128::try_from(magnitude).map_err(|_| err())?;
        Ok(Votes {
            units: if negative { -units } else { units },
            scale,
        })
    }

    /// `self.divide(other, scale, RoundingMode.DOWN)`: RCTab's `ContestConfig.divide`.
    pub fn div_truncated(self, other: Votes, scale: u8) -> Result<Votes, TallyError> {
        let err = || overflow("dividing votes");
        if other.units == 0 || scale > MAX_SCALE {
            return Err(err());
        }
        let negative = (self.units < 0) != (other.units < 0);
        let common = self.scale.max(other.scale);
        let a = self.units_at(common).ok_or_else(err)?.unsigned_abs();
        let b = other.units_at(common).ok_or_else(err)?.unsigned_abs();
        let whole = a / b;
        let rest = a % b;
        let factor = 10u128.pow(u32::from(scale));
        let (high, low) = wide::mul(rest, factor);
        let (fraction, _) = wide::div_rem(high, low, b).ok_or_else(err)?;
        let magnitude = whole
            .checked_mul(factor)
            .and_then(|w| w.checked_add(fraction))
            .ok_or_else(err)?;
        let units = i128::try_from(magnitude).map_err(|_| err())?;
        Ok(Votes {
            units: if negative { -units } else { units },
            scale,
        })
    }

    /// `setScale(scale, RoundingMode.DOWN)`.
    pub fn with_scale_truncated(self, scale: u8) -> Result<Votes, TallyError> {
        self.mul_truncated(Votes::ONE, scale)
    }

    /// `ceil`-style division used by the Hare quota: `divide(other, scale, RoundingMode.UP)`.
    pub fn div_rounded_up(self, other: Votes, scale: u8) -> Result<Votes, TallyError> {
        let down = self.div_truncated(other, scale)?;
        let back = down.checked_mul(other)?;
        if back == self {
            return Ok(down);
        }
        // RoundingMode.UP rounds away from zero.
        let step = Votes {
            units: if down.units < 0 || (down.units == 0 && ((self.units < 0) != (other.units < 0)))
            {
                -1
            } else {
                1
            },
            scale,
        };
        down.checked_add(step)
    }

    fn digits(self) -> String {
        self.units.unsigned_abs().to_string()
    }
}

impl PartialEq for Votes {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Votes {}

impl PartialOrd for Votes {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Votes {
    /// Numeric order, like BigDecimal `compareTo` (so `7` equals `7.0000`).
    fn cmp(&self, other: &Self) -> Ordering {
        if self.scale == other.scale {
            return self.units.cmp(&other.units);
        }
        let sign = |v: i128| v.signum();
        match sign(self.units).cmp(&sign(other.units)) {
            Ordering::Equal => {}
            unequal => return unequal,
        }
        let scale = self.scale.max(other.scale);
        // Scales differ by at most MAX_SCALE, so the factors fit in u128.
        let fa = 10u128.pow(u32::from(scale - self.scale));
        let fb = 10u128.pow(u32::from(scale - other.scale));
        let a = wide::mul(self.units.unsigned_abs(), fa);
        let b = wide::mul(other.units.unsigned_abs(), fb);
        if self.units < 0 {
            b.cmp(&a)
        } else {
            a.cmp(&b)
        }
    }
}

impl fmt::Display for Votes {
    /// Exactly `BigDecimal.toString()` for a non-negative scale.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = self.digits();
        let sign = if self.units < 0 { "-" } else { "" };
        let scale = i64::from(self.scale);
        if scale == 0 {
            return write!(f, "{sign}{digits}");
        }
        let len = digits.len() as i64;
        let adjusted = len - 1 - scale;
        if adjusted >= -6 {
            if len > scale {
                let split = (len - scale) as usize;
                write!(f, "{sign}{}.{}", &digits[..split], &digits[split..])
            } else {
                let zeros = "0".repeat((scale - len) as usize);
                write!(f, "{sign}0.{zeros}{digits}")
            }
        } else {
            let (first, rest) = digits.split_at(1);
            if rest.is_empty() {
                write!(f, "{sign}{first}E{adjusted}")
            } else {
                write!(f, "{sign}{first}.{rest}E{adjusted}")
            }
        }
    }
}

impl FromStr for Votes {
    type Err = TallyError;

    /// Parses plain (`"-12.50"`) and scientific (`"1.2E-8"`) decimal notation.
    fn from_str(text: &str) -> Result<Votes, TallyError> {
        let bad = || TallyError::MalformedInput {
            message: format!("{text:?} is not a decimal number"),
        };
        let (mantissa, exponent) = match text.find(['e', 'E']) {
            Some(at) => {
                let exp: i64 = text[at + 1..].parse().map_err(|_| bad())?;
                (&text[..at], exp)
            }
            None => (text, 0),
        };
        let (negative, unsigned) = match mantissa.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, mantissa.strip_prefix('+').unwrap_or(mantissa)),
        };
        let (int_part, frac_part) = match unsigned.split_once('.') {
            Some((i, f)) => (i, f),
            None => (unsigned, ""),
        };
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if (int_part.is_empty() && frac_part.is_empty())
            || !all_digits(int_part)
            || !all_digits(frac_part)
        {
            return Err(bad());
        }
        let too_large = || overflow("reading a decimal number");
        // The magnitude, unsigned: i128::MIN has no positive counterpart.
        let mut magnitude: u128 = 0;
        for b in int_part.bytes().chain(frac_part.bytes()) {
            magnitude = magnitude
                .checked_mul(10)
                .and_then(|m| m.checked_add(u128::from(b - b'0')))
                .ok_or_else(too_large)?;
        }
        // The exponent is any i64 the text spells out, so even this subtraction is checked.
        let mut scale = i64::try_from(frac_part.len())
            .ok()
            .and_then(|digits| digits.checked_sub(exponent))
            .ok_or_else(too_large)?;
        if scale < 0 {
            let factor = u32::try_from(scale.unsigned_abs())
                .ok()
                .and_then(|exp| 10u128.checked_pow(exp))
                .ok_or_else(too_large)?;
            magnitude = magnitude.checked_mul(factor).ok_or_else(too_large)?;
            scale = 0;
        }
        let scale = u8::try_from(scale)
            .ok()
            .filter(|s| *s <= MAX_SCALE)
            .ok_or_else(too_large)?;
        let units = if negative {
            0i128.checked_sub_unsigned(magnitude)
        } else {
            i128::try_from(magnitude).ok()
        }
        .ok_or_else(too_large)?;
        Ok(Votes { units, scale })
    }
}

impl Serialize for Votes {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Votes {
    /// Accepts a decimal string (the canonical form) or a JSON integer.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Votes, D::Error> {
        struct VotesVisitor;
        impl serde::de::Visitor<'_> for VotesVisitor {
            type Value = Votes;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a decimal number as a string, or an integer")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Votes, E> {
                v.parse().map_err(E::custom)
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Votes, E> {
                Ok(Votes::from_count(v))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Votes, E> {
                Ok(Votes {
                    units: i128::from(v),
                    scale: 0,
                })
            }
        }
        deserializer.deserialize_any(VotesVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Votes {
        s.parse().unwrap()
    }

    #[test]
    fn prints_like_big_decimal() {
        for s in [
            "0",
            "6",
            "7.2501",
            "3.90",
            "0.0003",
            "10055.0000",
            "0.000001",
            "-2.5",
        ] {
            assert_eq!(v(s).to_string(), s);
        }
        assert_eq!(Votes::new(1, 7).unwrap().to_string(), "1E-7");
        assert_eq!(Votes::new(12, 9).unwrap().to_string(), "1.2E-8");
        assert_eq!(Votes::new(0, 7).unwrap().to_string(), "0E-7");
        assert_eq!(v("1.2E-8"), Votes::new(12, 9).unwrap());
    }

    #[test]
    fn sums_keep_the_larger_scale() {
        let s = v("6").checked_add(v("1.0000")).unwrap();
        assert_eq!(s.to_string(), "7.0000");
        assert_eq!(s, v("7"));
    }

    #[test]
    fn rctab_fractional_example() {
        // RCTab's surplus fraction: tally 8, threshold 7.2501, four decimals.
        let fraction = v("0.7499").div_truncated(v("8"), 4).unwrap();
        assert_eq!(fraction.to_string(), "0.0937");
        let moved = Votes::ONE.mul_truncated(fraction, 4).unwrap();
        assert_eq!(moved.to_string(), "0.0937");
        let kept = Votes::ONE.checked_sub(moved).unwrap();
        assert_eq!(kept.to_string(), "0.9063");
    }

    #[test]
    fn twenty_decimal_places_do_not_overflow() {
        let value = Votes::new(99_999_999_999_999_999_999, 20).unwrap();
        let fraction = Votes::new(99_999_999_999_999_999_997, 20).unwrap();
        let product = value.mul_truncated(fraction, 20).unwrap();
        assert_eq!(product.to_string(), "0.99999999999999999996");
        let big = Votes::new(1_000_000 * 10i128.pow(20), 20).unwrap();
        let q = big.div_truncated(v("3"), 20).unwrap();
        assert_eq!(q.to_string(), "333333.33333333333333333333");
    }

    #[test]
    fn overflow_is_an_error() {
        let huge = Votes::new(i128::MAX, 0).unwrap();
        assert!(huge.checked_add(Votes::ONE).is_err());
        assert!(huge.checked_mul_count(2).is_err());
        assert!(v("1").div_truncated(Votes::ZERO, 4).is_err());
        assert!("1e99".parse::<Votes>().is_err());
    }

    #[test]
    fn extreme_exponents_are_errors_not_panics() {
        for text in [
            "1e-9223372036854775808",
            "1.5e-9223372036854775808",
            "0.25e-9223372036854775807",
            "1e9223372036854775807",
            "-1E-9223372036854775808",
        ] {
            assert!(text.parse::<Votes>().is_err(), "{text}");
        }
        // Large exponents that cancel a long fraction are still exact.
        assert_eq!(v("0.000000000000000000000000000000000000000001e42"), v("1"));
    }

    #[test]
    fn every_value_reads_back_as_printed() {
        for units in [i128::MIN, i128::MIN + 1, -1, 0, 1, i128::MAX] {
            for scale in [0, 1, 7, 20, MAX_SCALE] {
                let votes = Votes::new(units, scale).unwrap();
                let again: Votes = votes.to_string().parse().unwrap();
                assert_eq!((again, again.scale()), (votes, scale), "{votes}");
            }
        }
        assert!("-170141183460469231731687303715884105729"
            .parse::<Votes>()
            .is_err());
        assert!("170141183460469231731687303715884105728"
            .parse::<Votes>()
            .is_err());
    }

    #[test]
    fn hare_rounds_up() {
        assert_eq!(v("10").div_rounded_up(v("3"), 0).unwrap().to_string(), "4");
        assert_eq!(v("9").div_rounded_up(v("3"), 0).unwrap().to_string(), "3");
    }
}
