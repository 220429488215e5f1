//! Dates, numbers and plural categories in the reader's language, through
//! the browser's `Intl` (CLDR data the browser already has, at no cost in
//! the download).

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Array, Date, Function, Object, Reflect};
use plaza_contract::Timestamp;
use wasm_bindgen::JsValue;

use crate::i18n::PluralCategory;

/// One language's `Intl` formatters, made once: building them is what
/// costs (each `toLocaleDateString` call builds a formatter of its own,
/// which made dates the most expensive part of drawing the first screen).
struct Formatters {
    locale: &'static str,
    date: Function,
    number: Function,
    plural: js_sys::Intl::PluralRules,
    /// For fractional vote counts (STV), made when one is first shown:
    /// every decimal kept, where the others round to three.
    decimal: std::cell::OnceCell<(Function, js_sys::Intl::PluralRules)>,
}

thread_local! {
    static FORMATTERS: RefCell<Vec<Rc<Formatters>>> = const { RefCell::new(Vec::new()) };
    static LOCALES: RefCell<Vec<&'static str>> = const { RefCell::new(Vec::new()) };
}

/// `locale` (a tag `Intl` takes, see `Language::regional`) kept for the
/// page's life: a page has a few at most.
pub fn locale(locale: String) -> &'static str {
    LOCALES.with(|all| {
        let mut all = all.borrow_mut();
        if let Some(found) = all.iter().find(|l| **l == locale) {
            return *found;
        }
        let kept: &'static str = Box::leak(locale.into_boxed_str());
        all.push(kept);
        kept
    })
}

fn options(pairs: &[(&str, &str)]) -> Object {
    let o = Object::new();
    for (k, v) in pairs {
        // Setting a property on a fresh plain object cannot fail.
        let _ = Reflect::set(&o, &(*k).into(), &(*v).into());
    }
    o
}

/// `plaza.js` makes the same three while the wasm downloads, for each
/// language on the page (src/embed/start.js), so that the browser has read
/// their data before the first screen is drawn: keep the two alike.
fn formatters(locale: &'static str) -> Rc<Formatters> {
    FORMATTERS.with(|all| {
        if let Some(found) = all.borrow().iter().find(|f| f.locale == locale) {
            return found.clone();
        }
        let locales = Array::of1(&locale.into());
        let date_options = options(&[
            ("day", "numeric"),
            ("month", "long"),
            ("year", "numeric"),
            ("timeZone", "UTC"),
        ]);
        let made = Rc::new(Formatters {
            locale,
            date: js_sys::Intl::DateTimeFormat::new(&locales, &date_options).format(),
            number: js_sys::Intl::NumberFormat::new(&locales, &Object::new()).format(),
            plural: js_sys::Intl::PluralRules::new(&locales, &Object::new()),
            decimal: std::cell::OnceCell::new(),
        });
        all.borrow_mut().push(made.clone());
        made
    })
}

/// Calls one of the formatters' bound `format` functions.
fn format_with(format: &Function, value: &JsValue) -> String {
    format
        .call1(&JsValue::NULL, value)
        .ok()
        .and_then(|text| text.as_string())
        .unwrap_or_default()
}

/// "November 26, 2026" / "26 novembre 2026": the calendar date as the
/// backend wrote it (see `Timestamp::local_date`), not shifted into the
/// reader's time zone.
pub fn date(ts: &Timestamp, locale: &'static str) -> String {
    let (year, month, day) = ts.local_date();
    let noon_utc = Date::utc(f64::from(year), f64::from(month) - 1.0)
        + (f64::from(day) - 1.0) * 86_400_000.0
        + 43_200_000.0;
    let d = Date::new(&JsValue::from_f64(noon_utc));
    let text = format_with(&formatters(locale).date, &d);
    first_of_month(&text, day, locale)
}

/// French writes the first day of a month as an ordinal ("1er novembre"),
/// which `Intl` does not.
fn first_of_month(text: &str, day: u32, locale: &str) -> String {
    match (
        plaza_contract::primary(locale),
        day,
        text.strip_prefix("1 "),
    ) {
        ("fr", 1, Some(rest)) => format!("1er {rest}"),
        _ => text.to_owned(),
    }
}

/// A whole number with the language's digits and grouping: "1,204" / "1 204".
pub fn number(n: u64, locale: &'static str) -> String {
    format_with(&formatters(locale).number, &JsValue::from_f64(n as f64))
}

/// A decimal number written as `exact` ("1204.375", as the contract's
/// `Decimal` writes it) with the language's digits, grouping and decimal
/// sign, every digit kept: "1,204.375" / "1 204,375". (A browser that
/// reads a number string as a float rounds past 15 digits.)
pub fn decimal(exact: &str, locale: &'static str) -> String {
    format_with(&decimals(locale).0, &JsValue::from_str(exact))
}

/// The formatter and plural rules of [`decimal`] numbers in `locale`.
fn decimals(locale: &'static str) -> (Function, js_sys::Intl::PluralRules) {
    formatters(locale)
        .decimal
        .get_or_init(|| {
            let locales = Array::of1(&locale.into());
            let all_digits = options(&[]);
            let _ = Reflect::set(&all_digits, &"maximumFractionDigits".into(), &20.into());
            (
                js_sys::Intl::NumberFormat::new(&locales, &all_digits).format(),
                js_sys::Intl::PluralRules::new(&locales, &all_digits),
            )
        })
        .clone()
}

/// The CLDR plural category of `n` in `locale` (`Intl.PluralRules`).
pub fn plural_category(n: u64, locale: &'static str) -> PluralCategory {
    category(&formatters(locale).plural, n as f64)
}

/// The same for a decimal number written as `exact` ("1,5 voix" is
/// singular in French). The browser reads the number: Rust's float parser
/// would add 14 KB to the download.
pub fn decimal_category(exact: &str, locale: &'static str) -> PluralCategory {
    let n = js_sys::Number::parse_float(exact);
    category(&decimals(locale).1, n)
}

fn category(rules: &js_sys::Intl::PluralRules, n: f64) -> PluralCategory {
    let category: String = rules.select(n).into();
    PluralCategory::parse(&category)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_writes_the_first_of_the_month_as_an_ordinal() {
        for fr in ["fr", "fr-CA"] {
            assert_eq!(
                first_of_month("1 novembre 2026", 1, fr),
                "1er novembre 2026"
            );
            assert_eq!(
                first_of_month("11 novembre 2026", 11, fr),
                "11 novembre 2026"
            );
        }
        assert_eq!(
            first_of_month("1 November 2026", 1, "en-GB"),
            "1 November 2026"
        );
    }
}
