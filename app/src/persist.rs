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
//!   and tabs follow each other's clock like their data;
//! - a save costs in proportion to what changed: the world is stored in parts
//!   (`sig_core::parts`: one per gallery, one for the access fields, the rest in
//!   the envelope), and a save writes the parts the change touched, then the
//!   envelope naming every part. A part is never overwritten: each save writes
//!   new keys and the envelope switches to them in one write, so a save cut
//!   short leaves the previous revision whole. Replaced parts are removed one
//!   save later, when no envelope another tab may still be writing names them.

use std::collections::BTreeMap;

use leptos::wasm_split::SplitLoaderError;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sig_core::export::{GalleryPartError, Own, WorldExport};
use sig_core::iam::assignments::RoleAssignment;
use sig_core::parts::{Assembly, GalleryPart, Touched};
use sig_core::World;

use crate::sim_clock::SavedClock;

/// Where the state lives.
pub const STATE_KEY: &str = "sig-portal/state";
/// The revision of what is stored, kept apart so checking it costs nothing.
pub const REVISION_KEY: &str = "sig-portal/revision";
/// Where an unreadable state is moved so that nothing is lost.
pub const ASIDE_KEY: &str = "sig-portal/state-unreadable";
/// Where the parts of a stored state live: `<prefix><revision>.<writer>.<n>`.
pub const PART_PREFIX: &str = "sig-portal/part/";
/// The envelope format this build writes (2: the world in parts; 1, one
/// document, and 0, a bare export, are still read).
pub const ENVELOPE_VERSION: u32 = 2;
/// Marks a stored state that is deflate-compressed (one byte per UTF-16 unit).
///
/// localStorage holds about 5 million UTF-16 units per origin in Chromium; a
/// state at the documented limits is ~6 MB of JSON but ~70 KB deflated, so
/// large states are stored compressed and small ones stay readable as JSON.
pub const COMPRESSED_PREFIX: &str = "sigz1:";
/// Envelopes larger than this are stored compressed.
pub const COMPRESS_ABOVE: usize = 256 * 1024;
/// Parts larger than this are stored compressed: a gallery at the limits is
/// ~60 KB of JSON, and a hundred of them must fit the origin's quota.
pub const COMPRESS_PART_ABOVE: usize = 8 * 1024;

/// The text to store for an envelope: itself when small, else compressed.
pub fn pack(json: String) -> String {
    pack_above(json, COMPRESS_ABOVE)
}

/// The text to store for `json`: itself when at most `limit` bytes, else compressed.
fn pack_above(json: String, limit: usize) -> String {
    if json.len() <= limit {
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
    let mut json = Vec::new();
    let length = inflate_body(body, &mut json)?;
    json.truncate(length);
    String::from_utf8(json).map_err(|_| compressed_damaged())
}

/// What [`unpack`] says of compressed data it cannot read.
fn compressed_damaged() -> LoadProblem {
    LoadProblem::Unreadable("the saved data is damaged (compressed data is invalid)".into())
}

/// Inflates a compressed text's body (after [`COMPRESSED_PREFIX`]) into `out` (see
/// [`inflate_into`]): how many bytes of it are the text.
fn inflate_body(body: &str, out: &mut Vec<u8>) -> Result<usize, LoadProblem> {
    let bytes = latin1_bytes(body).ok_or_else(compressed_damaged)?;
    inflate_into(&bytes, out).ok_or_else(compressed_damaged)
}

/// The bytes [`pack`] stored one per character (U+0000 to U+00FF), `None` if a character is
/// outside that range. Read from the UTF-8 text byte by byte: decoding it a `char` at a time was
/// a tenth of opening a state at ten times the limits (profiled).
fn latin1_bytes(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len());
    let mut bytes = text.bytes();
    while let Some(b) = bytes.next() {
        match b {
            0x00..=0x7f => out.push(b),
            // U+0080 to U+00FF: 110000xx 10xxxxxx.
            0xc2 | 0xc3 => out.push(((b & 0x03) << 6) | (bytes.next()? & 0x3f)),
            _ => return None,
        }
    }
    Some(out)
}

/// A checksum of a part's stored text (FNV-1a, 64 bits, in hex): it tells a part this build
/// wrote from one changed since, by whatever means (another build, an extension, a hand in the
/// developer tools). Not a defence against anyone: a changed part only loses the shortcut of
/// [`PartMap::seals`] and is read through the plans.
pub fn seal(stored: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in stored.as_bytes() {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")
}

/// How many times larger than its deflated form a stored JSON text is first assumed to be:
/// the saved world deflates about 22 to 1 (measured at the full limits).
const INFLATE_GUESS: usize = 32;

/// Inflates raw deflate data (what [`pack`] wrote) into `out`, reusing what it holds: how many
/// of its bytes are the data (the rest is left over), `None` when it is not valid. Why not
/// `miniz_oxide`'s `decompress_to_vec`: it starts from twice the input and doubles, zero-filling
/// and copying the output four times over for a stored part (a tenth of the cold load's
/// reading, profiled); this starts from the usual ratio, and a reader of a thousand parts
/// inflates them all into one buffer rather than allocating and zero-filling one per part.
fn inflate_into(bytes: &[u8], out: &mut Vec<u8>) -> Option<usize> {
    use miniz_oxide::inflate::core::{decompress, inflate_flags, DecompressorOxide};
    use miniz_oxide::inflate::TINFLStatus;
    let flags = inflate_flags::TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF;
    let guess = bytes.len().saturating_mul(INFLATE_GUESS).max(1024);
    if out.len() < guess {
        out.resize(guess, 0);
    }
    let mut decompressor = Box::<DecompressorOxide>::default();
    let (mut input, mut at) = (bytes, 0);
    loop {
        // Back-references read only what this stream wrote: what was left in `out` is unread.
        let (status, read, written) = decompress(&mut decompressor, input, out, at, flags);
        at += written;
        match status {
            TINFLStatus::Done => return Some(at),
            TINFLStatus::HasMoreOutput => {
                input = input.get(read..)?;
                out.resize(out.len().saturating_mul(2), 0);
            }
            _ => return None,
        }
    }
}

/// What is written under [`STATE_KEY`]: the world's export document plus
/// the bookkeeping the app needs.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct EnvelopeRef<'a, W: Serialize> {
    app: &'static str,
    envelope_version: u32,
    revision: u64,
    /// The whole document (format 1), or the rest of it (format 2).
    world: W,
    /// Format 2: where the galleries and the access fields are.
    #[serde(skip_serializing_if = "Option::is_none")]
    parts: Option<&'a PartMap>,
    #[serde(skip_serializing_if = "Option::is_none")]
    clock: Option<&'a SavedClock>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    notifications: &'a [SavedNotification],
}

/// Where each part of a stored state is kept (format 2): the key of every
/// gallery's part, by the gallery's key, and of the access part.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PartMap {
    /// Gallery key (lower-cased id) → storage key.
    #[serde(default)]
    pub galleries: BTreeMap<String, String>,
    /// Storage key of the access fields (but the role assignments).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access: Option<String>,
    /// Bucket (`sig_core::parts::assignment_bucket`) → storage key of its role
    /// assignments. Absent in envelopes whose access part holds them all.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub assignments: BTreeMap<u16, String>,
    /// Whether the role assignments are in `assignments` (false in the first
    /// envelopes of format 2, whose access part holds them: the next save
    /// writes the access part and every bucket anew).
    #[serde(default)]
    pub assignments_apart: bool,
    /// The engine (`sig_core::ENGINE`) that wrote the gallery parts in `seals`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engine: Option<String>,
    /// Storage key → checksum ([`seal`]) of a gallery part or a bucket of role assignments
    /// `engine` wrote. When every part of a kind is sealed by this build's engine and its text
    /// still matches, the core puts them back without running every create's rules again
    /// (`sig_core::export::Reading::own`: a third of reading the full-limits state, measured);
    /// anything else is read through the plans, as an import is.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub seals: BTreeMap<String, String>,
}

impl PartMap {
    /// The seal of the part under `key`, if this build's engine wrote it.
    fn own_seal(&self, key: &str) -> Option<&String> {
        self.seals
            .get(key)
            .filter(|_| self.engine.as_deref() == Some(sig_core::ENGINE))
    }

    /// Which kinds of parts are all sealed by this build's engine (their texts are checked as
    /// they are read): the galleries, and the role assignments when they are in buckets.
    fn sealed(&self) -> Own {
        let sealed = |key: &String| self.own_seal(key).is_some();
        Own {
            galleries: self.galleries.values().all(sealed),
            role_assignments: self.assignments_apart && self.assignments.values().all(sealed),
        }
    }

    /// Every storage key it names.
    fn keys(&self) -> impl Iterator<Item = &String> {
        self.galleries
            .values()
            .chain(self.access.iter())
            .chain(self.assignments.values())
    }
}

/// A stored state as read from storage (in one synchronous step, or the parts in slices at
/// start-up, [`BrowserStorage::read_state_in_slices`]): the envelope and every part key present
/// (the envelope says which of them are its own).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoredState {
    /// The text under [`STATE_KEY`].
    pub head: String,
    /// Storage key → text, for every key under [`PART_PREFIX`].
    pub parts: BTreeMap<String, String>,
}

impl StoredState {
    /// A state stored in one text (formats 0 and 1; tests).
    pub fn single(head: String) -> StoredState {
        StoredState {
            head,
            parts: BTreeMap::new(),
        }
    }

    /// The text to download for an unreadable state: the envelope itself when
    /// it has no parts, else one JSON object with the envelope and every part.
    pub fn bundle(&self) -> String {
        if self.parts.is_empty() {
            return self.head.clone();
        }
        serde_json::json!({ "sigPortalUnreadableState": { "state": self.head, "parts": self.parts } })
            .to_string()
    }
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
    /// Format 2: where the parts are.
    #[serde(default)]
    parts: Option<PartMap>,
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
    /// Where its parts are (empty for formats 0 and 1: the next save writes every part).
    pub parts: PartMap,
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

/// Parses a state stored in one text (formats 0 and 1, or 2 without parts).
pub fn parse(stored: &str) -> Result<Loaded, LoadProblem> {
    parse_state(StoredState::single(stored.to_string()))
}

/// Parses a stored state (compressed or not), migrating older formats, at once:
/// [`StateReading`] without a pause.
pub fn parse_state(stored: StoredState) -> Result<Loaded, LoadProblem> {
    let mut reading = StateReading::new(stored);
    reading.step(f64::INFINITY);
    reading
        .take()
        .expect("a reading without a time limit finishes in one step")
}

/// How far a [`StateReading`] is, for the progress shown while the portal opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpeningProgress {
    /// Parts of the stored state parsed, of all it names.
    Parts(usize, usize),
    /// Resources admitted (checked by the core's rules), of all in the state.
    Resources(usize, usize),
}

/// Reading a stored state in steps, so that opening the portal over a large state never
/// keeps the page busy for long: each call to [`StateReading::step`] works for about the
/// time it is given, and the caller yields to the browser in between (and shows
/// [`StateReading::progress`]).
///
/// Version 0 is a bare world export (what early builds and the `sig` export file contain);
/// version 1 wraps it with a revision; version 2 keeps the galleries, the access fields
/// and the role assignments in parts of their own, parsed one at a time: this build's own
/// gallery parts are admitted as they are parsed, the buckets of role assignments handed to
/// the reading as they are, anything else put back together (`sig_core::parts::Assembly`).
/// Every version is then admitted like any export document, through
/// `sig_core::export::Reading`, in steps too.
pub struct StateReading {
    stored: StoredState,
    stage: ReadStage,
    /// Milliseconds per byte of stored text that parsing a part took lately (a moving
    /// average), to tell whether the next part fits in what is left of a slice.
    ms_per_byte: f64,
}

/// Where a [`StateReading`] is.
enum ReadStage {
    /// Nothing parsed yet.
    Start,
    /// Format 2: the envelope is parsed; its parts are parsed one at a time.
    Parts(Box<PartsRead>),
    /// The whole document is there and admitted in steps.
    Admitting(Box<Admitting>),
    /// Finished, not yet taken.
    Done(Box<Result<Loaded, LoadProblem>>),
    /// Taken.
    Taken,
}

/// What the envelope carries besides the world.
struct EnvelopeMeta {
    revision: u64,
    clock: Option<SavedClock>,
    notifications: Vec<SavedNotification>,
    parts: PartMap,
}

/// A format 2 state whose parts are being parsed.
struct PartsRead {
    meta: EnvelopeMeta,
    /// The document, each part added as it is parsed.
    assembly: Assembly,
    /// Every part key, galleries first, then the access fields, then the buckets.
    keys: Vec<String>,
    /// How many of them are parsed.
    read: usize,
    /// Where each compressed part is inflated (see [`inflate_into`]).
    scratch: Vec<u8>,
    /// Which kinds of parts read so far are all this build's own, their seals intact (see
    /// [`PartMap::seals`]).
    own: Own,
    /// The buckets of role assignments, each as it was parsed: handed to the core's reading
    /// once the access fields are there, one after the other. Appended to one list, they grew
    /// it by doubling to 100,000 assignments at ten times the limits, each growth a copy of up
    /// to 20 MB in one task (70-80 ms on a slow machine, measured).
    buckets: Vec<Vec<RoleAssignment>>,
    /// The core's reading, opened on the rest at once when every gallery part is this build's
    /// own: each gallery part then goes into the world as it is parsed
    /// (`Reading::admit_gallery_part`), and `assembly` gathers only the access fields.
    streaming: Option<sig_core::export::Reading>,
}

/// A document being admitted.
struct Admitting {
    meta: EnvelopeMeta,
    reading: sig_core::export::Reading,
}

/// The longest gallery part (its JSON, in bytes) admitted in the task that parses it: ~15 ms in
/// the browser (a ten-times state's 40 MB of parts took ~1.2 s so). One gallery can hold every
/// version of a subscription-region (10,000: a part of ~4 MB); a part that large is parsed
/// whole and its resources admitted in steps, a definition with its versions at a time, as
/// they were before parts were streamed.
const STREAMED_PART_MAX: usize = 512 * 1024;

/// How many things the core admits between two looks at the time: small enough that a
/// slice ends near its 25 ms on a slow machine too (200 role assignments took up to 30 ms
/// under load, so slices reached 55 ms), large enough that the clock is not read per item.
pub const ADMIT_BETWEEN_CHECKS: usize = 50;

impl ReadStage {
    /// The next step opens the core's reading of the whole document (every part is parsed),
    /// or, for gallery parts admitted as they were parsed, hands it the access fields: a step
    /// of its own either way (the former sizes the reading for every resource at once).
    fn starts_alone(&self) -> bool {
        matches!(self, ReadStage::Parts(read) if read.read >= read.keys.len())
    }

    /// The length of the stored text of the part the next step parses, if it parses one.
    fn next_part_len(&self, stored: &StoredState) -> Option<usize> {
        let ReadStage::Parts(read) = self else {
            return None;
        };
        stored.parts.get(read.keys.get(read.read)?).map(String::len)
    }
}

impl StateReading {
    /// A reading of `stored` (as read from storage).
    pub fn new(stored: StoredState) -> StateReading {
        StateReading {
            stored,
            stage: ReadStage::Start,
            ms_per_byte: 0.0,
        }
    }

    /// How far it is.
    pub fn progress(&self) -> OpeningProgress {
        match &self.stage {
            ReadStage::Start => OpeningProgress::Parts(0, self.stored.parts.len()),
            ReadStage::Parts(read) => OpeningProgress::Parts(read.read, read.keys.len()),
            ReadStage::Admitting(admitting) => {
                let (done, total) = admitting.reading.progress();
                OpeningProgress::Resources(done, total)
            }
            ReadStage::Done(_) | ReadStage::Taken => OpeningProgress::Resources(1, 1),
        }
    }

    /// The outcome, once finished (and only once).
    pub fn take(&mut self) -> Option<Result<Loaded, LoadProblem>> {
        match std::mem::replace(&mut self.stage, ReadStage::Taken) {
            ReadStage::Done(outcome) => Some(*outcome),
            other => {
                self.stage = other;
                None
            }
        }
    }

    /// Works for about `slice_ms` milliseconds (one part or [`ADMIT_BETWEEN_CHECKS`]
    /// resources at least), or until finished.
    fn step(&mut self, slice_ms: f64) {
        let started = (slice_ms < f64::INFINITY).then(now_ms);
        let mut first = true;
        loop {
            let part = self.stage.next_part_len(&self.stored);
            if let (false, Some(at)) = (first, started) {
                // Opening the core's reading sizes it for every resource at once: it starts a
                // slice of its own, or the slice it ends could run past 50 ms (measured: 50-72
                // ms tasks when the parts were also put together in that step).
                if self.stage.starts_alone() {
                    return;
                }
                // So does a part that would take the slice past its time, with room to spare:
                // a bucket of role assignments is several times a gallery's part, and on a
                // slow run one parsed at the end of a slice made a 52 ms task (measured).
                let expected = part.map_or(0.0, |len| len as f64 * self.ms_per_byte * 1.5);
                if now_ms() - at + expected > slice_ms {
                    return;
                }
            }
            first = false;
            let timed = part
                .filter(|_| started.is_some())
                .map(|len| (len, now_ms()));
            let stage = std::mem::replace(&mut self.stage, ReadStage::Taken);
            self.stage = match self.advance(stage) {
                Ok(next) => next,
                Err(problem) => ReadStage::Done(Box::new(Err(problem))),
            };
            if let Some((len, from)) = timed {
                let took = (now_ms() - from) / len.max(1) as f64;
                self.ms_per_byte = if self.ms_per_byte == 0.0 {
                    took
                } else {
                    0.7 * self.ms_per_byte + 0.3 * took
                };
            }
            let finished = matches!(self.stage, ReadStage::Done(_) | ReadStage::Taken);
            if finished || started.is_some_and(|at| now_ms() - at >= slice_ms) {
                return;
            }
        }
    }

    /// One step from `stage`.
    fn advance(&mut self, stage: ReadStage) -> Result<ReadStage, LoadProblem> {
        Ok(match stage {
            ReadStage::Start => self.open_envelope()?,
            ReadStage::Parts(mut read) => {
                let at = read.read;
                let Some(key) = read.keys.get(at) else {
                    let PartsRead {
                        meta,
                        assembly,
                        own,
                        streaming,
                        buckets,
                        ..
                    } = *read;
                    let Some(mut reading) = streaming else {
                        return admit(meta, assembly.finish(), own, buckets);
                    };
                    reading
                        .set_access(assembly.finish().access, own.role_assignments)
                        .map_err(world_refused)?;
                    hand_over(&mut reading, buckets)?;
                    return Ok(ReadStage::Admitting(Box::new(Admitting { meta, reading })));
                };
                let galleries = read.meta.parts.galleries.len();
                let has_access = read.meta.parts.access.is_some();
                if let (true, Some(reading)) = (at < galleries, read.streaming.as_mut()) {
                    let text = stored_part_text(key, &mut self.stored)?;
                    let json = part_json(&text, &mut read.scratch)?;
                    if json.len() > STREAMED_PART_MAX {
                        let part: GalleryPart =
                            serde_json::from_str(json).map_err(|e| part_damaged(key, &e))?;
                        reading.queue_gallery_part(part).map_err(world_refused)?;
                    } else {
                        reading.admit_gallery_part(json).map_err(|e| match e {
                            GalleryPartError::Unreadable(e) => part_damaged(key, &e),
                            GalleryPartError::Refused(refusal) => world_refused(refusal),
                        })?;
                    }
                } else if at < galleries {
                    // Not every gallery part is this build's own (decided with the envelope):
                    // read whole, through the plans.
                    let text = stored_part_text(key, &mut self.stored)?;
                    let part: GalleryPart = parse_part(key, &text, &mut read.scratch)?;
                    read.assembly.gallery(part);
                } else if has_access && at == galleries {
                    let access: sig_core::access::export::AccessExport =
                        part(key, &mut self.stored, &mut read.scratch)?;
                    // Role assignments in the access part were not written there by this build.
                    read.own.role_assignments &= access.role_assignments.is_empty();
                    read.assembly.access(access);
                } else {
                    let text = stored_part_text(key, &mut self.stored)?;
                    read.own.role_assignments &=
                        read.meta.parts.own_seal(key) == Some(&seal(&text));
                    let bucket: sig_core::parts::Bucket =
                        parse_part(key, &text, &mut read.scratch)?;
                    read.buckets.push(bucket.0);
                }
                read.read += 1;
                ReadStage::Parts(read)
            }
            ReadStage::Admitting(mut admitting) => {
                if !admitting
                    .reading
                    .step(ADMIT_BETWEEN_CHECKS)
                    .map_err(world_refused)?
                {
                    return Ok(ReadStage::Admitting(admitting));
                }
                let Admitting { meta, reading } = *admitting;
                let (world, _warnings) = reading.finish().map_err(world_refused)?;
                ReadStage::Done(Box::new(Ok(Loaded {
                    world,
                    revision: meta.revision,
                    clock: meta.clock,
                    notifications: meta.notifications,
                    parts: meta.parts,
                })))
            }
            done @ (ReadStage::Done(_) | ReadStage::Taken) => done,
        })
    }

    /// Parses the envelope (or a bare export): the next stage reads its parts, or
    /// admits its world when it has none.
    fn open_envelope(&self) -> Result<ReadStage, LoadProblem> {
        let text = unpack(&self.stored.head)?;
        let value: Value = serde_json::from_str(&text).map_err(|e| {
            LoadProblem::Unreadable(format!("the saved data is not valid JSON ({e})"))
        })?;
        if value.get("envelopeVersion").is_none() {
            if value.get("formatVersion").is_none() {
                return Err(LoadProblem::Unreadable(
                    "the saved data is not a SIG Portal state".into(),
                ));
            }
            let meta = EnvelopeMeta {
                revision: 0,
                clock: None,
                notifications: Vec::new(),
                parts: PartMap::default(),
            };
            return admit(meta, document(&value)?, Own::default(), Vec::new());
        }
        // From a borrowed value: the owned-value deserializer is not linked into the module.
        let envelope: Envelope = serde::Deserialize::deserialize(&value)
            .map_err(|e| LoadProblem::Unreadable(format!("the saved data is damaged ({e})")))?;
        if envelope.envelope_version > ENVELOPE_VERSION {
            return Err(LoadProblem::Unreadable(format!(
                "the saved data was written by a newer SIG Portal (format {}, this one reads up to {ENVELOPE_VERSION})",
                envelope.envelope_version
            )));
        }
        let parts = envelope.parts.unwrap_or_default();
        let format_2 = envelope.envelope_version >= 2;
        let meta = EnvelopeMeta {
            revision: envelope.revision,
            clock: envelope.clock,
            notifications: envelope.notifications,
            parts,
        };
        if !format_2 {
            return admit(meta, document(&envelope.world)?, Own::default(), Vec::new());
        }
        let rest: WorldExport = serde::Deserialize::deserialize(&envelope.world)
            .map_err(|e| LoadProblem::Unreadable(format!("the saved data is damaged ({e})")))?;
        let keys: Vec<String> = meta.parts.keys().cloned().collect();
        let mut own = meta.parts.sealed();
        // Only the sealed parts are the engine's own: galleries, records or role assignments
        // anywhere else (the envelope's rest, the access part) were not written there by this
        // build, so their kind goes through the plans.
        own.galleries &= rest.galleries.is_empty()
            && rest.replication.is_empty()
            && rest.format_version == sig_core::export::FORMAT_VERSION;
        own.role_assignments &= rest.access.role_assignments.is_empty();
        // The gallery parts are read into the world as they are parsed only when all of them
        // are this build's own, which is known before the first: their seals are checked now
        // (a few milliseconds of hashing at ten times the limits).
        own.galleries = own.galleries
            && meta.parts.galleries.values().all(|key| {
                let stored = self.stored.parts.get(key);
                stored.is_some_and(|text| meta.parts.own_seal(key) == Some(&seal(text)))
            });
        let (assembly, streaming) = if own.galleries {
            let mut rest = rest;
            // The access part brings the access fields (as `Assembly::new` leaves them out).
            rest.access = Default::default();
            let reading = sig_core::export::Reading::own(rest, own).map_err(world_refused)?;
            (Assembly::new(WorldExport::default()), Some(reading))
        } else {
            (Assembly::new(rest), None)
        };
        Ok(ReadStage::Parts(Box::new(PartsRead {
            own,
            assembly,
            streaming,
            read: 0,
            scratch: Vec::new(),
            buckets: Vec::new(),
            meta,
            keys,
        })))
    }
}

/// A whole export document (formats 0 and 1), read into its types.
fn document(value: &Value) -> Result<WorldExport, LoadProblem> {
    serde::Deserialize::deserialize(value)
        .map_err(|e| LoadProblem::Unreadable(format!("the saved world is invalid ({e})")))
}

/// The stage that admits `document`; `own`: what in it is this build's own, sealed
/// (`sig_core::export::Reading::own`).
fn admit(
    meta: EnvelopeMeta,
    document: WorldExport,
    own: Own,
    buckets: Vec<Vec<RoleAssignment>>,
) -> Result<ReadStage, LoadProblem> {
    let mut reading = if own == Own::default() {
        sig_core::export::Reading::new(document)
    } else {
        sig_core::export::Reading::own(document, own)
    }
    .map_err(world_refused)?;
    hand_over(&mut reading, buckets)?;
    Ok(ReadStage::Admitting(Box::new(Admitting { meta, reading })))
}

/// Hands the stored buckets of role assignments to `reading` as they were parsed, after the
/// document's own (see [`PartsRead::buckets`]).
fn hand_over(
    reading: &mut sig_core::export::Reading,
    buckets: Vec<Vec<RoleAssignment>>,
) -> Result<(), LoadProblem> {
    for bucket in buckets {
        reading
            .add_role_assignments(bucket)
            .map_err(world_refused)?;
    }
    Ok(())
}

/// A stored world the core refuses.
fn world_refused(refusal: sig_core::CommandError) -> LoadProblem {
    LoadProblem::Unreadable(format!(
        "the saved world is invalid ({})",
        sig_core::export::invalid(&refusal)
    ))
}

/// One part of a format 2 state, read straight into its type (no JSON tree). Its text is
/// dropped once read: at ten times the limits the texts are ~7 MB the reading no longer needs.
fn part<T: serde::de::DeserializeOwned>(
    key: &String,
    stored: &mut StoredState,
    scratch: &mut Vec<u8>,
) -> Result<T, LoadProblem> {
    parse_part(key, &stored_part_text(key, stored)?, scratch)
}

/// The stored text of the part under `key`, taken out of `stored`.
fn stored_part_text(key: &String, stored: &mut StoredState) -> Result<String, LoadProblem> {
    stored.parts.remove(key).ok_or_else(|| {
        LoadProblem::Unreadable(format!(
            "the saved data is damaged (its part {key} is missing)"
        ))
    })
}

/// A part's stored text read into its type; a compressed one is inflated into `scratch`.
fn parse_part<T: serde::de::DeserializeOwned>(
    key: &str,
    text: &str,
    scratch: &mut Vec<u8>,
) -> Result<T, LoadProblem> {
    serde_json::from_str(part_json(text, scratch)?).map_err(|e| part_damaged(key, &e))
}

/// A part's JSON: its stored text, or, compressed, that text inflated into `scratch`.
fn part_json<'a>(text: &'a str, scratch: &'a mut Vec<u8>) -> Result<&'a str, LoadProblem> {
    match text.strip_prefix(COMPRESSED_PREFIX) {
        None => Ok(text),
        Some(body) => {
            let length = inflate_body(body, scratch)?;
            // Checked once here, so the parser reads it as text (`from_slice` checks each
            // string it meets instead: slower, measured).
            std::str::from_utf8(&scratch[..length]).map_err(|_| compressed_damaged())
        }
    }
}

/// A part whose JSON does not read.
fn part_damaged(key: &str, e: &serde_json::Error) -> LoadProblem {
    LoadProblem::Unreadable(format!("the saved data is damaged (its part {key}: {e})"))
}

thread_local! {
    /// The page's `performance`, looked up once: opening ten times the limits asks the time
    /// ~9,000 times, and looking up the window and its `performance` each time made three calls
    /// out of the module per question instead of one (~30 ms of the opening, profiled).
    static PERFORMANCE: Option<web_sys::Performance> =
        web_sys::window().and_then(|w| w.performance());
}

/// Milliseconds since the page started, for slicing work.
pub fn now_ms() -> f64 {
    PERFORMANCE.with(|p| p.as_ref().map_or(0.0, web_sys::Performance::now))
}

/// [`StateReading::step`] behind a split point: the readers of every ARM shape (serde's
/// visitors for the whole export document) and the core's admission are the largest part
/// of the module that a first visit, with nothing stored, never runs. Release builds
/// (`--features split`) keep them in their own wasm file, fetched at start-up when a state
/// is stored and otherwise in the background once the first blade is shown
/// ([`ensure_reader`]); other builds call it directly.
#[cfg_attr(
    feature = "split",
    leptos::wasm_split::wasm_split(
        state_reader,
        wasm_split_path = ::leptos::wasm_split,
        preload(preload_reader),
        fallible
    )
)]
fn step_stored(reading: &mut StateReading, slice_ms: f64) -> Result<(), SplitLoaderError> {
    reading.step(slice_ms);
    Ok(())
}

/// [`step_stored`], downloading the reader first if need be (a reader that cannot be
/// downloaded is an error).
async fn step_reading(reading: &mut StateReading, slice_ms: f64) -> Result<(), SplitLoaderError> {
    #[cfg(feature = "split")]
    return step_stored(reading, slice_ms).await;
    #[cfg(not(feature = "split"))]
    return step_stored(reading, slice_ms);
}

/// How long one step of opening the portal keeps the page busy before it yields (a frame
/// is 16 ms; the Long Tasks API flags tasks over 50 ms).
pub const OPENING_SLICE_MS: f64 = 25.0;

/// Reads `stored` in steps of about `slice_ms` ([`OPENING_SLICE_MS`] at start-up; one
/// part or a few hundred resources at least), yielding to the browser between them and
/// telling `progress` how far it is. A reader that cannot be downloaded is
/// [`LoadProblem::ReaderMissing`].
pub async fn read_in_steps(
    stored: StoredState,
    slice_ms: f64,
    progress: impl Fn(OpeningProgress),
) -> Result<Loaded, LoadProblem> {
    let mut reading = StateReading::new(stored);
    loop {
        if step_reading(&mut reading, slice_ms).await.is_err() {
            return Err(LoadProblem::ReaderMissing);
        }
        if let Some(outcome) = reading.take() {
            return outcome;
        }
        progress(reading.progress());
        crate::tab_lock::yield_to_browser().await;
    }
}

/// Parses a stored state at once when the reader is here (always, in builds that do not
/// split); `None` when it still has to be downloaded ([`ensure_reader`]).
pub fn parse_stored_now(stored: StoredState) -> Option<Result<Loaded, LoadProblem>> {
    if !reader_ready() {
        // Not polled: that would start a download only to drop it.
        return None;
    }
    let mut reading = StateReading::new(stored);
    match crate::tab_lock::poll_once(step_reading(&mut reading, f64::INFINITY))? {
        Ok(()) => reading.take(),
        Err(_) => Some(Err(LoadProblem::ReaderMissing)),
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
        Ok(Some(stored)) => parse_stored_now(stored),
        Ok(None) => Some(Err(LoadProblem::Empty)),
        Err(problem) => Some(Err(problem)),
    }
}

/// One save: what to write, and what this tab knows of what is stored.
pub struct Save<'a> {
    /// The world.
    pub world: &'a World,
    /// The simulation clock.
    pub clock: Option<&'a SavedClock>,
    /// The bell's notifications.
    pub notifications: &'a [SavedNotification],
    /// The revision this tab last loaded or saved: nothing newer is written over.
    pub base: u64,
    /// The revision to write.
    pub revision: u64,
    /// Where the parts of revision `base` are (empty: every part is written).
    pub parts: &'a PartMap,
    /// The parts changed since `base` (and, for those in `ahead`, since they
    /// were written there).
    pub touched: &'a Touched,
    /// Parts already written for this save by [`BrowserStorage::write_ahead`],
    /// in slices before it: used for every gallery (and the access fields) not
    /// touched since.
    pub ahead: &'a PartMap,
    /// Unique to this save attempt (the tab's id and a counter): tells its new
    /// part keys from another tab's writing the same revision (possible only
    /// where the browser has no Web Locks, or while a page unloads) and from an
    /// earlier attempt of its own at the same revision.
    pub writer: u64,
}

/// What a save wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Saved {
    /// Where the parts of the new revision are.
    pub parts: PartMap,
    /// How many parts it wrote (the envelope aside).
    pub written: usize,
}

/// The JSON text of one part.
fn part_text(part: &impl Serialize) -> Result<String, SaveProblem> {
    serde_json::to_string(part)
        .map(|json| pack_above(json, COMPRESS_PART_ABOVE))
        .map_err(|e| SaveProblem::Refused(e.to_string()))
}

/// The revision a part key was written at.
fn part_revision(key: &str) -> Option<u64> {
    key.strip_prefix(PART_PREFIX)?
        .split('.')
        .next()?
        .parse()
        .ok()
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

    /// The stored state, unparsed: `Ok(None)` when nothing is stored.
    /// Parse it with [`parse_stored_now`] (or read and parse with [`read_stored_now`]).
    pub fn read_state(&self) -> Result<Option<StoredState>, LoadProblem> {
        let Some(head) = self.read_head()? else {
            return Ok(None);
        };
        let mut parts = BTreeMap::new();
        for key in self.part_keys() {
            self.read_part(key, &mut parts)?;
        }
        Ok(Some(StoredState { head, parts }))
    }

    /// The stored envelope (or a whole state of an older format), unparsed: `Ok(None)` when
    /// nothing is stored.
    pub fn read_head(&self) -> Result<Option<String>, LoadProblem> {
        self.read(STATE_KEY).map_err(LoadProblem::Unavailable)
    }

    /// The stored state whose envelope is `head` ([`BrowserStorage::read_head`]), its parts read
    /// about `slice_ms` at a time, yielding to the browser in between: at ten times the limits
    /// the parts are ~50 MB of text, and read in one task they held the page for 50-60 ms on a
    /// slow machine (measured). A part's key names one revision's writing of it and is never
    /// written again, so a part read late is the one the envelope names; one another tab's save
    /// removed meanwhile is missing, which the reading reports as unreadable, and an unreadable
    /// state is read again in one step before anything is done with it (`shell::App`).
    pub async fn read_state_in_slices(
        &self,
        head: String,
        slice_ms: f64,
    ) -> Result<StoredState, LoadProblem> {
        let mut parts = BTreeMap::new();
        // The task that called (the portal's mount, at start-up) ends before the first part:
        // with a slice's reading after it, it made a 50-53 ms task (measured).
        crate::tab_lock::yield_to_browser().await;
        let mut started = now_ms();
        for key in self.part_keys() {
            if now_ms() - started >= slice_ms {
                crate::tab_lock::yield_to_browser().await;
                started = now_ms();
            }
            self.read_part(key, &mut parts)?;
        }
        Ok(StoredState { head, parts })
    }

    /// The part under `key` into `parts`, if it is (still) there.
    fn read_part(
        &self,
        key: String,
        parts: &mut BTreeMap<String, String>,
    ) -> Result<(), LoadProblem> {
        if let Some(text) = self.read(&key).map_err(LoadProblem::Unavailable)? {
            parts.insert(key, text);
        }
        Ok(())
    }

    /// Every key under [`PART_PREFIX`].
    pub fn part_keys(&self) -> Vec<String> {
        let Ok(storage) = &self.storage else {
            return Vec::new();
        };
        let count = storage.length().unwrap_or(0);
        (0..count)
            .filter_map(|i| storage.key(i).ok().flatten())
            .filter(|key| key.starts_with(PART_PREFIX))
            .collect()
    }

    /// Moves an unreadable state aside so a new one can be saved without losing it.
    pub fn set_aside(&self) -> Result<(), SaveProblem> {
        let stored = match self.read_state() {
            Ok(Some(stored)) => stored,
            Err(LoadProblem::Unavailable(why) | LoadProblem::Unreadable(why)) => {
                return Err(SaveProblem::Refused(why))
            }
            Ok(None) | Err(LoadProblem::Empty | LoadProblem::ReaderMissing) => return Ok(()),
        };
        self.set(ASIDE_KEY, &stored.bundle())?;
        self.discard_state()
    }

    /// The unreadable state kept aside, for download.
    pub fn aside(&self) -> Option<String> {
        self.get(ASIDE_KEY)
    }

    /// The state stored now, as stored (for downloading an unreadable state
    /// that could not be moved aside): see [`StoredState::bundle`].
    pub fn stored_text(&self) -> Option<String> {
        self.read_state().ok().flatten().map(|s| s.bundle())
    }

    /// Forgets the set-aside copy once the user has dealt with it.
    pub fn discard_aside(&self) {
        let _ = self.remove(ASIDE_KEY);
    }

    /// Forgets the stored state itself (the user chose to discard an
    /// unreadable state that could not be moved aside, or it was moved aside).
    /// The revision number stays: the next save, from any tab, is a newer
    /// revision, so a tab still holding the discarded state's revision never
    /// mistakes the next one for its own.
    pub fn discard_state(&self) -> Result<(), SaveProblem> {
        self.remove(STATE_KEY)?;
        for key in self.part_keys() {
            self.remove(&key)?;
        }
        Ok(())
    }

    /// The revision currently stored (0 when none).
    pub fn stored_revision(&self) -> u64 {
        self.get(REVISION_KEY)
            .and_then(|r| r.parse().ok())
            .unwrap_or(0)
    }

    /// Writes `save.revision`, unless storage holds something newer than
    /// `save.base`: the parts it touched (every part when storage does not hold
    /// what `save.parts` names), then the envelope naming them. On a refusal,
    /// what it wrote is removed and revision `base` stays whole. Then removes
    /// the parts nothing can name any more: older than this revision, and named
    /// neither by this envelope nor by the one it replaces (another tab that
    /// writes the same revision without the lock names only parts of these two
    /// revisions, or its own).
    pub fn save(&self, save: &Save) -> Result<Saved, SaveProblem> {
        let stored = self.stored_revision();
        if stored > save.base {
            return Err(SaveProblem::Stale { stored });
        }
        // Hash sets: only looked up (a sorted set sorted 1,065 keys per save at ten times the
        // limits, ~2 ms, profiled).
        let present: std::collections::HashSet<String> = self.part_keys().into_iter().collect();
        // Parts are reused only from the revision stored now, and only if every
        // one is still there (another tab may have discarded or set aside what
        // `base` named).
        let empty = PartMap::default();
        let known = if stored == save.base && save.parts.keys().all(|k| present.contains(k)) {
            save.parts
        } else {
            &empty
        };
        let mut written = Vec::new();
        let result = self.write_parts(save, known, &mut written);
        let (parts, count) = match result {
            Ok(done) => done,
            Err(problem) => {
                for key in &written {
                    let _ = self.remove(key);
                }
                return Err(problem);
            }
        };
        let named: std::collections::HashSet<&String> = parts.keys().chain(known.keys()).collect();
        for key in &present {
            if !named.contains(key) && part_revision(key).is_some_and(|r| r < save.revision) {
                let _ = self.remove(key);
            }
        }
        Ok(Saved {
            parts,
            written: count,
        })
    }

    /// The parts and the envelope of [`BrowserStorage::save`], and how many
    /// parts it wrote. Until the envelope is written, every part written is in
    /// `written` (to remove on a refusal); once it is, they are its own.
    fn write_parts(
        &self,
        save: &Save,
        known: &PartMap,
        written: &mut Vec<String>,
    ) -> Result<(PartMap, usize), SaveProblem> {
        let mut parts = PartMap::default();
        let mut next_key = || {
            let key = format!(
                "{PART_PREFIX}{}.{:x}.{}",
                save.revision,
                save.writer,
                written.len()
            );
            written.push(key.clone());
            key
        };
        parts.engine = Some(sig_core::ENGINE.to_string());
        for gallery in save.world.gallery_keys() {
            let reuse = (!save.touched.galleries.contains(gallery))
                .then(|| {
                    let ahead = save.ahead.galleries.get(gallery.as_str());
                    let from = if ahead.is_some() { save.ahead } else { known };
                    ahead
                        .or_else(|| known.galleries.get(gallery.as_str()))
                        .map(|key| (key, from.own_seal(key)))
                })
                .flatten();
            let (key, sealed) = match reuse {
                Some((key, sealed)) => (key.clone(), sealed.cloned()),
                None => {
                    let Some(part) = save.world.gallery_part(gallery) else {
                        continue;
                    };
                    let text = part_text(&part)?;
                    let key = next_key();
                    self.set(&key, &text)?;
                    (key, Some(seal(&text)))
                }
            };
            if let Some(sealed) = sealed {
                parts.seals.insert(key.clone(), sealed);
            }
            parts.galleries.insert(gallery.as_str().to_string(), key);
        }
        // An envelope whose access part holds the assignments: it and every bucket anew.
        let split = known.assignments_apart;
        parts.assignments_apart = true;
        let reuse = save
            .ahead
            .access
            .as_ref()
            .or(known.access.as_ref().filter(|_| split));
        parts.access = match reuse.filter(|_| !save.touched.access) {
            Some(key) => Some(key.clone()),
            None => {
                let text = part_text(&save.world.access_part())?;
                let key = next_key();
                self.set(&key, &text)?;
                Some(key)
            }
        };
        // No assignment changed since `base`, whose buckets are all there: the same buckets,
        // without sorting every assignment into them (100,000 at ten times the limits: ~15 ms
        // per save, measured).
        let untouched =
            split && save.touched.assignments.is_empty() && save.ahead.assignments.is_empty();
        if untouched {
            parts.assignments = known.assignments.clone();
            for key in known.assignments.values() {
                if let Some(sealed) = known.own_seal(key) {
                    parts.seals.insert(key.clone(), sealed.clone());
                }
            }
        } else {
            // Each bucket's stored part, reused where nothing in it changed; only the others
            // are gathered (after an import, every bucket was written ahead: none is).
            let reuse = |bucket: &u16| {
                (!save.touched.assignments.contains(bucket))
                    .then(|| {
                        let ahead = save.ahead.assignments.get(bucket);
                        let from = if ahead.is_some() { save.ahead } else { known };
                        ahead
                            .or_else(|| known.assignments.get(bucket).filter(|_| split))
                            .map(|key| (key, from.own_seal(key)))
                    })
                    .flatten()
            };
            let mut to_write = Vec::new();
            for bucket in save.world.assignment_buckets() {
                match reuse(&bucket) {
                    Some((key, sealed)) => {
                        if let Some(sealed) = sealed {
                            parts.seals.insert(key.clone(), sealed.clone());
                        }
                        parts.assignments.insert(bucket, key.clone());
                    }
                    None => to_write.push(bucket),
                }
            }
            for (bucket, list) in save.world.assignment_parts_in(&to_write) {
                let text = part_text(&sig_core::parts::BucketRef(&list))?;
                let key = next_key();
                self.set(&key, &text)?;
                parts.seals.insert(key.clone(), seal(&text));
                parts.assignments.insert(bucket, key);
            }
        }
        let envelope = serde_json::to_string(&EnvelopeRef {
            app: "sig-portal",
            envelope_version: ENVELOPE_VERSION,
            revision: save.revision,
            world: save.world.rest_part(),
            parts: Some(&parts),
            clock: save.clock,
            notifications: save.notifications,
        })
        .map_err(|e| SaveProblem::Refused(e.to_string()))?;
        self.set(STATE_KEY, &pack(envelope))?;
        let count = written.len();
        written.clear();
        self.set(REVISION_KEY, &save.revision.to_string())?;
        Ok((parts, count))
    }

    /// Writes the parts of `galleries`, of the access fields (with `access`)
    /// and of the role assignments' `buckets` ahead of the save of `revision`,
    /// recording their keys in
    /// `ahead` (see [`Save::ahead`]). Nothing names them until that save's
    /// envelope; if it never comes, a later save removes them.
    pub fn write_ahead(
        &self,
        world: &World,
        (galleries, access, buckets): (&[sig_core::ids::Key], bool, &[u16]),
        (revision, writer): (u64, u64),
        ahead: &mut PartMap,
    ) -> Result<(), SaveProblem> {
        let next_key = |ahead: &PartMap| {
            let n = ahead.keys().count();
            format!("{PART_PREFIX}{revision}.{writer:x}.a{n}")
        };
        ahead.engine = Some(sig_core::ENGINE.to_string());
        for gallery in galleries {
            if let Some(part) = world.gallery_part(gallery) {
                let text = part_text(&part)?;
                let key = next_key(ahead);
                self.set(&key, &text)?;
                ahead.seals.insert(key.clone(), seal(&text));
                ahead.galleries.insert(gallery.as_str().to_string(), key);
            }
        }
        if access {
            let text = part_text(&world.access_part())?;
            let key = next_key(ahead);
            self.set(&key, &text)?;
            ahead.access = Some(key);
        }
        for (bucket, list) in world.assignment_parts_in(buckets) {
            let text = part_text(&sig_core::parts::BucketRef(&list))?;
            let key = next_key(ahead);
            self.set(&key, &text)?;
            ahead.seals.insert(key.clone(), seal(&text));
            ahead.assignments.insert(bucket, key);
        }
        Ok(())
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
    fn every_byte_comes_back_from_its_stored_character() {
        let all: Vec<u8> = (0..=255u8).chain((0..=255u8).rev()).collect();
        let stored: String = all.iter().copied().map(char::from).collect();
        assert_eq!(latin1_bytes(&stored), Some(all));
        assert_eq!(latin1_bytes("ok\u{100}"), None, "a character past U+00FF");
    }

    #[test]
    fn damaged_compressed_data_is_unreadable_not_a_panic() {
        let damaged = format!("{COMPRESSED_PREFIX}not deflate at all");
        assert!(matches!(unpack(&damaged), Err(LoadProblem::Unreadable(_))));
        let wide = format!("{COMPRESSED_PREFIX}€");
        assert!(matches!(unpack(&wide), Err(LoadProblem::Unreadable(_))));
    }

    #[test]
    fn one_buffer_inflates_texts_one_after_another_whatever_was_left_in_it() {
        let texts = [
            "{\"a\":1}".repeat(50_000),
            "[0]".to_string(),
            "xyz".repeat(300_000),
            "{}".to_string(),
        ];
        // Whether each is one JSON value: a short one after a long one parses only if what
        // was left of the long one past its end is not read.
        let json = [false, true, false, true];
        let mut scratch = Vec::new();
        for (text, json) in texts.iter().zip(json) {
            let deflated = miniz_oxide::deflate::compress_to_vec(text.as_bytes(), 1);
            let length = inflate_into(&deflated, &mut scratch).unwrap();
            assert_eq!(&scratch[..length], text.as_bytes());
            let stored = pack_above(text.clone(), 0);
            let parsed: Result<serde_json::Value, _> = parse_part("part", &stored, &mut scratch);
            assert_eq!(parsed.is_ok(), json, "{}…", &text[..3.min(text.len())]);
        }
    }

    #[test]
    fn inflating_round_trips_whatever_the_ratio_and_refuses_a_cut_stream() {
        // Text that deflates far less than the first guess, and text that deflates far more
        // (the output grows past it).
        let mut seed = 7u64;
        let noisy: String = (0..200_000)
            .map(|_| {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
                char::from(b'a' + (seed >> 59) as u8)
            })
            .collect();
        let flat = "{}".repeat(400_000);
        for text in [noisy, flat, String::new()] {
            let deflated = miniz_oxide::deflate::compress_to_vec(text.as_bytes(), 1);
            let mut out = Vec::new();
            let length = inflate_into(&deflated, &mut out).unwrap();
            assert_eq!(&out[..length], text.as_bytes());
            if deflated.len() > 8 {
                let cut = &deflated[..deflated.len() / 2];
                assert_eq!(inflate_into(cut, &mut Vec::new()), None, "a cut stream");
            }
        }
    }
}
