//! Closed enumerations the rules reason about. Parsing is case-insensitive (ARM accepts any case);
//! printing uses Azure's spelling.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The allowed values of a closed enumeration, printed `A, B, C` (no allocation until printed).
#[derive(Debug, Clone, Copy)]
pub struct OneOf<T: 'static>(pub &'static [T]);

impl<T: std::fmt::Display> std::fmt::Display for OneOf<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, v) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            v.fmt(f)?;
        }
        Ok(())
    }
}

macro_rules! closed_enum {
    ($(#[$doc:meta])* $name:ident { $( $(#[$vdoc:meta])* $v:ident => $s:literal ),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name { $( $(#[$vdoc])* $v, )* }

        impl $name {
            /// Every value, for UIs and error messages.
            pub const ALL: &'static [$name] = &[$($name::$v),*];
            /// Case-insensitive parse.
            pub fn parse(s: &str) -> Option<Self> {
                $( if s.eq_ignore_ascii_case($s) { return Some($name::$v); } )*
                None
            }
            /// Azure's spelling.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$v => $s,)* }
            }
            /// `"A, B, C"` for messages.
            pub fn allowed() -> String {
                Self::one_of().to_string()
            }
            /// `"A, B, C"` as a `Display` value, formatted only when a message is built.
            pub fn one_of() -> OneOf<$name> {
                OneOf(Self::ALL)
            }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str(self.as_str()) }
        }
        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> { s.serialize_str(self.as_str()) }
        }
        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                $name::parse(&s).ok_or_else(|| serde::de::Error::custom(format!(
                    "'{s}' is not one of {}", $name::allowed())))
            }
        }
    };
}

closed_enum!(
    /// Operating system of an image.
    OsType { Windows => "Windows", Linux => "Linux" }
);
closed_enum!(
    /// Whether the image was generalized (sysprep/waagent) or is a specialized copy.
    OsState { Generalized => "Generalized", Specialized => "Specialized" }
);
closed_enum!(
    /// Hyper-V generation (default V1 when absent, per the 2020 docs).
    HyperVGeneration { V1 => "V1", V2 => "V2" }
);
closed_enum!(
    /// Replica storage types the seed allows.
    StorageAccountType { StandardLrs => "Standard_LRS", StandardZrs => "Standard_ZRS", PremiumLrs => "Premium_LRS" }
);
closed_enum!(
    /// Real managed disk types (for `disallowed.diskTypes`).
    DiskType {
        StandardLrs => "Standard_LRS", StandardSsdLrs => "StandardSSD_LRS", StandardSsdZrs => "StandardSSD_ZRS",
        PremiumLrs => "Premium_LRS", PremiumZrs => "Premium_ZRS", PremiumV2Lrs => "PremiumV2_LRS",
        UltraSsdLrs => "UltraSSD_LRS",
    }
);
closed_enum!(
    /// CPU architecture.
    Architecture { X64 => "x64", Arm64 => "Arm64" }
);
closed_enum!(
    /// Replication mode (not updatable).
    ReplicationMode { Full => "Full", Shallow => "Shallow" }
);
closed_enum!(
    /// Disk host caching.
    HostCaching { None => "None", ReadOnly => "ReadOnly", ReadWrite => "ReadWrite" }
);
closed_enum!(
    /// Values of the `SecurityType` feature.
    SecurityType {
        Standard => "Standard", TrustedLaunch => "TrustedLaunch", TrustedLaunchSupported => "TrustedLaunchSupported",
        ConfidentialVm => "ConfidentialVM", ConfidentialVmSupported => "ConfidentialVMSupported",
        TrustedLaunchAndConfidentialVmSupported => "TrustedLaunchAndConfidentialVmSupported",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_is_case_insensitive() {
        assert_eq!(OsType::parse("windows"), Some(OsType::Windows));
        assert_eq!(
            StorageAccountType::parse("standard_zrs"),
            Some(StorageAccountType::StandardZrs)
        );
        assert_eq!(StorageAccountType::parse("PremiumV2_LRS"), None);
        assert_eq!(
            DiskType::parse("premiumv2_lrs"),
            Some(DiskType::PremiumV2Lrs)
        );
        assert_eq!(HyperVGeneration::parse("V3"), None);
        assert_eq!(
            serde_json::to_string(&OsState::Specialized).unwrap(),
            "\"Specialized\""
        );
    }
}
