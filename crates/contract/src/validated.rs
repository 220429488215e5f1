//! Strings with a required shape: they cannot be built, or deserialized,
//! unless they have it. A backend that sends a malformed value is rejected
//! at decoding, before any view sees it.

use std::fmt;

/// Defines a `String` newtype that checks its content on construction and on
/// deserialization, and describes itself in JSON Schema.
macro_rules! validated_string {
    ($(#[$meta:meta])* $name:ident, check = $check:expr, schema = $schema:tt) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = $crate::validated::InvalidValue;
            fn try_from(value: String) -> Result<Self, Self::Error> {
                let check: fn(&str) -> bool = $check;
                if check(&value) {
                    Ok(Self(value))
                } else {
                    Err($crate::validated::InvalidValue {
                        kind: stringify!($name),
                        value: value.chars().take(40).collect(),
                    })
                }
            }
        }

        impl TryFrom<&str> for $name {
            type Error = $crate::validated::InvalidValue;
            fn try_from(value: &str) -> Result<Self, Self::Error> {
                Self::try_from(value.to_owned())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::validated::InvalidValue;
            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Self::try_from(value.to_owned())
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        #[cfg(feature = "schema")]
        impl schemars::JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }
            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!($schema)
            }
        }
    };
}
pub(crate) use validated_string;

/// A value that does not have the shape its type requires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidValue {
    pub kind: &'static str,
    /// The start of the offending value, for the error message.
    pub value: String,
}

impl fmt::Display for InvalidValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid {}: {:?}", self.kind, self.value)
    }
}

impl std::error::Error for InvalidValue {}

/// RFC 3339 date-time: `2026-11-26T09:30:00Z`, `2026-11-26T09:30:00.125+01:00`.
pub(crate) fn is_rfc3339(s: &str) -> bool {
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    let num = |r: std::ops::Range<usize>| -> u32 {
        b.get(r)
            .map(|d| d.iter().fold(0, |n, c| n * 10 + u32::from(c - b'0')))
            .unwrap_or(0)
    };
    if b.len() < 20
        || !digits(0..4)
        || b[4] != b'-'
        || !digits(5..7)
        || b[7] != b'-'
        || !digits(8..10)
        || !matches!(b[10], b'T' | b't')
        || !digits(11..13)
        || b[13] != b':'
        || !digits(14..16)
        || b[16] != b':'
        || !digits(17..19)
    {
        return false;
    }
    let (year, month, day) = (num(0..4), num(5..7), num(8..10));
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    // Second 60 is a leap second, which RFC 3339 allows.
    if day == 0 || day > days_in_month || num(11..13) > 23 || num(14..16) > 59 || num(17..19) > 60 {
        return false;
    }
    let mut rest = &s[19..];
    if let Some(fraction) = rest.strip_prefix('.') {
        let len = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if len == 0 {
            return false;
        }
        rest = &fraction[len..];
    }
    match rest.as_bytes() {
        [b'Z' | b'z'] => true,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let _ = sign;
            [h1, h2, m1, m2].iter().all(|d| d.is_ascii_digit())
                && (h1 - b'0') * 10 + (h2 - b'0') <= 23
                && (m1 - b'0') * 10 + (m2 - b'0') <= 59
        }
        _ => false,
    }
}

/// An absolute `http(s)` URL or a relative reference (resolved by the widget
/// against the API base). Anything with another scheme (`javascript:`,
/// `data:`) is refused, and so is whitespace, which no valid URL contains.
pub(crate) fn is_media_url(s: &str) -> bool {
    if s.is_empty() || s.len() > 2048 || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let lower = s.to_ascii_lowercase();
    if lower.starts_with("https://") || lower.starts_with("http://") {
        return s.len() > "https://".len();
    }
    if s.starts_with("//") {
        return false;
    }
    // A relative reference may not look like it has a scheme: a colon before
    // the first slash, question mark or hash.
    let head = s.split(['/', '?', '#']).next().unwrap_or("");
    !head.contains(':')
}

/// A non-negative decimal number as a string: `"12"`, `"7.2501"`.
pub(crate) fn is_decimal(s: &str) -> bool {
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s, None),
    };
    !int.is_empty()
        && int.bytes().all(|c| c.is_ascii_digit())
        && frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|c| c.is_ascii_digit()))
}

/// The longest language tag the contract accepts.
pub const MAX_LANGUAGE_TAG_CHARS: usize = 35;

/// A BCP 47 language tag, loosely: subtags of 1 to 8 ASCII letters or
/// digits joined by hyphens, the first of letters, 35 characters at most
/// (`fr`, `de-CH`, `zh-Hant-TW`, `ar-001`). Enough to refuse what is not a
/// tag (`<script>`, `fr; DROP TABLE`) without a registry of languages.
pub fn is_language_tag(s: &str) -> bool {
    let mut subtags = s.split('-');
    let first_ok = subtags
        .next()
        .is_some_and(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphabetic()));
    s.len() <= MAX_LANGUAGE_TAG_CHARS
        && first_ok
        && subtags
            .all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_tags_are_checked_loosely() {
        for ok in ["fr", "de-CH", "zh-Hant-TW", "ar-001", "en-US-x-plaza"] {
            assert!(is_language_tag(ok), "{ok}");
        }
        for bad in [
            "",
            "<script>",
            "fr; DROP TABLE x",
            "fr-",
            "-fr",
            "fr--CH",
            "1fr",
            "fr_CA",
            &"a".repeat(36),
        ] {
            assert!(!is_language_tag(bad), "{bad}");
        }
    }

    #[test]
    fn rfc3339_accepts_the_forms_backends_send() {
        for ok in [
            "2026-11-26T09:30:00Z",
            "2026-11-26T09:30:00.125Z",
            "2026-11-26T09:30:00+01:00",
            "2024-02-29T23:59:60-05:30",
            "2026-11-26t09:30:00z",
        ] {
            assert!(is_rfc3339(ok), "{ok}");
        }
    }

    #[test]
    fn rfc3339_refuses_near_misses() {
        for bad in [
            "",
            "2026-11-26",
            "2026-11-26 09:30:00Z",
            "2026-13-01T00:00:00Z",
            "2025-02-29T00:00:00Z",
            "2026-11-26T24:00:00Z",
            "2026-11-26T09:30:00",
            "2026-11-26T09:30:00.Z",
            "2026-11-26T09:30:00+0100",
            "2026-11-26T09:30:00+25:00",
            "2026-11-26T09:30:00Zjunk",
            "２026-11-26T09:30:00Z",
        ] {
            assert!(!is_rfc3339(bad), "{bad}");
        }
    }

    #[test]
    fn media_urls_allow_http_and_relative_only() {
        for ok in [
            "https://city.example/a.jpg",
            "http://x.example/p",
            "assets/a.svg",
            "/img/a.png",
            "a.png?v=2",
        ] {
            assert!(is_media_url(ok), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            "data:image/png;base64,AAAA",
            "//evil.example/a.png",
            "https://",
            "a b.png",
            "",
            "vbscript:x",
        ] {
            assert!(!is_media_url(bad), "{bad}");
        }
    }

    #[test]
    fn decimals_are_plain_non_negative_numbers() {
        for ok in ["0", "12", "7.2501", "0.0003"] {
            assert!(is_decimal(ok), "{ok}");
        }
        for bad in ["", "-1", "1.", ".5", "1e3", "1,5", " 1", "NaN"] {
            assert!(!is_decimal(bad), "{bad}");
        }
    }
}
