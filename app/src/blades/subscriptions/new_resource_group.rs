//! "Add a resource group" to a subscription the signed-in principal sees.

use leptos::prelude::*;
use sig_core::Command;

use crate::blades::options;
use crate::components::{first_of, CommandForm, CommandFormView, SelectField, TextField};
use crate::store::Store;

/// The Subscriptions blade's form that creates a resource group.
#[component]
pub fn NewResourceGroupForm() -> impl IntoView {
    let store = expect_context::<Store>();
    let subscriptions = options::subscription_choices(store);
    let subscription = first_of(subscriptions);
    let name = RwSignal::new(String::new());
    let region = RwSignal::new("eastus".to_string());
    let command = move |name: String| Command::CreateResourceGroup {
        subscription_id: subscription.get(),
        name,
        location: region.get(),
    };
    // The core authorizes at the group's scope; before a name is typed, ask
    // about the subscription's groups as any name would be.
    let form = CommandForm::new(store, move || Some(command(name.get().trim().into())))
        .authorizing(move || {
            let name = name.get().trim().to_string();
            Some(command(if name.is_empty() { "new".into() } else { name }))
        });
    view! {
        <CommandFormView form label="Add a resource group" submit="Add resource group"
            on_done=move |_| name.set(String::new())>
            <SelectField label="Subscription" value=subscription options=subscriptions/>
            <div class="field-row">
                <TextField label="Resource group name" value=name required=true/>
                <SelectField label="Region" value=region options=Signal::derive(options::all_regions)/>
            </div>
        </CommandFormView>
    }
}
