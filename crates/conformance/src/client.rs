//! A thin HTTP client for the backend under test: every answer is kept
//! whole (status, headers, body) so that rules can check all of it.

use plaza_contract::routes::BASE_PATH;
use plaza_contract::{HttpMethod, Operation, Problem, ProblemCode, PROBLEM_CONTENT_TYPE};
use reqwest::header::HeaderMap;
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde::Serialize;

/// What a rule's check returns: `Err` says what was wrong.
pub type Check<T = ()> = Result<T, String>;

#[derive(Clone)]
pub struct Client {
    base: String,
    http: reqwest::Client,
}

pub struct Answer {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: String,
    /// `METHOD path`, for messages.
    pub what: String,
}

/// A request being built.
pub struct Call<'c> {
    client: &'c Client,
    method: Method,
    path: String,
    token: Option<String>,
    body: Option<(String, String)>,
    headers: Vec<(String, String)>,
}

impl Client {
    pub fn new(base: &str) -> Client {
        Client {
            base: base.trim_end_matches('/').to_owned(),
            http: reqwest::Client::builder()
                .timeout(std::time::Duration::from_secs(30))
                .build()
                .unwrap_or_default(),
        }
    }

    /// The origin of the base URL (`http://host:port`), for paths outside `/v1`.
    pub fn base(&self) -> &str {
        &self.base
    }

    pub fn call(&self, method: Method, path: impl Into<String>) -> Call<'_> {
        Call {
            client: self,
            method,
            path: path.into(),
            token: None,
            body: None,
            headers: Vec::new(),
        }
    }

    /// A call of the contract's route table: the method and path it gives
    /// `op`, with `params` (the path parameters' values, in order, encoded
    /// here).
    pub fn op(&self, op: Operation, params: &[&str]) -> Call<'_> {
        self.op_query(op, params, &[])
    }

    /// [`Client::op`] with a query string of the parameters that have a value.
    pub fn op_query(
        &self,
        op: Operation,
        params: &[&str],
        query: &[(&str, Option<&str>)],
    ) -> Call<'_> {
        let method = match op.method() {
            HttpMethod::Get => Method::GET,
            HttpMethod::Post => Method::POST,
            HttpMethod::Put => Method::PUT,
            HttpMethod::Delete => Method::DELETE,
        };
        self.call(method, path(op, params, query))
    }
}

/// The path of `op` on the backend's origin (under `/v1`).
pub fn path(op: Operation, params: &[&str], query: &[(&str, Option<&str>)]) -> String {
    format!("{BASE_PATH}{}", op.path_with_query(params, query))
}

impl Call<'_> {
    pub fn token(mut self, token: &str) -> Self {
        self.token = Some(token.to_owned());
        self
    }

    pub fn json<T: Serialize>(mut self, body: &T) -> Self {
        let text = serde_json::to_string(body).unwrap_or_default();
        self.body = Some((text, "application/json".into()));
        self
    }

    /// A body sent as is, with this content type.
    pub fn raw(mut self, body: impl Into<String>, content_type: &str) -> Self {
        self.body = Some((body.into(), content_type.into()));
        self
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    pub fn key(self, key: &str) -> Self {
        self.header("Idempotency-Key", key)
    }

    pub async fn send(self) -> Check<Answer> {
        let url = format!("{}{}", self.client.base, self.path);
        let what = format!("{} {}", self.method, self.path);
        let mut request = self.client.http.request(self.method, &url);
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        for (name, value) in &self.headers {
            request = request.header(name, value);
        }
        if let Some((body, content_type)) = self.body {
            request = request.header("Content-Type", content_type).body(body);
        }
        let response = request
            .send()
            .await
            .map_err(|e| format!("{what}: no answer ({e})"))?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response
            .text()
            .await
            .map_err(|e| format!("{what}: body unreadable ({e})"))?;
        Ok(Answer {
            status,
            headers,
            body,
            what,
        })
    }
}

impl Answer {
    /// The body as `T`, after checking the status.
    pub fn expect<T: DeserializeOwned>(&self, status: u16) -> Check<T> {
        if self.status != status {
            return Err(format!(
                "{}: expected {status}, got {} {}",
                self.what,
                self.status,
                excerpt(&self.body)
            ));
        }
        serde_json::from_str(&self.body).map_err(|e| {
            format!(
                "{}: body does not match the contract ({e}): {}",
                self.what,
                excerpt(&self.body)
            )
        })
    }

    /// The answer is an RFC 9457 problem with this status and code.
    pub fn problem(&self, status: u16, code: ProblemCode) -> Check<Problem> {
        let problem = self.any_problem()?;
        if self.status != status || problem.code != code {
            return Err(format!(
                "{}: expected {status} {}, got {} {}",
                self.what,
                code.as_str(),
                self.status,
                problem.code.as_str()
            ));
        }
        Ok(problem)
    }

    /// The answer is a 422 `validation_failed` problem with an error on `field`.
    pub fn invalid_field(&self, field: &str) -> Check<Problem> {
        let problem = self.problem(422, ProblemCode::ValidationFailed)?;
        ensure(problem.errors.iter().any(|e| e.field == field), || {
            format!(
                "{}: errors {:?} do not name {field}",
                self.what, problem.errors
            )
        })?;
        Ok(problem)
    }

    /// The answer is a 4xx problem document (any code), consistent with its status.
    pub fn client_problem(&self) -> Check<Problem> {
        if !(400..500).contains(&self.status) {
            return Err(format!(
                "{}: expected a 4xx, got {} {}",
                self.what,
                self.status,
                excerpt(&self.body)
            ));
        }
        self.any_problem()
    }

    fn any_problem(&self) -> Check<Problem> {
        let content_type = self.header("content-type").unwrap_or_default();
        if !content_type.starts_with(PROBLEM_CONTENT_TYPE) {
            return Err(format!(
                "{}: {} with Content-Type {content_type:?}, not {PROBLEM_CONTENT_TYPE}",
                self.what, self.status
            ));
        }
        let problem: Problem = serde_json::from_str(&self.body).map_err(|e| {
            format!(
                "{}: not a problem document ({e}): {}",
                self.what,
                excerpt(&self.body)
            )
        })?;
        if problem.status != self.status {
            return Err(format!(
                "{}: problem says status {} but the answer is {}",
                self.what, problem.status, self.status
            ));
        }
        Ok(problem)
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    }
}

fn excerpt(body: &str) -> String {
    let short: String = body.chars().take(200).collect();
    if short.len() < body.len() {
        format!("{short}…")
    } else {
        short
    }
}

/// Fails with `message` unless `condition` holds.
pub fn ensure(condition: bool, message: impl FnOnce() -> String) -> Check {
    if condition {
        Ok(())
    } else {
        Err(message())
    }
}
