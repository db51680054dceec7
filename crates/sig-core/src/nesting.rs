//! How a nested resource's id follows from its parent's: the state file (format 2 and 3) writes
//! definitions inside their gallery and versions inside their definition with a `name` only, and
//! readers (import, `sig validate`, replication records) complete them the same way.

use crate::arm;
use crate::world::{VersionEntry, World};

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
pub(crate) fn nested_version_id(w: &World, v: &VersionEntry) -> String {
    let image = w.images.get(&v.id.image.key());
    let gallery = w.galleries.get(&v.id.image.gallery.key());
    let image_name = image.and_then(|i| i.resource.name.as_deref());
    let gallery_id = gallery.and_then(|g| g.resource.id.as_deref());
    let image_id = child_id(gallery_id, "images", image_name);
    // A version's body always spells its name as its id does (`world::version_entry`): read from
    // the id, so a body kept as its stored text is not parsed for it.
    child_id(image_id.as_deref(), "versions", Some(v.id.version.as_str()))
        .unwrap_or_else(|| v.id.to_string())
}
