//! "Add a tenant": anyone may; the creator becomes a member user of it.

use leptos::prelude::*;
use sig_core::Command;

use crate::components::{CommandForm, CommandFormView, TextField};
use crate::store::Store;

/// The form that creates a tenant, shown on the Directory blade and under
/// the Subscriptions blade's tenant list.
#[component]
pub fn NewTenantForm(
    /// A visible heading, when the form has none around it.
    #[prop(into, optional)]
    title: MaybeProp<String>,
    /// The submit button's text.
    #[prop(into)]
    submit: String,
    /// Disables the button with the core's reason when it would refuse.
    #[prop(default = true)]
    guarded: bool,
    /// Marks both fields as required.
    #[prop(optional)]
    required: bool,
) -> impl IntoView {
    let store = expect_context::<Store>();
    let id = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let form = CommandForm::new(store, move || {
        Some(Command::CreateTenant {
            id: id.get().trim().to_string(),
            display_name: name.get().trim().to_string(),
        })
    });
    let clear = move |_| {
        id.set(String::new());
        name.set(String::new());
    };
    view! {
        <CommandFormView form label="Add a tenant" title submit guarded on_done=clear>
            <div class="field-row">
                <TextField label="Tenant name" value=name required=required/>
                <TextField label="Tenant ID" value=id required=required/>
            </div>
        </CommandFormView>
    }
}
