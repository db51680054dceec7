//! RBAC plans: custom role definitions and role assignments.

use super::*;

/// The directory (tenant) a role assignment at `scope` draws its principals
/// from: the scope's subscription's tenant.
pub fn tenant_of_scope(w: &World, scope: &str) -> Option<String> {
    crate::access::full_path(w, scope)
        .ok()
        .map(|(tenant, _)| tenant.to_string())
}

pub(super) fn plan_role(
    w: &World,
    actor: &Actor,
    r: &RoleDefinition,
    now: OffsetDateTime,
) -> Planned {
    plan_role_definition(w, actor, r, now, true)
}

/// The rules of a custom role definition. `scopes_must_exist` is a create-time rule: a state
/// file may keep a role whose assignable scope (a gallery, say) was deleted after it was made,
/// as Azure does — but not one in a subscription that does not exist (subscriptions are never
/// deleted); every other rule holds for a restored role too.
pub(crate) fn plan_role_definition(
    w: &World,
    actor: &Actor,
    r: &RoleDefinition,
    now: OffsetDateTime,
    scopes_must_exist: bool,
) -> Planned {
    let guid = roles::role_guid(if r.name.is_empty() { &r.id } else { &r.name }).to_string();
    need_name(&guid, &r.id, "name")?;
    need_name(&r.properties.role_name, &r.id, "properties.roleName")?;
    if w.access.role(&guid).is_some() {
        return Err(fail(
            Code::Conflict,
            &r.id,
            "name",
            format!("A role definition with id '{guid}' already exists."),
        ));
    }
    if w.access.role(&r.properties.role_name).is_some() {
        return Err(fail(Code::Conflict, &r.id, "properties.roleName", format!("A role definition cannot be created with the same name ('{}') as an existing role definition.", r.properties.role_name)));
    }
    if r.properties
        .permissions
        .iter()
        .all(|p| p.actions.is_empty())
    {
        return Err(fail(
            Code::RequiredPropertyMissing,
            &r.id,
            "properties.permissions",
            "A role definition needs at least one action.",
        ));
    }
    let mut tenants = std::collections::BTreeSet::new();
    for (n, s) in r.properties.assignable_scopes.iter().enumerate() {
        // A deleted resource may stay an assignable scope; a subscription is never deleted.
        let tolerated = !scopes_must_exist && tenant_of_scope(w, s).is_some();
        if !tolerated && !scope_exists(w, s) {
            return Err(fail(
                Code::ResourceNotFound,
                s,
                &format!("properties.assignableScopes[{n}]"),
                format!("The assignable scope '{s}' does not exist."),
            ));
        }
        tenants.insert(
            tenant_of_scope(w, s)
                .unwrap_or_default()
                .to_ascii_lowercase(),
        );
    }
    if tenants.len() != 1 {
        return Err(fail(
            Code::InvalidParameter,
            &r.id,
            "properties.assignableScopes",
            "A custom role needs assignable scopes, all in one tenant.",
        ));
    }
    let sub = ScopePath::parse(&r.properties.assignable_scopes[0])
        .map(|p| p.subscription)
        .unwrap_or_default();
    let mut role = r.clone();
    role.id =
        format!("/subscriptions/{sub}/providers/Microsoft.Authorization/roleDefinitions/{guid}");
    role.name = guid;
    role.resource_type = roles::ROLE_DEFINITION_TYPE.into();
    role.properties.role_type = "CustomRole".into();
    let id = role.id.clone();
    Ok(one(
        Change::Role(role),
        actor,
        now,
        EventKind::Created,
        roles::ROLE_DEFINITION_TYPE,
        &id,
        Vec::new(),
    ))
}

/// True when a role assignment at a scope of `tenant` may name `entry`: a user (member or guest),
/// group or service principal of that tenant's directory. Azure looks an assignment's principal
/// up in the scope's tenant only, so a person or app of another tenant is assigned through its
/// guest object or service principal there; an application registration is not a principal.
/// `CreateRoleAssignment` and the portal's member picker
/// ([`crate::visibility::assignable_principals`]) both ask this.
pub fn assignable_in(entry: &directory::Entry, tenant: &str) -> bool {
    entry.object.principal_type().is_some() && entry.tenant_id.eq_ignore_ascii_case(tenant)
}

/// Builds (without storing) the assignment of `role` to `principal` at `scope`, checking every
/// rule; shared by `CreateRoleAssignment` and the Owner assignment of a subscription's creator.
pub(crate) fn plan_assignment(
    w: &World,
    actor: &Actor,
    a: &NewRoleAssignment,
    now: OffsetDateTime,
) -> Planned {
    let Some(path) = ScopePath::parse(&a.scope) else {
        return Err(fail(
            Code::ResourceIdInvalid,
            &a.scope,
            "scope",
            format!(
                "'{}' is not a valid scope: use a subscription, resource group or resource id.",
                a.scope
            ),
        ));
    };
    let Some(tenant) = tenant_of_scope(w, &a.scope) else {
        return Err(match &path.management_group {
            Some(name) => fail(
                Code::ResourceNotFound,
                &a.scope,
                "scope",
                format!("The management group '{name}' could not be found."),
            ),
            None => fail(
                Code::SubscriptionNotFound,
                &a.scope,
                "scope",
                format!(
                    "The subscription '{}' could not be found.",
                    path.subscription
                ),
            ),
        });
    };
    if !scope_exists(w, &a.scope) {
        return Err(fail(
            Code::ResourceNotFound,
            &a.scope,
            "scope",
            format!("The scope '{}' does not exist.", a.scope),
        ));
    }
    let scope = path.id().to_string();
    let Some(role) = w.access.role(&a.role_definition_id) else {
        return Err(fail(
            Code::RoleDefinitionDoesNotExist,
            &a.scope,
            "properties.roleDefinitionId",
            format!(
                "The specified role definition with ID '{}' does not exist.",
                roles::role_guid(&a.role_definition_id)
            ),
        ));
    };
    if !role.is_built_in() {
        let under = |s: &String| {
            ScopePath::parse(s).is_some_and(|p| path.keys().contains(&Key::new(p.id())))
        };
        if !role.properties.assignable_scopes.iter().any(under) {
            return Err(fail(Code::InvalidParameter, &a.scope, "properties.roleDefinitionId", format!("The role '{}' is not assignable at scope '{scope}' (not under its assignableScopes).", role.role_name())));
        }
    }
    let principal = member_entry(w, &a.principal_id).filter(|e| assignable_in(e, &tenant));
    let Some(principal) = principal else {
        return Err(fail(
            Code::PrincipalNotFound,
            &a.scope,
            "properties.principalId",
            format!(
                "Principal {} does not exist in the directory {tenant}.",
                a.principal_id.replace('-', "")
            ),
        ));
    };
    let pid = principal.object.id().to_string();
    let duplicate = w
        .access
        .index
        .by_scope_principal
        .get(&Key::new(&scope), &Key::new(&pid))
        .into_iter()
        .flatten()
        .filter_map(|k| w.access.assignments.get(k))
        .any(|x| {
            roles::role_guid(&x.properties.role_definition_id).eq_ignore_ascii_case(&role.name)
        });
    if duplicate {
        return Err(fail(
            Code::RoleAssignmentExists,
            &a.scope,
            "",
            "The role assignment already exists.",
        ));
    }
    let name = a
        .name
        .clone()
        .unwrap_or_else(|| derived_guid(&[&scope, &role.name, &pid]));
    let id = assignment_id(&scope, &name);
    if w.access.assignment(&id).is_some() {
        return Err(fail(
            Code::Conflict,
            &id,
            "name",
            format!("A role assignment named '{name}' already exists at this scope."),
        ));
    }
    // The simulator itself (setup, restores) is nobody in the directory: skip the look-up,
    // which scans display names.
    let created_by = (!actor.is_system())
        .then(|| resolve_principal(w, &actor.principal).ok())
        .flatten()
        .and_then(|s| {
            s.object_in(&w.access, &tenant)
                .map(|e| e.object.id().to_string())
        });
    let mut warnings = Vec::new();
    let ty = path.resource_type();
    if ty.eq_ignore_ascii_case(crate::ids::VERSION_TYPE) {
        warnings.push(Diagnostic::new(Code::ShareAtGalleryLevel, &id, "properties.scope",
            "We recommend sharing at the Gallery level for the best experience. We do not recommend sharing individual image versions."));
    } else if ty.eq_ignore_ascii_case(crate::ids::IMAGE_TYPE) {
        // The seed's advice is the gallery level; a definition is not it either.
        warnings.push(Diagnostic::new(Code::ShareAtGalleryLevel, &id, "properties.scope",
            "We recommend sharing at the Gallery level for the best experience: share the gallery rather than one image definition."));
    }
    let ra = RoleAssignment {
        id: id.clone(),
        name,
        resource_type: ROLE_ASSIGNMENT_TYPE.into(),
        properties: RoleAssignmentProperties {
            // Azure names the role under the assignment's subscription, or at a management
            // group under the group.
            role_definition_id: match &path.management_group {
                Some(_) => format!(
                    "{}/providers/Microsoft.Authorization/roleDefinitions/{}",
                    path.id(),
                    role.name
                ),
                None => format!(
                    "/subscriptions/{}/providers/Microsoft.Authorization/roleDefinitions/{}",
                    path.subscription, role.name
                ),
            },
            principal_id: pid,
            principal_type: principal.object.principal_type().map(str::to_string),
            scope,
            created_on: now.format(&Rfc3339).ok(),
            created_by,
            extra: Default::default(),
        },
    };
    Ok(one(
        Change::Assign(ra),
        actor,
        now,
        EventKind::Created,
        ROLE_ASSIGNMENT_TYPE,
        &id,
        warnings,
    ))
}

pub(super) fn plan_unassign(w: &World, actor: &Actor, id: &str, now: OffsetDateTime) -> Planned {
    let Some(ra) = w.access.assignment(id) else {
        return Err(fail(
            Code::ResourceNotFound,
            id,
            "",
            format!("The role assignment '{id}' is not found."),
        ));
    };
    Ok(one(
        Change::Unassign(Key::new(&ra.id)),
        actor,
        now,
        EventKind::Deleted,
        ROLE_ASSIGNMENT_TYPE,
        &ra.id,
        Vec::new(),
    ))
}
