//! The portal's create wizard.

use leptos::prelude::*;

use super::{unique_id, TabList};

/// One tab of a create wizard.
pub struct WizardTab {
    /// Tab label ("Basics", "Tags", ...).
    pub title: &'static str,
    /// The core's error messages on this tab's fields (and the form's own
    /// checks), listed at the top of the tab once the user has reached
    /// "Review + create", so a marked tab always says why.
    pub errors: Signal<Vec<String>>,
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
    // As in the portal, tabs are marked once the user has asked for the
    // review; before that each field speaks for itself once touched.
    // A latch derived from the open tab (a memo sees its previous value), not an effect.
    let reviewed = Memo::new(move |before: Option<&bool>| {
        before.copied().unwrap_or(false) || active.get() == review
    });
    // Each tab's messages, once, shared by its mark and its summary.
    let messages: Vec<Memo<Vec<String>>> = tabs
        .iter()
        .map(|tab| {
            let errors = tab.errors;
            Memo::new(move |_| {
                if reviewed.get() {
                    errors.get()
                } else {
                    Vec::new()
                }
            })
        })
        .collect();
    let errors = messages
        .iter()
        .map(|m| {
            let m = *m;
            Signal::derive(move || m.with(|m| !m.is_empty()))
        })
        .collect();
    let panels = tabs
        .into_iter()
        .zip(messages)
        .enumerate()
        .map(|(index, (tab, messages))| {
            let title = tab.title;
            let summary = move || {
                let list = messages.get();
                (index != review && !list.is_empty()).then(|| {
                    view! {
                        <div class="banner error tab-errors" role="group" aria-label=format!("Errors on {title}")>
                            <p><strong>{format!("{title}: fix {} error(s) before you create.", list.len())}</strong></p>
                            <ul>{list.into_iter().map(|m| view! { <li>{m}</li> }).collect_view()}</ul>
                        </div>
                    }
                })
            };
            view! {
                <div
                    role="tabpanel"
                    id=format!("{tablist_id}-panel-{index}")
                    aria-labelledby=format!("{tablist_id}-tab-{index}")
                    hidden=move || active.get() != index
                    class="tab-panel"
                >
                    {summary}
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
                // While the rule engine downloads the create waits: why, beside its button.
                <super::EngineWaiting/>
            </div>
        </div>
    }
}
