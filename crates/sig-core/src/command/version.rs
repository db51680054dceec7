//! Image versions: create (under an existing definition, from sources the rules accept), update
//! (target regions, replica counts, exclusion, end of life; storage types and replicated regions
//! guarded), delete (unless the safety profile blocks it).

use super::support::{
    check_scope, eol_changed, existing, gate, limit_error, merge_update, parse_as, with_api,
};
use super::{Change, Cx, EventKind, Planned};
use crate::api_version;
use crate::arm;
use crate::diagnostics::{Code, Diagnostic};
use crate::ids::{GalleryResourceId, VERSION_TYPE};
use crate::limits::MAX_VERSIONS_PER_SUBSCRIPTION_REGION;
use crate::protocol::CommandError;
use crate::rules::{self, update};
use crate::world::{version_entry, World};

pub(super) fn plan_create(w: &World, cx: &Cx, id: &str, body: arm::GalleryImageVersion) -> Planned {
    let mut vref = parse_as(id, VERSION_TYPE, |r| match r {
        GalleryResourceId::Version(x) => Some(x),
        _ => None,
    })?;
    let rid = vref.canonical();
    let (sub, _) = check_scope(w, &vref.image.gallery.scope, &rid)?;
    let Some(image) = w.images.get(&vref.image.key()) else {
        return Err(CommandError::one(Code::ParentResourceNotFound, &rid, "",
            format!("Can not perform requested operation on nested resource. Parent resource '{}/{}' not found.", vref.image.gallery.gallery, vref.image.image)));
    };
    // As for definitions: the parents' spelling is the stored one.
    std::sync::Arc::make_mut(&mut vref.image).clone_from(&image.id);
    let rid = vref.canonical();
    let key = crate::ids::Key::new(&rid);
    if w.versions.contains_key(&key) {
        return Err(CommandError::one(
            Code::Conflict,
            &rid,
            "",
            format!(
                "Image version '{}' already exists; use an update to change it.",
                vref.version
            ),
        ));
    }
    // The converse of CreateSource's rule: an id is either a simulated version or an external
    // one registered as a source, never both (a file holding both could not say which came first).
    // The version's key is its canonical id lower-cased: the key a source with that id has.
    if w.sources.contains_key(&key) {
        return Err(CommandError::one(
            Code::Conflict,
            &rid,
            "",
            "That id is registered as an external image version source; delete the source first.",
        ));
    }
    let ctx = cx.rules(w);
    let diags = gate(with_api(
        rules::version::check_version(&body, Some(&vref), &rid, &ctx),
        if cx.is_restore() {
            Vec::new() // the api-version of the request that made it, not of the file
        } else {
            api_version::check_version(&body, body.api_version.as_deref(), &rid)
        },
    ))?;
    let mut body = body;
    if !cx.is_restore() {
        let props = body.properties.get_or_insert_with(Default::default);
        props.provisioning_state = Some("Succeeded".into());
        let pp = props
            .publishing_profile
            .get_or_insert_with(Default::default);
        if pp.published_date.is_none() {
            pp.published_date = Some(cx.stamp());
        }
    }
    let entry = version_entry(vref, body).map_err(|d| CommandError { diagnostics: d })?;
    shared_content(w, &entry, &rid)?;
    soft_delete_rules(w, cx, &entry, &rid)?;
    if w.counts(&sub, entry.location).versions >= MAX_VERSIONS_PER_SUBSCRIPTION_REGION {
        return Err(limit_error(
            "image versions",
            MAX_VERSIONS_PER_SUBSCRIPTION_REGION,
            &sub,
            entry.location,
            &rid,
        ));
    }
    let events = cx.event(EventKind::Created, VERSION_TYPE, rid, diags);
    Ok((Change::InsertVersion(entry), events))
}

pub(super) fn plan_update(
    w: &World,
    cx: &Cx,
    id: &str,
    desired: arm::GalleryImageVersion,
) -> Planned {
    let restoring = desired
        .properties
        .as_ref()
        .and_then(|p| p.restore)
        .unwrap_or(false);
    let live = GalleryResourceId::parse(id).is_some_and(|p| w.versions.contains_key(&p.key()));
    if restoring && !live {
        // REST: "Indicates if this is a soft-delete resource restoration request."
        return plan_restore(w, cx, id);
    }
    let (key, rid, cur) = existing(&w.versions, id, VERSION_TYPE)?;
    let merged = merge_update(&update::VERSION_POLICY, cur.resource(), &desired, &rid)?;
    let eol = |r: &arm::GalleryImageVersion| {
        r.properties
            .as_ref()
            .and_then(|p| p.publishing_profile.as_ref())
            .and_then(|p| p.end_of_life_date.clone())
    };
    let mut ctx = cx.rules(w);
    ctx.check_sources = false;
    ctx.eol_must_be_future = eol_changed(eol(cur.resource()).as_deref(), eol(&merged).as_deref());
    let mut diags = rules::version::check_version(&merged, Some(&cur.id), &rid, &ctx);
    let entry =
        version_entry(cur.id.clone(), merged).map_err(|d| CommandError { diagnostics: d })?;
    // A region's storage type is not updatable (Azure: "This property is not updatable.").
    for (n, t) in entry.targets.iter().enumerate() {
        if let Some(old) = cur.targets.iter().find(|o| o.region == t.region) {
            if old.storage_account_type != t.storage_account_type {
                diags.push(Diagnostic::new(Code::PropertyChangeNotAllowed, &rid, format!("properties.publishingProfile.targetRegions[{n}].storageAccountType"),
                    format!("Changing property 'galleryImageVersion.properties.publishingProfile.targetRegions[{n}].storageAccountType' is not allowed.")));
            }
        }
    }
    let regions = |t: &[crate::world::TargetState]| t.iter().map(|t| t.region).collect::<Vec<_>>();
    diags.extend(rules::safety::removed_replicated_regions(
        cur.resource(),
        &regions(&cur.targets),
        &regions(&entry.targets),
        &rid,
    ));
    let diags = gate(diags)?;
    shared_content(w, &entry, &rid)?;
    let events = cx.event(EventKind::Updated, VERSION_TYPE, rid, diags);
    Ok((Change::ReplaceVersion(key, entry), events))
}

pub(super) fn plan_delete(w: &World, cx: &Cx, id: &str) -> Planned {
    let (key, rid, cur) = existing(&w.versions, id, VERSION_TYPE)?;
    if let Some(blocked) = rules::safety::deletion_blocked(cur.resource(), cx.now, &rid) {
        return Err(CommandError {
            diagnostics: vec![blocked],
        });
    }
    let soft = w
        .galleries
        .get(&cur.id.image.gallery.key())
        .is_some_and(|g| crate::soft_delete::enabled(&g.resource));
    let rid = cur.id.canonical();
    if soft {
        let kept = crate::world::SoftDeletedVersion {
            entry: (**cur).clone(),
            deleted_at: cx.now,
        };
        let until = kept
            .purged_at()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default();
        let note = Diagnostic::new(
            Code::SoftDeleted,
            &rid,
            "",
            format!("Soft-deleted: '{rid}' can be restored until {until} (7 days); one replica per region is kept, and billed, until then."),
        );
        let events = cx.event(EventKind::Deleted, VERSION_TYPE, rid, vec![note]);
        return Ok((Change::SoftDeleteVersion(key, cx.now), events));
    }
    let events = cx.event(EventKind::Deleted, VERSION_TYPE, rid, Vec::new());
    Ok((Change::RemoveVersion(key), events))
}

/// A soft-deleted version, still recoverable at the command's time, by its id.
fn soft_deleted<'w>(
    w: &'w World,
    cx: &Cx,
    id: &str,
) -> Result<
    (
        crate::ids::Key,
        String,
        &'w crate::world::SoftDeletedVersion,
    ),
    CommandError,
> {
    let parsed = parse_as(id, VERSION_TYPE, |r| match r {
        GalleryResourceId::Version(x) => Some(x),
        _ => None,
    })?;
    let rid = parsed.to_string();
    match w.soft_deleted.get(&parsed.key()) {
        Some(s) if s.recoverable_at(cx.now) => Ok((parsed.key(), rid, s)),
        _ => Err(CommandError::one(
            Code::ResourceNotFound,
            &rid,
            "",
            format!("There is no soft-deleted image version '{rid}' to restore: it was not deleted while its gallery's soft delete was on, or its 7-day retention has passed."),
        )),
    }
}

/// Restores a soft-deleted version (`restore: true`): back as it was, within the limits, its
/// regions replicating again.
pub(super) fn plan_restore(w: &World, cx: &Cx, id: &str) -> Planned {
    let (key, rid, kept) = soft_deleted(w, cx, id)?;
    // The gallery may have changed since: what it holds now must still fit it.
    shared_content(w, &kept.entry, &rid)?;
    let sub = kept.entry.id.image.gallery.scope.subscription_key();
    if w.counts(&sub, kept.entry.location).versions >= MAX_VERSIONS_PER_SUBSCRIPTION_REGION {
        return Err(limit_error(
            "image versions",
            MAX_VERSIONS_PER_SUBSCRIPTION_REGION,
            &sub,
            kept.entry.location,
            &rid,
        ));
    }
    let events = cx.event(EventKind::Created, VERSION_TYPE, rid, Vec::new());
    Ok((Change::RestoreVersion(key), events))
}

/// Deletes a soft-deleted version for good.
pub(super) fn plan_purge(w: &World, cx: &Cx, id: &str) -> Planned {
    let (key, rid, _) = soft_deleted(w, cx, id)?;
    let events = cx.event(EventKind::Deleted, VERSION_TYPE, rid, Vec::new());
    Ok((Change::PurgeVersion(key), events))
}

/// A version of a directly shared or community gallery is not encrypted and is in the
/// gallery's region ([`crate::sharing::version_problem`]).
fn shared_content(
    w: &World,
    entry: &crate::world::VersionEntry,
    rid: &str,
) -> Result<(), CommandError> {
    let Some(gallery) = w.galleries.get(&entry.id.image.gallery.key()) else {
        return Ok(());
    };
    let publishing = entry
        .resource()
        .properties
        .as_ref()
        .and_then(|p| p.publishing_profile.as_ref());
    match crate::sharing::version_problem(
        publishing,
        entry.location,
        gallery,
        crate::sharing::permission_of(&gallery.resource),
        rid,
    ) {
        Some(d) => Err(CommandError {
            diagnostics: vec![d],
        }),
        None => Ok(()),
    }
}

/// A version of a gallery with soft delete is in the gallery's location, and does not take the
/// name of a soft-deleted version still kept.
fn soft_delete_rules(
    w: &World,
    cx: &Cx,
    entry: &crate::world::VersionEntry,
    rid: &str,
) -> Result<(), CommandError> {
    let key = entry.id.key();
    if w.soft_deleted
        .get(&key)
        .is_some_and(|s| s.recoverable_at(cx.now))
    {
        return Err(CommandError::one(
            Code::SoftDeleteNotAllowed,
            rid,
            "name",
            format!("A soft-deleted image version '{}' is kept under this name: restore it, or delete it permanently, before you create another.", entry.name),
        ));
    }
    let Some(gallery) = w.galleries.get(&entry.id.image.gallery.key()) else {
        return Ok(());
    };
    if crate::soft_delete::enabled(&gallery.resource) && entry.location != gallery.location {
        return Err(CommandError::one(
            Code::SoftDeleteNotAllowed,
            rid,
            "location",
            format!(
                "The gallery has soft delete on, so its image versions are in its location ({}), not {}.",
                gallery.location.display_name(),
                entry.location.display_name()
            ),
        ));
    }
    Ok(())
}
