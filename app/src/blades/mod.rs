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
use leptos::wasm_split::SplitLoaderError;

use crate::route::Blade;

pub use browse::{filtered, readable_rows, sorted, visible, Column, Filters, Row};

/// Defines a blade body that release builds (`--features split`) put in a wasm
/// file of its group, loaded the first time a blade of the group opens: the
/// first download holds only the shell and Home. Debug and test builds call the
/// body directly. Three groups (galleries; access and directory; tools), not one
/// per blade: the splitter gives every set of splits that share code a file of
/// its own, and seventeen splits made 175 files where three make a few dozen.
macro_rules! split_blade {
    ($module:ident, fn $name:ident($($arg:ident: $ty:ty),*) $body:block) => {
        #[cfg_attr(
            feature = "split",
            leptos::wasm_split::wasm_split($module, wasm_split_path = ::leptos::wasm_split, fallible)
        )]
        fn $name($($arg: $ty),*) -> Result<AnyView, SplitLoaderError> {
            Ok($body)
        }
    };
}

split_blade!(
    galleries,
    fn all_resources(open: Callback<Blade>) {
        view! { <browse::AllResources open/> }.into_any()
    }
);
split_blade!(
    galleries,
    fn galleries(open: Callback<Blade>) {
        view! { <browse::Galleries open/> }.into_any()
    }
);
split_blade!(
    galleries,
    fn shared_with_me(open: Callback<Blade>) {
        view! { <shared_with_me::SharedWithMe open/> }.into_any()
    }
);
split_blade!(
    galleries,
    fn create_gallery(replace: Callback<Blade>) {
        view! { <create_gallery::CreateGallery replace/> }.into_any()
    }
);
split_blade!(
    galleries,
    fn create_image(gallery: String, replace: Callback<Blade>) {
        view! { <create_image::CreateImage gallery replace/> }.into_any()
    }
);
split_blade!(
    galleries,
    fn create_version(image: String, replace: Callback<Blade>) {
        view! { <create_version::CreateVersion image replace/> }.into_any()
    }
);
split_blade!(
    galleries,
    fn resource(id: String, open: Callback<Blade>, close: Callback<()>) {
        view! { <resource::ResourceOverview id open close/> }.into_any()
    }
);
split_blade!(
    galleries,
    fn resource_group(id: String, open: Callback<Blade>) {
        view! { <resource_group::ResourceGroupPage id open/> }.into_any()
    }
);
split_blade!(
    access,
    fn sources() {
        view! { <sources::Sources/> }.into_any()
    }
);
split_blade!(
    access,
    fn subscriptions(open: Callback<Blade>) {
        view! { <subscriptions::Subscriptions open/> }.into_any()
    }
);
split_blade!(
    tools,
    fn export_import() {
        view! { <export_import::ExportImport/> }.into_any()
    }
);
split_blade!(
    access,
    fn access_control(scope: String, open: Callback<Blade>) {
        view! { <iam::AccessControl scope open/> }.into_any()
    }
);
split_blade!(
    access,
    fn add_role_assignment(scope: String, close: Callback<()>) {
        view! { <iam::AddRoleAssignment scope close/> }.into_any()
    }
);
split_blade!(
    access,
    fn directory(open: Callback<Blade>) {
        view! { <directory::Directory open/> }.into_any()
    }
);
split_blade!(
    galleries,
    fn replication(id: String) {
        view! { <replication::Replication id/> }.into_any()
    }
);
split_blade!(
    tools,
    fn planner(image: String) {
        view! { <planner::DeployPlanner image/> }.into_any()
    }
);
split_blade!(
    tools,
    fn cost() {
        view! { <cost::Cost/> }.into_any()
    }
);
split_blade!(
    tools,
    fn templates() {
        view! { <templates::Templates/> }.into_any()
    }
);
split_blade!(
    tools,
    fn activity_log() {
        view! { <activity::ActivityLog/> }.into_any()
    }
);

/// Writes the export file. In the tools group with the Export blade: the pretty
/// export writer is a copy of every resource's serializer that the first load
/// need not carry, so the storage banner's "Export to file" fetches it on click.
#[cfg_attr(
    feature = "split",
    leptos::wasm_split::wasm_split(tools, wasm_split_path = ::leptos::wasm_split, fallible)
)]
fn export_file(store: crate::store::Store) -> Result<(), SplitLoaderError> {
    export_import::export_world(&store);
    Ok(())
}

/// "Export to file" from outside the Export blade (the storage banner); says
/// so in a notification when the writer could not be downloaded.
pub fn export_to_file(store: crate::store::Store) {
    leptos::task::spawn_local(async move {
        #[cfg(feature = "split")]
        let written = export_file(store).await;
        #[cfg(not(feature = "split"))]
        let written = export_file(store);
        if written.is_err() {
            store.notify(
                crate::store::Tone::Error,
                "Export failed".into(),
                "The part of the portal that writes the export file could not be downloaded (is the network down?). Your data is still here; try again once online.".into(),
            );
        }
    });
}

/// Shows a split blade's body: at once when its file is loaded (always, in
/// builds that do not split), else when it arrives; a failed download (offline
/// before the service worker had the file) says so with a Retry, and the rest
/// of the portal keeps working.
macro_rules! show {
    ($call:expr) => {{
        #[cfg(feature = "split")]
        {
            view! { <SplitBody load=move || Box::pin($call)/> }.into_any()
        }
        #[cfg(not(feature = "split"))]
        {
            $call.unwrap_or_else(|_| load_failed(RwSignal::new(0)))
        }
    }};
}

/// A blade body's download, as the split wrapper returns it.
#[cfg(feature = "split")]
type BodyLoad =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<AnyView, SplitLoaderError>>>>;

#[cfg(feature = "split")]
#[component]
fn SplitBody(load: impl Fn() -> BodyLoad + Send + Sync + 'static) -> impl IntoView {
    let attempt = RwSignal::new(0u32);
    // Shown only while the file downloads (a slow network's first open of the
    // group). A flag rather than `<Suspense>`, whose machinery would add ~50 KB
    // to the first download (measured).
    let loading = RwSignal::new(true);
    let body = move || {
        attempt.track();
        if !loading.get_untracked() {
            loading.set(true); // Retry: downloading again.
        }
        // The browser runs one thread: the download never leaves it.
        let pending = load();
        Suspend::new(leptos::__reexports::send_wrapper::SendWrapper::new(
            async move {
                let body = match pending.await {
                    Ok(body) => body,
                    Err(_) => load_failed(attempt),
                };
                loading.set(false);
                body
            },
        ))
    };
    view! {
        {move || loading.get().then(|| view! { <p class="field-help" role="status">"Loading…"</p> })}
        {body}
    }
}

/// The body shown when a blade's file could not be downloaded.
fn load_failed(attempt: RwSignal<u32>) -> AnyView {
    view! {
        <div class="banner warning" role="alert">
            <p>"This blade could not be loaded: its part of the portal was not downloaded. Check the network connection; if a new version of the portal was installed meanwhile, reload the page."</p>
            <button type="button" class="button" on:click=move |_| attempt.update(|n| *n += 1)>"Retry"</button>
        </div>
    }
    .into_any()
}

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
        Blade::AllResources => show!(all_resources(open)),
        Blade::Galleries => show!(galleries(open)),
        Blade::SharedWithMe => show!(shared_with_me(open)),
        Blade::CreateGallery => show!(create_gallery(replace)),
        Blade::CreateImage(gallery) => show!(create_image(gallery.clone(), replace)),
        Blade::CreateVersion(image) => show!(create_version(image.clone(), replace)),
        Blade::Resource(id) => show!(resource(id.clone(), open, close)),
        Blade::ResourceGroup(id) => show!(resource_group(id.clone(), open)),
        Blade::Sources => show!(sources()),
        Blade::Subscriptions => show!(subscriptions(open)),
        Blade::ExportImport => show!(export_import()),
        Blade::AccessControl(scope) => show!(access_control(scope.clone(), open)),
        Blade::AddRoleAssignment(scope) => show!(add_role_assignment(scope.clone(), close)),
        Blade::Directory => show!(directory(open)),
        Blade::Replication(id) => show!(replication(id.clone())),
        Blade::DeployPlanner(image) => show!(planner(image.clone())),
        Blade::Cost => show!(cost()),
        Blade::Templates => show!(templates()),
        Blade::ActivityLog => show!(activity_log()),
    }
}
