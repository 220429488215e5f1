//! The result in exactly the shape of the corpus's `expected` (RCTab's JSON report, simplified).

use std::collections::HashMap;

use serde::ser::{SerializeMap, SerializeSeq, Serializer};
use serde::Serialize;

use crate::result::{Pass, Round, Summary, Tabulation, Transfer, TransferTarget};

/// Serializes a [`Tabulation`] as the corpus's `expected` object: `winners`, then `rounds` and
/// `summary` (or `passes` for multi-pass IRV). Numbers are decimal strings as RCTab prints them.
pub struct CorpusReport<'a>(pub &'a Tabulation);

impl Serialize for CorpusReport<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let tabulation = self.0;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("winners", &tabulation.winners)?;
        if tabulation.multi_pass {
            let passes: Vec<PassReport<'_>> = tabulation.passes.iter().map(PassReport).collect();
            map.serialize_entry("passes", &passes)?;
        } else if let Some(pass) = tabulation.passes.first() {
            map.serialize_entry("rounds", &Rounds(&pass.rounds))?;
            map.serialize_entry("summary", &SummaryReport(&pass.summary))?;
        }
        map.end()
    }
}

struct PassReport<'a>(&'a Pass);

impl Serialize for PassReport<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let pass = self.0;
        let mut map = serializer.serialize_map(Some(4))?;
        map.serialize_entry("pass", &pass.pass)?;
        map.serialize_entry("winners", &pass.winners)?;
        map.serialize_entry("rounds", &Rounds(&pass.rounds))?;
        map.serialize_entry("summary", &SummaryReport(&pass.summary))?;
        map.end()
    }
}

struct Rounds<'a>(&'a [Round]);

impl Serialize for Rounds<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
        for round in self.0 {
            seq.serialize_element(&RoundReport(round))?;
        }
        seq.end()
    }
}

struct RoundReport<'a>(&'a Round);

impl Serialize for RoundReport<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let round = self.0;
        let mut map = serializer.serialize_map(Some(7))?;
        map.serialize_entry("round", &round.round)?;
        map.serialize_entry("tally", &Tally(round))?;
        map.serialize_entry("threshold", &round.threshold)?;
        map.serialize_entry("inactive", &InactiveReport(round))?;
        map.serialize_entry("elected", &round.elected)?;
        map.serialize_entry("eliminated", &round.eliminated)?;
        map.serialize_entry("transfers", &Transfers(round))?;
        map.end()
    }
}

struct Tally<'a>(&'a Round);

impl Serialize for Tally<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.tally.len()))?;
        for entry in &self.0.tally {
            map.serialize_entry(&entry.candidate, &entry.votes)?;
        }
        map.end()
    }
}

struct InactiveReport<'a>(&'a Round);

impl Serialize for InactiveReport<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let inactive = &self.0.inactive;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("exhaustedChoices", &inactive.exhausted_choices)?;
        if let Some(surplus) = &inactive.final_round_surplus {
            map.serialize_entry("finalRoundSurplus", surplus)?;
        }
        map.serialize_entry("overvotes", &inactive.overvotes)?;
        map.serialize_entry("repeatedRankings", &inactive.repeated_rankings)?;
        map.serialize_entry("skippedRankings", &inactive.skipped_rankings)?;
        map.end()
    }
}

/// `{source: {target: votes}}`, sources in the order of the round's decisions.
struct Transfers<'a>(&'a Round);

impl Serialize for Transfers<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // One pass, grouping by source in order of first appearance: a cutoff or batch round
        // can have hundreds of sources, each with hundreds of targets.
        let mut sources: Vec<(&str, Vec<&Transfer>)> = Vec::new();
        let mut position: HashMap<&str, usize> = HashMap::new();
        for transfer in &self.0.transfers {
            let at = *position.entry(&transfer.from).or_insert_with(|| {
                sources.push((&transfer.from, Vec::new()));
                sources.len() - 1
            });
            sources[at].1.push(transfer);
        }
        let mut map = serializer.serialize_map(Some(sources.len()))?;
        for (source, transfers) in &sources {
            map.serialize_entry(source, &Targets(transfers))?;
        }
        map.end()
    }
}

/// `{target: votes}` for one source.
struct Targets<'a>(&'a [&'a Transfer]);

impl Serialize for Targets<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for transfer in self.0 {
            let target = match &transfer.to {
                TransferTarget::Candidate { candidate } => candidate.as_str(),
                TransferTarget::Exhausted => "exhausted",
                TransferTarget::ResidualSurplus => "residual surplus",
            };
            map.serialize_entry(target, &transfer.votes)?;
        }
        map.end()
    }
}

struct SummaryReport<'a>(&'a Summary);

impl Serialize for SummaryReport<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let summary = self.0;
        let mut map = serializer.serialize_map(Some(5))?;
        map.serialize_entry("totalNumBallots", &summary.total_ballots)?;
        // RCTab prints undervotes as an integer (`toBigInteger`), the rest as decimal strings.
        let undervotes = u64::try_from(summary.undervotes.trunc_to_integer()).unwrap_or(u64::MAX);
        map.serialize_entry("undervotes", &undervotes)?;
        map.serialize_entry("numCandidates", &summary.num_candidates)?;
        map.serialize_entry("numWinners", &summary.num_winners)?;
        map.serialize_entry("finalThreshold", &summary.final_threshold)?;
        map.end()
    }
}
