//! A gallery's stored part admitted as it is parsed ([`Reading::admit_gallery_part`]).
//!
//! Read whole, the parts of a state at ten times the limits became 100,000 versions parsed into
//! lists grown by doubling (each ~1 KB body copied about twice, in memory touched for the first
//! time), all held until the last part was parsed, then moved into the world from memory long
//! out of the cache. Here each version goes into the world as soon as its body is read, through
//! the same functions as the reading of a whole document ([`super::own`]), and the part's
//! records right after its gallery's versions; a part leaves nothing behind but the world's own
//! entries.
//!
//! Only this engine's own sealed gallery parts are read this way ([`Reading::own`] with
//! `own.galleries`): they are written definitions after their gallery's fields and versions
//! after their definition's, which is what lets a parent go into the world before its children
//! are read. Anything else is read whole, into [`super::GalleryNode`]s; so is a part too large
//! to admit in one task ([`Reading::queue_gallery_part`]), whose resources the steps admit a
//! definition with its versions at a time.

use std::fmt;

use std::borrow::Cow;

use serde::de::value::{BorrowedStrDeserializer, MapAccessDeserializer, StringDeserializer};
use serde::de::{
    DeserializeSeed, Deserializer, Error as _, IgnoredAny, MapAccess, SeqAccess, Visitor,
};
use serde::Deserialize;

use super::{err, nested_under, own, refused, Reading, Stage};
use crate::arm;
use crate::diagnostics::Code;
use crate::ids::Key;
use crate::nesting::{complete_image, complete_version};
use crate::parts::{ReadRecord, Text, ROWS_NEED_GALLERY};
use crate::protocol::CommandError;
use crate::regions::RegionName;
use crate::world::version_body::StoredVersion;
use serde_json::value::RawValue;

/// Why a gallery part handed over was refused whatever it held.
const GALLERY_PART_TOO_LATE: &str = "a gallery part is handed to a reading of this engine's own \
     galleries only, before its first step";

/// Why a gallery part was not admitted.
#[derive(Debug)]
pub enum GalleryPartError {
    /// Its text is not a gallery part's JSON.
    Unreadable(serde_json::Error),
    /// The engine refused what it holds.
    Refused(CommandError),
}

impl Reading {
    /// Whether gallery parts can be handed to this reading ([`Reading::admit_gallery_part`],
    /// [`Reading::queue_gallery_part`]): a reading of this engine's own galleries
    /// ([`Reading::own`]), not yet stepped.
    pub fn admits_gallery_parts(&self) -> bool {
        self.own.galleries && !self.stepped && matches!(&self.stage, Stage::Galleries(_))
    }

    /// The refusal of what is handed over when it cannot be taken (`why`).
    fn too_late(why: &str) -> CommandError {
        refused(err(Code::DocumentUnrecognized, "", why))
    }

    /// Admits one gallery's stored part (the JSON of [`crate::parts::GalleryPart`], as
    /// [`crate::World::gallery_part`] writes it) while parsing it: the gallery, each definition
    /// and each version go into the world as soon as they are read, then the part's replication
    /// records. What is checked is what [`Reading::own`] checks, and that the text is in the
    /// order this engine writes (a parent's fields before its children, the node before the
    /// records, each once): a part it wrote always is. Call it for every gallery part before
    /// the first [`Reading::step`] ([`Reading::admits_gallery_parts`]).
    pub fn admit_gallery_part(&mut self, json: &str) -> Result<(), GalleryPartError> {
        if !self.admits_gallery_parts() {
            return Err(GalleryPartError::Refused(Reading::too_late(
                GALLERY_PART_TOO_LATE,
            )));
        }
        let mut streaming = Streaming {
            reading: self,
            refusal: None,
            seen: Vec::new(),
            regions: Vec::new(),
            cursor: 0,
        };
        let mut de = serde_json::Deserializer::from_str(json);
        let parsed = (&mut de)
            .deserialize_map(PartVisitor(&mut streaming))
            .and_then(|()| de.end());
        match (parsed, streaming.refusal) {
            (_, Some(refusal)) => Err(GalleryPartError::Refused(refusal)),
            (Err(e), None) => Err(GalleryPartError::Unreadable(e)),
            (Ok(()), None) => Ok(()),
        }
    }
}

impl Reading {
    /// A gallery part read whole (too large to admit in one task: the portal's limit is its
    /// text's length): queued with any other, its resources and records are admitted by the
    /// steps, a definition with its versions at a time, as a whole document's are. Same conditions as
    /// [`Reading::admit_gallery_part`].
    pub fn queue_gallery_part(
        &mut self,
        part: crate::parts::GalleryPart,
    ) -> Result<(), CommandError> {
        if !self.admits_gallery_parts() {
            return Err(Reading::too_late(GALLERY_PART_TOO_LATE));
        }
        let Stage::Galleries(queued) = &mut self.stage else {
            return Err(Reading::too_late(GALLERY_PART_TOO_LATE));
        };
        let resources = 1
            + part.node.images.len()
            + part
                .node
                .images
                .iter()
                .map(|i| i.versions.len())
                .sum::<usize>();
        let mut all: Vec<super::GalleryNode> = std::mem::take(queued).collect();
        all.push(part.node);
        *queued = all.into_iter();
        self.replication.extend(part.replication);
        self.total += resources;
        Ok(())
    }

    /// For a reading whose galleries came as parts ([`Reading::admit_gallery_part`]): the access
    /// fields, as the stored state's access part gives them, and whether the role assignments
    /// (these and the buckets handed over, [`Reading::add_role_assignments`]) are this engine's
    /// own (their buckets sealed, their seals intact). Refused once the reading has
    /// started (its access stage may have passed).
    pub fn set_access(
        &mut self,
        access: crate::access::export::AccessExport,
        own_role_assignments: bool,
    ) -> Result<(), CommandError> {
        if self.stepped {
            return Err(Reading::too_late(
                "the access fields are handed to a reading before its first step only",
            ));
        }
        let before = crate::access::export::AccessQueue::objects_in(&self.access)
            + self.access.role_assignments.len();
        let after =
            crate::access::export::AccessQueue::objects_in(&access) + access.role_assignments.len();
        self.total = self.total - before + after;
        self.own.role_assignments &= own_role_assignments;
        self.access = access;
        Ok(())
    }

    /// For a reading of a stored state in parts (its galleries streamed or not): a bucket of
    /// role assignments as the stored state holds it, admitted after the document's or access
    /// fields' own, through the plans or as this engine's own as the reading says for those
    /// ([`Reading::own`], or [`Reading::set_access`] for streamed galleries). Kept as it came
    /// rather than appended to one list: at ten times the limits that list grew by doubling to
    /// 100,000 assignments, each growth a copy of up to 20 MB in one task (70-80 ms on a slow
    /// machine, measured). Refused once the reading has started.
    pub fn add_role_assignments(
        &mut self,
        bucket: Vec<crate::iam::assignments::RoleAssignment>,
    ) -> Result<(), CommandError> {
        if self.stepped {
            return Err(Reading::too_late(
                "role assignments are handed to a reading before its first step only",
            ));
        }
        self.total += bucket.len();
        self.assignment_buckets.push(bucket);
        Ok(())
    }
}

/// The reading a part goes into, and the refusal that stopped the parser, if one did.
struct Streaming<'r> {
    reading: &'r mut Reading,
    refusal: Option<CommandError>,
    /// The part's versions so far, in the order they went in: each key with where its target
    /// regions are in `regions`. The part's records follow its versions in the same order, so
    /// each finds its version a step or two after the last one found.
    seen: Vec<(Key, std::ops::Range<usize>)>,
    /// The target regions of the versions in `seen`, one after the other.
    regions: Vec<RegionName>,
    /// Where in `seen` the last record found its version.
    cursor: usize,
}

impl Streaming<'_> {
    /// `refusal` kept for the caller, and an error that stops the parser.
    fn refuse<E: serde::de::Error>(&mut self, refusal: CommandError) -> E {
        self.refusal = Some(refusal);
        E::custom("refused by the engine")
    }

    /// [`Streaming::refuse`] for what `admitted` refused.
    fn check<E: serde::de::Error>(&mut self, admitted: Result<(), CommandError>) -> Result<(), E> {
        admitted.map_err(|refusal| self.refuse(refusal))
    }

    /// Admits a row of the part's records when its version is one of the part's seen so far, a
    /// few places after the last one found (as this engine writes them): true once admitted,
    /// false to leave it to [`crate::replication::import_record`], which finds any version and
    /// says what is wrong with the record (for an error, nothing is changed here).
    /// At ten times the limits this spared 100,000 searches of the versions' map, each comparing
    /// long ids, and three strings per record.
    fn admit_own_row(&mut self, row: &crate::parts::RowRecord) -> bool {
        let (image, version) = row.names();
        let tail = "/images/".len() + image.len() + "/versions/".len() + version.len();
        let names = |key: &Key| {
            let key = key.as_str().as_bytes();
            let Some(at) = key.len().checked_sub(tail) else {
                return false;
            };
            let (i, v) = key[at..].split_at("/images/".len() + image.len());
            i.starts_with(b"/images/")
                && i["/images/".len()..].eq_ignore_ascii_case(image.as_bytes())
                && v.starts_with(b"/versions/")
                && v["/versions/".len()..].eq_ignore_ascii_case(version.as_bytes())
        };
        // Never a long search: a part this engine did not write is read the other way.
        const AHEAD: usize = 8;
        let Some(ahead) = self.seen[self.cursor..]
            .iter()
            .take(AHEAD)
            .position(|(key, _)| names(key))
        else {
            return false;
        };
        self.cursor += ahead;
        let (key, targets) = &self.seen[self.cursor];
        let targets = &self.regions[targets.clone()];
        let Ok(record) = crate::replication::region_record(&row.fields(), |r| targets.contains(&r))
        else {
            return false;
        };
        crate::replication::push_record(&mut self.reading.world, key.clone(), record)
    }

    /// One resource more admitted (the reading's progress counts it).
    fn count(&mut self) {
        self.reading.done += 1;
        self.reading.total += 1;
    }

    /// The gallery read from `map` up to its `images` admitted; returns its id and location,
    /// which its definitions take ([`complete_image`]), and whether `images` follows.
    fn gallery<'de, A: MapAccess<'de>>(
        &mut self,
        map: &mut A,
    ) -> Result<(arm::Gallery, bool), A::Error> {
        let mut fields = Until::new(map, "images");
        let gallery = arm::Gallery::deserialize(MapAccessDeserializer::new(&mut fields))?;
        let children = fields.stopped;
        let parent = arm::Gallery {
            id: gallery.id.clone(),
            location: gallery.location.clone(),
            ..Default::default()
        };
        let admitted = own::gallery(&mut self.reading.world, gallery);
        self.check(admitted)?;
        self.count();
        Ok((parent, children))
    }

    /// The definition read from `map` up to its `versions`, nested in `gallery`, admitted;
    /// returns it as its versions' parent, with its id and location ([`complete_version`]),
    /// and whether `versions` follows.
    fn image<'de, A: MapAccess<'de>>(
        &mut self,
        gallery: &arm::Gallery,
        map: &mut A,
    ) -> Result<(own::Parent, arm::GalleryImage, bool), A::Error> {
        let mut fields = Until::new(map, "versions");
        let mut image = arm::GalleryImage::deserialize(MapAccessDeserializer::new(&mut fields))?;
        let children = fields.stopped;
        // Only an id the text spells out can disagree with the nesting.
        if image.id.is_some() {
            self.check(nested_under(image.id.as_deref(), gallery.id.as_deref()))?;
        }
        complete_image(gallery, &mut image);
        let completed = arm::GalleryImage {
            id: image.id.clone(),
            location: image.location.clone(),
            ..Default::default()
        };
        let parent = own::image(&mut self.reading.world, image).map_err(|r| self.refuse(r))?;
        self.count();
        Ok((parent, completed, children))
    }
}

/// A resource's own fields, read straight into its type from the map that holds it, up to the
/// key its children are under (`stop`), which the caller reads next: so a parent is in the
/// world before its children are parsed, and its fields are not first copied into a tree.
struct Until<'m, A> {
    map: &'m mut A,
    stop: &'static str,
    /// Whether `stop` was met (its value is the next thing in `map`).
    stopped: bool,
}

impl<'m, A> Until<'m, A> {
    fn new(map: &'m mut A, stop: &'static str) -> Self {
        Until {
            map,
            stop,
            stopped: false,
        }
    }
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Until<'_, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        if self.stopped {
            return Ok(None);
        }
        let Some(Text(key)) = self.map.next_key::<Text<'de>>()? else {
            return Ok(None);
        };
        if key == self.stop {
            self.stopped = true;
            return Ok(None);
        }
        match key {
            Cow::Borrowed(key) => seed.deserialize(BorrowedStrDeserializer::new(key)),
            Cow::Owned(key) => seed.deserialize(StringDeserializer::new(key)),
        }
        .map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        self.map.next_value_seed(seed)
    }
}

/// The part: `node`, then `replication`.
struct PartVisitor<'s, 'r>(&'s mut Streaming<'r>);

impl<'de> Visitor<'de> for PartVisitor<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a gallery's part")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut gallery: Option<Option<String>> = None;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "node" if gallery.is_none() => {
                    gallery = Some(map.next_value_seed(NodeSeed(&mut *self.0))?);
                }
                "node" => return Err(A::Error::duplicate_field("node")),
                "replication" => {
                    let id = gallery.as_ref().and_then(Option::as_deref);
                    map.next_value_seed(RecordsSeed {
                        streaming: &mut *self.0,
                        gallery: id,
                    })?;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        match gallery {
            Some(_) => Ok(()),
            None => Err(A::Error::missing_field("node")),
        }
    }
}

/// The gallery's node: its fields, then `images`. Returns the gallery's id.
struct NodeSeed<'s, 'r>(&'s mut Streaming<'r>);

impl<'de> DeserializeSeed<'de> for NodeSeed<'_, '_> {
    type Value = Option<String>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for NodeSeed<'_, '_> {
    type Value = Option<String>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a gallery with its definitions")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let (gallery, children) = self.0.gallery(&mut map)?;
        if children {
            map.next_value_seed(ImagesSeed {
                streaming: &mut *self.0,
                gallery: &gallery,
            })?;
            after_children(&mut map, "gallery", "definitions")?;
        }
        Ok(gallery.id)
    }
}

/// Nothing may follow a resource's children: that is how this engine writes it, and what lets
/// the parent be admitted first.
fn after_children<'de, A: MapAccess<'de>>(
    map: &mut A,
    what: &str,
    children: &str,
) -> Result<(), A::Error> {
    match map.next_key::<Text<'de>>()? {
        None => Ok(()),
        Some(Text(key)) => Err(A::Error::custom(format!(
            "the {what}'s '{key}' comes after its {children} (not as this engine writes it)"
        ))),
    }
}

/// A gallery's definitions.
struct ImagesSeed<'s, 'r, 'g> {
    streaming: &'s mut Streaming<'r>,
    gallery: &'g arm::Gallery,
}

impl<'de> DeserializeSeed<'de> for ImagesSeed<'_, '_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for ImagesSeed<'_, '_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a gallery's definitions")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq
            .next_element_seed(ImageSeed {
                streaming: &mut *self.streaming,
                gallery: self.gallery,
            })?
            .is_some()
        {}
        Ok(())
    }
}

/// A definition: its fields, then `versions`.
struct ImageSeed<'s, 'r, 'g> {
    streaming: &'s mut Streaming<'r>,
    gallery: &'g arm::Gallery,
}

impl<'de> DeserializeSeed<'de> for ImageSeed<'_, '_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ImageSeed<'_, '_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an image definition with its versions")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let (parent, image, children) = self.streaming.image(self.gallery, &mut map)?;
        if children {
            map.next_value_seed(VersionsSeed {
                streaming: &mut *self.streaming,
                parent: &parent,
                image: &image,
            })?;
            after_children(&mut map, "definition", "versions")?;
        }
        Ok(())
    }
}

/// A definition's versions, each admitted as soon as it is read.
struct VersionsSeed<'s, 'r, 'p> {
    streaming: &'s mut Streaming<'r>,
    parent: &'p own::Parent,
    /// The definition's id and location, for a version that spells out its own id.
    image: &'p arm::GalleryImage,
}

impl<'de> DeserializeSeed<'de> for VersionsSeed<'_, '_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for VersionsSeed<'_, '_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a definition's versions")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        // Each version's text is kept, and only the fields that index it are read from it
        // now (`world::version_body`): the part is this build's own, sealed.
        while let Some(text) = seq.next_element::<&'de RawValue>()? {
            let stored: StoredVersion<'_> =
                serde_json::from_str(text.get()).map_err(A::Error::custom)?;
            let streaming = &mut *self.streaming;
            let world = &mut streaming.reading.world;
            let admitted = if stored.id.is_none() {
                let (seen, regions) = (&mut streaming.seen, &mut streaming.regions);
                own::nested_stored_version(world, self.parent, text, stored, &mut |key, entry| {
                    let from = regions.len();
                    regions.extend(entry.targets.iter().map(|t| t.region));
                    seen.push((key.clone(), from..regions.len()));
                })
            } else {
                let mut version: arm::GalleryImageVersion =
                    serde_json::from_str(text.get()).map_err(A::Error::custom)?;
                // As a whole document's reading takes it: checked against the nesting, then
                // put back by its id.
                nested_under(version.id.as_deref(), self.image.id.as_deref()).and_then(|()| {
                    complete_version(self.image, &mut version);
                    own::version(world, version)
                })
            };
            self.streaming.check(admitted)?;
            self.streaming.count();
        }
        Ok(())
    }
}

/// The part's replication records, each admitted as soon as it is read (its versions are in
/// the world: the node comes first).
struct RecordsSeed<'s, 'r, 'g> {
    streaming: &'s mut Streaming<'r>,
    gallery: Option<&'g str>,
}

impl<'de> DeserializeSeed<'de> for RecordsSeed<'_, '_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for RecordsSeed<'_, '_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a gallery's replication records")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(record) = seq.next_element_seed(crate::parts::AnyRecord)? {
            let record = match (record, self.gallery) {
                (ReadRecord::Row(row), _) if self.streaming.admit_own_row(&row) => continue,
                (ReadRecord::Row(row), Some(gallery)) => row.into_export(gallery),
                (ReadRecord::Row(_), None) => return Err(A::Error::custom(ROWS_NEED_GALLERY)),
                (ReadRecord::Object(record), _) => record,
            };
            let reading = &mut *self.streaming.reading;
            let admitted = crate::replication::import_record(
                &mut reading.world,
                record,
                true,
                &mut reading.lookup,
            )
            .map_err(refused);
            self.streaming.check(admitted)?;
        }
        Ok(())
    }
}
