//! Browse blades: lists of resources across subscriptions.

use leptos::prelude::*;

/// "Azure compute galleries": the galleries the signed-in principal can see.
#[component]
pub fn Galleries() -> impl IntoView {
    view! {
        <div class="empty-state" role="status">
            <p class="empty-title">"No azure compute galleries to display"</p>
            <p>"Galleries you create or import appear here, across all your subscriptions."</p>
        </div>
    }
}

/// "All resources": galleries, image definitions and versions together.
#[component]
pub fn AllResources() -> impl IntoView {
    view! {
        <div class="empty-state" role="status">
            <p class="empty-title">"No resources to display"</p>
            <p>"Resources of every subscription you can see are listed here."</p>
        </div>
    }
}
