//! Entry point of the browser build: mounts the portal on the page.

/// The standard allocator, touching ahead as the heap grows (see `sig_portal::heap`).
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static HEAP: sig_portal::heap::TouchingAhead = sig_portal::heap::TouchingAhead;

fn main() {
    // Keeps the faster memcmp in the module (see the crate's docs).
    #[cfg(target_arch = "wasm32")]
    wasm_memcmp::link();
    // The page's first task ends with the module's compilation and this call: `index.html`
    // shows the frame meanwhile, and the portal is mounted in a task of its own.
    wasm_bindgen_futures::spawn_local(async {
        sig_portal::tab_lock::yield_to_browser().await;
        leptos::mount::mount_to_body(sig_portal::App);
        // The portal (or its own "Opening your saved data…") is on the page now.
        if let Some(boot) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id("boot"))
        {
            boot.remove();
        }
    });
}
