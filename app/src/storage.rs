//! Browser persistence: typed values in `localStorage` through gloo-storage.
//!
//! Storage is the app's concern, never the core's: the core only sees the
//! values that come out of here.

use gloo_storage::{LocalStorage, Storage};
use serde::{de::DeserializeOwned, Serialize};

/// Why a value could not be saved or loaded; shown to the user as is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StorageProblem {
    /// Nothing is stored under that key yet.
    Missing,
    /// Something is stored but it is not what we expect (corrupt or foreign).
    Unreadable(String),
    /// The browser refused to store it (quota exceeded, storage disabled).
    Refused(String),
}

/// Saves `value` as JSON under `key`.
pub fn save<T: Serialize>(key: &str, value: &T) -> Result<(), StorageProblem> {
    LocalStorage::set(key, value).map_err(|e| StorageProblem::Refused(e.to_string()))
}

/// Loads the JSON value stored under `key`.
pub fn load<T: DeserializeOwned>(key: &str) -> Result<T, StorageProblem> {
    match LocalStorage::get::<T>(key) {
        Ok(value) => Ok(value),
        Err(gloo_storage::errors::StorageError::KeyNotFound(_)) => Err(StorageProblem::Missing),
        Err(e) => Err(StorageProblem::Unreadable(e.to_string())),
    }
}

/// Forgets whatever is stored under `key`.
pub fn remove(key: &str) {
    LocalStorage::delete(key);
}
