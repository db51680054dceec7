//! A labelled text input, with the core's errors under it.

use leptos::prelude::*;

use super::{unique_id, FieldErrors};

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
            <FieldErrors id=error_id errors show/>
        </div>
    }
}
