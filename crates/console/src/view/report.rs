//! The report for the council: what the deliberation was, who took part
//! and when, what they argued and proposed, how the vote was counted round
//! by round, and what moderation did. Prints well; downloads as CSV and JSON.

use leptos::prelude::*;
use plaza_contract::{
    Activity, Argument, Deliberation, ModerationLogEntry, Operation, Poll, PollResults, Proposal,
    Stance, Timestamp,
};
use serde::Serialize;
use wasm_bindgen::JsValue;

use super::task::{focus_when_drawn, load, Loaded, Tasks};
use super::{object_url, with_value, Ctx, Failed, Picked, Screen, ScrollTable};
use crate::client::Client;
use crate::error::ConsoleError;
use crate::i18n::fill;
use crate::report::{contributions_csv, moderation_summary, round_account};

/// Everything the report shows, as read from the backend (and downloaded as JSON).
#[derive(Debug, Clone, Serialize)]
pub struct ReportData {
    pub deliberation: Deliberation,
    pub arguments: Vec<Argument>,
    pub proposals: Vec<Proposal>,
    pub poll: Option<Poll>,
    /// `None` while the poll's results are not published.
    pub results: Option<PollResults>,
    pub moderation: Vec<ModerationLogEntry>,
    /// What residents did, by day (replies and ballots included); `None`
    /// from a backend that does not count it (one written before
    /// `getActivity`): the rest of the report does not need it.
    pub activity: Option<Activity>,
}

/// The poll and its results, `None` where there are none (yet).
async fn read_vote(
    client: &Client,
    poll_id: Option<&str>,
) -> Result<(Option<Poll>, Option<PollResults>), ConsoleError> {
    let Some(poll_id) = poll_id else {
        return Ok((None, None));
    };
    let params = [poll_id];
    let (poll, results) = futures::join!(
        client.read::<Poll>(Operation::GetPoll, &params, &[]),
        client.read::<PollResults>(Operation::GetResults, &params, &[]),
    );
    let results = match results {
        Ok(results) => Some(results),
        Err(ConsoleError::NotAvailable) => None,
        Err(e) => return Err(e),
    };
    Ok((Some(poll?), results))
}

/// Reads side by side (a report of a long deliberation is several pages of
/// each list); the poll, once the deliberation has named it.
async fn read_report(client: Client, id: String) -> Result<ReportData, ConsoleError> {
    let params = [id.as_str()];
    let documents = async {
        let deliberation: Deliberation = client
            .read(Operation::GetDeliberation, &params, &[])
            .await?;
        let vote = read_vote(&client, deliberation.poll_id.as_deref()).await?;
        Ok::<_, ConsoleError>((deliberation, vote))
    };
    let (documents, arguments, proposals, moderation, activity) = futures::join!(
        documents,
        client.read_all::<Argument>(Operation::ListArguments, &params),
        client.read_all::<Proposal>(Operation::ListProposals, &params),
        client.read_all::<ModerationLogEntry>(Operation::ListPublicModerationLog, &params),
        client.read::<Activity>(Operation::GetActivity, &params, &[]),
    );
    let (deliberation, (poll, results)) = documents?;
    let activity = match activity {
        Ok(activity) => Some(activity),
        // A backend written before the route: the deliberation itself was
        // found, so the report stands without it.
        Err(ConsoleError::NotFound) => None,
        Err(e) => return Err(e),
    };
    Ok(ReportData {
        deliberation,
        arguments: arguments?,
        proposals: proposals?,
        poll,
        results,
        moderation: moderation?,
        activity,
    })
}

#[component]
pub fn Report(id: String, screen: RwSignal<Screen>) -> impl IntoView {
    let ctx = Ctx::get();
    let t = ctx.t;
    let data = RwSignal::new(Loaded::<ReportData>::None);
    let tasks = Tasks::of_current();
    let load = {
        let id = id.clone();
        Callback::new(move |()| {
            load(&tasks, data, read_report(ctx.client(), id.clone()));
        })
    };
    load.run(());
    let heading = NodeRef::<leptos::html::H1>::new();
    focus_when_drawn(heading);
    let back = move |_| screen.set(Screen::Run(id.clone()));
    view! {
        <section class="console-screen console-report" aria-labelledby="console-report-heading">
            <button type="button" class="console-back console-no-print" on:click=back>{t.back_to_run}</button>
            {move || match data.get() {
                None => view! { <p role="status">{t.loading}</p> }.into_any(),
                Some(Err(error)) => view! { <Failed error retry=load/> }.into_any(),
                Some(Ok(report)) => view! { <Body report heading/> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn Body(report: ReportData, heading: NodeRef<leptos::html::H1>) -> impl IntoView {
    let ctx = Ctx::get();
    let t = ctx.t;
    let d = &report.deliberation;
    let title = ctx.pick(&d.title);
    let csv = contributions_csv(&report.arguments, &report.proposals);
    let json = serde_json::to_string_pretty(&report).unwrap_or_default();
    let csv_url = object_url(&csv, "text/csv;charset=utf-8");
    let json_url = object_url(&json, "application/json");
    {
        let urls = [csv_url.clone(), json_url.clone()];
        on_cleanup(move || {
            for url in urls.into_iter().flatten() {
                let _ = web_sys::Url::revoke_object_url(&url);
            }
        });
    }
    let file = format!("plaza-report-{}", d.id);
    let today = format_date(js_sys::Date::now(), &ctx.locale(), true);
    view! {
        <h1 id="console-report-heading" tabindex="-1" node_ref=heading>
            {with_value(t.report_heading, "title", title.text.clone())}
        </h1>
        <p>{fill(t.report_prepared, &[("date", &today)])}</p>
        <div class="console-actions console-no-print">
            <button type="button" class="console-primary" on:click=|_| print()>{t.print}</button>
            {csv_url.map(|url| view! { <a class="console-download" href=url download=format!("{file}.csv")>{t.download_csv}</a> })}
            {json_url.map(|url| view! { <a class="console-download" href=url download=format!("{file}.json")>{t.download_json}</a> })}
        </div>
        <Summary report=report.clone()/>
        <Participation report=report.clone()/>
        <Arguments arguments=report.arguments.clone()/>
        <Proposals proposals=report.proposals.clone()/>
        <Results poll=report.poll.clone() results=report.results.clone()/>
        <Moderation entries=report.moderation/>
    }
}

#[component]
fn Summary(report: ReportData) -> impl IntoView {
    let ctx = Ctx::get();
    let t = ctx.t;
    let locale = ctx.locale();
    let d = report.deliberation;
    let place = ctx.pick(&d.place.name);
    let summary = ctx.pick(&d.summary);
    let decides = d.decision.as_ref().map(|dec| ctx.pick(&dec.by));
    let counts = fill(
        t.report_counts,
        &[
            ("participants", &ctx.number(d.counts.participants)),
            ("for", &ctx.number(d.counts.arguments_for)),
            ("against", &ctx.number(d.counts.arguments_against)),
            ("replies", &ctx.number(d.counts.comments)),
        ],
    );
    view! {
        <section class="console-panel" aria-labelledby="report-summary">
            <h2 id="report-summary">{t.report_summary}</h2>
            <p lang=summary.lang dir="auto">{summary.text}</p>
            <dl class="console-facts">
                <dt>{t.report_place}</dt>
                <dd>
                    <span lang=place.lang dir="auto">{place.text}</span>
                    {d.place.address.clone().map(|a| view! { <br/><span dir="auto">{a}</span> })}
                </dd>
                {decides.map(|by: Picked| view! {
                    <dt>{t.report_decides}</dt>
                    <dd lang=by.lang dir="auto">{by.text}</dd>
                })}
                <dt>{t.report_phases}</dt>
                <dd>
                    <ul>
                        {d.phases.iter().map(|p| view! {
                            <li>{t.phase(p.kind)} " · " {format_day(p.starts_at.local_date(), &locale)}</li>
                        }).collect_view()}
                    </ul>
                </dd>
            </dl>
            <p>{counts}</p>
        </section>
    }
}

#[component]
fn Participation(report: ReportData) -> impl IntoView {
    let ctx = Ctx::get();
    let t = ctx.t;
    let locale = ctx.locale();
    let days = report.activity.map(|a| a.days);
    // A day as the backend wrote it, in the reader's language.
    let day_name = move |day: &str| {
        Timestamp::try_from(format!("{day}T00:00:00Z")).map_or_else(
            |_| day.to_owned(),
            |at| format_day(at.local_date(), &locale),
        )
    };
    view! {
        <section class="console-panel" aria-labelledby="report-participation">
            <h2 id="report-participation">{t.report_participation}</h2>
            {match days {
                None => view! { <p>{t.report_activity_unavailable}</p> }.into_any(),
                Some(days) if days.is_empty() => view! { <p>{t.report_no_activity}</p> }.into_any(),
                Some(days) => view! {
                    <p class="console-meta">{t.report_days_utc}</p>
                    <ScrollTable labelledby="report-participation">
                        <table class="console-log">
                            <thead><tr>
                                <th scope="col">{t.report_day}</th>
                                <th scope="col">{t.stance_for}</th>
                                <th scope="col">{t.stance_against}</th>
                                <th scope="col">{t.report_replies_column}</th>
                                <th scope="col">{t.report_proposals_column}</th>
                                <th scope="col">{t.report_ballots_column}</th>
                            </tr></thead>
                            <tbody>
                                {days.into_iter().map(|day| view! {
                                    <tr>
                                        <th scope="row">{day_name(&day.day)}</th>
                                        <td>{day.arguments_for}</td>
                                        <td>{day.arguments_against}</td>
                                        <td>{day.replies}</td>
                                        <td>{day.proposals}</td>
                                        <td>{day.ballots}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </ScrollTable>
                }.into_any(),
            }}
        </section>
    }
}

#[component]
fn Arguments(arguments: Vec<Argument>) -> impl IntoView {
    let ctx = Ctx::get();
    let t = ctx.t;
    let side = move |stance: Stance, heading: &'static str| {
        let mut these: Vec<Argument> = arguments
            .iter()
            .filter(|a| a.stance == stance)
            .cloned()
            .collect();
        these
            .sort_by_key(|a| std::cmp::Reverse((a.reactions.helpful, a.reactions.changed_my_mind)));
        view! {
            <h3>{heading} " (" {these.len()} ")"</h3>
            <ul class="console-report-list">
                {these.into_iter().map(|a| view! {
                    <li>
                        <p lang=a.lang.clone() dir="auto">{a.text.clone().unwrap_or_default()}</p>
                        <p class="console-meta">{fill(t.report_reactions, &[
                            ("helpful", &ctx.number(a.reactions.helpful)),
                            ("changed", &ctx.number(a.reactions.changed_my_mind)),
                            ("replies", &ctx.number(a.comment_count)),
                        ])}</p>
                    </li>
                }).collect_view()}
            </ul>
        }
    };
    view! {
        <section class="console-panel" aria-labelledby="report-arguments">
            <h2 id="report-arguments">{t.report_arguments}</h2>
            {side(Stance::For, t.stance_for)}
            {side(Stance::Against, t.stance_against)}
        </section>
    }
}

#[component]
fn Proposals(proposals: Vec<Proposal>) -> impl IntoView {
    let t = Ctx::get().t;
    view! {
        <section class="console-panel" aria-labelledby="report-proposals">
            <h2 id="report-proposals">{t.report_proposals}</h2>
            {if proposals.is_empty() {
                view! { <p>{t.report_no_proposals}</p> }.into_any()
            } else {
                view! {
                    <ul class="console-report-list">
                        {proposals.into_iter().map(|p| view! {
                            <li>
                                <p lang=p.lang.clone() dir="auto"><strong>{p.title.clone().unwrap_or_default()}</strong></p>
                                <p lang=p.lang.clone() dir="auto">{p.description.clone().unwrap_or_default()}</p>
                                <p class="console-meta">{t.decision(p.decision)}</p>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn Results(poll: Option<Poll>, results: Option<PollResults>) -> impl IntoView {
    let ctx = Ctx::get();
    let t = ctx.t;
    let Some(poll) = poll else {
        return view! {
            <section class="console-panel" aria-labelledby="report-results">
                <h2 id="report-results">{t.report_results}</h2>
                <p>{t.no_poll}</p>
            </section>
        }
        .into_any();
    };
    let labels: Vec<(String, String)> = poll
        .options
        .iter()
        .map(|o| (o.id.clone(), ctx.pick(&o.label).text))
        .collect();
    let label = move |id: &str| {
        labels
            .iter()
            .find(|(option, _)| option == id)
            .map_or_else(|| id.to_owned(), |(_, l)| l.clone())
    };
    let question = ctx.pick(&poll.question);
    view! {
        <section class="console-panel" aria-labelledby="report-results">
            <h2 id="report-results">{t.report_results}</h2>
            <p class="console-question" lang=question.lang dir="auto">{question.text}</p>
            {match results {
                None => view! { <p>{t.report_results_unavailable}</p> }.into_any(),
                Some(results) => {
                    let winners = results.winners.iter().map(|w| label(w)).collect::<Vec<_>>().join(", ");
                    view! {
                        <p><strong>{fill(t.report_winners, &[("options", &winners)])}</strong></p>
                        {results.rounds.iter().map(|round| {
                            let mut tally: Vec<(String, String)> = round
                                .tally
                                .iter()
                                .map(|(id, votes)| (label(id), votes.to_string()))
                                .collect();
                            tally.sort_by(|a, b| {
                                let n = |s: &str| s.parse::<f64>().unwrap_or(0.0);
                                n(&b.1).total_cmp(&n(&a.1))
                            });
                            let tally: Vec<(String, String)> =
                                tally.into_iter().map(|(option, votes)| (option, ctx.decimal(&votes))).collect();
                            let heading = fill(t.report_round, &[("round", &round.round.to_string())]);
                            let account = round_account(t, round, &label, &|n: &str| ctx.decimal(n));
                            view! {
                                <h3>{heading.clone()}</h3>
                                <table class="console-log" aria-label=heading>
                                    <thead><tr>
                                        <th scope="col">{t.report_option}</th>
                                        <th scope="col">{t.report_votes}</th>
                                    </tr></thead>
                                    <tbody>
                                        {tally.into_iter().map(|(name, votes)| view! {
                                            <tr><th scope="row" dir="auto">{name}</th><td>{votes}</td></tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                                {account.into_iter().map(|s| view! { <p>{s}</p> }).collect_view()}
                            }
                        }).collect_view()}
                    }.into_any()
                }
            }}
        </section>
    }
    .into_any()
}

#[component]
fn Moderation(entries: Vec<ModerationLogEntry>) -> impl IntoView {
    let ctx = Ctx::get();
    let t = ctx.t;
    let summary = moderation_summary(&entries);
    view! {
        <section class="console-panel" aria-labelledby="report-moderation">
            <h2 id="report-moderation">{t.report_moderation}</h2>
            <ul class="console-report-list">
                {if summary.hidden.is_empty() {
                    view! { <li>{t.report_no_moderation}</li> }.into_any()
                } else {
                    summary.hidden.iter().map(|(reason, count)| view! {
                        <li>{fill(t.report_hidden_for, &[
                            ("reason", reason.map_or(t.report_without_reason, |r| t.reason(r))),
                            ("count", &ctx.number(*count)),
                        ])}</li>
                    }).collect_view().into_any()
                }}
                <li>{fill(t.report_restored, &[("count", &ctx.number(summary.restored))])}</li>
                <li>{fill(t.report_staff_changes, &[
                    ("phases", &ctx.number(summary.phase_changes)),
                    ("polls", &ctx.number(summary.poll_changes)),
                ])}</li>
            </ul>
        </section>
    }
}

fn print() {
    if let Some(window) = web_sys::window() {
        let _ = window.print();
    }
}

/// A calendar day as the city wrote it, in the reader's language.
fn format_day((year, month, day): (i32, u32, u32), lang: &str) -> String {
    let millis = js_sys::Date::utc(f64::from(year), f64::from(month) - 1.0)
        + (f64::from(day) - 1.0) * 86_400_000.0;
    format_date(millis, lang, false)
}

/// `millis` as a date (in UTC unless `local`), in the reader's language.
fn format_date(millis: f64, lang: &str, local: bool) -> String {
    let date = js_sys::Date::new(&JsValue::from_f64(millis));
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"dateStyle".into(), &"long".into());
    if !local {
        let _ = js_sys::Reflect::set(&options, &"timeZone".into(), &"UTC".into());
    }
    date.to_locale_date_string(lang, &options).into()
}
