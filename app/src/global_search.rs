//! The top bar's search, as the Azure portal's: one box for services (the
//! portal menu's blades) and resources (what the signed-in principal may
//! read, by name), focused from anywhere with "/" (a [`Combobox`]).

use leptos::ev;
use leptos::prelude::*;

use crate::blades::readable_rows;
use crate::components::{ComboOption, Combobox};
use crate::route::{Blade, BladeStack};
use crate::store::Store;

/// Services listed at most, then resources at most: a short list to scan,
/// as the portal shows.
const MAX_SERVICES: usize = 5;
const MAX_RESOURCES: usize = 8;

/// One result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hit {
    /// What it shows.
    pub label: String,
    /// Its kind ("Service", "Azure compute gallery", …) and where it lives.
    pub detail: String,
    /// What opens.
    pub blade: Blade,
}

/// Services whose title contains `query` (case-insensitive), in menu order.
pub fn service_hits(services: &[Blade], query: &str) -> Vec<Hit> {
    let needle = query.trim().to_lowercase();
    if needle.is_empty() {
        return Vec::new();
    }
    services
        .iter()
        .filter(|b| b.title().to_lowercase().contains(&needle))
        .take(MAX_SERVICES)
        .map(|b| Hit {
            label: b.title(),
            detail: "Service".into(),
            blade: b.clone(),
        })
        .collect()
}

/// The search box and its results; `services` are the portal menu's blades.
#[component]
pub fn GlobalSearch(stack: RwSignal<BladeStack>, services: &'static [Blade]) -> impl IntoView {
    let store = expect_context::<Store>();
    let query = RwSignal::new(String::new());
    let input = NodeRef::<leptos::html::Input>::new();
    // Every resource the principal may read, built only while searching
    // (a memo is computed when read), filtered per keystroke.
    let resources = Memo::new(move |_| readable_rows(store, false));
    let hits = Memo::new(move |_| {
        let q = query.get();
        let needle = q.trim().to_lowercase();
        if needle.is_empty() {
            return Vec::new();
        }
        let mut out = service_hits(services, &q);
        resources.with(|list| {
            out.extend(
                list.iter()
                    .filter(|r| r.search.contains(&needle))
                    .take(MAX_RESOURCES)
                    .map(|r| Hit {
                        label: r.name.clone(),
                        detail: format!("{} · {}", r.kind, r.group),
                        blade: Blade::Resource(r.id.clone()),
                    }),
            )
        });
        out
    });
    let options = Signal::derive(move || {
        hits.with(|hits| {
            hits.iter()
                .enumerate()
                .map(|(index, hit)| ComboOption {
                    key: index.to_string(),
                    label: hit.label.clone(),
                    detail: hit.detail.clone(),
                })
                .collect::<Vec<_>>()
        })
    });
    let go = Callback::new(move |option: ComboOption| {
        let hit = option
            .key
            .parse::<usize>()
            .ok()
            .and_then(|i| hits.with_untracked(|h| h.get(i).cloned()));
        if let Some(hit) = hit {
            stack.update(|s| s.navigate(hit.blade));
        }
        query.set(String::new());
        if let Some(el) = input.get_untracked() {
            let _ = el.blur();
        }
    });
    // "/" anywhere outside a text field focuses the search, as in the portal.
    let slash = window_event_listener(ev::keydown, move |event| {
        if event.key() != "/" || event.ctrl_key() || event.meta_key() || event.alt_key() {
            return;
        }
        let typing = document().active_element().is_some_and(|el| {
            matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
                || el.get_attribute("contenteditable").is_some()
        });
        if !typing {
            if let Some(el) = input.get_untracked() {
                event.prevent_default();
                let _ = el.focus();
            }
        }
    });
    on_cleanup(move || slash.remove());
    view! {
        <div class="global-search" role="search">
            <Combobox
                id="global-search"
                label="Search resources and services"
                hide_label=true
                placeholder="Search resources and services (/)"
                query
                options
                on_choose=go
                input
                shortcut="/"
            />
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn services_match_anywhere_in_their_title_and_nothing_for_blank() {
        let services = [
            Blade::Home,
            Blade::AllResources,
            Blade::Galleries,
            Blade::SharedWithMe,
        ];
        let labels = |q: &str| -> Vec<String> {
            service_hits(&services, q)
                .into_iter()
                .map(|h| h.label)
                .collect()
        };
        assert_eq!(labels("GALL"), ["Azure compute galleries"]);
        assert_eq!(labels("res"), ["All resources"]);
        assert!(labels("  ").is_empty());
    }
}
