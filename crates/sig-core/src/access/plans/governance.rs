//! Management groups and deny assignments as plans (see [`crate::iam::governance`] for the
//! rules' sources).

use super::*;
use crate::iam::governance::{
    management_group_id, DenyAssignment, IdOnly, ManagementGroup, ManagementGroupDetails,
    ManagementGroupProperties, DENY_ASSIGNMENT_TYPE, MANAGEMENT_GROUP_TYPE,
};
use crate::protocol::requests::NewManagementGroup;

/// Azure's rule for a management group's name: "up to 90 characters … letters, numbers,
/// hyphens, underscores, periods and parentheses", not ending with a period.
fn valid_group_name(name: &str) -> bool {
    (1..=90).contains(&name.chars().count())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.()".contains(c))
        && !name.ends_with('.')
}

pub(super) fn plan_management_group(
    w: &World,
    actor: &Actor,
    g: &NewManagementGroup,
    now: OffsetDateTime,
) -> Planned {
    need_tenant(w, &g.tenant_id)?;
    let id = management_group_id(&g.name);
    if !valid_group_name(&g.name) {
        return Err(fail(Code::InvalidParameter, &id, "name", format!("The management group name '{}' is invalid: up to 90 letters, digits, hyphens, underscores, periods and parentheses, not ending with a period.", g.name)));
    }
    let taken = w.access.management_group(&g.name).is_some()
        || w.tenants().any(|t| t.id.eq_ignore_ascii_case(&g.name));
    if taken {
        return Err(fail(
            Code::Conflict,
            &id,
            "name",
            format!("A management group named '{}' already exists.", g.name),
        ));
    }
    let display = if g.display_name.trim().is_empty() {
        g.name.clone()
    } else {
        g.display_name.clone()
    };
    if display.chars().count() > 90 {
        return Err(fail(
            Code::InvalidParameter,
            &id,
            "displayName",
            "A management group's display name is at most 90 characters.",
        ));
    }
    let parent = match g
        .parent
        .as_deref()
        .filter(|p| !p.eq_ignore_ascii_case(&g.tenant_id))
    {
        None => None,
        Some(p) => match w.access.management_group(p) {
            Some(pg) if pg.properties.tenant_id.eq_ignore_ascii_case(&g.tenant_id) => {
                Some(IdOnly {
                    id: management_group_id(&pg.name),
                })
            }
            _ => {
                return Err(fail(
                    Code::ResourceNotFound,
                    &id,
                    "parent",
                    format!(
                        "The parent management group '{p}' is not in tenant '{}'.",
                        g.tenant_id
                    ),
                ))
            }
        },
    };
    let group = ManagementGroup {
        id: id.clone(),
        name: g.name.clone(),
        resource_type: MANAGEMENT_GROUP_TYPE.into(),
        properties: ManagementGroupProperties {
            display_name: display,
            tenant_id: g.tenant_id.clone(),
            details: ManagementGroupDetails { parent },
            subscriptions: Vec::new(),
        },
    };
    Ok(one(
        Change::ManagementGroup(group),
        actor,
        now,
        EventKind::Created,
        MANAGEMENT_GROUP_TYPE,
        &id,
        Vec::new(),
    ))
}

pub(super) fn plan_place_subscription(
    w: &World,
    actor: &Actor,
    group: &str,
    subscription: &str,
    now: OffsetDateTime,
) -> Planned {
    let id = management_group_id(group);
    let Some(g) = w.access.management_group(group) else {
        return Err(fail(
            Code::ResourceNotFound,
            &id,
            "",
            format!("The management group '{group}' could not be found."),
        ));
    };
    let Some(sub) = w.subscription(subscription) else {
        return Err(fail(
            Code::SubscriptionNotFound,
            &id,
            "subscriptionId",
            format!("The subscription '{subscription}' could not be found."),
        ));
    };
    if !sub.tenant_id.eq_ignore_ascii_case(&g.properties.tenant_id) {
        return Err(fail(Code::InvalidParameter, &id, "subscriptionId", format!("The subscription '{subscription}' belongs to tenant '{}', the management group to '{}': a subscription joins only its own tenant's groups.", sub.tenant_id, g.properties.tenant_id)));
    }
    Ok(one(
        Change::PlaceSubscription(Key::new(&g.name), sub.id.clone()),
        actor,
        now,
        EventKind::Updated,
        MANAGEMENT_GROUP_TYPE,
        &id,
        Vec::new(),
    ))
}

pub(super) fn plan_deny(
    w: &World,
    actor: &Actor,
    d: &DenyAssignment,
    now: OffsetDateTime,
) -> Planned {
    let scope = d.properties.scope.clone();
    let Ok((_, path)) = crate::access::full_path(w, &scope) else {
        return Err(fail(Code::ResourceIdInvalid, &scope, "properties.scope", format!("'{scope}' is not a scope of this world (a management group, subscription, resource group or resource).")));
    };
    if !scope_exists(w, &scope) {
        return Err(fail(
            Code::ResourceNotFound,
            &scope,
            "properties.scope",
            format!("The scope '{scope}' does not exist."),
        ));
    }
    let canonical = path.id().to_string();
    let id = format!("{canonical}/providers/{DENY_ASSIGNMENT_TYPE}/{}", d.name);
    let guid = d.name.split('-').map(str::len).collect::<Vec<_>>() == [8, 4, 4, 4, 12]
        && d.name.chars().all(|c| c == '-' || c.is_ascii_hexdigit());
    if !guid {
        return Err(fail(
            Code::InvalidParameter,
            &id,
            "name",
            "A deny assignment is named by a GUID.",
        ));
    }
    if !d
        .properties
        .permissions
        .iter()
        .any(|p| !p.actions.is_empty())
    {
        return Err(fail(
            Code::InvalidParameter,
            &id,
            "properties.permissions",
            "A deny assignment denies at least one action.",
        ));
    }
    if d.properties.principals.is_empty() {
        return Err(fail(Code::InvalidParameter, &id, "properties.principals", "A deny assignment names its principals (00000000-0000-0000-0000-000000000000 for everyone)."));
    }
    if w.access.deny_assignments.contains_key(&Key::new(&id)) {
        return Err(fail(
            Code::Conflict,
            &id,
            "name",
            format!("The deny assignment '{id}' already exists."),
        ));
    }
    let mut made = d.clone();
    made.id = id.clone();
    made.resource_type = DENY_ASSIGNMENT_TYPE.into();
    made.properties.scope = canonical;
    Ok(one(
        Change::Deny(made),
        actor,
        now,
        EventKind::Created,
        DENY_ASSIGNMENT_TYPE,
        &id,
        Vec::new(),
    ))
}
