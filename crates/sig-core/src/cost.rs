//! Cost estimate of image versions (seed "Billing", Azure docs, "Azure Compute Gallery": billing; managed disk pricing).
//!
//! Why: "no extra charge for the service" hides two real costs — storage of every replica in
//! every region, and network egress for the first replication to each target region. The seed's
//! example: 2 images replicated to 3 regions are billed as 6 managed disks.
//!
//! Model (2020 seed wording): per version and target region,
//! * storage per month = replicas × Σ over the image's disks of the price of the managed-disk tier
//!   the disk rounds up to (32, 64, 128, 256, 512, 1,024, 2,048, 4,095, 8,192, 16,384, 32,767 GiB;
//!   Standard_LRS and Standard_ZRS at Standard HDD "S" tiers, Premium_LRS at Premium SSD "P" tiers);
//! * egress, once = the image's provisioned size × the egress price, for each target region other
//!   than the source region ("subsequent replicas are handled within the region").
//!
//! Prices come from [`PriceTable`], which the user can edit (it is a serde struct; every field has
//! a default). **The defaults are assumptions**, approximate 2020 pay-as-you-go USD list prices,
//! not Azure's price list; every estimate says so ([`Code::CostAssumption`]).

use crate::diagnostics::{Code, Diagnostic};
use crate::image_size::{version_layout_cached, LayoutCache};
use crate::kinds::StorageAccountType;
use crate::world::World;
use serde::Serialize;

pub use crate::prices::{PriceTable, PriceTableError, TIER_SIZES_GB, TIER_SUFFIXES};

/// The tier index a disk of `size_gb` is billed at: the smallest tier at least that large
/// (`None` above the largest tier).
pub fn tier_index(size_gb: u32) -> Option<usize> {
    TIER_SIZES_GB.iter().position(|&t| size_gb <= t)
}

/// The tier name for a storage type, e.g. `S10` or `P30`.
pub fn tier_name(t: StorageAccountType, tier: usize) -> String {
    let prefix = if t == StorageAccountType::PremiumLrs {
        "P"
    } else {
        "S"
    };
    format!("{prefix}{}", TIER_SUFFIXES.get(tier).copied().unwrap_or(0))
}

/// One version in one target region.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CostLine {
    /// Version id.
    pub version_id: String,
    /// Region (programmatic name).
    pub region: String,
    /// Whether this is the source region (no egress).
    pub source_region: bool,
    /// Replicas.
    pub replicas: u32,
    /// Storage type.
    pub storage_account_type: StorageAccountType,
    /// Tier per disk (OS first), e.g. `["S4", "S10"]`.
    pub disk_tiers: Vec<String>,
    /// Billed GiB per replica (sum of tier sizes).
    pub billed_gb_per_replica: u64,
    /// Managed disks billed here: replicas × disks.
    pub managed_disks: u32,
    /// Storage per month.
    pub storage_monthly: f64,
    /// One-time egress for the first replication into this region.
    pub egress_one_time: f64,
    /// A soft-deleted version: "only one replica per region is retained. You are charged for
    /// that single replica until the image is permanently deleted" (Azure docs, soft delete).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub soft_deleted: bool,
}

/// A whole estimate.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CostEstimate {
    /// Currency.
    pub currency: String,
    /// One line per version and target region.
    pub lines: Vec<CostLine>,
    /// Σ managed disks.
    pub managed_disks: u64,
    /// Σ storage per month.
    pub storage_monthly: f64,
    /// Σ one-time egress.
    pub egress_one_time: f64,
    /// Assumptions the figures rest on (prices, assumed disk sizes).
    pub assumptions: Vec<Diagnostic>,
    /// The seed's practice applied to this state, with what it would save (empty when it
    /// would save nothing).
    pub advice: Vec<Diagnostic>,
}

/// Rounds to cents. Adding `0.0` turns a negative zero (an empty `f64` sum is `-0.0`) into `0.0`,
/// so an empty gallery costs `0.00`, not `-0.00`.
fn cents(x: f64) -> f64 {
    (x * 100.0).round() / 100.0 + 0.0
}

/// The seed's practice: keep the newest version of each image definition replicated widely and
/// older versions in fewer regions. What keeping every older version in its source region only,
/// with one replica, would save per month on this state (nothing to say when it saves nothing).
fn older_versions_advice(world: &World, lines: &[CostLine], currency: &str) -> Vec<Diagnostic> {
    let mut newest: std::collections::BTreeMap<crate::ids::Key, &crate::names::ImageVersionName> =
        Default::default();
    for v in world.versions() {
        let slot = newest.entry(v.id.image.key()).or_insert(&v.name);
        if v.name > **slot {
            *slot = &v.name;
        }
    }
    let mut older = std::collections::BTreeSet::new();
    let mut saving = 0.0;
    for l in lines {
        let Some(v) = world.version(&l.version_id) else {
            continue;
        };
        if newest.get(&v.id.image.key()).is_some_and(|n| **n == v.name) {
            continue;
        }
        let per_replica = l.storage_monthly / f64::from(l.replicas.max(1));
        let keep = if l.source_region { per_replica } else { 0.0 };
        if l.storage_monthly - keep > 0.0 {
            older.insert(l.version_id.clone());
            saving += l.storage_monthly - keep;
        }
    }
    let saving = cents(saving);
    if saving <= 0.0 {
        return Vec::new();
    }
    vec![Diagnostic::new(
        Code::CostAdvice,
        "",
        "",
        format!(
            "Keep the newest version of each image definition replicated widely and older versions in fewer regions: keeping the {} older version(s) in their source region with one replica would save {saving:.2} {currency} per month.",
            older.len()
        ),
    )]
}

/// Estimates every version in the world with `prices`.
pub fn estimate(world: &World, prices: &PriceTable) -> CostEstimate {
    let mut lines = Vec::new();
    let mut assumptions = Vec::new();
    if *prices == PriceTable::default() {
        assumptions.push(Diagnostic::new(Code::CostAssumption, "", "prices",
            "Prices are the built-in defaults: assumed 2020 pay-as-you-go USD list prices, not Azure's price list. Supply your own price table for real figures."));
    } else {
        assumptions.push(Diagnostic::new(
            Code::CostAssumption,
            "",
            "prices",
            "Prices come from the supplied price table.",
        ));
    }
    let mut sizes = LayoutCache::default();
    // Live versions, then the soft-deleted ones still kept at the world's time (one replica
    // per region, already there: no egress).
    let kept_at = world.clock().unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    let live = world.versions().map(|v| (v, false));
    let kept = world
        .soft_deleted_at(None, kept_at)
        .map(|s| (&s.entry, true));
    for (v, soft_deleted) in live.chain(kept) {
        let rid = v.id.to_string();
        let layout = version_layout_cached(world, v, &mut sizes);
        if layout.assumed {
            assumptions.push(Diagnostic::new(
                Code::CostAssumption,
                &rid,
                "properties.storageProfile.osDiskImage.sizeInGB",
                format!(
                    "The OS disk size is unknown; assumed {} GiB.",
                    layout.os_disk_gb
                ),
            ));
        }
        let disks: Vec<u32> = std::iter::once(layout.os_disk_gb)
            .chain(layout.data_disks.iter().map(|d| d.1))
            .collect();
        let tiers: Vec<usize> = disks
            .iter()
            .map(|&gb| tier_index(gb).unwrap_or(TIER_SIZES_GB.len() - 1))
            .collect();
        let billed: u64 = tiers.iter().map(|&t| u64::from(TIER_SIZES_GB[t])).sum();
        for t in &v.targets {
            let per_replica: f64 = tiers
                .iter()
                .map(|&i| prices.monthly(t.storage_account_type, i))
                .sum();
            // Additional replica sets are billed like the region's own replicas (priced at the
            // region's storage type: the price table has no other tiers).
            let billed_replicas = if soft_deleted {
                1
            } else {
                t.replicas.saturating_add(t.additional_replicas)
            };
            let source = t.region == v.location;
            let egress = if source || soft_deleted {
                0.0
            } else {
                layout.total_gb() as f64 * prices.egress_per_gb
            };
            lines.push(CostLine {
                version_id: rid.clone(),
                region: t.region.as_str().to_string(),
                source_region: source,
                replicas: billed_replicas,
                storage_account_type: t.storage_account_type,
                disk_tiers: tiers
                    .iter()
                    .map(|&i| tier_name(t.storage_account_type, i))
                    .collect(),
                billed_gb_per_replica: billed,
                managed_disks: billed_replicas
                    .saturating_mul(u32::try_from(disks.len()).unwrap_or(u32::MAX)),
                storage_monthly: cents(per_replica * f64::from(billed_replicas)),
                egress_one_time: cents(egress),
                soft_deleted,
            });
        }
    }
    let advice = older_versions_advice(world, &lines, &prices.currency);
    CostEstimate {
        advice,
        currency: prices.currency.clone(),
        // Counted in u64 and saturating: a sum of u32 counts must not wrap or panic.
        managed_disks: lines
            .iter()
            .fold(0u64, |n, l| n.saturating_add(u64::from(l.managed_disks))),
        storage_monthly: cents(lines.iter().map(|l| l.storage_monthly).sum()),
        egress_one_time: cents(lines.iter().map(|l| l.egress_one_time).sum()),
        lines,
        assumptions,
    }
}
