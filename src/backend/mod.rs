//! Talking to a backend. [`Backend`] offers every call of contract v1 as a
//! typed method; underneath, one interface ([`Transport`]) with two
//! implementations carries the requests: HTTP ([`http`]) and the in-browser
//! backend of `api="local"` ([`local`]), which answers the same requests
//! with the same JSON. Views get contract values or a [`BackendError`];
//! they never see JSON or URLs.

mod error;
pub mod http;
mod json;
pub mod local;
pub mod paths;
mod retry;
mod storage;

pub use error::BackendError;
pub use paths::ArgumentQuery;
pub use storage::KeyValue;

use plaza_contract::*;
use serde::de::DeserializeOwned;
use serde::Serialize;

pub type ApiResult<T> = Result<T, BackendError>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Put,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
        }
    }
}

/// Which identity a call sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    /// None: the answer is the same for everyone.
    Anonymous,
    /// The participant's token if there is one (to see their own reactions).
    IfKnown,
    /// A token, creating an anonymous participant if needed.
    Required,
}

/// One request of the contract, relative to the base URL (`…/v1`).
#[derive(Debug, Clone)]
pub struct Call<'a> {
    pub method: Method,
    /// Path and query, e.g. `/deliberations/x/arguments?stance=for`.
    pub path: String,
    pub body: Option<String>,
    pub idempotency_key: Option<&'a str>,
    pub auth: Auth,
}

/// Carries a call to a backend and brings back the body of a successful
/// answer, or the error. The one interface both backends implement.
#[allow(async_fn_in_trait)] // browser futures are single-threaded: no Send bound wanted
pub trait Transport {
    async fn send(&self, call: &Call<'_>) -> ApiResult<String>;
}

#[derive(Clone)]
enum Channel {
    Http(http::HttpTransport),
    Local(local::LocalTransport),
}

impl Transport for Channel {
    async fn send(&self, call: &Call<'_>) -> ApiResult<String> {
        match self {
            Channel::Http(t) => t.send(call).await,
            Channel::Local(t) => t.send(call).await,
        }
    }
}

/// The body of a 2xx answer, or the error an error answer describes:
/// the same decoding for both backends.
pub fn outcome(status: u16, body: String) -> ApiResult<String> {
    if (200..300).contains(&status) {
        return Ok(body);
    }
    match json::from_text::<Problem>(&body) {
        Ok(problem) => Err(BackendError::Problem(Problem { status, ..problem })),
        Err(_) => Err(BackendError::Status(status)),
    }
}

/// A contract value from a successful answer's body.
pub fn parse<T: DeserializeOwned>(body: &str) -> ApiResult<T> {
    json::from_text(body).map_err(BackendError::Unreadable)
}

/// The backend of one widget instance.
#[derive(Clone)]
pub struct Backend {
    channel: Channel,
}

impl Backend {
    pub fn http(base: String, host_token: Option<String>) -> Self {
        Self {
            channel: Channel::Http(http::HttpTransport::new(base, host_token)),
        }
    }

    pub fn local(transport: local::LocalTransport) -> Self {
        Self {
            channel: Channel::Local(transport),
        }
    }

    /// The absolute address of an image or link the backend sent.
    pub fn resolve(&self, url: &MediaUrl) -> Option<String> {
        // The API base is a directory: `x.svg` next to `…/v1` means `…/v1/x.svg`.
        let base = match &self.channel {
            Channel::Local(l) => l.media_base().to_owned(),
            Channel::Http(h) => format!("{}/", h.base()),
        };
        web_sys::Url::new_with_base(url.as_str(), &base)
            .ok()
            .map(|u| u.href())
    }

    /// Whether what the resident adds survives a reload.
    pub fn is_persistent(&self) -> bool {
        match &self.channel {
            Channel::Local(l) => l.is_persistent(),
            Channel::Http(_) => true,
        }
    }

    async fn get<T: DeserializeOwned>(&self, path: String, auth: Auth) -> ApiResult<T> {
        let call = Call {
            method: Method::Get,
            path,
            body: None,
            idempotency_key: None,
            auth,
        };
        parse(&self.channel.send(&call).await?)
    }

    async fn write<T: DeserializeOwned>(
        &self,
        method: Method,
        path: String,
        body: Option<&impl Serialize>,
        idempotency_key: Option<&str>,
    ) -> ApiResult<T> {
        let body = match body {
            Some(b) => Some(json::to_text(b).map_err(BackendError::Unreadable)?),
            None => None,
        };
        let call = Call {
            method,
            path,
            body,
            idempotency_key,
            auth: Auth::Required,
        };
        parse(&self.channel.send(&call).await?)
    }

    pub async fn capabilities(&self) -> ApiResult<Capabilities> {
        self.get(String::new(), Auth::Anonymous).await
    }

    pub async fn deliberations(
        &self,
        cursor: Option<&str>,
    ) -> ApiResult<Page<DeliberationSummary>> {
        self.get(paths::deliberations(cursor), Auth::Anonymous)
            .await
    }

    /// A deliberation, checked before any view sees it.
    pub async fn deliberation(&self, id: &str) -> ApiResult<Deliberation> {
        let d: Deliberation = self.get(paths::deliberation(id), Auth::Anonymous).await?;
        let mut problems = d.problems();
        if d.id != id {
            problems.push(format!("asked for deliberation {id:?}, got {:?}", d.id));
        }
        if problems.is_empty() {
            Ok(d)
        } else {
            Err(BackendError::Invalid(problems))
        }
    }

    pub async fn arguments(
        &self,
        deliberation_id: &str,
        query: &ArgumentQuery,
    ) -> ApiResult<Page<Argument>> {
        self.get(paths::arguments(deliberation_id, query), Auth::IfKnown)
            .await
    }

    /// Writes take an idempotency key chosen by the caller, so that a
    /// retried write is applied once.
    pub async fn create_argument(
        &self,
        deliberation_id: &str,
        new: &NewArgument,
        key: &str,
    ) -> ApiResult<Argument> {
        self.write(
            Method::Post,
            paths::arguments(deliberation_id, &ArgumentQuery::default()),
            Some(new),
            Some(key),
        )
        .await
    }

    pub async fn comments(
        &self,
        argument_id: &str,
        cursor: Option<&str>,
    ) -> ApiResult<Page<Comment>> {
        self.get(paths::comments(argument_id, cursor), Auth::IfKnown)
            .await
    }

    pub async fn create_comment(
        &self,
        argument_id: &str,
        new: &NewComment,
        key: &str,
    ) -> ApiResult<Comment> {
        self.write(
            Method::Post,
            paths::comments(argument_id, None),
            Some(new),
            Some(key),
        )
        .await
    }

    pub async fn set_reaction(
        &self,
        argument_id: &str,
        kind: ReactionKind,
        on: bool,
    ) -> ApiResult<ReactionState> {
        let method = if on { Method::Put } else { Method::Delete };
        self.write(
            method,
            paths::reaction(argument_id, kind),
            None::<&()>,
            None,
        )
        .await
    }

    pub async fn flag(&self, flag: &NewFlag, key: &str) -> ApiResult<FlagReceipt> {
        self.write(Method::Post, "/flags".to_owned(), Some(flag), Some(key))
            .await
    }

    pub async fn proposals(
        &self,
        deliberation_id: &str,
        cursor: Option<&str>,
    ) -> ApiResult<Page<Proposal>> {
        self.get(paths::proposals(deliberation_id, cursor), Auth::IfKnown)
            .await
    }

    pub async fn create_proposal(
        &self,
        deliberation_id: &str,
        new: &NewProposal,
        key: &str,
    ) -> ApiResult<Proposal> {
        self.write(
            Method::Post,
            paths::proposals(deliberation_id, None),
            Some(new),
            Some(key),
        )
        .await
    }

    pub async fn poll(&self, poll_id: &str) -> ApiResult<Poll> {
        self.get(paths::poll(poll_id), Auth::Anonymous).await
    }

    pub async fn cast_ballot(
        &self,
        poll_id: &str,
        ballot: &BallotSubmission,
        key: &str,
    ) -> ApiResult<BallotReceipt> {
        self.write(Method::Put, paths::ballot(poll_id), Some(ballot), Some(key))
            .await
    }

    /// My ballot, or `None` when I have not voted.
    pub async fn my_ballot(&self, poll_id: &str) -> ApiResult<Option<MyBallot>> {
        match self.get(paths::ballot(poll_id), Auth::Required).await {
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
        let body = outcome(
            200,
            r#"{"contract":"plaza/1","features":["arguments"],"locales":["en"]}"#.into(),
        )?;
        let caps: Capabilities = parse(&body)?;
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
            let r: ApiResult<Capabilities> = parse(body);
            assert!(
                matches!(r, Err(BackendError::Unreadable(_))),
                "{body:?}: {r:?}"
            );
        }
    }

    #[test]
    fn problem_documents_become_problems_with_the_real_status() {
        let body = r#"{"type":"about:blank","title":"Closed","status":200,"code":"poll_closed"}"#;
        match outcome(409, body.into()) {
            Err(BackendError::Problem(p)) => {
                assert_eq!((p.status, p.code), (409, ProblemCode::PollClosed))
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn errors_without_a_problem_keep_their_status() {
        assert_eq!(
            outcome(500, "Internal Server Error".into()),
            Err(BackendError::Status(500))
        );
        assert_eq!(outcome(502, String::new()), Err(BackendError::Status(502)));
    }
}
