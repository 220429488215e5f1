//! `api="local"`: contract v1 answered in the browser, from demo data.
//!
//! A pure function: the stored state (JSON text, or none yet), the demo
//! seed (when there is no usable state), and a request go in; the answer and
//! the new state come out. The widget keeps the state in `localStorage` (or
//! page memory), loads this module only when a page uses `api="local"`, and
//! decodes the answers exactly as it decodes an HTTP backend's.
//!
//! Results are counted by `plaza-results`, as on the reference server. The
//! moderation surface (`/moderation/…`, feature `moderation`) is there for
//! native callers only — the conformance kit runs its rules against this
//! crate through an HTTP adapter and sets its fixtures up with it: a request
//! reaches it only with [`Role::Moderator`], which [`handle_js`] never
//! passes, and the browser's build leaves it out.

#![forbid(unsafe_code)]

#[cfg(feature = "moderation")]
pub mod moderation;
mod moderation_log;
pub mod results;
pub mod router;
pub mod store;

use plaza_contract::seed::Seed;
use plaza_contract::{Problem, ProblemCode, Timestamp};
use wasm_bindgen::prelude::wasm_bindgen;

pub use results::Published;
pub use router::{route, Request, Response, Role};
pub use store::{LocalState, STATE_VERSION};

/// What one call produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handled {
    pub status: u16,
    pub body: String,
    /// The state to store, when it changed (or was created from the seed).
    pub state: Option<String>,
    /// Stored state this version cannot read: keep it somewhere, don't lose it.
    pub discarded: Option<String>,
    /// There is no usable state and no seed was given: call again with one.
    pub needs_seed: bool,
}

/// Answers `request` against the stored `state`, or against a fresh state
/// from `seed` (with `participant_id` for this browser) when there is none.
pub fn handle(
    state: Option<&str>,
    seed: Option<&str>,
    participant_id: &str,
    request: &Request,
) -> Handled {
    let fail = |p: Problem| Handled {
        status: p.status,
        body: serde_json::to_string(&p).unwrap_or_default(),
        state: None,
        discarded: None,
        needs_seed: false,
    };
    let mut discarded = None;
    let stored = state.and_then(|text| match serde_json::from_str::<LocalState>(text) {
        Ok(s) if s.version == STATE_VERSION => Some(s),
        _ => {
            discarded = Some(text.to_owned());
            None
        }
    });
    let (mut current, created) = match (stored, seed) {
        (Some(s), _) => (s, false),
        (None, Some(seed)) => {
            let seed: Seed = match serde_json::from_str(seed) {
                Ok(s) => s,
                Err(e) => {
                    return fail(
                        Problem::new(
                            ProblemCode::Unavailable,
                            "The demonstration data is unreadable",
                        )
                        .with_detail(e.to_string()),
                    )
                }
            };
            match LocalState::from_seed(seed, participant_id.to_owned()) {
                Ok(s) => (s, true),
                Err(problems) => {
                    return fail(
                        Problem::new(
                            ProblemCode::Unavailable,
                            "The demonstration data is inconsistent",
                        )
                        .with_detail(problems.join("; ")),
                    )
                }
            }
        }
        (None, None) => {
            return Handled {
                status: 0,
                body: String::new(),
                state: None,
                discarded,
                needs_seed: true,
            };
        }
    };
    let response = route(&mut current, request);
    let state =
        (response.changed || created).then(|| serde_json::to_string(&current).unwrap_or_default());
    Handled {
        status: response.status,
        body: response.body,
        state,
        discarded,
        needs_seed: false,
    }
}

/// The browser entry point of [`handle`]. Returns `[status, body, state |
/// null, discarded | null, needs_seed]` so that the widget needs no JSON
/// decoding to read it. Every request is the participant's: a page cannot
/// moderate (see [`Role`]).
#[allow(clippy::too_many_arguments)]
#[wasm_bindgen(js_name = handle)]
pub fn handle_js(
    state: Option<String>,
    seed: Option<String>,
    participant_id: String,
    now_ms: f64,
    method: String,
    path: String,
    body: Option<String>,
    idempotency_key: Option<String>,
) -> js_sys::Array {
    let request = Request {
        method: &method,
        path: &path,
        body: body.as_deref(),
        idempotency_key: idempotency_key.as_deref(),
        now: Timestamp::from_unix_millis(now_ms as i64),
        // Never `Moderator`: nothing a page passes may reach moderation.
        role: Role::Participant,
    };
    let out = handle(state.as_deref(), seed.as_deref(), &participant_id, &request);
    let text =
        |t: Option<String>| t.map_or(wasm_bindgen::JsValue::NULL, wasm_bindgen::JsValue::from);
    js_sys::Array::of5(
        &f64::from(out.status).into(),
        &out.body.into(),
        &text(out.state),
        &text(out.discarded),
        &out.needs_seed.into(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED: &str = include_str!("../../contract/demo/plaza-demo.json");

    fn get(path: &str) -> Request<'_> {
        Request {
            method: "GET",
            path,
            body: None,
            idempotency_key: None,
            now: Timestamp::from_unix_millis(0),
            role: Role::Participant,
        }
    }

    #[test]
    fn without_state_it_asks_for_the_seed_then_starts_from_it() {
        let out = handle(None, None, "p1", &get("/deliberations/rue-des-lilas"));
        assert!(out.needs_seed);
        let out = handle(None, Some(SEED), "p1", &get("/deliberations/rue-des-lilas"));
        assert_eq!(out.status, 200);
        let state = out.state.unwrap_or_default();
        assert!(state.contains("\"participant_id\":\"p1\""));
        let again = handle(
            Some(&state),
            None,
            "p2",
            &get("/deliberations/rue-des-lilas"),
        );
        assert_eq!(
            (again.status, again.state),
            (200, None),
            "reads change nothing"
        );
    }

    #[test]
    fn unreadable_state_is_handed_back_not_lost() {
        let out = handle(
            Some("{\"version\": 1, \"broken"),
            Some(SEED),
            "p1",
            &get(""),
        );
        assert_eq!(out.status, 200);
        assert_eq!(out.discarded.as_deref(), Some("{\"version\": 1, \"broken"));
        assert!(out.state.is_some());
        let newer = handle(Some("{\"version\": 99}"), None, "p1", &get(""));
        assert!(newer.needs_seed && newer.discarded.is_some());
    }

    #[test]
    fn a_broken_seed_is_an_error_not_a_panic() {
        for seed in ["", "{", "{\"deliberations\": 3}"] {
            let out = handle(None, Some(seed), "p1", &get(""));
            assert_eq!(out.status, 503, "{seed}");
            assert!(out.body.contains("unavailable"));
        }
    }
}
