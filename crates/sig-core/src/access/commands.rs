//! The access commands (directory and RBAC changes) as read-only plans plus one commit, and the
//! authorization every command passes in [`crate::apply`] before it is planned.
//!
//! Authorization (documented in docs/state-file.md too):
//! * [`Actor::system`] is the simulator itself (setup, imports, fixtures) and is never checked.
//! * Gallery resources need `{type}/write` for create/update and `{type}/delete` at the
//!   resource's id; replication faults/retries need `.../versions/write`.
//! * Setup: a resource group needs `Microsoft.Resources/subscriptions/resourceGroups/write`, a
//!   source `{its type}/write|delete` at its id (a VHD: `Microsoft.Storage/storageAccounts/write`
//!   at its storage account; without one, only the simulator may register it) — in practice
//!   Owner or Contributor at the subscription.
//! * A subscription may be created by any principal of its tenant, which then becomes its Owner
//!   (as the account that creates an Azure subscription does). A tenant may be created by anyone;
//!   the creator becomes a member user of it (a known user as an external member).
//! * Directory changes (users, guests, groups, applications, service principals) need a member
//!   user of the tenant (Entra directory roles are not simulated; guests and apps cannot).
//! * Role definitions need `Microsoft.Authorization/roleDefinitions/write` at every assignable
//!   scope; role assignments `Microsoft.Authorization/roleAssignments/write|delete` at their scope.
//! * Anything else (a command added later and not mapped here) is refused to non-system actors.

use super::assignments::{
    assignment_id, split_assignment_id, RoleAssignment, RoleAssignmentProperties, ScopePath,
    ROLE_ASSIGNMENT_TYPE,
};
use super::directory::{
    self, derived_guid, Application, DirectoryObject, Group, MemberRef, ServicePrincipal, User,
};
use super::roles::{self, RoleDefinition};
use super::{context, decide, resolve_principal, scope_exists, Subject};
use crate::command::{Actor, Command, CommandError, Event, EventKind};
use crate::diagnostics::{Code, Diagnostic};
use crate::ids::Key;
use crate::world::World;
use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// `CreateUser`: a member user in a tenant's directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewUser {
    /// The tenant.
    pub tenant_id: String,
    /// Sign-in name (`alias@domain`), unique across directories.
    pub user_principal_name: String,
    /// Display name.
    pub display_name: String,
    /// Object id; derived from tenant and UPN when omitted.
    #[serde(default)]
    pub id: Option<String>,
}

/// `InviteGuest`: a B2B guest in `tenant_id` representing a user of another tenant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuestInvitation {
    /// The inviting (host) tenant.
    pub tenant_id: String,
    /// The invited user: object id or UPN of their home user.
    pub user: String,
    /// Guest object id; derived when omitted.
    #[serde(default)]
    pub id: Option<String>,
}

/// `CreateGroup`: a security group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewGroup {
    /// The tenant.
    pub tenant_id: String,
    /// Display name.
    pub display_name: String,
    /// Object id; derived when omitted.
    #[serde(default)]
    pub id: Option<String>,
}

/// `AddGroupMember` / `RemoveGroupMember`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupMembership {
    /// The group's object id.
    pub group_id: String,
    /// The member's object id (or a user's UPN).
    pub member_id: String,
}

/// `RegisterApplication`: an app registration and its service principal in its home tenant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewApplication {
    /// Home tenant.
    pub tenant_id: String,
    /// Display name.
    pub display_name: String,
    /// Client id; derived when omitted.
    #[serde(default)]
    pub app_id: Option<String>,
    /// `AzureADMultipleOrgs` when true, else `AzureADMyOrg`.
    #[serde(default)]
    pub multi_tenant: bool,
}

/// `CreateServicePrincipal`: a tenant consents to a (multi-tenant) application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewServicePrincipal {
    /// The consenting tenant.
    pub tenant_id: String,
    /// The application's client id.
    pub app_id: String,
}

/// `CreateRoleAssignment`: the PUT of a role assignment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewRoleAssignment {
    /// Subscription, resource group or resource id.
    pub scope: String,
    /// Role GUID, role definition id, or built-in role name.
    pub role_definition_id: String,
    /// Object id (or UPN) of a principal in the scope's tenant.
    pub principal_id: String,
    /// Assignment GUID; derived from scope, role and principal when omitted.
    #[serde(default)]
    pub name: Option<String>,
}

/// The requirement a command must meet before it is planned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Requirement {
    /// An RBAC action at a scope.
    Rbac {
        /// The action.
        action: String,
        /// The scope.
        scope: String,
    },
    /// An RBAC action on a resource the request links to (a version's source), checked only
    /// once the caller may do the main action; refused as Azure's `LinkedAuthorizationFailed`.
    Linked {
        /// The action (read on the linked resource).
        action: String,
        /// The linked resource's scope.
        scope: String,
        /// The JSON path of the field that names it.
        path: String,
    },
    /// A member user of the tenant (directory changes).
    DirectoryMember {
        /// The tenant.
        tenant_id: String,
        /// The Entra action named in a refusal.
        action: &'static str,
    },
    /// Any principal of the tenant (creating a subscription in it).
    TenantPrincipal {
        /// The tenant.
        tenant_id: String,
    },
    /// Only the simulator.
    System {
        /// What was attempted.
        what: &'static str,
    },
}

fn rbac(action: impl Into<String>, scope: impl Into<String>) -> Requirement {
    Requirement::Rbac {
        action: action.into(),
        scope: scope.into(),
    }
}

/// Read access to each source a new version is made from, as Azure checks it: a role on the
/// gallery alone does not let someone publish from images, disks or VMs they cannot read. Sources
/// the world does not know are left to the rules (a missing source is their error, not a 403).
fn source_reads(w: &World, resource: &crate::arm::GalleryImageVersion) -> Vec<Requirement> {
    crate::sources::referenced_ids(resource)
        .into_iter()
        .filter_map(|(id, path)| {
            let (action, scope) = match w.source(id) {
                Some(source) => source.read_permission()?,
                None => (
                    format!("{}/read", crate::ids::VERSION_TYPE),
                    w.version(id)?.id.to_string(),
                ),
            };
            Some(Requirement::Linked {
                action,
                scope,
                path,
            })
        })
        .collect()
}

fn tenant_of_group(w: &World, group: &str) -> String {
    w.access
        .object(group)
        .map_or_else(String::new, |e| e.tenant_id.clone())
}

/// What `command` needs from a non-system actor (see the module doc).
pub fn required_permissions(w: &World, command: &Command) -> Vec<Requirement> {
    use crate::ids::{GALLERY_TYPE as G, IMAGE_TYPE as I, VERSION_TYPE as V};
    match command {
        Command::CreateTenant { .. } => Vec::new(),
        Command::CreateSubscription { tenant_id, .. } => vec![Requirement::TenantPrincipal {
            tenant_id: tenant_id.clone(),
        }],
        Command::CreateResourceGroup {
            subscription_id,
            name,
            ..
        } => vec![rbac(
            "Microsoft.Resources/subscriptions/resourceGroups/write",
            format!("/subscriptions/{subscription_id}/resourceGroups/{name}"),
        )],
        Command::CreateSource(s) => match (s.kind.arm_type(), s.storage_account()) {
            (Some(ty), _) => vec![rbac(format!("{ty}/write"), s.id.clone())],
            (None, Some(acct)) => vec![rbac("Microsoft.Storage/storageAccounts/write", acct)],
            (None, None) => vec![Requirement::System {
                what: "register a VHD source without its storage account id",
            }],
        },
        Command::DeleteSource { id } => match w
            .source(id)
            .map(|s| (s.kind.arm_type(), s.storage_account().map(str::to_string)))
        {
            Some((Some(ty), _)) => vec![rbac(format!("{ty}/delete"), id.clone())],
            Some((None, Some(acct))) => vec![rbac("Microsoft.Storage/storageAccounts/write", acct)],
            Some((None, None)) => vec![Requirement::System {
                what: "delete a VHD source without its storage account id",
            }],
            None => vec![rbac(
                "Microsoft.Resources/subscriptions/resourceGroups/write",
                id.clone(),
            )],
        },
        Command::CreateGallery { id, .. } | Command::UpdateGallery { id, .. } => {
            vec![rbac(format!("{G}/write"), id.clone())]
        }
        Command::DeleteGallery { id } => vec![rbac(format!("{G}/delete"), id.clone())],
        Command::CreateImage { id, .. } | Command::UpdateImage { id, .. } => {
            vec![rbac(format!("{I}/write"), id.clone())]
        }
        Command::DeleteImage { id } => vec![rbac(format!("{I}/delete"), id.clone())],
        Command::CreateVersion { id, resource } => {
            std::iter::once(rbac(format!("{V}/write"), id.clone()))
                .chain(source_reads(w, resource))
                .collect()
        }
        Command::UpdateVersion { id, .. } => vec![rbac(format!("{V}/write"), id.clone())],
        Command::DeleteVersion { id } => vec![rbac(format!("{V}/delete"), id.clone())],
        Command::InjectReplicationFault { version_id, .. }
        | Command::RetryReplication { version_id, .. } => {
            vec![rbac(format!("{V}/write"), version_id.clone())]
        }
        Command::CreateUser(u) => vec![Requirement::DirectoryMember {
            tenant_id: u.tenant_id.clone(),
            action: "microsoft.directory/users/create",
        }],
        Command::InviteGuest(g) => vec![Requirement::DirectoryMember {
            tenant_id: g.tenant_id.clone(),
            action: "microsoft.directory/users/inviteGuest",
        }],
        Command::CreateGroup(g) => vec![Requirement::DirectoryMember {
            tenant_id: g.tenant_id.clone(),
            action: "microsoft.directory/groups/create",
        }],
        Command::AddGroupMember(m) | Command::RemoveGroupMember(m) => {
            vec![Requirement::DirectoryMember {
                tenant_id: tenant_of_group(w, &m.group_id),
                action: "microsoft.directory/groups/members/update",
            }]
        }
        Command::RegisterApplication(a) => vec![Requirement::DirectoryMember {
            tenant_id: a.tenant_id.clone(),
            action: "microsoft.directory/applications/create",
        }],
        Command::CreateServicePrincipal(s) => vec![Requirement::DirectoryMember {
            tenant_id: s.tenant_id.clone(),
            action: "microsoft.directory/servicePrincipals/create",
        }],
        Command::CreateRoleDefinition(r) => r
            .properties
            .assignable_scopes
            .iter()
            .map(|s| rbac("Microsoft.Authorization/roleDefinitions/write", s.clone()))
            .chain(
                r.properties
                    .assignable_scopes
                    .is_empty()
                    .then(|| rbac("Microsoft.Authorization/roleDefinitions/write", "/")),
            )
            .collect(),
        Command::CreateRoleAssignment(a) => vec![rbac(
            "Microsoft.Authorization/roleAssignments/write",
            a.scope.clone(),
        )],
        Command::DeleteRoleAssignment { id } => {
            let scope = split_assignment_id(id).map_or(id.as_str(), |(s, _)| s);
            vec![rbac(
                "Microsoft.Authorization/roleAssignments/delete",
                scope,
            )]
        }
        #[allow(unreachable_patterns)]
        _ => vec![Requirement::System {
            what: "run a command that has no authorization mapping yet",
        }],
    }
}

fn denied(principal: &str, object_id: &str, action: &str, scope: &str) -> Diagnostic {
    Diagnostic::new(
        Code::AuthorizationFailed,
        scope,
        "",
        format!("The client '{principal}' with object id '{object_id}' does not have authorization to perform action '{action}' over scope '{scope}' or the scope is invalid. If access was recently granted, please refresh your credentials."),
    )
}

/// Authorizes one RBAC `action` over `scope` for `actor` — the decision [`authorize`] makes for a
/// command's requirement, for checks that are not commands (deploying a VM from an image version
/// needs `Microsoft.Compute/galleries/images/versions/read`). `Ok` always for [`Actor::system`].
pub fn authorize_action(
    w: &World,
    actor: &Actor,
    action: &str,
    scope: &str,
) -> Result<(), Diagnostic> {
    if actor.is_system() {
        return Ok(());
    }
    let subject = resolve_principal(w, &actor.principal)
        .ok()
        .filter(|s| !matches!(s, Subject::Group(_)));
    let decision = subject
        .as_ref()
        .and_then(|s| context(w, s, scope).ok())
        .map(|cx| {
            let id = cx.principal.map(|p| p.object.id().to_string());
            (decide(w, &cx, action).allowed, id)
        });
    match decision {
        Some((true, _)) => Ok(()),
        Some((false, Some(id))) => Err(denied(&actor.principal, &id, action, scope)),
        _ => {
            let id = match &subject {
                Some(Subject::Person(k)) | Some(Subject::App(k)) | Some(Subject::Group(k)) => {
                    k.as_str().to_string()
                }
                None => actor.principal.clone(),
            };
            Err(denied(&actor.principal, &id, action, scope))
        }
    }
}

/// Authorizes `command` for `actor`: `Ok` when every requirement holds (always for
/// [`Actor::system`]), else an `AuthorizationFailed` error naming principal, action and scope —
/// or, when the main action is allowed but a linked resource (a version's source) may not be
/// read, `LinkedAuthorizationFailed` naming both and the field that links it.
pub fn authorize(w: &World, actor: &Actor, command: &Command) -> Result<(), CommandError> {
    if actor.is_system() {
        return Ok(());
    }
    let subject = resolve_principal(w, &actor.principal)
        .ok()
        .filter(|s| !matches!(s, Subject::Group(_)));
    let home_id = |s: &Option<Subject>| match s {
        Some(Subject::Person(k)) | Some(Subject::App(k)) | Some(Subject::Group(k)) => {
            k.as_str().to_string()
        }
        None => actor.principal.clone(),
    };
    // Whether `action` at `scope` is allowed, with the object id a message names (the
    // principal's object in that scope's tenant).
    let rbac_check = |action: &str, scope: &str| -> (bool, String) {
        let decision = subject
            .as_ref()
            .and_then(|s| context(w, s, scope).ok())
            .map(|cx| {
                let id = cx.principal.map(|p| p.object.id().to_string());
                (decide(w, &cx, action).allowed, id)
            });
        match decision {
            Some((allowed, id)) => (allowed, id.unwrap_or_else(|| home_id(&subject))),
            None => (false, home_id(&subject)),
        }
    };
    let mut errors = Vec::new();
    // The main action (the first RBAC requirement) and the object id it was decided for.
    let mut primary: Option<(String, String, String)> = None;
    let mut linked = Vec::new();
    for req in required_permissions(w, command) {
        match req {
            Requirement::Rbac { action, scope } => {
                let (allowed, id) = rbac_check(&action, &scope);
                if !allowed {
                    errors.push(denied(&actor.principal, &id, &action, &scope));
                }
                primary.get_or_insert((action, scope, id));
            }
            Requirement::Linked {
                action,
                scope,
                path,
            } => linked.push((action, scope, path)),
            Requirement::DirectoryMember { tenant_id, action } => {
                let member = subject
                    .as_ref()
                    .is_some_and(|s| s.is_member_user_in(&w.access, &tenant_id));
                if !member {
                    errors.push(Diagnostic::new(Code::AuthorizationFailed, format!("/tenants/{tenant_id}"), "",
                        format!("Insufficient privileges to complete the operation: '{}' is not a member user of tenant '{tenant_id}' (action '{action}'). Guests and applications cannot change a directory.", actor.principal)));
                }
            }
            Requirement::TenantPrincipal { tenant_id } => {
                if subject
                    .as_ref()
                    .and_then(|s| s.object_in(&w.access, &tenant_id))
                    .is_none()
                {
                    errors.push(Diagnostic::new(Code::AuthorizationFailed, format!("/tenants/{tenant_id}"), "",
                        format!("The client '{}' has no user or service principal in tenant '{tenant_id}', so it cannot create a subscription there.", actor.principal)));
                }
            }
            Requirement::System { what } => errors.push(Diagnostic::new(
                Code::AuthorizationFailed,
                "",
                "",
                format!(
                    "Only the simulator (Actor::system) may {what}; '{}' may not.",
                    actor.principal
                ),
            )),
        }
    }
    // Linked resources are checked once the main action is allowed, as ARM does.
    if errors.is_empty() {
        let (main_action, main_scope, id) = primary.unwrap_or_default();
        for (action, scope, path) in linked {
            if !rbac_check(&action, &scope).0 {
                errors.push(Diagnostic::new(
                    Code::LinkedAuthorizationFailed,
                    main_scope.clone(),
                    path,
                    format!("The client '{}' with object id '{id}' has permission to perform action '{main_action}' on scope '{main_scope}'; however, it does not have permission to perform action(s) '{action}' on the linked scope(s) '{scope}' (respectively) or the linked scope(s) are invalid.", actor.principal),
                ));
            }
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(CommandError {
            diagnostics: errors,
        })
    }
}

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

fn fail(code: Code, rid: &str, path: &str, msg: impl Into<String>) -> CommandError {
    CommandError {
        diagnostics: vec![Diagnostic::new(code, rid, path, msg)],
    }
}

fn need_tenant(w: &World, tenant: &str) -> Result<(), CommandError> {
    if w.tenants().any(|t| t.id.eq_ignore_ascii_case(tenant)) {
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
    if id.trim().is_empty() || id.contains('/') {
        return Err(fail(
            Code::InvalidParameter,
            &id,
            "id",
            "An object id must be non-empty and contain no '/'.",
        ));
    }
    if w.access.object(&id).is_some() {
        return Err(fail(
            Code::Conflict,
            &id,
            "id",
            format!("Another object with the same value for property id ('{id}') already exists."),
        ));
    }
    Ok(id)
}

fn need_name(s: &str, rid: &str, path: &str) -> Result<(), CommandError> {
    if s.trim().is_empty() {
        Err(fail(
            Code::RequiredPropertyMissing,
            rid,
            path,
            format!("'{path}' is required."),
        ))
    } else {
        Ok(())
    }
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
        _ => return None,
    })
}

/// Applies a planned change.
pub(crate) fn commit(w: &mut World, (change, events): (Change, Vec<Event>)) -> Vec<Event> {
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
        Change::UnassignScope(scope) => {
            let gone: Vec<Key> = a
                .index
                .by_scope
                .get(&scope)
                .into_iter()
                .flatten()
                .cloned()
                .collect();
            for k in gone {
                a.remove_assignment(&k);
            }
        }
    }
    events
}

fn plan_user(w: &World, actor: &Actor, u: &NewUser, now: OffsetDateTime) -> Planned {
    need_tenant(w, &u.tenant_id)?;
    need_name(&u.display_name, &u.user_principal_name, "display_name")?;
    if !u.user_principal_name.contains('@') || u.user_principal_name.contains('/') {
        return Err(fail(
            Code::InvalidParameter,
            &u.user_principal_name,
            "user_principal_name",
            "A user principal name has the form alias@domain.",
        ));
    }
    if w.access.user_by_upn(&u.user_principal_name).is_some() {
        return Err(fail(
            Code::Conflict,
            &u.user_principal_name,
            "user_principal_name",
            "Another object with the same value for property userPrincipalName already exists.",
        ));
    }
    let id = new_object_id(
        w,
        u.id.as_ref(),
        &["user", &u.tenant_id, &u.user_principal_name],
    )?;
    let user = User {
        odata_type: directory::USER_ODATA.into(),
        id: id.clone(),
        display_name: u.display_name.clone(),
        user_principal_name: u.user_principal_name.clone(),
        user_type: "Member".into(),
        home_user_id: None,
        external_user_state: None,
    };
    Ok((
        Change::Objects(vec![(u.tenant_id.clone(), DirectoryObject::User(user))]),
        vec![event(
            actor,
            now,
            EventKind::Created,
            directory::USER_ODATA,
            &id,
            Vec::new(),
        )],
    ))
}

fn host_domain(w: &World, tenant: &str) -> String {
    w.access
        .objects()
        .filter(|e| e.tenant_id.eq_ignore_ascii_case(tenant))
        .find_map(|e| match &e.object {
            DirectoryObject::User(u) if !u.is_guest() && u.home_user_id.is_none() => u
                .user_principal_name
                .split_once('@')
                .map(|(_, d)| d.to_string()),
            _ => None,
        })
        .unwrap_or_else(|| format!("{tenant}.onmicrosoft.com"))
}

/// A guest/external object for `home` in `tenant` (Graph's `alias_domain#EXT#@host` UPN).
fn external_user(w: &World, home: &User, tenant: &str, id: String, user_type: &str) -> User {
    User {
        odata_type: directory::USER_ODATA.into(),
        id,
        display_name: home.display_name.clone(),
        user_principal_name: format!(
            "{}#EXT#@{}",
            home.user_principal_name.replace('@', "_"),
            host_domain(w, tenant)
        ),
        user_type: user_type.into(),
        home_user_id: Some(home.id.clone()),
        external_user_state: Some("Accepted".into()),
    }
}

fn home_user<'a>(w: &'a World, text: &str) -> Option<(&'a str, &'a User)> {
    let Ok(Subject::Person(k)) = resolve_principal(w, text) else {
        return None;
    };
    match w.access.objects.get(&k) {
        Some(e) => match &e.object {
            DirectoryObject::User(u) => Some((e.tenant_id.as_str(), u)),
            _ => None,
        },
        None => None,
    }
}

fn plan_guest(w: &World, actor: &Actor, g: &GuestInvitation, now: OffsetDateTime) -> Planned {
    need_tenant(w, &g.tenant_id)?;
    let Some((home_tenant, home)) = home_user(w, &g.user) else {
        return Err(fail(
            Code::PrincipalNotFound,
            &g.user,
            "user",
            format!("Principal {} does not exist in any directory.", g.user),
        ));
    };
    if home_tenant.eq_ignore_ascii_case(&g.tenant_id)
        || w.access.guest_in(&home.id, &g.tenant_id).is_some()
    {
        return Err(fail(
            Code::Conflict,
            &home.id,
            "user",
            format!(
                "User '{}' already has an account in tenant '{}'.",
                home.user_principal_name, g.tenant_id
            ),
        ));
    }
    let id = new_object_id(w, g.id.as_ref(), &["guest", &g.tenant_id, &home.id])?;
    let guest = external_user(w, home, &g.tenant_id, id.clone(), "Guest");
    Ok((
        Change::Objects(vec![(g.tenant_id.clone(), DirectoryObject::User(guest))]),
        vec![event(
            actor,
            now,
            EventKind::Created,
            directory::USER_ODATA,
            &id,
            Vec::new(),
        )],
    ))
}

fn plan_group(w: &World, actor: &Actor, g: &NewGroup, now: OffsetDateTime) -> Planned {
    need_tenant(w, &g.tenant_id)?;
    need_name(&g.display_name, &g.tenant_id, "display_name")?;
    let id = new_object_id(w, g.id.as_ref(), &["group", &g.tenant_id, &g.display_name])?;
    let group = Group {
        odata_type: directory::GROUP_ODATA.into(),
        id: id.clone(),
        display_name: g.display_name.clone(),
        security_enabled: true,
        members: Vec::new(),
    };
    Ok((
        Change::Objects(vec![(g.tenant_id.clone(), DirectoryObject::Group(group))]),
        vec![event(
            actor,
            now,
            EventKind::Created,
            directory::GROUP_ODATA,
            &id,
            Vec::new(),
        )],
    ))
}

fn member_entry<'a>(w: &'a World, text: &str) -> Option<&'a directory::Entry> {
    w.access.object(text).or_else(|| w.access.user_by_upn(text))
}

fn plan_add_member(w: &World, actor: &Actor, m: &GroupMembership, now: OffsetDateTime) -> Planned {
    let Some(ge) = w
        .access
        .object(&m.group_id)
        .filter(|e| matches!(e.object, DirectoryObject::Group(_)))
    else {
        return Err(fail(
            Code::ResourceNotFound,
            &m.group_id,
            "group_id",
            format!("Group '{}' does not exist.", m.group_id),
        ));
    };
    let Some(me) = member_entry(w, &m.member_id).filter(|e| e.object.principal_type().is_some())
    else {
        return Err(fail(
            Code::PrincipalNotFound,
            &m.member_id,
            "member_id",
            format!(
                "Principal {} does not exist in the directory {}.",
                m.member_id, ge.tenant_id
            ),
        ));
    };
    if !me.tenant_id.eq_ignore_ascii_case(&ge.tenant_id) {
        return Err(fail(
            Code::PrincipalNotFound,
            &m.member_id,
            "member_id",
            format!(
                "Principal {} does not exist in the directory {}.",
                me.object.id(),
                ge.tenant_id
            ),
        ));
    }
    let (gk, mk) = (Key::new(ge.object.id()), Key::new(me.object.id()));
    if let DirectoryObject::Group(g) = &ge.object {
        if g.members.iter().any(|x| Key::new(&x.id) == mk) {
            return Err(fail(Code::Conflict, ge.object.id(), "member_id", "One or more added object references already exist for the following modified properties: 'members'."));
        }
    }
    if gk == mk || w.access.is_in_group(&gk, &mk) {
        return Err(fail(
            Code::GroupMembershipCycle,
            ge.object.id(),
            "member_id",
            format!(
                "Adding group '{}' to group '{}' would make a group a member of itself.",
                me.object.display_name(),
                ge.object.display_name()
            ),
        ));
    }
    let member = MemberRef {
        odata_type: me.object.odata_type().into(),
        id: me.object.id().into(),
    };
    Ok((
        Change::AddMember(gk, member),
        vec![event(
            actor,
            now,
            EventKind::Updated,
            directory::GROUP_ODATA,
            ge.object.id(),
            Vec::new(),
        )],
    ))
}

fn plan_remove_member(
    w: &World,
    actor: &Actor,
    m: &GroupMembership,
    now: OffsetDateTime,
) -> Planned {
    let Some(ge) = w.access.object(&m.group_id) else {
        return Err(fail(
            Code::ResourceNotFound,
            &m.group_id,
            "group_id",
            format!("Group '{}' does not exist.", m.group_id),
        ));
    };
    let mk = member_entry(w, &m.member_id)
        .map_or_else(|| Key::new(&m.member_id), |e| Key::new(e.object.id()));
    let is_member = matches!(&ge.object, DirectoryObject::Group(g) if g.members.iter().any(|x| Key::new(&x.id) == mk));
    if !is_member {
        return Err(fail(
            Code::ResourceNotFound,
            ge.object.id(),
            "member_id",
            format!(
                "'{}' is not a direct member of group '{}'.",
                m.member_id,
                ge.object.display_name()
            ),
        ));
    }
    Ok((
        Change::RemoveMember(Key::new(ge.object.id()), mk),
        vec![event(
            actor,
            now,
            EventKind::Updated,
            directory::GROUP_ODATA,
            ge.object.id(),
            Vec::new(),
        )],
    ))
}

fn plan_application(w: &World, actor: &Actor, a: &NewApplication, now: OffsetDateTime) -> Planned {
    need_tenant(w, &a.tenant_id)?;
    need_name(&a.display_name, &a.tenant_id, "display_name")?;
    let app_id = a
        .app_id
        .clone()
        .unwrap_or_else(|| derived_guid(&["appId", &a.tenant_id, &a.display_name]));
    if w.access.application(&app_id).is_some() {
        return Err(fail(
            Code::Conflict,
            &app_id,
            "app_id",
            format!("An application with appId '{app_id}' already exists."),
        ));
    }
    let obj = new_object_id(w, None, &["application", &app_id])?;
    let sp = new_object_id(w, None, &["servicePrincipal", &app_id, &a.tenant_id])?;
    let app = Application {
        odata_type: directory::APPLICATION_ODATA.into(),
        id: obj.clone(),
        app_id: app_id.clone(),
        display_name: a.display_name.clone(),
        sign_in_audience: if a.multi_tenant {
            "AzureADMultipleOrgs"
        } else {
            "AzureADMyOrg"
        }
        .into(),
    };
    let spo = ServicePrincipal {
        odata_type: directory::SERVICE_PRINCIPAL_ODATA.into(),
        id: sp.clone(),
        app_id,
        display_name: a.display_name.clone(),
        app_owner_organization_id: a.tenant_id.clone(),
        service_principal_type: "Application".into(),
    };
    Ok((
        Change::Objects(vec![
            (a.tenant_id.clone(), DirectoryObject::Application(app)),
            (a.tenant_id.clone(), DirectoryObject::ServicePrincipal(spo)),
        ]),
        vec![
            event(
                actor,
                now,
                EventKind::Created,
                directory::APPLICATION_ODATA,
                &obj,
                Vec::new(),
            ),
            event(
                actor,
                now,
                EventKind::Created,
                directory::SERVICE_PRINCIPAL_ODATA,
                &sp,
                Vec::new(),
            ),
        ],
    ))
}

fn plan_sp(w: &World, actor: &Actor, s: &NewServicePrincipal, now: OffsetDateTime) -> Planned {
    need_tenant(w, &s.tenant_id)?;
    let Some(DirectoryObject::Application(app)) =
        w.access.application(&s.app_id).map(|e| &e.object)
    else {
        return Err(fail(
            Code::ResourceNotFound,
            &s.app_id,
            "app_id",
            format!(
                "Application with identifier '{}' was not found in the directory.",
                s.app_id
            ),
        ));
    };
    let home = w
        .access
        .application(&s.app_id)
        .map_or("", |e| e.tenant_id.as_str());
    if !app.is_multi_tenant() && !home.eq_ignore_ascii_case(&s.tenant_id) {
        return Err(fail(Code::InvalidParameter, &s.app_id, "app_id", format!("Application '{}' is single-tenant (signInAudience AzureADMyOrg); only a multi-tenant application can have a service principal in another tenant.", app.display_name)));
    }
    if w.access
        .service_principal_in(&s.app_id, &s.tenant_id)
        .is_some()
    {
        return Err(fail(
            Code::Conflict,
            &s.app_id,
            "app_id",
            format!(
                "Tenant '{}' already has a service principal for application '{}'.",
                s.tenant_id, app.display_name
            ),
        ));
    }
    let id = new_object_id(w, None, &["servicePrincipal", &app.app_id, &s.tenant_id])?;
    let spo = ServicePrincipal {
        odata_type: directory::SERVICE_PRINCIPAL_ODATA.into(),
        id: id.clone(),
        app_id: app.app_id.clone(),
        display_name: app.display_name.clone(),
        app_owner_organization_id: home.to_string(),
        service_principal_type: "Application".into(),
    };
    Ok((
        Change::Objects(vec![(
            s.tenant_id.clone(),
            DirectoryObject::ServicePrincipal(spo),
        )]),
        vec![event(
            actor,
            now,
            EventKind::Created,
            directory::SERVICE_PRINCIPAL_ODATA,
            &id,
            Vec::new(),
        )],
    ))
}

fn tenant_of_scope(w: &World, scope: &str) -> Option<String> {
    let p = ScopePath::parse(scope)?;
    w.subscription(&p.subscription).map(|s| s.tenant_id.clone())
}

fn plan_role(w: &World, actor: &Actor, r: &RoleDefinition, now: OffsetDateTime) -> Planned {
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
        if !scope_exists(w, s) {
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
    Ok((
        Change::Role(role),
        vec![event(
            actor,
            now,
            EventKind::Created,
            roles::ROLE_DEFINITION_TYPE,
            &id,
            Vec::new(),
        )],
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
    let Some(sub) = w.subscription(&path.subscription) else {
        return Err(fail(
            Code::SubscriptionNotFound,
            &a.scope,
            "scope",
            format!(
                "The subscription '{}' could not be found.",
                path.subscription
            ),
        ));
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
    let tenant = sub.tenant_id.clone();
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
        .get(&(Key::new(&scope), Key::new(&pid)))
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
    let created_by = resolve_principal(w, &actor.principal).ok().and_then(|s| {
        s.object_in(&w.access, &tenant)
            .map(|e| e.object.id().to_string())
    });
    let mut warnings = Vec::new();
    if path
        .resource_type()
        .eq_ignore_ascii_case(crate::ids::VERSION_TYPE)
    {
        warnings.push(Diagnostic::new(Code::ShareAtGalleryLevel, &id, "properties.scope",
            "We recommend sharing at the Gallery level for the best experience. We do not recommend sharing individual image versions."));
    }
    let ra = RoleAssignment {
        id: id.clone(),
        name,
        resource_type: ROLE_ASSIGNMENT_TYPE.into(),
        properties: RoleAssignmentProperties {
            role_definition_id: format!(
                "/subscriptions/{}/providers/Microsoft.Authorization/roleDefinitions/{}",
                sub.id, role.name
            ),
            principal_id: pid,
            principal_type: principal.object.principal_type().map(str::to_string),
            scope,
            created_on: now.format(&Rfc3339).ok(),
            created_by,
            extra: Default::default(),
        },
    };
    Ok((
        Change::Assign(ra),
        vec![event(
            actor,
            now,
            EventKind::Created,
            ROLE_ASSIGNMENT_TYPE,
            &id,
            warnings,
        )],
    ))
}

fn plan_unassign(w: &World, actor: &Actor, id: &str, now: OffsetDateTime) -> Planned {
    let Some(ra) = w.access.assignment(id) else {
        return Err(fail(
            Code::ResourceNotFound,
            id,
            "",
            format!("The role assignment '{id}' is not found."),
        ));
    };
    Ok((
        Change::Unassign(Key::new(&ra.id)),
        vec![event(
            actor,
            now,
            EventKind::Deleted,
            ROLE_ASSIGNMENT_TYPE,
            &ra.id,
            Vec::new(),
        )],
    ))
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
            let subject = resolve_principal(w, &actor.principal).ok()?;
            let obj = subject.object_in(&w.access, tenant_id)?;
            let scope = format!("/subscriptions/{id}");
            let name = derived_guid(&[&scope, roles::OWNER, obj.object.id()]);
            Some(Change::Assign(RoleAssignment {
                id: assignment_id(&scope, &name),
                name,
                resource_type: ROLE_ASSIGNMENT_TYPE.into(),
                properties: RoleAssignmentProperties {
                    role_definition_id: format!(
                        "/subscriptions/{id}/providers/Microsoft.Authorization/roleDefinitions/{}",
                        roles::OWNER
                    ),
                    principal_id: obj.object.id().to_string(),
                    principal_type: obj.object.principal_type().map(str::to_string),
                    scope,
                    created_on: now.format(&Rfc3339).ok(),
                    created_by: Some(obj.object.id().to_string()),
                    extra: Default::default(),
                },
            }))
        }
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

/// Applies a follow-up planned by [`creator_follow_up`].
pub(crate) fn commit_follow_up(w: &mut World, change: Change) {
    commit(w, (change, Vec::new()));
}

/// Plans and commits an access command (the arm [`crate::apply`] dispatches them to).
pub(crate) fn apply_command(
    w: &mut World,
    actor: &Actor,
    command: &Command,
    now: OffsetDateTime,
) -> Result<Vec<Event>, CommandError> {
    match plan(w, actor, command, now) {
        Some(planned) => Ok(commit(w, planned?)),
        None => Err(fail(
            Code::InvalidParameter,
            "",
            "command",
            "Not an access command.",
        )),
    }
}
