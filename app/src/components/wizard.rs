//! The portal's create wizard.

use leptos::prelude::*;

use super::{unique_id, TabList};

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
    let review = tabs.len() - 1;
    let tablist_id = unique_id("wizard");
    let titles = tabs.iter().map(|tab| tab.title).collect();
    let errors = tabs.iter().map(|tab| tab.has_errors).collect();
    let panels = tabs
        .into_iter()
        .enumerate()
        .map(|(index, tab)| {
            view! {
                <div
                    role="tabpanel"
                    id=format!("{tablist_id}-panel-{index}")
                    aria-labelledby=format!("{tablist_id}-tab-{index}")
                    hidden=move || active.get() != index
                    class="tab-panel"
                >
                    {tab.content}
                </div>
            }
        })
        .collect_view();
    view! {
        <div class="wizard">
            <TabList label="Steps" titles active id=tablist_id errors controls_panels=true/>
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
