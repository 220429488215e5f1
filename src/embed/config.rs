//! What a host element asks for, read from its attributes. Pure: the DOM
//! layer hands in an attribute getter, so every case is tested natively.

use crate::i18n::{fill, Strings};

/// The two ways a city can embed a deliberation.
pub const SELECTOR: &str = "plaza-deliberation, [data-plaza-deliberation]";
pub const TAG: &str = "plaza-deliberation";
/// Attributes whose change remounts the instance.
pub const WATCHED_ATTRIBUTES: [&str; 16] = [
    "api",
    "seed",
    "data-seed",
    "deliberation",
    "lang",
    "participant-token",
    "heading-level",
    "sign-in-url",
    "data-plaza-deliberation",
    "data-api",
    "data-lang",
    "data-participant-token",
    "data-deliberation",
    "data-heading-level",
    "data-sign-in-url",
    // Copied to the wrapper of a host that cannot have a shadow root.
    "data-color-scheme",
];

/// The level of the widget's top heading unless the page says otherwise.
pub const DEFAULT_HEADING_LEVEL: u8 = 2;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiTarget {
    /// The in-browser store, with the demonstration data or, when the page
    /// names one (`seed`), a seed document of its own — a preview: kept in
    /// page memory only, forgotten when the page goes.
    Local { seed: Option<String> },
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
    /// The level of the widget's top heading (1–4), so that its headings
    /// fit the page's outline; the widget's own sections go two deeper.
    pub heading_level: u8,
    /// Where the city's site signs residents in, for a poll only they may
    /// vote in: an http(s) address or a path of the page's site.
    pub sign_in_url: Option<String>,
}

/// Why an element cannot show a deliberation; shown to residents
/// (translated) and to the web team (console, `plaza:error`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigError {
    MissingApi,
    MissingDeliberation,
    InvalidApi(String),
    /// A `seed` (with `api="local"`) that is not an address of data.
    InvalidSeed(String),
}

impl ConfigError {
    /// The stable code of the error, for the `plaza:error` event.
    pub fn code(&self) -> &'static str {
        match self {
            ConfigError::MissingApi => "missing_api",
            ConfigError::MissingDeliberation => "missing_deliberation",
            ConfigError::InvalidApi(_) => "invalid_api",
            ConfigError::InvalidSeed(_) => "invalid_seed",
        }
    }

    /// What a resident (and the site's team) is told, in their language.
    pub fn message(&self, s: &Strings) -> String {
        match self {
            ConfigError::MissingApi => s.error_setup_missing_api.to_owned(),
            ConfigError::MissingDeliberation => s.error_setup_missing_deliberation.to_owned(),
            ConfigError::InvalidApi(api) => fill(s.error_setup_invalid_api, &[("api", api)]),
            ConfigError::InvalidSeed(seed) => fill(s.error_setup_invalid_seed, &[("seed", seed)]),
        }
    }
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
        let attribute = |name: &str| match is_tag {
            true => value(name),
            false => value(&format!("data-{name}")),
        };
        let seed = attribute("seed");
        let (api, lang, token, heading) = (
            attribute("api"),
            attribute("lang"),
            attribute("participant-token"),
            attribute("heading-level"),
        );
        let deliberation = match is_tag {
            true => value("deliberation"),
            false => value("data-plaza-deliberation").or_else(|| value("data-deliberation")),
        };
        // A link the widget offers to residents: never a script address.
        let sign_in_url = attribute("sign-in-url").filter(|u| is_link(u));
        // An unusable level is not worth refusing the widget for: the default.
        let heading_level = heading
            .and_then(|h| h.parse::<u8>().ok())
            .filter(|h| (1..=4).contains(h))
            .unwrap_or(DEFAULT_HEADING_LEVEL);
        let config = (|| {
            let api = api.ok_or(ConfigError::MissingApi)?;
            let deliberation = deliberation.ok_or(ConfigError::MissingDeliberation)?;
            Ok(InstanceConfig {
                api: classify_api(&api, seed)?,
                deliberation,
                lang: lang.clone(),
                participant_token: token,
                heading_level,
                sign_in_url,
            })
        })();
        (lang, config)
    }
}

/// Whether a browser blocks requests to `api` from a page served over
/// `page_protocol` as mixed content (an `http:` address on an `https:`
/// page), unless the page has them upgraded. Not refused at setup for that
/// reason; said to the site's team when such a request fails, as the
/// resident can only be told that the server cannot be reached.
pub fn mixed_content(page_protocol: &str, api: &str) -> bool {
    let Some(rest) = api
        .get(..7)
        .filter(|p| p.eq_ignore_ascii_case("http://"))
        .map(|_| &api[7..])
    else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let name = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => host.split(':').next().unwrap_or_default(),
    };
    // Browsers trust the device itself over http: (a developer's server).
    let loopback = name.eq_ignore_ascii_case("localhost")
        || name.to_ascii_lowercase().ends_with(".localhost")
        || (name.starts_with("127.") && name.bytes().all(|b| b.is_ascii_digit() || b == b'.'))
        || name == "::1";
    page_protocol.eq_ignore_ascii_case("https:") && !loopback
}

/// `local`, an absolute `http(s)` URL, or a path on the page's own origin.
/// A `seed` only means something to `local`: there it is data, never a
/// script — a link, or a `blob:` the page made (the staff console's
/// preview of an unsaved draft).
fn classify_api(api: &str, seed: Option<String>) -> Result<ApiTarget, ConfigError> {
    if api.eq_ignore_ascii_case("local") {
        match seed {
            Some(seed) if !is_link(&seed) && !is_blob(&seed) => Err(ConfigError::InvalidSeed(seed)),
            seed => Ok(ApiTarget::Local { seed }),
        }
    } else if is_link(api) {
        Ok(ApiTarget::Http(api.to_owned()))
    } else {
        Err(ConfigError::InvalidApi(api.to_owned()))
    }
}

/// An absolute `http(s)` URL or a path on the page's own origin, without
/// spaces or control characters.
fn is_link(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    let shape = (lower.starts_with("https://") || lower.starts_with("http://")) && url.len() > 8
        || url.starts_with('/') && !url.starts_with("//")
        || url.starts_with("./")
        || url.starts_with("../");
    shape && !url.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// A `blob:` address, which only a script of the page's own origin can make.
fn is_blob(url: &str) -> bool {
    url.starts_with("blob:")
        && url.len() > 5
        && !url.chars().any(|c| c.is_whitespace() || c.is_control())
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
                heading_level: DEFAULT_HEADING_LEVEL,
                sign_in_url: None,
            })
        );
    }

    #[test]
    fn a_sign_in_link_is_an_address_never_a_script() {
        let url = |value: &str| {
            read(
                true,
                &[
                    ("api", "local"),
                    ("deliberation", "d"),
                    ("sign-in-url", value),
                ],
            )
            .1
            .map(|c| c.sign_in_url)
        };
        assert_eq!(
            url("/login?next=/vote"),
            Ok(Some("/login?next=/vote".into()))
        );
        assert_eq!(
            url("https://city.example/login"),
            Ok(Some("https://city.example/login".into()))
        );
        for refused in [
            "javascript:alert(1)",
            "//evil.example",
            "data:text/html,x",
            "",
        ] {
            assert_eq!(url(refused), Ok(None), "{refused}");
        }
        let (_, data) = read(
            false,
            &[
                ("data-plaza-deliberation", "d"),
                ("data-api", "local"),
                ("data-sign-in-url", "/in"),
            ],
        );
        assert_eq!(data.map(|c| c.sign_in_url), Ok(Some("/in".into())));
    }

    #[test]
    fn a_local_widget_may_start_from_a_seed_of_the_page() {
        let seed = |api: &str, value: &str| {
            read(
                true,
                &[("api", api), ("deliberation", "d"), ("seed", value)],
            )
            .1
            .map(|c| c.api)
        };
        let local = |seed: Option<&str>| {
            Ok(ApiTarget::Local {
                seed: seed.map(str::to_owned),
            })
        };
        assert_eq!(
            seed("local", "/city/plan.json"),
            local(Some("/city/plan.json"))
        );
        assert_eq!(
            seed("local", "blob:https://city.example/1f0c"),
            local(Some("blob:https://city.example/1f0c"))
        );
        for refused in [
            "javascript:alert(1)",
            "data:application/json,{}",
            "blob:",
            "blob:a b",
        ] {
            assert_eq!(
                seed("local", refused),
                Err(ConfigError::InvalidSeed(refused.into())),
                "{refused}"
            );
        }
        // An empty one is none.
        assert_eq!(seed("local", " "), local(None));
        // A backend has its own data.
        assert_eq!(
            seed("/v1", "/city/plan.json"),
            Ok(ApiTarget::Http("/v1".into()))
        );
        let (_, data) = read(
            false,
            &[
                ("data-plaza-deliberation", "d"),
                ("data-api", "local"),
                ("data-seed", "/plan.json"),
            ],
        );
        assert_eq!(data.map(|c| c.api), local(Some("/plan.json")));
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
        assert_eq!(config.api, ApiTarget::Local { seed: None });
        assert_eq!(config.participant_token.as_deref(), Some("abc"));
        assert_eq!(config.lang, None);
        Ok(())
    }

    #[test]
    fn the_page_chooses_the_heading_level() -> Result<(), ConfigError> {
        let level = |v: &str| {
            read(
                true,
                &[
                    ("api", "local"),
                    ("deliberation", "d"),
                    ("heading-level", v),
                ],
            )
            .1
            .map(|c| c.heading_level)
        };
        assert_eq!(level("3")?, 3);
        for bad in ["0", "5", "h2", ""] {
            assert_eq!(level(bad)?, DEFAULT_HEADING_LEVEL, "{bad}");
        }
        let (_, config) = read(
            false,
            &[
                ("data-plaza-deliberation", "d"),
                ("data-api", "local"),
                ("data-heading-level", "1"),
            ],
        );
        assert_eq!(config?.heading_level, 1);
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
    fn an_http_api_on_an_https_page_is_mixed_content() {
        assert!(mixed_content("https:", "http://city.example/v1"));
        assert!(mixed_content("https:", "HTTP://city.example/v1"));
        assert!(!mixed_content("https:", "https://city.example/v1"));
        assert!(!mixed_content("https:", "/v1"));
        assert!(!mixed_content("http:", "http://city.example/v1"));
        assert!(!mixed_content("https:", "htt"));
        assert!(!mixed_content("https:", "http"));
        for local in [
            "http://localhost:8080/v1",
            "http://127.0.0.1/v1",
            "http://[::1]:3000",
            "http://app.localhost/v1",
        ] {
            assert!(!mixed_content("https:", local), "{local}");
        }
        assert!(mixed_content("https:", "http://localhost.example/v1"));
        assert!(mixed_content("https:", "http://127.city.example/v1"));
        assert!(mixed_content("https:", "http://user@city.example:8080/v1"));
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
    fn every_configuration_error_has_a_code_and_a_message_in_every_language() {
        use crate::i18n::every_language;
        for e in [
            ConfigError::MissingApi,
            ConfigError::MissingDeliberation,
            ConfigError::InvalidApi("ftp://x".into()),
        ] {
            assert!(!e.code().is_empty());
            for (locale, strings) in every_language() {
                let m = e.message(strings);
                assert!(m.len() > 20 && !m.contains('{'), "{locale:?} {e:?}: {m}");
            }
        }
        let m = ConfigError::InvalidApi("ftp://x".into()).message(crate::i18n::english());
        assert!(m.contains("ftp://x"), "{m}");
    }

    #[test]
    fn the_language_survives_a_broken_configuration() {
        let (lang, config) = read(true, &[("lang", "fr")]);
        assert_eq!(lang.as_deref(), Some("fr"));
        assert!(config.is_err());
    }
}
