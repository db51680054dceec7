//! The resource page of a gallery, image definition or image version, as in
//! the Azure portal: a resource menu (Overview, Activity log, Access control
//! (IAM), Tags, the children or Replication, Properties, Export template), a
//! command bar, and on Overview the Essentials, its children, the ARM JSON,
//! Edit (only what the core says is mutable) and Delete (with what blocks it).

use leptos::prelude::*;
use serde_json::{json, Value};
use sig_core::ids::GalleryResourceId;
use sig_core::rules::update::{UpdatePolicy, GALLERY_POLICY, IMAGE_POLICY, VERSION_POLICY};
use sig_core::{arm, Command, Diagnostic};

use sig_core::replication::aggregate;
use sig_core::replication_timeline::version_timeline;

use super::activity::ActivityLog;
use super::child_grid::ChildGrid;
use super::iam::AccessControl;
use super::move_resource::MovePanel;
use super::options;
use super::replication::Replication;
use super::templates::Templates;
use crate::components::{
    errors_at, number_or_text, run_command_findings, AlertList, BladeSubtitle, CheckField,
    CommandBar, CommandItem, GuardedButton, Model, ResourceMenu, TagsEditor, TextArea, TextField,
    Unavailable, UnavailableNotice,
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
                resource: serde::Deserialize::deserialize(&resource)?,
            },
            Kind::Image => Command::UpdateImage {
                id,
                resource: serde::Deserialize::deserialize(&resource)?,
            },
            Kind::Version => Command::UpdateVersion {
                id,
                resource: serde::Deserialize::deserialize(&resource)?,
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
                .map(|v| (Kind::Version, arm::to_value(v.resource())))
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

/// What the resource page's menu opens on its right.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Section {
    Overview,
    ActivityLog,
    AccessControl,
    Tags,
    /// Definitions of a gallery, versions of a definition.
    Children,
    /// How a gallery is shared.
    Sharing,
    Replication,
    Properties,
    ExportTemplate,
}

impl Section {
    fn label(self, kind: Kind) -> &'static str {
        match self {
            Section::Overview => "Overview",
            Section::ActivityLog => "Activity log",
            Section::AccessControl => "Access control (IAM)",
            Section::Tags => "Tags",
            Section::Children if kind == Kind::Gallery => "Definitions",
            Section::Children => "Versions",
            Section::Sharing => "Sharing",
            Section::Replication => "Replication",
            Section::Properties => "Properties",
            Section::ExportTemplate => "Export template",
        }
    }

    /// The menu of a resource of `kind`, in the portal's order.
    fn menu(kind: Kind) -> Vec<Section> {
        let per_kind = match kind {
            Kind::Gallery | Kind::Image => Section::Children,
            Kind::Version => Section::Replication,
        };
        let mut menu = vec![
            Section::Overview,
            Section::ActivityLog,
            Section::AccessControl,
            Section::Tags,
            per_kind,
        ];
        if kind == Kind::Gallery {
            menu.push(Section::Sharing);
        }
        menu.extend([Section::Properties, Section::ExportTemplate]);
        menu
    }
}

/// A resource's children: the definitions or versions grid and, for a
/// definition, its soft-deleted versions.
#[component]
fn Children(kind: Kind, id: String, open: Callback<Blade>) -> impl IntoView {
    let soft_deleted = (kind == Kind::Image)
        .then(|| view! { <super::soft_deleted::SoftDeletedVersions image=id.clone()/> });
    view! {
        <ChildGrid kind id open/>
        {soft_deleted}
    }
}

/// The resource group (its id) a gallery resource's id names.
fn parent_group(id: &str) -> String {
    GalleryResourceId::parse(id)
        .map(|g| options::scope_of(&g))
        .map(|(s, g)| format!("/subscriptions/{s}/resourceGroups/{g}"))
        .unwrap_or_default()
}

/// The id of the resource `id` is a child of (a definition's gallery, a
/// version's definition): its id without the last `/{type}/{name}`.
fn parent_of(id: &str) -> String {
    let parts: Vec<&str> = id.split('/').collect();
    parts[..parts.len().saturating_sub(2)].join("/")
}

/// Resource page of `id`: the resource menu on the left, the command bar,
/// and the chosen item (Overview: Essentials, children, JSON) on the right.
#[component]
pub fn ResourceOverview(id: String, open: Callback<Blade>, close: Callback<()>) -> impl IntoView {
    let store = expect_context::<Store>();
    let subtitle = use_context::<BladeSubtitle>().unwrap_or_default();
    let rid = id.clone();
    let current = Memo::new(move |_| lookup(&store, &rid));
    let kind = Memo::new(move |_| current.with(|c| c.as_ref().map(|c| c.0)));
    let section = RwSignal::new(Section::Overview);
    let editing = RwSignal::new(false);
    let deleting = RwSignal::new(false);
    let moving = RwSignal::new(false);
    let id = StoredValue::new(id);
    // A memo, so the page (and what it embeds) is rebuilt only when the answer changes.
    let visible = Memo::new(move |_| store.can_see(&id.get_value()));
    let choose = move |next: Section, kind: Kind| {
        // Setting the same section would rebuild its content and lose what the user set there
        // (a ticked "Show soft deleted versions", a filter).
        if section.get_untracked() != next {
            section.set(next);
        }
        subtitle
            .0
            .set((next != Section::Overview).then(|| next.label(kind).to_string()));
    };

    move || {
        let Some(kind) = kind.get() else {
            return view! { <UnavailableNotice reason=Unavailable::NotFound(id.get_value())/> }
                .into_any();
        };
        if !visible.get() {
            let reason = Unavailable::NoAccess {
                principal: store.actor.get_untracked().principal,
                what: "this resource",
            };
            return view! { <UnavailableNotice reason/> }.into_any();
        }
        let name = id
            .get_value()
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_string();
        // Each action is enabled by the core's authorization of the command it runs.
        let denied = Memo::new(move |_| {
            current
                .get()
                .map(|(kind, resource)| denials(&store, kind, &id.get_value(), &resource))
                .unwrap_or_default()
        });
        let write_denied = Signal::derive(move || denied.get().0);
        let delete_denied = Signal::derive(move || denied.get().1);
        let commands = commands(CommandContext {
            store,
            kind,
            id: id.get_value(),
            open,
            write_denied,
            delete_denied,
            edit: Callback::new(move |()| {
                choose(Section::Overview, kind);
                deleting.set(false);
                editing.set(true);
            }),
            delete: Callback::new(move |()| {
                choose(Section::Overview, kind);
                editing.set(false);
                moving.set(false);
                deleting.set(true);
            }),
            relocate: Callback::new(move |()| {
                choose(Section::Overview, kind);
                editing.set(false);
                deleting.set(false);
                moving.set(true);
            }),
            export: Callback::new(move |()| choose(Section::ExportTemplate, kind)),
        });
        let menu_items = Section::menu(kind)
            .into_iter()
            .map(|item| (item, item.label(kind)))
            .collect::<Vec<_>>();
        let content = move || {
            match section.get() {
            Section::Overview => view! {
                {move || write_denied.get().or(delete_denied.get()).map(|why| view! { <p class="field-help denied-reason">{why}</p> })}
                <Show when=move || deleting.get()>
                    <DeletePanel kind id=id.get_value() deleting close/>
                </Show>
                <Show when=move || moving.get()>
                    <MovePanel id=id.get_value() group=parent_group(&id.get_value()) moving/>
                </Show>
                <Show when=move || editing.get() fallback=move || view! {
                    {move || view! { <Essentials kind resource=current.get().map(|c| c.1).unwrap_or_default() open/> }}
                    <Children kind id=id.get_value() open/>
                }>
                    <EditPanel kind id=id.get_value() resource=current.get_untracked().map(|c| c.1).unwrap_or_default() editing/>
                </Show>
                <details class="json-view">
                    <summary>"JSON View"</summary>
                    <pre class="json" tabindex="0" role="region" aria-label="Resource JSON">{move || current.get().map(|c| serde_json::to_string_pretty(&c.1).unwrap_or_default())}</pre>
                </details>
            }
            .into_any(),
            Section::ActivityLog => view! { <ActivityLog scope=id.get_value()/> }.into_any(),
            Section::AccessControl => view! { <AccessControl scope=id.get_value() open/> }.into_any(),
            Section::Tags => view! { <TagsPanel kind id=id.get_value() current write_denied/> }.into_any(),
            Section::Children => view! { <Children kind id=id.get_value() open/> }.into_any(),
            Section::Replication => view! { <Replication id=id.get_value()/> }.into_any(),
            Section::Sharing => view! {
                <super::gallery_sharing::GallerySharing id=id.get_value() open/>
            }
            .into_any(),
            Section::Properties => view! {
                {move || view! { <Properties kind resource=current.get().map(|c| c.1).unwrap_or_default()/> }}
            }
            .into_any(),
            Section::ExportTemplate => view! { <Templates preselect=id.get_value()/> }.into_any(),
        }
        };
        view! {
            <div class="resource-page">
                <ResourceMenu name=name.clone() items=menu_items current=section
                    choose=Callback::new(move |item| choose(item, kind))/>
                <div class="resource-content">
                    <CommandBar label="Resource actions" items=commands/>
                    {content}
                </div>
            </div>
        }
        .into_any()
    }
}

/// What the command bar's commands need.
struct CommandContext {
    store: Store,
    kind: Kind,
    id: String,
    open: Callback<Blade>,
    write_denied: Signal<Option<String>>,
    delete_denied: Signal<Option<String>>,
    edit: Callback<()>,
    delete: Callback<()>,
    relocate: Callback<()>,
    export: Callback<()>,
}

/// The page's commands, most used first (the command bar moves the last
/// ones into "…" when the window is narrow).
fn commands(c: CommandContext) -> Vec<CommandItem> {
    let CommandContext {
        store,
        kind,
        id,
        open,
        ..
    } = c;
    let opens = move |blade: Blade| Callback::new(move |()| open.run(blade.clone()));
    let allowed = Signal::derive(|| None::<String>);
    let mut items = Vec::new();
    let child = id.clone();
    match kind {
        Kind::Gallery => items.push(CommandItem {
            label: "+ Add new image definition",
            denied: Signal::derive(move || {
                store.denied(&Command::CreateImage {
                    id: format!("{child}/images/new"),
                    resource: Default::default(),
                })
            }),
            run: opens(Blade::CreateImage(id.clone())),
        }),
        Kind::Image => items.push(CommandItem {
            label: "+ Add version",
            denied: Signal::derive(move || {
                store.denied(&Command::CreateVersion {
                    id: format!("{child}/versions/0.0.1"),
                    resource: Default::default(),
                })
            }),
            run: opens(Blade::CreateVersion(id.clone())),
        }),
        Kind::Version => {}
    }
    items.push(CommandItem {
        label: "Edit",
        denied: c.write_denied,
        run: c.edit,
    });
    items.push(CommandItem {
        label: "Delete",
        denied: c.delete_denied,
        run: c.delete,
    });
    if kind == Kind::Gallery {
        items.push(CommandItem {
            label: "Move",
            denied: allowed,
            run: c.relocate,
        });
    }
    let scope = id.clone();
    items.push(CommandItem {
        label: "Access control (IAM)",
        denied: Signal::derive(move || store.assignments_denied(&scope)),
        run: opens(Blade::AccessControl(id.clone())),
    });
    if kind == Kind::Version {
        items.push(CommandItem {
            label: "Replication",
            denied: allowed,
            run: opens(Blade::Replication(id.clone())),
        });
    }
    if kind != Kind::Gallery {
        items.push(CommandItem {
            label: "Deploy planner",
            denied: allowed,
            run: opens(Blade::DeployPlanner(id.clone())),
        });
    }
    items.push(CommandItem {
        label: "Export template",
        denied: allowed,
        run: c.export,
    });
    items
}

/// One value of Essentials: text, something that opens (a blade), or a date.
#[derive(Clone)]
pub(super) enum Shown {
    Text(String),
    /// A value that follows the simulation clock (a replication state).
    Live(Signal<String>),
    Opens(String, Blade),
    Date(String),
}

/// A date-time in the user's locale, and its UTC ISO form; `None` when the
/// text is not a date.
fn local_date(text: &str) -> Option<(String, String)> {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(text));
    if date.get_time().is_nan() {
        return None;
    }
    Some((
        String::from(date.to_locale_string("default", &wasm_bindgen::JsValue::UNDEFINED)),
        String::from(date.to_iso_string()),
    ))
}

pub(super) fn pairs(rows: Vec<(&'static str, Shown)>, open: Callback<Blade>) -> impl IntoView {
    rows.into_iter()
        .map(|(label, value)| {
            let value = match value {
                Shown::Text(text) if text.is_empty() => view! { "--" }.into_any(),
                Shown::Text(text) => view! { <crate::components::UserText text/> }.into_any(),
                Shown::Live(value) => view! { {move || value.get()} }.into_any(),
                Shown::Opens(text, blade) => view! {
                    <button type="button" class="link" on:click=move |_| open.run(blade.clone())>{text}</button>
                }
                .into_any(),
                Shown::Date(text) => match local_date(&text) {
                    Some((local, utc)) => view! {
                        <time datetime=utc.clone() title=format!("{utc} (UTC)")>{local}</time>
                    }
                    .into_any(),
                    None if text.is_empty() => view! { "--" }.into_any(),
                    None => view! { {text} }.into_any(),
                },
            };
            view! { <dt>{label}</dt><dd>{value}</dd> }
        })
        .collect_view()
}

#[component]
fn Essentials(kind: Kind, resource: Value, open: Callback<Blade>) -> impl IntoView {
    let store = expect_context::<Store>();
    let id = text_at(&resource, "/id");
    let (subscription, group) = GalleryResourceId::parse(&id)
        .map(|id| options::scope_of(&id))
        .unwrap_or_default();
    let subscription_name = store
        .world
        .with(|w| options::subscription_name(w, &subscription));
    let mut left: Vec<(&'static str, Shown)> = vec![
        (
            "Resource group",
            Shown::Opens(
                group.clone(),
                Blade::ResourceGroup(format!(
                    "/subscriptions/{subscription}/resourceGroups/{group}"
                )),
            ),
        ),
        (
            "Location",
            Shown::Text(options::region_display(&text_at(&resource, "/location"))),
        ),
        (
            "Subscription",
            Shown::Opens(subscription_name, Blade::Subscriptions),
        ),
        ("Subscription ID", Shown::Text(subscription)),
        ("Type", Shown::Text(kind.label().to_string())),
    ];
    let parent = parent_of(&id);
    let parent_name = parent.rsplit('/').next().unwrap_or_default().to_string();
    match kind {
        Kind::Gallery => {}
        Kind::Image => left.push((
            "Gallery",
            Shown::Opens(parent_name, Blade::Resource(parent)),
        )),
        Kind::Version => left.push((
            "VM image definition",
            Shown::Opens(parent_name, Blade::Resource(parent)),
        )),
    }
    let p = |pointer: &str| text_at(&resource, pointer);
    let right: Vec<(&'static str, Shown)> = match kind {
        Kind::Gallery => vec![
            (
                "Unique name",
                Shown::Text(p("/properties/identifier/uniqueName")),
            ),
            ("Description", Shown::Text(p("/properties/description"))),
        ],
        Kind::Image => vec![
            ("Operating system", Shown::Text(p("/properties/osType"))),
            (
                "Operating system state",
                Shown::Text(p("/properties/osState")),
            ),
            (
                "Publisher",
                Shown::Text(p("/properties/identifier/publisher")),
            ),
            ("Offer", Shown::Text(p("/properties/identifier/offer"))),
            ("SKU", Shown::Text(p("/properties/identifier/sku"))),
            (
                "VM generation",
                Shown::Text(p("/properties/hyperVGeneration")),
            ),
            (
                "End of life date",
                Shown::Date(p("/properties/endOfLifeDate")),
            ),
            ("Description", Shown::Text(p("/properties/description"))),
        ],
        Kind::Version => {
            let source = version_source(&resource);
            let source = if source.is_empty() {
                Shown::Text(source)
            } else {
                let name = source.rsplit('/').next().unwrap_or_default().to_string();
                match GalleryResourceId::parse(&source) {
                    Some(_) => Shown::Opens(name, Blade::Resource(source)),
                    None => Shown::Opens(name, Blade::Sources),
                }
            };
            let state = Signal::derive(move || {
                let now = store.sim.now();
                store.world.with(|w| {
                    w.version(&id)
                        .map(|v| {
                            let lines = version_timeline(w, v, now);
                            aggregate(lines.iter().map(|l| l.status.state))
                                .as_str()
                                .to_string()
                        })
                        .unwrap_or_default()
                })
            });
            vec![
                ("Source", source),
                (
                    "Published date",
                    Shown::Date(p("/properties/publishingProfile/publishedDate")),
                ),
                ("Replication state", Shown::Live(state)),
                (
                    "Replication mode",
                    Shown::Text({
                        let mode = p("/properties/publishingProfile/replicationMode");
                        if mode.is_empty() {
                            "Full".to_string()
                        } else {
                            mode
                        }
                    }),
                ),
                (
                    "End of life date",
                    Shown::Date(p("/properties/publishingProfile/endOfLifeDate")),
                ),
                (
                    "Exclude from latest",
                    Shown::Text(p("/properties/publishingProfile/excludeFromLatest")),
                ),
            ]
        }
    };
    view! {
        <section class="essentials" aria-label="Essentials">
            <h3>"Essentials"</h3>
            <div class="essentials-columns">
                <dl class="summary">{pairs(left, open)}</dl>
                <dl class="summary">{pairs(right, open)}</dl>
            </div>
        </section>
    }
}

/// The source a version was captured from (its first non-empty source field).
fn version_source(resource: &Value) -> String {
    [
        "/properties/storageProfile/source/id",
        "/properties/storageProfile/source/virtualMachineId",
        "/properties/storageProfile/osDiskImage/source/id",
        "/properties/storageProfile/osDiskImage/source/uri",
        "/properties/publishingProfile/source/managedImage/id",
    ]
    .iter()
    .map(|ptr| text_at(resource, ptr))
    .find(|s| !s.is_empty())
    .unwrap_or_default()
}

/// Every property the page knows, read-only (the menu's Properties).
#[component]
fn Properties(kind: Kind, resource: Value) -> impl IntoView {
    let p = |pointer: &str| text_at(&resource, pointer);
    let mut rows: Vec<(&str, String)> = vec![
        ("Type", kind.label().to_string()),
        ("Resource ID", p("/id")),
        ("Name", p("/name")),
        ("Location", options::region_display(&p("/location"))),
        ("Provisioning state", p("/properties/provisioningState")),
    ];
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
            rows.push(("Source", version_source(&resource)));
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
        <section class="properties" aria-label="Properties">
            <p class="field-help">"Use Edit in the command bar to change what Azure lets you change after creation."</p>
            <dl class="summary">
                {rows.into_iter().map(|(k, v)| {
                    let v = if v.is_empty() { "--".to_string() } else { v };
                    view! { <dt>{k}</dt><dd>{v}</dd> }
                }).collect_view()}
            </dl>
        </section>
    }
}

/// The menu's Tags: the resource's tags, saved through the core's update
/// command (tags are mutable where the core's update policy says so).
#[component]
fn TagsPanel(
    kind: Kind,
    id: String,
    current: Memo<Option<(Kind, Value)>>,
    write_denied: Signal<Option<String>>,
) -> impl IntoView {
    let store = expect_context::<Store>();
    let initial: Vec<(String, String)> = current
        .get_untracked()
        .and_then(|(_, r)| r.get("tags").and_then(Value::as_object).cloned())
        .map(|tags| {
            tags.into_iter()
                .map(|(k, v)| (k, v.as_str().map_or_else(|| v.to_string(), str::to_string)))
                .collect()
        })
        .unwrap_or_default();
    let tags = RwSignal::new(initial);
    let problems = RwSignal::new(Vec::<Diagnostic>::new());
    let mutable = kind.policy().is_mutable("tags");
    let denied = Signal::derive(move || {
        write_denied.get().or_else(|| {
            (!mutable).then(|| "Azure does not let you change this resource's tags.".to_string())
        })
    });
    let save = move || {
        let Some((_, mut desired)) = current.get_untracked() else {
            return;
        };
        let object: serde_json::Map<String, Value> = tags
            .get_untracked()
            .into_iter()
            .filter(|(name, _)| !name.trim().is_empty())
            .map(|(name, value)| (name.trim().to_string(), json!(value)))
            .collect();
        if let Some(resource) = desired.as_object_mut() {
            if object.is_empty() {
                resource.remove("tags");
            } else {
                resource.insert("tags".into(), Value::Object(object));
            }
        }
        match kind.update(id.clone(), desired) {
            Ok(command) => {
                run_command_findings(store, problems, command);
            }
            Err(e) => store.notify(
                crate::store::Tone::Error,
                "Request refused".into(),
                e.to_string(),
            ),
        }
    };
    view! {
        <form class="edit-form" aria-label="Tags" on:submit=move |ev| { ev.prevent_default(); save() }>
            <AlertList messages=Signal::derive(move || problems.with(|all| all.iter().map(|d| d.message.clone()).collect::<Vec<_>>()))/>
            <TagsEditor tags read_only=Signal::derive(move || denied.get().is_some())/>
            <div class="wizard-footer">
                <GuardedButton kind="submit" class="button primary" denied>"Save"</GuardedButton>
            </div>
        </form>
    }
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
    EditableField {
        label: "Enables soft delete for image versions",
        pointer: "/properties/softDeletePolicy/isSoftDeleteEnabled",
        path: "properties.softDeletePolicy.isSoftDeleteEnabled",
        input: "checkbox",
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
            // Only what the user changed: an untouched checkbox adds no property.
            let changed = value.get_untracked() != text_at(&resource, f.pointer);
            if policy.is_mutable(f.path) && changed {
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
