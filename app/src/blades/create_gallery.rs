//! "Create Azure compute gallery": Basics → Sharing method → Tags → Review + create.

use leptos::prelude::*;
use serde_json::json;
use sig_core::command::gallery_id;
use sig_core::ids::GALLERY_TYPE;
use sig_core::{Code, Command};

use super::options;
use super::sharing_method::{SharingMethod, SharingMethodFields};
use crate::components::{
    tags_json, CheckField, CreateDraft, SelectField, TextArea, TextField, Wizard, WizardSteps,
};
use crate::route::Blade;
use crate::store::{defaults, Store};
use sig_core::sharing::Permission;

const NAME_PATHS: &[&str] = &["name", "id"];
const BASICS_PATHS: &[&str] = &[
    "name",
    "id",
    "location",
    "properties.description",
    "properties.softDeletePolicy",
];
const SHARING_PATHS: &[&str] = &["properties.sharingProfile"];

/// The form's own check: a new resource group needs a name before the core
/// can be asked about it.
const NEW_GROUP_NAME_MISSING: &str = "Enter a name for the new resource group.";

/// The gallery create wizard.
#[component]
pub fn CreateGallery(replace: Callback<Blade>) -> impl IntoView {
    let store = expect_context::<Store>();
    // Only what the signed-in principal may see is offered.
    let (subscriptions, subscription, groups, resource_group) = options::scope_pickers(store);
    let new_group = RwSignal::new(false);
    let new_group_name = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let region = RwSignal::new(defaults::REGION.to_string());
    let description = RwSignal::new(String::new());
    let tags = RwSignal::new(Vec::<(String, String)>::new());
    let sharing_method = SharingMethod::new(Permission::Private);
    let soft_delete = RwSignal::new(false);
    let WizardSteps { active, reveal } = WizardSteps::new(4);

    let group = move || {
        if new_group.get() {
            new_group_name.get()
        } else {
            resource_group.get()
        }
    };
    let id = Memo::new(move |_| gallery_id(&subscription.get(), &group(), name.get().trim()));
    let body = Memo::new(move |_| {
        let mut properties = serde_json::Map::new();
        if !description.get().trim().is_empty() {
            properties.insert("description".into(), json!(description.get()));
        }
        if let Some(profile) = sharing_method.profile() {
            properties.insert("sharingProfile".into(), profile);
        }
        if soft_delete.get() {
            properties.insert(
                "softDeletePolicy".into(),
                json!({ "isSoftDeleteEnabled": true }),
            );
        }
        json!({
            "location": region.get(),
            "tags": tags_json(&tags.get()),
            "properties": properties,
        })
    });
    // A new resource group is created first, so its absence now is expected.
    let draft = CreateDraft::new(store, id, name, body, GALLERY_TYPE, |id, resource| {
        Command::CreateGallery { id, resource }
    })
    .ignoring(move |d| new_group.get() && d.code == Code::ResourceGroupNotFound);
    let verdict = draft.verdict;
    let new_group_missing = move || new_group.get() && new_group_name.get().trim().is_empty();
    let (accepted, basics_found) = (verdict.valid(), verdict.errors_at(BASICS_PATHS));
    let valid = Signal::derive(move || !new_group_missing() && accepted.get());
    let field = move |paths| verdict.errors_at(paths);
    let basics_errors = Signal::derive(move || {
        let mut found = basics_found.get();
        if new_group_missing() {
            found.insert(0, NEW_GROUP_NAME_MISSING.to_string());
        }
        found
    });

    let create = Callback::new(move |()| {
        if new_group.get_untracked() {
            let made = store.dispatch(Command::CreateResourceGroup {
                subscription_id: subscription.get_untracked(),
                name: new_group_name.get_untracked().trim().to_string(),
                location: region.get_untracked(),
            });
            if made.is_err() {
                return;
            }
        }
        draft.create(replace);
    });

    let regions = Signal::derive(options::source_regions);

    let basics = view! {
        <h3>"Project details"</h3>
        <SelectField label="Subscription" value=subscription options=subscriptions required=true/>
        {move || {
            if new_group.get() {
                view! {
                    <TextField
                        label="Resource group (new)"
                        value=new_group_name
                        required=true
                        reveal=reveal
                        errors=Signal::derive(move || {
                            if new_group_missing() { vec![NEW_GROUP_NAME_MISSING.to_string()] } else { Vec::new() }
                        })
                    />
                    <button type="button" class="link" on:click=move |_| new_group.set(false)>"Use existing"</button>
                }
                .into_any()
            } else {
                view! {
                    <SelectField label="Resource group" value=resource_group options=groups required=true/>
                    <button type="button" class="link" on:click=move |_| new_group.set(true)>"Create new"</button>
                }
                .into_any()
            }
        }}
        <h3>"Instance details"</h3>
        <TextField label="Name" value=name required=true errors=field(NAME_PATHS) reveal=reveal
            help="Letters, numbers, underscores and periods; must start and end with a letter or number; no dashes."/>
        <SelectField label="Region" value=region options=regions required=true errors=field(&["location"]) reveal=reveal/>
        <TextArea label="Description" value=description errors=field(&["properties.description"])/>
        <CheckField label="Enables soft delete for image versions" checked=soft_delete/>
        <p class="field-help">"A deleted image version is kept for 7 days and can be restored (Undelete) until then. Needs the gallery, its definitions and versions in one region, and the Owner or Compute Gallery Sharing Admin role."</p>
    }
    .into_any();
    let sharing_errors = Callback::new(move |paths: &'static [&'static str]| {
        verdict
            .diagnostics
            .with(|d| crate::components::errors_at(d, paths))
    });
    let sharing = view! {
        <SharingMethodFields
            method=sharing_method
            offered=vec![Permission::Private, Permission::Groups, Permission::Community]
            errors_at=sharing_errors
            reveal=reveal/>
    }
    .into_any();
    let summary = Signal::derive(move || {
        let sub_name = store
            .world
            .with(|w| options::subscription_name(w, &subscription.get()));
        vec![
            ("Subscription", sub_name),
            ("Resource group", group()),
            ("Name", name.get()),
            ("Region", options::region_display(&region.get())),
            ("Description", description.get()),
            (
                "Soft delete",
                if soft_delete.get() {
                    "Enabled"
                } else {
                    "Disabled"
                }
                .to_string(),
            ),
            (
                "Sharing method",
                sharing_method.permission.get().portal_label().to_string(),
            ),
        ]
    });
    let mut tabs = draft.tabs(
        vec![
            ("Basics", BASICS_PATHS, basics),
            ("Sharing method", SHARING_PATHS, sharing),
        ],
        tags,
        summary,
    );
    // A new resource group's name is checked here, not by the core.
    tabs[0].errors = basics_errors;
    view! { <Wizard tabs active valid on_create=create/> }
}
