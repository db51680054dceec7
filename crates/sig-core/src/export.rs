//! The World as one JSON document (the app's export file): `formatVersion`, the setup (tenants,
//! subscriptions, resource groups, sources), the gallery resources as ARM JSON, and the clock.
//!
//! Format 3 (written) nests the ARM resources: each gallery (with its full `id`) carries its
//! definitions in `images`, each definition its versions in `versions`. A nested resource has its
//! `name` but no `id` or `type` (both follow from the nesting), and no `location` when it equals
//! its parent's. Its `replication` array lists only the records that are not nominal (see
//! [`crate::replication::export_records`]); import rebuilds the others. Format 2 is the same but
//! a missing record means "completed before the simulation". Format 1 (still read) lists
//! `galleries`, `images` and `versions` flat, each with `id`, `name` and `type`; it is migrated to
//! format 2 on load ([`migrate_v1`]).
//!
//! Import admits every tenant, subscription, resource group, source, gallery resource, directory
//! object, role and assignment through the plan of the command that creates it (see
//! [`World::from_export`]): the same rules, codes and messages, less the create-time ones that
//! were true when the resources were created ("end of life in the future", "the source exists",
//! the request's api-version).

mod own;
mod stream;
mod text;

pub use stream::GalleryPartError;
pub use text::TextReading;

use crate::arm;
use crate::command::Restore;
use crate::diagnostics::{Code, Diagnostic};
use crate::ids::{GalleryResourceId, Key};
use crate::nesting::{complete_image, complete_version};
use crate::protocol::CommandError;
use crate::sources::Source;
use crate::world::{ResourceGroup, Subscription, Tenant, World};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// Current export format version (3: nested resources, nominal replication records left out;
/// 2 and 1 are still read and migrated).
pub const FORMAT_VERSION: u32 = 3;

/// The export document (owned form, used for reading).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WorldExport {
    /// Always [`FORMAT_VERSION`] when written by this crate.
    pub format_version: u32,
    /// RFC 3339 simulation clock.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clock: Option<String>,
    /// Tenants.
    #[serde(default)]
    pub tenants: Vec<Tenant>,
    /// Subscriptions.
    #[serde(default)]
    pub subscriptions: Vec<Subscription>,
    /// Resource groups.
    #[serde(default)]
    pub resource_groups: Vec<ResourceGroup>,
    /// Image sources.
    #[serde(default)]
    pub sources: Vec<Source>,
    /// Galleries (ARM JSON); in format 2 each carries its definitions.
    #[serde(default)]
    pub galleries: Vec<GalleryNode>,
    /// Format 1 only: image definitions (ARM JSON with ids), flat.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub images: Vec<arm::GalleryImage>,
    /// Format 1 only: image versions (ARM JSON with ids), flat.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub versions: Vec<arm::GalleryImageVersion>,
    /// Replication records (optional; absent = every version already replicated).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub replication: Vec<crate::replication::ReplicationRecordExport>,
    /// Directory, custom roles, role assignments (optional; see [`crate::access::export`]).
    #[serde(flatten)]
    pub access: crate::access::export::AccessExport,
    /// The price table cost estimates use, when the user set one (optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_table: Option<crate::prices::PriceTable>,
    /// The Activity log, newest first (optional; see [`crate::activity`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub activity_log: Vec<crate::activity::ActivityRecord>,
    /// Soft-deleted image versions, as Azure lists them, each with its body (optional; see
    /// [`crate::soft_delete`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub soft_deleted_versions: Vec<crate::soft_delete::SoftDeletedResource>,
}

/// A gallery with its image definitions (format 2).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GalleryNode {
    /// The gallery (ARM JSON, with its `id`).
    #[serde(flatten)]
    pub resource: arm::Gallery,
    /// Its definitions, each with its `name` only.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub images: Vec<ImageNode>,
}

/// An image definition with its versions (format 2).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ImageNode {
    /// The definition (ARM JSON; `id` and `type` follow from the gallery).
    #[serde(flatten)]
    pub resource: arm::GalleryImage,
    /// Its versions (ARM JSON; `id` and `type` follow from the definition).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub versions: Vec<arm::GalleryImageVersion>,
}

/// Migrates a format 1 document (flat `images` and `versions` with ids) to format 2 (nested):
/// each definition goes under the gallery its id names, each version under its definition. What
/// has no parent in the document (or no readable id) stays flat, for [`World::from_export`] to
/// put through the create plan, which refuses it as the command would (`ResourceIdInvalid`,
/// `SubscriptionNotFound`, `ParentResourceNotFound`, ...).
pub fn migrate_v1(mut e: WorldExport) -> WorldExport {
    let mut galleries: std::collections::BTreeMap<Key, usize> = Default::default();
    for (n, g) in e.galleries.iter().enumerate() {
        if let Some(GalleryResourceId::Gallery(r)) =
            g.resource.id.as_deref().and_then(GalleryResourceId::parse)
        {
            galleries.entry(r.key()).or_insert(n);
        }
    }
    let mut images: std::collections::BTreeMap<Key, (usize, usize)> = Default::default();
    let mut orphan_images = Vec::new();
    for i in std::mem::take(&mut e.images) {
        let parsed = i.id.as_deref().and_then(GalleryResourceId::parse);
        let parent = match &parsed {
            Some(GalleryResourceId::Image(r)) => galleries.get(&r.gallery.key()).map(|g| (r, *g)),
            _ => None,
        };
        let Some((r, g)) = parent else {
            orphan_images.push(i);
            continue;
        };
        let list = &mut e.galleries[g].images;
        images.entry(r.key()).or_insert((g, list.len()));
        list.push(ImageNode {
            resource: i,
            versions: Vec::new(),
        });
    }
    let mut orphan_versions = Vec::new();
    for v in std::mem::take(&mut e.versions) {
        let parent = match v.id.as_deref().and_then(GalleryResourceId::parse) {
            Some(GalleryResourceId::Version(r)) => images.get(&r.image.key()).copied(),
            _ => None,
        };
        match parent {
            Some((g, i)) => e.galleries[g].images[i].versions.push(v),
            None => orphan_versions.push(v),
        }
    }
    e.images = orphan_images;
    e.versions = orphan_versions;
    e.format_version = 2;
    e
}

/// How a resource is written in format 2: its ARM fields, borrowed, minus what the nesting implies.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Node<'a, P> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    location: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tags: Option<&'a arm::Tags>,
    #[serde(skip_serializing_if = "Option::is_none")]
    api_version: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    identity: Option<&'a serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<&'a P>,
    #[serde(flatten)]
    extra: &'a serde_json::Map<String, serde_json::Value>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    images: Vec<Node<'a, arm::GalleryImageProperties>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    versions: Vec<VersionNode<'a>>,
}

/// A version as the nesting writes it: from its body, or its stored text as it is (a version
/// read back from a sealed part and not changed since: `VersionEntry::stored_text_for`).
#[derive(Serialize)]
#[serde(untagged)]
enum VersionNode<'a> {
    Text(&'a serde_json::value::RawValue),
    Body(Node<'a, arm::GalleryImageVersionProperties>),
}

/// `Some(mine)` unless it equals the parent's (then the reader takes the parent's).
fn own_location<'a>(mine: &'a Option<String>, parent: &Option<String>) -> Option<&'a str> {
    if mine == parent {
        None
    } else {
        mine.as_deref()
    }
}

fn gallery_nodes(w: &World) -> Vec<Node<'_, arm::GalleryProperties>> {
    w.galleries
        .iter()
        .map(|(gk, g)| gallery_node(w, gk, g, false))
        .collect()
}

/// One gallery as format 3 writes it, with its definitions and their versions. With `stored`
/// (a stored part, compact), a version still holding the text it was read from is written as
/// that text, unparsed: a save does not parse the versions it did not touch. The export (printed
/// for people) writes the body, but the text of one whose text does not parse as a whole, so
/// that nothing of it is lost (an import of it names what does not read).
fn gallery_node<'a>(
    w: &'a World,
    gk: &Key,
    g: &'a crate::world::GalleryEntry,
    stored: bool,
) -> Node<'a, arm::GalleryProperties> {
    let r = &g.resource;
    Node {
        id: r.id.as_deref(),
        name: None,
        location: r.location.as_deref(),
        tags: r.tags.as_ref(),
        api_version: r.api_version.as_deref(),
        identity: r.identity.as_ref(),
        properties: r.properties.as_ref(),
        extra: &r.extra,
        images: w
            .child_keys(gk)
            .filter_map(|ik| w.images.get(ik).map(|i| (ik, i)))
            .map(|(ik, i)| {
                let ir = &i.resource;
                Node {
                    id: None,
                    name: ir.name.as_deref(),
                    location: own_location(&ir.location, &r.location),
                    tags: ir.tags.as_ref(),
                    api_version: ir.api_version.as_deref(),
                    identity: None,
                    properties: ir.properties.as_ref(),
                    extra: &ir.extra,
                    images: Vec::new(),
                    versions: w
                        .child_keys(ik)
                        .filter_map(|vk| w.versions.get(vk))
                        .map(|v| {
                            if stored {
                                if let Some(text) = v.stored_text_for(ir.location.as_deref(), true)
                                {
                                    return VersionNode::Text(text);
                                }
                            }
                            let vr = v.resource();
                            if let Some(text) = v.stored_text_for(ir.location.as_deref(), false) {
                                return VersionNode::Text(text);
                            }
                            VersionNode::Body(Node {
                                id: None,
                                name: vr.name.as_deref(),
                                location: own_location(&vr.location, &ir.location),
                                tags: vr.tags.as_ref(),
                                api_version: vr.api_version.as_deref(),
                                identity: None,
                                properties: vr.properties.as_ref(),
                                extra: &vr.extra,
                                images: Vec::new(),
                                versions: Vec::new(),
                            })
                        })
                        .collect(),
                }
            })
            .collect(),
        versions: Vec::new(),
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct WorldExportRef<'a> {
    format_version: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    clock: Option<String>,
    tenants: Vec<&'a Tenant>,
    subscriptions: Vec<&'a Subscription>,
    resource_groups: Vec<&'a ResourceGroup>,
    sources: Vec<&'a Source>,
    galleries: Vec<Node<'a, arm::GalleryProperties>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    replication: Vec<crate::replication::ReplicationRecordExport>,
    #[serde(flatten)]
    access: crate::access::export::AccessExport,
    #[serde(skip_serializing_if = "Option::is_none")]
    price_table: Option<&'a crate::prices::PriceTable>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    activity_log: &'a [crate::activity::ActivityRecord],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    soft_deleted_versions: Vec<crate::soft_delete::SoftDeletedResource>,
}

impl Serialize for World {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        export_ref(
            self,
            gallery_nodes(self),
            crate::replication::export_records(self),
            crate::access::export::export(self),
        )
        .serialize(s)
    }
}

/// The export document, its galleries, replication records and access fields given (the whole
/// world's, or none for the rest part of [`crate::parts`]).
fn export_ref<'a>(
    w: &'a World,
    galleries: Vec<Node<'a, arm::GalleryProperties>>,
    replication: Vec<crate::replication::ReplicationRecordExport>,
    access: crate::access::export::AccessExport,
) -> WorldExportRef<'a> {
    WorldExportRef {
        format_version: FORMAT_VERSION,
        clock: w.clock.and_then(|c| c.format(&Rfc3339).ok()),
        tenants: w.tenants.values().collect(),
        subscriptions: w.subscriptions.values().collect(),
        resource_groups: w.resource_groups.values().collect(),
        sources: w.sources.values().collect(),
        galleries,
        replication,
        access,
        price_table: w.prices.as_ref(),
        activity_log: w.activity.records(),
        soft_deleted_versions: crate::soft_delete::export(w),
    }
}

/// The document without its galleries, their replication records and the access fields (see
/// [`crate::parts`]).
pub(crate) fn rest_of_document(w: &World) -> impl Serialize + '_ {
    export_ref(w, Vec::new(), Vec::new(), Default::default())
}

/// One gallery's part (see [`crate::parts`]): its entry in the document's `galleries`, and every
/// replication record of its versions (the nominal ones too: see
/// [`crate::replication::export_records_of`]).
#[derive(Serialize)]
struct GalleryPart<'a> {
    node: Node<'a, arm::GalleryProperties>,
    /// As rows relative to the gallery ([`crate::parts::RecordsRef`]).
    #[serde(skip_serializing_if = "crate::parts::RecordsRef::is_empty")]
    replication: crate::parts::RecordsRef<'a>,
}

/// One gallery's part (see [`crate::parts`]).
pub(crate) fn gallery_part<'a>(w: &'a World, key: &Key) -> Option<impl Serialize + 'a> {
    let (gk, g) = w.galleries.get_key_value(key)?;
    let versions = w
        .child_keys(gk)
        .flat_map(|ik| w.child_keys(ik))
        .filter_map(|vk| w.versions.get_key_value(vk))
        .map(|(k, v)| (k, &**v));
    let node = gallery_node(w, gk, g, true);
    let replication = crate::parts::RecordsRef {
        gallery: node.id,
        records: crate::replication::export_records_of(w, versions, true),
    };
    Some(GalleryPart { node, replication })
}

impl<'de> Deserialize<'de> for World {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let export = WorldExport::deserialize(d)?;
        World::from_export(export).map_err(|refusal| serde::de::Error::custom(invalid(&refusal)))
    }
}

/// A refused document in one line, as every reader of state files words it: "invalid world
/// export: " and its first five reasons.
pub fn invalid(refusal: &CommandError) -> String {
    let reasons: Vec<String> = refusal
        .diagnostics
        .iter()
        .take(5)
        .map(|d| d.to_string())
        .collect();
    format!("invalid world export: {}", reasons.join("; "))
}

fn err(code: Code, rid: &str, msg: impl Into<String>) -> Vec<Diagnostic> {
    vec![Diagnostic::new(code, rid, "", msg)]
}

impl World {
    /// Serializes the world to its export JSON value.
    pub fn to_export_value(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }

    /// Rebuilds a world from an export. Everything in it enters through the plans of the commands
    /// that create it ([`Restore`], [`crate::access::export::import`]), parents first, so the file
    /// is refused with the code and message a command would get for the same situation. Only the
    /// replication records, which no command writes directly, have a step of their own
    /// ([`crate::replication::import_records`]).
    pub fn from_export(e: WorldExport) -> Result<World, CommandError> {
        World::from_export_with_warnings(e).map(|(w, _)| w)
    }

    /// [`World::from_export`], with the warnings the plans raised on the way (what the same
    /// commands would have carried on their events: a location that differs from the resource
    /// group's, sharing an individual image version, ...). `sig validate` reports them.
    pub fn from_export_with_warnings(
        e: WorldExport,
    ) -> Result<(World, Vec<Diagnostic>), CommandError> {
        let mut reading = Reading::new(e)?;
        while !reading.step(usize::MAX)? {}
        reading.finish()
    }
}

/// Reading a document in steps: [`World::from_export`]'s admission, cut so that a caller on the
/// browser's main thread can yield between steps, show how far it is, and cancel (drop it: the
/// world it was building is simply dropped). The setup (tenants, subscriptions, resource groups,
/// sources, price table, Activity log) is read by [`Reading::new`], the gallery resources by
/// [`Reading::step`], parents first, and the rest (replication records, access fields,
/// soft-deleted versions) by [`Reading::finish`].
pub struct Reading {
    world: World,
    now: OffsetDateTime,
    clock: Option<OffsetDateTime>,
    activity: crate::activity::ActivityLog,
    rebuild_nominal: bool,
    /// What this engine stored itself (see [`Reading::own`]).
    own: Own,
    warnings: Vec<Diagnostic>,
    stage: Stage,
    /// Definitions whose galleries are admitted, in document order.
    images: Vec<ImageNode>,
    /// Versions whose definitions are admitted, in document order.
    versions: Vec<arm::GalleryImageVersion>,
    flat_images: Vec<arm::GalleryImage>,
    flat_versions: Vec<arm::GalleryImageVersion>,
    replication: Vec<crate::replication::ReplicationRecordExport>,
    access: crate::access::export::AccessExport,
    soft_deleted_versions: Vec<crate::soft_delete::SoftDeletedResource>,
    /// The scopes and principals of the role assignments put back as this engine's own, keyed
    /// once each.
    assignment_keys: own::AssignmentKeys,
    /// Buckets of role assignments handed over apart from the access fields
    /// ([`Reading::add_role_assignments`]), admitted after the access fields' own.
    assignment_buckets: Vec<Vec<crate::iam::assignments::RoleAssignment>>,
    /// Whether [`Reading::step`] has run: parts, buckets and access fields are handed over before.
    stepped: bool,
    /// A buffer for the lower-cased ids the replication records are looked up by.
    lookup: String,
    done: usize,
    total: usize,
}

/// What a document holds that this engine stored itself ([`Reading::own`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Own {
    /// The galleries, their definitions and versions, and the versions' replication records.
    pub galleries: bool,
    /// The role assignments.
    pub role_assignments: bool,
}

/// Where a [`Reading`] is.
enum Stage {
    Galleries(std::vec::IntoIter<GalleryNode>),
    Images(std::vec::IntoIter<ImageNode>),
    Versions(std::vec::IntoIter<arm::GalleryImageVersion>),
    FlatImages(std::vec::IntoIter<arm::GalleryImage>),
    FlatVersions(std::vec::IntoIter<arm::GalleryImageVersion>),
    /// The replication records, one at a time.
    Records(std::vec::IntoIter<crate::replication::ReplicationRecordExport>),
    /// The nominal records of the versions after this key (format 3 leaves them out).
    Nominal(Option<crate::ids::Key>),
    /// The access fields but the role assignments, a directory object at a time.
    Access(Box<crate::access::export::AccessQueue>),
    /// The role assignments: the access fields' own, then the buckets handed over
    /// ([`Reading::add_role_assignments`]), each in turn.
    Assignments(
        std::iter::Flatten<std::vec::IntoIter<Vec<crate::iam::assignments::RoleAssignment>>>,
    ),
    SoftDeleted,
    Done,
}

/// The next thing a [`Reading`] admits.
enum Next {
    Gallery(GalleryNode),
    Image(ImageNode),
    Version(arm::GalleryImageVersion),
    FlatImage(arm::GalleryImage),
    Assignment(crate::iam::assignments::RoleAssignment),
    Record(crate::replication::ReplicationRecordExport),
    Nominal,
    Access(crate::access::export::AccessItem),
    SoftDeleted,
}

impl Reading {
    /// Checks the document's format and clock and admits its setup.
    pub fn new(e: WorldExport) -> Result<Reading, CommandError> {
        Reading::open(e, Own::default())
    }

    /// [`Reading::new`], with what `own` says is this engine's own.
    fn open(e: WorldExport, own: Own) -> Result<Reading, CommandError> {
        // Format 3 leaves nominal replication records out; in 1 and 2 a missing record means
        // "completed before the simulation", so only format 3 rebuilds them.
        let rebuild_nominal = e.format_version == FORMAT_VERSION;
        if e.format_version != 1 {
            if let Some(i) = e.images.first() {
                let raw = i.id.clone().unwrap_or_default();
                return Err(refused(err(
                    Code::DocumentUnrecognized,
                    &raw,
                    "format 2 nests image definitions in their gallery",
                )));
            }
            if let Some(v) = e.versions.first() {
                let raw = v.id.clone().unwrap_or_default();
                return Err(refused(err(
                    Code::DocumentUnrecognized,
                    &raw,
                    "format 2 nests image versions in their definition",
                )));
            }
        }
        let mut e = match e.format_version {
            1 => migrate_v1(e),
            _ => e,
        };
        if e.format_version == 2 {
            e.format_version = FORMAT_VERSION;
        }
        if e.format_version != FORMAT_VERSION {
            return Err(refused(err(
                Code::DocumentUnrecognized,
                "",
                format!(
                    "Unsupported export formatVersion {} (expected {FORMAT_VERSION}).",
                    e.format_version
                ),
            )));
        }
        let clock = match &e.clock {
            None => None,
            Some(c) => Some(OffsetDateTime::parse(c, &Rfc3339).map_err(|_| {
                refused(err(
                    Code::DateInvalid,
                    "clock",
                    format!("clock '{c}' is not RFC 3339."),
                ))
            })?),
        };
        let mut world = World::new();
        world.reading = true;
        let now = clock.unwrap_or(OffsetDateTime::UNIX_EPOCH);
        let mut restore = Restore::new(&mut world, now);
        if let Some(prices) = e.price_table {
            restore.price_table(prices)?;
        }
        let activity = crate::activity::ActivityLog::restore(e.activity_log).map_err(refused)?;
        for t in e.tenants {
            restore.tenant(t)?;
        }
        for s in e.subscriptions {
            restore.subscription(s)?;
        }
        for r in e.resource_groups {
            restore.resource_group(r)?;
        }
        for s in e.sources {
            restore.source(s)?;
        }
        let warnings = std::mem::take(&mut restore.warnings);
        let nested_images: usize = e.galleries.iter().map(|g| g.images.len()).sum();
        let nested_versions: usize = e
            .galleries
            .iter()
            .flat_map(|g| &g.images)
            .map(|i| i.versions.len())
            .sum();
        let total = e.galleries.len()
            + nested_images
            + nested_versions
            + e.images.len()
            + e.versions.len()
            + crate::access::export::AccessQueue::objects_in(&e.access)
            + e.access.role_assignments.len();
        Ok(Reading {
            world,
            now,
            clock,
            activity,
            rebuild_nominal,
            own,
            warnings,
            stage: Stage::Galleries(e.galleries.into_iter()),
            // Sized at once: at ten times the limits, growing a vector of 100,000 versions
            // (~1 KB each) copied up to 50 MB in one step, a task of 60-95 ms (measured).
            images: Vec::with_capacity(nested_images),
            // This engine's own versions are admitted with their definition, never queued.
            versions: Vec::with_capacity(if own.galleries { 0 } else { nested_versions }),
            flat_images: e.images,
            flat_versions: e.versions,
            replication: e.replication,
            access: e.access,
            soft_deleted_versions: e.soft_deleted_versions,
            assignment_keys: own::AssignmentKeys::default(),
            assignment_buckets: Vec::new(),
            stepped: false,
            lookup: String::new(),
            done: 0,
            total,
        })
    }

    /// Reading a document of the current format whose galleries, definitions, versions and
    /// replication records (`own.galleries`) or role assignments (`own.role_assignments`) this
    /// very build of the engine ([`crate::ENGINE`]) stored itself, from a world they had
    /// entered through the plans: they are put back with the world's constructors and insert
    /// functions, without running every create's rules again (see [`own`]). Only a caller that
    /// can prove the writer — the portal seals its stored parts with [`crate::ENGINE`] and a
    /// checksum — may say so; everything else (the setup, the directory, roles, soft-deleted
    /// versions, any other format) is admitted as [`Reading::new`] does.
    pub fn own(e: WorldExport, own: Own) -> Result<Reading, CommandError> {
        let current = e.format_version == FORMAT_VERSION;
        Reading::open(e, if current { own } else { Own::default() })
    }

    /// Gallery resources admitted so far, and in all.
    pub fn progress(&self) -> (usize, usize) {
        (self.done, self.total)
    }

    /// Admits up to `budget` things (galleries, then definitions, then versions, then the
    /// replication records one by one, the versions' nominal records, the directory's objects
    /// and members one by one, then role assignments); true once everything is admitted.
    /// [`Reading::progress`] counts the resources and directory objects among them.
    pub fn step(&mut self, budget: usize) -> Result<bool, CommandError> {
        self.stepped = true;
        let mut left = budget;
        while left > 0 {
            let Some(next) = self.next() else {
                return Ok(true);
            };
            let counted = matches!(
                next,
                Next::Gallery(_)
                    | Next::Image(_)
                    | Next::Version(_)
                    | Next::FlatImage(_)
                    | Next::Assignment(_)
                    | Next::Access(crate::access::export::AccessItem::Object(..))
            );
            let used = self.admit(next, left)?;
            if counted {
                // One, or a definition with the versions admitted with it.
                self.done += used.max(1);
            }
            left = left.saturating_sub(used.max(1));
        }
        Ok(matches!(self.stage, Stage::Done))
    }

    /// Takes the next thing to admit out of the stage it is in, moving on when a stage is done.
    fn next(&mut self) -> Option<Next> {
        loop {
            let next = match &mut self.stage {
                Stage::Galleries(list) => list.next().map(Next::Gallery),
                Stage::Images(list) => list.next().map(Next::Image),
                Stage::Versions(list) | Stage::FlatVersions(list) => list.next().map(Next::Version),
                Stage::FlatImages(list) => list.next().map(Next::FlatImage),
                Stage::Assignments(list) => list.next().map(Next::Assignment),
                Stage::Records(list) => list.next().map(Next::Record),
                Stage::Nominal(_) => Some(Next::Nominal),
                Stage::Access(queue) => queue.next().map(Next::Access),
                Stage::SoftDeleted => Some(Next::SoftDeleted),
                Stage::Done => return None,
            };
            if next.is_some() {
                return next;
            }
            self.stage = match &mut self.stage {
                Stage::Galleries(_) => Stage::Images(std::mem::take(&mut self.images).into_iter()),
                Stage::Images(_) => Stage::Versions(std::mem::take(&mut self.versions).into_iter()),
                // Format 1's resources without a parent in the document: the plan says why not.
                Stage::Versions(_) => {
                    Stage::FlatImages(std::mem::take(&mut self.flat_images).into_iter())
                }
                Stage::FlatImages(_) => {
                    Stage::FlatVersions(std::mem::take(&mut self.flat_versions).into_iter())
                }
                Stage::FlatVersions(_) => {
                    Stage::Records(std::mem::take(&mut self.replication).into_iter())
                }
                Stage::Records(_) if self.rebuild_nominal => Stage::Nominal(None),
                Stage::Records(_) | Stage::Nominal(_) => {
                    let access = std::mem::take(&mut self.access);
                    Stage::Access(Box::new(crate::access::export::AccessQueue::new(access)))
                }
                Stage::Access(queue) => {
                    let mut all = Vec::with_capacity(1 + self.assignment_buckets.len());
                    all.push(queue.take_assignments());
                    all.append(&mut self.assignment_buckets);
                    Stage::Assignments(all.into_iter().flatten())
                }
                Stage::Assignments(_) => Stage::SoftDeleted,
                Stage::SoftDeleted | Stage::Done => Stage::Done,
            };
        }
    }

    /// Admits one thing, through the plan of the command that creates it (the nominal records
    /// of up to `left` versions): how much of the step's budget it used.
    fn admit(&mut self, next: Next, left: usize) -> Result<usize, CommandError> {
        let now = self.now;
        let admitted = match next {
            Next::Gallery(GalleryNode {
                resource: g,
                images: children,
            }) => {
                for mut i in children {
                    // Only an id the file spells out can disagree with the nesting.
                    if i.resource.id.is_some() {
                        nested_under(i.resource.id.as_deref(), g.id.as_deref())?;
                    }
                    complete_image(&g, &mut i.resource);
                    self.images.push(i);
                }
                if self.own.galleries {
                    own::gallery(&mut self.world, g)
                } else {
                    self.restore(|r| r.gallery(g))
                }
            }
            // This engine's own writing: the versions right after their definition, their ids
            // built from it (the definitions of a gallery still come after every gallery).
            Next::Image(ImageNode {
                resource: i,
                versions: children,
            }) if self.own.galleries && children.iter().all(|v| v.id.is_none()) => {
                let parent = own::image(&mut self.world, i)?;
                let admitted = 1 + children.len();
                for v in children {
                    own::nested_version(&mut self.world, &parent, v, &mut |_, _| ())?;
                }
                return Ok(admitted);
            }
            Next::Image(ImageNode {
                resource: i,
                versions: children,
            }) => {
                for mut v in children {
                    if v.id.is_some() {
                        nested_under(v.id.as_deref(), i.id.as_deref())?;
                    }
                    complete_version(&i, &mut v);
                    self.versions.push(v);
                }
                if self.own.galleries {
                    own::image(&mut self.world, i).map(drop)
                } else {
                    self.restore(|r| r.image(i))
                }
            }
            Next::Version(v) if self.own.galleries => own::version(&mut self.world, v),
            Next::Version(v) => self.restore(|r| r.version(v)),
            Next::FlatImage(i) => self.restore(|r| r.image(i)),
            Next::Record(record) => crate::replication::import_record(
                &mut self.world,
                record,
                self.own.galleries,
                &mut self.lookup,
            )
            .map_err(refused),
            Next::Access(item) => {
                crate::access::export::admit_access_item(&mut self.world, item, now)
            }
            Next::Nominal => return Ok(self.rebuild_nominal(left)),
            Next::Assignment(a) if self.own.role_assignments => {
                own::role_assignment(&mut self.world, &mut self.assignment_keys, a)
            }
            Next::Assignment(a) => crate::access::export::import_assignment(
                &mut self.world,
                a,
                now,
                &mut self.warnings,
            ),
            Next::SoftDeleted => {
                let kept = std::mem::take(&mut self.soft_deleted_versions);
                for (n, kept) in kept.into_iter().enumerate() {
                    soft_deleted(&mut self.world, kept, n, now, &mut self.warnings)?;
                }
                self.stage = Stage::Done;
                Ok(())
            }
        };
        admitted.map(|()| 1)
    }

    /// The nominal records of up to `left` versions after the stage's cursor: all of `left`
    /// used (each version costs little; most already have every record).
    fn rebuild_nominal(&mut self, left: usize) -> usize {
        let Stage::Nominal(after) = &self.stage else {
            unreachable!("nominal records are rebuilt in their stage")
        };
        let last = crate::replication::rebuild_nominal_records_after(
            &mut self.world,
            after.as_ref(),
            left,
        );
        self.stage = match last {
            Some(key) => Stage::Nominal(Some(key)),
            // Past the last version: on to the access fields.
            None => Stage::Access(Box::new(crate::access::export::AccessQueue::new(
                std::mem::take(&mut self.access),
            ))),
        };
        left
    }

    /// Runs `admit` with a [`Restore`] into the world, keeping the warnings it raised.
    fn restore(
        &mut self,
        admit: impl FnOnce(&mut Restore) -> Result<(), CommandError>,
    ) -> Result<(), CommandError> {
        let mut restore = Restore::new(&mut self.world, self.now);
        let admitted = admit(&mut restore);
        let mut raised = std::mem::take(&mut restore.warnings);
        self.warnings.append(&mut raised);
        admitted
    }

    /// Admits whatever is left and returns the world with the warnings the plans raised.
    pub fn finish(mut self) -> Result<(World, Vec<Diagnostic>), CommandError> {
        while !self.step(usize::MAX)? {}
        let mut w = self.world;
        w.clock = self.clock;
        w.activity = self.activity;
        // Nothing has changed since the document: a saver that keeps it in parts starts clean.
        w.touched = Default::default();
        w.reading = false;
        Ok((w, self.warnings))
    }
}

/// A soft-deleted version from a file: admitted by the create plan (as the version it was), then
/// kept as soft-deleted; its gallery must have soft delete on, and its deletion time can't be
/// after the file's clock. One whose retention has passed by that clock was purged, so it is left
/// out.
fn soft_deleted(
    w: &mut World,
    kept: crate::soft_delete::SoftDeletedResource,
    n: usize,
    now: OffsetDateTime,
    warnings: &mut Vec<Diagnostic>,
) -> Result<(), CommandError> {
    let deleted_at = crate::soft_delete::deleted_time(&kept, n).map_err(|d| refused(vec![d]))?;
    let rid = kept.properties.resource_arm_id.clone();
    let path = format!("softDeletedVersions[{n}].properties.softDeletedTime");
    if deleted_at > now {
        return Err(refused(vec![Diagnostic::new(
            Code::DateInvalid,
            &rid,
            path,
            format!("The version '{rid}' is soft-deleted after the state's clock."),
        )]));
    }
    let mut version = kept.version;
    if version.id.is_none() {
        version.id = Some(rid.clone());
    }
    let key = match version.id.as_deref().and_then(GalleryResourceId::parse) {
        Some(GalleryResourceId::Version(v)) => v.key(),
        _ => {
            return Err(refused(err(
                Code::ResourceIdInvalid,
                &rid,
                format!("softDeletedVersions[{n}].version.id is not an image version id."),
            )))
        }
    };
    let mut restore = Restore::new(w, now);
    restore.version(version)?;
    warnings.append(&mut restore.warnings);
    let Some(entry) = w.remove_version(&key) else {
        return Ok(());
    };
    let gallery_on = w
        .galleries
        .get(&entry.id.image.gallery.key())
        .is_some_and(|g| crate::soft_delete::enabled(&g.resource));
    if !gallery_on {
        return Err(refused(vec![Diagnostic::new(
            Code::SoftDeleteNotAllowed,
            &rid,
            format!("softDeletedVersions[{n}]"),
            format!("'{rid}' is soft-deleted in a gallery whose soft delete is off."),
        )]));
    }
    let kept = crate::world::SoftDeletedVersion { entry, deleted_at };
    if kept.recoverable_at(now) {
        w.soft_deleted.insert(key, kept);
    }
    Ok(())
}

fn refused(diagnostics: Vec<Diagnostic>) -> CommandError {
    CommandError { diagnostics }
}

/// A nested resource that spells out its `id` must name the parent it is nested in: the nesting,
/// not a stray id, says where it belongs.
fn nested_under(child: Option<&str>, parent: Option<&str>) -> Result<(), CommandError> {
    let parent_key = |id: &str| match GalleryResourceId::parse(id)? {
        GalleryResourceId::Image(i) => Some(i.gallery.key()),
        GalleryResourceId::Version(v) => Some(v.image.key()),
        GalleryResourceId::Gallery(_) => None,
    };
    let own = |id: &str| GalleryResourceId::parse(id).map(|r| r.key());
    let (Some(child), Some(parent)) = (child, parent) else {
        return Ok(());
    };
    if parent_key(child).is_some() && parent_key(child) == own(parent) {
        return Ok(());
    }
    Err(refused(err(
        Code::ResourceIdInvalid,
        child,
        format!("'{child}' is nested under '{parent}' but its id names another parent."),
    )))
}
