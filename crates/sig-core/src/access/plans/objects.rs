//! Directory plans and admission: users, guests, groups and their members, applications and
//! service principals.

use super::*;
pub(super) fn plan_user(w: &World, actor: &Actor, u: &NewUser, now: OffsetDateTime) -> Planned {
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
pub(super) fn admit_account(w: &World, tenant: &str, home_id: &str) -> Result<(), CommandError> {
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

pub(super) fn host_domain(w: &World, tenant: &str) -> String {
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
pub(super) fn external_user(
    w: &World,
    home: &User,
    tenant: &str,
    id: String,
    user_type: &str,
) -> User {
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

pub(super) fn home_user<'a>(w: &'a World, text: &str) -> Option<(&'a str, &'a User)> {
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

pub(super) fn plan_guest(
    w: &World,
    actor: &Actor,
    g: &GuestInvitation,
    now: OffsetDateTime,
) -> Planned {
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

pub(super) fn plan_group(w: &World, actor: &Actor, g: &NewGroup, now: OffsetDateTime) -> Planned {
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

pub(super) fn member_entry<'a>(w: &'a World, text: &str) -> Option<&'a directory::Entry> {
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

pub(super) fn plan_remove_member(
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

pub(super) fn plan_application(
    w: &World,
    actor: &Actor,
    a: &NewApplication,
    now: OffsetDateTime,
) -> Planned {
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

pub(super) fn plan_sp(
    w: &World,
    actor: &Actor,
    s: &NewServicePrincipal,
    now: OffsetDateTime,
) -> Planned {
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

pub(super) fn app_not_found(app_id: &str) -> CommandError {
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
