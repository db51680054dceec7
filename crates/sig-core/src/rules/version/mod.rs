//! Rules for one image version (REST: GalleryRP `GalleryImageVersion`; Azure docs, "Azure Compute Gallery" and
//! "Create an image definition and an image version"; the seed's limits and FAQ).

mod confidential;
mod encryption;
mod sources;
mod targets;

use super::common::{
    check_end_of_life, check_enum, check_envelope, check_uri, warn_location_differs,
};
use super::{source_key, ImageFacts, RuleCtx, SourceFacts};
use crate::arm;
use crate::diagnostics::{Code, Diagnostic};
use crate::ids::{ArmId, Key, VersionRef, VERSION_TYPE};
use crate::kinds::{HostCaching, HyperVGeneration, ReplicationMode, StorageAccountType};
use crate::limits::{
    MAX_DISK_SIZE_GB, MAX_REPLICAS_PER_REGION, MAX_SHALLOW_DISK_SIZE_GB, MIN_REPLICAS,
};
use crate::names::ImageVersionName;
use crate::regions::RegionName;
use crate::template::is_expression;
use confidential::check_confidential;
use encryption::check_encryption;
use sources::{check_disks, check_sources};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use targets::check_targets;

const ONE_SOURCE: &str = "The gallery artifact version source can only be specified either directly under storageProfile or within individual OS or data disks. One and only one source type (user image, snapshot, disk, virtual machine) can be provided.";

#[derive(Clone, Copy, PartialEq, Eq)]
enum Level {
    /// `storageProfile.source.id` / legacy managed image: image, VM or version.
    Image,
    /// `storageProfile.source.virtualMachineId`: VM only.
    Vm,
    /// Legacy `publishingProfile.source.managedImage.id`: managed image only.
    ManagedImage,
    /// OS disk source.
    OsDisk,
    /// Data disk source.
    DataDisk,
}

struct SourceUse<'a> {
    id: &'a str,
    /// Fixed paths are borrowed; indexed ones (data disks) are built per disk.
    path: Cow<'static, str>,
    level: Level,
}

/// `properties.publishingProfile.targetRegions[n]`, formatted only when a diagnostic needs it.
#[derive(Clone, Copy)]
struct TargetPath(usize);

impl fmt::Display for TargetPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "properties.publishingProfile.targetRegions[{}]", self.0)
    }
}

/// `properties.storageProfile.dataDiskImages[n]`, formatted only when a diagnostic needs it.
#[derive(Clone, Copy)]
struct DataDiskPath(usize);

impl fmt::Display for DataDiskPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "properties.storageProfile.dataDiskImages[{}]", self.0)
    }
}

fn replica_range(
    v: Option<i64>,
    param: impl fmt::Display,
    path: impl fmt::Display,
    rid: &str,
    out: &mut Vec<Diagnostic>,
) {
    if let Some(v) = v {
        if !(MIN_REPLICAS..=MAX_REPLICAS_PER_REGION).contains(&v) {
            out.push(Diagnostic::new(
                Code::ReplicaCountOutOfRange,
                rid,
                path.to_string(),
                format!("The value {v} of parameter {param} is out of range. The value must be between {MIN_REPLICAS} and {MAX_REPLICAS_PER_REGION}, inclusive."),
            ));
        }
    }
}

/// Whether a version is replicated with `replicationMode` Shallow.
pub(crate) fn is_shallow(pp: Option<&arm::PublishingProfile>) -> bool {
    pp.and_then(|p| p.replication_mode.as_deref())
        .and_then(ReplicationMode::parse)
        == Some(ReplicationMode::Shallow)
}

/// The seed's disk size limit; with Shallow replication, today's Azure's larger one.
fn disk_size(
    size: Option<i64>,
    shallow: bool,
    what: impl fmt::Display,
    path: impl fmt::Display,
    rid: &str,
    out: &mut Vec<Diagnostic>,
) {
    let Some(s) = size else { return };
    let message = if shallow && s > MAX_SHALLOW_DISK_SIZE_GB {
        format!("With replicationMode Shallow a disk may be up to 32 TB ({MAX_SHALLOW_DISK_SIZE_GB} GB); {what} is {s} GB.")
    } else if !shallow && s > MAX_DISK_SIZE_GB {
        format!("Any disk attached to the image must be less than or equal to 1TB in size ({MAX_DISK_SIZE_GB} GB); {what} is {s} GB. (Today's Azure accepts images under 2 TB, and up to 32 TB with replicationMode Shallow.)")
    } else {
        return;
    };
    out.push(Diagnostic::new(
        Code::DiskTooLarge,
        rid,
        path.to_string(),
        message,
    ));
}

fn kind_ok(id: &ArmId, level: Level) -> bool {
    let is = |t: &str| id.is_type(t);
    match level {
        Level::Image => {
            is("Microsoft.Compute/images")
                || is("Microsoft.Compute/virtualMachines")
                || is(VERSION_TYPE)
        }
        Level::Vm => is("Microsoft.Compute/virtualMachines"),
        Level::ManagedImage => is("Microsoft.Compute/images"),
        Level::OsDisk | Level::DataDisk => {
            is("Microsoft.Compute/disks") || is("Microsoft.Compute/snapshots")
        }
    }
}

fn kind_message(id: &str, level: Level) -> String {
    match level {
        Level::Image => format!("The source id: {id} must either be a managed image, virtual machine or another gallery image version"),
        Level::Vm => format!("The source id: {id} must be a virtual machine."),
        Level::ManagedImage => format!("The source id: {id} must be a managed image."),
        Level::OsDisk | Level::DataDisk => format!("The source id: {id} must be a managed disk or snapshot."),
    }
}

/// Checks the OS facts of a source against the parent definition (Azure's texts, Azure docs, "Image definitions": features and security types).
fn check_os_facts(
    f: &SourceFacts,
    parent: &ImageFacts,
    id: &str,
    path: &str,
    rid: &str,
    out: &mut Vec<Diagnostic>,
) {
    if let (Some(s), Some(p)) = (f.os_type, parent.os_type) {
        if s != p {
            out.push(Diagnostic::new(Code::OsTypeMismatch, rid, path,
                format!("The resource with id '{id}' has a different OS type ['{s}'] than the parent gallery image OS type generation ['{p}']")));
        }
    }
    if let (Some(s), Some(p)) = (f.os_state, parent.os_state) {
        if s != p {
            out.push(Diagnostic::new(Code::OsStateMismatch, rid, path,
                format!("Cannot create Gallery Image Version from: {id} since the OS State in the parent gallery image ({p}) is not {s}.")));
        }
    }
    let s = f.hyper_v_generation.unwrap_or(HyperVGeneration::V1);
    if f.hyper_v_generation.is_some() && s != parent.hyper_v_generation {
        out.push(Diagnostic::new(Code::HyperVGenerationMismatch, rid, path,
            format!("The resource with id '{id}' has a different Hypervisor generation ['{s}'] than the parent gallery image Hypervisor generation ['{}']", parent.hyper_v_generation)));
    }
    source_fits_security_type(f, parent, id, path, rid, out);
}

/// Whether the source can make a version of a definition of its security type (newer than the
/// seed; Azure docs, "Image definitions" and "Confidential VMs", and packer-plugin-azure#304):
/// a confidential VM image can't come from a managed image, and a TrustedLaunchSupported
/// version can't be captured from a VM.
fn source_fits_security_type(
    f: &SourceFacts,
    parent: &ImageFacts,
    id: &str,
    path: &str,
    rid: &str,
    out: &mut Vec<Diagnostic>,
) {
    use crate::kinds::SecurityType as T;
    use crate::sources::SourceKind as K;
    let Some(security) = parent.security_type else {
        return;
    };
    // Azure answers the VM case with InvalidParameter (packer-plugin-azure#304); it documents no
    // code for the managed-image case, so that one is the simulator's.
    let (code, message) = match (security, f.kind) {
        (T::ConfidentialVm | T::ConfidentialVmSupported | T::TrustedLaunchAndConfidentialVmSupported, K::ManagedImage) => (Code::SourceSecurityTypeMismatch, format!(
            "A managed image is not a supported source for a confidential VM image: the definition's SecurityType is '{security}'. Capture the version from a VM, a disk or a snapshot, or another image version."
        )),
        (T::TrustedLaunchSupported, K::VirtualMachine) => (Code::InvalidParameter, format!(
            "An image version of a definition with SecurityType 'TrustedLaunchSupported' can't be captured from a virtual machine ('{id}'); capture it from a disk, a snapshot or another image version, or use SecurityType 'TrustedLaunch'."
        )),
        _ => return,
    };
    out.push(Diagnostic::new(code, rid, path, message));
}

/// Checks an image version. `id` is the parsed id; `rid` the id text for diagnostics.
pub fn check_version(
    v: &arm::GalleryImageVersion,
    id: Option<&VersionRef>,
    rid: &str,
    ctx: &RuleCtx,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let name = |n: &str| ImageVersionName::new(n).map(drop);
    let id_name = id.map(|i| i.version.as_str());
    let loc = check_envelope(
        v,
        id_name,
        name,
        "image version",
        VERSION_TYPE,
        rid,
        ctx,
        &mut out,
    );
    let parent = id.and_then(|i| ctx.lookup.image(&i.image.key()));
    if let Some(p) = &parent {
        warn_location_differs(loc, p.location, "image definition", rid, &mut out);
    }
    let props = v.properties.as_ref();
    let pp = props.and_then(|p| p.publishing_profile.as_ref());
    let sp = props.and_then(|p| p.storage_profile.as_ref());

    check_sources(pp, sp, loc, parent.as_ref(), rid, ctx, &mut out);
    check_disks(sp, is_shallow(pp), rid, &mut out);
    if let Some(pp) = pp {
        let subscription = id.and_then(|i| i.image.gallery.scope.subscription.as_deref());
        check_targets(
            pp,
            v.location.as_deref(),
            loc,
            subscription,
            rid,
            ctx,
            &mut out,
        );
        check_encryption(pp, sp, subscription, rid, &mut out);
        check_confidential(
            pp,
            parent.as_ref().and_then(|p| p.security_type),
            loc,
            rid,
            &mut out,
        );
        check_end_of_life(
            pp.end_of_life_date.as_deref(),
            "properties.publishingProfile.endOfLifeDate",
            rid,
            ctx,
            &mut out,
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::Key;
    use crate::kinds::{OsState, OsType};
    use crate::rules::{Lookup, NoLookup};
    use crate::sources::SourceKind;
    use serde_json::{json, Value};
    use time::macros::datetime;

    const IMG: &str = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/images/src";

    fn base() -> Value {
        json!({"name": "1.0.0", "location": "eastus", "properties": {
            "publishingProfile": {"targetRegions": [{"name": "East US", "regionalReplicaCount": 1}]},
            "storageProfile": {"source": {"id": IMG}}}})
    }

    fn run_with(v: Value, lookup: &dyn Lookup, require: bool) -> Vec<Code> {
        let g: arm::GalleryImageVersion = serde_json::from_value(v).unwrap();
        let mut ctx = RuleCtx::validate(datetime!(2024-01-01 0:00 UTC), lookup);
        ctx.require_refs = require;
        let id = VersionRef {
            image: crate::ids::ImageRef {
                gallery: crate::ids::GalleryRef {
                    scope: crate::ids::Scope::new("s", "rg"),
                    gallery: "g".into(),
                },
                image: "i".into(),
            }
            .into(),
            version: g.name.clone().unwrap_or_default(),
        };
        check_version(&g, Some(&id), "r", &ctx)
            .into_iter()
            .map(|d| d.code)
            .collect()
    }

    fn shallow() -> Value {
        set(
            base(),
            "/properties/publishingProfile/replicationMode",
            json!("Shallow"),
        )
    }

    fn run(v: Value) -> Vec<Code> {
        run_with(v, &NoLookup, false)
    }

    fn set(mut v: Value, ptr: &str, x: Value) -> Value {
        if let Some(slot) = v.pointer_mut(ptr) {
            *slot = x;
        } else {
            let (parent, key) = ptr.rsplit_once('/').unwrap();
            v.pointer_mut(parent).unwrap()[key] = x;
        }
        v
    }

    const TR: &str = "/properties/publishingProfile/targetRegions";
    const PP: &str = "/properties/publishingProfile";

    #[test]
    fn table() {
        let cases: Vec<(Value, Vec<Code>)> = vec![
            (base(), vec![]),
            (set(base(), "/name", json!("1.0")), vec![Code::ImageVersionNameInvalid]),
            // targets
            (set(base(), TR, json!([{"name": "eastus"}, {"name": "East US"}])), vec![Code::InvalidParameter]),
            (set(base(), TR, json!([{"name": "westus"}])), vec![Code::SourceRegionNotTargeted]),
            (set(base(), TR, json!([{"name": "eastus"}, {"name": "nowhere"}])), vec![Code::LocationNotAvailableForResourceType]),
            (set(base(), TR, json!([{"name": "eastus"}, {"name": "westus3"}])), vec![], ),
            (set(base(), TR, json!([{}])), vec![Code::RequiredPropertyMissing, Code::SourceRegionNotTargeted]),
            // replica counts: 1..=10
            (set(base(), "/properties/publishingProfile/targetRegions/0/regionalReplicaCount", json!(10)), vec![]),
            (set(base(), "/properties/publishingProfile/targetRegions/0/regionalReplicaCount", json!(11)), vec![Code::ReplicaCountOutOfRange]),
            (set(base(), "/properties/publishingProfile/targetRegions/0/regionalReplicaCount", json!(0)), vec![Code::ReplicaCountOutOfRange]),
            (set(base(), "/properties/publishingProfile/replicaCount", json!(1)), vec![]),
            (set(base(), "/properties/publishingProfile/replicaCount", json!(11)), vec![Code::ReplicaCountOutOfRange]),
            // additional replica sets count with the region's own toward its limit of 10
            (set(base(), TR, json!([{"name": "eastus", "regionalReplicaCount": 5, "additionalReplicaSets": [{"storageAccountType": "PremiumV2_LRS", "regionalReplicaCount": 5}]}])), vec![]),
            (set(base(), TR, json!([{"name": "eastus", "regionalReplicaCount": 5, "additionalReplicaSets": [{"storageAccountType": "PremiumV2_LRS", "regionalReplicaCount": 6}]}])), vec![Code::ReplicaCountOutOfRange]),
            (set(base(), TR, json!([{"name": "eastus", "additionalReplicaSets": [{"regionalReplicaCount": 9}, {"regionalReplicaCount": 1}]}])), vec![Code::ReplicaCountOutOfRange]),
            (set(base(), TR, json!([{"name": "eastus", "additionalReplicaSets": [{"regionalReplicaCount": 0}]}])), vec![Code::ReplicaCountOutOfRange]),
            (set(base(), TR, json!([{"name": "eastus", "additionalReplicaSets": [{"storageAccountType": "Cheap", "regionalReplicaCount": 1}]}])), vec![Code::StorageAccountTypeInvalid]),
            // storage types & ZRS
            (set(base(), "/properties/publishingProfile/storageAccountType", json!("Premium_LRS")), vec![]),
            (set(base(), "/properties/publishingProfile/storageAccountType", json!("PremiumV2_LRS")), vec![Code::StorageAccountTypeInvalid]),
            (set(base(), TR, json!([{"name": "eastus", "storageAccountType": "Standard_ZRS"}])), vec![]),
            (set(base(), TR, json!([{"name": "eastus"}, {"name": "westus", "storageAccountType": "Standard_ZRS"}])), vec![Code::ZrsNotSupportedInRegion]),
            (set(set(base(), TR, json!([{"name": "eastus"}, {"name": "westus"}])), "/properties/publishingProfile/storageAccountType", json!("standard_zrs")), vec![Code::ZrsNotSupportedInRegion]),
            (set(base(), TR, json!([{"name": "eastus", "storageAccountType": "Cheap"}])), vec![Code::StorageAccountTypeInvalid]),
            // clouds & allow-list
            (set(base(), TR, json!([{"name": "eastus"}, {"name": "chinanorth"}])), vec![Code::CrossCloudReplication]),
            (set(base(), TR, json!([{"name": "eastus"}, {"name": "usgovvirginia"}])), vec![Code::CrossCloudReplication]),
            (set(base(), TR, json!([{"name": "eastus"}, {"name": "Australia Central"}])), vec![Code::RegionAllowListUnknown]),
            // sources
            (set(base(), "/properties/storageProfile", json!({})), vec![Code::SourceCountInvalid]),
            (set(base(), "/properties/storageProfile/source/virtualMachineId", json!("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm")), vec![Code::SourceCountInvalid]),
            (set(base(), "/properties/storageProfile", json!({"source": {"id": IMG}, "osDiskImage": {"source": {"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/snapshots/os"}}})), vec![Code::SourceCountInvalid]),
            (set(base(), "/properties/storageProfile", json!({"osDiskImage": {"source": {"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/snapshots/os"}},
                "dataDiskImages": [{"lun": 0, "source": {"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/disks/d"}}]})), vec![]),
            (set(base(), "/properties/storageProfile", json!({"dataDiskImages": [{"lun": 0, "source": {"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/disks/d"}}]})), vec![Code::SourceCountInvalid]),
            (set(base(), "/properties/storageProfile/source/id", json!("images/src")), vec![Code::SourceIdInvalid]),
            (set(base(), "/properties/storageProfile/source/id", json!("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/disks/d")), vec![Code::SourceKindInvalid]),
            (set(base(), "/properties/storageProfile", json!({"osDiskImage": {"source": {"id": IMG}}})), vec![Code::SourceKindInvalid]),
            (set(base(), "/properties/storageProfile", json!({"osDiskImage": {"source": {"uri": "https://acct.blob.core.windows.net/vhds/os.vhd"}}})), vec![]),
            (set(base(), "/properties/storageProfile", json!({"osDiskImage": {"source": {"uri": "file:///os.vhd"}}})), vec![Code::UriInvalid]),
            (set(base(), "/properties/storageProfile", json!({"osDiskImage": {"source": {"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/disks/d"}},
                "dataDiskImages": [{"lun": 0, "source": {"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/disks/D"}}]})), vec![Code::DuplicateSourceId]),
            // legacy 2018-06-01 shape
            (set(base(), "/properties", json!({"publishingProfile": {"targetRegions": [{"name": "eastus"}], "source": {"managedImage": {"id": IMG}}}})), vec![]),
            // disks
            (set(base(), "/properties/storageProfile/osDiskImage", json!({"sizeInGB": 1024})), vec![]),
            (set(base(), "/properties/storageProfile/osDiskImage", json!({"sizeInGB": 1025})), vec![Code::DiskTooLarge]),
            (set(base(), "/properties/storageProfile/dataDiskImages", json!([{"lun": 1, "sizeInGB": 1023}, {"lun": 2, "sizeInGB": 2048}])), vec![Code::DiskTooLarge]),
            (set(base(), "/properties/storageProfile/dataDiskImages", json!([{"lun": 1}, {"lun": 1}])), vec![Code::DuplicateLun]),
            (set(base(), "/properties/storageProfile/dataDiskImages", json!([{"sizeInGB": 1}])), vec![Code::RequiredPropertyMissing]),
            (set(base(), "/properties/storageProfile/osDiskImage", json!({"hostCaching": "Sometimes"})), vec![Code::PropertyValueInvalid]),
            (set(base(), "/properties/publishingProfile/targetRegions/0/encryption", json!({"dataDiskImages": [{"lun": 0}, {"lun": 0}]})), vec![Code::DuplicateLun]),
            // misc
            (set(base(), "/properties/publishingProfile/replicationMode", json!("Shallow")), vec![]),
            (set(base(), "/properties/publishingProfile/replicationMode", json!("Deep")), vec![Code::PropertyValueInvalid]),
            // Shallow: larger disks (today's Azure: up to 32 TB), and the tools' caveats as advice.
            (set(shallow(), "/properties/storageProfile/osDiskImage", json!({"sizeInGB": 1025})), vec![]),
            (set(shallow(), "/properties/storageProfile/osDiskImage", json!({"sizeInGB": 32768})), vec![]),
            (set(shallow(), "/properties/storageProfile/osDiskImage", json!({"sizeInGB": 32769})), vec![Code::DiskTooLarge]),
            (set(shallow(), "/properties/publishingProfile/targetRegions/0/regionalReplicaCount", json!(2)), vec![Code::ShallowReplicationAdvice]),
            (set(shallow(), "/properties/publishingProfile/replicaCount", json!(2)), vec![Code::ShallowReplicationAdvice]),
            (set(shallow(), "/properties/publishingProfile/targetRegions", json!([{"name": "East US"}, {"name": "West US"}])), vec![Code::ShallowReplicationAdvice]),
            (set(shallow(), "/properties/publishingProfile/targetRegions/0/encryption", json!({"osDiskImage": {"diskEncryptionSetId": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/diskEncryptionSets/des"}})), vec![Code::ShallowReplicationAdvice]),
            (set(base(), "/properties/publishingProfile/endOfLifeDate", json!("2019-01-01")), vec![Code::EndOfLifeDateInPast]),
            (set(base(), "/properties/publishingProfile/endOfLifeDate", json!("2099-01-01T00:00:00Z")), vec![]),
            (set(base(), "/location", json!("westus3")), vec![Code::LocationNotAvailableForResourceType]),
        ];
        for (input, want) in cases {
            assert_eq!(run(input.clone()), want, "{input}");
        }
        let _ = PP;
    }

    struct World1 {
        facts: SourceFacts,
        image: ImageFacts,
        allow: bool,
    }
    impl Lookup for World1 {
        fn source(&self, k: &Key) -> Option<SourceFacts> {
            (k == &source_key(IMG)).then(|| self.facts.clone())
        }
        fn image(&self, _: &Key) -> Option<ImageFacts> {
            Some(self.image.clone())
        }
        fn gallery_location(&self, _: &Key) -> Option<RegionName> {
            None
        }
        fn subscription_allow_listed(&self, _: &str) -> Option<bool> {
            Some(self.allow)
        }
        fn resource_group_location(&self, _: &str, _: &str) -> Option<RegionName> {
            None
        }
    }

    fn world() -> World1 {
        World1 {
            facts: SourceFacts {
                kind: SourceKind::ManagedImage,
                location: RegionName::new("eastus"),
                os_type: Some(OsType::Linux),
                os_state: Some(OsState::Generalized),
                hyper_v_generation: Some(HyperVGeneration::V1),
                os_disk_size_gb: Some(30),
                data_disks: vec![(0, 1024)],
            },
            image: ImageFacts {
                os_type: Some(OsType::Linux),
                os_state: Some(OsState::Generalized),
                hyper_v_generation: HyperVGeneration::V1,
                location: RegionName::new("eastus"),
                security_type: None,
            },
            allow: false,
        }
    }

    #[test]
    fn encryption_per_region_has_its_rules() {
        const DES: &str = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/diskEncryptionSets/des-east";
        const DES2: &str = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/diskEncryptionSets/des-west";
        let os = |des: &str| json!({"osDiskImage": {"diskEncryptionSetId": des}});
        let two = |a: Value, b: Value| json!([{"name": "East US", "encryption": a}, {"name": "West US", "encryption": b}]);
        let targets = "/properties/publishingProfile/targetRegions";
        let bad = vec![Code::EncryptionSettingsInvalid];
        let cases = [
            // One region, its own set in the gallery's subscription.
            (set(base(), &format!("{targets}/0/encryption"), os(DES)), vec![]),
            (set(base(), targets, two(os(DES), os(DES2))), vec![]),
            // Not a disk encryption set; another subscription's.
            (set(base(), &format!("{targets}/0/encryption"), os("/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv")), bad.clone()),
            (set(base(), &format!("{targets}/0/encryption"), os("/subscriptions/other/resourceGroups/rg/providers/Microsoft.Compute/diskEncryptionSets/des")), bad.clone()),
            // One set for two regions.
            (set(base(), targets, two(os(DES), os(DES))), bad.clone()),
            // Only the version's own data disks.
            (
                set(
                    set(base(), "/properties/storageProfile/dataDiskImages", json!([{"lun": 0, "source": {"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/snapshots/d0"}}])),
                    &format!("{targets}/0/encryption"),
                    json!({"dataDiskImages": [{"lun": 3, "diskEncryptionSetId": DES}]}),
                ),
                bad.clone(),
            ),
        ];
        for (input, want) in cases {
            let got = run(input.clone());
            assert_eq!(
                got.iter()
                    .filter(|c| **c == Code::EncryptionSettingsInvalid)
                    .count(),
                want.len(),
                "{input}: {got:?}"
            );
        }
        // The OS disk in one region only: accepted, as Azure's own samples return such versions.
        let partial = set(
            base(),
            targets,
            json!([{"name": "East US", "encryption": os(DES)}, {"name": "West US"}]),
        );
        assert_eq!(run(partial), vec![]);
        // A VHD source can't be encrypted.
        let vhd = set(
            set(
                base(),
                "/properties/storageProfile",
                json!({"osDiskImage": {"source": {"uri": "https://acct.blob.core.windows.net/vhds/os.vhd", "storageAccountId": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/acct"}}}),
            ),
            &format!("{targets}/0/encryption"),
            os(DES),
        );
        assert!(run(vhd).contains(&Code::EncryptionSettingsInvalid));
    }

    #[test]
    fn a_source_must_fit_the_definitions_security_type() {
        use crate::kinds::SecurityType as T;
        use SourceKind as K;
        // (the definition's security type, the source's kind, what is found)
        let cases = [
            (None, K::ManagedImage, vec![]),
            (Some(T::Standard), K::VirtualMachine, vec![]),
            (Some(T::TrustedLaunch), K::ManagedImage, vec![]),
            (Some(T::TrustedLaunch), K::VirtualMachine, vec![]),
            (
                Some(T::TrustedLaunchSupported),
                K::VirtualMachine,
                vec![Code::InvalidParameter],
            ),
            (Some(T::TrustedLaunchSupported), K::Snapshot, vec![]),
            (
                Some(T::ConfidentialVm),
                K::ManagedImage,
                vec![Code::SourceSecurityTypeMismatch],
            ),
            (
                Some(T::ConfidentialVmSupported),
                K::ManagedImage,
                vec![Code::SourceSecurityTypeMismatch],
            ),
            (
                Some(T::TrustedLaunchAndConfidentialVmSupported),
                K::ManagedImage,
                vec![Code::SourceSecurityTypeMismatch],
            ),
            (Some(T::ConfidentialVm), K::Snapshot, vec![]),
            (Some(T::ConfidentialVm), K::VirtualMachine, vec![]),
        ];
        for (security, kind, want) in cases {
            let mut w = world();
            w.image.hyper_v_generation = HyperVGeneration::V2;
            w.facts.hyper_v_generation = Some(HyperVGeneration::V2);
            w.image.security_type = security;
            w.facts.kind = kind;
            // A confidential VM version names its encryption type per region (see
            // `confidential`), so only the source's fit is left to find.
            let mut body = serde_json::to_value(base()).unwrap();
            if security == Some(T::ConfidentialVm) {
                body["properties"]["publishingProfile"]["targetRegions"][0]["encryption"] = serde_json::json!(
                    {"osDiskImage": {"securityProfile": {"confidentialVMEncryptionType": "EncryptedWithPmk"}}});
            }
            assert_eq!(
                run_with(serde_json::from_value(body).unwrap(), &w, true),
                want,
                "{security:?} from {kind:?}"
            );
        }
    }

    #[test]
    fn source_facts_against_definition() {
        assert_eq!(run_with(base(), &world(), true), vec![]);
        let mut w = world();
        w.facts.location = RegionName::new("westus");
        assert_eq!(run_with(base(), &w, true), vec![Code::SourceRegionMismatch]);
        let mut w = world();
        w.facts.os_type = Some(OsType::Windows);
        w.facts.os_state = Some(OsState::Specialized);
        w.facts.hyper_v_generation = Some(HyperVGeneration::V2);
        assert_eq!(
            run_with(base(), &w, true),
            vec![
                Code::OsTypeMismatch,
                Code::OsStateMismatch,
                Code::HyperVGenerationMismatch
            ]
        );
        let mut w = world();
        w.facts.data_disks = vec![(0, 1025)];
        w.facts.os_disk_size_gb = Some(1024);
        assert_eq!(run_with(base(), &w, true), vec![Code::DiskTooLarge]);
        let mut w = world();
        w.image.location = RegionName::new("westus");
        assert_eq!(run_with(base(), &w, true), vec![Code::LocationDiffers]);
        // Absent source: an error only when applying a command.
        let other = set(
            base(),
            "/properties/storageProfile/source/id",
            json!("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/images/nope"),
        );
        assert_eq!(
            run_with(other.clone(), &world(), true),
            vec![Code::SourceNotFound]
        );
        assert_eq!(run_with(other, &world(), false), vec![]);
        // Allow-listing known.
        let au = set(
            base(),
            TR,
            json!([{"name": "eastus"}, {"name": "australiacentral2"}]),
        );
        assert_eq!(
            run_with(au.clone(), &world(), true),
            vec![Code::RegionNotAllowListed]
        );
        let mut w = world();
        w.allow = true;
        assert_eq!(run_with(au, &w, true), vec![]);
    }
}
