//! The overview of a gallery, image definition or image version: Essentials,
//! its children, the ARM JSON, Edit (only what the core says is mutable) and
//! Delete (with what blocks it).

use leptos::prelude::*;
use serde_json::{json, Value};
use sig_core::ids::GalleryResourceId;
use sig_core::rules::update::{UpdatePolicy, GALLERY_POLICY, IMAGE_POLICY, VERSION_POLICY};
use sig_core::{arm, Command, Diagnostic};

use super::options;
use crate::components::{
    errors_at, number_or_text, run_command_findings, AlertList, CheckField, GuardedButton, Model,
    TextArea, TextField,
};
use crate::route::Blade;
use crate::store::{refusal, Store};

/// Which of the three resource kinds an overview shows.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    /// An Azure compute gallery.
    Gallery,
    /// A VM image definition.
    Image,
    /// A VM image version.
    Version,
}

impl Kind {
    fn label(self) -> &'static str {
        match self {
            Kind::Gallery => "Azure compute gallery",
            Kind::Image => "VM image definition",
            Kind::Version => "VM image version",
        }
    }
    /// The kind of a parsed gallery resource id.
    pub fn of(id: &GalleryResourceId) -> Kind {
        match id {
            GalleryResourceId::Gallery(_) => Kind::Gallery,
            GalleryResourceId::Image(_) => Kind::Image,
            GalleryResourceId::Version(_) => Kind::Version,
        }
    }
    /// The command that replaces resource `id` by the ARM JSON `resource`.
    pub fn update(self, id: String, resource: Value) -> Result<Command, serde_json::Error> {
        Ok(match self {
            Kind::Gallery => Command::UpdateGallery {
                id,
                resource: serde_json::from_value(resource)?,
            },
            Kind::Image => Command::UpdateImage {
                id,
                resource: serde_json::from_value(resource)?,
            },
            Kind::Version => Command::UpdateVersion {
                id,
                resource: serde_json::from_value(resource)?,
            },
        })
    }
    /// The command that deletes resource `id`.
    pub fn delete(self, id: String) -> Command {
        match self {
            Kind::Gallery => Command::DeleteGallery { id },
            Kind::Image => Command::DeleteImage { id },
            Kind::Version => Command::DeleteVersion { id },
        }
    }
    fn policy(self) -> &'static UpdatePolicy {
        match self {
            Kind::Gallery => &GALLERY_POLICY,
            Kind::Image => &IMAGE_POLICY,
            Kind::Version => &VERSION_POLICY,
        }
    }
}

/// The resource's current ARM JSON, or `None` when it does not exist (any more).
fn lookup(store: &Store, id: &str) -> Option<(Kind, Value)> {
    store.world.with(|w| {
        if let Some(g) = w.gallery(id) {
            Some((Kind::Gallery, arm::to_value(&g.resource)))
        } else if let Some(i) = w.image(id) {
            Some((Kind::Image, arm::to_value(&i.resource)))
        } else {
            w.version(id)
                .map(|v| (Kind::Version, arm::to_value(&v.resource)))
        }
    })
}

fn text_at(value: &Value, pointer: &str) -> String {
    match value.pointer(pointer) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

/// Why the signed-in principal may not edit or delete the resource, from the
/// core's authorization of the update and delete commands.
fn denials(
    store: &Store,
    kind: Kind,
    id: &str,
    resource: &Value,
) -> (Option<String>, Option<String>) {
    let update = kind.update(id.to_string(), resource.clone()).ok();
    let delete = kind.delete(id.to_string());
    (update.and_then(|c| store.denied(&c)), store.denied(&delete))
}

/// Overview blade for the resource `id`.
#[component]
pub fn ResourceOverview(id: String, open: Callback<Blade>, close: Callback<()>) -> impl IntoView {
    let store = expect_context::<Store>();
    let rid = id.clone();
    let current = Memo::new(move |_| lookup(&store, &rid));
    let editing = RwSignal::new(false);
    let deleting = RwSignal::new(false);
    let id = StoredValue::new(id);

    move || {
        let Some((kind, resource)) = current.get() else {
            return view! {
                <div class="empty-state" role="status">
                    <p class="empty-title">"Resource not found"</p>
                    <p>"It may have been deleted. "{id.get_value()}</p>
                </div>
            }
            .into_any();
        };
        let parsed = GalleryResourceId::parse(&id.get_value());
        let add_child = match (kind, parsed.clone()) {
            (Kind::Gallery, _) => Some((
                "+ Add new image definition",
                Blade::CreateImage(id.get_value()),
            )),
            (Kind::Image, _) => Some(("+ Add version", Blade::CreateVersion(id.get_value()))),
            _ => None,
        };
        if !store.can_see(&id.get_value()) {
            return view! {
                <div class="empty-state" role="status">
                    <p class="empty-title">"You don't have access"</p>
                    <p>{format!("{} may not read this resource.", store.actor.get().principal)}</p>
                </div>
            }
            .into_any();
        }
        // Each action is enabled by the core's authorization of the command it runs.
        let (write_denied, delete_denied) = denials(&store, kind, &id.get_value(), &resource);
        let add_denied = match kind {
            Kind::Gallery => store.denied(&Command::CreateImage {
                id: format!("{}/images/new", id.get_value()),
                resource: Default::default(),
            }),
            Kind::Image => store.denied(&Command::CreateVersion {
                id: format!("{}/versions/0.0.1", id.get_value()),
                resource: Default::default(),
            }),
            Kind::Version => None,
        };
        let insights = match kind {
            Kind::Version => vec![
                ("Replication", Blade::Replication(id.get_value())),
                ("Deploy planner", Blade::DeployPlanner(id.get_value())),
            ],
            Kind::Image => vec![("Deploy planner", Blade::DeployPlanner(id.get_value()))],
            Kind::Gallery => Vec::new(),
        };
        let action = move |label: &'static str, denied: Option<String>, run: Callback<()>| {
            view! { <GuardedButton denied show_reason=false on_click=run>{label}</GuardedButton> }
        };
        view! {
            <div class="toolbar" role="toolbar" aria-label="Resource actions">
                {add_child.map(|(label, blade)| action(label, add_denied.clone(), Callback::new(move |()| open.run(blade.clone()))))}
                {action("Edit", write_denied.clone(), Callback::new(move |()| { deleting.set(false); editing.set(true) }))}
                {action("Delete", delete_denied.clone(), Callback::new(move |()| { editing.set(false); deleting.set(true) }))}
                {super::iam::open_button(store, open, id.get_value(), None)}
                {insights.into_iter().map(|(label, blade)| view! {
                    <button type="button" class="button" on:click=move |_| open.run(blade.clone())>{label}</button>
                }).collect_view()}
            </div>
            {write_denied.or(delete_denied).map(|why| view! { <p class="field-help denied-reason">{why}</p> })}
            <Show when=move || deleting.get()>
                <DeletePanel kind id=id.get_value() deleting close/>
            </Show>
            <Show when=move || editing.get() fallback=move || view! {
                <Essentials kind resource=current.get().map(|c| c.1).unwrap_or_default()/>
                <Children kind id=id.get_value() open/>
            }>
                <EditPanel kind id=id.get_value() resource=current.get().map(|c| c.1).unwrap_or_default() editing/>
            </Show>
            <details class="json-view">
                <summary>"JSON View"</summary>
                <pre class="json" aria-label="Resource JSON">{serde_json::to_string_pretty(&resource).unwrap_or_default()}</pre>
            </details>
        }
        .into_any()
    }
}

#[component]
fn Essentials(kind: Kind, resource: Value) -> impl IntoView {
    let store = expect_context::<Store>();
    let id = text_at(&resource, "/id");
    let (subscription, group) = GalleryResourceId::parse(&id)
        .map(|id| options::scope_of(&id))
        .unwrap_or_default();
    let subscription_name = store
        .world
        .with(|w| options::subscription_name(w, &subscription));
    let mut rows: Vec<(&str, String)> = vec![
        ("Type", kind.label().to_string()),
        ("Resource group", group),
        (
            "Location",
            options::region_display(&text_at(&resource, "/location")),
        ),
        ("Subscription", subscription_name),
        ("Subscription ID", subscription),
    ];
    let p = |pointer: &str| text_at(&resource, pointer);
    match kind {
        Kind::Gallery => {
            rows.push(("Description", p("/properties/description")));
            rows.push(("Unique name", p("/properties/identifier/uniqueName")));
        }
        Kind::Image => {
            rows.push(("Operating system", p("/properties/osType")));
            rows.push(("Operating system state", p("/properties/osState")));
            rows.push(("VM generation", p("/properties/hyperVGeneration")));
            rows.push(("Publisher", p("/properties/identifier/publisher")));
            rows.push(("Offer", p("/properties/identifier/offer")));
            rows.push(("SKU", p("/properties/identifier/sku")));
            rows.push(("Description", p("/properties/description")));
            rows.push(("End of life date", p("/properties/endOfLifeDate")));
        }
        Kind::Version => {
            let source = [
                "/properties/storageProfile/source/id",
                "/properties/storageProfile/source/virtualMachineId",
                "/properties/storageProfile/osDiskImage/source/id",
                "/properties/storageProfile/osDiskImage/source/uri",
                "/properties/publishingProfile/source/managedImage/id",
            ]
            .iter()
            .map(|ptr| p(ptr))
            .find(|s| !s.is_empty())
            .unwrap_or_default();
            let targets = resource
                .pointer("/properties/publishingProfile/targetRegions")
                .and_then(Value::as_array)
                .map(|regions| {
                    regions
                        .iter()
                        .map(|r| options::region_display(&text_at(r, "/name")))
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default();
            rows.push(("Source", source));
            rows.push((
                "Default replica count",
                p("/properties/publishingProfile/replicaCount"),
            ));
            rows.push(("Target regions", targets));
            rows.push((
                "Exclude from latest",
                p("/properties/publishingProfile/excludeFromLatest"),
            ));
            rows.push((
                "Published date",
                p("/properties/publishingProfile/publishedDate"),
            ));
            rows.push((
                "End of life date",
                p("/properties/publishingProfile/endOfLifeDate"),
            ));
        }
    }
    view! {
        <section class="essentials" aria-label="Essentials">
            <h3>"Essentials"</h3>
            <dl class="summary">
                {rows.into_iter().map(|(k, v)| {
                    let v = if v.is_empty() { "--".to_string() } else { v };
                    view! { <dt>{k}</dt><dd>{v}</dd> }
                }).collect_view()}
            </dl>
        </section>
    }
}

#[component]
fn Children(kind: Kind, id: String, open: Callback<Blade>) -> impl IntoView {
    let store = expect_context::<Store>();
    let children = move || {
        store.world.with(|w| match GalleryResourceId::parse(&id) {
            Some(GalleryResourceId::Gallery(g)) if kind == Kind::Gallery => w
                .images_of(&g)
                .map(|i| {
                    (
                        i.id.to_string(),
                        i.name.to_string(),
                        format!("{} · {}", i.os_type.as_str(), i.os_state.as_str()),
                    )
                })
                .collect::<Vec<_>>(),
            Some(GalleryResourceId::Image(i)) if kind == Kind::Image => {
                let mut versions: Vec<_> = w.versions_of(&i).collect();
                versions.sort_by(|a, b| b.name.cmp(&a.name));
                versions
                    .into_iter()
                    .map(|v| {
                        (
                            v.id.to_string(),
                            v.name.to_string(),
                            v.location.display_name().to_string(),
                        )
                    })
                    .collect()
            }
            _ => Vec::new(),
        })
    };
    let heading = match kind {
        Kind::Gallery => "Definitions",
        Kind::Image => "Versions",
        Kind::Version => return ().into_any(),
    };
    view! {
        <section class="children" aria-label=heading>
            <h3>{heading}</h3>
            {move || {
                let list = children();
                if list.is_empty() {
                    view! { <p class="field-help">"None yet."</p> }.into_any()
                } else {
                    view! {
                        <ul class="child-list">
                            {list.into_iter().map(|(child, name, detail)| view! {
                                <li>
                                    <button type="button" class="link" on:click=move |_| open.run(Blade::Resource(child.clone()))>{name}</button>
                                    <span class="field-help">" "{detail}</span>
                                </li>
                            }).collect_view()}
                        </ul>
                    }
                    .into_any()
                }
            }}
        </section>
    }
    .into_any()
}

#[component]
fn DeletePanel(
    kind: Kind,
    id: String,
    deleting: RwSignal<bool>,
    close: Callback<()>,
) -> impl IntoView {
    let store = expect_context::<Store>();
    let command = kind.delete(id.clone());
    let blocked = store.preview(&command).err();
    let name = id.rsplit('/').next().unwrap_or(&id).to_string();
    match blocked {
        Some(error) => {
            let message = refusal(&error);
            view! {
                <div role="alertdialog" aria-label="Delete blocked" class="banner error">
                    <p><strong>{format!("'{name}' can't be deleted.")}</strong></p>
                    <p>{message}</p>
                    <button type="button" class="button" on:click=move |_| deleting.set(false)>"OK"</button>
                </div>
            }
            .into_any()
        }
        None => view! {
            <div role="alertdialog" aria-label="Confirm delete" class="banner warning">
                <p>{format!("Delete {} '{name}'? This can't be undone.", kind.label())}</p>
                <button type="button" class="button danger" on:click=move |_| {
                    if store.dispatch(command.clone()).is_ok() {
                        close.run(());
                    }
                }>"Yes, delete"</button>
                <button type="button" class="button" on:click=move |_| deleting.set(false)>"Cancel"</button>
            </div>
        }
        .into_any(),
    }
}

/// One editable property: its label, JSON pointer and the path the core names it by.
struct EditableField {
    label: &'static str,
    pointer: &'static str,
    path: &'static str,
    input: &'static str,
}

const GALLERY_FIELDS: &[EditableField] = &[
    EditableField {
        label: "Description",
        pointer: "/properties/description",
        path: "properties.description",
        input: "textarea",
    },
    EditableField {
        label: "Region",
        pointer: "/location",
        path: "location",
        input: "text",
    },
];
const IMAGE_FIELDS: &[EditableField] = &[
    EditableField {
        label: "Description",
        pointer: "/properties/description",
        path: "properties.description",
        input: "textarea",
    },
    EditableField {
        label: "End of life date",
        pointer: "/properties/endOfLifeDate",
        path: "properties.endOfLifeDate",
        input: "text",
    },
    EditableField {
        label: "vCPUs (minimum)",
        pointer: "/properties/recommended/vCPUs/min",
        path: "properties.recommended.vCPUs.min",
        input: "number",
    },
    EditableField {
        label: "vCPUs (maximum)",
        pointer: "/properties/recommended/vCPUs/max",
        path: "properties.recommended.vCPUs.max",
        input: "number",
    },
    EditableField {
        label: "Memory in MB (minimum)",
        pointer: "/properties/recommended/memory/min",
        path: "properties.recommended.memory.min",
        input: "number",
    },
    EditableField {
        label: "Memory in MB (maximum)",
        pointer: "/properties/recommended/memory/max",
        path: "properties.recommended.memory.max",
        input: "number",
    },
    EditableField {
        label: "Publisher",
        pointer: "/properties/identifier/publisher",
        path: "properties.identifier.publisher",
        input: "text",
    },
    EditableField {
        label: "Offer",
        pointer: "/properties/identifier/offer",
        path: "properties.identifier.offer",
        input: "text",
    },
    EditableField {
        label: "SKU",
        pointer: "/properties/identifier/sku",
        path: "properties.identifier.sku",
        input: "text",
    },
    EditableField {
        label: "Operating system",
        pointer: "/properties/osType",
        path: "properties.osType",
        input: "text",
    },
    EditableField {
        label: "Operating system state",
        pointer: "/properties/osState",
        path: "properties.osState",
        input: "text",
    },
];
const VERSION_FIELDS: &[EditableField] = &[
    EditableField {
        label: "End of life date",
        pointer: "/properties/publishingProfile/endOfLifeDate",
        path: "properties.publishingProfile.endOfLifeDate",
        input: "text",
    },
    EditableField {
        label: "Default replica count",
        pointer: "/properties/publishingProfile/replicaCount",
        path: "properties.publishingProfile.replicaCount",
        input: "number",
    },
    EditableField {
        label: "Exclude from latest",
        pointer: "/properties/publishingProfile/excludeFromLatest",
        path: "properties.publishingProfile.excludeFromLatest",
        input: "checkbox",
    },
    EditableField {
        label: "Region",
        pointer: "/location",
        path: "location",
        input: "text",
    },
];

/// Writes `text` at `pointer` in `resource`, creating objects on the way;
/// numbers and booleans keep their JSON type, blank removes the property.
fn set_at(resource: &mut Value, pointer: &str, text: &str, input: &str) {
    let parts: Vec<&str> = pointer.trim_start_matches('/').split('/').collect();
    let Some((last, parents)) = parts.split_last() else {
        return;
    };
    let mut node = resource;
    for part in parents {
        if !node.get(*part).is_some_and(Value::is_object) {
            if let Some(object) = node.as_object_mut() {
                object.insert((*part).to_string(), json!({}));
            }
        }
        let Some(next) = node.get_mut(*part) else {
            return;
        };
        node = next;
    }
    let Some(object) = node.as_object_mut() else {
        return;
    };
    let text = text.trim();
    if text.is_empty() {
        object.remove(*last);
        return;
    }
    let value = match input {
        "number" => number_or_text(text),
        "checkbox" => json!(text == "true"),
        _ => json!(text),
    };
    object.insert((*last).to_string(), value);
}

#[component]
fn EditPanel(kind: Kind, id: String, resource: Value, editing: RwSignal<bool>) -> impl IntoView {
    let store = expect_context::<Store>();
    let policy = kind.policy();
    let fields = match kind {
        Kind::Gallery => GALLERY_FIELDS,
        Kind::Image => IMAGE_FIELDS,
        Kind::Version => VERSION_FIELDS,
    };
    let values: Vec<RwSignal<String>> = fields
        .iter()
        .map(|f| RwSignal::new(text_at(&resource, f.pointer)))
        .collect();
    let regional: Vec<(String, RwSignal<String>)> = resource
        .pointer("/properties/publishingProfile/targetRegions")
        .and_then(Value::as_array)
        .map(|regions| {
            regions
                .iter()
                .map(|r| {
                    (
                        text_at(r, "/name"),
                        RwSignal::new(text_at(r, "/regionalReplicaCount")),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let problems = RwSignal::new(Vec::<Diagnostic>::new());
    let field_errors =
        move |path: &'static str| Signal::derive(move || errors_at(&problems.get(), &[path]));

    let inputs = fields
        .iter()
        .zip(values.iter().copied())
        .map(|(f, value)| {
            let read_only = !policy.is_mutable(f.path);
            let read_only = Signal::derive(move || read_only);
            match f.input {
                "textarea" => view! { <TextArea label=f.label value errors=field_errors(f.path) read_only/> }.into_any(),
                "checkbox" => {
                    // The checkbox reads and writes the field's text itself.
                    let checked = Model::new(
                        Signal::derive(move || value.get() == "true"),
                        SignalSetter::map(move |on: bool| value.set(on.to_string())),
                    );
                    view! { <CheckField label=f.label checked read_only/> }.into_any()
                }
                input => view! {
                    <TextField label=f.label value errors=field_errors(f.path) read_only input_type=input.to_string()/>
                }
                .into_any(),
            }
        })
        .collect_view();
    let regional_inputs = regional
        .iter()
        .enumerate()
        .map(|(i, (region, count))| {
            let label = format!("Replicas in {}", options::region_display(region));
            let path = format!("properties.publishingProfile.targetRegions[{i}].regionalReplicaCount");
            let read_only = !policy.is_mutable(&path);
            let errors = Signal::derive(move || {
                problems
                    .get()
                    .iter()
                    .filter(|d| d.is_error() && d.path.starts_with(&format!("properties.publishingProfile.targetRegions[{i}]")))
                    .map(|d| d.message.clone())
                    .collect::<Vec<_>>()
            });
            view! { <TextField label value=*count input_type="number" errors read_only=Signal::derive(move || read_only)/> }
        })
        .collect_view();

    let save = move |_| {
        let mut desired = resource.clone();
        for (f, value) in fields.iter().zip(values.iter()) {
            if policy.is_mutable(f.path) {
                set_at(&mut desired, f.pointer, &value.get_untracked(), f.input);
            }
        }
        for (i, (_, count)) in regional.iter().enumerate() {
            set_at(
                &mut desired,
                &format!("/properties/publishingProfile/targetRegions/{i}/regionalReplicaCount"),
                &count.get_untracked(),
                "number",
            );
        }
        match kind.update(id.clone(), desired) {
            Ok(command) => {
                if run_command_findings(store, problems, command) {
                    editing.set(false);
                }
            }
            Err(e) => store.notify(
                crate::store::Tone::Error,
                "Request refused".into(),
                e.to_string(),
            ),
        }
    };
    view! {
        <form class="edit-form" aria-label="Edit" on:submit=move |ev| { ev.prevent_default(); save(()) }>
            <p class="field-help">"Only the properties Azure lets you change after creation can be edited; the others are read-only."</p>
            <AlertList messages=Signal::derive(move || problems.with(|all| all.iter().map(|d| d.message.clone()).collect::<Vec<_>>()))/>
            {inputs}
            {regional_inputs}
            <div class="wizard-footer">
                <button type="submit" class="button primary">"Save"</button>
                <button type="button" class="button" on:click=move |_| editing.set(false)>"Cancel"</button>
            </div>
        </form>
    }
}
