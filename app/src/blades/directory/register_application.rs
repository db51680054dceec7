//! "Register an application" in its home tenant.

use leptos::prelude::*;
use sig_core::protocol::requests::NewApplication;
use sig_core::Command;

use crate::components::{
    first_of, CheckField, CommandForm, CommandFormView, SelectField, TextField,
};
use crate::store::Store;

/// The Directory blade's form that registers an application.
#[component]
pub fn RegisterApplicationForm(
    /// The tenants the signed-in principal may pick (`options::tenant_choices`).
    tenants: Memo<Vec<(String, String)>>,
) -> impl IntoView {
    let store = expect_context::<Store>();
    let tenant = first_of(tenants);
    let name = RwSignal::new(String::new());
    let multi_tenant = RwSignal::new(true);
    let form = CommandForm::new(store, move || {
        Some(Command::RegisterApplication(NewApplication {
            tenant_id: tenant.get(),
            display_name: name.get().trim().to_string(),
            app_id: None,
            multi_tenant: multi_tenant.get(),
        }))
    });
    view! {
        <CommandFormView form label="Register an application" title="App registration" submit="Register"
            on_done=move |_| name.set(String::new())>
            <div class="field-row">
                <SelectField label="Home tenant" value=tenant options=tenants/>
                <TextField label="Application name" value=name/>
            </div>
            <CheckField label="Accounts in any organizational directory (multi-tenant)" checked=multi_tenant/>
        </CommandFormView>
    }
}
