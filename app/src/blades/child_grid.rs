//! A gallery's definitions and a definition's versions as the portal's
//! grids: sortable columns, a text filter and a facet (OS type, replication
//! state), virtualized like the browse lists so a definition with thousands
//! of versions stays instant. A version row shows what a publisher checks
//! before a rollout: provisioning state, replication state with progress
//! (the core's simulation at the clock's time), the "latest" badge (the
//! core's `latest` resolution), excluded from latest, end of life, regions.

use leptos::prelude::*;
use sig_core::ids::GalleryResourceId;
use sig_core::latest::resolve_latest;
use sig_core::replication::{aggregate, version_status};
use sig_core::World;
use time::OffsetDateTime;

use super::resource::Kind;
use crate::components::{options_view, unique_id, ListLayout, SortHeader, VirtualList};
use crate::route::Blade;
use crate::store::Store;

/// What a cell shows; the grid renders each kind the portal's way.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cell {
    /// The resource's name: a link to its page, with the "Latest" badge.
    Name {
        /// Display name.
        text: String,
        /// The version `latest` resolves to.
        latest: bool,
    },
    /// Plain text.
    Text(String),
    /// A replication state and its mean progress over the regions.
    Replication {
        /// Aggregated state as Azure names it (`Completed`, `InProgress`, …).
        state: String,
        /// Mean progress, 0–100.
        progress: u8,
    },
}

impl Cell {
    fn text(&self) -> &str {
        match self {
            Cell::Name { text, .. } | Cell::Text(text) => text,
            Cell::Replication { state, .. } => state,
        }
    }
}

/// One definition or version as a grid row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChildRow {
    /// ARM id (the link's target).
    pub id: String,
    /// One per column.
    pub cells: Vec<Cell>,
    /// Per column, a key that sorts as the column reads (numbers padded).
    keys: Vec<String>,
    /// The facet's value (OS type; replication state).
    pub facet: String,
    /// Lower-cased cell texts, so a keystroke allocates nothing per row.
    search: String,
}

impl ChildRow {
    fn new(id: String, cells: Vec<Cell>, keys: Vec<String>, facet: String) -> Self {
        let search = cells
            .iter()
            .map(|c| c.text().to_lowercase())
            .collect::<Vec<_>>()
            .join("\u{1f}");
        ChildRow {
            id,
            cells,
            keys,
            facet,
            search,
        }
    }

    /// Identity plus everything the row shows, so a row whose progress,
    /// badge or any cell changed is rendered again.
    fn render_key(&self) -> String {
        let mut key = self.id.clone();
        for cell in &self.cells {
            key.push('\u{1f}');
            match cell {
                Cell::Replication { state, progress } => {
                    key.push_str(&format!("{state}|{progress}"))
                }
                Cell::Name { text, latest } => key.push_str(&format!("{text}|{latest}")),
                Cell::Text(text) => key.push_str(text),
            }
        }
        key
    }
}

/// The columns of a grid of `kind`'s children.
pub fn columns(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Gallery => &[
            "Name",
            "OS type",
            "OS state",
            "Generation",
            "Publisher",
            "Offer",
            "SKU",
            "Versions",
        ],
        Kind::Image => &[
            "Name",
            "Provisioning state",
            "Replication",
            "Exclude from latest",
            "End of life date",
            "Target regions",
            "Published date",
        ],
        Kind::Version => &[],
    }
}

/// The facet a grid filters by, and its label.
pub fn facet_label(kind: Kind) -> &'static str {
    match kind {
        Kind::Gallery => "OS type",
        _ => "Replication state",
    }
}

fn padded(n: u64) -> String {
    format!("{n:020}")
}

/// An empty value as the portal shows it.
fn or_dashes(text: String) -> String {
    if text.is_empty() {
        "--".into()
    } else {
        text
    }
}

fn date_part(text: &str) -> String {
    text.split('T').next().unwrap_or_default().to_string()
}

/// The definitions of gallery `id` as rows.
pub fn definition_rows(world: &World, id: &str) -> Vec<ChildRow> {
    let Some(GalleryResourceId::Gallery(gallery)) = GalleryResourceId::parse(id) else {
        return Vec::new();
    };
    world
        .images_of(&gallery)
        .map(|i| {
            let versions = world.versions_of(&i.id).count();
            let cells = vec![
                Cell::Name {
                    text: i.name.to_string(),
                    latest: false,
                },
                Cell::Text(i.os_type.as_str().to_string()),
                Cell::Text(i.os_state.as_str().to_string()),
                Cell::Text(i.hyper_v_generation.as_str().to_string()),
                Cell::Text(i.identifier.publisher.to_string()),
                Cell::Text(i.identifier.offer.to_string()),
                Cell::Text(i.identifier.sku.to_string()),
                Cell::Text(versions.to_string()),
            ];
            let mut keys: Vec<String> = cells.iter().map(|c| c.text().to_lowercase()).collect();
            keys[7] = padded(versions as u64);
            ChildRow::new(
                i.id.to_string(),
                cells,
                keys,
                i.os_type.as_str().to_string(),
            )
        })
        .collect()
}

/// The versions of definition `id` as rows at time `now` (replication
/// progress is the core's simulation at that time).
pub fn version_rows(world: &World, id: &str, now: OffsetDateTime) -> Vec<ChildRow> {
    let Some(GalleryResourceId::Image(image)) = GalleryResourceId::parse(id) else {
        return Vec::new();
    };
    let latest = resolve_latest(world, id, None)
        .map(|r| r.chosen.to_lowercase())
        .unwrap_or_default();
    world
        .versions_of(&image)
        .map(|v| {
            let statuses = version_status(world, v, now);
            let state = aggregate(statuses.iter().map(|s| s.state))
                .as_str()
                .to_string();
            let progress = if statuses.is_empty() {
                0
            } else {
                (statuses.iter().map(|s| u32::from(s.progress)).sum::<u32>()
                    / statuses.len() as u32) as u8
            };
            let props = v.resource().properties.as_ref();
            let profile = props.and_then(|p| p.publishing_profile.as_ref());
            let text = |f: fn(&sig_core::arm::PublishingProfile) -> Option<&String>| {
                profile.and_then(f).cloned().unwrap_or_default()
            };
            let vid = v.id.to_string();
            let regions = v
                .targets
                .iter()
                .map(|t| t.region.display_name())
                .collect::<Vec<_>>()
                .join(", ");
            let cells = vec![
                Cell::Name {
                    text: v.name.to_string(),
                    latest: vid.to_lowercase() == latest,
                },
                Cell::Text(
                    props
                        .and_then(|p| p.provisioning_state.clone())
                        .unwrap_or_else(|| "Succeeded".into()),
                ),
                Cell::Replication {
                    state: state.clone(),
                    progress,
                },
                Cell::Text(if v.exclude_from_latest { "Yes" } else { "No" }.into()),
                Cell::Text(or_dashes(date_part(&text(|p| p.end_of_life_date.as_ref())))),
                Cell::Text(regions),
                Cell::Text(date_part(&text(|p| p.published_date.as_ref()))),
            ];
            let mut keys: Vec<String> = cells.iter().map(|c| c.text().to_lowercase()).collect();
            let (major, minor, patch) = v.name.parts();
            keys[0] = format!(
                "{}.{}.{}",
                padded(major.into()),
                padded(minor.into()),
                padded(patch.into())
            );
            keys[2] = format!("{state}{}", padded(progress.into()));
            ChildRow::new(vid, cells, keys, state)
        })
        .collect()
}

/// Indexes of `rows` sorted by `column`, then filtered by `text` (contained
/// in any cell) and `facet` (exact, empty for all).
pub fn arrange(
    rows: &[ChildRow],
    column: usize,
    ascending: bool,
    text: &str,
    facet: &str,
) -> Vec<usize> {
    let needle = text.trim().to_lowercase();
    let mut order: Vec<usize> = (0..rows.len())
        .filter(|&i| {
            let r = &rows[i];
            (needle.is_empty() || r.search.contains(&needle))
                && (facet.is_empty() || r.facet == facet)
        })
        .collect();
    order.sort_by(|&a, &b| {
        let key = |i: usize| rows[i].keys.get(column).map(String::as_str).unwrap_or("");
        let order = key(a).cmp(key(b));
        if ascending {
            order
        } else {
            order.reverse()
        }
    });
    order
}

/// The grid of `kind`'s children (definitions of a gallery, versions of a
/// definition), as its resource page shows it.
#[component]
pub fn ChildGrid(kind: Kind, id: String, open: Callback<Blade>) -> impl IntoView {
    let store = expect_context::<Store>();
    let heading = match kind {
        Kind::Gallery => "Definitions",
        Kind::Image => "Versions",
        Kind::Version => return ().into_any(),
    };
    let columns = columns(kind);
    let scope = id.clone();
    // Versions follow the clock (replication progress); definitions don't read it.
    let all = Memo::new(move |_| match kind {
        Kind::Gallery => store.world.with(|w| definition_rows(w, &scope)),
        _ => {
            let now = store.sim.now();
            store.world.with(|w| version_rows(w, &scope, now))
        }
    });
    let text = RwSignal::new(String::new());
    let facet = RwSignal::new(String::new());
    // Versions newest first, as the portal lists them.
    let sort = RwSignal::new((0usize, kind == Kind::Gallery));
    let facets = Memo::new(move |_| {
        let mut values: Vec<String> =
            all.with(|rows| rows.iter().map(|r| r.facet.clone()).collect());
        values.sort();
        values.dedup();
        let mut out = vec![(String::new(), "All".to_string())];
        out.extend(values.into_iter().map(|v| (v.clone(), v)));
        out
    });
    // A facet value no row has any more (the versions it named completed) filters nothing, as
    // the select then shows "All".
    let chosen_facet = Memo::new(move |_| {
        let wanted = facet.get();
        if facets.with(|f| f.iter().any(|(v, _)| *v == wanted)) {
            wanted
        } else {
            String::new()
        }
    });
    let shown = Memo::new(move |_| {
        let (column, ascending) = sort.get();
        let (text, facet) = (text.get(), chosen_facet.get());
        all.with(|rows| arrange(rows, column, ascending, &text, &facet))
    });
    let count = move || shown.with(Vec::len);
    let total = move || all.with(Vec::len);
    let noun = heading.to_lowercase();
    let header = move || {
        columns
            .iter()
            .enumerate()
            .map(|(column, &title)| view! { <SortHeader column title sort/> })
            .collect_view()
    };
    let search_id = unique_id("child-filter");
    let facet_id = unique_id("child-facet");
    let facet_name = facet_label(kind);
    view! {
        <section class="children" aria-label=heading>
            <h2 class="section-title">{heading}</h2>
            <Show when=move || { total() > 0 } fallback=|| view! { <p class="field-help">"None yet."</p> }>
                <div class="filters">
                    <div class="filter">
                        <label for=search_id.clone()>{format!("Filter {noun}")}</label>
                        <input id=search_id.clone() type="search" placeholder="Filter for any field..."
                            prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))/>
                    </div>
                    <div class="filter">
                        <label for=facet_id.clone()>{facet_name}</label>
                        <select id=facet_id.clone() prop:value=move || facet.get()
                            on:change=move |ev| facet.set(event_target_value(&ev))>
                            {move || options_view(&facets.get(), &facet.get())}
                        </select>
                    </div>
                </div>
                <p class="record-count" role="status">
                    {move || format!("Showing {} of {} {}", count(), total(), heading.to_lowercase())}
                </p>
                <VirtualList
                    layout=ListLayout::Grid
                    label=format!("List of {}", heading.to_lowercase())
                    class="browse child-grid"
                    viewport_class="browse-viewport child-viewport"
                    row_height=36.0
                    viewport_height=432.0
                    overscan=10
                    count=Signal::derive(count)
                    rows=move |range| shown.with(|s| all.with(|rows| s[range].iter().map(|&i| rows[i].clone()).collect()))
                    key=|row: &ChildRow| row.render_key()
                    header=move || view! {
                        <div role="row" class="browse-row browse-head" aria-rowindex="1">{header}</div>
                    }
                    let:line
                >
                    {
                        let row = line.item;
                        let cells = row.cells.iter().cloned().map(|cell| match cell {
                            Cell::Name { text, latest } => {
                                let target = row.id.clone();
                                view! {
                                    <div role="cell" class="browse-cell">
                                        <button type="button" class="link" on:click=move |_| open.run(Blade::Resource(target.clone()))>{text}</button>
                                        {latest.then(|| view! { <span class="latest-badge">"Latest"</span> })}
                                    </div>
                                }.into_any()
                            }
                            Cell::Text(text) => view! { <div role="cell" class="browse-cell">{text}</div> }.into_any(),
                            Cell::Replication { state, progress } => {
                                let label = format!("Replication progress {progress}%");
                                view! {
                                    <div role="cell" class="browse-cell replication-cell">
                                        <span>{state}</span>
                                        {(progress < 100).then(|| view! {
                                            " "<progress max="100" value=progress aria-label=label>{format!("{progress}%")}</progress>
                                            <span class="field-help">{format!(" {progress}%")}</span>
                                        })}
                                    </div>
                                }.into_any()
                            }
                        }).collect_view();
                        view! {
                            <div role="row" class="browse-row" aria-rowindex=line.aria_rowindex>{cells}</div>
                        }
                    }
                </VirtualList>
            </Show>
        </section>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;
    use sig_core::testing;

    #[test]
    fn versions_sort_by_number_and_filter_by_text_and_state() {
        let rows: Vec<ChildRow> = ["1.10.0", "1.2.0", "1.9.3"]
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let state = if i == 1 { "InProgress" } else { "Completed" };
                let cells = vec![
                    Cell::Name {
                        text: (*name).into(),
                        latest: false,
                    },
                    Cell::Replication {
                        state: state.into(),
                        progress: 50,
                    },
                ];
                let parts: Vec<u64> = name.split('.').map(|p| p.parse().unwrap()).collect();
                let keys = vec![
                    parts
                        .iter()
                        .map(|p| padded(*p))
                        .collect::<Vec<_>>()
                        .join("."),
                    state.into(),
                ];
                ChildRow::new(format!("/v/{name}"), cells, keys, state.into())
            })
            .collect();
        // Numerically: 1.2.0 < 1.9.3 < 1.10.0 (a text sort would put 1.10.0 first).
        assert_eq!(arrange(&rows, 0, true, "", ""), vec![1, 2, 0]);
        assert_eq!(arrange(&rows, 0, false, "", ""), vec![0, 2, 1]);
        assert_eq!(arrange(&rows, 0, true, "1.9", ""), vec![2]);
        assert_eq!(arrange(&rows, 0, true, "", "InProgress"), vec![1]);
        assert_eq!(arrange(&rows, 0, true, "progress", ""), vec![1]);
    }

    #[test]
    fn a_definitions_versions_carry_latest_and_their_replication_state() {
        let world = testing::world_with(1, 2, 3);
        let image = world.images().next().expect("a definition");
        let rows = version_rows(&world, &image.id.to_string(), testing::FIXTURE_NOW);
        assert_eq!(rows.len(), 3);
        let latest: Vec<_> = rows
            .iter()
            .filter(|r| matches!(r.cells[0], Cell::Name { latest: true, .. }))
            .collect();
        assert_eq!(latest.len(), 1, "exactly one version is latest");
        let chosen = resolve_latest(&world, &image.id.to_string(), None)
            .unwrap()
            .chosen;
        assert!(latest[0].id.eq_ignore_ascii_case(&chosen));
        assert!(rows
            .iter()
            .all(|r| matches!(&r.cells[2], Cell::Replication { state, .. } if !state.is_empty())));
        let gallery = world.galleries().next().unwrap();
        let defs = definition_rows(&world, &gallery.id.to_string());
        assert_eq!(defs.len(), world.images_of(&gallery.id).count());
    }
}
