//! Reading a language file into [`Strings`]: in the browser through its own
//! `JSON.parse` (no JSON parser in the download), natively (tests) through
//! serde_json. Languages other than English are fetched on demand, once
//! per page.

use std::cell::RefCell;
use std::collections::HashMap;

use futures::future::{FutureExt, LocalBoxFuture, Shared};

use super::{english, Language, Plural, PluralCategory, Strings, READ};

/// Why a language could not be used (the widget then shows English).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoadError {
    #[error("the language file could not be fetched: {0}")]
    Unavailable(String),
    #[error("the language file is not JSON: {0}")]
    Unreadable(String),
    #[error("the language file lacks the message {0:?}")]
    Missing(String),
}

type Loading = Shared<LocalBoxFuture<'static, Result<&'static Strings, LoadError>>>;

thread_local! {
    /// Languages being fetched, so that instances starting together share one request.
    static LOADING: RefCell<HashMap<&'static str, Loading>> = RefCell::new(HashMap::new());
}

/// The messages of `language`, fetched from `languages/<tag>.json` next to
/// `base` (the address of `plaza.css`, next to `plaza.js`) unless already read.
pub async fn load(language: Language, base: &str) -> Result<&'static Strings, LoadError> {
    if language.tag == "en" {
        return Ok(english());
    }
    if let Some(s) = READ.with(|r| r.borrow().get(language.tag).copied()) {
        return Ok(s);
    }
    let url = web_sys::Url::new_with_base(&format!("languages/{}.json", language.tag), base)
        .map(|u| u.href())
        .map_err(|e| LoadError::Unavailable(format!("{e:?}")))?;
    let loading = LOADING.with(|l| {
        l.borrow_mut()
            .entry(language.tag)
            .or_insert_with(|| fetch(language.tag, url).boxed_local().shared())
            .clone()
    });
    let result = loading.await;
    LOADING.with(|l| l.borrow_mut().remove(language.tag));
    result
}

async fn fetch(tag: &'static str, url: String) -> Result<&'static Strings, LoadError> {
    let unavailable = |e: String| LoadError::Unavailable(format!("{url}: {e}"));
    let response = gloo_net::http::Request::get(&url)
        .send()
        .await
        .map_err(|e| unavailable(e.to_string()))?;
    if !response.ok() {
        return Err(unavailable(format!("status {}", response.status())));
    }
    let text = response
        .text()
        .await
        .map_err(|e| unavailable(e.to_string()))?;
    let strings: &'static Strings = Box::leak(Box::new(parse(&text)?));
    READ.with(|r| r.borrow_mut().insert(tag, strings));
    Ok(strings)
}

fn leak(text: String) -> &'static str {
    Box::leak(text.into_boxed_str())
}

/// Every message of a language file; the first one missing is an error.
pub(crate) fn parse(text: &str) -> Result<Strings, LoadError> {
    let doc = Doc::parse(text)?;
    let missing = std::cell::Cell::new(None);
    let mut text = |key: &'static str| match doc.text(&["strings", key]) {
        Some(t) => leak(t),
        None => {
            missing.set(missing.get().or(Some(key)));
            ""
        }
    };
    let mut plural = |key: &'static str| {
        let other = doc.text(&["strings", key, "other"]).map(leak);
        if other.is_none() {
            missing.set(missing.get().or(Some(key)));
        }
        let mut forms = [None; 5];
        for (form, category) in forms.iter_mut().zip(PluralCategory::ALL) {
            *form = doc.text(&["strings", key, category.name()]).map(leak);
        }
        Plural {
            forms,
            other: other.unwrap_or("{n}"),
        }
    };
    let strings = Strings::build(&mut text, &mut plural);
    match missing.get() {
        None => Ok(strings),
        Some(key) => Err(LoadError::Missing(key.to_owned())),
    }
}

/// Every message empty: only if the embedded English were broken.
pub(crate) fn empty() -> Strings {
    Strings::build(&mut |_| "", &mut |_| Plural {
        forms: [None; 5],
        other: "{n}",
    })
}

/// A parsed language file.
struct Doc(
    #[cfg(target_arch = "wasm32")] wasm_bindgen::JsValue,
    #[cfg(not(target_arch = "wasm32"))] serde_json::Value,
);

impl Doc {
    #[cfg(target_arch = "wasm32")]
    fn parse(text: &str) -> Result<Doc, LoadError> {
        js_sys::JSON::parse(text)
            .map(Doc)
            .map_err(|e| LoadError::Unreadable(format!("{e:?}")))
    }

    #[cfg(not(target_arch = "wasm32"))]
    fn parse(text: &str) -> Result<Doc, LoadError> {
        serde_json::from_str(text)
            .map(Doc)
            .map_err(|e| LoadError::Unreadable(e.to_string()))
    }

    /// The string at `path` (object keys), if there is one.
    #[cfg(target_arch = "wasm32")]
    fn text(&self, path: &[&str]) -> Option<String> {
        let mut at = self.0.clone();
        for key in path {
            if !at.is_object() {
                return None;
            }
            at = js_sys::Reflect::get(&at, &(*key).into()).ok()?;
        }
        at.as_string()
    }

    #[cfg(not(target_arch = "wasm32"))]
    fn text(&self, path: &[&str]) -> Option<String> {
        let mut at = &self.0;
        for key in path {
            at = at.get(key)?;
        }
        at.as_str().map(str::to_owned)
    }
}
