//! Image definitions: create (under an existing gallery, publisher/offer/SKU unique in it),
//! update (only what the seed lets change), delete (only without versions).

use super::support::{
    check_no_children, check_scope, eol_changed, existing, gate, limit_error, merge_update,
    parse_as, with_api,
};
use super::{Change, Cx, EventKind, Planned};
use crate::api_version;
use crate::arm;
use crate::diagnostics::Code;
use crate::ids::{GalleryResourceId, IMAGE_TYPE};
use crate::limits::MAX_IMAGES_PER_SUBSCRIPTION_REGION;
use crate::protocol::CommandError;
use crate::rules::{self, update};
use crate::world::{image_entry, World};

pub(super) fn plan_create(w: &World, cx: &Cx, id: &str, body: arm::GalleryImage) -> Planned {
    let mut iref = parse_as(id, IMAGE_TYPE, |r| match r {
        GalleryResourceId::Image(x) => Some(x),
        _ => None,
    })?;
    let rid = iref.canonical();
    let (sub, _) = check_scope(w, &iref.gallery.scope, &rid)?;
    let gkey = iref.gallery.key();
    let Some(gallery) = w.galleries.get(&gkey) else {
        return Err(CommandError::one(Code::ParentResourceNotFound, &rid, "",
            format!("Can not perform requested operation on nested resource. Parent resource '{}' not found.", iref.gallery.gallery)));
    };
    // Ids are case-insensitive, so a request may spell the gallery differently: the new id
    // takes the gallery's as stored, and reads back the same after an export (which nests it).
    iref.gallery = gallery.id.clone();
    let rid = iref.canonical();
    if w.images.contains_key(&iref.key()) {
        return Err(CommandError::one(
            Code::Conflict,
            &rid,
            "",
            format!(
                "Image definition '{}' already exists; use an update to change it.",
                iref.image
            ),
        ));
    }
    let ctx = cx.rules(w);
    let diags = gate(with_api(
        rules::image::check_image(&body, Some(&iref), &rid, &ctx),
        if cx.is_restore() {
            Vec::new() // the api-version of the request that made it, not of the file
        } else {
            api_version::check_image(&body, body.api_version.as_deref(), &rid)
        },
    ))?;
    let mut body = body;
    if !cx.is_restore() {
        body.properties
            .get_or_insert_with(Default::default)
            .provisioning_state = Some("Succeeded".into());
    }
    let entry = image_entry(iref, body).map_err(|d| CommandError { diagnostics: d })?;
    let features = entry
        .resource
        .properties
        .as_ref()
        .and_then(|p| p.features.as_ref());
    if let Some(d) = crate::sharing::definition_problem(
        rules::security_type(features),
        entry.location,
        gallery,
        crate::sharing::permission_of(&gallery.resource),
        &rid,
    ) {
        return Err(CommandError {
            diagnostics: vec![d],
        });
    }
    if crate::soft_delete::enabled(&gallery.resource) && entry.location != gallery.location {
        return Err(CommandError::one(
            Code::SoftDeleteNotAllowed,
            &rid,
            "location",
            format!(
                "The gallery has soft delete on, so its image definitions are in its location ({}), not {}.",
                gallery.location.display_name(),
                entry.location.display_name()
            ),
        ));
    }
    if let Some(other) = w.image_identified(&gkey, &entry.identifier) {
        let other_name = w
            .images
            .get(other)
            .map(|i| i.name.to_string())
            .unwrap_or_default();
        let i = &entry.identifier;
        let taken = rules::common::identifier_taken(
            &other_name,
            i.publisher.as_str(),
            i.offer.as_str(),
            i.sku.as_str(),
            &rid,
        );
        return Err(CommandError {
            diagnostics: vec![taken],
        });
    }
    if w.counts(&sub, entry.location).images >= MAX_IMAGES_PER_SUBSCRIPTION_REGION {
        return Err(limit_error(
            "image definitions",
            MAX_IMAGES_PER_SUBSCRIPTION_REGION,
            &sub,
            entry.location,
            &rid,
        ));
    }
    let events = cx.event(EventKind::Created, IMAGE_TYPE, rid, diags);
    Ok((Change::InsertImage(entry), events))
}

pub(super) fn plan_update(w: &World, cx: &Cx, id: &str, desired: arm::GalleryImage) -> Planned {
    let (key, rid, cur) = existing(&w.images, id, IMAGE_TYPE)?;
    let merged = merge_update(&update::IMAGE_POLICY, &cur.resource, &desired, &rid)?;
    let eol = |r: &arm::GalleryImage| {
        r.properties
            .as_ref()
            .and_then(|p| p.end_of_life_date.clone())
    };
    let mut ctx = cx.rules(w);
    ctx.eol_must_be_future = eol_changed(eol(&cur.resource).as_deref(), eol(&merged).as_deref());
    let diags = gate(rules::image::check_image(
        &merged,
        Some(&cur.id),
        &rid,
        &ctx,
    ))?;
    let entry = image_entry(cur.id.clone(), merged).map_err(|d| CommandError { diagnostics: d })?;
    let events = cx.event(EventKind::Updated, IMAGE_TYPE, rid, diags);
    Ok((Change::ReplaceImage(key, entry), events))
}

pub(super) fn plan_delete(w: &World, cx: &Cx, id: &str) -> Planned {
    let (key, rid, cur) = existing(&w.images, id, IMAGE_TYPE)?;
    check_no_children(w, &key, &rid)?;
    super::support::check_no_soft_deleted(w, cx, |v| v.image.key() == key, &rid)?;
    let id = cur.id.to_string();
    let events = cx.event(EventKind::Deleted, IMAGE_TYPE, id, Vec::new());
    Ok((Change::RemoveImage(key), events))
}
