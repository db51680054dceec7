//! The access part of the World export (state file): three optional top-level fields, so files
//! written before access existed still load and files without access stay unchanged.
//!
//! * `directory`: per tenant, the Graph objects (users, groups with members, applications,
//!   service principals).
//! * `roleDefinitions`: the custom roles (built-ins are implied and never written).
//! * `roleAssignments`: every assignment, ARM-shaped.
//!
//! Import admits every object, role and assignment through the admission its command uses
//! ([`import`]), so a file is refused exactly where a command would be.

use super::plans;
use crate::iam::assignments::RoleAssignment;
use crate::iam::directory::{DirectoryObject, TenantDirectory};
use crate::iam::roles::RoleDefinition;
use crate::protocol::requests::{GroupMembership, NewRoleAssignment};
use crate::protocol::{Actor, CommandError};
use crate::world::World;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

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
    /// Management groups (ARM), each with the subscriptions placed in it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub management_groups: Vec<crate::iam::governance::ManagementGroup>,
    /// Deny assignments (ARM).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deny_assignments: Vec<crate::iam::governance::DenyAssignment>,
}

/// The access fields of `w`.
pub fn export(w: &World) -> AccessExport {
    AccessExport {
        role_assignments: w.access.assignments.values().cloned().collect(),
        ..export_without_assignments(w)
    }
}

/// The access fields of `w` but the role assignments (stored apart: see `crate::parts`).
pub(crate) fn export_without_assignments(w: &World) -> AccessExport {
    AccessExport {
        directory: w.access.directories(),
        role_definitions: w.access.custom_roles.values().cloned().collect(),
        role_assignments: Vec::new(),
        management_groups: w.access.management_groups.values().cloned().collect(),
        deny_assignments: w.access.deny_assignments.values().cloned().collect(),
    }
}

/// [`export_without_assignments`] borrowed from the world, serialized as it is (a test checks):
/// the access part the portal stores (see [`crate::parts`]), written without copying the
/// directory first.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AccessPartRef<'a> {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    directory: Vec<crate::iam::directory::TenantDirectoryRef<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    role_definitions: Vec<&'a RoleDefinition>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    management_groups: Vec<&'a crate::iam::governance::ManagementGroup>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    deny_assignments: Vec<&'a crate::iam::governance::DenyAssignment>,
}

/// The access fields of `w` but its role assignments, borrowed ([`AccessPartRef`]).
pub(crate) fn part_without_assignments(w: &World) -> AccessPartRef<'_> {
    AccessPartRef {
        directory: w.access.directory_refs(),
        role_definitions: w.access.custom_roles.values().collect(),
        management_groups: w.access.management_groups.values().collect(),
        deny_assignments: w.access.deny_assignments.values().collect(),
    }
}

/// Loads the access fields into `w` (whose tenants, subscriptions and resources are loaded),
/// each object through the admission its command uses ([`super::plans`]), in an order that
/// lets references resolve: people, groups and applications first, then the accounts people
/// have in other tenants, then service principals, then group members one by one (so a
/// membership that would make a group contain itself is refused as `GroupMembershipCycle`),
/// custom roles, and role assignments (which keep their `createdOn` / `createdBy`).
pub fn import(
    w: &mut World,
    e: AccessExport,
    now: OffsetDateTime,
    warnings: &mut Vec<crate::diagnostics::Diagnostic>,
) -> Result<(), CommandError> {
    for a in import_all_but_assignments(w, e, now)? {
        import_assignment(w, a, now, warnings)?;
    }
    Ok(())
}

/// [`import`] but the role assignments, which it returns: the directory, custom roles,
/// management groups and deny assignments an assignment may name come first, and a reader that
/// yields between steps ([`crate::export::Reading`]) admits the assignments a few at a time.
pub(crate) fn import_all_but_assignments(
    w: &mut World,
    e: AccessExport,
    now: OffsetDateTime,
) -> Result<Vec<RoleAssignment>, CommandError> {
    let mut queue = AccessQueue::new(e);
    while let Some(item) = queue.next() {
        admit_access_item(w, item, now)?;
    }
    Ok(queue.take_assignments())
}

/// The access fields of a document but the role assignments, in the order they are admitted
/// ([`admit_access_item`]), so that a reader that yields between steps admits a directory of
/// thousands of people a few at a time.
pub(crate) struct AccessQueue {
    items: std::vec::IntoIter<AccessItem>,
    assignments: Vec<RoleAssignment>,
}

/// One thing an [`AccessQueue`] admits.
pub(crate) enum AccessItem {
    /// A directory object of a tenant.
    Object(String, DirectoryObject),
    /// A group's member (after every object).
    Membership(GroupMembership),
    /// Custom roles, management groups and deny assignments (few), at once.
    Rest {
        role_definitions: Vec<RoleDefinition>,
        management_groups: Vec<crate::iam::governance::ManagementGroup>,
        deny_assignments: Vec<crate::iam::governance::DenyAssignment>,
    },
}

impl AccessQueue {
    /// People first (home users, then the accounts people have in other tenants), then groups,
    /// applications and service principals, then group members one by one (so a membership
    /// that would make a group contain itself is refused as `GroupMembershipCycle`), then the
    /// rest.
    pub(crate) fn new(e: AccessExport) -> AccessQueue {
        let mut homes = Vec::new();
        let mut accounts = Vec::new();
        let mut others = Vec::new();
        let mut memberships = Vec::new();
        let mut apps = Vec::new();
        let mut principals = Vec::new();
        for d in e.directory {
            let tenant = d.tenant_id;
            for u in d.users {
                let list = if u.home_user_id.is_some() {
                    &mut accounts
                } else {
                    &mut homes
                };
                list.push(AccessItem::Object(tenant.clone(), DirectoryObject::User(u)));
            }
            for mut g in d.groups {
                memberships.extend(std::mem::take(&mut g.members).into_iter().map(|m| {
                    AccessItem::Membership(GroupMembership {
                        group_id: g.id.clone(),
                        member_id: m.id,
                    })
                }));
                others.push(AccessItem::Object(
                    tenant.clone(),
                    DirectoryObject::Group(g),
                ));
            }
            apps.extend(
                d.applications
                    .into_iter()
                    .map(|a| AccessItem::Object(tenant.clone(), DirectoryObject::Application(a))),
            );
            principals.extend(
                d.service_principals.into_iter().map(|s| {
                    AccessItem::Object(tenant.clone(), DirectoryObject::ServicePrincipal(s))
                }),
            );
        }
        let mut items = homes;
        items.extend(accounts);
        items.extend(others);
        items.extend(apps);
        items.extend(principals);
        items.extend(memberships);
        items.push(AccessItem::Rest {
            role_definitions: e.role_definitions,
            management_groups: e.management_groups,
            deny_assignments: e.deny_assignments,
        });
        AccessQueue {
            items: items.into_iter(),
            assignments: e.role_assignments,
        }
    }

    /// How many directory objects a document's access fields hold (what a reader counts).
    pub(crate) fn objects_in(e: &AccessExport) -> usize {
        e.directory
            .iter()
            .map(|d| {
                d.users.len() + d.groups.len() + d.applications.len() + d.service_principals.len()
            })
            .sum()
    }

    /// The next thing to admit.
    pub(crate) fn next(&mut self) -> Option<AccessItem> {
        self.items.next()
    }

    /// The role assignments, admitted after everything else (taken out: the queue is done
    /// once they are).
    pub(crate) fn take_assignments(&mut self) -> Vec<RoleAssignment> {
        std::mem::take(&mut self.assignments)
    }
}

/// Admits one item of an [`AccessQueue`] through the admission its command uses.
pub(crate) fn admit_access_item(
    w: &mut World,
    item: AccessItem,
    now: OffsetDateTime,
) -> Result<(), CommandError> {
    let system = Actor::system();
    match item {
        AccessItem::Object(tenant, object) => {
            match &object {
                DirectoryObject::User(u) => plans::admit_user(w, &tenant, u)?,
                DirectoryObject::Group(g) => plans::admit_group(w, &tenant, g)?,
                DirectoryObject::Application(a) => plans::admit_application(w, &tenant, a)?,
                DirectoryObject::ServicePrincipal(s) => {
                    plans::admit_service_principal(w, &tenant, s)?
                }
            }
            admit(w, tenant, object);
        }
        AccessItem::Membership(m) => {
            let planned = plans::plan_add_member(w, &system, &m, now)?;
            plans::commit(w, planned);
        }
        AccessItem::Rest {
            role_definitions,
            management_groups,
            deny_assignments,
        } => {
            for r in role_definitions {
                let planned = plans::plan_role_definition(w, &system, &r, now, false)?;
                plans::commit(w, planned);
            }
            // Management groups parents first (a parent that never comes is refused as the
            // command would refuse it), then the subscriptions placed in them, then the
            // assignments, which may be made at a group.
            let mut pending = management_groups;
            while !pending.is_empty() {
                let ready = pending.iter().position(|g| {
                    g.parent().is_none_or(|p| {
                        p.eq_ignore_ascii_case(&g.properties.tenant_id)
                            || w.access.management_group(p).is_some()
                            || !pending.iter().any(|o| o.name.eq_ignore_ascii_case(p))
                    })
                });
                let g = pending.remove(ready.unwrap_or(0));
                let request = crate::protocol::requests::NewManagementGroup {
                    tenant_id: g.properties.tenant_id.clone(),
                    name: g.name.clone(),
                    display_name: g.properties.display_name.clone(),
                    parent: g.parent().map(str::to_string),
                };
                admit_command(
                    w,
                    &system,
                    crate::protocol::Command::CreateManagementGroup(request),
                    now,
                )?;
                for s in &g.properties.subscriptions {
                    let place = crate::protocol::Command::AddSubscriptionToManagementGroup {
                        management_group: g.name.clone(),
                        subscription_id: s.clone(),
                    };
                    admit_command(w, &system, place, now)?;
                }
            }
            for d in deny_assignments {
                admit_command(
                    w,
                    &system,
                    crate::protocol::Command::CreateDenyAssignment(d),
                    now,
                )?;
            }
        }
    }
    Ok(())
}

/// One role assignment of a file, through the plan `CreateRoleAssignment` uses, keeping when
/// and by whom it was made.
pub(crate) fn import_assignment(
    w: &mut World,
    a: RoleAssignment,
    now: OffsetDateTime,
    warnings: &mut Vec<crate::diagnostics::Diagnostic>,
) -> Result<(), CommandError> {
    let p = &a.properties;
    let request = NewRoleAssignment {
        scope: p.scope.clone(),
        role_definition_id: p.role_definition_id.clone(),
        principal_id: p.principal_id.clone(),
        name: Some(a.name.clone()),
    };
    let (mut change, events) = plans::plan_assignment(w, &Actor::system(), &request, now)?;
    warnings.extend(events.iter().flat_map(|e| e.warnings.iter().cloned()));
    if let plans::Change::Assign(made) = &mut change {
        made.properties.created_on = a.properties.created_on;
        made.properties.created_by = a.properties.created_by;
        made.properties.extra = a.properties.extra;
    }
    plans::commit(w, (change, events));
    Ok(())
}

/// Admits an access command's result through its plan, as the command would be.
fn admit_command(
    w: &mut World,
    system: &Actor,
    command: crate::protocol::Command,
    now: OffsetDateTime,
) -> Result<(), CommandError> {
    if let Some(planned) = plans::plan(w, system, &command, now) {
        plans::commit(w, planned?);
    }
    Ok(())
}

/// Stores an object its admission accepted (the same write a directory command commits).
fn admit(w: &mut World, tenant: String, object: DirectoryObject) {
    plans::commit(
        w,
        (plans::Change::Objects(vec![(tenant, object)]), Vec::new()),
    );
}
