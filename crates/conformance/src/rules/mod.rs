//! The rules of the contract, each a check against the backend under test.
//! They run in the order listed: the voting rules close the poll at the
//! end, and the rate-limit rule runs last of all.

mod discovery;
mod discussion;
mod moderation;
mod protocol;
mod voting;

use futures::future::BoxFuture;

use crate::client::Check;
use crate::fixture::Ctx;

pub struct Rule {
    pub name: &'static str,
    /// The rule, in one sentence of the contract.
    pub says: &'static str,
    pub run: fn(&Ctx) -> BoxFuture<'_, Check<Verdict>>,
    /// Why the rule cannot apply to `api="local"` — one participant, the
    /// browser's, in one page — when it cannot; it is skipped there.
    pub not_local: Option<&'static str>,
}

impl Rule {
    /// Marks a rule that needs what an in-browser backend cannot have
    /// (several participants, bearer tokens, a network between page and
    /// backend), saying which.
    pub fn not_local(self, why: &'static str) -> Rule {
        Rule {
            not_local: Some(why),
            ..self
        }
    }
}

/// A check passed, or could not run with what the kit was given.
pub enum Verdict {
    Passed,
    Skipped(&'static str),
}

/// Builds a [`Rule`] from an `async fn(&Ctx) -> Check` (passed when it
/// returns `Ok`), or with `optional` from an `async fn(&Ctx) -> Check<Verdict>`
/// (which may also say why it was skipped).
macro_rules! rule {
    ($name:literal, $says:literal, $check:path) => {
        crate::rules::Rule {
            name: $name,
            says: $says,
            run: |ctx| {
                Box::pin(async move { $check(ctx).await.map(|()| crate::rules::Verdict::Passed) })
            },
            not_local: None,
        }
    };
    ($name:literal, $says:literal, $check:path, optional) => {
        crate::rules::Rule {
            name: $name,
            says: $says,
            run: |ctx| Box::pin($check(ctx)),
            not_local: None,
        }
    };
}
pub(crate) use rule;

pub fn all() -> Vec<Rule> {
    let mut rules = Vec::new();
    rules.extend(discovery::rules());
    rules.extend(discussion::rules());
    rules.extend(moderation::rules());
    rules.extend(protocol::rules());
    rules.extend(voting::rules());
    rules.extend(protocol::last_rules());
    rules
}
