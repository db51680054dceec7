//! "Add a user": a member user of a tenant.

use leptos::prelude::*;
use sig_core::protocol::requests::NewUser;
use sig_core::Command;

use crate::components::{first_of, CommandForm, CommandFormView, SelectField, TextField};
use crate::store::Store;

/// The Directory blade's form that creates a member user.
#[component]
pub fn NewUserForm(
    /// The tenants the signed-in principal may pick (`options::tenant_choices`).
    tenants: Memo<Vec<(String, String)>>,
) -> impl IntoView {
    let store = expect_context::<Store>();
    let tenant = first_of(tenants);
    let upn = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let form = CommandForm::new(store, move || {
        Some(Command::CreateUser(NewUser {
            tenant_id: tenant.get(),
            user_principal_name: upn.get().trim().to_string(),
            display_name: name.get().trim().to_string(),
            id: None,
        }))
    });
    let clear = move |_| {
        upn.set(String::new());
        name.set(String::new());
    };
    view! {
        <CommandFormView form label="Add a user" title="New user" submit="Create user" on_done=clear>
            <div class="field-row">
                <SelectField label="User's tenant" value=tenant options=tenants/>
                <TextField label="User principal name" value=upn/>
                <TextField label="Display name" value=name/>
            </div>
        </CommandFormView>
    }
}
