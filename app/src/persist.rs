//! Keeping the world in `localStorage`, safely.
//!
//! What users expect of real software, and what this module guarantees:
//! - a corrupt or unreadable stored state is never destroyed: it is moved
//!   aside (downloadable) and the user is told;
//! - when the browser refuses to store (quota), the in-memory state is kept
//!   and the user is told to export;
//! - a stale tab never overwrites newer data: every save checks the stored
//!   revision first (under the tabs' lock, [`crate::tab_lock`]), and the store
//!   replays its unsaved commands onto the newer data ([`crate::journal`]);
//! - the simulation clock is saved in the same envelope as the world (and
//!   the price table is part of the world), so one revision covers all three
//!   and tabs follow each other's clock like their data.

use leptos::wasm_split::SplitLoaderError;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sig_core::World;

use crate::sim_clock::SavedClock;

/// Where the state lives.
pub const STATE_KEY: &str = "sig-portal/state";
/// The revision of what is stored, kept apart so checking it costs nothing.
pub const REVISION_KEY: &str = "sig-portal/revision";
/// Where an unreadable state is moved so that nothing is lost.
pub const ASIDE_KEY: &str = "sig-portal/state-unreadable";
/// The envelope format this build writes.
pub const ENVELOPE_VERSION: u32 = 1;
/// Marks a stored state that is deflate-compressed (one byte per UTF-16 unit).
///
/// localStorage holds about 5 million UTF-16 units per origin in Chromium; a
/// state at the documented limits is ~6 MB of JSON but ~70 KB deflated, so
/// large states are stored compressed and small ones stay readable as JSON.
pub const COMPRESSED_PREFIX: &str = "sigz1:";
/// States larger than this are stored compressed.
pub const COMPRESS_ABOVE: usize = 256 * 1024;

/// The text to store for `json`: itself when small, else compressed.
pub fn pack(json: String) -> String {
    if json.len() <= COMPRESS_ABOVE {
        return json;
    }
    let bytes = miniz_oxide::deflate::compress_to_vec(json.as_bytes(), 1);
    let mut out = String::with_capacity(COMPRESSED_PREFIX.len() + bytes.len() * 2);
    out.push_str(COMPRESSED_PREFIX);
    out.extend(bytes.into_iter().map(char::from));
    out
}

/// The JSON text of a stored state, undoing [`pack`].
pub fn unpack(stored: &str) -> Result<String, LoadProblem> {
    let Some(body) = stored.strip_prefix(COMPRESSED_PREFIX) else {
        return Ok(stored.to_string());
    };
    let bytes: Option<Vec<u8>> = body.chars().map(|c| u8::try_from(c).ok()).collect();
    let damaged =
        || LoadProblem::Unreadable("the saved data is damaged (compressed data is invalid)".into());
    let bytes = bytes.ok_or_else(damaged)?;
    let json = miniz_oxide::inflate::decompress_to_vec(&bytes).map_err(|_| damaged())?;
    String::from_utf8(json).map_err(|_| damaged())
}

/// What is written under [`STATE_KEY`]: the world's export document plus
/// the bookkeeping the app needs.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct EnvelopeRef<'a> {
    app: &'static str,
    envelope_version: u32,
    revision: u64,
    world: &'a World,
    #[serde(skip_serializing_if = "Option::is_none")]
    clock: Option<&'a SavedClock>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    notifications: &'a [SavedNotification],
}

/// A notification as saved with the state, so the bell's list survives a
/// reload and follows the other tabs (the app's own bookkeeping: the export
/// file, which is Azure's shapes, does not carry it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedNotification {
    /// Unique across tabs and reloads.
    pub id: u64,
    /// Title.
    pub title: String,
    /// Sentence.
    pub detail: String,
    /// `success`, `error` or `info`.
    pub tone: String,
    /// When (UTC stamp).
    pub at: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Envelope {
    envelope_version: u32,
    #[serde(default)]
    revision: u64,
    world: Value,
    /// Absent in envelopes written before the clock moved in.
    #[serde(default)]
    clock: Option<SavedClock>,
    /// Absent in envelopes written before notifications were kept.
    #[serde(default)]
    notifications: Vec<SavedNotification>,
}

/// A state read back from storage.
#[derive(Debug)]
pub struct Loaded {
    /// The world.
    pub world: World,
    /// Its revision.
    pub revision: u64,
    /// The simulation clock saved with it (`None` in older envelopes and
    /// bare exports).
    pub clock: Option<SavedClock>,
    /// The notifications saved with it, newest first.
    pub notifications: Vec<SavedNotification>,
}

/// Why a stored state could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadProblem {
    /// Nothing stored: a first run.
    Empty,
    /// Stored, but not readable by this build; the text says why.
    Unreadable(String),
    /// The browser gives the page no storage, or would not read it; the
    /// text says why. The app works in memory.
    Unavailable(String),
    /// A state is stored, but the part of the app that reads it could not be
    /// downloaded (release builds fetch it separately): the state stays as it
    /// is. At start-up the app then works in memory until reloaded; later
    /// (another tab saved) nothing is saved over it.
    ReaderMissing,
}

/// Parses stored text (compressed or not), migrating older formats.
///
/// Version 0 is a bare world export (what early builds and the `sig` export
/// file contain); version 1 wraps it with a revision.
pub fn parse(stored: &str) -> Result<Loaded, LoadProblem> {
    let text = unpack(stored)?;
    let value: Value = serde_json::from_str(&text)
        .map_err(|e| LoadProblem::Unreadable(format!("the saved data is not valid JSON ({e})")))?;
    let (world, revision, clock, notifications) = if value.get("envelopeVersion").is_some() {
        // From a borrowed value: the owned-value deserializer is not linked into the module.
        let envelope: Envelope = serde::Deserialize::deserialize(&value)
            .map_err(|e| LoadProblem::Unreadable(format!("the saved data is damaged ({e})")))?;
        if envelope.envelope_version > ENVELOPE_VERSION {
            return Err(LoadProblem::Unreadable(format!(
                "the saved data was written by a newer SIG Portal (format {}, this one reads up to {ENVELOPE_VERSION})",
                envelope.envelope_version
            )));
        }
        (
            envelope.world,
            envelope.revision,
            envelope.clock,
            envelope.notifications,
        )
    } else if value.get("formatVersion").is_some() {
        (value, 0, None, Vec::new())
    } else {
        return Err(LoadProblem::Unreadable(
            "the saved data is not a SIG Portal state".into(),
        ));
    };
    let world: World = serde::Deserialize::deserialize(&world)
        .map_err(|e| LoadProblem::Unreadable(format!("the saved world is invalid ({e})")))?;
    Ok(Loaded {
        world,
        revision,
        clock,
        notifications,
    })
}

/// [`parse`] behind a split point: the readers of every ARM shape (serde's
/// visitors for the whole export document) are the largest part of the module
/// that a first visit, with nothing stored, never runs. Release builds
/// (`--features split`) keep them in their own wasm file, fetched at start-up
/// when a state is stored and otherwise in the background once the first blade
/// is shown ([`ensure_reader`]); other builds call [`parse`] directly.
#[cfg_attr(
    feature = "split",
    leptos::wasm_split::wasm_split(
        state_reader,
        wasm_split_path = ::leptos::wasm_split,
        preload(preload_reader),
        fallible
    )
)]
fn read_stored(text: String) -> Result<Result<Loaded, LoadProblem>, SplitLoaderError> {
    Ok(parse(&text))
}

/// Parses a stored state's text, downloading the reader first if need be. A
/// reader that cannot be downloaded is [`LoadProblem::ReaderMissing`].
async fn parse_stored(text: String) -> Result<Loaded, LoadProblem> {
    #[cfg(feature = "split")]
    let read = read_stored(text).await;
    #[cfg(not(feature = "split"))]
    let read = read_stored(text);
    read.unwrap_or(Err(LoadProblem::ReaderMissing))
}

/// [`parse_stored`] when the reader is already here (always, in builds that do
/// not split); `None` when it still has to be downloaded ([`ensure_reader`]).
pub fn parse_stored_now(text: String) -> Option<Result<Loaded, LoadProblem>> {
    use std::future::Future;
    use std::task::{Context, Poll, Waker};
    if !reader_ready() {
        // Not polled: that would start a download only to drop it.
        return None;
    }
    let mut parsing = std::pin::pin!(parse_stored(text));
    match parsing
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        Poll::Ready(read) => Some(read),
        Poll::Pending => None,
    }
}

/// Set once the reader is here (release builds download it; other builds link it).
static READER_READY: std::sync::atomic::AtomicBool =
    std::sync::atomic::AtomicBool::new(cfg!(not(feature = "split")));

/// Downloads the reader (release builds), so that the tab-sync paths, which
/// must run synchronously under the tabs' lock, can parse another tab's save.
/// False when it could not be downloaded.
pub async fn ensure_reader() -> bool {
    #[cfg(feature = "split")]
    let ready = preload_reader().await.is_ok();
    #[cfg(not(feature = "split"))]
    let ready = true;
    if ready {
        READER_READY.store(true, std::sync::atomic::Ordering::Relaxed);
    }
    ready
}

/// Whether [`parse_stored_now`] can parse now (the reader is here).
pub fn reader_ready() -> bool {
    READER_READY.load(std::sync::atomic::Ordering::Relaxed)
}

/// Reads and parses the stored state in one synchronous step, when the reader
/// is here (`None` otherwise): what is read is what is parsed, and what the
/// caller then does with it (set an unreadable state aside, start from it)
/// happens before any other tab can write.
pub fn read_stored_now() -> Option<Result<Loaded, LoadProblem>> {
    match BrowserStorage::open().read_state() {
        Ok(Some(text)) => parse_stored_now(text),
        Ok(None) => Some(Err(LoadProblem::Empty)),
        Err(problem) => Some(Err(problem)),
    }
}

/// Serializes a world, the clock and the notifications with their revision, ready to store.
pub fn serialize(
    world: &World,
    clock: Option<&SavedClock>,
    notifications: &[SavedNotification],
    revision: u64,
) -> Result<String, String> {
    serde_json::to_string(&EnvelopeRef {
        app: "sig-portal",
        envelope_version: ENVELOPE_VERSION,
        revision,
        world,
        clock,
        notifications,
    })
    .map_err(|e| e.to_string())
}

/// Why a save did not happen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaveProblem {
    /// Another tab saved a newer revision since we loaded ours.
    Stale {
        /// What is stored now.
        stored: u64,
    },
    /// The browser refused (quota exceeded, storage disabled).
    Refused(String),
}

impl std::fmt::Display for SaveProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SaveProblem::Stale { stored } => {
                write!(f, "another tab saved newer data (revision {stored})")
            }
            SaveProblem::Refused(why) => f.write_str(why),
        }
    }
}

/// Browser storage access. Only this type (and [`crate::storage`] for small
/// values) touches `localStorage`; every call the browser may throw from is
/// caught and becomes a [`LoadProblem`] or [`SaveProblem`].
pub struct BrowserStorage {
    storage: Result<web_sys::Storage, String>,
}

impl BrowserStorage {
    /// The page's `localStorage`, or why the browser will not give it.
    pub fn open() -> Self {
        BrowserStorage {
            storage: crate::storage::local(),
        }
    }

    /// Why this page has no usable storage, if it has none.
    pub fn unavailable(&self) -> Option<String> {
        self.storage.as_ref().err().cloned()
    }

    fn read(&self, key: &str) -> Result<Option<String>, String> {
        let storage = self.storage.as_ref().map_err(Clone::clone)?;
        storage.get_item(key).map_err(|e| {
            format!(
                "the browser would not read its storage ({})",
                crate::storage::describe_error(&e)
            )
        })
    }

    fn get(&self, key: &str) -> Option<String> {
        self.read(key).ok().flatten()
    }

    /// The stored state's text, unparsed: `Ok(None)` when nothing is stored.
    /// Parse it with [`parse_stored_now`] (or read and parse with [`read_stored_now`]).
    pub fn read_state(&self) -> Result<Option<String>, LoadProblem> {
        self.read(STATE_KEY).map_err(LoadProblem::Unavailable)
    }

    /// Moves an unreadable state aside so a new one can be saved without losing it.
    pub fn set_aside(&self) -> Result<(), SaveProblem> {
        let Some(text) = self.read(STATE_KEY).map_err(SaveProblem::Refused)? else {
            return Ok(());
        };
        self.set(ASIDE_KEY, &text)?;
        self.remove(STATE_KEY)?;
        self.remove(REVISION_KEY)
    }

    /// The unreadable state kept aside, for download.
    pub fn aside(&self) -> Option<String> {
        self.get(ASIDE_KEY)
    }

    /// The state stored now, as stored (for downloading an unreadable state
    /// that could not be moved aside).
    pub fn stored_text(&self) -> Option<String> {
        self.get(STATE_KEY)
    }

    /// Forgets the set-aside copy once the user has dealt with it.
    pub fn discard_aside(&self) {
        let _ = self.remove(ASIDE_KEY);
    }

    /// Forgets the stored state itself (the user chose to discard an
    /// unreadable state that could not be moved aside).
    pub fn discard_state(&self) -> Result<(), SaveProblem> {
        self.remove(STATE_KEY)?;
        self.remove(REVISION_KEY)
    }

    /// The revision currently stored (0 when none).
    pub fn stored_revision(&self) -> u64 {
        self.get(REVISION_KEY)
            .and_then(|r| r.parse().ok())
            .unwrap_or(0)
    }

    /// Saves `world`, `clock` and `notifications` as `revision`, unless storage holds
    /// something newer than `base` (the revision this tab last loaded or saved).
    pub fn save(
        &self,
        world: &World,
        clock: Option<&SavedClock>,
        notifications: &[SavedNotification],
        base: u64,
        revision: u64,
    ) -> Result<(), SaveProblem> {
        let stored = self.stored_revision();
        if stored > base {
            return Err(SaveProblem::Stale { stored });
        }
        let text =
            pack(serialize(world, clock, notifications, revision).map_err(SaveProblem::Refused)?);
        self.set(STATE_KEY, &text)?;
        self.set(REVISION_KEY, &revision.to_string())
    }

    fn remove(&self, key: &str) -> Result<(), SaveProblem> {
        let storage = self
            .storage
            .as_ref()
            .map_err(|why| SaveProblem::Refused(why.clone()))?;
        storage.remove_item(key).map_err(|e| {
            SaveProblem::Refused(format!(
                "the browser refused to change its storage ({})",
                crate::storage::describe_error(&e)
            ))
        })
    }

    fn set(&self, key: &str, value: &str) -> Result<(), SaveProblem> {
        let storage = self
            .storage
            .as_ref()
            .map_err(|why| SaveProblem::Refused(why.clone()))?;
        storage.set_item(key, value).map_err(|e| {
            if crate::storage::is_quota_error(&e) {
                SaveProblem::Refused("the browser's storage for this page is full".into())
            } else {
                SaveProblem::Refused(format!(
                    "the browser refused to store the data ({})",
                    crate::storage::describe_error(&e)
                ))
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_states_stay_plain_json_and_large_ones_round_trip_compressed() {
        let small = r#"{"formatVersion":2}"#.to_string();
        assert_eq!(pack(small.clone()), small);
        let large = format!("{{\"pad\":\"{}\"}}", "é-x".repeat(COMPRESS_ABOVE));
        let packed = pack(large.clone());
        assert!(packed.starts_with(COMPRESSED_PREFIX));
        assert!(packed.chars().count() < large.len() / 10);
        assert_eq!(unpack(&packed).unwrap(), large);
    }

    #[test]
    fn damaged_compressed_data_is_unreadable_not_a_panic() {
        let damaged = format!("{COMPRESSED_PREFIX}not deflate at all");
        assert!(matches!(unpack(&damaged), Err(LoadProblem::Unreadable(_))));
        let wide = format!("{COMPRESSED_PREFIX}€");
        assert!(matches!(unpack(&wide), Err(LoadProblem::Unreadable(_))));
    }
}
