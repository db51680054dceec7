//! The World as one JSON document (the app's export file): `formatVersion`, the setup (tenants,
//! subscriptions, resource groups, sources), the gallery resources as ARM JSON arrays, and the clock.
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

/// Current export format version.
pub const FORMAT_VERSION: u32 = 1;

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
    /// Galleries (ARM JSON).
    #[serde(default)]
    pub galleries: Vec<arm::Gallery>,
    /// Image definitions (ARM JSON).
    #[serde(default)]
    pub images: Vec<arm::GalleryImage>,
    /// Image versions (ARM JSON).
    #[serde(default)]
    pub versions: Vec<arm::GalleryImageVersion>,
    /// Replication records (optional; absent = every version already replicated).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub replication: Vec<crate::replication::ReplicationRecordExport>,
    /// Directory, custom roles, role assignments (optional; see [`crate::access::export`]).
    #[serde(flatten)]
    pub access: crate::access::export::AccessExport,
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
    galleries: Vec<&'a arm::Gallery>,
    images: Vec<&'a arm::GalleryImage>,
    versions: Vec<&'a arm::GalleryImageVersion>,
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
            galleries: self.galleries.values().map(|g| &g.resource).collect(),
            images: self.images.values().map(|i| &i.resource).collect(),
            versions: self.versions.values().map(|v| &v.resource).collect(),
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
        for g in e.galleries {
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
        for i in e.images {
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
        for v in e.versions {
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
        crate::access::export::import(&mut w, e.access)?;
        Ok(w)
    }
}
