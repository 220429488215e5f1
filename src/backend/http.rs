//! The HTTP backend: contract v1 over `fetch`, with a timeout, retries with
//! backoff, bearer tokens, idempotency keys, and problem+json answers turned
//! into [`BackendError`]s.
//!
//! Identity: a `participant-token` from the host page is used as is.
//! Otherwise the first call that needs an identity creates an anonymous
//! participant (`POST /v1/participants`) and keeps its token per backend
//! (API base URL) in `localStorage` when allowed, in page memory otherwise;
//! every instance on the page shares it.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use futures::future::{FutureExt, LocalBoxFuture, Shared};
use gloo_net::http::{Request, RequestBuilder};
use plaza_contract::{HttpMethod, Operation, ParticipantToken};

use super::{outcome, parse, retry, ApiResult, Auth, BackendError, Call, KeyValue, Transport};

/// How long a request may take before it counts as failed.
pub const DEFAULT_TIMEOUT_MS: u32 = 15_000;

type TokenFuture = Shared<LocalBoxFuture<'static, Result<String, BackendError>>>;
type ReadFuture = Shared<LocalBoxFuture<'static, ApiResult<String>>>;

/// How long a read under way is shared with instances asking for the same.
const SHARE_READS_MS: f64 = 2_000.0;

thread_local! {
    /// Anonymous participants being created, per backend, so that instances
    /// starting together share one identity instead of making several.
    static CREATING: RefCell<HashMap<String, TokenFuture>> = RefCell::new(HashMap::new());
    /// Reads under way, by address and identity, with when they started:
    /// instances on one page showing the same deliberation (in two
    /// languages, say) make each request once.
    static READING: RefCell<HashMap<String, (f64, ReadFuture)>> = RefCell::new(HashMap::new());
}

/// What the instance does when the backend rejects the host page's token.
type RejectionHook = Rc<dyn Fn()>;

#[derive(Clone)]
pub struct HttpTransport {
    /// Absolute base URL ending in `/v1`, without a trailing slash.
    base: String,
    /// A token the host page signed for its resident, if any.
    host_token: Option<String>,
    /// Who `host_token` names (`state::signer`), read once: the outbox
    /// asks at each pass, for each item.
    host_signer: Option<String>,
    /// Told when the backend rejects `host_token` (expired, revoked).
    on_rejected: Rc<RefCell<Option<RejectionHook>>>,
    /// The backend rejected `host_token`: it is not sent again (a new one
    /// comes with a new instance), so reads do not pile up failed sign-ins.
    host_rejected: Rc<Cell<bool>>,
    timeout_ms: u32,
}

/// One attempt's outcome (the body of a 2xx answer, or the error), with
/// the server's `Retry-After` in seconds.
struct Attempt {
    result: ApiResult<String>,
    retry_after_s: Option<u32>,
}

/// Aborts a request when its future is dropped: the instance that made it
/// is gone, and nobody will read the answer.
struct AbortOnDrop(web_sys::AbortController);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// What every request accepts.
pub(crate) const ACCEPT: &str = "application/json, application/problem+json";
/// Where an anonymous participant's token is kept, before the API's base URL.
pub(crate) const TOKEN_KEY: &str = "plaza:token:v1:";
/// Where a token the backend no longer takes waits to be renewed.
pub(crate) const EXPIRED_KEY: &str = "plaza:token-expired:v1:";

/// Whether `value` can go in a request header as it is: visible ASCII, as
/// tokens and idempotency keys are (a host page's attribute or the device's
/// storage may hold a line break or a letter beyond Latin-1, on which
/// `Headers.set` throws).
fn sendable(value: &str) -> bool {
    !value.is_empty() && value.bytes().all(|b| b.is_ascii_graphic())
}

impl HttpTransport {
    /// Why a request got no answer, for the site's team: the browser's
    /// words, and what blocks it if the page's setup does.
    fn unreachable(&self, error: String) -> String {
        let page = web_sys::window()
            .and_then(|w| w.location().protocol().ok())
            .unwrap_or_default();
        if crate::embed::config::mixed_content(&page, &self.base) {
            format!("{error} (an https: page asks an http: address, which browsers block: give the api attribute an https: address)")
        } else {
            error
        }
    }
}

fn token_key(base: &str) -> String {
    format!("{TOKEN_KEY}{base}")
}

fn expired_key(base: &str) -> String {
    format!("{EXPIRED_KEY}{base}")
}

impl HttpTransport {
    pub fn new(base: String, host_token: Option<String>) -> Self {
        let base = base.trim_end_matches('/').to_owned();
        let host_signer = host_token
            .as_deref()
            .and_then(crate::state::signer::signer_of);
        Self {
            base,
            host_token,
            host_signer,
            on_rejected: Rc::new(RefCell::new(None)),
            host_rejected: Rc::new(Cell::new(false)),
            timeout_ms: DEFAULT_TIMEOUT_MS,
        }
    }

    /// Whether the host page gave a token (a signed-in resident).
    pub fn has_host_token(&self) -> bool {
        self.host_token.is_some()
    }

    /// Who the host page signed in, if its token says (`state::signer`).
    pub fn host_signer(&self) -> Option<&str> {
        self.host_signer.as_deref()
    }

    /// Whether the host page gave a token the backend has not rejected.
    pub fn host_token_usable(&self) -> bool {
        self.has_host_token() && !self.host_rejected.get()
    }

    /// A sign-in, or an anonymous participant stored on this device (its
    /// token perhaps expired, to be renewed).
    pub fn has_participant(&self) -> bool {
        self.host_token.is_some() || self.stored_token().is_some() || self.has_expired_token()
    }

    fn has_expired_token(&self) -> bool {
        KeyValue::open().get(&expired_key(&self.base)).is_some()
    }

    /// Calls `f` whenever the backend rejects the host page's token.
    pub fn when_token_rejected(&self, f: Rc<dyn Fn()>) {
        // Perhaps before anyone listened (a token refused without a request).
        if self.host_rejected.get() {
            f();
        }
        *self.on_rejected.borrow_mut() = Some(f);
    }

    /// Forgets the anonymous participant of this backend on this device.
    pub fn forget_participant(&self) {
        KeyValue::open().remove(&token_key(&self.base));
        KeyValue::open().remove(&expired_key(&self.base));
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn stored_token(&self) -> Option<String> {
        KeyValue::open()
            .get(&token_key(&self.base))
            .filter(|t| sendable(t))
    }

    /// The anonymous token, created once for all instances using this backend.
    async fn anonymous_token(&self) -> ApiResult<String> {
        if let Some(token) = self.stored_token() {
            return Ok(token);
        }
        let creating = CREATING.with(|c| {
            c.borrow_mut()
                .entry(self.base.clone())
                .or_insert_with(|| {
                    let this = self.clone();
                    async move {
                        let op = Operation::CreateParticipant;
                        let url = this.url(&op.path(&[]));
                        let store = KeyValue::open();
                        // An expired token renews the same participant
                        // (their ballot and contributions stay theirs); a
                        // backend that does not know it makes a new one.
                        let expired = store.get(&expired_key(&this.base)).filter(|t| sendable(t));
                        let text = this
                            .attempt(
                                op.method(),
                                &url,
                                Some("{}".to_owned()),
                                None,
                                expired.as_deref(),
                            )
                            .await
                            .result?;
                        let created: ParticipantToken = parse(&text)?;
                        store.set(&token_key(&this.base), &created.token);
                        store.remove(&expired_key(&this.base));
                        Ok(created.token)
                    }
                    .boxed_local()
                    .shared()
                })
                .clone()
        });
        let result = creating.clone().await;
        // Only this creation: another may have started since this one
        // ended, for a widget that found none.
        CREATING.with(|c| {
            let mut c = c.borrow_mut();
            if c.get(&self.base).is_some_and(|f| f.ptr_eq(&creating)) {
                c.remove(&self.base);
            }
        });
        result
    }

    /// The token a call sends: the host page's (unless the backend
    /// rejected it, `use_host` false), or the anonymous participant's.
    async fn token(&self, auth: Auth, use_host: bool) -> ApiResult<Option<String>> {
        if let (Some(token), true) = (&self.host_token, use_host) {
            return Ok(Some(token.clone()));
        }
        if self.host_token.is_some() && auth == Auth::Required {
            return Err(BackendError::Status(401));
        }
        match auth {
            Auth::Anonymous => Ok(None),
            // A token that expired is renewed for a read too: the resident's
            // own reactions and ballot are theirs again.
            Auth::IfKnown if self.stored_token().is_none() && self.has_expired_token() => {
                self.anonymous_token().await.map(Some)
            }
            Auth::IfKnown => Ok(self.stored_token()),
            Auth::Required => self.anonymous_token().await.map(Some),
        }
    }

    /// Sends a request, retrying transient failures, and renewing an
    /// anonymous token the server no longer knows (a reset backend).
    /// Not generic, so that this logic exists once in the download.
    async fn call(
        &self,
        method: HttpMethod,
        url: &str,
        body: Option<String>,
        idempotency_key: Option<&str>,
        auth: Auth,
    ) -> ApiResult<String> {
        let mut renewed = false;
        let mut attempt_no = 0;
        let mut use_host = !self.host_rejected.get();
        loop {
            let (error, retry_after_s, token) = match self.token(auth, use_host).await {
                Err(e) => (e, None, None),
                Ok(token) => {
                    let attempt = self
                        .attempt(method, url, body.clone(), idempotency_key, token.as_deref())
                        .await;
                    match attempt.result {
                        Ok(value) => return Ok(value),
                        Err(e) => (e, attempt.retry_after_s, token),
                    }
                }
            };
            if error.status() == Some(401)
                && token.is_some()
                && self.host_token.is_some()
                && use_host
            {
                // The city's sign-in expired or was revoked: say so to the
                // host page, and keep reading anonymously.
                self.host_rejected.set(true);
                let on_rejected = self.on_rejected.borrow().clone();
                if let Some(f) = on_rejected {
                    f();
                }
                if auth != Auth::Required {
                    use_host = false;
                    continue;
                }
                return Err(error);
            }
            if error.status() == Some(401)
                && token.is_some()
                && self.host_token.is_none()
                && !renewed
            {
                // Expired (renewed at the next write, the participant kept),
                // or unknown to a backend that was reset (a new one then).
                let store = KeyValue::open();
                if let Some(old) = store.get(&token_key(&self.base)) {
                    store.set(&expired_key(&self.base), &old);
                }
                store.remove(&token_key(&self.base));
                renewed = true;
                continue;
            }
            match retry::delay_ms(attempt_no, &error, retry_after_s, js_sys::Math::random()) {
                Some(wait) => {
                    gloo_timers::future::TimeoutFuture::new(wait).await;
                    attempt_no += 1;
                }
                None => return Err(error),
            }
        }
    }

    async fn attempt(
        &self,
        method: HttpMethod,
        url: &str,
        body: Option<String>,
        idempotency_key: Option<&str>,
        token: Option<&str>,
    ) -> Attempt {
        let fail = |e: BackendError| Attempt {
            result: Err(e),
            retry_after_s: None,
        };
        // A read plaza.js made while the wasm downloaded, if this is one
        // (never for a resident's own view: those carry their token). It
        // comes read whole, so it needs no timer; the request's own timer
        // starts after it, for a request made when there was none.
        if method == HttpMethod::Get && token.is_none() {
            if let Some(response) = super::early::take(url).await {
                return match response.text().await {
                    Ok(text) => Attempt {
                        result: outcome(response.status(), text),
                        retry_after_s: None,
                    },
                    Err(e) => fail(BackendError::Offline(e.to_string())),
                };
            }
        }
        // What the browser would refuse to send is refused here: its
        // exception would cross the wasm and leave every widget's tasks
        // stuck. A token nobody can send is one the backend rejects.
        if token.is_some_and(|t| !sendable(t)) {
            return fail(BackendError::Status(401));
        }
        if idempotency_key.is_some_and(|k| !sendable(k)) {
            return fail(BackendError::Status(400));
        }
        let controller = match web_sys::AbortController::new() {
            Ok(c) => c,
            Err(e) => return fail(BackendError::Offline(format!("{e:?}"))),
        };
        let _abort_on_drop = AbortOnDrop(controller.clone());
        let timed_out = Rc::new(Cell::new(false));
        let _timer = {
            let (controller, timed_out) = (controller.clone(), timed_out.clone());
            gloo_timers::callback::Timeout::new(self.timeout_ms, move || {
                timed_out.set(true);
                controller.abort();
            })
        };
        let signal = controller.signal();
        let mut builder: RequestBuilder = match method {
            HttpMethod::Get => Request::get(url),
            HttpMethod::Post => Request::post(url),
            HttpMethod::Put => Request::put(url),
            HttpMethod::Delete => Request::delete(url),
        }
        .header("Accept", ACCEPT)
        .abort_signal(Some(&signal));
        if let Some(token) = token {
            builder = builder.header("Authorization", &format!("Bearer {token}"));
        }
        if let Some(key) = idempotency_key {
            builder = builder.header("Idempotency-Key", key);
        }
        let request = match body {
            Some(text) => builder
                .header("Content-Type", "application/json")
                .body(text),
            None => builder.build(),
        };
        let request = match request {
            Ok(r) => r,
            Err(e) => return fail(BackendError::Offline(e.to_string())),
        };
        let response = match request.send().await {
            Ok(r) => r,
            Err(_) if timed_out.get() => return fail(BackendError::Timeout(self.timeout_ms)),
            Err(e) => return fail(BackendError::Offline(self.unreachable(e.to_string()))),
        };
        let status = response.status();
        let retry_after_s = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.trim().parse().ok());
        let text = match response.text().await {
            Ok(t) => t,
            Err(_) if timed_out.get() => return fail(BackendError::Timeout(self.timeout_ms)),
            Err(e) => return fail(BackendError::Offline(e.to_string())),
        };
        Attempt {
            result: outcome(status, text),
            retry_after_s,
        }
    }
}

impl HttpTransport {
    /// A GET, shared with any identical one under way on the page.
    async fn shared_read(&self, url: String, auth: Auth) -> ApiResult<String> {
        let key = format!(
            "{auth:?} {} {url}",
            self.host_token.as_deref().unwrap_or("")
        );
        let now = js_sys::Date::now();
        let read = READING.with(|r| {
            let mut reading = r.borrow_mut();
            // Reads nobody waits for any more (their instances are gone) go.
            reading.retain(|_, (started, _)| now - *started < SHARE_READS_MS);
            match reading.get(&key) {
                Some((started, read)) if now - started < SHARE_READS_MS => read.clone(),
                _ => {
                    let this = self.clone();
                    let url = url.clone();
                    let read =
                        async move { this.call(HttpMethod::Get, &url, None, None, auth).await }
                            .boxed_local()
                            .shared();
                    reading.insert(key.clone(), (now, read.clone()));
                    read
                }
            }
        });
        let result = read.clone().await;
        READING.with(|r| {
            let mut reading = r.borrow_mut();
            if reading.get(&key).is_some_and(|(_, f)| f.ptr_eq(&read)) {
                reading.remove(&key);
            }
        });
        result
    }
}

impl Transport for HttpTransport {
    async fn send(&self, call: &Call<'_>) -> ApiResult<String> {
        let url = self.url(&call.path);
        if call.method == HttpMethod::Get && call.body.is_none() {
            return self.shared_read(url, call.auth).await;
        }
        self.call(
            call.method,
            &url,
            call.body.clone(),
            call.idempotency_key,
            call.auth,
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::sendable;

    #[test]
    fn only_visible_ascii_goes_in_a_header() {
        assert!(sendable("eyJ.abc-_~+/=.xyz"));
        assert!(sendable("k-0f3a"));
        for broken in ["", "two\nlines", "a b", "tab\there", "nul\0", "ŷ", "é", "✓"] {
            assert!(!sendable(broken), "{broken:?}");
        }
    }
}
