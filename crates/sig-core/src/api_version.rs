//! API versions (seed FAQ + the GalleryRP api-version history in Azure's REST specs): a property only exists from a given api-version on, and
//! the seed recommends minimum versions for gallery work and for VMs built from an image version.

use crate::arm;
use crate::diagnostics::{Code, Diagnostic};
use std::fmt;

/// A parsed `yyyy-MM-dd[-preview]` api-version; ordered by date (preview sorts before stable).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ApiVersion {
    date: (u16, u8, u8),
    stable: bool,
}

impl ApiVersion {
    /// Parses `2019-03-01` or `2020-09-30-preview`.
    pub fn parse(s: &str) -> Option<ApiVersion> {
        let (date, stable) = match s.len() {
            10 => (s, true),
            _ => (s.strip_suffix("-preview")?, false),
        };
        let b = date.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let num = |r: std::ops::Range<usize>| -> Option<u16> {
            let part = date.get(r)?;
            if part.bytes().all(|c| c.is_ascii_digit()) {
                part.parse().ok()
            } else {
                None
            }
        };
        let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
        if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
            return None;
        }
        Some(ApiVersion {
            date: (y, m as u8, d as u8),
            stable,
        })
    }

    const fn stable(y: u16, m: u8, d: u8) -> ApiVersion {
        ApiVersion {
            date: (y, m, d),
            stable: true,
        }
    }
}

impl fmt::Display for ApiVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.date;
        write!(f, "{y:04}-{m:02}-{d:02}")?;
        if !self.stable {
            f.write_str("-preview")?;
        }
        Ok(())
    }
}

/// Seed FAQ: "we recommend you use API version 2018-06-01" for galleries, definitions and versions.
pub const RECOMMENDED_GALLERY_API: ApiVersion = ApiVersion::stable(2018, 6, 1);
/// Seed FAQ: VMs and scale sets using an image version: "2018-04-01 or higher".
pub const RECOMMENDED_VM_API: ApiVersion = ApiVersion::stable(2018, 4, 1);

const V2019_03_01: ApiVersion = ApiVersion::stable(2019, 3, 1);
const V2019_07_01: ApiVersion = ApiVersion::stable(2019, 7, 1);
const V2019_12_01: ApiVersion = ApiVersion::stable(2019, 12, 1);
const V2020_09_30: ApiVersion = ApiVersion::stable(2020, 9, 30);
const V2021_07_01: ApiVersion = ApiVersion::stable(2021, 7, 1);
const V2021_10_01: ApiVersion = ApiVersion::stable(2021, 10, 1);
const V2022_01_03: ApiVersion = ApiVersion::stable(2022, 1, 3);
const V2022_03_03: ApiVersion = ApiVersion::stable(2022, 3, 3);
const V2023_07_03: ApiVersion = ApiVersion::stable(2023, 7, 3);
const V2024_03_03: ApiVersion = ApiVersion::stable(2024, 3, 3);

/// One row of the feature table (the GalleryRP api-version history in Azure's REST specs): the property path and the first api-version having it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeatureGate {
    /// JSON path of the property (`[]` = any element).
    pub path: &'static str,
    /// First api-version that knows the property.
    pub min: ApiVersion,
}

/// The feature table the checks use, for docs/UI.
pub const FEATURE_GATES: &[FeatureGate] = &[
    FeatureGate {
        path: "properties.hyperVGeneration",
        min: V2019_03_01,
    },
    FeatureGate {
        path: "properties.publishingProfile.storageAccountType",
        min: V2019_03_01,
    },
    FeatureGate {
        path: "properties.publishingProfile.targetRegions[].storageAccountType",
        min: V2019_03_01,
    },
    FeatureGate {
        path: "properties.storageProfile.source.id",
        min: V2019_07_01,
    },
    FeatureGate {
        path: "properties.storageProfile.osDiskImage.source",
        min: V2019_07_01,
    },
    FeatureGate {
        path: "properties.storageProfile.dataDiskImages[].source",
        min: V2019_07_01,
    },
    FeatureGate {
        path: "properties.publishingProfile.targetRegions[].encryption",
        min: V2019_12_01,
    },
    FeatureGate {
        path: "properties.publishingProfile.targetRegions[].encryption.osDiskImage.securityProfile",
        min: V2021_10_01,
    },
    FeatureGate {
        path: "properties.storageProfile.osDiskImage.source.uri",
        min: V2020_09_30,
    },
    FeatureGate {
        path: "properties.sharingProfile",
        min: V2020_09_30,
    },
    FeatureGate {
        path: "properties.publishingProfile.replicationMode",
        min: V2021_07_01,
    },
    FeatureGate {
        path: "properties.architecture",
        min: V2021_10_01,
    },
    FeatureGate {
        path: "properties.publishingProfile.targetExtendedLocations",
        min: V2022_01_03,
    },
    FeatureGate {
        path: "properties.safetyProfile",
        min: V2022_03_03,
    },
    FeatureGate {
        path: "properties.storageProfile.osDiskImage.source.storageAccountId",
        min: V2022_03_03,
    },
    FeatureGate {
        path: "properties.storageProfile.source.virtualMachineId",
        min: V2023_07_03,
    },
    FeatureGate {
        path: "properties.sharingProfile.communityGalleryInfo",
        min: V2021_10_01,
    },
    FeatureGate {
        path: "properties.sharingProfile.permissions (Community)",
        min: V2022_01_03,
    },
    FeatureGate {
        path: "properties.softDeletePolicy",
        min: V2024_03_03,
    },
    FeatureGate {
        path: "identity",
        min: V2024_03_03,
    },
    FeatureGate {
        path: "properties.allowUpdateImage",
        min: V2024_03_03,
    },
    FeatureGate {
        path: "properties.features[].startsAtVersion",
        min: V2024_03_03,
    },
    FeatureGate {
        path: "properties.safetyProfile.blockDeletionBeforeEndOfLife",
        min: V2024_03_03,
    },
    FeatureGate {
        path: "properties.restore",
        min: V2024_03_03,
    },
    FeatureGate {
        path: "properties.publishingProfile.targetRegions[].additionalReplicaSets",
        min: V2024_03_03,
    },
];

struct Checker<'a> {
    api: ApiVersion,
    raw: &'a str,
    rid: &'a str,
    out: Vec<Diagnostic>,
}

impl Checker<'_> {
    fn gate(&mut self, used: bool, path: &str, min: ApiVersion) {
        if used && self.api < min {
            self.out.push(Diagnostic::new(
                Code::FeatureRequiresNewerApiVersion,
                self.rid,
                path,
                format!(
                    "Property '{path}' requires api-version {min} or later; this resource uses api-version {}.",
                    self.raw
                ),
            ));
        }
    }
}

fn start<'a>(
    api: Option<&'a str>,
    rid: &'a str,
    recommended: ApiVersion,
    what: &str,
) -> Result<Checker<'a>, Vec<Diagnostic>> {
    let Some(raw) = api else {
        return Err(Vec::new());
    };
    if crate::template::is_expression(raw) {
        return Err(Vec::new());
    }
    let Some(v) = ApiVersion::parse(raw) else {
        return Err(vec![Diagnostic::new(
            Code::ApiVersionInvalid,
            rid,
            "apiVersion",
            format!("apiVersion '{raw}' is not a valid api-version (expected yyyy-MM-dd, optionally with -preview)."),
        )]);
    };
    let mut c = Checker {
        api: v,
        raw,
        rid,
        out: Vec::new(),
    };
    if v < recommended {
        c.out.push(Diagnostic::new(
            Code::ApiVersionBelowRecommended,
            rid,
            "apiVersion",
            format!("For {what} we recommend you use API version {recommended} or later; this resource uses {raw}."),
        ));
    }
    Ok(c)
}

/// Checks a gallery against its api-version (if it has one).
pub fn check_gallery(g: &arm::Gallery, api: Option<&str>, rid: &str) -> Vec<Diagnostic> {
    let mut c = match start(
        api,
        rid,
        RECOMMENDED_GALLERY_API,
        "galleries, image definitions and image versions",
    ) {
        Ok(c) => c,
        Err(d) => return d,
    };
    let p = g.properties.as_ref();
    c.gate(
        p.is_some_and(|p| p.sharing_profile.is_some()),
        "properties.sharingProfile",
        V2020_09_30,
    );
    let sharing = p.and_then(|p| p.sharing_profile.as_ref());
    c.gate(
        sharing.is_some_and(|s| s.community_gallery_info.is_some()),
        "properties.sharingProfile.communityGalleryInfo",
        V2021_10_01,
    );
    c.gate(
        sharing
            .and_then(|s| s.permissions.as_deref())
            .is_some_and(|v| v.eq_ignore_ascii_case("Community")),
        "properties.sharingProfile.permissions",
        V2022_01_03,
    );
    c.gate(
        p.is_some_and(|p| p.soft_delete_policy.is_some()),
        "properties.softDeletePolicy",
        V2024_03_03,
    );
    c.gate(g.identity.is_some(), "identity", V2024_03_03);
    c.out
}

/// Checks an image definition against its api-version.
pub fn check_image(i: &arm::GalleryImage, api: Option<&str>, rid: &str) -> Vec<Diagnostic> {
    let mut c = match start(
        api,
        rid,
        RECOMMENDED_GALLERY_API,
        "galleries, image definitions and image versions",
    ) {
        Ok(c) => c,
        Err(d) => return d,
    };
    let Some(p) = i.properties.as_ref() else {
        return c.out;
    };
    c.gate(
        p.hyper_v_generation.is_some(),
        "properties.hyperVGeneration",
        V2019_03_01,
    );
    c.gate(
        p.architecture.is_some(),
        "properties.architecture",
        V2021_10_01,
    );
    c.gate(
        p.allow_update_image.is_some(),
        "properties.allowUpdateImage",
        V2024_03_03,
    );
    for (n, f) in p.features.iter().flatten().enumerate() {
        c.gate(
            f.starts_at_version.is_some(),
            &format!("properties.features[{n}].startsAtVersion"),
            V2024_03_03,
        );
    }
    c.out
}

/// Checks an image version against its api-version.
pub fn check_version(
    v: &arm::GalleryImageVersion,
    api: Option<&str>,
    rid: &str,
) -> Vec<Diagnostic> {
    let mut c = match start(
        api,
        rid,
        RECOMMENDED_GALLERY_API,
        "galleries, image definitions and image versions",
    ) {
        Ok(c) => c,
        Err(d) => return d,
    };
    let Some(p) = v.properties.as_ref() else {
        return c.out;
    };
    if let Some(pp) = &p.publishing_profile {
        c.gate(
            pp.storage_account_type.is_some(),
            "properties.publishingProfile.storageAccountType",
            V2019_03_01,
        );
        c.gate(
            pp.replication_mode.is_some(),
            "properties.publishingProfile.replicationMode",
            V2021_07_01,
        );
        c.gate(
            pp.target_extended_locations.is_some(),
            "properties.publishingProfile.targetExtendedLocations",
            V2022_01_03,
        );
        for (n, t) in pp.target_regions.iter().flatten().enumerate() {
            let base = format!("properties.publishingProfile.targetRegions[{n}]");
            c.gate(
                t.storage_account_type.is_some(),
                &format!("{base}.storageAccountType"),
                V2019_03_01,
            );
            c.gate(
                t.encryption.is_some(),
                &format!("{base}.encryption"),
                V2019_12_01,
            );
            c.gate(
                t.additional_replica_sets.is_some(),
                &format!("{base}.additionalReplicaSets"),
                V2024_03_03,
            );
            // Confidential VM encryption: 2021-10-01; its NonPersistedTPM value: 2023-07-03
            // (absent from the 2022-03-03 spec's enum).
            let cvm = t
                .encryption
                .as_ref()
                .and_then(|e| e.os_disk_image.as_ref())
                .and_then(|o| o.get("securityProfile"));
            c.gate(
                cvm.is_some(),
                &format!("{base}.encryption.osDiskImage.securityProfile"),
                V2021_10_01,
            );
            c.gate(
                cvm.and_then(|p| p.get("confidentialVMEncryptionType"))
                    .and_then(|v| v.as_str())
                    .is_some_and(|v| v.eq_ignore_ascii_case("NonPersistedTPM")),
                &format!(
                    "{base}.encryption.osDiskImage.securityProfile.confidentialVMEncryptionType"
                ),
                V2023_07_03,
            );
        }
    }
    if let Some(sp) = &p.storage_profile {
        let src = sp.source.as_ref();
        c.gate(
            src.is_some_and(|s| s.id.is_some()),
            "properties.storageProfile.source.id",
            V2019_07_01,
        );
        c.gate(
            src.is_some_and(|s| s.virtual_machine_id.is_some()),
            "properties.storageProfile.source.virtualMachineId",
            V2023_07_03,
        );
        if let Some(os) = sp.os_disk_image.as_ref().and_then(|d| d.source.as_ref()) {
            c.gate(
                true,
                "properties.storageProfile.osDiskImage.source",
                V2019_07_01,
            );
            c.gate(
                os.uri.is_some(),
                "properties.storageProfile.osDiskImage.source.uri",
                V2020_09_30,
            );
            c.gate(
                os.storage_account_id.is_some(),
                "properties.storageProfile.osDiskImage.source.storageAccountId",
                V2022_03_03,
            );
        }
        for (n, d) in sp.data_disk_images.iter().flatten().enumerate() {
            c.gate(
                d.source.is_some(),
                &format!("properties.storageProfile.dataDiskImages[{n}].source"),
                V2019_07_01,
            );
        }
    }
    if let Some(sp) = &p.safety_profile {
        c.gate(true, "properties.safetyProfile", V2022_03_03);
        c.gate(
            sp.block_deletion_before_end_of_life.is_some(),
            "properties.safetyProfile.blockDeletionBeforeEndOfLife",
            V2024_03_03,
        );
    }
    c.gate(p.restore.is_some(), "properties.restore", V2024_03_03);
    c.out
}

/// Checks a VM / scale set that deploys from a gallery image version (seed FAQ: 2018-04-01+).
pub fn check_vm_from_gallery(api: Option<&str>, rid: &str) -> Vec<Diagnostic> {
    match start(
        api,
        rid,
        RECOMMENDED_VM_API,
        "VM and Virtual Machine Scale Set deployments using an image version",
    ) {
        Ok(c) => c.out,
        Err(d) => d,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_order() {
        let v = |s| ApiVersion::parse(s).unwrap();
        assert!(v("2019-03-01") > v("2018-06-01"));
        assert!(v("2020-09-30-preview") < v("2020-09-30"));
        assert_eq!(v("2020-09-30-preview").to_string(), "2020-09-30-preview");
        for bad in [
            "",
            "2019-3-1",
            "2019-13-01",
            "20190301",
            "2019-03-01-beta",
            "abcd-ef-gh",
            "2019-03-00",
        ] {
            assert!(ApiVersion::parse(bad).is_none(), "{bad}");
        }
    }

    fn version_with_zrs() -> arm::GalleryImageVersion {
        serde_json::from_value(serde_json::json!({
            "location": "eastus",
            "properties": {"publishingProfile": {"targetRegions": [{"name": "eastus", "storageAccountType": "Standard_ZRS"}]}}
        }))
        .unwrap()
    }

    #[test]
    fn zrs_needs_2019_03_01() {
        let v = version_with_zrs();
        let d = check_version(&v, Some("2018-06-01"), "r");
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].code, Code::FeatureRequiresNewerApiVersion);
        assert_eq!(
            d[0].path,
            "properties.publishingProfile.targetRegions[0].storageAccountType"
        );
        assert!(check_version(&v, Some("2019-03-01"), "r").is_empty());
        assert!(check_version(&v, None, "r").is_empty());
    }

    #[test]
    fn confidential_vm_encryption_needs_2021_10_01_and_non_persisted_tpm_2023_07_03() {
        let with = |kind: &str| -> arm::GalleryImageVersion {
            serde_json::from_value(serde_json::json!({
                "location": "eastus",
                "properties": {"publishingProfile": {"targetRegions": [{"name": "eastus",
                    "encryption": {"osDiskImage": {"securityProfile": {"confidentialVMEncryptionType": kind}}}}]}}
            }))
            .unwrap()
        };
        let paths = |v: &arm::GalleryImageVersion, api: &str| -> Vec<String> {
            check_version(v, Some(api), "r")
                .into_iter()
                .map(|d| d.path)
                .collect()
        };
        let base =
            "properties.publishingProfile.targetRegions[0].encryption.osDiskImage.securityProfile";
        assert_eq!(
            paths(&with("EncryptedWithPmk"), "2021-07-01"),
            [base.to_string()]
        );
        assert!(paths(&with("EncryptedWithPmk"), "2021-10-01").is_empty());
        assert_eq!(
            paths(&with("NonPersistedTPM"), "2022-03-03"),
            [format!("{base}.confidentialVMEncryptionType")]
        );
        assert!(paths(&with("NonPersistedTPM"), "2023-07-03").is_empty());
    }

    #[test]
    fn community_galleries_need_2021_10_01_for_their_info_and_2022_01_03_for_the_value() {
        let g: arm::Gallery = serde_json::from_value(serde_json::json!({"location": "westus",
            "properties": {"sharingProfile": {"permissions": "Community",
                "communityGalleryInfo": {"publicNamePrefix": "Contoso"}}}}))
        .unwrap();
        let paths = |api: &str| -> Vec<String> {
            check_gallery(&g, Some(api), "r")
                .into_iter()
                .map(|d| d.path)
                .collect()
        };
        assert_eq!(
            paths("2021-07-01"),
            [
                "properties.sharingProfile.communityGalleryInfo",
                "properties.sharingProfile.permissions"
            ]
        );
        assert_eq!(
            paths("2021-10-01"),
            ["properties.sharingProfile.permissions"]
        );
        assert!(paths("2022-01-03").is_empty());
    }

    #[test]
    fn seed_advice() {
        let g = arm::Gallery::default();
        assert_eq!(
            check_gallery(&g, Some("2017-12-01"), "r")[0].code,
            Code::ApiVersionBelowRecommended
        );
        assert!(check_gallery(&g, Some("2018-06-01"), "r").is_empty());
        assert_eq!(
            check_vm_from_gallery(Some("2018-03-31"), "r")[0].code,
            Code::ApiVersionBelowRecommended
        );
        assert!(check_vm_from_gallery(Some("2018-04-01"), "r").is_empty());
        assert_eq!(
            check_gallery(&g, Some("latest"), "r")[0].code,
            Code::ApiVersionInvalid
        );
    }
}
