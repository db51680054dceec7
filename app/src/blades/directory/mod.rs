//! The simulated directory (Microsoft Entra ID): per tenant, its users
//! (members and guests), groups with their members, application
//! registrations and service principals — and the forms that add them, so
//! sharing across tenants can be rehearsed. Each form runs one core command;
//! its button is disabled with the core's reason when the signed-in principal
//! may not run it. A tenant's objects are listed to its member users; a guest
//! or a service principal sees only its own object there (the core's
//! `Viewer::sees_directory_object`). The forms offer the tenants the principal
//! has an object in (`Viewer::sees_tenant`), and only the applications it may
//! consent to (`Viewer::sees_application`).

use leptos::prelude::*;
use sig_core::access::directory::DirectoryObject;
use sig_core::protocol::requests::{
    GroupMembership, GuestInvitation, NewApplication, NewGroup, NewServicePrincipal, NewUser,
};
use sig_core::visibility::Viewer;
use sig_core::{Command, World};

use crate::forms::{
    first_of, problems_view, run_command, submit_button, CheckField, SelectField, TextField,
};
use crate::route::Blade;
use crate::store::Store;

/// One directory object as the directory table shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectoryRow {
    /// Tenant display name.
    pub tenant: String,
    /// Object kind: User, Guest, Group, Application, Service principal.
    pub kind: &'static str,
    /// Display name.
    pub name: String,
    /// UPN, appId, or the members of a group.
    pub detail: String,
    /// Object id.
    pub id: String,
}

/// Every directory object `viewer` may see (all of the tenants it is a member
/// user of, its own object elsewhere), by tenant, kind and name.
pub fn directory_rows(world: &World, viewer: &Viewer) -> Vec<DirectoryRow> {
    let access = world.access();
    let tenant = |id: &str| {
        world
            .tenants()
            .find(|t| t.id.eq_ignore_ascii_case(id))
            .map_or_else(|| id.to_string(), |t| t.display_name.clone())
    };
    let name_of = |id: &str| {
        access
            .object(id)
            .map_or_else(|| id.to_string(), |e| e.object.display_name().to_string())
    };
    let mut rows: Vec<DirectoryRow> = access
        .objects()
        .filter(|e| viewer.sees_directory_object(world, e))
        .map(|e| {
            let (kind, detail) = match &e.object {
                DirectoryObject::User(u) if u.is_guest() => {
                    ("Guest", u.user_principal_name.clone())
                }
                DirectoryObject::User(u) => ("User", u.user_principal_name.clone()),
                DirectoryObject::Group(g) => (
                    "Group",
                    if g.members.is_empty() {
                        "No members".to_string()
                    } else {
                        format!(
                            "Members: {}",
                            g.members
                                .iter()
                                .map(|m| name_of(&m.id))
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
                    },
                ),
                DirectoryObject::Application(a) => (
                    "Application",
                    format!(
                        "appId {} · {}",
                        a.app_id,
                        if a.is_multi_tenant() {
                            "multi-tenant"
                        } else {
                            "single tenant"
                        }
                    ),
                ),
                DirectoryObject::ServicePrincipal(s) => {
                    ("Service principal", format!("appId {}", s.app_id))
                }
            };
            DirectoryRow {
                tenant: tenant(&e.tenant_id),
                kind,
                name: e.object.display_name().to_string(),
                detail,
                id: e.object.id().to_string(),
            }
        })
        .collect();
    rows.sort_by(|a, b| (&a.tenant, a.kind, &a.name).cmp(&(&b.tenant, b.kind, &b.name)));
    rows
}

/// The Directory blade.
#[component]
pub fn Directory(open: Callback<Blade>) -> impl IntoView {
    let store = expect_context::<Store>();
    let tenants = Memo::new(move |_| {
        let viewer = store.viewer();
        store.world.with(|w| {
            w.tenants()
                .filter(|t| viewer.sees_tenant(w, &t.id))
                .map(|t| (t.id.clone(), t.display_name.clone()))
                .collect::<Vec<_>>()
        })
    });
    let rows = Memo::new(move |_| {
        let viewer = store.viewer();
        store.world.with(|w| directory_rows(w, &viewer))
    });
    let groups = Signal::derive(move || {
        rows.with(|r| {
            r.iter()
                .filter(|r| r.kind == "Group")
                .map(|r| (r.id.clone(), format!("{} ({})", r.name, r.tenant)))
                .collect::<Vec<_>>()
        })
    });
    let members = Signal::derive(move || {
        rows.with(|r| {
            r.iter()
                .filter(|r| r.kind != "Application")
                .map(|r| {
                    (
                        r.id.clone(),
                        format!("{} · {} ({})", r.name, r.kind, r.tenant),
                    )
                })
                .collect::<Vec<_>>()
        })
    });
    let apps = Signal::derive(move || {
        let viewer = store.viewer();
        store.world.with(|w| {
            w.access()
                .objects()
                .filter_map(|e| match &e.object {
                    DirectoryObject::Application(a) if viewer.sees_application(w, &a.app_id) => {
                        Some((a.app_id.clone(), a.display_name.clone()))
                    }
                    _ => None,
                })
                .collect::<Vec<_>>()
        })
    });

    // Add tenant (anyone may; the creator becomes a member user of it).
    let tenant_id = RwSignal::new(String::new());
    let tenant_name = RwSignal::new(String::new());
    let tenant_problems = RwSignal::new(Vec::new());
    let tenant_cmd = move || Command::CreateTenant {
        id: tenant_id.get().trim().to_string(),
        display_name: tenant_name.get().trim().to_string(),
    };
    let tenant_denied = Signal::derive(move || store.denied(&tenant_cmd()));

    // Add user.
    let user_tenant = first_of(tenants);
    let user_upn = RwSignal::new(String::new());
    let user_name = RwSignal::new(String::new());
    let user_problems = RwSignal::new(Vec::new());
    let user_cmd = move || {
        Command::CreateUser(NewUser {
            tenant_id: user_tenant.get(),
            user_principal_name: user_upn.get().trim().to_string(),
            display_name: user_name.get().trim().to_string(),
            id: None,
        })
    };
    let user_denied = Signal::derive(move || store.denied(&user_cmd()));

    // Invite guest.
    let guest_tenant = first_of(tenants);
    let guest_user = RwSignal::new(String::new());
    let guest_problems = RwSignal::new(Vec::new());
    let guest_cmd = move || {
        Command::InviteGuest(GuestInvitation {
            tenant_id: guest_tenant.get(),
            user: guest_user.get().trim().to_string(),
            id: None,
        })
    };
    let guest_denied = Signal::derive(move || store.denied(&guest_cmd()));

    // Group.
    let group_tenant = first_of(tenants);
    let group_name = RwSignal::new(String::new());
    let group_problems = RwSignal::new(Vec::new());
    let group_cmd = move || {
        Command::CreateGroup(NewGroup {
            tenant_id: group_tenant.get(),
            display_name: group_name.get().trim().to_string(),
            id: None,
        })
    };
    let group_denied = Signal::derive(move || store.denied(&group_cmd()));

    // Group member.
    let member_group = RwSignal::new(String::new());
    let member_id = RwSignal::new(String::new());
    let member_problems = RwSignal::new(Vec::new());
    let member_cmd = move || {
        Command::AddGroupMember(GroupMembership {
            group_id: member_group.get(),
            member_id: member_id.get(),
        })
    };
    let member_denied = Signal::derive(move || store.denied(&member_cmd()));

    // Application.
    let app_tenant = first_of(tenants);
    let app_name = RwSignal::new(String::new());
    let app_multi = RwSignal::new(true);
    let app_problems = RwSignal::new(Vec::new());
    let app_cmd = move || {
        Command::RegisterApplication(NewApplication {
            tenant_id: app_tenant.get(),
            display_name: app_name.get().trim().to_string(),
            app_id: None,
            multi_tenant: app_multi.get(),
        })
    };
    let app_denied = Signal::derive(move || store.denied(&app_cmd()));

    // Service principal (consent).
    let sp_tenant = first_of(tenants);
    let sp_app = RwSignal::new(String::new());
    let sp_problems = RwSignal::new(Vec::new());
    let sp_cmd = move || {
        Command::CreateServicePrincipal(NewServicePrincipal {
            tenant_id: sp_tenant.get(),
            app_id: sp_app.get(),
        })
    };
    let sp_denied = Signal::derive(move || store.denied(&sp_cmd()));

    let with_blank = |list: Signal<Vec<(String, String)>>, blank: &'static str| {
        Signal::derive(move || {
            std::iter::once((String::new(), blank.to_string()))
                .chain(list.get())
                .collect::<Vec<_>>()
        })
    };

    view! {
        <p class="field-help">"Tenants and their users, guests, groups, applications and service principals. Subscriptions are added in Subscriptions and resource groups."</p>
        <div class="toolbar" role="toolbar" aria-label="Directory actions">
            <button type="button" class="button" on:click=move |_| open.run(Blade::Subscriptions)>"Subscriptions and resource groups"</button>
        </div>
        <table class="grid" aria-label="Directory objects">
            <thead><tr><th scope="col">"Tenant"</th><th scope="col">"Type"</th><th scope="col">"Name"</th><th scope="col">"Details"</th><th scope="col">"Object ID"</th></tr></thead>
            <tbody>
                {move || rows.get().into_iter().map(|r| view! {
                    <tr><td>{r.tenant}</td><td>{r.kind}</td><td>{r.name}</td><td>{r.detail}</td><td><code>{r.id}</code></td></tr>
                }).collect_view()}
            </tbody>
        </table>

        <form aria-label="Add a tenant" on:submit=move |ev| {
            ev.prevent_default();
            if run_command(store, tenant_problems, tenant_cmd()) {
                tenant_id.set(String::new());
                tenant_name.set(String::new());
            }
        }>
            <h3>"New tenant"</h3>
            {problems_view(tenant_problems)}
            <div class="field-row">
                <TextField label="Tenant name" value=tenant_name/>
                <TextField label="Tenant ID" value=tenant_id/>
            </div>
            {submit_button("Create tenant", tenant_denied)}
        </form>

        <form aria-label="Add a user" on:submit=move |ev| {
            ev.prevent_default();
            if run_command(store, user_problems, user_cmd()) {
                user_upn.set(String::new());
                user_name.set(String::new());
            }
        }>
            <h3>"New user"</h3>
            {problems_view(user_problems)}
            <div class="field-row">
                <SelectField label="User's tenant" value=user_tenant options=tenants/>
                <TextField label="User principal name" value=user_upn/>
                <TextField label="Display name" value=user_name/>
            </div>
            {submit_button("Create user", user_denied)}
        </form>

        <form aria-label="Invite a guest" on:submit=move |ev| {
            ev.prevent_default();
            if run_command(store, guest_problems, guest_cmd()) {
                guest_user.set(String::new());
            }
        }>
            <h3>"Invite external user"</h3>
            {problems_view(guest_problems)}
            <div class="field-row">
                <SelectField label="Inviting tenant" value=guest_tenant options=tenants/>
                <TextField label="Guest's user principal name" value=guest_user help="The user's sign-in name in their own tenant."/>
            </div>
            {submit_button("Invite", guest_denied)}
        </form>

        <form aria-label="Add a group" on:submit=move |ev| {
            ev.prevent_default();
            if run_command(store, group_problems, group_cmd()) {
                group_name.set(String::new());
            }
        }>
            <h3>"New group"</h3>
            {problems_view(group_problems)}
            <div class="field-row">
                <SelectField label="Group's tenant" value=group_tenant options=tenants/>
                <TextField label="Group name" value=group_name/>
            </div>
            {submit_button("Create group", group_denied)}
        </form>

        <form aria-label="Add a group member" on:submit=move |ev| {
            ev.prevent_default();
            run_command(store, member_problems, member_cmd());
        }>
            <h3>"Add group member"</h3>
            {problems_view(member_problems)}
            <div class="field-row">
                <SelectField label="Group" value=member_group options=with_blank(groups, "Choose a group")/>
                <SelectField label="New member" value=member_id options=with_blank(members, "Choose a user, group or service principal")/>
            </div>
            {submit_button("Add member", member_denied)}
        </form>

        <form aria-label="Register an application" on:submit=move |ev| {
            ev.prevent_default();
            if run_command(store, app_problems, app_cmd()) {
                app_name.set(String::new());
            }
        }>
            <h3>"App registration"</h3>
            {problems_view(app_problems)}
            <div class="field-row">
                <SelectField label="Home tenant" value=app_tenant options=tenants/>
                <TextField label="Application name" value=app_name/>
            </div>
            <CheckField label="Accounts in any organizational directory (multi-tenant)" checked=app_multi/>
            {submit_button("Register", app_denied)}
        </form>

        <form aria-label="Add a service principal" on:submit=move |ev| {
            ev.prevent_default();
            run_command(store, sp_problems, sp_cmd());
        }>
            <h3>"Consent to an application (service principal)"</h3>
            {problems_view(sp_problems)}
            <div class="field-row">
                <SelectField label="Consenting tenant" value=sp_tenant options=tenants/>
                <SelectField label="Application" value=sp_app options=with_blank(apps, "Choose an application")/>
            </div>
            {submit_button("Create service principal", sp_denied)}
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sig_core::testing::example::{contoso_fabrikam, ADMIN, CAROL, ERIN};

    #[test]
    fn rows_cover_every_kind_of_the_example() {
        let world = contoso_fabrikam();
        let rows = directory_rows(&world, &Viewer::new(&world, &sig_core::Actor::system()));
        for kind in ["User", "Guest", "Group", "Application", "Service principal"] {
            assert!(rows.iter().any(|r| r.kind == kind), "no {kind}");
        }
        assert!(rows
            .iter()
            .any(|r| r.kind == "Group" && r.detail.starts_with("Members: ")));
    }

    #[test]
    fn a_principal_sees_only_the_tenants_it_is_in() {
        let world = contoso_fabrikam();
        let tenants_of = |principal: &str| {
            let viewer = Viewer::new(&world, &sig_core::Actor::new(principal));
            let mut tenants: Vec<String> = directory_rows(&world, &viewer)
                .into_iter()
                .map(|r| r.tenant)
                .collect();
            tenants.dedup();
            tenants
        };
        assert_eq!(tenants_of(ERIN), ["Northwind Traders"]);
        // Carol's home tenant, and Contoso where she is a guest.
        assert_eq!(tenants_of(CAROL), ["Contoso", "Fabrikam"]);
        assert!(tenants_of("nobody@example.com").is_empty());
    }

    #[test]
    fn a_guest_sees_only_itself_in_the_tenant_that_invited_it() {
        let world = contoso_fabrikam();
        let rows_in = |principal: &str, tenant: &str| {
            let viewer = Viewer::new(&world, &sig_core::Actor::new(principal));
            directory_rows(&world, &viewer)
                .into_iter()
                .filter(|r| r.tenant == tenant)
                .map(|r| (r.kind, r.name))
                .collect::<Vec<_>>()
        };
        assert_eq!(rows_in(CAROL, "Contoso"), [("Guest", "carol".to_string())]);
        let has = |principal: &str, tenant: &str, kind: &str, name: Option<&str>| {
            rows_in(principal, tenant)
                .iter()
                .any(|(k, n)| *k == kind && name.is_none_or(|name| name == n))
        };
        // Contoso's own users see its whole directory, Carol's guest object included.
        assert!(has(ADMIN, "Contoso", "Guest", Some("carol")));
        assert!(has(ADMIN, "Contoso", "Group", None));
        // In Fabrikam Carol is a member: she sees Dave and the app she registered.
        assert!(has(CAROL, "Fabrikam", "User", Some("Dave Consumer")));
        assert!(has(CAROL, "Fabrikam", "Application", None));
    }
}
