//! The top bar's account button — who is signed in, in full, and in which
//! directory — and its menu with the "Directory" and "Signed in as"
//! switchers over the simulated directory, so a person can see the portal as any user, guest or service
//! principal sees it. Switching only sets `Store::actor`; what that principal
//! may see and do is decided by the core.

use leptos::prelude::*;
use sig_core::access::directory::DirectoryObject;
use sig_core::{Actor, World};

use crate::blades::options::tenant_name;
use crate::components::unique_id;
use crate::store::Store;

/// One principal a person can sign in as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// What `Actor::principal` is set to: a user's UPN, a service principal's object id.
    pub sign_in: String,
    /// What the switcher shows.
    pub label: String,
    /// The display name alone (the account button's first line).
    pub name: String,
    /// The tenant whose directory holds the object.
    pub tenant_id: String,
    /// `User`, `Guest` or `ServicePrincipal`.
    pub kind: &'static str,
}

/// Every user (members and guests) and service principal of the world, by
/// tenant, then kind, then name.
pub fn principals(world: &World) -> Vec<Principal> {
    let mut out: Vec<Principal> = world
        .access()
        .objects()
        .filter_map(|entry| match &entry.object {
            DirectoryObject::User(u) => Some(Principal {
                sign_in: u.user_principal_name.clone(),
                label: format!(
                    "{} ({}){}",
                    crate::text::reveal(&u.display_name),
                    u.user_principal_name,
                    if u.is_guest() { ", guest" } else { "" }
                ),
                name: crate::text::reveal(&u.display_name).into_owned(),
                tenant_id: entry.tenant_id.clone(),
                kind: if u.is_guest() { "Guest" } else { "User" },
            }),
            DirectoryObject::ServicePrincipal(s) => Some(Principal {
                sign_in: s.id.clone(),
                label: format!(
                    "{} (service principal, app {})",
                    crate::text::reveal(&s.display_name),
                    s.app_id
                ),
                name: crate::text::reveal(&s.display_name).into_owned(),
                tenant_id: entry.tenant_id.clone(),
                kind: "ServicePrincipal",
            }),
            _ => None,
        })
        .collect();
    out.sort_by_cached_key(|p| {
        (
            p.tenant_id.to_ascii_lowercase(),
            p.kind,
            p.label.to_ascii_lowercase(),
        )
    });
    out
}

/// The tenant the signed-in principal is shown in: the tenant of its object
/// named by the sign-in text (a guest UPN lives in the inviting tenant).
pub fn tenant_of(world: &World, principal: &str) -> Option<String> {
    let access = world.access();
    access
        .user_by_upn(principal)
        .or_else(|| access.object(principal))
        .map(|e| e.tenant_id.clone())
}

/// The display name of the principal signed in as `principal` (a UPN or a service
/// principal's object id), looked up directly: the account button shows it at start-up,
/// when listing a directory of thousands would cost a frame several times over.
pub fn display_name_of(world: &World, principal: &str) -> Option<String> {
    let access = world.access();
    let entry = access
        .user_by_upn(principal)
        .or_else(|| access.object(principal))?;
    let name = match &entry.object {
        DirectoryObject::User(u) => &u.display_name,
        DirectoryObject::ServicePrincipal(s) => &s.display_name,
        _ => return None,
    };
    Some(crate::text::reveal(name).into_owned()).filter(|n| !n.is_empty())
}

/// How many accounts the "Signed in as" list shows at once; a directory with more
/// (thousands at ten times the limits) is narrowed with the filter above it.
pub const MAX_LISTED_ACCOUNTS: usize = 100;

/// The switchers: the directory (tenant) and the principal signed in.
#[component]
pub fn IdentitySwitcher() -> impl IntoView {
    let store = expect_context::<Store>();
    let directory_id = unique_id("directory");
    let principal_id = unique_id("signed-in-as");
    let filter_id = unique_id("filter-accounts");
    let current_tenant = move || {
        let actor = store.actor.get();
        store
            .world
            .with(|w| tenant_of(w, &actor.principal))
            .unwrap_or_default()
    };
    let tenants = move || {
        store.world.with(|w| {
            w.tenants()
                .map(|t| {
                    (
                        t.id.clone(),
                        crate::text::reveal(&t.display_name).into_owned(),
                    )
                })
                .collect::<Vec<_>>()
        })
    };
    let in_tenant = move |tenant: &str| {
        store.world.with(|w| {
            principals(w)
                .into_iter()
                .filter(|p| p.tenant_id.eq_ignore_ascii_case(tenant))
                .collect::<Vec<_>>()
        })
    };
    let open = RwSignal::new(false);
    let filter = RwSignal::new(String::new());
    // Memos: recomputed after any change to the world, but the <option>s are rebuilt
    // only when the lists really differ. The directory's people are listed only while
    // the panel is open, and at most MAX_LISTED_ACCOUNTS of them at a time.
    let current_tenant = Memo::new(move |_| current_tenant());
    let tenants = Memo::new(move |_| tenants());
    let people = Memo::new(move |_| {
        if open.get() {
            in_tenant(&current_tenant.get())
        } else {
            Vec::new()
        }
    });
    // The accounts shown (the one signed in always among them), how many match the
    // filter, and how many the directory has.
    let listed = Memo::new(move |_| {
        let needle = filter.get().trim().to_lowercase();
        let actor = store.actor.get().principal;
        people.with(|list| {
            // Each label lower-cased once per keystroke (10,000 at ten times the limits).
            let matching: Vec<&Principal> = list
                .iter()
                .filter(|p| needle.is_empty() || p.label.to_lowercase().contains(&needle))
                .collect();
            let mut shown: Vec<Principal> = matching
                .iter()
                .take(MAX_LISTED_ACCOUNTS)
                .map(|p| (*p).clone())
                .collect();
            let signed_in = |p: &&Principal| p.sign_in.eq_ignore_ascii_case(&actor);
            if !shown.iter().any(|p| signed_in(&p)) {
                if let Some(current) = list.iter().find(signed_in) {
                    shown.insert(0, current.clone());
                }
            }
            (shown, matching.len(), list.len())
        })
    });
    let many = Memo::new(move |_| listed.with(|(_, _, all)| *all > MAX_LISTED_ACCOUNTS));
    let switch_directory = move |tenant: String| {
        // A member user of that directory first, as signing in to it would.
        let list = in_tenant(&tenant);
        let first = list
            .iter()
            .find(|p| p.kind == "User")
            .or_else(|| list.first());
        if let Some(p) = first {
            store.actor.set(Actor::new(p.sign_in.clone()));
        }
    };
    let button = NodeRef::<leptos::html::Button>::new();
    let close = move || {
        open.set(false);
        if let Some(b) = button.get_untracked() {
            let _ = b.focus();
        }
    };
    let name = move || {
        let actor = store.actor.get().principal;
        store
            .world
            .with(|w| display_name_of(w, &actor))
            .unwrap_or(actor)
    };
    let directory = move || {
        let tenant = current_tenant.get();
        store.world.with(|w| {
            if tenant.is_empty() {
                "No directory".to_string()
            } else {
                tenant_name(w, &tenant)
            }
        })
    };
    view! {
        <div class="identity" role="group" aria-label="Signed-in identity">
            <button
                type="button"
                class="account-button"
                node_ref=button
                aria-haspopup="dialog"
                aria-controls="account-panel"
                aria-expanded=move || if open.get() { "true" } else { "false" }
                title=move || format!("{} ({})", store.actor.get().principal, directory())
                on:click=move |_| open.update(|o| *o = !*o)
            >
                <span class="identity-name">{name}</span>
                <span class="identity-directory">{directory}</span>
            </button>
            <section
                id="account-panel"
                class="account-panel"
                role="dialog"
                aria-label="Switch directory or account"
                hidden=move || !open.get()
                on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                    if ev.key() == "Escape" {
                        // Closes the menu, not the blade behind it.
                        ev.prevent_default();
                        close();
                    }
                }
            >
                <p class="account-summary">
                    <strong>{name}</strong><br/>
                    {move || store.actor.get().principal}<br/>
                    {directory}
                </p>
            <div class="identity-field">
                <label for=directory_id.clone()>"Directory"</label>
                <select
                    id=directory_id
                    prop:value=current_tenant
                    on:change=move |ev| switch_directory(event_target_value(&ev))
                >
                    {move || {
                        let current = current_tenant.get();
                        tenants
                            .get()
                            .into_iter()
                            .map(|(id, name)| {
                                let selected = id.eq_ignore_ascii_case(&current);
                                view! { <option value=id selected=selected>{name}</option> }
                            })
                            .collect_view()
                    }}
                </select>
            </div>
            {move || {
                many.get().then(|| {
                    let filter_id = filter_id.clone();
                    view! {
                        <div class="identity-field">
                            <label for=filter_id.clone()>"Filter accounts"</label>
                            <input
                                id=filter_id
                                type="search"
                                prop:value=move || filter.get()
                                on:input=move |ev| filter.set(event_target_value(&ev))
                            />
                            <span class="field-help" role="status">
                                {move || listed.with(|(shown, matching, all)| format!(
                                    "Showing {} of {matching} matching accounts ({all} in this directory).",
                                    shown.len().min(*matching)
                                ))}
                            </span>
                        </div>
                    }
                })
            }}
            <div class="identity-field">
                <label for=principal_id.clone()>"Signed in as"</label>
                <select
                    id=principal_id
                    prop:value=move || store.actor.get().principal
                    on:change=move |ev| store.actor.set(Actor::new(event_target_value(&ev)))
                >
                    {move || {
                        let actor = store.actor.get().principal;
                        let list = listed.get().0;
                        let known = list.iter().any(|p| p.sign_in.eq_ignore_ascii_case(&actor));
                        let unknown = (!known).then(|| {
                            let text = actor.clone();
                            view! { <option value=actor.clone() selected=true>{text}</option> }
                        });
                        view! {
                            {unknown}
                            {list
                                .into_iter()
                                .map(|p| {
                                    let selected = p.sign_in.eq_ignore_ascii_case(&actor);
                                    view! { <option value=p.sign_in selected=selected>{p.label}</option> }
                                })
                                .collect_view()}
                        }
                    }}
                </select>
            </div>
                <button type="button" class="button" on:click=move |_| close()>"Close"</button>
            </section>
        </div>
    }
}
