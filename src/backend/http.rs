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
use plaza_contract::*;
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::{checked_deliberation, retry, Api, ApiResult, ArgumentQuery, BackendError, KeyValue};

/// How long a request may take before it counts as failed.
pub const DEFAULT_TIMEOUT_MS: u32 = 15_000;

type TokenFuture = Shared<LocalBoxFuture<'static, Result<String, BackendError>>>;

thread_local! {
    /// Anonymous participants being created, per backend, so that instances
    /// starting together share one identity instead of making several.
    static CREATING: RefCell<HashMap<String, TokenFuture>> = RefCell::new(HashMap::new());
}

#[derive(Clone)]
pub struct HttpBackend {
    /// Absolute base URL ending in `/v1`, without a trailing slash.
    base: String,
    /// A token the host page signed for its resident, if any.
    host_token: Option<String>,
    timeout_ms: u32,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Method {
    Get,
    Post,
    Put,
    Delete,
}

/// Which identity a call sends.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Auth {
    /// None: the call is the same for everyone.
    Anonymous,
    /// The participant's token if there is one (to see their own reactions).
    IfKnown,
    /// A token, creating an anonymous participant if needed.
    Required,
}

/// One attempt's outcome (the body of a 2xx answer, or the error), with
/// the server's `Retry-After` in seconds.
struct Attempt {
    result: ApiResult<String>,
    retry_after_s: Option<u32>,
}

/// Percent-encodes an id or parameter for use in a URL.
fn enc(value: &str) -> String {
    String::from(js_sys::encode_uri_component(value))
}

fn token_key(base: &str) -> String {
    format!("plaza:token:v1:{base}")
}

impl HttpBackend {
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

    fn url(&self, path: &str, query: &[(&str, Option<&str>)]) -> String {
        let mut url = format!("{}{path}", self.base);
        let mut sep = '?';
        for (name, value) in query {
            if let Some(value) = value {
                url.push(sep);
                url.push_str(name);
                url.push('=');
                url.push_str(&enc(value));
                sep = '&';
            }
        }
        url
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
                        let url = this.url("/participants", &[]);
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

    async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, Option<&str>)],
        auth: Auth,
    ) -> ApiResult<T> {
        parse(
            &self
                .call(Method::Get, &self.url(path, query), None, None, auth)
                .await?,
        )
    }

    async fn send<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&impl Serialize>,
        key: Option<&str>,
    ) -> ApiResult<T> {
        let body = match body {
            Some(b) => Some(
                serde_json::to_string(b).map_err(|e| BackendError::Unreadable(e.to_string()))?,
            ),
            None => None,
        };
        parse(
            &self
                .call(method, &self.url(path, &[]), body, key, Auth::Required)
                .await?,
        )
    }
}

/// A success body, or the error an error answer describes.
fn outcome(status: u16, body: String) -> ApiResult<String> {
    if (200..300).contains(&status) {
        return Ok(body);
    }
    match serde_json::from_str::<Problem>(&body) {
        Ok(problem) => Err(BackendError::Problem(Problem { status, ..problem })),
        Err(_) => Err(BackendError::Status(status)),
    }
}

fn parse<T: DeserializeOwned>(body: &str) -> ApiResult<T> {
    serde_json::from_str(body).map_err(|e| BackendError::Unreadable(e.to_string()))
}

/// Turns a status and body into the contract value or an error. Pure, so
/// that every malformed answer can be tested natively.
pub fn decode<T: DeserializeOwned>(status: u16, body: &str) -> ApiResult<T> {
    parse(&outcome(status, body.to_owned())?)
}

impl Api for HttpBackend {
    async fn capabilities(&self) -> ApiResult<Capabilities> {
        self.get("", &[], Auth::Anonymous).await
    }

    async fn deliberations(&self, cursor: Option<&str>) -> ApiResult<Page<DeliberationSummary>> {
        self.get("/deliberations", &[("cursor", cursor)], Auth::Anonymous)
            .await
    }

    async fn deliberation(&self, id: &str) -> ApiResult<Deliberation> {
        let d = self
            .get(&format!("/deliberations/{}", enc(id)), &[], Auth::Anonymous)
            .await?;
        checked_deliberation(id, d)
    }

    async fn arguments(
        &self,
        deliberation_id: &str,
        query: &ArgumentQuery,
    ) -> ApiResult<Page<Argument>> {
        let path = format!("/deliberations/{}/arguments", enc(deliberation_id));
        let params = [
            ("stance", query.stance.map(Stance::as_str)),
            ("sort", Some(query.sort.as_str())),
            ("cursor", query.cursor.as_deref()),
        ];
        self.get(&path, &params, Auth::IfKnown).await
    }

    async fn create_argument(
        &self,
        deliberation_id: &str,
        new: &NewArgument,
        key: &str,
    ) -> ApiResult<Argument> {
        let path = format!("/deliberations/{}/arguments", enc(deliberation_id));
        self.send(Method::Post, &path, Some(new), Some(key)).await
    }

    async fn comments(&self, argument_id: &str, cursor: Option<&str>) -> ApiResult<Page<Comment>> {
        self.get(
            &format!("/arguments/{}/comments", enc(argument_id)),
            &[("cursor", cursor)],
            Auth::IfKnown,
        )
        .await
    }

    async fn create_comment(
        &self,
        argument_id: &str,
        new: &NewComment,
        key: &str,
    ) -> ApiResult<Comment> {
        let path = format!("/arguments/{}/comments", enc(argument_id));
        self.send(Method::Post, &path, Some(new), Some(key)).await
    }

    async fn set_reaction(
        &self,
        argument_id: &str,
        kind: ReactionKind,
        on: bool,
    ) -> ApiResult<ReactionState> {
        let path = format!(
            "/arguments/{}/reactions/{}",
            enc(argument_id),
            kind.as_str()
        );
        let method = if on { Method::Put } else { Method::Delete };
        self.send(method, &path, None::<&()>, None).await
    }

    async fn flag(&self, flag: &NewFlag, key: &str) -> ApiResult<FlagReceipt> {
        self.send(Method::Post, "/flags", Some(flag), Some(key))
            .await
    }

    async fn proposals(
        &self,
        deliberation_id: &str,
        cursor: Option<&str>,
    ) -> ApiResult<Page<Proposal>> {
        self.get(
            &format!("/deliberations/{}/proposals", enc(deliberation_id)),
            &[("cursor", cursor)],
            Auth::IfKnown,
        )
        .await
    }

    async fn create_proposal(
        &self,
        deliberation_id: &str,
        new: &NewProposal,
        key: &str,
    ) -> ApiResult<Proposal> {
        let path = format!("/deliberations/{}/proposals", enc(deliberation_id));
        self.send(Method::Post, &path, Some(new), Some(key)).await
    }

    async fn poll(&self, poll_id: &str) -> ApiResult<Poll> {
        self.get(&format!("/polls/{}", enc(poll_id)), &[], Auth::Anonymous)
            .await
    }

    async fn cast_ballot(
        &self,
        poll_id: &str,
        ballot: &BallotSubmission,
        key: &str,
    ) -> ApiResult<BallotReceipt> {
        let path = format!("/polls/{}/ballot", enc(poll_id));
        self.send(Method::Put, &path, Some(ballot), Some(key)).await
    }

    async fn my_ballot(&self, poll_id: &str) -> ApiResult<Option<MyBallot>> {
        match self
            .get(
                &format!("/polls/{}/ballot", enc(poll_id)),
                &[],
                Auth::Required,
            )
            .await
        {
            Ok(ballot) => Ok(Some(ballot)),
            Err(BackendError::Problem(p)) if p.code == ProblemCode::NotFound => Ok(None),
            Err(BackendError::Status(404)) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn success_bodies_decode_to_contract_values() -> ApiResult<()> {
        let caps: Capabilities = decode(
            200,
            r#"{"contract":"plaza/1","features":["arguments"],"locales":["en"]}"#,
        )?;
        assert_eq!(caps.contract, "plaza/1");
        Ok(())
    }

    #[test]
    fn malformed_success_bodies_are_unreadable_not_panics() {
        for body in [
            "",
            "<html>oops</html>",
            "{\"contract\": 3}",
            "{",
            "null",
            "\u{0}",
        ] {
            let r: ApiResult<Capabilities> = decode(200, body);
            assert!(
                matches!(r, Err(BackendError::Unreadable(_))),
                "{body:?}: {r:?}"
            );
        }
    }

    #[test]
    fn problem_documents_become_problems_with_the_real_status() {
        let body = r#"{"type":"about:blank","title":"Closed","status":200,"code":"poll_closed"}"#;
        match decode::<Poll>(409, body) {
            Err(BackendError::Problem(p)) => {
                assert_eq!((p.status, p.code), (409, ProblemCode::PollClosed))
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn errors_without_a_problem_keep_their_status() {
        assert_eq!(
            decode::<Poll>(500, "Internal Server Error").unwrap_err(),
            BackendError::Status(500)
        );
        assert_eq!(
            decode::<Poll>(502, "").unwrap_err(),
            BackendError::Status(502)
        );
    }
}
