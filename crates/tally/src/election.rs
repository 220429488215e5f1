//! The input of a count: candidates, rules and ballots, and their validation.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::ballots::{self, BallotSet};
use crate::contest::{Contest, Group, Rank, OVERVOTE};
use crate::error::TallyError;
use crate::result::Tabulation;
use crate::rules::{MaxRankings, OvervoteRule, Rules};
use crate::tabulator;

/// Most declared candidates a count accepts.
///
/// A count keeps every round's tally and reports it, and may run a round per candidate, so
/// memory grows with the square of the number of candidates and time with up to its cube (the
/// previous-round tie-break walks back through every earlier round, as RCTab does). At this
/// limit a worst-case count (every candidate but a few on zero votes, one eliminated per round)
/// peaks around 150 MB with its explained result, and its tie-breaks take some 10^8 comparisons;
/// ten times more candidates would be a hundred times the memory, which no browser tab has.
/// Real ballots list a few dozen options at most.
pub const MAX_CANDIDATES: usize = 1000;

/// Names the transfer report uses for its own targets; a candidate cannot be called that.
const RESERVED_NAMES: [&str; 3] = ["exhausted", "residual surplus", "uncounted"];

/// A group of identical ballots: `ranking[i]` holds the marks at rank `i + 1` (empty = skipped;
/// several = overvote).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ballot {
    pub ranking: Vec<Vec<String>>,
    #[serde(default = "one")]
    pub count: u64,
}

fn one() -> u64 {
    1
}

/// An election to count. Build it, add ballots, then call [`Election::tabulate`].
///
/// ```
/// use plaza_tally::{Election, Rules};
/// let mut election = Election::new(vec!["parc".into(), "rue".into()], Rules::irv());
/// election.add_ranked(["rue", "parc"], 3).unwrap();
/// election.add_ranked(["parc"], 2).unwrap();
/// assert_eq!(election.tabulate().unwrap().winners, ["rue"]);
/// ```
#[derive(Debug, Clone)]
pub struct Election {
    candidates: Vec<String>,
    excluded: Vec<String>,
    undeclared_write_in: Option<String>,
    overvote_label: Option<String>,
    rules: Rules,
    ballots: BallotSet,
}

impl Election {
    /// `candidates` in their declared order (it breaks ties under `use_candidate_order`).
    pub fn new(candidates: Vec<String>, rules: Rules) -> Election {
        Election {
            candidates,
            excluded: Vec::new(),
            undeclared_write_in: None,
            overvote_label: None,
            rules,
            ballots: BallotSet::new(),
        }
    }

    /// Candidates that take no part in the count (marks for them are skipped).
    pub fn with_excluded(mut self, excluded: Vec<String>) -> Election {
        self.excluded = excluded;
        self
    }

    /// Enables the undeclared write-in pseudo-candidate under this name (RCTab uses
    /// `"Undeclared Write-ins"`).
    pub fn with_undeclared_write_in(mut self, name: impl Into<String>) -> Election {
        self.undeclared_write_in = Some(name.into());
        self
    }

    /// A mark that stands for an overvote with unknown candidates (the corpus uses `"#OVERVOTE"`).
    pub fn with_overvote_label(mut self, label: impl Into<String>) -> Election {
        self.overvote_label = Some(label.into());
        self
    }

    pub(crate) fn with_ballot_set(mut self, ballots: BallotSet) -> Election {
        self.ballots = ballots;
        self
    }

    /// Adds `count` identical ballots; each element of `ranking` is the set of marks at one rank.
    /// Names are checked against the candidates when counting.
    pub fn add_ballot<R, K, S>(&mut self, ranking: R, count: u64) -> Result<(), TallyError>
    where
        R: IntoIterator<Item = K>,
        K: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.ballots.add(ranking, count)
    }

    /// Adds `count` ballots that rank one option per rank, most preferred first.
    pub fn add_ranked<I, S>(&mut self, options: I, count: u64) -> Result<(), TallyError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.ballots
            .add(options.into_iter().map(std::iter::once), count)
    }

    pub fn add_ballots(
        &mut self,
        ballots: impl IntoIterator<Item = Ballot>,
    ) -> Result<(), TallyError> {
        for ballot in ballots {
            self.ballots.add(&ballot.ranking, ballot.count)?;
        }
        Ok(())
    }

    pub fn candidates(&self) -> &[String] {
        &self.candidates
    }

    pub fn rules(&self) -> &Rules {
        &self.rules
    }

    /// Total number of ballots added.
    pub fn ballot_count(&self) -> u64 {
        self.ballots.total()
    }

    /// Number of distinct rankings among the ballots.
    pub fn distinct_rankings(&self) -> usize {
        self.ballots.distinct()
    }

    /// Counts the election.
    pub fn tabulate(&self) -> Result<Tabulation, TallyError> {
        tabulator::tabulate(&self.prepare()?)
    }

    /// Validates everything and turns names into indices.
    pub(crate) fn prepare(&self) -> Result<Contest, TallyError> {
        self.rules.validate()?;
        if self.candidates.is_empty() {
            return Err(TallyError::NoCandidates);
        }
        if self.candidates.len() > MAX_CANDIDATES {
            return Err(TallyError::TooManyCandidates {
                count: self.candidates.len(),
                max: MAX_CANDIDATES,
            });
        }
        let mut marks: HashMap<&str, u32> = HashMap::new();
        // With at most MAX_CANDIDATES (+ the write-in), ids stay far below OVERVOTE and RANK_END.
        for (id, name) in (0u32..).zip(&self.candidates) {
            check_name(name)?;
            if marks.insert(name, id).is_some() {
                return Err(TallyError::DuplicateCandidate { name: name.clone() });
            }
        }
        let mut names = self.candidates.clone();
        let num_declared = names.len();
        let uwi = match &self.undeclared_write_in {
            Some(label) => {
                check_name(label)?;
                if marks.contains_key(label.as_str()) {
                    return Err(TallyError::DuplicateCandidate {
                        name: label.clone(),
                    });
                }
                // At most MAX_CANDIDATES, so the id fits.
                marks.insert(label, num_declared as u32);
                names.push(label.clone());
                Some(num_declared)
            }
            None => None,
        };
        if let Some(label) = &self.overvote_label {
            if marks.contains_key(label.as_str()) {
                return Err(TallyError::InvalidCandidateName {
                    name: label.clone(),
                    reason: "it is also the overvote label".to_owned(),
                });
            }
            marks.insert(label, OVERVOTE);
        }
        let mut excluded = vec![false; names.len()];
        for name in &self.excluded {
            // Only declared candidates (not the write-in or the overvote label) can be excluded.
            match marks.get(name.as_str()) {
                Some(&id) if (id as usize) < num_declared => excluded[id as usize] = true,
                _ => return Err(TallyError::UnknownExcludedCandidate { name: name.clone() }),
            }
        }
        if excluded[..num_declared].iter().all(|&e| e) {
            return Err(TallyError::AllCandidatesExcluded);
        }
        let local = self.ballots.names();
        // Report the same unknown name whatever the ballot order: the smallest one.
        if let Some(unknown) = local
            .iter()
            .filter(|n| !marks.contains_key(n.as_str()))
            .min()
        {
            return Err(TallyError::UnknownCandidate {
                name: unknown.clone(),
            });
        }
        let resolve = |id: u32| -> u32 {
            if id == ballots::RANK_END {
                id
            } else {
                local
                    .get(id as usize)
                    .and_then(|n| marks.get(n.as_str()).copied())
                    .unwrap_or(OVERVOTE)
            }
        };
        let mut encoded: Vec<(Vec<u32>, u64)> = self
            .ballots
            .groups()
            .map(|(key, count)| (key.iter().map(|&id| resolve(id)).collect(), count))
            .collect();
        // In candidate terms, so the order (and the first error reported) does not depend on
        // the order the ballots came in.
        encoded.sort_unstable();
        let mut groups = Vec::with_capacity(encoded.len());
        for (key, count) in &encoded {
            groups.push(self.prepare_group(key, *count)?);
        }
        Ok(Contest::new(
            names,
            num_declared,
            uwi,
            excluded,
            self.rules.clone(),
            groups,
        ))
    }

    fn prepare_group(&self, key: &[u32], count: u64) -> Result<Group, TallyError> {
        let positions = ballots::rank_positions(key);
        if u32::try_from(positions).is_err() {
            return Err(TallyError::MalformedInput {
                message: format!("a ballot has {positions} ranks, more than can be numbered"),
            });
        }
        if let MaxRankings::Limit(max) = self.rules.max_rankings_allowed {
            if positions > max as usize {
                return Err(TallyError::RankingExceedsMaxRankings {
                    ranks: positions,
                    max,
                });
            }
        }
        let mut ranks = Vec::new();
        for (number, marks) in ballots::decode(key) {
            if marks.contains(&OVERVOTE) {
                let label = self.overvote_label.clone().unwrap_or_default();
                if marks.len() > 1 {
                    return Err(TallyError::OvervoteLabelWithOtherMarks {
                        label,
                        rank: number as usize,
                    });
                }
                if self.rules.overvote_rule == OvervoteRule::ExhaustIfMultipleContinuing {
                    return Err(TallyError::OvervoteLabelWithExhaustIfMultiple { label });
                }
            }
            ranks.push(Rank { number, marks });
        }
        Ok(Group { ranks, count })
    }
}

fn check_name(name: &str) -> Result<(), TallyError> {
    let reason = if name.trim().is_empty() {
        "it is blank"
    } else if RESERVED_NAMES.contains(&name) {
        "it is reserved for transfer reports"
    } else {
        return Ok(());
    };
    Err(TallyError::InvalidCandidateName {
        name: name.to_owned(),
        reason: reason.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbered(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("option {i}")).collect()
    }

    #[test]
    fn more_candidates_than_the_limit_is_an_error() {
        let mut election = Election::new(numbered(MAX_CANDIDATES + 1), Rules::irv());
        election.add_ranked(["option 7"], 3).unwrap();
        assert_eq!(
            election.tabulate().unwrap_err(),
            TallyError::TooManyCandidates {
                count: MAX_CANDIDATES + 1,
                max: MAX_CANDIDATES
            }
        );
    }

    #[test]
    fn the_limit_itself_is_counted() {
        let mut rules = Rules::irv();
        rules.batch_elimination = true;
        let mut election = Election::new(numbered(MAX_CANDIDATES), rules);
        election.add_ranked(["option 7", "option 8"], 3).unwrap();
        election.add_ranked(["option 8"], 2).unwrap();
        assert_eq!(election.tabulate().unwrap().winners, ["option 7"]);
    }
}
