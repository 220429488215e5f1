//! Seed files: deliberations with their poll and discussion, as one JSON
//! document. The in-browser `local` backend starts from one, and the
//! reference server imports them (`plaza-server import FILE.json`).

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::deliberation::Deliberation;
use crate::discussion::{Argument, Comment};
use crate::poll::Poll;
use crate::proposal::Proposal;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Seed {
    pub deliberations: Vec<SeedDeliberation>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SeedDeliberation {
    /// `counts` is recomputed from the lists below by whoever loads the seed.
    pub deliberation: Deliberation,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub poll: Option<Poll>,
    #[serde(default)]
    pub arguments: Vec<Argument>,
    #[serde(default)]
    pub comments: Vec<Comment>,
    #[serde(default)]
    pub proposals: Vec<Proposal>,
}

/// Who made a seed's argument, reply or proposal, for its deliberation's
/// `participants` count. A seed names no participants: contributions signed
/// with one display name count as one person, each anonymous one as a
/// person of its own (its id tells it apart).
pub fn contributor(display_name: Option<&str>, contribution_id: &str) -> String {
    match display_name.map(str::trim).filter(|n| !n.is_empty()) {
        Some(name) => format!("seed:{name}"),
        None => format!("seed:#{contribution_id}"),
    }
}

impl Seed {
    /// Everything inconsistent in the seed: duplicate ids, dangling
    /// references, invalid deliberations or polls.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let mut ids = HashSet::new();
        for entry in &self.deliberations {
            let d = &entry.deliberation;
            let here = |p: String| format!("deliberation {:?}: {p}", d.id);
            if !ids.insert(("deliberation", d.id.as_str())) {
                problems.push(here("duplicate id".into()));
            }
            problems.extend(d.problems().into_iter().map(here));
            match (&d.poll_id, &entry.poll) {
                (Some(id), Some(poll)) if *id == poll.id && poll.deliberation_id == d.id => {
                    problems.extend(
                        poll.problems()
                            .into_iter()
                            .map(|p| here(format!("poll: {p}"))),
                    );
                }
                (None, None) => {}
                _ => problems.push(here("poll_id and poll do not match".into())),
            }
            for a in &entry.arguments {
                if !ids.insert(("argument", a.id.as_str())) {
                    problems.push(here(format!("duplicate argument id {:?}", a.id)));
                }
                if a.deliberation_id != d.id {
                    problems.push(here(format!(
                        "argument {:?} belongs to another deliberation",
                        a.id
                    )));
                }
            }
            for c in &entry.comments {
                if !ids.insert(("comment", c.id.as_str())) {
                    problems.push(here(format!("duplicate comment id {:?}", c.id)));
                }
                if !entry.arguments.iter().any(|a| a.id == c.argument_id) {
                    problems.push(here(format!(
                        "comment {:?} answers an unknown argument",
                        c.id
                    )));
                }
                if let Some(parent) = &c.parent_id {
                    if !entry
                        .comments
                        .iter()
                        .any(|p| &p.id == parent && p.argument_id == c.argument_id)
                    {
                        problems.push(here(format!(
                            "comment {:?} answers an unknown comment",
                            c.id
                        )));
                    }
                }
            }
            for p in &entry.proposals {
                if !ids.insert(("proposal", p.id.as_str())) {
                    problems.push(here(format!("duplicate proposal id {:?}", p.id)));
                }
            }
        }
        problems
    }
}
