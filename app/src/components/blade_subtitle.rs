//! The part of a blade's title that its body chooses ("gallery | Tags").

use leptos::prelude::*;

/// What the active blade shows after its name in its heading: a resource
/// page sets it to its open menu item, so the title reads "{name} | {item}".
/// Each blade frame provides its own; the blade's landmark stays named by the
/// plain name.
#[derive(Clone, Copy, Debug)]
pub struct BladeSubtitle(pub RwSignal<Option<String>>);

impl BladeSubtitle {
    /// A new, empty subtitle (the blade frame provides it as context).
    pub fn new() -> Self {
        BladeSubtitle(RwSignal::new(None))
    }
}

impl Default for BladeSubtitle {
    fn default() -> Self {
        Self::new()
    }
}
