//! The red banner of messages a refused action leaves.

use leptos::prelude::*;

/// The core's messages (a refused submit, a preview's errors) as one alert;
/// nothing at all while there are none, so screen readers hear only news.
#[component]
pub fn AlertList(
    /// The messages, one paragraph each.
    #[prop(into)]
    messages: Signal<Vec<String>>,
) -> impl IntoView {
    move || {
        let messages = messages.get();
        (!messages.is_empty()).then(|| {
            view! {
                <div class="banner error" role="alert">
                    {messages.into_iter().map(|m| view! { <p>{m}</p> }).collect_view()}
                </div>
            }
        })
    }
}
