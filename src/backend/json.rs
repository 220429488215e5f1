//! JSON text to contract values and back. In the browser the browser's own
//! `JSON.parse`/`JSON.stringify` do the text part (so the download carries
//! no JSON parser); natively, for tests, serde_json does.

use plaza_contract::KeptJson;
use serde::de::DeserializeOwned;
use serde::Serialize;

#[cfg(target_arch = "wasm32")]
pub fn from_text<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    let value = js_sys::JSON::parse(text).map_err(|e| {
        e.dyn_ref::<js_sys::Error>()
            .map_or_else(|| "not JSON".to_owned(), |e| String::from(e.message()))
    })?;
    serde_wasm_bindgen::from_value(value).map_err(|e| e.to_string())
}

#[cfg(target_arch = "wasm32")]
pub fn to_text<T: Serialize>(value: &T) -> Result<String, String> {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    let value = value.serialize(&serializer).map_err(|e| e.to_string())?;
    js_sys::JSON::stringify(&value)
        .map(String::from)
        .map_err(|_| "could not write JSON".to_owned())
}

#[cfg(target_arch = "wasm32")]
use wasm_bindgen::JsCast;

/// A JSON value kept as it came, to be read later ([`KeptJson`]): one
/// entry of a list, say, that may be of a kind newer than the widget.
#[cfg(target_arch = "wasm32")]
#[derive(serde::Deserialize)]
pub struct Raw(#[serde(with = "serde_wasm_bindgen::preserve")] wasm_bindgen::JsValue);

#[cfg(target_arch = "wasm32")]
impl KeptJson for Raw {
    fn read<T: DeserializeOwned>(&self) -> Result<T, String> {
        serde_wasm_bindgen::from_value(self.0.clone()).map_err(|e| e.to_string())
    }
}

#[cfg(not(target_arch = "wasm32"))]
#[derive(serde::Deserialize)]
pub struct Raw(serde_json::Value);

#[cfg(not(target_arch = "wasm32"))]
impl KeptJson for Raw {
    fn read<T: DeserializeOwned>(&self) -> Result<T, String> {
        self.0.read()
    }
}

#[cfg(not(target_arch = "wasm32"))]
pub fn from_text<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    serde_json::from_str(text).map_err(|e| e.to_string())
}

#[cfg(not(target_arch = "wasm32"))]
pub fn to_text<T: Serialize>(value: &T) -> Result<String, String> {
    serde_json::to_string(value).map_err(|e| e.to_string())
}
