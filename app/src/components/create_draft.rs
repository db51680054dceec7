//! What every create wizard shares: the steps it walks through, and the
//! resource it drafts (id, ARM body, create command, the core's verdict on
//! it, the ARM JSON shown for review and the "Create" that opens the result).

use std::sync::Arc;

use leptos::prelude::*;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use sig_core::{Command, Diagnostic};

use super::{Review, TagsEditor, Verdict, WizardTab};
use crate::route::Blade;
use crate::store::Store;

/// A number field's value as JSON: a number when it parses, the trimmed text
/// otherwise (so the core reports it).
pub fn number_or_text(text: &str) -> Value {
    let text = text.trim();
    text.parse::<i64>()
        .map_or_else(|_| json!(text), |n| json!(n))
}

/// The resource a wizard will create, as ARM prints it: its body with the
/// `id`, `name` and `type` the request URL gives it.
pub fn arm_json(mut body: Value, id: String, name: &str, resource_type: &str) -> String {
    if let Some(object) = body.as_object_mut() {
        object.insert("id".into(), json!(id));
        object.insert("name".into(), json!(name.trim()));
        object.insert("type".into(), json!(resource_type));
    }
    serde_json::to_string_pretty(&body).unwrap_or_default()
}

/// Runs a wizard's create command and, when the core accepts it, replaces
/// the wizard with the new resource's overview (as the portal's "Go to
/// resource"); a refusal stays on the wizard, reported by the store.
pub fn create_and_open(
    store: Store,
    command: Option<Command>,
    id: String,
    replace: Callback<Blade>,
) {
    if let Some(command) = command {
        if store.dispatch(command).is_ok() {
            replace.run(Blade::Resource(id));
        }
    }
}

/// The steps of a create wizard: the open tab, and whether fields already
/// show what is missing (once the user has reached "Review + create").
#[derive(Clone, Copy)]
pub struct WizardSteps {
    /// The open tab.
    pub active: RwSignal<usize>,
    /// The review tab is open: required fields say they are empty.
    pub reveal: Signal<bool>,
}

impl WizardSteps {
    /// A wizard of `tabs` tabs, the last one "Review + create", opened on the first.
    pub fn new(tabs: usize) -> Self {
        let active = RwSignal::new(0usize);
        let review = tabs.saturating_sub(1);
        WizardSteps {
            active,
            reveal: Signal::derive(move || active.get() == review),
        }
    }
}

type MakeCommand = Arc<dyn Fn() -> Option<Command> + Send + Sync>;

/// A resource a wizard creates: its id, ARM body, the create command built
/// from them and the core's verdict on it.
#[derive(Clone, Copy)]
pub struct CreateDraft {
    store: Store,
    /// The new resource's ARM id.
    pub id: Memo<String>,
    name: RwSignal<String>,
    body: Memo<Value>,
    resource_type: &'static str,
    command: StoredValue<MakeCommand>,
    /// The core's findings on the create, as the user types.
    pub verdict: Verdict,
}

impl CreateDraft {
    /// `make` builds the create command from the id and the parsed `body`,
    /// e.g. `|id, resource| Command::CreateGallery { id, resource }`; `name`
    /// is the name field, `resource_type` the ARM type.
    pub fn new<R: DeserializeOwned + 'static>(
        store: Store,
        id: Memo<String>,
        name: RwSignal<String>,
        body: Memo<Value>,
        resource_type: &'static str,
        make: fn(String, R) -> Command,
    ) -> Self {
        let command: MakeCommand = Arc::new(move || {
            R::deserialize(&body.get())
                .ok()
                .map(|resource| make(id.get(), resource))
        });
        let command = StoredValue::new(command);
        CreateDraft {
            store,
            id,
            name,
            body,
            resource_type,
            command,
            verdict: Verdict::new(store, move || command.with_value(|make| make())),
        }
    }

    /// Leaves out of the verdict the findings `skip` accepts (what the wizard
    /// settles another way, such as a resource group it creates first).
    pub fn ignoring(mut self, skip: impl Fn(&Diagnostic) -> bool + Send + Sync + 'static) -> Self {
        let command = self.command;
        self.verdict =
            Verdict::filtered(self.store, move || command.with_value(|make| make()), skip);
        self
    }

    /// The ARM JSON the create sends, as the review tab shows it.
    pub fn json(self) -> Signal<String> {
        Signal::derive(move || {
            arm_json(
                self.body.get(),
                self.id.get(),
                &self.name.get(),
                self.resource_type,
            )
        })
    }

    /// Sends the create and, when the core accepts it, replaces the wizard by
    /// the new resource's overview.
    pub fn create(self, replace: Callback<Blade>) {
        let command = untrack(|| self.command.with_value(|make| make()));
        create_and_open(self.store, command, self.id.get_untracked(), replace);
    }

    /// The wizard's "Create" ([`CreateDraft::create`]).
    pub fn on_create(self, replace: Callback<Blade>) -> Callback<()> {
        Callback::new(move |()| self.create(replace))
    }

    /// The wizard's tabs: `steps` as `(title, the paths its fields show
    /// errors for, content)`, each marked when the core reports errors there,
    /// then "Tags" and "Review + create" (the summary, the ARM JSON and the
    /// core's findings; marked when there are errors no step shows).
    pub fn tabs(
        self,
        steps: Vec<(&'static str, &'static [&'static str], AnyView)>,
        tags: RwSignal<Vec<(String, String)>>,
        summary: Signal<Vec<(&'static str, String)>>,
    ) -> Vec<WizardTab> {
        let verdict = self.verdict;
        let claimed = steps
            .iter()
            .flat_map(|(_, paths, _)| paths.iter().copied())
            .collect();
        let mut tabs: Vec<WizardTab> = steps
            .into_iter()
            .map(|(title, paths, content)| WizardTab {
                title,
                errors: verdict.errors_at(paths),
                content,
            })
            .collect();
        let diagnostics = verdict.diagnostics;
        tabs.push(WizardTab {
            title: "Tags",
            errors: Signal::derive(Vec::new),
            content: view! { <TagsEditor tags/> }.into_any(),
        });
        tabs.push(WizardTab {
            title: "Review + create",
            errors: verdict.unplaced(claimed),
            content: view! { <Review summary json=self.json() diagnostics=Signal::derive(move || diagnostics.get())/> }
                .into_any(),
        });
        tabs
    }
}
