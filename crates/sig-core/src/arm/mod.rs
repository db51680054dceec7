//! Raw ARM JSON shapes (REST names, camelCase) for galleries, image definitions and image versions.
//!
//! These DTOs are deliberately permissive: every field is optional and enumerations are plain
//! strings, so `sig validate` can *report* bad input instead of failing to parse it. Unknown fields
//! are kept in `extra` so real JSON round-trips without loss. The rules (crate::rules) turn a raw
//! DTO into the validated world entries.

pub mod gallery;
pub mod image;
pub mod version;

pub use gallery::*;
pub use image::*;
pub use version::*;

/// Declares an ARM object: all fields `Option`, skipped when `None`, unknown fields kept in `extra`.
macro_rules! arm_object {
    ($(#[$m:meta])* pub struct $name:ident { $( $(#[$fm:meta])* pub $f:ident : $t:ty, )* }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "camelCase")]
        pub struct $name {
            $( $(#[$fm])* #[serde(default, skip_serializing_if = "Option::is_none")] pub $f: Option<$t>, )*
            /// Fields the simulator does not model, kept verbatim so the JSON round-trips.
            #[serde(flatten)]
            pub extra: serde_json::Map<String, serde_json::Value>,
        }
    };
}
pub(crate) use arm_object;

/// ARM tags.
pub type Tags = std::collections::BTreeMap<String, String>;

arm_object! {
    /// A `{ "id": ... }` reference.
    pub struct IdRef {
        /// The referenced ARM id.
        pub id: String,
    }
}

/// Serializes an ARM DTO to a JSON value (infallible for these types: string keys only).
pub fn to_value<T: serde::Serialize>(v: &T) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or(serde_json::Value::Null)
}
