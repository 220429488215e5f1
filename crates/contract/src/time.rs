//! Timestamps: RFC 3339 on the wire, comparable as instants.

use crate::validated::{is_rfc3339, validated_string};

validated_string!(
    /// An RFC 3339 date-time, as sent on the wire (`2026-11-26T09:30:00Z`).
    Timestamp,
    check = is_rfc3339,
    schema = {"type": "string", "format": "date-time"}
);

/// How far ahead of the clock the newest post of a list may be for a new
/// one to follow it ([`Timestamp::posted`]): more than a burst of posts
/// within the same milliseconds could ever build up.
const POSTED_AHEAD_MAX_MS: i64 = 1_000;

impl Timestamp {
    /// Milliseconds since 1970-01-01T00:00:00Z. Compare instants with this,
    /// not the strings: `10:00+01:00` is before `09:30Z`.
    pub fn unix_millis(&self) -> i64 {
        let s = self.0.as_bytes();
        // The shape was checked on construction, so every index below exists.
        let num = |from: usize, to: usize| -> i64 {
            s[from..to]
                .iter()
                .fold(0, |n, c| n * 10 + i64::from(c - b'0'))
        };
        let days = days_from_civil(num(0, 4), num(5, 7), num(8, 10));
        let mut millis =
            ((days * 24 + num(11, 13)) * 60 + num(14, 16)) * 60_000 + num(17, 19) * 1000;
        let mut rest = &s[19..];
        if rest.first() == Some(&b'.') {
            let digits = rest[1..].iter().take_while(|c| c.is_ascii_digit()).count();
            let frac: i64 = rest[1..1 + digits.min(3)]
                .iter()
                .fold(0, |n, c| n * 10 + i64::from(c - b'0'));
            millis += frac * 10_i64.pow(3 - digits.min(3) as u32);
            rest = &rest[1 + digits..];
        }
        if let [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] = rest {
            let offset = (i64::from((h1 - b'0') * 10 + (h2 - b'0')) * 60
                + i64::from((m1 - b'0') * 10 + (m2 - b'0')))
                * 60_000;
            millis += if *sign == b'+' { -offset } else { offset };
        }
        millis
    }

    /// The calendar date as written, in the timestamp's own offset: a phase
    /// that starts at `2026-10-15T00:00:00+02:00` starts on 15 October for
    /// the city that wrote it, whatever the reader's time zone.
    pub fn local_date(&self) -> (i32, u32, u32) {
        let s = self.0.as_bytes();
        let num = |from: usize, to: usize| {
            s[from..to]
                .iter()
                .fold(0, |n, c| n * 10 + u32::from(c - b'0'))
        };
        (num(0, 4) as i32, num(5, 7), num(8, 10))
    }

    /// When a new post is recorded, in the lists read in the order things
    /// were posted (a deliberation's arguments and proposals, the replies
    /// under an argument, the moderation log): `now`, or one millisecond
    /// after the newest post of its list if the clock has not moved past it
    /// (all in Unix milliseconds). Posts made one after the other within a
    /// millisecond then keep their order: ids cannot break the tie (the
    /// reference server's are random). A newest post more than a second
    /// ahead is not followed: a mistyped imported date or a clock that ran
    /// ahead must not date every later post after it.
    pub fn posted(now: i64, newest: Option<i64>) -> Self {
        Self::from_unix_millis(match newest {
            Some(newest) if newest >= now && newest - now <= POSTED_AHEAD_MAX_MS => newest + 1,
            _ => now,
        })
    }

    /// The UTC timestamp of an instant, with millisecond precision, within
    /// the years 0000–9999 that RFC 3339 can write (a broken clock gives a
    /// wrong date, never an invalid timestamp).
    pub fn from_unix_millis(millis: i64) -> Self {
        const FIRST: i64 = -62_167_219_200_000; // 0000-01-01T00:00:00Z
        const LAST: i64 = 253_402_300_799_999; // 9999-12-31T23:59:59.999Z
        let millis = millis.clamp(FIRST, LAST);
        let days = millis.div_euclid(86_400_000);
        let ms_of_day = millis.rem_euclid(86_400_000);
        let (year, month, day) = civil_from_days(days);
        let (h, m, s, ms) = (
            ms_of_day / 3_600_000,
            ms_of_day / 60_000 % 60,
            ms_of_day / 1000 % 60,
            ms_of_day % 1000,
        );
        Self(format!(
            "{year:04}-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}.{ms:03}Z"
        ))
    }
}

// Howard Hinnant's algorithms for the proleptic Gregorian calendar.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_post_is_never_before_the_newest_of_its_list() {
        let posted = |now, newest| Timestamp::posted(now, newest).unix_millis();
        assert_eq!(posted(1_000, None), 1_000, "the first post: now");
        assert_eq!(posted(1_000, Some(999)), 1_000, "the clock moved on: now");
        assert_eq!(posted(1_000, Some(1_000)), 1_001, "the same millisecond");
        assert_eq!(posted(1_000, Some(1_005)), 1_006, "the clock went back");
        let far = 1_000 + POSTED_AHEAD_MAX_MS + 1;
        assert_eq!(posted(1_000, Some(far)), 1_000, "a date far ahead: now");
    }

    fn t(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn instants_account_for_offsets_and_fractions() {
        assert_eq!(t("1970-01-01T00:00:00Z").unix_millis(), 0);
        assert_eq!(t("1970-01-01T01:00:00+01:00").unix_millis(), 0);
        assert_eq!(t("2026-11-26T09:30:00.5Z").unix_millis(), 1_795_685_400_500);
        assert!(
            t("2026-11-26T10:00:00+01:00").unix_millis() < t("2026-11-26T09:30:00Z").unix_millis()
        );
        assert_eq!(t("1969-12-31T23:59:59.999999Z").unix_millis(), -1);
    }

    #[test]
    fn local_dates_are_the_dates_as_written() {
        assert_eq!(t("2026-10-15T00:00:00+02:00").local_date(), (2026, 10, 15));
        assert_eq!(t("2026-12-31T23:30:00-05:00").local_date(), (2026, 12, 31));
    }

    #[test]
    fn round_trips_through_unix_millis() {
        for ms in [
            0,
            1,
            -1,
            951_782_400_000,
            1_795_685_400_500,
            4_102_444_799_999,
        ] {
            let ts = Timestamp::from_unix_millis(ms);
            assert_eq!(ts.unix_millis(), ms, "{ts}");
        }
        assert_eq!(
            Timestamp::from_unix_millis(951_782_400_000).as_str(),
            "2000-02-29T00:00:00.000Z"
        );
        for extreme in [i64::MIN, i64::MAX] {
            let ts = Timestamp::from_unix_millis(extreme);
            assert!(Timestamp::try_from(ts.as_str()).is_ok(), "{ts}");
        }
    }
}
