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
//! Import rebuilds the indexes and re-runs the structural rules (valid names, known regions, parents
//! present, unique names and identifiers, limits) — not the create-time rules such as "end of life in
//! the future", which were true when the resources were created.

use crate::arm;
use crate::diagnostics::{Code, Diagnostic};
use crate::ids::{resource_group_key, GalleryResourceId, Key};
use crate::limits::{
    MAX_GALLERIES_PER_SUBSCRIPTION_REGION, MAX_IMAGES_PER_SUBSCRIPTION_REGION,
    MAX_VERSIONS_PER_SUBSCRIPTION_REGION,
};
use crate::sources::Source;
use crate::world::{
    gallery_entry, image_entry, version_entry, ResourceGroup, Subscription, Tenant, World,
};
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

/// The id of a nested resource: the parent's id plus `/{segment}/{name}` (`None` without a name).
fn child_id(parent: Option<&str>, segment: &str, name: Option<&str>) -> Option<String> {
    let (parent, name) = (parent?, name?);
    Some(format!("{}/{segment}/{name}", parent.trim_end_matches('/')))
}

/// Fills in what format 2 leaves out of a nested definition: its `id` (from the gallery's id and
/// its name) and its `location` (the gallery's, when absent). An `id` already present is kept.
pub fn complete_image(gallery: &arm::Gallery, image: &mut arm::GalleryImage) {
    if image.id.is_none() {
        image.id = child_id(gallery.id.as_deref(), "images", image.name.as_deref());
    }
    if image.location.is_none() {
        image.location.clone_from(&gallery.location);
    }
}

/// Same as [`complete_image`] for a version nested in a definition.
pub fn complete_version(image: &arm::GalleryImage, version: &mut arm::GalleryImageVersion) {
    if version.id.is_none() {
        version.id = child_id(image.id.as_deref(), "versions", version.name.as_deref());
    }
    if version.location.is_none() {
        version.location.clone_from(&image.location);
    }
}

/// The id a version gets back when its export is read: its gallery's `id`, then the names of its
/// definition and itself as the nesting writes them ([`complete_image`], [`complete_version`]).
/// Records that name a version outside the nesting (replication) use it, so a second export
/// prints the same text even when the version was created under a differently-cased parent name.
pub(crate) fn nested_version_id(w: &World, v: &crate::world::VersionEntry) -> String {
    let image = w.images.get(&v.id.image.key());
    let gallery = w.galleries.get(&v.id.image.gallery.key());
    let image_name = image.and_then(|i| i.resource.name.as_deref());
    let gallery_id = gallery.and_then(|g| g.resource.id.as_deref());
    let image_id = child_id(gallery_id, "images", image_name);
    child_id(image_id.as_deref(), "versions", v.resource.name.as_deref())
        .unwrap_or_else(|| v.id.to_string())
}

/// Migrates a format 1 document (flat `images` and `versions` with ids) to format 2 (nested):
/// each definition goes under the gallery its id names, each version under its definition.
/// Refuses ids that are not of the right kind or name an absent parent.
pub fn migrate_v1(mut e: WorldExport) -> Result<WorldExport, Vec<Diagnostic>> {
    let mut galleries: std::collections::BTreeMap<Key, usize> = Default::default();
    for (n, g) in e.galleries.iter().enumerate() {
        if let Some(GalleryResourceId::Gallery(r)) =
            g.resource.id.as_deref().and_then(GalleryResourceId::parse)
        {
            galleries.entry(r.key()).or_insert(n);
        }
    }
    let mut images: std::collections::BTreeMap<Key, (usize, usize)> = Default::default();
    for i in std::mem::take(&mut e.images) {
        let raw = i.id.clone().unwrap_or_default();
        let Some(GalleryResourceId::Image(r)) = GalleryResourceId::parse(&raw) else {
            return Err(err(
                Code::ResourceIdInvalid,
                &raw,
                "not an image definition id",
            ));
        };
        let Some(&g) = galleries.get(&r.gallery.key()) else {
            return Err(err(
                Code::ParentResourceNotFound,
                &raw,
                "parent gallery missing",
            ));
        };
        let list = &mut e.galleries[g].images;
        images.entry(r.key()).or_insert((g, list.len()));
        list.push(ImageNode {
            resource: i,
            versions: Vec::new(),
        });
    }
    for v in std::mem::take(&mut e.versions) {
        let raw = v.id.clone().unwrap_or_default();
        let Some(GalleryResourceId::Version(r)) = GalleryResourceId::parse(&raw) else {
            return Err(err(
                Code::ResourceIdInvalid,
                &raw,
                "not an image version id",
            ));
        };
        let Some(&(g, i)) = images.get(&r.image.key()) else {
            return Err(err(
                Code::ParentResourceNotFound,
                &raw,
                "parent image definition missing",
            ));
        };
        e.galleries[g].images[i].versions.push(v);
    }
    e.format_version = 2;
    Ok(e)
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
    versions: Vec<Node<'a, arm::GalleryImageVersionProperties>>,
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
        .map(|(gk, g)| {
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
                    .into_iter()
                    .flatten()
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
                                .into_iter()
                                .flatten()
                                .filter_map(|vk| w.versions.get(vk))
                                .map(|v| {
                                    let vr = &v.resource;
                                    Node {
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
                                    }
                                })
                                .collect(),
                        }
                    })
                    .collect(),
                versions: Vec::new(),
            }
        })
        .collect()
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
}

impl Serialize for World {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        WorldExportRef {
            format_version: FORMAT_VERSION,
            clock: self.clock.and_then(|c| c.format(&Rfc3339).ok()),
            tenants: self.tenants.values().collect(),
            subscriptions: self.subscriptions.values().collect(),
            resource_groups: self.resource_groups.values().collect(),
            sources: self.sources.values().collect(),
            galleries: gallery_nodes(self),
            replication: crate::replication::export_records(self),
            access: crate::access::export::export(self),
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for World {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let export = WorldExport::deserialize(d)?;
        World::from_export(export).map_err(|diags| {
            let msgs: Vec<String> = diags.iter().take(5).map(|d| d.to_string()).collect();
            serde::de::Error::custom(format!("invalid world export: {}", msgs.join("; ")))
        })
    }
}

fn err(code: Code, rid: &str, msg: impl Into<String>) -> Vec<Diagnostic> {
    vec![Diagnostic::new(code, rid, "", msg)]
}

impl World {
    /// Serializes the world to its export JSON value.
    pub fn to_export_value(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }

    /// Rebuilds a world (and its indexes) from an export, refusing structurally invalid content.
    pub fn from_export(e: WorldExport) -> Result<World, Vec<Diagnostic>> {
        // Format 3 leaves nominal replication records out; in 1 and 2 a missing record means
        // "completed before the simulation", so only format 3 rebuilds them.
        let rebuild_nominal = e.format_version == FORMAT_VERSION;
        let mut e = match e.format_version {
            1 => migrate_v1(e)?,
            _ => e,
        };
        if e.format_version == 2 {
            e.format_version = FORMAT_VERSION;
        }
        if e.format_version != FORMAT_VERSION {
            return Err(err(
                Code::DocumentUnrecognized,
                "",
                format!(
                    "Unsupported export formatVersion {} (expected {FORMAT_VERSION}).",
                    e.format_version
                ),
            ));
        }
        let mut w = World::new();
        w.clock = match e.clock {
            None => None,
            Some(c) => Some(OffsetDateTime::parse(&c, &Rfc3339).map_err(|_| {
                err(
                    Code::DateInvalid,
                    "clock",
                    format!("clock '{c}' is not RFC 3339."),
                )
            })?),
        };
        for t in e.tenants {
            if w.tenants.insert(Key::new(&t.id), t.clone()).is_some() {
                return Err(err(Code::Conflict, &t.id, "duplicate tenant"));
            }
        }
        for s in e.subscriptions {
            if !w.tenants.contains_key(&Key::new(&s.tenant_id)) {
                return Err(err(
                    Code::TenantNotFound,
                    &s.id,
                    format!("Tenant '{}' could not be found.", s.tenant_id),
                ));
            }
            if w.subscriptions.insert(Key::new(&s.id), s.clone()).is_some() {
                return Err(err(Code::Conflict, &s.id, "duplicate subscription"));
            }
        }
        for r in e.resource_groups {
            if !w.subscriptions.contains_key(&Key::new(&r.subscription_id)) {
                return Err(err(
                    Code::SubscriptionNotFound,
                    &r.name,
                    format!(
                        "The subscription '{}' could not be found.",
                        r.subscription_id
                    ),
                ));
            }
            if w.resource_groups
                .insert(resource_group_key(&r.subscription_id, &r.name), r.clone())
                .is_some()
            {
                return Err(err(Code::Conflict, &r.name, "duplicate resource group"));
            }
        }
        for s in e.sources {
            if w.sources
                .insert(crate::rules::source_key(&s.id), s.clone())
                .is_some()
            {
                return Err(err(Code::Conflict, &s.id, "duplicate source"));
            }
        }
        if let Some(i) = e.images.first() {
            let raw = i.id.clone().unwrap_or_default();
            return Err(err(
                Code::DocumentUnrecognized,
                &raw,
                "format 2 nests image definitions in their gallery",
            ));
        }
        if let Some(v) = e.versions.first() {
            let raw = v.id.clone().unwrap_or_default();
            return Err(err(
                Code::DocumentUnrecognized,
                &raw,
                "format 2 nests image versions in their definition",
            ));
        }
        let mut images = Vec::new();
        for GalleryNode {
            resource: g,
            images: children,
        } in e.galleries
        {
            for mut i in children {
                complete_image(&g, &mut i.resource);
                images.push(i);
            }
            let raw = g.id.clone().unwrap_or_default();
            let Some(GalleryResourceId::Gallery(r)) = GalleryResourceId::parse(&raw) else {
                return Err(err(Code::ResourceIdInvalid, &raw, "not a gallery id"));
            };
            let sub = r.scope.subscription.clone().unwrap_or_default();
            if !w.resource_groups.contains_key(&resource_group_key(
                &sub,
                r.scope.resource_group.as_deref().unwrap_or(""),
            )) {
                return Err(err(
                    Code::ResourceGroupNotFound,
                    &raw,
                    "resource group missing",
                ));
            }
            if w.galleries.contains_key(&r.key()) || w.gallery_named(&sub, &r.gallery).is_some() {
                return Err(err(
                    Code::Conflict,
                    &raw,
                    "duplicate gallery name in subscription",
                ));
            }
            let entry = gallery_entry(r, g)?;
            if w.counts(&sub, entry.location).galleries >= MAX_GALLERIES_PER_SUBSCRIPTION_REGION {
                return Err(err(
                    Code::OperationNotAllowed,
                    &raw,
                    "gallery limit exceeded",
                ));
            }
            w.insert_gallery(entry);
        }
        let mut versions = Vec::new();
        for ImageNode {
            resource: i,
            versions: children,
        } in images
        {
            for mut v in children {
                complete_version(&i, &mut v);
                versions.push(v);
            }
            let raw = i.id.clone().unwrap_or_default();
            let Some(GalleryResourceId::Image(r)) = GalleryResourceId::parse(&raw) else {
                return Err(err(
                    Code::ResourceIdInvalid,
                    &raw,
                    "not an image definition id",
                ));
            };
            if !w.galleries.contains_key(&r.gallery.key()) {
                return Err(err(
                    Code::ParentResourceNotFound,
                    &raw,
                    "parent gallery missing",
                ));
            }
            if w.images.contains_key(&r.key()) {
                return Err(err(Code::Conflict, &raw, "duplicate image definition"));
            }
            let sub = r.gallery.scope.subscription.clone().unwrap_or_default();
            let gk = r.gallery.key();
            let entry = image_entry(r, i)?;
            if w.image_identified(&gk, &entry.identifier).is_some() {
                return Err(err(
                    Code::DuplicateIdentifier,
                    &raw,
                    "duplicate publisher/offer/sku in gallery",
                ));
            }
            if w.counts(&sub, entry.location).images >= MAX_IMAGES_PER_SUBSCRIPTION_REGION {
                return Err(err(
                    Code::OperationNotAllowed,
                    &raw,
                    "image definition limit exceeded",
                ));
            }
            w.insert_image(entry);
        }
        for v in versions {
            let raw = v.id.clone().unwrap_or_default();
            let Some(GalleryResourceId::Version(r)) = GalleryResourceId::parse(&raw) else {
                return Err(err(
                    Code::ResourceIdInvalid,
                    &raw,
                    "not an image version id",
                ));
            };
            if !w.images.contains_key(&r.image.key()) {
                return Err(err(
                    Code::ParentResourceNotFound,
                    &raw,
                    "parent image definition missing",
                ));
            }
            if w.versions.contains_key(&r.key()) {
                return Err(err(Code::Conflict, &raw, "duplicate image version"));
            }
            let sub = r
                .image
                .gallery
                .scope
                .subscription
                .clone()
                .unwrap_or_default();
            let entry = version_entry(r, v)?;
            if w.counts(&sub, entry.location).versions >= MAX_VERSIONS_PER_SUBSCRIPTION_REGION {
                return Err(err(
                    Code::OperationNotAllowed,
                    &raw,
                    "image version limit exceeded",
                ));
            }
            w.insert_version(entry);
        }
        crate::replication::import_records(&mut w, e.replication)?;
        if rebuild_nominal {
            crate::replication::rebuild_nominal_records(&mut w);
        }
        crate::access::export::import(&mut w, e.access)?;
        Ok(w)
    }
}
