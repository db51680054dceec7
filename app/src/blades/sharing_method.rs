//! "Sharing method", as the portal's gallery wizard and a gallery's Sharing
//! page offer it: Role based access control (RBAC), RBAC + share directly,
//! RBAC + share to public community gallery (with the publisher information a
//! community gallery shows). The rules are the core's (`sig_core::sharing`);
//! this only builds the `sharingProfile` the user chose.

use leptos::prelude::*;
use serde_json::{json, Value};
use sig_core::sharing::Permission;

use crate::components::{unique_id, TextField};

/// The choices of one sharing-method form.
#[derive(Clone, Copy)]
pub struct SharingMethod {
    /// The chosen method.
    pub permission: RwSignal<Permission>,
    /// "Publisher URL" (`publisherUri`).
    pub publisher_uri: RwSignal<String>,
    /// "Publisher email" (`publisherContact`).
    pub publisher_contact: RwSignal<String>,
    /// "Legal agreement URL" (`eula`).
    pub eula: RwSignal<String>,
    /// "Community gallery prefix" (`publicNamePrefix`).
    pub prefix: RwSignal<String>,
}

impl SharingMethod {
    /// A form starting at `permission`.
    pub fn new(permission: Permission) -> Self {
        SharingMethod {
            permission: RwSignal::new(permission),
            publisher_uri: RwSignal::new(String::new()),
            publisher_contact: RwSignal::new(String::new()),
            eula: RwSignal::new(String::new()),
            prefix: RwSignal::new(String::new()),
        }
    }

    /// The `sharingProfile` to send: `None` for RBAC only (the seed's default,
    /// left out of the request as the portal does).
    pub fn profile(self) -> Option<Value> {
        match self.permission.get() {
            Permission::Private => None,
            Permission::Groups => Some(json!({ "permissions": "Groups" })),
            Permission::Community => Some(json!({
                "permissions": "Community",
                "communityGalleryInfo": {
                    "publisherUri": self.publisher_uri.get().trim(),
                    "publisherContact": self.publisher_contact.get().trim(),
                    "eula": self.eula.get().trim(),
                    "publicNamePrefix": self.prefix.get().trim(),
                }
            })),
        }
    }
}

/// The paths of the community fields, for placing the core's errors.
const PREFIX: &[&str] = &["properties.sharingProfile.communityGalleryInfo.publicNamePrefix"];
const CONTACT: &[&str] = &["properties.sharingProfile.communityGalleryInfo.publisherContact"];
const URI: &[&str] = &["properties.sharingProfile.communityGalleryInfo.publisherUri"];
const EULA: &[&str] = &["properties.sharingProfile.communityGalleryInfo.eula"];

/// The radio group and, for a community gallery, its publisher fields.
/// `errors_at` gives the core's errors for a set of paths.
#[component]
pub fn SharingMethodFields(
    /// The form's choices.
    method: SharingMethod,
    /// The methods offered (the wizard offers all three).
    offered: Vec<Permission>,
    /// The core's errors at some paths.
    errors_at: Callback<&'static [&'static str], Vec<String>>,
    /// Show errors before the fields are touched (after "Review + create").
    #[prop(into, optional)]
    reveal: Signal<bool>,
) -> impl IntoView {
    let name = unique_id("sharing");
    let help = |p: Permission| {
        match p {
        Permission::Private => "Share the gallery, or individual image definitions, with users, groups and service principals of any tenant through Azure role assignments. We recommend sharing at the gallery level.",
        Permission::Groups => "Besides RBAC, share the gallery directly with up to 30 subscriptions and 5 tenants; their users find it under \"Shared with me\". A directly shared gallery can't hold encrypted image versions.",
        Permission::Community => "Besides RBAC, publish the gallery to every Azure user once you share it to the community. Its publisher information is public; encrypted images are not supported.",
    }
    };
    let radios = offered
        .into_iter()
        .map(|p| {
            let id = format!("{name}-{}", p.as_str());
            view! {
                <div class="field-check">
                    <input type="radio" id=id.clone() name=name.clone()
                        prop:checked=move || method.permission.get() == p
                        on:change=move |_| method.permission.set(p)/>
                    <label for=id>{p.portal_label()}</label>
                </div>
                <p class="field-help">{help(p)}</p>
            }
        })
        .collect_view();
    let err = move |paths: &'static [&'static str]| Signal::derive(move || errors_at.run(paths));
    view! {
        <fieldset class="field">
            <legend>"Sharing method"</legend>
            {radios}
        </fieldset>
        <Show when=move || method.permission.get() == Permission::Community>
            <h3>"Community gallery"</h3>
            <TextField label="Community gallery prefix" value=method.prefix required=true errors=err(PREFIX) reveal=reveal
                help="5 to 16 letters or digits; a GUID is appended to make the gallery's public name."/>
            <TextField label="Publisher email" value=method.publisher_contact required=true errors=err(CONTACT) reveal=reveal input_type="email"/>
            <TextField label="Publisher URL" value=method.publisher_uri required=true errors=err(URI) reveal=reveal input_type="url"/>
            <TextField label="Legal agreement URL" value=method.eula required=true errors=err(EULA) reveal=reveal input_type="url"
                help="Don't put secrets, passwords or SAS URIs in this URL: it is public."/>
        </Show>
    }
}
