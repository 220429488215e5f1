//! The report for the council, as data: the moderation summary, each round
//! of the count in words, and the CSV download (participation by day comes
//! counted from the backend). Pure, so that every figure in the printed
//! report is tested.

use std::collections::BTreeMap;

use plaza_contract::{
    Argument, ContentStatus, ModerationChange, ModerationLogEntry, ModerationReason, Proposal,
    ProposalDecision, ResultRound, Stance,
};

use crate::i18n::{fill, Strings};

/// What moderation did in a deliberation, in numbers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ModerationSummary {
    /// Contributions hidden by staff, per reason (in the reasons' order).
    pub hidden: Vec<(Option<ModerationReason>, u32)>,
    pub restored: u32,
    pub phase_changes: u32,
    pub poll_changes: u32,
}

pub fn moderation_summary(entries: &[ModerationLogEntry]) -> ModerationSummary {
    let mut hidden: BTreeMap<Option<u8>, (Option<ModerationReason>, u32)> = BTreeMap::new();
    let mut summary = ModerationSummary::default();
    for entry in entries {
        match &entry.change {
            ModerationChange::Content { status, .. } => match status {
                ContentStatus::Removed | ContentStatus::HiddenPendingReview => {
                    let key = entry.reason.map(|r| r as u8);
                    hidden.entry(key).or_insert((entry.reason, 0)).1 += 1;
                }
                ContentStatus::Visible => summary.restored += 1,
            },
            ModerationChange::Phase { .. } => summary.phase_changes += 1,
            ModerationChange::PollStatus { .. } => summary.poll_changes += 1,
            ModerationChange::Import
            | ModerationChange::Edit { .. }
            | ModerationChange::Proposal { .. } => {}
        }
    }
    summary.hidden = hidden.into_values().collect();
    summary
}

/// One round of the count in words: who was elected or eliminated, and
/// where their ballots went. `label` names an option by its id; `number`
/// writes a decimal count as the reader does.
pub fn round_account(
    t: &Strings,
    round: &ResultRound,
    label: &dyn Fn(&str) -> String,
    number: &dyn Fn(&str) -> String,
) -> Vec<String> {
    let names = |ids: &[String]| {
        ids.iter()
            .map(|id| label(id))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let threshold = number(&round.threshold.to_string());
    let mut sentences = Vec::new();
    if !round.elected.is_empty() {
        sentences.push(fill(
            t.account_elected,
            &[
                ("options", &names(&round.elected)),
                ("threshold", &threshold),
            ],
        ));
    }
    if !round.eliminated.is_empty() {
        sentences.push(fill(
            t.account_eliminated,
            &[
                ("options", &names(&round.eliminated)),
                ("threshold", &threshold),
            ],
        ));
    }
    for moves in round.transfers.values() {
        let moves: Vec<String> = moves
            .iter()
            .map(|(to, votes)| {
                let to = match to.as_str() {
                    "exhausted" => t.report_exhausted.to_owned(),
                    "residual_surplus" => t.report_residual.to_owned(),
                    id => label(id),
                };
                format!("{to} {}", number(&votes.to_string()))
            })
            .collect();
        if !moves.is_empty() {
            sentences.push(fill(t.account_transfers, &[("moves", &moves.join(", "))]));
        }
    }
    if sentences.is_empty() {
        sentences.push(fill(t.account_none, &[("threshold", &threshold)]));
    }
    sentences
}

/// Rows as CSV (RFC 4180). A cell a spreadsheet would run as a formula
/// (`=`, `+`, `-`, `@` first) is written as text: the texts are residents'.
pub fn csv(rows: &[Vec<String>]) -> String {
    let mut out = String::new();
    for row in rows {
        let cells: Vec<String> = row.iter().map(|cell| csv_cell(cell)).collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out
}

fn csv_cell(cell: &str) -> String {
    let guarded = if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_owned()
    };
    if guarded.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

fn decision_name(decision: ProposalDecision) -> &'static str {
    match decision {
        ProposalDecision::UnderReview => "under_review",
        ProposalDecision::Accepted => "accepted",
        ProposalDecision::Declined => "declined",
    }
}

/// The arguments and proposals as CSV rows, with a header.
pub fn contributions_csv(arguments: &[Argument], proposals: &[Proposal]) -> String {
    let mut rows = vec![vec![
        "kind".to_owned(),
        "id".to_owned(),
        "created_at".to_owned(),
        "stance_or_decision".to_owned(),
        "title".to_owned(),
        "text".to_owned(),
        "helpful".to_owned(),
        "changed_my_mind".to_owned(),
        "replies".to_owned(),
    ]];
    for a in arguments {
        rows.push(vec![
            "argument".into(),
            a.id.clone(),
            a.created_at.to_string(),
            match a.stance {
                Stance::For => "for".into(),
                Stance::Against => "against".into(),
            },
            String::new(),
            a.text.clone().unwrap_or_default(),
            a.reactions.helpful.to_string(),
            a.reactions.changed_my_mind.to_string(),
            a.comment_count.to_string(),
        ]);
    }
    for p in proposals {
        rows.push(vec![
            "proposal".into(),
            p.id.clone(),
            p.created_at.to_string(),
            decision_name(p.decision).into(),
            p.title.clone().unwrap_or_default(),
            p.description.clone().unwrap_or_default(),
            String::new(),
            String::new(),
            String::new(),
        ]);
    }
    csv(&rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::LANGUAGES;
    use plaza_contract::{Author, Decimal, FlagTarget, ReactionCounts, Timestamp};

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap_or_else(|_| unreachable!("{s}"))
    }

    fn argument(id: &str, stance: Stance, when: &str) -> Argument {
        Argument {
            id: id.into(),
            deliberation_id: "d".into(),
            stance,
            text: Some(format!("text of {id}")),
            lang: None,
            author: Author::default(),
            created_at: at(when),
            reactions: ReactionCounts::default(),
            my_reactions: vec![],
            comment_count: 0,
            status: ContentStatus::Visible,
        }
    }

    fn proposal(id: &str, when: &str, decision: ProposalDecision) -> Proposal {
        Proposal {
            id: id.into(),
            deliberation_id: "d".into(),
            title: Some(format!("title of {id}")),
            description: Some("=HYPERLINK(\"http://x\")".into()),
            lang: None,
            author: Author::default(),
            created_at: at(when),
            decision,
            status: ContentStatus::Visible,
        }
    }

    fn entry(change: ModerationChange, reason: Option<ModerationReason>) -> ModerationLogEntry {
        ModerationLogEntry {
            id: "1".into(),
            at: at("2026-11-02T09:00:00Z"),
            deliberation_id: "d".into(),
            change,
            reason,
            staff: None,
        }
    }

    fn content(status: ContentStatus) -> ModerationChange {
        ModerationChange::Content {
            target_type: FlagTarget::Argument,
            target_id: "a".into(),
            status,
        }
    }

    #[test]
    fn moderation_is_summed_up_by_reason() {
        let entries = [
            entry(
                content(ContentStatus::Removed),
                Some(ModerationReason::Spam),
            ),
            entry(
                content(ContentStatus::Removed),
                Some(ModerationReason::Abuse),
            ),
            entry(
                content(ContentStatus::Removed),
                Some(ModerationReason::Spam),
            ),
            entry(
                content(ContentStatus::Visible),
                Some(ModerationReason::WithinTheRules),
            ),
            entry(content(ContentStatus::Removed), None),
            entry(
                ModerationChange::Phase {
                    phase: plaza_contract::PhaseKind::Voting,
                },
                None,
            ),
            entry(ModerationChange::Import, None),
        ];
        assert_eq!(
            moderation_summary(&entries),
            ModerationSummary {
                hidden: vec![
                    (None, 1),
                    (Some(ModerationReason::Abuse), 1),
                    (Some(ModerationReason::Spam), 2),
                ],
                restored: 1,
                phase_changes: 1,
                poll_changes: 0,
            }
        );
    }

    fn decimal(s: &str) -> Decimal {
        s.parse().unwrap_or_else(|_| unreachable!("{s}"))
    }

    #[test]
    fn a_round_is_told_in_words() {
        let t = LANGUAGES[0];
        let label = |id: &str| format!("«{id}»");
        let mut round = ResultRound {
            round: 1,
            tally: Default::default(),
            threshold: decimal("51"),
            inactive: plaza_contract::InactiveCounts {
                exhausted_choices: decimal("0"),
                overvotes: decimal("0"),
                skipped_rankings: decimal("0"),
                repeated_rankings: decimal("0"),
            },
            elected: vec![],
            eliminated: vec!["c".into()],
            transfers: [(
                "c".to_string(),
                [
                    ("a".to_string(), decimal("7")),
                    ("exhausted".to_string(), decimal("2")),
                ]
                .into_iter()
                .collect(),
            )]
            .into_iter()
            .collect(),
        };
        assert_eq!(
            round_account(t, &round, &label, &|n: &str| n.to_owned()),
            vec![
                "Eliminated, with the fewest votes: «c».".to_owned(),
                "Their ballots moved on: «a» 7, no further choice 2.".to_owned(),
            ]
        );
        round.eliminated.clear();
        round.transfers.clear();
        round.elected = vec!["a".into()];
        assert_eq!(
            round_account(t, &round, &label, &|n: &str| n.to_owned()),
            vec!["Elected, with at least the threshold of 51 votes: «a».".to_owned()]
        );
        round.elected.clear();
        assert_eq!(
            round_account(t, &round, &label, &|n: &str| n.to_owned()),
            vec!["No option reached the threshold of 51 votes in this round.".to_owned()]
        );
    }

    #[test]
    fn csv_quotes_what_needs_it_and_never_writes_a_formula() {
        assert_eq!(
            csv(&[vec![
                "a,b".into(),
                "say \"hi\"".into(),
                "=1+1".into(),
                "-2".into(),
                "plain".into()
            ]]),
            "\"a,b\",\"say \"\"hi\"\"\",'=1+1,'-2,plain\r\n"
        );
        let text = contributions_csv(
            &[argument("a", Stance::For, "2026-11-02T09:00:00Z")],
            &[proposal(
                "p",
                "2026-11-05T10:00:00Z",
                ProposalDecision::Declined,
            )],
        );
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(lines[0].starts_with("kind,id,created_at"));
        assert_eq!(
            lines[1],
            "argument,a,2026-11-02T09:00:00Z,for,,text of a,0,0,0"
        );
        assert_eq!(
            lines[2],
            "proposal,p,2026-11-05T10:00:00Z,declined,title of p,\"'=HYPERLINK(\"\"http://x\"\")\",,,"
        );
    }
}
