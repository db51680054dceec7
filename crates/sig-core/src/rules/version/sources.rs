//! A version's sources: one source kind, known and matching its definition, disks within size,
//! LUNs unique.

use super::*;

pub(super) fn check_sources(
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
            is_shallow(pp),
            format_args!("{what} of source {}", u.id),
            &u.path,
            rid,
            out,
        );
        for (lun, size) in &facts.data_disks {
            disk_size(
                Some(*size),
                is_shallow(pp),
                format_args!("data disk LUN {lun} of source {}", u.id),
                &u.path,
                rid,
                out,
            );
        }
    }
}

pub(super) fn check_disks(
    sp: Option<&arm::StorageProfile>,
    shallow: bool,
    rid: &str,
    out: &mut Vec<Diagnostic>,
) {
    let Some(sp) = sp else { return };
    if let Some(os) = &sp.os_disk_image {
        disk_size(
            os.size_in_gb,
            shallow,
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
            shallow,
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
