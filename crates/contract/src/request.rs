//! Reading a request as every backend must: the JSON body, the query
//! string and the page size, each refused with the same problem whatever
//! the backend.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::discussion::{ArgumentSort, Stance};
use crate::problem::{Problem, ProblemCode};

/// Items per page unless `?limit=` says otherwise.
pub const DEFAULT_PAGE_SIZE: u32 = 10;
/// The largest page a client may ask for.
pub const MAX_PAGE_SIZE: u32 = 100;

/// Whether a `Content-Type` is JSON (`application/json`, `…+json`, any parameters).
pub fn is_json_media_type(content_type: &str) -> bool {
    let mime = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    mime == "application/json" || mime.ends_with("+json")
}

/// Decodes a JSON request body: malformed JSON is 400 `bad_request`; JSON
/// of the wrong shape is 422 `validation_failed`, naming the field when the
/// crate is built with `field-paths` (the reference server) and `body`
/// otherwise (the in-browser backend, whose download it would double).
pub fn decode_body<T: DeserializeOwned>(raw: &[u8]) -> Result<T, Problem> {
    // JSON first, then the shape: serde reports some shape errors (a number
    // where an enum's string belongs) as syntax errors when it does both.
    let value: serde_json::Value = serde_json::from_slice(raw).map_err(|e| {
        Problem::new(
            ProblemCode::BadRequest,
            "The request body is not valid JSON",
        )
        .with_detail(e.to_string())
    })?;
    if has_nul(&value) {
        return Err(nul_problem());
    }
    // Every request body of the contract is an object; serde would also
    // take a struct from an array of its fields.
    if !value.is_object() {
        return Err(
            Problem::invalid_field("body", "invalid").with_detail("The body must be a JSON object")
        );
    }
    shape(value)
}

#[cfg(feature = "field-paths")]
fn shape<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, Problem> {
    serde_path_to_error::deserialize::<_, T>(value).map_err(|e| {
        let path = e.path().to_string();
        let field = if path == "." { "body".to_owned() } else { path };
        Problem::invalid_field(&field, "invalid").with_detail(e.into_inner().to_string())
    })
}

#[cfg(not(feature = "field-paths"))]
fn shape<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, Problem> {
    serde_json::from_value(value)
        .map_err(|e| Problem::invalid_field("body", "invalid").with_detail(e.to_string()))
}

/// The key of an `Idempotency-Key` header: 1 to 255 visible ASCII
/// characters other than `"`, bare or as a structured-field string (in
/// quotes, which are not part of the key); anything else is 422
/// `validation_failed` on the header.
pub fn idempotency_key(raw: &str) -> Result<&str, Problem> {
    let key = raw
        .strip_prefix('"')
        .and_then(|r| r.strip_suffix('"'))
        .unwrap_or(raw);
    let visible = key.bytes().all(|b| b.is_ascii_graphic() && b != b'"');
    if !key.is_empty() && key.len() <= 255 && visible {
        Ok(key)
    } else {
        Err(Problem::invalid_field("Idempotency-Key", "invalid"))
    }
}

/// Whether a backend keeps an answer under its request's `Idempotency-Key`
/// and gives it again to a repeat: every answer, refusals included, but
/// those that ask to try again (a 5xx, 429 `rate_limited`, 409
/// `idempotency_key_in_flight`), which leave the key free for the retry.
pub fn answer_is_kept(status: u16, code: Option<ProblemCode>) -> bool {
    status < 500
        && !matches!(
            code,
            Some(ProblemCode::RateLimited | ProblemCode::IdempotencyKeyInFlight)
        )
}

/// Refuses a request target (path and query, as sent: percent-encoded)
/// that spells a NUL character: no id, cursor or text of the contract
/// contains one, and databases refuse it. 400 `bad_request`.
pub fn check_target(path_and_query: &str) -> Result<(), Problem> {
    if path_and_query.as_bytes().windows(3).any(|w| w == b"%00") {
        return Err(nul_problem());
    }
    Ok(())
}

fn nul_problem() -> Problem {
    Problem::new(
        ProblemCode::BadRequest,
        "The request contains a NUL character",
    )
}

/// Whether any string or key of `value` contains a NUL character (which no
/// id or text of the contract has, and PostgreSQL refuses in text).
pub fn has_nul(value: &serde_json::Value) -> bool {
    use serde_json::Value;
    match value {
        Value::String(s) => s.contains('\0'),
        Value::Array(items) => items.iter().any(has_nul),
        Value::Object(map) => map.iter().any(|(k, v)| k.contains('\0') || has_nul(v)),
        _ => false,
    }
}

/// Decodes a query string (without the `?`): an unknown value or a
/// malformed number is 422 `validation_failed` on `query`, with serde's
/// account (which names the parameter) in the detail.
pub fn decode_query<T: DeserializeOwned>(query: &str) -> Result<T, Problem> {
    check_target(query)?;
    serde_urlencoded::from_str(query)
        .map_err(|e| Problem::invalid_field("query", "invalid").with_detail(e.to_string()))
}

/// `?cursor=…&limit=…`: a page of a list that has one order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageQuery {
    pub cursor: Option<String>,
    pub limit: Option<u32>,
}

impl PageQuery {
    /// The cursor, unless absent or empty.
    pub fn cursor(&self) -> Option<&str> {
        self.cursor.as_deref().filter(|c| !c.is_empty())
    }

    /// The page size asked for, or the default; outside 1…[`MAX_PAGE_SIZE`] it is 422.
    pub fn limit(&self) -> Result<u32, Problem> {
        match self.limit {
            None => Ok(DEFAULT_PAGE_SIZE),
            Some(n) if (1..=MAX_PAGE_SIZE).contains(&n) => Ok(n),
            Some(_) => Err(Problem::invalid_field("limit", "invalid")),
        }
    }
}

/// `GET …/arguments?stance=…&sort=…&cursor=…&limit=…`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArgumentsQuery {
    /// Only this side; both when absent.
    pub stance: Option<Stance>,
    #[serde(default)]
    pub sort: ArgumentSort,
    // Not a flattened `PageQuery`: query strings carry numbers as text,
    // which serde cannot read back through `flatten`.
    pub cursor: Option<String>,
    pub limit: Option<u32>,
}

impl ArgumentsQuery {
    pub fn page(&self) -> PageQuery {
        PageQuery {
            cursor: self.cursor.clone(),
            limit: self.limit,
        }
    }
}

/// `GET /v1/moderation/flagged` and `/v1/moderation/log`: staff lists, of
/// every deliberation or of one (`?deliberation=…`, 404 when there is none).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModerationQuery {
    pub deliberation: Option<String>,
    pub cursor: Option<String>,
    pub limit: Option<u32>,
}

impl ModerationQuery {
    /// The deliberation asked for, unless absent or empty.
    pub fn deliberation(&self) -> Option<&str> {
        self.deliberation.as_deref().filter(|d| !d.is_empty())
    }

    pub fn page(&self) -> PageQuery {
        PageQuery {
            cursor: self.cursor.clone(),
            limit: self.limit,
        }
    }
}

/// The formats of `GET /v1/polls/{id}/ballots`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    /// The contract's `BallotExport` (grouped rankings).
    #[default]
    Plaza,
    /// NIST SP 1500-103 Cast Vote Records (JSON), readable by RCTab.
    Cdf,
}

impl ExportFormat {
    /// The value of `?format=`.
    pub fn as_str(self) -> &'static str {
        match self {
            ExportFormat::Plaza => "plaza",
            ExportFormat::Cdf => "cdf",
        }
    }

    /// The name the export of `poll_id` is saved under (`ballots-{poll}.json`,
    /// `ballots-{poll}-cdf.json`), by the backend's `Content-Disposition`
    /// and the widget's download links alike: anything but ASCII letters,
    /// digits, `.`, `-` and `_` made `_`, a name a header carries as it is
    /// and every system can save.
    pub fn file_name(self, poll_id: &str) -> String {
        let poll: String = poll_id
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        match self {
            ExportFormat::Plaza => format!("ballots-{poll}.json"),
            ExportFormat::Cdf => format!("ballots-{poll}-cdf.json"),
        }
    }
}

/// The longest `?tracker_prefix=` a backend takes: far less than a
/// tracker, so that an answer holds many ballots.
pub const MAX_TRACKER_PREFIX_CHARS: usize = 8;

/// Whether `c` may be in a tracker, or in the start of one a client asks
/// for: an ASCII letter, digit or `-`.
pub fn is_tracker_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-'
}

/// A tracker as a resident typed it, read as Crockford's base 32 reads it
/// (the reference server's trackers are written so): in upper case, O as 0,
/// I and L as 1; its dashes, if any, where they are.
pub fn tracker_as_read(typed: &str) -> String {
    typed
        .chars()
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        })
        .collect()
}

/// Whether `a` and `b` are the same tracker for a resident: both read as
/// [`tracker_as_read`] reads them, dashes aside ("7qk2m9xd41rb" is
/// "7QK2-M9XD-41RB").
pub fn same_tracker(a: &str, b: &str) -> bool {
    let read = |t: &str| tracker_as_read(t).replace('-', "");
    read(a) == read(b)
}

/// `GET /v1/polls/{id}/ballots?format=…&tracker_prefix=…`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportQuery {
    #[serde(default)]
    pub format: ExportFormat,
    /// Only the ballots whose tracker starts with this: a resident finds
    /// their own among a few hundred of a city-wide poll's ballots, and
    /// neither the backend nor a log of the request learns which is theirs.
    pub tracker_prefix: Option<String>,
}

impl ExportQuery {
    /// The start of the trackers asked for, unless absent or empty: up to
    /// [`MAX_TRACKER_PREFIX_CHARS`] ASCII letters, digits or `-` (422 on
    /// `tracker_prefix` otherwise); it is compared case for case.
    pub fn tracker_prefix(&self) -> Result<Option<&str>, Problem> {
        let field = "tracker_prefix";
        match self.tracker_prefix.as_deref().filter(|t| !t.is_empty()) {
            Some(t) if t.len() > MAX_TRACKER_PREFIX_CHARS => {
                Err(Problem::invalid_field(field, "too_long"))
            }
            Some(t) if !t.chars().all(is_tracker_char) => {
                Err(Problem::invalid_field(field, "invalid"))
            }
            found => Ok(found),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exports_are_saved_under_names_every_system_takes() {
        assert_eq!(
            ExportFormat::Plaza.file_name("done-poll"),
            "ballots-done-poll.json"
        );
        assert_eq!(
            ExportFormat::Cdf.file_name("done-poll"),
            "ballots-done-poll-cdf.json"
        );
        assert_eq!(
            ExportFormat::Plaza.file_name("a\"b/ç;x"),
            "ballots-a_b___x.json"
        );
    }

    #[test]
    fn trackers_are_the_same_as_a_resident_reads_them() {
        assert!(same_tracker("7QK2-M9XD-41RB", "7qk2m9xd41rb"));
        assert!(same_tracker("7QK2-M9XD-41RB", " 7QK2-M9XD-4IRB".trim()));
        assert!(same_tracker("K0Q2-1111", "kOq2-iLl1"));
        assert!(!same_tracker("7QK2-M9XD-41RB", "7QK2-M9XD-41RC"));
        assert!(!same_tracker("7QK2", "7QK2-M9XD"));
        assert_eq!(tracker_as_read("7qk2-m9xd-4lrb"), "7QK2-M9XD-41RB");
    }
    use crate::discussion::NewArgument;

    #[test]
    fn syntax_errors_and_shape_errors_are_told_apart() {
        let code = |raw: &str| decode_body::<NewArgument>(raw.as_bytes()).map_err(|p| p.code);
        assert_eq!(
            code(r#"{"stance": "for", "text": "#),
            Err(ProblemCode::BadRequest)
        );
        assert_eq!(
            code(r#"{"stance": "for", "text": "x"} []"#),
            Err(ProblemCode::BadRequest)
        );
        assert_eq!(
            code(r#"{"stance": -1, "text": "x"}"#),
            Err(ProblemCode::ValidationFailed)
        );
        assert_eq!(code(r#"["for", "x"]"#), Err(ProblemCode::ValidationFailed));
        assert!(code(r#"{"stance": "for", "text": "x"}"#).is_ok());
        // A NUL anywhere, even where no field is read, is refused.
        assert_eq!(
            code(r#"{"stance": "for", "text": "x", "parent_id": "a\u0000b"}"#),
            Err(ProblemCode::BadRequest)
        );
        assert_eq!(
            code(r#"{"stance": "for", "text": "x", "k\u0000": 1}"#),
            Err(ProblemCode::BadRequest)
        );
        assert!(code(r#"{"stance": "for", "text": "a \\u0000 is not a NUL"}"#).is_ok());
    }

    #[test]
    fn queries_decode_with_defaults_and_refuse_unknown_values() -> Result<(), Problem> {
        let q: ArgumentsQuery = decode_query("stance=against&cursor=abc&limit=5")?;
        assert_eq!(q.stance, Some(Stance::Against));
        assert_eq!(q.sort, ArgumentSort::Helpful);
        assert_eq!((q.page().cursor(), q.page().limit()?), (Some("abc"), 5));
        let empty: ArgumentsQuery = decode_query("")?;
        assert_eq!(empty.page().limit()?, DEFAULT_PAGE_SIZE);
        for bad in ["stance=sideways", "sort=helpful%20DESC", "limit=ten"] {
            assert_eq!(
                decode_query::<ArgumentsQuery>(bad).map_err(|p| p.code),
                Err(ProblemCode::ValidationFailed),
                "{bad}"
            );
        }
        let q: PageQuery = decode_query("limit=0")?;
        assert!(q.limit().is_err());
        let nul: Result<PageQuery, _> = decode_query("cursor=a%00b");
        assert_eq!(nul.map_err(|p| p.code), Err(ProblemCode::BadRequest));
        assert!(check_target("/v1/polls/a%00b/results").is_err());
        assert!(check_target("/v1/polls/a%2500b/results").is_ok());
        let e: ExportQuery = decode_query("format=cdf")?;
        assert_eq!(e.format, ExportFormat::Cdf);
        let prefix = |q: &str| {
            decode_query::<ExportQuery>(q)
                .and_then(|q| q.tracker_prefix().map(|p| p.map(str::to_owned)))
        };
        assert_eq!(prefix("tracker_prefix=AB")?.as_deref(), Some("AB"));
        assert_eq!(
            prefix("tracker_prefix=ABCD-EFG")?.as_deref(),
            Some("ABCD-EFG")
        );
        assert_eq!(prefix("tracker_prefix=")?, None);
        assert!(prefix("tracker_prefix=ABCD-EFGH").is_err(), "too long");
        assert!(
            prefix("tracker_prefix=A%25").is_err(),
            "not a tracker's character"
        );
        for format in [ExportFormat::Plaza, ExportFormat::Cdf] {
            let q: ExportQuery = decode_query(&format!("format={}", format.as_str()))?;
            assert_eq!(q.format, format);
        }
        Ok(())
    }

    #[test]
    fn json_media_types() {
        for ok in [
            "application/json",
            "Application/JSON; charset=utf-8",
            "application/merge-patch+json",
        ] {
            assert!(is_json_media_type(ok), "{ok}");
        }
        for bad in ["text/plain", "", "application/jsonx"] {
            assert!(!is_json_media_type(bad), "{bad}");
        }
    }
}
