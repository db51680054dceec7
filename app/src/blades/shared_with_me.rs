//! "Shared with me": the images other publishers share with a subscription
//! the signed-in principal sees — directly (to the subscription or its
//! tenant) or with the whole community — as a consumer finds them, by the
//! reference a VM is deployed with. The list is the core's
//! (`sharing::shared_images`).

use leptos::prelude::*;
use sig_core::sharing::{shared_images, SharedKind};

use super::options;
use crate::components::{first_of, SelectField};
use crate::route::Blade;
use crate::store::Store;

/// The blade.
#[component]
pub fn SharedWithMe(open: Callback<Blade>) -> impl IntoView {
    let store = expect_context::<Store>();
    let subscriptions = options::subscription_choices(store);
    let subscription = first_of(subscriptions);
    let images = Memo::new(move |_| {
        let sub = subscription.get();
        store.world.with(|w| shared_images(w, &sub))
    });
    view! {
        <p class="field-help">"Images shared with the chosen subscription (or its tenant) through direct sharing, and community gallery images (only the latest version of a community image is listed). Use them by their reference: no role assignment on the publisher's gallery is needed."</p>
        <SelectField label="Subscription" value=subscription options=subscriptions/>
        {move || images.with(|list| {
            if list.is_empty() {
                return view! {
                    <div class="empty-state">
                        <p class="empty-title">"Nothing is shared with this subscription"</p>
                        <p>"A publisher shares a gallery directly from its Sharing page (RBAC + share directly), or publishes it to the community."</p>
                    </div>
                }
                .into_any();
            }
            view! {
                <table class="grid" aria-label="Images shared with me">
                    <thead><tr>
                        <th scope="col">"Gallery"</th><th scope="col">"Sharing"</th><th scope="col">"Image definition"</th>
                        <th scope="col">"Version"</th><th scope="col">"Reference"</th><th scope="col">"Actions"</th>
                    </tr></thead>
                    <tbody>
                        {list.iter().map(|i| {
                            let reference = i.reference.clone();
                            let label = format!("Check deployment of {reference}");
                            view! {
                                <tr>
                                    <td>{i.gallery.clone()}</td>
                                    <td>{match i.kind { SharedKind::Direct => "Direct shared gallery", SharedKind::Community => "Community gallery" }}</td>
                                    <td>{i.image.clone()}</td>
                                    <td>{i.version.clone().unwrap_or_else(|| "latest".into())}</td>
                                    <td><code>{reference.clone()}</code></td>
                                    <td><button type="button" class="button" aria-label=label
                                        on:click=move |_| open.run(Blade::DeployPlanner(reference.clone()))>"Check deployment"</button></td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            }
            .into_any()
        })}
    }
}
