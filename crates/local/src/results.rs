//! Results and published ballots of the in-browser backend: its one
//! participant's ballot counted by `plaza-results`, the same code and
//! engine (`plaza-tally`) the reference server counts everyone's with, under
//! the same `results_visibility` rules.

use plaza_contract::*;
use plaza_results::{ballot_export, cdf};
use serde::Serialize;

use crate::store::{LocalState, StoreResult};

/// `GET /polls/{id}/ballots`: groups (the default) or a CDF report.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Published {
    Groups(BallotExport),
    Cdf(serde_json::Value),
}

impl LocalState {
    /// Every ballot this backend holds for a poll: one per participant, and
    /// it has one participant.
    fn ballot_groups(&self, poll_id: &str) -> Vec<BallotGroup> {
        self.my_ballots
            .get(poll_id)
            .map(group_of)
            .into_iter()
            .collect()
    }

    /// `GET /polls/{id}/results`, counted at `now` (final once closed).
    pub fn results(&self, poll_id: &str, now: Timestamp) -> StoreResult<PollResults> {
        let poll = self.poll(poll_id)?;
        poll.results_visible(self.my_ballots.contains_key(poll_id))?;
        let closed = poll.status == PollStatus::Closed;
        plaza_results::count(&poll, &self.ballot_groups(poll_id), closed, now).map_err(|e| {
            Problem::new(ProblemCode::Internal, "The poll could not be counted")
                .with_detail(e.to_string())
        })
    }

    /// `GET /polls/{id}/ballots[?format=cdf][&tracker_prefix=…]`: only once
    /// the poll is closed.
    pub fn published_ballots(
        &self,
        poll_id: &str,
        query: &ExportQuery,
        now: Timestamp,
    ) -> StoreResult<Published> {
        let prefix = query.tracker_prefix()?;
        let poll = self.poll(poll_id)?;
        poll.ballots_published()?;
        // The browser's own ballot: the only one with a tracker here.
        let mine = self
            .my_ballots
            .get(poll_id)
            .filter(|b| prefix.is_none_or(|p| b.receipt.tracker.starts_with(p)));
        match query.format {
            ExportFormat::Plaza => {
                let groups = mine.map(group_of).into_iter().collect();
                Ok(Published::Groups(ballot_export(&poll, groups)))
            }
            ExportFormat::Cdf => {
                let ballots: Vec<(String, Vec<String>)> = mine
                    .map(|b| (b.receipt.tracker.clone(), b.ranking.clone()))
                    .into_iter()
                    .collect();
                Ok(Published::Cdf(cdf::report(
                    &poll,
                    &ballots,
                    &now,
                    "plaza-local",
                )))
            }
        }
    }
}

/// A ballot as the one ballot of its group.
fn group_of(ballot: &MyBallot) -> BallotGroup {
    BallotGroup {
        ranking: ballot.ranking.clone(),
        count: 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use plaza_contract::seed::Seed;
    use plaza_tally::{Election, Votes};

    const POLL: &str = "rue-des-lilas-design";

    fn state() -> LocalState {
        let seed: Seed = serde_json::from_str(include_str!("../../contract/demo/plaza-demo.json"))
            .unwrap_or_else(|e| panic!("the demo seed decodes: {e}"));
        LocalState::from_seed(seed, "me".into()).unwrap_or_else(|p| panic!("{p:?}"))
    }

    fn now() -> Timestamp {
        Timestamp::from_unix_millis(1_795_685_400_000)
    }

    fn code<T>(r: StoreResult<T>) -> Option<ProblemCode> {
        r.err().map(|p| p.code)
    }

    fn vote(s: &mut LocalState, ranking: &[&str]) -> Result<BallotReceipt, Problem> {
        let ballot = BallotSubmission {
            ranking: ranking.iter().map(|o| o.to_string()).collect(),
        };
        s.cast_ballot(POLL, &ballot, now())
    }

    fn set_visibility(s: &mut LocalState, v: ResultsVisibility) {
        for p in s.deliberations.iter_mut().filter_map(|e| e.poll.as_mut()) {
            p.results_visibility = v;
        }
    }

    #[test]
    fn results_are_plaza_tallys_count_of_my_ballot() -> Result<(), Problem> {
        let mut s = state();
        set_visibility(&mut s, ResultsVisibility::Always);
        s.set_poll_status(POLL, PollStatus::Open)?;
        let empty = s.results(POLL, now())?;
        assert_eq!((empty.total_ballots.as_str(), empty.rounds.len()), ("0", 0));

        vote(&mut s, &["seasonal", "full-plaza"])?;
        let r = s.results(POLL, now())?;
        // The same count made directly with the engine.
        let poll = s.poll(POLL)?;
        let options = poll.options.iter().map(|o| o.id.clone()).collect();
        let mut election = Election::new(options, plaza_results::tally_rules(&poll));
        let tabulated = election
            .add_ranked(["seasonal", "full-plaza"], 1)
            .and_then(|()| election.tabulate())
            .unwrap_or_else(|e| panic!("the engine counts one ballot: {e}"));
        assert_eq!(r.winners, tabulated.winners);
        assert_eq!(r.winners, ["seasonal"]);
        let rounds = &tabulated.passes[0].rounds;
        assert_eq!(r.rounds.len(), rounds.len());
        for (mine, engine) in r.rounds.iter().zip(rounds) {
            for c in &engine.tally {
                assert_eq!(mine.tally[&c.candidate], plaza_results::decimal(c.votes));
            }
        }
        assert_eq!(
            r.rounds[0].tally["seasonal"],
            plaza_results::decimal(Votes::from_count(1))
        );
        assert_eq!((r.total_ballots.as_str(), r.is_final), ("1", false));

        s.set_poll_status(POLL, PollStatus::Closed)?;
        assert!(s.results(POLL, now())?.is_final, "final once closed");
        Ok(())
    }

    #[test]
    fn visibility_rules_apply() -> Result<(), Problem> {
        let mut s = state();
        s.set_poll_status(POLL, PollStatus::Open)?;
        set_visibility(&mut s, ResultsVisibility::AfterClose);
        assert_eq!(
            code(s.results(POLL, now())),
            Some(ProblemCode::ResultsNotAvailable)
        );
        set_visibility(&mut s, ResultsVisibility::AfterVote);
        assert_eq!(
            code(s.results(POLL, now())),
            Some(ProblemCode::ResultsNotAvailable)
        );
        vote(&mut s, &["status-quo"])?;
        assert!(s.results(POLL, now()).is_ok(), "after my vote");
        set_visibility(&mut s, ResultsVisibility::AfterClose);
        s.set_poll_status(POLL, PollStatus::Closed)?;
        assert!(s.results(POLL, now()).is_ok(), "after the close");
        assert_eq!(code(s.results("nope", now())), Some(ProblemCode::NotFound));
        Ok(())
    }

    #[test]
    fn ballots_are_published_only_after_the_close() -> Result<(), Problem> {
        let mut s = state();
        s.set_poll_status(POLL, PollStatus::Open)?;
        let receipt = vote(&mut s, &["full-plaza", "seasonal"])?;
        assert_eq!(
            code(s.published_ballots(POLL, &query(ExportFormat::Plaza, None), now())),
            Some(ProblemCode::ResultsNotAvailable)
        );
        s.set_poll_status(POLL, PollStatus::Closed)?;
        let Published::Groups(export) =
            s.published_ballots(POLL, &query(ExportFormat::Plaza, None), now())?
        else {
            panic!("groups by default")
        };
        assert_eq!(
            export.ballots,
            [BallotGroup {
                ranking: vec!["full-plaza".into(), "seasonal".into()],
                count: 1
            }]
        );
        assert!(
            export.rules.random_seed.is_some(),
            "the seed the count used"
        );
        let Published::Cdf(doc) =
            s.published_ballots(POLL, &query(ExportFormat::Cdf, None), now())?
        else {
            panic!("a CDF report")
        };
        assert_eq!(doc["CVR"][0]["UniqueId"], receipt.tracker.as_str());
        let start: String = receipt.tracker.chars().take(3).collect();
        for format in [ExportFormat::Plaza, ExportFormat::Cdf] {
            let found = s.published_ballots(POLL, &query(format, Some(&start)), now())?;
            let other = s.published_ballots(POLL, &query(format, Some("-")), now())?;
            let counted = |p: &Published| match p {
                Published::Groups(e) => e.ballots.iter().map(|g| g.count).sum::<u64>(),
                Published::Cdf(doc) => doc["CVR"].as_array().map_or(0, Vec::len) as u64,
            };
            assert_eq!((counted(&found), counted(&other)), (1, 0), "{format:?}");
        }
        let long = "t".repeat(MAX_TRACKER_PREFIX_CHARS + 1);
        assert_eq!(
            code(s.published_ballots(POLL, &query(ExportFormat::Cdf, Some(&long)), now())),
            Some(ProblemCode::ValidationFailed)
        );
        Ok(())
    }

    fn query(format: ExportFormat, prefix: Option<&str>) -> ExportQuery {
        ExportQuery {
            format,
            tracker_prefix: prefix.map(str::to_owned),
        }
    }
}
