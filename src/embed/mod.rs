//! Finding host elements and mounting one independent instance in each,
//! inside its own shadow root. Watches the page for elements added,
//! removed or reconfigured later. Touches nothing else of the host page.

pub mod config;

use std::any::Any;
use std::cell::RefCell;

use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{
    Element, HtmlElement, MutationObserver, MutationObserverInit, MutationRecord, ShadowRootInit,
    ShadowRootMode,
};

use crate::app::{App, Setup};
use crate::backend::local::LocalTransport;
use crate::backend::Backend;
use config::{ApiTarget, ConfigError, InstanceConfig, SELECTOR, TAG, WATCHED_ATTRIBUTES};

struct Instance {
    host: Element,
    /// The attributes it was mounted with; a change remounts it.
    signature: Vec<Option<String>>,
    /// Dropping it unmounts the instance's view.
    mounted: Option<Box<dyn Any>>,
    /// The parent of the instance's reactive owner, cleaned up when it
    /// goes: the owner that mounting made is cleaned up only when its last
    /// reference goes, and a task still waiting (a request, a retry's
    /// back-off) holds one, so it would run on, and its answer reach a
    /// widget that is gone (a `plaza:ready` from it on a remounted host).
    owner: Owner,
    /// Where it is drawn: emptied when it goes.
    shadow: web_sys::ShadowRoot,
    /// The element made to hold the shadow root, for a host that cannot
    /// (`<li>`): removed when it goes, so that a remount does not add one.
    wrapper: Option<Element>,
}

impl Drop for Instance {
    /// Unmounts it, and leaves nothing of it in the page: no space kept for
    /// a first screen that will not come. A host that is no longer one
    /// shows its own content again (a shadow root cannot be taken off, so
    /// it gets a slot).
    fn drop(&mut self) {
        drop(self.mounted.take());
        self.owner.cleanup();
        match self.wrapper.take() {
            Some(wrapper) => wrapper.remove(),
            None => self.shadow.set_inner_html("<slot></slot>"),
        }
    }
}

struct Page {
    stylesheet: String,
    load_module: js_sys::Function,
    instances: Vec<Instance>,
    /// Kept alive for as long as the page lives.
    _observer: Option<Observer>,
}

/// The page watcher and the callback it calls, kept alive together.
type Observer = (
    MutationObserver,
    Closure<dyn FnMut(js_sys::Array, MutationObserver)>,
);

thread_local! {
    static PAGE: RefCell<Option<Page>> = const { RefCell::new(None) };
}

/// Loads a module that sits next to `plaza.js` (`plaza-recount`, say), once
/// initialised; `Err` when the page has not started Plaza or it failed.
pub async fn load_module(name: &str) -> Result<JsValue, JsValue> {
    let load = PAGE
        .with(|p| p.borrow().as_ref().map(|page| page.load_module.clone()))
        .ok_or_else(|| JsValue::from_str("Plaza has not started"))?;
    let promise: js_sys::Promise = load.call1(&JsValue::NULL, &name.into())?.dyn_into()?;
    wasm_bindgen_futures::JsFuture::from(promise).await
}

fn log_error(message: &str, error: &JsValue) {
    web_sys::console::error_2(&format!("Plaza: {message}").into(), error);
}

pub fn start(stylesheet: String, load_module: js_sys::Function) {
    if PAGE.with(|p| p.borrow().is_some()) {
        return;
    }
    PAGE.with(|p| {
        *p.borrow_mut() = Some(Page {
            stylesheet,
            load_module,
            instances: Vec::new(),
            _observer: None,
        })
    });
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if let Some(root) = document.document_element() {
        scan(&root);
        match observe(&root) {
            Ok(observer) => PAGE.with(|p| {
                if let Some(page) = p.borrow_mut().as_mut() {
                    page._observer = Some(observer);
                }
            }),
            Err(e) => log_error("cannot watch the page for new widgets", &e),
        }
    }
}

fn observe(root: &Element) -> Result<Observer, JsValue> {
    let callback =
        Closure::<dyn FnMut(js_sys::Array, MutationObserver)>::new(|records: js_sys::Array, _| {
            let mut removed = false;
            for record in records.iter() {
                let Ok(record) = record.dyn_into::<MutationRecord>() else {
                    continue;
                };
                if record.type_() == "attributes" {
                    if let Some(target) = record.target().and_then(|t| t.dyn_into::<Element>().ok())
                    {
                        sync(&target);
                    }
                    continue;
                }
                removed |= record.removed_nodes().length() > 0;
                let added = record.added_nodes();
                for i in 0..added.length() {
                    if let Some(element) = added.item(i).and_then(|n| n.dyn_into::<Element>().ok())
                    {
                        scan(&element);
                    }
                }
            }
            if removed {
                sweep();
            }
        });
    let observer = MutationObserver::new(callback.as_ref().unchecked_ref())?;
    let init = MutationObserverInit::new();
    init.set_child_list(true);
    init.set_subtree(true);
    init.set_attributes(true);
    let filter = js_sys::Array::new();
    for name in WATCHED_ATTRIBUTES {
        filter.push(&name.into());
    }
    init.set_attribute_filter(&filter);
    observer.observe_with_options(root, &init)?;
    Ok((observer, callback))
}

/// Mounts every host element in `root` (itself included).
fn scan(root: &Element) {
    if root.matches(SELECTOR).unwrap_or(false) {
        sync(root);
    }
    if let Ok(found) = root.query_selector_all(SELECTOR) {
        for i in 0..found.length() {
            if let Some(element) = found.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
                sync(&element);
            }
        }
    }
}

fn is_tag(element: &Element) -> bool {
    element.tag_name().eq_ignore_ascii_case(TAG)
}

fn signature(element: &Element) -> Vec<Option<String>> {
    WATCHED_ATTRIBUTES
        .iter()
        .map(|a| element.get_attribute(a))
        .collect()
}

/// Makes the instance of `element` match its attributes: mounts it if new,
/// remounts it if reconfigured, unmounts it if it stopped being a host.
fn sync(element: &Element) {
    let is_host = element.is_connected() && element.matches(SELECTOR).unwrap_or(false);
    let wanted = signature(element);
    let current = PAGE.with(|p| {
        p.borrow().as_ref().and_then(|page| {
            page.instances
                .iter()
                .find(|i| i.host == *element)
                .map(|i| i.signature.clone())
        })
    });
    if is_host && current.as_ref() == Some(&wanted) {
        return;
    }
    if current.is_some() {
        // Drop outside the borrow: unmounting may run code that looks at PAGE.
        let removed = PAGE.with(|p| {
            let mut page = p.borrow_mut();
            let page = page.as_mut()?;
            let at = page.instances.iter().position(|i| i.host == *element)?;
            Some(page.instances.remove(at))
        });
        drop(removed);
    }
    if is_host {
        match mount(element) {
            Ok(instance) => PAGE.with(|p| {
                if let Some(page) = p.borrow_mut().as_mut() {
                    page.instances.push(instance);
                }
            }),
            Err(e) => log_error("could not show a deliberation here", &e),
        }
    }
}

/// Unmounts the instances whose host left the page.
fn sweep() {
    let gone: Vec<Instance> = PAGE.with(|p| {
        let mut page = p.borrow_mut();
        let Some(page) = page.as_mut() else {
            return Vec::new();
        };
        let (gone, kept) = std::mem::take(&mut page.instances)
            .into_iter()
            .partition(|i| !i.host.is_connected());
        page.instances = kept;
        gone
    });
    drop(gone);
}

/// The reader's languages: the element's `lang`, then the browser's, then English.
fn preferences(lang: Option<String>) -> Vec<String> {
    let mut prefs: Vec<String> = lang.into_iter().collect();
    if let Some(navigator) = web_sys::window().map(|w| w.navigator()) {
        prefs.extend(navigator.languages().iter().filter_map(|l| l.as_string()));
        if let Some(l) = navigator.language() {
            prefs.push(l);
        }
    }
    prefs.push("en".to_owned());
    prefs
}

/// Builds the backend an element asks for, resolving its address against
/// the page (`api="/plaza/v1"`) and the demo data against `plaza.js`. An
/// address the browser cannot resolve is an invalid `api`.
fn backend(
    config: &InstanceConfig,
    stylesheet: &str,
    load_module: &js_sys::Function,
) -> Result<Backend, ConfigError> {
    match &config.api {
        ApiTarget::Local { seed: None } => {
            let seed = web_sys::Url::new_with_base("plaza-demo.json", stylesheet)
                .map_err(|_| ConfigError::InvalidApi("local".into()))?;
            Ok(Backend::local(LocalTransport::new(
                load_module.clone(),
                seed.href(),
                stylesheet.to_owned(),
            )))
        }
        ApiTarget::Local { seed: Some(seed) } => {
            let url = web_sys::Url::new_with_base(seed, &page_base())
                .map_err(|_| ConfigError::InvalidApi("local".into()))?
                .href();
            // Relative images of a seed are relative to it (a blob: has no "next to").
            let media = if url.starts_with("blob:") {
                stylesheet.to_owned()
            } else {
                url.clone()
            };
            Ok(Backend::local(LocalTransport::preview(
                load_module.clone(),
                url,
                media,
            )))
        }
        ApiTarget::Http(api) => {
            let url = web_sys::Url::new_with_base(api, &page_base())
                .map_err(|_| ConfigError::InvalidApi(api.clone()))?;
            Ok(Backend::http(url.href(), config.participant_token.clone()))
        }
    }
}

/// What the page's relative addresses are relative to.
fn page_base() -> String {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.base_uri().ok().flatten())
        .unwrap_or_default()
}

/// The space kept while loading: a screenful at most.
const RESERVE_CSS: &str = ":host{display:block}\
    .plaza-mount:not(:has(>.plaza-root[data-settled])){min-block-size:min(100vh,48em)}";

/// The shadow root the instance renders in, and the wrapper made for it:
/// elements that cannot host one (a `<li data-plaza-deliberation>`) get a
/// wrapper that can.
fn shadow_root_of(
    host: &Element,
    document: &web_sys::Document,
) -> Result<(web_sys::ShadowRoot, Option<Element>), JsValue> {
    if let Some(existing) = host.shadow_root() {
        existing.set_inner_html("");
        return Ok((existing, None));
    }
    let init = ShadowRootInit::new(ShadowRootMode::Open);
    match host.attach_shadow(&init) {
        Ok(root) => Ok((root, None)),
        Err(_) => {
            let wrapper = document.create_element("div")?;
            // The stylesheet reads a fixed colour scheme on the shadow host.
            if let Some(scheme) = host.get_attribute("data-color-scheme") {
                wrapper.set_attribute("data-color-scheme", &scheme)?;
            }
            host.append_child(&wrapper)?;
            let root = wrapper.attach_shadow(&init)?;
            Ok((root, Some(wrapper)))
        }
    }
}

fn mount(host: &Element) -> Result<Instance, JsValue> {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let (stylesheet, load_module) = PAGE
        .with(|p| {
            p.borrow()
                .as_ref()
                .map(|page| (page.stylesheet.clone(), page.load_module.clone()))
        })
        .ok_or("Plaza has not started")?;
    let (lang, config) = InstanceConfig::read(is_tag(host), |name| host.get_attribute(name));
    let instance = config.and_then(|c| {
        let backend = backend(&c, &stylesheet, &load_module)?;
        Ok((c, backend))
    });
    let (shadow, wrapper) = shadow_root_of(host, &document)?;
    let container: HtmlElement = document.create_element("div")?.dyn_into()?;
    container.set_class_name("plaza-mount");
    // Until its first screen is settled, the widget keeps the space it will
    // likely take, so that the host page below it does not jump as it
    // grows (plaza.css, which says the rest, is not loaded yet).
    let reserve = document.create_element("style")?;
    reserve.set_class_name("plaza-reserve");
    reserve.set_text_content(Some(RESERVE_CSS));
    shadow.append_child(&reserve)?;
    shadow.append_child(&container)?;
    let setup = Setup {
        instance,
        prefs: preferences(lang),
        host: host.clone(),
        stylesheet,
    };
    let owner = Owner::new();
    let mounted =
        owner.with(|| leptos::mount::mount_to(container, move || view! { <App setup=setup/> }));
    Ok(Instance {
        host: host.clone(),
        signature: signature(host),
        mounted: Some(Box::new(mounted)),
        owner,
        shadow,
        wrapper,
    })
}
