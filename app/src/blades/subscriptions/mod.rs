//! Tenants, subscriptions and resource groups of the simulated world, as the
//! signed-in principal may see them (the core's listing rules in
//! `sig_core::visibility`): the tenants it has an object in, the
//! subscriptions it holds a role in or within, the resource groups it may
//! read. The forms offer those, and their buttons are disabled with the
//! core's reason when it would refuse the command.

use leptos::prelude::*;

use super::directory::NewTenantForm;
use super::iam;
use super::options::{self, tenant_name};
use crate::route::Blade;
use crate::store::Store;

mod management_groups;
mod new_resource_group;
mod new_subscription;

pub use new_resource_group::NewResourceGroupForm;
pub use new_subscription::NewSubscriptionForm;

/// The blade.
#[component]
pub fn Subscriptions(open: Callback<Blade>) -> impl IntoView {
    let store = expect_context::<Store>();
    // The tenants listed to the principal; also where it may create a
    // subscription (the core asks for an object in the tenant).
    let tenant_options = options::tenant_choices(store);
    let tenants = move || {
        tenant_options
            .get()
            .into_iter()
            .map(|(id, name)| view! { <tr><td>{name}</td><td><code>{id}</code></td></tr> })
            .collect_view()
    };
    let subscriptions = move || {
        let viewer = store.viewer();
        store.world.with(|w| {
            w.subscriptions()
                .filter(|s| viewer.sees_subscription(w, &s.id))
                .map(|s| {
                    let tenant = tenant_name(w, &s.tenant_id);
                    view! {
                        <tr>
                            <td><crate::components::UserText text=s.display_name.clone()/></td><td><code>{s.id.clone()}</code></td><td>{tenant}</td>
                            <td>{if s.allow_listed_regions { "Yes" } else { "No" }}</td>
                            <td>{iam::open_button(store, open, format!("/subscriptions/{}", s.id), Some(format!("Access control (IAM) of {}", s.display_name)))}</td>
                        </tr>
                    }
                })
                .collect_view()
        })
    };
    let groups = move || {
        let viewer = store.viewer();
        store.world.with(|w| {
            w.resource_groups()
                .filter(|g| viewer.sees_resource_group(w, &g.subscription_id, &g.name))
                .map(|g| {
                    let sub = options::subscription_name(w, &g.subscription_id);
                    let scope = format!("/subscriptions/{}/resourceGroups/{}", g.subscription_id, g.name);
                    view! { <tr><td>{g.name.clone()}</td><td>{sub}</td><td>{g.location.display_name()}</td><td>{iam::open_button(store, open, scope, Some(format!("Access control (IAM) of {}", g.name)))}</td></tr> }
                })
                .collect_view()
        })
    };

    view! {
        <h3>"Tenants"</h3>
        <crate::components::ScrollRegion label="Tenants"><table class="grid"><thead><tr><th scope="col">"Name"</th><th scope="col">"Tenant ID"</th></tr></thead><tbody>{tenants}</tbody></table></crate::components::ScrollRegion>
        <NewTenantForm submit="Add tenant" guarded=false required=true/>

        <h3>"Subscriptions"</h3>
        <crate::components::ScrollRegion label="Subscriptions"><table class="grid"><thead><tr><th scope="col">"Name"</th><th scope="col">"Subscription ID"</th><th scope="col">"Tenant"</th><th scope="col">"Allow-listed for Australia Central"</th><th scope="col"><span class="visually-hidden">"Actions"</span></th></tr></thead><tbody>{subscriptions}</tbody></table></crate::components::ScrollRegion>
        <NewSubscriptionForm tenants=tenant_options/>

        <h3>"Resource groups"</h3>
        <crate::components::ScrollRegion label="Resource groups"><table class="grid"><thead><tr><th scope="col">"Name"</th><th scope="col">"Subscription"</th><th scope="col">"Location"</th><th scope="col"><span class="visually-hidden">"Actions"</span></th></tr></thead><tbody>{groups}</tbody></table></crate::components::ScrollRegion>
        <NewResourceGroupForm/>

        <management_groups::ManagementGroups open/>
    }
}
