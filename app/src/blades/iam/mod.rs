//! "Access control (IAM)" of a subscription, resource group, gallery, image
//! definition or image version: the role assignments that apply there (made
//! at the scope or inherited), their removal, "Check access" (a principal's
//! effective permissions and why), the seed's sharing matrix, and the
//! "Add role assignment" wizard (Role → Members → Review + assign).
//!
//! Everything shown comes from the core's access queries; every button is
//! enabled or disabled by the core's authorization of the command it runs.
//! A principal the core does not allow to read role assignments at the scope
//! (`visibility::may_list_role_assignments`) sees "You don't have access"
//! with the core's reason instead of the list and Check access. The Members
//! step and Check access offer the principals the core says an assignment at
//! the scope may name (`visibility::assignable_principals`).

use leptos::prelude::*;
use sig_core::access::assignments::ScopePath;
use sig_core::access::directory::DirectoryObject;
use sig_core::access::{self, roles};
use sig_core::protocol::requests::NewRoleAssignment;
use sig_core::{visibility, Command, Diagnostic, World};

use crate::components::unique_id;
use crate::route::Blade;
use crate::store::Store;

/// Principals a picker lists at once; a search narrows a large directory.
pub const PICKER_LIMIT: usize = 50;

/// One role assignment as the IAM list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssignmentRow {
    /// Assignment id (what Remove deletes).
    pub id: String,
    /// Role name.
    pub role: String,
    /// Principal display name.
    pub principal: String,
    /// `User`, `Group` or `ServicePrincipal`.
    pub principal_type: String,
    /// Where the assignment was made.
    pub scope: String,
    /// Set when made at an ancestor of the scope viewed.
    pub inherited_from: Option<String>,
    /// Lower-case text the filter searches.
    search: String,
}

/// The assignments that apply at `scope` (made there or at an ancestor),
/// from the core's `who_has_access` (group members it expands are left out:
/// the list shows assignments, as the portal's does).
pub fn assignment_rows(world: &World, scope: &str) -> Vec<AssignmentRow> {
    access::who_has_access(world, scope)
        .unwrap_or_default()
        .into_iter()
        .filter(|h| h.via_group.is_none())
        .map(|h| {
            let inherited_from = h.inherited.then(|| h.assignment_scope.clone());
            AssignmentRow {
                search: format!("{} {} {}", h.role_name, h.display_name, h.principal_type)
                    .to_lowercase(),
                id: h.assignment_id,
                role: h.role_name,
                principal: h.display_name,
                principal_type: h.principal_type,
                scope: h.assignment_scope,
                inherited_from,
            }
        })
        .collect()
}

/// The positions of the rows whose role, principal or type contains `filter`
/// (case-insensitive), in list order.
pub fn filter_rows(rows: &[AssignmentRow], filter: &str) -> Vec<usize> {
    let needle = filter.trim().to_lowercase();
    rows.iter()
        .enumerate()
        .filter(|(_, r)| needle.is_empty() || r.search.contains(&needle))
        .map(|(i, _)| i)
        .collect()
}

/// A short name for a scope: its last segment, and what kind of scope it is.
pub fn scope_label(scope: &str) -> String {
    let Some(path) = ScopePath::parse(scope) else {
        return scope.to_string();
    };
    let name = path.id().rsplit('/').next().unwrap_or_default().to_string();
    let resource_type = path.resource_type();
    let kind = match path.levels.len() {
        1 => "Subscription".to_string(),
        2 => "Resource group".to_string(),
        _ => crate::store::short_type(&resource_type).to_string(),
    };
    format!("{name} ({kind})")
}

/// The principals a role assignment at `scope` may name (the core's
/// `visibility::assignable_principals`: the users, guests included, groups and
/// service principals of the scope's tenant) as `(object id, "name · type ·
/// tenant")`, sorted by that text, for the Members step and Check access.
pub fn principal_choices(world: &World, scope: &str) -> Vec<(String, String)> {
    let tenant = |id: &str| {
        world
            .tenants()
            .find(|t| t.id.eq_ignore_ascii_case(id))
            .map_or_else(|| id.to_string(), |t| t.display_name.clone())
    };
    let mut out: Vec<(String, String)> = visibility::assignable_principals(world, scope)
        .into_iter()
        .filter_map(|e| {
            let mut kind = e.object.principal_type()?;
            let extra = match &e.object {
                DirectoryObject::User(u) => {
                    if u.is_guest() {
                        kind = "Guest";
                    }
                    format!(" <{}>", u.user_principal_name)
                }
                _ => String::new(),
            };
            Some((
                e.object.id().to_string(),
                format!(
                    "{}{extra} · {kind} · {}",
                    e.object.display_name(),
                    tenant(&e.tenant_id)
                ),
            ))
        })
        .collect();
    out.sort_by_cached_key(|a| a.1.to_lowercase());
    out
}

/// The command "Add role assignment" runs; also what decides whether the
/// button is enabled (only the scope matters to the core's authorization).
fn add_command(scope: &str, role: &str, principal: &str) -> Command {
    Command::CreateRoleAssignment(NewRoleAssignment {
        scope: scope.to_string(),
        role_definition_id: role.to_string(),
        principal_id: principal.to_string(),
        name: None,
    })
}

/// The "Access control (IAM)" button of a subscription, resource group or
/// gallery resource, opening the IAM blade of `scope`; `aria_label` names the
/// scope where a list has one per row. Disabled, with the core's reason, when
/// the signed-in principal may not read role assignments there (tracked:
/// call it inside the view that follows the world and the principal).
pub fn open_button(
    store: Store,
    open: Callback<Blade>,
    scope: String,
    aria_label: Option<String>,
) -> impl IntoView {
    let denied = store.assignments_denied(&scope);
    view! {
        <button
            type="button"
            class="button"
            aria-label=aria_label
            disabled=denied.is_some()
            title=denied.clone().unwrap_or_default()
            aria-description=denied
            on:click=move |_| open.run(Blade::AccessControl(scope.clone()))
        >
            "Access control (IAM)"
        </button>
    }
}

/// The IAM blade.
#[component]
pub fn AccessControl(scope: String, open: Callback<Blade>) -> impl IntoView {
    let store = expect_context::<Store>();
    let tab = RwSignal::new(0usize);
    let scope = StoredValue::new(scope);
    let add_denied =
        Signal::derive(move || store.denied(&add_command(&scope.get_value(), "Reader", "")));
    // Decided once per change of the world or the principal, not per row; the
    // tabs below are rebuilt only when the answer changes.
    let list_denied = Memo::new(move |_| store.assignments_denied(&scope.get_value()));
    let is_gallery_resource =
        ScopePath::parse(&scope.get_value()).is_some_and(|p| p.levels.len() > 2);
    let tabs_id = unique_id("iam");
    let tab_button = move |index: usize, title: &'static str| {
        let tab_id = format!("{tabs_id}-tab-{index}");
        view! {
            <button
                type="button"
                role="tab"
                id=tab_id
                aria-selected=move || if tab.get() == index { "true" } else { "false" }
                on:click=move |_| tab.set(index)
            >
                {title}
            </button>
        }
    };
    view! {
        <p class="field-help">{format!("Scope: {}", scope_label(&scope.get_value()))}</p>
        <div class="toolbar" role="toolbar" aria-label="Access control actions">
            <button
                type="button"
                class="button"
                disabled=move || add_denied.get().is_some()
                title=move || add_denied.get().unwrap_or_default()
                aria-description=move || add_denied.get()
                on:click=move |_| open.run(Blade::AddRoleAssignment(scope.get_value()))
            >
                "+ Add role assignment"
            </button>
            {move || add_denied.get().map(|why| view! { <p class="field-help denied-reason">{why}</p> })}
        </div>
        {move || match list_denied.get() {
            Some(why) => view! {
                <div class="empty-state" role="status">
                    <p class="empty-title">"You don't have access"</p>
                    <p>{why}</p>
                </div>
            }
            .into_any(),
            None => view! {
                <div role="tablist" class="tabs" aria-label="Access control">
                    {tab_button(0, "Role assignments")}
                    {tab_button(1, "Check access")}
                </div>
                // Both tabs stay mounted, so switching between them costs no rebuild.
                <div role="tabpanel" hidden=move || tab.get() != 0>
                    <Assignments scope=scope.get_value()/>
                </div>
                <div role="tabpanel" hidden=move || tab.get() != 1>
                    <CheckAccess scope=scope.get_value()/>
                </div>
            }
            .into_any(),
        }}
        {is_gallery_resource.then(SharingMatrix)}
    }
}

/// The seed's sharing matrix and its advice, shown on gallery resources.
#[component]
fn SharingMatrix() -> impl IntoView {
    view! {
        <section class="sharing-matrix" aria-label="Sharing matrix">
            <h3>"What a share gives access to"</h3>
            <table class="grid">
                <thead>
                    <tr><th scope="col">"Shared with user at"</th><th scope="col">"Gallery"</th><th scope="col">"Image definition"</th><th scope="col">"Image version"</th></tr>
                </thead>
                <tbody>
                    <tr><th scope="row">"Gallery"</th><td>"Yes"</td><td>"Yes"</td><td>"Yes"</td></tr>
                    <tr><th scope="row">"Image definition"</th><td>"No"</td><td>"Yes"</td><td>"Yes"</td></tr>
                </tbody>
            </table>
            <p class="banner info">"Share at the gallery level for the best experience; sharing individual image versions is not recommended."</p>
        </section>
    }
}

/// Height of one assignment row in pixels (fixed by the stylesheet), so the
/// list can be virtualized: 3,000 assignments at a gallery render ~30 rows.
const ROW_HEIGHT: f64 = 40.0;
/// Height of the scrolling list (`.iam-viewport` in the stylesheet).
const VIEWPORT: f64 = 480.0;
/// Rows rendered beyond the visible window, so fast scrolling shows no gaps.
const OVERSCAN: usize = 6;

/// The rows `[first, last)` to render for a list of `count` rows scrolled to
/// `scroll_top` pixels.
pub fn row_window(count: usize, scroll_top: f64) -> (usize, usize) {
    let first = ((scroll_top.max(0.0) / ROW_HEIGHT) as usize)
        .saturating_sub(OVERSCAN)
        .min(count);
    let last = (first + (VIEWPORT / ROW_HEIGHT) as usize + 2 * OVERSCAN).min(count);
    (first, last)
}

#[component]
fn Assignments(scope: String) -> impl IntoView {
    let store = expect_context::<Store>();
    let scope = StoredValue::new(scope);
    let rows = Memo::new(move |_| store.world.with(|w| assignment_rows(w, &scope.get_value())));
    let filter = RwSignal::new(String::new());
    let scroll = RwSignal::new(0.0f64);
    let viewport = NodeRef::<leptos::html::Div>::new();
    // Positions (in `rows`) of the rows matching the filter.
    let matching = Memo::new(move |_| {
        let f = filter.get();
        rows.with(|all| filter_rows(all, &f))
    });
    let total = move || matching.with(Vec::len);
    let window = Memo::new(move |_| row_window(total(), scroll.get()));
    // The rows in the window with their position in the list; keyed by both, so
    // scrolling only adds and removes the rows entering and leaving the window.
    let visible = move || {
        let (first, last) = window.get();
        matching.with(|m| {
            rows.with(|all| {
                m[first..last]
                    .iter()
                    .enumerate()
                    .map(|(offset, &i)| (first + offset, all[i].clone()))
                    .collect::<Vec<_>>()
            })
        })
    };
    // A new search starts at the top of the list.
    Effect::new(move |_| {
        filter.track();
        if let Some(el) = viewport.get_untracked() {
            el.set_scroll_top(0);
        }
        scroll.set(0.0);
    });
    let filter_id = unique_id("iam-filter");
    let here = scope.get_value().to_ascii_lowercase();
    let row_view = move |(position, r): (usize, AssignmentRow)| {
        let remove = Command::DeleteRoleAssignment { id: r.id.clone() };
        let check = remove.clone();
        let denied = Memo::new(move |_| store.denied(&check));
        let at = if r.scope.to_ascii_lowercase() == here {
            "This resource".to_string()
        } else {
            scope_label(&r.scope)
        };
        let inherited = r
            .inherited_from
            .as_deref()
            .map_or_else(|| "--".to_string(), scope_label);
        let label = format!("Remove {} for {}", r.role, r.principal);
        view! {
            <tr aria-rowindex=position + 2>
                <td>{r.role.clone()}</td>
                <td>{r.principal.clone()}</td>
                <td>{r.principal_type.clone()}</td>
                <td>{at}</td>
                <td>{inherited}</td>
                <td>
                    <button
                        type="button"
                        class="button"
                        aria-label=label
                        disabled=move || denied.get().is_some()
                        title=move || denied.get().unwrap_or_default()
                        aria-description=move || denied.get()
                        on:click=move |_| {
                            let _ = store.dispatch(remove.clone());
                        }
                    >
                        "Remove"
                    </button>
                </td>
            </tr>
        }
    };
    let spacer = |height: f64| {
        (height > 0.0).then(|| view! { <tr class="iam-spacer" aria-hidden="true" style=format!("height:{height}px")><td colspan="6"></td></tr> })
    };
    view! {
        <div class="field">
            <label for=filter_id.clone()>"Search by name, role or type"</label>
            <input id=filter_id type="search" prop:value=move || filter.get() on:input=move |ev| filter.set(event_target_value(&ev))/>
        </div>
        <p class="field-help" role="status">{move || format!("{} role assignment(s)", total())}</p>
        <div
            class="iam-viewport"
            node_ref=viewport
            on:scroll=move |ev| {
                let target: web_sys::Element = event_target(&ev);
                scroll.set(f64::from(target.scroll_top()));
            }
        >
            <table class="grid iam-rows" aria-label="Role assignments" aria-rowcount=move || total() + 1>
                <thead>
                    <tr aria-rowindex="1">
                        <th scope="col">"Role"</th>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Type"</th>
                        <th scope="col">"Scope"</th>
                        <th scope="col">"Inherited from"</th>
                        <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>
                    {move || spacer(window.get().0 as f64 * ROW_HEIGHT)}
                    <For each=visible key=|(position, r)| (*position, r.id.clone()) children=row_view/>
                    {move || {
                        let (_, last) = window.get();
                        spacer(total().saturating_sub(last) as f64 * ROW_HEIGHT)
                    }}
                </tbody>
            </table>
        </div>
    }
}

/// One line of "Check access": an action, its verdict, and why.
fn explain(grant: &access::Grant) -> String {
    let at = if grant.inherited {
        format!("inherited from {}", scope_label(&grant.assignment_scope))
    } else {
        "assigned at this scope".to_string()
    };
    match &grant.via_group {
        Some(group) => format!("{} ({at}) through group {group}", grant.role_name),
        None => format!("{} ({at})", grant.role_name),
    }
}

#[component]
fn CheckAccess(scope: String) -> impl IntoView {
    let store = expect_context::<Store>();
    let scope = StoredValue::new(scope);
    let choices = Memo::new(move |_| {
        store
            .world
            .with(|w| principal_choices(w, &scope.get_value()))
    });
    // The signed-in principal as the scope's directory knows it (its guest
    // object or its app's service principal there), which the picker offers.
    let principal = RwSignal::new(
        store
            .world
            .with_untracked(|w| {
                let actor = store.actor.get_untracked().principal;
                let subject = access::resolve_principal(w, &actor).ok()?;
                access::context(w, &subject, &scope.get_value())
                    .ok()?
                    .principal
                    .map(|e| e.object.id().to_string())
            })
            .unwrap_or_default(),
    );
    let result = move || {
        let who = principal.get();
        if who.is_empty() {
            return Err("Choose a principal.".to_string());
        }
        store
            .world
            .with(|w| {
                let subject = access::resolve_principal(w, &who)?;
                access::effective_permissions(w, &subject, &scope.get_value())
            })
            .map_err(|e| e.to_string())
    };
    view! {
        {principal_picker(("Search principals", "Principal"), choices, principal)}
        {move || match result() {
            Err(why) => view! { <p class="field-help" role="status">{why}</p> }.into_any(),
            Ok(decisions) => {
                let allowed = decisions.iter().filter(|d| d.allowed).count();
                view! {
                    <p role="status">{format!("{allowed} of {} actions allowed at this scope.", decisions.len())}</p>
                    <table class="grid" aria-label="Effective permissions">
                        <thead><tr><th scope="col">"Action"</th><th scope="col">"Allowed"</th><th scope="col">"Why"</th></tr></thead>
                        <tbody>
                            {decisions.into_iter().map(|d| {
                                let why = if d.grants.is_empty() {
                                    "No role assignment grants it.".to_string()
                                } else {
                                    d.grants.iter().map(explain).collect::<Vec<_>>().join("; ")
                                };
                                view! {
                                    <tr>
                                        <td><code>{d.action}</code></td>
                                        <td>{if d.allowed { "Allowed" } else { "Denied" }}</td>
                                        <td>{why}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }
        }}
    }
}

/// A search box and a principal select over `choices` (the Members step and
/// Check access): at most [`PICKER_LIMIT`] options matching the search
/// (case-insensitive), and the chosen one, since a directory can be large.
/// `labels` are (search box, select).
fn principal_picker(
    (search_label, label): (&'static str, &'static str),
    choices: Memo<Vec<(String, String)>>,
    chosen: RwSignal<String>,
) -> impl IntoView {
    let search = RwSignal::new(String::new());
    let search_id = unique_id("principal-search");
    let select_id = unique_id("principal");
    let options = move || {
        let needle = search.get().to_lowercase();
        let current = chosen.get();
        choices.with(|all| {
            all.iter()
                .filter(|(id, text)| {
                    *id == current || needle.is_empty() || text.to_lowercase().contains(&needle)
                })
                .take(PICKER_LIMIT)
                .map(|(id, text)| {
                    let selected = *id == current;
                    view! { <option value=id.clone() selected=selected>{text.clone()}</option> }
                })
                .collect_view()
        })
    };
    view! {
        <div class="field">
            <label for=search_id.clone()>{search_label}</label>
            <input id=search_id type="search" prop:value=move || search.get() on:input=move |ev| search.set(event_target_value(&ev))/>
        </div>
        <div class="field">
            <label for=select_id.clone()>{label}</label>
            <select id=select_id prop:value=move || chosen.get() on:change=move |ev| chosen.set(event_target_value(&ev))>
                <option value="">"Choose a user, group or service principal"</option>
                {options}
            </select>
        </div>
    }
}

/// The roles the wizard offers: built-in, then custom, as `(guid, name, description)`.
fn role_choices(world: &World) -> Vec<(String, String, String)> {
    roles::built_in_roles()
        .iter()
        .chain(world.access().custom_roles())
        .map(|r| {
            (
                r.name.clone(),
                r.properties.role_name.clone(),
                r.properties.description.clone(),
            )
        })
        .collect()
}

/// "Add role assignment": Role → Members → Review + assign. Opened from the
/// IAM blade, it closes itself once the assignment is made.
#[component]
pub fn AddRoleAssignment(scope: String, close: Callback<()>) -> impl IntoView {
    let store = expect_context::<Store>();
    let scope = StoredValue::new(scope);
    let step = RwSignal::new(0usize);
    let role = RwSignal::new(String::new());
    let member = RwSignal::new(String::new());
    let roles = store.world.with_untracked(role_choices);
    let choices = Memo::new(move |_| {
        store
            .world
            .with(|w| principal_choices(w, &scope.get_value()))
    });
    let command = Memo::new(move |_| add_command(&scope.get_value(), &role.get(), &member.get()));
    let verdict = Memo::new(move |_| {
        store.world.track();
        store.actor.track();
        if role.get().is_empty() || member.get().is_empty() {
            return Err(vec!["Choose a role and a member.".to_string()]);
        }
        store.preview(&command.get()).map_err(|e| {
            e.diagnostics
                .into_iter()
                .filter(Diagnostic::is_error)
                .map(|d| d.message)
                .collect()
        })
    });
    let problems = RwSignal::new(Vec::<String>::new());
    let assign = move |_| match store.dispatch(command.get_untracked()) {
        // The IAM blade to the left lists the new assignment.
        Ok(_) => close.run(()),
        Err(e) => problems.set(e.diagnostics.into_iter().map(|d| d.message).collect()),
    };
    let tabs_id = unique_id("add-role");
    let steps = ["Role", "Members", "Review + assign"];
    let role_name = move || {
        let r = role.get();
        roles_for_name(&store, &r)
    };
    view! {
        <p class="field-help">{format!("Scope: {}", scope_label(&scope.get_value()))}</p>
        <div role="tablist" class="tabs" aria-label="Steps">
            {steps.iter().enumerate().map(|(i, title)| view! {
                <button
                    type="button"
                    role="tab"
                    id=format!("{tabs_id}-{i}")
                    aria-selected=move || if step.get() == i { "true" } else { "false" }
                    on:click=move |_| step.set(i)
                >
                    {*title}
                </button>
            }).collect_view()}
        </div>
        <div role="tabpanel" hidden=move || step.get() != 0 class="tab-panel">
            <fieldset class="role-list">
                <legend>"Role"</legend>
                {roles.into_iter().map(|(guid, name, description)| {
                    let id = unique_id("role");
                    let value = guid.clone();
                    view! {
                        <div class="field field-check">
                            <input
                                type="radio"
                                name=format!("{tabs_id}-role")
                                id=id.clone()
                                prop:checked=move || role.get() == guid
                                on:change=move |_| role.set(value.clone())
                            />
                            <label for=id>{name}</label>
                            <span class="field-help">" — "{description}</span>
                        </div>
                    }
                }).collect_view()}
            </fieldset>
        </div>
        <div role="tabpanel" hidden=move || step.get() != 1 class="tab-panel">
            {principal_picker(("Search members", "Member"), choices, member)}
            {move || verdict.get().err().filter(|_| !member.get().is_empty() && !role.get().is_empty()).map(|errors| view! {
                <div class="banner error" role="alert">{errors.into_iter().map(|m| view! { <p>{m}</p> }).collect_view()}</div>
            })}
        </div>
        <div role="tabpanel" hidden=move || step.get() != 2 class="tab-panel">
            <dl class="summary" aria-label="Review">
                <dt>"Role"</dt><dd>{role_name}</dd>
                <dt>"Scope"</dt><dd>{scope.get_value()}</dd>
                <dt>"Member"</dt>
                <dd>{move || {
                    let m = member.get();
                    choices.with(|c| c.iter().find(|(id, _)| *id == m).map(|(_, t)| t.clone())).unwrap_or_default()
                }}</dd>
            </dl>
            {move || match verdict.get() {
                Ok(notes) => view! {
                    <div class="banner success" role="status">
                        <p>"Validation passed"</p>
                        {notes.into_iter().map(|d| view! { <p>{d.message}</p> }).collect_view()}
                    </div>
                }.into_any(),
                Err(errors) => view! {
                    <div class="banner error" role="alert">{errors.into_iter().map(|m| view! { <p>{m}</p> }).collect_view()}</div>
                }.into_any(),
            }}
            {move || {
                let p = problems.get();
                (!p.is_empty()).then(|| view! { <div class="banner error" role="alert">{p.into_iter().map(|m| view! { <p>{m}</p> }).collect_view()}</div> })
            }}
        </div>
        <div class="wizard-footer">
            {move || if step.get() == 2 {
                view! {
                    <button type="button" class="button primary" disabled=move || verdict.get().is_err() on:click=assign>"Review + assign"</button>
                }.into_any()
            } else {
                view! {
                    <button type="button" class="button primary" on:click=move |_| step.update(|s| *s += 1)>"Next"</button>
                }.into_any()
            }}
            <button type="button" class="button" disabled=move || step.get() == 0 on:click=move |_| step.update(|s| *s = s.saturating_sub(1))>"Previous"</button>
        </div>
    }
}

fn roles_for_name(store: &Store, guid: &str) -> String {
    store
        .world
        .with(|w| {
            w.access()
                .role(guid)
                .map(|r| r.properties.role_name.clone())
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use sig_core::testing::example::{contoso_fabrikam, CONTOSO_SUB};

    #[test]
    fn rows_list_assignments_at_the_scope_and_above_and_filter() {
        let world = contoso_fabrikam();
        let sub = format!("/subscriptions/{CONTOSO_SUB}");
        let at_sub = assignment_rows(&world, &sub);
        assert!(!at_sub.is_empty());
        assert!(at_sub.iter().all(|r| r.inherited_from.is_none()));
        let gallery = world
            .galleries()
            .next()
            .expect("the example has galleries")
            .id
            .to_string();
        let at_gallery = assignment_rows(&world, &gallery);
        assert!(at_gallery.len() >= at_sub.len());
        assert!(at_gallery.iter().any(|r| r.inherited_from.is_some()));
        let owners = filter_rows(&at_gallery, "owner");
        assert!(
            !owners.is_empty()
                && owners
                    .iter()
                    .all(|&i| at_gallery[i].role.eq_ignore_ascii_case("owner"))
        );
        assert!(filter_rows(&at_gallery, "no such principal or role").is_empty());
    }

    #[test]
    fn the_window_covers_the_visible_rows_plus_overscan_and_stays_in_bounds() {
        // 480 px show 12 rows of 40 px; 6 more each side.
        assert_eq!(row_window(3001, 0.0), (0, 24));
        assert_eq!(row_window(3001, 4000.0), (94, 118));
        assert_eq!(row_window(3001, 1e9), (3001, 3001));
        assert_eq!(row_window(5, 0.0), (0, 5));
        assert_eq!(row_window(0, 120.0), (0, 0));
    }

    #[test]
    fn scope_labels_name_the_kind() {
        assert_eq!(scope_label("/subscriptions/s"), "s (Subscription)");
        assert_eq!(
            scope_label("/subscriptions/s/resourceGroups/rg"),
            "rg (Resource group)"
        );
        assert_eq!(
            scope_label(
                "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/galleries/g"
            ),
            "g (Azure compute gallery)"
        );
    }
}
