//! A world dropped a piece at a time.
//!
//! Replacing a world at ten times the documented limits (an import, another tab's state)
//! dropped the old one in one go: freeing its 100,000 versions, their replication records and
//! 100,000 role assignments was a task of over half a second in the browser. The shell hands
//! the old world to [`World::discard`] and frees it in steps between frames.

use std::collections::btree_map;

use super::{ImageEntry, VersionEntry, World};
use crate::iam::directory::Entry;
use crate::ids::Key;
use crate::replication_state::RegionReplication;

/// A world on its way out: nothing can be read from it, only freed ([`Discarding::step`]).
/// Its largest maps are taken out and emptied an entry at a time (by their own iterators,
/// which dropping a map uses anyway: no code of its own per map in the download).
pub struct Discarding {
    versions: btree_map::IntoIter<Key, Box<VersionEntry>>,
    records: btree_map::IntoIter<Key, Vec<RegionReplication>>,
    images: btree_map::IntoIter<Key, ImageEntry>,
    assignments: crate::iam::assignment_table::Unordered,
    by_scope_principal: Box<dyn Iterator<Item = (Key, Vec<Key>)>>,
    objects: btree_map::IntoIter<Key, Entry>,
    /// The rest, dropped with this: galleries, the directory's indexes (10,000 users at ten
    /// times the limits) and the definitions' identifier index — tens of thousands of small
    /// entries, milliseconds to free.
    _rest: World,
}

impl World {
    /// This world, to be freed in steps.
    pub fn discard(mut self) -> Discarding {
        let a = &mut self.access;
        Discarding {
            versions: std::mem::take(&mut self.versions).into_iter(),
            records: std::mem::take(&mut self.replication.versions).into_iter(),
            images: std::mem::take(&mut self.images).into_iter(),
            assignments: std::mem::take(&mut a.assignments).into_unordered(),
            by_scope_principal: Box::new(
                std::mem::take(&mut a.index.by_scope_principal).into_principals(),
            ),
            objects: std::mem::take(&mut a.objects).into_iter(),
            _rest: self,
        }
    }
}

impl Discarding {
    /// Frees up to `budget` entries of the world's largest maps (each a version, its records,
    /// a definition, an assignment, a principal's assignments at a scope or a directory
    /// object); true once they are empty, so that dropping what is left takes no time.
    pub fn step(&mut self, budget: usize) -> bool {
        let mut left = budget;
        drain(&mut self.versions, &mut left);
        drain(&mut self.records, &mut left);
        drain(&mut self.images, &mut left);
        drain(&mut self.assignments, &mut left);
        drain(&mut self.by_scope_principal, &mut left);
        drain(&mut self.objects, &mut left);
        left > 0
    }
}

/// Drops items of `entries` while `left` allows.
fn drain<I: Iterator>(entries: &mut I, left: &mut usize) {
    while *left > 0 && entries.next().is_some() {
        *left -= 1;
    }
}

#[cfg(test)]
mod tests {
    /// Each step frees what its budget allows, and the steps end with the large maps empty.
    #[test]
    fn a_world_is_freed_in_steps_of_its_budget() {
        let world = crate::testing::full_limits_world();
        let versions = world.versions.len();
        let mut discarding = world.discard();
        assert!(!discarding.step(100));
        assert_eq!(discarding.versions.len(), versions - 100);
        let mut steps = 1;
        while !discarding.step(1_000) {
            steps += 1;
        }
        assert!(steps > versions / 1_000, "{steps} steps");
        assert_eq!(discarding.versions.len() + discarding.images.len(), 0);
        assert_eq!(discarding.records.len(), 0);
        assert!(discarding.assignments.next().is_none());
    }
}
