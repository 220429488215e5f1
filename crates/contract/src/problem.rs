//! Errors as RFC 9457 `application/problem+json`, with stable codes.

use serde::{Deserialize, Serialize};

pub const PROBLEM_CONTENT_TYPE: &str = "application/problem+json";

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
            field: field.into(),
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
        self.detail = Some(detail.into());
        self
    }

    pub fn with_errors(mut self, errors: Vec<FieldError>) -> Self {
        self.errors = errors;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
