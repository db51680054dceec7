//! Soft delete (newer than the seed; Azure docs "Soft Delete in Azure Compute Gallery", REST
//! 2024-03-03): with a gallery's `softDeletePolicy.isSoftDeleteEnabled`, deleting an image
//! version keeps it, recoverable, for 7 days; then the platform purges it.
//!
//! The documented rules, each enforced by the plans in [`crate::command`]:
//! * "recover accidentally deleted resources within a 7 day retention period. After this
//!   timeframe, the platform permanently deletes the resources" — restore with `restore: true`
//!   (REST example `GalleryImageVersion_Update_RestoreSoftDeleted`);
//! * "Deleting a gallery or image definition with Soft Deleted resources isn't supported";
//! * "You can't enable Soft Delete if the gallery or image definition and image version are in
//!   different locations";
//! * "Only the owner of a subscription, or … the Compute Gallery Sharing Admin role" may enable
//!   it ([`crate::access`]); the minimum API version is 2024-03-03 ([`crate::api_version`]);
//! * "After an image is soft deleted, only one replica per region is retained", so a restored
//!   version replicates again (the simulation restarts its regions at the restore).
//!
//! Soft-deleted versions are listed as Azure lists them (`GallerySoftDeletedResource`,
//! `…/softDeletedArtifactTypes/Images/artifacts/{image}/versions/{version}`); the export keeps
//! each with the version's own body, which the service keeps to restore it.

use crate::arm;
use crate::diagnostics::{Code, Diagnostic};
use crate::world::{GalleryEntry, SoftDeletedVersion, World};
use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;

/// ARM type of a soft-deleted artifact.
pub const SOFT_DELETED_TYPE: &str =
    "Microsoft.Compute/galleries/softDeletedArtifactTypes/artifacts/versions";

/// Whether a gallery body turns soft delete on.
pub fn enabled(g: &arm::Gallery) -> bool {
    g.properties
        .as_ref()
        .and_then(|p| p.soft_delete_policy.as_ref())
        .and_then(|s| s.is_soft_delete_enabled)
        == Some(true)
}

/// Why soft delete can't be on for `gallery`: a definition or version in another location.
pub fn location_problems(world: &World, gallery: &GalleryEntry, rid: &str) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for image in world.images_of(&gallery.id) {
        let mut places = vec![(image.id.to_string(), image.location)];
        places.extend(
            world
                .versions_of(&image.id)
                .map(|v| (v.id.to_string(), v.location)),
        );
        for (id, location) in places {
            if location != gallery.location {
                out.push(Diagnostic::new(
                    Code::SoftDeleteNotAllowed,
                    rid,
                    "properties.softDeletePolicy.isSoftDeleteEnabled",
                    format!(
                        "Soft delete can't be enabled while '{id}' is in {} and the gallery in {}: the gallery, its image definitions and versions must be in one location.",
                        location.display_name(),
                        gallery.location.display_name()
                    ),
                ));
            }
        }
    }
    out
}

/// The id Azure lists a soft-deleted version under.
pub fn soft_deleted_id(version: &crate::ids::VersionRef) -> String {
    format!(
        "{}/softDeletedArtifactTypes/Images/artifacts/{}/versions/{}",
        version.image.gallery, version.image.image, version.version
    )
}

/// `GallerySoftDeletedResource.properties`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SoftDeletedProperties {
    /// The version's own id.
    pub resource_arm_id: String,
    /// `Images`.
    pub soft_deleted_artifact_type: String,
    /// When it was deleted (RFC 3339).
    pub soft_deleted_time: String,
}

/// A soft-deleted version as Azure lists it (`GallerySoftDeletedResource`), plus the version's
/// body (`version`), which the service keeps and the export needs to restore it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SoftDeletedResource {
    /// `…/softDeletedArtifactTypes/Images/artifacts/{image}/versions/{version}`.
    #[serde(default)]
    pub id: String,
    /// The version's name.
    #[serde(default)]
    pub name: String,
    /// [`SOFT_DELETED_TYPE`].
    #[serde(rename = "type", default)]
    pub resource_type: String,
    /// The version's location.
    #[serde(default)]
    pub location: String,
    /// Which version, and when it was deleted.
    pub properties: SoftDeletedProperties,
    /// The version as it was (ARM JSON, with its id).
    pub version: arm::GalleryImageVersion,
}

/// One soft-deleted version in Azure's list shape.
pub fn listed(s: &SoftDeletedVersion) -> SoftDeletedResource {
    let mut version = s.entry.resource().clone();
    version.id = Some(s.entry.id.to_string());
    SoftDeletedResource {
        id: soft_deleted_id(&s.entry.id),
        name: s.entry.name.to_string(),
        resource_type: SOFT_DELETED_TYPE.to_string(),
        location: s.entry.location.as_str().to_string(),
        properties: SoftDeletedProperties {
            resource_arm_id: s.entry.id.to_string(),
            soft_deleted_artifact_type: "Images".to_string(),
            soft_deleted_time: s.deleted_at.format(&Rfc3339).unwrap_or_default(),
        },
        version,
    }
}

/// Every soft-deleted version of the world, for the export.
pub fn export(world: &World) -> Vec<SoftDeletedResource> {
    world.soft_deleted.values().map(listed).collect()
}

/// Reads a listed version's deletion time (`DateInvalid` naming the field otherwise).
pub fn deleted_time(
    r: &SoftDeletedResource,
    at: usize,
) -> Result<time::OffsetDateTime, Diagnostic> {
    time::OffsetDateTime::parse(&r.properties.soft_deleted_time, &Rfc3339).map_err(|_| {
        Diagnostic::new(
            Code::DateInvalid,
            &r.properties.resource_arm_id,
            format!("softDeletedVersions[{at}].properties.softDeletedTime"),
            format!(
                "The soft-deleted time '{}' is not an RFC 3339 date-time.",
                r.properties.soft_deleted_time
            ),
        )
    })
}
