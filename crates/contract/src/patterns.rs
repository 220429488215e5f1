//! The contract's text rules restated as regular expressions, for the
//! published documents: a client or a fuzzer that reads the OpenAPI
//! document learns exactly what a backend accepts. Each pattern is valid in
//! ECMA-262 (what JSON Schema names) and in Rust's `regex`; the tests below
//! hold every pattern to the rule it restates (`check_text`, `check_lang`),
//! so the document and the backends cannot drift apart.
//!
//! The rules, in words: a text is trimmed of white space at both ends
//! (Unicode `White_Space`, what `str::trim` removes) and then counted in
//! characters; it may hold no control character but tab, line feed and
//! carriage return, anywhere.
//!
//! Characters are code points: an ECMAScript client must compile the
//! patterns with the `u` flag (without it, an emoji counts twice).

/// Control characters a text may not hold (`char::is_control` minus tab,
/// line feed and carriage return).
const REFUSED_CONTROLS: &str = r"\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F";

/// White space (Unicode `White_Space`) that is not a refused control:
/// what may surround a text.
const EDGE_SPACE: &str = r"[\t\n\r \u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]";

/// Any white space (Unicode `White_Space`): what a blank value holds.
const ANY_SPACE: &str = r"[\t-\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]";

/// Neither white space nor a control character: what a trimmed text
/// starts and ends with.
const SOLID: &str =
    r"[^\u0000-\u0020\u007F-\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]";

fn inner() -> String {
    format!("[^{REFUSED_CONTROLS}]")
}

/// A required text of at most `max` characters once trimmed.
pub fn required_text(max: usize) -> String {
    let trimmed = match max {
        0 => return "[^\\s\\S]".to_owned(),
        1 => SOLID.to_owned(),
        _ => format!("{SOLID}(?:{}{{0,{}}}{SOLID})?", inner(), max - 2),
    };
    format!("^{EDGE_SPACE}*{trimmed}{EDGE_SPACE}*$")
}

/// An optional text: blank (empty or only white space), or a required text
/// of at most `max` characters.
pub fn optional_text(max: usize) -> String {
    format!("{}|{}", blank(), required_text(max))
}

/// A language tag as the contract checks it: letters, then subtags of
/// letters and digits, each 1 to 8 long, joined by `-`. Its length
/// (at most [`crate::MAX_LANGUAGE_TAG_CHARS`]) is the schema's `maxLength`.
pub const LANGUAGE_TAG: &str = "^[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*$";

/// A blank optional value: empty or only white space.
pub fn blank() -> String {
    format!("^{ANY_SPACE}*$")
}

/// An `Idempotency-Key` header, as [`crate::idempotency_key`] reads it.
pub const IDEMPOTENCY_KEY: &str = r#"^(?:[!#-~]{1,255}|"[!#-~]{1,255}")$"#;

/// An id, cursor or other opaque string: anything but NUL, which no
/// database stores (a request that holds one is 400).
pub const NO_NUL: &str = r"^[^\u0000]*$";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discussion::{check_lang, check_optional, check_text};

    fn compile(pattern: &str) -> regex::Regex {
        regex::Regex::new(pattern).expect("a valid pattern")
    }

    /// Every character the rules treat specially, and some they do not.
    fn alphabet() -> Vec<char> {
        let mut chars: Vec<char> = (0u32..=0xA0).filter_map(char::from_u32).collect();
        chars.extend([
            '\u{1680}', '\u{2000}', '\u{200A}', '\u{200B}', '\u{2028}', '\u{2029}', '\u{202F}',
            '\u{205F}', '\u{3000}', '\u{FEFF}', '\u{200F}', '\u{202E}', 'é', 'ش', '中', '😀',
        ]);
        chars
    }

    /// Strings of up to three characters of the alphabet, and longer ones
    /// around a limit.
    fn samples(max: usize) -> Vec<String> {
        let alphabet = alphabet();
        let mut out = vec![String::new()];
        for &a in &alphabet {
            out.push(a.to_string());
            for &b in ['a', ' ', '\n', '\u{0}', '\u{3000}', '\u{85}'].iter() {
                out.push(format!("{a}{b}"));
                out.push(format!("{b}{a}"));
                out.push(format!("{b}{a}{b}"));
                out.push(format!("x{a}{b}y"));
            }
        }
        for n in [max.saturating_sub(1), max, max + 1] {
            let body = "é".repeat(n);
            out.push(body.clone());
            out.push(format!("  {body}\n"));
            out.push(format!("a{}b", " ".repeat(n.saturating_sub(2))));
            out.push(format!("\u{3000}{body}\u{0085}"));
        }
        out
    }

    #[test]
    fn required_text_says_what_check_text_does() {
        for max in [1, 2, 5, 120] {
            let pattern = compile(&required_text(max));
            for s in samples(max) {
                assert_eq!(
                    pattern.is_match(&s),
                    check_text("f", &s, max).is_ok(),
                    "max {max}: {s:?}"
                );
            }
        }
    }

    #[test]
    fn optional_text_says_what_check_optional_does() {
        for max in [1, 3, 120] {
            let pattern = compile(&optional_text(max));
            for s in samples(max) {
                assert_eq!(
                    pattern.is_match(&s),
                    check_optional("f", Some(&s), max).is_ok(),
                    "max {max}: {s:?}"
                );
            }
        }
    }

    #[test]
    fn idempotency_key_says_what_the_backends_read() {
        let pattern = compile(IDEMPOTENCY_KEY);
        let mut cases = samples(3);
        cases.extend(
            ["k", "\"k\"", "\"\"", "\"", "\"k", "k\"", "a\"b", "a b", "é"].map(str::to_owned),
        );
        for n in [254, 255, 256] {
            cases.push("k".repeat(n));
            cases.push(format!("\"{}\"", "k".repeat(n)));
        }
        for s in cases {
            assert_eq!(
                pattern.is_match(&s),
                crate::idempotency_key(&s).is_ok(),
                "{s:?}"
            );
        }
    }

    #[test]
    fn language_tag_says_what_check_lang_does() {
        let tag = compile(LANGUAGE_TAG);
        let blank = compile(&blank());
        let mut cases: Vec<String> = samples(3);
        cases.extend(
            [
                "fr",
                "de-CH",
                "zh-Hant-TW",
                "ar-001",
                "en-US-x-plaza",
                "<script>",
                "fr-",
                "-fr",
                "fr--CH",
                "1fr",
                "fr_CA",
                " fr",
                "fr ",
                "abcdefghi",
            ]
            .map(str::to_owned),
        );
        cases.push(format!("en{}", "-abcdefgh".repeat(3)));
        cases.push(format!("en{}", "-abcdefgh".repeat(4)));
        for s in cases {
            let documented = blank.is_match(&s)
                || (tag.is_match(&s) && s.chars().count() <= crate::MAX_LANGUAGE_TAG_CHARS);
            assert_eq!(documented, check_lang(Some(&s)).is_ok(), "{s:?}");
        }
    }
}
