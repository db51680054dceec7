//! The export document in parts, so that a saver can rewrite only what a change touched.
//!
//! At the documented limits the document is megabytes; a command changes one gallery's subtree,
//! or the access fields, or neither. The portal stores the world as one part per gallery (its
//! entry in `galleries`, with its definitions and versions), one part for the access fields
//! (directory, roles, assignments, management groups, deny assignments) and the rest of the
//! document (setup, replication records, price table, Activity log, soft-deleted versions, the
//! clock), which is small and written every time. [`World::take_touched`] says which parts
//! changed; [`assemble`] puts the parts back into one document, which is then read like any
//! export file — through the same admission as an import.
//!
//! Architecture invariant: every mutation of a gallery, definition, version or replication
//! record marks its gallery ([`crate::world`]'s insert and remove and `replication_mut`, the
//! replace arms of the command commit), every access change marks access (the access commit). The tests below check that against the serialized
//! parts for commands of every family.

use crate::access::export::AccessExport;
use crate::export::{GalleryNode, WorldExport};
use crate::ids::Key;
use crate::replication::ReplicationRecordExport;
use crate::world::World;
use serde::{Deserialize, Serialize};

pub use crate::world::Touched;

#[cfg(test)]
use std::collections::BTreeSet;

impl World {
    /// What changed since the last call (or since the world was read from a document), and
    /// starts afresh.
    pub fn take_touched(&mut self) -> Touched {
        std::mem::take(&mut self.touched)
    }

    /// The keys of the world's galleries, one part each.
    pub fn gallery_keys(&self) -> impl Iterator<Item = &Key> {
        self.galleries.keys()
    }

    /// One gallery's part: `node`, its entry in the document's `galleries`, and `replication`,
    /// the document's replication records of its versions.
    pub fn gallery_part(&self, key: &Key) -> Option<impl Serialize + '_> {
        crate::export::gallery_part(self, key)
    }

    /// The access part: the document's access fields.
    pub fn access_part(&self) -> AccessExport {
        crate::access::export::export(self)
    }

    /// The rest of the document: everything but the galleries (with their replication records)
    /// and the access fields.
    pub fn rest_part(&self) -> impl Serialize + '_ {
        crate::export::rest_of_document(self)
    }
}

/// A gallery's part as read back (what [`World::gallery_part`] writes).
#[derive(Debug, Clone, Deserialize)]
pub struct GalleryPart {
    /// Its entry in the document's `galleries`.
    pub node: GalleryNode,
    /// The document's replication records of its versions.
    #[serde(default)]
    pub replication: Vec<ReplicationRecordExport>,
}

/// Puts the parts back into one export document: `rest` with the galleries' nodes as its
/// galleries, their replication records added to its records, and `access` as its access
/// fields. Read with [`World::from_export`], like any state file.
pub fn assemble(
    mut rest: WorldExport,
    galleries: Vec<GalleryPart>,
    access: AccessExport,
) -> WorldExport {
    rest.galleries.reserve(galleries.len());
    for part in galleries {
        rest.galleries.push(part.node);
        rest.replication.extend(part.replication);
    }
    rest.access = access;
    rest
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::{gallery_id, image_id, version_id};
    use crate::protocol::requests::NewUser;
    use crate::testing::{
        gallery_body, gallery_name, image_body, image_name, version_body, version_name, world_with,
        FIXTURE_NOW, REGION, RESOURCE_GROUP, SUBSCRIPTION, TENANT,
    };
    use crate::{apply, Actor, Command};
    use std::collections::BTreeMap;

    /// Every part of `w`, serialized.
    fn parts(w: &World) -> (BTreeMap<Key, String>, String, String) {
        let galleries = w
            .gallery_keys()
            .map(|k| {
                let text = serde_json::to_string(&w.gallery_part(k).unwrap()).unwrap();
                (k.clone(), text)
            })
            .collect();
        let access = serde_json::to_string(&w.access_part()).unwrap();
        let rest = serde_json::to_string(&w.rest_part()).unwrap();
        (galleries, access, rest)
    }

    /// The parts that differ between two serializations.
    fn changed(
        before: &(BTreeMap<Key, String>, String, String),
        after: &(BTreeMap<Key, String>, String, String),
    ) -> Touched {
        let keys: BTreeSet<&Key> = before.0.keys().chain(after.0.keys()).collect();
        Touched {
            galleries: keys
                .into_iter()
                .filter(|k| before.0.get(*k) != after.0.get(*k))
                .cloned()
                .collect(),
            access: before.1 != after.1,
        }
    }

    #[test]
    fn the_parts_assemble_into_the_whole_document() {
        let w = crate::testing::example::contoso_fabrikam();
        let (galleries, access, rest) = parts(&w);
        let galleries = galleries
            .values()
            .map(|t| serde_json::from_str(t).unwrap())
            .collect();
        let document = assemble(
            serde_json::from_str(&rest).unwrap(),
            galleries,
            serde_json::from_str(&access).unwrap(),
        );
        let back = World::from_export(document).unwrap();
        assert_eq!(back.to_export_value(), w.to_export_value());
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
            // Galleries exactly; access may be marked by a change that turned out to be none
            // (deleting a resource removes the role assignments at its scope, if any).
            assert_eq!(touched.galleries, really.galleries, "{command:?}");
            assert!(touched.access || !really.access, "{command:?}");
            applied += usize::from(result.is_ok());
            if result.is_err() {
                assert!(touched.is_empty(), "{command:?}");
            }
        }
        assert_eq!(applied, commands().len() - 1);
    }
}
