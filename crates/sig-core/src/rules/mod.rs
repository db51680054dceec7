//! Every rule of the service, as functions from raw ARM DTOs (+ what is known around them) to
//! diagnostics. Both `apply` (commands) and `validate` (files) call these, so each rule lives once.

pub mod common;
pub mod gallery;
pub mod image;
pub mod safety;
pub mod update;
pub mod version;

use crate::ids::Key;
use crate::kinds::{HyperVGeneration, OsState, OsType};
use crate::regions::RegionName;
use crate::sources::SourceKind;
use time::OffsetDateTime;

/// What the rules know about a parent image definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageFacts {
    /// OS type, when valid.
    pub os_type: Option<OsType>,
    /// OS state, when valid.
    pub os_state: Option<OsState>,
    /// Hyper-V generation (V1 when absent).
    pub hyper_v_generation: HyperVGeneration,
    /// Location, when valid.
    pub location: Option<RegionName>,
    /// The `SecurityType` feature, when set and valid.
    pub security_type: Option<crate::kinds::SecurityType>,
}

/// The `SecurityType` feature of a definition's `features`, when set and valid.
pub fn security_type(
    features: Option<&Vec<crate::arm::GalleryImageFeature>>,
) -> Option<crate::kinds::SecurityType> {
    features?
        .iter()
        .find(|f| {
            f.name
                .as_deref()
                .is_some_and(|n| n.eq_ignore_ascii_case("SecurityType"))
        })
        .and_then(|f| f.value.as_deref())
        .and_then(crate::kinds::SecurityType::parse)
}

/// What the rules know about a source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFacts {
    /// Kind.
    pub kind: SourceKind,
    /// Region.
    pub location: Option<RegionName>,
    /// OS type.
    pub os_type: Option<OsType>,
    /// OS state.
    pub os_state: Option<OsState>,
    /// Hyper-V generation.
    pub hyper_v_generation: Option<HyperVGeneration>,
    /// OS disk size in GiB.
    pub os_disk_size_gb: Option<i64>,
    /// `(lun, size GiB)` of data disks.
    pub data_disks: Vec<(i64, i64)>,
}

/// Read access to the surroundings of a resource (the world, or the rest of a validated file).
pub trait Lookup {
    /// A source by key (see [`source_key`]).
    fn source(&self, key: &Key) -> Option<SourceFacts>;
    /// An image definition by key.
    fn image(&self, key: &Key) -> Option<ImageFacts>;
    /// A gallery's location by key.
    fn gallery_location(&self, key: &Key) -> Option<RegionName>;
    /// Whether a subscription is allow-listed for Australia Central (2); `None` = unknown subscription.
    fn subscription_allow_listed(&self, subscription: &str) -> Option<bool>;
    /// A resource group's location.
    fn resource_group_location(
        &self,
        subscription: &str,
        resource_group: &str,
    ) -> Option<RegionName>;
    /// The replicas an image version (by key) has in a region; `None` when unknown or not a
    /// target region.
    fn version_region_replicas(&self, _version: &Key, _region: RegionName) -> Option<u32> {
        None
    }
}

/// The replicas an image version has in `region`: the target region's own count, else the
/// version's `replicaCount`, else 1 (`None` when `region` is not a target region).
pub fn region_replicas(v: &crate::arm::GalleryImageVersion, region: RegionName) -> Option<u32> {
    let pp = v.properties.as_ref()?.publishing_profile.as_ref()?;
    let target = pp
        .target_regions
        .iter()
        .flatten()
        .find(|t| t.name.as_deref().and_then(RegionName::new) == Some(region))?;
    let n = target
        .regional_replica_count
        .or(pp.replica_count)
        .unwrap_or(1);
    u32::try_from(n).ok()
}

/// A lookup that knows nothing (single resources validated on their own).
pub struct NoLookup;

impl Lookup for NoLookup {
    fn source(&self, _: &Key) -> Option<SourceFacts> {
        None
    }
    fn image(&self, _: &Key) -> Option<ImageFacts> {
        None
    }
    fn gallery_location(&self, _: &Key) -> Option<RegionName> {
        None
    }
    fn subscription_allow_listed(&self, _: &str) -> Option<bool> {
        None
    }
    fn resource_group_location(&self, _: &str, _: &str) -> Option<RegionName> {
        None
    }
}

/// What an image version offers as the source of another version: its region, its definition's
/// OS facts (when the definition is known) and its disks. The world and `sig validate` both ask
/// this of a version they hold.
pub fn version_source_facts(
    v: &crate::arm::GalleryImageVersion,
    location: Option<RegionName>,
    parent: Option<&ImageFacts>,
) -> SourceFacts {
    let sp = v
        .properties
        .as_ref()
        .and_then(|p| p.storage_profile.as_ref());
    SourceFacts {
        kind: SourceKind::GalleryImageVersion,
        location,
        os_type: parent.and_then(|p| p.os_type),
        os_state: parent.and_then(|p| p.os_state),
        hyper_v_generation: parent.map(|p| p.hyper_v_generation),
        os_disk_size_gb: sp
            .and_then(|s| s.os_disk_image.as_ref())
            .and_then(|d| d.size_in_gb),
        data_disks: sp
            .and_then(|s| s.data_disk_images.as_ref())
            .into_iter()
            .flatten()
            .filter_map(|d| Some((d.lun?, d.size_in_gb?)))
            .collect(),
    }
}

/// The key a source is stored under: canonical ARM id (or the URI) lower-cased.
pub fn source_key(id: &str) -> Key {
    match crate::ids::ArmId::parse(id) {
        Some(a) => Key::from_string(a.to_string()),
        None => Key::new(id.trim()),
    }
}

/// How the rules are being run.
pub struct RuleCtx<'a> {
    /// The simulation clock (end-of-life checks).
    pub now: OffsetDateTime,
    /// Surroundings.
    pub lookup: &'a dyn Lookup,
    /// Applying a command: a missing source is an error (validate mode: absent = not checked).
    pub require_refs: bool,
    /// Check sources at all (false on update: the source is immutable and was checked at create).
    pub check_sources: bool,
    /// Enforce "end of life in the future" (false on update when the date did not change).
    pub eol_must_be_future: bool,
    /// Warn when the end of life has passed: a resource that already exists (read from `az`
    /// output or a state) past its date is still usable — the date is informational.
    pub eol_passed_warns: bool,
    /// Report `name` vs `id` disagreements (validate mode; commands take the name from the id).
    pub check_name_id: bool,
}

impl<'a> RuleCtx<'a> {
    /// Context for checking files: absent references are not errors.
    pub fn validate(now: OffsetDateTime, lookup: &'a dyn Lookup) -> Self {
        RuleCtx {
            now,
            lookup,
            require_refs: false,
            check_sources: true,
            eol_must_be_future: true,
            eol_passed_warns: false,
            check_name_id: true,
        }
    }
    /// Context for a create command.
    pub fn create(now: OffsetDateTime, lookup: &'a dyn Lookup) -> Self {
        RuleCtx {
            now,
            lookup,
            require_refs: true,
            check_sources: true,
            eol_must_be_future: true,
            eol_passed_warns: false,
            check_name_id: false,
        }
    }
    /// Context for restoring a resource from a state file: the create rules, less those that
    /// only held when it was created (an end of life in the future; the source's presence and
    /// facts — a source may be deleted after a version was made from it, and one of the same id
    /// registered elsewhere).
    pub fn restore(now: OffsetDateTime, lookup: &'a dyn Lookup) -> Self {
        RuleCtx {
            now,
            lookup,
            require_refs: false,
            check_sources: false,
            eol_must_be_future: false,
            eol_passed_warns: false,
            check_name_id: false,
        }
    }
}
