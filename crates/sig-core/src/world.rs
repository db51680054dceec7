//! The simulated world: tenants, subscriptions, resource groups, image sources and the gallery
//! resources, plus the indexes that keep every command O(log n) regardless of size.
//!
//! Fields are private to the crate: the only way to change a `World` is [`crate::command::apply`]
//! (or importing an export), so the indexes can never disagree with the data.

use crate::arm;
use crate::diagnostics::{Code, Diagnostic};
use crate::ids::{
    resource_group_key, GalleryRef, ImageRef, Key, VersionRef, GALLERY_TYPE, IMAGE_TYPE,
    VERSION_TYPE,
};
use crate::kinds::{HyperVGeneration, OsState, OsType, StorageAccountType};
use crate::limits::{
    MAX_GALLERIES_PER_SUBSCRIPTION_REGION, MAX_IMAGES_PER_SUBSCRIPTION_REGION,
    MAX_VERSIONS_PER_SUBSCRIPTION_REGION,
};
use crate::names::{GalleryName, ImageDefinitionName, ImageVersionName, Offer, Publisher, Sku};
use crate::regions::RegionName;
use crate::rules::{ImageFacts, Lookup, SourceFacts};
use crate::sources::Source;
use serde::{Deserialize, Serialize};

mod discard;
pub(crate) mod version_body;

pub use discard::Discarding;
use std::collections::{BTreeMap, BTreeSet};
use time::OffsetDateTime;
use version_body::{Publishing, StoredVersion, VersionBody};

/// An Azure AD tenant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Tenant {
    /// Tenant id.
    pub id: String,
    /// Display name.
    pub display_name: String,
}

/// A subscription (galleries cannot move between them; limits are counted per subscription).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Subscription {
    /// Subscription id.
    pub id: String,
    /// Owning tenant.
    pub tenant_id: String,
    /// Display name.
    pub display_name: String,
    /// Allow-listed for Australia Central / Australia Central 2 (seed "Regional Support").
    #[serde(default)]
    pub allow_listed_regions: bool,
}

/// A resource group (its location is only used for the best-practice warning).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceGroup {
    /// Subscription id.
    pub subscription_id: String,
    /// Name.
    pub name: String,
    /// Location.
    pub location: RegionName,
}

/// Validated publisher / offer / SKU.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identifier {
    /// Publisher.
    pub publisher: Publisher,
    /// Offer.
    pub offer: Offer,
    /// SKU.
    pub sku: Sku,
}

/// A gallery in the world: validated key facts + the full ARM resource.
#[derive(Debug, Clone, PartialEq)]
pub struct GalleryEntry {
    /// Canonical id.
    pub id: GalleryRef,
    /// Validated name.
    pub name: GalleryName,
    /// Validated location.
    pub location: RegionName,
    /// The ARM resource (canonical id/name/type).
    pub resource: arm::Gallery,
}

/// An image definition in the world.
#[derive(Debug, Clone, PartialEq)]
pub struct ImageEntry {
    /// Canonical id.
    pub id: ImageRef,
    /// Validated name.
    pub name: ImageDefinitionName,
    /// Validated location.
    pub location: RegionName,
    /// OS type.
    pub os_type: OsType,
    /// OS state.
    pub os_state: OsState,
    /// Hyper-V generation (V1 when the resource omits it).
    pub hyper_v_generation: HyperVGeneration,
    /// Publisher / offer / SKU.
    pub identifier: Identifier,
    /// The ARM resource.
    pub resource: arm::GalleryImage,
}

/// Effective replication settings for one target region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetState {
    /// Region.
    pub region: RegionName,
    /// Effective storage type (region's, else the version's, else Standard_LRS).
    pub storage_account_type: StorageAccountType,
    /// Effective replica count (region's, else replicaCount, else 1).
    pub replicas: u32,
    /// Region-level `latest` flag, overriding the version's own when set.
    pub exclude_from_latest: Option<bool>,
    /// Replicas of the region's `additionalReplicaSets` (another storage type), on top of
    /// `replicas`: they count toward the region's limit and its cost.
    pub additional_replicas: u32,
}

/// An image version in the world.
#[derive(Clone)]
pub struct VersionEntry {
    /// Canonical id.
    pub id: VersionRef,
    /// Validated `Major.Minor.Patch`.
    pub name: ImageVersionName,
    /// Source region.
    pub location: RegionName,
    /// Version-level `excludeFromLatest`.
    pub exclude_from_latest: bool,
    /// Effective target regions.
    pub targets: Vec<TargetState>,
    /// The ARM resource, parsed or still its stored text ([`VersionEntry::resource`]).
    body: VersionBody,
}

impl VersionEntry {
    /// The ARM resource. A version read back from a part this build sealed keeps its stored
    /// text until this is first asked (see [`version_body`]); the answer is the same body the
    /// eager reading builds.
    pub fn resource(&self) -> &arm::GalleryImageVersion {
        self.body.get(&self.id, self.location)
    }

    /// Whether the ARM resource is still only its stored text, not parsed yet (tests).
    pub fn is_stored_text(&self) -> bool {
        self.body.is_stored_text()
    }

    /// The stored text to write for this version in the nested form, under a definition at
    /// `parent_location` (see `VersionBody::text_for`).
    pub(crate) fn stored_text_for(
        &self,
        parent_location: Option<&str>,
        always: bool,
    ) -> Option<&serde_json::value::RawValue> {
        self.body.text_for(self.location, parent_location, always)
    }
}

impl PartialEq for VersionEntry {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
            && self.name == other.name
            && self.location == other.location
            && self.exclude_from_latest == other.exclude_from_latest
            && self.targets == other.targets
            && self.resource() == other.resource()
    }
}

impl std::fmt::Debug for VersionEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VersionEntry")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("location", &self.location)
            .field("exclude_from_latest", &self.exclude_from_latest)
            .field("targets", &self.targets)
            .field("resource", self.resource())
            .finish()
    }
}

/// Resource counts for one (subscription, region).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Galleries.
    pub galleries: usize,
    /// Image definitions.
    pub images: usize,
    /// Image versions.
    pub versions: usize,
}

/// How many (subscription, region) pairs [`Indexes::count_of`] scans before it makes a key
/// instead: a world with many subscriptions in many regions must not scan them all for each
/// version it counts.
const SCAN_COUNTS_UP_TO: usize = 32;

#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Indexes {
    /// (subscription, lower-case gallery name) → gallery.
    pub gallery_names: BTreeMap<(String, String), Key>,
    /// (gallery, publisher, offer, sku) lower-case → image.
    pub identifiers: BTreeMap<(Key, String, String, String), Key>,
    /// (subscription, region) → counts.
    pub counts: BTreeMap<(String, &'static str), Counts>,
}

/// A broken structural invariant of a world (indexes that disagree with the data, a child
/// without its parent, counts over the limits): a bug in the core, reported by
/// [`World::check_invariants`] for tests and debugging.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct InvariantViolation(pub String);

/// The whole simulated state.
#[derive(Debug, Clone, Default)]
pub struct World {
    pub(crate) clock: Option<OffsetDateTime>,
    pub(crate) tenants: BTreeMap<Key, Tenant>,
    pub(crate) subscriptions: BTreeMap<Key, Subscription>,
    pub(crate) resource_groups: BTreeMap<Key, ResourceGroup>,
    pub(crate) sources: BTreeMap<Key, Source>,
    pub(crate) galleries: BTreeMap<Key, GalleryEntry>,
    pub(crate) images: BTreeMap<Key, ImageEntry>,
    /// Boxed: a version is ~1 KB, and a map node holds eleven in place, most of them empty
    /// slots (230 MB of nodes for 100,000 versions, measured); boxed, a node holds pointers.
    pub(crate) versions: BTreeMap<Key, Box<VersionEntry>>,
    pub(crate) index: Indexes,
    /// Per (version, target region) replication records (see [`crate::replication_state`]).
    pub(crate) replication: crate::replication_state::ReplicationState,
    /// Directory, custom roles and role assignments (see [`crate::iam`]).
    pub(crate) access: crate::iam::AccessState,
    /// The price table cost estimates use, when the user set one (`SetPriceTable`).
    pub(crate) prices: Option<crate::prices::PriceTable>,
    /// The Activity log (see [`crate::activity`]).
    pub(crate) activity: crate::activity::ActivityLog,
    /// Image versions deleted while their gallery's soft delete was on, by the version's key
    /// (see [`crate::soft_delete`]).
    pub(crate) soft_deleted: BTreeMap<Key, SoftDeletedVersion>,
    /// What changed since [`World::take_touched`] (see [`crate::parts`]).
    pub(crate) touched: Touched,
    /// While a reading builds the world ([`crate::export::Reading`]), nothing is marked
    /// touched: it ends with nothing touched anyway, and marking cost a key per resource.
    pub(crate) reading: bool,
}

/// What changed in a world since the last [`World::take_touched`]: which parts of the
/// stored document (see [`crate::parts`]) a saver must write again.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Touched {
    /// Galleries whose part changed: created, deleted, or one of their definitions or versions
    /// created, updated or deleted.
    pub galleries: BTreeSet<Key>,
    /// Whether the access fields other than the role assignments changed.
    pub access: bool,
    /// The buckets of role assignments (see [`crate::parts::assignment_bucket`]) where one was
    /// created or deleted.
    pub assignments: BTreeSet<u16>,
}

pub use crate::iam::{assignment_bucket, ASSIGNMENT_BUCKETS};

impl Touched {
    /// Adds what `other` touched (a save that failed keeps what it would have written).
    pub fn merge(&mut self, other: Touched) {
        self.galleries.extend(other.galleries);
        self.access |= other.access;
        self.assignments.extend(other.assignments);
    }

    /// Nothing touched.
    pub fn is_empty(&self) -> bool {
        self.galleries.is_empty() && !self.access && self.assignments.is_empty()
    }
}

/// A soft-deleted image version: what it was, and when it was deleted (it is purged
/// [`SOFT_DELETE_RETENTION_DAYS`](crate::limits::SOFT_DELETE_RETENTION_DAYS) later).
#[derive(Debug, Clone, PartialEq)]
pub struct SoftDeletedVersion {
    /// The version as it was when deleted.
    pub entry: VersionEntry,
    /// When it was deleted.
    pub deleted_at: OffsetDateTime,
}

impl SoftDeletedVersion {
    /// When the platform deletes it for good.
    pub fn purged_at(&self) -> OffsetDateTime {
        self.deleted_at + time::Duration::days(crate::limits::SOFT_DELETE_RETENTION_DAYS)
    }
    /// Whether it can still be restored at `at`.
    pub fn recoverable_at(&self, at: OffsetDateTime) -> bool {
        at < self.purged_at()
    }
}

fn ident_key(gallery: &Key, i: &Identifier) -> (Key, String, String, String) {
    (
        gallery.clone(),
        i.publisher.as_str().to_ascii_lowercase(),
        i.offer.as_str().to_ascii_lowercase(),
        i.sku.as_str().to_ascii_lowercase(),
    )
}

impl Indexes {
    /// The counts of a subscription (by its key: `Scope::subscription_key`, lower-cased
    /// already) in a region.
    fn count(&mut self, subscription_key: String, region: RegionName) -> &mut Counts {
        self.counts
            .entry((subscription_key, region.as_str()))
            .or_default()
    }

    /// [`Indexes::count`] of `subscription` (any case), without making its key when the pair is
    /// counted already — nearly always, and once per version when a state is read. The pairs
    /// are scanned only while there are few of them (one per subscription and region): past
    /// [`SCAN_COUNTS_UP_TO`], one key made is cheaper than the scan.
    fn count_of(&mut self, subscription: Option<&str>, region: RegionName) -> &mut Counts {
        let subscription = subscription.unwrap_or("");
        let at = (self.counts.len() <= SCAN_COUNTS_UP_TO)
            .then(|| {
                self.counts.keys().position(|(s, r)| {
                    *r == region.as_str()
                        && s.len() == subscription.len()
                        && s.bytes()
                            .zip(subscription.bytes())
                            .all(|(a, b)| a == b.to_ascii_lowercase())
                })
            })
            .flatten();
        match at {
            Some(n) => self
                .counts
                .values_mut()
                .nth(n)
                .expect("the position of a key of this very map"),
            None => self.count(subscription.to_ascii_lowercase(), region),
        }
    }

    fn add_gallery(&mut self, key: &Key, g: &GalleryEntry) {
        self.gallery_names.insert(
            (
                g.id.scope.subscription_key(),
                g.name.as_str().to_ascii_lowercase(),
            ),
            key.clone(),
        );
        self.count(g.id.scope.subscription_key(), g.location)
            .galleries += 1;
    }
    fn remove_gallery(&mut self, g: &GalleryEntry) {
        self.gallery_names.remove(&(
            g.id.scope.subscription_key(),
            g.name.as_str().to_ascii_lowercase(),
        ));
        self.count(g.id.scope.subscription_key(), g.location)
            .galleries -= 1;
    }
    fn add_image(&mut self, key: &Key, i: &ImageEntry) {
        let gk = i.id.gallery.key();
        self.identifiers
            .insert(ident_key(&gk, &i.identifier), key.clone());
        self.count(i.id.gallery.scope.subscription_key(), i.location)
            .images += 1;
    }
    fn remove_image(&mut self, i: &ImageEntry) {
        let gk = i.id.gallery.key();
        self.identifiers.remove(&ident_key(&gk, &i.identifier));
        self.count(i.id.gallery.scope.subscription_key(), i.location)
            .images -= 1;
    }
    fn add_version(&mut self, v: &VersionEntry) {
        self.count_of(v.id.image.gallery.scope.subscription.as_deref(), v.location)
            .versions += 1;
    }
    fn remove_version(&mut self, v: &VersionEntry) {
        self.count(v.id.image.gallery.scope.subscription_key(), v.location)
            .versions -= 1;
    }
    fn prune(&mut self) {
        self.counts.retain(|_, c| *c != Counts::default());
    }
}

impl World {
    /// An empty world.
    pub fn new() -> World {
        World::default()
    }

    // ---- queries -------------------------------------------------------------------------------

    /// The clock of the last applied command (the export records it).
    pub fn clock(&self) -> Option<OffsetDateTime> {
        self.clock
    }
    /// The price table the user set, if any (cost estimates fall back to the defaults).
    pub fn price_table(&self) -> Option<&crate::prices::PriceTable> {
        self.prices.as_ref()
    }
    /// The Activity log, newest first.
    pub fn activity(&self) -> &[crate::activity::ActivityRecord] {
        self.activity.records()
    }
    /// Records what one `apply` answered in the Activity log (the shells
    /// call it after every command, refusals included; see [`crate::activity`]).
    pub fn record_activity(&mut self, record: crate::activity::ActivityRecord) {
        self.activity.record(record);
    }
    /// All tenants, sorted by id.
    pub fn tenants(&self) -> impl Iterator<Item = &Tenant> {
        self.tenants.values()
    }
    /// All subscriptions, sorted by id.
    pub fn subscriptions(&self) -> impl Iterator<Item = &Subscription> {
        self.subscriptions.values()
    }
    /// A subscription by id (case-insensitive).
    pub fn subscription(&self, id: &str) -> Option<&Subscription> {
        self.subscriptions.get(&Key::new(id))
    }
    /// All resource groups.
    pub fn resource_groups(&self) -> impl Iterator<Item = &ResourceGroup> {
        self.resource_groups.values()
    }
    /// A resource group.
    pub fn resource_group(&self, subscription: &str, name: &str) -> Option<&ResourceGroup> {
        self.resource_groups
            .get(&resource_group_key(subscription, name))
    }
    /// All image sources.
    pub fn sources(&self) -> impl Iterator<Item = &Source> {
        self.sources.values()
    }
    /// A source by id (any casing / sloppy variant).
    pub fn source(&self, id: &str) -> Option<&Source> {
        self.sources.get(&crate::rules::source_key(id))
    }
    /// All galleries, sorted by id (case-insensitive).
    pub fn galleries(&self) -> impl Iterator<Item = &GalleryEntry> {
        self.galleries.values()
    }
    /// All image definitions.
    pub fn images(&self) -> impl Iterator<Item = &ImageEntry> {
        self.images.values()
    }
    /// All image versions.
    pub fn versions(&self) -> impl Iterator<Item = &VersionEntry> {
        self.versions.values().map(|v| &**v)
    }
    /// How many image versions there are (soft-deleted ones aside).
    pub fn version_count(&self) -> usize {
        self.versions.len()
    }
    /// The versions in key order after `after` (from the first when `None`), with their keys:
    /// for a pass over every version that yields between steps and goes on where it stopped
    /// (the cost estimate, [`crate::cost::Estimating`]).
    pub fn versions_after<'a>(
        &'a self,
        after: Option<&Key>,
    ) -> impl Iterator<Item = (&'a Key, &'a VersionEntry)> + 'a {
        use std::ops::Bound;
        let from = after.map_or(Bound::Unbounded, Bound::Excluded);
        self.versions
            .range::<Key, _>((from, Bound::Unbounded))
            .map(|(k, v)| (k, &**v))
    }
    /// A gallery by id (any accepted spelling).
    pub fn gallery(&self, id: &str) -> Option<&GalleryEntry> {
        crate::ids::GalleryResourceId::parse(id).and_then(|i| self.galleries.get(&i.key()))
    }
    /// An image definition by id.
    pub fn image(&self, id: &str) -> Option<&ImageEntry> {
        crate::ids::GalleryResourceId::parse(id).and_then(|i| self.images.get(&i.key()))
    }
    /// An image version by id.
    pub fn version(&self, id: &str) -> Option<&VersionEntry> {
        crate::ids::GalleryResourceId::parse(id)
            .and_then(|i| self.versions.get(&i.key()))
            .map(|v| &**v)
    }
    /// The soft-deleted versions still recoverable at `at` (deleted less than the retention
    /// ago), under the definition `image` or, with `None`, everywhere.
    pub fn soft_deleted_at<'a>(
        &'a self,
        image: Option<&'a ImageRef>,
        at: OffsetDateTime,
    ) -> impl Iterator<Item = &'a SoftDeletedVersion> + 'a {
        self.soft_deleted.values().filter(move |s| {
            image.is_none_or(|i| s.entry.id.image.key() == i.key()) && s.recoverable_at(at)
        })
    }
    /// A soft-deleted version by its id (the version's own id), recoverable or not.
    pub fn soft_deleted_version(&self, id: &str) -> Option<&SoftDeletedVersion> {
        crate::ids::GalleryResourceId::parse(id).and_then(|i| self.soft_deleted.get(&i.key()))
    }
    /// The definitions of a gallery.
    pub fn images_of<'a>(
        &'a self,
        gallery: &GalleryRef,
    ) -> impl Iterator<Item = &'a ImageEntry> + 'a {
        under(&self.images, &gallery.key(), "/images/").map(|(_, i)| i)
    }
    /// The versions of a definition.
    pub fn versions_of<'a>(
        &'a self,
        image: &ImageRef,
    ) -> impl Iterator<Item = &'a VersionEntry> + 'a {
        under(&self.versions, &image.key(), "/versions/").map(|(_, v)| &**v)
    }
    /// Resource counts for a subscription in a region (O(log n)).
    pub fn counts(&self, subscription: &str, region: RegionName) -> Counts {
        self.index
            .counts
            .get(&(subscription.to_ascii_lowercase(), region.as_str()))
            .copied()
            .unwrap_or_default()
    }
    /// The keys of the nested resources: the definitions of a gallery, the versions of a
    /// definition, in key order.
    pub(crate) fn child_keys<'a>(&'a self, parent: &Key) -> impl Iterator<Item = &'a Key> + 'a {
        under(&self.images, parent, "/images/")
            .map(|(k, _)| k)
            .chain(under(&self.versions, parent, "/versions/").map(|(k, _)| k))
    }

    // ---- mutation (crate-internal: only `apply` and import call these) -------------------------

    pub(crate) fn insert_gallery(&mut self, e: GalleryEntry) {
        let key = e.id.key();
        if !self.reading {
            self.touched.galleries.insert(key.clone());
        }
        self.index.add_gallery(&key, &e);
        self.galleries.insert(key, e);
    }
    pub(crate) fn remove_gallery(&mut self, key: &Key) -> Option<GalleryEntry> {
        let e = self.galleries.remove(key)?;
        self.touched.galleries.insert(key.clone());
        self.index.remove_gallery(&e);
        self.index.prune();
        Some(e)
    }
    pub(crate) fn insert_image(&mut self, e: ImageEntry) {
        let key = e.id.key();
        if !self.reading {
            self.touched.galleries.insert(e.id.gallery.key());
        }
        self.index.add_image(&key, &e);
        self.images.insert(key, e);
    }
    pub(crate) fn remove_image(&mut self, key: &Key) -> Option<ImageEntry> {
        let e = self.images.remove(key)?;
        self.touched.galleries.insert(e.id.gallery.key());
        self.index.remove_image(&e);
        self.index.prune();
        Some(e)
    }
    pub(crate) fn insert_version(&mut self, e: VersionEntry) {
        self.insert_version_at(e.id.key(), e);
    }
    /// [`World::insert_version`] under `key`, `e.id.key()` already made by the caller.
    pub(crate) fn insert_version_at(&mut self, key: Key, e: VersionEntry) {
        if !self.reading {
            self.touched.galleries.insert(e.id.image.gallery.key());
        }
        self.index.add_version(&e);
        self.versions.insert(key, Box::new(e));
    }
    /// [`World::insert_version_at`] for a version that may be there already, with one search
    /// of the map where a look-up then an insert made two (a reading puts back 100,000 versions,
    /// each at the map's right edge, whose search compares with most keys on the way): `make`
    /// builds the entry when the key is free, `taken` the error when it is not.
    pub(crate) fn insert_new_version_at<E>(
        &mut self,
        key: Key,
        make: impl FnOnce() -> Result<VersionEntry, E>,
        taken: impl FnOnce(&VersionEntry) -> E,
    ) -> Result<(), E> {
        let slot = match self.versions.entry(key) {
            std::collections::btree_map::Entry::Vacant(slot) => slot,
            std::collections::btree_map::Entry::Occupied(there) => return Err(taken(there.get())),
        };
        let e = make()?;
        if !self.reading {
            self.touched.galleries.insert(e.id.image.gallery.key());
        }
        self.index.add_version(&e);
        slot.insert(Box::new(e));
        Ok(())
    }
    /// The replication records, to change those of `version`: its gallery's part changes too.
    pub(crate) fn replication_mut(
        &mut self,
        version: &Key,
    ) -> &mut crate::replication_state::ReplicationState {
        let gallery = match self.versions.get(version) {
            Some(v) => Some(v.id.image.gallery.key()),
            // Gone already (its removal marked the gallery); keys are lower-cased ids.
            None => version
                .as_str()
                .find("/images/")
                .map(|end| Key::new(&version.as_str()[..end])),
        };
        self.touched.galleries.extend(gallery);
        &mut self.replication
    }
    pub(crate) fn remove_version(&mut self, key: &Key) -> Option<VersionEntry> {
        let e = self.versions.remove(key)?;
        self.touched.galleries.insert(e.id.image.gallery.key());
        self.index.remove_version(&e);
        self.replication.remove_version(key);
        self.index.prune();
        Some(*e)
    }

    /// Gallery with that name in the subscription (names are unique per subscription).
    pub(crate) fn gallery_named(&self, subscription: &str, name: &str) -> Option<&Key> {
        self.index
            .gallery_names
            .get(&(subscription.to_ascii_lowercase(), name.to_ascii_lowercase()))
    }
    /// Definition with that publisher/offer/SKU in the gallery.
    pub(crate) fn image_identified(&self, gallery: &Key, ident: &Identifier) -> Option<&Key> {
        self.index.identifiers.get(&ident_key(gallery, ident))
    }

    /// Recomputes every index from scratch and checks it against the maintained one, plus the
    /// structural invariants (every child has its parent, counts within limits). For tests and
    /// debugging; O(n).
    pub fn check_invariants(&self) -> Result<(), InvariantViolation> {
        let mut fresh = Indexes::default();
        for (k, g) in &self.galleries {
            fresh.add_gallery(k, g);
            if !self.resource_groups.contains_key(&resource_group_key(
                g.id.scope.subscription.as_deref().unwrap_or(""),
                g.id.scope.resource_group.as_deref().unwrap_or(""),
            )) {
                return Err(InvariantViolation(format!(
                    "gallery {k:?} has no resource group"
                )));
            }
        }
        for (k, i) in &self.images {
            if !self.galleries.contains_key(&i.id.gallery.key()) {
                return Err(InvariantViolation(format!("image {k:?} has no gallery")));
            }
            fresh.add_image(k, i);
        }
        for (k, v) in &self.versions {
            if !self.images.contains_key(&v.id.image.key()) {
                return Err(InvariantViolation(format!("version {k:?} has no image")));
            }
            fresh.add_version(v);
        }
        fresh.prune();
        if fresh != self.index {
            return Err(InvariantViolation(format!(
                "indexes disagree with a recomputation:\nmaintained: {:?}\nfresh: {:?}",
                self.index, fresh
            )));
        }
        for ((s, r), c) in &self.index.counts {
            if c.galleries > MAX_GALLERIES_PER_SUBSCRIPTION_REGION
                || c.images > MAX_IMAGES_PER_SUBSCRIPTION_REGION
                || c.versions > MAX_VERSIONS_PER_SUBSCRIPTION_REGION
            {
                return Err(InvariantViolation(format!(
                    "limits exceeded for ({s}, {r}): {c:?}"
                )));
            }
        }
        for (k, g) in &self.galleries {
            if g.resource.id.as_deref() != Some(g.id.to_string().as_str())
                || Key::new(&g.id.to_string()) != *k
            {
                return Err(InvariantViolation(format!(
                    "gallery {k:?} id not canonical"
                )));
            }
        }
        Ok(())
    }
}

fn version_facts(world: &World, v: &VersionEntry) -> SourceFacts {
    let parent = Lookup::image(world, &v.id.image.key());
    crate::rules::version_source_facts(v.resource(), Some(v.location), parent.as_ref())
}

/// Facts about a registered source.
pub(crate) fn source_facts(s: &Source) -> SourceFacts {
    SourceFacts {
        kind: s.kind,
        location: Some(s.location),
        os_type: s.os_type,
        os_state: s.os_state,
        hyper_v_generation: s.hyper_v_generation,
        os_disk_size_gb: s.os_disk_size_gb.map(i64::from),
        data_disks: s
            .data_disks
            .iter()
            .map(|d| (i64::from(d.lun), i64::from(d.size_gb)))
            .collect(),
    }
}

impl Lookup for World {
    fn source(&self, key: &Key) -> Option<SourceFacts> {
        if let Some(s) = self.sources.get(key) {
            return Some(source_facts(s));
        }
        self.versions.get(key).map(|v| version_facts(self, v))
    }
    fn image(&self, key: &Key) -> Option<ImageFacts> {
        self.images.get(key).map(|i| ImageFacts {
            os_type: Some(i.os_type),
            os_state: Some(i.os_state),
            hyper_v_generation: i.hyper_v_generation,
            location: Some(i.location),
            security_type: crate::rules::security_type(
                i.resource
                    .properties
                    .as_ref()
                    .and_then(|p| p.features.as_ref()),
            ),
        })
    }
    fn gallery_location(&self, key: &Key) -> Option<RegionName> {
        self.galleries.get(key).map(|g| g.location)
    }
    fn version_region_replicas(&self, version: &Key, region: RegionName) -> Option<u32> {
        let v = self.versions.get(version)?;
        v.targets
            .iter()
            .find(|t| t.region == region)
            .map(|t| t.replicas)
    }
    fn subscription_allow_listed(&self, subscription: &str) -> Option<bool> {
        self.subscriptions
            .get(&Key::new(subscription))
            .map(|s| s.allow_listed_regions)
    }
    fn resource_group_location(
        &self,
        subscription: &str,
        resource_group: &str,
    ) -> Option<RegionName> {
        self.resource_groups
            .get(&resource_group_key(subscription, resource_group))
            .map(|r| r.location)
    }
}

// ---- raw → validated conversions (run after the rules passed; still never panic) -------------

fn bad(rid: &str, path: &str, msg: impl Into<String>, code: Code) -> Vec<Diagnostic> {
    vec![Diagnostic::new(code, rid, path, msg)]
}

fn location_of(loc: Option<&str>, rid: &str) -> Result<RegionName, Vec<Diagnostic>> {
    loc.and_then(RegionName::new).ok_or_else(|| {
        bad(
            rid,
            "location",
            format!("'{}' is not a known Azure region.", loc.unwrap_or("")),
            Code::LocationNotAvailableForResourceType,
        )
    })
}

/// The entries of `map` nested under `parent` through `segment` (`/images/`, `/versions/`).
/// Keys are lower-cased ids, so a parent's children are one run of the map, found by a range:
/// no index of children is kept (at ten times the limits it held every version's key again,
/// ~20 MB).
fn under<'a, V>(
    map: &'a BTreeMap<Key, V>,
    parent: &Key,
    segment: &'static str,
) -> impl Iterator<Item = (&'a Key, &'a V)> + 'a {
    let mut prefix = String::with_capacity(parent.as_str().len() + segment.len());
    prefix.push_str(parent.as_str());
    prefix.push_str(segment);
    let start = Key::from_string(prefix);
    map.range(start.clone()..)
        .take_while(move |(k, _)| k.as_str().starts_with(start.as_str()))
}

/// Builds a gallery entry, stamping the canonical id/name/type into the resource.
pub(crate) fn gallery_entry(
    id: GalleryRef,
    mut res: arm::Gallery,
) -> Result<GalleryEntry, Vec<Diagnostic>> {
    let rid = id.canonical();
    let name = GalleryName::new(&id.gallery).map_err(|e| bad(&rid, "name", e.message, e.code))?;
    let location = location_of(res.location.as_deref(), &rid)?;
    res.id = Some(rid);
    res.name = Some(id.gallery.clone());
    res.resource_type = Some(GALLERY_TYPE.into());
    Ok(GalleryEntry {
        id,
        name,
        location,
        resource: res,
    })
}

/// Builds an image definition entry.
pub(crate) fn image_entry(
    id: ImageRef,
    mut res: arm::GalleryImage,
) -> Result<ImageEntry, Vec<Diagnostic>> {
    let rid = id.canonical();
    let name =
        ImageDefinitionName::new(&id.image).map_err(|e| bad(&rid, "name", e.message, e.code))?;
    let location = location_of(res.location.as_deref(), &rid)?;
    let p = res.properties.as_ref();
    let os_type = p
        .and_then(|p| p.os_type.as_deref())
        .and_then(OsType::parse)
        .ok_or_else(|| {
            bad(
                &rid,
                "properties.osType",
                "osType must be Windows or Linux.",
                Code::OsTypeInvalid,
            )
        })?;
    let os_state = p
        .and_then(|p| p.os_state.as_deref())
        .and_then(OsState::parse)
        .ok_or_else(|| {
            bad(
                &rid,
                "properties.osState",
                "osState must be Generalized or Specialized.",
                Code::OsStateInvalid,
            )
        })?;
    let hyper_v_generation = match p.and_then(|p| p.hyper_v_generation.as_deref()) {
        None => HyperVGeneration::V1,
        Some(s) => HyperVGeneration::parse(s).ok_or_else(|| {
            bad(
                &rid,
                "properties.hyperVGeneration",
                "hyperVGeneration must be V1 or V2.",
                Code::HyperVGenerationInvalid,
            )
        })?,
    };
    let ident = p.and_then(|p| p.identifier.as_ref());
    fn part(v: Option<&String>) -> &str {
        v.map_or("", String::as_str)
    }
    let identifier = Identifier {
        publisher: Publisher::new(part(ident.and_then(|i| i.publisher.as_ref())))
            .map_err(|e| bad(&rid, "properties.identifier.publisher", e.message, e.code))?,
        offer: Offer::new(part(ident.and_then(|i| i.offer.as_ref())))
            .map_err(|e| bad(&rid, "properties.identifier.offer", e.message, e.code))?,
        sku: Sku::new(part(ident.and_then(|i| i.sku.as_ref())))
            .map_err(|e| bad(&rid, "properties.identifier.sku", e.message, e.code))?,
    };
    res.id = Some(rid);
    res.name = Some(id.image.clone());
    res.resource_type = Some(IMAGE_TYPE.into());
    Ok(ImageEntry {
        id,
        name,
        location,
        os_type,
        os_state,
        hyper_v_generation,
        identifier,
        resource: res,
    })
}

/// Builds an image version entry (effective targets computed once here).
pub(crate) fn version_entry(
    id: VersionRef,
    res: arm::GalleryImageVersion,
) -> Result<VersionEntry, Vec<Diagnostic>> {
    let rid = id.canonical();
    version_entry_at(id, rid, res)
}

/// [`version_entry`] with `rid`, the canonical id of `id`, made already: a reader that needs it
/// for the key too makes it once.
pub(crate) fn version_entry_at(
    id: VersionRef,
    rid: String,
    mut res: arm::GalleryImageVersion,
) -> Result<VersionEntry, Vec<Diagnostic>> {
    let name =
        ImageVersionName::new(&id.version).map_err(|e| bad(&rid, "name", e.message, e.code))?;
    let location = location_of(res.location.as_deref(), &rid)?;
    let pp = res
        .properties
        .as_ref()
        .and_then(|p| p.publishing_profile.as_ref())
        .map(Publishing::of);
    let (targets, exclude_from_latest) = targets_of(&rid, location, pp.as_ref())?;
    res.id = Some(rid);
    // Most bodies spell the name already (every stored one does): not copied again.
    if res.name.as_deref() != Some(id.version.as_str()) {
        res.name = Some(id.version.clone());
    }
    res.resource_type = Some(VERSION_TYPE.into());
    Ok(VersionEntry {
        id,
        name,
        location,
        exclude_from_latest,
        targets,
        body: VersionBody::parsed(res),
    })
}

/// A version read back from a part this build sealed: indexed by the fields `stored` read from
/// its `text`, its body kept as that text until asked for ([`VersionEntry::resource`]).
/// `location` is the location the body takes when the text names none (its definition's).
pub(crate) fn version_entry_stored(
    id: VersionRef,
    rid: &str,
    text: &serde_json::value::RawValue,
    stored: StoredVersion<'_>,
    location: Option<&str>,
) -> Result<VersionEntry, Vec<Diagnostic>> {
    let name =
        ImageVersionName::new(&id.version).map_err(|e| bad(rid, "name", e.message, e.code))?;
    let written = stored.location.as_deref().or(location);
    let region = location_of(written, rid)?;
    let pp = stored.properties.and_then(|p| p.publishing_profile);
    let (targets, exclude_from_latest) = targets_of(rid, region, pp.as_ref())?;
    let inherited = if stored.location.is_none() {
        location
    } else {
        None
    };
    Ok(VersionEntry {
        id,
        name,
        location: region,
        exclude_from_latest,
        targets,
        body: VersionBody::stored(text, region, stored.location.is_some(), inherited),
    })
}

/// A version's effective target regions and its own `excludeFromLatest`, from its publishing
/// profile (`location` is its source region, the one target of a profile that names none).
fn targets_of(
    rid: &str,
    location: RegionName,
    pp: Option<&Publishing<'_>>,
) -> Result<(Vec<TargetState>, bool), Vec<Diagnostic>> {
    let global = pp
        .and_then(|p| p.storage_account_type.as_deref())
        .and_then(StorageAccountType::parse)
        .unwrap_or(StorageAccountType::StandardLrs);
    let common = pp.and_then(|p| p.replica_count).unwrap_or(1);
    let replicas = |n: Option<i64>| u32::try_from(n.unwrap_or(common)).unwrap_or(1);
    let targets = match pp.and_then(|p| p.target_regions.as_ref()) {
        None => vec![TargetState {
            region: location,
            storage_account_type: global,
            replicas: replicas(None),
            exclude_from_latest: None,
            additional_replicas: 0,
        }],
        Some(ts) => {
            let mut out = Vec::with_capacity(ts.len());
            for (n, t) in ts.iter().enumerate() {
                let region = t.name.as_deref().and_then(RegionName::new).ok_or_else(|| {
                    bad(
                        rid,
                        &format!("properties.publishingProfile.targetRegions[{n}].name"),
                        "Target regions must be Azure regions.",
                        Code::LocationNotAvailableForResourceType,
                    )
                })?;
                out.push(TargetState {
                    region,
                    storage_account_type: t
                        .storage_account_type
                        .as_deref()
                        .and_then(StorageAccountType::parse)
                        .unwrap_or(global),
                    replicas: replicas(t.regional_replica_count),
                    exclude_from_latest: t.exclude_from_latest,
                    additional_replicas: t
                        .additional_replica_sets
                        .iter()
                        .flatten()
                        .map(|set| {
                            u32::try_from(set.regional_replica_count.unwrap_or(1)).unwrap_or(0)
                        })
                        .fold(0, u32::saturating_add),
                });
            }
            out
        }
    };
    let exclude_from_latest = pp.and_then(|p| p.exclude_from_latest).unwrap_or(false);
    Ok((targets, exclude_from_latest))
}
