//! A version's target regions: replica counts (additional replica sets included), storage types
//! and ZRS, duplicates, clouds, allow-listed regions, the source region.

use super::*;

pub(super) fn check_targets(
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

    shallow_advice(pp, rid, out);

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
                let allowed = [
                    "Standard_LRS",
                    "Standard_ZRS",
                    "Premium_LRS",
                    "PremiumV2_LRS",
                ];
                if let Some(ty) = set.storage_account_type.as_deref() {
                    if !allowed.iter().any(|a| a.eq_ignore_ascii_case(ty)) {
                        out.push(Diagnostic::new(
                            Code::StorageAccountTypeInvalid,
                            rid,
                            format!("{path}.storageAccountType"),
                            format!("'{ty}' is not a storage type for additional replica sets; use one of {}.", allowed.join(", ")),
                        ));
                    }
                }
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

/// Shallow replication's caveats as warnings, not errors: Azure documents no
/// region or replica limit for it, but Packer allows one region and one
/// replica with it, and Terraform refuses a disk encryption set with it
/// (see `../shared/spec/domain.md`, API-version corrections).
fn shallow_advice(pp: &arm::PublishingProfile, rid: &str, out: &mut Vec<Diagnostic>) {
    if !is_shallow(Some(pp)) {
        return;
    }
    let targets = pp.target_regions.as_deref().unwrap_or_default();
    let many_replicas = pp.replica_count.is_some_and(|n| n > 1)
        || targets
            .iter()
            .any(|t| t.regional_replica_count.is_some_and(|n| n > 1));
    if targets.len() > 1 || many_replicas {
        out.push(Diagnostic::new(
            Code::ShallowReplicationAdvice,
            rid,
            "properties.publishingProfile.replicationMode",
            "Shallow replication skips copying the image, so it is ready sooner but can't serve a large number of VMs; tools such as Packer allow it with one target region and one replica only. Use Full replication to spread an image over regions and replicas.",
        ));
    }
    if let Some(i) = targets.iter().position(|t| t.encryption.is_some()) {
        out.push(Diagnostic::new(
            Code::ShallowReplicationAdvice,
            rid,
            format!("properties.publishingProfile.targetRegions[{i}].encryption"),
            "A disk encryption set with Shallow replication is refused by tools such as Terraform; Azure documents no such rule. Use Full replication for encrypted regions.",
        ));
    }
}
