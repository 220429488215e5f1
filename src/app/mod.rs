//! The components: thin views over `state` and `backend`. One [`App`] per
//! host element, each with its own reactive owner and signals: the
//! configuration error ([`ConfigProblem`]) or the deliberation ([`Loaded`]).

mod arguments;
mod ballot;
mod card;
mod delivery;
pub mod events;
mod flag;
mod form;
pub mod format;
mod header;
mod heading;
mod identity;
mod inert;
mod moderation_log;
mod participation;
mod proposals;
mod reactions;
mod results;
mod status;
mod task;
mod thread;
mod verify;
mod vote;

use std::sync::Arc;

use leptos::prelude::*;
use plaza_contract::{
    Argument, ArgumentsQuery, Deliberation, LocalizedText, Page, PhaseKind, Stance,
};
use web_sys::Element;

use crate::backend::{Backend, BackendError};
use crate::embed::config::{ConfigError, InstanceConfig};
use crate::i18n::{english, Language, Plural, Strings};
use crate::state::text::isolated;
use arguments::Discussion;
use header::Header;
use heading::Headings;
use identity::{ForgetMe, SignInNotice};
use moderation_log::ModerationLog;
use participation::Participation;
use proposals::Proposals;
use status::{ErrorPanel, Loading, Notice};
pub use task::Tasks;
use vote::{top_arguments, SignInLink, Vote};

/// The reader's languages, shared by every component of one instance.
#[derive(Clone)]
pub struct Ui {
    /// The interface language, in which `strings` are written.
    pub lang: Language,
    /// The reader's form of it for dates and numbers (`Language::regional`).
    pub locale: &'static str,
    strings: &'static Strings,
    /// Content language preferences, most preferred first.
    pub prefs: Arc<[String]>,
}

/// A translatable text in the best language for the reader, with its
/// language when it differs from the interface's (for `lang="…"`).
pub struct Shown {
    pub text: String,
    pub lang: Option<String>,
}

impl Ui {
    pub fn s(&self) -> &'static Strings {
        self.strings
    }

    /// `plural` for the count `n`, with `n` written as the language writes numbers.
    pub fn count(&self, plural: &Plural, n: u64) -> String {
        plural.format(
            format::plural_category(n, self.locale),
            &format::number(n, self.locale),
        )
    }

    pub fn number(&self, n: u64) -> String {
        format::number(n, self.locale)
    }

    pub fn date(&self, ts: &plaza_contract::Timestamp) -> String {
        format::date(ts, self.locale)
    }

    pub fn pick(&self, text: &LocalizedText) -> Shown {
        match text.pick(&self.prefs) {
            Some(p) => Shown {
                text: p.text.to_owned(),
                lang: self.other_lang(Some(p.lang)),
            },
            None => Shown {
                text: String::new(),
                lang: None,
            },
        }
    }

    /// `lang` to put on user content written in `lang`, if not the interface language.
    pub fn other_lang(&self, lang: Option<&str>) -> Option<String> {
        lang.filter(|l| !l.eq_ignore_ascii_case(self.lang.tag))
            .map(str::to_owned)
    }
}

/// The backend of this instance, for components that load more.
#[derive(Clone, Copy)]
pub struct BackendHandle(pub StoredValue<Backend, LocalStorage>);

/// Everything an instance needs, prepared by the embedding layer.
pub struct Setup {
    /// What the element asks for and the backend built from it, or why not.
    pub instance: Result<(InstanceConfig, Backend), ConfigError>,
    pub prefs: Vec<String>,
    pub host: Element,
    pub stylesheet: String,
}

/// The first screen: the deliberation and the first page of each side.
#[derive(Clone)]
pub struct FirstScreen {
    pub deliberation: Deliberation,
    pub for_page: Page<Argument>,
    pub against_page: Page<Argument>,
}

/// The page of one side a first screen shows (`plaza.js` asks for it early).
pub(crate) fn first_screen_side(stance: Stance) -> ArgumentsQuery {
    ArgumentsQuery {
        stance: Some(stance),
        ..Default::default()
    }
}

async fn load_first_screen(backend: &Backend, id: &str) -> Result<FirstScreen, BackendError> {
    let (for_query, against_query) = (
        first_screen_side(Stance::For),
        first_screen_side(Stance::Against),
    );
    let (deliberation, for_page, against_page) = futures::join!(
        backend.deliberation(id),
        backend.arguments(id, &for_query),
        backend.arguments(id, &against_query),
    );
    Ok(FirstScreen {
        deliberation: deliberation?,
        for_page: for_page?,
        against_page: against_page?,
    })
}

/// How the first screen ended, for the host page.
#[derive(Clone)]
enum Settled {
    Loaded,
    Failed { code: &'static str, message: String },
}

/// What the instance's parts share with the frame around them.
#[derive(Clone, Copy)]
struct Frame {
    host: StoredValue<Element, LocalStorage>,
    stylesheet_ready: RwSignal<bool>,
    /// The deliberation's title once shown: it names the widget's region.
    title: RwSignal<Option<String>>,
    /// The first screen is shown (or its error): the space kept for it
    /// while loading is released.
    settled: RwSignal<bool>,
}

/// Dispatches `plaza:ready` (and `plaza:error` for an error) on the host
/// element once, when the stylesheet is in and `settled` says how the first
/// screen ended, so a city's script sees the widget as a resident does.
fn announce_first_screen(frame: Frame, settled: impl Fn() -> Option<Settled> + 'static) {
    let announced = StoredValue::new(false);
    Effect::new(move |_| {
        let outcome = settled();
        if !frame.stylesheet_ready.get() || announced.get_value() {
            return;
        }
        let Some(outcome) = outcome else { return };
        announced.set_value(true);
        frame.settled.set(true);
        frame.host.with_value(|h| {
            let state = match &outcome {
                Settled::Loaded => "loaded",
                Settled::Failed { code, message } => {
                    events::dispatch(h, "plaza:error", &[("code", code), ("message", message)]);
                    "error"
                }
            };
            events::dispatch(h, "plaza:ready", &[("state", state)]);
        });
    });
}

#[component]
pub fn App(setup: Setup) -> impl IntoView {
    let Setup {
        instance,
        prefs,
        host,
        stylesheet,
    } = setup;
    let prefs: Arc<[String]> = prefs.into();
    let wanted = Language::negotiate(&prefs);
    let frame = Frame {
        host: StoredValue::new_local(host),
        stylesheet_ready: RwSignal::new(false),
        title: RwSignal::new(None),
        settled: RwSignal::new(false),
    };
    let tasks = Tasks::of_current();
    // The interface language and the first screen load side by side.
    let shown: RwSignal<Option<(Language, &'static Strings)>> = RwSignal::new(None);
    {
        let base = stylesheet.clone();
        tasks.spawn(async move {
            let strings = match crate::i18n::load(wanted, &base).await {
                Ok(strings) => (wanted, strings),
                Err(e) => {
                    web_sys::console::warn_1(
                        &format!("Plaza: {e}; showing English instead.").into(),
                    );
                    (Language::ENGLISH, english())
                }
            };
            shown.set(Some(strings));
        });
    }
    let instance = instance.map(|(config, backend)| {
        let backend = BackendHandle(StoredValue::new_local(backend));
        let screen = RwSignal::new(None);
        let load = first_screen_loader(&tasks, backend, config.deliberation.clone(), screen);
        load.run(());
        (backend, screen, load, config)
    });
    let content = move || {
        let (lang, strings) = shown.get()?;
        let ui = Ui {
            lang,
            locale: format::locale(lang.regional(&prefs)),
            strings,
            prefs: prefs.clone(),
        };
        provide_context(ui);
        Some(match &instance {
            Ok((backend, screen, load, config)) => {
                provide_context(*backend);
                provide_context(Headings(config.heading_level));
                provide_context(SignInLink(config.sign_in_url.clone()));
                let part = backend
                    .0
                    .with_value(|b| Participation::new(b, &config.deliberation, frame.host));
                provide_context(part);
                view! { <Loaded screen=*screen load=*load frame/> }.into_any()
            }
            Err(error) => view! { <ConfigProblem error=error.clone() frame/> }.into_any(),
        })
    };
    let s = move || shown.get().map(|(_, s)| s).unwrap_or_else(english);
    view! {
        <link
            rel="stylesheet"
            href=stylesheet
            on:load=move |_| frame.stylesheet_ready.set(true)
            on:error=move |_| {
                web_sys::console::error_1(&"Plaza: the stylesheet plaza.css could not be loaded; it must sit next to plaza.js.".into());
                frame.stylesheet_ready.set(true)
            }
        />
        <section
            class="plaza-root"
            lang=move || shown.get().map_or("en", |(l, _)| l.tag)
            dir=move || shown.get().map_or("ltr", |(l, _)| l.dir())
            // Named after the deliberation, so that several widgets on a page are told apart.
            aria-label=move || match frame.title.get() {
                Some(title) => {
                    let s = s();
                    format!("{}{}{}", s.widget_label, s.title_separator, isolated(&title))
                }
                None => s().widget_label.to_owned(),
            }
            hidden=move || !frame.stylesheet_ready.get() || shown.with(Option::is_none)
            data-settled=move || frame.settled.get().then_some("")
        >
            {content}
        </section>
    }
}

/// Focuses the element `id` of the instance that holds `near` after the
/// next frame (once the view has caught up); nothing if either is gone.
pub fn focus_later<E>(near: NodeRef<E>, id: String)
where
    E: leptos::html::ElementType,
    E::Output: wasm_bindgen::JsCast + Clone + 'static,
{
    use wasm_bindgen::JsCast;
    let Some(node) = near.try_get_untracked().flatten() else {
        return;
    };
    let root = node.unchecked_ref::<web_sys::Node>().get_root_node();
    if let Ok(root) = root.dyn_into::<web_sys::ShadowRoot>() {
        focus_in_later(root, id);
    }
}

/// Focuses the element `id` of the shadow root `root` after the next frame
/// (once the view has caught up); nothing if it is not there then.
fn focus_in_later(root: web_sys::ShadowRoot, id: String) {
    use wasm_bindgen::JsCast;
    request_animation_frame(move || {
        let found = root
            .get_element_by_id(&id)
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(element) = found {
            let _ = element.focus();
        }
    });
}

/// As [`focus_later`], only if focus was lost meanwhile (the element that
/// had it is gone): a resident who moved on is not pulled back.
pub fn focus_if_lost<E>(near: NodeRef<E>, id: String)
where
    E: leptos::html::ElementType,
    E::Output: wasm_bindgen::JsCast + Clone + 'static,
{
    request_animation_frame(move || {
        if focus_lost() {
            focus_later(near, id);
        }
    });
}

/// After the next frame (once the view has caught up), if focus was lost
/// meanwhile, focuses what `find` finds then; a resident who moved on is
/// not pulled back.
pub fn focus_when_lost(find: impl FnOnce() -> Option<Element> + 'static) {
    use wasm_bindgen::JsCast;
    request_animation_frame(move || {
        if !focus_lost() {
            return;
        }
        if let Some(target) = find().and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
            let _ = target.focus();
        }
    });
}

/// `from` and its ancestors, nearest first, up to its section: where
/// something that goes stood, for [`landing`].
pub fn up_to_section(from: Option<Element>) -> Vec<Element> {
    let mut chain = Vec::new();
    let mut at = from;
    while let Some(e) = at {
        let last = e.tag_name().eq_ignore_ascii_case("section");
        at = e.parent_element();
        chain.push(e);
        if last {
            break;
        }
    }
    chain
}

/// Where focus lands for `e`, the place of something that went (an
/// ancestor of it): an item (a reply's parent), a thread (its first
/// control), a section (its heading, else its first control).
pub fn landing(e: &Element) -> Option<Element> {
    if e.matches("li[id^='plaza-item-']").unwrap_or(false) {
        return Some(e.clone());
    }
    let first = |selector: &str| e.query_selector(selector).ok().flatten();
    if e.class_list().contains("plaza-replies") {
        return first(":scope > .plaza-actions > button");
    }
    if !e.tag_name().eq_ignore_ascii_case("section") {
        return None;
    }
    first("h2, h3, h4, h5, h6")
        .map(focusable)
        .or_else(|| first("button"))
}

/// `e`, focusable by script if it is a heading (made so only when focus
/// goes there: a heading that could always take focus would show a focus
/// ring when clicked to select its text).
pub fn focusable(e: Element) -> Element {
    let heading = e.matches("h1, h2, h3, h4, h5, h6").unwrap_or(false);
    if heading && !e.has_attribute("tabindex") {
        let _ = e.set_attribute("tabindex", "-1");
    }
    e
}

/// Whether focus is nowhere: the element that had it is gone.
pub fn focus_lost() -> bool {
    document()
        .active_element()
        .is_none_or(|e| e.tag_name().eq_ignore_ascii_case("body"))
}

/// Loads the first screen into `screen` (again, for a retry), as a task of
/// the instance.
fn first_screen_loader(
    tasks: &Tasks,
    backend: BackendHandle,
    id: String,
    screen: RwSignal<Option<Result<FirstScreen, BackendError>>>,
) -> Callback<()> {
    let tasks = tasks.clone();
    Callback::new(move |()| {
        screen.set(None);
        let id = id.clone();
        tasks.spawn(async move {
            let result = load_first_screen(&backend.0.get_value(), &id).await;
            if let Err(e) = &result {
                // The details, for the site's web team.
                web_sys::console::error_1(&format!("Plaza ({id}): {e}").into());
            }
            screen.set(Some(result));
        });
    })
}

/// An element that cannot show a deliberation: why, to the resident and
/// to the site's team (console and `plaza:error`).
#[component]
fn ConfigProblem(error: ConfigError, frame: Frame) -> impl IntoView {
    let s = expect_context::<Ui>().s();
    let message = error.message(s);
    web_sys::console::error_1(&format!("Plaza: {message}").into());
    let settled = Settled::Failed {
        code: error.code(),
        message: message.clone(),
    };
    announce_first_screen(frame, move || Some(settled.clone()));
    view! { <ErrorPanel message=message/> }
}

/// The deliberation: loaded from the backend, then shown; a failure offers
/// a retry when one can help. Its loads end with it (see [`Tasks`]).
#[component]
fn Loaded(
    screen: RwSignal<Option<Result<FirstScreen, BackendError>>>,
    load: Callback<()>,
    frame: Frame,
) -> impl IntoView {
    let ui = expect_context::<Ui>();
    let s = ui.s();
    let backend = expect_context::<BackendHandle>();
    let part = expect_context::<Participation>();
    // Said when the browser refuses storage, or its quota is full when the
    // outbox keeps an item (looked at again at each change of the outbox);
    // a preview keeps nothing on purpose.
    let persistent = move || {
        part.items.track();
        backend
            .0
            .with_value(|b| b.is_persistent() || b.is_preview())
            && part.is_persistent()
    };
    Effect::new(move |_| {
        screen.with(|r| {
            if let Some(Ok(first)) = r {
                frame
                    .title
                    .set(Some(ui.pick(&first.deliberation.title).text));
            }
        })
    });
    announce_first_screen(frame, move || {
        screen.with(|r| {
            r.as_ref().map(|r| match r {
                Ok(_) => Settled::Loaded,
                Err(e) => Settled::Failed {
                    code: e.code(),
                    message: e.message(s),
                },
            })
        })
    });
    view! {
        {move || (!persistent()).then(|| view! { <Notice text=s.notice_storage_unavailable/> })}
        <SignInNotice/>
        // Outcomes that arrive later (sent, refused), for screen readers.
        <p class="plaza-visually-hidden" role="status" aria-live="polite">{move || part.announcement.get()}</p>
        {move || match screen.get() {
            None => view! { <Loading label=s.loading_deliberation/> }.into_any(),
            Some(Err(e)) => {
                let message = e.message(s);
                match e.is_transient() {
                    true => view! { <ErrorPanel message=message retry=load/> }.into_any(),
                    false => view! { <ErrorPanel message=message/> }.into_any(),
                }
            }
            Some(Ok(first)) => {
                let d = &first.deliberation;
                // From the vote on, the ballot and results come first.
                let vote = d.poll_id.is_some().then(|| {
                    let top = top_arguments(&first.for_page.items, &first.against_page.items);
                    view! { <Vote deliberation=d.clone() top/> }
                });
                let (vote_first, vote_last) = match d.current_phase >= PhaseKind::Voting {
                    true => (vote, None),
                    false => (None, vote),
                };
                view! {
                    <Header deliberation=first.deliberation.clone()/>
                    {vote_first}
                    <Discussion
                        deliberation=first.deliberation.clone()
                        for_page=first.for_page
                        against_page=first.against_page
                    />
                    <Proposals deliberation=first.deliberation.clone()/>
                    {vote_last}
                    <ModerationLog deliberation_id=first.deliberation.id/>
                    <ForgetMe/>
                }
                .into_any()
            }
        }}
    }
}
