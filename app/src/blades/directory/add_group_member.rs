//! "Add a group member": a user, group or service principal joins a group.

use leptos::prelude::*;
use sig_core::protocol::requests::GroupMembership;
use sig_core::Command;

use crate::components::{CommandForm, CommandFormView, SelectField};
use crate::store::Store;

/// The Directory blade's form that adds a member to a group.
#[component]
pub fn AddGroupMemberForm(
    /// The groups to pick from, `(object id, text)`, after a blank choice.
    groups: Signal<Vec<(String, String)>>,
    /// The principals that may join, `(object id, text)`, after a blank choice.
    members: Signal<Vec<(String, String)>>,
) -> impl IntoView {
    let store = expect_context::<Store>();
    let group = RwSignal::new(String::new());
    let member = RwSignal::new(String::new());
    let form = CommandForm::new(store, move || {
        Some(Command::AddGroupMember(GroupMembership {
            group_id: group.get(),
            member_id: member.get(),
        }))
    });
    view! {
        <CommandFormView form label="Add a group member" title="Add group member" submit="Add member">
            <div class="field-row">
                <SelectField label="Group" value=group options=groups/>
                <SelectField label="New member" value=member options=members/>
            </div>
        </CommandFormView>
    }
}
