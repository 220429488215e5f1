//! Headings at the level the host page chose for the widget's top one
//! (`heading-level`), so that the widget's outline fits into the page's.

use leptos::prelude::*;

use super::inert::{el, Element};

/// The level of the widget's top heading in this instance.
#[derive(Clone, Copy)]
pub struct Headings(pub u8);

/// A heading `depth` levels below the widget's top one (0: the top one).
#[component]
pub fn Heading(
    /// 0 for the deliberation's title, 1 for its sections, 2 below them.
    depth: u8,
    #[prop(optional, into)] id: Option<String>,
    /// The language of the text, when not the interface's.
    #[prop(default = None)]
    lang: Option<String>,
    /// Focus is put on it when the step it heads appears (`tabindex="-1"`).
    #[prop(optional)]
    focus_target: bool,
    children: Children,
) -> impl IntoView {
    let tabindex = focus_target.then_some("-1");
    let top = top_level();
    let class = format!("plaza-heading plaza-h{depth}");
    // Text in another language than the interface takes its own direction.
    let dir = lang.as_ref().map(|_| "auto");
    leptos::html::custom(tag(top, depth))
        .id(id)
        .class(class)
        .lang(lang)
        .dir(dir)
        .tabindex(tabindex)
        .child(children())
}

/// The level of the widget's top heading in the current instance.
fn top_level() -> u8 {
    use_context::<Headings>().map_or(2, |h| h.0)
}

/// The same heading as [`Heading`] (without its options), for an inert view.
pub fn heading(depth: u8) -> Element {
    el(tag(top_level(), depth)).attr("class", format!("plaza-heading plaza-h{depth}"))
}

fn tag(top: u8, depth: u8) -> &'static str {
    match (top + depth).min(6) {
        1 => "h1",
        2 => "h2",
        3 => "h3",
        4 => "h4",
        5 => "h5",
        _ => "h6",
    }
}
