//! 256-bit intermediates for the few products that can exceed `u128`.
//!
//! With 20 decimal places a per-ballot value times a surplus fraction is up to 10^40, beyond
//! `i128`, although the truncated result always fits. BigDecimal never overflows, so neither may we.

/// Full product of two `u128`, as `(high, low)` halves.
pub(crate) fn mul(a: u128, b: u128) -> (u128, u128) {
    const LOW: u128 = u64::MAX as u128;
    let (a_hi, a_lo) = (a >> 64, a & LOW);
    let (b_hi, b_lo) = (b >> 64, b & LOW);
    let lo_lo = a_lo * b_lo;
    let hi_lo = a_hi * b_lo;
    let lo_hi = a_lo * b_hi;
    let hi_hi = a_hi * b_hi;
    // Each partial product fits in u128 because its factors fit in u64.
    let middle = (lo_lo >> 64) + (hi_lo & LOW) + (lo_hi & LOW);
    let low = (middle << 64) | (lo_lo & LOW);
    let high = hi_hi + (hi_lo >> 64) + (lo_hi >> 64) + (middle >> 64);
    (high, low)
}

/// `(high·2^128 + low) / divisor` and the remainder; `None` when dividing by zero or when the
/// quotient does not fit in `u128`.
pub(crate) fn div_rem(high: u128, low: u128, divisor: u128) -> Option<(u128, u128)> {
    if divisor == 0 || high >= divisor {
        return None;
    }
    if high == 0 {
        return Some((low / divisor, low % divisor));
    }
    let mut rem = high;
    let mut quotient = 0u128;
    for bit in (0..128).rev() {
        let carry = rem >> 127;
        rem = (rem << 1) | ((low >> bit) & 1);
        quotient <<= 1;
        // With the carry the true remainder is rem + 2^128 ≥ divisor; wrapping keeps it exact.
        if carry == 1 || rem >= divisor {
            rem = rem.wrapping_sub(divisor);
            quotient |= 1;
        }
    }
    Some((quotient, rem))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mul_matches_small_products() {
        assert_eq!(mul(3, 5), (0, 15));
        assert_eq!(mul(u128::MAX, 2), (1, u128::MAX - 1));
        assert_eq!(mul(u128::MAX, u128::MAX), (u128::MAX - 1, 1));
    }

    #[test]
    fn div_rem_inverts_mul() {
        let a = 10u128.pow(20) - 7;
        let b = 10u128.pow(20) - 3;
        let (h, l) = mul(a, b);
        assert_eq!(div_rem(h, l, b), Some((a, 0)));
        assert_eq!(div_rem(h, l, a), Some((b, 0)));
        assert_eq!(div_rem(h, l, 1), None);
        assert_eq!(div_rem(0, 17, 5), Some((3, 2)));
        assert_eq!(div_rem(1, 0, 0), None);
    }
}
