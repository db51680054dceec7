//! What the plans of every resource family share: the gate between warnings and errors, id
//! parsing, the parent scope, and Azure's texts for "not found", limits and nested resources.

use crate::diagnostics::{has_errors, Code, Diagnostic};
use crate::ids::{resource_group_key, GalleryResourceId, Key, Scope};
use crate::protocol::CommandError;
use crate::regions::RegionName;
use crate::rules::update::{self, UpdatePolicy};
use crate::world::World;

pub(super) fn gate(diags: Vec<Diagnostic>) -> Result<Vec<Diagnostic>, CommandError> {
    if has_errors(&diags) {
        Err(CommandError { diagnostics: diags })
    } else {
        Ok(diags)
    }
}

fn parse_id(id: &str, want: &str) -> Result<GalleryResourceId, CommandError> {
    let parsed = GalleryResourceId::parse(id).filter(|p| p.resource_type() == want);
    match parsed {
        Some(p) if p.scope().subscription.is_some() && p.scope().resource_group.is_some() => Ok(p),
        // A form left the name empty: say so, on the name.
        _ if id.ends_with('/') => Err(CommandError::one(
            Code::InvalidParameter,
            id,
            "name",
            match want {
                "Microsoft.Compute/galleries/images/versions" => {
                    "Enter a version number (MajorVersion.MinorVersion.Patch, for example 1.0.0)."
                }
                "Microsoft.Compute/galleries/images" => "Enter a name for the image definition.",
                _ => "Enter a name for the gallery.",
            }
            .to_string(),
        )),
        _ => Err(CommandError::one(
            Code::ResourceIdInvalid,
            id,
            "id",
            format!("'{id}' is not a fully qualified id of a '{want}' resource."),
        )),
    }
}

pub(super) fn check_scope(
    w: &World,
    scope: &Scope,
    rid: &str,
) -> Result<(String, String), CommandError> {
    let sub = scope.subscription.clone().unwrap_or_default();
    let rg = scope.resource_group.clone().unwrap_or_default();
    if !w.subscriptions.contains_key(&Key::new(&sub)) {
        return Err(CommandError::one(
            Code::SubscriptionNotFound,
            rid,
            "",
            format!("The subscription '{sub}' could not be found."),
        ));
    }
    if !w
        .resource_groups
        .contains_key(&resource_group_key(&sub, &rg))
    {
        return Err(CommandError::one(
            Code::ResourceGroupNotFound,
            rid,
            "",
            format!("Resource group '{rg}' could not be found."),
        ));
    }
    Ok((sub, rg))
}

/// ARM's 404 for a gallery resource that does not exist, naming it as ARM does: its type, its
/// name path under the resource group, and the group.
fn not_found(id: GalleryResourceId, rid: &str) -> CommandError {
    let (name, rg) = match &id {
        GalleryResourceId::Gallery(g) => (g.gallery.clone(), &g.scope.resource_group),
        GalleryResourceId::Image(i) => (
            format!("{}/{}", i.gallery.gallery, i.image),
            &i.gallery.scope.resource_group,
        ),
        GalleryResourceId::Version(v) => (
            format!(
                "{}/{}/{}",
                v.image.gallery.gallery, v.image.image, v.version
            ),
            &v.image.gallery.scope.resource_group,
        ),
    };
    CommandError::one(
        Code::ResourceNotFound,
        rid,
        "",
        format!(
            "The Resource '{}/{name}' under resource group '{}' was not found.",
            id.resource_type(),
            rg.as_deref().unwrap_or("")
        ),
    )
}

pub(super) fn limit_error(
    kind: &str,
    max: usize,
    sub: &str,
    region: RegionName,
    rid: &str,
) -> CommandError {
    CommandError {
        diagnostics: vec![crate::rules::common::limit_exceeded(
            kind, max, sub, region, rid,
        )],
    }
}

fn cannot_delete(children: &[&Key], world: &World, rid: &str) -> CommandError {
    // Azure lists a few nested ids relative to the provider; we list up to ten.
    let names: Vec<String> = children
        .iter()
        .take(10)
        .map(|k| {
            let full = world
                .images
                .get(*k)
                .map(|i| i.id.to_string())
                .or_else(|| world.versions.get(*k).map(|v| v.id.to_string()))
                .unwrap_or_else(|| k.as_str().to_string());
            full.split_once("/providers/")
                .map_or(full.clone(), |(_, r)| r.to_string())
        })
        .collect();
    let more = if children.len() > 10 {
        format!(" (and {} more)", children.len() - 10)
    } else {
        String::new()
    };
    CommandError::one(Code::CannotDeleteResource, rid, "",
        format!("Cannot delete resource while nested resources exist. Some existing nested resource IDs include: '{}'{more}. Please delete all nested resources before deleting this resource.", names.join(", ")))
}

pub(super) fn with_api(mut diags: Vec<Diagnostic>, extra: Vec<Diagnostic>) -> Vec<Diagnostic> {
    diags.extend(extra);
    diags
}

pub(super) fn eol_changed(cur: Option<&str>, new: Option<&str>) -> bool {
    match (cur, new) {
        (Some(a), Some(b)) => !a.eq_ignore_ascii_case(b),
        (None, None) => false,
        _ => true,
    }
}

fn reparse<T: serde::de::DeserializeOwned>(
    v: serde_json::Value,
    rid: &str,
) -> Result<T, CommandError> {
    // From a borrowed value: no owned-value deserializer in the wasm module for this one call.
    T::deserialize(&v).map_err(|e| {
        CommandError::one(
            Code::ResourceShapeInvalid,
            rid,
            "",
            format!("The resource does not match its schema: {e}"),
        )
    })
}

/// The request's id as the reference of one resource type (`pick` says which), or ARM's
/// `ResourceIdInvalid`.
pub(super) fn parse_as<T>(
    id: &str,
    want: &str,
    pick: fn(GalleryResourceId) -> Option<T>,
) -> Result<T, CommandError> {
    pick(parse_id(id, want)?).ok_or_else(|| {
        CommandError::one(
            Code::ResourceIdInvalid,
            id,
            "id",
            format!("'{id}' is not an id of the expected resource type."),
        )
    })
}

/// The resource a request names, with its key and canonical id, or ARM's 404 naming it.
pub(super) fn existing<'w, E>(
    map: &'w std::collections::BTreeMap<Key, E>,
    id: &str,
    want: &str,
) -> Result<(Key, String, &'w E), CommandError> {
    let parsed = parse_id(id, want)?;
    let (key, rid) = (parsed.key(), parsed.to_string());
    match map.get(&key) {
        Some(entry) => Ok((key, rid, entry)),
        None => Err(not_found(parsed, &rid)),
    }
}

/// An update's resulting resource: the current one with the desired values of what `policy`
/// lets change; refused, naming each field, when the desired body changes anything else.
pub(super) fn merge_update<R: serde::Serialize + serde::de::DeserializeOwned>(
    policy: &UpdatePolicy,
    current: &R,
    desired: &R,
    rid: &str,
) -> Result<R, CommandError> {
    let cur = crate::arm::to_value(current);
    let des = crate::arm::to_value(desired);
    gate(update::immutable_changes(policy, rid, &cur, &des))?;
    reparse(update::merge(policy, &cur, &des), rid)
}

/// A resource may be deleted only without nested resources (ARM's `CannotDeleteResource`).
pub(super) fn check_no_children(w: &World, key: &Key, rid: &str) -> Result<(), CommandError> {
    let children: Vec<&Key> = w.child_keys(key).collect();
    if children.is_empty() {
        Ok(())
    } else {
        Err(cannot_delete(&children, w, rid))
    }
}

/// "Deleting a gallery or image definition with Soft Deleted resources isn't supported" (Azure
/// docs, soft delete): refused while a soft-deleted version `under` it is still kept.
pub(super) fn check_no_soft_deleted(
    w: &World,
    cx: &super::Cx,
    under: impl Fn(&crate::ids::VersionRef) -> bool,
    rid: &str,
) -> Result<(), CommandError> {
    let kept: Vec<String> = w
        .soft_deleted
        .values()
        .filter(|s| under(&s.entry.id) && s.recoverable_at(cx.now))
        .map(|s| s.entry.id.to_string())
        .collect();
    match kept.first() {
        None => Ok(()),
        Some(first) => Err(CommandError::one(
            Code::CannotDeleteResource,
            rid,
            "",
            format!(
                "Deleting a gallery or image definition with soft-deleted resources isn't supported: {} soft-deleted image version(s) are kept (such as '{first}'). Delete them permanently, or turn the gallery's soft delete off, first.",
                kept.len()
            ),
        )),
    }
}
