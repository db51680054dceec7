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

/// How many commands, `widths` px wide each (gaps included), fit in a bar
/// `available` px wide: all of them if they do, else as many as fit beside
/// the "…" button (`more` px), which takes the others.
pub fn fit_count(available: f64, widths: &[f64], more: f64) -> usize {
    if widths.iter().sum::<f64>() <= available {
        return widths.len();
    }
    let mut used = more;
    widths
        .iter()
        .take_while(|w| {
            used += **w;
            used <= available
        })
        .count()
}

/// The gap between commands (the stylesheet's `gap`).
const GAP: f64 = 2.0;
/// The "…" button's width, with its gap.
const MORE_WIDTH: f64 = 40.0;

/// The width of each command as the bar lays it out, read from a hidden
/// copy that shows them all.
fn measured_widths(sizer: &web_sys::Element) -> Vec<f64> {
    let Ok(buttons) = sizer.query_selector_all("button") else {
        return Vec::new();
    };
    (0..buttons.length())
        .filter_map(|i| buttons.item(i)?.dyn_into::<web_sys::HtmlElement>().ok())
        .map(|b| f64::from(b.offset_width()) + GAP)
        .collect()
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
    let open = RwSignal::new(false);
    let more = NodeRef::<leptos::html::Button>::new();
    let menu = NodeRef::<leptos::html::Div>::new();
    let bar = NodeRef::<leptos::html::Div>::new();
    let sizer = NodeRef::<leptos::html::Div>::new();
    let labels: Vec<&'static str> = items.iter().map(|i| i.label).collect();
    let items = StoredValue::new(items);
    // The bar's width and the commands' widths, measured: what fits depends
    // on the blade, the menus beside it and the font, not on the window.
    let available = RwSignal::new(f64::INFINITY);
    let widths = RwSignal::new(Vec::<f64>::new());
    let measure = move || {
        if let (Some(bar), Some(sizer)) = (bar.get_untracked(), sizer.get_untracked()) {
            available.set(f64::from(bar.client_width()));
            // Measured again while every width is just the gap: the bar was hidden then.
            if widths.with_untracked(|w| w.iter().all(|w| *w <= GAP)) {
                widths.set(measured_widths(&sizer));
            }
        }
    };
    type Watch = (
        web_sys::ResizeObserver,
        wasm_bindgen::closure::Closure<dyn FnMut()>,
    );
    let observer = StoredValue::new_local(None::<Watch>);
    Effect::new(move |_| {
        let Some(element) = bar.get() else { return };
        measure();
        observer.update_value(|w| {
            if let Some((watch, _)) = w.take() {
                watch.disconnect();
            }
        });
        let callback = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(measure);
        if let Ok(watch) = web_sys::ResizeObserver::new(callback.as_ref().unchecked_ref()) {
            watch.observe(&element);
            observer.set_value(Some((watch, callback)));
        }
    });
    on_cleanup(move || {
        // Disconnected before its callback is dropped with the bar.
        observer.try_with_value(|w| {
            if let Some((watch, _)) = w {
                watch.disconnect();
            }
        });
    });
    let fits = Memo::new(move |_| {
        widths.with(|w| {
            if w.is_empty() {
                usize::MAX
            } else {
                fit_count(available.get(), w, MORE_WIDTH)
            }
        })
    });
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
        <div class="command-bar" role="toolbar" aria-label=label node_ref=bar>
            {inline}
            {overflow}
            // Every command laid out once, unseen, to measure them.
            <div class="command-sizer" aria-hidden="true" inert node_ref=sizer>
                {labels.into_iter().map(|l| view! { <button type="button" class="command" tabindex="-1">{l}</button> }).collect_view()}
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::fit_count;

    #[test]
    fn commands_fit_in_full_or_beside_the_more_button() {
        let widths = [100.0, 60.0, 80.0, 120.0];
        // (available, how many stay in the bar)
        let cases = [
            (1000.0, 4), // all fit: no "…"
            (360.0, 4),  // exactly
            (359.0, 3),  // "…" (40) + 100 + 60 + 80 = 280
            (279.0, 2),
            (200.0, 2),
            (199.0, 1),
            (139.0, 0), // only "…"
            (0.0, 0),
        ];
        for (available, fits) in cases {
            assert_eq!(fit_count(available, &widths, 40.0), fits, "{available}");
        }
        assert_eq!(fit_count(10.0, &[], 40.0), 0);
    }
}
