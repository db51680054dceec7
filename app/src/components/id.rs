//! Unique DOM ids, so a `<label for>` and an `aria-describedby` can name the
//! input they belong to even when a form is shown twice.

use std::sync::atomic::{AtomicUsize, Ordering};

static NEXT_ID: AtomicUsize = AtomicUsize::new(0);

/// A unique DOM id, so labels and error texts can point at their inputs.
pub fn unique_id(prefix: &str) -> String {
    format!("{prefix}-{}", NEXT_ID.fetch_add(1, Ordering::Relaxed))
}
