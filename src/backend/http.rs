//! The HTTP backend: contract v1 over `fetch`, with a timeout, bearer
//! tokens, idempotency keys, and problem+json answers turned into
//! [`BackendError`]s.

use std::cell::Cell;
use std::rc::Rc;

use gloo_net::http::{Request, RequestBuilder};
use plaza_contract::*;
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::{checked_deliberation, Api, ApiResult, ArgumentQuery, BackendError};

/// How long a request may take before the resident is told.
pub const DEFAULT_TIMEOUT_MS: u32 = 15_000;

#[derive(Clone)]
pub struct HttpBackend {
    /// Absolute base URL ending in `/v1`, without a trailing slash.
    base: String,
    token: Option<String>,
    timeout_ms: u32,
}

#[derive(Clone, Copy)]
enum Method {
    Get,
    Post,
    Put,
    Delete,
}

/// Percent-encodes an id or parameter for use in a URL.
fn enc(value: &str) -> String {
    String::from(js_sys::encode_uri_component(value))
}

impl HttpBackend {
    pub fn new(base: String, token: Option<String>) -> Self {
        let base = base.trim_end_matches('/').to_owned();
        Self {
            base,
            token,
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

    async fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        url: &str,
        body: Option<&impl Serialize>,
        idempotency_key: Option<&str>,
    ) -> ApiResult<T> {
        let controller =
            web_sys::AbortController::new().map_err(|e| BackendError::Offline(format!("{e:?}")))?;
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
        if let Some(token) = &self.token {
            builder = builder.header("Authorization", &format!("Bearer {token}"));
        }
        if let Some(key) = idempotency_key {
            builder = builder.header("Idempotency-Key", key);
        }
        let request = match body {
            Some(body) => {
                let text = serde_json::to_string(body)
                    .map_err(|e| BackendError::Unreadable(e.to_string()))?;
                builder
                    .header("Content-Type", "application/json")
                    .body(text)
                    .map_err(|e| BackendError::Offline(e.to_string()))?
            }
            None => builder
                .build()
                .map_err(|e| BackendError::Offline(e.to_string()))?,
        };
        let response = match request.send().await {
            Ok(r) => r,
            Err(_) if timed_out.get() => return Err(BackendError::Timeout(self.timeout_ms)),
            Err(e) => return Err(BackendError::Offline(e.to_string())),
        };
        let status = response.status();
        let text = match response.text().await {
            Ok(t) => t,
            Err(_) if timed_out.get() => return Err(BackendError::Timeout(self.timeout_ms)),
            Err(e) => return Err(BackendError::Offline(e.to_string())),
        };
        decode(status, &text)
    }

    async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, Option<&str>)],
    ) -> ApiResult<T> {
        self.call(Method::Get, &self.url(path, query), None::<&()>, None)
            .await
    }

    async fn send<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&impl Serialize>,
        key: Option<&str>,
    ) -> ApiResult<T> {
        self.call(method, &self.url(path, &[]), body, key).await
    }
}

/// Turns a status and body into the contract value or an error. Pure, so
/// that every malformed answer can be tested natively.
pub fn decode<T: DeserializeOwned>(status: u16, body: &str) -> ApiResult<T> {
    if (200..300).contains(&status) {
        return serde_json::from_str(body).map_err(|e| BackendError::Unreadable(e.to_string()));
    }
    match serde_json::from_str::<Problem>(body) {
        Ok(problem) => Err(BackendError::Problem(Problem { status, ..problem })),
        Err(_) => Err(BackendError::Status(status)),
    }
}

impl Api for HttpBackend {
    async fn capabilities(&self) -> ApiResult<Capabilities> {
        self.get("", &[]).await
    }

    async fn deliberations(&self, cursor: Option<&str>) -> ApiResult<Page<DeliberationSummary>> {
        self.get("/deliberations", &[("cursor", cursor)]).await
    }

    async fn deliberation(&self, id: &str) -> ApiResult<Deliberation> {
        let d = self
            .get(&format!("/deliberations/{}", enc(id)), &[])
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
        self.get(&path, &params).await
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
        self.get(&format!("/polls/{}", enc(poll_id)), &[]).await
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
            .get(&format!("/polls/{}/ballot", enc(poll_id)), &[])
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
    fn success_bodies_decode_to_contract_values() {
        let caps: Capabilities = decode(
            200,
            r#"{"contract":"plaza/1","features":["arguments"],"locales":["en"]}"#,
        )
        .unwrap();
        assert_eq!(caps.contract, "plaza/1");
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
