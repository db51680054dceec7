//! Browser persistence: typed values in `localStorage`, read and written
//! through `web_sys` so that every failure is a value, never a panic.
//!
//! The browser may refuse the page its storage altogether (storage disabled,
//! a `SecurityError` on `window.localStorage`) or throw from `getItem` and
//! `setItem`; each of those becomes a [`StorageProblem`] and the app carries
//! on in memory. Storage is the app's concern, never the core's: the core
//! only sees the values that come out of here.

use serde::{de::DeserializeOwned, Serialize};
use wasm_bindgen::JsValue;

/// Why a value could not be saved or loaded; shown to the user as is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StorageProblem {
    /// Nothing is stored under that key yet.
    Missing,
    /// Something is stored but it is not what we expect (corrupt or foreign).
    Unreadable(String),
    /// The browser refused to store it (quota exceeded, storage disabled).
    Refused(String),
    /// The browser gives the page no storage, or would not read it.
    Unavailable(String),
}

impl std::fmt::Display for StorageProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StorageProblem::Missing => f.write_str("nothing is saved"),
            StorageProblem::Unreadable(why)
            | StorageProblem::Refused(why)
            | StorageProblem::Unavailable(why) => f.write_str(why),
        }
    }
}

/// A thrown JavaScript value in words: its `name` and `message` when it has
/// them (a `DOMException`), else its string form.
pub fn describe_error(error: &JsValue) -> String {
    let field = |key: &str| {
        js_sys::Reflect::get(error, &JsValue::from_str(key))
            .ok()
            .and_then(|v| v.as_string())
            .filter(|s| !s.is_empty())
    };
    match (field("name"), field("message")) {
        (Some(name), Some(message)) => format!("{name}: {message}"),
        (Some(name), None) => name,
        (None, Some(message)) => message,
        (None, None) => error
            .as_string()
            .unwrap_or_else(|| "an unknown error".to_string()),
    }
}

/// True when a thrown value is the browser saying its storage is full.
pub fn is_quota_error(error: &JsValue) -> bool {
    js_sys::Reflect::get(error, &JsValue::from_str("name"))
        .ok()
        .and_then(|n| n.as_string())
        .is_some_and(|n| n == "QuotaExceededError")
}

/// The page's `localStorage`, or why the browser will not give it.
pub fn local() -> Result<web_sys::Storage, String> {
    let window = web_sys::window().ok_or_else(|| "there is no browser window".to_string())?;
    match window.local_storage() {
        Ok(Some(storage)) => Ok(storage),
        Ok(None) => Err("this browser gives the page no local storage".to_string()),
        Err(e) => Err(format!(
            "the browser refused access to its storage ({})",
            describe_error(&e)
        )),
    }
}

/// Saves `value` as JSON under `key`.
pub fn save<T: Serialize>(key: &str, value: &T) -> Result<(), StorageProblem> {
    let storage = local().map_err(StorageProblem::Unavailable)?;
    let text = serde_json::to_string(value).map_err(|e| StorageProblem::Refused(e.to_string()))?;
    storage.set_item(key, &text).map_err(|e| {
        if is_quota_error(&e) {
            StorageProblem::Refused("the browser's storage for this page is full".into())
        } else {
            StorageProblem::Refused(format!(
                "the browser refused to store the data ({})",
                describe_error(&e)
            ))
        }
    })
}

/// Loads the JSON value stored under `key`.
pub fn load<T: DeserializeOwned>(key: &str) -> Result<T, StorageProblem> {
    let storage = local().map_err(StorageProblem::Unavailable)?;
    let text = storage
        .get_item(key)
        .map_err(|e| {
            StorageProblem::Unavailable(format!(
                "the browser would not read its storage ({})",
                describe_error(&e)
            ))
        })?
        .ok_or(StorageProblem::Missing)?;
    serde_json::from_str(&text).map_err(|e| StorageProblem::Unreadable(e.to_string()))
}

/// Forgets whatever is stored under `key` (best effort: storage the browser
/// refuses holds nothing of ours to forget).
pub fn remove(key: &str) {
    if let Ok(storage) = local() {
        let _ = storage.remove_item(key);
    }
}
