//! The portal's create wizard.

use leptos::prelude::*;

use super::unique_id;

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
