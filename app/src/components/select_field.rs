//! A labelled drop-down, with the core's errors under it.

use leptos::prelude::*;

use super::{unique_id, FieldErrors, Model};

/// A labelled drop-down. `options` are `(value, text)` pairs.
#[component]
pub fn SelectField(
    /// The visible label.
    #[prop(into)]
    label: String,
    /// The selected value, two-way (an `RwSignal` or a [`Choice`](super::Choice)).
    #[prop(into)]
    value: Model<String>,
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
    /// A line of help under the label.
    #[prop(into, optional)]
    help: Option<String>,
) -> impl IntoView {
    let input_id = unique_id("select");
    let error_id = format!("{input_id}-errors");
    let help_id = format!("{input_id}-help");
    let described_by = if help.is_some() {
        format!("{help_id} {error_id}")
    } else {
        error_id.clone()
    };
    let touched = RwSignal::new(false);
    let show = Signal::derive(move || touched.get() || reveal.get());
    view! {
        <div class="field">
            <label for=input_id.clone()>{label}</label>
            {required.then(|| view! { <span class="required" aria-hidden="true">" *"</span> })}
            {help.map(|h| view! { <p class="field-help" id=help_id.clone()>{h}</p> })}
            <select
                id=input_id
                disabled=move || read_only.get()
                aria-describedby=described_by
                prop:value=move || value.get()
                on:change=move |ev| {
                    value.set(event_target_value(&ev));
                    touched.set(true);
                }
            >
                {move || options_view(&options.get(), &value.get())}
            </select>
            <FieldErrors id=error_id errors show/>
        </div>
    }
}

/// The `<option>`s of a select over `(value, text)` pairs, `current` selected
/// (so the browser shows the value even before `prop:value` runs).
pub fn options_view(options: &[(String, String)], current: &str) -> impl IntoView {
    options
        .iter()
        .map(|(v, text)| {
            let selected = v == current;
            view! { <option value=v.clone() selected=selected>{text.clone()}</option> }
        })
        .collect_view()
}
