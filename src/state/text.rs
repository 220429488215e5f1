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

/// `text` as one run isolated for direction in a sentence or an accessible
/// name (first strong isolate … pop, the text's `<bdi>`): a name in Arabic
/// in an English sentence, or the reverse, cannot reorder the words and
/// numbers around it. The text is [`shown`], so that it cannot close the
/// isolate early.
pub fn isolated(text: &str) -> String {
    format!("\u{2068}{}\u{2069}", shown(text))
}

/// `text` without direction overrides, embeddings and isolates.
pub fn shown(text: &str) -> String {
    if text.chars().any(is_direction_control) {
        text.chars().filter(|c| !is_direction_control(*c)).collect()
    } else {
        text.to_owned()
    }
}

/// Characters of a text's start that name it in a control ("Helpful —
/// Argument by Léa: “The square needs shade…”"), enough to tell apart
/// the cards of one author.
pub const NAME_CHARS: usize = 40;

/// The start of `text` as shown ([`shown`]), its white space collapsed,
/// cut after a word when longer than `max_chars` (with "…").
pub fn start_of(text: &str, max_chars: usize) -> String {
    let words = shown(text);
    let mut start = String::new();
    for word in words.split_whitespace() {
        let room = max_chars.saturating_sub(start.chars().count());
        let gap = usize::from(!start.is_empty());
        if word.chars().count() + gap > room {
            if start.is_empty() {
                // One long word: its first characters.
                start.extend(word.chars().take(max_chars));
            }
            start.push('…');
            return start;
        }
        if gap == 1 {
            start.push(' ');
        }
        start.push_str(word);
    }
    start
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_start_names_a_text_in_a_few_words() {
        assert_eq!(start_of("  Short\n text ", NAME_CHARS), "Short text");
        assert_eq!(
            start_of(
                "The square needs shade more than it needs another car park, honestly.",
                NAME_CHARS
            ),
            "The square needs shade more than it…"
        );
        assert_eq!(
            start_of(&"x".repeat(100), NAME_CHARS),
            format!("{}…", "x".repeat(40))
        );
        assert_eq!(start_of("a \u{202E}b", NAME_CHARS), "a b");
        assert_eq!(start_of("", NAME_CHARS), "");
        assert!(start_of(&"word ".repeat(50), NAME_CHARS).chars().count() <= NAME_CHARS + 1);
    }

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

    #[test]
    fn an_isolated_text_cannot_close_its_isolate() {
        assert_eq!(isolated("Léa"), "\u{2068}Léa\u{2069}");
        assert_eq!(isolated("a\u{2069} b\u{202E}c"), "\u{2068}a bc\u{2069}");
    }
}
