//! A world dropped a piece at a time.
//!
//! Replacing a world at ten times the documented limits (an import, another tab's state)
//! dropped the old one in one go: freeing its 100,000 versions, their replication records and
//! 100,000 role assignments was a task of over half a second in the browser. The shell hands
//! the old world to [`World::discard`] and frees it in steps between frames.

use std::collections::BTreeMap;

use super::World;

/// A world on its way out: nothing can be read from it, only freed ([`Discarding::step`]).
pub struct Discarding(World);

impl World {
    /// This world, to be freed in steps.
    pub fn discard(self) -> Discarding {
        Discarding(self)
    }
}

impl Discarding {
    /// Frees up to `budget` entries of the world's largest maps (each a resource, a record,
    /// an assignment, a directory object or an index entry); true once they are empty, so that
    /// dropping what is left takes no time.
    pub fn step(&mut self, budget: usize) -> bool {
        let w = &mut self.0;
        let mut left = budget;
        let a = &mut w.access;
        pop(&mut w.versions, &mut left);
        pop(&mut w.replication.versions, &mut left);
        pop(&mut w.soft_deleted, &mut left);
        pop(&mut w.images, &mut left);
        pop(&mut w.index.identifiers, &mut left);
        pop(&mut w.galleries, &mut left);
        pop(&mut w.index.gallery_names, &mut left);
        pop(&mut a.assignments, &mut left);
        pop(&mut a.index.by_scope_principal, &mut left);
        pop(&mut a.index.by_scope, &mut left);
        pop(&mut a.objects, &mut left);
        pop(&mut a.index.upn, &mut left);
        pop(&mut a.index.guests, &mut left);
        pop(&mut a.index.member_of, &mut left);
        pop(&mut a.index.closure, &mut left);
        left > 0
    }
}

/// Drops entries of `map` while `left` allows.
fn pop<K: Ord, V>(map: &mut BTreeMap<K, V>, left: &mut usize) {
    while *left > 0 && map.pop_last().is_some() {
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
        assert_eq!(discarding.0.versions.len(), versions - 100);
        let mut steps = 1;
        while !discarding.step(1_000) {
            steps += 1;
        }
        let w = &discarding.0;
        assert!(steps > versions / 1_000, "{steps} steps");
        assert!(w.versions.is_empty() && w.images.is_empty() && w.galleries.is_empty());
        assert!(w.replication.versions.is_empty() && w.access.assignments.is_empty());
    }
}
