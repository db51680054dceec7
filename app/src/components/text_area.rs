//! A labelled multi-line text input.

use leptos::prelude::*;

use super::{unique_id, FieldErrors};

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
            <FieldErrors id=error_id errors show/>
        </div>
    }
}
