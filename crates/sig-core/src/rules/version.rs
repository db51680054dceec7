//! Rules for one image version (REST: GalleryRP `GalleryImageVersion`; Azure docs, "Azure Compute Gallery" and
//! "Create an image definition and an image version"; the seed's limits and FAQ).

use super::common::{
    check_end_of_life, check_enum, check_location, check_resource_name, check_uri,
    warn_location_differs,
};
use super::{source_key, ImageFacts, RuleCtx, SourceFacts};
use crate::arm;
use crate::diagnostics::{Code, Diagnostic};
use crate::ids::{ArmId, Key, VersionRef, VERSION_TYPE};
use crate::kinds::{HostCaching, HyperVGeneration, ReplicationMode, StorageAccountType};
use crate::limits::{MAX_DISK_SIZE_GB, MAX_REPLICAS_PER_REGION, MIN_REPLICAS};
use crate::names::ImageVersionName;
use crate::regions::RegionName;
use crate::template::is_expression;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

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

fn disk_size(
    size: Option<i64>,
    what: impl fmt::Display,
    path: impl fmt::Display,
    rid: &str,
    out: &mut Vec<Diagnostic>,
) {
    if let Some(s) = size {
        if s > MAX_DISK_SIZE_GB {
            out.push(Diagnostic::new(
                Code::DiskTooLarge,
                rid,
                path.to_string(),
                format!("Any disk attached to the image must be less than or equal to 1TB in size ({MAX_DISK_SIZE_GB} GB); {what} is {s} GB."),
            ));
        }
    }
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
}

/// Checks an image version. `id` is the parsed id; `rid` the id text for diagnostics.
pub fn check_version(
    v: &arm::GalleryImageVersion,
    id: Option<&VersionRef>,
    rid: &str,
    ctx: &RuleCtx,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    check_resource_name(
        v.name.as_deref(),
        id.map(|i| i.version.as_str()),
        |n| ImageVersionName::new(n).map(drop),
        "image version",
        rid,
        ctx,
        &mut out,
    );
    super::common::check_tags(v.tags.as_ref(), rid, &mut out);
    let loc = check_location(v.location.as_deref(), VERSION_TYPE, rid, &mut out);
    let parent = id.and_then(|i| ctx.lookup.image(&i.image.key()));
    if let Some(p) = &parent {
        warn_location_differs(loc, p.location, "image definition", rid, &mut out);
    }
    let props = v.properties.as_ref();
    let pp = props.and_then(|p| p.publishing_profile.as_ref());
    let sp = props.and_then(|p| p.storage_profile.as_ref());

    check_sources(pp, sp, loc, parent.as_ref(), rid, ctx, &mut out);
    check_disks(sp, rid, &mut out);
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

fn check_sources(
    pp: Option<&arm::PublishingProfile>,
    sp: Option<&arm::StorageProfile>,
    loc: Option<RegionName>,
    parent: Option<&ImageFacts>,
    rid: &str,
    ctx: &RuleCtx,
    out: &mut Vec<Diagnostic>,
) {
    let mut uses: Vec<SourceUse> = Vec::new();
    let mut top = 0;
    let src = sp.and_then(|s| s.source.as_ref());
    if let Some(id) = src.and_then(|s| s.id.as_deref()) {
        top += 1;
        uses.push(SourceUse {
            id,
            path: Cow::Borrowed("properties.storageProfile.source.id"),
            level: Level::Image,
        });
    }
    if let Some(id) = src.and_then(|s| s.virtual_machine_id.as_deref()) {
        top += 1;
        uses.push(SourceUse {
            id,
            path: Cow::Borrowed("properties.storageProfile.source.virtualMachineId"),
            level: Level::Vm,
        });
    }
    if src.is_some_and(|s| s.community_gallery_image_id.is_some()) {
        top += 1; // Community images live outside any subscription: nothing more to check.
    }
    if let Some(id) = pp
        .and_then(|p| p.source.as_ref())
        .and_then(|s| s.managed_image.as_ref())
        .and_then(|m| m.id.as_deref())
    {
        top += 1;
        uses.push(SourceUse {
            id,
            path: Cow::Borrowed("properties.publishingProfile.source.managedImage.id"),
            level: Level::ManagedImage,
        });
    }
    let mut disk_level = false;
    let mut os_disk_source = false;
    let mut vhd_uris: Vec<(&str, Cow<'static, str>)> = Vec::new();
    if let Some(s) = sp
        .and_then(|s| s.os_disk_image.as_ref())
        .and_then(|d| d.source.as_ref())
    {
        if let Some(id) = s.id.as_deref() {
            uses.push(SourceUse {
                id,
                path: Cow::Borrowed("properties.storageProfile.osDiskImage.source.id"),
                level: Level::OsDisk,
            });
        }
        if let Some(u) = s.uri.as_deref() {
            vhd_uris.push((
                u,
                Cow::Borrowed("properties.storageProfile.osDiskImage.source.uri"),
            ));
        }
        os_disk_source = s.id.is_some() || s.uri.is_some();
        disk_level |= os_disk_source;
    }
    for (n, d) in sp
        .and_then(|s| s.data_disk_images.as_ref())
        .into_iter()
        .flatten()
        .enumerate()
    {
        if let Some(s) = &d.source {
            if let Some(id) = s.id.as_deref() {
                uses.push(SourceUse {
                    id,
                    path: Cow::Owned(format!("{}.source.id", DataDiskPath(n))),
                    level: Level::DataDisk,
                });
            }
            if let Some(u) = s.uri.as_deref() {
                vhd_uris.push((u, Cow::Owned(format!("{}.source.uri", DataDiskPath(n)))));
            }
            disk_level |= s.id.is_some() || s.uri.is_some();
        }
    }
    if top > 1 || (top == 1 && disk_level) || (top == 0 && !os_disk_source) {
        out.push(Diagnostic::new(
            Code::SourceCountInvalid,
            rid,
            "properties.storageProfile",
            ONE_SOURCE,
        ));
    }

    // Disk sources must each be distinct (Azure docs, "Create an image definition and an image version").
    let mut seen: BTreeMap<String, &str> = BTreeMap::new();
    for u in uses
        .iter()
        .filter(|u| matches!(u.level, Level::OsDisk | Level::DataDisk))
        .map(|u| (u.id, u.path.clone()))
        .chain(vhd_uris.iter().map(|(u, p)| (*u, p.clone())))
    {
        if seen
            .insert(source_key(u.0).as_str().to_string(), u.0)
            .is_some()
        {
            out.push(Diagnostic::new(Code::DuplicateSourceId, rid, u.1, "Duplicated source ids are found in the input disks. Source id should be unique for each disk."));
        }
    }
    for (u, path) in &vhd_uris {
        if !is_expression(u) {
            check_uri(Some(u), path, rid, out);
        }
    }

    for u in &uses {
        if is_expression(u.id) {
            continue;
        }
        let Some(arm_id) = ArmId::parse(u.id) else {
            out.push(Diagnostic::new(Code::SourceIdInvalid, rid, &*u.path,
                format!("Property id {} at path '{}' is invalid. Expect fully qualified resource Id that start with '/subscriptions/{{subscriptionId}}' or '/providers/{{resourceProviderNamespace}}/'.", u.id, u.path)));
            continue;
        };
        if !kind_ok(&arm_id, u.level) {
            out.push(Diagnostic::new(
                Code::SourceKindInvalid,
                rid,
                &*u.path,
                kind_message(u.id, u.level),
            ));
            continue;
        }
        if !ctx.check_sources {
            continue;
        }
        // Same key as `source_key(u.id)`, from the id already parsed above.
        let Some(facts) = ctx.lookup.source(&Key::from_string(arm_id.to_string())) else {
            if ctx.require_refs {
                out.push(Diagnostic::new(Code::SourceNotFound, rid, &*u.path,
                    format!("Source {} is not found. Please check source exists, and is in the same region as gallery image version being created.", u.id)));
            }
            continue;
        };
        if let (Some(sl), Some(vl)) = (facts.location, loc) {
            if sl != vl {
                out.push(Diagnostic::new(Code::SourceRegionMismatch, rid, &*u.path,
                    format!("Source {} is not found. Please check source exists, and is in the same region as gallery image version being created. (The source is in '{}', the image version in '{}'.)", u.id, sl.display_name(), vl.display_name())));
            }
        }
        if u.level != Level::DataDisk {
            if let Some(p) = parent {
                check_os_facts(&facts, p, u.id, &u.path, rid, out);
            }
        }
        let what = if u.level == Level::DataDisk {
            "the data disk"
        } else {
            "the OS disk"
        };
        disk_size(
            facts.os_disk_size_gb,
            format_args!("{what} of source {}", u.id),
            &u.path,
            rid,
            out,
        );
        for (lun, size) in &facts.data_disks {
            disk_size(
                Some(*size),
                format_args!("data disk LUN {lun} of source {}", u.id),
                &u.path,
                rid,
                out,
            );
        }
    }
}

fn check_disks(sp: Option<&arm::StorageProfile>, rid: &str, out: &mut Vec<Diagnostic>) {
    let Some(sp) = sp else { return };
    if let Some(os) = &sp.os_disk_image {
        disk_size(
            os.size_in_gb,
            "the OS disk",
            "properties.storageProfile.osDiskImage.sizeInGB",
            rid,
            out,
        );
        check_enum(
            os.host_caching.as_deref(),
            HostCaching::parse,
            HostCaching::one_of(),
            Code::PropertyValueInvalid,
            "properties.storageProfile.osDiskImage.hostCaching",
            rid,
            out,
        );
    }
    let mut luns = std::collections::BTreeSet::new();
    for (n, d) in sp.data_disk_images.iter().flatten().enumerate() {
        let base = DataDiskPath(n);
        match d.lun {
            None => out.push(Diagnostic::new(Code::RequiredPropertyMissing, rid, format!("{base}.lun"), "Required property 'lun' is missing on a data disk image.")),
            Some(l) if !luns.insert(l) => out.push(Diagnostic::new(Code::DuplicateLun, rid, format!("{base}.lun"),
                "Duplicated lun numbers have been detected in the input data disks. Lun number must be unique for each data disk.")),
            Some(_) => {}
        }
        disk_size(
            d.size_in_gb,
            format_args!("data disk {base}"),
            format_args!("{base}.sizeInGB"),
            rid,
            out,
        );
        check_enum(
            d.host_caching.as_deref(),
            HostCaching::parse,
            HostCaching::one_of(),
            Code::PropertyValueInvalid,
            format_args!("{base}.hostCaching"),
            rid,
            out,
        );
    }
}

fn check_targets(
    pp: &arm::PublishingProfile,
    raw_location: Option<&str>,
    loc: Option<RegionName>,
    subscription: Option<&str>,
    rid: &str,
    ctx: &RuleCtx,
    out: &mut Vec<Diagnostic>,
) {
    replica_range(
        pp.replica_count,
        "replicaCount",
        "properties.publishingProfile.replicaCount",
        rid,
        out,
    );
    let global = check_enum(
        pp.storage_account_type.as_deref(),
        StorageAccountType::parse,
        StorageAccountType::one_of(),
        Code::StorageAccountTypeInvalid,
        "properties.publishingProfile.storageAccountType",
        rid,
        out,
    );
    check_enum(
        pp.replication_mode.as_deref(),
        ReplicationMode::parse,
        ReplicationMode::one_of(),
        Code::PropertyValueInvalid,
        "properties.publishingProfile.replicationMode",
        rid,
        out,
    );

    let zrs_msg = "ZRS storage account type is not supported in this region.";
    let Some(targets) = pp.target_regions.as_ref() else {
        // Azure defaults the targets to the source region.
        if let (Some(StorageAccountType::StandardZrs), Some(l)) = (global, loc) {
            if !l.region().has_zones() {
                out.push(Diagnostic::new(
                    Code::ZrsNotSupportedInRegion,
                    rid,
                    "properties.publishingProfile.storageAccountType",
                    zrs_msg,
                ));
            }
        }
        return;
    };
    let mut seen: Vec<RegionName> = Vec::with_capacity(targets.len());
    let mut unresolved = false;
    for (n, t) in targets.iter().enumerate() {
        let base = TargetPath(n);
        replica_range(
            t.regional_replica_count,
            format_args!("targetRegions[{n}].regionalReplicaCount"),
            format_args!("{base}.regionalReplicaCount"),
            rid,
            out,
        );
        // Additional replica sets count with the region's own replicas toward its limit.
        if let Some(sets) = t.additional_replica_sets.as_ref().filter(|s| !s.is_empty()) {
            let own = t.regional_replica_count.or(pp.replica_count).unwrap_or(1);
            let mut total = own;
            for (k, set) in sets.iter().enumerate() {
                let path = format!("{base}.additionalReplicaSets[{k}]");
                replica_range(
                    set.regional_replica_count,
                    format_args!(
                        "targetRegions[{n}].additionalReplicaSets[{k}].regionalReplicaCount"
                    ),
                    format_args!("{path}.regionalReplicaCount"),
                    rid,
                    out,
                );
                total = total.saturating_add(set.regional_replica_count.unwrap_or(1));
            }
            if total > MAX_REPLICAS_PER_REGION
                && (MIN_REPLICAS..=MAX_REPLICAS_PER_REGION).contains(&own)
            {
                out.push(Diagnostic::new(
                    Code::ReplicaCountOutOfRange,
                    rid,
                    format!("{base}.additionalReplicaSets"),
                    format!("Target region '{}' would hold {total} replicas with its additional replica sets; a region holds at most {MAX_REPLICAS_PER_REGION}.", t.name.as_deref().unwrap_or("")),
                ));
            }
        }
        let own = check_enum(
            t.storage_account_type.as_deref(),
            StorageAccountType::parse,
            StorageAccountType::one_of(),
            Code::StorageAccountTypeInvalid,
            format_args!("{base}.storageAccountType"),
            rid,
            out,
        );
        let mut luns = std::collections::BTreeSet::new();
        for d in t
            .encryption
            .iter()
            .flat_map(|e| e.data_disk_images.iter().flatten())
        {
            if let Some(l) = d.lun {
                if !luns.insert(l) {
                    out.push(Diagnostic::new(Code::DuplicateLun, rid, format!("{base}.encryption.dataDiskImages"),
                        format!("Duplicate luns '{l}' were specified in target region '{}' encryption.dataDiskImages.", t.name.as_deref().unwrap_or(""))));
                }
            }
        }
        let Some(name) = t.name.as_deref() else {
            out.push(Diagnostic::new(
                Code::RequiredPropertyMissing,
                rid,
                format!("{base}.name"),
                "Required property 'name' is missing on a target region.",
            ));
            continue;
        };
        if is_expression(name) {
            unresolved = true;
            continue;
        }
        let Some(region) = RegionName::new(name) else {
            unresolved = true;
            out.push(Diagnostic::new(Code::LocationNotAvailableForResourceType, rid, format!("{base}.name"),
                format!("The provided location '{name}' is not available for resource type '{VERSION_TYPE}'. Target regions must be Azure regions.")));
            continue;
        };
        if seen.contains(&region) {
            out.push(Diagnostic::new(
                Code::InvalidParameter,
                rid,
                format!("{base}.name"),
                "Duplicate regions are not allowed in target publishing regions.",
            ));
            continue;
        }
        seen.push(region);
        let effective = own.or(global).unwrap_or(StorageAccountType::StandardLrs);
        if effective == StorageAccountType::StandardZrs && !region.region().has_zones() {
            let path = if own.is_some() {
                format!("{base}.storageAccountType")
            } else {
                "properties.publishingProfile.storageAccountType".to_string()
            };
            out.push(Diagnostic::new(
                Code::ZrsNotSupportedInRegion,
                rid,
                path,
                format!(
                    "{zrs_msg} ('{}' has no availability zones; use Standard_LRS or Premium_LRS.)",
                    region.display_name()
                ),
            ));
        }
        if let Some(l) = loc {
            if l.region().cloud != region.region().cloud {
                out.push(Diagnostic::new(Code::CrossCloudReplication, rid, format!("{base}.name"),
                    format!("Image versions cannot be replicated across clouds: the source region '{}' is in {} but target region '{}' is in {}.",
                        l.display_name(), l.region().cloud.as_str(), region.display_name(), region.region().cloud.as_str())));
            }
        }
        if region.region().requires_allow_list() {
            match subscription.and_then(|s| ctx.lookup.subscription_allow_listed(s)) {
                Some(true) => {}
                Some(false) => out.push(Diagnostic::new(Code::RegionNotAllowListed, rid, format!("{base}.name"),
                    format!("To replicate to {} your subscription must be allow-listed (whitelisted). Request it at https://azure.microsoft.com/global-infrastructure/australia/contact/", region.display_name()))),
                None => out.push(Diagnostic::new(Code::RegionAllowListUnknown, rid, format!("{base}.name"),
                    format!("Replicating to {} requires an allow-listed subscription; the subscription is not known here, so this could not be checked.", region.display_name()))),
            }
        }
    }
    if let (Some(l), false) = (loc, unresolved) {
        if !seen.contains(&l) {
            let names: Vec<&str> = targets.iter().filter_map(|t| t.name.as_deref()).collect();
            out.push(Diagnostic::new(Code::SourceRegionNotTargeted, rid, "properties.publishingProfile.targetRegions",
                format!("Gallery image version publishing profile regions '{}' must contain the location of image version '{}'.",
                    names.join(", "), raw_location.unwrap_or(l.display_name()))));
        }
    }
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
            },
            version: g.name.clone().unwrap_or_default(),
        };
        check_version(&g, Some(&id), "r", &ctx)
            .into_iter()
            .map(|d| d.code)
            .collect()
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
            },
            allow: false,
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
