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

use super::options::{tenant_choices, with_blank};
use crate::route::Blade;
use crate::store::Store;

mod add_group_member;
mod consent_application;
mod invite_guest;
mod new_group;
mod new_tenant;
mod new_user;
mod register_application;
mod rows;

pub use add_group_member::AddGroupMemberForm;
pub use consent_application::ServicePrincipalForm;
pub use invite_guest::InviteGuestForm;
pub use new_group::NewGroupForm;
pub use new_tenant::NewTenantForm;
pub use new_user::NewUserForm;
pub use register_application::RegisterApplicationForm;
pub use rows::{directory_rows, DirectoryRow};

/// The Directory blade.
#[component]
pub fn Directory(open: Callback<Blade>) -> impl IntoView {
    let store = expect_context::<Store>();
    let tenants = tenant_choices(store);
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

    view! {
        <p class="field-help">"Tenants and their users, guests, groups, applications and service principals. Subscriptions are added in Subscriptions and resource groups."</p>
        <div class="toolbar" role="toolbar" aria-label="Directory actions">
            <button type="button" class="button" on:click=move |_| open.run(Blade::Subscriptions)>"Subscriptions and resource groups"</button>
        </div>
        <crate::components::ScrollRegion label="Directory objects">
            <table class="grid" aria-label="Directory objects">
                <thead><tr><th scope="col">"Tenant"</th><th scope="col">"Type"</th><th scope="col">"Name"</th><th scope="col">"Details"</th><th scope="col">"Object ID"</th></tr></thead>
                <tbody>
                    {move || rows.get().into_iter().map(|r| view! {
                        <tr><td><crate::components::UserText text=r.tenant/></td><td>{r.kind}</td><td><crate::components::UserText text=r.name/></td><td><crate::components::UserText text=r.detail/></td><td><code>{r.id}</code></td></tr>
                    }).collect_view()}
                </tbody>
            </table>
        </crate::components::ScrollRegion>

        <NewTenantForm title="New tenant" submit="Create tenant"/>
        <NewUserForm tenants/>
        <InviteGuestForm tenants/>
        <NewGroupForm tenants/>
        <AddGroupMemberForm
            groups=with_blank(groups, "Choose a group")
            members=with_blank(members, "Choose a user, group or service principal")
        />
        <RegisterApplicationForm tenants/>
        <ServicePrincipalForm tenants apps=with_blank(apps, "Choose an application")/>
    }
}
