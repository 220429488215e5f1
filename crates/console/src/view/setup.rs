//! The set-up form: a deliberation and its poll, created or edited in
//! every language the city uses, with each problem next to its field and
//! listed above the form; saved through the contract's import, which
//! creates or replaces them and refuses a change that would alter how cast
//! ballots count. After saving, the widget itself shows the result.

use std::collections::HashMap;

use leptos::prelude::*;
use plaza_contract::{
    Capabilities, ChallengeArea, Deliberation, Eligibility, ImportReport, Operation, PhaseKind,
    Poll, ResultsVisibility, SocialFunction, VotingMethod,
};
use wasm_bindgen::JsCast;

use super::task::{self, focus_when_drawn, Loaded, Tasks};
use super::{remove_preview, with_value, Ctx, Failed, Previewed, Screen};
use crate::error::ConsoleError;
use crate::i18n::{fill, language_name};
use crate::setup::{field, languages_of, phase_key, seed, Draft, Problem, Texts};
use send_wrapper::SendWrapper;

const SOCIAL_FUNCTIONS: [SocialFunction; 6] = [
    SocialFunction::Living,
    SocialFunction::Working,
    SocialFunction::Supplying,
    SocialFunction::Caring,
    SocialFunction::Learning,
    SocialFunction::Enjoying,
];
const CHALLENGE_AREAS: [ChallengeArea; 5] = [
    ChallengeArea::Ecological,
    ChallengeArea::Social,
    ChallengeArea::Cultural,
    ChallengeArea::Economic,
    ChallengeArea::Resilience,
];

/// The form's state, shared by its parts.
#[derive(Clone, Copy)]
struct Form {
    draft: RwSignal<Draft>,
    problems: RwSignal<Vec<Problem>>,
    /// Field id → its label, for the list of problems above the form.
    labels: StoredValue<HashMap<String, String>>,
    /// An element to focus once it is drawn (after a list changed).
    focus: RwSignal<Option<String>>,
}

impl Form {
    fn problem(&self, id: &str) -> Option<String> {
        let t = Ctx::get().t;
        self.problems.with(|ps| {
            ps.iter()
                .find(|p| p.field == id)
                .map(|p| t.problem(&p.kind))
        })
    }
}

/// The element id of a form field.
fn dom_id(field: &str) -> String {
    format!("setup-{}", field.replace('.', "-"))
}

async fn load(ctx: Ctx, id: Option<String>) -> Result<Draft, ConsoleError> {
    let client = ctx.client();
    let city: Vec<String> = match ctx.languages.get_value() {
        Some(languages) => languages,
        None => {
            let capabilities: Capabilities =
                client.read(Operation::GetCapabilities, &[], &[]).await?;
            capabilities.locales
        }
    };
    let fallback = vec![ctx.t.tag.to_owned()];
    let city = if city.is_empty() { fallback } else { city };
    match id {
        None => Ok(Draft::new(languages_of(&city, None))),
        Some(id) => {
            let d: Deliberation = client.read(Operation::GetDeliberation, &[&id], &[]).await?;
            let poll: Option<Poll> = match &d.poll_id {
                Some(poll) => Some(client.read(Operation::GetPoll, &[poll], &[]).await?),
                None => None,
            };
            let languages = languages_of(&city, Some(&d));
            Ok(Draft::of(&d, poll.as_ref(), languages))
        }
    }
}

#[component]
pub fn Setup(id: Option<String>, screen: RwSignal<Screen>) -> impl IntoView {
    let ctx = Ctx::get();
    let t = ctx.t;
    let loaded = RwSignal::new(Loaded::<Draft>::None);
    let tasks = Tasks::of_current();
    let reload = {
        let id = id.clone();
        let tasks = tasks.clone();
        Callback::new(move |()| task::load(&tasks, loaded, load(ctx, id.clone())))
    };
    reload.run(());
    // Once saved, a new deliberation is one to run.
    let saved = RwSignal::new(id.clone());
    let back = move |_| {
        screen.set(match saved.get_untracked() {
            Some(id) => Screen::Run(id),
            None => Screen::List,
        })
    };
    view! {
        <section class="console-screen console-setup" aria-labelledby="console-setup-heading">
            <button type="button" class="console-back" on:click=back>
                {move || if saved.with(Option::is_some) { t.back_to_run } else { t.back_to_list }}
            </button>
            {move || match loaded.get() {
                None => view! { <p role="status">{t.loading}</p> }.into_any(),
                Some(Err(error)) => view! { <Failed error retry=reload/> }.into_any(),
                Some(Ok(draft)) => view! { <SetupForm draft on_saved=Callback::new(move |id| saved.set(Some(id)))/> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn SetupForm(draft: Draft, on_saved: Callback<String>) -> impl IntoView {
    let ctx = Ctx::get();
    let t = ctx.t;
    let tasks = Tasks::of_current();
    let is_new = draft.is_new;
    let title = ctx.pick(&plaza_contract::LocalizedText::new(draft.title.clone()));
    let form = Form {
        draft: RwSignal::new(draft),
        problems: RwSignal::new(Vec::new()),
        labels: StoredValue::new(HashMap::new()),
        focus: RwSignal::new(None),
    };
    let heading = NodeRef::<leptos::html::H1>::new();
    let anchor = NodeRef::<leptos::html::Form>::new();
    focus_when_drawn(heading);
    // Focus an element once it is drawn: a new list entry, the summary.
    Effect::new(move |_| {
        let Some(id) = form.focus.get() else { return };
        let Some(anchor) = anchor.get() else { return };
        leptos::prelude::request_animation_frame(move || {
            focus_in(&anchor, &id);
        });
        form.focus.set(None);
    });
    let saving = RwSignal::new(false);
    let preview = RwSignal::new(None::<Previewed>);
    let failed = RwSignal::new(None::<String>);
    // The documents of the draft, or its problems listed and focused.
    let build = move || {
        failed.set(None);
        match form.draft.with_untracked(|d| d.build(utc_offset_minutes())) {
            Err(problems) => {
                form.problems.set(problems);
                form.focus.set(Some("setup-problems".into()));
                None
            }
            Ok(documents) => {
                form.problems.set(Vec::new());
                Some(documents)
            }
        }
    };
    let try_out = move |_| {
        let Some(draft) = build().and_then(as_preview) else {
            return;
        };
        preview.set(Some(draft));
        form.focus.set(Some("setup-preview-heading".into()));
    };
    // Once shown, the draft's preview follows the form: redrawn when typing
    // pauses, if the draft has no problem (they are listed on request only).
    let pending = StoredValue::new(None::<TimeoutHandle>);
    let cancel_redraw = move || {
        if let Some(waiting) = pending.try_get_value().flatten() {
            waiting.clear();
        }
    };
    Effect::new(move |first: Option<()>| {
        form.draft.track();
        let previewing = matches!(preview.get_untracked(), Some(Previewed::Draft { .. }));
        if first.is_none() || !previewing {
            return;
        }
        cancel_redraw();
        let redraw = move || {
            // Saved (or closed) meanwhile: the draft is no longer shown.
            let still = preview.try_with_untracked(|p| matches!(p, Some(Previewed::Draft { .. })));
            if still != Some(true) {
                return;
            }
            let built = form
                .draft
                .try_with_untracked(|d| d.build(utc_offset_minutes()));
            if let Some(draft) = built.and_then(Result::ok).and_then(as_preview) {
                preview.try_set(Some(draft));
            }
        };
        pending.set_value(set_timeout_with_handle(redraw, REDRAW_AFTER).ok());
    });
    on_cleanup(cancel_redraw);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if saving.get_untracked() {
            return;
        }
        cancel_redraw();
        preview.set(None);
        match build() {
            None => {}
            Some((deliberation, poll)) => {
                saving.set(true);
                let id = deliberation.id.clone();
                let client = ctx.client();
                tasks.spawn(async move {
                    let answer: Result<ImportReport, _> = client
                        .write(Operation::ImportSeed, &[], &seed(deliberation, poll))
                        .await;
                    saving.try_set(false);
                    match answer {
                        Ok(_) => {
                            form.draft.try_update(|d| {
                                d.is_new = false;
                                d.id = id.clone();
                            });
                            on_saved.run(id.clone());
                            preview.try_set(Some(Previewed::Saved(id)));
                            form.focus.try_set(Some("setup-saved".into()));
                        }
                        Err(e) => {
                            failed.try_set(Some(e.message(t)));
                            form.focus.try_set(Some("setup-problems".into()));
                        }
                    }
                });
            }
        }
    };
    let languages = form.draft.with_untracked(|d| d.languages.clone());
    let language_list = languages
        .iter()
        .map(|l| language_name(l).to_owned())
        .collect::<Vec<_>>()
        .join(", ");
    view! {
        <h1 id="console-setup-heading" tabindex="-1" node_ref=heading>
            {if is_new {
                t.setup_heading_new.into_any()
            } else {
                with_value(t.setup_heading_edit, "title", title.text).into_any()
            }}
        </h1>
        <p>{t.setup_intro} " (" {language_list} ")"</p>
        <Summary form failed/>
        <form node_ref=anchor on:submit=submit novalidate=true class="console-form">
            {is_new.then(|| view! { <IdField form/> })}
            <fieldset class="console-panel">
                <legend>{t.setup_texts}</legend>
                {localized(form, "title", t.setup_title, false, |d| &d.title, |d| &mut d.title)}
                {localized(form, "summary", t.setup_summary, true, |d| &d.summary, |d| &mut d.summary)}
                {localized(form, "body", t.setup_body, true, |d| &d.body, |d| &mut d.body)}
            </fieldset>
            <fieldset class="console-panel">
                <legend>{t.setup_place}</legend>
                {localized(form, "place_name", t.setup_place_name, false, |d| &d.place_name, |d| &mut d.place_name)}
                {text(form, "address".into(), t.setup_address.into(), None, Input::Text, move |d| d.address.clone(), |d, v| d.address = v)}
                <p class="console-hint" id="setup-coordinates-hint">{t.setup_coordinates_hint}</p>
                {text(form, "latitude".into(), t.setup_latitude.into(), None, Input::Decimal, |d| d.latitude.clone(), |d, v| d.latitude = v)}
                {text(form, "longitude".into(), t.setup_longitude.into(), None, Input::Decimal, |d| d.longitude.clone(), |d, v| d.longitude = v)}
                {text(form, "image_url".into(), t.setup_image_url.into(), None, Input::Url, |d| d.image_url.clone(), |d, v| d.image_url = v)}
                {localized(form, "image_alt", t.setup_image_alt, false, |d| &d.image_alt, |d| &mut d.image_alt)}
                {text(form, "image_credit".into(), t.setup_image_credit.into(), None, Input::Text, |d| d.image_credit.clone(), |d, v| d.image_credit = v)}
            </fieldset>
            <fieldset class="console-panel">
                <legend>{t.setup_decision}</legend>
                {localized(form, "decides", t.setup_decides, false, |d| &d.decides, |d| &mut d.decides)}
                {text(form, "decision_date".into(), t.setup_decision_date.into(), None, Input::Date, |d| d.decision_date.clone(), |d, v| d.decision_date = v)}
            </fieldset>
            <Phases form is_new/>
            <Themes form/>
            <FollowUps form/>
            <PollFields form/>
            <p>
                <button type="submit" class="console-primary" aria-disabled=move || saving.get().to_string()>
                    {move || if saving.get() { t.setup_saving } else { t.setup_save }}
                </button>
                " "
                <button type="button" on:click=try_out>{t.setup_try}</button>
            </p>
        </form>
        {move || preview.get().map(|what| view! { <Preview what/> })}
    }
}

/// How long typing pauses before the draft's preview is redrawn.
const REDRAW_AFTER: std::time::Duration = std::time::Duration::from_millis(800);

/// The reader's offset from UTC, for the dates they type.
fn utc_offset_minutes() -> i32 {
    -(js_sys::Date::new_0().get_timezone_offset() as i32)
}

/// A draft without problems, as the preview's seed document.
fn as_preview((deliberation, poll): (Deliberation, Option<Poll>)) -> Option<Previewed> {
    let id = deliberation.id.clone();
    let seed = serde_json::to_string(&seed(deliberation, poll)).ok()?;
    Some(Previewed::Draft { id, seed })
}

/// Focuses the element with `id` in the console's shadow root.
fn focus_in(anchor: &web_sys::HtmlElement, id: &str) {
    let root = anchor.get_root_node();
    let found = root
        .dyn_ref::<web_sys::ShadowRoot>()
        .and_then(|r| r.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(element) = found {
        let _ = element.focus();
    }
}

/// The problems above the form: each a button to its field.
#[component]
fn Summary(form: Form, failed: RwSignal<Option<String>>) -> impl IntoView {
    let t = Ctx::get().t;
    let anchor = NodeRef::<leptos::html::Div>::new();
    view! {
        <div id="setup-problems" class="console-summary" tabindex="-1" node_ref=anchor
            role="group" aria-labelledby="setup-problems-heading"
            hidden=move || form.problems.with(Vec::is_empty) && failed.with(Option::is_none)>
            <h2 id="setup-problems-heading">{t.setup_problems}</h2>
            {move || failed.get().map(|f| view! { <p class="console-error">{f}</p> })}
            <ul>
                {move || form.problems.get().into_iter().map(|p| {
                    let label = form.labels.with_value(|l| l.get(&p.field).cloned()).unwrap_or_default();
                    let message = t.problem(&p.kind);
                    let target = dom_id(&p.field);
                    view! {
                        <li>
                            <button type="button" class="console-link" on:click=move |_| {
                                if let Some(a) = anchor.get_untracked() {
                                    focus_in(&a, &target);
                                }
                            }>{label} ": " {message}</button>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </div>
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Input {
    Text,
    Long,
    Decimal,
    Whole,
    Url,
    Date,
    DateTime,
}

/// A labelled field with its problem under it.
#[allow(clippy::too_many_arguments)]
fn text(
    form: Form,
    id: String,
    label: String,
    lang: Option<String>,
    kind: Input,
    get: impl Fn(&Draft) -> String + Send + Sync + Clone + 'static,
    set: impl Fn(&mut Draft, String) + Send + Sync + Clone + 'static,
) -> impl IntoView {
    form.labels.update_value(|l| {
        l.insert(id.clone(), label.clone());
    });
    let input_id = dom_id(&id);
    let error_id = format!("{input_id}-error");
    let problem = {
        let id = id.clone();
        Memo::new(move |_| form.problem(&id))
    };
    let described = {
        let error_id = error_id.clone();
        let hint =
            matches!(id.as_str(), "latitude" | "longitude").then_some("setup-coordinates-hint");
        move || {
            let mut ids: Vec<String> = hint.map(str::to_owned).into_iter().collect();
            if problem.with(Option::is_some) {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    let value = {
        let get = get.clone();
        move || form.draft.with(|d| get(d))
    };
    let on_input = move |ev: leptos::ev::Event| {
        let v = event_target_value(&ev);
        let set = set.clone();
        form.draft.update(|d| set(d, v));
    };
    let dir = lang.as_ref().map(|_| "auto");
    // The draft's value goes into the control only when it differs from
    // what the control shows: setting a date control's value while staff
    // type in it would restart the part they are typing.
    let control = if kind == Input::Long {
        let node = NodeRef::<leptos::html::Textarea>::new();
        sync_value(node, value);
        view! {
            <textarea id=input_id.clone() lang=lang.clone() dir=dir rows="4" node_ref=node
                aria-invalid=move || problem.with(Option::is_some).to_string()
                aria-describedby=described.clone()
                on:input=on_input></textarea>
        }
        .into_any()
    } else {
        let (ty, mode) = match kind {
            Input::Decimal => ("text", Some("decimal")),
            Input::Whole => ("text", Some("numeric")),
            Input::Url => ("url", None),
            Input::Date => ("date", None),
            Input::DateTime => ("datetime-local", None),
            Input::Text | Input::Long => ("text", None),
        };
        let node = NodeRef::<leptos::html::Input>::new();
        sync_value(node, value);
        view! {
            <input id=input_id.clone() type=ty inputmode=mode lang=lang.clone() dir=dir node_ref=node
                aria-invalid=move || problem.with(Option::is_some).to_string()
                aria-describedby=described.clone()
                on:input=on_input/>
        }
        .into_any()
    };
    view! {
        <div class="console-field console-field-stacked">
            <label for=input_id>{label}</label>
            {control}
            {move || problem.get().map(|p| view! { <p class="console-field-error" id=error_id.clone()>{p}</p> })}
        </div>
    }
}

/// Keeps a control's `value` property on the draft's, setting it only when
/// they differ.
fn sync_value<E>(node: NodeRef<E>, value: impl Fn() -> String + 'static)
where
    E: leptos::html::ElementType + 'static,
    E::Output: JsCast + Clone + 'static,
{
    Effect::new(move |_| {
        let wanted = value();
        let Some(element) = node.get() else { return };
        let element: &wasm_bindgen::JsValue = element.unchecked_ref();
        let key = wasm_bindgen::JsValue::from_str("value");
        let shown = js_sys::Reflect::get(element, &key)
            .ok()
            .and_then(|v| v.as_string());
        if shown.as_deref() != Some(wanted.as_str()) {
            let _ = js_sys::Reflect::set(element, &key, &wanted.into());
        }
    });
}

/// One field per language of the deliberation.
fn localized(
    form: Form,
    at: &'static str,
    label: &'static str,
    long: bool,
    get: fn(&Draft) -> &Texts,
    set: fn(&mut Draft) -> &mut Texts,
) -> impl IntoView {
    localized_at(
        form,
        at.to_owned(),
        label,
        long,
        move |d| Some(get(d)),
        move |d| Some(set(d)),
    )
}

fn localized_at(
    form: Form,
    at: String,
    label: &'static str,
    long: bool,
    get: impl Fn(&Draft) -> Option<&Texts> + Send + Sync + Clone + 'static,
    set: impl Fn(&mut Draft) -> Option<&mut Texts> + Send + Sync + Clone + 'static,
) -> impl IntoView {
    let languages = form.draft.with_untracked(|d| d.languages.clone());
    languages
        .into_iter()
        .map(|lang| {
            let (get, set) = (get.clone(), set.clone());
            let (l1, l2) = (lang.clone(), lang.clone());
            text(
                form,
                field(&[&at, &lang]),
                fill(label, &[("language", language_name(&lang))]),
                Some(lang.clone()),
                if long { Input::Long } else { Input::Text },
                move |d| get(d).and_then(|t| t.get(&l1).cloned()).unwrap_or_default(),
                move |d, v| {
                    if let Some(t) = set(d) {
                        t.insert(l2.clone(), v);
                    }
                },
            )
        })
        .collect_view()
}

#[component]
fn IdField(form: Form) -> impl IntoView {
    let t = Ctx::get().t;
    view! {
        <div class="console-panel">
            {text(form, "id".into(), t.setup_id.into(), None, Input::Text, |d| d.id.clone(), |d, v| d.id = v)}
            <p class="console-hint">{t.setup_id_hint}</p>
        </div>
    }
}

#[component]
fn Phases(form: Form, is_new: bool) -> impl IntoView {
    let t = Ctx::get().t;
    form.labels.update_value(|l| {
        l.insert("phases".into(), t.setup_phases.into());
        l.insert("current_phase".into(), t.setup_current_phase.into());
    });
    let phases_problem = Memo::new(move |_| form.problem("phases"));
    let current_problem = Memo::new(move |_| form.problem("current_phase"));
    view! {
        <fieldset class="console-panel" id=dom_id("phases") tabindex="-1">
            <legend>{t.setup_phases}</legend>
            {move || phases_problem.get().map(|p| view! { <p class="console-field-error">{p}</p> })}
            {PhaseKind::ALL.into_iter().enumerate().map(|(i, kind)| {
                let key = phase_key(kind);
                let name = t.phase(kind);
                let check_id = dom_id(&field(&["phases", key, "included"]));
                // A memo, so that typing a date does not draw the phase again.
                let included = Memo::new(move |_| form.draft.with(|d| d.phases.get(i).is_some_and(|p| p.included)));
                view! {
                    <div class="console-phase">
                        <div class="console-check">
                            <input type="checkbox" id=check_id.clone()
                                prop:checked=move || form.draft.with(|d| d.phases.get(i).is_some_and(|p| p.included))
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    form.draft.update(|d| {
                                        if let Some(p) = d.phases.get_mut(i) {
                                            p.included = on;
                                        }
                                    });
                                }/>
                            <label for=check_id>{fill(t.setup_phase_included, &[("phase", name)])}</label>
                        </div>
                        {move || included.get().then(|| view! {
                            {text(form, field(&["phases", key, "starts"]), fill(t.setup_phase_starts, &[("phase", name)]), None, Input::Date,
                                move |d| d.phases.get(i).map(|p| p.starts.clone()).unwrap_or_default(),
                                move |d, v| if let Some(p) = d.phases.get_mut(i) { p.starts = v })}
                            {text(form, field(&["phases", key, "ends"]), fill(t.setup_phase_ends, &[("phase", name)]), None, Input::Date,
                                move |d| d.phases.get(i).map(|p| p.ends.clone()).unwrap_or_default(),
                                move |d, v| if let Some(p) = d.phases.get_mut(i) { p.ends = v })}
                        })}
                    </div>
                }
            }).collect_view()}
            // The current phase of a running deliberation moves on the run screen.
            {is_new.then(|| view! {
                <div class="console-field console-field-stacked">
                    <label for=dom_id("current_phase")>{t.setup_current_phase}</label>
                    <select id=dom_id("current_phase")
                        aria-invalid=move || current_problem.with(Option::is_some).to_string()
                        on:change=move |ev| {
                            let v = event_target_value(&ev);
                            if let Some(kind) = PhaseKind::ALL.into_iter().find(|k| phase_key(*k) == v) {
                                form.draft.update(|d| d.current_phase = kind);
                            }
                        }>
                        {PhaseKind::ALL.into_iter().map(|k| view! {
                            <option value=phase_key(k) selected=move || form.draft.with(|d| d.current_phase == k)>{t.phase(k)}</option>
                        }).collect_view()}
                    </select>
                    {move || current_problem.get().map(|p| view! { <p class="console-field-error">{p}</p> })}
                </div>
            })}
        </fieldset>
    }
}

#[component]
fn Themes(form: Form) -> impl IntoView {
    let t = Ctx::get().t;
    view! {
        <div class="console-panel">
            <p class="console-question">{t.setup_themes}</p>
            {checks(form, t.setup_social_functions, "sf", &SOCIAL_FUNCTIONS, |f| t.social_function(f),
                |d| &d.social_functions, |d| &mut d.social_functions)}
            {checks(form, t.setup_challenge_areas, "ca", &CHALLENGE_AREAS, |a| t.challenge_area(a),
                |d| &d.challenge_areas, |d| &mut d.challenge_areas)}
        </div>
    }
}

/// A group of checkboxes, one per item, for a set of the draft.
fn checks<T>(
    form: Form,
    legend: &'static str,
    prefix: &'static str,
    items: &'static [T],
    name: impl Fn(T) -> &'static str,
    get: fn(&Draft) -> &std::collections::BTreeSet<T>,
    set: fn(&mut Draft) -> &mut std::collections::BTreeSet<T>,
) -> impl IntoView
where
    T: Copy + Ord + std::fmt::Debug + Send + Sync + 'static,
{
    view! {
        <fieldset class="console-checks">
            <legend>{legend}</legend>
            {items.iter().copied().map(|item| {
                let id = format!("setup-{prefix}-{item:?}").to_lowercase();
                view! {
                    <div class="console-check">
                        <input type="checkbox" id=id.clone()
                            prop:checked=move || form.draft.with(|d| get(d).contains(&item))
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                form.draft.update(|d| {
                                    if on { set(d).insert(item); } else { set(d).remove(&item); }
                                });
                            }/>
                        <label for=id>{name(item)}</label>
                    </div>
                }
            }).collect_view()}
        </fieldset>
    }
}

#[component]
fn FollowUps(form: Form) -> impl IntoView {
    let t = Ctx::get().t;
    let count = Memo::new(move |_| form.draft.with(|d| d.follow_up.len()));
    let add = move |_| {
        let n = count.get_untracked();
        form.draft.update(|d| {
            let text = d
                .languages
                .iter()
                .map(|l| (l.clone(), String::new()))
                .collect();
            d.follow_up.push(crate::setup::FollowUpDraft {
                date: String::new(),
                text,
            });
        });
        form.focus
            .set(Some(dom_id(&field(&["follow_up", &n.to_string(), "date"]))));
    };
    view! {
        <fieldset class="console-panel">
            <legend>{t.setup_follow_up}</legend>
            {move || (0..count.get()).map(|i| {
                let n = (i + 1).to_string();
                let at = field(&["follow_up", &i.to_string()]);
                view! {
                    <fieldset class="console-entry">
                        <legend>{fill(t.setup_follow_up_entry, &[("n", &n)])}</legend>
                        {text(form, field(&[&at, "date"]), t.setup_follow_up_date.into(), None, Input::Date,
                            move |d| d.follow_up.get(i).map(|f| f.date.clone()).unwrap_or_default(),
                            move |d, v| if let Some(f) = d.follow_up.get_mut(i) { f.date = v })}
                        {localized_at(form, field(&[&at, "text"]), t.setup_follow_up_text, true,
                            move |d| d.follow_up.get(i).map(|f| &f.text),
                            move |d| d.follow_up.get_mut(i).map(|f| &mut f.text))}
                        <button type="button" on:click=move |_| {
                            form.draft.update(|d| { if i < d.follow_up.len() { d.follow_up.remove(i); } });
                            form.focus.set(Some("setup-add-follow-up".into()));
                        }>{fill(t.setup_remove_follow_up, &[("n", &n)])}</button>
                    </fieldset>
                }
            }).collect_view()}
            <button type="button" id="setup-add-follow-up" on:click=add>{t.setup_add_follow_up}</button>
        </fieldset>
    }
}

#[component]
fn PollFields(form: Form) -> impl IntoView {
    let t = Ctx::get().t;
    let has_poll = Memo::new(move |_| form.draft.with(|d| d.poll.is_some()));
    let stored = form
        .draft
        .with_untracked(|d| d.poll.as_ref().is_some_and(|p| p.base.is_some()));
    view! {
        <fieldset class="console-panel">
            <legend>{t.setup_poll}</legend>
            // A stored poll stays: residents may have voted in it.
            {(!stored).then(|| view! {
                <div class="console-check">
                    <input type="checkbox" id="setup-has-poll"
                        prop:checked=move || has_poll.get()
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            form.draft.update(|d| d.poll = if on { Some(d.new_poll()) } else { None });
                        }/>
                    <label for="setup-has-poll">{t.setup_has_poll}</label>
                </div>
            })}
            {move || has_poll.get().then(|| view! { <PollBody form stored/> })}
        </fieldset>
    }
}

/// A field of the poll (which is there while this part is drawn).
fn in_poll(
    get: impl Fn(&crate::setup::PollDraft) -> String + Send + Sync + Clone + 'static,
) -> impl Fn(&Draft) -> String + Send + Sync + Clone + 'static {
    move |d| d.poll.as_ref().map(&get).unwrap_or_default()
}

fn set_in_poll(
    set: impl Fn(&mut crate::setup::PollDraft, String) + Send + Sync + Clone + 'static,
) -> impl Fn(&mut Draft, String) + Send + Sync + Clone + 'static {
    move |d, v| {
        if let Some(p) = d.poll.as_mut() {
            set(p, v)
        }
    }
}

#[component]
fn PollBody(form: Form, stored: bool) -> impl IntoView {
    let t = Ctx::get().t;
    let count = Memo::new(move |_| {
        form.draft
            .with(|d| d.poll.as_ref().map_or(0, |p| p.options.len()))
    });
    form.labels.update_value(|l| {
        l.insert("poll.options".into(), t.setup_add_option.into());
    });
    let options_problem = Memo::new(move |_| form.problem("poll.options"));
    let add = move |_| {
        let n = count.get_untracked();
        form.draft.update(|d| {
            let taken: Vec<String> = d
                .poll
                .as_ref()
                .map(|p| p.options.iter().map(|o| o.id.clone()).collect())
                .unwrap_or_default();
            let option = d.new_option(&taken);
            if let Some(p) = d.poll.as_mut() {
                p.options.push(option);
            }
        });
        form.focus.set(Some(dom_id(&field(&[
            "poll",
            "options",
            &n.to_string(),
            "label",
            &first_language(form),
        ]))));
    };
    let radio = move |name: &'static str,
                      id: String,
                      label: &'static str,
                      checked: Box<dyn Fn(&Draft) -> bool + Send + Sync>,
                      pick: Box<dyn Fn(&mut Draft) + Send + Sync>| {
        view! {
            <div class="console-check">
                <input type="radio" name=name id=id.clone()
                    prop:checked=move || form.draft.with(|d| checked(d))
                    on:change=move |_| form.draft.update(|d| pick(d))/>
                <label for=id>{label}</label>
            </div>
        }
    };
    view! {
        {stored.then(|| view! { <p class="console-hint">{t.setup_poll_frozen}</p> })}
        {localized_at(form, "poll.question".into(), t.setup_question, false,
            |d| d.poll.as_ref().map(|p| &p.question), |d| d.poll.as_mut().map(|p| &mut p.question))}
        <div id=dom_id("poll.options") tabindex="-1">
            {move || options_problem.get().map(|p| view! { <p class="console-field-error">{p}</p> })}
        </div>
        {move || (0..count.get()).map(|i| {
            let n = (i + 1).to_string();
            let at = field(&["poll", "options", &i.to_string()]);
            let option = move |d: &Draft| d.poll.as_ref().and_then(|p| p.options.get(i)).cloned().unwrap_or_default();
            let move_by = move |delta: isize| {
                let to = i as isize + delta;
                form.draft.update(|d| {
                    if let Some(p) = d.poll.as_mut() {
                        if to >= 0 && (to as usize) < p.options.len() {
                            p.options.swap(i, to as usize);
                        }
                    }
                });
                // Focus follows the option to its new place.
                let button = if delta < 0 { "up" } else { "down" };
                form.focus.set(Some(dom_id(&field(&["poll", "options", &(to.max(0) as usize).to_string(), button]))));
            };
            view! {
                <fieldset class="console-entry">
                    <legend>{fill(t.setup_option, &[("n", &n)])}</legend>
                    {localized_at(form, field(&[&at, "label"]), t.setup_option_label, false,
                        move |d| d.poll.as_ref().and_then(|p| p.options.get(i)).map(|o| &o.label),
                        move |d| d.poll.as_mut().and_then(|p| p.options.get_mut(i)).map(|o| &mut o.label))}
                    {localized_at(form, field(&[&at, "description"]), t.setup_option_description, true,
                        move |d| d.poll.as_ref().and_then(|p| p.options.get(i)).map(|o| &o.description),
                        move |d| d.poll.as_mut().and_then(|p| p.options.get_mut(i)).map(|o| &mut o.description))}
                    {text(form, field(&[&at, "image_url"]), t.setup_option_image_url.into(), None, Input::Url,
                        move |d| option(d).image_url,
                        move |d, v| if let Some(o) = d.poll.as_mut().and_then(|p| p.options.get_mut(i)) { o.image_url = v })}
                    {localized_at(form, field(&[&at, "image_alt"]), t.setup_option_image_alt, false,
                        move |d| d.poll.as_ref().and_then(|p| p.options.get(i)).map(|o| &o.image_alt),
                        move |d| d.poll.as_mut().and_then(|p| p.options.get_mut(i)).map(|o| &mut o.image_alt))}
                    <div class="console-actions">
                        <button type="button" id=dom_id(&field(&[&at, "up"])) on:click=move |_| move_by(-1)
                            disabled=move || i == 0>{fill(t.setup_move_up, &[("n", &n)])}</button>
                        <button type="button" id=dom_id(&field(&[&at, "down"])) on:click=move |_| move_by(1)
                            disabled=move || i + 1 >= count.get()>{fill(t.setup_move_down, &[("n", &(i + 1).to_string())])}</button>
                        <button type="button" on:click=move |_| {
                            form.draft.update(|d| {
                                if let Some(p) = d.poll.as_mut() {
                                    if i < p.options.len() { p.options.remove(i); }
                                }
                            });
                            form.focus.set(Some("setup-add-option".into()));
                        }>{fill(t.setup_remove_option, &[("n", &(i + 1).to_string())])}</button>
                    </div>
                </fieldset>
            }
        }).collect_view()}
        <button type="button" id="setup-add-option" on:click=add>{t.setup_add_option}</button>
        <fieldset class="console-checks">
            <legend>{t.setup_method}</legend>
            {[VotingMethod::Irv, VotingMethod::Stv].into_iter().map(|m| radio(
                "setup-method", format!("setup-method-{m:?}").to_lowercase(), t.method(m),
                Box::new(move |d| d.poll.as_ref().is_some_and(|p| p.method == m)),
                Box::new(move |d| if let Some(p) = d.poll.as_mut() {
                    p.method = m;
                    if m == VotingMethod::Irv { p.seats = "1".into(); }
                }),
            )).collect_view()}
        </fieldset>
        {text(form, "poll.seats".into(), t.setup_seats.into(), None, Input::Whole,
            in_poll(|p| p.seats.clone()), set_in_poll(|p, v| p.seats = v))}
        {text(form, "poll.max_rankings".into(), t.setup_max_rankings.into(), None, Input::Whole,
            in_poll(|p| p.max_rankings.clone()), set_in_poll(|p, v| p.max_rankings = v))}
        <fieldset class="console-checks">
            <legend>{t.setup_eligibility}</legend>
            {[Eligibility::SignedIn, Eligibility::Anyone].into_iter().map(|e| radio(
                "setup-eligibility", format!("setup-eligibility-{e:?}").to_lowercase(), t.eligibility(e),
                Box::new(move |d| d.poll.as_ref().is_some_and(|p| p.eligibility == e)),
                Box::new(move |d| if let Some(p) = d.poll.as_mut() { p.eligibility = e }),
            )).collect_view()}
        </fieldset>
        <fieldset class="console-checks">
            <legend>{t.setup_visibility}</legend>
            {[ResultsVisibility::AfterClose, ResultsVisibility::AfterVote, ResultsVisibility::Always].into_iter().map(|v| radio(
                "setup-visibility", format!("setup-visibility-{v:?}").to_lowercase(), t.visibility(v),
                Box::new(move |d| d.poll.as_ref().is_some_and(|p| p.visibility == v)),
                Box::new(move |d| if let Some(p) = d.poll.as_mut() { p.visibility = v }),
            )).collect_view()}
        </fieldset>
        {text(form, "poll.opens".into(), t.setup_opens.into(), None, Input::DateTime,
            in_poll(|p| p.opens.clone()), set_in_poll(|p, v| p.opens = v))}
        {text(form, "poll.closes".into(), t.setup_closes.into(), None, Input::DateTime,
            in_poll(|p| p.closes.clone()), set_in_poll(|p, v| p.closes = v))}
    }
}

fn first_language(form: Form) -> String {
    form.draft
        .with_untracked(|d| d.languages.first().cloned())
        .unwrap_or_default()
}

/// What was saved, or the draft, shown by the widget itself as residents
/// see it: a `<plaza-deliberation>` in the console's light DOM, slotted
/// here, with the widget's module loaded on demand (only when staff ask).
#[component]
fn Preview(what: Previewed) -> impl IntoView {
    let ctx = Ctx::get();
    let t = ctx.t;
    let widget = ctx.show_preview(&what);
    // Busy until the widget has drawn its first screen, so that a screen
    // reader does not read out its loading while staff type in the form.
    let loading = RwSignal::new(widget.is_some());
    let drawn = wasm_bindgen::closure::Closure::<dyn Fn()>::new(move || {
        loading.try_set(false);
    });
    if let Some(widget) = &widget {
        for event in ["plaza:ready", "plaza:error"] {
            let _ = widget.add_event_listener_with_callback(event, drawn.as_ref().unchecked_ref());
        }
    }
    let kept = SendWrapper::new((widget, drawn));
    on_cleanup(move || {
        let (widget, _drawn) = kept.take();
        if let Some(widget) = widget {
            remove_preview(&widget);
        }
    });
    let saved = matches!(what, Previewed::Saved(_));
    view! {
        <section class="console-panel console-preview" aria-labelledby="setup-preview-heading"
            aria-busy=move || loading.get().to_string()>
            {saved.then(|| view! {
                <p id="setup-saved" class="console-done" tabindex="-1" role="status">{t.setup_saved}</p>
            })}
            <h2 id="setup-preview-heading" tabindex="-1">
                {if saved { t.setup_preview } else { t.setup_draft_preview }}
            </h2>
            <slot name="preview"></slot>
        </section>
    }
}
