//! Talking to a backend: one interface ([`Api`]), two implementations —
//! the in-browser store (`api="local"`) and HTTP per the contract.
//! Views call these methods and get typed contract values or a
//! [`BackendError`]; they never see JSON or URLs.

mod error;
pub mod http;
pub mod local;
mod retry;
mod storage;

pub use error::BackendError;
pub use storage::KeyValue;

use plaza_contract::*;

/// Which arguments to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ArgumentQuery {
    pub stance: Option<Stance>,
    pub sort: ArgumentSort,
    pub cursor: Option<String>,
}

pub type ApiResult<T> = Result<T, BackendError>;

/// Every call of contract v1 the widget makes. Writes take an idempotency
/// key chosen by the caller, so that a retried write is applied once.
#[allow(async_fn_in_trait)] // futures in the browser are single-threaded: no Send bound wanted
pub trait Api {
    async fn capabilities(&self) -> ApiResult<Capabilities>;
    async fn deliberations(&self, cursor: Option<&str>) -> ApiResult<Page<DeliberationSummary>>;
    async fn deliberation(&self, id: &str) -> ApiResult<Deliberation>;
    async fn arguments(
        &self,
        deliberation_id: &str,
        query: &ArgumentQuery,
    ) -> ApiResult<Page<Argument>>;
    async fn create_argument(
        &self,
        deliberation_id: &str,
        new: &NewArgument,
        key: &str,
    ) -> ApiResult<Argument>;
    async fn comments(&self, argument_id: &str, cursor: Option<&str>) -> ApiResult<Page<Comment>>;
    async fn create_comment(
        &self,
        argument_id: &str,
        new: &NewComment,
        key: &str,
    ) -> ApiResult<Comment>;
    async fn set_reaction(
        &self,
        argument_id: &str,
        kind: ReactionKind,
        on: bool,
    ) -> ApiResult<ReactionState>;
    async fn flag(&self, flag: &NewFlag, key: &str) -> ApiResult<FlagReceipt>;
    async fn proposals(
        &self,
        deliberation_id: &str,
        cursor: Option<&str>,
    ) -> ApiResult<Page<Proposal>>;
    async fn create_proposal(
        &self,
        deliberation_id: &str,
        new: &NewProposal,
        key: &str,
    ) -> ApiResult<Proposal>;
    async fn poll(&self, poll_id: &str) -> ApiResult<Poll>;
    async fn cast_ballot(
        &self,
        poll_id: &str,
        ballot: &BallotSubmission,
        key: &str,
    ) -> ApiResult<BallotReceipt>;
    async fn my_ballot(&self, poll_id: &str) -> ApiResult<Option<MyBallot>>;
}

/// The backend of one widget instance.
#[derive(Clone)]
pub enum Backend {
    Local(local::LocalBackend),
    Http(http::HttpBackend),
}

impl Backend {
    /// The absolute address of an image or link the backend sent.
    pub fn resolve(&self, url: &MediaUrl) -> Option<String> {
        // The API base is a directory: `x.svg` next to `…/v1` means `…/v1/x.svg`.
        let base = match self {
            Backend::Local(l) => l.media_base().to_owned(),
            Backend::Http(h) => format!("{}/", h.base()),
        };
        web_sys::Url::new_with_base(url.as_str(), &base)
            .ok()
            .map(|u| u.href())
    }

    /// Whether what the resident adds survives a reload.
    pub fn is_persistent(&self) -> bool {
        match self {
            Backend::Local(l) => l.is_persistent(),
            Backend::Http(_) => true,
        }
    }
}

/// Forwards each [`Api`] method to the implementation behind the enum.
macro_rules! delegate {
    ($(async fn $name:ident(&self $(, $arg:ident: $ty:ty)*) -> $ret:ty;)*) => {
        impl Api for Backend {
            $(async fn $name(&self $(, $arg: $ty)*) -> $ret {
                match self {
                    Backend::Local(b) => b.$name($($arg),*).await,
                    Backend::Http(b) => b.$name($($arg),*).await,
                }
            })*
        }
    };
}

delegate! {
    async fn capabilities(&self) -> ApiResult<Capabilities>;
    async fn deliberations(&self, cursor: Option<&str>) -> ApiResult<Page<DeliberationSummary>>;
    async fn deliberation(&self, id: &str) -> ApiResult<Deliberation>;
    async fn arguments(&self, deliberation_id: &str, query: &ArgumentQuery) -> ApiResult<Page<Argument>>;
    async fn create_argument(&self, deliberation_id: &str, new: &NewArgument, key: &str) -> ApiResult<Argument>;
    async fn comments(&self, argument_id: &str, cursor: Option<&str>) -> ApiResult<Page<Comment>>;
    async fn create_comment(&self, argument_id: &str, new: &NewComment, key: &str) -> ApiResult<Comment>;
    async fn set_reaction(&self, argument_id: &str, kind: ReactionKind, on: bool) -> ApiResult<ReactionState>;
    async fn flag(&self, flag: &NewFlag, key: &str) -> ApiResult<FlagReceipt>;
    async fn proposals(&self, deliberation_id: &str, cursor: Option<&str>) -> ApiResult<Page<Proposal>>;
    async fn create_proposal(&self, deliberation_id: &str, new: &NewProposal, key: &str) -> ApiResult<Proposal>;
    async fn poll(&self, poll_id: &str) -> ApiResult<Poll>;
    async fn cast_ballot(&self, poll_id: &str, ballot: &BallotSubmission, key: &str) -> ApiResult<BallotReceipt>;
    async fn my_ballot(&self, poll_id: &str) -> ApiResult<Option<MyBallot>>;
}

/// Checks a decoded deliberation before a view sees it.
pub fn checked_deliberation(requested: &str, d: Deliberation) -> ApiResult<Deliberation> {
    let mut problems = d.problems();
    if d.id != requested {
        problems.push(format!(
            "asked for deliberation {requested:?}, got {:?}",
            d.id
        ));
    }
    if problems.is_empty() {
        Ok(d)
    } else {
        Err(BackendError::Invalid(problems))
    }
}
