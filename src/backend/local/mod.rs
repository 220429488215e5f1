//! `api="local"`: the backend that lives in the browser. It starts from the
//! demonstration seed (`plaza-demo.json`, served next to `plaza.js`) and
//! keeps changes in `localStorage` when allowed, in page memory otherwise.

pub mod store;

use std::cell::Cell;
use std::rc::Rc;

use plaza_contract::seed::Seed;
use plaza_contract::*;
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::{checked_deliberation, Api, ApiResult, ArgumentQuery, BackendError, KeyValue};
use store::{LocalState, StoreResult, STATE_VERSION};

const STATE_KEY: &str = "plaza:local:v1";

#[derive(Clone)]
pub struct LocalBackend {
    seed_url: String,
    media_base: String,
    persistent: Rc<Cell<bool>>,
}

fn now() -> Timestamp {
    Timestamp::from_unix_millis(js_sys::Date::now() as i64)
}

fn random_id() -> String {
    const DIGITS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    (0..10)
        .map(|_| {
            let i = (js_sys::Math::random() * DIGITS.len() as f64) as usize;
            char::from(DIGITS[i.min(DIGITS.len() - 1)])
        })
        .collect()
}

impl LocalBackend {
    /// `seed_url`: where the demonstration seed is; `media_base`: what
    /// relative image addresses in it are relative to.
    pub fn new(seed_url: String, media_base: String) -> Self {
        Self {
            seed_url,
            media_base,
            persistent: Rc::new(Cell::new(KeyValue::open().is_persistent())),
        }
    }

    pub fn media_base(&self) -> &str {
        &self.media_base
    }

    pub fn is_persistent(&self) -> bool {
        self.persistent.get()
    }

    /// The stored state, if there is a usable one. A state this version
    /// cannot read is set aside under another key rather than overwritten,
    /// so that nothing a resident wrote is destroyed.
    fn stored(storage: &KeyValue) -> Option<LocalState> {
        let text = storage.get(STATE_KEY)?;
        match serde_json::from_str::<LocalState>(&text) {
            Ok(state) if state.version == STATE_VERSION => Some(state),
            outcome => {
                let backup = format!("{STATE_KEY}:unreadable:{}", js_sys::Date::now() as i64);
                web_sys::console::warn_1(
                    &format!("Plaza: the local demo data could not be read ({:?}); it was kept as {backup} and the demo restarted.", outcome.err().map(|e| e.to_string())).into(),
                );
                storage.set(&backup, &text);
                storage.remove(STATE_KEY);
                None
            }
        }
    }

    /// Makes sure a state exists, fetching the seed the first time.
    async fn ensure_seeded(&self) -> ApiResult<()> {
        if Self::stored(&KeyValue::open()).is_some() {
            return Ok(());
        }
        let response = gloo_net::http::Request::get(&self.seed_url)
            .send()
            .await
            .map_err(|e| BackendError::DemoUnavailable(e.to_string()))?;
        if !response.ok() {
            return Err(BackendError::DemoUnavailable(format!(
                "{} answered {}",
                self.seed_url,
                response.status()
            )));
        }
        let text = response
            .text()
            .await
            .map_err(|e| BackendError::DemoUnavailable(e.to_string()))?;
        let seed: Seed = serde_json::from_str(&text)
            .map_err(|e| BackendError::DemoUnavailable(e.to_string()))?;
        let state = LocalState::from_seed(seed, random_id())
            .map_err(|p| BackendError::DemoUnavailable(p.join("; ")))?;
        // Another instance may have seeded (and written) while we fetched.
        let storage = KeyValue::open();
        if Self::stored(&storage).is_none() {
            self.save(&storage, &state);
        }
        Ok(())
    }

    fn save(&self, storage: &KeyValue, state: &LocalState) {
        match serde_json::to_string(state) {
            Ok(text) => {
                let persisted = storage.set(STATE_KEY, &text);
                self.persistent.set(persisted);
            }
            Err(e) => {
                web_sys::console::error_1(&format!("Plaza: could not save local data: {e}").into())
            }
        }
    }

    async fn read<T>(&self, op: impl FnOnce(&LocalState) -> StoreResult<T>) -> ApiResult<T> {
        self.ensure_seeded().await?;
        let state = Self::stored(&KeyValue::open())
            .ok_or_else(|| BackendError::DemoUnavailable("no local data".into()))?;
        op(&state).map_err(BackendError::Problem)
    }

    /// Applies a change: read, change and save happen with no await in
    /// between, so two instances on the page cannot overwrite each other.
    async fn write<T: Serialize + DeserializeOwned>(
        &self,
        idempotency: Option<(&str, String)>,
        op: impl FnOnce(&mut LocalState) -> StoreResult<T>,
    ) -> ApiResult<T> {
        self.ensure_seeded().await?;
        let storage = KeyValue::open();
        let mut state = Self::stored(&storage)
            .ok_or_else(|| BackendError::DemoUnavailable("no local data".into()))?;
        if let Some((key, fingerprint)) = &idempotency {
            if let Some(previous) = state
                .replay(key, fingerprint)
                .map_err(BackendError::Problem)?
            {
                return serde_json::from_str(&previous)
                    .map_err(|e| BackendError::Unreadable(e.to_string()));
            }
        }
        let result = op(&mut state).map_err(BackendError::Problem)?;
        if let Some((key, fingerprint)) = &idempotency {
            if let Ok(response) = serde_json::to_string(&result) {
                state.remember(key, fingerprint, response);
            }
        }
        self.save(&storage, &state);
        Ok(result)
    }
}

/// What identifies a write for its idempotency key: the call and its body.
fn fingerprint(call: &str, target: &str, body: &impl Serialize) -> String {
    format!(
        "{call} {target} {}",
        serde_json::to_string(body).unwrap_or_default()
    )
}

impl Api for LocalBackend {
    async fn capabilities(&self) -> ApiResult<Capabilities> {
        self.read(|s| Ok(s.capabilities())).await
    }

    async fn deliberations(&self, cursor: Option<&str>) -> ApiResult<Page<DeliberationSummary>> {
        self.read(|s| s.deliberations(cursor)).await
    }

    async fn deliberation(&self, id: &str) -> ApiResult<Deliberation> {
        let d = self.read(|s| s.deliberation(id)).await?;
        checked_deliberation(id, d)
    }

    async fn arguments(
        &self,
        deliberation_id: &str,
        query: &ArgumentQuery,
    ) -> ApiResult<Page<Argument>> {
        self.read(|s| {
            s.arguments(
                deliberation_id,
                query.stance,
                query.sort,
                query.cursor.as_deref(),
            )
        })
        .await
    }

    async fn create_argument(
        &self,
        deliberation_id: &str,
        new: &NewArgument,
        key: &str,
    ) -> ApiResult<Argument> {
        let fp = fingerprint("create_argument", deliberation_id, new);
        self.write(Some((key, fp)), |s| {
            s.create_argument(deliberation_id, new, now())
        })
        .await
    }

    async fn comments(&self, argument_id: &str, cursor: Option<&str>) -> ApiResult<Page<Comment>> {
        self.read(|s| s.comments(argument_id, cursor)).await
    }

    async fn create_comment(
        &self,
        argument_id: &str,
        new: &NewComment,
        key: &str,
    ) -> ApiResult<Comment> {
        let fp = fingerprint("create_comment", argument_id, new);
        self.write(Some((key, fp)), |s| {
            s.create_comment(argument_id, new, now())
        })
        .await
    }

    async fn set_reaction(
        &self,
        argument_id: &str,
        kind: ReactionKind,
        on: bool,
    ) -> ApiResult<ReactionState> {
        self.write(None, |s| s.set_reaction(argument_id, kind, on))
            .await
    }

    async fn flag(&self, flag: &NewFlag, key: &str) -> ApiResult<FlagReceipt> {
        let fp = fingerprint("flag", &flag.target_id, flag);
        self.write(Some((key, fp)), |s| s.flag(flag)).await
    }

    async fn proposals(
        &self,
        deliberation_id: &str,
        cursor: Option<&str>,
    ) -> ApiResult<Page<Proposal>> {
        self.read(|s| s.proposals(deliberation_id, cursor)).await
    }

    async fn create_proposal(
        &self,
        deliberation_id: &str,
        new: &NewProposal,
        key: &str,
    ) -> ApiResult<Proposal> {
        let fp = fingerprint("create_proposal", deliberation_id, new);
        self.write(Some((key, fp)), |s| {
            s.create_proposal(deliberation_id, new, now())
        })
        .await
    }

    async fn poll(&self, poll_id: &str) -> ApiResult<Poll> {
        self.read(|s| s.poll(poll_id)).await
    }

    async fn cast_ballot(
        &self,
        poll_id: &str,
        ballot: &BallotSubmission,
        key: &str,
    ) -> ApiResult<BallotReceipt> {
        let fp = fingerprint("cast_ballot", poll_id, ballot);
        self.write(Some((key, fp)), |s| s.cast_ballot(poll_id, ballot, now()))
            .await
    }

    async fn my_ballot(&self, poll_id: &str) -> ApiResult<Option<MyBallot>> {
        self.read(|s| s.my_ballot(poll_id)).await
    }
}
