//! Setup: tenants, subscriptions, resource groups and image sources — what a gallery needs
//! around it before it can exist.

use super::{Change, Cx, EventKind, Planned};
use crate::diagnostics::Code;
use crate::ids::{resource_group_key, ArmId, Key};
use crate::protocol::CommandError;
use crate::regions::RegionName;
use crate::rules;
use crate::sources::{Source, SourceKind};
use crate::world::{ResourceGroup, Subscription, Tenant, World};

fn plain_id_ok(s: &str) -> bool {
    !s.trim().is_empty() && !s.contains('/')
}

pub(super) fn plan_tenant(w: &World, cx: &Cx, t: Tenant) -> Planned {
    let id = t.id.clone();
    if !plain_id_ok(&id) {
        return Err(CommandError::one(
            Code::InvalidParameter,
            &id,
            "id",
            "A tenant id must be non-empty and contain no '/'.",
        ));
    }
    let key = Key::new(&id);
    if w.tenants.contains_key(&key) {
        return Err(CommandError::one(
            Code::Conflict,
            &id,
            "id",
            format!("Tenant '{id}' already exists."),
        ));
    }
    let events = cx.event(EventKind::Created, "Tenant", id, Vec::new());
    Ok((Change::InsertTenant(t), events))
}

/// ARM's move of resources to another group or subscription. The resources must be in the source
/// group; gallery resources can't move — the seed's FAQ: "No, you can't move the shared image
/// gallery resource to a different subscription" (Azure docs add: nor to another resource group,
/// `ResourceMoveNotSupported`) — and the simulator models no other resource that could, so every
/// move is refused, with the reason.
pub(super) fn plan_move(
    w: &World,
    source_group: &str,
    resources: &[String],
    target: &str,
) -> Planned {
    if resources.is_empty() {
        return Err(CommandError::one(
            Code::InvalidParameter,
            source_group,
            "resources",
            "Name at least one resource to move.",
        ));
    }
    let mut found = Vec::new();
    for (i, id) in resources.iter().enumerate() {
        let path = format!("resources[{i}]");
        let inside = id.to_ascii_lowercase().starts_with(&format!(
            "{}/",
            source_group.trim_end_matches('/').to_ascii_lowercase()
        ));
        let exists = w.gallery(id).is_some() || w.image(id).is_some() || w.version(id).is_some();
        if !exists || !inside {
            found.push(crate::diagnostics::Diagnostic::new(
                Code::ResourceNotFound,
                id,
                path,
                format!("The resource '{id}' was not found in resource group '{source_group}'."),
            ));
            continue;
        }
        let kind = if w.version(id).is_some() {
            crate::ids::VERSION_TYPE
        } else if w.image(id).is_some() {
            crate::ids::IMAGE_TYPE
        } else {
            crate::ids::GALLERY_TYPE
        };
        found.push(crate::diagnostics::Diagnostic::new(
            Code::ResourceMoveNotSupported,
            id,
            path,
            format!("Resource move is not supported for resource types '{kind}' (to '{target}'). You can't move a gallery resource to another resource group or subscription; you can replicate the image versions in the gallery to other regions, or copy an image from another gallery."),
        ));
    }
    Err(CommandError { diagnostics: found })
}

/// The price table is the simulator's setting; the one rule is [`crate::prices::PriceTable::check`].
pub(super) fn plan_price_table(cx: &Cx, prices: Option<crate::prices::PriceTable>) -> Planned {
    if let Some(table) = &prices {
        table.check().map_err(|e| {
            CommandError::one(
                Code::InvalidPriceTable,
                "/priceTable",
                format!("priceTable.{}", e.field()),
                format!("The price table is invalid: {e}."),
            )
        })?;
    }
    let kind = if prices.is_some() {
        EventKind::Updated
    } else {
        EventKind::Deleted
    };
    let events = cx.event(kind, "PriceTable", "/priceTable", Vec::new());
    Ok((Change::SetPrices(prices), events))
}

pub(super) fn plan_subscription(w: &World, cx: &Cx, s: Subscription) -> Planned {
    let rid = format!("/subscriptions/{}", s.id);
    if !plain_id_ok(&s.id) {
        return Err(CommandError::one(
            Code::InvalidParameter,
            &rid,
            "id",
            "A subscription id must be non-empty and contain no '/'.",
        ));
    }
    if !w.tenants.contains_key(&Key::new(&s.tenant_id)) {
        return Err(CommandError::one(
            Code::TenantNotFound,
            &rid,
            "tenantId",
            format!("Tenant '{}' could not be found.", s.tenant_id),
        ));
    }
    let key = Key::new(&s.id);
    if w.subscriptions.contains_key(&key) {
        return Err(CommandError::one(
            Code::Conflict,
            &rid,
            "id",
            format!("Subscription '{}' already exists.", s.id),
        ));
    }
    let events = cx.event(EventKind::Created, "Subscription", rid, Vec::new());
    Ok((Change::InsertSubscription(s), events))
}

fn resource_group_name_ok(n: &str) -> bool {
    let len = n.chars().count();
    (1..=90).contains(&len)
        && n.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '(' | ')'))
        && !n.ends_with('.')
}

pub(super) fn plan_resource_group(
    w: &World,
    cx: &Cx,
    subscription_id: String,
    name: String,
    location: &str,
) -> Planned {
    let rid = format!("/subscriptions/{subscription_id}/resourceGroups/{name}");
    let Some(sub) = w.subscriptions.get(&Key::new(&subscription_id)) else {
        return Err(CommandError::one(
            Code::SubscriptionNotFound,
            &rid,
            "",
            format!("The subscription '{subscription_id}' could not be found."),
        ));
    };
    let subscription_id = sub.id.clone();
    if !resource_group_name_ok(&name) {
        return Err(CommandError::one(Code::InvalidParameter, &rid, "name",
            "Resource group names are 1-90 characters of letters, digits, '_', '-', '.', '(' and ')', and cannot end with '.'."));
    }
    let Some(loc) = RegionName::new(location) else {
        return Err(CommandError::one(
            Code::LocationNotAvailableForResourceType,
            &rid,
            "location",
            format!("'{location}' is not a known Azure region."),
        ));
    };
    let key = resource_group_key(&subscription_id, &name);
    if w.resource_groups.contains_key(&key) {
        return Err(CommandError::one(
            Code::Conflict,
            &rid,
            "name",
            format!("Resource group '{name}' already exists."),
        ));
    }
    let group = ResourceGroup {
        subscription_id,
        name,
        location: loc,
    };
    let events = cx.event(EventKind::Created, "ResourceGroup", rid, Vec::new());
    Ok((Change::InsertResourceGroup(group), events))
}

pub(super) fn plan_source(w: &World, cx: &Cx, mut s: Source) -> Planned {
    let rid = s.id.clone();
    match s.kind.arm_type() {
        None => {
            if !rules::common::is_absolute_http_uri(&s.id) {
                return Err(CommandError::one(
                    Code::SourceIdInvalid,
                    &rid,
                    "id",
                    "A VHD source is identified by its absolute https blob URI.",
                ));
            }
        }
        Some(ty) => match ArmId::parse(&s.id) {
            Some(a) if a.is_type(ty) => s.id = a.to_string(),
            _ => {
                return Err(CommandError::one(
                    Code::SourceIdInvalid,
                    &rid,
                    "id",
                    format!(
                        "A {:?} source must have a fully qualified id of type '{ty}'.",
                        s.kind
                    ),
                ));
            }
        },
    }
    if s.kind == SourceKind::GalleryImageVersion
        && w.versions.contains_key(&rules::source_key(&s.id))
    {
        return Err(CommandError::one(
            Code::Conflict,
            &rid,
            "id",
            "That image version exists in the simulated world; reference it directly.",
        ));
    }
    let mut luns = std::collections::BTreeSet::new();
    for (n, d) in s.data_disks.iter().enumerate() {
        if !luns.insert(d.lun) {
            return Err(CommandError::one(Code::DuplicateLun, &rid, format!("dataDisks[{n}].lun"),
                "Duplicated lun numbers have been detected in the input data disks. Lun number must be unique for each data disk."));
        }
    }
    let key = rules::source_key(&s.id);
    if w.sources.contains_key(&key) {
        return Err(CommandError::one(
            Code::Conflict,
            &rid,
            "id",
            format!("Source '{}' already exists.", s.id),
        ));
    }
    let events = cx.event(EventKind::Created, "Source", s.id.clone(), Vec::new());
    Ok((Change::InsertSource(s), events))
}

pub(super) fn plan_delete_source(w: &World, cx: &Cx, id: &str) -> Planned {
    let key = rules::source_key(id);
    match w.sources.get(&key) {
        Some(s) => {
            let events = cx.event(EventKind::Deleted, "Source", s.id.clone(), Vec::new());
            Ok((Change::RemoveSource(key), events))
        }
        None => Err(CommandError::one(
            Code::ResourceNotFound,
            id,
            "",
            format!("Source '{id}' was not found."),
        )),
    }
}
