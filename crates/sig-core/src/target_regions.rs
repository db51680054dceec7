//! The az CLI's `--target-regions` syntax, both ways (Azure CLI reference, `az sig image-version create --target-regions`):
//! `<region>[=<replica count>][=<storage account type>]`, e.g. `South Central US=2`,
//! `eastus=2=standard_zrs`, `westus2=Premium_LRS`.
//!
//! Why: that is how users write target regions in pipelines; the simulator reads it with the CLI's
//! own error texts and prints a version's targets back in it.
//!
//! Parsing follows `process_gallery_image_version_namespace` (azure-cli `vm/_validators.py`):
//! `entry.split('=', 2)`; with two parts the second is a replica count when it parses as an
//! integer, else a storage account type; with three parts the second must be an integer and the
//! third a storage type. Deliberate differences, documented:
//! * storage types are accepted in any case in *both* positions (the CLI code compares the third
//!   part case-sensitively against lower-case names; its docs use lower case — Azure CLI reference, `az sig image-version create --target-regions` calls
//!   the runtime behaviour unconfirmed) and are emitted in Azure's spelling;
//! * an empty region name is refused here (the CLI would send it and the service would refuse it);
//! * like the CLI, region names and replica ranges are not checked here: the service-side rules in
//!   [`crate::rules::version`] do that when the version is created or updated.

use crate::arm;
use crate::diagnostics::{Code, Diagnostic};
use crate::kinds::StorageAccountType;
use crate::world::VersionEntry;

/// One parsed `--target-regions` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetRegionSpec {
    /// Region as written (the service accepts names and display names).
    pub name: String,
    /// Regional replica count, when given (absent = the version's common `replicaCount`).
    pub regional_replica_count: Option<i64>,
    /// Storage account type, when given (absent = the version's `storageAccountType`).
    pub storage_account_type: Option<StorageAccountType>,
}

impl TargetRegionSpec {
    /// The ARM `targetRegions[]` entry (`name`, `regionalReplicaCount`, `storageAccountType`).
    pub fn to_arm(&self) -> arm::TargetRegion {
        arm::TargetRegion {
            name: Some(self.name.clone()),
            regional_replica_count: self.regional_replica_count,
            storage_account_type: self.storage_account_type.map(|t| t.as_str().to_string()),
            ..Default::default()
        }
    }
}

const TYPES: &str = "standard_lrs, standard_zrs, premium_lrs";

fn refuse(entry: &str, why: &str) -> Diagnostic {
    Diagnostic::new(
        Code::TargetRegionArgumentInvalid,
        "--target-regions",
        "properties.publishingProfile.targetRegions",
        format!("usage error: {entry} is an invalid target region argument. {why}"),
    )
}

/// Python's `int()` on a string: optional surrounding whitespace, optional sign, ASCII digits
/// (underscores between digits allowed).
fn python_int(s: &str) -> Option<i64> {
    let t = s.trim();
    let (neg, digits) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    if digits.is_empty()
        || digits.starts_with('_')
        || digits.ends_with('_')
        || digits.contains("__")
        || !digits.chars().all(|c| c.is_ascii_digit() || c == '_')
    {
        return None;
    }
    let n: i64 = digits.replace('_', "").parse().ok()?;
    Some(if neg { -n } else { n })
}

/// Parses one entry, with the az CLI's error text for a bad one.
pub fn parse_entry(entry: &str) -> Result<TargetRegionSpec, Diagnostic> {
    let parts: Vec<&str> = entry.splitn(3, '=').collect();
    let name = parts[0].to_string();
    if name.trim().is_empty() {
        return Err(refuse(entry, "The region name is empty."));
    }
    let spec = |count, ty| TargetRegionSpec {
        name: name.clone(),
        regional_replica_count: count,
        storage_account_type: ty,
    };
    match parts.as_slice() {
        [_] => Ok(spec(None, None)),
        [_, second] => {
            if let Some(n) = python_int(second) {
                Ok(spec(Some(n), None))
            } else if let Some(t) = StorageAccountType::parse(second) {
                Ok(spec(None, Some(t)))
            } else {
                Err(refuse(entry, &format!("The second part is neither an integer replica count or a valid storage account type. Storage account types must be one of {TYPES}.")))
            }
        }
        [_, second, third] => {
            let Some(n) = python_int(second) else {
                return Err(refuse(
                    entry,
                    "The second part must be a valid integer replica count.",
                ));
            };
            let Some(t) = StorageAccountType::parse(third) else {
                return Err(refuse(entry, &format!("The third part is not a valid storage account type. Storage account types must be one of {TYPES}.")));
            };
            Ok(spec(Some(n), Some(t)))
        }
        _ => unreachable!("splitn(3) yields 1 to 3 parts"),
    }
}

/// Parses every entry; the first bad one is the error (as the CLI stops at it).
pub fn parse_entries<S: AsRef<str>>(entries: &[S]) -> Result<Vec<TargetRegionSpec>, Diagnostic> {
    entries.iter().map(|e| parse_entry(e.as_ref())).collect()
}

/// A version's effective target regions in `--target-regions` syntax, one entry per region:
/// `<name>=<replicas>=<storage type in lower case>` (lower case passes the CLI's own check).
pub fn format_targets(v: &VersionEntry) -> Vec<String> {
    v.targets
        .iter()
        .map(|t| {
            format!(
                "{}={}={}",
                t.region.as_str(),
                t.replicas,
                t.storage_account_type.as_str().to_ascii_lowercase()
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use StorageAccountType::*;

    #[test]
    fn accepted_forms() {
        let cases: &[(&str, &str, Option<i64>, Option<StorageAccountType>)] = &[
            ("westcentralus", "westcentralus", None, None),
            ("South Central US=2", "South Central US", Some(2), None),
            ("southcentralus=1", "southcentralus", Some(1), None),
            (
                "eastus=1=standard_zrs",
                "eastus",
                Some(1),
                Some(StandardZrs),
            ),
            (
                "eastus=2=Standard_ZRS",
                "eastus",
                Some(2),
                Some(StandardZrs),
            ),
            ("westus2=Premium_LRS", "westus2", None, Some(PremiumLrs)),
            ("westus2=premium_lrs", "westus2", None, Some(PremiumLrs)),
            ("westus=STANDARD_LRS", "westus", None, Some(StandardLrs)),
            (
                "East US 2=10=standard_zrs",
                "East US 2",
                Some(10),
                Some(StandardZrs),
            ),
            // Python int(): whitespace, sign, underscores; the range is the service's rule.
            ("eastus= 3 ", "eastus", Some(3), None),
            ("eastus=+4", "eastus", Some(4), None),
            ("eastus=0", "eastus", Some(0), None),
            ("eastus=-1", "eastus", Some(-1), None),
            ("eastus=1_0", "eastus", Some(10), None),
        ];
        for (input, name, count, ty) in cases {
            let got = parse_entry(input).unwrap_or_else(|e| panic!("{input}: {}", e.message));
            assert_eq!(
                got,
                TargetRegionSpec {
                    name: name.to_string(),
                    regional_replica_count: *count,
                    storage_account_type: *ty
                },
                "{input}"
            );
        }
    }

    #[test]
    fn refused_forms_use_the_cli_texts() {
        let second = "The second part is neither an integer replica count or a valid storage account type. Storage account types must be one of standard_lrs, standard_zrs, premium_lrs.";
        let int = "The second part must be a valid integer replica count.";
        let third = "The third part is not a valid storage account type. Storage account types must be one of standard_lrs, standard_zrs, premium_lrs.";
        let cases: &[(&str, &str)] = &[
            ("eastus=two", second),
            ("eastus=", second),
            ("eastus=PremiumV2_LRS", second),
            ("eastus=1.5", second),
            ("eastus=x=standard_lrs", int),
            ("eastus=standard_zrs=2", int),
            ("eastus=2=ultra", third),
            ("eastus=2=", third),
            ("eastus=2=standard_lrs=x", third),
            ("=2", "The region name is empty."),
            ("", "The region name is empty."),
        ];
        for (input, why) in cases {
            let e = parse_entry(input).expect_err(input);
            assert_eq!(e.code, Code::TargetRegionArgumentInvalid);
            assert_eq!(
                e.message,
                format!("usage error: {input} is an invalid target region argument. {why}")
            );
        }
        let err = parse_entries(&["eastus", "westus=bad", "x=y=z"]).unwrap_err();
        assert!(err.message.starts_with("usage error: westus=bad "));
    }

    #[test]
    fn to_arm_uses_azure_spelling() {
        let a = parse_entry("eastus=2=standard_zrs").unwrap().to_arm();
        assert_eq!(
            arm::to_value(&a),
            serde_json::json!({"name": "eastus", "regionalReplicaCount": 2, "storageAccountType": "Standard_ZRS"})
        );
        let b = parse_entry("westus").unwrap().to_arm();
        assert_eq!(arm::to_value(&b), serde_json::json!({"name": "westus"}));
    }
}
