//! The Home blade: what SIG Portal is, and the quick ways in.

use leptos::prelude::*;

use crate::components::unique_id;
use crate::route::Blade;

/// The quick ways in: the blade, its title and what it is for.
const QUICK_LINKS: [(Blade, &str, &str); 4] = [
    (
        Blade::Galleries,
        "Azure compute galleries",
        "Browse and manage galleries, image definitions and versions.",
    ),
    (
        Blade::AllResources,
        "All resources",
        "Every gallery resource across your subscriptions.",
    ),
    (
        Blade::CreateGallery,
        "Create Azure compute gallery",
        "Start a gallery in the default subscription and resource group.",
    ),
    (
        Blade::Sources,
        "Image sources (simulated)",
        "Managed images, snapshots, VMs and VHDs to make image versions from.",
    ),
];

/// Landing blade with a short introduction and quick links.
#[component]
pub fn Home(open: Callback<Blade>) -> impl IntoView {
    let tiles = QUICK_LINKS
        .iter()
        .map(|(blade, title, text)| {
            let text_id = unique_id("home-tile");
            let blade = blade.clone();
            view! {
                <li class="tile">
                    <button type="button" aria-describedby=text_id.clone() on:click=move |_| open.run(blade.clone())>
                        {*title}
                    </button>
                    <p id=text_id>{*text}</p>
                </li>
            }
        })
        .collect_view();
    view! {
        <p class="intro">
            "Design, review and rehearse how you publish VM images with Azure compute galleries "
            "(formerly Shared Image Gallery): galleries, image definitions, image versions, "
            "replication, sharing and cost. Everything runs in this browser; nothing is sent anywhere."
        </p>
        <h3>"Azure services"</h3>
        <ul class="quick-links">{tiles}</ul>
    }
}
