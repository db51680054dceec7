//! The Home blade: what SIG Portal is, and the quick ways in.

use leptos::prelude::*;

use crate::route::Blade;

/// Landing blade with a short introduction and quick links.
#[component]
pub fn Home(open: Callback<Blade>) -> impl IntoView {
    view! {
        <p class="intro">
            "Design, review and rehearse how you publish VM images with Azure compute galleries "
            "(formerly Shared Image Gallery): galleries, image definitions, image versions, "
            "replication, sharing and cost. Everything runs in this browser; nothing is sent anywhere."
        </p>
        <h3>"Azure services"</h3>
        <ul class="quick-links">
            <li class="tile">
                <button type="button" aria-describedby="home-galleries-text" on:click=move |_| open.run(Blade::Galleries)>
                    "Azure compute galleries"
                </button>
                <p id="home-galleries-text">"Browse and manage galleries, image definitions and versions."</p>
            </li>
            <li class="tile">
                <button type="button" aria-describedby="home-resources-text" on:click=move |_| open.run(Blade::AllResources)>
                    "All resources"
                </button>
                <p id="home-resources-text">"Every gallery resource across your subscriptions."</p>
            </li>
            <li class="tile">
                <button type="button" aria-describedby="home-create-text" on:click=move |_| open.run(Blade::CreateGallery)>
                    "Create Azure compute gallery"
                </button>
                <p id="home-create-text">"Start a gallery in the default subscription and resource group."</p>
            </li>
            <li class="tile">
                <button type="button" aria-describedby="home-sources-text" on:click=move |_| open.run(Blade::Sources)>
                    "Image sources (simulated)"
                </button>
                <p id="home-sources-text">"Managed images, snapshots, VMs and VHDs to make image versions from."</p>
            </li>
        </ul>
    }
}
