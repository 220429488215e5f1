//! What a host element asks for, read from its attributes. Pure: the DOM
//! layer hands in an attribute getter, so every case is tested natively.

/// The two ways a city can embed a deliberation.
pub const SELECTOR: &str = "plaza-deliberation, [data-plaza-deliberation]";
pub const TAG: &str = "plaza-deliberation";
/// Attributes whose change remounts the instance.
pub const WATCHED_ATTRIBUTES: [&str; 9] = [
    "api",
    "deliberation",
    "lang",
    "participant-token",
    "data-plaza-deliberation",
    "data-api",
    "data-lang",
    "data-participant-token",
    "data-deliberation",
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiTarget {
    /// The in-browser store with demonstration data.
    Local,
    /// A backend URL as written in the page (resolved against the page later).
    Http(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstanceConfig {
    pub api: ApiTarget,
    pub deliberation: String,
    /// The language the page asks for, if any.
    pub lang: Option<String>,
    /// A token the host site signed for its logged-in resident.
    pub participant_token: Option<String>,
}

/// Why an element cannot show a deliberation; shown to residents
/// (translated) and to the web team (console).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigError {
    MissingApi,
    MissingDeliberation,
    InvalidApi(String),
}

impl InstanceConfig {
    /// Reads the configuration of a `<plaza-deliberation>` (`is_tag`) or of
    /// an element with `data-plaza-deliberation`. The `lang` is returned
    /// even when the rest is wrong, so errors can be shown in that language.
    pub fn read(
        is_tag: bool,
        attr: impl Fn(&str) -> Option<String>,
    ) -> (Option<String>, Result<Self, ConfigError>) {
        let value = |name: &str| {
            attr(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let (api, deliberation, lang, token) = if is_tag {
            (
                value("api"),
                value("deliberation"),
                value("lang"),
                value("participant-token"),
            )
        } else {
            (
                value("data-api"),
                value("data-plaza-deliberation").or_else(|| value("data-deliberation")),
                value("data-lang"),
                value("data-participant-token"),
            )
        };
        let config = (|| {
            let api = api.ok_or(ConfigError::MissingApi)?;
            let deliberation = deliberation.ok_or(ConfigError::MissingDeliberation)?;
            Ok(InstanceConfig {
                api: classify_api(&api)?,
                deliberation,
                lang: lang.clone(),
                participant_token: token,
            })
        })();
        (lang, config)
    }
}

/// `local`, an absolute `http(s)` URL, or a path on the page's own origin.
fn classify_api(api: &str) -> Result<ApiTarget, ConfigError> {
    let lower = api.to_ascii_lowercase();
    if lower == "local" {
        Ok(ApiTarget::Local)
    } else if (lower.starts_with("https://") || lower.starts_with("http://")) && api.len() > 8
        || api.starts_with('/') && !api.starts_with("//")
        || api.starts_with("./")
        || api.starts_with("../")
    {
        if api.chars().any(|c| c.is_whitespace() || c.is_control()) {
            Err(ConfigError::InvalidApi(api.to_owned()))
        } else {
            Ok(ApiTarget::Http(api.to_owned()))
        }
    } else {
        Err(ConfigError::InvalidApi(api.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(
        is_tag: bool,
        attrs: &[(&str, &str)],
    ) -> (Option<String>, Result<InstanceConfig, ConfigError>) {
        let attrs: Vec<(String, String)> = attrs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        InstanceConfig::read(is_tag, |name| {
            attrs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        })
    }

    #[test]
    fn the_custom_element_form() {
        let (lang, config) = read(
            true,
            &[
                ("api", "https://city.example/plaza/v1"),
                ("deliberation", "parc-nord"),
                ("lang", "fr"),
            ],
        );
        assert_eq!(lang.as_deref(), Some("fr"));
        assert_eq!(
            config,
            Ok(InstanceConfig {
                api: ApiTarget::Http("https://city.example/plaza/v1".into()),
                deliberation: "parc-nord".into(),
                lang: Some("fr".into()),
                participant_token: None,
            })
        );
    }

    #[test]
    fn the_data_attribute_form() -> Result<(), ConfigError> {
        let (_, config) = read(
            false,
            &[
                ("data-plaza-deliberation", "parc-nord"),
                ("data-api", "local"),
                ("data-participant-token", "abc"),
            ],
        );
        let config = config?;
        assert_eq!(config.api, ApiTarget::Local);
        assert_eq!(config.participant_token.as_deref(), Some("abc"));
        assert_eq!(config.lang, None);
        Ok(())
    }

    #[test]
    fn missing_or_blank_attributes_are_reported() {
        assert_eq!(
            read(true, &[("deliberation", "x")]).1,
            Err(ConfigError::MissingApi)
        );
        assert_eq!(
            read(true, &[("api", "local"), ("deliberation", "  ")]).1,
            Err(ConfigError::MissingDeliberation)
        );
        assert_eq!(
            read(
                false,
                &[("data-plaza-deliberation", ""), ("data-api", "local")]
            )
            .1,
            Err(ConfigError::MissingDeliberation)
        );
    }

    #[test]
    fn api_must_be_local_or_http_or_a_path() {
        for ok in ["LOCAL", "http://127.0.0.1:8080/v1", "/plaza/v1", "./v1"] {
            assert!(
                read(true, &[("api", ok), ("deliberation", "d")]).1.is_ok(),
                "{ok}"
            );
        }
        for bad in [
            "javascript:alert(1)",
            "ftp://x/v1",
            "//evil.example/v1",
            "city.example/v1",
            "https://",
            "/a b",
        ] {
            assert_eq!(
                read(true, &[("api", bad), ("deliberation", "d")]).1,
                Err(ConfigError::InvalidApi(bad.into())),
                "{bad}"
            );
        }
    }

    #[test]
    fn the_language_survives_a_broken_configuration() {
        let (lang, config) = read(true, &[("lang", "fr")]);
        assert_eq!(lang.as_deref(), Some("fr"));
        assert!(config.is_err());
    }
}
