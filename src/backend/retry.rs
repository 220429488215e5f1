//! When to try a request again, and how long to wait first. Every call the
//! widget makes can be repeated safely (reads, idempotent PUT/DELETE, and
//! writes carrying an `Idempotency-Key`), so transient failures are retried
//! a few times with growing delays before the resident is told.

use plaza_contract::ProblemCode;

use super::BackendError;

/// Attempts in all, the first included.
pub const ATTEMPTS: u32 = 3;
/// Longest `Retry-After` worth waiting for before telling the resident.
const MAX_WAIT_MS: u32 = 8_000;

/// The delay before attempt `attempt + 1` after `error` (with the server's
/// `Retry-After`, in seconds, if it sent one), or `None` to stop trying.
/// `jitter` in [0, 1) spreads retries of many residents over time.
pub fn delay_ms(
    attempt: u32,
    error: &BackendError,
    retry_after_s: Option<u32>,
    jitter: f64,
) -> Option<u32> {
    if attempt + 1 >= ATTEMPTS || !is_retryable(error) {
        return None;
    }
    let backoff = 400 * 3_u32.pow(attempt); // 400 ms, 1.2 s
    let spread = (f64::from(backoff) * 0.5 * jitter.clamp(0.0, 1.0)) as u32;
    match retry_after_s.map(|s| s.saturating_mul(1000)) {
        Some(wait) if wait > MAX_WAIT_MS => None,
        Some(wait) => Some(wait.max(backoff)),
        None => Some(backoff + spread),
    }
}

fn is_retryable(error: &BackendError) -> bool {
    match error {
        BackendError::Offline(_) | BackendError::Timeout(_) => true,
        BackendError::Status(s) => matches!(s, 429 | 500 | 502 | 503 | 504),
        BackendError::Problem(p) => {
            matches!(p.status, 429 | 500 | 502 | 503 | 504)
                || matches!(
                    p.code,
                    ProblemCode::RateLimited
                        | ProblemCode::Unavailable
                        | ProblemCode::IdempotencyKeyInFlight
                )
        }
        // A malformed answer will be malformed again; a 4xx means the request is wrong.
        BackendError::Unreadable(_)
        | BackendError::Invalid(_)
        | BackendError::DemoUnavailable(_)
        | BackendError::Outlived => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use plaza_contract::Problem;

    #[test]
    fn transient_failures_are_retried_with_growing_delays() {
        let offline = BackendError::Offline("TypeError".into());
        assert_eq!(delay_ms(0, &offline, None, 0.0), Some(400));
        assert_eq!(delay_ms(1, &offline, None, 0.0), Some(1200));
        assert_eq!(
            delay_ms(2, &offline, None, 0.0),
            None,
            "three attempts in all"
        );
        assert_eq!(
            delay_ms(0, &BackendError::Status(503), None, 0.999),
            Some(599)
        );
    }

    #[test]
    fn definite_answers_are_not_retried() {
        for e in [
            BackendError::Status(404),
            BackendError::Status(422),
            BackendError::Unreadable("eof".into()),
            BackendError::Problem(Problem::new(ProblemCode::ValidationFailed, "x")),
            BackendError::Problem(Problem::new(ProblemCode::PollClosed, "x")),
        ] {
            assert_eq!(delay_ms(0, &e, None, 0.5), None, "{e:?}");
        }
    }

    #[test]
    fn retry_after_is_honoured_when_short_and_reported_when_long() {
        let limited = BackendError::Problem(Problem::new(ProblemCode::RateLimited, "slow down"));
        assert_eq!(delay_ms(0, &limited, Some(2), 0.0), Some(2000));
        assert_eq!(
            delay_ms(0, &limited, Some(0), 0.0),
            Some(400),
            "never hammer"
        );
        assert_eq!(delay_ms(0, &limited, Some(60), 0.0), None);
    }

    #[test]
    fn a_request_still_in_flight_elsewhere_is_waited_for() {
        let in_flight =
            BackendError::Problem(Problem::new(ProblemCode::IdempotencyKeyInFlight, "busy"));
        assert!(delay_ms(0, &in_flight, None, 0.0).is_some());
    }
}
