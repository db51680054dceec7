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
            let id_prefix = id.clone();
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
                        // As the WAI-ARIA tabs pattern: the arrows, Home and
                        // End open a tab and move the focus onto it.
                        let next = match ev.key().as_str() {
                            "ArrowRight" => (index + 1) % count,
                            "ArrowLeft" => (index + count - 1) % count,
                            "Home" => 0,
                            "End" => count - 1,
                            _ => return,
                        };
                        ev.prevent_default();
                        active.set(next);
                        focus_tab(&format!("{id_prefix}-tab-{next}"));
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

fn focus_tab(id: &str) {
    use wasm_bindgen::JsCast;
    if let Some(tab) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = tab.focus();
    }
}
