//! The line beside a command's button while the rule engine downloads (release builds, the
//! first moments of a visit): the button is disabled, and this says why, as a status rather
//! than an error — nothing is wrong with what the user typed.

use leptos::prelude::*;

use crate::store::Store;

/// "Loading the rules…" (or why they could not be loaded) while commands cannot run; nothing
/// once they can. Place it beside the buttons it explains.
#[component]
pub fn EngineWaiting() -> impl IntoView {
    let store = expect_context::<Store>();
    move || {
        store
            .engine_waiting()
            .map(|why| view! { <p class="wizard-waiting" role="status">{why}</p> })
    }
}
