//! Dates and numbers in the reader's language, through the browser's
//! `Intl` (CLDR data the browser already has, at no cost in the download).

use js_sys::{Date, Object, Reflect};
use plaza_contract::Timestamp;
use wasm_bindgen::JsValue;

use crate::i18n::Locale;

fn options(pairs: &[(&str, &str)]) -> JsValue {
    let o = Object::new();
    for (k, v) in pairs {
        // Setting a property on a fresh plain object cannot fail.
        let _ = Reflect::set(&o, &(*k).into(), &(*v).into());
    }
    o.into()
}

/// "November 26, 2026" / "26 novembre 2026": the calendar date as the
/// backend wrote it (see `Timestamp::local_date`), not shifted into the
/// reader's time zone.
pub fn date(ts: &Timestamp, locale: Locale) -> String {
    let (year, month, day) = ts.local_date();
    let noon_utc = Date::utc(f64::from(year), f64::from(month) - 1.0)
        + (f64::from(day) - 1.0) * 86_400_000.0
        + 43_200_000.0;
    let d = Date::new(&JsValue::from_f64(noon_utc));
    let opts = options(&[
        ("day", "numeric"),
        ("month", "long"),
        ("year", "numeric"),
        ("timeZone", "UTC"),
    ]);
    d.to_locale_date_string(locale.tag(), &opts).into()
}

/// A whole number with the language's grouping: "1,204" / "1 204".
pub fn number(n: u64, locale: Locale) -> String {
    js_sys::Number::from(n as f64)
        .to_locale_string(locale.tag())
        .into()
}
