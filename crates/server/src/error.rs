//! Every error the API returns: an RFC 9457 problem document with a stable
//! code from the contract, plus the headers some of them need, and what went
//! wrong inside (never sent; logged once, by `middleware::log_errors`).

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use plaza_contract::{FieldError, Problem, ProblemCode, PROBLEM_CONTENT_TYPE};

/// A problem to send back, and how long to wait before retrying when that helps.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// Boxed: errors travel in every `Result` of the server, and stay small.
    pub problem: Box<Problem>,
    pub retry_after_secs: Option<u64>,
    /// What went wrong on the server, for its log only.
    pub cause: Option<String>,
}

pub type ApiResult<T> = Result<T, ApiError>;

/// The cause of an error answer, attached to the response for the logging
/// middleware (which knows the route).
#[derive(Debug, Clone)]
pub struct ErrorCause(pub String);

impl From<Problem> for ApiError {
    fn from(problem: Problem) -> Self {
        Self {
            problem: Box::new(problem),
            retry_after_secs: None,
            cause: None,
        }
    }
}

impl ApiError {
    pub fn new(code: ProblemCode, title: impl Into<String>) -> Self {
        Problem::new(code, title).into()
    }

    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        *self.problem = self.problem.with_detail(detail);
        self
    }

    /// Keeps what went wrong inside, for the log.
    pub fn caused_by(mut self, cause: impl std::fmt::Display) -> Self {
        self.cause = Some(cause.to_string());
        self
    }

    /// A problem whose HTTP status differs from its code's usual one (405 with
    /// `bad_request`): the contract has no code of its own for it.
    pub fn with_status(mut self, status: u16) -> Self {
        self.problem.status = status;
        self
    }

    pub fn not_found(what: &str) -> Self {
        Problem::not_found(what).into()
    }

    pub fn invalid(errors: Vec<FieldError>) -> Self {
        Problem::invalid(errors).into()
    }

    pub fn invalid_field(field: &str, code: &str) -> Self {
        Problem::invalid_field(field, code).into()
    }

    /// The `Retry-After` the answer carries.
    pub fn retry_after(mut self, secs: u64) -> Self {
        self.retry_after_secs = Some(secs);
        self
    }

    pub fn rate_limited(retry_after_secs: u64) -> Self {
        Self::new(ProblemCode::RateLimited, "Too many requests")
            .detail(format!("Try again in {retry_after_secs} s"))
            .retry_after(retry_after_secs)
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
        !plaza_contract::answer_is_kept(self.problem.status, Some(self.problem.code))
    }

    pub fn to_json(&self) -> String {
        self.problem.to_json()
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
        if let Some(cause) = self.cause {
            response.extensions_mut().insert(ErrorCause(cause));
        }
        response
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(error: sqlx::Error) -> Self {
        match &error {
            // The pool had no connection to give in time: the server is
            // overloaded, not broken; the client may retry.
            sqlx::Error::PoolTimedOut => Self::busy("database pool timed out"),
            // Another transaction won a conflict (a serializable engine's
            // serialization failure, a deadlock, or a row another request
            // inserted first, as two imports of a new deliberation at once on
            // PostgreSQL): nothing was changed, and the same request, tried
            // again, finds the other's work and answers as it should.
            sqlx::Error::Database(db)
                if matches!(
                    db.code().as_deref(),
                    Some(SERIALIZATION_FAILURE | DEADLOCK | UNIQUE_VIOLATION)
                ) =>
            {
                Self::busy(format_args!("database: {error}"))
            }
            _ => Self::internal().caused_by(format_args!("database: {error}")),
        }
    }
}

/// SQLSTATE codes of a transaction that lost to another and may be retried.
const SERIALIZATION_FAILURE: &str = "40001";
const DEADLOCK: &str = "40P01";
const UNIQUE_VIOLATION: &str = "23505";

impl ApiError {
    /// 503 with `Retry-After: 1`: the server is overloaded or lost a race,
    /// not broken; the client may retry (its Idempotency-Key is freed).
    fn busy(cause: impl std::fmt::Display) -> Self {
        Self::new(ProblemCode::Unavailable, "The server is busy")
            .caused_by(cause)
            .retry_after(1)
    }

    /// 503 when every export slot is taken for [`EXPORT_WAIT`]: downloads
    /// of the ballots wait for each other, never the widget's reads.
    pub fn exports_busy() -> Self {
        Self::new(
            ProblemCode::Unavailable,
            "Too many downloads of the ballots at once",
        )
        .detail("Try again in a minute.")
        .retry_after(30)
    }

    /// 503 for the results of a poll whose final count the publisher has
    /// not published yet.
    pub fn final_count_pending() -> Self {
        Self::new(
            ProblemCode::Unavailable,
            "The final count is being published",
        )
        .detail("Try again in a moment.")
        .retry_after(1)
    }
}

/// How long an export waits for a slot before it is refused.
/// Less than the widget's request timeout (15 s), so that it hears the 503.
pub const EXPORT_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

impl From<serde_json::Error> for ApiError {
    fn from(error: serde_json::Error) -> Self {
        Self::internal().caused_by(format_args!(
            "stored JSON could not be read or written: {error}"
        ))
    }
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;
    use std::error::Error as StdError;

    use sqlx::error::{DatabaseError, ErrorKind};

    use super::*;

    #[derive(Debug)]
    struct Refused(&'static str);

    impl std::fmt::Display for Refused {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "refused with SQLSTATE {}", self.0)
        }
    }

    impl StdError for Refused {}

    impl DatabaseError for Refused {
        fn message(&self) -> &str {
            "refused"
        }
        fn code(&self) -> Option<Cow<'_, str>> {
            Some(Cow::Borrowed(self.0))
        }
        fn as_error(&self) -> &(dyn StdError + Send + Sync + 'static) {
            self
        }
        fn as_error_mut(&mut self) -> &mut (dyn StdError + Send + Sync + 'static) {
            self
        }
        fn into_error(self: Box<Self>) -> Box<dyn StdError + Send + Sync + 'static> {
            self
        }
        fn kind(&self) -> ErrorKind {
            ErrorKind::Other
        }
    }

    fn from_database(code: &'static str) -> ApiError {
        ApiError::from(sqlx::Error::Database(Box::new(Refused(code))))
    }

    #[test]
    fn a_lost_race_is_busy_and_retried_other_failures_are_internal() {
        for code in [SERIALIZATION_FAILURE, DEADLOCK, UNIQUE_VIOLATION] {
            let e = from_database(code);
            assert_eq!(
                (e.status().as_u16(), e.retry_after_secs),
                (503, Some(1)),
                "{code}"
            );
            assert!(e.is_transient(), "{code}: the Idempotency-Key is freed");
        }
        assert_eq!(
            ApiError::from(sqlx::Error::PoolTimedOut).status().as_u16(),
            503
        );
        // An undefined table: a broken deployment, not a race.
        let other = from_database("42P01");
        assert_eq!(
            (other.status().as_u16(), other.retry_after_secs),
            (500, None)
        );
    }
}
