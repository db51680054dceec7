//! "Add role assignment": Role → Members → Review + assign.

use leptos::prelude::*;
use sig_core::access::roles;
use sig_core::{Diagnostic, World};

use super::member_picker::MemberPicker;
use super::{add_command, principal_choices, scope_label};
use crate::components::{run_command, unique_id, AlertList, EngineWaiting, TabList};
use crate::store::Store;

/// The roles the wizard offers: built-in, then custom, as `(guid, name, description)`.
fn role_choices(world: &World) -> Vec<(String, String, String)> {
    roles::built_in_roles()
        .iter()
        .chain(world.access().custom_roles())
        .map(|r| {
            (
                r.name.clone(),
                r.properties.role_name.clone(),
                r.properties.description.clone(),
            )
        })
        .collect()
}

/// "Add role assignment": Role → Members → Review + assign. Opened from the
/// IAM blade, it closes itself once the assignment is made.
#[component]
pub fn AddRoleAssignment(scope: String, close: Callback<()>) -> impl IntoView {
    let store = expect_context::<Store>();
    let scope = StoredValue::new(scope);
    let step = RwSignal::new(0usize);
    let role = RwSignal::new(String::new());
    let member = RwSignal::new(String::new());
    let roles = store.world.with_untracked(role_choices);
    let choices = Memo::new(move |_| {
        store
            .world
            .with(|w| principal_choices(w, &scope.get_value()))
    });
    let command = Memo::new(move |_| add_command(&scope.get_value(), &role.get(), &member.get()));
    let verdict = Memo::new(move |_| {
        store.world.track();
        store.actor.track();
        if role.get().is_empty() || member.get().is_empty() {
            return Err(vec!["Choose a role and a member.".to_string()]);
        }
        // No verdict while the rule engine downloads: the button waits and says why
        // (`EngineWaiting`), and no refusal is shown for what the user chose.
        if store.engine_waiting().is_some() {
            return Err(Vec::new());
        }
        store.preview(&command.get()).map_err(|e| {
            e.diagnostics
                .into_iter()
                .filter(Diagnostic::is_error)
                .map(|d| d.message)
                .collect()
        })
    });
    let problems = RwSignal::new(Vec::<String>::new());
    let assign = move |_| {
        // The IAM blade to the left lists the new assignment.
        if run_command(store, problems, command.get_untracked()) {
            close.run(());
        }
    };
    let tabs_id = unique_id("add-role");
    let role_name = move || {
        let r = role.get();
        roles_for_name(&store, &r)
    };
    view! {
        <p class="field-help">{format!("Scope: {}", scope_label(&scope.get_value()))}</p>
        <TabList label="Steps" titles=vec!["Role", "Members", "Review + assign"] active=step id=tabs_id.clone()/>
        <div role="tabpanel" hidden=move || step.get() != 0 class="tab-panel">
            <fieldset class="role-list">
                <legend>"Role"</legend>
                {roles.into_iter().map(|(guid, name, description)| {
                    let id = unique_id("role");
                    let value = guid.clone();
                    view! {
                        <div class="field field-check">
                            <input
                                type="radio"
                                name=format!("{tabs_id}-role")
                                id=id.clone()
                                prop:checked=move || role.get() == guid
                                on:change=move |_| role.set(value.clone())
                            />
                            <label for=id>{name}</label>
                            <span class="field-help">" — "{description}</span>
                        </div>
                    }
                }).collect_view()}
            </fieldset>
        </div>
        <div role="tabpanel" hidden=move || step.get() != 1 class="tab-panel">
            <MemberPicker scope=scope.get_value() choices chosen=member/>
            <AlertList messages=Signal::derive(move || {
                verdict.get().err().filter(|_| !member.get().is_empty() && !role.get().is_empty()).unwrap_or_default()
            })/>
        </div>
        <div role="tabpanel" hidden=move || step.get() != 2 class="tab-panel">
            <dl class="summary" aria-label="Review">
                <dt>"Role"</dt><dd>{role_name}</dd>
                <dt>"Scope"</dt><dd>{scope.get_value()}</dd>
                <dt>"Member"</dt>
                <dd>{move || {
                    let m = member.get();
                    choices.with(|c| c.iter().find(|(id, _)| *id == m).map(|(_, t)| t.clone())).unwrap_or_default()
                }}</dd>
            </dl>
            {move || match verdict.get() {
                Ok(notes) => view! {
                    <div class="banner success" role="status">
                        <p>"Validation passed"</p>
                        {notes.into_iter().map(|d| view! { <p>{d.message}</p> }).collect_view()}
                    </div>
                }.into_any(),
                Err(errors) => view! { <AlertList messages=Signal::derive(move || errors.clone())/> }.into_any(),
            }}
            <AlertList messages=problems/>
        </div>
        <div class="wizard-footer">
            {move || if step.get() == 2 {
                view! {
                    <button type="button" class="button primary" disabled=move || verdict.get().is_err() on:click=assign>"Review + assign"</button>
                }.into_any()
            } else {
                view! {
                    <button type="button" class="button primary" on:click=move |_| step.update(|s| *s += 1)>"Next"</button>
                }.into_any()
            }}
            <button type="button" class="button" disabled=move || step.get() == 0 on:click=move |_| step.update(|s| *s = s.saturating_sub(1))>"Previous"</button>
            <EngineWaiting/>
        </div>
    }
}

fn roles_for_name(store: &Store, guid: &str) -> String {
    store
        .world
        .with(|w| {
            w.access()
                .role(guid)
                .map(|r| r.properties.role_name.clone())
        })
        .unwrap_or_default()
}
