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
use plaza_contract::ParticipantToken;

use super::{
    outcome, parse, retry, ApiResult, Auth, BackendError, Call, KeyValue, Method, Transport,
};

/// How long a request may take before it counts as failed.
pub const DEFAULT_TIMEOUT_MS: u32 = 15_000;

type TokenFuture = Shared<LocalBoxFuture<'static, Result<String, BackendError>>>;

thread_local! {
    /// Anonymous participants being created, per backend, so that instances
    /// starting together share one identity instead of making several.
    static CREATING: RefCell<HashMap<String, TokenFuture>> = RefCell::new(HashMap::new());
}

#[derive(Clone)]
pub struct HttpTransport {
    /// Absolute base URL ending in `/v1`, without a trailing slash.
    base: String,
    /// A token the host page signed for its resident, if any.
    host_token: Option<String>,
    timeout_ms: u32,
}

/// One attempt's outcome (the body of a 2xx answer, or the error), with
/// the server's `Retry-After` in seconds.
struct Attempt {
    result: ApiResult<String>,
    retry_after_s: Option<u32>,
}

fn token_key(base: &str) -> String {
    format!("plaza:token:v1:{base}")
}

impl HttpTransport {
    pub fn new(base: String, host_token: Option<String>) -> Self {
        let base = base.trim_end_matches('/').to_owned();
        Self {
            base,
            host_token,
            timeout_ms: DEFAULT_TIMEOUT_MS,
        }
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn stored_token(&self) -> Option<String> {
        KeyValue::open().get(&token_key(&self.base))
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
                        let url = this.url("/participants");
                        let text = this
                            .attempt(Method::Post, &url, Some("{}".to_owned()), None, None)
                            .await
                            .result?;
                        let created: ParticipantToken = parse(&text)?;
                        KeyValue::open().set(&token_key(&this.base), &created.token);
                        Ok(created.token)
                    }
                    .boxed_local()
                    .shared()
                })
                .clone()
        });
        let result = creating.await;
        CREATING.with(|c| c.borrow_mut().remove(&self.base));
        result
    }

    async fn token(&self, auth: Auth) -> ApiResult<Option<String>> {
        if let Some(token) = &self.host_token {
            return Ok(Some(token.clone()));
        }
        match auth {
            Auth::Anonymous => Ok(None),
            Auth::IfKnown => Ok(self.stored_token()),
            Auth::Required => self.anonymous_token().await.map(Some),
        }
    }

    /// Sends a request, retrying transient failures, and renewing an
    /// anonymous token the server no longer knows (a reset backend).
    /// Not generic, so that this logic exists once in the download.
    async fn call(
        &self,
        method: Method,
        url: &str,
        body: Option<String>,
        idempotency_key: Option<&str>,
        auth: Auth,
    ) -> ApiResult<String> {
        let mut renewed = false;
        let mut attempt_no = 0;
        loop {
            let (error, retry_after_s, token) = match self.token(auth).await {
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
                && self.host_token.is_none()
                && !renewed
            {
                // The backend forgot this participant: start again as a new one.
                KeyValue::open().remove(&token_key(&self.base));
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
        method: Method,
        url: &str,
        body: Option<String>,
        idempotency_key: Option<&str>,
        token: Option<&str>,
    ) -> Attempt {
        let fail = |e: BackendError| Attempt {
            result: Err(e),
            retry_after_s: None,
        };
        let controller = match web_sys::AbortController::new() {
            Ok(c) => c,
            Err(e) => return fail(BackendError::Offline(format!("{e:?}"))),
        };
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
            Method::Get => Request::get(url),
            Method::Post => Request::post(url),
            Method::Put => Request::put(url),
            Method::Delete => Request::delete(url),
        }
        .header("Accept", "application/json, application/problem+json")
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
            Err(e) => return fail(BackendError::Offline(e.to_string())),
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

impl Transport for HttpTransport {
    async fn send(&self, call: &Call<'_>) -> ApiResult<String> {
        let url = self.url(&call.path);
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
