//! The replies to an argument: collapsed behind their count, loaded page by
//! page when opened, shown as a thread a few levels deep, each with a way
//! to answer it while the discussion is open.

use leptos::prelude::*;
use plaza_contract::{
    Comment, ContentStatus, FlagTarget, NewComment, MAX_SHORT_TEXT_CHARS, MAX_TEXT_CHARS,
};

use super::card::{author_name, byline, withheld, written};
use super::delivery::DeliveryNote;
use super::flag::Report;
use super::form::{SendProblem, TextField};
use super::inert::el;
use super::participation::{keep_sent, Participation};
use super::status::{ErrorPanel, MoreButton};
use super::task::page_loader;
use super::{focus_later, Ui};
use crate::backend::BackendError;
use crate::i18n::control_name;
use crate::state::outbox::{sent_answers, Answer, Delivery, Item, Progress, Submission};
use crate::state::paged::{Paged, PagedStatus};
use crate::state::text::{shown, start_of, NAME_CHARS};
use crate::state::thread::{arrange, Node};

/// A reply as the thread shows it: posted, or the resident's own on its way.
#[derive(Clone, PartialEq)]
enum Entry {
    Posted(Comment),
    Mine(Box<Item>),
}

impl Entry {
    /// What replies name as their parent: the comment's id once it has one.
    fn id(&self) -> &str {
        match self {
            Entry::Posted(c) => &c.id,
            Entry::Mine(i) => match &i.delivery {
                Delivery::Sent {
                    answer: Answer::Comment(c),
                    ..
                } => &c.id,
                _ => &i.key,
            },
        }
    }

    /// What keeps its place in the view, from submission to sent.
    fn key(&self) -> &str {
        match self {
            Entry::Posted(c) => &c.id,
            Entry::Mine(i) => &i.key,
        }
    }

    /// What it answers, if not the argument.
    fn parent(&self) -> Option<&str> {
        match self {
            Entry::Posted(c) => c.parent_id.as_deref(),
            Entry::Mine(i) => match &i.submission {
                Submission::Comment { new, .. } => {
                    new.parent_id.as_deref().filter(|p| !p.trim().is_empty())
                }
                _ => None,
            },
        }
    }
}

/// The replies of one argument.
#[derive(Clone, Copy)]
struct Thread {
    argument_id: StoredValue<String>,
    /// Replies are accepted (the discussion is open).
    open: bool,
    /// The reply form is open under this entry (`""`: the argument itself).
    replying_to: RwSignal<Option<String>>,
}

impl Thread {
    /// The id of the reply form's text field under `parent` (the argument
    /// itself when none); `…-open` is the button that opens that form.
    fn reply_field_id(&self, parent: Option<&str>) -> String {
        let argument = self.argument_id.get_value();
        format!("plaza-reply-{argument}-{}", parent.unwrap_or_default())
    }
}

#[component]
pub fn Replies(
    argument_id: String,
    /// Replies the backend counted.
    count: u32,
    /// Replies may be added.
    open: bool,
    /// Who wrote the argument, and its start, for the reply button's name.
    author: String,
    start: String,
    /// The argument ("Argument by Léa: “…”"), for the thread toggle's name.
    about: String,
) -> impl IntoView {
    let ui = expect_context::<Ui>();
    let s = ui.s();
    let part = expect_context::<Participation>();
    let expanded = RwSignal::new(false);
    let list: RwSignal<Option<Paged<Comment, BackendError>>> = RwSignal::new(None);
    let thread = Thread {
        argument_id: StoredValue::new(argument_id.clone()),
        open,
        replying_to: RwSignal::new(None),
    };
    provide_context(thread);
    let mine = part.mine(
        move |s| matches!(s, Submission::Comment { argument_id, .. } if thread.argument_id.with_value(|id| id == argument_id)),
    );
    let load = page_loader(
        list,
        move |backend, cursor| async move {
            backend
                .comments(&thread.argument_id.get_value(), cursor.as_deref())
                .await
        },
        |a, b| a.id == b.id,
        |c| &c.id,
    );
    let toggle = move |_| {
        let open_now = !expanded.get_untracked();
        expanded.set(open_now);
        if open_now && list.with_untracked(Option::is_none) {
            load.run(());
        }
    };
    // `count` is the backend's as the card was drawn: it holds the replies
    // sent before then, not those sent since.
    let sent_before: Vec<String> = mine.with_untracked(|m| {
        m.iter()
            .filter(|i| i.is_sent())
            .map(|i| i.key.clone())
            .collect()
    });
    let total = move || {
        let sent_since = mine.with(|m| {
            m.iter()
                .filter(|i| i.is_sent() && !sent_before.contains(&i.key))
                .count()
        }) as u32;
        count.saturating_add(sent_since)
    };
    keep_sent(mine, Answer::comment, move |c| {
        list.maybe_update(|l| {
            l.as_mut()
                .is_some_and(|l| l.include(c, |x, y| x.id == y.id, false))
        })
    });
    // The thread: what the backend listed, and the resident's own replies
    // (on their way, or sent while the outbox keeps them: they keep their
    // place and focus when sent), each under its parent.
    let entries = move || {
        let mine_now = mine.get();
        let sent_by_me = |id: &str| sent_answers(&mine_now, Answer::comment).any(|c| c.id == id);
        let mut entries: Vec<Entry> = list.with(|l| {
            l.as_ref()
                .map(|l| {
                    l.items
                        .iter()
                        .filter(|c| !sent_by_me(&c.id))
                        .cloned()
                        .map(Entry::Posted)
                        .collect()
                })
                .unwrap_or_default()
        });
        entries.extend(mine_now.iter().cloned().map(|i| Entry::Mine(Box::new(i))));
        arrange(entries, Entry::id, Entry::parent)
    };
    // What is under a collapsed thread is drawn when it is first opened
    // (and kept): a first screen of cards draws no empty thread.
    let drawn = Memo::new(move |was: Option<&bool>| was.is_some_and(|w| *w) || expanded.get());
    let region_id = thread
        .argument_id
        .with_value(|i| format!("plaza-replies-{i}"));
    let controls = region_id.clone();
    let reply_label = s.subject(s.reply_to, &author, &start);
    let about_more = StoredValue::new(about.clone());
    view! {
        <div class="plaza-replies">
            <div class="plaza-actions">
                {move || (total() > 0 || expanded.get()).then(|| {
                    let label = if expanded.get() {
                        s.hide_replies.to_owned()
                    } else {
                        ui.count(&s.show_replies, u64::from(total()))
                    };
                    let name = control_name(&label, &about);
                    view! {
                        <button
                            type="button"
                            class="plaza-link-button"
                            aria-label=name
                            aria-expanded=expanded.get().to_string()
                            aria-controls=controls.clone()
                            on:click=toggle
                        >
                            {label}
                        </button>
                    }
                })}
                {open.then(|| view! {
                    <button
                        type="button"
                        id=format!("{}-open", thread.reply_field_id(None))
                        class="plaza-link-button"
                        aria-label=reply_label.clone()
                        on:click=move |_| {
                            thread.replying_to.set(Some(String::new()));
                            if !expanded.get_untracked() {
                                expanded.set(true);
                                if list.with_untracked(Option::is_none) {
                                    load.run(());
                                }
                            }
                        }
                    >
                        {s.reply}
                    </button>
                })}
            </div>
            <div id=region_id.clone() class="plaza-replies-list" hidden=move || !expanded.get()>
                {move || drawn.get().then(|| view! {
                    {move || (thread.replying_to.get().as_deref() == Some("")).then(|| view! {
                        <ReplyForm parent=None/>
                    })}
                    <ThreadList nodes=Signal::derive(entries)/>
                    {move || list.with(|l| match l.as_ref().map(|l| (&l.status, l.has_more())) {
                        Some((PagedStatus::Failed(e), _)) => {
                            Some(view! { <ErrorPanel message=e.message(s) retry=load about=about_more.get_value()/> }.into_any())
                        }
                        // While a page loads, the button says so and does nothing.
                        Some((status, true)) => {
                            let busy = matches!(status, PagedStatus::LoadingMore);
                            Some(view! {
                                <MoreButton label=s.show_more_replies busy load about=about_more.get_value() small=true/>
                            }.into_any())
                        }
                        Some((PagedStatus::LoadingMore, false)) => Some(view! { <p class="plaza-wait" role="status">{s.loading_more}</p> }.into_any()),
                        _ => None,
                    })}
                })}
            </div>
        </div>
    }
}

/// A level of the thread.
#[component]
fn ThreadList(nodes: Signal<Vec<Node<Entry>>>) -> impl IntoView {
    view! {
        <ul class="plaza-thread">
            <For each=move || nodes.get() key=|n| n.item.key().to_owned() let:node>
                <ThreadNode node level=nodes/>
            </For>
        </ul>
    }
}

#[component]
fn ThreadNode(
    node: Node<Entry>,
    /// The level it is on. The node stays as long as its key, so the
    /// replies that come under it later are read from there: a reply to a
    /// reply shows at once, while it is sent and once it is.
    level: Signal<Vec<Node<Entry>>>,
) -> impl IntoView {
    let ui = expect_context::<Ui>();
    let s = ui.s();
    let thread = expect_context::<Thread>();
    let part = expect_context::<Participation>();
    let Node { item, .. } = node;
    let key = item.key().to_owned();
    let replies = {
        let key = key.clone();
        Memo::new(move |_| {
            level
                .try_with(|nodes| {
                    nodes
                        .iter()
                        .find(|n| n.item.key() == key)
                        .map(|n| n.replies.clone())
                })
                .flatten()
                .unwrap_or_default()
        })
    };
    // (The list under it is made once, not at each new reply: open reply
    // forms and focus in it stay.)
    let has_replies = Memo::new(move |_| replies.with(|r| !r.is_empty()));
    let li_id = format!("plaza-item-{key}");
    // What a reply form under it answers: the comment, once it is one.
    let (body, comment_id) = match item {
        Entry::Posted(c) => {
            let id = c.id.clone();
            (
                view! { <PostedComment comment=c/> }.into_any(),
                Signal::stored(Some(id)),
            )
        }
        Entry::Mine(i) => {
            let progress = part.progress(i.key.clone());
            let key = StoredValue::new(i.key);
            let body = move || {
                Some(match progress.get()? {
                    Progress::Sent(Answer::Comment(c)) => {
                        view! { <PostedComment comment=c/> }.into_any()
                    }
                    Progress::OnItsWay(Submission::Comment { new, .. }) => view! {
                        <article class="plaza-comment plaza-pending">
                            <p class="plaza-comment-text" dir="auto">{shown(new.text.trim())}</p>
                            <footer class="plaza-argument-meta"><bdi class="plaza-author">{s.you}</bdi></footer>
                            <DeliveryNote key=key.get_value()/>
                        </article>
                    }
                    .into_any(),
                    _ => return None,
                })
            };
            let comment_id = Signal::derive(move || match progress.get() {
                Some(Progress::Sent(Answer::Comment(c))) => Some(c.id),
                _ => None,
            });
            (body.into_any(), comment_id)
        }
    };
    view! {
        <li id=li_id tabindex="-1">
            {body}
            {move || {
                let answering = thread.replying_to.get();
                comment_id
                    .get()
                    .filter(|id| answering.as_deref() == Some(id.as_str()))
                    .map(|id| view! { <ReplyForm parent=Some(id)/> })
            }}
            {move || has_replies.get().then(|| view! { <ThreadList nodes=Signal::from(replies)/> })}
        </li>
    }
    .into_any()
}

/// A reply as the backend has it, with a way to answer and report it.
#[component]
fn PostedComment(comment: Comment) -> impl IntoView {
    let ui = expect_context::<Ui>();
    let s = ui.s();
    let thread = expect_context::<Thread>();
    let c = comment;
    let author = author_name(&ui, &c.author, c.status);
    let text = match (c.status, c.text.as_deref()) {
        (ContentStatus::Visible, Some(text)) => {
            written(&ui, "plaza-comment-text", text, c.lang.as_deref())
        }
        (ContentStatus::Removed, _) => withheld(s.removed_by_moderator),
        _ => withheld(s.hidden_pending_review),
    };
    // Names this card's controls apart from another card's of the same author.
    let start = start_of(c.text.as_deref().unwrap_or_default(), NAME_CHARS);
    let about = s.subject(s.comment_posted_by, &author, &start);
    let reply_label = s.subject(s.reply_to, &author, &start);
    let comment_id = c.id.clone();
    let answerable = thread.open && c.status == ContentStatus::Visible;
    view! {
        <article class="plaza-comment">
            {text}
            {el("footer").attr("class", "plaza-argument-meta").children(byline(&ui, &author, &c.created_at))}
            <div class="plaza-actions">
                {answerable.then(|| {
                    let comment_id = comment_id.clone();
                    let opener = format!("{}-open", thread.reply_field_id(Some(&comment_id)));
                    view! {
                        <button type="button" id=opener class="plaza-link-button" aria-label=reply_label
                            on:click=move |_| thread.replying_to.set(Some(comment_id.clone()))>
                            {s.reply}
                        </button>
                    }
                })}
                {(c.status == ContentStatus::Visible).then(|| view! {
                    <Report target=FlagTarget::Comment id=comment_id.clone() about=about/>
                })}
            </div>
        </article>
    }
}

/// The form to reply to the argument (`parent` none) or to a reply.
#[component]
fn ReplyForm(parent: Option<String>) -> impl IntoView {
    let ui = expect_context::<Ui>();
    let s = ui.s();
    let part = expect_context::<Participation>();
    let thread = expect_context::<Thread>();
    let text = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let missing = RwSignal::new(false);
    let problem = RwSignal::new(false);
    let form_ref = NodeRef::<leptos::html::Form>::new();
    let field_ref = NodeRef::<leptos::html::Textarea>::new();
    let target = format!(
        "{}:{}",
        thread.argument_id.get_value(),
        parent.clone().unwrap_or_default()
    );
    let field_id = thread.reply_field_id(parent.as_deref());
    let draft = format!("reply:{target}");
    let draft_key = StoredValue::new(draft.clone());
    let problem_id = format!("{field_id}-problem");
    let field_id_of = StoredValue::new(field_id.clone());
    let opener = StoredValue::new(format!("{field_id}-open"));
    let parent = StoredValue::new(parent);
    let lang = ui.lang.tag;
    // The form opens for the resident to write: focus goes to it.
    request_animation_frame(move || {
        if let Some(field) = field_ref.try_get_untracked().flatten() {
            let _ = field.focus();
        }
    });
    let submit = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        if text.with_untracked(|t| t.trim().is_empty()) {
            missing.set(true);
            // Its message is then part of the field's description.
            focus_later(form_ref, field_id_of.get_value());
            return;
        }
        let new = NewComment {
            text: text.get_untracked(),
            parent_id: parent.get_value(),
            lang: Some(lang.to_owned()),
            display_name: Some(name.get_untracked()),
        };
        let valid = new.validate().is_ok();
        let submission = Submission::Comment {
            deliberation_id: part.deliberation_id.get_value(),
            argument_id: thread.argument_id.get_value(),
            new,
        };
        if part.send_form(
            valid,
            submission,
            (problem, &problem_id),
            &[draft_key.get_value()],
            form_ref,
        ) {
            text.set(String::new());
            thread.replying_to.set(None);
        }
    };
    view! {
        // Named by the Reply button that opened it ("Reply to Léa: “…”"):
        // several may be open, with the same fields and buttons.
        <form class="plaza-form plaza-reply-form" node_ref=form_ref on:submit=submit novalidate=true
            aria-labelledby=opener.get_value()>
            <TextField id=field_id.clone() label=s.reply_label value=text draft=draft max=MAX_TEXT_CHARS missing=missing node_ref=field_ref/>
            <TextField id=format!("{field_id}-name") label=s.name_label hint=s.name_hint value=name draft="name".to_owned() short_max=MAX_SHORT_TEXT_CHARS autocomplete="nickname"/>
            <SendProblem id=format!("{field_id}-problem") shown=problem/>
            <div class="plaza-actions">
                <button type="submit" class="plaza-button plaza-small">{s.submit_reply}</button>
                <button type="button" class="plaza-button plaza-small plaza-quiet" on:click=move |_| {
                    // Back to the Reply button that opened the form (found
                    // while the form is still in the page).
                    focus_later(form_ref, opener.get_value());
                    thread.replying_to.set(None);
                }>
                    {s.cancel}
                </button>
            </div>
        </form>
    }
}
