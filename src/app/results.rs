//! The results of a poll, three ways that say the same: the winners and a
//! table of votes in each round; a chart of each round (SVG) with, as its
//! caption and text alternative, what happened in words; all read from the
//! rounds the backend counted (`crate::state::results`).

use leptos::prelude::*;
use plaza_contract::{Decimal, MyBallot, Poll, PollResults, VotingMethod};

use super::format;
use super::heading::heading;
use super::inert::{el, Element, Node};
use super::verify::Verify;
use super::Ui;
use crate::i18n::{fill, Plural};
use crate::state::results::{account, fixed, share, standings, Event, RoundAccount, Standing};
use crate::state::text::{isolated, shown};

/// A vote count as the interface language writes numbers; a fractional
/// (STV) one with every digit as counted.
fn votes(ui: &Ui, d: &Decimal) -> String {
    match d.as_str().parse::<u64>() {
        Ok(n) => ui.number(n),
        Err(_) => format::decimal(d.as_str(), ui.locale),
    }
}

/// `plural` with `{n}` a vote count, in the form its number takes, and
/// `fills`.
fn with_votes(ui: &Ui, plural: &Plural, d: &Decimal, fills: &[(&str, &str)]) -> String {
    let text = match d.as_str().parse::<u64>() {
        Ok(n) => ui.count(plural, n),
        Err(_) => {
            let category = format::decimal_category(d.as_str(), ui.locale);
            plural.format(category, &votes(ui, d))
        }
    };
    fill(&text, fills)
}

/// The labels of a poll's options, by id, in the reader's language.
#[derive(Clone)]
pub struct Labels(std::collections::HashMap<String, String>);

impl Labels {
    fn of(ui: &Ui, poll: &Poll) -> Labels {
        Labels(
            poll.options
                .iter()
                .map(|o| (o.id.clone(), shown(&ui.pick(&o.label).text)))
                .collect(),
        )
    }

    pub fn get(&self, id: &str) -> String {
        self.0.get(id).cloned().unwrap_or_else(|| id.to_owned())
    }

    /// The label isolated for a sentence (see [`isolated`]).
    pub fn in_text(&self, id: &str) -> String {
        isolated(&self.get(id))
    }

    /// The labels of `ids`, each isolated, as a list in a sentence.
    pub fn listed(&self, ids: &[String], separator: &str) -> String {
        ids.iter()
            .map(|id| self.in_text(id))
            .collect::<Vec<_>>()
            .join(separator)
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
    let labels = Labels::of(&ui, &poll);
    let tree = results_tree(&ui, &poll, &results, &labels);
    view! {
        <div class="plaza-results">
            {tree}
            {results.is_final.then(|| view! { <Verify poll=poll.clone() results=results.clone() mine labels=labels.clone()/> })}
        </div>
    }
}

/// Everything of the results but the re-count: the winners, when and on
/// how many ballots, the table and each round's chart and account.
fn results_tree(ui: &Ui, poll: &Poll, results: &PollResults, labels: &Labels) -> Vec<Element> {
    let s = ui.s();
    let winners = labels.listed(&results.winners, s.list_separator);
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
    let scale = results
        .rounds
        .iter()
        .flat_map(|r| r.tally.values().chain(std::iter::once(&r.threshold)))
        .map(fixed)
        .max()
        .unwrap_or(0);
    let told = account(results);
    let figures = told
        .iter()
        .zip(&results.rounds)
        .enumerate()
        .map(|(i, (told, round))| {
            let previous = i.checked_sub(1).and_then(|p| results.rounds.get(p));
            let caption_id = format!("plaza-round-{}-account", told.round);
            let chart = round_chart(ui, round, previous, poll, labels, scale, &caption_id);
            let caption = el("figcaption")
                .attr("id", caption_id)
                .children(round_story(ui, told, labels));
            el("li")
                .attr("class", "plaza-round")
                .child(el("figure").child(chart).child(caption))
                .into()
        });
    let mut tree = vec![heading(2)
        .attr("id", "plaza-results-heading")
        .child(s.results_heading)];
    if let Some(w) = winners_line {
        tree.push(
            el("p")
                .attr("class", "plaza-winners")
                .child(el("strong").child(w)),
        );
    }
    tree.push(
        el("p")
            .attr("class", "plaza-note")
            .child(format!("{counted} {total}")),
    );
    tree.push(rounds_table(ui, poll, results, labels));
    tree.push(heading(3).child(s.results_account_heading));
    tree.push(el("ol").attr("class", "plaza-rounds").children(figures));
    tree
}

/// Votes per option (rows) in each round (columns), with who was elected
/// or eliminated, the ballots no longer counted and the threshold.
fn rounds_table(ui: &Ui, poll: &Poll, results: &PollResults, labels: &Labels) -> Element {
    let s = ui.s();
    let heads = results.rounds.iter().map(|r| {
        el("th")
            .attr("scope", "col")
            .child(fill(
                s.results_round,
                &[("n", &ui.number(u64::from(r.round)))],
            ))
            .into()
    });
    let rows = poll.options.iter().map(|o| {
        let cells = standings(results, &o.id)
            .into_iter()
            .zip(&results.rounds)
            .map(|(standing, round)| {
                let (class, note) = match standing {
                    Standing::Elected => ("plaza-cell-elected", Some(s.results_standing_elected)),
                    Standing::Eliminated => {
                        ("plaza-cell-eliminated", Some(s.results_standing_eliminated))
                    }
                    Standing::Out => ("plaza-cell-out", None),
                    Standing::ElectedBefore | Standing::Continuing => ("", None),
                };
                let shown = match standing {
                    Standing::Out => None,
                    _ => round.tally.get(&o.id).map(|v| votes(ui, v)),
                };
                let cell = el("td")
                    .attr("class", class)
                    .child(shown.unwrap_or_else(|| "—".to_owned()));
                match note {
                    Some(n) => cell.child(el("span").attr("class", "plaza-standing").child(n)),
                    None => cell,
                }
                .into()
            });
        el("tr")
            .child(
                el("th")
                    .attr("scope", "row")
                    .child(el("bdi").child(labels.get(&o.id))),
            )
            .children(cells)
            .into()
    });
    let footer = |label: &str, value: fn(&plaza_contract::ResultRound) -> &Decimal| {
        el("tr")
            .child(el("th").attr("scope", "row").child(label))
            .children(
                results
                    .rounds
                    .iter()
                    .map(|r| el("td").child(votes(ui, value(r))).into()),
            )
            .into()
    };
    // Scrolls sideways on a narrow screen; focusable so the keyboard can
    // (a group, not a landmark: a page may show several polls).
    el("div")
        .attr("class", "plaza-table-scroll")
        .attr("role", "group")
        .attr("aria-labelledby", "plaza-rounds-caption")
        .attr("tabindex", "0")
        .child(
            el("table")
                .attr("class", "plaza-rounds-table")
                .child(
                    el("caption")
                        .attr("id", "plaza-rounds-caption")
                        .child(s.results_table_caption),
                )
                .child(
                    el("thead").child(
                        el("tr")
                            .child(el("th").attr("scope", "col").child(s.results_option))
                            .children(heads),
                    ),
                )
                .child(el("tbody").children(rows))
                .child(el("tfoot").children([
                    footer(s.results_exhausted, |r| &r.inactive.exhausted_choices),
                    footer(s.results_threshold, |r| &r.threshold),
                ])),
        )
}

/// What happened in a round, in sentences.
fn round_story(ui: &Ui, told: &RoundAccount, labels: &Labels) -> [Node; 3] {
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
                reached,
            } => {
                elected_last = true;
                let plural = match reached {
                    true => &s.account_elected,
                    false => &s.account_elected_below,
                };
                with_votes(
                    ui,
                    plural,
                    v,
                    &[
                        ("option", &labels.in_text(option)),
                        ("threshold", &votes(ui, threshold)),
                    ],
                )
            }
            Event::Eliminated {
                option,
                votes: v,
                fewest,
            } => {
                elected_last = false;
                let option = labels.in_text(option);
                match fewest {
                    true => fill(
                        s.account_eliminated_fewest,
                        &[("option", &option), ("votes", &votes(ui, v))],
                    ),
                    false => with_votes(ui, &s.account_eliminated, v, &[("option", &option)]),
                }
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
                            &[("votes", &votes(ui, v)), ("option", &labels.in_text(id))],
                        )
                    })
                    .collect();
                if let Some(v) = exhausted {
                    parts.push(fill(s.account_to_exhausted, &[("votes", &votes(ui, v))]));
                }
                if let Some(v) = residual {
                    parts.push(fill(s.account_to_residual, &[("votes", &votes(ui, v))]));
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
    [
        el("strong").child(title).into(),
        s.title_separator.into(),
        el("span").child(text).into(),
    ]
}

/// One round as bars: each option still in the count, what it had before
/// and what it gained from the ballots that moved to it, and the
/// threshold. The words are in the caption: the chart is its picture.
fn round_chart(
    ui: &Ui,
    round: &plaza_contract::ResultRound,
    previous: Option<&plaza_contract::ResultRound>,
    poll: &Poll,
    labels: &Labels,
    // The largest count of all rounds: every round is drawn to one scale.
    scale: u128,
    described_by: &str,
) -> Element {
    const WIDTH: u32 = 1000;
    const ROW: u32 = 80;
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
                .and_then(|p| p.tally.get(&o.id))
                .map_or(now, fixed)
                .min(now);
            Some((o.id.as_str(), before, now, count))
        })
        .collect();
    let height = ROW * shown.len() as u32 + 10;
    let mut chart = el("svg")
        .attr("class", "plaza-chart")
        .attr("viewBox", format!("0 0 {WIDTH} {height}"))
        .attr("role", "img")
        .attr(
            "aria-label",
            fill(
                s.results_chart_label,
                &[("n", &ui.number(u64::from(round.round)))],
            ),
        )
        .attr("aria-describedby", described_by)
        .attr("direction", if rtl { "rtl" } else { "ltr" });
    for (i, (id, before, now, count)) in shown.iter().enumerate() {
        let y = ROW * i as u32;
        let out = round.eliminated.iter().any(|e| e == id);
        let won = round.elected.iter().any(|e| e == id);
        let class = match (won, out) {
            (true, _) => "plaza-bar plaza-bar-elected",
            (_, true) => "plaza-bar plaza-bar-eliminated",
            _ => "plaza-bar",
        };
        let (kept, gained) = (w(*before), w(*now).saturating_sub(w(*before)));
        let bar = |class: &str, from: u32, width: u32| {
            el("rect")
                .attr("class", class)
                .attr("x", x(from, width).to_string())
                .attr("y", (y + 40).to_string())
                .attr("width", width.to_string())
                .attr("height", "28")
        };
        chart = chart
            .child(
                el("text")
                    .attr("x", if rtl { WIDTH } else { 0 }.to_string())
                    .attr("y", (y + 30).to_string())
                    .attr("text-anchor", "start")
                    .attr("class", "plaza-bar-label")
                    .child(format!("{} — {}", labels.in_text(id), votes(ui, count))),
            )
            .child(bar(class, 0, kept))
            .child(bar("plaza-bar plaza-bar-gained", kept, gained));
    }
    let tx = x(w(fixed(&round.threshold)), 0).to_string();
    chart.child(
        el("line")
            .attr("class", "plaza-threshold")
            .attr("x1", tx.clone())
            .attr("x2", tx)
            .attr("y1", "0")
            .attr("y2", height.to_string()),
    )
}
