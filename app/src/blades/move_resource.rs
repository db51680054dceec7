//! "Move" on a gallery's page, as the portal offers it: to another resource
//! group or subscription. The core previews the move (`MoveResources`) as
//! the target is picked, so the refusal — gallery resources can't move (the
//! seed's FAQ) — and what to do instead are shown before anything is sent.

use leptos::prelude::*;
use sig_core::Command;

use super::options;
use crate::components::{AlertList, EngineWaiting, SelectField};
use crate::store::{refusal, Store};

/// The move panel of the resource `id` (in resource group `group`, an id).
#[component]
pub fn MovePanel(id: String, group: String, moving: RwSignal<bool>) -> impl IntoView {
    let store = expect_context::<Store>();
    let (subscriptions, subscription, groups, target) = options::scope_pickers(store);
    let command = Memo::new(move |_| Command::MoveResources {
        source_group: group.clone(),
        resources: vec![id.clone()],
        target_resource_group: format!(
            "/subscriptions/{}/resourceGroups/{}",
            subscription.get(),
            target.get()
        ),
    });
    // While the rule engine downloads there is no verdict yet: Move waits and says why, as a
    // status (`EngineWaiting`), not as a refusal.
    let verdict = Memo::new(move |_| {
        store.world.track();
        store.actor.track();
        if store.engine_waiting().is_some() {
            return None;
        }
        store
            .preview(&command.get())
            .err()
            .map(|e| vec![refusal(&e)])
    });
    let problems = RwSignal::new(Vec::<String>::new());
    let submit = move || {
        if store.dispatch(command.get_untracked()).is_ok() {
            moving.set(false);
        } else {
            problems.set(verdict.get_untracked().unwrap_or_default());
        }
    };
    view! {
        <form class="inline-form" aria-label="Move" on:submit=move |ev| { ev.prevent_default(); submit() }>
            <h3>"Move to another resource group or subscription"</h3>
            <div class="field-row">
                <SelectField label="Subscription" value=subscription options=subscriptions/>
                <SelectField label="Resource group" value=target options=groups/>
            </div>
            <AlertList messages=Signal::derive(move || {
                let mut all = verdict.get().unwrap_or_default();
                all.extend(problems.get().into_iter().filter(|p| !all.contains(p)).collect::<Vec<_>>());
                all
            })/>
            <div class="wizard-footer">
                <button type="submit" class="button primary"
                    disabled=move || verdict.with(Option::is_some) || store.engine_waiting().is_some()>"Move"</button>
                <button type="button" class="button" on:click=move |_| moving.set(false)>"Cancel"</button>
                <EngineWaiting/>
            </div>
        </form>
    }
}
