//! Management groups, above subscriptions: the tree of each tenant the
//! signed-in principal sees (the Tenant Root Group first), with the forms the
//! portal offers — "Create management group" and "Add subscription" — and
//! Access control (IAM) at a group, whose assignments every subscription below
//! it inherits. The rules are the core's (`CreateManagementGroup`,
//! `AddSubscriptionToManagementGroup`).

use leptos::prelude::*;
use sig_core::iam::governance::management_group_id;
use sig_core::Command;

use crate::blades::{iam, options};
use crate::components::{first_of, CommandForm, CommandFormView, SelectField, TextField};
use crate::route::Blade;
use crate::store::Store;

/// One row of the tree.
#[derive(Clone, Debug, PartialEq)]
struct Row {
    scope: String,
    name: String,
    display: String,
    depth: usize,
    subscriptions: String,
}

/// The groups of `tenant`, the root first, each after its parent.
fn tree(w: &sig_core::World, tenant: &str, tenant_name: &str) -> Vec<Row> {
    let access = w.access();
    let subs_of = |group: Option<&str>| {
        w.subscriptions()
            .filter(|s| s.tenant_id.eq_ignore_ascii_case(tenant))
            .filter(|s| access.group_of_subscription(&s.id).map(|g| g.name.as_str()) == group)
            .map(|s| s.display_name.clone())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut rows = vec![Row {
        scope: management_group_id(tenant),
        name: tenant.to_string(),
        display: format!("Tenant Root Group ({tenant_name})"),
        depth: 0,
        subscriptions: subs_of(None),
    }];
    let mut groups: Vec<_> = access
        .management_groups()
        .filter(|g| g.properties.tenant_id.eq_ignore_ascii_case(tenant))
        .map(|g| (access.management_chain(tenant, Some(&g.name)), g))
        .collect();
    groups.sort_by(|a, b| a.0.cmp(&b.0));
    rows.extend(groups.into_iter().map(|(chain, g)| Row {
        scope: g.id.clone(),
        name: g.name.clone(),
        display: g.properties.display_name.clone(),
        depth: chain.len() - 1,
        subscriptions: subs_of(Some(&g.name)),
    }));
    rows
}

/// The Subscriptions blade's management groups section.
#[component]
pub fn ManagementGroups(open: Callback<Blade>) -> impl IntoView {
    let store = expect_context::<Store>();
    let tenants = options::tenant_choices(store);
    let rows = Memo::new(move |_| {
        let list = tenants.get();
        store.world.with(|w| {
            list.iter()
                .flat_map(|(id, name)| tree(w, id, name))
                .collect::<Vec<_>>()
        })
    });
    let table = move || {
        rows.get()
            .into_iter()
            .map(|r| {
                let label = format!("Access control (IAM) of {}", r.display);
                let indent = format!("padding-left: {}rem", r.depth as f32 * 1.25);
                view! {
                    <tr>
                        <td style=indent>{r.display.clone()}</td>
                        <td><code>{r.name.clone()}</code></td>
                        <td>{r.subscriptions.clone()}</td>
                        <td>{iam::open_button(store, open, r.scope.clone(), Some(label))}</td>
                    </tr>
                }
            })
            .collect_view()
    };

    // "Create management group".
    let tenant = first_of(tenants);
    let parents = Memo::new(move |_| {
        let t = tenant.get();
        let name = tenants
            .get()
            .into_iter()
            .find(|(id, _)| *id == t)
            .map(|(_, n)| n)
            .unwrap_or_default();
        store.world.with(|w| {
            tree(w, &t, &name)
                .into_iter()
                .map(|r| (r.name, r.display))
                .collect::<Vec<_>>()
        })
    });
    let parent = first_of(parents);
    let name = RwSignal::new(String::new());
    let display = RwSignal::new(String::new());
    let create = CommandForm::new(store, move || {
        Some(Command::CreateManagementGroup(
            sig_core::protocol::requests::NewManagementGroup {
                tenant_id: tenant.get(),
                name: name.get().trim().to_string(),
                display_name: display.get().trim().to_string(),
                parent: Some(parent.get()),
            },
        ))
    });

    // "Add subscription".
    let groups = Memo::new(move |_| {
        rows.get()
            .into_iter()
            .filter(|r| r.depth > 0)
            .map(|r| (r.name, r.display))
            .collect::<Vec<_>>()
    });
    let group = first_of(groups);
    let subscriptions = options::subscription_choices(store);
    let subscription = first_of(subscriptions);
    let place = CommandForm::new(store, move || {
        let g = group.get();
        (!g.is_empty()).then(|| Command::AddSubscriptionToManagementGroup {
            management_group: g,
            subscription_id: subscription.get(),
        })
    });

    view! {
        <h3>"Management groups"</h3>
        <p class="field-help">"Role assignments at a management group are inherited by every group, subscription, resource group and resource below it. A subscription placed in no group sits under its tenant's root group."</p>
        <crate::components::ScrollRegion label="Management groups">
            <table class="grid" aria-label="Management groups">
                <thead><tr><th scope="col">"Display name"</th><th scope="col">"Name (ID)"</th><th scope="col">"Subscriptions"</th><th scope="col"><span class="visually-hidden">"Actions"</span></th></tr></thead>
                <tbody>{table}</tbody>
            </table>
        </crate::components::ScrollRegion>
        <CommandFormView form=create label="Create management group" submit="Create management group"
            on_done=move |_| { name.set(String::new()); display.set(String::new()); }>
            <div class="field-row">
                <SelectField label="Directory" value=tenant options=tenants/>
                <SelectField label="Parent management group" value=parent options=parents/>
            </div>
            <div class="field-row">
                <TextField label="Management group ID" value=name required=true
                    help="Up to 90 letters, digits, hyphens, underscores, periods and parentheses; it can't change later."/>
                <TextField label="Management group display name" value=display/>
            </div>
        </CommandFormView>
        <Show
            when=move || groups.with(|g| !g.is_empty())
            fallback=|| view! { <p class="field-help">"Create a management group to place subscriptions in it."</p> }
        >
            <CommandFormView form=place label="Add subscription to a management group" submit="Add subscription">
                <div class="field-row">
                    <SelectField label="Management group" value=group options=groups/>
                    <SelectField label="Subscription" value=subscription options=subscriptions/>
                </div>
            </CommandFormView>
        </Show>
    }
}
