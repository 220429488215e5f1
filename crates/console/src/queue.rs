//! The moderation queue and residents' proposals: what staff review, in
//! the order they review it, and what a decision changes in it.

use plaza_contract::{
    ContentModeration, ContentStatus, DeclineReason, FlaggedContent, ModerationReason,
    ProposalDecision, ProposalDecisionChange,
};

/// Content held until reviewed comes first (residents cannot read it until
/// someone decides), then the most flagged; otherwise the server's order
/// (newest first among equals) is kept.
pub fn order(items: &mut [FlaggedContent]) {
    items.sort_by_key(|item| {
        (
            item.status != ContentStatus::HiddenPendingReview,
            std::cmp::Reverse(item.flags),
        )
    });
}

/// The decisions a staff member can take on an item: hide it, or put it back.
pub fn choices(status: ContentStatus) -> [(ContentStatus, bool); 2] {
    [
        (ContentStatus::Removed, status != ContentStatus::Removed),
        (ContentStatus::Visible, status != ContentStatus::Visible),
    ]
}

/// The request for a decision; `None` without a reason, which the public
/// log must be able to give.
pub fn decision(
    item: &FlaggedContent,
    status: ContentStatus,
    reason: Option<ModerationReason>,
) -> Option<ContentModeration> {
    Some(ContentModeration {
        target_type: item.target_type,
        target_id: item.target_id.clone(),
        status,
        reason: Some(reason?),
    })
}

/// `item` after the server accepted `done` for it.
pub fn apply(item: &mut FlaggedContent, done: &ContentModeration) {
    if item.target_type == done.target_type && item.target_id == done.target_id {
        item.status = done.status;
        if done.status == ContentStatus::Visible {
            // Restoring clears the flags that hid it (the server does the same).
            item.flags = 0;
        }
    }
}

/// The request for deciding a proposal; `None` when declining without a
/// reason (residents read why theirs was declined).
pub fn proposal_decision(
    next: ProposalDecision,
    reason: Option<DeclineReason>,
) -> Option<ProposalDecisionChange> {
    let reason = match next {
        ProposalDecision::Declined => Some(reason?),
        _ => None,
    };
    Some(ProposalDecisionChange {
        decision: next,
        reason,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use plaza_contract::FlagTarget;

    fn item(id: &str, status: ContentStatus, flags: u32) -> FlaggedContent {
        FlaggedContent {
            target_type: FlagTarget::Argument,
            target_id: id.into(),
            deliberation_id: "d".into(),
            status,
            flags,
            text: format!("text of {id}"),
        }
    }

    #[test]
    fn held_content_first_then_the_most_flagged() {
        let mut items = vec![
            item("a", ContentStatus::Visible, 1),
            item("b", ContentStatus::Visible, 2),
            item("c", ContentStatus::HiddenPendingReview, 3),
            item("d", ContentStatus::Removed, 2),
            item("e", ContentStatus::HiddenPendingReview, 5),
        ];
        order(&mut items);
        let ids: Vec<&str> = items.iter().map(|i| i.target_id.as_str()).collect();
        assert_eq!(ids, ["e", "c", "b", "d", "a"]);
    }

    #[test]
    fn a_decision_needs_a_reason() {
        let held = item("a", ContentStatus::HiddenPendingReview, 3);
        assert_eq!(decision(&held, ContentStatus::Removed, None), None);
        let done = decision(&held, ContentStatus::Removed, Some(ModerationReason::Spam));
        assert_eq!(
            done,
            Some(ContentModeration {
                target_type: FlagTarget::Argument,
                target_id: "a".into(),
                status: ContentStatus::Removed,
                reason: Some(ModerationReason::Spam),
            })
        );
    }

    #[test]
    fn only_a_change_is_offered() {
        assert_eq!(
            choices(ContentStatus::HiddenPendingReview),
            [
                (ContentStatus::Removed, true),
                (ContentStatus::Visible, true)
            ]
        );
        assert_eq!(
            choices(ContentStatus::Removed),
            [
                (ContentStatus::Removed, false),
                (ContentStatus::Visible, true)
            ]
        );
        assert_eq!(
            choices(ContentStatus::Visible),
            [
                (ContentStatus::Removed, true),
                (ContentStatus::Visible, false)
            ]
        );
    }

    #[test]
    fn restoring_clears_the_flags_hiding_keeps_them() {
        let mut items = [
            item("a", ContentStatus::HiddenPendingReview, 3),
            item("b", ContentStatus::Visible, 1),
        ];
        let hide = decision(
            &items[1],
            ContentStatus::Removed,
            Some(ModerationReason::Abuse),
        )
        .unwrap_or_else(|| unreachable!());
        apply(&mut items[1], &hide);
        assert_eq!(
            (items[1].status, items[1].flags),
            (ContentStatus::Removed, 1)
        );
        // Another item is left as it is.
        apply(&mut items[0], &hide);
        assert_eq!(
            (items[0].status, items[0].flags),
            (ContentStatus::HiddenPendingReview, 3)
        );
        let restore = decision(
            &items[0],
            ContentStatus::Visible,
            Some(ModerationReason::WithinTheRules),
        )
        .unwrap_or_else(|| unreachable!());
        apply(&mut items[0], &restore);
        assert_eq!(
            (items[0].status, items[0].flags),
            (ContentStatus::Visible, 0)
        );
    }

    #[test]
    fn a_proposal_is_declined_with_a_reason_and_accepted_without() {
        let why = Some(DeclineReason::ALL[0]);
        assert_eq!(proposal_decision(ProposalDecision::Declined, None), None);
        let declined = proposal_decision(ProposalDecision::Declined, why).unwrap();
        assert_eq!(declined.reason, why);
        let accepted = proposal_decision(ProposalDecision::Accepted, why).unwrap();
        assert_eq!(
            (accepted.decision, accepted.reason),
            (ProposalDecision::Accepted, None)
        );
    }
}
