//! What the results view says about each round of a count, taken from the
//! structured rounds the backend sends (the counting engine's account):
//! who was elected or eliminated, with how many votes, and where their
//! ballots went next. The view turns each event into a sentence of the
//! interface language, the table and the chart read the same rounds.

use plaza_contract::{Decimal, PollResults, Recount, ResultRound};

/// Where transferred votes may go besides another option.
pub const EXHAUSTED: &str = "exhausted";
pub const RESIDUAL_SURPLUS: &str = "residual_surplus";

/// One thing that happened in a round.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// `option` was elected with `votes`; `reached`: at or past
    /// `threshold` (else elected because as many options were left as
    /// seats, as in a last round of STV or after a tie-break of the final two).
    Elected {
        option: String,
        votes: Decimal,
        threshold: Decimal,
        reached: bool,
    },
    /// `option` was eliminated with `votes`; `fewest`: no other option
    /// still in the count had as few (not a batch or tie-break elimination).
    Eliminated {
        option: String,
        votes: Decimal,
        fewest: bool,
    },
    /// The ballots of `from` (elected: its surplus; eliminated: all) moved
    /// for the next round: to options, and out of the count.
    Moved {
        from: String,
        to: Vec<(String, Decimal)>,
        exhausted: Option<Decimal>,
        residual: Option<Decimal>,
    },
}

/// The events of one round, in the order they are told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoundAccount {
    pub round: u32,
    pub events: Vec<Event>,
}

/// Fraction digits [`fixed`] keeps: the most a count's rules allow.
const FRACTION_DIGITS: usize = 20;

/// `d` as an integer number of 10⁻²⁰ votes, exact, to compare counts
/// (saturating: no count comes near). Integers only: no float code in the
/// download.
pub fn fixed(d: &Decimal) -> u128 {
    let (whole, fraction) = d.as_str().split_once('.').unwrap_or((d.as_str(), ""));
    let digits = whole.bytes().chain(
        fraction
            .bytes()
            .chain(std::iter::repeat(b'0'))
            .take(FRACTION_DIGITS),
    );
    digits.fold(0u128, |n, b| {
        n.saturating_mul(10)
            .saturating_add(u128::from(b.wrapping_sub(b'0').min(9)))
    })
}

/// The whole votes of `d`, rounded down: a poll's number of ballots.
pub fn whole(d: &Decimal) -> u64 {
    u64::try_from(fixed(d) / 10u128.pow(FRACTION_DIGITS as u32)).unwrap_or(u64::MAX)
}

/// `part` of `whole` on a scale of `width` (rounded down; 0 when `whole` is 0).
pub fn share(part: u128, whole: u128, width: u32) -> u32 {
    if whole == 0 {
        return 0;
    }
    let scaled = part.min(whole) / (whole / u128::from(width)).max(1);
    u32::try_from(scaled.min(u128::from(width))).unwrap_or(width)
}

/// Whether `d` is zero (a transfer of nothing is not told).
fn is_zero(d: &Decimal) -> bool {
    fixed(d) == 0
}

/// The account of every round of `results`.
pub fn account(results: &PollResults) -> Vec<RoundAccount> {
    let mut elected_before: Vec<&str> = Vec::new();
    results
        .rounds
        .iter()
        .map(|round| {
            let events = round_events(round, &elected_before);
            elected_before.extend(round.elected.iter().map(String::as_str));
            RoundAccount {
                round: round.round,
                events,
            }
        })
        .collect()
}

fn round_events(round: &ResultRound, elected_before: &[&str]) -> Vec<Event> {
    // An option without votes in the round is not told (results are
    // checked against the poll before they are shown: it does not happen).
    let votes = |id: &str| round.tally.get(id).cloned();
    let mut events = Vec::new();
    for id in &round.elected {
        let Some(votes) = votes(id) else { continue };
        events.push(Event::Elected {
            option: id.clone(),
            reached: fixed(&votes) >= fixed(&round.threshold),
            votes,
            threshold: round.threshold.clone(),
        });
        events.extend(moved(round, id));
    }
    let continuing: Vec<u128> = round
        .tally
        .iter()
        .filter(|(id, _)| !elected_before.contains(&id.as_str()) && !round.elected.contains(id))
        .map(|(_, v)| fixed(v))
        .collect();
    let single = round.eliminated.len() == 1;
    for id in &round.eliminated {
        let Some(votes) = votes(id) else { continue };
        let v = fixed(&votes);
        let fewest = single && continuing.iter().filter(|&&c| c <= v).count() == 1;
        events.push(Event::Eliminated {
            option: id.clone(),
            votes,
            fewest,
        });
        events.extend(moved(round, id));
    }
    events
}

fn moved(round: &ResultRound, from: &str) -> Option<Event> {
    let transfers = round.transfers.get(from)?;
    let mut to = Vec::new();
    let (mut exhausted, mut residual) = (None, None);
    for (target, v) in transfers {
        if is_zero(v) {
            continue;
        }
        match target.as_str() {
            EXHAUSTED => exhausted = Some(v.clone()),
            RESIDUAL_SURPLUS => residual = Some(v.clone()),
            _ => to.push((target.clone(), v.clone())),
        }
    }
    // Most votes first, as a resident reads "201 to A, 80 to B".
    to.sort_by_key(|(_, v)| std::cmp::Reverse(fixed(v)));
    if to.is_empty() && exhausted.is_none() && residual.is_none() {
        return None;
    }
    Some(Event::Moved {
        from: from.to_owned(),
        to,
        exhausted,
        residual,
    })
}

/// How an option fared in a round, for the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// Still in the count.
    Continuing,
    /// Elected in this round.
    Elected,
    /// Eliminated in this round.
    Eliminated,
    /// Out of the count before this round (no votes shown).
    Out,
    /// Elected in an earlier round (STV keeps its votes at the threshold).
    ElectedBefore,
}

/// The standing of `option` in each round of `results`.
pub fn standings(results: &PollResults, option: &str) -> Vec<Standing> {
    let mut elected = false;
    let mut out = false;
    results
        .rounds
        .iter()
        .map(|r| {
            let standing = if out {
                Standing::Out
            } else if elected {
                Standing::ElectedBefore
            } else if r.elected.iter().any(|e| e == option) {
                elected = true;
                Standing::Elected
            } else if r.eliminated.iter().any(|e| e == option) {
                out = true;
                Standing::Eliminated
            } else if r.tally.contains_key(option) {
                Standing::Continuing
            } else {
                Standing::Out
            };
            if standing == Standing::Out {
                out = true;
            }
            standing
        })
        .collect()
}

/// What a re-count in the browser says about the published results.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// Each round of either count (by number) and whether both agree on it
    /// entirely: every option's votes, the threshold, the inactive
    /// ballots, who was elected or eliminated, and every transfer.
    pub rounds: Vec<(u32, bool)>,
    pub winners_agree: bool,
    pub totals_agree: bool,
    /// The ballots were published for the poll as residents were shown it.
    pub as_announced: bool,
}

impl Check {
    pub fn agrees(&self) -> bool {
        self.winners_agree
            && self.totals_agree
            && self.as_announced
            && self.rounds.iter().all(|(_, same)| *same)
    }
}

/// Compares, round by round, the backend's results with a re-count.
pub fn check(published: &PollResults, recount: &Recount) -> Check {
    let n = published.rounds.len().max(recount.rounds.len());
    let rounds = (0..n)
        .map(|i| {
            let (a, b) = (published.rounds.get(i), recount.rounds.get(i));
            let number = a.or(b).map_or(i as u32 + 1, |r| r.round);
            (number, a.is_some() && a == b)
        })
        .collect();
    Check {
        rounds,
        winners_agree: published.winners == recount.winners,
        totals_agree: fixed(&published.total_ballots) == fixed(&recount.total_ballots),
        as_announced: recount.not_as_announced.is_empty(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn results() -> PollResults {
        serde_json::from_value(serde_json::json!({
            "poll_id": "p", "final": true, "counted_at": "2026-02-01T00:00:00Z",
            "total_ballots": "1000", "winners": ["a"],
            "rounds": [
                {"round": 1, "tally": {"a": "400", "b": "288", "c": "312"}, "threshold": "501",
                 "inactive": {"exhausted_choices": "0", "overvotes": "0", "skipped_rankings": "0", "repeated_rankings": "0"},
                 "elected": [], "eliminated": ["b"],
                 "transfers": {"b": {"a": "201", "c": "56", "exhausted": "31"}}},
                {"round": 2, "tally": {"a": "601", "c": "368"}, "threshold": "485",
                 "inactive": {"exhausted_choices": "31", "overvotes": "0", "skipped_rankings": "0", "repeated_rankings": "0"},
                 "elected": ["a"], "eliminated": [], "transfers": {}}
            ]
        }))
        .expect("results")
    }

    fn d(s: &str) -> Decimal {
        Decimal::try_from(s).expect("decimal")
    }

    #[test]
    fn each_round_tells_who_went_out_and_where_their_ballots_moved() {
        let account = account(&results());
        assert_eq!(
            account[0].events,
            vec![
                Event::Eliminated {
                    option: "b".into(),
                    votes: d("288"),
                    fewest: true
                },
                Event::Moved {
                    from: "b".into(),
                    to: vec![("a".into(), d("201")), ("c".into(), d("56"))],
                    exhausted: Some(d("31")),
                    residual: None,
                },
            ]
        );
        assert_eq!(
            account[1].events,
            vec![Event::Elected {
                option: "a".into(),
                votes: d("601"),
                threshold: d("485"),
                reached: true,
            }]
        );
    }

    #[test]
    fn an_option_elected_below_the_threshold_is_not_said_to_reach_it() {
        let mut r = results();
        r.rounds[1].threshold = d("601.0001");
        assert!(matches!(
            account(&r)[1].events[..],
            [Event::Elected { reached: false, .. }]
        ));
        r.rounds[1].threshold = d("601.0000");
        assert!(matches!(
            account(&r)[1].events[..],
            [Event::Elected { reached: true, .. }]
        ));
    }

    #[test]
    fn counts_compare_exactly_and_scale_without_floats() {
        assert_eq!(fixed(&d("312")), 312 * 10u128.pow(20));
        assert!(fixed(&d("7.25")) > fixed(&d("7.2499999999")));
        assert_eq!(fixed(&d("0.0000")), 0);
        assert_eq!(whole(&d("1041313")), 1_041_313);
        assert_eq!(whole(&d("7.9999")), 7);
        assert_eq!(whole(&d("0.5")), 0);
        assert_eq!(share(fixed(&d("50")), fixed(&d("200")), 1000), 250);
        assert_eq!(share(fixed(&d("300")), fixed(&d("200")), 1000), 1000);
        assert_eq!(share(5, 0, 1000), 0);
    }

    #[test]
    fn standings_follow_each_option_through_the_rounds() {
        let r = results();
        assert_eq!(
            standings(&r, "a"),
            [Standing::Continuing, Standing::Elected]
        );
        assert_eq!(standings(&r, "b"), [Standing::Eliminated, Standing::Out]);
        assert_eq!(
            standings(&r, "c"),
            [Standing::Continuing, Standing::Continuing]
        );
    }

    #[test]
    fn a_recount_agrees_only_when_every_round_does() {
        let published = results();
        let same = Recount {
            total_ballots: d("1000"),
            winners: vec!["a".into()],
            rounds: published.rounds.clone(),
            not_as_announced: Vec::new(),
        };
        let agreed = check(&published, &same);
        assert!(agreed.agrees());
        assert_eq!(agreed.rounds, [(1, true), (2, true)]);

        let mut moved = same.clone();
        moved.rounds[0]
            .transfers
            .get_mut("b")
            .map(|t| t.insert("a".into(), d("200")));
        assert_eq!(check(&published, &moved).rounds, [(1, false), (2, true)]);
        let mut shorter = same.clone();
        shorter.rounds.pop();
        assert_eq!(check(&published, &shorter).rounds, [(1, true), (2, false)]);
        assert!(!check(
            &published,
            &Recount {
                winners: vec!["c".into()],
                ..same.clone()
            }
        )
        .agrees());
        // The same rounds, from ballots published with other rules.
        let other_rules = Recount {
            not_as_announced: vec!["counting rules: not the poll's".into()],
            ..same
        };
        assert!(!check(&published, &other_rules).agrees());
    }

    #[test]
    fn a_batch_elimination_does_not_claim_the_fewest_votes() {
        let mut r = results();
        r.rounds[0].eliminated = vec!["b".into(), "c".into()];
        let events = &account(&r)[0].events;
        assert!(events
            .iter()
            .all(|e| !matches!(e, Event::Eliminated { fewest: true, .. })));
    }
}
