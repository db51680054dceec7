//! Export the whole state to a JSON file and import one back: the same
//! document `sig validate` and the other `sig` commands read.

use leptos::prelude::*;
use sig_core::export::{invalid, Reading, TextReading};
use sig_core::validate::{parse_documents, validate_input};
use wasm_bindgen::JsCast;

use crate::clock;
use crate::persist::{now_ms, BrowserStorage, ADMIT_BETWEEN_CHECKS};
use crate::store::{Store, Tone};
use crate::tab_lock::yield_to_browser;
use crate::text::Utf8Text;

/// Offers `text` to the user as a download named `file_name`.
pub fn download(file_name: &str, text: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/json");
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    if let Ok(anchor) = document.create_element("a") {
        if let Ok(anchor) = anchor.dyn_into::<web_sys::HtmlAnchorElement>() {
            anchor.set_href(&url);
            anchor.set_download(file_name);
            anchor.click();
        }
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

/// The export file name for now.
fn export_name() -> String {
    format!("sig-portal-{}.json", clock::compact(clock::now()))
}

/// Reads the file chosen in the file input of `ev` as text, then calls
/// `on_text` with it (`None` when it could not be read); nothing when no
/// file was chosen.
pub fn read_file_text(ev: &leptos::ev::Event, on_text: impl FnOnce(Option<String>) + 'static) {
    let Some(file) = chosen_file(ev) else {
        return;
    };
    leptos::task::spawn_local(async move {
        on_text(read_text(&file, |_, _| {}).await);
    });
}

/// The file chosen in the file input of `ev`, if any.
fn chosen_file(ev: &leptos::ev::Event) -> Option<web_sys::File> {
    let input: web_sys::HtmlInputElement = event_target(ev);
    input.files().and_then(|f| f.get(0))
}

/// How much of a file is read and decoded at a time (a few milliseconds of work).
const FILE_CHUNK: f64 = 4.0 * 1024.0 * 1024.0;

/// `file`'s text (`None` when it could not be read), read a chunk at a time so that a large
/// file keeps the page responsive, telling `on_progress` how many bytes of how many.
async fn read_text(
    file: &web_sys::File,
    mut on_progress: impl FnMut(usize, usize),
) -> Option<String> {
    let size = file.size();
    let mut text = Utf8Text::with_capacity(size as usize);
    let mut at = 0.0;
    while at < size {
        let end = (at + FILE_CHUNK).min(size);
        let chunk = file.slice_with_f64_and_f64(at, end).ok()?;
        let buffer = wasm_bindgen_futures::JsFuture::from(chunk.array_buffer())
            .await
            .ok()?;
        text.push(&js_sys::Uint8Array::new(&buffer).to_vec());
        at = end;
        on_progress(at as usize, size as usize);
    }
    Some(text.finish())
}

/// Exports the current world as a download.
pub fn export_world(store: &Store) {
    let text = store
        .world
        .with_untracked(|w| serde_json::to_string_pretty(w).unwrap_or_default());
    download(&export_name(), &text);
}

/// The outcome of reading a file, shown to the user.
#[derive(Clone, Debug, PartialEq)]
enum ImportResult {
    Imported(String),
    Refused(Vec<String>),
    Cancelled,
}

/// How far an import is.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Progress {
    /// Bytes of the file loaded, and in all.
    Opening((usize, usize)),
    /// Bytes of the file's text read, and in all.
    Reading((usize, usize)),
    /// Resources (and directory objects) admitted, and in all.
    Admitting((usize, usize)),
}

/// `done` of `total` in whole percent (in 64 bits: a 103 MB file's bytes times 100 do not
/// fit the browser build's `usize`).
fn percent(done: usize, total: usize) -> u64 {
    (done as u64 * 100) / (total as u64).max(1)
}

impl Progress {
    /// Done, and in all.
    fn figures(self) -> (usize, usize) {
        match self {
            Progress::Opening(figures)
            | Progress::Reading(figures)
            | Progress::Admitting(figures) => figures,
        }
    }
}

/// How long one slice of an import may keep the page busy before it yields
/// (a frame is 16 ms; the Long Tasks API flags tasks over 50 ms).
const SLICE_MS: f64 = 25.0;

/// Reads `text` as an export document and admits it in slices that yield to
/// the browser, showing how far it is in `progress` and stopping when `cancel`
/// is set; the world is replaced only once the whole file is admitted.
/// Refuses (with the core's reasons) anything that is not a valid world,
/// changing nothing.
async fn import_in_steps(
    store: Store,
    text: String,
    file: web_sys::File,
    progress: RwSignal<Option<Progress>>,
    cancel: StoredValue<bool>,
) -> ImportResult {
    // Straight into the document's types (a JSON tree of a large file would take several
    // times the file's size in memory before the world is even built), an element of its
    // arrays at a time: reading 103 MB at once was a task of over a second.
    let mut parsing = TextReading::new(&text);
    let export = loop {
        progress.set(Some(Progress::Reading(parsing.progress())));
        yield_to_browser().await;
        if cancel.try_get_value() != Some(false) {
            return ImportResult::Cancelled;
        }
        let started = now_ms();
        match parsing.step(&mut || now_ms() - started < SLICE_MS) {
            Ok(Some(export)) => break export,
            Ok(None) => {}
            Err(e) => return refusal(&text, without_position(&e)),
        }
    };
    drop(parsing);
    let mut reading = match Reading::new(export) {
        Ok(reading) => reading,
        Err(refused) => return refusal(&text, invalid(&refused)),
    };
    // The text is not kept while the world is built (103 MB at ten times the limits, on
    // top of the document and the world): a refusal reads the file again for its details.
    drop(text);
    let refused_again = |refused: sig_core::CommandError| async move {
        let why = invalid(&refused);
        match read_text(&file, |_, _| {}).await {
            Some(text) => refusal(&text, why),
            None => ImportResult::Refused(vec![format!(
                "The file is not a SIG Portal state file: {why}."
            )]),
        }
    };
    loop {
        progress.set(Some(Progress::Admitting(reading.progress())));
        yield_to_browser().await;
        if cancel.try_get_value() != Some(false) {
            return ImportResult::Cancelled;
        }
        let started = now_ms();
        let mut finished = false;
        while !finished && now_ms() - started < SLICE_MS {
            finished = match reading.step(ADMIT_BETWEEN_CHECKS) {
                Ok(done) => done,
                Err(refused) => return refused_again(refused).await,
            };
        }
        if finished {
            break;
        }
    }
    let world = match reading.finish() {
        Ok((world, _warnings)) => world,
        Err(refused) => return refused_again(refused).await,
    };
    let counts = format!(
        "{} galleries, {} image definitions, {} image versions",
        world.galleries().count(),
        world.images().count(),
        world.versions().count()
    );
    store.replace_world(world);
    store.notify(Tone::Success, "Import complete".into(), counts.clone());
    ImportResult::Imported(counts)
}

/// Why `text` is refused: `why`, and what the core finds in it, so the user
/// knows what to fix.
fn refusal(text: &str, why: String) -> ImportResult {
    let value: serde_json::Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            return ImportResult::Refused(vec![format!(
                "The file is not valid JSON: {e} (line {}, column {}).",
                e.line(),
                e.column()
            )])
        }
    };
    let parsed = parse_documents(&value);
    let mut reasons = vec![format!("The file is not a SIG Portal state file: {why}.")];
    reasons.extend(
        validate_input(&parsed, clock::now())
            .into_iter()
            .filter(|d| d.is_error())
            .take(20)
            .map(|d| format!("{} {}: {}", d.code.as_str(), d.resource_id, d.message)),
    );
    ImportResult::Refused(reasons)
}

/// A reading error's message without serde_json's " at line L column C" (the file
/// is valid JSON: the position of a rule's refusal is the end of the document).
fn without_position(error: &serde_json::Error) -> String {
    if error.is_syntax() || error.is_eof() {
        return error.to_string();
    }
    let text = error.to_string();
    match text.rfind(" at line ") {
        Some(at) if error.line() > 0 => text[..at].to_string(),
        _ => text,
    }
}

/// The blade.
#[component]
pub fn ExportImport() -> impl IntoView {
    let store = expect_context::<Store>();
    let result = RwSignal::new(None::<ImportResult>);
    let aside = RwSignal::new(BrowserStorage::open().aside());
    // While a file is imported: how far.
    let progress = RwSignal::new(None::<Progress>);
    let cancel = StoredValue::new(false);
    let on_file = move |ev: leptos::ev::Event| {
        let Some(file) = chosen_file(&ev) else {
            return; // The picker was dismissed: nothing to import.
        };
        result.set(None);
        cancel.set_value(false);
        progress.set(Some(Progress::Opening((0, 0))));
        leptos::task::spawn_local(async move {
            let loading = |done, total| progress.set(Some(Progress::Opening((done, total))));
            let outcome = match read_text(&file, loading).await {
                Some(text) => import_in_steps(store, text, file, progress, cancel).await,
                None => ImportResult::Refused(vec!["The file could not be read.".into()]),
            };
            // The blade may have been closed meanwhile.
            let _ = progress.try_set(None);
            let _ = result.try_set(Some(outcome));
        });
    };
    view! {
        <h3>"Export"</h3>
        <p>"Download everything in this browser — directory, sources, galleries, definitions and versions — as one JSON file. "
           "The same file works with the "<code>"sig"</code>" command in CI."</p>
        <button type="button" class="button primary" on:click=move |_| export_world(&store)>"Export to file"</button>
        <h3>"Import"</h3>
        <p>"Replace what is in this browser with a state file. Nothing changes if the file is refused."</p>
        <div class="field">
            <label for="import-file">"State file"</label>
            <input id="import-file" type="file" accept="application/json,.json" on:change=on_file
                disabled=move || progress.get().is_some()/>
        </div>
        // Built once per import (only the figures follow it), so Cancel stays put.
        <Show when=move || progress.with(Option::is_some)>
            <div class="import-progress" role="status">
                <label for="import-progress">{move || match progress.get() {
                    Some(Progress::Admitting((done, total))) => format!("Importing… {done} of {total} resources"),
                    Some(Progress::Opening((done, total))) if total > 0 => {
                        format!("Opening the file… {}%", percent(done, total))
                    }
                    Some(Progress::Reading((done, total))) if total > 0 => {
                        format!("Reading the file… {}%", percent(done, total))
                    }
                    _ => "Reading the file…".to_string(),
                }}</label>
                <progress id="import-progress"
                    max=move || progress.get().map_or(1, |p| p.figures().1.max(1))
                    value=move || progress.get().map_or(0, |p| p.figures().0)></progress>
                <button type="button" class="button" on:click=move |_| cancel.set_value(true)>"Cancel"</button>
            </div>
        </Show>
        {move || result.get().map(|r| match r {
            ImportResult::Imported(counts) => view! { <p class="banner success" role="status">"Imported: "{counts}</p> }.into_any(),
            ImportResult::Cancelled => view! { <p class="banner info" role="status">"Import cancelled; nothing was changed."</p> }.into_any(),
            ImportResult::Refused(reasons) => view! {
                <div class="banner error" role="alert">
                    <p>"Import refused; nothing was changed."</p>
                    <ul>{reasons.into_iter().map(|r| view! { <li>{r}</li> }).collect_view()}</ul>
                </div>
            }.into_any(),
        })}
        {move || aside.get().map(|text| {
            let text = StoredValue::new(text);
            view! {
                <h3>"Unreadable saved data"</h3>
                <p>"A saved state this version could not read was kept aside. Download it before discarding it."</p>
                <button type="button" class="button" on:click=move |_| download("sig-portal-unreadable.json", &text.get_value())>"Download unreadable data"</button>
                <button type="button" class="button" on:click=move |_| { BrowserStorage::open().discard_aside(); aside.set(None); }>"Discard it"</button>
            }
        })}
    }
}
