//! `POST …/galleries/{gallery}/share` (Add, Remove, Reset, EnableCommunity) and the sharing
//! rules a gallery's create and update share with it. The facts and their sources are in
//! [`crate::sharing`].

use super::support::{existing, gate};
use super::{Change, Cx, EventKind, Planned};
use crate::arm;
use crate::diagnostics::{Code, Diagnostic};
use crate::ids::GALLERY_TYPE;
use crate::protocol::CommandError;
use crate::sharing::{
    check_community_info, check_share_limits, community_enabled, content_problems, permission_of,
    public_name, Permission, SUBSCRIPTIONS, TENANTS,
};
use crate::world::{gallery_entry, GalleryEntry, World};

fn refuse(code: Code, rid: &str, path: &str, message: String) -> CommandError {
    CommandError::one(code, rid, path, message)
}

pub(super) fn plan_share(w: &World, cx: &Cx, id: &str, update: arm::SharingUpdate) -> Planned {
    let (key, rid, cur) = existing(&w.galleries, id, GALLERY_TYPE)?;
    let op = update.operation_type.as_deref().unwrap_or_default();
    let permission = permission_of(&cur.resource);
    let mut gallery = cur.resource.clone();
    let groups = update.groups.clone().unwrap_or_default();
    let warnings = gate(crate::sharing::check_sharing_update(&update, &rid))?;
    match op.to_ascii_lowercase().as_str() {
        "add" | "remove" => {
            if permission != Permission::Groups {
                return Err(refuse(
                    Code::SharingOperationNotAllowed,
                    &rid,
                    "operationType",
                    format!(
                        "The gallery's sharing method is {}: {op} shares directly, which needs a gallery whose sharingProfile.permissions is Groups (\"RBAC + share directly\").",
                        permission.portal_label()
                    ),
                ));
            }
            let now = sharing_profile(&mut gallery)
                .groups
                .take()
                .unwrap_or_default();
            let next = if op.eq_ignore_ascii_case("add") {
                added(now, &groups)
            } else {
                removed(now, &groups, &rid)?
            };
            gate(check_share_limits(&next, &rid))?;
            if op.eq_ignore_ascii_case("add") {
                gate(content_problems(w, cur, Permission::Groups, &rid))?;
            }
            sharing_profile(&mut gallery).groups = (!next.is_empty()).then_some(next);
        }
        "reset" => {
            // "Reset sharing to clear everything in sharingProfile": private, RBAC only.
            let profile = sharing_profile(&mut gallery);
            *profile = arm::SharingProfile {
                permissions: Some(Permission::Private.as_str().to_string()),
                ..Default::default()
            };
        }
        "enablecommunity" => {
            if permission != Permission::Community {
                return Err(refuse(
                    Code::SharingOperationNotAllowed,
                    &rid,
                    "operationType",
                    format!(
                        "The gallery's sharing method is {}: only a gallery created (or updated) with sharingProfile.permissions Community and its publisher information can be shared to the community.",
                        permission.portal_label()
                    ),
                ));
            }
            gate(check_community_info(
                crate::sharing::community_info(&gallery),
                &rid,
            ))?;
            gate(content_problems(w, cur, Permission::Community, &rid))?;
            // Enabling an enabled gallery again changes nothing, as in Azure.
            let info = sharing_profile(&mut gallery)
                .community_gallery_info
                .get_or_insert_with(Default::default);
            info.community_gallery_enabled = Some(true);
        }
        // `check_sharing_update` refused every other value.
        _ => {
            return Err(refuse(
                Code::PropertyValueInvalid,
                &rid,
                "operationType",
                String::new(),
            ))
        }
    }
    let entry =
        gallery_entry(cur.id.clone(), gallery).map_err(|d| CommandError { diagnostics: d })?;
    let events = cx.event(EventKind::Updated, GALLERY_TYPE, rid, warnings);
    Ok((Change::ReplaceGallery(key, entry), events))
}

fn sharing_profile(g: &mut arm::Gallery) -> &mut arm::SharingProfile {
    g.properties
        .get_or_insert_with(Default::default)
        .sharing_profile
        .get_or_insert_with(Default::default)
}

fn canonical_type(ty: &str) -> &'static str {
    if ty.eq_ignore_ascii_case(TENANTS) {
        TENANTS
    } else {
        SUBSCRIPTIONS
    }
}

/// The groups after adding `more` (one group per type, ids once each, case-insensitively).
fn added(
    mut now: Vec<arm::SharingProfileGroup>,
    more: &[arm::SharingProfileGroup],
) -> Vec<arm::SharingProfileGroup> {
    for g in more {
        let ty = canonical_type(g.group_type.as_deref().unwrap_or_default());
        let slot = match now.iter().position(|x| {
            x.group_type
                .as_deref()
                .is_some_and(|t| t.eq_ignore_ascii_case(ty))
        }) {
            Some(i) => &mut now[i],
            None => {
                now.push(arm::SharingProfileGroup {
                    group_type: Some(ty.to_string()),
                    ids: Some(Vec::new()),
                    extra: Default::default(),
                });
                now.last_mut().expect("just pushed")
            }
        };
        let ids = slot.ids.get_or_insert_with(Vec::new);
        for id in g.ids.iter().flatten() {
            if !ids.iter().any(|x| x.eq_ignore_ascii_case(id)) {
                ids.push(id.to_ascii_lowercase());
            }
        }
    }
    now
}

/// The groups after removing `gone`; each id removed must be shared with now.
fn removed(
    mut now: Vec<arm::SharingProfileGroup>,
    gone: &[arm::SharingProfileGroup],
    rid: &str,
) -> Result<Vec<arm::SharingProfileGroup>, CommandError> {
    let mut missing = Vec::new();
    let mut seen: Vec<(String, String)> = Vec::new();
    for (i, g) in gone.iter().enumerate() {
        let ty = g.group_type.as_deref().unwrap_or_default();
        for (j, id) in g.ids.iter().flatten().enumerate() {
            let named = (canonical_type(ty).to_string(), id.to_ascii_lowercase());
            if seen.contains(&named) {
                continue; // named twice: removed once
            }
            seen.push(named);
            let slot = now.iter_mut().find(|x| {
                x.group_type
                    .as_deref()
                    .is_some_and(|t| t.eq_ignore_ascii_case(ty))
            });
            let ids = slot.and_then(|s| s.ids.as_mut());
            match ids.and_then(|ids| {
                ids.iter()
                    .position(|x| x.eq_ignore_ascii_case(id))
                    .map(|p| (ids, p))
            }) {
                Some((ids, p)) => {
                    ids.remove(p);
                }
                None => missing.push(Diagnostic::new(
                    Code::SharingGroupsInvalid,
                    rid,
                    format!("groups[{i}].ids[{j}]"),
                    format!(
                        "The gallery is not shared with {} '{id}', so it can't be removed.",
                        if canonical_type(ty) == TENANTS {
                            "tenant"
                        } else {
                            "subscription"
                        }
                    ),
                )),
            }
        }
    }
    gate(missing)?;
    now.retain(|g| g.ids.as_ref().is_some_and(|i| !i.is_empty()));
    Ok(now)
}

/// The sharing rules of a gallery's PUT: a community gallery's publisher information and its
/// public name (given by the service on a command; read-only fields of the body are ignored,
/// a restored file keeps its own), the share limits of a restored profile.
pub(super) fn on_create(
    w: &World,
    gallery: &mut arm::Gallery,
    unique_name: &str,
    cx: &Cx,
    rid: &str,
) -> Result<(), CommandError> {
    if cx.is_restore() {
        names_free(w, gallery, unique_name, rid)?;
    }
    let permission = permission_of(gallery);
    if permission == Permission::Community {
        gate(check_community_info(
            crate::sharing::community_info(gallery),
            rid,
        ))?;
    }
    let Some(profile) = gallery
        .properties
        .as_mut()
        .and_then(|p| p.sharing_profile.as_mut())
    else {
        return Ok(());
    };
    if cx.is_restore() {
        let groups = profile.groups.clone().unwrap_or_default();
        gate(check_share_limits(&groups, rid))?;
        if !groups.is_empty() {
            // The file's groups pass what an Add of them would (types, GUID-shaped ids).
            let as_added = arm::SharingUpdate {
                operation_type: Some("Add".into()),
                groups: Some(groups),
                extra: Default::default(),
            };
            let found = crate::sharing::check_sharing_update(&as_added, rid)
                .into_iter()
                .map(|d| Diagnostic {
                    path: format!("properties.sharingProfile.{}", d.path),
                    ..d
                })
                .collect();
            gate(found)?;
        }
        return Ok(());
    }
    profile.groups = None;
    if let Some(info) = profile.community_gallery_info.as_mut() {
        info.community_gallery_enabled = None;
        info.public_names = None;
        if permission == Permission::Community {
            let prefix = info.public_name_prefix.clone().unwrap_or_default();
            info.public_names = Some(vec![public_name(&prefix, unique_name)]);
        }
    }
    Ok(())
}

/// The sharing rules of a gallery's update: the method changes only from Private (to Groups, or
/// to Community with its publisher information), back to Private only through Reset; the
/// content must fit the new method; a published community gallery keeps its prefix.
pub(super) fn on_update(
    w: &World,
    cur: &GalleryEntry,
    merged: &mut arm::Gallery,
    rid: &str,
) -> Result<(), CommandError> {
    let (before, after) = (permission_of(&cur.resource), permission_of(merged));
    let path = "properties.sharingProfile.permissions";
    if before != after {
        if before != Permission::Private {
            let how = if after == Permission::Private {
                "Reset the sharing (az sig share reset) to make it private again".to_string()
            } else {
                format!(
                    "Reset the sharing first, then choose {}",
                    after.portal_label()
                )
            };
            return Err(refuse(
                Code::SharingOperationNotAllowed,
                rid,
                path,
                format!(
                    "The gallery is shared with {}; an update can't change that. {how}.",
                    before.portal_label()
                ),
            ));
        }
        gate(content_problems(w, cur, after, rid))?;
    }
    let cur_info = crate::sharing::community_info(&cur.resource).cloned();
    if after == Permission::Community {
        gate(check_community_info(
            crate::sharing::community_info(merged),
            rid,
        ))?;
        let enabled = community_enabled(&cur.resource);
        let cur_prefix = cur_info.as_ref().and_then(|c| c.public_name_prefix.clone());
        let unique = crate::sharing::unique_name(cur);
        if let Some(info) = merged
            .properties
            .as_mut()
            .and_then(|p| p.sharing_profile.as_mut())
            .and_then(|s| s.community_gallery_info.as_mut())
        {
            let prefix = info.public_name_prefix.clone().unwrap_or_default();
            if enabled && cur_prefix.as_deref() != Some(prefix.as_str()) {
                return Err(refuse(
                    Code::SharingOperationNotAllowed,
                    rid,
                    "properties.sharingProfile.communityGalleryInfo.publicNamePrefix",
                    "The gallery is published to the community under its public name; its prefix can't change until the sharing is reset.".to_string(),
                ));
            }
            // Read-only: what the service set stays, a new prefix gets a new public name.
            info.community_gallery_enabled =
                cur_info.as_ref().and_then(|c| c.community_gallery_enabled);
            info.public_names = if cur_prefix.as_deref() == Some(prefix.as_str()) {
                cur_info.as_ref().and_then(|c| c.public_names.clone())
            } else {
                None
            }
            .or_else(|| Some(vec![public_name(&prefix, &unique)]));
        }
    }
    Ok(())
}

/// A restored gallery's unique name and public names are its own: another gallery with the same
/// one would make a consumer's reference name two galleries.
fn names_free(
    w: &World,
    gallery: &arm::Gallery,
    computed: &str,
    rid: &str,
) -> Result<(), CommandError> {
    let unique = gallery
        .properties
        .as_ref()
        .and_then(|p| p.identifier.as_ref())
        .and_then(|i| i.unique_name.clone())
        .unwrap_or_else(|| computed.to_string());
    let public: Vec<String> = crate::sharing::community_info(gallery)
        .and_then(|c| c.public_names.clone())
        .unwrap_or_default();
    for other in w.galleries() {
        if crate::sharing::unique_name(other).eq_ignore_ascii_case(&unique) {
            return Err(refuse(
                Code::Conflict,
                rid,
                "properties.identifier.uniqueName",
                format!(
                    "The unique name '{unique}' is already the gallery '{}''s.",
                    other.id
                ),
            ));
        }
        let taken = crate::sharing::community_info(&other.resource)
            .and_then(|c| c.public_names.as_ref())
            .into_iter()
            .flatten()
            .find(|n| public.iter().any(|p| p.eq_ignore_ascii_case(n)));
        if let Some(name) = taken {
            return Err(refuse(
                Code::Conflict,
                rid,
                "properties.sharingProfile.communityGalleryInfo.publicNames",
                format!(
                    "The public name '{name}' is already the gallery '{}''s.",
                    other.id
                ),
            ));
        }
    }
    Ok(())
}
