//! A text box with a list of suggestions under it, as the WAI-ARIA combobox
//! pattern has it: the input owns a listbox, ArrowDown/ArrowUp move the
//! active option (`aria-activedescendant`), Enter chooses it, Escape closes
//! the list (not the blade behind it). The owner computes the options from
//! the text, so one component serves the top bar's search and the IAM
//! member picker.

use leptos::ev;
use leptos::html;
use leptos::prelude::*;

/// One suggestion.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ComboOption {
    /// What the owner knows it by.
    pub key: String,
    /// Its name.
    pub label: String,
    /// Its kind and where it lives, shown on the right.
    pub detail: String,
}

/// The combobox.
#[component]
pub fn Combobox(
    /// The input's id (the listbox is `{id}-list`, option `i` is `{id}-option-{i}`).
    #[prop(into)]
    id: String,
    /// The visible label (or, with `hide_label`, the accessible name only).
    label: &'static str,
    /// The label is for screen readers only (the top bar's search).
    #[prop(optional)]
    hide_label: bool,
    /// Placeholder text.
    #[prop(into, optional)]
    placeholder: String,
    /// The text typed, two-way.
    query: RwSignal<String>,
    /// The suggestions for the current text.
    #[prop(into)]
    options: Signal<Vec<ComboOption>>,
    /// Runs when a suggestion is chosen (click, or Enter on the active one).
    on_choose: Callback<ComboOption>,
    /// A handle on the input, for focusing it from elsewhere.
    #[prop(optional)]
    input: Option<NodeRef<html::Input>>,
    /// `aria-keyshortcuts` of the input.
    #[prop(optional)]
    shortcut: Option<&'static str>,
    /// The input's class.
    #[prop(into, optional)]
    class: String,
) -> impl IntoView {
    let input = input.unwrap_or_default();
    let open = RwSignal::new(false);
    let active = RwSignal::new(0usize);
    let list_id = format!("{id}-list");
    let option_id = {
        let id = id.clone();
        move |index: usize| format!("{id}-option-{index}")
    };
    let choose = move |option: ComboOption| {
        open.set(false);
        on_choose.run(option);
    };
    let on_key = move |event: ev::KeyboardEvent| {
        let count = options.with(Vec::len);
        match event.key().as_str() {
            "ArrowDown" if count > 0 => {
                event.prevent_default();
                if open.get_untracked() {
                    active.update(|a| *a = (*a + 1) % count);
                }
                open.set(true);
            }
            "ArrowUp" if count > 0 => {
                event.prevent_default();
                open.set(true);
                active.update(|a| *a = (*a + count - 1) % count);
            }
            "Enter" if open.get_untracked() => {
                let at = active.get_untracked().min(count.saturating_sub(1));
                if let Some(option) = options.with(|o| o.get(at).cloned()) {
                    event.prevent_default();
                    choose(option);
                }
            }
            "Escape" if open.get_untracked() && count > 0 => {
                event.prevent_default();
                open.set(false);
            }
            _ => {}
        }
    };
    let expanded = move || open.get() && options.with(|o| !o.is_empty());
    // The list can change without typing (a choice clears the text, the world changes): the
    // active option stays one that is listed.
    Effect::new(move |_| {
        let count = options.with(Vec::len);
        if active.get_untracked() >= count {
            active.set(0);
        }
    });
    let active_id = {
        let option_id = option_id.clone();
        move || expanded().then(|| option_id(active.get()))
    };
    let items = move || {
        options
            .get()
            .into_iter()
            .enumerate()
            .map(|(index, option)| {
                let chosen = option.clone();
                view! {
                    <li
                        id=option_id(index)
                        role="option"
                        aria-selected=move || if active.get() == index { "true" } else { "false" }
                        class:active=move || active.get() == index
                        // mousedown, not click: the input's blur would close the list first.
                        on:mousedown=move |ev: ev::MouseEvent| {
                            ev.prevent_default();
                            choose(chosen.clone());
                        }
                    >
                        <span class="hit-label">{option.label}</span>
                        <span class="hit-detail">{option.detail}</span>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <div class="combobox">
            <label for=id.clone() class:visually-hidden=hide_label>{label}</label>
            <input
                id=id
                class=class
                node_ref=input
                type="search"
                role="combobox"
                autocomplete="off"
                placeholder=placeholder
                aria-keyshortcuts=shortcut
                aria-autocomplete="list"
                aria-controls=list_id.clone()
                aria-expanded=move || if expanded() { "true" } else { "false" }
                aria-activedescendant=active_id
                prop:value=move || query.get()
                on:input=move |ev| {
                    query.set(event_target_value(&ev));
                    active.set(0);
                    open.set(true);
                }
                on:focus=move |_| open.set(true)
                on:blur=move |_| open.set(false)
                on:keydown=on_key
            />
            <Show when=expanded>
                <ul id=list_id.clone() role="listbox" aria-label=format!("{label}: suggestions") class="search-results">
                    {items.clone()}
                </ul>
            </Show>
        </div>
    }
}
