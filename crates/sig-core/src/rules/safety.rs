//! An image version's `safetyProfile`: Azure's guards against losing replicas or a whole version by
//! accident (Azure docs, "Azure Compute Gallery": end of life and soft delete). Both flags are given at creation and stay as created: today's
//! Azure also accepts `allowDeletionOfReplicatedLocations` in an update, but the seed limits
//! updates to its list (replica counts, target regions, exclude from latest, end of life), and
//! where the two differ the seed wins.
//!
//! Choices: a flag the resource does not state is not enforced — the seed lets target regions be
//! removed and versions be deleted, and only a version created with the guard (or pasted from
//! `az sig image-version show` with it) opts in. Every target region counts as replicated (Azure
//! does not distinguish a region still copying). An end-of-life date that does not parse blocks
//! nothing (the date rule reports it).

use crate::arm;
use crate::diagnostics::{Code, Diagnostic};
use crate::regions::RegionName;
use crate::rules::common::parse_iso8601;
use time::OffsetDateTime;

fn safety(v: &arm::GalleryImageVersion) -> Option<&arm::SafetyProfile> {
    v.properties.as_ref()?.safety_profile.as_ref()
}

/// The regions an update would remove from a version created with
/// `allowDeletionOfReplicatedLocations: false`, one error each (empty when the flag is not set to
/// false or nothing is removed).
pub fn removed_replicated_regions(
    current: &arm::GalleryImageVersion,
    current_regions: &[RegionName],
    next_regions: &[RegionName],
    rid: &str,
) -> Vec<Diagnostic> {
    let guarded = safety(current)
        .and_then(|s| s.allow_deletion_of_replicated_locations)
        .is_some_and(|allowed| !allowed);
    if !guarded {
        return Vec::new();
    }
    current_regions
        .iter()
        .filter(|old| !next_regions.contains(old))
        .map(|old| {
            Diagnostic::new(
                Code::ReplicatedLocationDeletionNotAllowed,
                rid,
                "properties.publishingProfile.targetRegions",
                format!(
                    "Removing the replicated region '{}' is not allowed: this image version was created with safetyProfile.allowDeletionOfReplicatedLocations set to false.",
                    old.as_str()
                ),
            )
        })
        .collect()
}

/// Why deleting `current` at `now` is refused: it was created with
/// `blockDeletionBeforeEndOfLife: true` and its end-of-life date has not passed (or it has none).
pub fn deletion_blocked(
    current: &arm::GalleryImageVersion,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{world_with, FIXTURE_NOW};

    fn blocked_version(eol: Option<&str>) -> arm::GalleryImageVersion {
        let w = world_with(1, 1, 1);
        let mut v = w.versions().next().expect("a version").resource().clone();
        let props = v.properties.get_or_insert_with(Default::default);
        props.safety_profile = Some(arm::SafetyProfile {
            block_deletion_before_end_of_life: Some(true),
            ..Default::default()
        });
        props
            .publishing_profile
            .get_or_insert_with(Default::default)
            .end_of_life_date = eol.map(str::to_string);
        v
    }

    #[test]
    fn deletion_is_blocked_until_end_of_life_and_always_without_one() {
        let rid = "v";
        let before = blocked_version(Some("2030-01-01"));
        let d = deletion_blocked(&before, FIXTURE_NOW, rid).expect("blocked before EOL");
        assert_eq!(d.code, Code::DeletionBlockedBeforeEndOfLife);
        assert!(d.message.contains("2030-01-01"));
        assert!(deletion_blocked(&blocked_version(Some("2019-01-01")), FIXTURE_NOW, rid).is_none());
        let none = deletion_blocked(&blocked_version(None), FIXTURE_NOW, rid).expect("no EOL");
        assert!(
            none.message.contains("has no end-of-life date"),
            "{}",
            none.message
        );
        // An unreadable date is the date rule's error, not a reason to block forever.
        assert!(deletion_blocked(&blocked_version(Some("soon")), FIXTURE_NOW, rid).is_none());
    }
}
