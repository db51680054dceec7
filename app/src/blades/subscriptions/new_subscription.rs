//! "Add a subscription" to a tenant the signed-in principal has an object in.

use leptos::prelude::*;
use sig_core::Command;

use crate::components::{
    first_of, CheckField, CommandForm, CommandFormView, SelectField, TextField,
};
use crate::store::Store;

/// The Subscriptions blade's form that creates a subscription.
#[component]
pub fn NewSubscriptionForm(
    /// The tenants it may be created in (`options::tenant_choices`).
    tenants: Memo<Vec<(String, String)>>,
) -> impl IntoView {
    let store = expect_context::<Store>();
    let id = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let tenant = first_of(tenants);
    let allow_listed = RwSignal::new(false);
    let form = CommandForm::new(store, move || {
        Some(Command::CreateSubscription {
            id: id.get().trim().into(),
            tenant_id: tenant.get(),
            display_name: name.get().trim().into(),
            allow_listed_regions: allow_listed.get(),
        })
    });
    let clear = move |_| {
        id.set(String::new());
        name.set(String::new());
    };
    view! {
        <CommandFormView form label="Add a subscription" submit="Add subscription" on_done=clear>
            <div class="field-row">
                <TextField label="Subscription name" value=name required=true/>
                <TextField label="Subscription ID" value=id required=true/>
            </div>
            <SelectField label="Tenant" value=tenant options=tenants/>
            <CheckField label="Allow-listed for Australia Central and Australia Central 2" checked=allow_listed/>
        </CommandFormView>
    }
}
