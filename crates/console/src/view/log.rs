//! The moderation log of one deliberation, as staff read it: when, who,
//! what and why.

use leptos::prelude::*;
use plaza_contract::Operation;

use super::task::{more, page_loader, Loaded, Pages, Tasks};
use super::{Ctx, Failed, ScrollTable};
use crate::run::{log_row, Line};

#[component]
pub fn Log(deliberation: String, changed: RwSignal<u32>) -> impl IntoView {
    let ctx = Ctx::get();
    let t = ctx.t;
    let tasks = Tasks::of_current();
    let list = RwSignal::new(Loaded::<Pages<Line>>::None);
    let load = page_loader(
        tasks.clone(),
        list,
        Operation::ListModerationLog,
        Vec::new(),
        vec![("deliberation", deliberation)],
    );
    // Read again after every action taken on this screen.
    Effect::new(move |_| {
        changed.track();
        load.run(None);
    });
    let locale = StoredValue::new(ctx.locale());
    view! {
        <section class="console-panel" aria-labelledby="console-log-heading">
            <h2 id="console-log-heading">{t.log_heading}</h2>
            {move || match list.get() {
                None => view! { <p role="status">{t.loading}</p> }.into_any(),
                Some(Err(error)) => view! { <Failed error retry=Callback::new(move |()| load.run(None))/> }.into_any(),
                Some(Ok(pages)) => {
                    let entries = pages.items.clone();
                    view! {
                        {if entries.is_empty() {
                            view! { <p>{t.log_empty}</p> }.into_any()
                        } else {
                            view! {
                                <ScrollTable labelledby="console-log-heading">
                                    <table class="console-log">
                                        <thead>
                                            <tr>
                                                <th scope="col">{t.log_when}</th>
                                                <th scope="col">{t.log_who}</th>
                                                <th scope="col">{t.log_what}</th>
                                                <th scope="col">{t.log_why}</th>
                                            </tr>
                                        </thead>
                                        <tbody>
                                            {entries.into_iter().map(|Line(line)| {
                                                let at = line.at().clone();
                                                let [staff, what, why] = log_row(t, &line);
                                                view! {
                                                    <tr>
                                                        <td><time datetime=at.to_string()>{locale.with_value(|l| local_time(&at, l))}</time></td>
                                                        <td><bdi>{staff}</bdi></td>
                                                        <td>{what}</td>
                                                        <td>{why}</td>
                                                    </tr>
                                                }
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                </ScrollTable>
                            }.into_any()
                        }}
                        {more(&pages, load)}
                    }.into_any()
                }
            }}
        </section>
    }
}

/// The date and time of `at` in the reader's language and time zone.
fn local_time(at: &plaza_contract::Timestamp, lang: &str) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(at.unix_millis() as f64));
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"dateStyle".into(), &"medium".into());
    let _ = js_sys::Reflect::set(&options, &"timeStyle".into(), &"short".into());
    date.to_locale_string(lang, &options).into()
}
