//! The phase timeline of a deliberation.

use plaza_contract::{Contribution, Deliberation, PhaseKind, Timestamp};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepState {
    Done,
    Current,
    Upcoming,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub kind: PhaseKind,
    pub state: StepState,
    pub starts_at: Option<Timestamp>,
    pub ends_at: Option<Timestamp>,
}

/// Every phase in order, each marked done, current or upcoming by the
/// deliberation's `current_phase` (the backend's word, not the clock's).
/// Phases the backend did not list still appear, without dates, so that a
/// resident sees the whole process.
pub fn timeline(d: &Deliberation) -> Vec<Step> {
    PhaseKind::ALL
        .into_iter()
        .map(|kind| {
            let listed = d.phases.iter().find(|p| p.kind == kind);
            Step {
                kind,
                state: match kind.cmp(&d.current_phase) {
                    std::cmp::Ordering::Less => StepState::Done,
                    std::cmp::Ordering::Equal => StepState::Current,
                    std::cmp::Ordering::Greater => StepState::Upcoming,
                },
                starts_at: listed.map(|p| p.starts_at.clone()),
                ends_at: listed.and_then(|p| p.ends_at.clone()),
            }
        })
        .collect()
}

/// Whether residents may contribute `what` now, and if not, when they
/// could or could no longer, from the phase timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Window {
    Open,
    /// Not yet; from this date, if the timeline says.
    OpensOn(Option<Timestamp>),
    /// No longer; since this date, if the timeline says.
    ClosedOn(Option<Timestamp>),
}

/// The window for `what` (the contract's phase rule, told in dates).
pub fn window(d: &Deliberation, what: Contribution) -> Window {
    if d.current_phase.accepts(what) {
        return Window::Open;
    }
    let accepting = PhaseKind::ALL.into_iter().find(|p| p.accepts(what));
    let listed = accepting.and_then(|kind| d.phases.iter().find(|p| p.kind == kind));
    match accepting {
        Some(kind) if d.current_phase < kind => {
            Window::OpensOn(listed.map(|p| p.starts_at.clone()))
        }
        _ => {
            // It ended when the next listed phase began, if its own end is not given.
            let end = listed.and_then(|p| p.ends_at.clone()).or_else(|| {
                d.phases
                    .iter()
                    .find(|p| accepting.is_some_and(|k| p.kind > k))
                    .map(|p| p.starts_at.clone())
            });
            Window::ClosedOn(end)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use plaza_contract::seed::Seed;

    fn demo() -> Deliberation {
        let seed: Seed =
            serde_json::from_str(include_str!("../../crates/contract/demo/plaza-demo.json"))
                .unwrap_or_else(|e| panic!("the demo seed decodes: {e}"));
        seed.deliberations[0].deliberation.clone()
    }

    #[test]
    fn phases_before_the_current_one_are_done() {
        let steps = timeline(&demo());
        let states: Vec<StepState> = steps.iter().map(|s| s.state).collect();
        use StepState::*;
        assert_eq!(states, [Done, Current, Upcoming, Upcoming, Upcoming]);
        assert!(steps[4].ends_at.is_none() && steps[4].starts_at.is_some());
    }

    #[test]
    fn unlisted_phases_still_appear_without_dates() {
        let mut d = demo();
        d.phases.retain(|p| p.kind == PhaseKind::Discussion);
        let steps = timeline(&d);
        assert_eq!(steps.len(), 5);
        assert!(steps[0].starts_at.is_none());
        assert!(steps[1].starts_at.is_some());
    }

    #[test]
    fn contributions_say_when_they_open_or_closed() {
        let mut d = demo();
        assert_eq!(window(&d, Contribution::Argument), Window::Open);
        let discussion = d
            .phases
            .iter()
            .find(|p| p.kind == PhaseKind::Discussion)
            .cloned()
            .unwrap_or_else(|| panic!("the demo has a discussion"));
        d.current_phase = PhaseKind::Information;
        assert_eq!(
            window(&d, Contribution::Proposal),
            Window::OpensOn(Some(discussion.starts_at.clone()))
        );
        d.current_phase = PhaseKind::Voting;
        assert_eq!(
            window(&d, Contribution::Comment),
            Window::ClosedOn(discussion.ends_at.clone())
        );
        d.phases.clear();
        assert_eq!(window(&d, Contribution::Comment), Window::ClosedOn(None));
    }
}
