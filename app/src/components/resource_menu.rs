//! A resource page's menu (the portal's left column inside a blade:
//! Overview, Activity log, Access control (IAM), …): links that change what
//! the page shows on its right, the current one marked `aria-current`.

use leptos::prelude::*;

/// The menu of the resource `name`; `current` is the open item.
#[component]
pub fn ResourceMenu<S>(
    /// The resource's name (the landmark is "{name} menu").
    name: String,
    /// The items, in order, with their labels.
    items: Vec<(S, &'static str)>,
    /// The open item.
    #[prop(into)]
    current: Signal<S>,
    /// Opens an item.
    choose: Callback<S>,
) -> impl IntoView
where
    S: Copy + PartialEq + Send + Sync + 'static,
{
    let links = items
        .into_iter()
        .map(|(item, label)| {
            let is_current = move || current.get() == item;
            view! {
                <li>
                    <a
                        href="#"
                        class:current=is_current
                        aria-current=move || is_current().then_some("page")
                        on:click=move |ev: leptos::ev::MouseEvent| {
                            ev.prevent_default();
                            choose.run(item);
                        }
                    >
                        {label}
                    </a>
                </li>
            }
        })
        .collect_view();
    view! {
        <nav class="resource-menu" aria-label=format!("{name} menu")>
            <ul>{links}</ul>
        </nav>
    }
}
