//! "Check access": a principal's effective permissions at a scope, and why.

use leptos::prelude::*;
use sig_core::access;

use super::principal_picker::PrincipalPicker;
use super::{principal_choices, scope_label};
use crate::store::Store;

/// One line of "Check access": an action, its verdict, and why.
fn explain(grant: &access::Grant) -> String {
    let at = if grant.inherited {
        format!("inherited from {}", scope_label(&grant.assignment_scope))
    } else {
        "assigned at this scope".to_string()
    };
    match &grant.via_group {
        Some(group) => format!("{} ({at}) through group {group}", grant.role_name),
        None => format!("{} ({at})", grant.role_name),
    }
}

/// The IAM blade's "Check access" tab.
#[component]
pub fn CheckAccess(scope: String) -> impl IntoView {
    let store = expect_context::<Store>();
    let scope = StoredValue::new(scope);
    let choices = Memo::new(move |_| {
        store
            .world
            .with(|w| principal_choices(w, &scope.get_value()))
    });
    // The signed-in principal as the scope's directory knows it (its guest
    // object or its app's service principal there), which the picker offers.
    let principal = RwSignal::new(
        store
            .world
            .with_untracked(|w| {
                let actor = store.actor.get_untracked().principal;
                let subject = access::resolve_principal(w, &actor).ok()?;
                access::context(w, &subject, &scope.get_value())
                    .ok()?
                    .principal
                    .map(|e| e.object.id().to_string())
            })
            .unwrap_or_default(),
    );
    let result = move || {
        let who = principal.get();
        if who.is_empty() {
            return Err("Choose a principal.".to_string());
        }
        store
            .world
            .with(|w| {
                let subject = access::resolve_principal(w, &who)?;
                access::effective_permissions(w, &subject, &scope.get_value())
            })
            .map_err(|e| e.to_string())
    };
    view! {
        <PrincipalPicker search_label="Search principals" label="Principal" choices chosen=principal/>
        {move || match result() {
            Err(why) => view! { <p class="field-help" role="status">{why}</p> }.into_any(),
            Ok(decisions) => {
                let allowed = decisions.iter().filter(|d| d.allowed).count();
                view! {
                    <p role="status">{format!("{allowed} of {} actions allowed at this scope.", decisions.len())}</p>
                    <crate::components::ScrollRegion label="Effective permissions">
                        <table class="grid" aria-label="Effective permissions">
                            <thead><tr><th scope="col">"Action"</th><th scope="col">"Allowed"</th><th scope="col">"Why"</th></tr></thead>
                            <tbody>
                                {decisions.into_iter().map(|d| {
                                    let mut why = if d.grants.is_empty() {
                                        "No role assignment grants it.".to_string()
                                    } else {
                                        d.grants.iter().map(explain).collect::<Vec<_>>().join("; ")
                                    };
                                    for deny in &d.denied_by {
                                        let at = if deny.inherited { format!("inherited from {}", scope_label(&deny.scope)) } else { "at this scope".to_string() };
                                        why = format!("Denied by deny assignment '{}' ({at}), which wins over any role. {why}", deny.deny_assignment_name);
                                    }
                                    view! {
                                        <tr>
                                            <td><code>{d.action}</code></td>
                                            <td>{if d.allowed { "Allowed" } else { "Denied" }}</td>
                                            <td>{why}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </crate::components::ScrollRegion>
                }.into_any()
            }
        }}
    }
}
