//! The results of a poll, three ways that say the same: the winners and a
//! table of votes in each round; a chart of each round (SVG) with, as its
//! caption and text alternative, what happened in words; all read from the
//! rounds the backend counted (`crate::state::results`).

use leptos::prelude::*;
use plaza_contract::{Decimal, MyBallot, Poll, PollResults, VotingMethod};

use super::heading::Heading;
use super::verify::Verify;
use super::Ui;
use crate::i18n::fill;
use crate::state::results::{account, fixed, share, standings, Event, RoundAccount, Standing};

/// A vote count as the interface language writes numbers; a fractional
/// (STV) one exactly as counted.
fn votes(ui: &Ui, d: &Decimal) -> String {
    match d.as_str().parse::<u64>() {
        Ok(n) => ui.number(n),
        Err(_) => d.as_str().to_owned(),
    }
}

/// The labels of a poll's options, by id, in the reader's language.
#[derive(Clone)]
pub struct Labels(std::collections::HashMap<String, String>);

impl Labels {
    fn of(ui: &Ui, poll: &Poll) -> Labels {
        Labels(
            poll.options
                .iter()
                .map(|o| (o.id.clone(), ui.pick(&o.label).text))
                .collect(),
        )
    }

    pub fn get(&self, id: &str) -> String {
        self.0.get(id).cloned().unwrap_or_else(|| id.to_owned())
    }
}

#[component]
pub fn ResultsView(
    poll: Poll,
    results: PollResults,
    /// The resident's ballot as the backend recorded it, to find it among
    /// the published ones.
    mine: Option<MyBallot>,
) -> impl IntoView {
    let ui = expect_context::<Ui>();
    let s = ui.s();
    let labels = Labels::of(&ui, &poll);
    let list = |ids: &[String]| {
        ids.iter()
            .map(|id| labels.get(id))
            .collect::<Vec<_>>()
            .join(s.list_separator)
    };
    let winners = list(&results.winners);
    let winners_line = match (results.is_final, poll.method) {
        (_, _) if results.winners.is_empty() => None,
        (true, VotingMethod::Irv) => Some(fill(s.results_winner, &[("options", &winners)])),
        (true, VotingMethod::Stv) => Some(fill(s.results_elected, &[("options", &winners)])),
        (false, _) => Some(fill(s.results_leading, &[("options", &winners)])),
    };
    let counted = fill(
        if results.is_final {
            s.results_final
        } else {
            s.results_provisional
        },
        &[("date", &ui.date(&results.counted_at))],
    );
    let total = match results.total_ballots.as_str().parse::<u64>() {
        Ok(n) => ui.count(&s.results_ballots, n),
        Err(_) => results.total_ballots.as_str().to_owned(),
    };
    let rounds = account(&results);
    let scale = results
        .rounds
        .iter()
        .flat_map(|r| r.tally.values().chain(std::iter::once(&r.threshold)))
        .map(fixed)
        .max()
        .unwrap_or(0);
    let figures = rounds
        .iter()
        .zip(&results.rounds)
        .enumerate()
        .map(|(i, (told, round))| {
            let previous = i.checked_sub(1).and_then(|p| results.rounds.get(p));
            let caption_id = format!("plaza-round-{}-account", told.round);
            view! {
                <li class="plaza-round">
                    <figure>
                        <RoundChart
                            round=round.clone()
                            previous=previous.cloned()
                            poll=poll.clone()
                            labels=labels.clone()
                            scale
                            described_by=caption_id.clone()
                        />
                        <figcaption id=caption_id>
                            <RoundStory told=told.clone() labels=labels.clone()/>
                        </figcaption>
                    </figure>
                </li>
            }
        })
        .collect_view();
    view! {
        <div class="plaza-results">
            <Heading depth=2 id="plaza-results-heading">{s.results_heading}</Heading>
            {winners_line.map(|w| view! { <p class="plaza-winners"><strong>{w}</strong></p> })}
            <p class="plaza-note">{counted} " " {total}</p>
            <RoundsTable poll=poll.clone() results=results.clone() labels=labels.clone()/>
            <Heading depth=3>{s.results_account_heading}</Heading>
            <ol class="plaza-rounds">{figures}</ol>
            {results.is_final.then(|| view! { <Verify results=results.clone() mine labels=labels.clone()/> })}
        </div>
    }
}

/// Votes per option (rows) in each round (columns), with who was elected
/// or eliminated, the ballots no longer counted and the threshold.
#[component]
fn RoundsTable(poll: Poll, results: PollResults, labels: Labels) -> impl IntoView {
    let ui = expect_context::<Ui>();
    let s = ui.s();
    let heads = results
        .rounds
        .iter()
        .map(|r| {
            view! { <th scope="col">{fill(s.results_round, &[("n", &ui.number(u64::from(r.round)))])}</th> }
        })
        .collect_view();
    let rows = poll
        .options
        .iter()
        .map(|o| {
            let cells = standings(&results, &o.id)
                .into_iter()
                .zip(&results.rounds)
                .map(|(standing, round)| {
                    let count = round.tally.get(&o.id).map(|v| votes(&ui, v));
                    let (class, note) = match standing {
                        Standing::Elected => {
                            ("plaza-cell-elected", Some(s.results_standing_elected))
                        }
                        Standing::Eliminated => {
                            ("plaza-cell-eliminated", Some(s.results_standing_eliminated))
                        }
                        Standing::Out => ("plaza-cell-out", None),
                        Standing::ElectedBefore | Standing::Continuing => ("", None),
                    };
                    let shown = match standing {
                        Standing::Out => "—".to_owned(),
                        _ => count.unwrap_or_else(|| "—".to_owned()),
                    };
                    view! {
                        <td class=class>
                            {shown}
                            {note.map(|n| view! { <span class="plaza-standing">{n}</span> })}
                        </td>
                    }
                })
                .collect_view();
            view! { <tr><th scope="row"><bdi>{labels.get(&o.id)}</bdi></th>{cells}</tr> }
        })
        .collect_view();
    let exhausted = results
        .rounds
        .iter()
        .map(|r| view! { <td>{votes(&ui, &r.inactive.exhausted_choices)}</td> })
        .collect_view();
    let threshold = results
        .rounds
        .iter()
        .map(|r| view! { <td>{votes(&ui, &r.threshold)}</td> })
        .collect_view();
    view! {
        // Scrolls sideways on a narrow screen; focusable so the keyboard can
        // (a group, not a landmark: a page may show several polls).
        <div class="plaza-table-scroll" role="group" aria-labelledby="plaza-rounds-caption" tabindex="0">
            <table class="plaza-rounds-table">
                <caption id="plaza-rounds-caption">{s.results_table_caption}</caption>
                <thead><tr><th scope="col">{s.results_option}</th>{heads}</tr></thead>
                <tbody>{rows}</tbody>
                <tfoot>
                    <tr><th scope="row">{s.results_exhausted}</th>{exhausted}</tr>
                    <tr><th scope="row">{s.results_threshold}</th>{threshold}</tr>
                </tfoot>
            </table>
        </div>
    }
}

/// What happened in a round, in sentences.
#[component]
fn RoundStory(told: RoundAccount, labels: Labels) -> impl IntoView {
    let ui = expect_context::<Ui>();
    let s = ui.s();
    let title = fill(s.results_round, &[("n", &ui.number(u64::from(told.round)))]);
    let mut elected_last = false;
    let sentences: Vec<String> = told
        .events
        .iter()
        .map(|event| match event {
            Event::Elected {
                option,
                votes: v,
                threshold,
            } => {
                elected_last = true;
                fill(
                    s.account_elected,
                    &[
                        ("option", &labels.get(option)),
                        ("votes", &votes(&ui, v)),
                        ("threshold", &votes(&ui, threshold)),
                    ],
                )
            }
            Event::Eliminated {
                option,
                votes: v,
                fewest,
            } => {
                elected_last = false;
                let template = match fewest {
                    true => s.account_eliminated_fewest,
                    false => s.account_eliminated,
                };
                fill(
                    template,
                    &[("option", &labels.get(option)), ("votes", &votes(&ui, v))],
                )
            }
            Event::Moved {
                to,
                exhausted,
                residual,
                ..
            } => {
                let mut parts: Vec<String> = to
                    .iter()
                    .map(|(id, v)| {
                        fill(
                            s.account_to,
                            &[("votes", &votes(&ui, v)), ("option", &labels.get(id))],
                        )
                    })
                    .collect();
                if let Some(v) = exhausted {
                    parts.push(fill(s.account_to_exhausted, &[("votes", &votes(&ui, v))]));
                }
                if let Some(v) = residual {
                    parts.push(fill(s.account_to_residual, &[("votes", &votes(&ui, v))]));
                }
                let template = match elected_last {
                    true => s.account_surplus_moved,
                    false => s.account_moved,
                };
                fill(template, &[("list", &parts.join(s.list_separator))])
            }
        })
        .collect();
    let text = match sentences.is_empty() {
        true => s.account_nothing.to_owned(),
        false => sentences.join(" "),
    };
    view! { <strong>{title}</strong> ": " <span>{text}</span> }
}

/// One round as bars: each option still in the count, what it had before
/// and what it gained from the ballots that moved to it, and the
/// threshold. The words are in the caption: the chart is its picture.
#[component]
fn RoundChart(
    round: plaza_contract::ResultRound,
    previous: Option<plaza_contract::ResultRound>,
    poll: Poll,
    labels: Labels,
    /// The largest count of all rounds: every round is drawn to one scale.
    scale: u128,
    described_by: String,
) -> impl IntoView {
    const WIDTH: u32 = 1000;
    const ROW: u32 = 80;
    let ui = expect_context::<Ui>();
    let s = ui.s();
    let rtl = ui.lang.dir() == "rtl";
    let w = |v: u128| share(v, scale, WIDTH);
    // Mirrored for a right-to-left language: bars grow from the right.
    let x = |from: u32, width: u32| {
        if rtl {
            WIDTH.saturating_sub(from + width)
        } else {
            from
        }
    };
    let shown: Vec<(&str, u128, u128, &Decimal)> = poll
        .options
        .iter()
        .filter_map(|o| {
            let count = round.tally.get(&o.id)?;
            let now = fixed(count);
            let before = previous
                .as_ref()
                .and_then(|p| p.tally.get(&o.id))
                .map_or(now, fixed)
                .min(now);
            Some((o.id.as_str(), before, now, count))
        })
        .collect();
    let height = ROW * shown.len() as u32 + 10;
    let bars = shown
        .iter()
        .enumerate()
        .map(|(i, (id, before, now, count))| {
            let y = ROW * i as u32;
            let out = round.eliminated.iter().any(|e| e == id);
            let won = round.elected.iter().any(|e| e == id);
            let class = match (won, out) {
                (true, _) => "plaza-bar plaza-bar-elected",
                (_, true) => "plaza-bar plaza-bar-eliminated",
                _ => "plaza-bar",
            };
            let (kept, gained) = (w(*before), w(*now).saturating_sub(w(*before)));
            let text = format!("{} — {}", labels.get(id), votes(&ui, count));
            view! {
                <text x=if rtl { WIDTH } else { 0 } y=y + 30 text-anchor="start" class="plaza-bar-label">{text}</text>
                <rect class=class x=x(0, kept) y=y + 40 width=kept height="28"/>
                <rect class="plaza-bar plaza-bar-gained" x=x(kept, gained) y=y + 40 width=gained height="28"/>
            }
        })
        .collect_view();
    let tx = x(w(fixed(&round.threshold)), 0);
    let label = fill(
        s.results_chart_label,
        &[("n", &ui.number(u64::from(round.round)))],
    );
    view! {
        <svg
            class="plaza-chart"
            viewBox=format!("0 0 {WIDTH} {height}")
            role="img"
            aria-label=label
            aria-describedby=described_by
            direction=if rtl { "rtl" } else { "ltr" }
        >
            {bars}
            <line class="plaza-threshold" x1=tx x2=tx y1="0" y2=height/>
        </svg>
    }
}
