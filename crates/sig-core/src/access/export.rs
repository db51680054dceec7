//! The access part of the World export (state file): three optional top-level fields, so files
//! written before access existed still load and files without access stay unchanged.
//!
//! * `directory`: per tenant, the Graph objects (users, groups with members, applications,
//!   service principals).
//! * `roleDefinitions`: the custom roles (built-ins are implied and never written).
//! * `roleAssignments`: every assignment, ARM-shaped.
//!
//! Import re-checks what commands check: tenants exist, object ids are unique, members and
//! assignment principals live in the right tenant, roles exist, scopes exist.

use super::assignments::{RoleAssignment, ScopePath};
use super::directory::{DirectoryObject, TenantDirectory};
use super::roles::RoleDefinition;
use super::scope_exists;
use crate::diagnostics::{Code, Diagnostic};
use crate::ids::Key;
use crate::world::World;
use serde::{Deserialize, Serialize};

/// The access fields of the export document (flattened into it).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessExport {
    /// Graph objects per tenant.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub directory: Vec<TenantDirectory>,
    /// Custom role definitions (ARM).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub role_definitions: Vec<RoleDefinition>,
    /// Role assignments (ARM).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub role_assignments: Vec<RoleAssignment>,
}

/// The access fields of `w`.
pub fn export(w: &World) -> AccessExport {
    AccessExport {
        directory: w.access.directories(),
        role_definitions: w.access.custom_roles.values().cloned().collect(),
        role_assignments: w.access.assignments.values().cloned().collect(),
    }
}

fn err(code: Code, rid: &str, path: &str, msg: impl Into<String>) -> Vec<Diagnostic> {
    vec![Diagnostic::new(code, rid, path, msg)]
}

/// Loads the access fields into `w` (whose tenants, subscriptions and resources are loaded).
pub fn import(w: &mut World, e: AccessExport) -> Result<(), Vec<Diagnostic>> {
    for (t, d) in e.directory.into_iter().enumerate() {
        if !w.tenants().any(|x| x.id.eq_ignore_ascii_case(&d.tenant_id)) {
            return Err(err(
                Code::TenantNotFound,
                &d.tenant_id,
                &format!("directory[{t}].tenantId"),
                format!("Tenant '{}' could not be found.", d.tenant_id),
            ));
        }
        let objects = d
            .users
            .into_iter()
            .map(DirectoryObject::User)
            .chain(d.groups.into_iter().map(DirectoryObject::Group))
            .chain(d.applications.into_iter().map(DirectoryObject::Application))
            .chain(
                d.service_principals
                    .into_iter()
                    .map(DirectoryObject::ServicePrincipal),
            );
        for o in objects {
            if w.access.object(o.id()).is_some() {
                return Err(err(
                    Code::Conflict,
                    o.id(),
                    &format!("directory[{t}]"),
                    format!("Directory object id '{}' appears twice.", o.id()),
                ));
            }
            if let DirectoryObject::User(u) = &o {
                if w.access.user_by_upn(&u.user_principal_name).is_some() {
                    return Err(err(Code::Conflict, &u.id, &format!("directory[{t}].users"), "Another object with the same value for property userPrincipalName already exists."));
                }
            }
            w.access.insert_object(&d.tenant_id, o);
        }
    }
    // References are checked once every object is loaded (groups may name later groups).
    for entry in w.access.objects.values() {
        match &entry.object {
            DirectoryObject::Group(g) => {
                for m in &g.members {
                    let ok = w.access.object(&m.id).is_some_and(|me| {
                        me.tenant_id.eq_ignore_ascii_case(&entry.tenant_id)
                            && me.object.principal_type().is_some()
                    });
                    if !ok {
                        return Err(err(
                            Code::PrincipalNotFound,
                            &g.id,
                            "members",
                            format!(
                                "Principal {} does not exist in the directory {}.",
                                m.id, entry.tenant_id
                            ),
                        ));
                    }
                }
            }
            DirectoryObject::User(u) => {
                if let Some(home) = &u.home_user_id {
                    if !matches!(w.access.object(home).map(|h| &h.object), Some(DirectoryObject::User(h)) if h.home_user_id.is_none())
                    {
                        return Err(err(
                            Code::PrincipalNotFound,
                            &u.id,
                            "homeUserId",
                            format!(
                                "The home user '{home}' of guest '{}' does not exist.",
                                u.user_principal_name
                            ),
                        ));
                    }
                }
            }
            DirectoryObject::ServicePrincipal(s) => {
                if w.access.application(&s.app_id).is_none() {
                    return Err(err(
                        Code::ResourceNotFound,
                        &s.id,
                        "appId",
                        format!(
                            "Application with identifier '{}' was not found in the directory.",
                            s.app_id
                        ),
                    ));
                }
            }
            DirectoryObject::Application(_) => {}
        }
    }
    w.access.rebuild_closure();
    for g in w.access.objects.keys() {
        if w.access.is_in_group(g, g) {
            return Err(err(
                Code::GroupMembershipCycle,
                g.as_str(),
                "members",
                "Group nesting makes a group a member of itself.",
            ));
        }
    }
    for (n, r) in e.role_definitions.into_iter().enumerate() {
        if w.access.role(&r.name).is_some() {
            return Err(err(
                Code::Conflict,
                &r.id,
                &format!("roleDefinitions[{n}].name"),
                format!(
                    "Role definition '{}' appears twice or shadows a built-in role.",
                    r.name
                ),
            ));
        }
        w.access.custom_roles.insert(Key::new(&r.name), r);
    }
    for (n, a) in e.role_assignments.into_iter().enumerate() {
        let path = format!("roleAssignments[{n}]");
        let p = &a.properties;
        let tenant = ScopePath::parse(&p.scope)
            .and_then(|s| w.subscription(&s.subscription))
            .map(|s| s.tenant_id.clone());
        let Some(tenant) = tenant.filter(|_| scope_exists(w, &p.scope)) else {
            return Err(err(
                Code::ResourceNotFound,
                &a.id,
                &format!("{path}.properties.scope"),
                format!("The scope '{}' does not exist.", p.scope),
            ));
        };
        if w.access.role(&p.role_definition_id).is_none() {
            return Err(err(
                Code::RoleDefinitionDoesNotExist,
                &a.id,
                &format!("{path}.properties.roleDefinitionId"),
                format!(
                    "The specified role definition with ID '{}' does not exist.",
                    p.role_definition_id
                ),
            ));
        }
        let in_tenant = w.access.object(&p.principal_id).is_some_and(|e| {
            e.tenant_id.eq_ignore_ascii_case(&tenant) && e.object.principal_type().is_some()
        });
        if !in_tenant {
            return Err(err(
                Code::PrincipalNotFound,
                &a.id,
                &format!("{path}.properties.principalId"),
                format!(
                    "Principal {} does not exist in the directory {tenant}.",
                    p.principal_id
                ),
            ));
        }
        if w.access.assignment(&a.id).is_some() {
            return Err(err(
                Code::Conflict,
                &a.id,
                &path,
                "duplicate role assignment id",
            ));
        }
        w.access.insert_assignment(a);
    }
    Ok(())
}
