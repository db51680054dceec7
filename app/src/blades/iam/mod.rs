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
use sig_core::protocol::requests::NewRoleAssignment;
use sig_core::Command;

use crate::components::{unique_id, GuardedButton, TabList};
use crate::route::Blade;
use crate::store::Store;

mod add_role_assignment;
mod assignments_tab;
mod check_access_tab;
mod member_picker;
mod principal_picker;
mod sharing_matrix;

pub use add_role_assignment::AddRoleAssignment;
pub use assignments_tab::{assignment_rows, filter_rows, AssignmentRow};
pub use principal_picker::principal_choices;

use assignments_tab::Assignments;
use check_access_tab::CheckAccess;
pub use sharing_matrix::SharingMatrix;

/// Principals a picker lists at once; a search narrows a large directory.
pub const PICKER_LIMIT: usize = 50;

/// A short name for a scope: its last segment, and what kind of scope it is.
pub fn scope_label(scope: &str) -> String {
    let Some(path) = ScopePath::parse(scope) else {
        return scope.to_string();
    };
    let name = path.id().rsplit('/').next().unwrap_or_default().to_string();
    let resource_type = path.resource_type();
    let kind = match path.levels.len() {
        _ if path.management_group.is_some() => "Management group".to_string(),
        1 => "Subscription".to_string(),
        2 => "Resource group".to_string(),
        _ => crate::store::short_type(&resource_type).to_string(),
    };
    format!("{name} ({kind})")
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
        <GuardedButton
            denied
            aria_label
            show_reason=false
            on_click=Callback::new(move |()| open.run(Blade::AccessControl(scope.clone())))
        >
            "Access control (IAM)"
        </GuardedButton>
    }
}

/// The "Deny assignments" tab: read-only, as in Azure (they are created by Azure for
/// Blueprints, managed applications and deployment stacks), from the core's
/// `access::deny_assignments_at`.
#[component]
fn DenyAssignments(scope: String) -> impl IntoView {
    let store = expect_context::<Store>();
    let rows = Memo::new(move |_| {
        store.world.with(|w| {
            sig_core::access::deny_assignments_at(w, &scope)
                .unwrap_or_default()
                .into_iter()
                .map(|(d, inherited)| {
                    let p = &d.properties;
                    let who = |list: &[sig_core::iam::governance::DenyPrincipal]| {
                        list.iter()
                            .map(|x| {
                                if x.id == sig_core::iam::governance::EVERYONE {
                                    "Everyone".to_string()
                                } else {
                                    w.access().object(&x.id).map_or_else(
                                        || x.id.clone(),
                                        |e| e.object.display_name().to_string(),
                                    )
                                }
                            })
                            .collect::<Vec<_>>()
                            .join(", ")
                    };
                    let actions = p
                        .permissions
                        .iter()
                        .flat_map(|x| x.actions.iter().cloned())
                        .collect::<Vec<_>>()
                        .join(", ");
                    let scope_text = if inherited {
                        format!("{} (inherited)", p.scope)
                    } else {
                        "This resource".to_string()
                    };
                    (
                        p.deny_assignment_name.clone(),
                        p.description.clone(),
                        actions,
                        who(&p.principals),
                        who(&p.exclude_principals),
                        scope_text,
                    )
                })
                .collect::<Vec<_>>()
        })
    });
    view! {
        <p class="field-help">"Deny assignments block actions even when a role assignment allows them; a deny always wins. Azure creates them (Blueprints, managed applications, deployment stacks): they can be read here, not changed."</p>
        {move || rows.with(|list| if list.is_empty() {
            view! { <p role="status">"No deny assignments apply at this scope."</p> }.into_any()
        } else {
            view! {
                <table class="grid" aria-label="Deny assignments">
                    <thead><tr>
                        <th scope="col">"Name"</th><th scope="col">"Description"</th><th scope="col">"Denied actions"</th>
                        <th scope="col">"Principals"</th><th scope="col">"Excluded"</th><th scope="col">"Scope"</th>
                    </tr></thead>
                    <tbody>
                        {list.iter().map(|(name, description, actions, who, excluded, at)| view! {
                            <tr>
                                <td>{name.clone()}</td><td>{description.clone()}</td><td><code>{actions.clone()}</code></td>
                                <td>{who.clone()}</td><td>{excluded.clone()}</td><td>{at.clone()}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        })}
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
    view! {
        <p class="field-help">{format!("Scope: {}", scope_label(&scope.get_value()))}</p>
        <div class="toolbar" role="toolbar" aria-label="Access control actions">
            <GuardedButton
                denied=add_denied
                on_click=Callback::new(move |_| open.run(Blade::AddRoleAssignment(scope.get_value())))
            >
                "+ Add role assignment"
            </GuardedButton>
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
                <TabList
                    label="Access control"
                    titles=vec!["Role assignments", "Check access", "Deny assignments"]
                    active=tab
                    id=tabs_id.clone()
                />
                // Both tabs stay mounted, so switching between them costs no rebuild.
                <div role="tabpanel" hidden=move || tab.get() != 0>
                    <Assignments scope=scope.get_value()/>
                </div>
                <div role="tabpanel" hidden=move || tab.get() != 1>
                    <CheckAccess scope=scope.get_value()/>
                </div>
                <div role="tabpanel" hidden=move || tab.get() != 2>
                    <DenyAssignments scope=scope.get_value()/>
                </div>
            }
            .into_any(),
        }}
        {is_gallery_resource.then(SharingMatrix)}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_labels_name_the_kind() {
        assert_eq!(scope_label("/subscriptions/s"), "s (Subscription)");
        assert_eq!(
            scope_label("/providers/Microsoft.Management/managementGroups/Platform"),
            "Platform (Management group)"
        );
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
