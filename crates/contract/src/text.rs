//! Translatable text (language maps) and language negotiation.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Text a backend provides in several languages, keyed by BCP 47 language tag:
/// `{"en": "Park design", "fr": "Aménagement du parc"}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(transparent)]
pub struct LocalizedText(
    #[cfg_attr(feature = "schema", schemars(with = "BTreeMap<String, String>"))]
    BTreeMap<String, String>,
);

/// One variant of a [`LocalizedText`], with the language it is written in, so
/// that a view can mark text in another language than the page (`lang="…"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Picked<'a> {
    pub lang: &'a str,
    pub text: &'a str,
}

impl LocalizedText {
    pub fn new<K: Into<String>, V: Into<String>>(
        entries: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        Self(
            entries
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        )
    }

    pub fn is_empty(&self) -> bool {
        self.0.values().all(|v| v.trim().is_empty())
    }

    pub fn languages(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }

    pub fn get(&self, lang: &str) -> Option<&str> {
        self.0.get(lang).map(String::as_str)
    }

    /// The best variant for a reader's preferred languages (most preferred
    /// first), following [`negotiate`]. `None` only when the map is empty.
    pub fn pick<'a>(&'a self, preferred: &[String]) -> Option<Picked<'a>> {
        let lang = negotiate(
            self.0
                .iter()
                .filter(|(_, text)| !text.trim().is_empty())
                .map(|(lang, _)| lang.as_str()),
            preferred,
        )?;
        let text = self.0.get(lang)?;
        Some(Picked { lang, text })
    }
}

/// Picks one of `available` for a reader who prefers `preferred` (most
/// preferred first). For each preference in turn: an exact match (ignoring
/// case), then a match on the primary language (`fr-CA` reads `fr`, `fr`
/// reads `fr-BE`). Failing all preferences: English, then the first available
/// tag in alphabetical order, so the result never depends on map order.
pub fn negotiate<'a>(
    available: impl Iterator<Item = &'a str> + Clone,
    preferred: &[String],
) -> Option<&'a str> {
    for want in preferred {
        if let Some(exact) = available.clone().find(|a| a.eq_ignore_ascii_case(want)) {
            return Some(exact);
        }
        let want_primary = primary(want);
        if let Some(close) = available
            .clone()
            .find(|a| primary(a).eq_ignore_ascii_case(want_primary))
        {
            return Some(close);
        }
    }
    available
        .clone()
        .find(|a| primary(a).eq_ignore_ascii_case("en"))
        .or_else(|| available.min())
}

/// The reader's own form of the language `tag` for dates and numbers, from
/// their preferences (most preferred first): "es-MX" for a reader whose
/// Spanish is Mexico's, where 12,040 votes are written "12,040" and not
/// "12.040". It is the preference that chose the language (the first with
/// its primary subtag, as in [`negotiate`]) when it is a plain tag of a
/// language, a script and a region, which every browser's `Intl` takes (a
/// malformed one would make it throw); `tag` otherwise. The widget and the
/// staff console both write dates this way.
pub fn regional(tag: &str, preferred: &[String]) -> String {
    let alpha = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_alphabetic());
    let plain = |want: &str| {
        let mut parts = want.split('-').peekable();
        let language = parts.next().is_some_and(|l| l.eq_ignore_ascii_case(tag));
        let _script = parts.next_if(|s| alpha(s, 4));
        let _region = parts
            .next_if(|r| alpha(r, 2) || (r.len() == 3 && r.bytes().all(|b| b.is_ascii_digit())));
        language && parts.next().is_none()
    };
    preferred
        .iter()
        .find(|p| primary(p).eq_ignore_ascii_case(tag))
        .filter(|p| plain(p))
        .map_or_else(|| tag.to_owned(), String::clone)
}

/// The primary language subtag: `fr` of `fr-CA`.
pub fn primary(tag: &str) -> &str {
    tag.split(['-', '_']).next().unwrap_or(tag)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prefs(p: &[&str]) -> Vec<String> {
        p.iter().map(|s| s.to_string()).collect()
    }

    fn text() -> LocalizedText {
        LocalizedText::new([("en", "Park"), ("fr", "Parc"), ("de-CH", "Park (CH)")])
    }

    #[test]
    fn exact_match_wins() {
        assert_eq!(text().pick(&prefs(&["fr"])).map(|p| p.text), Some("Parc"));
    }

    #[test]
    fn regional_preference_reads_the_primary_language() {
        let t = text();
        let picked = t.pick(&prefs(&["fr-CA", "en"])).unwrap();
        assert_eq!((picked.lang, picked.text), ("fr", "Parc"));
    }

    #[test]
    fn primary_preference_reads_a_regional_variant() {
        assert_eq!(text().pick(&prefs(&["de"])).map(|p| p.lang), Some("de-CH"));
    }

    #[test]
    fn preferences_are_tried_in_order() {
        assert_eq!(
            text().pick(&prefs(&["it", "fr", "en"])).map(|p| p.lang),
            Some("fr")
        );
    }

    #[test]
    fn falls_back_to_english_then_alphabetical() {
        assert_eq!(text().pick(&prefs(&["ar"])).map(|p| p.lang), Some("en"));
        let no_english = LocalizedText::new([("nl", "Park"), ("fr", "Parc")]);
        assert_eq!(no_english.pick(&prefs(&["ar"])).map(|p| p.lang), Some("fr"));
    }

    #[test]
    fn blank_variants_are_not_picked() {
        let t = LocalizedText::new([("en", "Park"), ("fr", "  ")]);
        assert_eq!(t.pick(&prefs(&["fr"])).map(|p| p.lang), Some("en"));
        assert!(LocalizedText::default().pick(&prefs(&["en"])).is_none());
    }

    #[test]
    fn matching_ignores_case() {
        assert_eq!(
            text().pick(&prefs(&["DE-ch"])).map(|p| p.lang),
            Some("de-CH")
        );
    }

    #[test]
    fn dates_and_numbers_follow_the_readers_region_of_the_language() {
        let regional = |p: &[&str]| regional("es", &prefs(p));
        assert_eq!(regional(&["es-MX", "en"]), "es-MX");
        assert_eq!(regional(&["en-US", "es-mx"]), "es-mx");
        assert_eq!(regional(&["es-419"]), "es-419");
        assert_eq!(regional(&["es-Latn-AR"]), "es-Latn-AR");
        assert_eq!(regional(&["es-Latn"]), "es-Latn");
        assert_eq!(regional(&["es"]), "es");
        // The preference that chose Spanish decides, even when malformed:
        // the widget's plaza.js warms up the same formatters.
        assert_eq!(regional(&["es-MX-x-private", "es-AR"]), "es");
        assert_eq!(regional(&["es_MX"]), "es");
        assert_eq!(regional(&["es-M!"]), "es");
        assert_eq!(regional(&["es-ABCDE"]), "es");
        assert_eq!(regional(&["fr-CA"]), "es", "none in this language");
        assert_eq!(regional(&[]), "es");
    }
}
