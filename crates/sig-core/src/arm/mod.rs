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

/// Text borrowed from the input when it can be (it has no escapes), so a stored record row's
/// names, region and times, or a stored version's indexed fields, cost no allocation of their
/// own (serde's `Cow` always copies).
#[derive(Debug)]
pub(crate) struct Text<'de>(pub(crate) std::borrow::Cow<'de, str>);

impl std::ops::Deref for Text<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl<'de: 'a, 'a> serde::Deserialize<'de> for Text<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> serde::de::Visitor<'de> for TextVisitor<'a> {
            type Value = Text<'a>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<Text<'a>, E> {
                Ok(Text(std::borrow::Cow::Borrowed(v)))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Text<'a>, E> {
                Ok(Text(std::borrow::Cow::Owned(v.to_string())))
            }
        }
        deserializer.deserialize_str(TextVisitor(std::marker::PhantomData))
    }
}

/// ARM tags.
pub type Tags = std::collections::BTreeMap<String, String>;

arm_object! {
    /// A `{ "id": ... }` reference.
    pub struct IdRef {
        /// The referenced ARM id.
        pub id: String,
    }
}

/// A list read at the size it has: serde makes room for four elements at the first and doubles
/// from there, and most lists here hold one (a version's target regions: at ten times the limits
/// 100,000 lists of one, ~30 MB of room never used; trimming them afterwards cost a reallocation
/// each, slower, measured). Grows by one, then doubles, as `Vec` does from a capacity of one.
fn tight_list<'de, D, T>(deserializer: D) -> Result<Option<Vec<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    struct Tight<T>(std::marker::PhantomData<T>);
    impl<'de, T: serde::Deserialize<'de>> serde::de::Visitor<'de> for Tight<T> {
        type Value = Option<Vec<T>>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a list or null")
        }
        fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_seq(self)
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(
            self,
            mut seq: A,
        ) -> Result<Self::Value, A::Error> {
            let mut list = Vec::new();
            while let Some(item) = seq.next_element()? {
                if list.len() == list.capacity() {
                    list.reserve_exact(list.len().max(1));
                }
                list.push(item);
            }
            Ok(Some(list))
        }
    }
    deserializer.deserialize_option(Tight(std::marker::PhantomData))
}

/// Serializes an ARM DTO to a JSON value (infallible for these types: string keys only).
pub fn to_value<T: serde::Serialize>(v: &T) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or(serde_json::Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn regions(json: serde_json::Value) -> Option<Vec<TargetRegion>> {
        serde_json::from_value::<PublishingProfile>(json)
            .unwrap()
            .target_regions
    }

    /// A version's target regions take the room they need (most versions name one region), and
    /// read as any list does: absent or null is none, every element kept in order.
    #[test]
    fn target_regions_are_read_at_their_size() {
        let one = regions(serde_json::json!({"targetRegions": [{"name": "westus"}]})).unwrap();
        assert_eq!(one.len(), 1);
        assert_eq!(one.capacity(), 1);
        let names = ["westus", "eastus", "northeurope", "westeurope", "japaneast"];
        let five: Vec<_> = names
            .iter()
            .map(|n| serde_json::json!({"name": n}))
            .collect();
        let five = regions(serde_json::json!({ "targetRegions": five })).unwrap();
        let read: Vec<_> = five.iter().map(|t| t.name.as_deref().unwrap()).collect();
        assert_eq!(read, names);
        assert!(
            five.capacity() <= 2 * five.len(),
            "grown by doubling from one"
        );
        assert_eq!(regions(serde_json::json!({"targetRegions": null})), None);
        assert_eq!(regions(serde_json::json!({})), None);
        assert_eq!(
            regions(serde_json::json!({"targetRegions": []})),
            Some(vec![])
        );
        assert!(serde_json::from_value::<PublishingProfile>(
            serde_json::json!({"targetRegions": "westus"})
        )
        .is_err());
    }
}
