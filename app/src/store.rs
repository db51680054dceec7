//! The app's state over the core: the world, who is signed in, notifications,
//! and persistence. Every change goes through [`Store::dispatch`], which calls
//! `sig_core::apply` (through [`crate::engine`], its own file in release builds) — the same
//! entry point the CLI and the tests use. A first visit's starting world is made by
//! `sig_core::apply_setup`, the same entry point for set-up commands alone.

use leptos::prelude::*;
use sig_core::activity::ActivityRecord;
use sig_core::protocol::requests::{NewRoleAssignment, NewUser};
use sig_core::{apply_setup, Actor, Command, CommandError, Diagnostic, Event, EventKind, World};
use time::OffsetDateTime;

use crate::clock;
use crate::journal::{rebase, Pending};
use crate::persist::{
    ensure_reader, parse_stored_now, reader_ready, BrowserStorage, LoadProblem, Loaded, PartMap,
    Save, SaveProblem, SavedNotification,
};
use crate::tab_lock::{announce, announced_head, sleep, with_lock, STATE_LOCK};
use sig_core::ids::Key;
use sig_core::parts::Touched;

/// Why a change is not saved while another tab's newer save cannot be read:
/// the reader (its own download in release builds) did not arrive.
const READER_UNAVAILABLE: &str = "another tab saved newer data, and the part of the portal that reads it could not be downloaded (is the network down?), so nothing is saved over it";

/// How long after a failed download of the rule engine it is tried again.
const ENGINE_RETRY_SECONDS: u64 = 5;
/// How long the rule engine's download may take before the portal says it is taking long
/// (its ~100 KB take about half a second over Slow 4G).
pub const ENGINE_SLOW_SECONDS: u64 = 8;

/// A save with at least this many parts to write writes them ahead in slices
/// ([`Store::write_ahead`]).
const WRITE_AHEAD_ABOVE: usize = 16;
/// How long one slice of writing ahead may keep the page busy.
const SLICE_MS: f64 = 25.0;

/// How many entries of a replaced world are freed between looks at the clock (a few
/// milliseconds' worth).
const DISCARD_BETWEEN_CHECKS: usize = 2_000;

/// A slice of writing ahead does not start a write that could end it past this (the Long
/// Tasks API flags tasks over 50 ms): it stops when the time spent and the longest write so
/// far reach it.
const SLICE_CEILING_MS: f64 = 40.0;

/// Where builds before the price table joined the state kept it; moved into
/// the world on load and removed after the next save.
pub const LEGACY_PRICES_KEY: &str = "sig-portal.prices";

/// The directory, subscription and resource group a first run starts with,
/// so a new user can create a gallery at once.
pub mod defaults {
    /// Default tenant id.
    pub const TENANT: &str = "8f3b6a52-7c1d-4e0a-9b6f-2d5c1e4a7b90";
    /// Default tenant name.
    pub const TENANT_NAME: &str = "Contoso";
    /// Default subscription id.
    pub const SUBSCRIPTION: &str = "2b7e1c4d-9a3f-4b8e-8c2d-5f6a7b8c9d0e";
    /// Default subscription name.
    pub const SUBSCRIPTION_NAME: &str = "Contoso Images";
    /// Default resource group.
    pub const RESOURCE_GROUP: &str = "rg-images";
    /// Default region.
    pub const REGION: &str = "eastus";
    /// The simulated signed-in user.
    pub const USER: &str = "admin@contoso.onmicrosoft.com";
}

/// A world with the default tenant, its signed-in user, a subscription and a
/// resource group. The user creates the subscription, so the core makes them
/// its Owner: everything after that is authorized like any other principal.
pub fn first_run_world(now: OffsetDateTime) -> World {
    let mut world = World::new();
    let system = Actor::system();
    let user = Actor::new(defaults::USER);
    let setup = [
        (
            &system,
            Command::CreateTenant {
                id: defaults::TENANT.into(),
                display_name: defaults::TENANT_NAME.into(),
            },
        ),
        (
            &system,
            Command::CreateUser(NewUser {
                tenant_id: defaults::TENANT.into(),
                user_principal_name: defaults::USER.into(),
                display_name: "Contoso Admin".into(),
                id: None,
            }),
        ),
        (
            &user,
            Command::CreateSubscription {
                id: defaults::SUBSCRIPTION.into(),
                tenant_id: defaults::TENANT.into(),
                display_name: defaults::SUBSCRIPTION_NAME.into(),
                allow_listed_regions: false,
            },
        ),
        (
            &user,
            Command::CreateResourceGroup {
                subscription_id: defaults::SUBSCRIPTION.into(),
                name: defaults::RESOURCE_GROUP.into(),
                location: defaults::REGION.into(),
            },
        ),
    ];
    for (actor, command) in setup {
        // The defaults are constants the core accepts; a refusal would be a bug we want to see.
        if let Err(e) = apply_setup(&mut world, actor, command, now) {
            leptos::logging::error!("default world refused: {e}");
        }
    }
    world
}

/// Makes sure the simulated signed-in user exists in `world` (a world saved by
/// an older build, or imported, may not have them): they are added to the
/// first tenant and made Owner of its subscriptions, and the caller says so.
pub fn ensure_signed_in_user(world: &mut World, now: OffsetDateTime) -> Option<String> {
    if sig_core::access::resolve_principal(world, defaults::USER).is_ok() {
        return None;
    }
    let tenant = world.tenants().next()?.id.clone();
    let system = Actor::system();
    apply_setup(
        world,
        &system,
        Command::CreateUser(NewUser {
            tenant_id: tenant.clone(),
            user_principal_name: defaults::USER.into(),
            display_name: "Contoso Admin".into(),
            id: None,
        }),
        now,
    )
    .ok()?;
    let subscriptions: Vec<String> = world
        .subscriptions()
        .filter(|s| s.tenant_id.eq_ignore_ascii_case(&tenant))
        .map(|s| s.id.clone())
        .collect();
    for subscription in &subscriptions {
        let _ = apply_setup(
            world,
            &system,
            Command::CreateRoleAssignment(NewRoleAssignment {
                scope: format!("/subscriptions/{subscription}"),
                role_definition_id: "Owner".into(),
                principal_id: defaults::USER.into(),
                name: None,
            }),
            now,
        );
    }
    Some(format!(
        "{} was added to the directory and made Owner of {} subscription(s) so you can work in this state.",
        defaults::USER,
        subscriptions.len()
    ))
}

/// How a notification looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// Something was done.
    Success,
    /// Something was refused or failed.
    Error,
    /// Something to know.
    Info,
}

/// One entry of the notifications list (and a toast while fresh).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    /// Unique within the session.
    pub id: u64,
    /// Short title, as the portal's "Deployment succeeded".
    pub title: String,
    /// What happened, in a sentence.
    pub detail: String,
    /// Success, error or info.
    pub tone: Tone,
    /// When.
    pub at: String,
    /// Raised in this page since it loaded (only those are toasted; the
    /// ones kept from before a reload or from another tab are not).
    pub fresh: bool,
}

impl Notification {
    fn saved(&self) -> SavedNotification {
        SavedNotification {
            id: self.id,
            title: self.title.clone(),
            detail: self.detail.clone(),
            tone: match self.tone {
                Tone::Success => "success",
                Tone::Error => "error",
                Tone::Info => "info",
            }
            .into(),
            at: self.at.clone(),
        }
    }

    fn restored(saved: SavedNotification) -> Notification {
        Notification {
            id: saved.id,
            tone: match saved.tone.as_str() {
                "success" => Tone::Success,
                "error" => Tone::Error,
                _ => Tone::Info,
            },
            title: saved.title,
            detail: saved.detail,
            at: saved.at,
            fresh: false,
        }
    }
}

/// How many notifications the bell keeps.
const MAX_NOTIFICATIONS: usize = 100;

/// A problem with browser storage the user must know about; shown as a banner
/// until dismissed or resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StorageNotice {
    /// The saved state could not be read; it was kept aside.
    Unreadable(String),
    /// The browser would not store the latest change.
    NotSaved(String),
    /// Another tab saved first, and some of this tab's changes no longer
    /// apply to what it saved: each is listed with the core's reason; the
    /// rest were saved on top of the other tab's work.
    RefusedAfterOtherTab(Vec<String>),
    /// The browser gives the page no storage (or would not read it): the app
    /// works in memory and nothing survives a reload.
    Unavailable(String),
    /// A state is saved, but the part of the portal that reads it could not
    /// be downloaded: it is kept as it is, and the portal works in memory.
    ReaderMissing,
    /// The saved state could not be read, and could not be moved aside
    /// either (`reason`): it is still where it was, and nothing is saved
    /// over it until the user downloads or discards it.
    UnreadableNotKeptAside {
        /// Why it could not be read.
        why: String,
        /// Why it could not be moved aside.
        reason: String,
    },
}

/// Whether changes are written to browser storage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Saving {
    /// Every change is saved.
    On,
    /// The browser gives the page no storage: changes live in memory only.
    InMemory,
    /// An unreadable state could not be moved aside: saving would destroy
    /// it, so nothing is saved until the user discards it.
    HeldForUnreadable,
}

/// Up to how many gallery resources the browse rows are all built at once, in one task; a
/// larger world's are built in slices (the full limits' 11,100 took ~23 ms natively).
const BROWSE_AT_ONCE: usize = 2_000;

pub use crate::text::short_type;

/// Shared, copyable handle to the app state; provided as context.
#[derive(Clone, Copy)]
pub struct Store {
    /// The simulated world.
    pub world: RwSignal<World>,
    /// The revision of `world` as last saved or loaded.
    pub revision: RwSignal<u64>,
    /// Who is signed in.
    pub actor: RwSignal<Actor>,
    /// Newest first.
    pub notifications: RwSignal<Vec<Notification>>,
    /// Current storage banner.
    pub storage_notice: RwSignal<Option<StorageNotice>>,
    /// The simulation clock: commands are applied at its time.
    pub sim: crate::sim_clock::SimClock,
    /// Every command dispatched, newest first (the Activity log): the
    /// world's log (`sig_core::activity`), so it is saved, exported and
    /// shared with the other tabs like the rest of the state.
    pub activity: Memo<Vec<ActivityEntry>>,
    /// What the signed-in principal may read (lower-case ids); `None` = everything
    /// (the simulator itself, or a principal the core's `access::reads_every_resource`
    /// says may read every resource). Else computed by the core's `access::visible_resources`.
    /// A hash set: lists check every row against it, and ids share long prefixes,
    /// which ordered comparisons walk again and again.
    pub visible: Memo<Option<std::collections::HashSet<String>>>,
    next_id: StoredValue<u64>,
    /// A random prefix of this page's ids (activity events, notifications),
    /// so that ids stay unique across reloads and tabs.
    page_id: StoredValue<u64>,
    /// The notifications raised since the last save: kept on top when
    /// another tab's newer save is taken.
    unsaved_notes: StoredValue<Vec<u64>>,
    /// A change is waiting to be saved (see [`Store::schedule_save`]); it
    /// stays set until a save has written it, even while that save waits for
    /// the tabs' lock.
    pending_save: StoredValue<bool>,
    /// A save waits for the reader of saved data to download (release builds),
    /// so that it can take another tab's newer state first.
    awaiting_reader: StoredValue<bool>,
    /// Whether saves go to browser storage at all.
    saving: StoredValue<Saving>,
    /// The commands applied since the last load or save, replayed onto
    /// another tab's newer save so that neither tab's change is lost.
    journal: StoredValue<Vec<Pending>>,
    /// The clock's setting as last saved or taken from another tab (see
    /// [`crate::sim_clock::SimClock::setting`]): only a change of it is saved.
    clock_setting: StoredValue<(bool, u32, Option<i64>)>,
    /// Where the parts of the stored revision this tab has are (see
    /// [`crate::persist`]): a save rewrites only the parts a change touched.
    parts: StoredValue<PartMap>,
    /// Parts touched by changes a save has not yet written (a refused save
    /// keeps them here).
    touched: StoredValue<Touched>,
    /// The principal [`Store::visible`] last found to read every resource, and what the
    /// commands since have touched: the next decision looks only at that
    /// (`sig_core::access::still_reads_every_resource`). `None` after anything else replaced
    /// the world.
    reads_all: StoredValue<Option<(String, Touched)>>,
    /// How many times the world was replaced (an import, another tab's state): parts written
    /// ahead for a world that was replaced meanwhile are not used ([`Store::write_ahead`]).
    replaced: StoredValue<u64>,
    /// The browse lists' rows, kept in name order between changes (see
    /// [`crate::browse_rows`]).
    browse: StoredValue<crate::browse_rows::BrowseIndex>,
    /// A rebuild of every browse row in slices, and how far it is (steps done, of how
    /// many); `None` when the rows are current or will be rebuilt at once.
    pub browse_loading: RwSignal<Option<(usize, usize)>>,
    /// Whether the rule engine is here (release builds download it once the first blade is
    /// painted, see [`crate::engine`]): commands wait for it, and their buttons say so.
    pub engine: RwSignal<Engine>,
    /// An older build's price table is stored under its own key and could not be moved into
    /// the world at start (the engine was not here): the key is kept for the next start.
    legacy_prices_pending: StoredValue<bool>,
}

/// Where the rule engine is (see [`crate::engine`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// Downloading.
    Loading,
    /// Still downloading after [`ENGINE_SLOW_SECONDS`]: a slow or stalled network, which
    /// neither delivers the file nor fails. Said so, rather than "in a moment".
    Slow,
    /// Here: commands run.
    Ready,
    /// It could not be downloaded: it is tried again every few seconds, and by the next
    /// command sent.
    Missing,
}

impl Engine {
    /// Why a command cannot run now, or `None` when it can.
    pub fn unavailable(self) -> Option<&'static str> {
        match self {
            Engine::Ready => None,
            Engine::Loading => Some(crate::engine::LOADING),
            Engine::Slow => Some(crate::engine::SLOW),
            Engine::Missing => Some(crate::engine::MISSING),
        }
    }
}

/// One line of the Activity log: a command, who ran it, when, and how it ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityEntry {
    /// The event's `eventDataId`.
    pub id: String,
    /// The operation (the command's name, e.g. `CreateRoleAssignment`).
    pub operation: String,
    /// The resource or scope it targeted (`sig_core::visibility::command_target`).
    pub target: String,
    /// Who ran it.
    pub actor: String,
    /// When, on the simulation clock.
    pub at: String,
    /// `Succeeded` or `Failed`.
    pub succeeded: bool,
    /// The core's message (the refusal, or what changed).
    pub detail: String,
}

/// An Activity log record as the blade lists it (the time as a UTC stamp).
fn entry(record: &ActivityRecord) -> ActivityEntry {
    let at = time::OffsetDateTime::parse(
        &record.event_timestamp,
        &time::format_description::well_known::Rfc3339,
    )
    .map(clock::stamp)
    .unwrap_or_else(|_| record.event_timestamp.clone());
    ActivityEntry {
        id: record.event_data_id.clone(),
        operation: record.operation_name.value.clone(),
        target: record.resource_id.clone(),
        actor: record.caller.clone(),
        at,
        succeeded: record.succeeded(),
        detail: crate::text::reveal(&record.properties.status_message).into_owned(),
    }
}

/// The Activity log's record of one dispatched command (refusals included).
fn activity_record(
    id: u64,
    operation: String,
    target: String,
    actor: &Actor,
    at: OffsetDateTime,
    result: &Result<Vec<Event>, CommandError>,
) -> ActivityRecord {
    let (succeeded, detail) = match result {
        Ok(events) => (
            true,
            events
                .iter()
                .map(|e| format!("{} {}", event_title(e), e.id))
                .collect::<Vec<_>>()
                .join("; "),
        ),
        Err(error) => (false, refusal(error)),
    };
    let target = if target.is_empty() {
        result
            .as_ref()
            .ok()
            .and_then(|e| e.first().map(|e| e.id.clone()))
            .unwrap_or_default()
    } else {
        target
    };
    ActivityRecord::new(
        format!("{id:016x}"),
        at,
        &actor.principal,
        &operation,
        &target,
        succeeded,
        detail,
    )
}

/// The operation name of a command (its serialized tag) and its target as
/// the core names it (`visibility::command_target`, which is also what
/// decides who may see the entry).
fn describe(command: &Command) -> (String, String) {
    let operation = serde_json::to_value(command)
        .ok()
        .and_then(|v| v.get("command")?.as_str().map(str::to_string))
        .unwrap_or_default();
    (operation, sig_core::visibility::command_target(command))
}

impl Store {
    /// Starts from what storage held (`read`: the saved state, or why there is
    /// none — read by the shell, which may first download the reader) and
    /// wires persistence.
    pub fn start(read: Result<Loaded, LoadProblem>) -> Store {
        let storage = BrowserStorage::open();
        let now = clock::now();
        let mut saving = Saving::On;
        let mut saved_clock = None;
        let mut saved_notes = Vec::new();
        let mut parts = PartMap::default();
        let (mut world, revision, notice) = match read {
            Ok(loaded) => {
                saved_clock = loaded.clock;
                saved_notes = loaded.notifications;
                parts = loaded.parts;
                (loaded.world, loaded.revision, None)
            }
            Err(LoadProblem::Empty) => (first_run_world(now), 0, None),
            Err(LoadProblem::Unavailable(why)) => {
                saving = Saving::InMemory;
                (
                    first_run_world(now),
                    0,
                    Some(StorageNotice::Unavailable(why)),
                )
            }
            Err(LoadProblem::ReaderMissing) => {
                saving = Saving::InMemory;
                (first_run_world(now), 0, Some(StorageNotice::ReaderMissing))
            }
            Err(LoadProblem::Unreadable(why)) => {
                let notice = match storage.set_aside() {
                    Ok(()) => StorageNotice::Unreadable(why),
                    Err(problem) => {
                        saving = Saving::HeldForUnreadable;
                        StorageNotice::UnreadableNotKeptAside {
                            why,
                            reason: problem.to_string(),
                        }
                    }
                };
                (first_run_world(now), 0, Some(notice))
            }
        };
        let added = ensure_signed_in_user(&mut world, now);
        let legacy_prices_pending = !crate::engine::engine_ready()
            && world.price_table().is_none()
            && crate::storage::local()
                .ok()
                .and_then(|s| s.get_item(LEGACY_PRICES_KEY).ok().flatten())
                .is_some();
        let legacy_prices = adopt_legacy_prices(&mut world, now);
        let sim = crate::sim_clock::SimClock::new(saved_clock, world.clock());
        let clock_setting = sim.setting_untracked();
        let world = RwSignal::new(world);
        let actor = RwSignal::new(Actor::new(defaults::USER));
        let reads_all = StoredValue::new(None::<(String, Touched)>);
        let visible = Memo::new(move |_| {
            let actor = actor.get();
            if actor.is_system() {
                return None;
            }
            world.with(|w| {
                let Ok(subject) = sig_core::access::resolve_principal(w, &actor.principal) else {
                    reads_all.set_value(None);
                    return Some(std::collections::HashSet::new());
                };
                // An owner's usual case, decided per gallery: no set of 111,000 ids at ten
                // times the limits; after a command, only the galleries it changed.
                let still = reads_all.with_value(|known| {
                    known.as_ref().is_some_and(|(principal, since)| {
                        *principal == actor.principal
                            && sig_core::access::still_reads_every_resource(w, &subject, since)
                    })
                });
                if still || sig_core::access::reads_every_resource(w, &subject) {
                    reads_all.set_value(Some((actor.principal.clone(), Touched::default())));
                    return None;
                }
                reads_all.set_value(None);
                Some(
                    sig_core::access::visible_resources(w, &subject)
                        .into_iter()
                        .map(|r| {
                            let mut id = r.id;
                            id.make_ascii_lowercase();
                            id
                        })
                        .collect(),
                )
            })
        });
        let store = Store {
            world,
            revision: RwSignal::new(revision),
            actor,
            notifications: RwSignal::new(
                saved_notes
                    .into_iter()
                    .map(Notification::restored)
                    .collect(),
            ),
            storage_notice: RwSignal::new(notice),
            sim,
            activity: Memo::new(move |_| world.with(|w| w.activity().iter().map(entry).collect())),
            visible,
            next_id: StoredValue::new(1),
            // Randomness enters here, at the shell's edge, like the clock.
            page_id: StoredValue::new((js_sys::Math::random() * 1e9) as u64 * 1_000_000),
            unsaved_notes: StoredValue::new(Vec::new()),
            pending_save: StoredValue::new(false),
            awaiting_reader: StoredValue::new(false),
            saving: StoredValue::new(saving),
            journal: StoredValue::new(Vec::new()),
            clock_setting: StoredValue::new(clock_setting),
            parts: StoredValue::new(parts),
            touched: StoredValue::new(Touched::default()),
            browse: StoredValue::new(Default::default()),
            reads_all,
            replaced: StoredValue::new(0),
            browse_loading: RwSignal::new(None),
            legacy_prices_pending: StoredValue::new(legacy_prices_pending),
            engine: RwSignal::new(if crate::engine::engine_ready() {
                Engine::Ready
            } else {
                Engine::Loading
            }),
        };
        if let Some(message) = added {
            store.notify(Tone::Info, "Signed-in user added".into(), message);
        }
        if let Some(command) = legacy_prices {
            store.journal.update_value(|j| {
                j.push(Pending::Command {
                    actor: Actor::system(),
                    command: Box::new(command),
                    at: now,
                })
            });
            store.schedule_save();
        }
        store
    }

    /// Downloads the rule engine (release builds) and says when it is here. Called once the
    /// first blade is on screen: fetched earlier, it took bandwidth and main-thread time from
    /// the first blade (measured: Fast 4G 826 ms with it fetched at start).
    pub fn load_engine(&self) {
        let engine = self.engine;
        match engine.get_untracked() {
            Engine::Ready => return,
            Engine::Missing => engine.set(Engine::Loading),
            Engine::Loading | Engine::Slow => {}
        }
        // A download that neither arrives nor fails is named as such after a while.
        set_timeout(
            move || {
                if engine.try_get_untracked() == Some(Engine::Loading) {
                    let _ = engine.try_set(Engine::Slow);
                }
            },
            std::time::Duration::from_secs(ENGINE_SLOW_SECONDS),
        );
        let store = *self;
        wasm_bindgen_futures::spawn_local(async move {
            if crate::engine::ensure_engine().await {
                let _ = engine.try_set(Engine::Ready);
            } else if engine.try_set(Engine::Missing).is_none() {
                // Tried again a few seconds later (the network may be back), and by the next
                // command sent meanwhile.
                set_timeout(
                    move || {
                        if store.engine.try_get_untracked() == Some(Engine::Missing) {
                            store.load_engine();
                        }
                    },
                    std::time::Duration::from_secs(ENGINE_RETRY_SECONDS),
                );
            }
        });
    }

    /// Saves the clock with the world whenever the user plays, pauses,
    /// changes speed or steps it (and not for its ticks, nor when it follows
    /// another tab). Called once by the shell.
    pub fn watch_clock(&self) {
        let store = *self;
        Effect::new(move |_| {
            let setting = store.sim.setting();
            if store.clock_setting.get_value() != setting {
                store.clock_setting.set_value(setting);
                store.schedule_save();
            }
        });
    }

    /// Applies `command` as the signed-in user, saves, and notifies.
    pub fn dispatch(&self, command: Command) -> Result<Vec<Event>, CommandError> {
        if let Some(why) = self.engine.get_untracked().unavailable() {
            if self.engine.get_untracked() == Engine::Missing {
                self.load_engine();
            }
            self.notify(Tone::Error, "Request not sent".into(), why.into());
            return Err(crate::engine::unavailable(why));
        }
        let actor = self.actor.get_untracked();
        let now = self.sim.now_untracked();
        let (operation, target) = describe(&command);
        // What the target was called before the command: a deleted user or
        // role assignment is named in the notification, not by its GUID.
        // A command is applied to the newest stored state: if another tab
        // saved since, take its state first (replaying ours on it).
        self.take_newer_stored();
        let before = self.world.with_untracked(|world| subject(world, &target));
        let mut outcome = None;
        let saving = self.saving.get_value() == Saving::On;
        let journaled = saving.then(|| command.clone());
        let event_id = self.next_event_id();
        // One update: the command's change and its line in the Activity log
        // (a refusal changes only the log).
        self.world.update(|world| {
            let result = crate::engine::apply_now(world, &actor, command, now)
                .unwrap_or_else(|| Err(crate::engine::unavailable(crate::engine::LOADING)));
            let record = activity_record(event_id, operation, target.clone(), &actor, now, &result);
            world.record_activity(record.clone());
            outcome = Some((result, record));
        });
        let Some((result, record)) = outcome else {
            unreachable!("update always runs its closure")
        };
        self.world.with_untracked(|world| {
            let touched = world.touched();
            self.browse.update_value(|b| b.mark(&touched.galleries));
            self.reads_all.update_value(|known| {
                if let Some((_, since)) = known {
                    since.merge(touched.clone());
                }
            });
        });
        if saving {
            self.journal.update_value(|j| {
                if let (Ok(_), Some(command)) = (&result, journaled) {
                    j.push(Pending::Command {
                        actor: actor.clone(),
                        command: Box::new(command),
                        at: now,
                    });
                }
                j.push(Pending::Activity(Box::new(record)));
            });
        }
        self.schedule_save();
        match &result {
            Ok(events) => {
                let notices: Vec<(String, String)> = self.world.with_untracked(|world| {
                    events
                        .iter()
                        .map(|event| {
                            let known = subject(world, &event.id).or_else(|| {
                                event
                                    .id
                                    .eq_ignore_ascii_case(&target)
                                    .then(|| before.clone())?
                            });
                            event_notice(world, event, known)
                        })
                        .collect()
                });
                for (title, detail) in notices {
                    self.notify(Tone::Success, title, detail);
                }
            }
            Err(error) => self.notify(Tone::Error, "Request refused".into(), refusal(error)),
        }
        result
    }

    /// A new id, unique across this page's reloads and tabs.
    fn next_event_id(&self) -> u64 {
        let id = self.next_id.get_value();
        self.next_id.set_value(id + 1);
        self.page_id.get_value() + id
    }

    /// Why no command can run now (the rule engine is still downloading, or could not be),
    /// or `None` once it can. Tracked: buttons that send commands are disabled meanwhile and
    /// say why ([`crate::components::EngineWaiting`]), instead of answering "Request not sent".
    pub fn engine_waiting(&self) -> Option<&'static str> {
        self.engine.get().unavailable()
    }

    /// [`Store::engine_waiting`] as a [`GuardedButton`](crate::components::GuardedButton)'s
    /// reason, for buttons that send a command anyone may send (no authorization to ask).
    pub fn engine_denied(&self) -> Signal<Option<String>> {
        let store = *self;
        Signal::derive(move || store.engine_waiting().map(String::from))
    }

    /// Why the signed-in principal may not run `command` (the core's
    /// `AuthorizationFailed` message), or `None` when it may. Tracks the world
    /// and the signed-in principal, so buttons follow a switch of identity.
    pub fn denied(&self, command: &Command) -> Option<String> {
        if let Some(why) = self.engine_waiting() {
            return Some(why.into());
        }
        let actor = self.actor.get();
        self.world.with(|w| {
            sig_core::access::authorize(w, &actor, command)
                .err()
                .map(|e| refusal(&e))
        })
    }

    /// Why the signed-in principal may not list the role assignments at
    /// `scope` (the core's `visibility::may_list_role_assignments`), or `None`
    /// when it may. Tracked, so the IAM blade and its buttons follow a switch
    /// of identity.
    pub fn assignments_denied(&self, scope: &str) -> Option<String> {
        let actor = self.actor.get();
        self.world.with(|w| {
            sig_core::visibility::may_list_role_assignments(w, &actor, scope)
                .err()
                .map(|d| d.message)
        })
    }

    /// The signed-in principal as the core's listing rules see it (tracked):
    /// resolved once, then asked per row by the lists and pickers that show
    /// tenants, subscriptions, resource groups, applications and Activity log
    /// entries (`sig_core::visibility::Viewer`).
    pub fn viewer(&self) -> sig_core::visibility::Viewer {
        let actor = self.actor.get();
        self.world
            .with(|w| sig_core::visibility::Viewer::new(w, &actor))
    }

    /// True when the signed-in principal may read `id` (tracked). One resource
    /// at a time (the core's `visibility::can_read`), so a blade showing one
    /// resource does not recompute the whole world's visibility after a change.
    pub fn can_see(&self, id: &str) -> bool {
        let actor = self.actor.get();
        actor.is_system()
            || self
                .world
                .with(|w| sig_core::visibility::principal_can_read(w, &actor.principal, id))
    }

    /// True when `id` is in [`Store::visible`] (tracked): for lists, which
    /// check many resources against one computed set.
    pub fn in_visible(&self, id: &str) -> bool {
        self.visible.with(|v| listed(v.as_ref(), id))
    }

    /// `f` given [`Store::in_visible`] as a test that reads the set once (tracked): a pass over
    /// 100,000 ids asking the signal for each took ~60 ms (profiled, the Cost blade).
    pub fn with_visible<R>(&self, f: impl FnOnce(&dyn Fn(&str) -> bool) -> R) -> R {
        self.visible.with(|v| f(&|id| listed(v.as_ref(), id)))
    }

    /// As [`Store::in_visible`], untracked: for a memo that tracks the set once
    /// and then checks many ids against it.
    pub fn in_visible_untracked(&self, id: &str) -> bool {
        self.visible.with_untracked(|v| listed(v.as_ref(), id))
    }

    /// The core's verdict on `command` without applying it (as-you-type checks). Until the
    /// rule engine is here, a refusal that says so (see [`crate::engine::is_unavailable`];
    /// tracked: the verdict comes when the engine does).
    pub fn preview(&self, command: &Command) -> Result<Vec<Diagnostic>, CommandError> {
        if let Some(why) = self.engine.get().unavailable() {
            return Err(crate::engine::unavailable(why));
        }
        let actor = self.actor.get_untracked();
        let now = self.sim.now_untracked();
        self.world
            .with(|world| crate::engine::check_now(world, &actor, command, now))
            .flatten()
            .unwrap_or(Ok(Vec::new()))
    }

    /// The browse rows of every gallery resource (galleries only when `galleries_only`), in
    /// name order, brought up to date first (tracked: a list follows the world). When every
    /// row of a large world is to be built (the first list opened, an import), that goes in
    /// slices that yield to the browser, [`Store::browse_loading`] says how far, and this is
    /// empty until it is done.
    pub fn browse_rows(&self, galleries_only: bool) -> crate::browse_rows::Rows {
        let loading = self.browse_loading.get().is_some();
        let current = self.world.with(|world| {
            if loading {
                return false;
            }
            let resources = world.galleries().size_hint().0
                + world.images().size_hint().0
                + world.versions().size_hint().0;
            self.browse
                .try_update_value(|b| {
                    if resources > BROWSE_AT_ONCE && b.needs_rebuild(world) {
                        false
                    } else {
                        b.refresh(world, &mut || true)
                    }
                })
                .unwrap_or(false)
        });
        if !current {
            if !loading {
                self.rebuild_browse_in_slices();
            }
            return Default::default();
        }
        self.browse.with_value(|b| b.rows(galleries_only))
    }

    /// How the browse rows `new` differ from the ones `old` points to, when `new` came out of
    /// `old` by the last refresh (untracked; see [`crate::browse_rows::BrowseIndex::edit_between`]).
    pub fn browse_edit(
        &self,
        old: &crate::browse_rows::WeakRows,
        new: &crate::browse_rows::Rows,
    ) -> Option<crate::browse_rows::Edit> {
        self.browse
            .try_with_value(|b| b.edit_between(old, new))
            .flatten()
    }

    /// The values of the four filtered columns (subscription, resource group, location, type)
    /// when `rows` are every browse row, kept by the index (untracked).
    pub fn browse_values(&self, rows: &crate::browse_rows::Rows) -> Option<[Vec<String>; 4]> {
        self.browse.try_with_value(|b| b.values_of(rows)).flatten()
    }

    /// Rebuilds every browse row in slices of [`crate::persist::OPENING_SLICE_MS`], yielding
    /// between them, then lets the lists read them.
    fn rebuild_browse_in_slices(&self) {
        let store = *self;
        // A list asking again before the first slice runs waits for this rebuild instead of
        // starting another.
        if self.browse.try_update_value(|b| b.start_slicing()) != Some(true) {
            return;
        }
        // At once, so the list says it is loading rather than empty, even for a moment.
        self.browse_loading.set(Some((0, 1)));
        leptos::task::spawn_local(async move {
            loop {
                crate::tab_lock::yield_to_browser().await;
                let start = crate::persist::now_ms();
                let slice = crate::persist::OPENING_SLICE_MS;
                let done = store.world.try_with_untracked(|world| {
                    store.browse.try_update_value(|b| {
                        let done =
                            b.refresh(world, &mut || crate::persist::now_ms() - start < slice);
                        (done, b.progress())
                    })
                });
                match done.flatten() {
                    Some((false, progress)) => store.browse_loading.set(Some(progress)),
                    // Done, or the page is going away.
                    _ => {
                        store.browse.try_update_value(|b| b.stop_slicing());
                        let _ = store.browse_loading.try_set(None);
                        return;
                    }
                }
            }
        });
    }

    /// Replaces the whole world (import), saving it.
    pub fn replace_world(&self, mut world: World) {
        self.sim.catch_up(world.clock());
        if let Some(message) = ensure_signed_in_user(&mut world, self.sim.now_untracked()) {
            self.notify(Tone::Info, "Signed-in user added".into(), message);
        }
        // A new world: every part is written anew.
        let everything = Touched {
            galleries: world.gallery_keys().cloned().collect(),
            access: true,
            assignments: (0..sig_core::parts::ASSIGNMENT_BUCKETS).collect(),
        };
        self.touched.update_value(|t| t.merge(everything));
        self.set_world(world);
        self.journal.update_value(|j| j.push(Pending::Replaced));
        self.save();
    }

    /// Puts `world` in place of the current one (the lists follow), and frees the old one in
    /// slices that yield to the browser: dropping a world at ten times the limits at once was
    /// a task of over half a second. What was derived from the old world by following its
    /// changes (the browse rows, the read decision) starts again.
    fn set_world(&self, world: World) {
        self.browse.update_value(|b| b.invalidate());
        self.reads_all.set_value(None);
        self.replaced.update_value(|n| *n += 1);
        let mut old = None;
        self.world
            .update(|w| old = Some(std::mem::replace(w, world)));
        let Some(old) = old else { return };
        let mut discarding = old.discard();
        leptos::task::spawn_local(async move {
            loop {
                crate::tab_lock::yield_to_browser().await;
                let start = crate::persist::now_ms();
                while crate::persist::now_ms() - start < crate::persist::OPENING_SLICE_MS {
                    if discarding.step(DISCARD_BETWEEN_CHECKS) {
                        return;
                    }
                }
            }
        });
    }

    /// Saves soon, after the change has been shown: serializing and storing a
    /// large state takes longer than a frame, so it must not sit between a
    /// click and its result. Commands in quick succession share one save, and
    /// [`Store::flush_save`] runs it at once when the page is hidden or
    /// unloaded, or another tab saves, so nothing is lost.
    pub fn schedule_save(&self) {
        if self.pending_save.get_value() {
            return;
        }
        self.pending_save.set_value(true);
        let store = *self;
        set_timeout(
            move || store.flush_save(),
            std::time::Duration::from_millis(30),
        );
    }

    /// Runs a scheduled save now, if one is pending (under the tabs' lock,
    /// so it completes a moment later). The change stays pending until the
    /// save writes it, so a page unloaded meanwhile still saves it at once
    /// ([`Store::flush_save_now`]).
    pub fn flush_save(&self) {
        // The app may be gone by the time a scheduled save runs (a test unmounted it).
        if self.pending_save.try_get_value() == Some(true) {
            self.save();
        }
    }

    /// Runs a scheduled save at once, without waiting for the tabs' lock:
    /// for a page being unloaded, which cannot wait. The revision check
    /// still applies, and another tab's newer save is replayed onto first.
    pub fn flush_save_now(&self) {
        if self.pending_save.get_value() {
            if let Some(revision) = self.save_locked() {
                leptos::task::spawn_local(announce(revision));
            }
        }
    }

    /// Saves the current world and clock under the tabs' lock; on failure
    /// keeps them in memory and says why.
    pub fn save(&self) {
        if self.saving.get_value() != Saving::On {
            // In memory only, or an unreadable saved state must not be overwritten.
            return;
        }
        let store = *self;
        if !reader_ready()
            && BrowserStorage::open().stored_revision() > self.revision.get_untracked()
        {
            // Another tab saved, and taking its state needs the reader, a download of
            // its own in release builds: fetched first, never while holding the lock.
            store.await_reader_then_sync();
            return;
        }
        with_lock(
            STATE_LOCK,
            Box::new(move || {
                Box::pin(async move {
                    // Another tab may have saved a revision this tab's copy of
                    // localStorage has not received yet: wait for it (it is on
                    // its way, milliseconds behind). After two seconds the
                    // announcement is taken as stale (the data was removed
                    // since, e.g. an unreadable state discarded) and the
                    // revision check alone decides.
                    if let Some(head) = announced_head().await {
                        let storage = BrowserStorage::open();
                        let mut waited = 0;
                        while storage.stored_revision() < head && waited < 2000 {
                            sleep(10).await;
                            waited += 10;
                        }
                    }
                    if store.saving.try_get_value().is_none() {
                        return; // The app is gone (a test unmounted it).
                    }
                    let ahead = store.write_ahead().await;
                    if store.saving.try_get_value().is_none() {
                        return;
                    }
                    if let Some(revision) = store.save_locked_with(ahead) {
                        announce(revision).await;
                    }
                })
            }),
        );
    }

    /// The save itself, run while this tab holds the lock: newer data from
    /// another tab is taken first (this tab's unsaved commands replayed on
    /// it), then the result is written as the next revision, which is
    /// returned when it was written.
    fn save_locked(&self) -> Option<u64> {
        self.save_locked_with(None)
    }

    /// When a save has many parts to write (an import, the first save over an
    /// older format), writes them ahead in slices that yield to the browser,
    /// still under the tabs' lock, so the save itself writes only what changed
    /// meanwhile and the envelope. Returns what was written, and for which
    /// stored revision; `None` when there was little to write.
    async fn write_ahead(&self) -> Option<(u64, PartMap)> {
        if self.saving.get_value() != Saving::On {
            return None;
        }
        let base = self.revision.get_untracked();
        if BrowserStorage::open().stored_revision() != base {
            return None; // Another tab's state is taken first, by the save itself.
        }
        if let Some(now) = self.world.try_update_untracked(World::take_touched) {
            self.touched.update_value(|t| t.merge(now));
        }
        let world_at_start = self.replaced.get_value();
        let parts = self.parts.get_value();
        let (galleries, access, buckets) = self.touched.with_value(|touched| {
            self.world.with_untracked(|w| {
                let galleries: Vec<sig_core::ids::Key> = w
                    .gallery_keys()
                    .filter(|g| {
                        touched.galleries.contains(*g) || !parts.galleries.contains_key(g.as_str())
                    })
                    .cloned()
                    .collect();
                let access = touched.access || parts.access.is_none() || !parts.assignments_apart;
                // Buckets changed or not stored yet (an envelope that kept every assignment
                // in its access part has none).
                let buckets: Vec<u16> = w
                    .assignment_buckets()
                    .into_iter()
                    .filter(|b| {
                        touched.assignments.contains(b)
                            || !parts.assignments_apart
                            || !parts.assignments.contains_key(b)
                    })
                    .collect();
                (galleries, access, buckets)
            })
        });
        if galleries.len() + buckets.len() < WRITE_AHEAD_ABOVE {
            return None;
        }
        let writer = (base + 1, self.next_event_id());
        let mut ahead = PartMap::default();
        let storage = BrowserStorage::open();
        let mut galleries = galleries.as_slice();
        let mut buckets = buckets.as_slice();
        let mut access = access;
        // The longest write so far: a slice stops before the next write could take it past a
        // long task (the access part alone is ~25 ms at ten times the limits).
        let mut longest = 0.0f64;
        while !galleries.is_empty() || !buckets.is_empty() || access {
            // Yielding first: what came before (an import's new world shown, the parts to
            // write found) is a task of its own.
            sleep(0).await;
            if self.replaced.try_get_value()? != world_at_start {
                return None; // See below.
            }
            let started = js_sys::Date::now();
            let mut wrote = false;
            loop {
                let (these, others) = galleries.split_at(galleries.len().min(4));
                // The access fields (but the assignments) once the galleries are written, in a
                // slice of their own (10,000 users at ten times the limits, ~25 ms: started
                // after other writes in the same slice, it made a task of 70 ms, measured).
                let with_access = these.is_empty() && access;
                if with_access && wrote {
                    break;
                }
                // Then a bucket at a time: 1,600 assignments at ten times the limits, ~5 ms
                // (the core holds them by bucket: not found by walking all 100,000).
                let (those, after) = if these.is_empty() && !with_access {
                    buckets.split_at(buckets.len().min(1))
                } else {
                    (&buckets[..0], buckets)
                };
                if these.is_empty() && those.is_empty() && !with_access {
                    break;
                }
                let before = js_sys::Date::now();
                let written = self.world.try_with_untracked(|w| {
                    storage.write_ahead(w, (these, with_access, those), writer, &mut ahead)
                })?;
                longest = longest.max(js_sys::Date::now() - before);
                let spent = js_sys::Date::now() - started;
                if written.is_err() {
                    // The save itself writes what is left, and says why if it cannot.
                    return Some((base, ahead));
                }
                galleries = others;
                buckets = after;
                access &= !with_access;
                wrote = true;
                if with_access || spent >= SLICE_MS || spent + longest >= SLICE_CEILING_MS {
                    break;
                }
            }
        }
        // The save itself is a task of its own, after the last slice (together they made a
        // task of 55 ms at ten times the limits, measured).
        sleep(0).await;
        // The world was replaced while its parts were written (an import): what was written
        // is the old world's, and the new world's marks must not be cleared for it. The save
        // writes every part of the new world itself.
        if self.replaced.try_get_value()? != world_at_start {
            return None;
        }
        // What was written ahead is as of its writing; changes since are marked anew.
        self.touched.try_update_value(|t| {
            t.galleries
                .retain(|g| !ahead.galleries.contains_key(g.as_str()));
            t.access &= ahead.access.is_none();
            t.assignments.retain(|b| !ahead.assignments.contains_key(b));
        })?;
        Some((base, ahead))
    }

    /// [`Store::save_locked`], using parts written ahead for the stored
    /// revision they were written over (see [`Store::write_ahead`]).
    fn save_locked_with(&self, ahead: Option<(u64, PartMap)>) -> Option<u64> {
        let (ahead_base, ahead) = ahead.unwrap_or_default();
        // Until a save names them, the parts written ahead are still to write.
        let written_ahead = Touched {
            galleries: ahead.galleries.keys().map(|k| Key::new(k)).collect(),
            access: ahead.access.is_some(),
            assignments: ahead.assignments.keys().copied().collect(),
        };
        let still_to_write = || {
            self.touched
                .update_value(|t| t.merge(written_ahead.clone()))
        };
        if self.saving.get_value() != Saving::On {
            still_to_write();
            return None;
        }
        // What is written now is everything so far; a later change is pending again.
        self.pending_save.set_value(false);
        let storage = BrowserStorage::open();
        if !self.take_newer(&storage) {
            still_to_write();
            if self.awaiting_reader.get_value() {
                // Written once the reader is here, on top of the other tab's state.
                self.pending_save.set_value(true);
            }
            return None;
        }
        let base = self.revision.get_untracked();
        let next = base + 1;
        // Parts written ahead describe this tab's world as it was then: not if
        // another tab's state has been taken since.
        let ahead = if ahead_base == base {
            ahead
        } else {
            still_to_write();
            PartMap::default()
        };
        let clock = self.sim.snapshot();
        let notes: Vec<SavedNotification> = self
            .notifications
            .with_untracked(|list| list.iter().map(Notification::saved).collect());
        let mut touched = self.touched.get_value();
        if let Some(now) = self.world.try_update_untracked(World::take_touched) {
            touched.merge(now);
        }
        let writer = self.next_event_id();
        let performance = web_sys::window().and_then(|w| w.performance());
        if let Some(p) = &performance {
            let _ = p.mark("sig:save-start");
        }
        // The part map borrowed, not copied: at ten times the limits it names 1,065 parts and
        // their seals (a copy was ~2 ms of a save, profiled).
        let result = self.parts.with_value(|parts| {
            self.world.with_untracked(|world| {
                storage.save(&Save {
                    world,
                    clock: Some(&clock),
                    notifications: &notes,
                    base,
                    revision: next,
                    parts,
                    touched: &touched,
                    ahead: &ahead,
                    writer,
                })
            })
        });
        if let Some(p) = &performance {
            // The latest save's duration, for the benchmarks (`sig:save`).
            p.clear_measures_with_measure_name("sig:save");
            let _ = p.measure_with_start_mark("sig:save", "sig:save-start");
        }
        let outcome = match result {
            Ok(saved) => {
                self.parts.set_value(saved.parts);
                self.touched.set_value(Touched::default());
                Ok(())
            }
            Err(problem) => {
                // Not written: the next save writes these parts too.
                self.touched.set_value(touched);
                still_to_write();
                Err(problem)
            }
        };
        match outcome {
            Ok(()) => {
                self.revision.set(next);
                self.journal.update_value(Vec::clear);
                self.unsaved_notes.update_value(Vec::clear);
                crate::storage::remove(crate::sim_clock::LEGACY_CLOCK_KEY);
                // Moved into the world at start (which waits for the engine when the key
                // exists), unless the engine could not be downloaded: then kept for the next.
                if !self.legacy_prices_pending.get_value() {
                    crate::storage::remove(LEGACY_PRICES_KEY);
                }
                if matches!(
                    self.storage_notice.get_untracked(),
                    Some(StorageNotice::NotSaved(_))
                ) {
                    self.storage_notice.set(None);
                }
                Some(next)
            }
            Err(SaveProblem::Stale { .. }) => {
                // Another tab wrote between our check and our write (only
                // possible where the browser has no Web Locks): go again,
                // which replays our changes onto what it wrote.
                self.schedule_save();
                None
            }
            Err(SaveProblem::Refused(why)) => {
                self.storage_notice.set(Some(StorageNotice::NotSaved(why)));
                None
            }
        }
    }

    /// Another tab saved: take its newer state (and clock). A change of ours
    /// not yet saved is saved now, replayed onto it, so neither is lost.
    pub fn reload_from_storage(&self) {
        if self.saving.get_value() != Saving::On {
            return;
        }
        if self.journal.with_value(Vec::is_empty) {
            self.take_newer_stored();
        } else {
            self.save();
        }
    }

    /// [`Store::take_newer`] against the page's storage, if saving is on.
    fn take_newer_stored(&self) {
        if self.saving.get_value() == Saving::On {
            self.take_newer(&BrowserStorage::open());
        }
    }

    /// If storage holds a newer revision than this tab's, makes it this
    /// tab's state: its world with this tab's unsaved commands replayed on
    /// it (those it now refuses are reported, not forced), and its clock.
    /// Returns false when the newer data cannot be read — nothing may then
    /// be saved over it.
    fn take_newer(&self, storage: &BrowserStorage) -> bool {
        let ours = self.revision.get_untracked();
        if storage.stored_revision() <= ours {
            return true;
        }
        let read = match storage.read_state() {
            Ok(Some(text)) => match parse_stored_now(text) {
                Some(read) => read,
                None => {
                    // Release builds download the reader in the background
                    // after the first blade; until it is here, nothing is
                    // saved over the other tab's data, which is taken (and
                    // what we have pending saved on top) as soon as it arrives.
                    self.await_reader_then_sync();
                    return false;
                }
            },
            Ok(None) => Err(LoadProblem::Empty),
            Err(problem) => Err(problem),
        };
        let loaded = match read {
            Ok(loaded) => loaded,
            Err(LoadProblem::Empty) => {
                // Discarded or set aside by another tab, which kept the revision
                // number: this tab's state is saved as the next revision.
                self.revision.set(storage.stored_revision());
                self.parts.set_value(PartMap::default());
                return true;
            }
            Err(LoadProblem::ReaderMissing) => {
                self.storage_notice
                    .set(Some(StorageNotice::NotSaved(READER_UNAVAILABLE.into())));
                return false;
            }
            Err(LoadProblem::Unreadable(why) | LoadProblem::Unavailable(why)) => {
                self.storage_notice.set(Some(StorageNotice::NotSaved(format!(
                    "another tab saved data this tab cannot read ({why}), so nothing is saved over it"
                ))));
                return false;
            }
        };
        if loaded.revision <= ours {
            // The revision arrived before the state it names: its own change
            // event brings it in a moment.
            return true;
        }
        let journal = self.journal.get_value();
        let mut world = loaded.world;
        let _ = ensure_signed_in_user(&mut world, self.sim.now_untracked());
        match rebase(world, &journal) {
            // An import in this tab replaces whatever the other tab saved.
            None => {}
            Some(rebased) => {
                if !rebased.refused.is_empty() {
                    let refused: Vec<String> = rebased
                        .refused
                        .iter()
                        .map(|(command, error)| {
                            let (operation, target) = describe(command);
                            format!("{operation} {}: {}", last_segment(&target), refusal(error))
                        })
                        .collect();
                    self.journal.update_value(|j| {
                        j.retain(|p| match p {
                            Pending::Command { command, .. } => {
                                !rebased.refused.iter().any(|(c, _)| c == command.as_ref())
                            }
                            Pending::Replaced | Pending::Activity(_) => true,
                        })
                    });
                    self.storage_notice
                        .set(Some(StorageNotice::RefusedAfterOtherTab(refused)));
                }
                self.set_world(rebased.world);
            }
        }
        self.revision.set(loaded.revision);
        self.parts.set_value(loaded.parts);
        self.take_notifications(loaded.notifications);
        if let Some(clock) = loaded.clock {
            let not_before = self.world.with_untracked(World::clock);
            self.sim.adopt(&clock, not_before);
            self.clock_setting.set_value(self.sim.setting_untracked());
        }
        true
    }

    /// Takes another tab's newer save once the reader of saved data is here
    /// (its own download in release builds), then saves what this tab has
    /// pending on top of it — only if it has something: a tab that merely
    /// follows must not write, or it could race the other tab's next change.
    /// Says so when the reader cannot be downloaded. One wait at a time.
    fn await_reader_then_sync(&self) {
        if self.awaiting_reader.get_value() {
            return;
        }
        self.awaiting_reader.set_value(true);
        let store = *self;
        leptos::task::spawn_local(async move {
            let ready = ensure_reader().await;
            if store.awaiting_reader.try_set_value(false).is_some() {
                return; // The app is gone (a test unmounted it).
            }
            if !ready {
                store
                    .storage_notice
                    .set(Some(StorageNotice::NotSaved(READER_UNAVAILABLE.into())));
            } else if store.pending_save.get_value() {
                store.save();
            } else {
                store.reload_from_storage();
            }
        });
    }

    /// Discards the unreadable saved state that could not be moved aside;
    /// saving resumes (the current state is saved at once). If the browser
    /// will not even remove it, the banner says so and nothing is saved.
    pub fn discard_unreadable(&self) {
        if self.saving.get_value() != Saving::HeldForUnreadable {
            return;
        }
        match BrowserStorage::open().discard_state() {
            Ok(()) => {
                self.saving.set_value(Saving::On);
                self.storage_notice.set(None);
                if let Some(revision) = self.save_locked() {
                    leptos::task::spawn_local(announce(revision));
                }
            }
            Err(problem) => {
                self.storage_notice.set(Some(StorageNotice::NotSaved(format!(
                    "the unreadable saved data could not be discarded ({problem}), so it is still kept and nothing is saved over it"
                ))));
            }
        }
    }

    /// Adds a notification (newest first).
    pub fn notify(&self, tone: Tone, title: String, detail: String) {
        let id = self.next_event_id();
        self.unsaved_notes.update_value(|n| n.push(id));
        self.notifications.update(|list| {
            list.insert(
                0,
                Notification {
                    id,
                    title: crate::text::reveal(&title).into_owned(),
                    detail: crate::text::reveal(&detail).into_owned(),
                    tone,
                    at: clock::stamp(clock::now()),
                    fresh: true,
                },
            );
            list.truncate(MAX_NOTIFICATIONS);
        });
        self.schedule_save();
    }

    /// "Dismiss all": for every tab, from the next save on.
    pub fn dismiss_notifications(&self) {
        self.notifications.set(Vec::new());
        self.unsaved_notes.update_value(Vec::clear);
        self.schedule_save();
    }

    /// Another tab's saved notifications, with this tab's unsaved ones on top.
    fn take_notifications(&self, theirs: Vec<SavedNotification>) {
        let mine: Vec<Notification> = self.unsaved_notes.with_value(|ids| {
            self.notifications.with_untracked(|list| {
                list.iter()
                    .filter(|n| ids.contains(&n.id))
                    .cloned()
                    .collect()
            })
        });
        let mut merged: Vec<Notification> = theirs
            .into_iter()
            .filter(|n| !mine.iter().any(|m| m.id == n.id))
            .map(Notification::restored)
            .collect();
        merged.extend(mine);
        merged.sort_by(|a, b| b.at.cmp(&a.at));
        merged.truncate(MAX_NOTIFICATIONS);
        self.notifications.set(merged);
    }
}

fn event_title(event: &Event) -> String {
    let what = short_type(&event.resource_type);
    match event.kind {
        EventKind::Created => format!("Created {what}"),
        EventKind::Updated => format!("Updated {what}"),
        EventKind::Deleted => format!("Deleted {what}"),
    }
}

/// What a notification names an event's resource by: a role assignment as
/// its role, principal and scope; anything else by its display name.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Subject {
    /// A role assignment.
    Assignment {
        /// The role's name ("Reader").
        role: String,
        /// The principal's display name.
        principal: String,
        /// The scope's name (gallery, resource group, subscription).
        scope: String,
    },
    /// A directory object, tenant, subscription or resource, by name.
    Named(String),
}

/// Looks `id` up in `world`: a role assignment, a directory object (through
/// the world's directory), a tenant, or a resource id (named by its last
/// segment, a subscription by its display name). `None` if it is not there.
fn subject(world: &World, id: &str) -> Option<Subject> {
    if id.is_empty() {
        return None;
    }
    let access = world.access();
    if let Some(assignment) = access.assignment(id) {
        let properties = &assignment.properties;
        let role = access.role(&properties.role_definition_id).map_or_else(
            || last_segment(&properties.role_definition_id).to_string(),
            |role| role.role_name().to_string(),
        );
        return Some(Subject::Assignment {
            role,
            principal: principal_name(world, &properties.principal_id),
            scope: scope_name(world, &properties.scope),
        });
    }
    if let Some(entry) = access.object(id) {
        return Some(Subject::Named(entry.object.display_name().to_string()));
    }
    if let Some(tenant) = world.tenants().find(|t| t.id.eq_ignore_ascii_case(id)) {
        return Some(Subject::Named(tenant.display_name.clone()));
    }
    id.starts_with('/')
        .then(|| Subject::Named(scope_name(world, id)))
}

/// A principal's display name, or its object id if the directory has no such object.
fn principal_name(world: &World, object_id: &str) -> String {
    world.access().object(object_id).map_or_else(
        || object_id.to_string(),
        |entry| entry.object.display_name().to_string(),
    )
}

/// A scope or resource id as a person names it: a subscription by its
/// display name, anything below it by its last segment.
fn scope_name(world: &World, id: &str) -> String {
    let segments: Vec<&str> = id.trim_matches('/').split('/').collect();
    match segments.as_slice() {
        [kind, subscription] if kind.eq_ignore_ascii_case("subscriptions") => world
            .subscription(subscription)
            .map_or_else(|| subscription.to_string(), |s| s.display_name.clone()),
        _ => last_segment(id).to_string(),
    }
}

fn last_segment(id: &str) -> &str {
    id.trim_end_matches('/').rsplit('/').next().unwrap_or(id)
}

/// The title and sentence of an event's notification, in names:
/// "Created user Carol Fabrikam", "Reader assigned to Carol Fabrikam on
/// ContosoImages".
fn event_notice(world: &World, event: &Event, subject: Option<Subject>) -> (String, String) {
    let title = match subject {
        Some(Subject::Assignment {
            role,
            principal,
            scope,
        }) => match event.kind {
            EventKind::Created => format!("{role} assigned to {principal} on {scope}"),
            EventKind::Updated => format!("{role} for {principal} on {scope} updated"),
            EventKind::Deleted => format!("{role} removed from {principal} on {scope}"),
        },
        subject => {
            let name = match subject {
                Some(Subject::Named(name)) => name,
                _ => last_segment(&event.id).to_string(),
            };
            let what = notice_type(&event.resource_type);
            match event.kind {
                EventKind::Created => format!("Created {what} {name}"),
                EventKind::Updated => format!("Updated {what} {name}"),
                EventKind::Deleted => format!("Deleted {what} {name}"),
            }
        }
    };
    let mut detail = format!("By {}.", principal_label(world, &event.actor));
    for warning in &event.warnings {
        detail.push(' ');
        detail.push_str(&warning.message);
    }
    (title, detail)
}

/// Who did it: the actor as signed in (a user principal name reads well; an
/// object id is resolved to its display name).
fn principal_label(world: &World, actor: &str) -> String {
    match world.access().object(actor) {
        Some(entry) => entry.object.display_name().to_string(),
        None => actor.to_string(),
    }
}

/// A resource type as a notification names it: the portal's names, and the
/// directory's and role assignments' in words.
fn notice_type(resource_type: &str) -> &str {
    use sig_core::iam::directory::{
        APPLICATION_ODATA, GROUP_ODATA, SERVICE_PRINCIPAL_ODATA, USER_ODATA,
    };
    match resource_type {
        USER_ODATA => "user",
        GROUP_ODATA => "group",
        SERVICE_PRINCIPAL_ODATA => "service principal",
        APPLICATION_ODATA => "application",
        "Microsoft.Authorization/roleAssignments" => "role assignment",
        "Microsoft.Authorization/roleDefinitions" => "role definition",
        other => short_type(other),
    }
}

/// The sentence a refusal is reported by: the core's first error, or the
/// refusal itself when it names none.
pub fn refusal(error: &CommandError) -> String {
    error
        .first_error()
        .map_or_else(|| error.to_string(), |d| d.message.clone())
}

/// Is `id` in the visible set (`None`: everything is visible)?
fn listed(visible: Option<&std::collections::HashSet<String>>, id: &str) -> bool {
    visible.is_none_or(|set| set.contains(&id.to_ascii_lowercase()))
}

/// The price table an older build kept under its own key, as the command
/// that moves it into the world (applied here; journaled by the caller so
/// the next save writes it). `None` when there is none, it does not parse,
/// the world already has one, or the core refuses it.
fn adopt_legacy_prices(world: &mut World, now: OffsetDateTime) -> Option<Command> {
    if world.price_table().is_some() {
        return None;
    }
    let prices = crate::storage::load::<sig_core::cost::PriceTable>(LEGACY_PRICES_KEY).ok()?;
    let command = Command::SetPriceTable {
        prices: Some(prices),
    };
    crate::engine::apply_now(world, &Actor::system(), command.clone(), now)?.ok()?;
    Some(command)
}
