//! Forms that send one command to the core: its verdict, its authorization,
//! its refusal and the form around it, written once for every such form.

use std::sync::Arc;

use leptos::prelude::*;
use sig_core::{Command, Diagnostic};

use super::{AlertList, GuardedButton, Verdict};
use crate::store::Store;

/// Runs a form's `command` as the signed-in principal; on refusal puts the
/// core's messages in `problems` (shown by [`AlertList`]). True when it ran.
pub fn run_command(store: Store, problems: RwSignal<Vec<String>>, command: Command) -> bool {
    run_command_keeping(store, problems, command, |_| true)
}

/// As [`run_command`], keeping only the refusal's findings `keep` accepts
/// (forms that show warnings elsewhere keep only the errors).
pub fn run_command_keeping(
    store: Store,
    problems: RwSignal<Vec<String>>,
    command: Command,
    keep: impl Fn(&Diagnostic) -> bool,
) -> bool {
    run_showing(store, problems, command, |found| {
        found
            .into_iter()
            .filter(|d| keep(d))
            .map(|d| d.message)
            .collect()
    })
}

/// As [`run_command`], keeping the refusal's findings whole (forms that
/// place them next to the fields their paths name).
pub fn run_command_findings(
    store: Store,
    findings: RwSignal<Vec<Diagnostic>>,
    command: Command,
) -> bool {
    run_showing(store, findings, command, |found| found)
}

/// Dispatches `command`; clears `shown` when the core accepts it, else puts
/// `show` of the refusal's findings there.
fn run_showing<T: Send + Sync + 'static>(
    store: Store,
    shown: RwSignal<Vec<T>>,
    command: Command,
    show: impl FnOnce(Vec<Diagnostic>) -> Vec<T>,
) -> bool {
    match store.dispatch(command) {
        Ok(_) => {
            shown.set(Vec::new());
            true
        }
        Err(e) => {
            shown.set(show(e.diagnostics));
            false
        }
    }
}

type MakeCommand = Arc<dyn Fn() -> Option<Command> + Send + Sync>;

/// What every form that sends one command shares: the command it would send
/// now, the one the core authorizes, and the core's last refusal.
#[derive(Clone, Copy)]
pub struct CommandForm {
    store: Store,
    command: StoredValue<MakeCommand>,
    authorize: StoredValue<MakeCommand>,
    /// The core's messages for the last refused submit.
    pub problems: RwSignal<Vec<String>>,
}

impl CommandForm {
    /// `command`: what a submit would send now (`None` while incomplete).
    pub fn new(
        store: Store,
        command: impl Fn() -> Option<Command> + Send + Sync + 'static,
    ) -> Self {
        let command: MakeCommand = Arc::new(command);
        CommandForm {
            store,
            command: StoredValue::new(command.clone()),
            authorize: StoredValue::new(command),
            problems: RwSignal::new(Vec::new()),
        }
    }

    /// Authorize a different command than the one sent (a placeholder name
    /// before one is typed, since the core authorizes at the new resource's scope).
    pub fn authorizing(
        self,
        command: impl Fn() -> Option<Command> + Send + Sync + 'static,
    ) -> Self {
        self.authorize.set_value(Arc::new(command));
        self
    }

    /// Why the signed-in principal may not send it (tracked), as `Store::denied`.
    pub fn denied(self) -> Signal<Option<String>> {
        Signal::derive(move || {
            // Waits for the rule engine even while the form is incomplete.
            if let Some(why) = self.store.engine_waiting() {
                return Some(why.into());
            }
            let command = self.authorize.with_value(|make| make());
            command.and_then(|c| self.store.denied(&c))
        })
    }

    /// The core's as-you-type verdict (builds a memo: call it once per form).
    pub fn verdict(self) -> Verdict {
        Verdict::new(self.store, move || self.command.with_value(|make| make()))
    }

    /// Sends the command (read untracked); clears `problems` and returns true
    /// when the core accepted it, else shows why.
    pub fn submit(self) -> bool {
        match untrack(|| self.command.with_value(|make| make())) {
            Some(command) => run_command(self.store, self.problems, command),
            None => false,
        }
    }
}

/// A `<form>` sending one command: an optional heading, the core's refusal,
/// the fields, and a submit button disabled with the core's reason.
#[component]
pub fn CommandFormView(
    /// The form's state.
    form: CommandForm,
    /// The form's accessible name ("Add a user").
    #[prop(into)]
    label: String,
    /// A visible heading ("New user").
    #[prop(into, optional)]
    title: MaybeProp<String>,
    /// The submit button's text.
    #[prop(into)]
    submit: String,
    /// Runs after an accepted submit (clears the fields).
    #[prop(into, optional)]
    on_done: Option<Callback<()>>,
    /// Disables the button with the core's reason when it would refuse
    /// (a form anyone may send leaves it plain).
    #[prop(default = true)]
    guarded: bool,
    /// The fields.
    children: Children,
) -> impl IntoView {
    // A form anyone may send still waits for the rule engine.
    let denied = if guarded {
        form.denied()
    } else {
        form.store.engine_denied()
    };
    view! {
        <form
            aria-label=label
            on:submit=move |ev| {
                ev.prevent_default();
                if form.submit() {
                    if let Some(done) = on_done {
                        done.run(());
                    }
                }
            }
        >
            {title.get_untracked().map(|t| view! { <h3>{t}</h3> })}
            <AlertList messages=form.problems/>
            {children()}
            <GuardedButton denied kind="submit">{submit}</GuardedButton>
        </form>
    }
}
