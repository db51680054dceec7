//! Galleries: create (unique name per subscription, the service's unique name), update (only
//! what the seed lets change), delete (only when empty).

use super::support::{
    check_no_children, check_scope, existing, gate, limit_error, merge_update, parse_as, with_api,
};
use super::{Change, Cx, EventKind, Planned};
use crate::api_version;
use crate::arm;
use crate::diagnostics::Code;
use crate::ids::{GalleryResourceId, GALLERY_TYPE};
use crate::limits::MAX_GALLERIES_PER_SUBSCRIPTION_REGION;
use crate::protocol::CommandError;
use crate::rules::{self, update};
use crate::world::{gallery_entry, World};

pub(super) fn plan_create(w: &World, cx: &Cx, id: &str, mut body: arm::Gallery) -> Planned {
    let gref = parse_as(id, GALLERY_TYPE, |r| match r {
        GalleryResourceId::Gallery(x) => Some(x),
        _ => None,
    })?;
    let rid = gref.canonical();
    let (sub, rg) = check_scope(w, &gref.scope, &rid)?;
    if w.galleries.contains_key(&gref.key()) {
        return Err(CommandError::one(
            Code::Conflict,
            &rid,
            "",
            format!(
                "Gallery '{}' already exists; use an update to change it.",
                gref.gallery
            ),
        ));
    }
    let ctx = cx.rules(w);
    let diags = gate(with_api(
        rules::gallery::check_gallery(&body, Some(&gref), &rid, &ctx),
        if cx.is_restore() {
            Vec::new() // the api-version of the request that made it, not of the file
        } else {
            api_version::check_gallery(&body, body.api_version.as_deref(), &rid)
        },
    ))?;
    if let Some(other) = w.gallery_named(&sub, &gref.gallery) {
        let other_rg = w
            .galleries
            .get(other)
            .and_then(|g| g.id.scope.resource_group.clone())
            .unwrap_or_default();
        let taken = rules::common::gallery_name_taken(
            &gref.gallery,
            &sub,
            &format!("resource group '{other_rg}'"),
            &rid,
        );
        return Err(CommandError {
            diagnostics: vec![taken],
        });
    }
    let unique = format!("{sub}-{}", gref.gallery.to_ascii_uppercase());
    super::sharing::on_create(w, &mut body, &unique, cx, &rid)?;
    if !cx.is_restore() {
        let props = body.properties.get_or_insert_with(Default::default);
        props.identifier = Some(arm::GalleryIdentifier {
            unique_name: Some(unique),
            extra: Default::default(),
        });
        props.provisioning_state = Some("Succeeded".into());
    }
    let entry = gallery_entry(gref, body).map_err(|d| CommandError { diagnostics: d })?;
    if w.counts(&sub, entry.location).galleries >= MAX_GALLERIES_PER_SUBSCRIPTION_REGION {
        return Err(limit_error(
            "galleries",
            MAX_GALLERIES_PER_SUBSCRIPTION_REGION,
            &sub,
            entry.location,
            &rid,
        ));
    }
    let _ = rg;
    let events = cx.event(EventKind::Created, GALLERY_TYPE, rid, diags);
    Ok((Change::InsertGallery(entry), events))
}

pub(super) fn plan_update(w: &World, cx: &Cx, id: &str, desired: arm::Gallery) -> Planned {
    let (key, rid, cur) = existing(&w.galleries, id, GALLERY_TYPE)?;
    let mut merged = merge_update(&update::GALLERY_POLICY, &cur.resource, &desired, &rid)?;
    super::sharing::on_update(w, cur, &mut merged, &rid)?;
    if crate::soft_delete::enabled(&merged) && !crate::soft_delete::enabled(&cur.resource) {
        gate(crate::soft_delete::location_problems(w, cur, &rid))?;
    }
    let ctx = cx.rules(w);
    let diags = gate(rules::gallery::check_gallery(
        &merged,
        Some(&cur.id),
        &rid,
        &ctx,
    ))?;
    let entry =
        gallery_entry(cur.id.clone(), merged).map_err(|d| CommandError { diagnostics: d })?;
    // Name and location are immutable, so no index moves.
    let mut events = cx.event(EventKind::Updated, GALLERY_TYPE, rid, diags);
    // Soft delete turned off: the versions it kept are deleted for good (commit does it).
    if !crate::soft_delete::enabled(&entry.resource) {
        for s in w
            .soft_deleted
            .values()
            .filter(|s| s.entry.id.image.gallery.key() == key)
        {
            events.extend(cx.event(
                EventKind::Deleted,
                crate::ids::VERSION_TYPE,
                s.entry.id.to_string(),
                Vec::new(),
            ));
        }
    }
    Ok((Change::ReplaceGallery(key, entry), events))
}

pub(super) fn plan_delete(w: &World, cx: &Cx, id: &str) -> Planned {
    let (key, rid, cur) = existing(&w.galleries, id, GALLERY_TYPE)?;
    if crate::sharing::community_enabled(&cur.resource) {
        // "To delete a gallery that's shared with the community, you must first run
        // az sig share reset to stop sharing." (Azure docs, community gallery)
        return Err(CommandError::one(
            Code::SharingOperationNotAllowed,
            &rid,
            "properties.sharingProfile",
            "The gallery is shared to the community: reset its sharing (az sig share reset) before you delete it.",
        ));
    }
    check_no_children(w, &key, &rid)?;
    super::support::check_no_soft_deleted(w, cx, |v| v.image.gallery.key() == key, &rid)?;
    let id = cur.id.to_string();
    let events = cx.event(EventKind::Deleted, GALLERY_TYPE, id, Vec::new());
    Ok((Change::RemoveGallery(key), events))
}
