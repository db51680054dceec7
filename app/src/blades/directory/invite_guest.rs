//! "Invite a guest": a user of another tenant gets a guest object here.

use leptos::prelude::*;
use sig_core::protocol::requests::GuestInvitation;
use sig_core::Command;

use crate::components::{first_of, CommandForm, CommandFormView, SelectField, TextField};
use crate::store::Store;

/// The Directory blade's form that invites an external user.
#[component]
pub fn InviteGuestForm(
    /// The tenants the signed-in principal may pick (`options::tenant_choices`).
    tenants: Memo<Vec<(String, String)>>,
) -> impl IntoView {
    let store = expect_context::<Store>();
    let tenant = first_of(tenants);
    let user = RwSignal::new(String::new());
    let form = CommandForm::new(store, move || {
        Some(Command::InviteGuest(GuestInvitation {
            tenant_id: tenant.get(),
            user: user.get().trim().to_string(),
            id: None,
        }))
    });
    view! {
        <CommandFormView form label="Invite a guest" title="Invite external user" submit="Invite"
            on_done=move |_| user.set(String::new())>
            <div class="field-row">
                <SelectField label="Inviting tenant" value=tenant options=tenants/>
                <TextField label="Guest's user principal name" value=user help="The user's sign-in name in their own tenant."/>
            </div>
        </CommandFormView>
    }
}
