//! Text residents wrote, made safe to show: it is always rendered as text
//! (never HTML), isolated for direction (`dir="auto"`, `<bdi>`) by the
//! views, and here stripped of the invisible characters that override or
//! embed a direction, with which a text could disguise what it says
//! ("Trojan Source"). The marks that only nudge neutral characters
//! (U+200E, U+200F, U+061C), which right-to-left writers use, are kept.

/// Whether `c` overrides, embeds or isolates a direction.
fn is_direction_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `text` without direction overrides, embeddings and isolates.
pub fn shown(text: &str) -> String {
    if text.chars().any(is_direction_control) {
        text.chars().filter(|c| !is_direction_control(*c)).collect()
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overrides_cannot_disguise_text() {
        // "admin" shown reversed by a right-to-left override.
        assert_eq!(
            shown("user \u{202E}nimda\u{202C} wrote"),
            "user nimda wrote"
        );
        assert_eq!(shown("a\u{2066}b\u{2069}c"), "abc");
    }

    #[test]
    fn ordinary_text_and_direction_marks_stay() {
        for text in [
            "Parc Nord",
            "حديقة \u{200F}(الشمال)",
            "x\u{200E}y",
            "<b>not HTML</b>",
        ] {
            assert_eq!(shown(text), text);
        }
    }
}
