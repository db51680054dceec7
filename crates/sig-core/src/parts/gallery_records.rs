//! A gallery part's replication records as the portal stores them: rows, each naming its version
//! relative to the gallery.
//!
//! Every record names its version by its full id, which in a gallery's part always starts with
//! the gallery's own id: at ten times the limits 100,000 records repeated it in 22 MB of the 58 MB
//! of gallery parts the portal parsed at every visit. A record is written as
//! `[image/version, region, started, durationSeconds, failedAt, retries, serving]`, ending at its
//! last field present (an absent field before it is `null`); a record whose version id does not
//! start with its gallery's id (none this engine writes) is written as the object it is. The
//! export file's `replication` stays objects; a part an earlier build stored (all objects) still
//! reads.

use crate::replication::{RecordFields, ReplicationRecordExport};
use serde::de::{self, value::MapAccessDeserializer, DeserializeSeed, Deserializer};
use serde::de::{MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeSeq, Serializer};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The records of one gallery's versions, to store: `gallery` is the id their version ids start
/// with.
pub(crate) struct RecordsRef<'a> {
    /// The gallery's id, as its node writes it.
    pub gallery: Option<&'a str>,
    /// Its versions' records.
    pub records: Vec<ReplicationRecordExport>,
}

impl RecordsRef<'_> {
    /// No records: the part leaves the field out.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }
}

/// `image/version` when `version_id` is `{gallery}/images/{image}/versions/{version}`.
fn relative<'a>(gallery: &str, version_id: &'a str) -> Option<(&'a str, &'a str)> {
    let rest = version_id.strip_prefix(gallery)?.strip_prefix("/images/")?;
    let (image, version) = rest.split_once("/versions/")?;
    let plain = |name: &str| !name.is_empty() && !name.contains('/');
    (plain(image) && plain(version)).then_some((image, version))
}

impl Serialize for RecordsRef<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.records.len()))?;
        for record in &self.records {
            match self.gallery.and_then(|g| relative(g, &record.version_id)) {
                Some(names) => seq.serialize_element(&Row { names, record })?,
                None => seq.serialize_element(record)?,
            }
        }
        seq.end()
    }
}

/// A record as a row.
struct Row<'a> {
    names: (&'a str, &'a str),
    record: &'a ReplicationRecordExport,
}

impl Serialize for Row<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let r = self.record;
        let present = if r.serving {
            7
        } else if r.retries != 0 {
            6
        } else if r.failed_at.is_some() {
            5
        } else {
            4
        };
        let mut row = serializer.serialize_seq(Some(present))?;
        row.serialize_element(&format_args!("{}/{}", self.names.0, self.names.1))?;
        row.serialize_element(&r.region)?;
        row.serialize_element(&r.started)?;
        row.serialize_element(&r.duration_seconds)?;
        if present > 4 {
            row.serialize_element(&r.failed_at)?;
        }
        if present > 5 {
            row.serialize_element(&r.retries)?;
        }
        if present > 6 {
            row.serialize_element(&r.serving)?;
        }
        row.end()
    }
}

/// Reads a gallery part's records, rows or objects, the rows' version ids made from `gallery`.
pub(crate) struct RecordsSeed<'a> {
    /// The gallery's id, from its node (read before the records).
    pub gallery: Option<&'a str>,
    /// How many records the node's versions name (a record per target region): the list is
    /// made that large at once rather than grown by doubling, which copied and first-touched
    /// its memory several times over (profiled in the browser, where that is slow).
    pub expected: usize,
}

impl<'de> DeserializeSeed<'de> for RecordsSeed<'_> {
    type Value = Vec<ReplicationRecordExport>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for RecordsSeed<'_> {
    type Value = Vec<ReplicationRecordExport>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a gallery's replication records")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut all = Vec::with_capacity(seq.size_hint().unwrap_or(self.expected));
        while let Some(record) = seq.next_element_seed(OneRecord {
            gallery: self.gallery,
        })? {
            all.push(record);
        }
        Ok(all)
    }
}

/// One record, a row or an object.
pub(crate) struct OneRecord<'a> {
    pub(crate) gallery: Option<&'a str>,
}

impl<'de> DeserializeSeed<'de> for OneRecord<'_> {
    type Value = ReplicationRecordExport;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        match AnyRecord.deserialize(deserializer)? {
            ReadRecord::Object(record) => Ok(record),
            ReadRecord::Row(row) => match self.gallery {
                Some(gallery) => Ok(row.into_export(gallery)),
                None => Err(de::Error::custom(ROWS_NEED_GALLERY)),
            },
        }
    }
}

/// Why a row cannot be read without its gallery.
pub(crate) const ROWS_NEED_GALLERY: &str =
    "replication rows need their gallery's id, from the part's node read before them";

/// A record as read: a row, its text borrowed from the input where it can be, or an object.
pub(crate) enum ReadRecord<'de> {
    /// `[image/version, region, started, durationSeconds, failedAt, retries, serving]`.
    Row(RowRecord<'de>),
    /// A record as an object: every record of a part an earlier build stored, and one whose
    /// version is not under its gallery's id.
    Object(ReplicationRecordExport),
}

/// A row's fields (see [`ReadRecord::Row`]).
pub(crate) struct RowRecord<'de> {
    /// `image/version`.
    names: Text<'de>,
    /// Where `/` splits `names`.
    split: usize,
    region: Text<'de>,
    started: Text<'de>,
    duration_seconds: u32,
    failed_at: Option<Text<'de>>,
    retries: u32,
    serving: bool,
}

impl RowRecord<'_> {
    /// The version's definition and version names, as the row spells them.
    pub(crate) fn names(&self) -> (&str, &str) {
        let names: &str = &self.names.0;
        (&names[..self.split], &names[self.split + 1..])
    }

    /// Its fields, borrowed.
    pub(crate) fn fields(&self) -> RecordFields<'_> {
        RecordFields {
            region: &self.region.0,
            started: &self.started.0,
            duration_seconds: self.duration_seconds,
            failed_at: self.failed_at.as_ref().map(|t| &*t.0),
            retries: self.retries,
            serving: self.serving,
        }
    }

    /// The record, its version's id under `gallery`'s.
    pub(crate) fn into_export(self, gallery: &str) -> ReplicationRecordExport {
        let (image, version) = self.names();
        let mut version_id = String::with_capacity(
            gallery.len() + "/images/".len() + image.len() + "/versions/".len() + version.len(),
        );
        for piece in [gallery, "/images/", image, "/versions/", version] {
            version_id.push_str(piece);
        }
        ReplicationRecordExport {
            version_id,
            region: self.region.0.into_owned(),
            started: self.started.0.into_owned(),
            duration_seconds: self.duration_seconds,
            failed_at: self.failed_at.map(|t| t.0.into_owned()),
            retries: self.retries,
            serving: self.serving,
        }
    }
}

/// Reads a [`ReadRecord`].
pub(crate) struct AnyRecord;

impl<'de> DeserializeSeed<'de> for AnyRecord {
    type Value = ReadRecord<'de>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for AnyRecord {
    type Value = ReadRecord<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a replication record, as a row or an object")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        ReplicationRecordExport::deserialize(MapAccessDeserializer::new(map))
            .map(ReadRecord::Object)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let missing = |n: usize| de::Error::invalid_length(n, &"at least 4 fields");
        let names: Text = seq.next_element()?.ok_or_else(|| missing(0))?;
        let Some(split) = names.0.find('/') else {
            return Err(de::Error::custom(format!(
                "'{}' is not image/version",
                names.0
            )));
        };
        let row = RowRecord {
            names,
            split,
            region: seq.next_element()?.ok_or_else(|| missing(1))?,
            started: seq.next_element()?.ok_or_else(|| missing(2))?,
            duration_seconds: seq.next_element()?.ok_or_else(|| missing(3))?,
            failed_at: seq.next_element()?.flatten(),
            retries: seq.next_element()?.unwrap_or(0),
            serving: seq.next_element()?.unwrap_or(false),
        };
        if seq.next_element::<de::IgnoredAny>()?.is_some() {
            return Err(de::Error::invalid_length(8, &"at most 7 fields"));
        }
        Ok(ReadRecord::Row(row))
    }
}

pub(crate) use crate::arm::Text;

#[cfg(test)]
mod tests {
    use super::*;

    const GALLERY: &str =
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/galleries/g";

    fn record(version: &str) -> ReplicationRecordExport {
        ReplicationRecordExport {
            version_id: format!("{GALLERY}/images/i/versions/{version}"),
            region: "westus".into(),
            started: "2020-06-01T12:00:00Z".into(),
            duration_seconds: 600,
            failed_at: None,
            retries: 0,
            serving: false,
        }
    }

    fn records() -> Vec<ReplicationRecordExport> {
        let mut failed = record("1.0.1");
        failed.failed_at = Some("2020-06-01T12:05:00Z".into());
        let mut retried = record("1.0.2");
        retried.retries = 2;
        let mut serving = record("1.0.3");
        serving.serving = true;
        // Not under the gallery (this engine writes none): kept as an object.
        let mut elsewhere = record("1.0.4");
        elsewhere.version_id = elsewhere
            .version_id
            .replace("/galleries/g/", "/galleries/h/");
        vec![record("1.0.0"), failed, retried, serving, elsewhere]
    }

    fn write(gallery: Option<&str>, records: Vec<ReplicationRecordExport>) -> String {
        serde_json::to_string(&RecordsRef { gallery, records }).unwrap()
    }

    fn read(gallery: Option<&str>, text: &str) -> Result<Vec<ReplicationRecordExport>, String> {
        let mut de = serde_json::Deserializer::from_str(text);
        RecordsSeed {
            gallery,
            expected: 0,
        }
        .deserialize(&mut de)
        .map_err(|e| e.to_string())
    }

    #[test]
    fn records_read_back_as_they_were_written() {
        let text = write(Some(GALLERY), records());
        assert!(
            text.starts_with(r#"[["i/1.0.0","westus","2020-06-01T12:00:00Z",600],"#),
            "{text}"
        );
        assert!(
            text.contains(r#"["i/1.0.3","westus","2020-06-01T12:00:00Z",600,null,0,true]"#),
            "{text}"
        );
        assert!(
            text.contains(r#"{"versionId":"#),
            "the record elsewhere is an object: {text}"
        );
        assert_eq!(read(Some(GALLERY), &text).unwrap(), records());
        let objects = serde_json::to_string(&records()).unwrap();
        assert!(
            text.len() * 2 < objects.len(),
            "{} against {}",
            text.len(),
            objects.len()
        );
    }

    #[test]
    fn an_earlier_builds_records_of_objects_still_read() {
        let text = serde_json::to_string(&records()).unwrap();
        assert_eq!(read(Some(GALLERY), &text).unwrap(), records());
        assert_eq!(read(None, &text).unwrap(), records());
    }

    #[test]
    fn damaged_records_are_refused() {
        let damaged = [
            (
                Some(GALLERY),
                r#"[["i-1.0.0","westus","2020-06-01T12:00:00Z",600]]"#,
                "not image/version",
            ),
            (
                Some(GALLERY),
                r#"[["i/1.0.0","westus","2020-06-01T12:00:00Z"]]"#,
                "at least 4 fields",
            ),
            (
                Some(GALLERY),
                r#"[["i/1.0.0","westus","x",1,null,0,false,9]]"#,
                "at most 7 fields",
            ),
            (
                None,
                r#"[["i/1.0.0","westus","2020-06-01T12:00:00Z",600]]"#,
                "need their gallery's id",
            ),
        ];
        for (gallery, text, why) in damaged {
            let e = read(gallery, text).unwrap_err();
            assert!(e.contains(why), "{text}: {e}");
        }
    }
}
