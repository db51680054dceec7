//! Confidential VM images per target region (newer than the seed): a version of a definition
//! with SecurityType `ConfidentialVM` names, in each target region,
//! `encryption.osDiskImage.securityProfile.confidentialVMEncryptionType`.
//!
//! Sources: Azure's own `InvalidParameter` texts (azure-cli#22995: "The regional
//! encryption.osDiskImage.securityProfile.type must be specified when the SecurityType of the
//! image definition is ConfidentialVM."; packer-plugin-azure#373: "Only the home region … can be
//! specified as a target region for Images with the ConfidentialVM feature unless the
//! Confidential VM encryption type is set to 'NonPersistedTPM'."); the GalleryRP REST spec (the
//! four values); the confidential VM docs (`EncryptedWithCmk` uses a disk encryption set of type
//! `ConfidentialVmEncryptedWithCustomerKey`, passed as `secureVMDiskEncryptionSetId`; the other
//! types use platform keys or, for `NonPersistedTPM`, no persisted state, so they take none).
//! A type on a version of any other definition is refused: the other security types describe
//! "a generic Gen2 image that does not contain the VMGS blob".

use super::*;
use crate::kinds::SecurityType;

/// The values of `confidentialVMEncryptionType`.
pub const CONFIDENTIAL_TYPES: [&str; 4] = [
    "EncryptedVMGuestStateOnlyWithPmk",
    "EncryptedWithPmk",
    "EncryptedWithCmk",
    "NonPersistedTPM",
];

/// Checks every target region's confidential VM encryption against the definition's security
/// type and the version's home region.
pub(super) fn check_confidential(
    pp: &arm::PublishingProfile,
    security: Option<SecurityType>,
    home: Option<RegionName>,
    rid: &str,
    out: &mut Vec<Diagnostic>,
) {
    let confidential = security == Some(SecurityType::ConfidentialVm);
    for (i, t) in pp.target_regions.iter().flatten().enumerate() {
        let region = t.name.clone().unwrap_or_default();
        let base = format!("properties.publishingProfile.targetRegions[{i}].encryption.osDiskImage.securityProfile");
        let profile = t
            .encryption
            .as_ref()
            .and_then(|e| e.os_disk_image.as_ref())
            .and_then(|o| o.get("securityProfile"));
        let kind = profile
            .and_then(|p| p.get("confidentialVMEncryptionType"))
            .and_then(|v| v.as_str());
        let des = profile
            .and_then(|p| p.get("secureVMDiskEncryptionSetId"))
            .and_then(|v| v.as_str());
        let path = format!("{base}.confidentialVMEncryptionType");
        let Some(kind) = kind else {
            if confidential {
                out.push(Diagnostic::new(Code::InvalidParameter, rid, path, format!(
                    "The regional encryption.osDiskImage.securityProfile.type must be specified when the SecurityType of the image definition is ConfidentialVM (target region '{region}')."
                )));
            }
            continue;
        };
        let Some(kind) = CONFIDENTIAL_TYPES
            .iter()
            .find(|k| k.eq_ignore_ascii_case(kind))
        else {
            out.push(Diagnostic::new(
                Code::PropertyValueInvalid,
                rid,
                path,
                format!(
                    "The confidential VM encryption type '{kind}' is not one of {}.",
                    CONFIDENTIAL_TYPES.join(", ")
                ),
            ));
            continue;
        };
        if !confidential {
            out.push(Diagnostic::new(Code::EncryptionSettingsInvalid, rid, path, format!(
                "A confidential VM encryption type ('{kind}', target region '{region}') is only for versions of a definition with SecurityType ConfidentialVM; this definition's is '{}'.",
                security.map_or("Standard", |s| s.as_str())
            )));
            continue;
        }
        let here = RegionName::new(&region);
        if let (Some(home), Some(here)) = (home, here) {
            if here != home && *kind != "NonPersistedTPM" {
                out.push(Diagnostic::new(Code::InvalidParameter, rid, "properties.publishingProfile.targetRegions", format!(
                    "Only the home region '{}' can be specified as a target region for Images with the ConfidentialVM feature unless the Confidential VM encryption type is set to 'NonPersistedTPM'.",
                    home.as_str()
                )));
            }
        }
        let des_path = format!("{base}.secureVMDiskEncryptionSetId");
        match (*kind == "EncryptedWithCmk", des) {
            (true, None) => out.push(Diagnostic::new(Code::EncryptionSettingsInvalid, rid, des_path, format!(
                "EncryptedWithCmk in target region '{region}' needs secureVMDiskEncryptionSetId: a disk encryption set of type ConfidentialVmEncryptedWithCustomerKey in that region."
            ))),
            (false, Some(_)) => out.push(Diagnostic::new(Code::EncryptionSettingsInvalid, rid, des_path, format!(
                "secureVMDiskEncryptionSetId is only used with EncryptedWithCmk; '{kind}' in target region '{region}' takes none."
            ))),
            (true, Some(id)) if !ArmId::parse(id).is_some_and(|a| a.is_type("Microsoft.Compute/diskEncryptionSets")) => {
                out.push(Diagnostic::new(Code::EncryptionSettingsInvalid, rid, des_path, format!(
                    "'{id}' is not the id of a disk encryption set (Microsoft.Compute/diskEncryptionSets)."
                )))
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn codes(targets: serde_json::Value, security: Option<SecurityType>) -> Vec<(Code, String)> {
        let pp: arm::PublishingProfile =
            serde_json::from_value(json!({ "targetRegions": targets })).unwrap();
        let mut out = Vec::new();
        check_confidential(&pp, security, RegionName::new("eastus"), "v", &mut out);
        out.into_iter()
            .map(|d| {
                (
                    d.code,
                    d.path.rsplit('.').next().unwrap_or_default().to_string(),
                )
            })
            .collect()
    }

    fn region(name: &str, kind: Option<&str>, des: Option<&str>) -> serde_json::Value {
        let mut profile = serde_json::Map::new();
        if let Some(k) = kind {
            profile.insert("confidentialVMEncryptionType".into(), json!(k));
        }
        if let Some(d) = des {
            profile.insert("secureVMDiskEncryptionSetId".into(), json!(d));
        }
        if profile.is_empty() {
            json!({ "name": name })
        } else {
            json!({ "name": name, "encryption": { "osDiskImage": { "securityProfile": profile } } })
        }
    }

    #[test]
    fn confidential_images_name_a_type_per_region_stay_home_unless_non_persisted_and_cmk_needs_its_set(
    ) {
        let cvm = Some(SecurityType::ConfidentialVm);
        let des = "/subscriptions/s/resourceGroups/r/providers/Microsoft.Compute/diskEncryptionSets/cvm-des";
        type Case<'a> = (
            serde_json::Value,
            Option<SecurityType>,
            Vec<(Code, &'a str)>,
        );
        let cases: Vec<Case> = vec![
            (
                json!([region("eastus", Some("EncryptedWithPmk"), None)]),
                cvm,
                vec![],
            ),
            (
                json!([region("eastus", None, None)]),
                cvm,
                vec![(Code::InvalidParameter, "confidentialVMEncryptionType")],
            ),
            (
                json!([region("eastus", Some("Encrypted"), None)]),
                cvm,
                vec![(Code::PropertyValueInvalid, "confidentialVMEncryptionType")],
            ),
            (
                json!([
                    region("eastus", Some("EncryptedWithPmk"), None),
                    region("westus", Some("EncryptedWithPmk"), None)
                ]),
                cvm,
                vec![(Code::InvalidParameter, "targetRegions")],
            ),
            (
                json!([
                    region("eastus", Some("NonPersistedTPM"), None),
                    region("westus", Some("NonPersistedTPM"), None)
                ]),
                cvm,
                vec![],
            ),
            (
                json!([region("eastus", Some("EncryptedWithCmk"), None)]),
                cvm,
                vec![(
                    Code::EncryptionSettingsInvalid,
                    "secureVMDiskEncryptionSetId",
                )],
            ),
            (
                json!([region("eastus", Some("EncryptedWithCmk"), Some(des))]),
                cvm,
                vec![],
            ),
            (
                json!([region("eastus", Some("EncryptedWithCmk"), Some("my-key"))]),
                cvm,
                vec![(
                    Code::EncryptionSettingsInvalid,
                    "secureVMDiskEncryptionSetId",
                )],
            ),
            (
                json!([region("eastus", Some("EncryptedWithPmk"), Some(des))]),
                cvm,
                vec![(
                    Code::EncryptionSettingsInvalid,
                    "secureVMDiskEncryptionSetId",
                )],
            ),
            // Only ConfidentialVM definitions take a type; others need none.
            (
                json!([region("eastus", Some("EncryptedWithPmk"), None)]),
                Some(SecurityType::ConfidentialVmSupported),
                vec![(
                    Code::EncryptionSettingsInvalid,
                    "confidentialVMEncryptionType",
                )],
            ),
            (
                json!([region("eastus", None, None), region("westus", None, None)]),
                Some(SecurityType::ConfidentialVmSupported),
                vec![],
            ),
        ];
        for (targets, security, want) in cases {
            let want: Vec<(Code, String)> =
                want.into_iter().map(|(c, p)| (c, p.to_string())).collect();
            assert_eq!(codes(targets.clone(), security), want, "{targets}");
        }
    }
}
