//! The arguments for and against, side by side (stacked on narrow
//! widgets), each side in the order the resident picks; the form to add
//! one while the discussion is open; the resident's own arguments first,
//! from the moment they submit them.

use leptos::html::Ul;
use leptos::prelude::*;
use plaza_contract::{
    Argument, ArgumentSort, ArgumentsQuery, ContentStatus, Contribution, Counts, Deliberation,
    FlagTarget, NewArgument, Page, Stance, MAX_SHORT_TEXT_CHARS, MAX_TEXT_CHARS,
};
use wasm_bindgen::JsCast;

use super::card::{author_name, byline, withheld, written};
use super::delivery::DeliveryNote;
use super::flag::Report;
use super::form::{SendProblem, TextField};
use super::heading::Heading;
use super::inert::el;
use super::participation::{keep_sent, Participation};
use super::reactions::Reactions;
use super::status::{ErrorPanel, MoreButton};
use super::thread::Replies;
use super::{focus_later, BackendHandle, Tasks, Ui};
use crate::backend::BackendError;
use crate::i18n::fill;
use crate::state::outbox::{sent_answers, Answer, Item, Progress, Submission};
use crate::state::paged::{Paged, PagedStatus};
use crate::state::text::{shown, start_of, NAME_CHARS};
use crate::state::timeline::{window, Window};

/// Where the resident's text goes, and what may be added now.
#[component]
pub fn Discussion(
    deliberation: Deliberation,
    for_page: Page<Argument>,
    against_page: Page<Argument>,
) -> impl IntoView {
    let s = expect_context::<Ui>().s();
    let open = window(&deliberation, Contribution::Argument);
    let counts = deliberation.counts;
    let id = deliberation.id.clone();
    view! {
        <section class="plaza-discussion">
            <Heading depth=1 id="plaza-discussion-heading">{s.discussion_heading}</Heading>
            {match open.clone() {
                Window::Open => view! { <ArgumentForm deliberation_id=id.clone()/> }.into_any(),
                closed => view! { <ContributionsNote window=closed/> }.into_any(),
            }}
            <div class="plaza-columns">
                <Column stance=Stance::For counts first=for_page deliberation_id=id.clone() open=open == Window::Open/>
                <Column stance=Stance::Against counts first=against_page deliberation_id=id open=open == Window::Open/>
            </div>
        </section>
    }
}

/// When contributions open or closed, instead of a form.
#[component]
pub fn ContributionsNote(window: Window) -> impl IntoView {
    let ui = expect_context::<Ui>();
    let s = ui.s();
    let text = match window {
        Window::OpensOn(Some(date)) => fill(s.contributions_open_on, &[("date", &ui.date(&date))]),
        Window::ClosedOn(Some(date)) => {
            fill(s.contributions_closed_on, &[("date", &ui.date(&date))])
        }
        _ => s.contributions_closed.to_owned(),
    };
    view! { <p class="plaza-notice">{text}</p> }
}

/// The form to add an argument: position, text, and the name to show.
#[component]
fn ArgumentForm(deliberation_id: String) -> impl IntoView {
    let ui = expect_context::<Ui>();
    let s = ui.s();
    let part = expect_context::<Participation>();
    let stance: RwSignal<Option<Stance>> = RwSignal::new(None);
    let text = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let missing_text = RwSignal::new(false);
    let missing_stance = RwSignal::new(false);
    let problem = RwSignal::new(false);
    let form_ref = NodeRef::<leptos::html::Form>::new();
    let deliberation = StoredValue::new(deliberation_id.clone());
    let lang = ui.lang.tag;
    let submit = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        let chosen = stance.get_untracked();
        missing_stance.set(chosen.is_none());
        missing_text.set(text.with_untracked(|t| t.trim().is_empty()));
        let Some(chosen) = chosen else {
            focus_later(form_ref, "plaza-stance-for".to_owned());
            return;
        };
        if missing_text.get_untracked() {
            focus_later(form_ref, "plaza-argument-text".to_owned());
            return;
        }
        let new = NewArgument {
            stance: chosen,
            text: text.get_untracked(),
            lang: Some(lang.to_owned()),
            display_name: Some(name.get_untracked()),
        };
        // The contract's own checks, before anything is stored to be sent.
        let valid = new.validate().is_ok();
        let submission = Submission::Argument {
            deliberation_id: deliberation.get_value(),
            new,
        };
        let draft = format!("argument:{}", deliberation.get_value());
        // Focus follows the argument to its column.
        if part.send_form(
            valid,
            submission,
            (problem, "plaza-argument-problem"),
            &[draft],
            form_ref,
        ) {
            text.set(String::new());
        }
    };
    let choice = move |value: Stance, id: &'static str, label: &'static str| {
        view! {
            <label class="plaza-choice" for=id>
                <input
                    type="radio"
                    id=id
                    name="plaza-stance"
                    prop:checked=move || stance.get() == Some(value)
                    on:change=move |_| {
                        stance.set(Some(value));
                        missing_stance.set(false);
                    }
                />
                {label}
            </label>
        }
    };
    view! {
        <form class="plaza-form" node_ref=form_ref on:submit=submit novalidate=true>
            <Heading depth=2 id="plaza-form-heading">{s.form_heading}</Heading>
            <fieldset
                class="plaza-stances"
                aria-describedby=move || missing_stance.get().then_some("plaza-stance-error")
                aria-invalid=move || missing_stance.get().then_some("true")
            >
                <legend>{s.stance_legend}</legend>
                {choice(Stance::For, "plaza-stance-for", s.stance_for)}
                {choice(Stance::Against, "plaza-stance-against", s.stance_against)}
                <p id="plaza-stance-error" class="plaza-field-error" hidden=move || !missing_stance.get()>
                    {s.stance_required}
                </p>
            </fieldset>
            <TextField
                id="plaza-argument-text".to_owned()
                label=s.argument_label
                value=text
                draft=format!("argument:{deliberation_id}")
                max=MAX_TEXT_CHARS
                missing=missing_text
            />
            <TextField
                id="plaza-argument-name".to_owned()
                label=s.name_label
                hint=s.name_hint
                value=name
                draft="name".to_owned()
                short_max=MAX_SHORT_TEXT_CHARS autocomplete="nickname"
            />
            <SendProblem id="plaza-argument-problem".to_owned() shown=problem/>
            <button type="submit" class="plaza-button">{s.submit_argument}</button>
        </form>
    }
}

/// One side: its heading and count, the order, the resident's own new
/// arguments, the list page by page.
#[component]
fn Column(
    stance: Stance,
    counts: Counts,
    first: Page<Argument>,
    deliberation_id: String,
    /// The discussion is open (replies may be added).
    open: bool,
) -> impl IntoView {
    let ui = expect_context::<Ui>();
    let s = ui.s();
    let backend = expect_context::<BackendHandle>();
    let part = expect_context::<Participation>();
    let tasks = Tasks::of_current();
    let list: RwSignal<Paged<Argument, BackendError>> =
        RwSignal::new(Paged::from_first(first, |a, b| a.id == b.id));
    let sort = RwSignal::new(ArgumentSort::Helpful);
    let list_ref = NodeRef::<Ul>::new();
    let (heading, heading_id, class, more, sort_label, total) = match stance {
        Stance::For => (
            s.arguments_for_heading,
            "plaza-for-heading",
            "plaza-column plaza-for",
            s.show_more_for,
            s.sort_for,
            counts.arguments_for,
        ),
        Stance::Against => (
            s.arguments_against_heading,
            "plaza-against-heading",
            "plaza-column plaza-against",
            s.show_more_against,
            s.sort_against,
            counts.arguments_against,
        ),
    };
    let count = ui.count(&s.arguments_count, u64::from(total));
    let deliberation = StoredValue::new(deliberation_id);

    // The resident's arguments on this side, newest first (as the list
    // below is), from submission to a while after sending.
    let oldest_first =
        part.mine(move |s| matches!(s, Submission::Argument { new, .. } if new.stance == stance));
    let mine =
        Memo::new(move |_| oldest_first.with(|m| m.iter().rev().cloned().collect::<Vec<Item>>()));
    keep_sent(mine, Answer::argument, move |a| {
        list.maybe_update(|l| l.include(a, |x, y| x.id == y.id, true))
    });
    let shown_as_mine = move |id: &str| {
        mine.with(|items| sent_answers(items, Answer::argument).any(|a| a.id == id))
    };

    // Each order asked for makes a new list: an answer for an order no
    // longer chosen (a first page, or a next page of the old order) is
    // dropped, never mixed into the list shown.
    let order_asked = StoredValue::new(0_u64);
    let still_asked = move |asked: u64| order_asked.try_get_value() == Some(asked);
    let load_more = Callback::new({
        let tasks = tasks.clone();
        move |()| {
            let mut cursor = None;
            list.update(|l| cursor = l.begin_more());
            let Some(cursor) = cursor else { return };
            let query = ArgumentsQuery {
                stance: Some(stance),
                sort: sort.get_untracked(),
                cursor: Some(cursor),
                ..Default::default()
            };
            let id = deliberation.get_value();
            let asked = order_asked.get_value();
            tasks.spawn(async move {
                let answer = backend.0.get_value().arguments(&id, &query).await;
                if !still_asked(asked) {
                    return;
                }
                match answer {
                    Ok(page) => {
                        let mut at = 0;
                        list.update(|l| {
                            let first_new = l.receive(page, |a, b| a.id == b.id);
                            // Where the first new card is drawn: after the
                            // resident's own, and without the listed ones
                            // shown among them.
                            let hidden = l.items.iter().take(first_new);
                            let hidden = hidden.filter(|a| shown_as_mine(&a.id)).count();
                            at = first_new - hidden;
                        });
                        focus_item(list_ref, at + mine.with_untracked(Vec::len));
                    }
                    Err(e) => list.update(|l| l.fail(e)),
                }
            });
        }
    });
    let resort = Callback::new({
        let tasks = tasks.clone();
        move |order: ArgumentSort| {
            sort.set(order);
            let query = ArgumentsQuery {
                stance: Some(stance),
                sort: order,
                ..Default::default()
            };
            let id = deliberation.get_value();
            order_asked.update_value(|n| *n += 1);
            let asked = order_asked.get_value();
            // The old order's cursor goes: "Try again" after a failure
            // asks for this order's first page, not the old one's next.
            list.update(|l| {
                l.next_cursor = None;
                l.status = PagedStatus::LoadingMore;
            });
            tasks.spawn(async move {
                let answer = backend.0.get_value().arguments(&id, &query).await;
                if !still_asked(asked) {
                    return;
                }
                match answer {
                    Ok(page) => list.set(Paged::from_first(page, |a, b| a.id == b.id)),
                    Err(e) => list.update(|l| l.fail(e)),
                }
            });
        }
    });
    // After a failure: the next page again, or, when the failure was a new
    // order's first page (no cursor left), that first page again.
    let retry = Callback::new(move |()| {
        if list.with_untracked(Paged::has_more) {
            load_more.run(());
        } else {
            resort.run(sort.get_untracked());
        }
    });
    let sort_id = format!("plaza-sort-{}", stance.as_str());

    view! {
        <section class=class>
            <Heading depth=2 id=heading_id>
                {heading}
                " "
                <span class="plaza-count">{count}</span>
            </Heading>
            <div class="plaza-sort">
                <label for=sort_id.clone()>{sort_label}</label>
                <select id=sort_id on:change=move |e| {
                    let order = match event_target_value(&e).as_str() {
                        "recent" => ArgumentSort::Recent,
                        _ => ArgumentSort::Helpful,
                    };
                    resort.run(order);
                }>
                    <option value="helpful" selected=move || sort.get() == ArgumentSort::Helpful>{s.sort_helpful}</option>
                    <option value="recent" selected=move || sort.get() == ArgumentSort::Recent>{s.sort_recent}</option>
                </select>
            </div>
            <ul class="plaza-arguments" node_ref=list_ref aria-busy=move || list.with(|l| l.is_loading()).to_string()>
                <For each=move || mine.get() key=|i| i.key.clone() let:item>
                    <li id=format!("plaza-item-{}", item.key) tabindex="-1" class="plaza-mine">
                        <MyArgument key=item.key.clone() open list/>
                    </li>
                </For>
                <For
                    each=move || list.with(|l| l.items.iter().filter(|a| !shown_as_mine(&a.id)).cloned().collect::<Vec<_>>())
                    key=|a| a.id.clone()
                    let:argument
                >
                    <li>
                        <ArgumentCard argument=argument open/>
                    </li>
                </For>
            </ul>
            {move || (list.with(|l| l.items.is_empty()) && mine.with(Vec::is_empty))
                .then(|| view! { <p class="plaza-empty">{s.no_arguments_yet}</p> })}
            {move || list.with(|l| match &l.status {
                PagedStatus::Failed(e) => {
                    Some(view! { <ErrorPanel message=e.message(s) retry about=heading/> }.into_any())
                }
                _ if l.has_more() => {
                    Some(view! { <MoreButton label=more busy=l.is_loading() load=load_more/> }.into_any())
                }
                _ => None,
            })}
        </section>
    }
}

/// One of the resident's own new arguments: as typed and on its way, then
/// as the backend recorded it.
#[component]
fn MyArgument(
    key: String,
    open: bool,
    /// The column as loaded: a sent argument shows as listed there, with
    /// any moderation since it was sent.
    list: RwSignal<Paged<Argument, BackendError>>,
) -> impl IntoView {
    let ui = expect_context::<Ui>();
    let s = ui.s();
    let part = expect_context::<Participation>();
    let progress = part.progress(key.clone());
    let key = StoredValue::new(key);
    move || {
        Some(match progress.get()? {
            Progress::Sent(Answer::Argument(a)) => {
                let argument = list
                    .with_untracked(|l| l.items.iter().find(|x| x.id == a.id).cloned())
                    .unwrap_or(a);
                view! { <ArgumentCard argument open/> }.into_any()
            }
            Progress::OnItsWay(Submission::Argument { new, .. }) => {
                let author = plaza_contract::blank_to_none(new.display_name.as_deref())
                    .map_or_else(|| s.you.to_owned(), |n| shown(&n));
                view! {
                    <article class="plaza-argument plaza-pending">
                        <p class="plaza-argument-text" dir="auto">{shown(new.text.trim())}</p>
                        <footer class="plaza-argument-meta">
                            <bdi class="plaza-author">{author}</bdi>
                        </footer>
                        <DeliveryNote key=key.get_value()/>
                    </article>
                }
                .into_any()
            }
            _ => return None,
        })
    }
}

/// Moves keyboard and screen-reader focus to the first newly loaded
/// argument, so "Show more" does not leave the reader behind. The next
/// frame may come after the instance is gone: then there is nothing to do.
fn focus_item(list_ref: NodeRef<Ul>, index: usize) {
    request_animation_frame(move || {
        let Some(list) = list_ref.try_get_untracked().flatten() else {
            return;
        };
        let item = list
            .children()
            .item(index as u32)
            .and_then(|li| li.first_element_child())
            .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(item) = item {
            let _ = item.focus();
        }
    });
}

/// An argument as residents see it: its text (or why not), who wrote it
/// and when, reactions, reporting, and the replies.
#[component]
pub fn ArgumentCard(
    argument: Argument,
    /// The discussion is open: replies may be added.
    open: bool,
) -> impl IntoView {
    let ui = expect_context::<Ui>();
    let s = ui.s();
    let part = expect_context::<Participation>();
    let a = argument;
    let text_id = format!("plaza-text-{}", a.id);
    let mine = part.device.with_value(|d| d.my_text(&a.id));
    let is_mine = mine.is_some();
    let text = match (a.status, a.text.as_deref(), mine) {
        (ContentStatus::Visible, Some(text), _) => {
            vec![written(&ui, "plaza-argument-text", text, a.lang.as_deref())
                .attr("id", text_id.clone())]
        }
        (ContentStatus::Removed, _, _) => {
            vec![withheld(s.removed_by_moderator).attr("id", text_id.clone())]
        }
        // Hidden: its author still sees what they wrote, and why others do not.
        (_, _, Some(own)) => vec![
            written(&ui, "plaza-argument-text", &own, None).attr("id", text_id.clone()),
            withheld(s.waiting_for_review),
        ],
        _ => vec![withheld(s.hidden_pending_review).attr("id", text_id.clone())],
    };
    let visible = a.status == ContentStatus::Visible;
    // Its author, reading their own hidden argument, is not told a name is withheld.
    let author = match (is_mine, visible) {
        (true, false) if a.author.display_name.is_none() => s.you.to_owned(),
        _ => author_name(&ui, &a.author, a.status),
    };
    // Names this card's controls apart from another card's of the same author.
    let start = start_of(a.text.as_deref().unwrap_or_default(), NAME_CHARS);
    let about = s.subject(s.argument_by, &author, &start);
    view! {
        <article class="plaza-argument" tabindex="-1" aria-describedby=text_id.clone()>
            {text}
            {el("footer").attr("class", "plaza-argument-meta").children(byline(&ui, &author, &a.created_at))}
            {visible.then(|| view! {
                <div class="plaza-argument-actions">
                    <Reactions argument=a.clone() described_by=text_id.clone() about=about.clone()/>
                    <Report target=FlagTarget::Argument id=a.id.clone() about=about.clone()/>
                </div>
            })}
            <Replies argument_id=a.id.clone() count=a.comment_count open=open && visible author=author start about/>
        </article>
    }
}
