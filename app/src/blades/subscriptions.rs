//! Tenants, subscriptions and resource groups of the simulated world, as the
//! signed-in principal may see them (the core's listing rules in
//! `sig_core::visibility`): the tenants it has an object in, the
//! subscriptions it holds a role in or within, the resource groups it may
//! read. The forms offer those, and their buttons are disabled with the
//! core's reason when it would refuse the command.

use leptos::prelude::*;
use sig_core::Command;

use super::iam;
use super::options;
use crate::forms::{
    first_of, problems_view, run_command, submit_button, CheckField, SelectField, TextField,
};
use crate::route::Blade;
use crate::store::Store;

/// The blade.
#[component]
pub fn Subscriptions(open: Callback<Blade>) -> impl IntoView {
    let store = expect_context::<Store>();
    // The tenants listed to the principal; also where it may create a
    // subscription (the core asks for an object in the tenant).
    let tenant_options = Memo::new(move |_| {
        let viewer = store.viewer();
        store.world.with(|w| {
            w.tenants()
                .filter(|t| viewer.sees_tenant(w, &t.id))
                .map(|t| (t.id.clone(), t.display_name.clone()))
                .collect::<Vec<_>>()
        })
    });
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
                    let tenant = w
                        .tenants()
                        .find(|t| t.id.eq_ignore_ascii_case(&s.tenant_id))
                        .map_or_else(|| s.tenant_id.clone(), |t| t.display_name.clone());
                    view! {
                        <tr>
                            <td>{s.display_name.clone()}</td><td><code>{s.id.clone()}</code></td><td>{tenant}</td>
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
                    let sub = w
                        .subscription(&g.subscription_id)
                        .map_or_else(|| g.subscription_id.clone(), |s| s.display_name.clone());
                    let scope = format!("/subscriptions/{}/resourceGroups/{}", g.subscription_id, g.name);
                    view! { <tr><td>{g.name.clone()}</td><td>{sub}</td><td>{g.location.display_name()}</td><td>{iam::open_button(store, open, scope, Some(format!("Access control (IAM) of {}", g.name)))}</td></tr> }
                })
                .collect_view()
        })
    };

    let tenant_id = RwSignal::new(String::new());
    let tenant_name = RwSignal::new(String::new());
    let tenant_problems = RwSignal::new(Vec::new());
    let sub_id = RwSignal::new(String::new());
    let sub_name = RwSignal::new(String::new());
    let sub_tenant = first_of(tenant_options);
    let sub_allow = RwSignal::new(false);
    let sub_problems = RwSignal::new(Vec::new());
    let sub_cmd = move || Command::CreateSubscription {
        id: sub_id.get().trim().into(),
        tenant_id: sub_tenant.get(),
        display_name: sub_name.get().trim().into(),
        allow_listed_regions: sub_allow.get(),
    };
    let sub_denied = Signal::derive(move || store.denied(&sub_cmd()));

    let subscription_options = options::subscription_choices(store);
    let rg_sub = first_of(subscription_options);
    let rg_name = RwSignal::new(String::new());
    let rg_region = RwSignal::new("eastus".to_string());
    let rg_problems = RwSignal::new(Vec::new());
    let rg_cmd = move |name: String| Command::CreateResourceGroup {
        subscription_id: rg_sub.get(),
        name,
        location: rg_region.get(),
    };
    // The core authorizes at the group's scope; before a name is typed, ask
    // about the subscription's groups as any name would be.
    let rg_denied = Signal::derive(move || {
        let name = rg_name.get().trim().to_string();
        store.denied(&rg_cmd(if name.is_empty() { "new".into() } else { name }))
    });

    view! {
        <h3>"Tenants"</h3>
        <table class="grid"><thead><tr><th scope="col">"Name"</th><th scope="col">"Tenant ID"</th></tr></thead><tbody>{tenants}</tbody></table>
        <form aria-label="Add a tenant" on:submit=move |ev| {
            ev.prevent_default();
            if run_command(store, tenant_problems, Command::CreateTenant { id: tenant_id.get_untracked().trim().into(), display_name: tenant_name.get_untracked().trim().into() }) {
                tenant_id.set(String::new());
                tenant_name.set(String::new());
            }
        }>
            {problems_view(tenant_problems)}
            <div class="field-row">
                <TextField label="Tenant name" value=tenant_name required=true/>
                <TextField label="Tenant ID" value=tenant_id required=true/>
            </div>
            <button type="submit" class="button">"Add tenant"</button>
        </form>

        <h3>"Subscriptions"</h3>
        <table class="grid"><thead><tr><th scope="col">"Name"</th><th scope="col">"Subscription ID"</th><th scope="col">"Tenant"</th><th scope="col">"Allow-listed for Australia Central"</th><th scope="col"><span class="visually-hidden">"Actions"</span></th></tr></thead><tbody>{subscriptions}</tbody></table>
        <form aria-label="Add a subscription" on:submit=move |ev| {
            ev.prevent_default();
            if run_command(store, sub_problems, untrack(sub_cmd)) {
                sub_id.set(String::new());
                sub_name.set(String::new());
            }
        }>
            {problems_view(sub_problems)}
            <div class="field-row">
                <TextField label="Subscription name" value=sub_name required=true/>
                <TextField label="Subscription ID" value=sub_id required=true/>
            </div>
            <SelectField label="Tenant" value=sub_tenant options=tenant_options/>
            <CheckField label="Allow-listed for Australia Central and Australia Central 2" checked=sub_allow/>
            {submit_button("Add subscription", sub_denied)}
        </form>

        <h3>"Resource groups"</h3>
        <table class="grid"><thead><tr><th scope="col">"Name"</th><th scope="col">"Subscription"</th><th scope="col">"Location"</th><th scope="col"><span class="visually-hidden">"Actions"</span></th></tr></thead><tbody>{groups}</tbody></table>
        <form aria-label="Add a resource group" on:submit=move |ev| {
            ev.prevent_default();
            if run_command(store, rg_problems, untrack(|| rg_cmd(rg_name.get().trim().into()))) {
                rg_name.set(String::new());
            }
        }>
            {problems_view(rg_problems)}
            <SelectField label="Subscription" value=rg_sub options=subscription_options/>
            <div class="field-row">
                <TextField label="Resource group name" value=rg_name required=true/>
                <SelectField label="Region" value=rg_region options=Signal::derive(options::all_regions)/>
            </div>
            {submit_button("Add resource group", rg_denied)}
        </form>
    }
}
