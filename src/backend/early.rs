//! Reads `plaza.js` starts while the wasm downloads: each widget's first
//! screen (its deliberation and the first page of each side), so that the
//! answers are in when the wasm is. `plaza.js` cannot ask the route table,
//! so it carries the paths as text; a test below writes that text from
//! the route table and checks `start.js` has it.
//!
//! An early read is taken at most once, by the first identical request
//! made without a token; a resident with a token (a signed-in or returning
//! participant, whose view shows their own reactions) asks again, and
//! `plaza.js` does not ask early for them.

use std::cell::RefCell;

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

thread_local! {
    /// `plaza.js`'s `take(url)`: the promise of its early answer for `url`, or `undefined`.
    static TAKE: RefCell<Option<js_sys::Function>> = const { RefCell::new(None) };
}

/// Called once at start with `plaza.js`'s function; anything else is ignored.
pub fn accept(take: wasm_bindgen::JsValue) {
    if let Ok(take) = take.dyn_into::<js_sys::Function>() {
        TAKE.with(|t| *t.borrow_mut() = Some(take));
    }
}

/// The answer `plaza.js` already asked for at `url`, if it did and it was
/// a success (read whole); `None` (ask again) for anything else, a failure
/// or a request that took too long included (`plaza.js` ends it).
pub async fn take(url: &str) -> Option<gloo_net::http::Response> {
    let take = TAKE.with(|t| t.borrow().clone())?;
    let promise: js_sys::Promise = take
        .call1(&wasm_bindgen::JsValue::NULL, &url.into())
        .ok()?
        .dyn_into()
        .ok()?;
    let response: web_sys::Response = JsFuture::from(promise).await.ok()?.dyn_into().ok()?;
    Some(response.into())
}

#[cfg(test)]
mod tests {
    /// The first-screen paths, relative to the API's base URL, for `id`
    /// (`plaza.js` encodes `id` as the contract does: the first test checks it).
    fn first_screen_paths(id: &str) -> [String; 3] {
        use plaza_contract::{Operation, Stance};
        let side =
            |stance| crate::backend::arguments_path(id, &crate::app::first_screen_side(stance));
        [
            Operation::GetDeliberation.path(&[id]),
            side(Stance::For),
            side(Stance::Against),
        ]
    }

    /// The lines of `src/embed/start.js` that say what to ask for early, how
    /// (the widget's `Accept`), where a participant's token is kept (no early
    /// reads for them), and which language files there are.
    fn start_js_lines() -> String {
        const ID: &str = "DELIBERATION_ID";
        let paths = first_screen_paths(ID).map(|p| format!("'{}'", p.replace(ID, "{id}")));
        let languages: Vec<String> = crate::i18n::LANGUAGES
            .iter()
            .map(|l| format!("'{}'", l.tag))
            .collect();
        format!(
            "const FIRST_READS = [{}];\nconst TOKEN_KEYS = ['{}', '{}'];\nconst ACCEPT = '{}';\nconst LANGUAGES = [{}];\n",
            paths.join(", "),
            crate::backend::http::TOKEN_KEY,
            crate::backend::http::EXPIRED_KEY,
            crate::backend::http::ACCEPT,
            languages.join(", "),
        )
    }

    #[test]
    fn an_id_is_encoded_as_start_js_encodes_it() {
        // encodeURIComponent, then !'()* (which it keeps) as %XX.
        let paths = first_screen_paths("budget (2027)!*'é/x");
        assert_eq!(
            paths[0],
            "/deliberations/budget%20%282027%29%21%2A%27%C3%A9%2Fx"
        );
    }

    #[test]
    fn start_js_asks_early_for_what_the_widget_reads_first() {
        let start_js = include_str!("../embed/start.js");
        let lines = start_js_lines();
        assert!(
            start_js.contains(&lines),
            "src/embed/start.js must contain, as generated from the route table:\n{lines}"
        );
    }
}
