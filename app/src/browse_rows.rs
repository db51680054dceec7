//! The rows the browse lists ("All resources", "Azure compute galleries", a resource group's
//! resources) and the global search show, kept per gallery between changes.
//!
//! At ten times the documented limits there are 111,000 rows; building them all anew whenever
//! a list opened or a command changed anything was a task of over half a second. The store
//! keeps a [`BrowseIndex`]: each gallery's rows are rebuilt only when the core's touched set
//! names the gallery (every change of a gallery, definition or version does, the same set the
//! saver relies on), everything when the world is replaced (import, another tab's state) or a
//! subscription's display name changes. A large rebuild can go in slices
//! ([`BrowseIndex::refresh`] with a budget).

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet, HashSet, VecDeque};
use std::sync::Arc;

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

/// Every gallery's rows, up to date with the world after [`BrowseIndex::refresh`], and all
/// of them in name order (what a list shows first): sorting 111,000 rows took longer than a
/// frame, so the order is kept too, and a change merges in only its galleries' rows.
#[derive(Debug, Default)]
pub struct BrowseIndex {
    /// Per gallery, in name order: the gallery's row, its definitions', its versions'.
    galleries: BTreeMap<Key, Arc<[Arc<Row>]>>,
    /// Every row in name order ([`by_name`]); complete when nothing is dirty or merging.
    by_name: Rows,
    /// Galleries whose rows are out of date (created, deleted or changed below).
    dirty: BTreeSet<Key>,
    /// A rebuild of everything under way: the galleries' sorted rows, merged two at a time.
    rebuilding: Option<VecDeque<Vec<Arc<Row>>>>,
    /// Whether the rows belong to the current world at all: not at first, nor after the
    /// world was replaced.
    built: bool,
    /// The subscriptions' display names the rows carry, by subscription id.
    names: BTreeMap<String, Arc<str>>,
    /// Whether a rebuild in slices has been started (the shell's task runs it).
    slicing: bool,
}

/// The name order: the lower-cased name, then the id (unique), so that the order is the same
/// however the rows were put together.
pub fn by_name(a: &Row, b: &Row) -> Ordering {
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

    /// Whether the next refresh has anything to do.
    pub fn is_current(&self, world: &World) -> bool {
        self.built
            && self.rebuilding.is_none()
            && self.dirty.is_empty()
            && subscription_names(world) == self.names
    }

    /// How far a rebuild of everything is: steps done, of how many (a gallery's rows is a
    /// step, so is a merge of two lists).
    pub fn progress(&self) -> (usize, usize) {
        match &self.rebuilding {
            Some(runs) => {
                let built = self.galleries.len();
                let total = built + self.dirty.len();
                // n lists take n - 1 merges; `runs` lists are left of the built ones.
                let merged = built - runs.len().min(built);
                (built + merged, 2 * total.max(1) - 1)
            }
            None => (1, 1),
        }
    }

    /// Brings the rows up to date with `world`, asking `go_on` after each step whether to
    /// go on (a slice's budget); returns whether they are up to date. A rebuild of
    /// everything goes in steps; the galleries one change touched are merged in at once.
    pub fn refresh(&mut self, world: &World, mut go_on: impl FnMut() -> bool) -> bool {
        let names = subscription_names(world);
        if !self.built || names != self.names {
            self.galleries.clear();
            self.by_name = Rows::default();
            self.dirty = world.gallery_keys().cloned().collect();
            self.rebuilding = Some(VecDeque::with_capacity(self.dirty.len()));
            self.names = names;
            self.built = true;
        }
        if let Some(runs) = &mut self.rebuilding {
            while let Some(key) = self.dirty.pop_first() {
                if let Some(gallery) = world.gallery_by_key(&key) {
                    let rows = gallery_rows(world, gallery, &self.names);
                    runs.push_back(rows.clone());
                    self.galleries.insert(key, rows.into());
                }
                if !go_on() {
                    return false;
                }
            }
            while runs.len() > 1 {
                let (Some(a), Some(b)) = (runs.pop_front(), runs.pop_front()) else {
                    break;
                };
                runs.push_back(merge(a, b));
                if runs.len() > 1 && !go_on() {
                    return false;
                }
            }
            self.by_name = Arc::new(runs.pop_front().unwrap_or_default());
            self.rebuilding = None;
            return true;
        }
        if self.dirty.is_empty() {
            return true;
        }
        let mut gone: HashSet<*const Row> = HashSet::new();
        let mut fresh: Vec<Arc<Row>> = Vec::new();
        for key in std::mem::take(&mut self.dirty) {
            if let Some(old) = self.galleries.remove(&key) {
                gone.extend(old.iter().map(Arc::as_ptr));
            }
            if let Some(gallery) = world.gallery_by_key(&key) {
                let rows = gallery_rows(world, gallery, &self.names);
                fresh.extend(rows.iter().cloned());
                self.galleries.insert(key, rows.into());
            }
        }
        let kept = match Arc::try_unwrap(std::mem::take(&mut self.by_name)) {
            Ok(mut kept) => {
                if !gone.is_empty() {
                    kept.retain(|row| !gone.contains(&Arc::as_ptr(row)));
                }
                kept
            }
            // A list still holds the old order: copy what stays.
            Err(shared) => shared
                .iter()
                .filter(|row| !gone.contains(&Arc::as_ptr(row)))
                .cloned()
                .collect(),
        };
        fresh.sort_unstable_by(|a, b| by_name(a, b));
        self.by_name = Arc::new(merge(kept, fresh));
        true
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

/// The display name of every subscription, by id.
fn subscription_names(world: &World) -> BTreeMap<String, Arc<str>> {
    world
        .subscriptions()
        .map(|s| (s.id.clone(), Arc::from(s.display_name.as_str())))
        .collect()
}

/// One gallery's rows: its own, its definitions', its versions'.
fn gallery_rows(
    world: &World,
    gallery: &GalleryEntry,
    names: &BTreeMap<String, Arc<str>>,
) -> Vec<Arc<Row>> {
    let scope = &gallery.id.scope;
    let subscription_id = scope.subscription.as_deref().unwrap_or("");
    let subscription: Arc<str> = names
        .get(subscription_id)
        .cloned()
        .unwrap_or_else(|| Arc::from(subscription_id));
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
    let images: Vec<_> = world.images_of(&gallery.id).collect();
    for image in &images {
        out.push(row(
            image.id.to_string(),
            format!("{gallery_name}/{}", image.name),
            short_type("Microsoft.Compute/galleries/images"),
            image.location.display_name(),
        ));
    }
    for image in &images {
        for version in world.versions_of(&image.id) {
            out.push(row(
                version.id.to_string(),
                format!("{gallery_name}/{}/{}", image.id.image, version.name),
                short_type("Microsoft.Compute/galleries/images/versions"),
                version.location.display_name(),
            ));
        }
    }
    out.sort_unstable_by(|a, b| by_name(a, b));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use sig_core::command::version_id;
    use sig_core::testing::{self, FIXTURE_NOW, RESOURCE_GROUP as RG, SUBSCRIPTION as SUB};
    use sig_core::{apply, Actor, Command};

    fn names(rows: &[Arc<Row>]) -> Vec<String> {
        rows.iter().map(|r| r.name.clone()).collect()
    }

    /// What a fresh index lists for `world`: the rows built from nothing.
    fn fresh(world: &World, galleries_only: bool) -> Rows {
        let mut index = BrowseIndex::default();
        assert!(index.refresh(world, || true));
        index.rows(galleries_only)
    }

    #[test]
    fn rows_follow_commands_through_the_touched_galleries_only() {
        let mut world = testing::full_limits_world();
        let mut index = BrowseIndex::default();
        assert!(index.refresh(&world, || true));
        assert_eq!(index.rows(false).len(), 100 + 1_000 + 10_000);
        assert_eq!(index.rows(true).len(), 100);
        let untouched = index.galleries.values().next().cloned().expect("a gallery");

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
        assert!(index.refresh(&world, || true));
        let rows = index.rows(false);
        assert_eq!(rows.len(), 11_099);
        assert!(!rows.iter().any(|r| r.id.eq_ignore_ascii_case(&id)));
        assert_eq!(rows, fresh(&world, false));
        // The other galleries' rows were kept, not rebuilt.
        let first = index.galleries.values().next().expect("a gallery");
        assert!(Arc::ptr_eq(first, &untouched));
    }

    #[test]
    fn a_replaced_world_or_new_subscription_names_rebuild_everything() {
        let mut world = testing::world_with(3, 2, 2);
        let mut index = BrowseIndex::default();
        assert!(index.refresh(&world, || true));
        let before = index.galleries.values().next().cloned().expect("a gallery");
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
        assert!(index.refresh(&world, || true));
        let after = index.galleries.values().next().expect("a gallery");
        assert!(!Arc::ptr_eq(&before, after));
        assert_eq!(index.rows(false), fresh(&world, false));
        assert_eq!(index.rows(false).len(), 3 + 6 + 12);

        index.invalidate();
        let other = testing::full_limits_world();
        assert!(!index.is_current(&other));
        assert!(index.refresh(&other, || true));
        assert_eq!(index.rows(false), fresh(&other, false));
    }

    #[test]
    fn a_refresh_in_slices_ends_with_the_same_rows() {
        let world = testing::full_limits_world();
        let mut index = BrowseIndex::default();
        let mut slices = 1;
        let mut budget = 7;
        while !index.refresh(&world, || {
            budget -= 1;
            budget > 0
        }) {
            let (done, total) = index.progress();
            assert!(done < total && total == 2 * 100 - 1, "{done} of {total}");
            slices += 1;
            budget = 7;
        }
        assert!(slices >= 199 / 7, "{slices} slices");
        assert_eq!(names(&index.rows(false)), names(&fresh(&world, false)));
    }
}
