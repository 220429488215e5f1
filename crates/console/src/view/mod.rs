//! The console's components (thin: the rules are in `run`, `queue` and
//! `staff`) and its mounting in the page.

mod action;
mod list;
mod log;
mod poll;
mod proposals;
mod queue;
mod reason;
mod report;
mod run;
mod setup;
mod task;

use std::any::Any;
use std::cell::RefCell;

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, ShadowRootInit, ShadowRootMode};

use crate::client::Client;
use crate::i18n::Strings;
use crate::staff::{signed_in, SignedIn};

/// The element a city puts on its staff page.
pub const TAG: &str = "plaza-console";

thread_local! {
    /// The mounted consoles, alive as long as the page.
    static MOUNTED: RefCell<Vec<Box<dyn Any>>> = RefCell::new(Vec::new());
}

/// The screen a console shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Screen {
    List,
    /// Running a deliberation (by id).
    Run(String),
    /// A deliberation's report for the council.
    Report(String),
    /// Setting up a new deliberation (`None`) or editing one.
    Setup(Option<String>),
}

/// What every component of one console shares.
#[derive(Clone, Copy)]
pub struct Ctx {
    pub t: &'static Strings,
    pub client: StoredValue<Option<Client>>,
    /// The reader's languages, for texts the city wrote in several.
    pub prefs: StoredValue<Vec<String>>,
    /// The reader's form of the interface language, for dates ("es-MX").
    locale: StoredValue<String>,
    /// The languages the city writes its deliberations in (the element's
    /// `languages`); otherwise those its backend already has.
    pub languages: StoredValue<Option<Vec<String>>>,
    /// The host element, where the set-up preview's widget goes.
    host: StoredValue<Element, LocalStorage>,
    /// Imports the widget's module next to this one (for the preview).
    load_widget: StoredValue<js_sys::Function, LocalStorage>,
}

impl Ctx {
    pub fn get() -> Ctx {
        expect_context::<Ctx>()
    }

    /// The locale dates are written in: the reader's region of the
    /// interface language.
    pub fn locale(&self) -> String {
        self.locale.get_value()
    }

    /// A count as the reader writes numbers ("12,040" in the US, "12.040"
    /// in Germany).
    pub fn number(&self, n: impl Into<f64>) -> String {
        js_sys::Number::from(n.into())
            .to_locale_string(&self.locale())
            .into()
    }

    /// A decimal count (an STV round's votes) as the reader writes numbers:
    /// every digit kept where the browser reads it as a decimal
    /// (`Intl.NumberFormat` v3), rounded past 15 significant digits before
    /// that; as given where the browser cannot format it.
    pub fn decimal(&self, exact: &str) -> String {
        let options = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&options, &"maximumFractionDigits".into(), &20.into());
        let locales = js_sys::Array::of1(&self.locale().into());
        js_sys::Intl::NumberFormat::new(&locales, &options)
            .format()
            .call1(&wasm_bindgen::JsValue::NULL, &exact.into())
            .ok()
            .and_then(|s| s.as_string())
            .unwrap_or_else(|| exact.to_owned())
    }

    /// The console's client (mounted only with one).
    pub fn client(&self) -> Client {
        self.client
            .get_value()
            .unwrap_or_else(|| Client::new("/v1", ""))
    }

    /// Shows `what` as residents see it, in the host's `preview` slot: a
    /// `<plaza-deliberation>` the widget mounts.
    pub fn show_preview(&self, what: &Previewed) -> Option<Element> {
        let document = web_sys::window().and_then(|w| w.document())?;
        let widget = document.create_element("plaza-deliberation").ok()?;
        let (api, seed, id) = match what {
            Previewed::Saved(id) => (self.client().base().to_owned(), None, id),
            // The widget's own in-page store, started from the draft: the
            // backend never sees it.
            // Without its address the widget would show its demo instead.
            Previewed::Draft { id, seed } => (
                "local".to_owned(),
                Some(object_url(seed, "application/json")?),
                id,
            ),
        };
        for (name, value) in [
            ("slot", "preview"),
            ("api", &api),
            ("deliberation", id),
            // The reader's region too, for the widget's dates.
            ("lang", &self.locale()),
        ] {
            let _ = widget.set_attribute(name, value);
        }
        if let Some(seed) = seed {
            let _ = widget.set_attribute("seed", &seed);
        }
        let _ = self.host.with_value(|host| host.append_child(&widget));
        let load = self.load_widget.get_value();
        if let Err(e) = load.call0(&wasm_bindgen::JsValue::NULL) {
            web_sys::console::error_2(&"Plaza console: the widget could not load".into(), &e);
        }
        Some(widget)
    }
}

/// Takes a preview's widget away, and the draft it was reading.
pub fn remove_preview(widget: &Element) {
    if let Some(seed) = widget.get_attribute("seed") {
        web_sys::Url::revoke_object_url(&seed).ok();
    }
    widget.remove();
}

impl Ctx {
    /// A text the city wrote, in the reader's language if it has it, with
    /// the language it is in (for its `lang` attribute: a French title in
    /// the Arabic console is read and laid out as French).
    pub fn pick(&self, text: &plaza_contract::LocalizedText) -> Picked {
        self.prefs.with_value(|prefs| {
            text.pick(prefs)
                .map(|p| Picked {
                    lang: p.lang.to_owned(),
                    text: p.text.to_owned(),
                })
                .unwrap_or_default()
        })
    }
}

/// What the set-up preview shows: a saved deliberation as the backend
/// serves it, or a draft no one else sees (`seed`: its seed document).
#[derive(Debug, Clone, PartialEq)]
pub enum Previewed {
    Saved(String),
    Draft { id: String, seed: String },
}

/// An address for `text` that only this page can read (a download, a
/// draft's preview); `None` where the browser cannot make one.
pub fn object_url(text: &str, mime: &str) -> Option<String> {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).ok()?;
    web_sys::Url::create_object_url_with_blob(&blob).ok()
}

#[derive(Debug, Clone, Default)]
pub struct Picked {
    pub lang: String,
    pub text: String,
}

/// A message with a name or title the city or a token supplied: the value
/// is isolated (`<bdi>`), so that an address in Latin letters does not
/// scramble an Arabic sentence around it.
pub fn with_value(template: &'static str, name: &str, value: String) -> impl IntoView {
    let marker = format!("{{{name}}}");
    let (before, after) = template.split_once(&marker).unwrap_or((template, ""));
    view! { {before} <bdi>{value}</bdi> {after} }
}

pub fn mount_all(stylesheet: &str, load_widget: js_sys::Function) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Ok(hosts) = document.query_selector_all(TAG) else {
        return;
    };
    for i in 0..hosts.length() {
        let Some(host) = hosts.item(i).and_then(|n| n.dyn_into::<Element>().ok()) else {
            continue;
        };
        if host.shadow_root().is_some() {
            continue;
        }
        if let Err(e) = mount(&document, &host, stylesheet, load_widget.clone()) {
            web_sys::console::error_2(&"Plaza console could not start here".into(), &e);
        }
    }
}

fn mount(
    document: &web_sys::Document,
    host: &Element,
    stylesheet: &str,
    load_widget: js_sys::Function,
) -> Result<(), wasm_bindgen::JsValue> {
    let shadow = host.attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open))?;
    let link = document.create_element("link")?;
    link.set_attribute("rel", "stylesheet")?;
    link.set_attribute("href", stylesheet)?;
    shadow.append_child(&link)?;
    let container: HtmlElement = document.create_element("div")?.dyn_into()?;
    shadow.append_child(&container)?;
    let prefs = preferences(host.get_attribute("lang"));
    let token = host
        .get_attribute("token")
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty());
    let client = token.and_then(|token| {
        let api = host.get_attribute("api").unwrap_or_else(|| "/v1".into());
        let base = document.base_uri().ok().flatten().unwrap_or_default();
        let url = web_sys::Url::new_with_base(&api, &base).ok()?;
        Some(Client::new(&url.href(), &token))
    });
    let languages = host.get_attribute("languages").map(|l| {
        l.split([' ', ','])
            .filter(|tag| plaza_contract::is_language_tag(tag))
            .map(str::to_owned)
            .collect::<Vec<_>>()
    });
    let host = host.clone();
    let mounted = leptos::mount::mount_to(container, move || {
        view! {
            <Console prefs=prefs.clone() client=client.clone() languages=languages.clone()
                host=host.clone() load_widget=load_widget.clone()/>
        }
    });
    MOUNTED.with(|m| m.borrow_mut().push(Box::new(mounted)));
    Ok(())
}

/// The reader's languages: the element's `lang`, then the browser's.
fn preferences(lang: Option<String>) -> Vec<String> {
    let mut prefs: Vec<String> = lang.into_iter().collect();
    if let Some(navigator) = web_sys::window().map(|w| w.navigator()) {
        prefs.extend(navigator.languages().iter().filter_map(|l| l.as_string()));
    }
    prefs.push("en".to_owned());
    prefs
}

#[component]
fn Console(
    prefs: Vec<String>,
    client: Option<Client>,
    languages: Option<Vec<String>>,
    host: Element,
    load_widget: js_sys::Function,
) -> impl IntoView {
    let t = Strings::negotiate(&prefs);
    let who = client.as_ref().map(|c| match signed_in(c.token()) {
        SignedIn::Staff(name) => with_value(t.signed_in_as, "name", name).into_any(),
        SignedIn::ModeratorToken => t.signed_in_with_moderator_token.into_any(),
    });
    let has_client = client.is_some();
    provide_context(Ctx {
        t,
        client: StoredValue::new(client),
        locale: StoredValue::new(plaza_contract::regional(t.tag, &prefs)),
        prefs: StoredValue::new(prefs),
        languages: StoredValue::new(languages.filter(|l| !l.is_empty())),
        host: StoredValue::new_local(host),
        load_widget: StoredValue::new_local(load_widget),
    });
    let screen = RwSignal::new(Screen::List);
    view! {
        <div class="console" lang=t.tag dir=t.dir()>
            <header class="console-header">
                <p class="console-name">{t.console_label}</p>
                {who.map(|who| view! { <p class="console-who">{who}</p> })}
            </header>
            {move || {
                if !has_client {
                    return view! { <p class="console-error" role="alert">{t.no_token}</p> }.into_any();
                }
                match screen.get() {
                    Screen::List => view! { <list::Deliberations screen/> }.into_any(),
                    Screen::Run(id) => view! { <run::Run id screen/> }.into_any(),
                    Screen::Report(id) => view! { <report::Report id screen/> }.into_any(),
                    Screen::Setup(id) => view! { <setup::Setup id screen/> }.into_any(),
                }
            }}
        </div>
    }
}

/// An error with a way to try again.
#[component]
fn Failed(error: crate::error::ConsoleError, retry: Callback<()>) -> impl IntoView {
    let t = Ctx::get().t;
    view! {
        <div class="console-error" role="alert">
            <p>{error.message(t)}</p>
            <button type="button" on:click=move |_| retry.run(())>{t.retry}</button>
        </div>
    }
}

/// A wide table that scrolls sideways on a narrow screen: focusable and
/// named, so that keyboard users can scroll it with the arrow keys.
#[component]
fn ScrollTable(labelledby: &'static str, children: Children) -> impl IntoView {
    view! {
        <div class="console-table-wrap" tabindex="0" role="group" aria-labelledby=labelledby>
            {children()}
        </div>
    }
}

/// A contract value's name on the wire (`off_topic`): the value of its
/// `<option>` in a list.
pub fn wire_name<T: serde::Serialize>(value: T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}
