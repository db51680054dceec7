//! A gallery's Sharing page: its sharing method and what it is shared with —
//! RBAC (role assignments, the seed's method), directly with subscriptions
//! and tenants, or with the community — and the actions the portal offers
//! there: share, remove, share to the community, reset, change the method.
//! Every action is a core command (`ShareGallery`, `UpdateGallery`); every
//! refusal is the core's, shown in place.

use leptos::prelude::*;
use serde_json::json;
use sig_core::sharing::{
    community_enabled, community_info, permission_of, shared_ids, unique_name, Permission,
    SUBSCRIPTIONS, TENANTS,
};
use sig_core::{arm, Command, World};

use super::iam::SharingMatrix;
use super::options;
use super::sharing_method::{SharingMethod, SharingMethodFields};
use crate::components::{
    errors_at, run_command_keeping, AlertList, EngineWaiting, GuardedButton, SelectField, TextField,
};
use crate::route::Blade;
use crate::store::Store;

/// One subscription or tenant the gallery is shared with, as the page lists it.
#[derive(Clone, Debug, PartialEq)]
struct Shared {
    group_type: &'static str,
    id: String,
    name: String,
}

fn shared_with(world: &World, g: &arm::Gallery) -> Vec<Shared> {
    let mut out = Vec::new();
    for id in shared_ids(g, SUBSCRIPTIONS) {
        out.push(Shared {
            group_type: SUBSCRIPTIONS,
            id: id.to_string(),
            name: world
                .subscription(id)
                .map(|s| s.display_name.clone())
                .unwrap_or_else(|| "(not in this simulation)".into()),
        });
    }
    for id in shared_ids(g, TENANTS) {
        out.push(Shared {
            group_type: TENANTS,
            id: id.to_string(),
            name: world
                .tenants()
                .find(|t| t.id.eq_ignore_ascii_case(id))
                .map(|t| t.display_name.clone())
                .unwrap_or_else(|| "(not in this simulation)".into()),
        });
    }
    out
}

fn share(id: &str, operation: &str, group_type: &str, ids: Vec<String>) -> Command {
    let groups = if ids.is_empty() {
        json!([])
    } else {
        json!([{ "type": group_type, "ids": ids }])
    };
    let update =
        serde::Deserialize::deserialize(&json!({ "operationType": operation, "groups": groups }))
            .unwrap_or_default();
    Command::ShareGallery {
        id: id.to_string(),
        update,
    }
}

/// The Sharing page of gallery `id`.
#[component]
pub fn GallerySharing(id: String, open: Callback<Blade>) -> impl IntoView {
    let store = expect_context::<Store>();
    let id = StoredValue::new(id);
    let gallery = Memo::new(move |_| {
        store.world.with(|w| {
            w.gallery(&id.get_value()).map(|g| {
                (
                    g.resource.clone(),
                    unique_name(g),
                    shared_with(w, &g.resource),
                )
            })
        })
    });
    let permission = Memo::new(move |_| {
        gallery.with(|g| {
            g.as_ref()
                .map_or(Permission::Private, |g| permission_of(&g.0))
        })
    });
    let problems = RwSignal::new(Vec::<String>::new());
    // Every error of a refusal is shown (two malformed ids: both named), not only the first.
    let run = move |command: Command| {
        run_command_keeping(store, problems, command, sig_core::Diagnostic::is_error)
    };
    let confirming_reset = RwSignal::new(false);
    // Every button here sends a command: each waits for the rule engine, said once above them.
    let waiting = store.engine_denied();

    let summary = move || {
        gallery.with(|g| {
            let Some((resource, unique, _)) = g else {
                return ().into_any();
            };
            let p = permission.get();
            let info = community_info(resource).cloned().unwrap_or_default();
            let text = |v: &Option<String>| v.clone().unwrap_or_default();
            let community = (p == Permission::Community).then(|| {
                let status = if community_enabled(resource) {
                    "Shared to the community"
                } else {
                    "Not shared to the community yet"
                };
                view! {
                    <dt>"Community gallery status"</dt><dd>{status}</dd>
                    <dt>"Public name"</dt><dd>{info.public_names.clone().unwrap_or_default().join(", ")}</dd>
                    <dt>"Community gallery prefix"</dt><dd>{text(&info.public_name_prefix)}</dd>
                    <dt>"Publisher email"</dt><dd>{text(&info.publisher_contact)}</dd>
                    <dt>"Publisher URL"</dt><dd>{text(&info.publisher_uri)}</dd>
                    <dt>"Legal agreement URL"</dt><dd>{text(&info.eula)}</dd>
                }
            });
            let unique = (p == Permission::Groups).then(|| {
                view! {
                    <dt>"Gallery unique name"</dt><dd>{unique.clone()}</dd>
                    <dt>"Consumers deploy with"</dt><dd><code>{format!("/SharedGalleries/{unique}/Images/<image>/Versions/<version or latest>")}</code></dd>
                }
            });
            view! {
                <dl class="summary">
                    <dt>"Sharing method"</dt><dd>{p.portal_label()}</dd>
                    {unique}
                    {community}
                </dl>
            }
            .into_any()
        })
    };

    // Direct sharing: the list, Remove per row, and the Add form.
    let add_type = RwSignal::new(SUBSCRIPTIONS.to_string());
    let add_id = RwSignal::new(String::new());
    let add = move || {
        let command = share(
            &id.get_value(),
            "Add",
            &add_type.get_untracked(),
            vec![add_id.get_untracked().trim().to_string()],
        );
        if run(command) {
            add_id.set(String::new());
        }
    };
    let direct = move || {
        (permission.get() == Permission::Groups).then(|| {
            let rows = gallery.with(|g| g.as_ref().map(|g| g.2.clone()).unwrap_or_default());
            let empty = rows.is_empty();
            view! {
                <h3>"Shared with"</h3>
                <table class="grid">
                    <caption class="visually-hidden">"Subscriptions and tenants the gallery is shared with"</caption>
                    <thead><tr><th scope="col">"Type"</th><th scope="col">"ID"</th><th scope="col">"Name"</th><th scope="col">"Actions"</th></tr></thead>
                    <tbody>
                        {rows.into_iter().map(|r| {
                            let label = format!("Remove {}", r.id);
                            let (ty, rid) = (r.group_type, r.id.clone());
                            view! {
                                <tr>
                                    <td>{if ty == TENANTS { "Tenant" } else { "Subscription" }}</td>
                                    <td>{r.id.clone()}</td>
                                    <td>{r.name.clone()}</td>
                                    <td><GuardedButton denied=waiting aria_label=label show_reason=false
                                        on_click=Callback::new(move |()| { run(share(&id.get_value(), "Remove", ty, vec![rid.clone()])); })>"Remove"</GuardedButton></td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
                {empty.then(|| view! { <p class="field-help">"Not shared with any subscription or tenant yet."</p> })}
                <form class="inline-form" aria-label="Share with a subscription or tenant"
                    on:submit=move |ev| { ev.prevent_default(); add() }>
                    <div class="field-row">
                        <SelectField label="Share with" value=add_type
                            options=Signal::derive(|| options::fixed(&[(SUBSCRIPTIONS, "Subscription"), (TENANTS, "Tenant")]))/>
                        <TextField label="Subscription or tenant ID" value=add_id required=true
                            help="Up to 30 subscriptions and 5 tenants; a tenant gives all its subscriptions access."/>
                    </div>
                    <GuardedButton denied=waiting kind="submit" class="button primary" show_reason=false>"Share"</GuardedButton>
                </form>
            }
        })
    };

    let publish = move || {
        let show = permission.get() == Permission::Community
            && !gallery.with(|g| g.as_ref().is_some_and(|g| community_enabled(&g.0)));
        show.then(|| {
            view! {
                <p class="field-help">"Sharing to the community makes the gallery's images, and its publisher information, public to every Azure user."</p>
                <GuardedButton denied=waiting class="button primary" show_reason=false
                    on_click=Callback::new(move |()| { run(share(&id.get_value(), "EnableCommunity", SUBSCRIPTIONS, Vec::new())); })>
                    "Share to the community"
                </GuardedButton>
            }
        })
    };

    let reset = move || {
        (permission.get() != Permission::Private).then(|| {
            view! {
                <Show when=move || confirming_reset.get()
                    fallback=move || view! {
                        <button type="button" class="button" on:click=move |_| confirming_reset.set(true)>"Reset sharing"</button>
                    }>
                    <div role="alertdialog" aria-label="Reset sharing" class="banner warning">
                        <p>"Reset sharing? The gallery becomes private: only role assignments share it, and consumers lose access (scale sets from its images can't scale out)."</p>
                        <GuardedButton denied=waiting class="button primary" show_reason=false on_click=Callback::new(move |()| {
                            if run(share(&id.get_value(), "Reset", SUBSCRIPTIONS, Vec::new())) { confirming_reset.set(false); }
                        })>"Yes, reset"</GuardedButton>
                        " "
                        <button type="button" class="button" on:click=move |_| confirming_reset.set(false)>"No"</button>
                    </div>
                </Show>
            }
        })
    };

    // A private gallery: change the method, previewed by the core as it is filled in.
    let method = SharingMethod::new(Permission::Groups);
    let change = Memo::new(move |_| {
        let location = gallery.with(|g| {
            g.as_ref()
                .and_then(|g| g.0.location.clone())
                .unwrap_or_default()
        });
        let body =
            json!({ "location": location, "properties": { "sharingProfile": method.profile() } });
        Command::UpdateGallery {
            id: id.get_value(),
            resource: serde::Deserialize::deserialize(&body).unwrap_or_default(),
        }
    });
    let change_findings = Memo::new(move |_| {
        store.world.track();
        store.actor.track();
        store
            .preview(&change.get())
            .err()
            .map(|e| e.diagnostics)
            .unwrap_or_default()
    });
    let change_errors = Callback::new(move |paths: &'static [&'static str]| {
        change_findings.with(|d| errors_at(d, paths))
    });
    let save_attempted = RwSignal::new(false);
    let change_form = move || {
        (permission.get() == Permission::Private).then(|| {
            view! {
                <form class="inline-form" aria-label="Change sharing method"
                    on:submit=move |ev| { ev.prevent_default(); save_attempted.set(true); run(change.get_untracked()); }>
                    <h3>"Change sharing method"</h3>
                    <SharingMethodFields method offered=vec![Permission::Groups, Permission::Community]
                        errors_at=change_errors reveal=save_attempted/>
                    <GuardedButton denied=waiting kind="submit" class="button primary" show_reason=false>"Save"</GuardedButton>
                </form>
            }
        })
    };

    let scope = id.get_value();
    view! {
        <section class="children" aria-label="Sharing">
            <h2 class="section-title">"Sharing"</h2>
            {summary}
            <AlertList messages=problems/>
            <EngineWaiting/>
            {direct}
            {publish}
            {reset}
            {change_form}
            <h3>"Role based access control (RBAC)"</h3>
            <p class="field-help">"Whatever the method, the gallery, a definition or a version can be shared by assigning a role on it to users, groups and service principals — people of another tenant are invited as guests from the member picker. Sharing at the gallery level is recommended."</p>
            <button type="button" class="button primary" on:click=move |_| open.run(Blade::AddRoleAssignment(scope.clone()))>
                "+ Add role assignment"
            </button>
            " "
            <button type="button" class="button" on:click=move |_| open.run(Blade::AccessControl(id.get_value()))>
                "Who has access"
            </button>
            <SharingMatrix/>
        </section>
    }
}
