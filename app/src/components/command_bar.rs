//! A resource page's command bar: one row of text buttons; what does not fit
//! goes into a "…" (More) menu.

use leptos::ev;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// One command: its text, why the core refuses it (disabled, with that
/// reason) and what it does.
#[derive(Clone)]
pub struct CommandItem {
    /// The button's text (its accessible name).
    pub label: &'static str,
    /// Why the action is refused (`Store::denied`), `None` when allowed.
    pub denied: Signal<Option<String>>,
    /// Runs the action.
    pub run: Callback<()>,
}

/// How many commands fit in one row of a window `width` px wide (the portal
/// menu and the resource menu take the rest); the others go into "…".
pub fn inline_count(width: f64) -> usize {
    if width < 1280.0 {
        3
    } else if width < 1600.0 {
        5
    } else {
        usize::MAX
    }
}

fn window_width() -> f64 {
    window()
        .inner_width()
        .ok()
        .and_then(|w| w.as_f64())
        .unwrap_or(1280.0)
}

/// Moves focus among the menu's items: `step` +1 / -1, or to the first (`None`
/// with `last = false`) or last item.
fn focus_item(menu: &web_sys::Element, step: Option<i32>, last: bool) {
    let Ok(items) = menu.query_selector_all("[role=menuitem]") else {
        return;
    };
    let count = items.length() as i32;
    if count == 0 {
        return;
    }
    let active = document().active_element();
    let current = (0..count).find(|i| {
        items
            .item(*i as u32)
            .zip(active.as_ref())
            .is_some_and(|(node, active)| node.is_same_node(Some(active.as_ref())))
    });
    let next = match (step, current) {
        (Some(step), Some(i)) => (i + step).rem_euclid(count),
        (Some(_), None) | (None, _) if !last => 0,
        _ => count - 1,
    };
    if let Some(element) = items
        .item(next as u32)
        .and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = element.focus();
    }
}

/// The bar: a `toolbar` named `label` with the first commands as buttons and
/// a "More commands" button opening a `menu` with the rest (arrow keys,
/// Home/End move, Enter runs, Escape or Tab closes).
#[component]
pub fn CommandBar(
    /// The toolbar's accessible name.
    label: &'static str,
    /// The commands, most used first.
    items: Vec<CommandItem>,
) -> impl IntoView {
    let width = RwSignal::new(window_width());
    let resize = window_event_listener(ev::resize, move |_| width.set(window_width()));
    on_cleanup(move || resize.remove());
    let open = RwSignal::new(false);
    let more = NodeRef::<leptos::html::Button>::new();
    let menu = NodeRef::<leptos::html::Div>::new();
    let items = StoredValue::new(items);
    let fits = Memo::new(move |_| inline_count(width.get()));
    let close = move |refocus: bool| {
        open.set(false);
        if refocus {
            if let Some(button) = more.get_untracked() {
                let _ = button.focus();
            }
        }
    };
    let open_menu = move |last: bool| {
        open.set(true);
        request_animation_frame(move || {
            if let Some(menu) = menu.get_untracked() {
                focus_item(&menu, None, last);
            }
        });
    };
    let inline = move || {
        items
            .get_value()
            .into_iter()
            .take(fits.get())
            .map(|item| {
                let denied = item.denied;
                view! {
                    <button
                        type="button"
                        class="command"
                        disabled=move || denied.get().is_some()
                        title=move || denied.get().unwrap_or_default()
                        aria-description=move || denied.get()
                        on:click=move |_| item.run.run(())
                    >
                        {item.label}
                    </button>
                }
            })
            .collect_view()
    };
    let overflow = move || {
        let rest: Vec<CommandItem> = items.get_value().into_iter().skip(fits.get()).collect();
        (!rest.is_empty()).then(|| {
            let entries = rest
                .into_iter()
                .map(|item| {
                    let denied = item.denied;
                    view! {
                        <button
                            type="button"
                            role="menuitem"
                            tabindex="-1"
                            aria-disabled=move || denied.get().is_some().then_some("true")
                            title=move || denied.get().unwrap_or_default()
                            aria-description=move || denied.get()
                            on:click=move |_| {
                                if denied.get_untracked().is_none() {
                                    close(false);
                                    item.run.run(());
                                }
                            }
                        >
                            {item.label}
                        </button>
                    }
                })
                .collect_view();
            view! {
                <div
                    class="command-more"
                    on:focusout=move |ev: ev::FocusEvent| {
                        let inside = ev
                            .related_target()
                            .and_then(|t| t.dyn_into::<web_sys::Node>().ok())
                            .zip(ev.current_target().and_then(|t| t.dyn_into::<web_sys::Node>().ok()))
                            .is_some_and(|(to, wrapper)| wrapper.contains(Some(&to)));
                        if !inside {
                            open.set(false);
                        }
                    }
                >
                    <button
                        type="button"
                        class="command"
                        node_ref=more
                        aria-label="More commands"
                        title="More commands"
                        aria-haspopup="menu"
                        aria-expanded=move || if open.get() { "true" } else { "false" }
                        on:click=move |_| if open.get_untracked() { close(false) } else { open_menu(false) }
                        on:keydown=move |ev: ev::KeyboardEvent| match ev.key().as_str() {
                            "ArrowDown" => { ev.prevent_default(); open_menu(false) }
                            "ArrowUp" => { ev.prevent_default(); open_menu(true) }
                            "Escape" if open.get_untracked() => { ev.prevent_default(); close(true) }
                            _ => {}
                        }
                    >
                        "…"
                    </button>
                    <div
                        class="command-menu"
                        role="menu"
                        aria-label="More commands"
                        node_ref=menu
                        hidden=move || !open.get()
                        on:keydown=move |ev: ev::KeyboardEvent| {
                            let Some(element) = menu.get_untracked() else { return };
                            match ev.key().as_str() {
                                "ArrowDown" => { ev.prevent_default(); focus_item(&element, Some(1), false) }
                                "ArrowUp" => { ev.prevent_default(); focus_item(&element, Some(-1), false) }
                                "Home" => { ev.prevent_default(); focus_item(&element, None, false) }
                                "End" => { ev.prevent_default(); focus_item(&element, None, true) }
                                "Escape" => { ev.prevent_default(); close(true) }
                                "Tab" => open.set(false),
                                _ => {}
                            }
                        }
                    >
                        {entries}
                    </div>
                </div>
            }
        })
    };
    view! {
        <div class="command-bar" role="toolbar" aria-label=label>
            {inline}
            {overflow}
        </div>
    }
}
