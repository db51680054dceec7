//! "Export template": an ARM deployment template and the equivalent `az`
//! script for a selection of gallery resources (the core's
//! `export_template`), and the way back — paste or open ARM JSON (`az sig …
//! -o json` output, list responses, templates), see the core's diagnostics
//! per resource, and import what is valid into a chosen resource group.

use std::collections::BTreeSet;

use leptos::prelude::*;
use sig_core::export_template::{export_template, import_plan, PlannedImport, TemplateRequest};
use sig_core::validate::{parse_documents, validate_input};
use sig_core::{Diagnostic, World};

use super::export_import::download;
use super::options;
use crate::components::{unique_id, CheckField, EngineWaiting, SelectField};
use crate::store::Store;

/// Rows of the selection list rendered at once.
const LIST_LIMIT: usize = 100;

/// Gallery resources the signed-in principal can see whose id contains
/// `filter`, as `(id, "gallery/definition/version")`, at most `limit`.
pub fn selectable(
    world: &World,
    filter: &str,
    limit: usize,
    can_see: impl Fn(&str) -> bool,
) -> Vec<(String, String)> {
    let needle = filter.trim().to_lowercase();
    let mut out = Vec::new();
    for g in world.galleries() {
        let rows = std::iter::once((g.id.to_string(), g.name.to_string())).chain(
            world.images_of(&g.id).flat_map(|i| {
                std::iter::once((i.id.to_string(), format!("{}/{}", g.name, i.name))).chain(
                    world.versions_of(&i.id).map(move |v| {
                        (
                            v.id.to_string(),
                            format!(
                                "{}/{}/{}",
                                v.id.image.gallery.gallery, v.id.image.image, v.name
                            ),
                        )
                    }),
                )
            }),
        );
        for (id, name) in rows {
            if out.len() >= limit {
                return out;
            }
            if (needle.is_empty() || name.to_lowercase().contains(&needle)) && can_see(&id) {
                out.push((id, name));
            }
        }
    }
    out
}

/// One resource of an import: what the validator and the core said, and what happened.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportLine {
    /// The id it gets.
    pub id: String,
    /// Findings (validator + the core's check of the create), errors first.
    pub diagnostics: Vec<Diagnostic>,
    /// After an import: `Some(true)` created, `Some(false)` refused.
    pub imported: Option<bool>,
}

/// The blade.
#[component]
pub fn Templates(
    /// A resource selected from the start (a resource page's Export template).
    #[prop(optional, into)]
    preselect: Option<String>,
) -> impl IntoView {
    let store = expect_context::<Store>();
    let filter = RwSignal::new(String::new());
    let selected = RwSignal::new(preselect.into_iter().collect::<BTreeSet<String>>());
    let roles = RwSignal::new(false);
    let vm_from = RwSignal::new(String::new());
    let filter_id = unique_id("template-filter");
    let list = move || {
        let f = filter.get();
        store.visible.track();
        store
            .world
            .with(|w| selectable(w, &f, LIST_LIMIT, |id| store.in_visible(id)))
    };
    let exported = Memo::new(move |_| {
        let ids: Vec<String> = selected.get().into_iter().collect();
        let vm = vm_from.get();
        store.world.with(|w| {
            export_template(
                w,
                &TemplateRequest {
                    ids,
                    role_assignments: roles.get(),
                    vm_from: (!vm.is_empty()).then_some(vm),
                },
            )
        })
    });
    let vm_choices = Signal::derive(move || {
        let mut out = vec![(String::new(), "No VM".to_string())];
        if let Ok(e) = exported.get() {
            out.extend(
                e.resource_ids
                    .iter()
                    .filter(|id| id.contains("/versions/"))
                    .map(|id| {
                        (
                            id.clone(),
                            format!("A VM from {}", id.split("/galleries/").nth(1).unwrap_or(id)),
                        )
                    }),
            );
        }
        out
    });

    // Import.
    let pasted = RwSignal::new(String::new());
    // Only what the signed-in principal may see is offered.
    let (subscriptions, subscription, groups, group) = options::scope_pickers(store);
    let lines = RwSignal::new(None::<Result<Vec<ImportLine>, String>>);
    let plan = StoredValue::new(Vec::<PlannedImport>::new());
    let paste_id = unique_id("arm-json");
    let file_id = unique_id("arm-file");
    let check = move || {
        let text = pasted.get_untracked();
        let value: serde_json::Value = match serde_json::from_str(&text) {
            Ok(v) => v,
            Err(e) => {
                lines.set(Some(Err(format!("This is not JSON: {e}"))));
                return;
            }
        };
        let input = parse_documents(&value);
        let now = store.sim.now_untracked();
        let mut findings = input.diagnostics.clone();
        findings.extend(validate_input(&input, now));
        let planned = import_plan(
            &input,
            &subscription.get_untracked(),
            &group.get_untracked(),
        );
        // Each create is checked on a scratch copy after the ones before it, as the import runs them.
        let mut scratch = store.world.get_untracked();
        let actor = store.actor.get_untracked();
        let out: Vec<ImportLine> = planned
            .iter()
            .map(|p| {
                let rid = input
                    .resources
                    .iter()
                    .find(|r| r.origin == p.origin)
                    .map(|r| r.rid.clone())
                    .unwrap_or_default();
                let mut diagnostics: Vec<Diagnostic> = findings
                    .iter()
                    .filter(|d| {
                        d.resource_id.eq_ignore_ascii_case(&rid)
                            || d.resource_id.eq_ignore_ascii_case(&p.id)
                    })
                    .cloned()
                    .collect();
                if let Err(e) = sig_core::apply(&mut scratch, &actor, p.command.clone(), now) {
                    for d in e.diagnostics {
                        if !diagnostics.iter().any(|x| x.message == d.message) {
                            diagnostics.push(d);
                        }
                    }
                }
                diagnostics.sort_by_key(|d| !d.is_error());
                ImportLine {
                    id: p.id.clone(),
                    diagnostics,
                    imported: None,
                }
            })
            .collect();
        if out.is_empty() {
            let why = findings
                .iter()
                .map(|d| d.message.clone())
                .collect::<Vec<_>>()
                .join(" ");
            lines.set(Some(Err(format!(
                "No gallery resource was found in this JSON. {why}"
            ))));
        } else {
            lines.set(Some(Ok(out)));
        }
        plan.set_value(planned);
    };
    let import = move |_| {
        let planned = plan.get_value();
        let mut results = Vec::new();
        for p in planned {
            // Parents first: a child whose parent was refused is refused by the core in turn.
            results.push((p.id.clone(), store.dispatch(p.command)));
        }
        lines.update(|l| {
            if let Some(Ok(list)) = l {
                for line in list.iter_mut() {
                    if let Some((_, result)) = results.iter().find(|(id, _)| *id == line.id) {
                        line.imported = Some(result.is_ok());
                        if let Err(e) = result {
                            for d in &e.diagnostics {
                                if !line.diagnostics.iter().any(|x| x.message == d.message) {
                                    line.diagnostics.insert(0, d.clone());
                                }
                            }
                        }
                    }
                }
            }
        });
    };
    let on_file = move |ev: leptos::ev::Event| {
        super::export_import::read_file_text(&ev, move |text| {
            if let Some(text) = text {
                pasted.set(text);
                check();
            }
        });
    };

    view! {
        <h3>"Export template"</h3>
        <p class="field-help">"Choose galleries, definitions or versions (each brings its children). The template and the script deploy them to one resource group in real Azure."</p>
        <div class="field">
            <label for=filter_id.clone()>"Find resources"</label>
            <input id=filter_id type="search" prop:value=move || filter.get() on:input=move |ev| filter.set(event_target_value(&ev))/>
        </div>
        <fieldset class="template-selection">
            <legend>"Resources to export"</legend>
            {move || list().into_iter().map(|(id, name)| {
                let input_id = unique_id("pick");
                let value = id.clone();
                view! {
                    <div class="field field-check">
                        <input
                            type="checkbox"
                            id=input_id.clone()
                            prop:checked=move || selected.with(|s| s.contains(&id))
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                selected.update(|s| { if on { s.insert(value.clone()); } else { s.remove(&value); } });
                            }
                        />
                        <label for=input_id>{name}</label>
                    </div>
                }
            }).collect_view()}
        </fieldset>
        <CheckField label="Include role assignments" checked=roles/>
        <SelectField label="Virtual machine" value=vm_from options=vm_choices/>
        {move || match exported.get() {
            Err(d) => view! { <p class="field-help" role="status">{d.message}</p> }.into_any(),
            Ok(e) => {
                let template = serde_json::to_string_pretty(&e.template).unwrap_or_default();
                let script = e.script.clone();
                let (t, s) = (template.clone(), script.clone());
                view! {
                    <p role="status">{format!("{} resource(s) exported.", e.resource_ids.len())}</p>
                    <button type="button" class="button" on:click=move |_| download("template.json", &t)>"Download template"</button>
                    <button type="button" class="button" on:click=move |_| download("deploy.sh", &s)>"Download script"</button>
                    <h4>"ARM template"</h4>
                    <pre class="json" tabindex="0" role="region" aria-label="ARM template">{template}</pre>
                    <h4>"Azure CLI"</h4>
                    <pre class="json" tabindex="0" role="region" aria-label="Azure CLI script">{script}</pre>
                }.into_any()
            }
        }}

        <h3>"Import ARM JSON"</h3>
        <p class="field-help">"Paste or open a template, an az sig … -o json output or a list response. Each resource is checked; the valid ones are created."</p>
        <div class="field">
            <label for=paste_id.clone()>"ARM JSON"</label>
            <textarea id=paste_id rows="8" class="mono" prop:value=move || pasted.get() on:input=move |ev| pasted.set(event_target_value(&ev))></textarea>
        </div>
        <div class="field">
            <label for=file_id.clone()>"ARM JSON file"</label>
            <input id=file_id type="file" accept="application/json,.json" on:change=on_file/>
        </div>
        <div class="field-row">
            <SelectField label="Target subscription" value=subscription options=subscriptions/>
            <SelectField label="Target resource group" value=group options=groups/>
        </div>
        <button type="button" class="button" on:click=move |_| check()>"Validate"</button>
        {move || lines.get().map(|r| match r {
            Err(why) => view! { <div class="banner error" role="alert"><p>{why}</p></div> }.into_any(),
            Ok(list) => {
                let ready = list.iter().filter(|l| l.imported.is_none() && !l.diagnostics.iter().any(Diagnostic::is_error)).count();
                let done = list.iter().any(|l| l.imported.is_some());
                view! {
                    <crate::components::ScrollRegion label="Import check">
                        <table class="grid" aria-label="Import check">
                            <thead><tr><th scope="col">"Resource"</th><th scope="col">"Result"</th><th scope="col">"Findings"</th></tr></thead>
                            <tbody>
                                {list.into_iter().map(|l| {
                                    let errors = l.diagnostics.iter().any(Diagnostic::is_error);
                                    let status = match l.imported {
                                        Some(true) => "Imported",
                                        Some(false) => "Refused",
                                        None if errors => "Invalid",
                                        None => "Valid",
                                    };
                                    view! {
                                        <tr>
                                            <td><code>{l.id.split("/providers/").nth(1).unwrap_or(&l.id).to_string()}</code></td>
                                            <td>{status}</td>
                                            <td><ul>{l.diagnostics.into_iter().map(|d| view! { <li>{format!("{}: {}", d.code.as_str(), d.message)}</li> }).collect_view()}</ul></td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </crate::components::ScrollRegion>
                    <button type="button" class="button primary"
                        disabled=move || done || ready == 0 || store.engine_waiting().is_some() on:click=import>
                        {format!("Import {ready} valid resource(s)")}
                    </button>
                    <EngineWaiting/>
                }.into_any()
            }
        })}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sig_core::testing::world_with;

    #[test]
    fn selection_lists_visible_resources_matching_the_filter() {
        let w = world_with(2, 1, 1);
        assert_eq!(selectable(&w, "", 100, |_| true).len(), 6);
        assert_eq!(selectable(&w, "", 2, |_| true).len(), 2);
        let first = &selectable(&w, "", 100, |_| true)[0].1;
        assert_eq!(
            selectable(&w, first, 100, |_| true).len(),
            3,
            "a gallery's name matches it and its children"
        );
        assert!(selectable(&w, "", 100, |_| false).is_empty());
    }
}
