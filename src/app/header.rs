//! The deliberation header: title, place, who decides, phases, what it affects.

use leptos::prelude::*;
use plaza_contract::Deliberation;

use super::heading::Heading;
use super::status::Isolated;
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

#[component]
pub fn Header(deliberation: Deliberation) -> impl IntoView {
    let ui = expect_context::<Ui>();
    let backend = expect_context::<BackendHandle>();
    let s = ui.s();
    let d = deliberation;
    let title = ui.pick(&d.title);
    let summary = ui.pick(&d.summary);
    let body = ui.pick(&d.body);
    let place_name = ui.pick(&d.place.name);

    let image = d.place.image.as_ref().and_then(|img| {
        let src = backend.0.with_value(|b| b.resolve(&img.url))?;
        let alt = ui.pick(&img.alt);
        let credit = img.credit.clone();
        Some(view! {
            <figure class="plaza-figure">
                <img src=src alt=alt.text lang=alt.lang fetchpriority="high"/>
                {credit.map(|c| view! { <figcaption><Isolated template=s.image_credit name="credit" value=c/></figcaption> })}
            </figure>
        })
    });

    let decision = d.decision.clone().map(|dec| {
        let by = ui.pick(&dec.by);
        let when = dec
            .expected_at
            .map(|t| fill(s.decision_expected, &[("date", &ui.date(&t))]));
        view! {
            <dt>{s.decision_label}</dt>
            <dd>
                <span lang=by.lang.clone() dir=by.lang.map(|_| "auto")>{by.text}</span>
                {when.map(|w| view! { <br/><span>{w}</span> })}
            </dd>
        }
    });

    let steps = timeline(&d)
        .into_iter()
        .map(|step| {
            let dates = match (&step.starts_at, &step.ends_at) {
                (Some(start), Some(end)) => Some(fill(
                    s.phase_dates,
                    &[("start", &ui.date(start)), ("end", &ui.date(end))],
                )),
                (Some(start), None) => Some(fill(s.phase_from, &[("start", &ui.date(start))])),
                _ => None,
            };
            let current = step.state == StepState::Current;
            // The state in words, not only by colour.
            let (class, state) = match step.state {
                StepState::Done => ("plaza-step plaza-step-done", s.phase_state_done),
                StepState::Current => ("plaza-step plaza-step-current", s.phase_state_current),
                StepState::Upcoming => ("plaza-step", s.phase_state_upcoming),
            };
            view! {
                <li class=class aria-current=current.then_some("step")>
                    <span class="plaza-step-name">{s.phase(step.kind)}</span>
                    <span class="plaza-badge">{state}</span>
                    {dates.map(|d| view! { <span class="plaza-step-dates">{d}</span> })}
                </li>
            }
        })
        .collect_view();

    let tags = |heading: &'static str, id: &'static str, names: Vec<&'static str>| {
        (!names.is_empty()).then(|| {
            view! {
                <div class="plaza-tag-group">
                    <Heading depth=2 id=id>{heading}</Heading>
                    <ul class="plaza-tags" aria-labelledby=id>
                        {names.into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}
                    </ul>
                </div>
            }
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

    let follow_up = (!d.follow_up.is_empty()).then(|| {
        let entries = d
            .follow_up
            .iter()
            .map(|f| {
                let text = ui.pick(&f.text);
                view! {
                    <li>
                        <time datetime=f.date.to_string()>{ui.date(&f.date)}</time>
                        " "
                        <span lang=text.lang.clone() dir=text.lang.map(|_| "auto")>{text.text}</span>
                    </li>
                }
            })
            .collect_view();
        view! {
            <section class="plaza-follow-up">
                <Heading depth=1 id="plaza-follow-up-heading">{s.follow_up_heading}</Heading>
                <ul>{entries}</ul>
            </section>
        }
    });

    view! {
        <header class="plaza-header">
            <Heading depth=0 id="plaza-title" lang=title.lang>{title.text}</Heading>
            <p class="plaza-summary" lang=summary.lang.clone() dir=summary.lang.map(|_| "auto")>{summary.text}</p>
            {image}
            <dl class="plaza-facts">
                <dt>{s.place_heading}</dt>
                <dd>
                    <span lang=place_name.lang.clone() dir=place_name.lang.map(|_| "auto")>{place_name.text}</span>
                    {d.place.address.clone().map(|a| view! { <br/><span class="plaza-address">{a}</span> })}
                </dd>
                {decision}
            </dl>
            <div class="plaza-body" lang=body.lang.clone() dir=body.lang.map(|_| "auto")>
                {paragraphs(&body.text).into_iter().map(|p| view! { <p>{p}</p> }).collect_view()}
            </div>
            <section class="plaza-phases">
                <Heading depth=1 id="plaza-phases-heading">{s.phases_heading}</Heading>
                <ol class="plaza-timeline">{steps}</ol>
            </section>
            <div class="plaza-tag-groups">
                {tags(s.social_functions_heading, "plaza-functions-heading", functions)}
                {tags(s.challenge_areas_heading, "plaza-challenges-heading", challenges)}
            </div>
            {follow_up}
        </header>
    }
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
