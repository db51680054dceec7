//! Putting back gallery resources and role assignments this very engine stored
//! ([`super::Reading::own`]).
//!
//! The portal keeps its world in the browser and reads it back at every visit. What it stored
//! was admitted through the plans when it entered (by a command or an import) and is written
//! from the world's own entries; when the stored parts are sealed by this same build of the
//! engine ([`crate::ENGINE`]) and their checksums hold, running every create's rules over them
//! again only repeats a verdict already given: at the documented limits that was half of
//! opening the portal. Here a gallery, definition or version is rebuilt with the constructors
//! the commits use (`gallery_entry`, `image_entry`, `version_entry`) and inserted with the
//! world's own insert functions, so its indexes and counts are what the plans would have built;
//! a role assignment, stored as its plan made it, goes into the access state the same way.
//!
//! What is still checked is what keeps the world's structure sound whatever the text says: the
//! id names a resource of the right kind, its parent is there, it is not there twice, and the
//! constructors' own checks (names, locations, OS type and state, target regions). Anything
//! else — an export file, an older build's state, a part whose seal does not hold — goes through
//! the plans. The tests in `tests/own_reading.rs` prove both readings build the same world.

use crate::arm;
use crate::diagnostics::Code;
use crate::ids::{
    resource_group_key, GalleryResourceId, ImageRef, Key, VersionRef, GALLERY_TYPE, IMAGE_TYPE,
    VERSION_TYPE,
};
use crate::protocol::CommandError;
use crate::world::version_body::StoredVersion;
use crate::world::{
    gallery_entry, image_entry, version_entry_at, version_entry_stored, VersionEntry, World,
};
use std::sync::Arc;

/// The id `id` parsed as `want`'s kind, or the refusal a plan gives for it.
fn parse<T>(
    id: Option<&str>,
    want: &str,
    pick: fn(GalleryResourceId) -> Option<T>,
) -> Result<T, CommandError> {
    let raw = id.unwrap_or_default();
    GalleryResourceId::parse(raw).and_then(pick).ok_or_else(|| {
        CommandError::one(
            Code::ResourceIdInvalid,
            raw,
            "id",
            format!("'{raw}' is not an id of the expected resource type ({want})."),
        )
    })
}

fn entry_refused(diagnostics: Vec<crate::Diagnostic>) -> CommandError {
    CommandError { diagnostics }
}

fn twice(rid: &str) -> CommandError {
    CommandError::one(Code::Conflict, rid, "", format!("'{rid}' is stored twice."))
}

fn orphan(rid: &str) -> CommandError {
    CommandError::one(
        Code::ParentResourceNotFound,
        rid,
        "",
        format!("The parent of '{rid}' is not in the stored state."),
    )
}

/// A gallery: its resource group must be there (the setup was admitted through the plans).
pub(super) fn gallery(w: &mut World, resource: arm::Gallery) -> Result<(), CommandError> {
    let gref = parse(resource.id.as_deref(), GALLERY_TYPE, |r| match r {
        GalleryResourceId::Gallery(x) => Some(x),
        _ => None,
    })?;
    let key = gref.key();
    let group = resource_group_key(
        gref.scope.subscription.as_deref().unwrap_or_default(),
        gref.scope.resource_group.as_deref().unwrap_or_default(),
    );
    if !w.resource_groups.contains_key(&group) {
        return Err(orphan(&gref.canonical()));
    }
    if w.galleries.contains_key(&key) {
        return Err(twice(&gref.canonical()));
    }
    let entry = gallery_entry(gref, resource).map_err(entry_refused)?;
    w.insert_gallery(entry);
    Ok(())
}

/// A definition put back, with what its nested versions take from it ([`nested_version`]), made
/// once for all of them rather than once per version.
pub(super) struct Parent {
    /// Its id (in its gallery's spelling), which its versions' ids share.
    id: Arc<ImageRef>,
    /// Its canonical id, which its versions' ids extend.
    canonical: String,
    /// Its location, which a version without one of its own takes.
    location: Option<String>,
}

impl Parent {
    /// The canonical id of its version `name`: what `VersionRef::canonical` prints, from the
    /// parent's made once.
    fn version_id(&self, name: &str) -> String {
        let mut rid = String::with_capacity(self.canonical.len() + "/versions/".len() + name.len());
        rid.push_str(&self.canonical);
        rid.push_str("/versions/");
        rid.push_str(name);
        rid
    }

    /// The refusal of one of its versions written without a name.
    fn nameless_version(&self) -> CommandError {
        let raw = format!("{}/versions/", self.canonical);
        CommandError::one(
            Code::ResourceIdInvalid,
            &raw,
            "name",
            format!("A version of '{}' has no name.", self.canonical),
        )
    }
}

/// A definition: its gallery must be there; its id takes the gallery's spelling, as a plan's does.
/// Returns it as its versions' parent ([`nested_version`]).
pub(super) fn image(w: &mut World, resource: arm::GalleryImage) -> Result<Parent, CommandError> {
    let mut iref = parse(resource.id.as_deref(), IMAGE_TYPE, |r| match r {
        GalleryResourceId::Image(x) => Some(x),
        _ => None,
    })?;
    let Some(parent) = w.galleries.get(&iref.gallery.key()) else {
        return Err(orphan(&iref.canonical()));
    };
    iref.gallery = parent.id.clone();
    if w.images.contains_key(&iref.key()) {
        return Err(twice(&iref.canonical()));
    }
    let entry = image_entry(iref.clone(), resource).map_err(entry_refused)?;
    let parent = Parent {
        canonical: iref.canonical(),
        location: entry.resource.location.clone(),
        id: Arc::new(iref),
    };
    w.insert_image(entry);
    Ok(parent)
}

/// A version nested in the definition `parent` just put back, without an id of its own (as
/// this engine writes them): its id is the parent's and its name, built rather than written out
/// and parsed again, and its location defaults to the parent's, as `complete_version` does.
///
/// `seen` is shown the version's key and entry as it goes in (a streamed part's records find
/// their versions by them, not by a search of the versions' map).
pub(super) fn nested_version(
    w: &mut World,
    parent: &Parent,
    mut resource: arm::GalleryImageVersion,
    seen: &mut dyn FnMut(&Key, &VersionEntry),
) -> Result<(), CommandError> {
    let Some(name) = resource.name.clone() else {
        return Err(parent.nameless_version());
    };
    if resource.location.is_none() {
        resource.location.clone_from(&parent.location);
    }
    let rid = parent.version_id(&name);
    let vref = VersionRef {
        image: parent.id.clone(),
        version: name,
    };
    insert_version(w, vref, rid, resource, seen)
}

/// A version in its nested form, from its stored `text` (of a part this build sealed): indexed
/// by the fields `stored` read from it, its body kept as that text until asked for
/// ([`VersionEntry::resource`]). Refuses what [`nested_version`] refuses.
pub(super) fn nested_stored_version(
    w: &mut World,
    parent: &Parent,
    text: &serde_json::value::RawValue,
    stored: StoredVersion<'_>,
    seen: &mut dyn FnMut(&Key, &VersionEntry),
) -> Result<(), CommandError> {
    let Some(name) = stored.name.as_deref() else {
        return Err(parent.nameless_version());
    };
    let rid = parent.version_id(name);
    let vref = VersionRef {
        image: parent.id.clone(),
        version: name.to_string(),
    };
    let key = Key::new(&rid);
    let shown = key.clone();
    w.insert_new_version_at(
        key,
        || {
            let entry = version_entry_stored(vref, &rid, text, stored, parent.location.as_deref())
                .map_err(entry_refused)?;
            seen(&shown, &entry);
            Ok(entry)
        },
        |there| twice(&there.id.canonical()),
    )
}

/// A version: its definition must be there; its id takes the definition's spelling.
pub(super) fn version(
    w: &mut World,
    resource: arm::GalleryImageVersion,
) -> Result<(), CommandError> {
    let mut vref = parse(resource.id.as_deref(), VERSION_TYPE, |r| match r {
        GalleryResourceId::Version(x) => Some(x),
        _ => None,
    })?;
    let Some(parent) = w.images.get(&vref.image.key()) else {
        return Err(orphan(&vref.canonical()));
    };
    Arc::make_mut(&mut vref.image).clone_from(&parent.id);
    let rid = vref.canonical();
    insert_version(w, vref, rid, resource, &mut |_, _| ())
}

/// A version under `vref` (its parent's spelling; `rid` its canonical id), unless it is there
/// already.
fn insert_version(
    w: &mut World,
    vref: VersionRef,
    rid: String,
    resource: arm::GalleryImageVersion,
    seen: &mut dyn FnMut(&Key, &VersionEntry),
) -> Result<(), CommandError> {
    let key = Key::new(&rid);
    let shown = key.clone();
    w.insert_new_version_at(
        key,
        || {
            let entry = version_entry_at(vref, rid, resource).map_err(entry_refused)?;
            seen(&shown, &entry);
            Ok(entry)
        },
        // Named by the one stored first: the same id, its parent's spelling perhaps.
        |there| twice(&there.id.canonical()),
    )
}

/// A role assignment: stored as its plan made it, so it goes straight into the access state
/// (whose insert keeps its storage bucket and the (scope, principal) index); only twice is
/// refused. `keys` keeps the key of every scope and principal met so far: a hundred thousand
/// assignments share a few hundred scopes and ten thousand principals, parsing a scope was a
/// fifth of putting an assignment back (profiled), and a shared key compares equal without
/// reading its text.
pub(super) fn role_assignment(
    w: &mut World,
    keys: &mut AssignmentKeys,
    a: crate::iam::assignments::RoleAssignment,
) -> Result<(), CommandError> {
    let key = Key::new(&a.id);
    let scope = AssignmentKeys::key(&mut keys.scopes, &a.properties.scope, crate::iam::scope_key);
    let principal = AssignmentKeys::key(&mut keys.principals, &a.properties.principal_id, Key::new);
    w.access
        .insert_new_assignment(key, scope, principal, a)
        .map_err(|a| twice(&a.id))
}

/// The index keys of the role assignments' scopes and principals, by their text (see
/// [`role_assignment`]).
#[derive(Default)]
pub(super) struct AssignmentKeys {
    scopes: rustc_hash::FxHashMap<String, Key>,
    principals: rustc_hash::FxHashMap<String, Key>,
}

impl AssignmentKeys {
    /// The key of `text` in `memo`, made by `make` the first time it is met.
    fn key(
        memo: &mut rustc_hash::FxHashMap<String, Key>,
        text: &str,
        make: fn(&str) -> Key,
    ) -> Key {
        if let Some(key) = memo.get(text) {
            return key.clone();
        }
        let key = make(text);
        memo.insert(text.to_string(), key.clone());
        key
    }
}
