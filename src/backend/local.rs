//! `api="local"`: requests answered in the browser by the `plaza-local`
//! module (crates/local), loaded on first use next to `plaza.js`, so that
//! pages with a real backend never download it. This side only keeps the
//! state: in `localStorage` when allowed, in page memory otherwise, read and
//! written with no await in between so that instances cannot overwrite
//! each other's changes.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use futures::future::{FutureExt, LocalBoxFuture, Shared};
use js_sys::{Array, Function, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use super::{outcome, ApiResult, BackendError, Call, KeyValue, Transport};

const STATE_KEY: &str = "plaza:local:v1";
/// The module, as named next to `plaza.js` (`plaza-local.js`).
const MODULE: &str = "plaza-local";

type ModuleFuture = Shared<LocalBoxFuture<'static, Result<JsValue, BackendError>>>;

thread_local! {
    /// The module, loaded once for every instance on the page.
    static LOADING: RefCell<Option<ModuleFuture>> = const { RefCell::new(None) };
}

#[derive(Clone)]
pub struct LocalTransport {
    /// `(name) => Promise<module>`, given by `plaza.js` (see src/embed/start.js).
    load_module: Function,
    seed_url: String,
    media_base: String,
    persistent: Rc<Cell<bool>>,
    /// For a preview, where its state lives: in page memory only, forgotten
    /// with the preview's last handle. Otherwise the state is in `localStorage`.
    preview: Option<Rc<PreviewState>>,
}

/// The page-memory key of a preview's state, removed once nothing uses it:
/// each redraw of a console's preview has a seed (and a state) of its own.
struct PreviewState(String);

impl Drop for PreviewState {
    fn drop(&mut self) {
        KeyValue::Memory.remove(&self.0);
    }
}

fn demo_unavailable(detail: impl std::fmt::Debug) -> BackendError {
    BackendError::DemoUnavailable(format!("{detail:?}"))
}

fn random_id() -> String {
    const DIGITS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    (0..10)
        .map(|_| {
            let i = (js_sys::Math::random() * DIGITS.len() as f64) as usize;
            char::from(DIGITS[i.min(DIGITS.len() - 1)])
        })
        .collect()
}

impl LocalTransport {
    /// `seed_url`: the demonstration data; `media_base`: what relative image
    /// addresses in it are relative to.
    pub fn new(load_module: Function, seed_url: String, media_base: String) -> Self {
        let persistent = Rc::new(Cell::new(KeyValue::open().is_persistent()));
        Self {
            load_module,
            seed_url,
            media_base,
            persistent,
            preview: None,
        }
    }

    /// A store that starts from `seed_url` and keeps nothing once the page
    /// goes: a preview of data that is not published (or not yet).
    pub fn preview(load_module: Function, seed_url: String, media_base: String) -> Self {
        let state = PreviewState(format!("{STATE_KEY}:preview:{seed_url}"));
        Self {
            load_module,
            seed_url,
            media_base,
            persistent: Rc::new(Cell::new(false)),
            preview: Some(Rc::new(state)),
        }
    }

    /// The storage of its state, and the key the state has there.
    fn state_storage(&self) -> (KeyValue, String) {
        match &self.preview {
            None => (KeyValue::open(), STATE_KEY.to_owned()),
            Some(state) => (KeyValue::Memory, state.0.clone()),
        }
    }

    pub fn media_base(&self) -> &str {
        &self.media_base
    }

    pub fn is_persistent(&self) -> bool {
        self.persistent.get()
    }

    pub fn is_preview(&self) -> bool {
        self.preview.is_some()
    }

    async fn module(&self) -> ApiResult<JsValue> {
        let loading = LOADING.with(|l| {
            l.borrow_mut()
                .get_or_insert_with(|| {
                    let load = self.load_module.clone();
                    async move {
                        let promise = load
                            .call1(&JsValue::NULL, &MODULE.into())
                            .map_err(demo_unavailable)?;
                        let promise: js_sys::Promise =
                            promise.dyn_into().map_err(demo_unavailable)?;
                        JsFuture::from(promise).await.map_err(demo_unavailable)
                    }
                    .boxed_local()
                    .shared()
                })
                .clone()
        });
        let module = loading.await;
        if module.is_err() {
            // Let a later call try again (e.g. after the connection came back).
            LOADING.with(|l| l.borrow_mut().take());
        }
        module
    }

    async fn seed(&self) -> ApiResult<String> {
        let response = gloo_net::http::Request::get(&self.seed_url)
            .send()
            .await
            .map_err(demo_unavailable)?;
        if !response.ok() {
            return Err(BackendError::DemoUnavailable(format!(
                "{} answered {}",
                self.seed_url,
                response.status()
            )));
        }
        response.text().await.map_err(demo_unavailable)
    }
}

/// `[status, body, state | null, discarded | null, needs_seed]` from the module.
struct Answer {
    status: u16,
    body: String,
    state: Option<String>,
    discarded: Option<String>,
    needs_seed: bool,
}

fn answer(value: JsValue) -> ApiResult<Answer> {
    let a: Array = value.dyn_into().map_err(demo_unavailable)?;
    Ok(Answer {
        status: a.get(0).as_f64().map_or(0, |s| s as u16),
        body: a.get(1).as_string().unwrap_or_default(),
        state: a.get(2).as_string(),
        discarded: a.get(3).as_string(),
        needs_seed: a.get(4).as_bool().unwrap_or(false),
    })
}

impl Transport for LocalTransport {
    async fn send(&self, call: &Call<'_>) -> ApiResult<String> {
        let module = self.module().await?;
        let handle: Function = Reflect::get(&module, &"handle".into())
            .and_then(|f| f.dyn_into())
            .map_err(demo_unavailable)?;
        let mut seed: Option<String> = None;
        loop {
            // From reading the state to saving it: no await.
            let (storage, key) = self.state_storage();
            let args = Array::of5(
                &storage.get(&key).map_or(JsValue::NULL, JsValue::from),
                &seed.clone().map_or(JsValue::NULL, JsValue::from),
                &random_id().into(),
                &js_sys::Date::now().into(),
                &call.method.as_str().into(),
            );
            args.push(&call.path.clone().into());
            args.push(&call.body.clone().map_or(JsValue::NULL, JsValue::from));
            args.push(&call.idempotency_key.map_or(JsValue::NULL, JsValue::from));
            let out = answer(
                handle
                    .apply(&JsValue::NULL, &args)
                    .map_err(demo_unavailable)?,
            )?;
            if out.needs_seed {
                if seed.is_some() {
                    return Err(BackendError::DemoUnavailable(
                        "the module still needs a seed".into(),
                    ));
                }
                seed = Some(self.seed().await?);
                continue;
            }
            if let Some(old) = out.discarded {
                // Never destroy what a resident wrote: keep it aside.
                let backup = format!("{key}:unreadable:{}", js_sys::Date::now() as i64);
                storage.set(&backup, &old);
                web_sys::console::warn_1(
                    &format!("Plaza: the local demo data could not be read; it was kept as {backup} and the demo restarted.")
                        .into(),
                );
            }
            if let Some(state) = out.state {
                self.persistent.set(storage.set(&key, &state));
            }
            return outcome(out.status, out.body);
        }
    }
}
