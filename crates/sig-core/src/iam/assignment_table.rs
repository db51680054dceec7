//! The role assignments of a world, held by the storage bucket each is saved in
//! ([`assignment_bucket`]), each bucket in key order.
//!
//! Why by bucket: the portal stores the assignments in 64 parts and reads them back a part at a
//! time, each in key order. Held in one map of 100,000, every insert searched a tree five or six
//! levels deep, comparing ~200-character ids from their first character at nodes spread over
//! the whole heap (~70 ms of opening ten times the limits in the browser, profiled). A bucket's
//! map holds ~1,600: it is filled at its right edge, on nodes just written. A save finds a
//! bucket's assignments, in order, without a walk or a sort; a look-up picks its bucket from
//! the id's last two characters.

use super::assignments::RoleAssignment;
use super::{assignment_bucket, ASSIGNMENT_BUCKETS};
use crate::ids::Key;
use std::cmp::Ordering;
use std::collections::{btree_map, BTreeMap, BinaryHeap};

/// The role assignments by bucket; every walk over all of them is in key order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct AssignmentTable {
    buckets: Vec<BTreeMap<Key, RoleAssignment>>,
}

impl Default for AssignmentTable {
    fn default() -> Self {
        AssignmentTable {
            buckets: vec![BTreeMap::new(); usize::from(ASSIGNMENT_BUCKETS)],
        }
    }
}

impl AssignmentTable {
    fn bucket_of(&self, key: &Key) -> &BTreeMap<Key, RoleAssignment> {
        &self.buckets[usize::from(assignment_bucket(key))]
    }

    fn bucket_of_mut(&mut self, key: &Key) -> &mut BTreeMap<Key, RoleAssignment> {
        &mut self.buckets[usize::from(assignment_bucket(key))]
    }

    /// The assignment with key `key`.
    pub(crate) fn get(&self, key: &Key) -> Option<&RoleAssignment> {
        self.bucket_of(key).get(key)
    }

    /// `key`'s place, taken or not, in its bucket.
    pub(crate) fn entry(&mut self, key: Key) -> btree_map::Entry<'_, Key, RoleAssignment> {
        self.bucket_of_mut(&key).entry(key)
    }

    /// Takes the assignment with key `key` out.
    pub(crate) fn remove(&mut self, key: &Key) -> Option<RoleAssignment> {
        self.bucket_of_mut(key).remove(key)
    }

    /// How many there are.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.buckets.iter().map(BTreeMap::len).sum()
    }

    /// The assignments of storage bucket `bucket`, in key order.
    pub(crate) fn in_bucket(&self, bucket: u16) -> &BTreeMap<Key, RoleAssignment> {
        static EMPTY: BTreeMap<Key, RoleAssignment> = BTreeMap::new();
        self.buckets.get(usize::from(bucket)).unwrap_or(&EMPTY)
    }

    /// Every assignment with its key, in key order (the buckets merged).
    pub(crate) fn iter(&self) -> InKeyOrder<'_> {
        let heads = self
            .buckets
            .iter()
            .filter_map(|bucket| Head::first(bucket.iter()))
            .collect();
        InKeyOrder { heads }
    }

    /// Every assignment, in key order.
    pub(crate) fn values(&self) -> impl Iterator<Item = &RoleAssignment> {
        self.iter().map(|(_, a)| a)
    }

    /// Every assignment, in no particular order, to be freed in steps
    /// ([`crate::World::discard`]).
    pub(crate) fn into_unordered(self) -> Unordered {
        self.buckets.into_iter().flatten()
    }
}

/// Every assignment taken out, bucket after bucket.
pub(crate) type Unordered = std::iter::Flatten<std::vec::IntoIter<BTreeMap<Key, RoleAssignment>>>;

/// The buckets' assignments merged into key order: a heap of each bucket's next one.
pub(crate) struct InKeyOrder<'a> {
    heads: BinaryHeap<Head<'a>>,
}

struct Head<'a> {
    key: &'a Key,
    assignment: &'a RoleAssignment,
    rest: btree_map::Iter<'a, Key, RoleAssignment>,
}

impl<'a> Head<'a> {
    fn first(mut entries: btree_map::Iter<'a, Key, RoleAssignment>) -> Option<Head<'a>> {
        let (key, assignment) = entries.next()?;
        Some(Head {
            key,
            assignment,
            rest: entries,
        })
    }
}

// The heap is a max-heap: the smallest key must compare greatest. Keys are unique across the
// buckets (each key has one bucket), so no two heads are equal.
impl Ord for Head<'_> {
    fn cmp(&self, other: &Self) -> Ordering {
        other.key.cmp(self.key)
    }
}

impl PartialOrd for Head<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Head<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}

impl Eq for Head<'_> {}

impl<'a> Iterator for InKeyOrder<'a> {
    type Item = (&'a Key, &'a RoleAssignment);

    fn next(&mut self) -> Option<Self::Item> {
        let head = self.heads.pop()?;
        let item = (head.key, head.assignment);
        if let Some(next) = Head::first(head.rest) {
            self.heads.push(next);
        }
        Some(item)
    }

    /// Exact, so that collecting 100,000 of them (an export) allocates once.
    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.heads.iter().map(|h| h.rest.len() + 1).sum();
        (left, Some(left))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assignment(id: &str) -> RoleAssignment {
        serde_json::from_value(serde_json::json!({
            "id": id,
            "name": id.rsplit('/').next(),
            "properties": {
                "scope": "/subscriptions/s",
                "principalId": "p",
                "roleDefinitionId": "r",
            }
        }))
        .expect("an assignment")
    }

    #[test]
    fn walks_every_bucket_in_key_order_and_finds_each_key_in_its_own() {
        let mut table = AssignmentTable::default();
        // Names that spread over many buckets, put in out of order.
        let ids: Vec<String> = (0..500u32)
            .map(|n| {
                format!(
                    "/subscriptions/s/providers/Microsoft.Authorization/roleAssignments/{:08x}-0000-0000-0000-{:012x}",
                    n.wrapping_mul(2_654_435_761),
                    n * 7
                )
            })
            .collect();
        for id in ids.iter().rev() {
            let key = Key::new(id);
            let btree_map::Entry::Vacant(slot) = table.entry(key) else {
                panic!("{id} went in twice");
            };
            slot.insert(assignment(id));
        }
        assert_eq!(table.len(), 500);
        let used = (0..ASSIGNMENT_BUCKETS)
            .filter(|b| !table.in_bucket(*b).is_empty())
            .count();
        assert!(
            used > 32,
            "the names should spread over the buckets ({used})"
        );

        let mut sorted: Vec<Key> = ids.iter().map(|id| Key::new(id)).collect();
        sorted.sort();
        let walked: Vec<Key> = table.iter().map(|(k, _)| k.clone()).collect();
        assert_eq!(walked, sorted);
        let values: Vec<&str> = table.values().map(|a| a.id.as_str()).collect();
        assert_eq!(values.len(), 500);
        assert!(values.windows(2).all(|w| Key::new(w[0]) < Key::new(w[1])));

        for (b, bucket) in (0..ASSIGNMENT_BUCKETS).map(|b| (b, table.in_bucket(b))) {
            assert!(bucket.keys().all(|k| assignment_bucket(k) == b));
        }
        let gone = Key::new(&ids[7]);
        assert!(table.get(&gone).is_some());
        assert_eq!(table.remove(&gone).map(|a| a.id), Some(ids[7].clone()));
        assert!(table.get(&gone).is_none());
        assert_eq!(table.iter().count(), 499);
        assert_eq!(table.iter().size_hint(), (499, Some(499)));
        let mut walk = table.iter();
        walk.next();
        assert_eq!(walk.size_hint(), (498, Some(498)));
        assert_eq!(table.into_unordered().count(), 499);
    }
}
