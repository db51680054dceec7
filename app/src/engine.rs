//! The core's rule engine (`sig_core::apply`, `sig_core::check`) behind a split point.
//!
//! The rules of galleries, definitions, versions and replication, with the readers of the ARM
//! bodies they check, were a fifth of the first module (101 KB of its 487 KB gzip, measured).
//! A first visit needs none of them before its first blade: it builds its starting world with
//! `sig_core::apply_setup`, and a stored state is read by the state reader, itself a split file
//! (the start waits for the engine only when an older build's price table is to be moved into
//! the world). Release builds (`--features split`) keep them in a file of their own, fetched once
//! the first blade is on screen ([`ensure_engine`], `Store::load_engine`). Until it is here, the verdicts shown as the user types
//! say so (and keep Create disabled), buttons guarded by the signed-in user's permissions
//! (`Store::denied`) are disabled with that reason, and any other command sent meanwhile is
//! refused with it by [`Store::dispatch`](crate::store::Store::dispatch), nothing typed lost.
//! Other builds call the engine directly.

use std::sync::atomic::{AtomicBool, Ordering};

use leptos::wasm_split::SplitLoaderError;
use sig_core::{Actor, Command, CommandError, Diagnostic, Event, World};
use time::OffsetDateTime;

/// What a command came to: its events, or why it was refused.
pub type Outcome = Result<Vec<Event>, CommandError>;

/// The core's verdict on a command without applying it (`sig_core::check`).
pub type Verdict = Option<Result<Vec<Diagnostic>, CommandError>>;

/// Why a command cannot run yet: the engine is still downloading.
pub const LOADING: &str =
    "The portal is still loading the rules that check this; try again in a moment.";

/// Why a command cannot run yet: the engine's download is taking long (`Engine::Slow`).
pub const SLOW: &str = "The rules that check requests are taking long to download (is the network slow?); requests can be sent as soon as they are here.";

/// Why a command cannot run: the engine could not be downloaded.
pub const MISSING: &str = "The part of the portal that checks requests could not be downloaded (is the network down?); the portal keeps trying.";

/// `sig_core::apply`, in the engine's file in release builds.
#[cfg_attr(
    feature = "split",
    leptos::wasm_split::wasm_split(
        engine,
        wasm_split_path = ::leptos::wasm_split,
        preload(preload_engine),
        fallible
    )
)]
fn apply_in_engine(
    world: &mut World,
    actor: &Actor,
    command: Command,
    now: OffsetDateTime,
) -> Result<Outcome, SplitLoaderError> {
    Ok(sig_core::apply(world, actor, command, now))
}

/// `sig_core::check`, in the engine's file in release builds.
#[cfg_attr(
    feature = "split",
    leptos::wasm_split::wasm_split(
        engine,
        wasm_split_path = ::leptos::wasm_split,
        preload(preload_check),
        fallible
    )
)]
fn check_in_engine(
    world: &World,
    actor: &Actor,
    command: &Command,
    now: OffsetDateTime,
) -> Result<Verdict, SplitLoaderError> {
    Ok(sig_core::check(world, actor, command, now))
}

/// Set once the engine is here (release builds download it; other builds link it).
static ENGINE_READY: AtomicBool = AtomicBool::new(cfg!(not(feature = "split")));

/// Whether [`apply_now`] and [`check_now`] can run now.
pub fn engine_ready() -> bool {
    ENGINE_READY.load(Ordering::Relaxed)
}

/// Downloads the engine (release builds); false when it could not be downloaded.
pub async fn ensure_engine() -> bool {
    // Each split function has a loader of its own: both are made ready, so that either can
    // then be called synchronously.
    #[cfg(feature = "split")]
    let ready = preload_engine().await.is_ok() && preload_check().await.is_ok();
    #[cfg(not(feature = "split"))]
    let ready = true;
    if ready {
        ENGINE_READY.store(true, Ordering::Relaxed);
    }
    ready
}

/// A split function's output, synchronously, once the engine is here (it completes at its
/// first poll): `None` if it does not, or its file could not be loaded.
fn at_once<T>(future: impl std::future::Future<Output = Result<T, SplitLoaderError>>) -> Option<T> {
    crate::tab_lock::poll_once(future)?.ok()
}

/// `sig_core::apply`, when the engine is here (`None`, and nothing applied, otherwise).
pub fn apply_now(
    world: &mut World,
    actor: &Actor,
    command: Command,
    now: OffsetDateTime,
) -> Option<Outcome> {
    if !engine_ready() {
        return None;
    }
    #[cfg(feature = "split")]
    return at_once(apply_in_engine(world, actor, command, now));
    #[cfg(not(feature = "split"))]
    return at_once(std::future::ready(apply_in_engine(
        world, actor, command, now,
    )));
}

/// `sig_core::check`, when the engine is here (`None` otherwise).
pub fn check_now(
    world: &World,
    actor: &Actor,
    command: &Command,
    now: OffsetDateTime,
) -> Option<Verdict> {
    if !engine_ready() {
        return None;
    }
    #[cfg(feature = "split")]
    return at_once(check_in_engine(world, actor, command, now));
    #[cfg(not(feature = "split"))]
    return at_once(std::future::ready(check_in_engine(
        world, actor, command, now,
    )));
}

/// The refusal of a command, or the verdict on it, while the engine is not here (`why`:
/// [`LOADING`], [`SLOW`] or [`MISSING`]).
pub fn unavailable(why: &str) -> CommandError {
    CommandError {
        diagnostics: vec![Diagnostic::new(
            sig_core::Code::OperationNotAllowed,
            "",
            "",
            why,
        )],
    }
}

/// Whether `diagnostic` says only that the engine is not here (not a finding of the rules).
pub fn is_unavailable(diagnostic: &Diagnostic) -> bool {
    diagnostic.path.is_empty()
        && diagnostic.resource_id.is_empty()
        && [LOADING, SLOW, MISSING].contains(&diagnostic.message.as_str())
}
