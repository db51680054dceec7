//! The rows the browse lists ("All resources", "Azure compute galleries", a resource group's
//! resources) and the global search show, kept in name order between changes.
//!
//! At ten times the documented limits there are 111,000 rows; building them all anew whenever
//! a list opened or a command changed anything was a task of over half a second. The store
//! keeps a [`BrowseIndex`]: each gallery's rows are rebuilt only when the core's touched set
//! names the gallery (every change of a gallery, definition or version does, the same set the
//! saver relies on), everything when the world is replaced (import, another tab's state) or a
//! subscription's display name changes. A large rebuild can go in slices
//! ([`BrowseIndex::refresh`] with a budget).

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Weak};

use sig_core::ids::Key;
use sig_core::world::GalleryEntry;
use sig_core::World;

use crate::text::short_type;

/// One resource as a browse row. Shared (`Arc`) between the index, the lists and the
/// search, so listing 111,000 rows copies pointers, not text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// ARM id.
    pub id: String,
    /// Name (for versions, `gallery/definition/version`).
    pub name: String,
    /// Portal type name.
    pub kind: &'static str,
    /// Resource group (shared by a gallery's rows).
    pub group: Arc<str>,
    /// Region display name.
    pub location: &'static str,
    /// Subscription display name (shared by a subscription's rows).
    pub subscription: Arc<str>,
    /// Lower-cased name, for filtering without allocating per keystroke.
    pub(crate) search: String,
}

/// A list of rows, shared: a list showing every row holds the index's own list, not a copy
/// (and a memo comparing it with its last value compares one pointer).
pub type Rows = Arc<Vec<Arc<Row>>>;

/// A list of rows pointed to without keeping it (to tell lists apart, as [`Edit`]s need).
pub type WeakRows = Weak<Vec<Arc<Row>>>;

/// What one refresh changed in the rows of every resource: `old_len` rows from `at` on were
/// replaced by `new_len` rows; every row before and after is the same, in the same order. A
/// list filtered by name looks again only at the new rows (at ten times the limits a pass
/// over every row is longer than a frame).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Edit {
    /// Where the changed rows start.
    pub at: usize,
    /// How many rows were there before.
    pub old_len: usize,
    /// How many rows are there now.
    pub new_len: usize,
}

/// How many rows carry each value of the four columns the lists filter by (subscription,
/// resource group, location, type), kept with the rows: a filter's options are these values,
/// and finding them among 111,000 rows after every command took longer than a frame.
#[derive(Debug, Default)]
struct Values([BTreeMap<String, usize>; 4]);

impl Values {
    /// Counts `rows` in (`add`) or out.
    fn count(&mut self, rows: &[Arc<Row>], add: bool) {
        let [subscriptions, groups, locations, kinds] = &mut self.0;
        tally(subscriptions, rows.iter().map(|r| &*r.subscription), add);
        tally(groups, rows.iter().map(|r| &*r.group), add);
        tally(locations, rows.iter().map(|r| r.location), add);
        tally(kinds, rows.iter().map(|r| r.kind), add);
    }
}

/// Counts `values` in or out of `map`. Neighbouring rows mostly share the very text (a
/// gallery's rows share their group and subscription), so runs of it are counted at once.
fn tally<'r>(map: &mut BTreeMap<String, usize>, values: impl Iterator<Item = &'r str>, add: bool) {
    let mut bump = |value: &str, n: usize| match map.get_mut(value) {
        Some(count) if add => *count += n,
        Some(count) => {
            *count = count.saturating_sub(n);
            if *count == 0 {
                map.remove(value);
            }
        }
        None if add => {
            map.insert(value.to_string(), n);
        }
        None => {}
    };
    let mut run: Option<(&str, usize)> = None;
    for value in values {
        match &mut run {
            Some((last, n)) if std::ptr::eq(*last, value) => *n += 1,
            _ => {
                if let Some((last, n)) = run.replace((value, 1)) {
                    bump(last, n);
                }
            }
        }
    }
    if let Some((last, n)) = run {
        bump(last, n);
    }
}

/// Every row of the world in name order, up to date after [`BrowseIndex::refresh`]: what a
/// list shows first. Sorting 111,000 rows took longer than a frame, so the order is kept,
/// and a change merges in only its galleries' rows.
#[derive(Debug, Default)]
pub struct BrowseIndex {
    /// Every row in name order ([`by_name`]); complete when nothing is dirty or rebuilding.
    by_name: Rows,
    /// Galleries whose rows are out of date (created, deleted or changed below).
    dirty: BTreeSet<Key>,
    /// A rebuild of everything under way: the galleries' sorted rows, merged as they come
    /// (a list is merged into the one before it once that is no longer than twice its
    /// length, so each row is merged a logarithmic number of times), and how many
    /// galleries it builds.
    rebuilding: Option<(Vec<Vec<Arc<Row>>>, usize)>,
    /// Whether the rows belong to the current world at all: not at first, nor after the
    /// world was replaced.
    built: bool,
    /// The subscriptions' display names the rows carry, by subscription id.
    names: Vec<(String, Arc<str>)>,
    /// Whether a rebuild in slices has been started (the shell's task runs it).
    slicing: bool,
    /// The values of the filtered columns in `by_name`.
    values: Values,
    /// The last incremental refresh: the rows before, the rows after, and the change.
    /// Weak, so the old rows are not kept; still a pointer no other list can take.
    last_edit: Option<(WeakRows, WeakRows, Edit)>,
}

/// The name order: the lower-cased name, then the id (unique), so that the order is the same
/// however the rows were put together.
pub(crate) fn by_name(a: &Row, b: &Row) -> Ordering {
    a.search.cmp(&b.search).then_with(|| a.id.cmp(&b.id))
}

/// Two lists in name order as one.
fn merge(a: Vec<Arc<Row>>, b: Vec<Arc<Row>>) -> Vec<Arc<Row>> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let mut b = b.into_iter().peekable();
    for row in a {
        while let Some(next) = b.next_if(|next| by_name(next, &row) == Ordering::Less) {
            out.push(next);
        }
        out.push(row);
    }
    out.extend(b);
    out
}

/// Whether `row` is the gallery with key `gallery` or nested in it (keys are lower-cased ids).
fn belongs(row: &Row, gallery: &Key) -> bool {
    let (id, key) = (row.id.as_bytes(), gallery.as_str().as_bytes());
    id.len() >= key.len()
        && id[..key.len()].eq_ignore_ascii_case(key)
        && id.get(key.len()).is_none_or(|c| *c == b'/')
}

impl BrowseIndex {
    /// The world was replaced: every row is rebuilt at the next refresh.
    pub fn invalidate(&mut self) {
        self.built = false;
    }

    /// These galleries changed (the world's touched set).
    pub fn mark<'k>(&mut self, galleries: impl IntoIterator<Item = &'k Key>) {
        if self.rebuilding.is_some() {
            // Rows already built and merged cannot be told apart: start again.
            self.built = false;
        } else if self.built {
            self.dirty.extend(galleries.into_iter().cloned());
        }
    }

    /// Claims the rebuild in slices; false when one is already started.
    pub fn start_slicing(&mut self) -> bool {
        !std::mem::replace(&mut self.slicing, true)
    }

    /// The rebuild in slices has ended.
    pub fn stop_slicing(&mut self) {
        self.slicing = false;
    }

    /// Whether the next refresh rebuilds every row (or is in the middle of doing so).
    pub fn needs_rebuild(&self, world: &World) -> bool {
        !self.built || self.rebuilding.is_some() || subscription_names(world) != self.names
    }

    /// Whether the next refresh has anything to do (what the tests ask; the store asks
    /// [`BrowseIndex::needs_rebuild`], to choose between at once and in slices).
    #[cfg(test)]
    fn is_current(&self, world: &World) -> bool {
        !self.needs_rebuild(world) && self.dirty.is_empty()
    }

    /// How far a rebuild of everything is: galleries built, of how many steps (one more for
    /// the last merges).
    pub fn progress(&self) -> (usize, usize) {
        match &self.rebuilding {
            Some((_, total)) => (total - self.dirty.len(), total + 1),
            None => (1, 1),
        }
    }

    /// Brings the rows up to date with `world`, asking `go_on` after each step whether to
    /// go on (a slice's budget); returns whether they are up to date. A rebuild of
    /// everything goes in steps; the galleries one change touched are merged in at once.
    pub fn refresh(&mut self, world: &World, go_on: &mut dyn FnMut() -> bool) -> bool {
        let names = subscription_names(world);
        if !self.built || names != self.names {
            self.by_name = Rows::default();
            self.values = Values::default();
            self.last_edit = None;
            self.dirty = world.gallery_keys().cloned().collect();
            self.rebuilding = Some((Vec::new(), self.dirty.len()));
            self.names = names;
            self.built = true;
        }
        if let Some((runs, _)) = &mut self.rebuilding {
            while let Some(key) = self.dirty.pop_first() {
                if let Some(gallery) = world.gallery_by_key(&key) {
                    let rows = gallery_rows(world, gallery, &self.names);
                    self.values.count(&rows, true);
                    runs.push(rows);
                    while let [.., a, b] = runs.as_slice() {
                        if a.len() > 2 * b.len() {
                            break;
                        }
                        let (Some(b), Some(a)) = (runs.pop(), runs.pop()) else {
                            break;
                        };
                        runs.push(merge(a, b));
                    }
                }
                if !go_on() {
                    return false;
                }
            }
            while runs.len() > 1 {
                let (Some(b), Some(a)) = (runs.pop(), runs.pop()) else {
                    break;
                };
                runs.push(merge(a, b));
                if runs.len() > 1 && !go_on() {
                    return false;
                }
            }
            self.by_name = Arc::new(runs.pop().unwrap_or_default());
            self.rebuilding = None;
            return true;
        }
        if self.dirty.is_empty() {
            return true;
        }
        let dirty = std::mem::take(&mut self.dirty);
        let mut fresh: Vec<Arc<Row>> = Vec::new();
        for key in &dirty {
            if let Some(gallery) = world.gallery_by_key(key) {
                fresh = merge(fresh, gallery_rows(world, gallery, &self.names));
            }
        }
        // A gallery's rows sit between its lower-cased name and that name followed by '0'
        // (the character after '/'): only those are looked at for each changed gallery, and
        // the rows around them are copied as they are.
        let old = self.by_name.clone();
        let spans: Vec<(usize, usize, &Key)> = dirty
            .iter()
            .map(|key| {
                let name = key.as_str().rsplit('/').next().unwrap_or("");
                let past = format!("{name}0");
                let start = old.partition_point(|r| r.search.as_str() < name);
                let end = old.partition_point(|r| r.search.as_str() < past.as_str());
                (start, end, key)
            })
            .collect();
        let at = spans.iter().map(|s| s.0).min().unwrap_or(0);
        let end = spans.iter().map(|s| s.1).max().unwrap_or(0).max(at);
        let (mut kept, mut gone) = (Vec::new(), Vec::new());
        for (n, row) in old[at..end].iter().enumerate() {
            let changed = spans
                .iter()
                .any(|(start, end, key)| (*start..*end).contains(&(at + n)) && belongs(row, key));
            if changed { &mut gone } else { &mut kept }.push(row.clone());
        }
        self.values.count(&gone, false);
        self.values.count(&fresh, true);
        let middle = merge(kept, fresh);
        if middle[..] == old[at..end] {
            // The galleries changed, not their rows (a description, tags, a version's end of
            // life): the list stays the same list, and the lists' memos are not woken.
            return true;
        }
        let edit = Edit {
            at,
            old_len: end - at,
            new_len: middle.len(),
        };
        let mut rows = Vec::with_capacity(old.len() - edit.old_len + edit.new_len);
        rows.extend_from_slice(&old[..at]);
        rows.extend(middle);
        rows.extend_from_slice(&old[end..]);
        let rows = Arc::new(rows);
        self.last_edit = Some((Arc::downgrade(&old), Arc::downgrade(&rows), edit));
        self.by_name = rows;
        true
    }

    /// How `new` differs from `old` when it is the index's list of every row and `old` the
    /// one before the last refresh (`None` otherwise: then a list looks at every row).
    pub fn edit_between(&self, old: &WeakRows, new: &Rows) -> Option<Edit> {
        let (before, after, edit) = self.last_edit.as_ref()?;
        (Weak::ptr_eq(before, old) && std::ptr::eq(after.as_ptr(), Arc::as_ptr(new)))
            .then_some(*edit)
    }

    /// The values of the four filtered columns (subscription, resource group, location, type),
    /// each sorted, when `rows` is the index's list of every row (`None` otherwise).
    pub fn values_of(&self, rows: &Rows) -> Option<[Vec<String>; 4]> {
        Arc::ptr_eq(rows, &self.by_name).then(|| {
            self.values
                .0
                .each_ref()
                .map(|m| m.keys().cloned().collect())
        })
    }

    /// The rows in name order, galleries only or every resource.
    pub fn rows(&self, galleries_only: bool) -> Rows {
        if galleries_only {
            let gallery = short_type("Microsoft.Compute/galleries");
            return Arc::new(
                self.by_name
                    .iter()
                    .filter(|row| row.kind == gallery)
                    .cloned()
                    .collect(),
            );
        }
        self.by_name.clone()
    }
}

/// The display name of every subscription, by id, in the world's order.
fn subscription_names(world: &World) -> Vec<(String, Arc<str>)> {
    world
        .subscriptions()
        .map(|s| (s.id.clone(), Arc::from(s.display_name.as_str())))
        .collect()
}

/// One gallery's rows: its own, its definitions', its versions'.
fn gallery_rows(
    world: &World,
    gallery: &GalleryEntry,
    names: &[(String, Arc<str>)],
) -> Vec<Arc<Row>> {
    let scope = &gallery.id.scope;
    let subscription_id = scope.subscription.as_deref().unwrap_or("");
    let subscription: Arc<str> = names
        .iter()
        .find(|(id, _)| id == subscription_id)
        .map_or_else(|| Arc::from(subscription_id), |(_, name)| name.clone());
    let group: Arc<str> = Arc::from(scope.resource_group.as_deref().unwrap_or(""));
    let row = |id: String, name: String, kind: &'static str, location: &'static str| {
        Arc::new(Row {
            search: name.to_lowercase(),
            id,
            name,
            kind,
            group: group.clone(),
            location,
            subscription: subscription.clone(),
        })
    };
    let gallery_name = gallery.name.as_str();
    let mut out = vec![row(
        gallery.id.to_string(),
        gallery_name.to_string(),
        short_type("Microsoft.Compute/galleries"),
        gallery.location.display_name(),
    )];
    // In name order without a sort: the world lists definitions and versions in key order,
    // which is their names' order, so each definition with its versions is one ordered block;
    // blocks are merged, not appended ("i.x" sorts between "i" and "i/1.0.0").
    for image in world.images_of(&gallery.id) {
        let mut block = vec![row(
            image.id.to_string(),
            format!("{gallery_name}/{}", image.name),
            short_type("Microsoft.Compute/galleries/images"),
            image.location.display_name(),
        )];
        for version in world.versions_of(&image.id) {
            block.push(row(
                version.id.to_string(),
                format!("{gallery_name}/{}/{}", image.id.image, version.name),
                short_type("Microsoft.Compute/galleries/images/versions"),
                version.location.display_name(),
            ));
        }
        out = merge(out, block);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use sig_core::command::version_id;
    use sig_core::testing::{self, FIXTURE_NOW, RESOURCE_GROUP as RG, SUBSCRIPTION as SUB};
    use sig_core::{apply, Actor, Command};

    /// The four filtered columns' values in `rows`, one by one.
    fn values_in(rows: &[Arc<Row>]) -> [Vec<String>; 4] {
        let column = |f: fn(&Row) -> &str| {
            let set: BTreeSet<String> = rows.iter().map(|r| f(r).to_string()).collect();
            set.into_iter().collect()
        };
        [
            column(|r| &r.subscription),
            column(|r| &r.group),
            column(|r| r.location),
            column(|r| r.kind),
        ]
    }

    fn names_of(rows: &[Arc<Row>]) -> Vec<String> {
        rows.iter().map(|r| r.name.clone()).collect()
    }

    /// What a fresh index lists for `world`: the rows built from nothing.
    fn fresh(world: &World, galleries_only: bool) -> Rows {
        let mut index = BrowseIndex::default();
        assert!(index.refresh(world, &mut || true));
        index.rows(galleries_only)
    }

    #[test]
    fn rows_follow_commands_through_the_touched_galleries_only() {
        let mut world = testing::full_limits_world();
        let mut index = BrowseIndex::default();
        assert!(index.refresh(&world, &mut || true));
        assert_eq!(index.rows(false).len(), 100 + 1_000 + 10_000);
        assert_eq!(index.rows(true).len(), 100);
        let untouched = index.rows(false)[0].clone();

        let id = version_id(SUB, RG, "g099", "i09", "1.0.9");
        world.take_touched();
        apply(
            &mut world,
            &Actor::system(),
            Command::DeleteVersion { id: id.clone() },
            FIXTURE_NOW,
        )
        .expect("delete");
        index.mark(&world.touched().galleries);
        assert!(!index.is_current(&world));
        assert!(index.refresh(&world, &mut || true));
        let rows = index.rows(false);
        assert_eq!(rows.len(), 11_099);
        assert!(!rows.iter().any(|r| r.id.eq_ignore_ascii_case(&id)));
        assert_eq!(rows, fresh(&world, false));
        assert_eq!(index.values_of(&rows), Some(values_in(&rows)));
        assert_eq!(index.values_of(&index.rows(true)), None, "not every row");
        // The other galleries' rows were kept, not rebuilt.
        assert!(Arc::ptr_eq(&rows[0], &untouched));

        // A change that leaves a gallery's rows as they were (its description) leaves the
        // very same list, and the edit the lists follow is still the last real one.
        world.take_touched();
        let mut body = testing::gallery_body();
        body.properties = Some(sig_core::arm::GalleryProperties {
            description: Some("Described".into()),
            ..Default::default()
        });
        apply(
            &mut world,
            &Actor::system(),
            Command::UpdateGallery {
                id: sig_core::command::gallery_id(SUB, RG, "g099"),
                resource: body,
            },
            FIXTURE_NOW,
        )
        .expect("update");
        assert_eq!(world.touched().galleries.len(), 1);
        index.mark(&world.touched().galleries);
        assert!(index.refresh(&world, &mut || true));
        assert!(Arc::ptr_eq(&rows, &index.rows(false)));
    }

    /// Galleries whose names sort next to one another ("img" before "img.x" before
    /// "img/..."), changed one after another: the rows merged in each time are exactly the
    /// rows built from nothing.
    #[test]
    fn changes_next_to_similar_names_leave_the_same_rows_as_a_rebuild() {
        use sig_core::command::{gallery_id, image_id};
        let mut world = testing::base_world();
        let system = Actor::system();
        let names = ["img", "img.x", "img.y", "img_x", "imgx", "im"];
        let mut index = BrowseIndex::default();
        assert!(index.refresh(&world, &mut || true));
        let run = |world: &mut World, index: &mut BrowseIndex, command: Command| {
            let before = index.rows(false);
            world.take_touched();
            apply(world, &system, command, FIXTURE_NOW).expect("a valid command");
            index.mark(&world.touched().galleries);
            assert!(index.refresh(world, &mut || true));
            let after = index.rows(false);
            assert_eq!(after, fresh(world, false));
            // The edit the lists follow says truly what changed, and the filters' values
            // are those of the rows.
            let edit = index
                .edit_between(&Arc::downgrade(&before), &after)
                .expect("an incremental refresh");
            assert_eq!(before[..edit.at], after[..edit.at]);
            assert_eq!(
                before[edit.at + edit.old_len..],
                after[edit.at + edit.new_len..]
            );
            assert_eq!(index.values_of(&after), Some(values_in(&after)));
            assert_eq!(index.edit_between(&Arc::downgrade(&after), &after), None);
        };
        for (g, name) in names.iter().enumerate() {
            run(
                &mut world,
                &mut index,
                Command::CreateGallery {
                    id: gallery_id(SUB, RG, name),
                    resource: testing::gallery_body(),
                },
            );
            for i in 0..2 {
                let image = testing::image_name(i);
                run(
                    &mut world,
                    &mut index,
                    Command::CreateImage {
                        id: image_id(SUB, RG, name, &image),
                        resource: testing::image_body(g, i),
                    },
                );
                run(
                    &mut world,
                    &mut index,
                    Command::CreateVersion {
                        id: version_id(SUB, RG, name, &image, "1.0.0"),
                        resource: testing::version_body(),
                    },
                );
            }
        }
        // A definition whose name sorts between another's and that one's versions.
        run(
            &mut world,
            &mut index,
            Command::CreateImage {
                id: image_id(SUB, RG, "img", "i00.x"),
                resource: testing::image_body(0, 7),
            },
        );
        let rows = index.rows(false);
        assert!(
            rows.windows(2)
                .all(|w| by_name(&w[0], &w[1]) == Ordering::Less),
            "{:?}",
            names_of(&rows)
        );
        assert_eq!(rows.len(), names.len() * 5 + 1);
        for name in ["img", "im", "img.x"] {
            let image = testing::image_name(1);
            run(
                &mut world,
                &mut index,
                Command::DeleteVersion {
                    id: version_id(SUB, RG, name, &image, "1.0.0"),
                },
            );
        }
        assert_eq!(index.rows(false).len(), names.len() * 5 + 1 - 3);
    }

    /// Values counted out when their last row goes leave the filters' options.
    #[test]
    fn values_leave_with_their_last_row() {
        let world = testing::world_with(3, 2, 2);
        let mut index = BrowseIndex::default();
        assert!(index.refresh(&world, &mut || true));
        let rows = index.rows(false);
        let (versions, others): (Vec<_>, Vec<_>) = rows
            .iter()
            .cloned()
            .partition(|r| r.name.matches('/').count() == 2);
        let mut values = Values::default();
        values.count(&rows, true);
        values.count(&versions, false);
        assert_eq!(values.0, {
            let mut only = Values::default();
            only.count(&others, true);
            only.0
        });
        assert_eq!(values.0[3].len(), 2, "{:?}", values.0[3]);
        values.count(&others, false);
        assert!(values.0.iter().all(BTreeMap::is_empty));
    }

    #[test]
    fn a_replaced_world_or_new_subscription_names_rebuild_everything() {
        let mut world = testing::world_with(3, 2, 2);
        let mut index = BrowseIndex::default();
        assert!(index.refresh(&world, &mut || true));
        let before = index.rows(false)[0].clone();
        apply(
            &mut world,
            &Actor::system(),
            Command::CreateSubscription {
                id: "00000000-0000-0000-0000-0000000000bb".into(),
                tenant_id: testing::TENANT.into(),
                display_name: "Staging".into(),
                allow_listed_regions: false,
            },
            FIXTURE_NOW,
        )
        .expect("a subscription");
        // No gallery was touched, but the names the rows carry are compared.
        assert!(!index.is_current(&world));
        assert!(index.refresh(&world, &mut || true));
        assert!(!Arc::ptr_eq(&before, &index.rows(false)[0]));
        assert_eq!(index.rows(false), fresh(&world, false));
        assert_eq!(index.rows(false).len(), 3 + 6 + 12);

        index.invalidate();
        let other = testing::full_limits_world();
        assert!(!index.is_current(&other));
        assert!(index.refresh(&other, &mut || true));
        assert_eq!(index.rows(false), fresh(&other, false));
    }

    #[test]
    fn a_refresh_in_slices_ends_with_the_same_rows() {
        let world = testing::full_limits_world();
        let mut index = BrowseIndex::default();
        let mut slices = 1;
        let mut budget = 7;
        while !index.refresh(&world, &mut || {
            budget -= 1;
            budget > 0
        }) {
            let (done, total) = index.progress();
            assert!(done < total && total == 100 + 1, "{done} of {total}");
            slices += 1;
            budget = 7;
        }
        assert!(slices >= 100 / 7, "{slices} slices");
        assert_eq!(
            names_of(&index.rows(false)),
            names_of(&fresh(&world, false))
        );
        let rows = index.rows(false);
        assert_eq!(index.values_of(&rows), Some(values_in(&rows)));
    }
}
