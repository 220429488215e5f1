//! Messages with named `{placeholders}`, which translators may move within
//! a sentence (word order differs between languages).

/// `template` with each `{name}` replaced by its value.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = template.to_owned();
    for (name, value) in values {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

/// The names of the `{placeholders}` of a message, sorted, each once: a
/// translation must keep those of its English model.
pub fn placeholders(message: &str) -> Vec<&str> {
    let mut found: Vec<&str> = message
        .split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .collect();
    found.sort_unstable();
    found.dedup();
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled_by_name_wherever_they_stand() {
        assert_eq!(
            fill(
                "{count} votes for {name}",
                &[("name", "Lilas"), ("count", "3")]
            ),
            "3 votes for Lilas"
        );
        assert_eq!(fill("no {gap}", &[]), "no {gap}");
    }

    #[test]
    fn placeholders_are_listed_once_in_order() {
        assert_eq!(placeholders("{b} and {a} and {b}"), vec!["a", "b"]);
        assert_eq!(placeholders("none, or {unclosed"), Vec::<&str>::new());
    }
}
