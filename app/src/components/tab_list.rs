//! The row of tab headers above tab panels.

use leptos::prelude::*;

/// A `tablist` of buttons, one per title; the open one is `aria-selected`.
#[component]
pub fn TabList(
    /// The list's accessible name ("Steps", "Access control").
    label: &'static str,
    /// The tabs' titles, in order.
    titles: Vec<&'static str>,
    /// The open tab.
    active: RwSignal<usize>,
    /// Prefix of the tabs' ids: tab `i` is `{id}-tab-{i}` (from `unique_id`).
    #[prop(into)]
    id: String,
    /// Per tab, whether the core reports errors on its fields (the header is
    /// marked "has errors"); empty where nothing is validated.
    #[prop(optional)]
    errors: Vec<Signal<bool>>,
    /// The tabs control the panels `{id}-panel-{i}` and are one tab stop,
    /// moved between with the arrow keys (the create wizard's steps).
    #[prop(optional)]
    controls_panels: bool,
) -> impl IntoView {
    let count = titles.len();
    let headers = titles
        .into_iter()
        .enumerate()
        .map(|(index, title)| {
            let has_errors = errors.get(index).copied().unwrap_or(Signal::derive(|| false));
            let selected = move || active.get() == index;
            view! {
                <button
                    type="button"
                    role="tab"
                    id=format!("{id}-tab-{index}")
                    aria-controls=controls_panels.then(|| format!("{id}-panel-{index}"))
                    aria-selected=move || if selected() { "true" } else { "false" }
                    tabindex=move || controls_panels.then_some(if selected() { "0" } else { "-1" })
                    class:tab-error=move || has_errors.get()
                    on:click=move |_| active.set(index)
                    on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                        if !controls_panels {
                            return;
                        }
                        match ev.key().as_str() {
                            "ArrowRight" => active.set((index + 1) % count),
                            "ArrowLeft" => active.set((index + count - 1) % count),
                            _ => {}
                        }
                    }
                >
                    {title}
                    {move || has_errors.get().then(|| view! { <span class="tab-error-mark" aria-label="has errors">" ●"</span> })}
                </button>
            }
        })
        .collect_view();
    view! { <div role="tablist" class="tabs" aria-label=label>{headers}</div> }
}
