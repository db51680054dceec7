//! A labelled checkbox.

use leptos::prelude::*;

use super::{unique_id, Model};

/// A labelled checkbox.
#[component]
pub fn CheckField(
    /// The visible label.
    #[prop(into)]
    label: String,
    /// Checked, two-way (an `RwSignal`, or a mapped [`Model`]).
    #[prop(into)]
    checked: Model<bool>,
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
