//! "Add a service principal": a tenant consents to an application.

use leptos::prelude::*;
use sig_core::protocol::requests::NewServicePrincipal;
use sig_core::Command;

use crate::components::{first_of, CommandForm, CommandFormView, SelectField};
use crate::store::Store;

/// The Directory blade's form that consents to an application in a tenant.
#[component]
pub fn ServicePrincipalForm(
    /// The tenants the signed-in principal may pick (`options::tenant_choices`).
    tenants: Memo<Vec<(String, String)>>,
    /// The applications it may consent to, `(app id, name)`, after a blank choice.
    apps: Signal<Vec<(String, String)>>,
) -> impl IntoView {
    let store = expect_context::<Store>();
    let tenant = first_of(tenants);
    let app = RwSignal::new(String::new());
    let form = CommandForm::new(store, move || {
        Some(Command::CreateServicePrincipal(NewServicePrincipal {
            tenant_id: tenant.get(),
            app_id: app.get(),
        }))
    });
    view! {
        <CommandFormView form label="Add a service principal"
            title="Consent to an application (service principal)" submit="Create service principal">
            <div class="field-row">
                <SelectField label="Consenting tenant" value=tenant options=tenants/>
                <SelectField label="Application" value=app options=apps/>
            </div>
        </CommandFormView>
    }
}
