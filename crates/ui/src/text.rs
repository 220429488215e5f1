//! Messages with named `{placeholders}`, which translators may move within
//! a sentence (word order differs between languages).

/// `template` with each `{name}` replaced by its value, in one pass: a
/// value (a resident's name, say) that holds `{count}` stays as written.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after.split_once('}').and_then(|(name, tail)| {
            values
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, value)| (*value, tail))
        });
        match value {
            Some((value, tail)) => {
                out.push_str(value);
                rest = tail;
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
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
        assert_eq!(fill("{a}{a} {", &[("a", "x")]), "xx {");
    }

    #[test]
    fn a_value_is_never_filled_in_turn() {
        assert_eq!(
            fill(
                "{who}: {start}",
                &[("who", "Reply to {start}"), ("start", "The {who} park")]
            ),
            "Reply to {start}: The {who} park"
        );
    }

    #[test]
    fn placeholders_are_listed_once_in_order() {
        assert_eq!(placeholders("{b} and {a} and {b}"), vec!["a", "b"]);
        assert_eq!(placeholders("none, or {unclosed"), Vec::<&str>::new());
    }
}
