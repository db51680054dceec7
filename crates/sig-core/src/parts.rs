//! The export document in parts, so that a saver can rewrite only what a change touched.
//!
//! At the documented limits the document is megabytes; a command changes one gallery's subtree,
//! or the access fields, or neither. The portal stores the world as one part per gallery (its
//! entry in `galleries`, with its definitions and versions), one part for the access fields
//! (directory, roles, assignments, management groups, deny assignments) and the rest of the
//! document (setup, replication records, price table, Activity log, soft-deleted versions, the
//! clock), which is small and written every time; the role assignments go in buckets of their
//! own ([`assignment_bucket`]), written compactly ([`BucketRef`], read back by [`Bucket`]). [`World::take_touched`] says which parts
//! changed; [`assemble`] puts the parts back into one document, which is then read like any
//! export file — through the same admission as an import.
//!
//! Architecture invariant: every mutation of a gallery, definition, version or replication
//! record marks its gallery ([`crate::world`]'s insert and remove and `replication_mut`, the
//! replace arms of the command commit), every access change marks access or the role
//! assignments' buckets it changed (the access commit). The tests below check that against the
//! serialized parts for commands of every family.

use crate::access::export::AccessExport;
use crate::export::{GalleryNode, WorldExport};
use crate::iam::assignments::RoleAssignment;
use crate::ids::Key;
use crate::replication::ReplicationRecordExport;
use crate::world::World;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

mod assignment_bucket;
mod gallery_records;

pub use crate::world::{assignment_bucket, Touched, ASSIGNMENT_BUCKETS};
pub use assignment_bucket::{Bucket, BucketRef};
pub(crate) use gallery_records::{
    AnyRecord, ReadRecord, RecordsRef, RecordsSeed, RowRecord, Text, ROWS_NEED_GALLERY,
};

impl World {
    /// What changed since the last call (or since the world was read from a document), and
    /// starts afresh.
    pub fn take_touched(&mut self) -> Touched {
        std::mem::take(&mut self.touched)
    }

    /// What changed since the last [`World::take_touched`], without starting afresh: views
    /// that keep something per gallery (the portal's browse rows) learn what to rebuild while
    /// the saver still owns the set.
    pub fn touched(&self) -> &Touched {
        &self.touched
    }

    /// The keys of the world's galleries, one part each.
    pub fn gallery_keys(&self) -> impl Iterator<Item = &Key> {
        self.galleries.keys()
    }

    /// A gallery by its key (as [`World::gallery_keys`] and [`Touched`] name it).
    pub fn gallery_by_key(&self, key: &Key) -> Option<&crate::world::GalleryEntry> {
        self.galleries.get(key)
    }

    /// One gallery's part: `node`, its entry in the document's `galleries`, and `replication`,
    /// the document's replication records of its versions.
    pub fn gallery_part(&self, key: &Key) -> Option<impl Serialize + '_> {
        crate::export::gallery_part(self, key)
    }

    /// The access part: the document's access fields but the role assignments.
    pub fn access_part(&self) -> impl Serialize + '_ {
        crate::access::export::part_without_assignments(self)
    }

    /// The role assignments by the bucket they are stored in ([`assignment_bucket`]), each in
    /// key order; buckets without any are left out.
    pub fn assignment_parts(&self) -> BTreeMap<u16, Vec<&RoleAssignment>> {
        let every: Vec<u16> = (0..ASSIGNMENT_BUCKETS).collect();
        self.assignment_parts_in(&every)
    }

    /// [`World::assignment_parts`] of `wanted` buckets only: the access state holds the
    /// assignments by bucket, so a save after a change to one bucket does not walk the other
    /// 100,000 (10–20 ms in the browser at ten times the limits, profiled) nor sort them.
    pub fn assignment_parts_in(&self, wanted: &[u16]) -> BTreeMap<u16, Vec<&RoleAssignment>> {
        wanted
            .iter()
            .map(|&bucket| (bucket, self.access.assignments.in_bucket(bucket)))
            .filter(|(_, held)| !held.is_empty())
            .map(|(bucket, held)| (bucket, held.values().collect()))
            .collect()
    }

    /// The buckets that hold role assignments (the keys of [`World::assignment_parts`]), from
    /// the access state's buckets (no walk over the assignments).
    pub fn assignment_buckets(&self) -> BTreeSet<u16> {
        (0..ASSIGNMENT_BUCKETS)
            .filter(|b| !self.access.assignments.in_bucket(*b).is_empty())
            .collect()
    }

    /// The rest of the document: everything but the galleries (with their replication records)
    /// and the access fields.
    pub fn rest_part(&self) -> impl Serialize + '_ {
        crate::export::rest_of_document(self)
    }
}

/// A gallery's part as read back (what [`World::gallery_part`] writes).
#[derive(Debug, Clone)]
pub struct GalleryPart {
    /// Its entry in the document's `galleries`.
    pub node: GalleryNode,
    /// The document's replication records of its versions.
    pub replication: Vec<ReplicationRecordExport>,
}

/// The node, then the records, which are rows relative to the node's id ([`RecordsRef`]) or,
/// as an earlier build wrote them, objects.
impl<'de> Deserialize<'de> for GalleryPart {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct PartVisitor;
        impl<'de> serde::de::Visitor<'de> for PartVisitor {
            type Value = GalleryPart;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a gallery's part")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<GalleryPart, A::Error> {
                let (mut node, mut replication) = (None::<GalleryNode>, Vec::new());
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "node" => node = Some(map.next_value()?),
                        "replication" => {
                            let gallery = node.as_ref().and_then(|n| n.resource.id.as_deref());
                            let expected = node.as_ref().map_or(0, target_regions_named);
                            replication = map.next_value_seed(RecordsSeed { gallery, expected })?;
                        }
                        _ => {
                            map.next_value::<serde::de::IgnoredAny>()?;
                        }
                    }
                }
                let node = node.ok_or_else(|| serde::de::Error::missing_field("node"))?;
                Ok(GalleryPart { node, replication })
            }
        }
        deserializer.deserialize_map(PartVisitor)
    }
}

/// How many target regions a gallery node's versions name: how many replication records its
/// part usually holds (one per version and region).
fn target_regions_named(node: &GalleryNode) -> usize {
    node.images
        .iter()
        .flat_map(|i| &i.versions)
        .map(|v| {
            v.properties
                .as_ref()
                .and_then(|p| p.publishing_profile.as_ref())
                .and_then(|p| p.target_regions.as_ref())
                .map_or(1, Vec::len)
        })
        .sum()
}

/// Puts the parts back into one export document: `rest` with the galleries' nodes as its
/// galleries, their replication records added to its records, `access` as its access fields and
/// the buckets' role assignments added to them. Read with [`World::from_export`], like any state
/// file. ([`Assembly`] does the same a part at a time.)
pub fn assemble(
    rest: WorldExport,
    galleries: Vec<GalleryPart>,
    access: AccessExport,
    assignments: Vec<Vec<RoleAssignment>>,
) -> WorldExport {
    let mut assembly = Assembly::new(rest);
    for part in galleries {
        assembly.gallery(part);
    }
    assembly.access(access);
    for bucket in assignments {
        assembly.assignments(bucket);
    }
    assembly.finish()
}

/// [`assemble`], a part at a time as a reader parses them: each part's resources are moved
/// once, when it is read. Put together at the end, the 200,000 records and role assignments of
/// a state at ten times the limits were moved in one step, a 50 ms task in the browser.
pub struct Assembly(WorldExport);

impl Assembly {
    /// Starts from the document's rest; its access fields are the access part's ([`Assembly::access`]).
    pub fn new(mut rest: WorldExport) -> Assembly {
        rest.access = AccessExport::default();
        Assembly(rest)
    }

    /// Adds a gallery part: its node to the galleries, its replication records to the records.
    pub fn gallery(&mut self, part: GalleryPart) {
        self.0.galleries.push(part.node);
        self.0.replication.extend(part.replication);
    }

    /// Sets the access fields; role assignments added before stay, after the part's own.
    pub fn access(&mut self, mut access: AccessExport) {
        let added = std::mem::take(&mut self.0.access.role_assignments);
        access.role_assignments.extend(added);
        self.0.access = access;
    }

    /// Adds a bucket of role assignments.
    pub fn assignments(&mut self, bucket: Vec<RoleAssignment>) {
        let all = &mut self.0.access.role_assignments;
        if all.is_empty() {
            *all = bucket;
        } else {
            all.extend(bucket);
        }
    }

    /// The document, to read.
    pub fn finish(self) -> WorldExport {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::{gallery_id, image_id, version_id};
    use crate::protocol::requests::{NewRoleAssignment, NewUser};
    use crate::testing::{
        gallery_body, gallery_name, image_body, image_name, version_body, version_name, world_with,
        FIXTURE_NOW, REGION, RESOURCE_GROUP, SUBSCRIPTION, TENANT,
    };
    use crate::{apply, Actor, Command};
    use std::collections::BTreeMap;

    /// Every part of `w`, serialized: galleries, access, assignment buckets, rest.
    struct Parts {
        galleries: BTreeMap<Key, String>,
        access: String,
        buckets: BTreeMap<u16, String>,
        rest: String,
    }

    fn parts(w: &World) -> Parts {
        Parts {
            galleries: w
                .gallery_keys()
                .map(|k| {
                    let text = serde_json::to_string(&w.gallery_part(k).unwrap()).unwrap();
                    (k.clone(), text)
                })
                .collect(),
            access: serde_json::to_string(&w.access_part()).unwrap(),
            buckets: w
                .assignment_parts()
                .into_iter()
                .map(|(b, list)| (b, serde_json::to_string(&BucketRef(&list)).unwrap()))
                .collect(),
            rest: serde_json::to_string(&w.rest_part()).unwrap(),
        }
    }

    /// The parts that differ between two serializations.
    fn changed(before: &Parts, after: &Parts) -> Touched {
        let keys: BTreeSet<&Key> = before
            .galleries
            .keys()
            .chain(after.galleries.keys())
            .collect();
        let buckets: BTreeSet<&u16> = before.buckets.keys().chain(after.buckets.keys()).collect();
        Touched {
            galleries: keys
                .into_iter()
                .filter(|k| before.galleries.get(*k) != after.galleries.get(*k))
                .cloned()
                .collect(),
            access: before.access != after.access,
            assignments: buckets
                .into_iter()
                .filter(|b| before.buckets.get(*b) != after.buckets.get(*b))
                .copied()
                .collect(),
        }
    }

    /// The access part is written from the world without copying it: the same text as the
    /// access fields copied out.
    #[test]
    fn the_access_part_is_the_access_fields_but_the_assignments() {
        let w = crate::testing::example::contoso_fabrikam();
        let copied = crate::access::export::export_without_assignments(&w);
        assert!(copied.directory.len() > 1 && !copied.role_definitions.is_empty());
        assert_eq!(
            serde_json::to_string(&w.access_part()).unwrap(),
            serde_json::to_string(&copied).unwrap()
        );
    }

    #[test]
    fn the_parts_assemble_into_the_whole_document() {
        let w = crate::testing::example::contoso_fabrikam();
        let all = parts(&w);
        assert!(
            all.buckets.len() > 3,
            "the example's assignments spread over buckets"
        );
        let galleries = all
            .galleries
            .values()
            .map(|t| serde_json::from_str(t).unwrap())
            .collect();
        let buckets = all
            .buckets
            .values()
            .map(|t| serde_json::from_str::<Bucket>(t).unwrap().0)
            .collect();
        let document = assemble(
            serde_json::from_str(&all.rest).unwrap(),
            galleries,
            serde_json::from_str(&all.access).unwrap(),
            buckets,
        );
        let back = World::from_export(document).unwrap();
        assert_eq!(back.to_export_value(), w.to_export_value());
    }

    /// A part at a time, in another order (a bucket before the access part): the same world.
    #[test]
    fn an_assembly_a_part_at_a_time_is_the_same_document() {
        let w = crate::testing::example::contoso_fabrikam();
        let all = parts(&w);
        let mut assembly = Assembly::new(serde_json::from_str(&all.rest).unwrap());
        let mut buckets = all.buckets.values();
        let bucket = |t: &String| serde_json::from_str::<Bucket>(t).unwrap().0;
        assembly.assignments(bucket(buckets.next().unwrap()));
        for text in all.galleries.values() {
            assembly.gallery(serde_json::from_str(text).unwrap());
        }
        assembly.access(serde_json::from_str(&all.access).unwrap());
        for text in buckets {
            assembly.assignments(bucket(text));
        }
        let back = World::from_export(assembly.finish()).unwrap();
        assert_eq!(back.to_export_value(), w.to_export_value());
    }

    /// The assignments by bucket as a walk over all of them in key order finds them: what the
    /// buckets' own maps must list.
    fn walked_by_bucket(w: &World) -> BTreeMap<u16, Vec<&RoleAssignment>> {
        let mut by: BTreeMap<u16, Vec<&RoleAssignment>> = BTreeMap::new();
        let mut last: Option<Key> = None;
        for a in w.access().assignments() {
            let key = Key::new(&a.id);
            assert!(last.as_ref() < Some(&key), "the walk is in key order");
            by.entry(assignment_bucket(&key)).or_default().push(a);
            last = Some(key);
        }
        by
    }

    /// A few buckets at a time are the same buckets as all at once.
    #[test]
    fn some_buckets_are_those_of_all_buckets() {
        let w = crate::testing::example::contoso_fabrikam();
        let all = w.assignment_parts();
        assert_eq!(all, walked_by_bucket(&w));
        assert_eq!(w.assignment_buckets(), all.keys().copied().collect());
        let wanted: Vec<u16> = all.keys().copied().step_by(2).chain([u16::MAX]).collect();
        let some = w.assignment_parts_in(&wanted);
        assert!(some.len() > 1 && some.len() < all.len());
        assert_eq!(
            some,
            all.into_iter()
                .filter(|(b, _)| wanted.contains(b))
                .collect::<BTreeMap<_, _>>()
        );
    }

    /// The buckets' assignments are kept as they come and go, not found by a walk.
    #[test]
    fn the_buckets_in_use_follow_the_assignments() {
        let mut w = crate::testing::example::contoso_fabrikam();
        // Three more in one bucket (names ending alike), put in out of key order.
        let model = w.access().assignments().next().unwrap().clone();
        for n in [3, 1, 2] {
            let mut a = model.clone();
            a.name = format!("00000000-0000-4000-9000-00000000{n}0aa");
            a.id = crate::iam::assignments::assignment_id(&a.properties.scope, &a.name);
            w.access.insert_assignment(a);
        }
        let (bucket, keys) = {
            let all = w.assignment_parts();
            let (bucket, list) = all.iter().max_by_key(|(_, list)| list.len()).unwrap();
            let keys: Vec<Key> = list.iter().map(|a| Key::new(&a.id)).collect();
            (*bucket, keys)
        };
        assert!(keys.len() > 2, "a bucket of several, so that order shows");
        let removed: Vec<RoleAssignment> = keys
            .iter()
            .map(|k| w.access.remove_assignment(k).unwrap())
            .collect();
        assert!(!w.assignment_buckets().contains(&bucket));
        assert_eq!(
            w.assignment_buckets(),
            w.assignment_parts().keys().copied().collect()
        );
        assert!(
            w.assignment_parts_in(&[bucket]).is_empty(),
            "gone, so not listed"
        );
        // Put back in the other order: listed in key order all the same.
        for a in removed.into_iter().rev() {
            w.access.insert_assignment(a);
        }
        assert!(w.assignment_buckets().contains(&bucket));
        let listed = w.assignment_parts_in(&[bucket]);
        assert_eq!(listed[&bucket].len(), keys.len(), "back, each once");
        assert_eq!(
            listed[&bucket],
            walked_by_bucket(&w)[&bucket],
            "in key order, as a walk finds them"
        );
        let listed_keys: Vec<Key> = listed[&bucket].iter().map(|a| Key::new(&a.id)).collect();
        assert_eq!(listed_keys, keys, "the order they were listed in before");
    }

    #[test]
    fn a_world_read_from_a_document_has_nothing_touched() {
        let w = crate::testing::example::contoso_fabrikam();
        let mut back: World = serde_json::from_value(w.to_export_value()).unwrap();
        assert!(back.take_touched().is_empty());
    }

    /// Commands of every family that changes stored parts, on `world_with(3, 2, 2)`.
    fn commands() -> Vec<Command> {
        let g = |n: usize| gallery_id(SUBSCRIPTION, RESOURCE_GROUP, &gallery_name(n));
        let i = |n: usize, m: usize| {
            image_id(
                SUBSCRIPTION,
                RESOURCE_GROUP,
                &gallery_name(n),
                &image_name(m),
            )
        };
        let v = |n: usize, m: usize, k: usize| {
            version_id(
                SUBSCRIPTION,
                RESOURCE_GROUP,
                &gallery_name(n),
                &image_name(m),
                &version_name(k),
            )
        };
        let tagged = |mut body: crate::arm::Gallery| {
            body.tags = Some(
                [("team".to_string(), "images".to_string())]
                    .into_iter()
                    .collect(),
            );
            body
        };
        let mut excluded = version_body();
        if let Some(p) = excluded.properties.as_mut() {
            p.publishing_profile.as_mut().unwrap().exclude_from_latest = Some(true);
        }
        let mut described = image_body(1, 0);
        described.properties.as_mut().unwrap().description = Some("Base image".into());
        vec![
            Command::CreateGallery {
                id: g(7),
                resource: gallery_body(),
            },
            Command::UpdateGallery {
                id: g(0),
                resource: tagged(gallery_body()),
            },
            Command::CreateImage {
                id: i(0, 5),
                resource: image_body(0, 5),
            },
            Command::UpdateImage {
                id: i(1, 0),
                resource: described,
            },
            Command::CreateVersion {
                id: v(2, 1, 7),
                resource: version_body(),
            },
            Command::UpdateVersion {
                id: v(2, 0, 0),
                resource: excluded,
            },
            Command::DeleteVersion { id: v(1, 1, 0) },
            Command::DeleteVersion { id: v(1, 1, 1) },
            Command::DeleteImage { id: i(1, 1) },
            Command::DeleteGallery { id: g(7) },
            Command::CreateUser(NewUser {
                tenant_id: TENANT.into(),
                user_principal_name: "ann@contoso.example".into(),
                display_name: "Ann".into(),
                id: None,
            }),
            Command::CreateRoleAssignment(NewRoleAssignment {
                scope: v(0, 0, 0),
                role_definition_id: "Reader".into(),
                principal_id: "ann@contoso.example".into(),
                name: Some("00000000-0000-4000-8000-0000000000a7".into()),
            }),
            Command::CreateRoleAssignment(NewRoleAssignment {
                scope: g(1),
                role_definition_id: "Reader".into(),
                principal_id: "ann@contoso.example".into(),
                name: Some("00000000-0000-4000-8000-0000000000b2".into()),
            }),
            // Deleting the version deletes the assignment made at it.
            Command::DeleteVersion { id: v(0, 0, 0) },
            Command::SetPriceTable { prices: None },
            Command::InjectReplicationFault {
                version_id: v(2, 1, 7),
                region: REGION.into(),
            },
            // Refused: a version under a definition that does not exist.
            Command::CreateVersion {
                id: v(0, 9, 0),
                resource: version_body(),
            },
        ]
    }

    #[test]
    fn every_command_marks_exactly_what_it_changed() {
        let mut w = world_with(3, 2, 2);
        let mut applied = 0;
        for command in commands() {
            w.take_touched();
            let before = parts(&w);
            let result = apply(&mut w, &Actor::system(), command.clone(), FIXTURE_NOW);
            let touched = w.take_touched();
            let really = changed(&before, &parts(&w));
            assert_eq!(touched, really, "{command:?}");
            applied += usize::from(result.is_ok());
            if result.is_err() {
                assert!(touched.is_empty(), "{command:?}");
            }
        }
        assert_eq!(applied, commands().len() - 1);
    }
}
