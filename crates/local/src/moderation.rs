//! The moderation surface of the in-browser backend: import a seed, move a
//! phase, open or close a poll, hide or restore content — what the
//! conformance kit sets its fixtures up with, with the same effects as on
//! the reference server.
//!
//! Only a request with [`Role::Moderator`](crate::Role) gets here, and the
//! browser entry point never makes one (see `lib.rs`): in a page, these
//! operations do not exist.

use plaza_contract::seed::{Seed, SeedDeliberation};
use plaza_contract::*;

use crate::store::{flag_key, not_found, LocalState, StoreResult, Window};

fn conflict(detail: String) -> Problem {
    Problem::new(
        ProblemCode::Conflict,
        "The seed conflicts with what is stored",
    )
    .with_detail(detail)
}

/// Every argument's `comment_count`: its comments that are not removed.
fn count_comments(entry: &mut SeedDeliberation) {
    let comments = &entry.comments;
    for a in &mut entry.arguments {
        let n = comments
            .iter()
            .filter(|c| c.argument_id == a.id && c.status != ContentStatus::Removed)
            .count();
        a.comment_count = u32::try_from(n).unwrap_or(u32::MAX);
    }
}

impl LocalState {
    /// Imports a seed as the reference server does: everything is checked
    /// first and applied all or nothing; the deliberation and poll documents
    /// that exist are replaced (a poll with a ballot keeps what decides its count);
    /// arguments, comments and proposals are only added, never overwritten.
    pub fn import(&mut self, seed: Seed) -> StoreResult<ImportReport> {
        let problems = plaza_results::seed_problems(&seed);
        if !problems.is_empty() {
            return Err(
                Problem::new(ProblemCode::ValidationFailed, "The seed is not valid")
                    .with_detail(problems.join("; ")),
            );
        }
        // On a copy, so that a conflict half-way leaves nothing behind.
        let mut next = self.clone();
        let mut report = ImportReport::default();
        for entry in seed.deliberations {
            next.import_one(entry, &mut report)?;
        }
        *self = next;
        Ok(report)
    }

    fn import_one(
        &mut self,
        entry: SeedDeliberation,
        report: &mut ImportReport,
    ) -> StoreResult<()> {
        let SeedDeliberation {
            deliberation,
            poll,
            arguments,
            comments,
            proposals,
        } = entry;
        let id = deliberation.id.clone();
        if let Some(poll) = &poll {
            self.check_poll_replacement(&id, poll)?;
        }
        if let Ok(existing) = self.entry(&id) {
            let stored = existing.deliberation.poll_id.as_deref();
            let voted = stored.is_some_and(|p| self.my_ballots.contains_key(p));
            Poll::check_kept(stored, deliberation.poll_id.as_deref(), voted).map_err(conflict)?;
        }
        // Ids are unique per kind across every deliberation, as in a database.
        let arguments: Vec<Argument> = arguments
            .into_iter()
            .filter(|a| !self.has(|e| e.arguments.iter().any(|x| x.id == a.id)))
            .collect();
        let comments: Vec<Comment> = comments
            .into_iter()
            .filter(|c| !self.has(|e| e.comments.iter().any(|x| x.id == c.id)))
            .collect();
        let proposals: Vec<Proposal> = proposals
            .into_iter()
            .filter(|p| !self.has(|e| e.proposals.iter().any(|x| x.id == p.id)))
            .collect();
        match self.entry_mut(&id) {
            Ok(existing) => {
                let parts = EditedPart::between(
                    (&existing.deliberation, existing.poll.as_ref()),
                    (&deliberation, poll.as_ref()),
                );
                report.edited.insert(id.clone(), parts);
                existing.deliberation = deliberation;
                // A poll the seed does not carry stays, as on the server.
                if poll.is_some() {
                    existing.poll = poll;
                }
                report.updated.push(id.clone());
            }
            Err(_) => {
                self.deliberations.push(SeedDeliberation {
                    deliberation,
                    poll,
                    arguments: Vec::new(),
                    comments: Vec::new(),
                    proposals: Vec::new(),
                });
                report.created.push(id.clone());
            }
        }
        let entry = self.entry_mut(&id)?;
        let added = arguments.len() + proposals.len();
        entry.arguments.extend(arguments);
        entry.proposals.extend(proposals);
        // A reply whose argument was kept from elsewhere would be unreachable here.
        let mut replies = 0;
        for c in comments {
            if entry.arguments.iter().any(|a| a.id == c.argument_id) {
                entry.comments.push(c);
                replies += 1;
            }
        }
        count_comments(entry);
        report.contributions_added = report
            .contributions_added
            .saturating_add(u32::try_from(added + replies).unwrap_or(u32::MAX));
        Ok(())
    }

    fn has(&self, found: impl Fn(&SeedDeliberation) -> bool) -> bool {
        self.deliberations.iter().any(found)
    }

    /// A stored poll of the same id may be replaced by its own deliberation
    /// only, and once it has a ballot, not in what decides the count (see
    /// `Poll::check_replacement`).
    fn check_poll_replacement(&self, deliberation_id: &str, poll: &Poll) -> StoreResult<()> {
        for e in &self.deliberations {
            let Some(old) = e.poll.as_ref().filter(|p| p.id == poll.id) else {
                continue;
            };
            let mut old = old.clone();
            old.deliberation_id = e.deliberation.id.clone();
            let mut new = poll.clone();
            new.deliberation_id = deliberation_id.to_owned();
            old.check_replacement(&new, self.my_ballots.contains_key(&poll.id))
                .map_err(conflict)?;
        }
        Ok(())
    }

    /// `PUT /moderation/deliberations/{id}/phase`.
    pub fn set_phase(
        &mut self,
        deliberation_id: &str,
        phase: PhaseKind,
    ) -> StoreResult<Deliberation> {
        let entry = self.entry_mut(deliberation_id)?;
        entry.deliberation.check_phase(phase)?;
        entry.deliberation.current_phase = phase;
        Ok(self.with_counts(self.entry(deliberation_id)?))
    }

    /// `PUT /moderation/polls/{id}/status`: upcoming, open or closed.
    pub fn set_poll_status(&mut self, poll_id: &str, status: PollStatus) -> StoreResult<Poll> {
        let poll = self
            .deliberations
            .iter_mut()
            .filter_map(|e| e.poll.as_mut())
            .find(|p| p.id == poll_id)
            .ok_or_else(|| not_found("poll"))?;
        if !poll.status.may_become(status) {
            return Err(PollStatus::closed_for_good());
        }
        poll.status = status;
        Ok(poll.clone())
    }

    /// `PUT /moderation/proposals/{id}/decision`: an accepted proposal
    /// becomes the last option of its deliberation's poll, while the poll
    /// has no ballot (the contract's rules, as the server applies them).
    pub fn decide_proposal(
        &mut self,
        proposal_id: &str,
        change: &ProposalDecisionChange,
    ) -> StoreResult<Proposal> {
        change.validate().map_err(Problem::invalid)?;
        let entry = self
            .deliberations
            .iter()
            .position(|e| e.proposals.iter().any(|p| p.id == proposal_id))
            .ok_or_else(|| not_found("proposal"))?;
        let has_ballots = {
            let e = &self.deliberations[entry];
            e.poll
                .as_ref()
                .is_some_and(|p| self.my_ballots.contains_key(&p.id))
        };
        let e = &mut self.deliberations[entry];
        let lang = e
            .deliberation
            .title
            .languages()
            .next()
            .unwrap_or("en")
            .to_owned();
        let Some(proposal) = e.proposals.iter_mut().find(|p| p.id == proposal_id) else {
            return Err(not_found("proposal"));
        };
        if !proposal.decision.may_become(change.decision) {
            return Err(proposal.decision.decided());
        }
        let seen = proposal.clone().redacted();
        if change.decision == ProposalDecision::Accepted {
            let poll = e.poll.as_mut().ok_or_else(|| {
                Problem::new(
                    ProblemCode::Conflict,
                    "The proposal cannot be added to the ballot",
                )
                .with_detail("The deliberation has no poll.")
            })?;
            *poll = poll.with_option(seen.as_option(&lang), has_ballots)?;
        }
        proposal.decision = change.decision;
        Ok(Proposal {
            decision: change.decision,
            ..seen
        })
    }

    /// `PUT /moderation/content`: hides, restores or removes an argument,
    /// comment or proposal. Restoring sets this participant's flag on it
    /// aside, as the server does the flags that hid it: it leaves the queue,
    /// and the same flag does not bring it back.
    pub fn moderate(&mut self, m: &ContentModeration) -> StoreResult<ContentModeration> {
        let id = m.target_id.as_str();
        let mut found = false;
        for entry in &mut self.deliberations {
            match m.target_type {
                FlagTarget::Argument => {
                    for a in entry.arguments.iter_mut().filter(|a| a.id == id) {
                        a.status = m.status;
                        found = true;
                    }
                }
                FlagTarget::Comment => {
                    for c in entry.comments.iter_mut().filter(|c| c.id == id) {
                        c.status = m.status;
                        found = true;
                    }
                    // A removed reply no longer counts on its argument.
                    count_comments(entry);
                }
                FlagTarget::Proposal => {
                    for p in entry.proposals.iter_mut().filter(|p| p.id == id) {
                        p.status = m.status;
                        found = true;
                    }
                }
            }
        }
        if !found {
            return Err(not_found("content"));
        }
        let key = flag_key(m.target_type, id);
        if m.status == ContentStatus::Visible && self.my_flags.remove(&key) {
            self.reviewed_flags.insert(key);
        }
        Ok(m.clone())
    }

    /// `GET /moderation/flagged`: what this browser's participant flagged,
    /// one flag each (there is one participant), in a stable order.
    pub fn flagged(&self, query: &ModerationQuery) -> StoreResult<Page<FlaggedContent>> {
        let window = Window::of(cursor::List::flagged(query.deliberation()), &query.page())?;
        if let Some(id) = query.deliberation() {
            self.entry(id)?;
        }
        let mut items = Vec::new();
        let asked =
            |e: &&SeedDeliberation| query.deliberation().is_none_or(|d| e.deliberation.id == d);
        for e in self.deliberations.iter().filter(asked) {
            let flagged =
                |target: FlagTarget, id: &str| self.my_flags.contains(&flag_key(target, id));
            let entry = |target_type, id: &str, status, text: Option<&str>| FlaggedContent {
                target_type,
                target_id: id.to_owned(),
                deliberation_id: e.deliberation.id.clone(),
                status,
                flags: 1,
                text: text.unwrap_or_default().to_owned(),
            };
            items.extend(
                e.arguments
                    .iter()
                    .filter(|a| flagged(FlagTarget::Argument, &a.id))
                    .map(|a| entry(FlagTarget::Argument, &a.id, a.status, a.text.as_deref())),
            );
            items.extend(
                e.comments
                    .iter()
                    .filter(|c| flagged(FlagTarget::Comment, &c.id))
                    .map(|c| entry(FlagTarget::Comment, &c.id, c.status, c.text.as_deref())),
            );
            items.extend(
                e.proposals
                    .iter()
                    .filter(|p| flagged(FlagTarget::Proposal, &p.id))
                    .map(|p| entry(FlagTarget::Proposal, &p.id, p.status, p.title.as_deref())),
            );
        }
        // The server's order: most flagged first, then by kind and id.
        Ok(window.page(items, |f| {
            (
                -i64::from(f.flags),
                f.target_type as u8,
                f.target_id.clone(),
            )
        }))
    }
}

impl LocalState {
    /// `GET /moderation/deliberations/{id}/activity`: what was posted there,
    /// by day, and this browser's ballot (the only one a page holds).
    pub fn activity(&self, deliberation_id: &str) -> StoreResult<Activity> {
        let entry = self.entry(deliberation_id)?;
        let arguments = entry.arguments.iter().map(|a| {
            let kind = ActivityKind::argument(a.stance);
            (kind, a.created_at.unix_millis(), 1)
        });
        let replies = entry
            .comments
            .iter()
            .map(|c| (ActivityKind::Reply, c.created_at.unix_millis(), 1));
        let proposals = entry
            .proposals
            .iter()
            .map(|p| (ActivityKind::Proposal, p.created_at.unix_millis(), 1));
        let ballot = entry
            .poll
            .as_ref()
            .and_then(|poll| self.my_ballots.get(&poll.id))
            .map(|b| (ActivityKind::Ballot, b.receipt.recorded_at.unix_millis(), 1));
        Ok(Activity::of(
            deliberation_id,
            arguments.chain(replies).chain(proposals).chain(ballot),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo() -> Seed {
        serde_json::from_str(include_str!("../../contract/demo/plaza-demo.json"))
            .unwrap_or_else(|e| panic!("the demo seed decodes: {e}"))
    }

    fn state() -> LocalState {
        LocalState::from_seed(demo(), "me".into()).unwrap_or_else(|p| panic!("{p:?}"))
    }

    fn now() -> Timestamp {
        Timestamp::from_unix_millis(1_795_685_400_000)
    }

    /// The demo deliberation under another id, with its poll and content
    /// (every id prefixed with `id`).
    fn copy(id: &str) -> Seed {
        let mut seed = demo();
        let entry = &mut seed.deliberations[0];
        let renamed = |x: &str| format!("{id}-{x}");
        entry.deliberation.id = id.into();
        let poll_id = renamed("poll");
        entry.deliberation.poll_id = Some(poll_id.clone());
        if let Some(p) = entry.poll.as_mut() {
            p.id = poll_id;
            p.deliberation_id = id.into();
        }
        for a in &mut entry.arguments {
            a.id = renamed(&a.id);
            a.deliberation_id = id.into();
        }
        for c in &mut entry.comments {
            c.id = renamed(&c.id);
            c.argument_id = renamed(&c.argument_id);
            c.parent_id = c.parent_id.as_deref().map(renamed);
        }
        for p in &mut entry.proposals {
            p.id = renamed(&p.id);
            p.deliberation_id = id.into();
        }
        seed
    }

    #[test]
    fn importing_creates_then_replaces_and_only_adds_contributions() -> Result<(), Problem> {
        let mut s = state();
        let parc = copy("parc");
        let e = &parc.deliberations[0];
        let all = e.arguments.len() + e.comments.len() + e.proposals.len();
        let report = s.import(parc.clone())?;
        assert_eq!(report.created, ["parc"]);
        assert_eq!(report.contributions_added as usize, all);
        assert_eq!(
            s.deliberation("parc")?.counts,
            s.deliberation("rue-des-lilas")?.counts
        );
        let report = s.import(parc)?;
        assert_eq!(
            (report.updated.as_slice(), report.contributions_added),
            (&["parc".to_owned()][..], 0)
        );

        let mut again = demo();
        again.deliberations[0].deliberation.current_phase = PhaseKind::Voting;
        again.deliberations[0].arguments[0].text = Some("Overwritten?".into());
        let report = s.import(again)?;
        assert_eq!(
            (report.created.len(), report.updated.as_slice()),
            (0, &["rue-des-lilas".to_owned()][..])
        );
        let d = s.deliberation("rue-des-lilas")?;
        assert_eq!(
            d.current_phase,
            PhaseKind::Voting,
            "the document is replaced"
        );
        let first = &s.entry("rue-des-lilas")?.arguments[0];
        assert_ne!(
            first.text.as_deref(),
            Some("Overwritten?"),
            "contributions are kept"
        );
        Ok(())
    }

    #[test]
    fn an_invalid_or_conflicting_seed_changes_nothing() -> Result<(), Problem> {
        let mut s = state();
        let mut bad = copy("parc");
        bad.deliberations[0].comments[0].argument_id = "missing".into();
        assert_eq!(
            s.import(bad).map_err(|p| p.code),
            Err(ProblemCode::ValidationFailed)
        );

        // A poll of one deliberation claimed by another.
        let mut stolen = copy("parc");
        let entry = &mut stolen.deliberations[0];
        entry.deliberation.poll_id = Some("rue-des-lilas-design".into());
        if let Some(p) = entry.poll.as_mut() {
            p.id = "rue-des-lilas-design".into();
        }
        let mut both = copy("first");
        both.deliberations.extend(stolen.deliberations);
        let before = s.clone();
        assert_eq!(
            s.import(both).map_err(|p| p.code),
            Err(ProblemCode::Conflict)
        );
        assert_eq!(s, before, "all or nothing: `first` was not kept either");

        // Options cannot change under a ballot.
        s.set_poll_status("rue-des-lilas-design", PollStatus::Open)?;
        let ballot = BallotSubmission {
            ranking: vec!["full-plaza".into()],
        };
        s.cast_ballot("rue-des-lilas-design", &ballot, now())?;
        let mut fewer = demo();
        if let Some(p) = fewer.deliberations[0].poll.as_mut() {
            p.options.retain(|o| o.id != "seasonal");
        }
        assert_eq!(
            s.import(fewer).map_err(|p| p.code),
            Err(ProblemCode::Conflict)
        );
        Ok(())
    }

    #[test]
    fn phases_and_poll_status_move() -> Result<(), Problem> {
        let mut s = state();
        let d = s.set_phase("rue-des-lilas", PhaseKind::Results)?;
        assert_eq!(d.current_phase, PhaseKind::Results);
        let p = s.set_poll_status("rue-des-lilas-design", PollStatus::Open)?;
        assert_eq!(
            (p.status, s.poll("rue-des-lilas-design")?.status),
            (PollStatus::Open, PollStatus::Open)
        );
        assert_eq!(
            s.set_phase("nope", PhaseKind::Results).map_err(|p| p.code),
            Err(ProblemCode::NotFound)
        );
        assert_eq!(
            s.set_poll_status("nope", PollStatus::Open)
                .map_err(|p| p.code),
            Err(ProblemCode::NotFound)
        );
        Ok(())
    }

    #[test]
    fn content_is_hidden_restored_and_removed() -> Result<(), Problem> {
        let mut s = state();
        let flag = NewFlag {
            target_type: FlagTarget::Comment,
            target_id: "com-01".into(),
            reason: FlagReason::Spam,
        };
        s.flag(&flag)?;
        let hide = |status| ContentModeration {
            target_type: FlagTarget::Comment,
            target_id: "com-01".into(),
            status,
            reason: None,
        };
        let argument = s.entry("rue-des-lilas")?.comments[0].argument_id.clone();
        let count = |s: &LocalState| {
            s.entry("rue-des-lilas").map(|e| {
                e.arguments
                    .iter()
                    .find(|a| a.id == argument)
                    .map_or(0, |a| a.comment_count)
            })
        };
        let before = count(&s)?;
        s.moderate(&hide(ContentStatus::HiddenPendingReview))?;
        let listed = s.comments(&argument, &PageQuery::default())?;
        assert!(listed
            .items
            .iter()
            .any(|c| c.id == "com-01" && c.text.is_none()));
        s.moderate(&hide(ContentStatus::Removed))?;
        assert_eq!(count(&s)?, before - 1, "a removed reply is not counted");
        assert!(!s
            .comments(&argument, &PageQuery::default())?
            .items
            .iter()
            .any(|c| c.id == "com-01"));
        s.moderate(&hide(ContentStatus::Visible))?;
        assert_eq!(count(&s)?, before);
        assert!(s.my_flags.is_empty(), "restoring takes it out of the queue");
        s.flag(&flag)?;
        assert!(
            s.my_flags.is_empty(),
            "the same flag does not bring it back"
        );
        let missing = ContentModeration {
            target_id: "nope".into(),
            ..hide(ContentStatus::Removed)
        };
        assert_eq!(
            s.moderate(&missing).map_err(|p| p.code),
            Err(ProblemCode::NotFound)
        );
        Ok(())
    }
}
