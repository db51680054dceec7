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
use crate::ids::Key;
use crate::world::World;
use serde::Serialize;
use serde_json::{Map, Value};

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

/// Puts the parts back into one export document: `rest` with the galleries' nodes as its
/// galleries, their replication records as its records, and the fields of `access` added.
/// Refused when a part is not shaped as written.
pub fn assemble(rest: Value, galleries: Vec<Value>, access: Value) -> Result<Value, String> {
    let Value::Object(mut document) = rest else {
        return Err("the rest of the document is not a JSON object".into());
    };
    let Value::Object(access) = access else {
        return Err("the access part is not a JSON object".into());
    };
    let mut nodes = Vec::with_capacity(galleries.len());
    let mut records = Vec::new();
    for (n, part) in galleries.into_iter().enumerate() {
        let Value::Object(mut part) = part else {
            return Err(format!("gallery part {n} is not a JSON object"));
        };
        match part.remove("node") {
            Some(node @ Value::Object(_)) => nodes.push(node),
            _ => return Err(format!("gallery part {n} has no gallery")),
        }
        match part.remove("replication") {
            Some(Value::Array(list)) => records.extend(list),
            None => {}
            Some(_) => return Err(format!("gallery part {n}'s replication is not a list")),
        }
    }
    document.insert("galleries".into(), Value::Array(nodes));
    if !records.is_empty() {
        match document
            .entry("replication")
            .or_insert_with(|| Value::Array(Vec::new()))
        {
            Value::Array(list) => list.extend(records),
            _ => return Err("the document's replication is not a list".into()),
        }
    }
    let mut access: Map<String, Value> = access;
    document.append(&mut access);
    Ok(Value::Object(document))
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
        )
        .unwrap();
        let mut whole = w.to_export_value();
        // Records come back gallery by gallery: the same records, perhaps in another order.
        let sorted = |v: &mut Value| {
            if let Some(Value::Array(list)) = v.get_mut("replication") {
                list.sort_by_key(|r| r.to_string());
            }
        };
        let mut document = document;
        sorted(&mut document);
        sorted(&mut whole);
        assert_eq!(document, whole);
        let back: World = serde_json::from_value(document).unwrap();
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

    #[test]
    fn a_part_that_is_not_an_object_is_refused() {
        let object = serde_json::json!({});
        assert!(assemble(Value::Null, vec![], object.clone()).is_err());
        assert!(assemble(object.clone(), vec![Value::Null], object.clone()).is_err());
        assert!(assemble(object.clone(), vec![], Value::Bool(true)).is_err());
    }
}
