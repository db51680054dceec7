//! The Tags tab's editor and the ARM `tags` object it produces.

use leptos::prelude::*;

/// An editable list of tags (name = value), as on the portal's Tags tab.
#[component]
pub fn TagsEditor(
    /// The tags, two-way.
    tags: RwSignal<Vec<(String, String)>>,
    /// Read-only view.
    #[prop(into, optional)]
    read_only: Signal<bool>,
) -> impl IntoView {
    let add = move |_| tags.update(|t| t.push((String::new(), String::new())));
    view! {
        <div class="tags-editor">
            <p class="field-help">
                "Tags are name/value pairs that let you categorize resources and view consolidated billing."
            </p>
            <crate::components::ScrollRegion label="Tags">
                <table class="grid">
                    <thead>
                        <tr><th scope="col">"Name"</th><th scope="col">"Value"</th><th scope="col"><span class="visually-hidden">"Actions"</span></th></tr>
                    </thead>
                    <tbody>
                        {move || {
                            (0..tags.with(Vec::len))
                                .map(|i| {
                                    let name = move || tags.with(|t| t.get(i).map(|p| p.0.clone()).unwrap_or_default());
                                    let value = move || tags.with(|t| t.get(i).map(|p| p.1.clone()).unwrap_or_default());
                                    view! {
                                        <tr>
                                            <td>
                                                <input
                                                    aria-label=format!("Tag {} name", i + 1)
                                                    prop:value=name
                                                    readonly=move || read_only.get()
                                                    on:change=move |ev| tags.update(|t| if let Some(p) = t.get_mut(i) { p.0 = event_target_value(&ev) })
                                                />
                                            </td>
                                            <td>
                                                <input
                                                    aria-label=format!("Tag {} value", i + 1)
                                                    prop:value=value
                                                    readonly=move || read_only.get()
                                                    on:change=move |ev| tags.update(|t| if let Some(p) = t.get_mut(i) { p.1 = event_target_value(&ev) })
                                                />
                                            </td>
                                            <td>
                                                <button
                                                    type="button"
                                                    class="link"
                                                    disabled=move || read_only.get()
                                                    aria-label=format!("Delete tag {}", i + 1)
                                                    on:click=move |_| tags.update(|t| { if i < t.len() { t.remove(i); } })
                                                >
                                                    "Delete"
                                                </button>
                                            </td>
                                        </tr>
                                    }
                                })
                                .collect_view()
                        }}
                    </tbody>
                </table>
            </crate::components::ScrollRegion>
            <button type="button" class="button" disabled=move || read_only.get() on:click=add>
                "+ Add tag"
            </button>
        </div>
    }
}

/// Tags as the ARM `tags` object (empty names are left out).
pub fn tags_json(tags: &[(String, String)]) -> serde_json::Value {
    let map: serde_json::Map<String, serde_json::Value> = tags
        .iter()
        .filter(|(k, _)| !k.trim().is_empty())
        .map(|(k, v)| (k.trim().to_string(), serde_json::Value::String(v.clone())))
        .collect();
    serde_json::Value::Object(map)
}
