//! What went wrong, as a staff member can act on it.

use plaza_contract::{Problem, ProblemCode};

use crate::i18n::{fill, Strings};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConsoleError {
    /// No answer: offline, server down, or a timeout.
    Offline,
    /// 401/403: the sign-in expired or is not staff.
    SignIn,
    NotFound,
    /// 409: the action conflicts with the state (a closed poll, say).
    Conflict(String),
    /// The poll's results are not published yet (its results setting).
    NotAvailable,
    /// Any other refusal, with the server's words.
    Refused(String),
}

impl ConsoleError {
    /// The error for an answer with `status` and, if it was one, a problem document.
    pub fn from_answer(status: u16, problem: Option<Problem>) -> ConsoleError {
        if problem
            .as_ref()
            .is_some_and(|p| p.code == ProblemCode::ResultsNotAvailable)
        {
            return ConsoleError::NotAvailable;
        }
        let detail = problem
            .map(|p| match p.detail {
                Some(detail) if !detail.trim().is_empty() => format!("{} — {}", p.title, detail),
                _ => p.title,
            })
            .unwrap_or_else(|| format!("HTTP {status}"));
        match status {
            401 | 403 => ConsoleError::SignIn,
            404 => ConsoleError::NotFound,
            409 => ConsoleError::Conflict(detail),
            502..=504 => ConsoleError::Offline,
            _ => ConsoleError::Refused(detail),
        }
    }

    pub fn message(&self, t: &Strings) -> String {
        match self {
            ConsoleError::Offline => t.error_offline.to_owned(),
            ConsoleError::SignIn => t.error_sign_in.to_owned(),
            ConsoleError::NotFound => t.error_not_found.to_owned(),
            ConsoleError::NotAvailable => t.report_results_unavailable.to_owned(),
            ConsoleError::Conflict(detail) => fill(t.error_conflict, &[("detail", detail)]),
            ConsoleError::Refused(detail) => fill(t.error_refused, &[("detail", detail)]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use plaza_contract::PollStatus;

    #[test]
    fn answers_become_errors_staff_can_act_on() {
        assert_eq!(ConsoleError::from_answer(401, None), ConsoleError::SignIn);
        assert_eq!(ConsoleError::from_answer(403, None), ConsoleError::SignIn);
        assert_eq!(ConsoleError::from_answer(404, None), ConsoleError::NotFound);
        assert_eq!(ConsoleError::from_answer(503, None), ConsoleError::Offline);
        assert_eq!(
            ConsoleError::from_answer(409, Some(PollStatus::closed_for_good())),
            ConsoleError::Conflict(
                "A closed poll cannot be opened again — Its final count is published; a new vote needs a new poll."
                    .into()
            )
        );
        assert_eq!(
            ConsoleError::from_answer(
                403,
                Some(Problem::new(ProblemCode::ResultsNotAvailable, "Not yet"))
            ),
            ConsoleError::NotAvailable
        );
        assert_eq!(
            ConsoleError::from_answer(422, None),
            ConsoleError::Refused("HTTP 422".into())
        );
    }
}
