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
/// `versions` are the live versions (and the soft-deleted ones whose id a live version has
/// again) with their lines; a live version is its definition's newest when `images` names it,
/// a soft-deleted one when its live twin is (`Estimated::twin`).
fn older_versions_advice(
    versions: &[Estimated],
    images: &[(usize, crate::names::ImageVersionName)],
    lines: &[CostLine],
    currency: &str,
) -> Vec<Diagnostic> {
    let mut older = 0_usize;
    let mut saving = 0.0;
    // A soft-deleted version named like a live one is the same id: counted once. Rare (the
    // name is taken while it is kept), so the ids are only collected when there is one.
    let twins = versions.iter().any(|v| v.twin.is_some());
    let mut counted = rustc_hash::FxHashSet::default();
    for (i, v) in versions.iter().enumerate() {
        let newest = v.twin.unwrap_or(images[v.image].0 == i);
        if newest {
            continue;
        }
        let mut saves = false;
        for l in &lines[v.lines.clone()] {
            let per_replica = l.storage_monthly / f64::from(l.replicas.max(1));
            let keep = if l.source_region { per_replica } else { 0.0 };
            if l.storage_monthly - keep > 0.0 {
                saves = true;
                saving += l.storage_monthly - keep;
            }
        }
        if saves && (!twins || counted.insert(lines[v.lines.start].version_id.as_str())) {
            older += 1;
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
            "Keep the newest version of each image definition replicated widely and older versions in fewer regions: keeping the {older} older version(s) in their source region with one replica would save {saving:.2} {currency} per month."
        ),
    )]
}

/// Estimates every version in the world with `prices`.
pub fn estimate(world: &World, prices: &PriceTable) -> CostEstimate {
    let mut estimating = Estimating::new(world, prices.clone());
    while !estimating.step(world, &mut || true) {}
    estimating.finish()
}

/// A version estimated so far, for the advice: its definition (an index into
/// `Estimating::images`) and its lines; for a soft-deleted version a live one has the id of,
/// whether that live version is its definition's newest. Nothing in it is allocated: at ten
/// times the limits a key and a name per version were ~25 ms to free at the end (profiled).
#[derive(Debug)]
struct Estimated {
    image: usize,
    lines: std::ops::Range<usize>,
    twin: Option<bool>,
}

/// How many versions a step estimates between two questions to its `keep_going`.
const VERSIONS_PER_CHECK: usize = 64;

/// [`estimate`] a few versions at a time, for a shell that yields to the browser between steps:
/// at ten times the limits (100,000 versions) the whole estimate held the page for most of a
/// second. Each step goes on from the version after the last it estimated, in key order, then
/// through the soft-deleted versions; the world must be the same at every step (a shell whose
/// world changed starts again).
#[derive(Debug)]
pub struct Estimating {
    prices: PriceTable,
    kept_at: time::OffsetDateTime,
    lines: Vec<CostLine>,
    assumptions: Vec<Diagnostic>,
    estimated: Vec<Estimated>,
    /// Per definition met: its newest live version (its index in `estimated`) and name.
    images: Vec<(usize, crate::names::ImageVersionName)>,
    /// The definitions' indexes in `images`, by key (made once per definition: versions come
    /// in key order, a definition's together, so the last one is checked first).
    image_index: rustc_hash::FxHashMap<crate::ids::Key, usize>,
    last_image: Option<(std::sync::Arc<crate::ids::ImageRef>, usize)>,
    /// The key of the last live version estimated.
    after: Option<crate::ids::Key>,
    /// Whether every live version is estimated, and how many soft-deleted ones are.
    live_done: bool,
    soft_deleted_done: usize,
    done: usize,
    total: usize,
}

impl Estimating {
    /// An estimate of `world` with `prices`, nothing estimated yet.
    pub fn new(world: &World, prices: PriceTable) -> Estimating {
        let assumption = if prices == PriceTable::default() {
            "Prices are the built-in defaults: assumed 2020 pay-as-you-go USD list prices, not Azure's price list. Supply your own price table for real figures."
        } else {
            "Prices come from the supplied price table."
        };
        // Live versions, then the soft-deleted ones still kept at the world's time (one replica
        // per region, already there: no egress).
        let kept_at = world.clock().unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
        let total = world.version_count() + world.soft_deleted_at(None, kept_at).count();
        Estimating {
            prices,
            kept_at,
            lines: Vec::new(),
            assumptions: vec![Diagnostic::new(
                Code::CostAssumption,
                "",
                "prices",
                assumption,
            )],
            estimated: Vec::new(),
            images: Vec::new(),
            image_index: Default::default(),
            last_image: None,
            after: None,
            live_done: false,
            soft_deleted_done: 0,
            done: 0,
            total,
        }
    }

    /// Versions estimated, of how many.
    pub fn progress(&self) -> (usize, usize) {
        (self.done, self.total)
    }

    /// Estimates versions while `keep_going` says so (asked every few versions; at least one
    /// is estimated per step): whether every version is estimated.
    pub fn step(&mut self, world: &World, keep_going: &mut dyn FnMut() -> bool) -> bool {
        let mut sizes = LayoutCache::default();
        let mut since_check = 0;
        let mut go_on = |since: &mut usize| {
            *since += 1;
            if *since < VERSIONS_PER_CHECK {
                return true;
            }
            *since = 0;
            keep_going()
        };
        if !self.live_done {
            let mut last = None;
            let mut stopped = false;
            for (key, v) in world.versions_after(self.after.as_ref()) {
                let from = self.lines.len();
                self.estimate_one(world, v, false, &mut sizes);
                let image = self.image_of(&v.id.image);
                let at = self.estimated.len();
                self.estimated.push(Estimated {
                    image,
                    lines: from..self.lines.len(),
                    twin: None,
                });
                match self.images.get_mut(image) {
                    Some(newest) => {
                        if v.name > newest.1 {
                            *newest = (at, v.name.clone());
                        }
                    }
                    None => self.images.push((at, v.name.clone())),
                }
                self.done += 1;
                last = Some(key);
                if !go_on(&mut since_check) {
                    stopped = true;
                    break;
                }
            }
            if let Some(key) = last {
                self.after = Some(key.clone());
            }
            if stopped {
                return false;
            }
            self.live_done = true;
        }
        let kept: Vec<_> = world
            .soft_deleted_at(None, self.kept_at)
            .skip(self.soft_deleted_done)
            .collect();
        for s in kept {
            let from = self.lines.len();
            self.estimate_one(world, &s.entry, true, &mut sizes);
            // Named by a live version's id again (recreated): counted as that version's.
            if let Some(live) = world.version(&s.entry.id.to_string()) {
                let image = self.image_of(&live.id.image);
                let newest = self.images.get(image).is_none_or(|n| n.1 == live.name);
                self.estimated.push(Estimated {
                    image,
                    lines: from..self.lines.len(),
                    twin: Some(newest),
                });
            }
            self.soft_deleted_done += 1;
            self.done += 1;
            if !go_on(&mut since_check) {
                return false;
            }
        }
        true
    }

    /// The estimate, once [`Estimating::step`] said every version is estimated.
    pub fn finish(self) -> CostEstimate {
        let advice = older_versions_advice(
            &self.estimated,
            &self.images,
            &self.lines,
            &self.prices.currency,
        );
        let lines = self.lines;
        CostEstimate {
            advice,
            currency: self.prices.currency,
            // Counted in u64 and saturating: a sum of u32 counts must not wrap or panic.
            managed_disks: lines
                .iter()
                .fold(0u64, |n, l| n.saturating_add(u64::from(l.managed_disks))),
            storage_monthly: cents(lines.iter().map(|l| l.storage_monthly).sum()),
            egress_one_time: cents(lines.iter().map(|l| l.egress_one_time).sum()),
            lines,
            assumptions: self.assumptions,
        }
    }

    /// The index in `images` of the definition `image` (the next one when it is new).
    fn image_of(&mut self, image: &std::sync::Arc<crate::ids::ImageRef>) -> usize {
        if let Some((last, at)) = &self.last_image {
            if std::sync::Arc::ptr_eq(last, image) || **last == **image {
                return *at;
            }
        }
        let next = self.image_index.len();
        let at = *self.image_index.entry(image.key()).or_insert(next);
        self.last_image = Some((image.clone(), at));
        at
    }

    /// The lines of one version, in each of its target regions.
    fn estimate_one<'w>(
        &mut self,
        world: &'w World,
        v: &'w crate::world::VersionEntry,
        soft_deleted: bool,
        sizes: &mut LayoutCache<'w>,
    ) {
        let prices = &self.prices;
        let rid = v.id.to_string();
        let layout = version_layout_cached(world, v, sizes);
        if layout.assumed {
            self.assumptions.push(Diagnostic::new(
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
            self.lines.push(CostLine {
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
}
