//! Entry point of the browser build: mounts the portal on the page.

fn main() {
    // Keeps the faster memcmp in the module (see the crate's docs).
    #[cfg(target_arch = "wasm32")]
    wasm_memcmp::link();
    leptos::mount::mount_to_body(sig_portal::App);
}
