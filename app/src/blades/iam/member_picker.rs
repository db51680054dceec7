//! The Members step of "Add role assignment", as the portal's "Select
//! members": a searchable combobox over the users, guests, groups and
//! service principals of the scope's directory (the core's
//! `visibility::assignable_principals`), the chosen member shown under it,
//! and "Invite external user", which makes the guest in place through the
//! core's `InviteGuest` command and chooses it.

use leptos::prelude::*;
use sig_core::protocol::requests::GuestInvitation;
use sig_core::Command;

use super::PICKER_LIMIT;
use crate::components::{unique_id, AlertList, ComboOption, Combobox, EngineWaiting, TextField};
use crate::store::{refusal, Store};

/// `(object id, "name <upn> · kind · tenant")` as an option: the name on
/// the left, the kind and tenant on the right.
fn option(id: &str, text: &str) -> ComboOption {
    let (label, detail) = text.split_once(" · ").unwrap_or((text, ""));
    ComboOption {
        key: id.to_string(),
        label: label.to_string(),
        detail: detail.to_string(),
    }
}

/// The choices containing `query` (case-insensitive), at most [`PICKER_LIMIT`].
pub fn matching(choices: &[(String, String)], query: &str) -> Vec<ComboOption> {
    let needle = query.trim().to_lowercase();
    choices
        .iter()
        .filter(|(_, text)| needle.is_empty() || text.to_lowercase().contains(&needle))
        .take(PICKER_LIMIT)
        .map(|(id, text)| option(id, text))
        .collect()
}

/// The picker; `chosen` is the member's object id (empty: none yet).
#[component]
pub fn MemberPicker(
    /// The role assignment's scope (its directory is searched and invited into).
    scope: String,
    /// Every principal that may be picked, `(object id, text)`.
    choices: Memo<Vec<(String, String)>>,
    /// The chosen member's object id, two-way.
    chosen: RwSignal<String>,
) -> impl IntoView {
    let store = expect_context::<Store>();
    let query = RwSignal::new(String::new());
    let options = Signal::derive(move || choices.with(|all| matching(all, &query.get())));
    let pick = Callback::new(move |option: ComboOption| {
        chosen.set(option.key);
        query.set(String::new());
    });
    let chosen_text = move || {
        let id = chosen.get();
        choices.with(|all| {
            all.iter()
                .find(|(key, _)| *key == id)
                .map(|(_, text)| text.clone())
        })
    };
    let inviting = RwSignal::new(false);
    let guest = RwSignal::new(String::new());
    let problems = RwSignal::new(Vec::<String>::new());
    let tenant = store
        .world
        .with_untracked(|w| sig_core::access::tenant_of_scope(w, &scope))
        .unwrap_or_default();
    let invite = move || {
        let command = Command::InviteGuest(GuestInvitation {
            tenant_id: tenant.clone(),
            user: guest.get_untracked().trim().to_string(),
            id: None,
        });
        match store.dispatch(command) {
            Ok(events) => {
                problems.set(Vec::new());
                // The guest the core created: the event names its object.
                let made = events.first().and_then(|e| {
                    choices.with_untracked(|c| {
                        c.iter().map(|(id, _)| id.clone()).find(|id| {
                            e.id.to_ascii_lowercase()
                                .ends_with(&id.to_ascii_lowercase())
                        })
                    })
                });
                if let Some(id) = made {
                    chosen.set(id);
                }
                guest.set(String::new());
                inviting.set(false);
            }
            Err(error) => problems.set(vec![refusal(&error)]),
        }
    };
    let invite = StoredValue::new(invite);
    view! {
        <Combobox
            id=unique_id("member")
            label="Member"
            placeholder="Search by name or email address"
            query
            options
            on_choose=pick
        />
        <p class="field-help" role="status">
            {move || match chosen_text() {
                Some(text) => format!("Selected member: {text}"),
                None => "No member selected.".to_string(),
            }}
        </p>
        <button type="button" class="button" aria-expanded=move || if inviting.get() { "true" } else { "false" }
            on:click=move |_| inviting.update(|o| *o = !*o)>
            "Invite external user"
        </button>
        <Show when=move || inviting.get()>
            <form class="inline-form" aria-label="Invite external user"
                on:submit=move |ev| { ev.prevent_default(); invite.with_value(|f| f()) }>
                <p class="field-help">"A user of another directory gets a guest account in this scope's directory, and is chosen as the member."</p>
                <TextField label="Guest's user principal name" value=guest help="The user's sign-in name in their own tenant."/>
                <AlertList messages=problems/>
                <button type="submit" class="button primary" disabled=move || store.engine_waiting().is_some()>"Invite"</button>
                <EngineWaiting/>
            </form>
        </Show>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_show_the_name_left_and_the_kind_right_and_are_searched_in_full() {
        let choices = vec![
            (
                "1".to_string(),
                "Carol <carol@fabrikam.com> · Guest · Contoso".to_string(),
            ),
            ("2".to_string(), "Readers · Group · Contoso".to_string()),
        ];
        let found = matching(&choices, "GUEST");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].label, "Carol <carol@fabrikam.com>");
        assert_eq!(found[0].detail, "Guest · Contoso");
        assert_eq!(matching(&choices, "").len(), 2);
        assert!(matching(&choices, "nobody").is_empty());
    }
}
