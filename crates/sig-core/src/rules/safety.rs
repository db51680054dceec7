//! An image version's `safetyProfile`: Azure's guards against losing replicas or a whole version by
//! accident (domain.md §2.13–2.14). Both flags are given at creation; the seed's list of updatable
//! properties does not include them, so they stay as created.
//!
//! Choices: a flag the resource does not state is not enforced — the seed lets target regions be
//! removed and versions be deleted, and only a version created with the guard (or pasted from
//! `az sig image-version show` with it) opts in. Every target region counts as replicated (Azure
//! does not distinguish a region still copying). An end-of-life date that does not parse blocks
//! nothing (the date rule reports it).

use crate::arm;
use crate::diagnostics::{Code, Diagnostic};
use crate::rules::common::parse_iso8601;
use crate::world::{TargetState, VersionEntry};
use time::OffsetDateTime;

fn safety(v: &VersionEntry) -> Option<&arm::SafetyProfile> {
    v.resource.properties.as_ref()?.safety_profile.as_ref()
}

/// The regions an update would remove from a version created with
/// `allowDeletionOfReplicatedLocations: false`, one error each (empty when the flag is not set to
/// false or nothing is removed).
pub fn removed_replicated_regions(
    current: &VersionEntry,
    next: &[TargetState],
    rid: &str,
) -> Vec<Diagnostic> {
    let guarded = safety(current)
        .and_then(|s| s.allow_deletion_of_replicated_locations)
        .is_some_and(|allowed| !allowed);
    if !guarded {
        return Vec::new();
    }
    current
        .targets
        .iter()
        .filter(|old| !next.iter().any(|t| t.region == old.region))
        .map(|old| {
            Diagnostic::new(
                Code::ReplicatedLocationDeletionNotAllowed,
                rid,
                "properties.publishingProfile.targetRegions",
                format!(
                    "Removing the replicated region '{}' is not allowed: this image version was created with safetyProfile.allowDeletionOfReplicatedLocations set to false.",
                    old.region.as_str()
                ),
            )
        })
        .collect()
}

/// Why deleting `current` at `now` is refused: it was created with
/// `blockDeletionBeforeEndOfLife: true` and its end-of-life date has not passed (or it has none).
pub fn deletion_blocked(
    current: &VersionEntry,
    now: OffsetDateTime,
    rid: &str,
) -> Option<Diagnostic> {
    let blocked = safety(current)
        .and_then(|s| s.block_deletion_before_end_of_life)
        .unwrap_or(false);
    if !blocked {
        return None;
    }
    let eol = current
        .resource
        .properties
        .as_ref()
        .and_then(|p| p.publishing_profile.as_ref())
        .and_then(|p| p.end_of_life_date.as_deref());
    let message = match eol.map(|e| (e, parse_iso8601(e))) {
        Some((_, None)) => return None,
        Some((_, Some(t))) if t <= now => return None,
        Some((e, Some(_))) => format!(
            "Deleting this image version is blocked until its end of life ({e}): it was created with safetyProfile.blockDeletionBeforeEndOfLife set to true."
        ),
        None => "Deleting this image version is blocked: it was created with safetyProfile.blockDeletionBeforeEndOfLife set to true and has no end-of-life date.".to_string(),
    };
    Some(Diagnostic::new(
        Code::DeletionBlockedBeforeEndOfLife,
        rid,
        "properties.safetyProfile.blockDeletionBeforeEndOfLife",
        message,
    ))
}
