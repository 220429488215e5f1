//! "Check the count yourself": after the close, the published ballots are
//! downloaded and counted again in the resident's browser by the same
//! engine (`plaza-recount`, a module loaded only then), and each round is
//! compared with the published one; a resident who voted finds their own
//! ballot among the published ones by its tracker. Links download the
//! ballots as JSON and for RCTab.

use leptos::prelude::*;
use plaza_contract::{BallotExport, ExportFormat, MyBallot, Poll, PollResults, Recount};
use wasm_bindgen::{JsCast, JsValue};

use super::heading::Heading;
use super::participation::Participation;
use super::results::Labels;
use super::{BackendHandle, Tasks, Ui};
use crate::backend::json;
use crate::i18n::fill;
use crate::state::find::{search_prefix, typed_tracker, MAX_TYPED_TRACKER_CHARS};
use crate::state::results::{check, whole, Check};

/// How the re-count went.
#[derive(Clone)]
enum Outcome {
    Running,
    Done(Check),
    Failed(String),
}

/// Calls `name` of the re-count module (loaded once, on first use) with
/// text arguments; its text answer.
async fn engine(name: &str, args: &[&str]) -> Result<String, String> {
    let module = crate::embed::load_module("plaza-recount")
        .await
        .map_err(|e| format!("{e:?}"))?;
    let function: js_sys::Function = js_sys::Reflect::get(&module, &name.into())
        .map_err(|e| format!("{e:?}"))?
        .dyn_into()
        .map_err(|_| format!("plaza-recount has no {name}"))?;
    let args: js_sys::Array = args.iter().map(|a| JsValue::from_str(a)).collect();
    function
        .apply(&JsValue::NULL, &args)
        .map_err(|e| format!("{e:?}"))?
        .as_string()
        .ok_or_else(|| format!("plaza-recount's {name} answered no text"))
}

/// Counts `export` (the downloaded JSON text) with the re-count module,
/// which compares it with what the poll announced (`announced`, JSON).
async fn recount(export: &str, announced: &str) -> Result<Recount, String> {
    let answer = engine("recount_export", &[export, announced]).await?;
    // An error is `{"error": …}`, which is not a re-count.
    json::from_text::<Recount>(&answer).map_err(|_| answer.chars().take(200).collect())
}

/// What the module found for a tracker (`error`: it could not read the
/// published ballots, which is not a ballot missing).
#[derive(serde::Deserialize)]
struct Found {
    #[serde(default)]
    ranking: Option<Vec<String>>,
    #[serde(default)]
    error: Option<serde::de::IgnoredAny>,
}

/// What a published ballot is compared with: the ranking this device sent
/// under its tracker, if it remembers one (not when cast on another device,
/// or forgotten here), and the backend's own record of the resident's
/// ballot (which a change made on another device may have replaced).
struct Expected {
    sent: Option<Vec<String>>,
    recorded: Vec<String>,
}

/// Where the resident's ballot is among the published ones.
#[derive(Clone)]
enum Search {
    Running,
    /// There, ranking as this device cast it.
    AsCast(Vec<String>),
    /// There, ranking as the backend recorded it.
    AsRecorded(Vec<String>),
    /// A ballot with the tracker, ranking something else.
    Different(Vec<String>),
    /// A ballot with the tracker the resident typed (what they cast is not
    /// known on this device), ranking this.
    Found(Vec<String>),
    Missing,
    Failed(String),
}

#[component]
pub fn Verify(
    poll: Poll,
    results: PollResults,
    mine: Option<MyBallot>,
    labels: Labels,
) -> impl IntoView {
    let ui = expect_context::<Ui>();
    let s = ui.s();
    let backend = expect_context::<BackendHandle>();
    let tasks = Tasks::of_current();
    let poll_id = results.poll_id.clone();
    let links = backend.0.with_value(|b| {
        (
            b.export_link(&poll_id, ExportFormat::Plaza),
            b.export_link(&poll_id, ExportFormat::Cdf),
        )
    });
    let results = StoredValue::new(results);
    let announced =
        StoredValue::new(json::to_text(&BallotExport::announced(&poll)).unwrap_or_default());
    let outcome: RwSignal<Option<Outcome>> = RwSignal::new(None);
    let run = {
        let tasks = tasks.clone();
        move |_| {
            if matches!(outcome.get_untracked(), Some(Outcome::Running)) {
                return;
            }
            outcome.set(Some(Outcome::Running));
            tasks.spawn(async move {
                let poll_id = results.with_value(|r| r.poll_id.clone());
                let export = backend
                    .0
                    .get_value()
                    .export_text(&poll_id, ExportFormat::Plaza, None)
                    .await;
                let done: Result<Check, String> = match export {
                    Ok(text) => match recount(&text, &announced.get_value()).await {
                        Ok(again) => {
                            if !again.not_as_announced.is_empty() {
                                web_sys::console::error_1(
                                    &format!(
                                        "Plaza: the published ballots are not for the poll as announced: {}",
                                        again.not_as_announced.join("; ")
                                    )
                                    .into(),
                                );
                            }
                            Ok(results.with_value(|r| check(r, &again)))
                        }
                        Err(detail) => {
                            // The details, for the site's web team.
                            web_sys::console::error_1(
                                &format!("Plaza: the re-count failed: {detail}").into(),
                            );
                            Err(s.verify_engine_failed.to_owned())
                        }
                    },
                    Err(e) => Err(e.message(s)),
                };
                outcome.set(Some(match done {
                    Ok(c) => Outcome::Done(c),
                    Err(reason) => Outcome::Failed(reason),
                }));
            });
        }
    };
    let number = move |n: u32| ui.number(u64::from(n));
    let search: RwSignal<Option<Search>> = RwSignal::new(None);
    let mine = StoredValue::new(mine);
    let labels = StoredValue::new(labels);
    let listed =
        move |ranking: &[String]| labels.with_value(|l| l.listed(ranking, s.list_separator));
    // Looks for `tracker` among the published ballots, to compare with
    // `expected` if anything is known of the ballot cast under it.
    let find = {
        let tasks = tasks.clone();
        move |tracker: String, expected: Option<Expected>| {
            if matches!(search.get_untracked(), Some(Search::Running)) {
                return;
            }
            search.set(Some(Search::Running));
            tasks.spawn(async move {
                let poll_id = results.with_value(|r| r.poll_id.clone());
                // Ballots that start like it, not the whole set, nor only it.
                let published = results.with_value(|r| whole(&r.total_ballots));
                let prefix = search_prefix(&tracker, published);
                let cdf = backend
                    .0
                    .get_value()
                    .export_text(&poll_id, ExportFormat::Cdf, prefix.as_deref())
                    .await;
                let found = match cdf {
                    Ok(text) => {
                        // Err: the module could not run or read the
                        // ballots (its error, or an answer that is not one).
                        let found = match engine("find_ballot", &[&text, &tracker]).await {
                            Ok(answer) => json::from_text::<Found>(&answer)
                                .ok()
                                .filter(|f| f.error.is_none())
                                .map(|f| f.ranking)
                                .ok_or(answer),
                            Err(detail) => Err(detail),
                        };
                        match (found, &expected) {
                            (Ok(Some(r)), None) => Search::Found(r),
                            (Ok(Some(r)), Some(e)) if e.sent.as_ref() == Some(&r) => {
                                Search::AsCast(r)
                            }
                            (Ok(Some(r)), Some(e)) if e.recorded == r => Search::AsRecorded(r),
                            (Ok(Some(r)), Some(_)) => Search::Different(r),
                            (Ok(None), _) => Search::Missing,
                            (Err(detail), _) => {
                                web_sys::console::error_1(
                                    &format!("Plaza: the ballot search failed: {detail}").into(),
                                );
                                Search::Failed(s.verify_engine_failed.to_owned())
                            }
                        }
                    }
                    Err(e) => Search::Failed(e.message(s)),
                };
                search.set(Some(found));
            });
        }
    };
    let known = mine.with_value(Option::is_some);
    let running = move || matches!(search.get(), Some(Search::Running)).to_string();
    // With the ballot this device cast: one button. Without (another
    // device, or "forget me"): the tracker the receipt showed, typed.
    let find_controls = if known {
        let find = find.clone();
        let part = use_context::<Participation>();
        let find_mine = move |_| {
            if let Some(ballot) = mine.get_value() {
                let poll_id = results.with_value(|r| r.poll_id.clone());
                let sent = part.and_then(|p| {
                    p.device
                        .try_with_value(|d| d.cast(&poll_id, &ballot.receipt.tracker))
                        .flatten()
                });
                let expected = Expected {
                    sent,
                    recorded: ballot.ranking,
                };
                find(ballot.receipt.tracker, Some(expected));
            }
        };
        view! {
            <p>{s.verify_find_intro}</p>
            <button type="button" class="plaza-button" on:click=find_mine aria-disabled=running>
                {s.verify_find_button}
            </button>
        }
        .into_any()
    } else {
        let typed = RwSignal::new(String::new());
        let invalid = RwSignal::new(false);
        let field = NodeRef::<leptos::html::Input>::new();
        let find_typed = move |e: leptos::ev::SubmitEvent| {
            e.prevent_default();
            match typed_tracker(&typed.get_untracked()) {
                Some(tracker) => {
                    invalid.set(false);
                    find(tracker, None);
                }
                None => {
                    invalid.set(true);
                    if let Some(input) = field.get_untracked() {
                        let _ = input.focus();
                    }
                }
            }
        };
        view! {
            <form class="plaza-find-form" on:submit=find_typed novalidate>
                <div class="plaza-field">
                    <label for="plaza-find-tracker">{s.verify_tracker_label}</label>
                    <p id="plaza-find-tracker-hint" class="plaza-hint">{s.verify_find_typed_intro}</p>
                    <input
                        type="text"
                        id="plaza-find-tracker"
                        node_ref=field
                        dir="ltr"
                        autocomplete="off"
                        autocapitalize="characters"
                        spellcheck="false"
                        maxlength=MAX_TYPED_TRACKER_CHARS.to_string()
                        aria-invalid=move || invalid.get().to_string()
                        aria-describedby=move || if invalid.get() {
                            "plaza-find-tracker-hint plaza-find-tracker-error"
                        } else {
                            "plaza-find-tracker-hint"
                        }
                        prop:value=move || typed.get()
                        on:input=move |e| typed.set(event_target_value(&e))
                    />
                    <p id="plaza-find-tracker-error" class="plaza-field-error" hidden=move || !invalid.get()>
                        {s.verify_tracker_invalid}
                    </p>
                </div>
                <button type="submit" class="plaza-button" aria-disabled=running>
                    {s.verify_find_typed_button}
                </button>
            </form>
        }
        .into_any()
    };
    let find_block = {
        view! {
            {find_controls}
            <div role="status" class="plaza-find-outcome">
                {move || search.get().map(|found| match found {
                    Search::Running => view! { <p>{s.verify_finding}</p> }.into_any(),
                    Search::AsCast(r) => view! {
                        <p><strong>{fill(s.verify_found, &[("ranking", &listed(&r))])}</strong></p>
                    }.into_any(),
                    Search::AsRecorded(r) => view! {
                        <p><strong>{fill(s.verify_found_recorded, &[("ranking", &listed(&r))])}</strong></p>
                    }.into_any(),
                    Search::Different(r) => view! {
                        <p class="plaza-differs">{fill(s.verify_found_different, &[("ranking", &listed(&r))])}</p>
                    }.into_any(),
                    Search::Found(r) => view! {
                        <p><strong>{fill(s.verify_found_typed, &[("ranking", &listed(&r))])}</strong></p>
                    }.into_any(),
                    Search::Missing => view! {
                        <p class="plaza-differs">{if known { s.verify_not_found } else { s.verify_not_found_typed }}</p>
                    }.into_any(),
                    Search::Failed(reason) => view! {
                        <p class="plaza-state-failed">{fill(s.verify_failed, &[("reason", &reason)])}</p>
                    }.into_any(),
                })}
            </div>
        }
    };
    view! {
        <div class="plaza-verify">
            <Heading depth=3>{s.verify_heading}</Heading>
            <p>{s.verify_intro}</p>
            <button type="button" class="plaza-button" on:click=run
                aria-disabled=move || matches!(outcome.get(), Some(Outcome::Running)).to_string()
            >{s.verify_button}</button>
            <div role="status" class="plaza-verify-outcome">
                {move || outcome.get().map(|o| match o {
                    Outcome::Running => view! { <p>{s.verify_running}</p> }.into_any(),
                    Outcome::Failed(reason) => view! {
                        <p class="plaza-state-failed">{fill(s.verify_failed, &[("reason", &reason)])}</p>
                    }.into_any(),
                    Outcome::Done(c) => {
                        let summary = if c.agrees() { s.verify_agrees } else { s.verify_differs };
                        let rounds = c.rounds.iter().map(|(n, same)| {
                            let text = fill(
                                if *same { s.verify_round_same } else { s.verify_round_differs },
                                &[("n", &number(*n))],
                            );
                            view! { <li class:plaza-differs=!*same>{text}</li> }
                        }).collect_view();
                        let other_rules = (!c.as_announced).then(|| view! { <p>{s.verify_not_as_announced}</p> });
                        view! {
                            <p><strong>{summary}</strong></p>
                            {other_rules}
                            <ul>{rounds}</ul>
                        }.into_any()
                    }
                })}
            </div>
            {find_block}
            {match links {
                (Some(json), Some(cdf)) => Some(view! {
                    <ul class="plaza-downloads">
                        <li><a href=json download=ExportFormat::Plaza.file_name(&poll_id)>{s.verify_download_json}</a></li>
                        <li><a href=cdf download=ExportFormat::Cdf.file_name(&poll_id)>{s.verify_download_cdf}</a></li>
                    </ul>
                }),
                _ => None,
            }}
        </div>
    }
}
