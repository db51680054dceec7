//! What each blade shows. One file per blade; the shell frames them.

pub mod activity;
mod browse;
mod child_grid;
pub mod cost;
mod create_gallery;
mod create_image;
mod create_version;
pub mod directory;
pub mod export_import;
mod gallery_sharing;
mod home;
pub mod iam;
mod move_resource;
pub(crate) mod options;
pub mod planner;
pub mod replication;
mod resource;
mod resource_group;
mod shared_with_me;
mod sharing_method;
mod soft_deleted;
mod sources;
mod subscriptions;
pub mod templates;

use leptos::prelude::*;

use crate::route::Blade;

pub use browse::{filtered, readable_rows, rows, sorted, visible, Column, Filters, Row};

/// Renders the body of `blade`. `open` opens another blade to its right,
/// `replace` swaps this blade for another (after a create), `close` closes it.
#[component]
pub fn BladeContent(
    blade: Blade,
    open: Callback<Blade>,
    replace: Callback<Blade>,
    close: Callback<()>,
) -> impl IntoView {
    match blade {
        Blade::Home => view! { <home::Home open/> }.into_any(),
        Blade::AllResources => view! { <browse::AllResources open/> }.into_any(),
        Blade::Galleries => view! { <browse::Galleries open/> }.into_any(),
        Blade::SharedWithMe => view! { <shared_with_me::SharedWithMe open/> }.into_any(),
        Blade::CreateGallery => view! { <create_gallery::CreateGallery replace/> }.into_any(),
        Blade::CreateImage(gallery) => {
            view! { <create_image::CreateImage gallery replace/> }.into_any()
        }
        Blade::CreateVersion(image) => {
            view! { <create_version::CreateVersion image replace/> }.into_any()
        }
        Blade::Resource(id) => view! { <resource::ResourceOverview id open close/> }.into_any(),
        Blade::ResourceGroup(id) => {
            view! { <resource_group::ResourceGroupPage id open/> }.into_any()
        }
        Blade::Sources => view! { <sources::Sources/> }.into_any(),
        Blade::Subscriptions => view! { <subscriptions::Subscriptions open/> }.into_any(),
        Blade::ExportImport => view! { <export_import::ExportImport/> }.into_any(),
        Blade::AccessControl(scope) => view! { <iam::AccessControl scope open/> }.into_any(),
        Blade::AddRoleAssignment(scope) => {
            view! { <iam::AddRoleAssignment scope close/> }.into_any()
        }
        Blade::Directory => view! { <directory::Directory open/> }.into_any(),
        Blade::Replication(id) => view! { <replication::Replication id/> }.into_any(),
        Blade::DeployPlanner(image) => view! { <planner::DeployPlanner image/> }.into_any(),
        Blade::Cost => view! { <cost::Cost/> }.into_any(),
        Blade::Templates => view! { <templates::Templates/> }.into_any(),
        Blade::ActivityLog => view! { <activity::ActivityLog/> }.into_any(),
    }
}
