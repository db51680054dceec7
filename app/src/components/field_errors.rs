//! The errors under a field.

use leptos::prelude::*;

/// The core's errors for one field, announced politely once `show` is true
/// (after the user touched the field, or when a wizard reveals them all).
#[component]
pub fn FieldErrors(
    /// DOM id, named by the field's `aria-describedby`.
    id: String,
    /// The messages.
    errors: Signal<Vec<String>>,
    /// Whether to show them yet.
    show: Signal<bool>,
) -> impl IntoView {
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
