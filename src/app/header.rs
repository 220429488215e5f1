//! The deliberation header: title, place, who decides, phases, what it affects.

use leptos::prelude::*;
use plaza_contract::Deliberation;

use super::heading::heading;
use super::inert::{el, Element};
use super::status::isolated;
use super::{BackendHandle, Ui};
use crate::i18n::fill;
use crate::state::timeline::{timeline, StepState};

/// Plain text split into paragraphs at blank lines (the contract's body format).
fn paragraphs(text: &str) -> Vec<String> {
    text.split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect()
}

/// An element holding content in `lang` (not the interface's language),
/// which then takes its own direction.
fn in_lang(element: Element, lang: Option<String>) -> Element {
    match lang {
        Some(lang) => element.attr("lang", lang).attr("dir", "auto"),
        None => element,
    }
}

/// The header is drawn once and never changes: an inert tree.
#[component]
pub fn Header(deliberation: Deliberation) -> impl IntoView {
    let ui = expect_context::<Ui>();
    let backend = expect_context::<BackendHandle>();
    header(&ui, &backend, &deliberation)
}

fn header(ui: &Ui, backend: &BackendHandle, d: &Deliberation) -> Element {
    let s = ui.s();
    let title = ui.pick(&d.title);
    let summary = ui.pick(&d.summary);
    let body = ui.pick(&d.body);
    let place_name = ui.pick(&d.place.name);

    let mut top = el("header")
        .attr("class", "plaza-header")
        .child(in_lang(heading(0).attr("id", "plaza-title"), title.lang).child(title.text));
    top = top
        .child(in_lang(el("p").attr("class", "plaza-summary"), summary.lang).child(summary.text));

    let image = d.place.image.as_ref().and_then(|img| {
        let src = backend.0.with_value(|b| b.resolve(&img.url))?;
        let alt = ui.pick(&img.alt);
        let picture = el("img").attr("src", src).attr("alt", alt.text);
        let picture = match alt.lang {
            Some(lang) => picture.attr("lang", lang),
            None => picture,
        };
        let figure = el("figure")
            .attr("class", "plaza-figure")
            .child(picture.attr("fetchpriority", "high"));
        Some(match &img.credit {
            Some(c) => {
                figure.child(el("figcaption").children(isolated(s.image_credit, "credit", c)))
            }
            None => figure,
        })
    });
    if let Some(image) = image {
        top = top.child(image);
    }

    let mut place = el("dd").child(in_lang(el("span"), place_name.lang).child(place_name.text));
    if let Some(a) = &d.place.address {
        place = place
            .child(el("br"))
            .child(el("span").attr("class", "plaza-address").child(a.as_str()));
    }
    let mut facts = el("dl")
        .attr("class", "plaza-facts")
        .child(el("dt").child(s.place_heading))
        .child(place);
    if let Some(dec) = &d.decision {
        let by = ui.pick(&dec.by);
        let mut who = el("dd").child(in_lang(el("span"), by.lang).child(by.text));
        if let Some(t) = &dec.expected_at {
            let when = fill(s.decision_expected, &[("date", &ui.date(t))]);
            who = who.child(el("br")).child(el("span").child(when));
        }
        facts = facts.child(el("dt").child(s.decision_label)).child(who);
    }
    top = top.child(facts);

    top = top.child(
        in_lang(el("div").attr("class", "plaza-body"), body.lang).children(
            paragraphs(&body.text)
                .into_iter()
                .map(|p| el("p").child(p).into()),
        ),
    );

    let steps = timeline(d).into_iter().map(|step| {
        let dates = match (&step.starts_at, &step.ends_at) {
            (Some(start), Some(end)) => Some(fill(
                s.phase_dates,
                &[("start", &ui.date(start)), ("end", &ui.date(end))],
            )),
            (Some(start), None) => Some(fill(s.phase_from, &[("start", &ui.date(start))])),
            _ => None,
        };
        // The state in words, not only by colour.
        let (class, state) = match step.state {
            StepState::Done => ("plaza-step plaza-step-done", s.phase_state_done),
            StepState::Current => ("plaza-step plaza-step-current", s.phase_state_current),
            StepState::Upcoming => ("plaza-step", s.phase_state_upcoming),
        };
        let mut item = el("li").attr("class", class);
        if step.state == StepState::Current {
            item = item.attr("aria-current", "step");
        }
        item = item
            .child(
                el("span")
                    .attr("class", "plaza-step-name")
                    .child(s.phase(step.kind)),
            )
            .child(el("span").attr("class", "plaza-badge").child(state));
        match dates {
            Some(d) => item.child(el("span").attr("class", "plaza-step-dates").child(d)),
            None => item,
        }
        .into()
    });
    top = top.child(
        el("section")
            .attr("class", "plaza-phases")
            .child(
                heading(1)
                    .attr("id", "plaza-phases-heading")
                    .child(s.phases_heading),
            )
            .child(el("ol").attr("class", "plaza-timeline").children(steps)),
    );

    let tags = |title: &'static str, id: &'static str, names: Vec<&'static str>| {
        (!names.is_empty()).then(|| {
            el("div")
                .attr("class", "plaza-tag-group")
                .child(heading(1).attr("id", id).child(title))
                .child(
                    el("ul")
                        .attr("class", "plaza-tags")
                        .attr("aria-labelledby", id)
                        .children(names.into_iter().map(|n| el("li").child(n).into())),
                )
                .into()
        })
    };
    let functions = d
        .social_functions
        .iter()
        .map(|f| s.social_function(*f))
        .collect();
    let challenges = d
        .challenge_areas
        .iter()
        .map(|a| s.challenge_area(*a))
        .collect();
    top = top.child(
        el("div").attr("class", "plaza-tag-groups").children(
            [
                tags(
                    s.social_functions_heading,
                    "plaza-functions-heading",
                    functions,
                ),
                tags(
                    s.challenge_areas_heading,
                    "plaza-challenges-heading",
                    challenges,
                ),
            ]
            .into_iter()
            .flatten(),
        ),
    );

    if !d.follow_up.is_empty() {
        let entries = d.follow_up.iter().map(|f| {
            let text = ui.pick(&f.text);
            el("li")
                .child(
                    el("time")
                        .attr("datetime", f.date.to_string())
                        .child(ui.date(&f.date)),
                )
                .child(" ")
                .child(in_lang(el("span"), text.lang).child(text.text))
                .into()
        });
        top = top.child(
            el("section")
                .attr("class", "plaza-follow-up")
                .child(
                    heading(1)
                        .attr("id", "plaza-follow-up-heading")
                        .child(s.follow_up_heading),
                )
                .child(el("ul").children(entries)),
        );
    }
    top
}

#[cfg(test)]
mod tests {
    use super::paragraphs;

    #[test]
    fn bodies_split_into_paragraphs_at_blank_lines() {
        assert_eq!(
            paragraphs("One.\n\n  Two,\nstill two.  \n\n\n\nThree."),
            ["One.", "Two,\nstill two.", "Three."]
        );
        assert!(paragraphs("  \n\n ").is_empty());
    }
}
