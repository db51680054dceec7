//! Tenants, subscriptions and resource groups of the simulated world.

use leptos::prelude::*;
use sig_core::Command;

use super::options;
use crate::forms::{CheckField, SelectField, TextField};
use crate::route::Blade;
use crate::store::Store;

/// Shows problems from a refused command.
fn problems_view(problems: RwSignal<Vec<String>>) -> impl IntoView {
    move || {
        let p = problems.get();
        (!p.is_empty()).then(|| {
            view! { <div class="banner error" role="alert">{p.into_iter().map(|m| view! { <p>{m}</p> }).collect_view()}</div> }
        })
    }
}

fn run(store: Store, problems: RwSignal<Vec<String>>, command: Command) -> bool {
    match store.dispatch(command) {
        Ok(_) => {
            problems.set(Vec::new());
            true
        }
        Err(e) => {
            problems.set(e.diagnostics.into_iter().map(|d| d.message).collect());
            false
        }
    }
}

/// A row's "Access control (IAM)" button, opening the IAM blade of `scope`.
fn iam_button(open: Callback<Blade>, scope: String, name: String) -> impl IntoView {
    view! {
        <button
            type="button"
            class="button"
            aria-label=format!("Access control (IAM) of {name}")
            on:click=move |_| open.run(Blade::AccessControl(scope.clone()))
        >
            "Access control (IAM)"
        </button>
    }
}

/// The blade.
#[component]
pub fn Subscriptions(open: Callback<Blade>) -> impl IntoView {
    let store = expect_context::<Store>();
    let tenants = move || {
        store.world.with(|w| {
            w.tenants()
                .map(|t| view! { <tr><td>{t.display_name.clone()}</td><td><code>{t.id.clone()}</code></td></tr> })
                .collect_view()
        })
    };
    let subscriptions = move || {
        store.world.with(|w| {
            w.subscriptions()
                .map(|s| {
                    let tenant = w
                        .tenants()
                        .find(|t| t.id.eq_ignore_ascii_case(&s.tenant_id))
                        .map_or_else(|| s.tenant_id.clone(), |t| t.display_name.clone());
                    view! {
                        <tr>
                            <td>{s.display_name.clone()}</td><td><code>{s.id.clone()}</code></td><td>{tenant}</td>
                            <td>{if s.allow_listed_regions { "Yes" } else { "No" }}</td>
                            <td>{iam_button(open, format!("/subscriptions/{}", s.id), s.display_name.clone())}</td>
                        </tr>
                    }
                })
                .collect_view()
        })
    };
    let groups = move || {
        store.world.with(|w| {
            w.resource_groups()
                .map(|g| {
                    let sub = w
                        .subscription(&g.subscription_id)
                        .map_or_else(|| g.subscription_id.clone(), |s| s.display_name.clone());
                    let scope = format!("/subscriptions/{}/resourceGroups/{}", g.subscription_id, g.name);
                    view! { <tr><td>{g.name.clone()}</td><td>{sub}</td><td>{g.location.display_name()}</td><td>{iam_button(open, scope, g.name.clone())}</td></tr> }
                })
                .collect_view()
        })
    };

    let tenant_id = RwSignal::new(String::new());
    let tenant_name = RwSignal::new(String::new());
    let tenant_problems = RwSignal::new(Vec::new());
    let sub_id = RwSignal::new(String::new());
    let sub_name = RwSignal::new(String::new());
    let sub_tenant = RwSignal::new(
        store
            .world
            .with_untracked(|w| w.tenants().next().map(|t| t.id.clone()))
            .unwrap_or_default(),
    );
    let sub_allow = RwSignal::new(false);
    let sub_problems = RwSignal::new(Vec::new());
    let rg_sub = RwSignal::new(
        store
            .world
            .with_untracked(|w| w.subscriptions().next().map(|s| s.id.clone()))
            .unwrap_or_default(),
    );
    let rg_name = RwSignal::new(String::new());
    let rg_region = RwSignal::new("eastus".to_string());
    let rg_problems = RwSignal::new(Vec::new());
    let tenant_options = Signal::derive(move || {
        store.world.with(|w| {
            w.tenants()
                .map(|t| (t.id.clone(), t.display_name.clone()))
                .collect()
        })
    });

    view! {
        <h3>"Tenants"</h3>
        <table class="grid"><thead><tr><th scope="col">"Name"</th><th scope="col">"Tenant ID"</th></tr></thead><tbody>{tenants}</tbody></table>
        <form aria-label="Add a tenant" on:submit=move |ev| {
            ev.prevent_default();
            if run(store, tenant_problems, Command::CreateTenant { id: tenant_id.get_untracked().trim().into(), display_name: tenant_name.get_untracked().trim().into() }) {
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
            if run(store, sub_problems, Command::CreateSubscription {
                id: sub_id.get_untracked().trim().into(),
                tenant_id: sub_tenant.get_untracked(),
                display_name: sub_name.get_untracked().trim().into(),
                allow_listed_regions: sub_allow.get_untracked(),
            }) {
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
            <button type="submit" class="button">"Add subscription"</button>
        </form>

        <h3>"Resource groups"</h3>
        <table class="grid"><thead><tr><th scope="col">"Name"</th><th scope="col">"Subscription"</th><th scope="col">"Location"</th><th scope="col"><span class="visually-hidden">"Actions"</span></th></tr></thead><tbody>{groups}</tbody></table>
        <form aria-label="Add a resource group" on:submit=move |ev| {
            ev.prevent_default();
            if run(store, rg_problems, Command::CreateResourceGroup {
                subscription_id: rg_sub.get_untracked(),
                name: rg_name.get_untracked().trim().into(),
                location: rg_region.get_untracked(),
            }) {
                rg_name.set(String::new());
            }
        }>
            {problems_view(rg_problems)}
            <SelectField label="Subscription" value=rg_sub options=Signal::derive(move || store.world.with(options::subscriptions))/>
            <div class="field-row">
                <TextField label="Resource group name" value=rg_name required=true/>
                <SelectField label="Region" value=rg_region options=Signal::derive(options::all_regions)/>
            </div>
            <button type="submit" class="button">"Add resource group"</button>
        </form>
    }
}
