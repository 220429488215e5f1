//! Headings at the level the host page chose for the widget's top one
//! (`heading-level`), so that the widget's outline fits into the page's.

use leptos::prelude::*;

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
    let top = use_context::<Headings>().map_or(2, |h| h.0);
    let class = format!("plaza-heading plaza-h{depth}");
    // Text in another language than the interface takes its own direction.
    let dir = lang.as_ref().map(|_| "auto");
    match (top + depth).min(6) {
        1 => view! { <h1 id=id class=class lang=lang dir=dir tabindex=tabindex>{children()}</h1> }
            .into_any(),
        2 => view! { <h2 id=id class=class lang=lang dir=dir tabindex=tabindex>{children()}</h2> }
            .into_any(),
        3 => view! { <h3 id=id class=class lang=lang dir=dir tabindex=tabindex>{children()}</h3> }
            .into_any(),
        4 => view! { <h4 id=id class=class lang=lang dir=dir tabindex=tabindex>{children()}</h4> }
            .into_any(),
        5 => view! { <h5 id=id class=class lang=lang dir=dir tabindex=tabindex>{children()}</h5> }
            .into_any(),
        _ => view! { <h6 id=id class=class lang=lang dir=dir tabindex=tabindex>{children()}</h6> }
            .into_any(),
    }
}
