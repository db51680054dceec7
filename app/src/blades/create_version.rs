//! "Create a VM image version": Basics → Replication → Tags → Review + create.

use leptos::prelude::*;
use serde_json::{json, Map, Value};
use sig_core::command::version_id;
use sig_core::ids::{GalleryResourceId, VERSION_TYPE};
use sig_core::regions::RegionName;
use sig_core::sources::{Source, SourceKind};
use sig_core::Command;

use super::options;
use crate::components::{
    errors_at, number_or_text, run_command, tags_json, AlertList, CheckField, CreateDraft,
    GuardedButton, SelectField, TextField, Wizard, WizardSteps,
};
use crate::route::Blade;
use crate::store::Store;

const BASICS: &[&str] = &[
    "name",
    "id",
    "location",
    "properties.storageProfile",
    "properties.publishingProfile.source",
    "properties.publishingProfile.excludeFromLatest",
    "properties.publishingProfile.endOfLifeDate",
];
const REPLICATION: &[&str] = &[
    "properties.publishingProfile.replicationMode",
    "properties.publishingProfile.replicaCount",
    "properties.publishingProfile.targetRegions",
    "properties.publishingProfile.storageAccountType",
];

/// Storage account types a region can hold replicas in.
pub const STORAGE_TYPES: &[(&str, &str)] = &[
    ("Standard_LRS", "Standard_LRS"),
    ("Standard_ZRS", "Standard_ZRS"),
    ("Premium_LRS", "Premium_LRS"),
];

/// One row of the target-regions table.
#[derive(Clone, Debug, PartialEq)]
pub struct TargetRow {
    /// Region name.
    pub region: String,
    /// Replica count as typed.
    pub replicas: String,
    /// Storage account type.
    pub storage: String,
}

/// The `targetRegions` array for the rows.
pub fn target_regions_json(rows: &[TargetRow]) -> Value {
    Value::Array(
        rows.iter()
            .map(|r| {
                json!({
                    "name": r.region,
                    "regionalReplicaCount": number_or_text(&r.replicas),
                    "storageAccountType": r.storage,
                })
            })
            .collect(),
    )
}

/// The image sources a version can be made from, as `(id, label)`.
fn source_choices(store: &Store) -> Vec<(String, String)> {
    store.world.with(|w| {
        let mut choices = vec![(String::new(), "Select a source".to_string())];
        let viewer = store.viewer();
        choices.extend(w.sources().filter(|s| viewer.sees_source(w, s)).map(|s| {
            let name = s.id.rsplit('/').next().unwrap_or(&s.id).to_string();
            let kind = match s.kind {
                SourceKind::ManagedImage => "Managed image",
                SourceKind::Snapshot => "Snapshot",
                SourceKind::ManagedDisk => "Managed disk",
                SourceKind::VirtualMachine => "Virtual machine",
                SourceKind::VhdBlob => "VHD",
                SourceKind::GalleryImageVersion => "Image version",
            };
            (
                s.id.clone(),
                format!("{kind}: {name} ({})", s.location.display_name()),
            )
        }));
        choices.extend(
            w.versions()
                .filter(|v| viewer.sees_resource(w, &v.id.to_string()))
                .map(|v| {
                    let id = v.id.to_string();
                    (
                        id.clone(),
                        format!(
                            "Image version: {}/{}/{} ({})",
                            v.id.image.gallery.gallery,
                            v.id.image.image,
                            v.id.version,
                            v.location.display_name()
                        ),
                    )
                }),
        );
        choices
    })
}

/// "Create new" under the Source picker, as in the portal: a managed image
/// made in place, in the definition's subscription and resource group, with
/// its OS type, state and generation, in the version's region. It is the
/// simulator's `CreateSource` command; the new image is then the source.
#[derive(Clone, Copy)]
struct NewSource {
    store: Store,
    open: RwSignal<bool>,
    name: RwSignal<String>,
    size: RwSignal<String>,
    problems: RwSignal<Vec<String>>,
    scope: StoredValue<(String, String, String)>,
    region: RwSignal<String>,
    chosen: RwSignal<String>,
}

impl NewSource {
    fn new(
        store: Store,
        subscription: &str,
        group: &str,
        image: &str,
        region: RwSignal<String>,
        chosen: RwSignal<String>,
    ) -> Self {
        NewSource {
            store,
            open: RwSignal::new(false),
            name: RwSignal::new(String::new()),
            size: RwSignal::new("30".to_string()),
            problems: RwSignal::new(Vec::new()),
            scope: StoredValue::new((subscription.into(), group.into(), image.into())),
            region,
            chosen,
        }
    }

    fn create(self) {
        let (sub, rg, image) = self.scope.get_value();
        let name = self.name.get_untracked().trim().to_string();
        let Ok(size) = self.size.get_untracked().trim().parse::<u32>() else {
            self.problems.set(vec![
                "The OS disk size must be a whole number of GiB.".into()
            ]);
            return;
        };
        let Some(location) = RegionName::new(&self.region.get_untracked()) else {
            self.problems
                .set(vec!["Choose the version's region first.".into()]);
            return;
        };
        let like = self.store.world.with_untracked(|w| {
            w.image(&image)
                .map(|i| (i.os_type, i.os_state, i.hyper_v_generation))
        });
        let id = format!(
            "/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Compute/images/{name}"
        );
        let source = Source {
            id: id.clone(),
            kind: SourceKind::ManagedImage,
            location,
            os_type: like.map(|l| l.0),
            os_state: like.map(|l| l.1),
            hyper_v_generation: like.map(|l| l.2),
            os_disk_size_gb: Some(size),
            data_disks: Vec::new(),
            storage_account_id: None,
        };
        if run_command(self.store, self.problems, Command::CreateSource(source)) {
            self.chosen.set(id);
            self.name.set(String::new());
            self.open.set(false);
        }
    }

    fn view(self) -> impl IntoView {
        view! {
            <button type="button" class="link" aria-expanded=move || if self.open.get() { "true" } else { "false" }
                on:click=move |_| self.open.update(|o| *o = !*o)>"Create new"</button>
            <Show when=move || self.open.get()>
                <fieldset class="inline-form">
                    <legend>"New managed image (simulated source)"</legend>
                    <p class="field-help">"Made in this definition's resource group, with its OS type, state and generation, in the version's region."</p>
                    <TextField label="Managed image name" value=self.name required=true/>
                    <TextField label="OS disk size (GiB)" value=self.size input_type="number"/>
                    <AlertList messages=self.problems/>
                    <GuardedButton denied=self.store.engine_denied() on_click=Callback::new(move |()| self.create())>"Create source"</GuardedButton>
                </fieldset>
            </Show>
        }
    }
}

/// The `storageProfile` for a source id: whole-image sources go under
/// `source.id`, disks and snapshots under `osDiskImage.source.id`, VHDs by URI.
fn storage_profile(store: &Store, source: &str) -> Value {
    let kind = store.world.with(|w| {
        w.source(source)
            .map(|s| (s.kind, s.storage_account_id.clone()))
    });
    match kind {
        Some((SourceKind::Snapshot | SourceKind::ManagedDisk, _)) => {
            json!({"osDiskImage": {"source": {"id": source}}})
        }
        Some((SourceKind::VhdBlob, account)) => {
            json!({"osDiskImage": {"source": {"uri": source, "storageAccountId": account}}})
        }
        _ => json!({"source": {"id": source}}),
    }
}

/// The version create wizard, under the definition `image`.
#[component]
pub fn CreateVersion(image: String, replace: Callback<Blade>) -> impl IntoView {
    let store = expect_context::<Store>();
    let Some(GalleryResourceId::Image(parent)) = GalleryResourceId::parse(&image) else {
        return view! { <p class="banner error" role="alert">"This link does not name an image definition: "{image}</p> }.into_any();
    };
    let (gallery_name, image_name) = (parent.gallery.gallery.clone(), parent.image.clone());
    let (sub, rg) = options::scope_of(&GalleryResourceId::Image(parent));
    let region_default = store
        .world
        .with_untracked(|w| w.image(&image).map(|i| i.location.as_str().to_string()))
        .unwrap_or_else(|| "eastus".into());

    let region = RwSignal::new(region_default);
    let name = RwSignal::new(String::new());
    let source = RwSignal::new(String::new());
    let exclude = RwSignal::new(false);
    let end_of_life = RwSignal::new(String::new());
    let replica_count = RwSignal::new("1".to_string());
    let mode = RwSignal::new("Full".to_string());
    // A ConfidentialVM definition's versions name an encryption type in every region.
    let confidential = store.world.with_untracked(|w| {
        w.image(&image).is_some_and(|i| {
            let features = i
                .resource
                .properties
                .as_ref()
                .and_then(|p| p.features.as_ref());
            sig_core::rules::security_type(features)
                == Some(sig_core::kinds::SecurityType::ConfidentialVm)
        })
    });
    let cvm_type = RwSignal::new("EncryptedWithPmk".to_string());
    let cvm_des = RwSignal::new(String::new());
    let source_storage = RwSignal::new("Standard_LRS".to_string());
    let extra = RwSignal::new(Vec::<TargetRow>::new());
    let tags = RwSignal::new(Vec::<(String, String)>::new());
    let WizardSteps { active, reveal } = WizardSteps::new(4);

    let rows = Memo::new(move |_| {
        let mut all = vec![TargetRow {
            region: region.get(),
            replicas: replica_count.get(),
            storage: source_storage.get(),
        }];
        all.extend(extra.get());
        all
    });
    let (gal, img) = (gallery_name.clone(), image_name.clone());
    let new_source = NewSource::new(store, &sub, &rg, &image, region, source);
    let id = Memo::new(move |_| version_id(&sub, &rg, &gal, &img, name.get().trim()));
    let body = Memo::new(move |_| {
        let mut publishing = Map::new();
        let mut targets = target_regions_json(&rows.get());
        if confidential {
            let mut profile = json!({ "confidentialVMEncryptionType": cvm_type.get() });
            if !cvm_des.get().trim().is_empty() {
                profile["secureVMDiskEncryptionSetId"] = json!(cvm_des.get().trim());
            }
            for t in targets.as_array_mut().into_iter().flatten() {
                t["encryption"] = json!({ "osDiskImage": { "securityProfile": profile.clone() } });
            }
        }
        publishing.insert("targetRegions".into(), targets);
        publishing.insert("replicaCount".into(), number_or_text(&replica_count.get()));
        publishing.insert("excludeFromLatest".into(), json!(exclude.get()));
        // Sent only when chosen: Full is the default, and the field needs api-version 2021-07-01.
        if mode.get() == "Shallow" {
            publishing.insert("replicationMode".into(), json!("Shallow"));
        }
        if !end_of_life.get().trim().is_empty() {
            publishing.insert("endOfLifeDate".into(), json!(end_of_life.get().trim()));
        }
        let mut properties = Map::new();
        properties.insert("publishingProfile".into(), Value::Object(publishing));
        if !source.get().is_empty() {
            properties.insert(
                "storageProfile".into(),
                storage_profile(&store, &source.get()),
            );
        }
        json!({"location": region.get(), "tags": tags_json(&tags.get()), "properties": properties})
    });
    let draft = CreateDraft::new(store, id, name, body, VERSION_TYPE, |id, resource| {
        Command::CreateVersion { id, resource }
    });
    let verdict = draft.verdict;
    let diagnostics = verdict.diagnostics;
    let field = move |paths| verdict.errors_at(paths);

    let regions = Signal::derive(options::source_regions);
    let all_regions = Signal::derive(options::all_regions);
    let sources = Signal::derive(move || source_choices(&store));
    let basics = view! {
        <p class="field-help">"Image definition: " {gallery_name.clone()} "/" {image_name.clone()}</p>
        <SelectField label="Region" value=region options=regions required=true errors=field(&["location"]) reveal=reveal/>
        <TextField label="Version number" value=name required=true errors=field(&["name", "id"]) reveal=reveal
            help="MajorVersion.MinorVersion.Patch, for example 1.0.0"/>
        <SelectField label="Source" value=source options=sources required=true reveal=reveal
            errors=field(&["properties.storageProfile", "properties.publishingProfile.source"])/>
        {new_source.view()}
        <CheckField label="Exclude from latest" checked=exclude/>
        <TextField label="End of life date" value=end_of_life input_type="date"
            errors=field(&["properties.publishingProfile.endOfLifeDate"])/>
    }
    .into_any();
    let row_view = move |index: usize| {
        let get = move |f: fn(&TargetRow) -> String| {
            move || extra.with(|rows| rows.get(index).map(f).unwrap_or_default())
        };
        let set = move |f: fn(&mut TargetRow, String)| {
            move |ev: leptos::ev::Event| {
                let value = event_target_value(&ev);
                extra.update(|rows| {
                    if let Some(row) = rows.get_mut(index) {
                        f(row, value);
                    }
                })
            }
        };
        let n = index + 2;
        view! {
            <tr>
                <td>
                    <select aria-label=format!("Target region {n}") prop:value=get(|r| r.region.clone())
                        on:change=set(|r, v| r.region = v)>
                        {move || {
                            let current = extra.with(|rows| rows.get(index).map(|r| r.region.clone()).unwrap_or_default());
                            all_regions.get().into_iter().map(|(v, t)| {
                                let selected = v == current;
                                view! { <option value=v selected=selected>{t}</option> }
                            }).collect_view()
                        }}
                    </select>
                </td>
                <td>
                    <input aria-label=format!("Replica count {n}") type="number" prop:value=get(|r| r.replicas.clone())
                        on:input=set(|r, v| r.replicas = v)/>
                </td>
                <td>
                    <select aria-label=format!("Storage account type {n}") prop:value=get(|r| r.storage.clone())
                        on:change=set(|r, v| r.storage = v)>
                        {STORAGE_TYPES.iter().map(|(v, t)| view! { <option value=*v>{*t}</option> }).collect_view()}
                    </select>
                </td>
                <td>
                    <button type="button" class="link" aria-label=format!("Remove target region {n}")
                        on:click=move |_| extra.update(|rows| { if index < rows.len() { rows.remove(index); } })>
                        "Remove"
                    </button>
                </td>
            </tr>
        }
    };
    let mode_advice = move || {
        diagnostics.with(|all| {
            all.iter()
                .filter(|d| {
                    !d.is_error()
                        && d.path
                            .starts_with("properties.publishingProfile.replicationMode")
                })
                .map(|d| view! { <p class="field-warning">{d.message.clone()}</p> })
                .collect_view()
        })
    };
    let replication = view! {
        <SelectField label="Replication mode" value=mode
            options=Signal::derive(|| vec![("Full".to_string(), "Full".to_string()), ("Shallow".to_string(), "Shallow".to_string())])
            errors=field(&["properties.publishingProfile.replicationMode"])
            help="Shallow replication skips copying the image: the version is ready sooner, but can't serve a large number of VMs. It can't be changed after the version is created."/>
        <div aria-live="polite">{mode_advice}</div>
        {confidential.then(|| view! {
            <SelectField label="Confidential VM encryption type" value=cvm_type
                options=Signal::derive(|| options::fixed(&[
                    ("EncryptedVMGuestStateOnlyWithPmk", "VM guest state only, platform-managed key"),
                    ("EncryptedWithPmk", "OS disk and VM guest state, platform-managed key"),
                    ("EncryptedWithCmk", "OS disk and VM guest state, customer-managed key"),
                    ("NonPersistedTPM", "Non-persisted vTPM (no VM guest state)"),
                ]))
                help="The definition's SecurityType is ConfidentialVM: every target region names one. Only the home region can be targeted, unless the type is Non-persisted vTPM."/>
            <Show when=move || cvm_type.get() == "EncryptedWithCmk">
                <TextField label="Confidential disk encryption set" value=cvm_des required=true
                    help="A disk encryption set of type ConfidentialVmEncryptedWithCustomerKey (its id)."/>
            </Show>
        })}
        <TextField label="Default replica count" value=replica_count input_type="number" required=true
            errors=field(&["properties.publishingProfile.replicaCount"])
            help="Used for every target region that has no replica count of its own."/>
        <h3>"Target regions"</h3>
        <div class="field-errors" aria-live="polite">
            {move || errors_at(&diagnostics.get(), &["properties.publishingProfile.targetRegions"]).into_iter()
                .map(|e| view! { <p class="field-error">{e}</p> }).collect_view()}
        </div>
        <crate::components::ScrollRegion label="Target regions">
            <table class="grid">
                <thead>
                    <tr>
                        <th scope="col">"Region"</th>
                        <th scope="col">"Replicas"</th>
                        <th scope="col">"Storage account type"</th>
                        <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>
                    <tr>
                        <td>{move || options::region_display(&region.get())}" (source region)"</td>
                        <td>{move || replica_count.get()}" (default)"</td>
                        <td>
                            <select aria-label="Storage account type 1" prop:value=move || source_storage.get()
                                on:change=move |ev| source_storage.set(event_target_value(&ev))>
                                {STORAGE_TYPES.iter().map(|(v, t)| view! { <option value=*v>{*t}</option> }).collect_view()}
                            </select>
                        </td>
                        <td></td>
                    </tr>
                    {move || (0..extra.with(Vec::len)).map(row_view).collect_view()}
                </tbody>
            </table>
        </crate::components::ScrollRegion>
        <button type="button" class="button"
            on:click=move |_| extra.update(|rows| rows.push(TargetRow {
                region: "westus2".into(), replicas: "1".into(), storage: "Standard_LRS".into(),
            }))>
            "+ Add target region"
        </button>
    }
    .into_any();
    let summary = Signal::derive(move || {
        let targets = rows
            .get()
            .iter()
            .map(|r| {
                format!(
                    "{} ({} × {})",
                    options::region_display(&r.region),
                    r.replicas,
                    r.storage
                )
            })
            .collect::<Vec<_>>()
            .join(", ");
        vec![
            ("Image definition", format!("{gallery_name}/{image_name}")),
            ("Version number", name.get()),
            ("Region", options::region_display(&region.get())),
            ("Source", source.get()),
            (
                "Exclude from latest",
                if exclude.get() { "Yes" } else { "No" }.to_string(),
            ),
            ("End of life date", end_of_life.get()),
            ("Replication mode", mode.get()),
            ("Default replica count", replica_count.get()),
            ("Target regions", targets),
        ]
    });
    let tabs = draft.tabs(
        vec![
            ("Basics", BASICS, basics),
            ("Replication", REPLICATION, replication),
        ],
        tags,
        summary,
    );
    view! { <Wizard tabs active valid=verdict.valid() on_create=draft.on_create(replace)/> }
        .into_any()
}
