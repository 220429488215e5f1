//! Capabilities, participants and pagination.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::deliberation::Deliberation;

/// The value of `Capabilities::contract` for this version.
pub const CONTRACT_VERSION: &str = "plaza/1";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Feature {
    Arguments,
    Comments,
    Reactions,
    Proposals,
    Polls,
    Flags,
    /// The moderator surface under `/v1/moderation` (phases, polls, content, import).
    Moderation,
    /// A feature this version of the contract does not know.
    #[serde(other)]
    Other,
}

/// `GET /v1`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Capabilities {
    /// `plaza/1`.
    pub contract: String,
    pub features: Vec<Feature>,
    /// Languages the backend's own texts are available in.
    pub locales: Vec<String>,
}

impl Capabilities {
    /// What a backend holding `deliberations` offers: every participation
    /// feature, the moderation surface when it has one, and as locales the
    /// languages its deliberations' titles are written in.
    pub fn of<'a>(
        deliberations: impl IntoIterator<Item = &'a Deliberation>,
        moderation: bool,
    ) -> Self {
        let locales: BTreeSet<String> = deliberations
            .into_iter()
            .flat_map(|d| d.title.languages().map(str::to_owned))
            .collect();
        let mut features = vec![
            Feature::Arguments,
            Feature::Comments,
            Feature::Reactions,
            Feature::Proposals,
            Feature::Polls,
            Feature::Flags,
        ];
        if moderation {
            features.push(Feature::Moderation);
        }
        Capabilities {
            contract: CONTRACT_VERSION.to_owned(),
            features,
            locales: locales.into_iter().collect(),
        }
    }
}

/// `POST /v1/participants`: an anonymous participant and its bearer token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ParticipantToken {
    pub participant_id: String,
    pub token: String,
}

/// A page of a cursor-paginated list. Pass `next_cursor` back as `?cursor=`
/// for the next page, with the same other parameters (a cursor made for
/// another list, stance, order or filter is 422); `null` means this is the
/// last page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "PageOf{T}"))]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    pub fn last(items: Vec<T>) -> Self {
        Self {
            items,
            next_cursor: None,
        }
    }
}
