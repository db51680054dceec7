//! A version's ARM resource as the world holds it: parsed, or, for a version read back from a
//! part this very build stored and sealed, its stored text, parsed the first time it is asked for.
//!
//! Why: opening a state at ten times the limits reads 100,000 version bodies, and building each
//! into [`arm::GalleryImageVersion`] (a dozen optional fields and nested objects, their strings
//! and lists) was the largest single cost of the opening, while what the world needs of a version
//! to index it — its name, location and targets — is a few fields of its publishing profile
//! ([`StoredVersion`]). Natively, reading the text and those fields takes half the time of
//! building the bodies, and a body held as text takes far less memory (BENCHMARKS.md,
//! session 24). Most bodies are never asked for in a session; those that are (a version's page,
//! a save of its gallery, an export) are parsed then, once.

use crate::arm;
use crate::arm::Text;
use crate::ids::{VersionRef, VERSION_TYPE};
use crate::regions::RegionName;
use serde::Deserialize;
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::sync::OnceLock;

/// The fields of a stored version the world indexes it by, read from its text without building
/// its body: its name and location, and what its effective targets are made of. Unknown and
/// other fields are skipped. Strings are borrowed from the text when they can be (`Text`: serde's
/// `Cow` always copies).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct StoredVersion<'a> {
    /// Present in a version written with its full id (the nested form leaves it out).
    #[serde(borrow, default)]
    pub id: Option<Text<'a>>,
    /// `Major.Minor.Patch`.
    #[serde(borrow, default)]
    pub name: Option<Text<'a>>,
    /// Its own location, when it differs from its definition's.
    #[serde(borrow, default)]
    pub location: Option<Text<'a>>,
    /// Only its publishing profile is read.
    #[serde(borrow, default)]
    pub properties: Option<StoredProperties<'a>>,
}

/// A stored version's `properties`, of which only the publishing profile is read.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct StoredProperties<'a> {
    /// Replication settings.
    #[serde(borrow, default)]
    pub publishing_profile: Option<Publishing<'a>>,
}

/// The fields of a publishing profile a version's effective targets are made of, read from a
/// stored text or borrowed from a parsed body ([`Publishing::of`]), so both readings derive the
/// targets with the one function (`world::targets_of`).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Publishing<'a> {
    /// Target regions.
    #[serde(borrow, default)]
    pub target_regions: Option<Vec<PublishingTarget<'a>>>,
    /// Default replicas per region.
    #[serde(default)]
    pub replica_count: Option<i64>,
    /// Hide from `latest`.
    #[serde(default)]
    pub exclude_from_latest: Option<bool>,
    /// Default storage type per region.
    #[serde(borrow, default)]
    pub storage_account_type: Option<Text<'a>>,
}

/// One target region's fields, as [`Publishing`].
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PublishingTarget<'a> {
    /// Region name.
    #[serde(borrow, default)]
    pub name: Option<Text<'a>>,
    /// Replicas in this region.
    #[serde(default)]
    pub regional_replica_count: Option<i64>,
    /// Storage type in this region.
    #[serde(borrow, default)]
    pub storage_account_type: Option<Text<'a>>,
    /// Region-level `latest` flag.
    #[serde(default)]
    pub exclude_from_latest: Option<bool>,
    /// Further replicas of another storage type.
    #[serde(default)]
    pub additional_replica_sets: Option<Vec<PublishingSet>>,
}

/// One `additionalReplicaSets[]` entry's count.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PublishingSet {
    /// How many.
    #[serde(default)]
    pub regional_replica_count: Option<i64>,
}

impl<'a> Publishing<'a> {
    /// The same fields borrowed from a parsed body's publishing profile.
    pub(crate) fn of(pp: &'a arm::version::PublishingProfile) -> Publishing<'a> {
        let text = |s: &'a Option<String>| s.as_deref().map(|s| Text(Cow::Borrowed(s)));
        Publishing {
            target_regions: pp.target_regions.as_ref().map(|ts| {
                ts.iter()
                    .map(|t| PublishingTarget {
                        name: text(&t.name),
                        regional_replica_count: t.regional_replica_count,
                        storage_account_type: text(&t.storage_account_type),
                        exclude_from_latest: t.exclude_from_latest,
                        additional_replica_sets: t.additional_replica_sets.as_ref().map(|sets| {
                            sets.iter()
                                .map(|s| PublishingSet {
                                    regional_replica_count: s.regional_replica_count,
                                })
                                .collect()
                        }),
                    })
                    .collect()
            }),
            replica_count: pp.replica_count,
            exclude_from_latest: pp.exclude_from_latest,
            storage_account_type: text(&pp.storage_account_type),
        }
    }
}

/// A version's ARM resource: parsed, or its stored text until first asked for
/// ([`crate::world::VersionEntry::resource`]).
#[derive(Clone)]
pub(crate) struct VersionBody {
    /// The stored text (its nested form: no id, no type, the location only when it differs from
    /// the definition's), when the body came from a sealed part. Kept once the body is parsed:
    /// a save of the version's gallery writes it back as it is ([`VersionBody::text_for`]).
    stored: Option<Box<RawValue>>,
    /// Whether the stored text names a location of its own.
    own_location: bool,
    /// The definition's location as written, for a stored text without its own, when the
    /// version's [`RegionName`] does not spell it the same (it almost always does).
    location: Option<Box<str>>,
    /// The body once parsed (at once for a body that came parsed), and whether the whole text
    /// parsed.
    parsed: OnceLock<(Box<arm::GalleryImageVersion>, bool)>,
}

impl VersionBody {
    /// A body that came parsed (a command's, an imported file's).
    pub(crate) fn parsed(resource: arm::GalleryImageVersion) -> VersionBody {
        VersionBody {
            stored: None,
            own_location: false,
            location: None,
            parsed: OnceLock::from((Box::new(resource), true)),
        }
    }

    /// A body kept as the stored `text` of a version at `region`; `inherited` is the location
    /// text the body takes when the text names none of its own (its definition's).
    pub(crate) fn stored(
        text: &RawValue,
        region: RegionName,
        own_location: bool,
        inherited: Option<&str>,
    ) -> VersionBody {
        VersionBody {
            stored: Some(text.to_owned()),
            own_location,
            location: inherited.filter(|w| *w != region.as_str()).map(Into::into),
            parsed: OnceLock::new(),
        }
    }

    /// The body, parsing the stored text the first time (`id` and `region` are the version's:
    /// the fields the nested form leaves out come from them, as the eager reading sets them).
    pub(crate) fn get(&self, id: &VersionRef, region: RegionName) -> &arm::GalleryImageVersion {
        &self
            .parsed
            .get_or_init(|| {
                let text = self.stored.as_deref().map_or("{}", RawValue::get);
                // The text is what this build wrote from a body it held, and its seal said so:
                // it parses. Should it not (a part changed by hand and sealed again to match),
                // the body shows what the world indexed the version by rather than taking the
                // page down, and the saves and the export write the text back as it is
                // ([`VersionBody::text_for`]): nothing of it is lost, and an import of that
                // export names what does not read. An update or a soft delete of that version
                // takes the body as shown.
                let (mut res, whole) = match serde_json::from_str(text) {
                    Ok(res) => (res, true),
                    Err(_) => (arm::GalleryImageVersion::default(), false),
                };
                if res.location.is_none() {
                    res.location = Some(self.inherited(region).to_string());
                }
                res.id = Some(id.canonical());
                if res.name.as_deref() != Some(id.version.as_str()) {
                    res.name = Some(id.version.clone());
                }
                res.resource_type = Some(VERSION_TYPE.into());
                (Box::new(res), whole)
            })
            .0
    }

    /// The stored text, to write in the nested form under a definition whose location is
    /// `parent_location`, when it is what writing the body would give: the body is never changed
    /// in place (a change replaces the version's entry), so the text is the body's as long as
    /// the location it inherits is still the definition's. With `always` (a stored part),
    /// whenever it is; otherwise (an export file, printed for people) only when the text did not
    /// parse as a whole.
    pub(crate) fn text_for(
        &self,
        region: RegionName,
        parent_location: Option<&str>,
        always: bool,
    ) -> Option<&RawValue> {
        let text = self.stored.as_deref()?;
        if !self.own_location && parent_location != Some(self.inherited(region)) {
            return None;
        }
        let unread = self.parsed.get().is_some_and(|(_, whole)| !whole);
        (always || unread).then_some(text)
    }

    /// The location a text without its own takes.
    fn inherited(&self, region: RegionName) -> &str {
        self.location.as_deref().unwrap_or(region.as_str())
    }

    /// Whether the body is still only its stored text.
    pub(crate) fn is_stored_text(&self) -> bool {
        self.parsed.get().is_none()
    }
}
