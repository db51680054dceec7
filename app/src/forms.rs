//! Form building blocks with the portal's look: every input has a visible
//! `<label>`, errors sit under their field and are announced, and the
//! wizard tabs are a real tablist.
//!
//! Errors always come from the core (`Store::preview`); these components only
//! place them next to the field whose JSON path they name.

use std::sync::atomic::{AtomicUsize, Ordering};

use leptos::prelude::*;
use sig_core::{Command, Diagnostic};

use crate::store::Store;

static NEXT_ID: AtomicUsize = AtomicUsize::new(0);

/// A unique DOM id, so labels and error texts can point at their inputs.
pub fn unique_id(prefix: &str) -> String {
    format!("{prefix}-{}", NEXT_ID.fetch_add(1, Ordering::Relaxed))
}

/// Does `path` name `field` or something inside it?
pub fn path_within(path: &str, field: &str) -> bool {
    path == field
        || (path.starts_with(field)
            && matches!(path.as_bytes().get(field.len()), Some(b'.') | Some(b'[')))
}

/// The error messages of `diagnostics` that belong to any of `fields`.
pub fn errors_at(diagnostics: &[Diagnostic], fields: &[&str]) -> Vec<String> {
    diagnostics
        .iter()
        .filter(|d| d.is_error() && fields.iter().any(|f| path_within(&d.path, f)))
        .map(|d| d.message.clone())
        .collect()
}

/// Error messages that no field on the form claims, so they are shown at the
/// top instead of being lost.
pub fn unplaced_errors(diagnostics: &[Diagnostic], claimed: &[&str]) -> Vec<String> {
    diagnostics
        .iter()
        .filter(|d| d.is_error() && !claimed.iter().any(|f| path_within(&d.path, f)))
        .map(|d| d.message.clone())
        .collect()
}

/// The core's findings on the command a form would send, recomputed as its
/// fields change; every wizard asks it where to show what.
#[derive(Clone, Copy)]
pub struct Verdict {
    /// Errors and warnings of `Store::preview` on the current command.
    pub diagnostics: Memo<Vec<Diagnostic>>,
}

impl Verdict {
    /// Previews `command()` (the form's current command) through the core.
    pub fn new(
        store: Store,
        command: impl Fn() -> Option<Command> + Send + Sync + 'static,
    ) -> Self {
        let diagnostics = Memo::new(move |_| match command() {
            Some(command) => match store.preview(&command) {
                Ok(warnings) => warnings,
                Err(error) => error.diagnostics,
            },
            None => Vec::new(),
        });
        Verdict { diagnostics }
    }

    /// No errors: the core would accept the command.
    pub fn valid(self) -> Signal<bool> {
        Signal::derive(move || !self.diagnostics.get().iter().any(Diagnostic::is_error))
    }

    /// Error messages for a field owning `paths`.
    pub fn errors_at(self, paths: &'static [&'static str]) -> Signal<Vec<String>> {
        Signal::derive(move || errors_at(&self.diagnostics.get(), paths))
    }

    /// Whether any field owning `paths` (a tab) has an error.
    pub fn any_at(self, paths: &'static [&'static str]) -> Signal<bool> {
        Signal::derive(move || !errors_at(&self.diagnostics.get(), paths).is_empty())
    }

    /// Whether there are errors no field claims (shown on the review tab).
    pub fn unplaced(self, claimed: Vec<&'static str>) -> Signal<bool> {
        Signal::derive(move || !unplaced_errors(&self.diagnostics.get(), &claimed).is_empty())
    }
}

fn error_list(id: String, errors: Signal<Vec<String>>, show: Signal<bool>) -> impl IntoView {
    view! {
        <div id=id class="field-errors" aria-live="polite">
            {move || {
                if show.get() {
                    errors
                        .get()
                        .into_iter()
                        .map(|e| view! { <p class="field-error">{e}</p> })
                        .collect_view()
                        .into_any()
                } else {
                    ().into_any()
                }
            }}
        </div>
    }
}

/// A labelled text input (also `date` and `number` inputs).
#[component]
pub fn TextField(
    /// The visible label.
    #[prop(into)]
    label: String,
    /// The value, two-way.
    value: RwSignal<String>,
    /// The core's errors for this field.
    #[prop(into, optional)]
    errors: Signal<Vec<String>>,
    /// A line of help under the label.
    #[prop(into, optional)]
    help: Option<String>,
    /// Marks the label with an asterisk.
    #[prop(optional)]
    required: bool,
    /// `text` (default), `date`, `number`, `url`.
    #[prop(into, optional)]
    input_type: Option<String>,
    /// Read-only (immutable after creation, as the core says).
    #[prop(into, optional)]
    read_only: Signal<bool>,
    /// Show errors even before the user touched the field.
    #[prop(into, optional)]
    reveal: Signal<bool>,
) -> impl IntoView {
    let input_id = unique_id("field");
    let error_id = format!("{input_id}-errors");
    let help_id = format!("{input_id}-help");
    let touched = RwSignal::new(false);
    let show = Signal::derive(move || touched.get() || reveal.get());
    let invalid = move || (show.get() && !errors.get().is_empty()).then_some("true");
    let described_by = if help.is_some() {
        format!("{help_id} {error_id}")
    } else {
        error_id.clone()
    };
    view! {
        <div class="field">
            <label for=input_id.clone()>{label}</label>
            {required.then(|| view! { <span class="required" aria-hidden="true">" *"</span> })}
            {help.map(|h| view! { <p class="field-help" id=help_id.clone()>{h}</p> })}
            <input
                id=input_id
                type=input_type.unwrap_or_else(|| "text".into())
                prop:value=move || value.get()
                readonly=move || read_only.get()
                aria-required=required.then_some("true")
                aria-invalid=invalid
                aria-describedby=described_by
                on:input=move |ev| {
                    value.set(event_target_value(&ev));
                    touched.set(true);
                }
                on:blur=move |_| touched.set(true)
            />
            {error_list(error_id, errors, show)}
        </div>
    }
}

/// A labelled multi-line text input.
#[component]
pub fn TextArea(
    /// The visible label.
    #[prop(into)]
    label: String,
    /// The value, two-way.
    value: RwSignal<String>,
    /// The core's errors for this field.
    #[prop(into, optional)]
    errors: Signal<Vec<String>>,
    /// Read-only (immutable after creation).
    #[prop(into, optional)]
    read_only: Signal<bool>,
) -> impl IntoView {
    let input_id = unique_id("area");
    let error_id = format!("{input_id}-errors");
    let touched = RwSignal::new(false);
    let show = Signal::derive(move || touched.get());
    view! {
        <div class="field">
            <label for=input_id.clone()>{label}</label>
            <textarea
                id=input_id
                rows="3"
                prop:value=move || value.get()
                readonly=move || read_only.get()
                aria-describedby=error_id.clone()
                on:input=move |ev| {
                    value.set(event_target_value(&ev));
                    touched.set(true);
                }
            ></textarea>
            {error_list(error_id, errors, show)}
        </div>
    }
}

/// A labelled drop-down. `options` are `(value, text)` pairs.
#[component]
pub fn SelectField(
    /// The visible label.
    #[prop(into)]
    label: String,
    /// The selected value, two-way.
    value: RwSignal<String>,
    /// The choices.
    #[prop(into)]
    options: Signal<Vec<(String, String)>>,
    /// The core's errors for this field.
    #[prop(into, optional)]
    errors: Signal<Vec<String>>,
    /// Marks the label with an asterisk.
    #[prop(optional)]
    required: bool,
    /// Disabled (immutable after creation, as the core says).
    #[prop(into, optional)]
    read_only: Signal<bool>,
    /// Show errors before the user touched the field.
    #[prop(into, optional)]
    reveal: Signal<bool>,
) -> impl IntoView {
    let input_id = unique_id("select");
    let error_id = format!("{input_id}-errors");
    let touched = RwSignal::new(false);
    let show = Signal::derive(move || touched.get() || reveal.get());
    view! {
        <div class="field">
            <label for=input_id.clone()>{label}</label>
            {required.then(|| view! { <span class="required" aria-hidden="true">" *"</span> })}
            <select
                id=input_id
                disabled=move || read_only.get()
                aria-describedby=error_id.clone()
                prop:value=move || value.get()
                on:change=move |ev| {
                    value.set(event_target_value(&ev));
                    touched.set(true);
                }
            >
                {move || {
                    let current = value.get();
                    options
                        .get()
                        .into_iter()
                        .map(|(v, text)| {
                            let selected = v == current;
                            view! { <option value=v selected=selected>{text}</option> }
                        })
                        .collect_view()
                }}
            </select>
            {error_list(error_id, errors, show)}
        </div>
    }
}

/// A labelled checkbox.
#[component]
pub fn CheckField(
    /// The visible label.
    #[prop(into)]
    label: String,
    /// Checked, two-way.
    checked: RwSignal<bool>,
    /// Disabled (immutable after creation).
    #[prop(into, optional)]
    read_only: Signal<bool>,
) -> impl IntoView {
    let input_id = unique_id("check");
    view! {
        <div class="field field-check">
            <input
                id=input_id.clone()
                type="checkbox"
                prop:checked=move || checked.get()
                disabled=move || read_only.get()
                on:change=move |ev| checked.set(event_target_checked(&ev))
            />
            <label for=input_id>{label}</label>
        </div>
    }
}

/// An editable list of tags (name = value), as on the portal's Tags tab.
#[component]
pub fn TagsEditor(
    /// The tags, two-way.
    tags: RwSignal<Vec<(String, String)>>,
    /// Read-only view.
    #[prop(into, optional)]
    read_only: Signal<bool>,
) -> impl IntoView {
    let add = move |_| tags.update(|t| t.push((String::new(), String::new())));
    view! {
        <div class="tags-editor">
            <p class="field-help">
                "Tags are name/value pairs that let you categorize resources and view consolidated billing."
            </p>
            <table class="grid">
                <thead>
                    <tr><th scope="col">"Name"</th><th scope="col">"Value"</th><th scope="col"><span class="visually-hidden">"Actions"</span></th></tr>
                </thead>
                <tbody>
                    {move || {
                        (0..tags.with(Vec::len))
                            .map(|i| {
                                let name = move || tags.with(|t| t.get(i).map(|p| p.0.clone()).unwrap_or_default());
                                let value = move || tags.with(|t| t.get(i).map(|p| p.1.clone()).unwrap_or_default());
                                view! {
                                    <tr>
                                        <td>
                                            <input
                                                aria-label=format!("Tag {} name", i + 1)
                                                prop:value=name
                                                readonly=move || read_only.get()
                                                on:change=move |ev| tags.update(|t| if let Some(p) = t.get_mut(i) { p.0 = event_target_value(&ev) })
                                            />
                                        </td>
                                        <td>
                                            <input
                                                aria-label=format!("Tag {} value", i + 1)
                                                prop:value=value
                                                readonly=move || read_only.get()
                                                on:change=move |ev| tags.update(|t| if let Some(p) = t.get_mut(i) { p.1 = event_target_value(&ev) })
                                            />
                                        </td>
                                        <td>
                                            <button
                                                type="button"
                                                class="link"
                                                disabled=move || read_only.get()
                                                aria-label=format!("Delete tag {}", i + 1)
                                                on:click=move |_| tags.update(|t| { if i < t.len() { t.remove(i); } })
                                            >
                                                "Delete"
                                            </button>
                                        </td>
                                    </tr>
                                }
                            })
                            .collect_view()
                    }}
                </tbody>
            </table>
            <button type="button" class="button" disabled=move || read_only.get() on:click=add>
                "+ Add tag"
            </button>
        </div>
    }
}

/// Tags as the ARM `tags` object (empty names are left out).
pub fn tags_json(tags: &[(String, String)]) -> serde_json::Value {
    let map: serde_json::Map<String, serde_json::Value> = tags
        .iter()
        .filter(|(k, _)| !k.trim().is_empty())
        .map(|(k, v)| (k.trim().to_string(), serde_json::Value::String(v.clone())))
        .collect();
    serde_json::Value::Object(map)
}

/// One tab of a create wizard.
pub struct WizardTab {
    /// Tab label ("Basics", "Tags", ...).
    pub title: &'static str,
    /// Does the core report errors on this tab's fields?
    pub has_errors: Signal<bool>,
    /// The tab's content.
    pub content: AnyView,
}

/// The portal's create wizard: tabs, content, and the footer with
/// "Review + create", "Previous" and "Next". The last tab is the review.
#[component]
pub fn Wizard(
    /// Tabs in order; the last one is "Review + create".
    tabs: Vec<WizardTab>,
    /// The open tab.
    active: RwSignal<usize>,
    /// No errors anywhere: the core would accept the create.
    #[prop(into)]
    valid: Signal<bool>,
    /// Runs the create.
    on_create: Callback<()>,
    /// Label of the final button.
    #[prop(into, default = "Create".to_string())]
    create_label: String,
) -> impl IntoView {
    let count = tabs.len();
    let review = count - 1;
    let tablist_id = unique_id("wizard");
    let mut headers = Vec::new();
    let mut panels = Vec::new();
    for (index, tab) in tabs.into_iter().enumerate() {
        let tab_id = format!("{tablist_id}-tab-{index}");
        let panel_id = format!("{tablist_id}-panel-{index}");
        let has_errors = tab.has_errors;
        headers.push(view! {
            <button
                type="button"
                role="tab"
                id=tab_id.clone()
                aria-controls=panel_id.clone()
                aria-selected=move || if active.get() == index { "true" } else { "false" }
                tabindex=move || if active.get() == index { "0" } else { "-1" }
                class:tab-error=move || has_errors.get()
                on:click=move |_| active.set(index)
                on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                    match ev.key().as_str() {
                        "ArrowRight" => active.set((index + 1) % count),
                        "ArrowLeft" => active.set((index + count - 1) % count),
                        _ => {}
                    }
                }
            >
                {tab.title}
                {move || has_errors.get().then(|| view! { <span class="tab-error-mark" aria-label="has errors">" ●"</span> })}
            </button>
        });
        panels.push(view! {
            <div
                role="tabpanel"
                id=panel_id
                aria-labelledby=tab_id
                hidden=move || active.get() != index
                class="tab-panel"
            >
                {tab.content}
            </div>
        });
    }
    view! {
        <div class="wizard">
            <div role="tablist" class="tabs" aria-label="Steps">{headers}</div>
            {panels}
            <div class="wizard-footer">
                {move || {
                    if active.get() == review {
                        view! {
                            <button
                                type="button"
                                class="button primary"
                                disabled=move || !valid.get()
                                on:click=move |_| on_create.run(())
                            >
                                {create_label.clone()}
                            </button>
                        }
                        .into_any()
                    } else {
                        view! {
                            <button
                                type="button"
                                class="button primary"
                                disabled=move || !valid.get()
                                on:click=move |_| active.set(review)
                            >
                                "Review + create"
                            </button>
                        }
                        .into_any()
                    }
                }}
                <button
                    type="button"
                    class="button"
                    disabled=move || active.get() == 0
                    on:click=move |_| active.update(|a| *a = a.saturating_sub(1))
                >
                    "< Previous"
                </button>
                <button
                    type="button"
                    class="button"
                    disabled=move || { active.get() >= review }
                    on:click=move |_| active.update(|a| *a = (*a + 1).min(review))
                >
                    "Next >"
                </button>
            </div>
        </div>
    }
}

/// A select's value that stays one of `options`: the first at start, and the
/// first again when the list changes under it (after a switch of identity or
/// of the subscription a list depends on); empty when nothing is offered, so a
/// form never sends a choice it no longer shows.
pub fn first_of(options: Memo<Vec<(String, String)>>) -> RwSignal<String> {
    let first = move || {
        options
            .with_untracked(|o| o.first().map(|(v, _)| v.clone()))
            .unwrap_or_default()
    };
    let value = RwSignal::new(first());
    Effect::new(move |_| {
        let listed = options.with(|o| value.with(|v| o.iter().any(|(id, _)| id == v)));
        let first = first();
        if !listed && value.with_untracked(|v| *v != first) {
            value.set(first);
        }
    });
    value
}

/// Runs a form's `command` as the signed-in principal; on refusal puts the
/// core's messages in `problems` (shown by [`problems_view`]). True when it ran.
pub fn run_command(store: Store, problems: RwSignal<Vec<String>>, command: Command) -> bool {
    match store.dispatch(command) {
        Ok(_) => {
            problems.set(Vec::new());
            true
        }
        Err(e) => {
            problems.set(e.diagnostics.into_iter().map(|d| d.message).collect());
            false
        }
    }
}

/// The core's refusal of a form's last submit, as an alert.
pub fn problems_view(problems: RwSignal<Vec<String>>) -> impl IntoView {
    move || {
        let p = problems.get();
        (!p.is_empty()).then(|| {
            view! { <div class="banner error" role="alert">{p.into_iter().map(|m| view! { <p>{m}</p> }).collect_view()}</div> }
        })
    }
}

/// A submit button disabled, with the core's reason, when the signed-in
/// principal may not run the command the form would send.
pub fn submit_button(label: &'static str, denied: Signal<Option<String>>) -> impl IntoView {
    view! {
        <button
            type="submit"
            class="button"
            disabled=move || denied.get().is_some()
            title=move || denied.get().unwrap_or_default()
            aria-description=move || denied.get()
        >
            {label}
        </button>
        {move || denied.get().map(|why| view! { <p class="field-help denied-reason">{why}</p> })}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_match_fields_and_their_insides_only() {
        assert!(path_within("name", "name"));
        assert!(path_within(
            "properties.identifier.publisher",
            "properties.identifier"
        ));
        assert!(path_within(
            "properties.targetRegions[2].name",
            "properties.targetRegions"
        ));
        assert!(!path_within(
            "properties.identifierX",
            "properties.identifier"
        ));
        assert!(!path_within("names", "name"));
    }
}
