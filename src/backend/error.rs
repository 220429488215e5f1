//! What can go wrong between the widget and its backend, and what a
//! resident is told about it.

use plaza_contract::{Problem, ProblemCode};

use crate::i18n::{fill, Strings};

/// Serializable, so that a refused submission keeps its reason in the outbox.
#[derive(Debug, Clone, PartialEq, thiserror::Error, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BackendError {
    /// The request never got an answer: offline, DNS, CORS refusal.
    #[error("the server could not be reached: {0}")]
    Offline(String),
    #[error("the server did not answer within {0} ms")]
    Timeout(u32),
    /// The backend answered with an RFC 9457 problem.
    #[error("the server answered {}: {} ({:?})", .0.status, .0.title, .0.code)]
    Problem(Problem),
    /// An error status without a readable problem document.
    #[error("the server answered with status {0}")]
    Status(u16),
    /// The answer is not the JSON the contract promises.
    #[error("the server's answer does not follow the Plaza contract: {0}")]
    Unreadable(String),
    /// The answer decoded, but is inconsistent.
    #[error("the server's data is inconsistent: {}", .0.join("; "))]
    Invalid(Vec<String>),
    /// The `local` backend could not load its demonstration data.
    #[error("the demonstration data could not be loaded: {0}")]
    DemoUnavailable(String),
    /// Not sent again by itself: it waited on the device longer than a
    /// backend keeps idempotency keys, so it might be applied twice.
    #[error("kept longer than a backend remembers its idempotency key")]
    Outlived,
}

impl BackendError {
    /// The HTTP status behind the error, if there is one.
    pub fn status(&self) -> Option<u16> {
        match self {
            BackendError::Problem(p) => Some(p.status),
            BackendError::Status(s) => Some(*s),
            _ => None,
        }
    }

    /// The stable code of the error, for the `plaza:error` event.
    pub fn code(&self) -> &'static str {
        match self {
            BackendError::Offline(_) => "offline",
            BackendError::Timeout(_) => "timeout",
            BackendError::Problem(p) => p.code.as_str(),
            BackendError::Status(404) => "not_found",
            BackendError::Status(_) => "http_error",
            BackendError::Unreadable(_) | BackendError::Invalid(_) => "unreadable_response",
            BackendError::DemoUnavailable(_) => "demo_unavailable",
            BackendError::Outlived => "outlived",
        }
    }

    /// Whether trying again may help (the view then offers a retry button).
    pub fn is_transient(&self) -> bool {
        match self {
            BackendError::Offline(_)
            | BackendError::Timeout(_)
            | BackendError::DemoUnavailable(_) => true,
            // A repeat while the first request still runs: that one may yet
            // be applied, so it is asked again under the same key.
            BackendError::Problem(p) => {
                p.status >= 500
                    || matches!(
                        p.code,
                        ProblemCode::RateLimited | ProblemCode::IdempotencyKeyInFlight
                    )
            }
            BackendError::Status(s) => *s >= 500 || *s == 429,
            BackendError::Unreadable(_) | BackendError::Invalid(_) => true,
            BackendError::Outlived => false,
        }
    }

    /// Whether the backend answered this very request with a refusal, which
    /// it applied nothing for (a problem document, 4xx; not "the first
    /// request with this key still runs", nor a bare status, which may
    /// come from anywhere on the way).
    pub fn is_refusal(&self) -> bool {
        matches!(self, BackendError::Problem(p)
            if (400..500).contains(&p.status)
                && !matches!(p.code, ProblemCode::IdempotencyKeyInFlight | ProblemCode::RateLimited))
    }

    /// Whether sending the same request again can never succeed: the
    /// backend refused what it says, or where it goes is closed or gone.
    /// The resident is then not offered to send it again.
    pub fn is_final(&self) -> bool {
        match self {
            BackendError::Problem(p) => matches!(
                p.code,
                ProblemCode::PhaseClosed
                    | ProblemCode::PollClosed
                    | ProblemCode::ValidationFailed
                    | ProblemCode::BadRequest
                    | ProblemCode::PayloadTooLarge
                    | ProblemCode::UnsupportedMediaType
                    | ProblemCode::NotFound
                    | ProblemCode::IdempotencyKeyReused
            ),
            BackendError::Status(s) => matches!(s, 400 | 404 | 413 | 415 | 422),
            _ => false,
        }
    }

    /// A message a resident can act on, in their language.
    pub fn message(&self, s: &Strings) -> String {
        let server = |status: u16| fill(s.error_server, &[("status", &status.to_string())]);
        match self {
            BackendError::Offline(_) => s.error_offline.to_owned(),
            BackendError::Timeout(_) => s.error_timeout.to_owned(),
            BackendError::Unreadable(_) | BackendError::Invalid(_) => s.error_unreadable.to_owned(),
            BackendError::DemoUnavailable(_) => s.error_demo_unavailable.to_owned(),
            BackendError::Outlived => s.error_outlived.to_owned(),
            BackendError::Status(404) => s.error_not_found.to_owned(),
            BackendError::Status(413) => s.error_too_large.to_owned(),
            BackendError::Status(429) => s.error_rate_limited.to_owned(),
            BackendError::Status(401 | 403) => s.error_not_allowed.to_owned(),
            BackendError::Status(status) if *status >= 500 => server(*status),
            BackendError::Status(_) => s.error_unknown.to_owned(),
            BackendError::Problem(p) => match p.code {
                ProblemCode::NotFound => s.error_not_found.to_owned(),
                ProblemCode::RateLimited => s.error_rate_limited.to_owned(),
                ProblemCode::Unauthorized | ProblemCode::Forbidden | ProblemCode::NotEligible => {
                    s.error_not_allowed.to_owned()
                }
                ProblemCode::PhaseClosed => s.error_phase_closed.to_owned(),
                ProblemCode::PollClosed => s.error_poll_closed.to_owned(),
                ProblemCode::PollNotOpen => s.error_poll_not_open.to_owned(),
                ProblemCode::Conflict => s.error_conflict.to_owned(),
                ProblemCode::PayloadTooLarge => s.error_too_large.to_owned(),
                ProblemCode::ValidationFailed => s.error_invalid.to_owned(),
                _ if p.status >= 500 => server(p.status),
                _ => s.error_unknown.to_owned(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::every_language;

    #[test]
    fn every_error_has_a_message_in_every_language() {
        let errors = [
            BackendError::Offline("TypeError".into()),
            BackendError::Timeout(15_000),
            BackendError::Problem(Problem::new(ProblemCode::NotFound, "Not found")),
            BackendError::Problem(Problem::new(ProblemCode::Internal, "Boom")),
            BackendError::Status(500),
            BackendError::Status(418),
            BackendError::Unreadable("expected value at line 1".into()),
            BackendError::Invalid(vec!["title is empty".into()]),
            BackendError::DemoUnavailable("404".into()),
            BackendError::Problem(Problem::new(ProblemCode::PollClosed, "Closed")),
            BackendError::Problem(Problem::new(ProblemCode::PollNotOpen, "Not open")),
            BackendError::Problem(Problem::new(ProblemCode::Conflict, "Conflict")),
            BackendError::Problem(Problem::new(ProblemCode::PayloadTooLarge, "Too large")),
            BackendError::Status(413),
            BackendError::Outlived,
        ];
        for (locale, strings) in every_language() {
            for e in &errors {
                let m = e.message(strings);
                assert!(m.len() > 20 && !m.contains('{'), "{locale:?} {e:?}: {m}");
            }
        }
    }

    #[test]
    fn refusals_that_cannot_change_have_their_own_words_and_no_retry() {
        let en = crate::i18n::english();
        for code in [
            ProblemCode::PollClosed,
            ProblemCode::PollNotOpen,
            ProblemCode::Conflict,
            ProblemCode::PayloadTooLarge,
        ] {
            let e = BackendError::Problem(Problem::new(code, "x"));
            assert_ne!(e.message(en), en.error_unknown, "{code:?}");
        }
        let closed = BackendError::Problem(Problem::new(ProblemCode::PollClosed, "x"));
        assert!(closed.is_final() && !closed.is_transient());
        // A poll that has not opened yet may open: the resident can try again.
        assert!(!BackendError::Problem(Problem::new(ProblemCode::PollNotOpen, "x")).is_final());
        assert!(!BackendError::Status(418).is_final());
        assert!(!BackendError::Offline("TypeError".into()).is_final());
        // Only a refusal of this request is one it applied nothing for.
        assert!(closed.is_refusal());
        let in_flight =
            BackendError::Problem(Problem::new(ProblemCode::IdempotencyKeyInFlight, "x"));
        assert!(!in_flight.is_refusal() && in_flight.is_transient());
        assert!(!BackendError::Status(409).is_refusal());
    }

    #[test]
    fn server_errors_name_their_status() {
        let m = BackendError::Status(503).message(crate::i18n::english());
        assert!(m.contains("503"), "{m}");
        for (_, strings) in every_language() {
            let p = Problem::new(ProblemCode::Internal, "x");
            assert!(BackendError::Problem(p).message(strings).contains("500"));
        }
    }

    #[test]
    fn only_transient_errors_offer_a_retry() {
        assert!(BackendError::Timeout(1).is_transient());
        assert!(BackendError::Status(502).is_transient());
        assert!(!BackendError::Status(404).is_transient());
        assert!(
            !BackendError::Problem(Problem::new(ProblemCode::ValidationFailed, "x")).is_transient()
        );
    }
}
