//! The portal frame: top bar, left navigation, breadcrumb and the blade area.
//!
//! The shell owns only presentation state (which blades are open); every
//! domain decision is the core's.

use leptos::ev;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::blades::{export_to_file, BladeContent};
use crate::components::{BladeSubtitle, ClockControl, InNextTask};
use crate::global_search::GlobalSearch;
use crate::persist::{
    ensure_reader, read_in_steps, read_stored_now, BrowserStorage, LoadProblem, Loaded,
    OpeningProgress, StoredState, OPENING_SLICE_MS, REVISION_KEY,
};
use crate::route::{Blade, BladeStack};
use crate::store::{StorageNotice, Store, Tone};
use crate::tab_lock::yield_to_browser;

/// The whole portal, mounted once at start-up (and per test).
#[component]
pub fn App() -> impl IntoView {
    mark("sig:app");
    let storage = BrowserStorage::open();
    let stored = storage.read_head();
    // The page's first task compiles the module's start and shows the frame; starting the
    // store and building the portal each get a task of their own after it, so none of the
    // three holds the page for long (measured: one 75–140 ms task before).
    let first_visit = matches!(stored, Ok(None));
    // A stored state is read in slices that yield to the browser, behind the frame and a
    // progress bar, so the page stays responsive however large it is (release builds
    // first download its reader, a wasm file of its own).
    // A flag rather than `<Suspense>` (~50 KB more in the first download, measured).
    let progress = RwSignal::new(None::<OpeningProgress>);
    let opening = RwSignal::new(true);
    let started = Suspend::new(send_wrapper::SendWrapper::new(async move {
        let (read, read_in_slices) = match stored {
            Ok(Some(head)) => {
                // The reader (release builds) downloads while the parts are read from storage;
                // the second call below waits for that same download (and, if it failed, tries
                // once more before the portal says the reader is missing).
                leptos::task::spawn_local(async {
                    ensure_reader().await;
                });
                match storage.read_state_in_slices(head, OPENING_SLICE_MS).await {
                    Ok(stored) => read_stored(stored, progress).await,
                    Err(problem) => (Err(problem), false),
                }
            }
            // A first visit, or a page without usable storage: nothing to read.
            Ok(None) => {
                yield_to_browser().await;
                (Err(LoadProblem::Empty), false)
            }
            Err(problem) => {
                yield_to_browser().await;
                (Err(problem), false)
            }
        };
        // An older build's price table is moved into the world by a command at start: the
        // engine must be here for it (this starts its download; otherwise it waits for the
        // first blade). If it cannot be downloaded the key is kept for the next start.
        if crate::storage::local()
            .ok()
            .and_then(|s| s.get_item(crate::store::LEGACY_PRICES_KEY).ok().flatten())
            .is_some()
        {
            crate::engine::ensure_engine().await;
        }
        mark("sig:state-read");
        let store = Store::start(read);
        mark("sig:store-started");
        if read_in_slices {
            // Another tab may have saved while the state was read.
            store.reload_from_storage();
        }
        yield_to_browser().await;
        opening.set(false);
        let portal = portal(store);
        mark("sig:portal-built");
        portal
    }));
    view! {
        {move || opening.get().then(|| view! { <Opening progress first_visit/> })}
        {started}
    }
}

/// Reads a stored state in steps behind the frame, showing how far it is in `progress`, once
/// the reader (release builds) is here: the outcome, and whether it was read in slices (so
/// another tab may have saved meanwhile).
async fn read_stored(
    stored: StoredState,
    progress: RwSignal<Option<OpeningProgress>>,
) -> (Result<Loaded, LoadProblem>, bool) {
    mark("sig:storage-read");
    let read = if ensure_reader().await {
        mark("sig:reader-ready");
        // Marked once the parts are parsed and the core admits the resources.
        let admitting = std::cell::Cell::new(false);
        read_in_steps(stored, OPENING_SLICE_MS, |at| {
            if matches!(at, OpeningProgress::Resources(..)) && !admitting.replace(true) {
                mark("sig:admitting");
            }
            progress.set(Some(at))
        })
        .await
    } else {
        Err(LoadProblem::ReaderMissing)
    };
    match read {
        // An unreadable state is read again and dealt with in one synchronous step, so what is
        // set aside is what was read, never what another tab wrote while it was read in slices.
        Err(LoadProblem::Unreadable(_)) => (
            read_stored_now().unwrap_or(Err(LoadProblem::ReaderMissing)),
            false,
        ),
        read => (read, true),
    }
}

/// The frame while a stored state is read: the top bar and how far the reading
/// is (the same frame `index.html` shows while the module downloads).
#[component]
fn Opening(progress: RwSignal<Option<OpeningProgress>>, first_visit: bool) -> impl IntoView {
    let counts = move || match progress.get() {
        None => (0, 0),
        Some(OpeningProgress::Parts(done, total) | OpeningProgress::Resources(done, total)) => {
            (done, total)
        }
    };
    let label = move || match progress.get() {
        None if first_visit => "Opening the portal…".to_string(),
        None => "Opening your saved data…".to_string(),
        Some(OpeningProgress::Parts(done, total)) => {
            format!("Reading your saved data… {done} of {total} parts")
        }
        Some(OpeningProgress::Resources(done, total)) => {
            format!("Checking your saved data… {done} of {total} resources")
        }
    };
    view! {
        <div class="boot" data-opening="">
            <div class="topbar">
                <span class="brand boot-brand">
                    <span class="brand-mark" aria-hidden="true">"◆"</span>
                    <span>"SIG Portal"</span>
                </span>
            </div>
            <p class="boot-status" role="status">
                <progress
                    aria-label=if first_visit { "Opening the portal" } else { "Opening your saved data" }
                    max=move || counts().1.max(1)
                    value=move || progress.get().map(|_| counts().0)
                ></progress>
                {label}
            </p>
        </div>
    }
}

/// The portal over its store.
fn portal(store: Store) -> impl IntoView {
    provide_context(store);
    provide_context(crate::offline::Offline::start());
    store.sim.run();
    store.watch_clock();
    let stack = RwSignal::new(BladeStack::from_hash(&current_hash()));
    let menu = MenuState::new();

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
    // Escape closes the menu's flyout if it is open, else the active blade,
    // as in the Azure portal.
    let key_listener = window_event_listener(ev::keydown, move |event| {
        if event.key() == "Escape" && !event.default_prevented() {
            if menu.is_flyout() {
                menu.flyout.set(false);
            } else {
                stack.update(BladeStack::close_active);
            }
        }
    });
    // The menu docks at 1280 px and wider, and collapses to a rail below.
    let resize_listener = window_event_listener(ev::resize, move |_| menu.measure());
    // Another tab saved: take its newer state and clock, so tabs never drift
    // apart. A change of ours not yet saved is replayed onto theirs and saved.
    // The revision is written after the state, so when its change arrives
    // the state it names has arrived too.
    let storage_listener = window_event_listener(ev::storage, move |event| {
        if event.key().as_deref() == Some(REVISION_KEY) {
            store.reload_from_storage();
        }
    });
    // Leaving the page saves what is pending at once (an unloading page
    // cannot wait for the tabs' lock); hiding it saves under the lock.
    let hide_listener = window_event_listener(ev::pagehide, move |_| store.flush_save_now());
    let visibility_listener = window_event_listener(ev::visibilitychange, move |_| {
        let hidden = document().visibility_state() == web_sys::VisibilityState::Hidden;
        if hidden {
            store.flush_save();
        }
    });
    on_cleanup(move || {
        hash_listener.remove();
        key_listener.remove();
        resize_listener.remove();
        storage_listener.remove();
        hide_listener.remove();
        visibility_listener.remove();
    });

    mark_first_blade_painted(store);

    view! {
        <div
            class="portal"
            class:menu-docked=move || menu.wide.get() && !menu.collapsed.get()
            class:menu-rail=move || !menu.wide.get() || menu.collapsed.get()
            class:menu-flyout=move || menu.is_flyout()
        >
            <TopBar menu stack/>
            <LeftNav stack=stack menu/>
            <main class="workspace">
                <StorageBanner/>
                <UpdateBanner/>
                <div class="workspace-bar">
                    <Breadcrumb stack=stack/>
                    <Toasts/>
                </div>
                <BladeArea stack=stack/>
            </main>
        </div>
    }
}

/// Where the portal menu is: docked (full names) on windows 1280 px and
/// wider unless the user collapsed it; a rail of short names below, which
/// the "Portal menu" button opens as a flyout over the page.
#[derive(Clone, Copy)]
struct MenuState {
    /// The window is at least [`MenuState::DOCK_WIDTH`] wide.
    wide: RwSignal<bool>,
    /// The user collapsed the docked menu to the rail.
    collapsed: RwSignal<bool>,
    /// The flyout is open (narrow windows only).
    flyout: RwSignal<bool>,
}

impl MenuState {
    /// From this window width on the menu is docked.
    const DOCK_WIDTH: f64 = 1280.0;

    fn new() -> Self {
        let state = MenuState {
            wide: RwSignal::new(true),
            collapsed: RwSignal::new(false),
            flyout: RwSignal::new(false),
        };
        state.measure();
        state
    }

    /// Reads the window's width (on start and on every resize).
    fn measure(&self) {
        let width = window()
            .inner_width()
            .ok()
            .and_then(|w| w.as_f64())
            .unwrap_or(Self::DOCK_WIDTH);
        let wide = width >= Self::DOCK_WIDTH;
        if self.wide.get_untracked() != wide {
            self.wide.set(wide);
            self.flyout.set(false);
        }
    }

    /// The menu shows as a flyout over the page (narrow windows only).
    fn is_flyout(&self) -> bool {
        !self.wide.get() && self.flyout.get()
    }

    /// The menu shows its full names (docked, or as a flyout).
    fn expanded(&self) -> bool {
        if self.wide.get() {
            !self.collapsed.get()
        } else {
            self.flyout.get()
        }
    }

    /// What the "Portal menu" button does: collapse or dock the menu on a
    /// wide window, open or close the flyout on a narrow one.
    fn toggle(&self) {
        if self.wide.get_untracked() {
            self.collapsed.update(|c| *c = !*c);
        } else {
            self.flyout.update(|open| *open = !*open);
        }
    }
}

#[component]
fn TopBar(menu: MenuState, stack: RwSignal<BladeStack>) -> impl IntoView {
    let sim = expect_context::<Store>().sim;
    view! {
        <header class="topbar">
            <button
                type="button"
                class="menu-button"
                aria-label="Portal menu"
                title="Portal menu"
                aria-controls="portal-menu"
                aria-expanded=move || if menu.expanded() { "true" } else { "false" }
                on:click=move |_| menu.toggle()
            >
                <svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true">
                    <path fill="currentColor" d="M1.5 3h13v1.2h-13zM1.5 7.4h13v1.2h-13zM1.5 11.8h13V13h-13z"/>
                </svg>
            </button>
            <a class="brand" href="#/home">
                <span class="brand-mark" aria-hidden="true">"◆"</span>
                <span>"SIG Portal"</span>
            </a>
            <InNextTask>
                <GlobalSearch stack services=&NAV_ITEMS/>
                <ClockControl sim/>
                <Notifications/>
                <crate::identity::IdentitySwitcher/>
            </InNextTask>
        </header>
    }
}

/// The bell: a count and a list of every notification (the toasts are in
/// the workspace, see [`Toasts`]).
#[component]
fn Notifications() -> impl IntoView {
    let store = expect_context::<Store>();
    let open = RwSignal::new(false);
    let seen = RwSignal::new(0usize);
    let count = move || store.notifications.with(Vec::len);
    let unseen = move || count().saturating_sub(seen.get());
    view! {
        <div class="notifications">
            <button
                type="button"
                class="bell"
                aria-expanded=move || if open.get() { "true" } else { "false" }
                aria-label=move || format!("Notifications: {} new", unseen())
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
                    <button type="button" class="link" on:click=move |_| store.dismiss_notifications()>"Dismiss all"</button>
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
        </div>
    }
}

fn tone_class(tone: Tone) -> &'static str {
    match tone {
        Tone::Success => "note success",
        Tone::Error => "note error",
        Tone::Info => "note info",
    }
}

/// The newest notification as a toast, at the top right of the workspace in
/// the breadcrumb's row: in the layout, so it never covers a blade's buttons.
#[component]
fn Toasts() -> impl IntoView {
    let store = expect_context::<Store>();
    // The newest notification is toasted until its 5 s are up; only the timer
    // (the outside world) writes, the toast itself is derived.
    let newest = Memo::new(move |_| {
        store
            .notifications
            .with(|n| n.first().filter(|n| n.fresh).map(|n| n.id))
    });
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
    view! {
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
                StorageNotice::RefusedAfterOtherTab(refused) => (
                    format!(
                        "Another tab saved changes first. Your other changes were saved on top of them, but {} no longer {} to what it saved, so {} not saved: {}.",
                        if refused.len() == 1 { "this one".to_string() } else { format!("these {}", refused.len()) },
                        if refused.len() == 1 { "applies" } else { "apply" },
                        if refused.len() == 1 { "it was" } else { "they were" },
                        refused.join("; ")
                    ),
                    false,
                ),
                StorageNotice::Unavailable(why) => (
                    format!("This browser does not let the page keep data ({why}), so the portal works in memory: changes won't survive a reload. Export them to a file to keep them."),
                    true,
                ),
                StorageNotice::ReaderMissing => (
                    "Your saved data could not be opened: the part of the portal that reads it was not downloaded (is the network down?). It is kept as it is and nothing is saved over it; until you reload once online, the portal works in memory.".to_string(),
                    // Not "Export to file": that would export this empty in-memory
                    // state, not the saved data the banner is about.
                    false,
                ),
                StorageNotice::UnreadableNotKeptAside { why, reason } => {
                    let text = format!("The saved data could not be read ({why}). It was NOT kept aside: moving it failed ({reason}). It is still where it was, and nothing will be saved over it until you download or discard it; until then your changes stay in this tab only.");
                    return view! {
                        <div class="banner warning storage-banner" role="alert">
                            <p>{text}</p>
                            <button type="button" class="button" on:click=move |_| {
                                if let Some(text) = crate::persist::BrowserStorage::open().stored_text() {
                                    crate::blades::export_import::download("sig-portal-unreadable.json", &text);
                                }
                            }>"Download the unreadable data"</button>
                            <button type="button" class="button" on:click=move |_| store.discard_unreadable()>"Discard it"</button>
                            <button type="button" class="button" on:click=move |_| export_to_file(store)>"Export to file"</button>
                        </div>
                    }.into_any();
                }
            };
            view! {
                <div class="banner warning storage-banner" role="alert">
                    <p>{text}</p>
                    {offer_export.then(|| view! {
                        <button type="button" class="button" on:click=move |_| export_to_file(store)>"Export to file"</button>
                    })}
                    <button type="button" class="button" on:click=move |_| store.storage_notice.set(None)>"Dismiss"</button>
                </div>
            }.into_any()
        })
    }
}

/// Says that a new version of the portal is installed and waiting, and
/// reloads into it (after saving) when the user chooses.
#[component]
fn UpdateBanner() -> impl IntoView {
    let store = expect_context::<Store>();
    let offline = expect_context::<crate::offline::Offline>();
    move || {
        offline.update_ready.get().then(|| {
            view! {
                <div class="banner info update-banner" role="status">
                    <p>"A new version of SIG Portal is available. Reload to use it; your work is kept."</p>
                    <button type="button" class="button primary" on:click=move |_| {
                        store.flush_save_now();
                        offline.reload_into_update();
                    }>"Reload"</button>
                </div>
            }
        })
    }
}

/// The services a person can open from anywhere, as in the portal's menu.
static NAV_ITEMS: [Blade; 11] = [
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
fn LeftNav(stack: RwSignal<BladeStack>, menu: MenuState) -> impl IntoView {
    let current = Memo::new(move |_| stack.with(|s| s.menu_item(&NAV_ITEMS)));
    let items = NAV_ITEMS
        .iter()
        .enumerate()
        .map(|(index, blade)| {
            let target = blade.clone();
            let title = blade.title();
            let href = BladeStack::from_hash(&format!("#/{}", blade.segment())).to_hash();
            let is_current = move || current.get() == Some(index);
            view! {
                <li>
                    <a
                        href=href
                        title=title.clone()
                        class:current=is_current
                        aria-current=move || is_current().then_some("page")
                        on:click=move |event: ev::MouseEvent| {
                            event.prevent_default();
                            menu.flyout.set(false);
                            stack.update(|s| s.navigate(target.clone()));
                        }
                    >
                        <span class="nav-icon" aria-hidden="true">{short_name(&title)}</span>
                        <span class="nav-label">{title.clone()}</span>
                    </a>
                </li>
            }
        })
        .collect_view();
    view! {
        <nav class="leftnav" id="portal-menu" aria-label="Portal menu">
            <ul>{items}</ul>
        </nav>
    }
}

/// The two letters the menu's rail shows for a service: the initials of its
/// first two words ("All resources": "AR"), or the first two letters of a
/// one-word name ("Home": "Ho"). The link's name stays the full title.
fn short_name(title: &str) -> String {
    let words: Vec<&str> = title
        .split_whitespace()
        .filter(|w| w.starts_with(char::is_alphabetic) && *w != "and")
        .collect();
    match words.as_slice() {
        [] => String::new(),
        [one] => one.chars().take(2).collect(),
        [first, second, ..] => [first, second]
            .iter()
            .filter_map(|w| w.chars().next())
            .flat_map(char::to_uppercase)
            .collect(),
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
                let full = title.clone();
                if index == last {
                    view! { <li><span aria-current="page" title=full>{title}</span></li> }
                        .into_any()
                } else {
                    view! {
                        <li>
                            <button
                                type="button"
                                class="link"
                                title=full
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

/// One blade: a landmark named by its title, with a close button. Only the
/// active (last) blade is shown, across the whole workspace; the ones before
/// it stay mounted (so they come back as they were) but hidden, and are
/// reached through the breadcrumb.
#[component]
fn BladeFrame(index: usize, blade: Blade, stack: RwSignal<BladeStack>) -> impl IntoView {
    let title = blade.title();
    let heading_id = format!("blade-title-{index}");
    let labelled_by = heading_id.clone();
    let close_label = format!("Close {title}");
    let open = move |next: Blade| stack.update(|s| s.open_from(index, next));
    let is_active = Memo::new(move |_| stack.with(|s| s.blades().len() == index + 1));
    // When this blade becomes the active one (it opened from another blade,
    // or the blades after it closed), focus moves to its heading: the control
    // that had it is hidden now, and keyboard and screen reader users are
    // where the page now is. A first blade on its own (page load) keeps focus
    // where the browser put it.
    let heading = NodeRef::<leptos::html::H1>::new();
    // What the blade's body adds to its heading ("| Tags"); the landmark
    // stays named by the plain title (the span the section is labelled by).
    let subtitle = BladeSubtitle::new();
    provide_context(subtitle);
    // When a blade opened from this one closes again, focus goes back to the
    // control that opened it (remembered as this blade was left), as the
    // portal does; to the heading if that control is gone.
    let opener = StoredValue::new_local(None::<web_sys::HtmlElement>);
    Effect::new(move |was_active: Option<bool>| {
        let active = is_active.get();
        if !active && was_active == Some(true) {
            let focused = document()
                .active_element()
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
            opener.set_value(focused);
        }
        let opened_from_another = was_active.is_none() && index > 0;
        if active && (was_active == Some(false) || opened_from_another) {
            let back = opener
                .get_value()
                .filter(|e| e.is_connected() && e.offset_parent().is_some());
            match (back, heading.get_untracked()) {
                (Some(control), _) => {
                    let _ = control.focus();
                }
                (None, Some(element)) => {
                    let _ = element.focus();
                }
                (None, None) => {}
            }
        }
        active
    });
    view! {
        <section class="blade" aria-labelledby=labelled_by hidden=move || !is_active.get()>
            <header class="blade-header">
                <h1 tabindex="-1" node_ref=heading>
                    <span id=heading_id>{title}</span>
                    {move || subtitle.0.get().map(|item| format!(" | {item}"))}
                </h1>
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

/// A `performance` mark at a step of start-up, so benchmarks can tell where its time goes
/// (`tests/bench`); one call into the page, nothing when there is no `performance`.
fn mark(name: &str) {
    if let Some(performance) = window().performance() {
        let _ = performance.mark(name);
    }
}

/// Leaves a `performance` mark when the first blade has been painted, so the
/// end-to-end test can report time-to-first-blade from the browser itself, and then
/// starts the downloads the first blade did not wait for: the rule engine, and the
/// saved-state reader a moment later.
fn mark_first_blade_painted(store: Store) {
    request_animation_frame(move || {
        request_animation_frame(move || {
            if let Some(performance) = window().performance() {
                let _ = performance.mark("sig:first-blade");
            }
            // Release builds: the rule engine, which commands wait for, now that the first
            // blade is on screen (see `crate::engine`).
            store.load_engine();
            // Release builds: fetch the saved-state reader once the first blade is
            // on screen (never before it: loading it takes main-thread time), so that
            // another tab's save can be taken at once (see `persist::ensure_reader`).
            set_timeout(
                || {
                    leptos::task::spawn_local(async {
                        ensure_reader().await;
                    })
                },
                std::time::Duration::from_millis(300),
            );
        })
    });
}
