//! What arguments, replies and proposals show alike, drawn once (inert
//! trees): what a resident wrote, or why it is not shown, and who wrote it
//! when.

use plaza_contract::{Author, ContentStatus, Timestamp};

use super::inert::{el, Element, Node};
use super::Ui;
use crate::state::text::shown;

/// A paragraph a resident wrote, as typed (`shown`), in its own direction;
/// with its language when it is not the interface's.
pub fn written(ui: &Ui, class: &'static str, text: &str, lang: Option<&str>) -> Element {
    let p = el("p").attr("class", class);
    match ui.other_lang(lang) {
        Some(lang) => p.attr("lang", lang),
        None => p,
    }
    .attr("dir", "auto")
    .child(shown(text))
}

/// Who wrote a card, as residents see it: the name they chose, else
/// "anonymous" — or, while the content is hidden, that the name is withheld
/// with it (the backend does not send it then).
pub fn author_name(ui: &Ui, author: &Author, status: ContentStatus) -> String {
    let s = ui.s();
    match (&author.display_name, status) {
        (Some(name), _) => shown(name),
        (None, ContentStatus::Visible) => s.anonymous.to_owned(),
        (None, _) => s.author_withheld.to_owned(),
    }
}

/// Why the text is not shown (removed, waiting for review).
pub fn withheld(why: &'static str) -> Element {
    el("p").attr("class", "plaza-moderated").child(why)
}

/// "name · date". The name is isolated (`<bdi>`): a name in another script
/// cannot reorder the date after it.
pub fn byline(ui: &Ui, author: &str, at: &Timestamp) -> [Node; 3] {
    [
        el("bdi").attr("class", "plaza-author").child(author).into(),
        " · ".into(),
        el("time")
            .attr("datetime", at.to_string())
            .child(ui.date(at))
            .into(),
    ]
}
