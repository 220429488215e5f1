//! Every language file, checked against English: every message there, no
//! message English does not have, the same placeholders, and the plural
//! forms its language uses (CLDR), declared in its header.

use std::collections::BTreeSet;
use std::path::PathBuf;

use serde_json::Value;

use super::load::parse;
use super::*;

fn files() -> Vec<(String, Value)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src/i18n/languages");
    let mut files: Vec<(String, Value)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{p:?}: {e}"));
            let value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{p:?}: {e}"));
            (p.display().to_string(), value)
        })
        .collect();
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files
}

/// Each `{name}` of `text`, braces included.
fn placeholders(text: &str) -> BTreeSet<String> {
    plaza_ui::text::placeholders(text)
        .into_iter()
        .map(|name| format!("{{{name}}}"))
        .collect()
}

#[test]
fn every_language_has_every_message() {
    for (path, doc) in files() {
        let text = serde_json::to_string(&doc).unwrap_or_default();
        if let Err(e) = parse(&text) {
            panic!("{path}: {e}");
        }
    }
}

/// The English built into the download (written by build.rs) is what the
/// language file reads as, plural forms in their categories included.
#[test]
fn built_in_english_is_the_english_file() {
    let read = parse(ENGLISH_JSON).unwrap_or_else(|e| panic!("en.json: {e}"));
    assert_eq!(english(), &read);
}

/// A file that lacks a message, has one that is not text, or a plural
/// without "other" is refused, naming the message; one that is not JSON too.
#[test]
fn a_language_file_without_a_message_is_refused_naming_it() {
    use super::load::LoadError;
    let english: Value = serde_json::from_str(ENGLISH_JSON).unwrap_or_default();
    let strings = english["strings"].as_object().cloned().unwrap_or_default();
    let plain = strings
        .iter()
        .find(|(_, v)| v.is_string())
        .map(|(k, _)| k.clone());
    let plural = strings
        .iter()
        .find(|(_, v)| v.is_object())
        .map(|(k, _)| k.clone());
    let (Some(plain), Some(plural)) = (plain, plural) else {
        panic!("English has plain and plural messages");
    };
    let without = |edit: &dyn Fn(&mut Value)| {
        let mut doc = english.clone();
        edit(&mut doc);
        parse(&doc.to_string())
    };
    let missing = |key: &str| Err(LoadError::Missing(key.to_owned()));
    assert_eq!(
        without(&|d| {
            d["strings"].as_object_mut().map(|o| o.remove(&plain));
        })
        .map(|_| ()),
        missing(&plain)
    );
    assert_eq!(
        without(&|d| d["strings"][&plain] = Value::from(3)).map(|_| ()),
        missing(&plain)
    );
    assert_eq!(
        without(&|d| {
            d["strings"][&plural]
                .as_object_mut()
                .map(|o| o.remove("other"));
        })
        .map(|_| ()),
        missing(&plural)
    );
    assert!(matches!(
        without(&|d| d["strings"] = Value::from("x")),
        Err(LoadError::Missing(_))
    ));
    assert!(matches!(parse("{"), Err(LoadError::Unreadable(_))));
    assert!(without(&|_| ()).is_ok());
}

#[test]
fn languages_have_no_message_english_lacks_and_keep_its_placeholders() {
    let english: Value = serde_json::from_str(ENGLISH_JSON).unwrap_or_default();
    let reference = english["strings"].as_object().cloned().unwrap_or_default();
    for (path, doc) in files() {
        let strings = doc["strings"].as_object().cloned().unwrap_or_default();
        for (key, value) in &strings {
            let Some(model) = reference.get(key) else {
                panic!("{path}: {key:?} is not a message of English (a typo?)");
            };
            let wanted = placeholders(model.as_str().or(model["other"].as_str()).unwrap_or(""));
            let forms: Vec<&str> = match value {
                Value::String(s) => vec![s.as_str()],
                Value::Object(forms) => forms.values().filter_map(Value::as_str).collect(),
                _ => panic!("{path}: {key:?} is neither a text nor a plural"),
            };
            assert_eq!(
                model.is_string(),
                value.is_string(),
                "{path}: {key:?} is a text in one language and a plural in another"
            );
            for form in forms {
                let got = placeholders(form);
                // A plural form may leave out {n} ("one reply"), nothing else.
                let mut missing: BTreeSet<_> = wanted.difference(&got).cloned().collect();
                if value.is_object() {
                    missing.remove("{n}");
                }
                assert!(
                    missing.is_empty(),
                    "{path}: {key:?} = {form:?} lacks {missing:?}"
                );
                assert!(
                    got.is_subset(&wanted),
                    "{path}: {key:?} = {form:?} has unknown placeholders"
                );
            }
        }
    }
}

#[test]
fn plurals_have_exactly_the_forms_their_language_uses() {
    for (path, doc) in files() {
        let declared: BTreeSet<&str> = doc["language"]["plurals"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        assert!(
            declared.contains("other"),
            "{path}: language.plurals must list the CLDR categories, with other"
        );
        for (key, value) in doc["strings"].as_object().into_iter().flatten() {
            if let Value::Object(forms) = value {
                let have: BTreeSet<&str> = forms.keys().map(String::as_str).collect();
                assert_eq!(have, declared, "{path}: {key:?} has the forms {have:?}");
            }
        }
    }
}

#[test]
fn the_build_lists_every_language_file() {
    let tags: BTreeSet<String> = files()
        .iter()
        .map(|(_, doc)| doc["language"]["tag"].as_str().unwrap_or("").to_owned())
        .collect();
    let listed: BTreeSet<String> = LANGUAGES.iter().map(|l| l.tag.to_owned()).collect();
    assert_eq!(tags, listed);
    assert!(
        listed.contains("en"),
        "English is the reference and the fallback"
    );
}

fn prefs(p: &[&str]) -> Vec<String> {
    p.iter().map(|s| s.to_string()).collect()
}

#[test]
fn interface_language_follows_preferences_then_english() {
    let has = |tag: &str| LANGUAGES.iter().any(|l| l.tag == tag);
    if has("fr") {
        assert_eq!(Language::negotiate(&prefs(&["fr-CA"])).tag, "fr");
        assert_eq!(Language::negotiate(&prefs(&["xx", "fr"])).tag, "fr");
    }
    assert_eq!(Language::negotiate(&prefs(&["xx-YY"])), Language::ENGLISH);
    assert_eq!(Language::negotiate(&[]), Language::ENGLISH);
    if has("ar") {
        let ar = Language::negotiate(&prefs(&["ar-EG"]));
        assert_eq!((ar.tag, ar.dir()), ("ar", "rtl"));
    }
}

#[test]
fn plural_forms_fall_back_to_other() {
    let p = Plural {
        forms: [None, Some("{n} reply"), None, None, None],
        other: "{n} replies",
    };
    assert_eq!(p.format(PluralCategory::One, "1"), "1 reply");
    assert_eq!(p.format(PluralCategory::Few, "3"), "3 replies");
    assert_eq!(PluralCategory::parse("few"), PluralCategory::Few);
    assert_eq!(PluralCategory::parse("nonsense"), PluralCategory::Other);
}

#[test]
fn placeholders_are_filled() {
    assert_eq!(
        fill("{start} – {end}", &[("start", "1 Nov"), ("end", "15 Dec")]),
        "1 Nov – 15 Dec"
    );
}

#[test]
fn every_moderation_action_and_reason_reads_as_a_sentence_in_every_language() {
    use plaza_contract::{
        ContentStatus, DeclineReason, FlagTarget, ModerationChange, ModerationReason, PollStatus,
        ProposalDecision,
    };
    let mut changes = vec![
        ModerationChange::Import,
        ModerationChange::Edit {
            parts: plaza_contract::EditedPart::ALL.to_vec(),
        },
    ];
    for target_type in [
        FlagTarget::Argument,
        FlagTarget::Comment,
        FlagTarget::Proposal,
    ] {
        for status in [
            ContentStatus::Visible,
            ContentStatus::HiddenPendingReview,
            ContentStatus::Removed,
        ] {
            changes.push(ModerationChange::Content {
                target_type,
                target_id: "a1".into(),
                status,
            });
        }
    }
    changes.extend(PhaseKind::ALL.map(|phase| ModerationChange::Phase { phase }));
    changes.extend(
        [PollStatus::Upcoming, PollStatus::Open, PollStatus::Closed].map(|status| {
            ModerationChange::PollStatus {
                poll_id: "p".into(),
                status,
            }
        }),
    );
    changes.push(ModerationChange::Proposal {
        proposal_id: "p1".into(),
        decision: ProposalDecision::Accepted,
        reason: None,
    });
    changes.extend(DeclineReason::ALL.map(|reason| ModerationChange::Proposal {
        proposal_id: "p1".into(),
        decision: ProposalDecision::Declined,
        reason: Some(reason),
    }));
    let reasons = ModerationReason::ALL;
    for (language, s) in every_language() {
        let mut seen = BTreeSet::new();
        for change in &changes {
            let sentence = s.moderation(change);
            assert!(
                !sentence.is_empty() && !sentence.contains('{'),
                "{}: {change:?}",
                language.tag
            );
            seen.insert(sentence);
        }
        // Every action says something of its own (a phase names itself).
        assert_eq!(seen.len(), changes.len(), "{}", language.tag);
        for reason in reasons {
            let said = s.moderation_reason(reason);
            assert!(
                !said.contains('{') && said.len() > 4,
                "{}: {reason:?}",
                language.tag
            );
        }
    }
}

/// (The rule itself is the contract's, tested there.)
#[test]
fn dates_and_numbers_follow_the_readers_region_of_the_language() {
    let es = Language {
        tag: "es",
        rtl: false,
    };
    assert_eq!(es.regional(&prefs(&["en-US", "es-MX"])), "es-MX");
    assert_eq!(es.regional(&prefs(&["es-M!"])), "es");
}

/// A control whose name is longer than its visible text (the ballot's
/// "Up" is named "Move Park up") has that text in its name as words, so
/// that a resident who speaks what they see reaches it (WCAG 2.5.3).
#[test]
fn a_control_is_named_with_the_words_it_shows() {
    let pairs = [
        ("vote_move_up", "vote_up"),
        ("vote_move_down", "vote_down"),
        ("vote_remove", "vote_remove_short"),
        ("vote_rank_for", "vote_rank"),
    ];
    let words = |text: &str| -> Vec<String> {
        text.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    };
    for (path, doc) in files() {
        for (name, shown) in pairs {
            let message = |key: &str| doc["strings"][key].as_str().unwrap_or_default().to_owned();
            let (name_words, shown_words) = (words(&message(name)), words(&message(shown)));
            assert!(!shown_words.is_empty(), "{path}: {shown} is empty");
            let within = name_words
                .windows(shown_words.len())
                .any(|w| w == shown_words.as_slice());
            assert!(within, "{path}: {name} does not say {shown}'s words");
        }
    }
}
