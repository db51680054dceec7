//! The seed's sharing matrix, on the IAM blade of gallery resources.

use leptos::prelude::*;

/// The seed's sharing matrix and its advice, shown on gallery resources.
#[component]
pub fn SharingMatrix() -> impl IntoView {
    view! {
        <section class="sharing-matrix" aria-label="Sharing matrix">
            <h3>"What a share gives access to"</h3>
            <crate::components::ScrollRegion label="Sharing matrix">
                <table class="grid">
                    <thead>
                        <tr><th scope="col">"Shared with user at"</th><th scope="col">"Gallery"</th><th scope="col">"Image definition"</th><th scope="col">"Image version"</th></tr>
                    </thead>
                    <tbody>
                        <tr><th scope="row">"Gallery"</th><td>"Yes"</td><td>"Yes"</td><td>"Yes"</td></tr>
                        <tr><th scope="row">"Image definition"</th><td>"No"</td><td>"Yes"</td><td>"Yes"</td></tr>
                    </tbody>
                </table>
            </crate::components::ScrollRegion>
            <p class="banner info">"Share at the gallery level for the best experience; sharing individual image versions is not recommended."</p>
        </section>
    }
}
