//! "Role assignments": the assignments that apply at a scope, searchable,
//! virtualized, each with its Remove button.

use leptos::prelude::*;
use sig_core::{access, Command, World};

use super::scope_label;
use crate::components::{unique_id, GuardedButton, VirtualList, VirtualListHandle};
use crate::store::Store;

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

/// The IAM blade's "Role assignments" tab.
#[component]
pub fn Assignments(scope: String) -> impl IntoView {
    let store = expect_context::<Store>();
    let scope = StoredValue::new(scope);
    let rows = Memo::new(move |_| store.world.with(|w| assignment_rows(w, &scope.get_value())));
    let filter = RwSignal::new(String::new());
    // Positions (in `rows`) of the rows matching the filter.
    let matching = Memo::new(move |_| {
        let f = filter.get();
        rows.with(|all| filter_rows(all, &f))
    });
    let total = move || matching.with(Vec::len);
    let list = VirtualListHandle::new();
    let filter_id = unique_id("iam-filter");
    let here = scope.get_value().to_ascii_lowercase();
    let row_view = move |position: usize, r: AssignmentRow| {
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
            <tr aria-rowindex=position>
                <td>{r.role.clone()}</td>
                <td><crate::components::UserText text=r.principal.clone()/></td>
                <td>{r.principal_type.clone()}</td>
                <td>{at}</td>
                <td>{inherited}</td>
                <td>
                    <GuardedButton
                        denied=denied
                        aria_label=label
                        show_reason=false
                        on_click=Callback::new(move |_| {
                            let _ = store.dispatch(remove.clone());
                        })
                    >
                        "Remove"
                    </GuardedButton>
                </td>
            </tr>
        }
    };
    view! {
        <div class="field">
            <label for=filter_id.clone()>"Search by name, role or type"</label>
            <input id=filter_id type="search" prop:value=move || filter.get() on:input=move |ev| {
                filter.set(event_target_value(&ev));
                // A new search starts at the top of the list.
                list.scroll_to_top();
            }/>
        </div>
        <p class="field-help" role="status">{move || format!("{} role assignment(s)", total())}</p>
        // 3,000 assignments at a gallery render ~30 rows of 40 px (fixed by the stylesheet).
        <VirtualList
            label="Role assignments"
            class="grid iam-rows"
            viewport_class="iam-viewport"
            row_height=40.0
            viewport_height=480.0
            overscan=6
            columns=6
            handle=list
            count=Signal::derive(total)
            rows=move |range| matching.with(|m| rows.with(|all| m[range].iter().map(|&i| all[i].clone()).collect()))
            key=|r: &AssignmentRow| r.id.clone()
            header=|| view! {
                <tr aria-rowindex="1">
                    <th scope="col">"Role"</th>
                    <th scope="col">"Name"</th>
                    <th scope="col">"Type"</th>
                    <th scope="col">"Scope"</th>
                    <th scope="col">"Inherited from"</th>
                    <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                </tr>
            }
            let:line
        >
            {row_view(line.aria_rowindex, line.item)}
        </VirtualList>
    }
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
}
