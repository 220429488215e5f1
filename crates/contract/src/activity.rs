//! Participation over time, for the staff's report to the council: what
//! residents did in a deliberation, day by day. Backends count their
//! records; the days are made here, so that every backend makes the same.

use serde::{Deserialize, Serialize};

use crate::discussion::Stance;
use crate::time::Timestamp;

const DAY_MILLIS: i64 = 86_400_000;

/// `GET /v1/moderation/deliberations/{id}/activity`: what residents did,
/// by UTC day, oldest first; days with nothing are left out. Everything
/// residents posted counts, whatever moderation did with it since.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Activity {
    pub deliberation_id: String,
    pub days: Vec<ActivityDay>,
}

/// One day of [`Activity`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ActivityDay {
    /// `YYYY-MM-DD`, in UTC.
    #[cfg_attr(feature = "schema", schemars(regex(pattern = r"^\d{4}-\d{2}-\d{2}$")))]
    pub day: String,
    pub arguments_for: u64,
    pub arguments_against: u64,
    pub replies: u64,
    pub proposals: u64,
    /// Ballots whose last change was that day (a changed ballot counts
    /// once, on the day of its change).
    pub ballots: u64,
}

/// What a record of [`Activity`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActivityKind {
    ArgumentFor,
    ArgumentAgainst,
    Reply,
    Proposal,
    Ballot,
}

impl ActivityKind {
    /// An argument on its side.
    pub fn argument(stance: Stance) -> Self {
        match stance {
            Stance::For => ActivityKind::ArgumentFor,
            Stance::Against => ActivityKind::ArgumentAgainst,
        }
    }
}

impl Activity {
    /// The days of `records`: each a kind, the time of the record (Unix
    /// milliseconds; any time of its day will do) and how many records.
    pub fn of(
        deliberation_id: &str,
        records: impl IntoIterator<Item = (ActivityKind, i64, u64)>,
    ) -> Activity {
        let mut days: std::collections::BTreeMap<i64, ActivityDay> = Default::default();
        for (kind, millis, n) in records {
            let day = days.entry(millis.div_euclid(DAY_MILLIS)).or_default();
            let count = match kind {
                ActivityKind::ArgumentFor => &mut day.arguments_for,
                ActivityKind::ArgumentAgainst => &mut day.arguments_against,
                ActivityKind::Reply => &mut day.replies,
                ActivityKind::Proposal => &mut day.proposals,
                ActivityKind::Ballot => &mut day.ballots,
            };
            *count += n;
        }
        Activity {
            deliberation_id: deliberation_id.to_owned(),
            days: days
                .into_iter()
                .map(|(n, counts)| ActivityDay {
                    day: Timestamp::from_unix_millis(n * DAY_MILLIS).as_str()[..10].to_owned(),
                    ..counts
                })
                .collect(),
        }
    }
}

/// The time to hand [`Activity::of`] for day `n` (days since 1970-01-01,
/// UTC, rounded down) as a database counted it.
pub fn activity_day_start(n: i64) -> i64 {
    n * DAY_MILLIS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_are_counted_by_utc_day_oldest_first() {
        let t = |s: &str| Timestamp::try_from(s).map_or(0, |t| t.unix_millis());
        let a = Activity::of(
            "d",
            [
                (ActivityKind::Ballot, t("2026-11-03T00:00:00Z"), 2),
                (ActivityKind::ArgumentFor, t("2026-11-02T23:59:59.999Z"), 1),
                (ActivityKind::ArgumentFor, t("2026-11-02T08:00:00Z"), 1),
                (ActivityKind::Reply, t("2026-11-02T12:00:00Z"), 3),
                (ActivityKind::ArgumentAgainst, t("2026-11-03T10:00:00Z"), 1),
                (ActivityKind::Proposal, activity_day_start(20_395), 1),
                (ActivityKind::Reply, t("1969-12-31T12:00:00Z"), 1),
            ],
        );
        let days: Vec<(&str, [u64; 5])> = a
            .days
            .iter()
            .map(|d| {
                (
                    d.day.as_str(),
                    [
                        d.arguments_for,
                        d.arguments_against,
                        d.replies,
                        d.proposals,
                        d.ballots,
                    ],
                )
            })
            .collect();
        assert_eq!(
            days,
            [
                ("1969-12-31", [0, 0, 1, 0, 0]),
                ("2025-11-03", [0, 0, 0, 1, 0]),
                ("2026-11-02", [2, 0, 3, 0, 0]),
                ("2026-11-03", [0, 1, 0, 0, 2]),
            ]
        );
        assert!(Activity::of("d", []).days.is_empty());
    }
}
