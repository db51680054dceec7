//! A button the core's authorization may disable.

use leptos::prelude::*;

/// A button disabled, with the core's reason (as its title, its accessible
/// description and a line under it), when the signed-in principal may not
/// run what it does; every action of the portal that the core may refuse
/// goes through one, so the reason is always said the same way.
#[component]
pub fn GuardedButton(
    /// Why the action is refused (`Store::denied`), `None` when allowed.
    #[prop(into)]
    denied: Signal<Option<String>>,
    /// The button's `type`: `button`, or `submit` in a form.
    #[prop(default = "button")]
    kind: &'static str,
    /// CSS classes.
    #[prop(into, default = "button".to_string())]
    class: String,
    /// Runs the action (a submit button leaves it to its form).
    #[prop(optional)]
    on_click: Option<Callback<()>>,
    /// An accessible name when the text alone is ambiguous (one per row).
    #[prop(into, optional)]
    aria_label: MaybeProp<String>,
    /// Writes the reason under the button (lists of rows leave it out).
    #[prop(default = true)]
    show_reason: bool,
    /// The button's text.
    children: Children,
) -> impl IntoView {
    view! {
        <button
            type=kind
            class=class
            aria-label=move || aria_label.get()
            disabled=move || denied.get().is_some()
            title=move || denied.get().unwrap_or_default()
            aria-description=move || denied.get()
            on:click=move |_| {
                if let Some(run) = on_click {
                    run.run(());
                }
            }
        >
            {children()}
        </button>
        {move || {
            show_reason
                .then(|| denied.get())
                .flatten()
                .map(|why| view! { <p class="field-help denied-reason">{why}</p> })
        }}
    }
}
