//! Every error the API returns: an RFC 9457 problem document with a stable
//! code from the contract, plus the headers some of them need.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use plaza_contract::{FieldError, Problem, ProblemCode, PROBLEM_CONTENT_TYPE};

/// A problem to send back, and how long to wait before retrying when that helps.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub problem: Problem,
    pub retry_after_secs: Option<u64>,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(code: ProblemCode, title: impl Into<String>) -> Self {
        Self {
            problem: Problem::new(code, title),
            retry_after_secs: None,
        }
    }

    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.problem = self.problem.with_detail(detail);
        self
    }

    /// A problem whose HTTP status differs from its code's usual one (405 with
    /// `bad_request`): the contract has no code of its own for it.
    pub fn with_status(mut self, status: u16) -> Self {
        self.problem.status = status;
        self
    }

    pub fn not_found(what: &str) -> Self {
        Self::new(ProblemCode::NotFound, format!("No such {what}"))
    }

    pub fn invalid(errors: Vec<FieldError>) -> Self {
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        let detail = format!("Check: {}", fields.join(", "));
        let mut e = Self::new(ProblemCode::ValidationFailed, "The request is not valid");
        e.problem = e.problem.with_detail(detail).with_errors(errors);
        e
    }

    pub fn invalid_field(field: &str, code: &str) -> Self {
        Self::invalid(vec![FieldError::new(field, code)])
    }

    pub fn rate_limited(retry_after_secs: u64) -> Self {
        let mut e = Self::new(ProblemCode::RateLimited, "Too many requests")
            .detail(format!("Try again in {retry_after_secs} s"));
        e.retry_after_secs = Some(retry_after_secs);
        e
    }

    pub fn internal() -> Self {
        Self::new(ProblemCode::Internal, "Something went wrong on the server")
    }

    pub fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    /// Whether a retry of the same request could succeed: such answers are
    /// not stored under an idempotency key (server faults, rate limits, and
    /// a key still in flight).
    pub fn is_transient(&self) -> bool {
        self.problem.status >= 500
            || matches!(
                self.problem.code,
                ProblemCode::RateLimited | ProblemCode::IdempotencyKeyInFlight
            )
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.problem).unwrap_or_else(|_| {
            r#"{"type":"about:blank","title":"Internal error","status":500,"code":"internal"}"#
                .to_owned()
        })
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status(), self.to_json()).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(PROBLEM_CONTENT_TYPE),
        );
        if let Some(secs) = self.retry_after_secs {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(error: sqlx::Error) -> Self {
        match &error {
            // The pool had no connection to give in time: the server is
            // overloaded, not broken; the client may retry.
            sqlx::Error::PoolTimedOut => {
                tracing::warn!("database pool timed out");
                let mut e = Self::new(ProblemCode::Unavailable, "The server is busy");
                e.retry_after_secs = Some(1);
                e
            }
            _ => {
                tracing::error!(%error, "database error");
                Self::internal()
            }
        }
    }
}

impl From<serde_json::Error> for ApiError {
    fn from(error: serde_json::Error) -> Self {
        tracing::error!(%error, "stored JSON could not be read or written");
        Self::internal()
    }
}
