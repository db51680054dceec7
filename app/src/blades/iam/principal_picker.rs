//! Picking a principal in a directory that may be large.

use leptos::prelude::*;
use sig_core::access::directory::DirectoryObject;
use sig_core::{visibility, World};

use super::PICKER_LIMIT;
use crate::blades::options::tenant_name;
use crate::components::unique_id;

/// The principals a role assignment at `scope` may name (the core's
/// `visibility::assignable_principals`: the users, guests included, groups and
/// service principals of the scope's tenant) as `(object id, "name · type ·
/// tenant")`, sorted by that text, for the Members step and Check access.
pub fn principal_choices(world: &World, scope: &str) -> Vec<(String, String)> {
    let tenant = |id: &str| tenant_name(world, id);
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
                    crate::text::reveal(e.object.display_name()),
                    crate::text::reveal(&tenant(&e.tenant_id))
                ),
            ))
        })
        .collect();
    out.sort_by_cached_key(|a| a.1.to_lowercase());
    out
}

/// A search box and a principal select over `choices` (the Members step and
/// Check access): at most [`PICKER_LIMIT`] options matching the search
/// (case-insensitive), and the chosen one, since a directory can be large.
#[component]
pub fn PrincipalPicker(
    /// The search box's label.
    search_label: &'static str,
    /// The select's label.
    label: &'static str,
    /// Every principal that may be picked, `(object id, text)`.
    choices: Memo<Vec<(String, String)>>,
    /// The chosen principal's object id, two-way (empty: none).
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
