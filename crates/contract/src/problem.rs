//! Errors as RFC 9457 `application/problem+json`, with stable codes.

use serde::{Deserialize, Serialize};

pub const PROBLEM_CONTENT_TYPE: &str = "application/problem+json";

/// The most field errors a problem lists.
pub const MAX_FIELD_ERRORS: usize = 20;

/// The most characters of a problem's detail, and of a field's path: both
/// may quote the request (a decoder's message names the value it refused),
/// and an answer stays small whatever the request.
pub const MAX_DETAIL_CHARS: usize = 300;

/// `text` cut to [`MAX_DETAIL_CHARS`] characters, with an ellipsis if cut.
fn capped(mut text: String) -> String {
    if let Some((at, _)) = text.char_indices().nth(MAX_DETAIL_CHARS) {
        text.truncate(at);
        text.push('…');
    }
    text
}

/// The stable machine-readable reason of a problem; the widget maps each to a
/// translated message. Codes a newer backend adds decode as `Other`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProblemCode {
    /// The request body or parameters are not valid; see `errors`.
    ValidationFailed,
    /// Malformed JSON or a wrong `Content-Type`.
    BadRequest,
    /// No or an invalid bearer token.
    Unauthorized,
    /// A valid token that may not do this (e.g. not a moderator).
    Forbidden,
    NotEligible,
    NotFound,
    Conflict,
    /// The phase this action belongs to is not open.
    PhaseClosed,
    PollClosed,
    PollNotOpen,
    /// Results are not visible yet (see the poll's `results_visibility`).
    ResultsNotAvailable,
    /// `Idempotency-Key` reused with a different body.
    IdempotencyKeyReused,
    /// `Idempotency-Key` reused while the first request is still running.
    IdempotencyKeyInFlight,
    PayloadTooLarge,
    UnsupportedMediaType,
    RateLimited,
    Internal,
    Unavailable,
    #[serde(other)]
    Other,
}

impl ProblemCode {
    /// The HTTP status a backend answers with for this code.
    pub fn status(self) -> u16 {
        match self {
            ProblemCode::ValidationFailed | ProblemCode::IdempotencyKeyReused => 422,
            ProblemCode::BadRequest => 400,
            ProblemCode::Unauthorized => 401,
            ProblemCode::Forbidden
            | ProblemCode::NotEligible
            | ProblemCode::ResultsNotAvailable => 403,
            ProblemCode::NotFound => 404,
            ProblemCode::Conflict
            | ProblemCode::PhaseClosed
            | ProblemCode::PollClosed
            | ProblemCode::PollNotOpen
            | ProblemCode::IdempotencyKeyInFlight => 409,
            ProblemCode::PayloadTooLarge => 413,
            ProblemCode::UnsupportedMediaType => 415,
            ProblemCode::RateLimited => 429,
            ProblemCode::Internal | ProblemCode::Other => 500,
            ProblemCode::Unavailable => 503,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ProblemCode::ValidationFailed => "validation_failed",
            ProblemCode::BadRequest => "bad_request",
            ProblemCode::Unauthorized => "unauthorized",
            ProblemCode::Forbidden => "forbidden",
            ProblemCode::NotEligible => "not_eligible",
            ProblemCode::NotFound => "not_found",
            ProblemCode::Conflict => "conflict",
            ProblemCode::PhaseClosed => "phase_closed",
            ProblemCode::PollClosed => "poll_closed",
            ProblemCode::PollNotOpen => "poll_not_open",
            ProblemCode::ResultsNotAvailable => "results_not_available",
            ProblemCode::IdempotencyKeyReused => "idempotency_key_reused",
            ProblemCode::IdempotencyKeyInFlight => "idempotency_key_in_flight",
            ProblemCode::PayloadTooLarge => "payload_too_large",
            ProblemCode::UnsupportedMediaType => "unsupported_media_type",
            ProblemCode::RateLimited => "rate_limited",
            ProblemCode::Internal => "internal",
            ProblemCode::Unavailable => "unavailable",
            ProblemCode::Other => "other",
        }
    }
}

/// What is wrong with one field of a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FieldError {
    /// JSON path of the field, e.g. `text` or `ranking[2]`.
    pub field: String,
    /// `required`, `too_long`, `invalid_characters`, `unknown_option`, `duplicate`, `too_many`, `invalid`.
    pub code: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: impl Into<String>) -> Self {
        Self {
            field: capped(field.into()),
            code: code.into(),
        }
    }
}

/// An RFC 9457 problem document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Problem {
    /// A URI naming the problem type; `about:blank` when only `code` matters.
    #[serde(rename = "type", default = "about_blank")]
    pub type_: String,
    pub title: String,
    pub status: u16,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    pub code: ProblemCode,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

fn about_blank() -> String {
    "about:blank".to_owned()
}

impl Problem {
    pub fn new(code: ProblemCode, title: impl Into<String>) -> Self {
        Self {
            type_: format!("https://plaza.example/problems/{}", code.as_str()),
            title: title.into(),
            status: code.status(),
            detail: None,
            code,
            errors: Vec::new(),
        }
    }

    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(capped(detail.into()));
        self
    }

    pub fn with_errors(mut self, errors: Vec<FieldError>) -> Self {
        self.errors = errors;
        self
    }

    /// 404 `not_found`: "No such argument".
    pub fn not_found(what: &str) -> Self {
        Self::new(ProblemCode::NotFound, format!("No such {what}"))
    }

    /// 422 `validation_failed`, naming every field that is wrong.
    ///
    /// At most [`MAX_FIELD_ERRORS`] are listed (the detail says how many
    /// there were): an answer stays small whatever the request.
    pub fn invalid(mut errors: Vec<FieldError>) -> Self {
        let all = errors.len();
        errors.truncate(MAX_FIELD_ERRORS);
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        let detail = match all > errors.len() {
            true => format!("Check: {}, … ({all} problems in all)", fields.join(", ")),
            false => format!("Check: {}", fields.join(", ")),
        };
        Self::new(ProblemCode::ValidationFailed, "The request is not valid")
            .with_detail(detail)
            .with_errors(errors)
    }

    /// 422 `validation_failed` for one field.
    pub fn invalid_field(field: &str, code: &str) -> Self {
        Self::invalid(vec![FieldError::new(field, code)])
    }

    /// 405: the path exists, not with this method (the contract has no code of its own for it).
    pub fn method_not_allowed() -> Self {
        let mut p = Self::new(ProblemCode::BadRequest, "This method is not allowed here");
        p.status = 405;
        p
    }

    /// 403 `forbidden`.
    pub fn forbidden(title: &str) -> Self {
        Self::new(ProblemCode::Forbidden, title)
    }

    /// 413 `payload_too_large`.
    pub fn payload_too_large() -> Self {
        Self::new(
            ProblemCode::PayloadTooLarge,
            "The request body is too large",
        )
    }

    /// 415 `unsupported_media_type`.
    pub fn unsupported_media_type() -> Self {
        Self::new(
            ProblemCode::UnsupportedMediaType,
            "Send JSON with Content-Type: application/json",
        )
    }

    /// The problem as JSON text; it cannot fail, but never panics if it did.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| {
            r#"{"type":"about:blank","title":"Internal error","status":500,"code":"internal"}"#
                .to_owned()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_detail_or_a_field_quoting_the_request_is_cut() {
        let quoted = format!("invalid type: string \"{}\"", "\u{200b}é".repeat(30_000));
        let p =
            Problem::invalid(vec![FieldError::new(quoted.clone(), "invalid")]).with_detail(quoted);
        let detail = p.detail.as_deref().unwrap_or("");
        assert_eq!(detail.chars().count(), MAX_DETAIL_CHARS + 1);
        assert!(detail.ends_with('…'));
        assert_eq!(p.errors[0].field.chars().count(), MAX_DETAIL_CHARS + 1);
        assert!(serde_json::to_string(&p).unwrap().len() < 4_000);
        let short = Problem::new(ProblemCode::Conflict, "x").with_detail("short");
        assert_eq!(short.detail.as_deref(), Some("short"));
    }

    #[test]
    fn a_long_list_of_field_errors_is_cut_and_says_so() {
        let errors = (0..500)
            .map(|i| FieldError::new(format!("ranking[{i}]"), "unknown_option"))
            .collect();
        let p = Problem::invalid(errors);
        assert_eq!(p.errors.len(), MAX_FIELD_ERRORS);
        assert!(p
            .detail
            .as_deref()
            .unwrap_or("")
            .contains("500 problems in all"));
        assert!(serde_json::to_string(&p).unwrap().len() < 4_000);
    }

    #[test]
    fn unknown_codes_from_newer_backends_still_decode() {
        let p: Problem = serde_json::from_str(
            r#"{"type":"about:blank","title":"Nope","status":418,"code":"teapot_mode"}"#,
        )
        .unwrap();
        assert_eq!(p.code, ProblemCode::Other);
    }

    #[test]
    fn type_defaults_to_about_blank() {
        let p: Problem =
            serde_json::from_str(r#"{"title":"Gone","status":404,"code":"not_found"}"#).unwrap();
        assert_eq!(p.type_, "about:blank");
    }

    #[test]
    fn codes_serialize_as_their_names() {
        for code in [
            ProblemCode::PollClosed,
            ProblemCode::IdempotencyKeyInFlight,
            ProblemCode::RateLimited,
        ] {
            assert_eq!(serde_json::to_value(code).unwrap(), code.as_str());
        }
    }
}
