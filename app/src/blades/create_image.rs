//! "Create a VM image definition": Basics → Publishing options → Tags → Review + create.

use leptos::prelude::*;
use serde_json::{json, Map, Value};
use sig_core::command::image_id;
use sig_core::ids::{GalleryResourceId, IMAGE_TYPE};
use sig_core::Command;

use super::options;
use crate::components::{
    number_or_text, tags_json, CheckField, CreateDraft, SelectField, TextArea, TextField, Wizard,
    WizardSteps,
};
use crate::route::Blade;
use crate::store::Store;

const BASICS: &[&str] = &[
    "name",
    "id",
    "location",
    "properties.osType",
    "properties.osState",
    "properties.hyperVGeneration",
    "properties.identifier",
    "properties.features",
];
const PUBLISHING: &[&str] = &[
    "properties.description",
    "properties.eula",
    "properties.privacyStatementUri",
    "properties.releaseNoteUri",
    "properties.endOfLifeDate",
    "properties.recommended",
    "properties.disallowed",
];
/// Disk types the portal offers to disallow.
const DISK_TYPES: &[&str] = &[
    "Standard_LRS",
    "StandardSSD_LRS",
    "StandardSSD_ZRS",
    "Premium_LRS",
    "Premium_ZRS",
    "PremiumV2_LRS",
    "UltraSSD_LRS",
];

/// Adds `key: value` when the text is not blank.
fn put_text(map: &mut Map<String, Value>, key: &str, text: &str) {
    if !text.trim().is_empty() {
        map.insert(key.into(), json!(text.trim()));
    }
}

/// `{min, max}` of the fields that are not blank, nothing when both are.
fn range(min: &str, max: &str) -> Option<Value> {
    let mut object = Map::new();
    for (key, text) in [("min", min), ("max", max)] {
        if !text.trim().is_empty() {
            object.insert(key.into(), number_or_text(text));
        }
    }
    (!object.is_empty()).then_some(Value::Object(object))
}

/// The definition create wizard, inside the gallery `gallery`.
#[component]
pub fn CreateImage(gallery: String, replace: Callback<Blade>) -> impl IntoView {
    let store = expect_context::<Store>();
    let Some(parent @ GalleryResourceId::Gallery(_)) = GalleryResourceId::parse(&gallery) else {
        return view! { <p class="banner error" role="alert">"This link does not name a gallery: "{gallery}</p> }.into_any();
    };
    let gallery_region = store
        .world
        .with_untracked(|w| w.gallery(&gallery).map(|g| g.location.as_str().to_string()));
    let gallery_name = parent.name().to_string();
    let (subscription, resource_group) = options::scope_of(&parent);

    let region = RwSignal::new(gallery_region.unwrap_or_else(|| "eastus".into()));
    let name = RwSignal::new(String::new());
    let os_type = RwSignal::new("Linux".to_string());
    let generation = RwSignal::new("V2".to_string());
    let os_state = RwSignal::new("Generalized".to_string());
    let security = RwSignal::new(String::new());
    let publisher = RwSignal::new(String::new());
    let offer = RwSignal::new(String::new());
    let sku = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let eula = RwSignal::new(String::new());
    let privacy = RwSignal::new(String::new());
    let release_notes = RwSignal::new(String::new());
    let end_of_life = RwSignal::new(String::new());
    let cpu_min = RwSignal::new(String::new());
    let cpu_max = RwSignal::new(String::new());
    let mem_min = RwSignal::new(String::new());
    let mem_max = RwSignal::new(String::new());
    let disallowed: Vec<(&'static str, RwSignal<bool>)> = DISK_TYPES
        .iter()
        .map(|t| (*t, RwSignal::new(false)))
        .collect();
    let tags = RwSignal::new(Vec::<(String, String)>::new());
    let WizardSteps { active, reveal } = WizardSteps::new(4);

    let (sub, rg, gal) = (subscription, resource_group.clone(), gallery_name.clone());
    let id = Memo::new(move |_| image_id(&sub, &rg, &gal, name.get().trim()));
    let disallowed_for_body = disallowed.clone();
    let body = Memo::new(move |_| {
        let mut properties = Map::new();
        properties.insert("osType".into(), json!(os_type.get()));
        properties.insert("osState".into(), json!(os_state.get()));
        properties.insert("hyperVGeneration".into(), json!(generation.get()));
        properties.insert(
            "identifier".into(),
            json!({"publisher": publisher.get().trim(), "offer": offer.get().trim(), "sku": sku.get().trim()}),
        );
        if !security.get().is_empty() {
            properties.insert(
                "features".into(),
                json!([{"name": "SecurityType", "value": security.get()}]),
            );
        }
        put_text(&mut properties, "description", &description.get());
        put_text(&mut properties, "eula", &eula.get());
        put_text(&mut properties, "privacyStatementUri", &privacy.get());
        put_text(&mut properties, "releaseNoteUri", &release_notes.get());
        put_text(&mut properties, "endOfLifeDate", &end_of_life.get());
        let mut recommended = Map::new();
        if let Some(r) = range(&cpu_min.get(), &cpu_max.get()) {
            recommended.insert("vCPUs".into(), r);
        }
        if let Some(r) = range(&mem_min.get(), &mem_max.get()) {
            recommended.insert("memory".into(), r);
        }
        if !recommended.is_empty() {
            properties.insert("recommended".into(), Value::Object(recommended));
        }
        let disks: Vec<&str> = disallowed_for_body
            .iter()
            .filter(|(_, on)| on.get())
            .map(|(t, _)| *t)
            .collect();
        if !disks.is_empty() {
            properties.insert("disallowed".into(), json!({"diskTypes": disks}));
        }
        json!({"location": region.get(), "tags": tags_json(&tags.get()), "properties": properties})
    });
    let draft = CreateDraft::new(store, id, name, body, IMAGE_TYPE, |id, resource| {
        Command::CreateImage { id, resource }
    });
    let verdict = draft.verdict;
    let field = move |paths| verdict.errors_at(paths);

    let regions = Signal::derive(options::source_regions);
    let basics = view! {
        <h3>"Instance details"</h3>
        <p class="field-help">"Gallery: " {gallery_name.clone()} " (" {resource_group.clone()} ")"</p>
        <SelectField label="Region" value=region options=regions required=true errors=field(&["location"]) reveal=reveal/>
        <TextField label="VM image definition name" value=name required=true errors=field(&["name", "id"]) reveal=reveal
            help="Letters, numbers, dots, dashes and underscores; must start with a letter or number."/>
        <SelectField label="Operating system" value=os_type required=true
            options=Signal::derive(|| options::fixed(&[("Linux", "Linux"), ("Windows", "Windows")]))
            errors=field(&["properties.osType"])/>
        <SelectField label="VM generation" value=generation required=true
            options=Signal::derive(|| options::fixed(&[("V1", "Gen 1"), ("V2", "Gen 2")]))
            errors=field(&["properties.hyperVGeneration"])/>
        <SelectField label="Security type" value=security
            options=Signal::derive(|| options::fixed(&[
                ("", "Standard"),
                ("TrustedLaunchSupported", "Trusted launch supported"),
                ("TrustedLaunch", "Trusted launch"),
                ("ConfidentialVMSupported", "Confidential VM supported"),
                ("ConfidentialVM", "Confidential"),
                ("TrustedLaunchAndConfidentialVmSupported", "Trusted launch and confidential VM supported"),
            ]))
            errors=field(&["properties.features"])/>
        <SelectField label="Operating system state" value=os_state required=true
            options=Signal::derive(|| options::fixed(&[("Generalized", "Generalized"), ("Specialized", "Specialized")]))
            errors=field(&["properties.osState"])/>
        <h3>"Image definition identifier"</h3>
        <TextField label="Publisher" value=publisher required=true errors=field(&["properties.identifier.publisher", "properties.identifier"]) reveal=reveal/>
        <TextField label="Offer" value=offer required=true errors=field(&["properties.identifier.offer"]) reveal=reveal/>
        <TextField label="SKU" value=sku required=true errors=field(&["properties.identifier.sku"]) reveal=reveal/>
    }
    .into_any();
    let disallowed_view = disallowed
        .iter()
        .map(|(t, on)| view! { <CheckField label=*t checked=*on/> })
        .collect_view();
    let publishing = view! {
        <TextArea label="Description" value=description errors=field(&["properties.description"])/>
        <TextField label="Eula" value=eula errors=field(&["properties.eula"]) input_type="url"/>
        <TextField label="Privacy statement URI" value=privacy errors=field(&["properties.privacyStatementUri"]) input_type="url"/>
        <TextField label="Release notes URI" value=release_notes errors=field(&["properties.releaseNoteUri"]) input_type="url"/>
        <TextField label="End of life date" value=end_of_life errors=field(&["properties.endOfLifeDate"]) input_type="date"/>
        <h3>"Recommended VM vCPUs and memory"</h3>
        <div class="field-row">
            <TextField label="vCPUs (minimum)" value=cpu_min input_type="number" errors=field(&["properties.recommended.vCPUs.min", "properties.recommended.vCPUs"])/>
            <TextField label="vCPUs (maximum)" value=cpu_max input_type="number" errors=field(&["properties.recommended.vCPUs.max"])/>
        </div>
        <div class="field-row">
            <TextField label="Memory in MB (minimum)" value=mem_min input_type="number" errors=field(&["properties.recommended.memory.min", "properties.recommended.memory"])/>
            <TextField label="Memory in MB (maximum)" value=mem_max input_type="number" errors=field(&["properties.recommended.memory.max"])/>
        </div>
        <fieldset class="field">
            <legend>"Disallowed disk types"</legend>
            {disallowed_view}
        </fieldset>
    }
    .into_any();
    let summary = Signal::derive(move || {
        vec![
            ("Gallery", gallery_name.clone()),
            ("Name", name.get()),
            ("Region", options::region_display(&region.get())),
            ("Operating system", os_type.get()),
            ("VM generation", generation.get()),
            ("Operating system state", os_state.get()),
            ("Publisher", publisher.get()),
            ("Offer", offer.get()),
            ("SKU", sku.get()),
            ("End of life date", end_of_life.get()),
        ]
    });
    let tabs = draft.tabs(
        vec![
            ("Basics", BASICS, basics),
            ("Publishing options", PUBLISHING, publishing),
        ],
        tags,
        summary,
    );
    view! { <Wizard tabs active valid=verdict.valid() on_create=draft.on_create(replace)/> }
        .into_any()
}
