//! Building part of a view a task later, so that no one task holds the page for long.

use leptos::prelude::*;

use crate::tab_lock::yield_to_browser;

/// Renders `children` in a task after the one it is mounted in (nothing until then).
///
/// Every piece of the module runs for the first time when the portal opens, and the
/// browser compiles each function on its first call: built in one go, the portal's frame
/// was one task of 75–140 ms on the 2-core VM. What the first frame can do without (the
/// top bar's search, clock, notifications and account) is built in a task of its own.
#[component]
pub fn InNextTask(
    /// What to build a task later.
    children: ChildrenFn,
) -> impl IntoView {
    let ready = RwSignal::new(false);
    wasm_bindgen_futures::spawn_local(async move {
        yield_to_browser().await;
        // The view may be gone by then (a navigation unmounted it): nothing to build.
        let _ = ready.try_set(true);
    });
    move || ready.get().then(|| children())
}
