//! Export the whole state to a JSON file and import one back: the same
//! document `sig validate` and the other `sig` commands read.

use leptos::prelude::*;
use sig_core::validate::{parse_documents, validate_input};
use sig_core::World;
use wasm_bindgen::JsCast;

use crate::clock;
use crate::persist::BrowserStorage;
use crate::store::{Store, Tone};

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
    let input: web_sys::HtmlInputElement = event_target(ev);
    let Some(file) = input.files().and_then(|f| f.get(0)) else {
        return;
    };
    leptos::task::spawn_local(async move {
        let text = wasm_bindgen_futures::JsFuture::from(file.text()).await;
        on_text(text.ok().and_then(|t| t.as_string()));
    });
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
}

/// Reads `text` as an export document; refuses (with the core's reasons)
/// anything that is not a valid world, changing nothing.
fn import_text(store: &Store, text: &str) -> ImportResult {
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
    match <World as serde::Deserialize>::deserialize(&value) {
        Ok(world) => {
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
        Err(e) => {
            // Not a state file: say what the core finds in it, so the user knows why.
            let parsed = parse_documents(&value);
            let mut reasons = vec![format!("The file is not a SIG Portal state file: {e}.")];
            reasons.extend(
                validate_input(&parsed, clock::now())
                    .into_iter()
                    .filter(|d| d.is_error())
                    .take(20)
                    .map(|d| format!("{} {}: {}", d.code.as_str(), d.resource_id, d.message)),
            );
            ImportResult::Refused(reasons)
        }
    }
}

/// The blade.
#[component]
pub fn ExportImport() -> impl IntoView {
    let store = expect_context::<Store>();
    let result = RwSignal::new(None::<ImportResult>);
    let aside = RwSignal::new(BrowserStorage::open().aside());
    let on_file = move |ev: leptos::ev::Event| {
        read_file_text(&ev, move |text| {
            let outcome = match text {
                Some(text) => import_text(&store, &text),
                None => ImportResult::Refused(vec!["The file could not be read.".into()]),
            };
            result.set(Some(outcome));
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
            <input id="import-file" type="file" accept="application/json,.json" on:change=on_file/>
        </div>
        {move || result.get().map(|r| match r {
            ImportResult::Imported(counts) => view! { <p class="banner success" role="status">"Imported: "{counts}</p> }.into_any(),
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
