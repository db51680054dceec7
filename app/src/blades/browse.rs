//! Browse blades: "Azure compute galleries" and "All resources", across
//! subscriptions, with the portal's toolbar, filters, sortable columns and a
//! virtualized list so 11,000 rows stay instant.

use std::collections::BTreeSet;
use std::sync::Arc;

use leptos::prelude::*;
use sig_core::ids::GalleryResourceId;
use sig_core::Command;

use super::resource::Kind;
use crate::components::{
    options_view, unique_id, EngineWaiting, ListLayout, SortHeader, VirtualList,
};
use crate::route::Blade;
use crate::store::Store;

pub use crate::browse_rows::{Edit, Row, Rows};

/// Sortable columns.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub enum Column {
    /// Name (how a list opens).
    #[default]
    Name,
    /// Type.
    Type,
    /// Resource group.
    Group,
    /// Location.
    Location,
    /// Subscription.
    Subscription,
}

impl Column {
    fn title(self) -> &'static str {
        match self {
            Column::Name => "Name",
            Column::Type => "Type",
            Column::Group => "Resource group",
            Column::Location => "Location",
            Column::Subscription => "Subscription",
        }
    }
    fn key(self, row: &Row) -> &str {
        match self {
            Column::Name => &row.search,
            Column::Type => row.kind,
            Column::Group => &row.group,
            Column::Location => row.location,
            Column::Subscription => &row.subscription,
        }
    }
}

/// The filters a browse blade applies.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Filters {
    /// Name contains (case-insensitive).
    pub text: String,
    /// Exact subscription display name, or empty for all.
    pub subscription: String,
    /// Exact resource group, or empty for all.
    pub group: String,
    /// Exact location display name, or empty for all.
    pub location: String,
    /// Exact type, or empty for all.
    pub kind: String,
}

/// Indexes of `rows` in `column` order, the rows' own order breaking ties; descending is
/// the exact reverse. Sorting is the costly part of a browse list, so it is done once per
/// data or sort change, not per keystroke. The other columns than the name have a handful
/// of values each, so their rows are grouped by value rather than compared with one another.
pub fn sorted(rows: &[Arc<Row>], column: Column, ascending: bool) -> Vec<usize> {
    sorted_from(rows, false, column, ascending)
}

/// [`sorted`], told whether `rows` are in name order already ([`crate::browse_rows::by_name`]),
/// as the index hands them out: then sorting by name looks at no row.
fn sorted_from(
    rows: &[Arc<Row>],
    in_name_order: bool,
    column: Column,
    ascending: bool,
) -> Vec<usize> {
    let mut out: Vec<usize> = (0..rows.len()).collect();
    if column == Column::Name {
        // Rows in name order are sorted already (ties broken by id, as their order is).
        if !in_name_order {
            out.sort_unstable_by(|&a, &b| {
                column
                    .key(&rows[a])
                    .cmp(column.key(&rows[b]))
                    .then(a.cmp(&b))
            });
        }
    } else {
        let mut groups: std::collections::BTreeMap<&str, Vec<usize>> = Default::default();
        for (i, row) in rows.iter().enumerate() {
            groups.entry(column.key(row)).or_default().push(i);
        }
        out.clear();
        for group in groups.into_values() {
            out.extend(group);
        }
    }
    if !ascending {
        out.reverse();
    }
    out
}

/// The entries of `order` whose rows pass `filters`, keeping the order.
pub fn filtered(rows: &[Arc<Row>], order: &[usize], filters: &Filters) -> Vec<usize> {
    match Test::of(filters) {
        // Nothing filtered (how a list opens): no look at each row.
        None => order.to_vec(),
        Some(test) => order
            .iter()
            .copied()
            .filter(|&i| test.passes(&rows[i]))
            .collect(),
    }
}

/// `filters` made ready to test rows with (the text lower-cased once).
struct Test<'f> {
    needle: String,
    filters: &'f Filters,
}

impl<'f> Test<'f> {
    /// `None` when nothing is filtered.
    fn of(filters: &'f Filters) -> Option<Test<'f>> {
        let needle = filters.text.trim().to_lowercase();
        let any = !needle.is_empty()
            || [
                &filters.subscription,
                &filters.group,
                &filters.location,
                &filters.kind,
            ]
            .iter()
            .any(|f| !f.is_empty());
        any.then_some(Test { needle, filters })
    }

    fn passes(&self, r: &Row) -> bool {
        let keep = |value: &str, wanted: &str| wanted.is_empty() || value == wanted;
        let f = self.filters;
        (self.needle.is_empty() || r.search.contains(&self.needle))
            && keep(&r.subscription, &f.subscription)
            && keep(&r.group, &f.group)
            && keep(r.location, &f.location)
            && keep(r.kind, &f.kind)
    }
}

/// What a list in name order showed (`previous`: indexes of the rows that passed `filters`,
/// ascending or not), after `edit` changed the rows: the rows before the edit are the same,
/// the rows after it moved by the change in length, and only the edit's new rows are tested.
/// A command with All resources open at ten times the limits looks at a gallery's rows, not at
/// 111,000.
fn follow_edit(
    rows: &[Arc<Row>],
    previous: &[usize],
    edit: Edit,
    ascending: bool,
    filters: &Filters,
) -> Vec<usize> {
    let test = Test::of(filters);
    let mut middle: Vec<usize> = (edit.at..edit.at + edit.new_len)
        .filter(|&i| test.as_ref().is_none_or(|t| t.passes(&rows[i])))
        .collect();
    let before = previous.iter().copied().filter(|&i| i < edit.at);
    let after = previous
        .iter()
        .copied()
        .filter(|&i| i >= edit.at + edit.old_len)
        .map(|i| i + edit.new_len - edit.old_len);
    let mut out = Vec::with_capacity(previous.len() + middle.len());
    if ascending {
        out.extend(before);
        out.append(&mut middle);
        out.extend(after);
    } else {
        middle.reverse();
        out.extend(after);
        out.append(&mut middle);
        out.extend(before);
    }
    out
}

/// Indexes of `rows` that pass `filters`, sorted by `column`.
pub fn visible(
    rows: &[Arc<Row>],
    filters: &Filters,
    column: Column,
    ascending: bool,
) -> Vec<usize> {
    filtered(rows, &sorted(rows, column, ascending), filters)
}

/// The columns a filter picks from, as [`Column::key`] reads them.
const FILTERED: [Column; 4] = [
    Column::Subscription,
    Column::Group,
    Column::Location,
    Column::Type,
];

/// What a list's shown rows were last computed from (see `Browser`'s `shown`).
#[derive(Clone, Default)]
struct Shown {
    /// Which `order` (a count of its computations).
    order: u64,
    filters: Filters,
    /// The rows, weak: the list's memo holds them, this only tells them apart.
    rows: crate::browse_rows::WeakRows,
    sorted_by: (Column, bool),
}

/// Whether `now` lets through only rows `before` did: the same choices, and a name text that
/// contains the one before (typing on).
fn narrows(before: &Filters, now: &Filters) -> bool {
    let choices = |f: &Filters| Filters {
        text: String::new(),
        ..f.clone()
    };
    choices(before) == choices(now)
        && now
            .text
            .trim()
            .to_lowercase()
            .contains(&before.text.trim().to_lowercase())
}

/// The values of the filtered columns in `rows`, in [`FILTERED`]'s order, each once, sorted:
/// what the index keeps for the list of every row ([`Store::browse_values`]), found here for
/// the others (a resource group's rows, or those a principal may read). One pass for the four
/// (each pass over 111,000 rows is a cache miss per row).
fn distinct(rows: &[Arc<Row>]) -> [Vec<String>; 4] {
    let mut values: [std::collections::BTreeSet<&str>; 4] = Default::default();
    let mut last: [Option<&str>; 4] = [None; 4];
    for row in rows {
        for (n, column) in FILTERED.iter().enumerate() {
            let value = column.key(row);
            // Neighbouring rows mostly share the very text (a gallery's rows share their
            // group and subscription): skip those without comparing them.
            if last[n].is_some_and(|l| std::ptr::eq(l, value)) {
                continue;
            }
            last[n] = Some(value);
            values[n].insert(value);
        }
    }
    values.map(|set| set.into_iter().map(str::to_string).collect())
}

/// The filters' options: "All", then each value.
fn with_all(values: [Vec<String>; 4]) -> [Vec<(String, String)>; 4] {
    values.map(|values| {
        let mut out = vec![(String::new(), "All".to_string())];
        out.extend(values.into_iter().map(|v| (v.clone(), v)));
        out
    })
}

/// One filter's options out of the memo of all four (computed once per change of the rows,
/// not whenever a filter's value changes or its options are read).
fn options_of(
    options: Memo<[Vec<(String, String)>; 4]>,
    column: Column,
) -> Signal<Vec<(String, String)>> {
    let n = FILTERED.iter().position(|c| *c == column).unwrap_or(0);
    Signal::derive(move || options.with(|o| o[n].clone()))
}

/// "Azure compute galleries".
#[component]
pub fn Galleries(open: Callback<Blade>) -> impl IntoView {
    view! { <Browser galleries_only=true open/> }
}

/// "All resources".
#[component]
pub fn AllResources(open: Callback<Blade>) -> impl IntoView {
    view! { <Browser galleries_only=false open/> }
}

#[component]
fn FilterSelect(
    label: &'static str,
    value: RwSignal<String>,
    options: Signal<Vec<(String, String)>>,
) -> impl IntoView {
    let id = unique_id("filter");
    view! {
        <div class="filter">
            <label for=id.clone()>{label}</label>
            <select id=id prop:value=move || value.get() on:change=move |ev| value.set(event_target_value(&ev))>
                {move || options_view(&options.get(), &value.get())}
            </select>
        </div>
    }
}

/// The browse rows ([`crate::browse_rows`]) the signed-in principal may read (the core's
/// visibility), as the portal lists them (tracked).
pub fn readable_rows(store: Store, galleries_only: bool) -> Rows {
    let list = store.browse_rows(galleries_only);
    store.visible.with(|visible| {
        // The set holds only resources of the world, each once: as many as every resource's
        // rows means all are readable (an owner's usual view), with no lookup per row.
        let every =
            |ids: &std::collections::HashSet<String>| !galleries_only && ids.len() == list.len();
        let Some(ids) = visible.as_ref().filter(|ids| !every(ids)) else {
            return list;
        };
        let mut lower = String::new();
        let readable = list.iter().filter(|r| {
            lower.clear();
            lower.push_str(&r.id);
            lower.make_ascii_lowercase();
            ids.contains(lower.as_str())
        });
        Arc::new(readable.cloned().collect())
    })
}

/// A list row's key: its id.
fn row_key(row: &Arc<Row>) -> String {
    row.id.clone()
}

/// A resource group's resources, as its page lists them.
#[component]
pub fn GroupResources(group: String, open: Callback<Blade>) -> impl IntoView {
    view! { <Browser galleries_only=false open group/> }
}

#[component]
fn Browser(
    galleries_only: bool,
    open: Callback<Blade>,
    /// Only the resources in this resource group (its id), as its page lists them.
    #[prop(optional, into)]
    group: Option<String>,
) -> impl IntoView {
    let store = expect_context::<Store>();
    let scoped = group.is_some();
    let prefix = group.map(|g| format!("{}/", g.trim_end_matches('/').to_ascii_lowercase()));
    let all = Memo::new(move |_| {
        let list = readable_rows(store, galleries_only);
        match &prefix {
            Some(prefix) => Arc::new(
                list.iter()
                    // Ids compared in place: no lower-cased copy of every row's id.
                    .filter(|r| {
                        r.id.get(..prefix.len())
                            .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
                    })
                    .cloned()
                    .collect(),
            ),
            None => list,
        }
    });
    let text = RwSignal::new(String::new());
    let subscription = RwSignal::new(String::new());
    let group = RwSignal::new(String::new());
    let location = RwSignal::new(String::new());
    let kind = RwSignal::new(String::new());
    let sort = RwSignal::new((Column::Name, true));
    // What the user ticked; what counts is only what is still listed, so
    // deleted or hidden rows leave the selection and Delete acts on what is seen.
    let picked = RwSignal::new(BTreeSet::<String>::new());
    let selected = Memo::new(move |_| {
        picked.with(|p| {
            if p.is_empty() {
                // Nothing ticked (nearly always): no pass over the rows.
                return BTreeSet::new();
            }
            all.with(|rows| {
                rows.iter()
                    .filter(|r| p.contains(&r.id))
                    .map(|r| r.id.clone())
                    .collect::<BTreeSet<String>>()
            })
        })
    });
    let confirming = RwSignal::new(false);
    let delete_selected = move || {
        // Children before parents, so selecting a gallery with everything in it works.
        let mut commands: Vec<(u8, String, Command)> = selected
            .get_untracked()
            .into_iter()
            .filter_map(|id| {
                let kind = Kind::of(&GalleryResourceId::parse(&id)?);
                let depth = match kind {
                    Kind::Version => 0,
                    Kind::Image => 1,
                    Kind::Gallery => 2,
                };
                Some((depth, id.clone(), kind.delete(id)))
            })
            .collect();
        commands.sort_by_key(|(depth, _, _)| *depth);
        for (_, id, command) in commands {
            if store.dispatch(command).is_ok() {
                picked.update(|s| {
                    s.remove(&id);
                });
            }
        }
        confirming.set(false);
    };
    // What the last `shown` was filtered from: which `order`, with which filters, out of which
    // rows (weak: not kept for this), in which order.
    let orders = StoredValue::new(0u64);
    let last = StoredValue::new(Shown::default());
    let order = Memo::new(move |_| {
        let (column, ascending) = sort.get();
        orders.update_value(|n| *n += 1);
        // The index's rows, filtered or not, keep its name order.
        all.with(|rows| sorted_from(rows, true, column, ascending))
    });
    let shown = Memo::new(move |previous: Option<&Vec<usize>>| {
        let filters = Filters {
            text: text.get(),
            subscription: subscription.get(),
            group: group.get(),
            location: location.get(),
            kind: kind.get(),
        };
        let sorted_by = sort.get();
        all.with(|rows| {
            order.with(|order| {
                let before = last.with_value(Shown::clone);
                let now = Shown {
                    order: orders.get_value(),
                    filters: filters.clone(),
                    rows: Arc::downgrade(rows),
                    sorted_by,
                };
                let out = match previous {
                    // A command changed some rows, nothing else changed: only those rows
                    // are looked at.
                    Some(previous)
                        if sorted_by.0 == Column::Name
                            && before.sorted_by == sorted_by
                            && before.filters == filters =>
                    {
                        match store.browse_edit(&before.rows, rows) {
                            Some(edit) => follow_edit(rows, previous, edit, sorted_by.1, &filters),
                            None => filtered(rows, order, &filters),
                        }
                    }
                    // Typing on narrows what is shown: only the rows the shorter text let
                    // through are looked at again.
                    Some(previous)
                        if before.order == now.order && narrows(&before.filters, &filters) =>
                    {
                        filtered(rows, previous, &filters)
                    }
                    _ => filtered(rows, order, &filters),
                };
                last.set_value(now);
                out
            })
        })
    });
    let options = Memo::new(move |_| {
        all.with(|rows| with_all(store.browse_values(rows).unwrap_or_else(|| distinct(rows))))
    });
    let total = move || all.with(|rows| rows.len());
    let count = move || shown.with(Vec::len);
    let noun = if galleries_only {
        "galleries"
    } else {
        "resources"
    };
    let columns: &'static [Column] = if galleries_only {
        &[
            Column::Name,
            Column::Group,
            Column::Location,
            Column::Subscription,
        ]
    } else {
        &[
            Column::Name,
            Column::Type,
            Column::Group,
            Column::Location,
            Column::Subscription,
        ]
    };
    let header = move || {
        columns
            .iter()
            .map(|&column| view! { <SortHeader column title=column.title() sort/> })
            .collect_view()
    };
    let search_id = unique_id("search");
    view! {
        <div class="toolbar" role="toolbar" aria-label="Browse actions">
            <button type="button" class="button" on:click=move |_| open.run(Blade::CreateGallery)>"+ Create"</button>
            <button type="button" class="button" on:click=move |_| store.reload_from_storage()>"Refresh"</button>
            {galleries_only.then(|| view! {
                <button type="button" class="button" on:click=move |_| open.run(Blade::SharedWithMe)>"Shared with me"</button>
            })}
            <button type="button" class="button" disabled=move || selected.with(BTreeSet::is_empty)
                on:click=move |_| confirming.set(true)>
                {move || format!("Delete ({})", selected.with(BTreeSet::len))}
            </button>
        </div>
        <Show when=move || confirming.get()>
            <div role="alertdialog" aria-label="Confirm delete" class="banner warning">
                <p>{move || format!(
                    "Delete {} selected resource(s)? Versions are deleted before their definitions and definitions before their galleries; anything still holding children is refused and stays selected.",
                    selected.with(BTreeSet::len)
                )}</p>
                <button type="button" class="button danger" disabled=move || store.engine_waiting().is_some()
                    on:click=move |_| delete_selected()>"Yes, delete"</button>
                <button type="button" class="button" on:click=move |_| confirming.set(false)>"Cancel"</button>
                <EngineWaiting/>
            </div>
        </Show>
        <div class="filters">
            <div class="filter">
                <label for=search_id.clone()>"Filter by name"</label>
                <input id=search_id type="search" placeholder="Filter for any field..."
                    prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))/>
            </div>
            {(!scoped).then(|| view! {
                <FilterSelect label="Subscription" value=subscription
                    options=options_of(options, Column::Subscription)/>
                <FilterSelect label="Resource group" value=group
                    options=options_of(options, Column::Group)/>
            })}
            <FilterSelect label="Location" value=location
                options=options_of(options, Column::Location)/>
            {(!galleries_only).then(|| view! {
                <FilterSelect label="Type" value=kind
                    options=options_of(options, Column::Type)/>
            })}
        </div>
        <p class="record-count" role="status">
            {move || {
                // The rows first: asking for them is what starts a rebuild in slices, so the
                // status says "Loading" from its first render, whatever the view's order.
                let (shown, of) = (count(), total());
                match store.browse_loading.get() {
                    Some((done, steps)) => format!("Loading {noun}… {}%", done * 100 / steps.max(1)),
                    None => format!("Showing {shown} of {of} {noun}"),
                }
            }}
        </p>
        <Show when=move || store.browse_loading.get().is_some()>
            <progress class="list-progress" aria-label=format!("Loading {noun}")
                max=move || store.browse_loading.get().map_or(1, |(_, of)| of)
                value=move || store.browse_loading.get().map_or(0, |(done, _)| done)></progress>
        </Show>
        <Show
            when=move || { total() > 0 || store.browse_loading.get().is_some() }
            fallback=move || view! {
                <div class="empty-state">
                    <p class="empty-title">{format!("No {noun} to display")}</p>
                    <p>"Create a gallery to start publishing images, or import a file."</p>
                    <button type="button" class="button primary" on:click=move |_| open.run(Blade::CreateGallery)>
                        "Create Azure compute gallery"
                    </button>
                </div>
            }
        >
            <VirtualList
                layout=ListLayout::Grid
                label=format!("List of {noun}")
                class="browse"
                viewport_class="browse-viewport"
                row_height=36.0
                viewport_height=432.0
                overscan=10
                count=Signal::derive(count)
                rows=move |range| shown.with(|s| all.with(|rows| s[range].iter().map(|&i| rows[i].clone()).collect()))
                key=row_key
                header=move || view! {
                    <div role="row" class="browse-row browse-head" aria-rowindex="1">
                        <div role="columnheader" class="browse-select"><span class="visually-hidden">"Select"</span></div>
                        {header}
                    </div>
                }
                let:line
            >
                {
                    let row = line.item;
                    let id = row.id.clone();
                    let cells = columns.iter().map(|c| match c {
                        Column::Name => view! {
                            <div role="cell" class="browse-cell">
                                <button type="button" class="link" on:click={
                                    let id = id.clone();
                                    move |_| open.run(Blade::Resource(id.clone()))
                                }>{row.name.clone()}</button>
                            </div>
                        }.into_any(),
                        other => view! { <div role="cell" class="browse-cell">{other.key(&row).to_string()}</div> }.into_any(),
                    }).collect_view();
                    let select_id = id.clone();
                    let is_selected = {
                        let id = id.clone();
                        move || selected.with(|s| s.contains(&id))
                    };
                    view! {
                        <div role="row" class="browse-row" aria-rowindex=line.aria_rowindex
                            aria-selected=move || if is_selected() { "true" } else { "false" }>
                            <div role="cell" class="browse-select">
                                <input type="checkbox" aria-label=format!("Select {}", row.name)
                                    prop:checked=is_selected.clone()
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        picked.update(|s| {
                                            if on { s.insert(select_id.clone()); } else { s.remove(&select_id); }
                                        });
                                    }/>
                            </div>
                            {cells}
                        </div>
                    }
                }
            </VirtualList>
        </Show>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(name: &str, group: &str) -> Arc<Row> {
        Arc::new(Row {
            id: format!("/x/{name}"),
            name: name.into(),
            kind: "Azure compute gallery",
            group: group.into(),
            location: "East US",
            subscription: "Contoso".into(),
            search: name.to_lowercase(),
        })
    }

    #[test]
    fn filters_and_sorts_rows() {
        let rows = vec![row("Beta", "rg2"), row("alpha", "rg1"), row("gamma", "rg1")];
        let all = Filters::default();
        assert_eq!(visible(&rows, &all, Column::Name, true), vec![1, 0, 2]);
        assert_eq!(visible(&rows, &all, Column::Name, false), vec![2, 0, 1]);
        let text = Filters {
            text: "ALP".into(),
            ..Default::default()
        };
        assert_eq!(visible(&rows, &text, Column::Name, true), vec![1]);
        let group = Filters {
            group: "rg1".into(),
            ..Default::default()
        };
        assert_eq!(visible(&rows, &group, Column::Name, true), vec![1, 2]);
    }

    /// The lists skip sorting by name because the index's rows come in name order: that
    /// must be the order a sort gives, in every column and direction.
    #[test]
    fn the_index_order_is_the_name_sort() {
        let world = sig_core::testing::world_with(3, 2, 2);
        let mut index = crate::browse_rows::BrowseIndex::default();
        assert!(index.refresh(&world, &mut || true));
        let rows = index.rows(false);
        assert_eq!(rows.len(), 3 + 6 + 12);
        for column in [
            Column::Name,
            Column::Type,
            Column::Group,
            Column::Location,
            Column::Subscription,
        ] {
            for ascending in [true, false] {
                assert_eq!(
                    sorted_from(&rows, true, column, ascending),
                    sorted(&rows, column, ascending),
                    "{column:?} {ascending}"
                );
            }
        }
        let filtered_all = filtered(
            &rows,
            &sorted(&rows, Column::Name, true),
            &Filters::default(),
        );
        assert_eq!(filtered_all, (0..rows.len()).collect::<Vec<_>>());
    }

    /// A list filtered by name follows a command's edit of the rows to what filtering every
    /// row gives, ascending and descending, for created, changed and deleted resources.
    #[test]
    fn a_filtered_list_follows_an_edit_as_a_full_pass_would() {
        use sig_core::command::{gallery_id, image_id, version_id};
        use sig_core::testing::{self, FIXTURE_NOW, RESOURCE_GROUP as RG, SUBSCRIPTION as SUB};
        let mut world = testing::world_with(3, 2, 2);
        let mut index = crate::browse_rows::BrowseIndex::default();
        assert!(index.refresh(&world, &mut || true));
        let text = |t: &str| Filters {
            text: t.into(),
            ..Filters::default()
        };
        let versions = Filters {
            kind: crate::text::short_type("Microsoft.Compute/galleries/images/versions").into(),
            ..Filters::default()
        };
        let cases = [text("1.0"), text("g001"), text(""), versions];
        let commands = [
            Command::CreateVersion {
                id: version_id(SUB, RG, "g001", &testing::image_name(0), "1.0.7"),
                resource: testing::version_body(),
            },
            Command::CreateGallery {
                id: gallery_id(SUB, RG, "g001a"),
                resource: testing::gallery_body(),
            },
            Command::CreateImage {
                id: image_id(SUB, RG, "g000", "a-first"),
                resource: testing::image_body(0, 7),
            },
            Command::DeleteVersion {
                id: version_id(SUB, RG, "g002", &testing::image_name(1), "1.0.1"),
            },
        ];
        for command in commands {
            let before = index.rows(false);
            let shown_before: Vec<_> = cases
                .iter()
                .flat_map(|f| [true, false].map(|asc| (f, asc)))
                .map(|(f, asc)| filtered(&before, &sorted(&before, Column::Name, asc), f))
                .collect();
            world.take_touched();
            sig_core::apply(&mut world, &sig_core::Actor::system(), command, FIXTURE_NOW)
                .expect("a valid command");
            index.mark(&world.touched().galleries);
            assert!(index.refresh(&world, &mut || true));
            let after = index.rows(false);
            let edit = index
                .edit_between(&Arc::downgrade(&before), &after)
                .expect("an edit");
            let mut n = 0;
            for filters in &cases {
                for ascending in [true, false] {
                    assert_eq!(
                        follow_edit(&after, &shown_before[n], edit, ascending, filters),
                        filtered(&after, &sorted(&after, Column::Name, ascending), filters),
                        "{filters:?} {ascending}"
                    );
                    n += 1;
                }
            }
        }
    }
}
