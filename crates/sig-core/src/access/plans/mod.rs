//! The directory and RBAC commands as read-only plans plus one commit, and the *admission* of
//! each kind of directory object: the checks a user, guest, group, application or service
//! principal must pass to enter a tenant's directory. Commands derive the object from the
//! request (ids, guest UPNs) and admit it; a state file's objects are admitted by the same
//! functions ([`crate::access::export::import`]), so a file cannot hold what a command refuses.

mod governance;
mod objects;
mod rbac;

use governance::*;
use objects::*;
pub(crate) use objects::{
    admit_application, admit_group, admit_service_principal, admit_user, plan_add_member,
};
use rbac::*;
pub use rbac::{assignable_in, tenant_of_scope};
pub(crate) use rbac::{plan_assignment, plan_role_definition};

use super::{resolve_principal, scope_exists, Subject};
use crate::diagnostics::{Code, Diagnostic};
use crate::iam::assignments::{
    assignment_id, RoleAssignment, RoleAssignmentProperties, ScopePath, ROLE_ASSIGNMENT_TYPE,
};
use crate::iam::directory::{
    self, derived_guid, Application, DirectoryObject, Group, MemberRef, ServicePrincipal, User,
};
use crate::iam::roles::{self, RoleDefinition};
use crate::ids::Key;
use crate::protocol::requests::{
    GroupMembership, GuestInvitation, NewApplication, NewGroup, NewRoleAssignment,
    NewServicePrincipal, NewUser,
};
use crate::protocol::{Actor, Command, CommandError, Event, EventKind};
use crate::world::World;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// The one mutation an access command (or an authorization side effect) makes.
#[derive(Debug, Clone)]
pub(crate) enum Change {
    Objects(Vec<(String, DirectoryObject)>),
    AddMember(Key, MemberRef),
    RemoveMember(Key, Key),
    Role(RoleDefinition),
    Assign(RoleAssignment),
    Unassign(Key),
    UnassignScope(Key),
    ManagementGroup(crate::iam::governance::ManagementGroup),
    /// The group (by name) a subscription is placed in.
    PlaceSubscription(Key, String),
    Deny(crate::iam::governance::DenyAssignment),
}

pub(crate) type Planned = Result<(Change, Vec<Event>), CommandError>;

fn event(
    actor: &Actor,
    now: OffsetDateTime,
    kind: EventKind,
    ty: &str,
    id: &str,
    warnings: Vec<Diagnostic>,
) -> Event {
    Event {
        kind,
        resource_type: ty.to_string(),
        id: id.to_string(),
        actor: actor.principal.clone(),
        at: now,
        warnings,
    }
}

/// A plan's one change with its one event.
fn one(
    change: Change,
    actor: &Actor,
    now: OffsetDateTime,
    kind: EventKind,
    ty: &str,
    id: &str,
    warnings: Vec<Diagnostic>,
) -> (Change, Vec<Event>) {
    (change, vec![event(actor, now, kind, ty, id, warnings)])
}

/// New directory objects (tenant, object), each with its Created event (typed by its
/// `@odata.type`).
fn created(
    actor: &Actor,
    now: OffsetDateTime,
    objects: Vec<(String, DirectoryObject)>,
) -> (Change, Vec<Event>) {
    let events = objects
        .iter()
        .map(|(_, o)| {
            event(
                actor,
                now,
                EventKind::Created,
                o.odata_type(),
                o.id(),
                Vec::new(),
            )
        })
        .collect();
    (Change::Objects(objects), events)
}

fn fail(code: Code, rid: &str, path: &str, msg: impl Into<String>) -> CommandError {
    CommandError {
        diagnostics: vec![Diagnostic::new(code, rid, path, msg)],
    }
}

fn need_tenant(w: &World, tenant: &str) -> Result<(), CommandError> {
    if w.tenants.contains_key(&Key::new(tenant)) {
        Ok(())
    } else {
        Err(fail(
            Code::TenantNotFound,
            &format!("/tenants/{tenant}"),
            "tenant_id",
            format!("Tenant '{tenant}' could not be found."),
        ))
    }
}

fn new_object_id(
    w: &World,
    given: Option<&String>,
    parts: &[&str],
) -> Result<String, CommandError> {
    let id = given.cloned().unwrap_or_else(|| derived_guid(parts));
    check_object_id(w, &id)?;
    Ok(id)
}

/// An object id is non-empty, has no '/', and is unique across every directory.
fn check_object_id(w: &World, id: &str) -> Result<(), CommandError> {
    if id.trim().is_empty() || id.contains('/') {
        return Err(fail(
            Code::InvalidParameter,
            id,
            "id",
            "An object id must be non-empty and contain no '/'.",
        ));
    }
    if w.access.object(id).is_some() {
        return Err(fail(
            Code::Conflict,
            id,
            "id",
            format!("Another object with the same value for property id ('{id}') already exists."),
        ));
    }
    Ok(())
}

/// The longest display name Microsoft Graph accepts for a user, group or application
/// (Microsoft Graph reference, user / group resource type: displayName "Maximum length is 256
/// characters").
pub const MAX_DISPLAY_NAME: usize = 256;

/// A directory object's display name: required, and at most [`MAX_DISPLAY_NAME`] characters.
fn need_name(s: &str, rid: &str, path: &str) -> Result<(), CommandError> {
    if s.trim().is_empty() {
        return Err(fail(
            Code::RequiredPropertyMissing,
            rid,
            path,
            format!("'{path}' is required."),
        ));
    }
    let length = s.chars().count();
    if length > MAX_DISPLAY_NAME {
        return Err(fail(
            Code::InvalidParameter,
            rid,
            path,
            format!("'{path}' can be at most {MAX_DISPLAY_NAME} characters long; this one has {length}."),
        ));
    }
    Ok(())
}

/// Plans an access command (`None` for the other commands): read-only, so `check` can preview it.
pub(crate) fn plan(
    w: &World,
    actor: &Actor,
    command: &Command,
    now: OffsetDateTime,
) -> Option<Planned> {
    Some(match command {
        Command::CreateUser(u) => plan_user(w, actor, u, now),
        Command::InviteGuest(g) => plan_guest(w, actor, g, now),
        Command::CreateGroup(g) => plan_group(w, actor, g, now),
        Command::AddGroupMember(m) => plan_add_member(w, actor, m, now),
        Command::RemoveGroupMember(m) => plan_remove_member(w, actor, m, now),
        Command::RegisterApplication(a) => plan_application(w, actor, a, now),
        Command::CreateServicePrincipal(s) => plan_sp(w, actor, s, now),
        Command::CreateRoleDefinition(r) => plan_role(w, actor, r, now),
        Command::CreateRoleAssignment(a) => plan_assignment(w, actor, a, now),
        Command::DeleteRoleAssignment { id } => plan_unassign(w, actor, id, now),
        Command::CreateManagementGroup(g) => plan_management_group(w, actor, g, now),
        Command::AddSubscriptionToManagementGroup {
            management_group,
            subscription_id,
        } => plan_place_subscription(w, actor, management_group, subscription_id, now),
        Command::CreateDenyAssignment(d) => plan_deny(w, actor, d, now),
        _ => return None,
    })
}

/// Applies a planned change.
pub(crate) fn commit(w: &mut World, (change, events): (Change, Vec<Event>)) -> Vec<Event> {
    // Role assignments are stored in buckets of their own (`crate::parts`); anything else
    // changes the rest of the access fields.
    let touched = &mut w.touched;
    match &change {
        Change::Assign(ra) => {
            touched
                .assignments
                .insert(crate::world::assignment_bucket(&Key::new(&ra.id)));
        }
        Change::Unassign(k) => {
            touched
                .assignments
                .insert(crate::world::assignment_bucket(k));
        }
        Change::UnassignScope(scope) => {
            let gone = w.access.assignments_at(scope);
            touched
                .assignments
                .extend(gone.iter().map(crate::world::assignment_bucket));
            touched.access |= w.access.deny_assignments.values().any(|d| {
                ScopePath::parse(&d.properties.scope).is_some_and(|p| Key::new(p.id()) == *scope)
            });
        }
        _ => touched.access = true,
    }
    let a = &mut w.access;
    match change {
        Change::Objects(list) => {
            for (tenant, o) in list {
                a.insert_object(&tenant, o);
            }
            a.rebuild_closure();
        }
        Change::AddMember(g, m) => a.add_member(&g, m),
        Change::RemoveMember(g, m) => a.remove_member(&g, &m),
        Change::Role(r) => {
            a.custom_roles.insert(Key::new(&r.name), r);
        }
        Change::Assign(ra) => a.insert_assignment(ra),
        Change::Unassign(k) => {
            a.remove_assignment(&k);
        }
        Change::ManagementGroup(g) => {
            a.management_groups.insert(Key::new(&g.name), g);
        }
        Change::PlaceSubscription(group, subscription) => {
            for g in a.management_groups.values_mut() {
                g.properties
                    .subscriptions
                    .retain(|s| !s.eq_ignore_ascii_case(&subscription));
            }
            if let Some(g) = a.management_groups.get_mut(&group) {
                g.properties.subscriptions.push(subscription);
            }
        }
        Change::Deny(d) => {
            a.deny_assignments.insert(Key::new(&d.id), d);
        }
        Change::UnassignScope(scope) => {
            for k in a.assignments_at(&scope) {
                a.remove_assignment(&k);
            }
            // As its role assignments, a deleted scope's deny assignments go with it.
            a.deny_assignments.retain(|_, d| {
                ScopePath::parse(&d.properties.scope).is_none_or(|p| Key::new(p.id()) != scope)
            });
        }
    }
    events
}

/// The side effect of a command, planned before it runs and applied by [`crate::apply`] only
/// when the command itself succeeded: deleting a resource deletes the role assignments made at
/// it (as ARM does); for a non-system actor, the creator of a subscription becomes its Owner and
/// the creator of a tenant becomes a member user of it.
pub(crate) fn creator_follow_up(
    w: &World,
    actor: &Actor,
    command: &Command,
    now: OffsetDateTime,
) -> Option<Change> {
    if let Command::DeleteGallery { id }
    | Command::DeleteImage { id }
    | Command::DeleteVersion { id }
    | Command::DeleteSource { id } = command
    {
        let scope = ScopePath::parse(id)?;
        return Some(Change::UnassignScope(Key::new(scope.id())));
    }
    if actor.is_system() {
        return None;
    }
    match command {
        Command::CreateSubscription { id, tenant_id, .. } => {
            owner_of(w, actor, tenant_id, &format!("/subscriptions/{id}"), now)
        }
        // "the user who creates a management group is assigned Owner on it".
        Command::CreateManagementGroup(g) => owner_of(
            w,
            actor,
            &g.tenant_id,
            &crate::iam::governance::management_group_id(&g.name),
            now,
        ),
        Command::CreateTenant { id, .. } => match home_user(w, &actor.principal) {
            Some((_, home)) => {
                let oid = derived_guid(&["external", id, &home.id]);
                Some(Change::Objects(vec![(
                    id.clone(),
                    DirectoryObject::User(external_user(w, home, id, oid, "Member")),
                )]))
            }
            None if actor.principal.contains('@')
                && resolve_principal(w, &actor.principal).is_err() =>
            {
                let user = User {
                    odata_type: directory::USER_ODATA.into(),
                    id: derived_guid(&["user", id, &actor.principal]),
                    display_name: actor
                        .principal
                        .split('@')
                        .next()
                        .unwrap_or_default()
                        .to_string(),
                    user_principal_name: actor.principal.clone(),
                    user_type: "Member".into(),
                    home_user_id: None,
                    external_user_state: None,
                };
                Some(Change::Objects(vec![(
                    id.clone(),
                    DirectoryObject::User(user),
                )]))
            }
            None => None,
        },
        _ => None,
    }
}

/// The Owner assignment the creator of a subscription or management group gets at `scope`
/// (the role named under the scope, as Azure names it).
fn owner_of(
    w: &World,
    actor: &Actor,
    tenant: &str,
    scope: &str,
    now: OffsetDateTime,
) -> Option<Change> {
    let subject = resolve_principal(w, &actor.principal).ok()?;
    let obj = subject.object_in(&w.access, tenant)?;
    let name = derived_guid(&[scope, roles::OWNER, obj.object.id()]);
    Some(Change::Assign(RoleAssignment {
        id: assignment_id(scope, &name),
        name,
        resource_type: ROLE_ASSIGNMENT_TYPE.into(),
        properties: RoleAssignmentProperties {
            role_definition_id: format!(
                "{scope}/providers/Microsoft.Authorization/roleDefinitions/{}",
                roles::OWNER
            ),
            principal_id: obj.object.id().to_string(),
            principal_type: obj.object.principal_type().map(str::to_string),
            scope: scope.to_string(),
            created_on: now.format(&Rfc3339).ok(),
            created_by: Some(obj.object.id().to_string()),
            extra: Default::default(),
        },
    }))
}

/// Applies a follow-up planned by [`creator_follow_up`], once the command itself is applied.
/// The creator's account is derived from their sign-in name, so it is admitted here as a state
/// file's user would be: a name the directory refuses gets no account rather than a world that
/// no longer loads.
pub(crate) fn commit_follow_up(w: &mut World, change: Change) {
    if let Change::Objects(list) = &change {
        let refused = list.iter().any(|(tenant, o)| match o {
            DirectoryObject::User(u) => admit_user(w, tenant, u).is_err(),
            _ => false,
        });
        if refused {
            return;
        }
    }
    commit(w, (change, Vec::new()));
}
