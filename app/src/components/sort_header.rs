//! A sortable column header of a grid (`role="columnheader"` with
//! `aria-sort`), as the browse lists and the resource pages' grids share it:
//! a click sorts by the column, a second click reverses it.

use leptos::prelude::*;

/// One column header; `sort` holds the sorted column and whether ascending.
#[component]
pub fn SortHeader<C>(
    /// This header's column.
    column: C,
    /// The header's text (also its tooltip, for when the cell cuts it).
    title: &'static str,
    /// The grid's sort: (column, ascending).
    sort: RwSignal<(C, bool)>,
) -> impl IntoView
where
    C: Copy + PartialEq + Send + Sync + 'static,
{
    let aria_sort = move || match sort.get() {
        (c, true) if c == column => "ascending",
        (c, false) if c == column => "descending",
        _ => "none",
    };
    let arrow = move || match sort.get() {
        (c, true) if c == column => " ↑",
        (c, false) if c == column => " ↓",
        _ => "",
    };
    view! {
        <div role="columnheader" aria-sort=aria_sort class="browse-cell">
            <button type="button" class="link" title=title on:click=move |_| sort.update(|s| {
                *s = if s.0 == column { (column, !s.1) } else { (column, true) }
            })>
                {title}
                {arrow}
            </button>
        </div>
    }
}
