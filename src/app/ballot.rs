//! The ranked ballot, as the Center for Civic Design's research on
//! accessible ranked-choice ballots suggests: every option with its
//! description and picture, a rank chosen for each from a list, and the
//! resident's ranking with "move up" and "move down" — no dragging, every
//! control named after its option, every change announced, focus kept on
//! the option that moved. Then a review of the ranking and of what is left
//! unranked, casting through the outbox, and the receipt with the ballot's
//! tracker; the resident may change their ballot until the poll closes.

use leptos::prelude::*;
use plaza_contract::{Argument, BallotReceipt, MyBallot, Poll};

use super::delivery::DeliveryNote;
use super::heading::Heading;
use super::inert::{el, Element};
use super::participation::Participation;
use super::{focus_if_lost, focus_later, format, BackendHandle, Ui};
use crate::backend::KeyValue;
use crate::i18n::fill;
use crate::state::ballot::{display_order, Placed, Ranking};
use crate::state::outbox::{ballot_counting_meanwhile, Delivery, Item, Submission};
use crate::state::text::isolated;

/// Arguments to read before ranking.
#[derive(Clone, Default)]
pub struct TopArguments {
    pub for_side: Vec<Argument>,
    pub against_side: Vec<Argument>,
}

/// Which step the resident is at.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Step {
    Rank,
    Review,
    /// Their ballot as recorded (or on its way).
    Receipt,
}

/// The element id of an option's control (by its place on the ballot,
/// never by its id, which comes from the backend).
fn control_id(index: usize, what: &str) -> String {
    format!("plaza-option-{index}-{what}")
}

#[component]
pub fn Ballot(
    poll: Poll,
    /// The ballot the backend holds for the resident, if any.
    mine: Option<MyBallot>,
    /// The resident's ballots in the outbox for this poll, oldest first.
    ballots: Memo<Vec<Item>>,
    top: TopArguments,
) -> impl IntoView {
    let part = expect_context::<Participation>();
    let has_ballot = mine.is_some() || ballots.with_untracked(|b| !b.is_empty());
    let poll = StoredValue::new(poll);
    let mine = StoredValue::new(mine);
    // The ballot that counts for the resident now: the last one cast here
    // (on its way or recorded), else the backend's.
    let latest = move || {
        let cast = ballots.with_untracked(|b| b.last().cloned());
        poll.with_value(|poll| match (cast, mine.get_value()) {
            (Some(item), _) => match &item.submission {
                Submission::Ballot { ballot, .. } => Ranking::from_ballot(poll, &ballot.ranking),
                _ => Ranking::new(poll),
            },
            (None, Some(m)) => Ranking::from_ballot(poll, &m.ranking),
            (None, None) => Ranking::new(poll),
        })
    };
    let ranking = RwSignal::new(latest());
    let step = RwSignal::new(if has_ballot {
        Step::Receipt
    } else {
        Step::Rank
    });
    let anchor = NodeRef::<leptos::html::Div>::new();
    provide_context(BallotAnchor(anchor));
    let go = move |to: Step, focus: &str| {
        step.set(to);
        focus_later(anchor, focus.to_owned());
    };
    // The only ballot there was, discarded (waiting, or refused): there is
    // no receipt to show, and the resident has not voted. (Focus is not
    // moved: this may happen long after the resident moved on, or in
    // another widget; a resident who pressed Discard here is taken care of
    // by its note.)
    Effect::new(move |_| {
        let none = mine.with_value(Option::is_none) && ballots.with(Vec::is_empty);
        if none && step.get() == Step::Receipt {
            step.set(Step::Rank);
        }
    });
    let cast = move || {
        let submission = Submission::Ballot {
            deliberation_id: part.deliberation_id.get_value(),
            poll_id: poll.with_value(|p| p.id.clone()),
            ballot: ranking.with_untracked(Ranking::submission),
        };
        if part.submit(submission).is_some() {
            go(Step::Receipt, "plaza-receipt-heading");
        }
    };
    view! {
        <div class="plaza-ballot" node_ref=anchor>
            {move || match step.get() {
                Step::Rank => view! {
                    <RankStep poll ranking top=top.clone() on_review=Callback::new(move |()| go(Step::Review, "plaza-review-heading"))/>
                }.into_any(),
                Step::Review => view! {
                    <ReviewStep poll ranking
                        on_edit=Callback::new(move |()| go(Step::Rank, "plaza-rank-heading"))
                        on_cast=Callback::new(move |()| cast())
                    />
                }.into_any(),
                Step::Receipt => view! {
                    <ReceiptStep poll mine ballots
                        on_change=Callback::new(move |()| {
                            // From the ballot the receipt shows, which may be
                            // newer than this widget's (another tab, a
                            // discarded change).
                            ranking.set(latest());
                            go(Step::Rank, "plaza-rank-heading")
                        })
                    />
                }.into_any(),
            }}
        </div>
    }
}

/// Ranking: the options, each with a rank to choose, and the ranking.
#[component]
fn RankStep(
    poll: StoredValue<Poll>,
    ranking: RwSignal<Ranking>,
    top: TopArguments,
    on_review: Callback<()>,
) -> impl IntoView {
    let ui = expect_context::<Ui>();
    let s = ui.s();
    let locale = ui.locale;
    let part = expect_context::<Participation>();
    let backend = expect_context::<BackendHandle>();
    let limit = ranking.with_untracked(Ranking::limit);
    let all = poll.with_value(|p| p.options.len());
    let intro = match limit < all {
        true => ui.count(&s.vote_rank_up_to, limit as u64),
        false => s.vote_rank_all.to_owned(),
    };
    let labels: StoredValue<Vec<(String, String)>> = StoredValue::new(poll.with_value(|p| {
        p.options
            .iter()
            .map(|o| (o.id.clone(), ui.pick(&o.label).text))
            .collect()
    }));
    let label = move |id: &str| {
        labels
            .with_value(|l| l.iter().find(|(o, _)| o == id).map(|(_, t)| t.clone()))
            .unwrap_or_default()
    };
    let index = move |id: &str| {
        poll.with_value(|p| p.options.iter().position(|o| o.id == id))
            .unwrap_or_default()
    };
    let number = move |n: usize| format::number(n as u64, locale);
    // Says where an option went, and keeps focus on it (on `control` of its
    // row in the ranking, or on its rank list once it left the ranking).
    let tell = move |id: &str, placed: Placed, control: &str| {
        let name = isolated(&label(id));
        let (text, focus) = match placed {
            Placed::At { rank, of } => (
                fill(
                    s.announce_moved,
                    &[
                        ("option", &name),
                        ("rank", &number(rank)),
                        ("of", &number(of)),
                    ],
                ),
                control_id(index(id), control),
            ),
            Placed::Unranked => (
                fill(s.announce_unranked, &[("option", &name)]),
                control_id(index(id), "rank"),
            ),
        };
        part.announce(text);
        if !control.is_empty() {
            focus_later(anchor_of(), focus);
        }
    };
    let order = poll.with_value(shown_order);
    let options = poll.with_value(|p| {
        order
            .iter()
            .filter_map(|&i| p.options.get(i).map(|o| (i, o)))
            .map(|(i, o)| {
                let id = StoredValue::new(o.id.clone());
                let name = ui.pick(&o.label);
                let description = ui.pick(&o.description);
                let image = o.image.as_ref().and_then(|img| {
                    let src = backend.0.with_value(|b| b.resolve(&img.url))?;
                    let alt = ui.pick(&img.alt);
                    Some(view! { <img src=src alt=alt.text lang=alt.lang loading="lazy" decoding="async"/> })
                });
                let select_id = control_id(i, "rank");
                let select_label = fill(s.vote_rank_for, &[("option", &isolated(&name.text))]);
                let current = move || ranking.with(|r| r.rank_of(&id.get_value()));
                let choices = move || ranking.with(|r| r.choices_for(&id.get_value()));
                view! {
                    <li class="plaza-option" class:plaza-option-ranked=move || current().is_some()>
                        {image}
                        <div class="plaza-option-text">
                            <Heading depth=3 lang=name.lang.clone()>{name.text.clone()}</Heading>
                            {(!description.text.is_empty()).then(|| view! {
                                <p lang=description.lang.clone() dir=description.lang.map(|_| "auto")>{description.text}</p>
                            })}
                            <label class="plaza-rank-choice">
                                <span class="plaza-visually-hidden">{select_label}</span>
                                <span aria-hidden="true">{s.vote_rank}</span>
                                <select
                                    id=select_id
                                    prop:value=move || current().map_or(String::new(), |r| r.to_string())
                                    on:change=move |ev| {
                                        let rank = event_target_value(&ev).parse::<usize>().ok();
                                        let placed = ranking.try_update(|r| r.set_rank(&id.get_value(), rank));
                                        if let Some(placed) = placed {
                                            tell(&id.get_value(), placed, "");
                                        }
                                    }
                                >
                                    <option value="" selected=move || current().is_none()>{s.vote_not_ranked}</option>
                                    {move || (1..=choices()).map(|n| view! {
                                        <option value=n.to_string() selected=move || current() == Some(n)>
                                            {number(n)}
                                        </option>
                                    }).collect_view()}
                                </select>
                            </label>
                        </div>
                    </li>
                }
            })
            .collect_view()
    });
    let ranked = move || ranking.with(|r| r.ranked().to_vec());
    let full_note = ui.count(&s.vote_ranking_full, limit as u64);
    let full = move || ranking.with(|r| r.is_full() && r.limit() < all);
    let review_problem = RwSignal::new(false);
    view! {
        <Heading depth=2 id="plaza-rank-heading" focus_target=true>{s.vote_rank_heading}</Heading>
        <p>{intro}</p>
        <Arguments top/>
        <ul class="plaza-options">{options}</ul>
        <div class="plaza-ranking">
            <Heading depth=2 id="plaza-ranking-heading">{s.vote_your_ranking}</Heading>
            {move || full().then(|| view! {
                <p class="plaza-note">{full_note.clone()}</p>
            })}
            {move || ranking.with(Ranking::is_empty).then(|| view! { <p class="plaza-empty">{s.vote_nothing_ranked}</p> })}
            <ol class="plaza-ranked" aria-labelledby="plaza-ranking-heading">
                <For each=ranked key=|id| id.clone() let:id>
                    {
                        let i = index(&id);
                        let name = label(&id);
                        let id = StoredValue::new(id);
                        let rank = move || ranking.with(|r| r.rank_of(&id.get_value()).unwrap_or(0));
                        let count = move || ranking.with(Ranking::len);
                        let at_top = move || rank() <= 1;
                        let at_bottom = move || rank() >= count();
                        let named = isolated(&name);
                        let up_label = fill(s.vote_move_up, &[("option", &named)]);
                        let down_label = fill(s.vote_move_down, &[("option", &named)]);
                        let remove_label = fill(s.vote_remove, &[("option", &named)]);
                        view! {
                            <li class="plaza-ranked-option">
                                <span class="plaza-rank-number" aria-hidden="true">{move || number(rank())}</span>
                                <bdi class="plaza-ranked-label">{name.clone()}</bdi>
                                <span class="plaza-actions">
                                    // aria-disabled, not disabled: focus stays on the
                                    // button after it moved its option to an end.
                                    <button type="button" class="plaza-button plaza-small" id=control_id(i, "up")
                                        aria-label=up_label aria-disabled=move || at_top().to_string()
                                        on:click=move |_| {
                                            if at_top() { return }
                                            if let Some(p) = ranking.try_update(|r| r.move_up(&id.get_value())) {
                                                tell(&id.get_value(), p, "up");
                                            }
                                        }
                                    >{s.vote_up}</button>
                                    <button type="button" class="plaza-button plaza-small" id=control_id(i, "down")
                                        aria-label=down_label aria-disabled=move || at_bottom().to_string()
                                        on:click=move |_| {
                                            if at_bottom() { return }
                                            if let Some(p) = ranking.try_update(|r| r.move_down(&id.get_value())) {
                                                tell(&id.get_value(), p, "down");
                                            }
                                        }
                                    >{s.vote_down}</button>
                                    <button type="button" class="plaza-button plaza-small plaza-quiet" id=control_id(i, "remove")
                                        aria-label=remove_label
                                        on:click=move |_| {
                                            if let Some(p) = ranking.try_update(|r| r.set_rank(&id.get_value(), None)) {
                                                tell(&id.get_value(), p, "rank");
                                            }
                                        }
                                    >{s.vote_remove_short}</button>
                                </span>
                            </li>
                        }
                    }
                </For>
            </ol>
            {move || review_problem.get().then(|| view! {
                <p class="plaza-field-error" id="plaza-review-problem" tabindex="-1">{s.vote_rank_one_first}</p>
            })}
            <button type="button" class="plaza-button plaza-primary"
                on:click=move |_| {
                    let empty = ranking.with(Ranking::is_empty);
                    review_problem.set(empty);
                    if empty {
                        focus_later(anchor_of(), "plaza-review-problem".to_owned());
                    } else {
                        on_review.run(());
                    }
                }
            >{s.vote_review}</button>
        </div>
    }
}

/// The order this resident's ballot shows `poll`'s options in.
fn shown_order(poll: &Poll) -> Vec<usize> {
    display_order(
        poll.options.len(),
        poll.shuffle_options,
        resident_seed(&poll.id),
    )
}

/// This device's seed for the order of `poll_id`'s options, kept so that a
/// resident who comes back finds them where they were.
fn resident_seed(poll_id: &str) -> u64 {
    let store = KeyValue::open();
    let key = format!("plaza:order:v1:{poll_id}");
    if let Some(seed) = store.get(&key).and_then(|s| s.parse().ok()) {
        return seed;
    }
    let seed = (js_sys::Math::random() * 2f64.powi(53)) as u64;
    store.set(&key, &seed.to_string());
    seed
}

/// A node of the ballot to find its shadow root from, for focus.
fn anchor_of() -> NodeRef<leptos::html::Div> {
    expect_context::<BallotAnchor>().0
}

#[derive(Clone, Copy)]
struct BallotAnchor(pub NodeRef<leptos::html::Div>);

/// The most helpful arguments of each side, one step away: a disclosure.
#[component]
fn Arguments(top: TopArguments) -> impl IntoView {
    let ui = expect_context::<Ui>();
    let s = ui.s();
    if top.for_side.is_empty() && top.against_side.is_empty() {
        return None;
    }
    let side = |title: &'static str, args: Vec<Argument>| {
        (!args.is_empty()).then(|| {
            let items = args.into_iter().filter_map(|a| {
                let text = crate::state::text::shown(a.text.as_deref()?);
                // A resident's text takes its own direction, whatever its language.
                let item = match ui.other_lang(a.lang.as_deref()) {
                    Some(lang) => el("li").attr("lang", lang),
                    None => el("li"),
                };
                let item = item.attr("dir", "auto");
                Some(item.child(text).into())
            });
            [
                el("p")
                    .attr("class", "plaza-side-title")
                    .child(title)
                    .into(),
                el("ul").children(items).into(),
            ]
        })
    };
    let sides = [
        side(s.arguments_for_heading, top.for_side),
        side(s.arguments_against_heading, top.against_side),
    ];
    Some(
        el("details")
            .attr("class", "plaza-before-voting")
            .child(el("summary").child(s.vote_read_arguments))
            .children(sides.into_iter().flatten().flatten()),
    )
}

/// An option's label in the reader's language (empty for an id the poll
/// does not have).
fn option_label(ui: &Ui, poll: StoredValue<Poll>, id: &str) -> String {
    poll.with_value(|p| p.option(id).map(|o| ui.pick(&o.label).text))
        .unwrap_or_default()
}

/// A list of options by their labels, in the order given (`ol` for a ranking).
fn option_list(tag: &'static str, labels: impl Iterator<Item = String>) -> Element {
    el(tag)
        .attr("class", "plaza-review-list")
        .children(labels.map(|l| el("li").child(el("bdi").child(l)).into()))
}

/// Review: the ranking in order and what is left unranked, then cast.
#[component]
fn ReviewStep(
    poll: StoredValue<Poll>,
    ranking: RwSignal<Ranking>,
    on_edit: Callback<()>,
    on_cast: Callback<()>,
) -> impl IntoView {
    let ui = expect_context::<Ui>();
    let s = ui.s();
    let label = move |id: &str| option_label(&ui, poll, id);
    let (ranked, unranked) = ranking.with_untracked(|r| {
        (
            r.ranked().to_vec(),
            poll.with_value(|p| {
                r.unranked(p, &shown_order(p))
                    .into_iter()
                    .map(str::to_owned)
                    .collect::<Vec<_>>()
            }),
        )
    });
    let mut review = vec![
        el("p").child(s.vote_review_ranked),
        option_list("ol", ranked.iter().map(|id| label(id))),
    ];
    match unranked.is_empty() {
        true => review.push(el("p").child(s.vote_review_all_ranked)),
        false => review.extend([
            el("p").child(s.vote_review_unranked),
            option_list("ul", unranked.iter().map(|id| label(id))),
        ]),
    }
    view! {
        <Heading depth=2 id="plaza-review-heading" focus_target=true>{s.vote_review_heading}</Heading>
        {review}
        <div class="plaza-actions">
            <button type="button" class="plaza-button plaza-primary" on:click=move |_| on_cast.run(())>{s.vote_cast}</button>
            <button type="button" class="plaza-button plaza-quiet" on:click=move |_| on_edit.run(())>{s.vote_edit}</button>
        </div>
    }
}

/// The resident's ballot: as it was sent (with its way there) or as the
/// backend holds it, with its tracker once recorded.
#[component]
fn ReceiptStep(
    poll: StoredValue<Poll>,
    mine: StoredValue<Option<MyBallot>>,
    ballots: Memo<Vec<Item>>,
    on_change: Callback<()>,
) -> impl IntoView {
    let ui = expect_context::<Ui>();
    let s = ui.s();
    let ui_receipt = ui.clone();
    let label = move |id: &str| option_label(&ui, poll, id);
    // The latest ballot the resident cast here, else the backend's.
    let latest = Memo::new(move |_| {
        let from_outbox = ballots.with(|items| {
            items.last().and_then(|item| match &item.submission {
                Submission::Ballot { ballot, .. } => {
                    let receipt = match &item.delivery {
                        Delivery::Sent {
                            answer: crate::state::outbox::Answer::Ballot(r),
                            ..
                        } => Some(r.clone()),
                        _ => None,
                    };
                    Some((ballot.ranking.clone(), receipt, Some(item.key.clone())))
                }
                _ => None,
            })
        });
        from_outbox.or_else(|| {
            mine.with_value(|m| {
                m.as_ref()
                    .map(|m| (m.ranking.clone(), Some(m.receipt.clone()), None))
            })
        })
    });
    // While a change waits or was refused, the ballot that still counts.
    let counting = Memo::new(move |_| {
        ballots.with(|items| mine.with_value(|m| ballot_counting_meanwhile(items, m.as_ref())))
    });
    let ui_counting = ui_receipt.clone();
    let label_counting = label.clone();
    view! {
        <Heading depth=2 id="plaza-receipt-heading" focus_target=true>{s.vote_receipt_heading}</Heading>
        {move || latest.get().map(|(ranking, receipt, key)| view! {
            {option_list("ol", ranking.iter().map(|id| label(id)))}
            {key.map(|key| view! { <DeliveryNote key/> })}
            {receipt.map(|r| receipt_tree(&ui_receipt, r))}
        })}
        {move || counting.get().map(|b| view! {
            <div class="plaza-counting">
                <p>{s.vote_counting_meanwhile}</p>
                {option_list("ol", b.ranking.iter().map(|id| label_counting(id)))}
                {receipt_tree(&ui_counting, b.receipt)}
            </div>
        })}
        <p>{s.vote_change_until_close}</p>
        <button type="button" class="plaza-button" on:click=move |_| on_change.run(())>{s.vote_change}</button>
    }
}

/// The ballot cast here that is not recorded, for a resident the poll no
/// longer lets vote because the backend rejected their sign-in since: what
/// it ranks and where it is, with Discard, so they know it is kept for
/// their next sign-in, not lost (or, if refused, why).
#[component]
pub fn WaitingBallot(poll: StoredValue<Poll>, ballots: Memo<Vec<Item>>) -> impl IntoView {
    let ui = expect_context::<Ui>();
    let s = ui.s();
    let waiting = Memo::new(move |_| {
        ballots.with(|items| {
            let item = items.last().filter(|i| !i.is_sent())?;
            let Submission::Ballot { ballot, .. } = &item.submission else {
                return None;
            };
            // A refused ballot is not sent at the next sign-in: its note says why.
            let kept = !item.discard_asked && !matches!(item.delivery, Delivery::Failed { .. });
            Some((ballot.ranking.clone(), item.key.clone(), kept))
        })
    });
    let anchor = NodeRef::<leptos::html::Div>::new();
    if let Some((_, key, _)) = waiting.get_untracked() {
        // Cast, then the sign-in rejected: the ballot view that had focus is gone.
        focus_if_lost(anchor, format!("plaza-state-{key}"));
    }
    move || {
        waiting.get().map(|(ranking, key, kept)| {
            view! {
                <div class="plaza-waiting-ballot" node_ref=anchor>
                    {kept.then(|| view! { <p>{s.vote_waiting_for_sign_in}</p> })}
                    {option_list("ol", ranking.iter().map(|id| option_label(&ui, poll, id)))}
                    <DeliveryNote key/>
                </div>
            }
        })
    }
}

/// When the ballot was recorded, and its tracker.
fn receipt_tree(ui: &Ui, receipt: BallotReceipt) -> Element {
    let s = ui.s();
    el("div")
        .attr("class", "plaza-receipt")
        .child(el("p").child(fill(
            s.vote_recorded,
            &[("date", &ui.date(&receipt.recorded_at))],
        )))
        .child(
            el("dl").child(el("dt").child(s.vote_tracker)).child(
                el("dd").child(
                    el("code")
                        .attr("class", "plaza-tracker")
                        .child(receipt.tracker),
                ),
            ),
        )
        .child(
            el("p")
                .attr("class", "plaza-note")
                .child(s.vote_tracker_help),
        )
}
