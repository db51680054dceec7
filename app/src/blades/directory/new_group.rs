//! "Add a group" to a tenant.

use leptos::prelude::*;
use sig_core::protocol::requests::NewGroup;
use sig_core::Command;

use crate::components::{first_of, CommandForm, CommandFormView, SelectField, TextField};
use crate::store::Store;

/// The Directory blade's form that creates a group.
#[component]
pub fn NewGroupForm(
    /// The tenants the signed-in principal may pick (`options::tenant_choices`).
    tenants: Memo<Vec<(String, String)>>,
) -> impl IntoView {
    let store = expect_context::<Store>();
    let tenant = first_of(tenants);
    let name = RwSignal::new(String::new());
    let form = CommandForm::new(store, move || {
        Some(Command::CreateGroup(NewGroup {
            tenant_id: tenant.get(),
            display_name: name.get().trim().to_string(),
            id: None,
        }))
    });
    view! {
        <CommandFormView form label="Add a group" title="New group" submit="Create group"
            on_done=move |_| name.set(String::new())>
            <div class="field-row">
                <SelectField label="Group's tenant" value=tenant options=tenants/>
                <TextField label="Group name" value=name/>
            </div>
        </CommandFormView>
    }
}
