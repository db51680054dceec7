//! Entry point of the browser build: mounts the portal on the page.

fn main() {
    leptos::mount::mount_to_body(sig_portal::App);
}
