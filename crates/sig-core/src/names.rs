//! Validated name newtypes. Their `Deserialize` goes through `new`, so an invalid name cannot exist
//! in the validated world; the raw ARM DTOs keep plain strings so bad input can still be reported.

use crate::diagnostics::Code;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::cmp::Ordering;
use std::fmt;

/// Why a name was refused: the rule's code and Azure's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameError {
    /// The diagnostic code of the broken rule.
    pub code: Code,
    /// Human message (Azure's text where it has one).
    pub message: String,
}

impl fmt::Display for NameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for NameError {}

/// Longest gallery / image definition name.
pub const MAX_RESOURCE_NAME_LEN: usize = 80;
/// Longest publisher.
pub const MAX_PUBLISHER_LEN: usize = 128;
/// Longest offer or SKU.
pub const MAX_OFFER_SKU_LEN: usize = 64;

fn trailing_error(code: Code, name: &str, c: char, forbidden: &str) -> NameError {
    NameError {
        code,
        message: format!(
            "The provided resource name {name} has these invalid trailing characters: {c}. The name can not end with characters: {forbidden}"
        ),
    }
}

macro_rules! string_newtype {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(String);

        impl $name {
            /// The name as given (case preserved; compare with `eq_ignore_case` for ARM semantics).
            pub fn as_str(&self) -> &str {
                &self.0
            }
            /// ARM names are case-insensitive.
            pub fn eq_ignore_case(&self, other: &str) -> bool {
                self.0.eq_ignore_ascii_case(other)
            }
        }
        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({:?})", stringify!($name), self.0)
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }
        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                $name::new(&s).map_err(serde::de::Error::custom)
            }
        }
    };
}

string_newtype!(
    /// A gallery name: 1–80 chars of `[A-Za-z0-9._]`, starting and ending alphanumeric, no dashes.
    GalleryName
);
string_newtype!(
    /// An image definition name: 1–80 chars of `[A-Za-z0-9._-]`, starting alphanumeric, not ending in `.`, `-`, `_`.
    ImageDefinitionName
);
string_newtype!(
    /// Image definition publisher: 1–128 chars of `[A-Za-z0-9._-]`, not ending in `.`.
    Publisher
);
string_newtype!(
    /// Image definition offer: 1–64 chars of `[A-Za-z0-9._-]`, not ending in `.`.
    Offer
);
string_newtype!(
    /// Image definition SKU: 1–64 chars of `[A-Za-z0-9._-]`, not ending in `.`.
    Sku
);

const GALLERY_NAME_MESSAGE: &str = "Gallery name is invalid. Allowed characters are English alphanumeric characters, with underscores, and periods allowed in the middle, up to 80 characters total. All other special characters, including dashes, are disallowed.";

impl GalleryName {
    /// Validates a gallery name (Azure docs, "Create a gallery": naming, simulator rule: no dashes).
    pub fn new(s: &str) -> Result<Self, NameError> {
        let general = || NameError {
            code: Code::GalleryNameInvalid,
            message: GALLERY_NAME_MESSAGE.to_string(),
        };
        let first = s.chars().next().ok_or_else(general)?;
        if s.chars().count() > MAX_RESOURCE_NAME_LEN
            || !first.is_ascii_alphanumeric()
            || !s
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_')
        {
            return Err(general());
        }
        match s.chars().last() {
            Some(c) if !c.is_ascii_alphanumeric() => {
                Err(trailing_error(Code::GalleryNameInvalid, s, c, "'.', '_'"))
            }
            _ => Ok(GalleryName(s.to_string())),
        }
    }
}

impl ImageDefinitionName {
    /// Validates an image definition name (Azure docs, "Image definitions").
    pub fn new(s: &str) -> Result<Self, NameError> {
        let general = || {
            NameError {
            code: Code::ImageDefinitionNameInvalid,
            message: format!(
                "The entity name '{s}' is invalid according to its validation rule: ^[^\\_\\W][\\w-.\\_]{{0,79}}(?<![-.])$."
            ),
        }
        };
        let first = s.chars().next().ok_or_else(general)?;
        if s.chars().count() > MAX_RESOURCE_NAME_LEN
            || !first.is_ascii_alphanumeric()
            || !s
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        {
            return Err(general());
        }
        match s.chars().last() {
            Some(c) if !c.is_ascii_alphanumeric() => Err(trailing_error(
                Code::ImageDefinitionNameInvalid,
                s,
                c,
                "'.', '-', '_'",
            )),
            _ => Ok(ImageDefinitionName(s.to_string())),
        }
    }
}

fn identifier(s: &str, property: &str, max: usize) -> Result<String, NameError> {
    let ok = !s.is_empty()
        && s.chars().count() <= max
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'))
        && !s.ends_with('.');
    if ok {
        Ok(s.to_string())
    } else {
        Err(NameError {
            code: Code::IdentifierInvalid,
            message: format!(
                "Asset name galleryImage.properties.identifier.{property} is not valid. It cannot be empty. Allowed characters are uppercase or lowercase letters, digits, hyphen(-), period (.), underscore (_). Names are not allowed to end with period(.). The length of the name cannot exceed {max} characters."
            ),
        })
    }
}

impl Publisher {
    /// Validates a publisher (≤ 128 chars).
    pub fn new(s: &str) -> Result<Self, NameError> {
        identifier(s, "publisher", MAX_PUBLISHER_LEN).map(Publisher)
    }
}
impl Offer {
    /// Validates an offer (≤ 64 chars).
    pub fn new(s: &str) -> Result<Self, NameError> {
        identifier(s, "offer", MAX_OFFER_SKU_LEN).map(Offer)
    }
}
impl Sku {
    /// Validates a SKU (≤ 64 chars).
    pub fn new(s: &str) -> Result<Self, NameError> {
        identifier(s, "sku", MAX_OFFER_SKU_LEN).map(Sku)
    }
}

/// An image version name `Major.Minor.Patch`, each part an integer in `0..=2147483647`.
///
/// Ordering is numeric per component (so `1.0.12 > 1.0.9`, the bug third-party tools had);
/// ties between spellings such as `1.01.0` and `1.1.0` are broken by the text so `Ord` agrees with `Eq`.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ImageVersionName {
    raw: String,
    parts: [u32; 3],
}

const VERSION_NAME_MESSAGE: &str = "The image version name is invalid. The image version name should follow Major(int).Minor(int).Patch(int) format, for e.g: 1.0.0, 2018.12.1 etc.";

impl ImageVersionName {
    /// Validates `Major.Minor.Patch` (Azure docs, "Image versions").
    pub fn new(s: &str) -> Result<Self, NameError> {
        let err = || NameError {
            code: Code::ImageVersionNameInvalid,
            message: VERSION_NAME_MESSAGE.to_string(),
        };
        // One pass over the bytes, no split: every version read back is named again (100,000
        // at ten times the limits; the split-and-parse took ~26 ms of opening in the browser,
        // profiled).
        let mut parts = [0u32; 3];
        let mut n = 0;
        let mut digits = false;
        let mut value: u64 = 0;
        for &b in s.as_bytes().iter().chain(std::iter::once(&b'.')) {
            if b == b'.' {
                if n == 3 || !digits {
                    return Err(err());
                }
                parts[n] = value as u32;
                n += 1;
                digits = false;
                value = 0;
            } else if b.is_ascii_digit() {
                digits = true;
                // Leading zeros add nothing; anything past i32::MAX is refused at once.
                value = value * 10 + u64::from(b - b'0');
                if value > i32::MAX as u64 {
                    return Err(err());
                }
            } else {
                return Err(err());
            }
        }
        if n != 3 {
            return Err(err());
        }
        Ok(ImageVersionName {
            raw: s.to_string(),
            parts,
        })
    }
    /// The name as given.
    pub fn as_str(&self) -> &str {
        &self.raw
    }
    /// `(major, minor, patch)`.
    pub fn parts(&self) -> (u32, u32, u32) {
        (self.parts[0], self.parts[1], self.parts[2])
    }
}

impl PartialOrd for ImageVersionName {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for ImageVersionName {
    fn cmp(&self, other: &Self) -> Ordering {
        self.parts
            .cmp(&other.parts)
            .then_with(|| self.raw.cmp(&other.raw))
    }
}
impl fmt::Debug for ImageVersionName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ImageVersionName({:?})", self.raw)
    }
}
impl fmt::Display for ImageVersionName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}
impl Serialize for ImageVersionName {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.raw)
    }
}
impl<'de> Deserialize<'de> for ImageVersionName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        ImageVersionName::new(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(n: usize) -> String {
        "a".repeat(n)
    }

    #[test]
    fn gallery_names() {
        let ok = [
            "g".to_string(),
            "my_gallery.v1".into(),
            "A1".into(),
            a(80),
            "1gallery".into(),
        ];
        for s in ok {
            assert!(GalleryName::new(&s).is_ok(), "{s}");
        }
        let bad = [
            ("".to_string(), false),
            (a(81), false),
            ("my-gallery".into(), false),
            ("_g".into(), false),
            (".g".into(), false),
            ("g.".into(), true),
            ("g_".into(), true),
            ("gäl".into(), false),
            ("g g".into(), false),
        ];
        for (s, trailing) in bad {
            let e = GalleryName::new(&s).unwrap_err();
            assert_eq!(e.code, Code::GalleryNameInvalid);
            assert_eq!(
                e.message.contains("trailing"),
                trailing,
                "{s}: {}",
                e.message
            );
        }
        assert!(GalleryName::new("g.")
            .unwrap_err()
            .message
            .starts_with("The provided resource name g. has these invalid trailing characters: ."));
    }

    #[test]
    fn definition_names() {
        for s in ["d", "my-image_1.0x", &a(80), "9-a"] {
            assert!(ImageDefinitionName::new(s).is_ok(), "{s}");
        }
        for s in ["", &a(81), "-a", "_a", ".a", "a-", "a.", "a_", "a b", "a/b"] {
            assert_eq!(
                ImageDefinitionName::new(s).unwrap_err().code,
                Code::ImageDefinitionNameInvalid,
                "{s}"
            );
        }
    }

    #[test]
    fn identifiers() {
        assert!(Publisher::new(&a(128)).is_ok());
        assert!(Publisher::new(&a(129)).is_err());
        assert!(Offer::new(&a(64)).is_ok());
        assert!(Offer::new(&a(65)).is_err());
        assert!(Sku::new(&a(64)).is_ok());
        assert!(Sku::new(&a(65)).is_err());
        for s in ["x-y_z.1", "-lead", "_", "a.b"] {
            assert!(Sku::new(s).is_ok(), "{s}");
        }
        for s in ["", "a.", "a b", "a/b", "a+b"] {
            let e = Offer::new(s).unwrap_err();
            assert_eq!(e.code, Code::IdentifierInvalid);
            assert!(e
                .message
                .starts_with("Asset name galleryImage.properties.identifier.offer is not valid."));
            assert!(e.message.ends_with("cannot exceed 64 characters."));
        }
    }

    #[test]
    fn version_names() {
        for s in [
            "0.0.0",
            "1.0.0",
            "2018.12.1",
            "2147483647.2147483647.2147483647",
            "01.0.0",
            "0000000000000000000001.0.0",
        ] {
            assert!(ImageVersionName::new(s).is_ok(), "{s}");
        }
        for s in [
            "",
            "1",
            "1.0",
            "1.0.0.0",
            "2147483648.0.0",
            "1.-1.0",
            "1.a.0",
            "1..0",
            "1.0.",
            ".1.0",
            "1.0.0.",
            "v1.0.0",
            " 1.0.0",
            "+1.0.0",
            "99999999999999999999.0.0",
            "latest",
        ] {
            assert_eq!(
                ImageVersionName::new(s).unwrap_err().code,
                Code::ImageVersionNameInvalid,
                "{s}"
            );
        }
    }

    #[test]
    fn version_order_is_numeric() {
        let v = |s| ImageVersionName::new(s).unwrap();
        assert!(v("1.0.12") > v("1.0.9"));
        assert!(v("2.0.0") > v("1.99.99"));
        assert!(v("1.10.0") > v("1.9.5"));
        assert_eq!(v("1.01.0").parts(), v("1.1.0").parts());
        assert_ne!(v("1.01.0"), v("1.1.0"));
    }

    #[test]
    fn deserialize_runs_new() {
        assert!(serde_json::from_str::<GalleryName>("\"my-gallery\"").is_err());
        assert!(serde_json::from_str::<GalleryName>("\"mygallery\"").is_ok());
        assert!(serde_json::from_str::<ImageVersionName>("\"1.2\"").is_err());
    }
}
