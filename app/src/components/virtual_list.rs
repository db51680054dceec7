//! A list that renders only the rows in view, so thousands of rows (11,000
//! resources, 3,000 role assignments) stay instant: a window of rows plus
//! `overscan` each side, between two spacers that keep the scroll height.

use std::hash::Hash;
use std::ops::Range;
use std::sync::Arc;

use leptos::html;
use leptos::prelude::*;

/// Rows `[first, last)` to render for `count` rows of `row_height` px in a
/// viewport of `viewport` px scrolled to `scroll_top`, plus `overscan` rows
/// each side.
pub fn row_window(
    count: usize,
    scroll_top: f64,
    row_height: f64,
    viewport: f64,
    overscan: usize,
) -> (usize, usize) {
    let first = ((scroll_top.max(0.0) / row_height) as usize)
        .saturating_sub(overscan)
        .min(count);
    let last = (first + (viewport / row_height) as usize + 2 * overscan).min(count);
    (first, last)
}

/// The markup family of a [`VirtualList`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListLayout {
    /// A `<table>`: the header in `<thead>`, rows are `<tr>`.
    Table,
    /// `role="table"` on `<div>`s: the header in a rowgroup above the scroller,
    /// rows are `<div role="row">`.
    Grid,
}

/// One rendered row: its 0-based position and the `aria-rowindex` its row
/// element must carry (the header is row 1).
#[derive(Clone, Debug)]
pub struct VirtualRow<T> {
    /// Position in the whole (filtered) list.
    pub position: usize,
    /// `aria-rowindex` of the row element.
    pub aria_rowindex: usize,
    /// The row's data.
    pub item: T,
}

/// Lets the owner of a [`VirtualList`] scroll it (a new search starts at the top).
#[derive(Clone, Copy)]
pub struct VirtualListHandle {
    scroll: RwSignal<f64>,
    viewport: NodeRef<html::Div>,
}

impl Default for VirtualListHandle {
    fn default() -> Self {
        Self::new()
    }
}

impl VirtualListHandle {
    /// A handle for one list, passed as its `handle` prop.
    pub fn new() -> Self {
        VirtualListHandle {
            scroll: RwSignal::new(0.0),
            viewport: NodeRef::new(),
        }
    }

    /// Scrolls the list back to its first row.
    pub fn scroll_to_top(&self) {
        if let Some(el) = self.viewport.get_untracked() {
            el.set_scroll_top(0);
        }
        self.scroll.set(0.0);
    }
}

/// A virtualized, accessible list: `aria-rowcount` counts every row, each
/// rendered row carries its `aria-rowindex`, and rows are keyed by position
/// and key so scrolling only adds and removes the rows entering and leaving
/// the window.
#[component]
pub fn VirtualList<T, K, KF, RF, CF, IV>(
    /// Rows in the whole (filtered) list: `aria-rowcount` and spacer heights.
    #[prop(into)]
    count: Signal<usize>,
    /// The items at positions `[range)`; called only for the window.
    rows: RF,
    /// A stable key of an item; rows are keyed by `(position, key)`.
    key: KF,
    /// Renders one row (`<tr>` for `Table`, `<div role="row">` for `Grid`)
    /// carrying `aria-rowindex=row.aria_rowindex`.
    children: CF,
    /// The header row: in `<thead>` (`Table`) or a rowgroup above the scroller (`Grid`).
    #[prop(into)]
    header: ViewFn,
    /// Row height in px, as the stylesheet fixes it.
    row_height: f64,
    /// Viewport height in px (the scroller's CSS `height` or `max-height`).
    viewport_height: f64,
    /// Rows rendered beyond each edge of the window, so fast scrolling shows no gaps.
    #[prop(default = 6)]
    overscan: usize,
    /// Accessible name of the table.
    #[prop(into)]
    label: String,
    /// Class of the scroller (`iam-viewport`, `browse-viewport`).
    #[prop(into)]
    viewport_class: String,
    /// Class of the table element.
    #[prop(into, optional)]
    class: String,
    /// Markup family.
    #[prop(default = ListLayout::Table)]
    layout: ListLayout,
    /// `colspan` of the `Table` spacers (the number of columns).
    #[prop(default = 1)]
    columns: usize,
    /// Lets the owner scroll the list; one is made inside when absent.
    #[prop(optional)]
    handle: Option<VirtualListHandle>,
    /// A `Table` list whose rows hold nothing to focus: its scroller is a named region in the
    /// tab order, so the keyboard scrolls it (as [`crate::components::ScrollRegion`] does).
    #[prop(optional)]
    focusable: bool,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    K: Eq + Hash + Send + Sync + 'static,
    KF: Fn(&T) -> K + Send + Sync + 'static,
    RF: Fn(Range<usize>) -> Vec<T> + Send + Sync + 'static,
    CF: Fn(VirtualRow<T>) -> IV + Send + Sync + 'static,
    IV: IntoView + 'static,
{
    let VirtualListHandle { scroll, viewport } = handle.unwrap_or_default();
    let window = Memo::new(move |_| {
        row_window(
            count.get(),
            scroll.get(),
            row_height,
            viewport_height,
            overscan,
        )
    });
    let visible = move || {
        let (first, last) = window.get();
        rows(first..last)
            .into_iter()
            .enumerate()
            .map(|(offset, item)| VirtualRow {
                position: first + offset,
                aria_rowindex: first + offset + 2,
                item,
            })
            .collect::<Vec<_>>()
    };
    let key = Arc::new(key);
    let row_key = move |row: &VirtualRow<T>| (row.position, key(&row.item));
    let children = Arc::new(children);
    let row_view = move |row: VirtualRow<T>| children(row);
    let on_scroll = move |ev: leptos::ev::Event| {
        let target: web_sys::Element = event_target(&ev);
        scroll.set(f64::from(target.scroll_top()));
    };
    let above = move || window.get().0 as f64 * row_height;
    let below = move || count.get().saturating_sub(window.get().1) as f64 * row_height;
    let spacer = move |height: f64| {
        (height > 0.0).then(|| match layout {
            ListLayout::Table => view! {
                <tr class="virtual-spacer" aria-hidden="true" style=format!("height:{height}px")>
                    <td colspan=columns></td>
                </tr>
            }
            .into_any(),
            ListLayout::Grid => view! {
                <div class="virtual-spacer" aria-hidden="true" style=format!("height:{height}px")></div>
            }
            .into_any(),
        })
    };
    let rowcount = move || count.get() + 1;
    match layout {
        ListLayout::Table => view! {
            <div class=viewport_class node_ref=viewport on:scroll=on_scroll
                tabindex=focusable.then_some("0") role=focusable.then_some("region")
                aria-label=focusable.then(|| format!("{label} (scrolls)"))>
                <table class=class aria-label=label.clone() aria-rowcount=rowcount>
                    <thead>{header.run()}</thead>
                    <tbody>
                        {move || spacer(above())}
                        <For each=visible key=row_key children=row_view/>
                        {move || spacer(below())}
                    </tbody>
                </table>
            </div>
        }
        .into_any(),
        ListLayout::Grid => view! {
            <div role="table" class=class aria-label=label aria-rowcount=rowcount>
                <div role="rowgroup">{header.run()}</div>
                <div role="rowgroup" class=viewport_class node_ref=viewport on:scroll=on_scroll>
                    {move || spacer(above())}
                    <For each=visible key=row_key children=row_view/>
                    {move || spacer(below())}
                </div>
            </div>
        }
        .into_any(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_covers_the_visible_rows_plus_overscan_and_stays_in_bounds() {
        // 480 px show 12 rows of 40 px; 6 more each side.
        let iam = |count, top| row_window(count, top, 40.0, 480.0, 6);
        assert_eq!(iam(3001, 0.0), (0, 24));
        assert_eq!(iam(3001, 4000.0), (94, 118));
        assert_eq!(iam(3001, 1e9), (3001, 3001));
        assert_eq!(iam(5, 0.0), (0, 5));
        assert_eq!(iam(0, 120.0), (0, 0));
        // The browse lists: 432 px of 36 px rows, 10 more each side.
        assert_eq!(row_window(11100, 0.0, 36.0, 432.0, 10), (0, 32));
    }
}
