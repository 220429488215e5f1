//! The components: thin views over `state` and `backend`. One [`App`] per
//! host element, each with its own reactive owner and signals.

mod arguments;
pub mod events;
pub mod format;
mod header;
mod status;

use std::sync::Arc;

use leptos::prelude::*;
use leptos::task::spawn_local_scoped;
use plaza_contract::{Argument, Deliberation, LocalizedText, Page, Stance};
use web_sys::Element;

use crate::backend::{ArgumentQuery, Backend, BackendError};
use crate::embed::config::{ConfigError, InstanceConfig};
use crate::i18n::{fill, Locale, Strings};
use arguments::Discussion;
use header::Header;
use status::{ErrorPanel, Loading, Notice};

/// The reader's languages, shared by every component of one instance.
#[derive(Clone)]
pub struct Ui {
    pub locale: Locale,
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
        self.locale.strings()
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
        lang.filter(|l| !l.eq_ignore_ascii_case(self.locale.tag()))
            .map(str::to_owned)
    }
}

/// The backend of this instance, for components that load more.
#[derive(Clone, Copy)]
pub struct BackendHandle(pub StoredValue<Backend, LocalStorage>);

/// Everything an instance needs, prepared by the embedding layer.
pub struct Setup {
    pub config: Result<InstanceConfig, ConfigError>,
    pub backend: Option<Backend>,
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

async fn load_first_screen(backend: &Backend, id: &str) -> Result<FirstScreen, BackendError> {
    let side = |stance| ArgumentQuery {
        stance: Some(stance),
        ..Default::default()
    };
    let (for_query, against_query) = (side(Stance::For), side(Stance::Against));
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

fn setup_message(error: &ConfigError, s: &Strings) -> String {
    match error {
        ConfigError::MissingApi => s.error_setup_missing_api.to_owned(),
        ConfigError::MissingDeliberation => s.error_setup_missing_deliberation.to_owned(),
        ConfigError::InvalidApi(api) => fill(s.error_setup_invalid_api, &[("api", api)]),
    }
}

/// How the first screen ended, for the host page.
#[derive(Clone)]
enum Settled {
    Loaded,
    Failed { code: &'static str, message: String },
}

/// Dispatches `plaza:ready` (and `plaza:error` for an error) on the host
/// element once, when the stylesheet is in and `settled` says how the first
/// screen ended, so a city's script sees the widget as a resident does.
fn announce_first_screen(
    host: StoredValue<Element, LocalStorage>,
    stylesheet_ready: RwSignal<bool>,
    settled: impl Fn() -> Option<Settled> + 'static,
) {
    let announced = StoredValue::new(false);
    Effect::new(move |_| {
        let outcome = settled();
        if !stylesheet_ready.get() || announced.get_value() {
            return;
        }
        let Some(outcome) = outcome else { return };
        announced.set_value(true);
        host.with_value(|h| {
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
        config,
        backend,
        prefs,
        host,
        stylesheet,
    } = setup;
    let ui = Ui {
        locale: Locale::negotiate(&prefs),
        prefs: prefs.into(),
    };
    let (locale, s) = (ui.locale, ui.s());
    provide_context(ui.clone());
    let host = StoredValue::new_local(host);
    let stylesheet_ready = RwSignal::new(false);
    let screen: RwSignal<Option<Result<FirstScreen, BackendError>>> = RwSignal::new(None);

    let content = match (config, backend) {
        (Ok(config), Some(backend)) => {
            let persistent = backend.is_persistent();
            let backend = BackendHandle(StoredValue::new_local(backend));
            provide_context(backend);
            let id = config.deliberation.clone();
            let load = Callback::new(move |()| {
                screen.set(None);
                let id = id.clone();
                spawn_local_scoped(async move {
                    let result = load_first_screen(&backend.0.get_value(), &id).await;
                    if let Err(e) = &result {
                        // The details, for the site's web team.
                        web_sys::console::error_1(&format!("Plaza ({id}): {e}").into());
                    }
                    screen.set(Some(result));
                });
            });
            load.run(());
            announce_first_screen(host, stylesheet_ready, move || {
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
                {(!persistent).then(|| view! { <Notice text=s.notice_storage_unavailable/> })}
                {move || match screen.get() {
                    None => view! { <Loading label=s.loading_deliberation/> }.into_any(),
                    Some(Err(e)) => {
                        let message = e.message(s);
                        match e.is_transient() {
                            true => view! { <ErrorPanel message=message retry=load/> }.into_any(),
                            false => view! { <ErrorPanel message=message/> }.into_any(),
                        }
                    }
                    Some(Ok(first)) => view! {
                        <Header deliberation=first.deliberation.clone()/>
                        <Discussion
                            counts=first.deliberation.counts
                            for_page=first.for_page
                            against_page=first.against_page
                            deliberation_id=first.deliberation.id
                        />
                    }
                    .into_any(),
                }}
            }
            .into_any()
        }
        (config, _) => {
            let message = match &config {
                Err(e) => setup_message(e, s),
                Ok(_) => s.error_unknown.to_owned(),
            };
            let code = match &config {
                Err(ConfigError::MissingApi) => "missing_api",
                Err(ConfigError::MissingDeliberation) => "missing_deliberation",
                Err(ConfigError::InvalidApi(_)) => "invalid_api",
                Ok(_) => "setup_failed",
            };
            web_sys::console::error_1(&format!("Plaza: {message}").into());
            let settled = Settled::Failed {
                code,
                message: message.clone(),
            };
            announce_first_screen(host, stylesheet_ready, move || Some(settled.clone()));
            view! { <ErrorPanel message=message/> }.into_any()
        }
    };

    view! {
        <link
            rel="stylesheet"
            href=stylesheet
            on:load=move |_| stylesheet_ready.set(true)
            on:error=move |_| {
                web_sys::console::error_1(&"Plaza: the stylesheet plaza.css could not be loaded; it must sit next to plaza.js.".into());
                stylesheet_ready.set(true)
            }
        />
        <section
            class="plaza-root"
            lang=locale.tag()
            dir=locale.dir()
            aria-label=move || screen.with(|r| match r {
                // Named after the deliberation, so that several widgets on a page are told apart.
                Some(Ok(first)) => format!("{}: {}", s.widget_label, ui.pick(&first.deliberation.title).text),
                _ => s.widget_label.to_owned(),
            })
            hidden=move || !stylesheet_ready.get()
        >
            {content}
        </section>
    }
}
