//! The portal frame: top bar, left navigation, breadcrumb and the blade area.
//!
//! The shell owns only presentation state (which blades are open); every
//! domain decision is the core's.

use leptos::ev;
use leptos::prelude::*;

use crate::blades::export_import::export_world;
use crate::blades::BladeContent;
use crate::components::ClockControl;
use crate::persist::STATE_KEY;
use crate::route::{Blade, BladeStack};
use crate::store::{StorageNotice, Store, Tone};

/// The whole portal, mounted once at start-up (and per test).
#[component]
pub fn App() -> impl IntoView {
    let store = Store::load();
    provide_context(store);
    store.sim.run();
    let stack = RwSignal::new(BladeStack::from_hash(&current_hash()));

    // The URL fragment mirrors the stack so reloads and links reopen blades.
    Effect::new(move |_| {
        let hash = stack.with(BladeStack::to_hash);
        if current_hash() != hash {
            set_hash(&hash);
        }
    });
    // Back/forward and hand-edited URLs change the fragment under us.
    let hash_listener = window_event_listener(ev::hashchange, move |_| {
        let from_url = BladeStack::from_hash(&current_hash());
        if stack.with_untracked(|s| *s != from_url) {
            stack.set(from_url);
        }
    });
    // Escape closes the active blade, as in the Azure portal.
    let key_listener = window_event_listener(ev::keydown, move |event| {
        if event.key() == "Escape" && !event.default_prevented() {
            stack.update(BladeStack::close_active);
        }
    });
    // Another tab saved: take its newer state, so tabs never drift apart.
    // Our own pending change is saved first, so a newer one from the other tab
    // is detected (revision check) rather than silently overwriting ours.
    let storage_listener = window_event_listener(ev::storage, move |event| {
        if event.key().as_deref() == Some(STATE_KEY) {
            store.flush_save();
            store.reload_from_storage();
        }
    });
    // Leaving or hiding the page saves what is pending (saves run just after a change).
    let hide_listener = window_event_listener(ev::pagehide, move |_| store.flush_save());
    let visibility_listener = window_event_listener(ev::visibilitychange, move |_| {
        let hidden = document().visibility_state() == web_sys::VisibilityState::Hidden;
        if hidden {
            store.flush_save();
        }
    });
    on_cleanup(move || {
        hash_listener.remove();
        key_listener.remove();
        storage_listener.remove();
        hide_listener.remove();
        visibility_listener.remove();
    });

    mark_first_blade_painted();

    view! {
        <div class="portal">
            <TopBar/>
            <LeftNav stack=stack/>
            <main class="workspace">
                <StorageBanner/>
                <Breadcrumb stack=stack/>
                <BladeArea stack=stack/>
            </main>
        </div>
    }
}

#[component]
fn TopBar() -> impl IntoView {
    let sim = expect_context::<Store>().sim;
    view! {
        <header class="topbar">
            <a class="brand" href="#/home">
                <span class="brand-mark" aria-hidden="true">"◆"</span>
                <span>"SIG Portal"</span>
            </a>
            <span class="topbar-note">"Azure compute galleries, offline"</span>
            <ClockControl sim/>
            <Notifications/>
            <crate::identity::IdentitySwitcher/>
        </header>
    }
}

/// The bell: a count, a list of every notification, and a toast for the newest.
#[component]
fn Notifications() -> impl IntoView {
    let store = expect_context::<Store>();
    let open = RwSignal::new(false);
    let seen = RwSignal::new(0usize);
    let count = move || store.notifications.with(Vec::len);
    let unseen = move || count().saturating_sub(seen.get());
    // The newest notification is toasted until its 5 s are up; only the timer
    // (the outside world) writes, the toast itself is derived.
    let newest = Memo::new(move |_| store.notifications.with(|n| n.first().map(|n| n.id)));
    let expired = RwSignal::new(None::<u64>);
    let toast = Memo::new(move |_| newest.get().filter(|id| expired.get() != Some(*id)));
    Effect::new(move |_| {
        if let Some(id) = newest.get() {
            set_timeout(
                move || expired.set(Some(id)),
                std::time::Duration::from_secs(5),
            );
        }
    });
    let tone_class = |tone: Tone| match tone {
        Tone::Success => "note success",
        Tone::Error => "note error",
        Tone::Info => "note info",
    };
    view! {
        <div class="notifications">
            <button
                type="button"
                class="bell"
                aria-expanded=move || if open.get() { "true" } else { "false" }
                aria-label=move || format!("Notifications ({} new)", unseen())
                on:click=move |_| {
                    open.update(|o| *o = !*o);
                    seen.set(count());
                }
            >
                // An inline icon: emoji fonts are not on every machine (headless ones show a box).
                <svg class="bell-icon" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true">
                    <path
                        fill="currentColor"
                        d="M8 1.5a4 4 0 0 0-4 4v2.8L2.6 10.9a.5.5 0 0 0 .4.8h10a.5.5 0 0 0 .4-.8L12 8.3V5.5a4 4 0 0 0-4-4zM6.3 12.7a1.8 1.8 0 0 0 3.4 0z"
                    />
                </svg>
                {move || (unseen() > 0).then(|| view! { <span class="badge" aria-hidden="true">{unseen()}</span> })}
            </button>
            <Show when=move || open.get()>
                <section class="notification-panel" aria-label="Notifications">
                    <h2>"Notifications"</h2>
                    <button type="button" class="link" on:click=move |_| store.notifications.set(Vec::new())>"Dismiss all"</button>
                    <ul>
                        {move || store.notifications.get().into_iter().map(|n| view! {
                            <li class=tone_class(n.tone)>
                                <p class="note-title">{n.title}</p>
                                <p>{n.detail}</p>
                                <p class="note-time">{n.at}</p>
                            </li>
                        }).collect_view()}
                    </ul>
                </section>
            </Show>
            <div class="toasts" role="status" aria-live="polite">
                {move || toast.get().and_then(|id| {
                    store.notifications.with(|all| all.iter().find(|n| n.id == id).cloned())
                }).map(|n| view! {
                    <div class=tone_class(n.tone)>
                        <p class="note-title">{n.title}</p>
                        <p>{n.detail}</p>
                    </div>
                })}
            </div>
        </div>
    }
}

/// Tells the user when browser storage did not keep their work, and what to do.
#[component]
fn StorageBanner() -> impl IntoView {
    let store = expect_context::<Store>();
    move || {
        store.storage_notice.get().map(|notice| {
            let (text, offer_export) = match notice {
                StorageNotice::Unreadable(why) => (
                    format!("The saved data could not be read ({why}). It was kept aside: download it from Export and import. You are starting from an empty state."),
                    false,
                ),
                StorageNotice::NotSaved(why) => (
                    format!("Your latest changes are not saved in this browser: {why}. They are still here; export them to a file to keep them."),
                    true,
                ),
                StorageNotice::ReloadedFromOtherTab => (
                    "Another tab saved newer data, so this tab now shows it; your last change in this tab was not saved over it. Redo it if you still need it.".to_string(),
                    false,
                ),
            };
            view! {
                <div class="banner warning storage-banner" role="alert">
                    <p>{text}</p>
                    {offer_export.then(|| view! {
                        <button type="button" class="button" on:click=move |_| export_world(&store)>"Export to file"</button>
                    })}
                    <button type="button" class="button" on:click=move |_| store.storage_notice.set(None)>"Dismiss"</button>
                </div>
            }
        })
    }
}

/// The services a person can open from anywhere, as in the portal's menu.
const NAV_ITEMS: [Blade; 11] = [
    Blade::Home,
    Blade::AllResources,
    Blade::Galleries,
    Blade::Sources,
    Blade::Subscriptions,
    Blade::ExportImport,
    Blade::Directory,
    Blade::DeployPlanner(String::new()),
    Blade::Cost,
    Blade::Templates,
    Blade::ActivityLog,
];

#[component]
fn LeftNav(stack: RwSignal<BladeStack>) -> impl IntoView {
    let items = NAV_ITEMS
        .iter()
        .map(|blade| {
            let target = blade.clone();
            let href = BladeStack::from_hash(&format!("#/{}", blade.segment())).to_hash();
            let is_current = {
                let blade = blade.clone();
                move || stack.with(|s| s.blades().first() == Some(&blade))
            };
            view! {
                <li>
                    <a
                        href=href
                        class:current=is_current.clone()
                        aria-current=move || is_current().then_some("page")
                        on:click=move |event: ev::MouseEvent| {
                            event.prevent_default();
                            stack.update(|s| s.navigate(target.clone()));
                        }
                    >
                        {blade.title()}
                    </a>
                </li>
            }
        })
        .collect_view();
    view! {
        <nav class="leftnav" aria-label="Portal menu">
            <ul>{items}</ul>
        </nav>
    }
}

#[component]
fn Breadcrumb(stack: RwSignal<BladeStack>) -> impl IntoView {
    let crumbs = move || {
        let blades = stack.with(|s| s.blades().to_vec());
        let last = blades.len().saturating_sub(1);
        blades
            .into_iter()
            .enumerate()
            .map(|(index, blade)| {
                let title = blade.title();
                if index == last {
                    view! { <li><span aria-current="page">{title}</span></li> }.into_any()
                } else {
                    view! {
                        <li>
                            <button
                                type="button"
                                class="link"
                                on:click=move |_| stack.update(|s| s.close(index + 1))
                            >
                                {title}
                            </button>
                        </li>
                    }
                    .into_any()
                }
            })
            .collect_view()
    };
    view! {
        <nav class="breadcrumb" aria-label="Breadcrumb">
            <ol>{crumbs}</ol>
        </nav>
    }
}

#[component]
fn BladeArea(stack: RwSignal<BladeStack>) -> impl IntoView {
    let blades = move || {
        stack
            .with(|s| s.blades().to_vec())
            .into_iter()
            .enumerate()
            .collect::<Vec<_>>()
    };
    view! {
        <div class="blade-area">
            <Show
                when=move || stack.with(|s| !s.blades().is_empty())
                fallback=|| {
                    view! {
                        <p class="blade-area-empty">
                            "No blade is open. Choose a service in the portal menu."
                        </p>
                    }
                }
            >
                <For
                    each=blades
                    key=|(index, blade)| (*index, blade.clone())
                    children=move |(index, blade)| view! { <BladeFrame index blade stack/> }
                />
            </Show>
        </div>
    }
}

/// One blade: a landmark named by its title, with a close button.
#[component]
fn BladeFrame(index: usize, blade: Blade, stack: RwSignal<BladeStack>) -> impl IntoView {
    let title = blade.title();
    let heading_id = format!("blade-title-{index}");
    let labelled_by = heading_id.clone();
    let close_label = format!("Close {title}");
    let open = move |next: Blade| stack.update(|s| s.open_from(index, next));
    // A newly opened blade slides into view, as in the portal.
    let section = NodeRef::<leptos::html::Section>::new();
    Effect::new(move |_| {
        let is_active = stack.with(|s| s.blades().len() == index + 1);
        if let (true, Some(element)) = (is_active, section.get()) {
            let options = web_sys::ScrollIntoViewOptions::new();
            options.set_block(web_sys::ScrollLogicalPosition::Nearest);
            options.set_inline(web_sys::ScrollLogicalPosition::End);
            element.scroll_into_view_with_scroll_into_view_options(&options);
        }
    });
    view! {
        <section class="blade" aria-labelledby=labelled_by node_ref=section>
            <header class="blade-header">
                <h2 id=heading_id>{title}</h2>
                <button
                    type="button"
                    class="blade-close"
                    aria-label=close_label.clone()
                    title=close_label
                    on:click=move |_| stack.update(|s| s.close(index))
                >
                    "✕"
                </button>
            </header>
            <div class="blade-body">
                <BladeContent
                    blade
                    open=Callback::new(open)
                    replace=Callback::new(move |next| stack.update(|s| s.replace(index, next)))
                    close=Callback::new(move |()| stack.update(|s| s.close(index)))
                />
            </div>
        </section>
    }
}

fn current_hash() -> String {
    window().location().hash().unwrap_or_default()
}

fn set_hash(hash: &str) {
    // replaceState for the very first sync would lose nothing either; we keep
    // history entries so Back walks the journey as in the portal.
    let _ = window().location().set_hash(hash);
}

/// Leaves a `performance` mark when the first blade has been painted, so the
/// end-to-end test can report time-to-first-blade from the browser itself.
fn mark_first_blade_painted() {
    request_animation_frame(|| {
        request_animation_frame(|| {
            if let Some(performance) = window().performance() {
                let _ = performance.mark("sig:first-blade");
            }
        })
    });
}
