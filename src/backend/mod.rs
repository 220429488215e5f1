//! Talking to a backend. [`Backend`] offers every call of contract v1 as a
//! typed method; underneath, one interface ([`Transport`]) with two
//! implementations carries the requests: HTTP ([`http`]) and the in-browser
//! backend of `api="local"` ([`local`]), which answers the same requests
//! with the same JSON. Views get contract values or a [`BackendError`];
//! they never see JSON or URLs.

pub mod early;
mod error;
pub mod http;
pub(crate) mod json;
pub mod local;
mod retry;
mod storage;

pub use error::BackendError;
pub use storage::KeyValue;

use plaza_contract::routes::Access;
use plaza_contract::*;
use serde::de::DeserializeOwned;
use serde::Serialize;

pub type ApiResult<T> = Result<T, BackendError>;

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

impl Auth {
    /// The identity an operation of the route table needs.
    fn of(op: Operation) -> Auth {
        match op.spec().access {
            Access::Public | Access::Moderator => Auth::Anonymous,
            Access::OptionalParticipant => Auth::IfKnown,
            Access::Participant => Auth::Required,
        }
    }
}

/// The address of a page of arguments, relative to the base URL (also
/// what `plaza.js` asks for early: [`early`]).
pub(crate) fn arguments_path(deliberation_id: &str, query: &ArgumentsQuery) -> String {
    let limit = query.limit.map(|l| l.to_string());
    Operation::ListArguments.path_with_query(
        &[deliberation_id],
        &[
            ("stance", query.stance.map(Stance::as_str)),
            ("sort", Some(query.sort.as_str())),
            ("cursor", query.cursor.as_deref()),
            ("limit", limit.as_deref()),
        ],
    )
}

/// Reads each entry of a log page on its own; an entry without even an id
/// and a date makes the page unreadable.
fn log_lines(page: Page<json::Raw>) -> ApiResult<Page<LogLine>> {
    let items = page
        .items
        .iter()
        .map(|raw| LogLine::read(raw).map_err(BackendError::Unreadable))
        .collect::<ApiResult<Vec<_>>>()?;
    Ok(Page {
        items,
        next_cursor: page.next_cursor,
    })
}

/// One request of the contract, relative to the base URL (`…/v1`).
#[derive(Debug, Clone)]
pub struct Call<'a> {
    pub method: HttpMethod,
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

    /// What names this backend in the browser's storage (its outbox, drafts):
    /// the API base, `local`, or for a preview [`storage::PREVIEW`] (kept
    /// in page memory only).
    pub fn name(&self) -> String {
        match &self.channel {
            Channel::Local(l) if l.is_preview() => storage::PREVIEW.to_owned(),
            Channel::Local(_) => "local".to_owned(),
            Channel::Http(h) => h.base().to_owned(),
        }
    }

    /// Whether the host page signed the resident in (`participant-token`).
    pub fn has_host_token(&self) -> bool {
        match &self.channel {
            Channel::Http(h) => h.has_host_token(),
            Channel::Local(_) => false,
        }
    }

    /// Who the host page signed in, if its token says.
    pub fn host_signer(&self) -> Option<&str> {
        match &self.channel {
            Channel::Http(h) => h.host_signer(),
            Channel::Local(_) => None,
        }
    }

    /// Whether the host page signed the resident in with a token the
    /// backend has not rejected: what a signed-in resident's item needs.
    pub fn host_token_usable(&self) -> bool {
        match &self.channel {
            Channel::Http(h) => h.host_token_usable(),
            Channel::Local(_) => false,
        }
    }

    /// Whether the resident has an identity with this backend already (a
    /// sign-in, or an anonymous participant of an earlier visit), so that
    /// asking for their own ballot creates nobody.
    pub fn has_participant(&self) -> bool {
        match &self.channel {
            Channel::Http(h) => h.has_participant(),
            Channel::Local(_) => true,
        }
    }

    pub async fn results(&self, poll_id: &str) -> ApiResult<PollResults> {
        self.read(Operation::GetResults, &[poll_id]).await
    }

    /// The published ballots of a closed poll as the backend sends them
    /// (JSON text, handed as it is to the re-count module: the widget
    /// never decodes a poll's every ballot); only those whose tracker
    /// starts with `tracker_prefix` when it is given.
    pub async fn export_text(
        &self,
        poll_id: &str,
        format: ExportFormat,
        tracker_prefix: Option<&str>,
    ) -> ApiResult<String> {
        let call = Call {
            method: Operation::ExportBallots.method(),
            path: Operation::ExportBallots.path_with_query(
                &[poll_id],
                &[
                    ("format", Some(format.as_str())),
                    ("tracker_prefix", tracker_prefix),
                ],
            ),
            body: None,
            idempotency_key: None,
            auth: Auth::of(Operation::ExportBallots),
        };
        self.channel.send(&call).await
    }

    /// Where a resident downloads the published ballots in `format`; none
    /// for `api="local"` (nothing to download from).
    pub fn export_link(&self, poll_id: &str, format: ExportFormat) -> Option<String> {
        match &self.channel {
            Channel::Http(h) => Some(format!(
                "{}{}",
                h.base(),
                Operation::ExportBallots
                    .path_with_query(&[poll_id], &[("format", Some(format.as_str()))])
            )),
            Channel::Local(_) => None,
        }
    }

    /// Calls `f` whenever the backend rejects the host page's token.
    pub fn when_token_rejected(&self, f: std::rc::Rc<dyn Fn()>) {
        if let Channel::Http(h) = &self.channel {
            h.when_token_rejected(f);
        }
    }

    /// Forgets the anonymous participant on this device (a new one is
    /// created the next time the resident writes).
    pub fn forget_participant(&self) {
        if let Channel::Http(h) = &self.channel {
            h.forget_participant();
        }
    }

    /// A preview of a seed the page gave (`seed`): nothing is meant to last.
    pub fn is_preview(&self) -> bool {
        matches!(&self.channel, Channel::Local(l) if l.is_preview())
    }

    /// Whether what the resident adds survives a reload.
    pub fn is_persistent(&self) -> bool {
        match &self.channel {
            Channel::Local(l) => l.is_persistent(),
            Channel::Http(_) => true,
        }
    }

    /// Sends `op` of the route table (with its path parameter values and
    /// query, a body, and an idempotency key for writes that create) with
    /// the identity it needs, and decodes the answer.
    async fn call<T: DeserializeOwned>(
        &self,
        op: Operation,
        params: &[&str],
        query: &[(&str, Option<&str>)],
        body: Option<String>,
        idempotency_key: Option<&str>,
    ) -> ApiResult<T> {
        self.send(op, op.path_with_query(params, query), body, idempotency_key)
            .await
    }

    /// [`Backend::call`] with the path (and query) already made.
    async fn send<T: DeserializeOwned>(
        &self,
        op: Operation,
        path: String,
        body: Option<String>,
        idempotency_key: Option<&str>,
    ) -> ApiResult<T> {
        let call = Call {
            method: op.method(),
            path,
            body,
            idempotency_key,
            auth: Auth::of(op),
        };
        parse(&self.channel.send(&call).await?)
    }

    async fn read<T: DeserializeOwned>(&self, op: Operation, params: &[&str]) -> ApiResult<T> {
        self.call(op, params, &[], None, None).await
    }

    /// A page of a list with one order, from `cursor` (the first page without one).
    async fn page<T: DeserializeOwned>(
        &self,
        op: Operation,
        params: &[&str],
        cursor: Option<&str>,
    ) -> ApiResult<Page<T>> {
        self.call(op, params, &[("cursor", cursor)], None, None)
            .await
    }

    /// A write with a JSON body; writes that create take an idempotency key
    /// chosen by the caller, so that a retried write is applied once.
    async fn write<T: DeserializeOwned>(
        &self,
        op: Operation,
        params: &[&str],
        body: &impl Serialize,
        key: &str,
    ) -> ApiResult<T> {
        let body = json::to_text(body).map_err(BackendError::Unreadable)?;
        self.call(op, params, &[], Some(body), Some(key)).await
    }

    pub async fn capabilities(&self) -> ApiResult<Capabilities> {
        self.read(Operation::GetCapabilities, &[]).await
    }

    pub async fn deliberations(
        &self,
        cursor: Option<&str>,
    ) -> ApiResult<Page<DeliberationSummary>> {
        self.page(Operation::ListDeliberations, &[], cursor).await
    }

    /// A deliberation, checked before any view sees it.
    pub async fn deliberation(&self, id: &str) -> ApiResult<Deliberation> {
        let d: Deliberation = self.read(Operation::GetDeliberation, &[id]).await?;
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
        query: &ArgumentsQuery,
    ) -> ApiResult<Page<Argument>> {
        let path = arguments_path(deliberation_id, query);
        self.send(Operation::ListArguments, path, None, None).await
    }

    pub async fn create_argument(
        &self,
        deliberation_id: &str,
        new: &NewArgument,
        key: &str,
    ) -> ApiResult<Argument> {
        self.write(Operation::CreateArgument, &[deliberation_id], new, key)
            .await
    }

    pub async fn comments(
        &self,
        argument_id: &str,
        cursor: Option<&str>,
    ) -> ApiResult<Page<Comment>> {
        self.page(Operation::ListComments, &[argument_id], cursor)
            .await
    }

    pub async fn create_comment(
        &self,
        argument_id: &str,
        new: &NewComment,
        key: &str,
    ) -> ApiResult<Comment> {
        self.write(Operation::CreateComment, &[argument_id], new, key)
            .await
    }

    pub async fn set_reaction(
        &self,
        argument_id: &str,
        kind: ReactionKind,
        on: bool,
    ) -> ApiResult<ReactionState> {
        let op = if on {
            Operation::PutReaction
        } else {
            Operation::DeleteReaction
        };
        self.read(op, &[argument_id, kind.as_str()]).await
    }

    pub async fn flag(&self, flag: &NewFlag, key: &str) -> ApiResult<FlagReceipt> {
        self.write(Operation::CreateFlag, &[], flag, key).await
    }

    pub async fn proposals(
        &self,
        deliberation_id: &str,
        cursor: Option<&str>,
    ) -> ApiResult<Page<Proposal>> {
        self.page(Operation::ListProposals, &[deliberation_id], cursor)
            .await
    }

    /// What moderators did in a deliberation and why, newest first.
    pub async fn moderation_log(
        &self,
        deliberation_id: &str,
        cursor: Option<&str>,
    ) -> ApiResult<Page<LogLine>> {
        let page: Page<json::Raw> = self
            .page(
                Operation::ListPublicModerationLog,
                &[deliberation_id],
                cursor,
            )
            .await?;
        log_lines(page)
    }

    pub async fn create_proposal(
        &self,
        deliberation_id: &str,
        new: &NewProposal,
        key: &str,
    ) -> ApiResult<Proposal> {
        self.write(Operation::CreateProposal, &[deliberation_id], new, key)
            .await
    }

    pub async fn poll(&self, poll_id: &str) -> ApiResult<Poll> {
        self.read(Operation::GetPoll, &[poll_id]).await
    }

    pub async fn cast_ballot(
        &self,
        poll_id: &str,
        ballot: &BallotSubmission,
        key: &str,
    ) -> ApiResult<BallotReceipt> {
        self.write(Operation::CastBallot, &[poll_id], ballot, key)
            .await
    }

    /// My ballot, or `None` when I have not voted.
    pub async fn my_ballot(&self, poll_id: &str) -> ApiResult<Option<MyBallot>> {
        match self.read(Operation::GetMyBallot, &[poll_id]).await {
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
    fn a_log_entry_newer_than_the_widget_keeps_its_date_and_the_rest_of_the_page() -> ApiResult<()>
    {
        let known =
            r#"{"id":"m1","at":"2026-11-02T09:00:00Z","deliberation_id":"d","change":"import"}"#;
        let newer = r#"{"id":"m2","at":"2026-11-03T10:00:00Z","deliberation_id":"d","change":{"merge":{"into":"x"}},"reason":"a_reason_from_later"}"#;
        let body = format!(r#"{{"items":[{known},{newer}],"next_cursor":"c"}}"#);
        let page = log_lines(parse(&body)?)?;
        assert!(
            matches!(&page.items[0], LogLine::Known(e) if e.change == ModerationChange::Import)
        );
        assert!(matches!(
            &page.items[1],
            LogLine::Unknown { id, at } if id == "m2" && at.as_str() == "2026-11-03T10:00:00Z"
        ));
        assert_eq!(page.items[1].id(), "m2");
        assert_eq!(page.next_cursor.as_deref(), Some("c"));
        // Without even an id and a date, the page cannot be read.
        let broken = format!(r#"{{"items":[{known},{{"change":"import"}}],"next_cursor":null}}"#);
        let r = log_lines(parse(&broken)?);
        assert!(matches!(r, Err(BackendError::Unreadable(_))), "{r:?}");
        Ok(())
    }

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
