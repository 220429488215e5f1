//! Reading a language file into [`Strings`]: in the browser through its own
//! `JSON.parse` (no JSON parser in the download), natively (tests) through
//! serde_json. Languages other than English are fetched on demand, once
//! per page (or taken from `plaza.js`, which asked for the file while the
//! wasm downloaded).

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
    // plaza.js asked for it while the wasm downloaded (a success, read whole).
    let response = match crate::backend::early::take(&url).await {
        Some(response) => response,
        None => gloo_net::http::Request::get(&url)
            .send()
            .await
            .map_err(|e| unavailable(e.to_string()))?,
    };
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
    // Each message is looked up from "strings" down, one step per key: it is
    // on the first screen's path of every widget in another language.
    let strings = doc.member("strings");
    let entry = |key: &str| strings.as_ref()?.member(key);
    let missing = std::cell::Cell::new(None);
    let mut text = |key: &'static str| match entry(key).and_then(|e| e.text()) {
        Some(t) => leak(t),
        None => {
            missing.set(missing.get().or(Some(key)));
            ""
        }
    };
    let mut plural = |key: &'static str| {
        let forms_of = entry(key);
        let form = |name: &str| forms_of.as_ref()?.member(name)?.text().map(leak);
        let other = form("other");
        if other.is_none() {
            missing.set(missing.get().or(Some(key)));
        }
        let mut forms = [None; 5];
        for (form_of, category) in forms.iter_mut().zip(PluralCategory::ALL) {
            *form_of = form(category.name());
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

    /// The member `key` of an object; nothing for anything else.
    #[cfg(target_arch = "wasm32")]
    fn member(&self, key: &str) -> Option<Doc> {
        if !self.0.is_object() {
            return None;
        }
        js_sys::Reflect::get(&self.0, &key.into())
            .ok()
            .filter(|v| !v.is_undefined())
            .map(Doc)
    }

    #[cfg(not(target_arch = "wasm32"))]
    fn member(&self, key: &str) -> Option<Doc> {
        self.0.get(key).cloned().map(Doc)
    }

    /// This value if it is a string.
    #[cfg(target_arch = "wasm32")]
    fn text(&self) -> Option<String> {
        self.0.as_string()
    }

    #[cfg(not(target_arch = "wasm32"))]
    fn text(&self) -> Option<String> {
        self.0.as_str().map(str::to_owned)
    }
}
