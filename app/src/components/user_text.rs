//! Text that people typed (display names, descriptions, tags) shown so it
//! cannot disguise itself or the text around it.
//!
//! Bidirectional control characters reorder what follows them: a file named
//! "\u{202E}gnp.exe" reads "exe.png". [`reveal`] replaces each with a visible
//! mark naming it, and [`UserText`] also isolates the text (`<bdi>`), so a
//! right-to-left name never reorders the words next to it. Long unbroken
//! strings wrap instead of widening the page (`.user-text` in the CSS).

use leptos::prelude::*;

pub use crate::text::{reveal, BIDI_CONTROLS};

/// Someone's text, isolated and with its control characters revealed.
#[component]
pub fn UserText(
    /// The text as stored.
    #[prop(into)]
    text: String,
) -> impl IntoView {
    let shown = reveal(&text).into_owned();
    view! { <bdi class="user-text">{shown}</bdi> }
}
