//! Entry point of the browser build: mounts the portal on the page.

fn main() {
    // Keeps the faster memcmp in the module (see the crate's docs).
    #[cfg(target_arch = "wasm32")]
    wasm_memcmp::link();
    leptos::mount::mount_to_body(sig_portal::App);
    // The portal (or its own "Opening your saved data…") is on the page now.
    if let Some(boot) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("boot"))
    {
        boot.remove();
    }
}
