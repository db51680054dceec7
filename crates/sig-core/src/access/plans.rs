//! The directory and RBAC commands as read-only plans plus one commit, and the *admission* of
//! each kind of directory object: the checks a user, guest, group, application or service
//! principal must pass to enter a tenant's directory. Commands derive the object from the
//! request (ids, guest UPNs) and admit it; a state file's objects are admitted by the same
//! functions ([`crate::access::export::import`]), so a file cannot hold what a command refuses.

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
    let id =
        u.id.clone()
            .unwrap_or_else(|| derived_guid(&["user", &u.tenant_id, &u.user_principal_name]));
    let user = User {
        odata_type: directory::USER_ODATA.into(),
        id: id.clone(),
        display_name: u.display_name.clone(),
        user_principal_name: u.user_principal_name.clone(),
        user_type: "Member".into(),
        home_user_id: None,
        external_user_state: None,
    };
    admit_user(w, &u.tenant_id, &user)?;
    Ok(created(
        actor,
        now,
        vec![(u.tenant_id.clone(), DirectoryObject::User(user))],
    ))
}

/// Admission of a user into `tenant`'s directory: a named member with a unique `alias@domain`
/// sign-in name and a unique object id, or a person's account in a tenant other than their
/// home one (a guest, or the external member a tenant's creator becomes), at most one per
/// tenant. Only a user with a `homeUserId` may be a guest.
pub(crate) fn admit_user(w: &World, tenant: &str, u: &User) -> Result<(), CommandError> {
    need_tenant(w, tenant)?;
    match &u.home_user_id {
        Some(home_id) => admit_account(w, tenant, home_id)?,
        None if u.is_guest() => {
            return Err(fail(
                Code::InvalidParameter,
                &u.id,
                "homeUserId",
                "A guest user is the account of a user of another tenant: it names its home user.",
            ))
        }
        None => {}
    }
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
    check_object_id(w, &u.id)
}

/// A person's account in a tenant other than their home one: the home user exists (and is a
/// home user), lives elsewhere, and has no account in `tenant` yet.
fn admit_account(w: &World, tenant: &str, home_id: &str) -> Result<(), CommandError> {
    let home = w.access.object(home_id).and_then(|e| match &e.object {
        DirectoryObject::User(h) if h.home_user_id.is_none() => Some((e.tenant_id.as_str(), h)),
        _ => None,
    });
    let Some((home_tenant, home)) = home else {
        return Err(fail(
            Code::PrincipalNotFound,
            home_id,
            "user",
            format!("Principal {home_id} does not exist in any directory."),
        ));
    };
    if home_tenant.eq_ignore_ascii_case(tenant) || w.access.guest_in(&home.id, tenant).is_some() {
        return Err(fail(
            Code::Conflict,
            &home.id,
            "user",
            format!(
                "User '{}' already has an account in tenant '{tenant}'.",
                home.user_principal_name
            ),
        ));
    }
    Ok(())
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
    let Some((_, home)) = home_user(w, &g.user) else {
        return Err(fail(
            Code::PrincipalNotFound,
            &g.user,
            "user",
            format!("Principal {} does not exist in any directory.", g.user),
        ));
    };
    let id =
        g.id.clone()
            .unwrap_or_else(|| derived_guid(&["guest", &g.tenant_id, &home.id]));
    let guest = external_user(w, home, &g.tenant_id, id.clone(), "Guest");
    admit_user(w, &g.tenant_id, &guest)?;
    Ok(created(
        actor,
        now,
        vec![(g.tenant_id.clone(), DirectoryObject::User(guest))],
    ))
}

fn plan_group(w: &World, actor: &Actor, g: &NewGroup, now: OffsetDateTime) -> Planned {
    let id =
        g.id.clone()
            .unwrap_or_else(|| derived_guid(&["group", &g.tenant_id, &g.display_name]));
    let group = Group {
        odata_type: directory::GROUP_ODATA.into(),
        id: id.clone(),
        display_name: g.display_name.clone(),
        security_enabled: true,
        members: Vec::new(),
    };
    admit_group(w, &g.tenant_id, &group)?;
    Ok(created(
        actor,
        now,
        vec![(g.tenant_id.clone(), DirectoryObject::Group(group))],
    ))
}

/// Admission of a new group: named, with a unique object id, and no members yet — members join
/// one by one through [`plan_add_member`]'s rules (same tenant, no cycle).
pub(crate) fn admit_group(w: &World, tenant: &str, g: &Group) -> Result<(), CommandError> {
    need_tenant(w, tenant)?;
    need_name(&g.display_name, tenant, "display_name")?;
    check_object_id(w, &g.id)?;
    if !g.members.is_empty() {
        return Err(fail(
            Code::InvalidParameter,
            &g.id,
            "members",
            "A new group has no members: they are added one by one.",
        ));
    }
    Ok(())
}

fn member_entry<'a>(w: &'a World, text: &str) -> Option<&'a directory::Entry> {
    w.access.object(text).or_else(|| w.access.user_by_upn(text))
}

pub(crate) fn plan_add_member(
    w: &World,
    actor: &Actor,
    m: &GroupMembership,
    now: OffsetDateTime,
) -> Planned {
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
    Ok(one(
        Change::AddMember(gk, member),
        actor,
        now,
        EventKind::Updated,
        directory::GROUP_ODATA,
        ge.object.id(),
        Vec::new(),
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
    Ok(one(
        Change::RemoveMember(Key::new(ge.object.id()), mk),
        actor,
        now,
        EventKind::Updated,
        directory::GROUP_ODATA,
        ge.object.id(),
        Vec::new(),
    ))
}

fn plan_application(w: &World, actor: &Actor, a: &NewApplication, now: OffsetDateTime) -> Planned {
    let app_id = a
        .app_id
        .clone()
        .unwrap_or_else(|| derived_guid(&["appId", &a.tenant_id, &a.display_name]));
    let obj = derived_guid(&["application", &app_id]);
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
    admit_application(w, &a.tenant_id, &app)?;
    let sp = new_object_id(w, None, &["servicePrincipal", &app_id, &a.tenant_id])?;
    let spo = ServicePrincipal {
        odata_type: directory::SERVICE_PRINCIPAL_ODATA.into(),
        id: sp.clone(),
        app_id,
        display_name: a.display_name.clone(),
        app_owner_organization_id: a.tenant_id.clone(),
        service_principal_type: "Application".into(),
    };
    Ok(created(
        actor,
        now,
        vec![
            (a.tenant_id.clone(), DirectoryObject::Application(app)),
            (a.tenant_id.clone(), DirectoryObject::ServicePrincipal(spo)),
        ],
    ))
}

/// Admission of an app registration into its home tenant: named, a unique appId and object id,
/// and a sign-in audience of one tenant (`AzureADMyOrg`) or many (`AzureADMultipleOrgs`).
pub(crate) fn admit_application(
    w: &World,
    tenant: &str,
    a: &Application,
) -> Result<(), CommandError> {
    need_tenant(w, tenant)?;
    need_name(&a.display_name, tenant, "display_name")?;
    if w.access.application(&a.app_id).is_some() {
        return Err(fail(
            Code::Conflict,
            &a.app_id,
            "app_id",
            format!("An application with appId '{}' already exists.", a.app_id),
        ));
    }
    check_object_id(w, &a.id)?;
    if !matches!(
        a.sign_in_audience.as_str(),
        "AzureADMyOrg" | "AzureADMultipleOrgs"
    ) {
        return Err(fail(
            Code::InvalidParameter,
            &a.id,
            "signInAudience",
            format!(
                "signInAudience '{}' is not AzureADMyOrg or AzureADMultipleOrgs.",
                a.sign_in_audience
            ),
        ));
    }
    Ok(())
}

fn plan_sp(w: &World, actor: &Actor, s: &NewServicePrincipal, now: OffsetDateTime) -> Planned {
    need_tenant(w, &s.tenant_id)?;
    let Some(entry) = w.access.application(&s.app_id) else {
        return Err(app_not_found(&s.app_id));
    };
    let DirectoryObject::Application(app) = &entry.object else {
        return Err(app_not_found(&s.app_id));
    };
    let spo = ServicePrincipal {
        odata_type: directory::SERVICE_PRINCIPAL_ODATA.into(),
        id: derived_guid(&["servicePrincipal", &app.app_id, &s.tenant_id]),
        app_id: app.app_id.clone(),
        display_name: app.display_name.clone(),
        app_owner_organization_id: entry.tenant_id.clone(),
        service_principal_type: "Application".into(),
    };
    admit_service_principal(w, &s.tenant_id, &spo)?;
    Ok(created(
        actor,
        now,
        vec![(s.tenant_id.clone(), DirectoryObject::ServicePrincipal(spo))],
    ))
}

fn app_not_found(app_id: &str) -> CommandError {
    fail(
        Code::ResourceNotFound,
        app_id,
        "app_id",
        format!("Application with identifier '{app_id}' was not found in the directory."),
    )
}

/// Admission of a service principal: its application exists, lives in this tenant unless it is
/// multi-tenant (consent), and has no other service principal here.
pub(crate) fn admit_service_principal(
    w: &World,
    tenant: &str,
    s: &ServicePrincipal,
) -> Result<(), CommandError> {
    need_tenant(w, tenant)?;
    let Some(entry) = w.access.application(&s.app_id) else {
        return Err(app_not_found(&s.app_id));
    };
    let DirectoryObject::Application(app) = &entry.object else {
        return Err(app_not_found(&s.app_id));
    };
    if !app.is_multi_tenant() && !entry.tenant_id.eq_ignore_ascii_case(tenant) {
        return Err(fail(Code::InvalidParameter, &s.app_id, "app_id", format!("Application '{}' is single-tenant (signInAudience AzureADMyOrg); only a multi-tenant application can have a service principal in another tenant.", app.display_name)));
    }
    if w.access.service_principal_in(&s.app_id, tenant).is_some() {
        return Err(fail(
            Code::Conflict,
            &s.app_id,
            "app_id",
            format!(
                "Tenant '{tenant}' already has a service principal for application '{}'.",
                app.display_name
            ),
        ));
    }
    check_object_id(w, &s.id)
}

fn tenant_of_scope(w: &World, scope: &str) -> Option<String> {
    let p = ScopePath::parse(scope)?;
    w.subscription(&p.subscription).map(|s| s.tenant_id.clone())
}

fn plan_role(w: &World, actor: &Actor, r: &RoleDefinition, now: OffsetDateTime) -> Planned {
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

fn plan_unassign(w: &World, actor: &Actor, id: &str, now: OffsetDateTime) -> Planned {
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
