//! A box that scrolls sideways on its own, so a wide table never widens the
//! blade or the page.

use leptos::prelude::*;

/// Wraps wide content (a table) in a keyboard-focusable scroll container: a
/// `role="region"` named `"{label} (scrolls sideways)"` with `tabindex="0"`,
/// so keyboard users can scroll it with the arrow keys and screen readers
/// announce it.
#[component]
pub fn ScrollRegion(
    /// What the content is (the table's name); the region's accessible name
    /// is derived from it.
    #[prop(into)]
    label: String,
    /// The wide content.
    children: Children,
) -> impl IntoView {
    view! {
        <div class="scroll-region" role="region" tabindex="0" aria-label=format!("{label} (scrolls sideways)")>
            {children()}
        </div>
    }
}
