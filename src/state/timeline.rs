//! The phase timeline of a deliberation.

use plaza_contract::{Deliberation, PhaseKind, Timestamp};

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
}
