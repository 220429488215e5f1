//! The ballots of a closed poll as published for re-counting.

use plaza_contract::{BallotExport, BallotGroup, Poll};

use crate::count::DEFAULT_SEED;

/// `GET /v1/polls/{id}/ballots`: the poll's options and rules — with the
/// seed the count actually used, so that anyone can re-count — and its
/// ballots as `{ranking, count}` groups.
pub fn ballot_export(poll: &Poll, ballots: Vec<BallotGroup>) -> BallotExport {
    let mut export = BallotExport::announced(poll);
    export.rules.random_seed = Some(export.rules.random_seed.unwrap_or(DEFAULT_SEED));
    export.ballots = ballots;
    export
}

/// The export as text around its ballot groups, for a backend that writes
/// them one by one as it reads them: `prefix`, the groups (each
/// `serde_json::to_string(&BallotGroup)`) separated by commas, `suffix`.
pub fn export_frame(poll: &Poll) -> Result<(String, String), serde_json::Error> {
    let text = serde_json::to_string(&ballot_export(poll, Vec::new()))?;
    // `ballots` is the export's last field: its text ends with `[]}`.
    let open = text.strip_suffix("[]}").ok_or_else(|| {
        serde_json::Error::io(std::io::Error::other(
            "the export does not end with its ballots",
        ))
    })?;
    Ok((format!("{open}["), "]}".to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use plaza_contract::seed::Seed;

    #[test]
    fn the_streamed_export_is_the_export() {
        let seed: Seed =
            serde_json::from_str(include_str!("../../contract/demo/plaza-demo.json")).unwrap();
        let poll = seed.deliberations[0].poll.clone().unwrap();
        let groups = vec![
            BallotGroup {
                ranking: vec!["seasonal".into()],
                count: 3,
            },
            BallotGroup {
                ranking: vec!["status-quo".into(), "seasonal".into()],
                count: 1,
            },
        ];
        let (prefix, suffix) = export_frame(&poll).unwrap();
        let items: Vec<String> = groups
            .iter()
            .map(|g| serde_json::to_string(g).unwrap())
            .collect();
        let streamed: BallotExport =
            serde_json::from_str(&format!("{prefix}{}{suffix}", items.join(","))).unwrap();
        assert_eq!(streamed, ballot_export(&poll, groups));
    }

    #[test]
    fn the_export_states_the_seed_the_count_used() {
        let seed: Seed =
            serde_json::from_str(include_str!("../../contract/demo/plaza-demo.json")).unwrap();
        let mut poll = seed.deliberations[0].poll.clone().unwrap();
        poll.rules.random_seed = None;
        let groups = vec![BallotGroup {
            ranking: vec!["full-plaza".into()],
            count: 2,
        }];
        let e = ballot_export(&poll, groups.clone());
        assert_eq!(e.rules.random_seed, Some(DEFAULT_SEED));
        assert_eq!((e.poll_id, e.ballots), (poll.id.clone(), groups));
        assert_eq!(e.options.len(), poll.options.len());
        poll.rules.random_seed = Some(9);
        assert_eq!(ballot_export(&poll, Vec::new()).rules.random_seed, Some(9));
    }
}
