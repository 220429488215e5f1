//! One sender per backend across the tabs of a browser: the Web Locks API
//! (`navigator.locks`), which the browser releases when a tab goes away.
//! Called through `Reflect`, as web-sys has it only behind an unstable flag.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::rc::Rc;

use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

/// Runs `work` while holding the lock `name`, if no other tab holds it;
/// `None` when one does. `work` is told whether items marked "being sent"
/// were left by a sender that is gone (true when the lock was taken: it
/// was free). Without the API (an old browser, a page that is not a secure
/// context, site data blocked) `work` runs all the same, told `false`: the
/// backend's idempotency keys still apply each item once.
pub async fn with_lock<F, Fut>(name: &str, work: F) -> Option<()>
where
    F: FnOnce(bool) -> Fut + 'static,
    Fut: Future<Output = ()> + 'static,
{
    let Some((locks, request)) = api() else {
        work(false).await;
        return Some(());
    };
    let acquired = Rc::new(Cell::new(false));
    let work = Rc::new(RefCell::new(Some(work)));
    let callback = {
        let (acquired, work) = (acquired.clone(), work.clone());
        Closure::once_into_js(move |lock: JsValue| -> JsValue {
            let work = work.borrow_mut().take();
            match (lock.is_null() || lock.is_undefined(), work) {
                (false, Some(work)) => {
                    acquired.set(true);
                    future_to_promise(async move {
                        work(true).await;
                        Ok(JsValue::UNDEFINED)
                    })
                    .into()
                }
                _ => JsValue::UNDEFINED,
            }
        })
    };
    let options = Object::new();
    let _ = Reflect::set(&options, &"ifAvailable".into(), &JsValue::TRUE);
    let promise = request
        .call3(&locks, &name.into(), &options, &callback)
        .ok()
        .and_then(|p| p.dyn_into::<Promise>().ok());
    if let Some(promise) = promise {
        let _ = JsFuture::from(promise).await;
    }
    // The callback never ran: the browser refused the request (a
    // `SecurityError` where site data is blocked), which is no other tab
    // holding the lock. The work runs without it, as without the API.
    let unasked = work.borrow_mut().take();
    if let Some(work) = unasked {
        work(false).await;
        return Some(());
    }
    acquired.get().then_some(())
}

/// `navigator.locks` and its `request` method, if the browser has them here.
fn api() -> Option<(JsValue, Function)> {
    let navigator = web_sys::window()?.navigator();
    let locks = Reflect::get(&navigator, &"locks".into()).ok()?;
    if locks.is_undefined() || locks.is_null() {
        return None;
    }
    let request = Reflect::get(&locks, &"request".into())
        .ok()?
        .dyn_into::<Function>()
        .ok()?;
    Some((locks, request))
}
