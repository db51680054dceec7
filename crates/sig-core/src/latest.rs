//! `latest` resolution (Azure docs, "Shared Image Galleries overview": latest): the highest `Major.Minor.Patch`, compared numerically,
//! among versions not excluded from latest; in a region, only versions targeting it count and the
//! region's own `excludeFromLatest` takes precedence over the version's.
//!
//! At a deployment time ([`resolve_latest_at`] with a time), a version also has to be *Completed*
//! in the region ([`crate::replication`]): the seed says a version can be deployed in a region only
//! once replication there is complete, so a newer version still replicating (or failed) there
//! does not serve `latest` yet — the previous one does. (Whether Azure skips such versions is
//! unconfirmed, Azure does not document it; this is the simulator's documented choice.)

use crate::diagnostics::{Code, Diagnostic};
use crate::names::ImageVersionName;
use crate::regions::RegionName;
use crate::replication::{self, RegionState};
use crate::world::World;
use time::OffsetDateTime;

/// One version considered, and why it was or was not eligible.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LatestCandidate {
    /// Canonical version id.
    pub id: String,
    /// Version name.
    pub version: ImageVersionName,
    /// Could serve `latest`.
    pub eligible: bool,
    /// Human explanation.
    pub reason: String,
}

/// The answer plus its explanation (candidates sorted from highest to lowest version).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LatestResolution {
    /// The chosen version id.
    pub chosen: String,
    /// Every version of the definition with its verdict.
    pub candidates: Vec<LatestCandidate>,
}

/// Resolves `latest` for an image definition id, optionally for a deployment region, from the
/// versions' configuration alone (replication progress is not considered).
pub fn resolve_latest(
    world: &World,
    image_id: &str,
    region: Option<&str>,
) -> Result<LatestResolution, Diagnostic> {
    resolve_latest_at(world, image_id, region, None)
}

/// Resolves `latest` as a deployment in `region` at time `at` gets it: like [`resolve_latest`],
/// and with `at` and a region given, only versions whose replication to the region is Completed
/// at `at` count.
pub fn resolve_latest_at(
    world: &World,
    image_id: &str,
    region: Option<&str>,
    at: Option<OffsetDateTime>,
) -> Result<LatestResolution, Diagnostic> {
    let Some(image) = world.image(image_id) else {
        return Err(Diagnostic::new(
            Code::ResourceNotFound,
            image_id,
            "",
            format!("The image definition '{image_id}' was not found."),
        ));
    };
    let rid = image.id.to_string();
    let region = match region {
        None => None,
        Some(r) => Some(RegionName::new(r).ok_or_else(|| {
            Diagnostic::new(
                Code::LocationNotAvailableForResourceType,
                &rid,
                "location",
                format!("'{r}' is not a known Azure region."),
            )
        })?),
    };
    let mut candidates: Vec<LatestCandidate> = world
        .versions_of(&image.id)
        .map(|v| {
            let (eligible, reason) = match region {
                None if v.exclude_from_latest => (false, "excluded: excludeFromLatest is true on the version".to_string()),
                None => (true, "eligible: not excluded from latest".to_string()),
                Some(r) => match v.targets.iter().find(|t| t.region == r) {
                    None => (false, format!("not replicated to {}", r.display_name())),
                    Some(t) => match t.exclude_from_latest {
                        Some(true) => (false, format!("excluded: the {} target region sets excludeFromLatest (overrides the version)", r.display_name())),
                        Some(false) => (true, format!("eligible: the {} target region sets excludeFromLatest=false (overrides the version)", r.display_name())),
                        None if v.exclude_from_latest => (false, "excluded: excludeFromLatest is true on the version".to_string()),
                        None => (true, format!("eligible: replicated to {} and not excluded", r.display_name())),
                    },
                },
            };
            let (eligible, reason) = match (eligible, region, at) {
                (true, Some(r), Some(t)) => match replication::region_status(world, v, r, t) {
                    Some(s) if s.state != RegionState::Completed && replication::serves(world, v, r, t) => (true, format!(
                        "{reason}; replicas added in {} are {} ({}%), the earlier ones serve",
                        r.display_name(), s.state.as_str(), s.progress)),
                    Some(s) if s.state != RegionState::Completed => (false, format!(
                        "not yet available: replication to {} is {} ({}%)",
                        r.display_name(), s.state.as_str(), s.progress)),
                    _ => (true, format!("{reason}; replication to {} is Completed", r.display_name())),
                },
                other => (other.0, reason),
            };
            LatestCandidate { id: v.id.to_string(), version: v.name.clone(), eligible, reason }
        })
        .collect();
    candidates.sort_by(|a, b| b.version.cmp(&a.version));
    match candidates.iter().find(|c| c.eligible) {
        Some(c) => Ok(LatestResolution { chosen: c.id.clone(), candidates }),
        None => Err(match region {
            Some(r) => Diagnostic::new(Code::GalleryImageNotFound, &rid, "", format!(
                "The gallery image {rid} is not available in {} region. Please contact image owner to replicate to this region, or change your requested region.", r.as_str())),
            None => Diagnostic::new(Code::GalleryImageNotFound, &rid, "", format!("The gallery image {rid} has no image version that can serve 'latest'.")),
        }),
    }
}
