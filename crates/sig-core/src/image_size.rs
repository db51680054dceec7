//! The disk layout and total size of an image version, from the version's own `storageProfile`
//! or, when Azure has not filled the read-only sizes in, from the source disks it was made from.
//!
//! Replication timing ([`crate::replication`]), billing ([`crate::cost`]) and the scale-set image
//! swap check ([`crate::deploy`]) all need these numbers; they are derived here once.

use crate::kinds::OsType;
use crate::rules::{source_key, Lookup, SourceFacts};
use crate::world::{VersionEntry, World};

/// Assumed OS disk size (GiB) of a Linux image whose size is known nowhere (Azure's usual Linux
/// marketplace OS disk). An assumption, reported as such.
pub const ASSUMED_LINUX_OS_DISK_GB: u32 = 30;
/// Assumed OS disk size (GiB) of a Windows image whose size is known nowhere (Azure's default
/// Windows OS disk). An assumption, reported as such.
pub const ASSUMED_WINDOWS_OS_DISK_GB: u32 = 127;

/// The disks of an image version, as far as they are known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiskLayout {
    /// OS disk size in GiB.
    pub os_disk_gb: u32,
    /// `(lun, size GiB)` of each data disk, sorted by LUN.
    pub data_disks: Vec<(u32, u32)>,
    /// True when the OS disk size is an assumption (no size in the version nor its source).
    pub assumed: bool,
}

impl DiskLayout {
    /// Total provisioned size in GiB (OS + data disks).
    pub fn total_gb(&self) -> u64 {
        u64::from(self.os_disk_gb) + self.data_disks.iter().map(|d| u64::from(d.1)).sum::<u64>()
    }
    /// The LUNs of the data disks, sorted: what "data disk layout" means for a scale-set swap.
    pub fn luns(&self) -> Vec<u32> {
        self.data_disks.iter().map(|d| d.0).collect()
    }
}

fn gb(v: i64) -> u32 {
    u32::try_from(v.max(0)).unwrap_or(u32::MAX)
}

/// Builds a layout from source facts, falling back to `os_type`'s assumed OS disk size.
pub fn layout_from_facts(f: &SourceFacts, os_type: Option<OsType>) -> DiskLayout {
    let assumed_os = match os_type.or(f.os_type) {
        Some(OsType::Windows) => ASSUMED_WINDOWS_OS_DISK_GB,
        _ => ASSUMED_LINUX_OS_DISK_GB,
    };
    let mut data: Vec<(u32, u32)> = f.data_disks.iter().map(|(l, s)| (gb(*l), gb(*s))).collect();
    data.sort_unstable();
    DiskLayout {
        os_disk_gb: f.os_disk_size_gb.map_or(assumed_os, gb),
        data_disks: data,
        assumed: f.os_disk_size_gb.is_none(),
    }
}

/// The source a version was made from (the first it names, in any of the shapes Azure accepts;
/// a VHD by its URI).
fn source_id(v: &VersionEntry) -> Option<&str> {
    crate::sources::referenced_ids(v.resource())
        .first()
        .map(|(id, _)| *id)
}

/// Source layouts already looked up, keyed by the source id as written and the definition's OS
/// type. Why: a pass over every version (the export at the limits: 10,000 versions, often made
/// from a handful of sources) would otherwise parse and look up the same source each time.
#[derive(Debug, Default)]
pub struct LayoutCache<'w> {
    // Hashed with Fx: sources are long ids, and SipHash of one per version (with the cost
    // estimate's map of definitions) took ~75 ms of estimating 100,000 versions (profiled).
    by_source: rustc_hash::FxHashMap<(Option<&'w str>, Option<OsType>), DiskLayout>,
}

/// The version's disks: sizes from its `storageProfile` where present, else from its source in
/// the world (managed image, VM, snapshot/disk, another version), else the assumed OS disk size.
pub fn version_layout(world: &World, v: &VersionEntry) -> DiskLayout {
    version_layout_cached(world, v, &mut LayoutCache::default())
}

/// [`version_layout`], reusing (and filling) `cache` for the source part.
pub fn version_layout_cached<'w>(
    world: &'w World,
    v: &'w VersionEntry,
    cache: &mut LayoutCache<'w>,
) -> DiskLayout {
    let os_type = world.images.get(&v.id.image.key()).map(|i| i.os_type);
    let src_id = source_id(v);
    let from_source = match cache.by_source.get(&(src_id, os_type)) {
        Some(layout) => layout.clone(),
        None => {
            // A version made from this very version would recurse; sources never point at
            // themselves after the rules passed, but guard anyway (and keep that out of the cache).
            let key = src_id.map(source_key);
            let own = key.as_ref().is_some_and(|k| *k == v.id.key());
            let facts = key.filter(|_| !own).and_then(|k| Lookup::source(world, &k));
            let layout = match &facts {
                Some(f) => layout_from_facts(f, os_type),
                None => layout_from_facts(
                    &SourceFacts {
                        kind: crate::sources::SourceKind::GalleryImageVersion,
                        location: None,
                        os_type,
                        os_state: None,
                        hyper_v_generation: None,
                        os_disk_size_gb: None,
                        data_disks: Vec::new(),
                    },
                    os_type,
                ),
            };
            if !own {
                cache.by_source.insert((src_id, os_type), layout.clone());
            }
            layout
        }
    };
    with_own_disks(from_source, v)
}

/// Applies the sizes the version's own `storageProfile` states over its source's layout.
fn with_own_disks(mut layout: DiskLayout, v: &VersionEntry) -> DiskLayout {
    let sp = v
        .resource()
        .properties
        .as_ref()
        .and_then(|p| p.storage_profile.as_ref());
    if let Some(s) = sp
        .and_then(|s| s.os_disk_image.as_ref())
        .and_then(|d| d.size_in_gb)
    {
        layout.os_disk_gb = gb(s);
        layout.assumed = false;
    }
    let own: Vec<(u32, u32)> = sp
        .and_then(|s| s.data_disk_images.as_ref())
        .into_iter()
        .flatten()
        .filter_map(|d| Some((gb(d.lun?), gb(d.size_in_gb.unwrap_or(0)))))
        .collect();
    if !own.is_empty() {
        // The version's own data disks define the layout; a size it omits comes from the source.
        let mut merged: Vec<(u32, u32)> = own
            .iter()
            .map(|&(lun, size)| {
                let from_src = layout.data_disks.iter().find(|d| d.0 == lun).map(|d| d.1);
                (
                    lun,
                    if size > 0 {
                        size
                    } else {
                        from_src.unwrap_or(0)
                    },
                )
            })
            .collect();
        merged.sort_unstable();
        layout.data_disks = merged;
    }
    layout
}
