//! Simulated replication of image versions to their target regions, on the injected clock.
//!
//! Why: the seed says replication "depends on the amount of data being copied and the number of
//! regions" and "can take a few hours"; users can only deploy in a region once it is complete.
//! The simulator makes that visible and predictable.
//!
//! **State is tiny and time-free.** Per (version, target region) the world stores one
//! [`RegionReplication`]: when copying (effectively) started, how long it takes (fixed when it
//! starts), and an injected fault time. Everything else — state, progress, the aggregated state and
//! the `$expand=ReplicationStatus` JSON — is a pure function of that record and a time `t`
//! ([`RegionReplication::at`]), so "advancing the clock" costs nothing and is never stored.
//!
//! Per region: `Unknown` (t before the start) → `Replicating` (progress %) → `Completed`, or
//! `Failed` from an injected fault on ([`crate::Command::InjectReplicationFault`]) until a
//! [`crate::Command::RetryReplication`] resumes it *where it stopped* (the start is shifted by the
//! time spent failed), so the progress a user sees never goes backwards.
//!
//! **Duration** ([`duration_secs`]), documented and deterministic, in whole seconds:
//!
//! ```text
//! transfer = size_gb × (3000 + distance_km) / 1000      3 s/GB copy + 1 s/GB per 1,000 km
//! shared   = transfer × (regions + 3) / 4               regions replicating at once share bandwidth
//! duration = 120 + shared + (replicas − 1) × size_gb    setup + 1 s/GB per extra in-region replica
//! ```
//!
//! `size_gb` is the image's total provisioned size ([`crate::image_size`]), `distance_km` the
//! great-circle distance from the source region (0 for the source region itself), `regions` the
//! number of target regions when the region started, `replicas` that region's replica count.
//! A 30 GiB image to a region 6,000 km away among 3 regions takes 120 + 405 = 525 s; a 1 TiB image
//! the same way ≈ 3.8 h — the seed's "a few hours in some cases".
//!
//! Choices: a region keeps the duration fixed when it started (changing another region does not
//! move it); a raised replica count copies the added replicas — from the update's time in a
//! completed region, added to the remaining time in one still copying (a fault stays a fault);
//! a region added by an update starts at the update's time; a
//! removed region's record (and replicas) disappear. In an export (format 3), a region whose record
//! is nominal — started at the version's `publishedDate`, untouched since — is left out and rebuilt
//! on import; versions from older exports without records, or without a `publishedDate`, are
//! treated as Completed everywhere (they predate the simulation).

use crate::diagnostics::{Code, Diagnostic};
use crate::ids::{GalleryResourceId, Key, VERSION_TYPE};
use crate::protocol::{CommandError, Event, EventKind};
use crate::regions::{Region, RegionName};
use crate::replication_state::{from_unix, unix};
pub use crate::replication_state::{
    AggregatedState, RegionReplication, RegionState, RegionStatus, ReplicationState,
};
use crate::world::{VersionEntry, World};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// Fixed per-region setup time in seconds.
pub const SETUP_SECS: u64 = 120;

/// Great-circle distance in whole kilometres between two catalogue regions.
pub fn distance_km(a: &Region, b: &Region) -> u64 {
    if a.name == b.name {
        return 0;
    }
    let r = 6371.0_f64;
    let (la1, la2) = (a.latitude.to_radians(), b.latitude.to_radians());
    let dla = la2 - la1;
    let dlo = (b.longitude - a.longitude).to_radians();
    let h = (dla / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlo / 2.0).sin().powi(2);
    let d = 2.0 * r * h.sqrt().min(1.0).asin();
    // Rounded to whole km so the duration is integer arithmetic from here on.
    d.round() as u64
}

/// The documented replication duration (see the module docs), in seconds.
pub fn duration_secs(size_gb: u64, regions: usize, replicas: u32, distance_km: u64) -> u32 {
    let transfer = size_gb.saturating_mul(3000 + distance_km) / 1000;
    let shared = transfer.saturating_mul(regions.max(1) as u64 + 3) / 4;
    let extra = u64::from(replicas.saturating_sub(1)).saturating_mul(size_gb);
    let total = SETUP_SECS.saturating_add(shared).saturating_add(extra);
    u32::try_from(total).unwrap_or(u32::MAX)
}

/// "Shallow replication skips copying the image, so the image version is ready faster" (Azure
/// docs, "Azure Compute Gallery"): its regions take the set-up time alone.
fn shallow(v: &VersionEntry) -> bool {
    crate::rules::version::is_shallow(
        v.resource()
            .properties
            .as_ref()
            .and_then(|p| p.publishing_profile.as_ref()),
    )
}

fn record_for(
    v: &VersionEntry,
    size_gb: u64,
    region: RegionName,
    replicas: u32,
    now: OffsetDateTime,
) -> RegionReplication {
    let duration_secs = if shallow(v) {
        SETUP_SECS as u32
    } else {
        duration_secs(
            size_gb,
            v.targets.len(),
            replicas,
            distance_km(v.location.region(), region.region()),
        )
    };
    RegionReplication {
        region,
        started: unix(now),
        duration_secs,
        failed_at: None,
        retries: 0,
        serving: false,
    }
}

/// Brings a version's records in line with its targets at `now`: new regions start now, removed
/// regions lose their record, kept regions keep theirs — unless the update raises the region's
/// replica count: the added replicas replicate on the clock from `now`; a lowered count is
/// immediate. `previous` are the targets before the command (empty on create); one of them
/// without a record (an imported version) counts as already complete. Called by `apply` on
/// create and update.
pub(crate) fn sync_targets(
    w: &mut World,
    key: &Key,
    previous: &[crate::world::TargetState],
    now: OffsetDateTime,
) {
    let Some(v) = w.versions.get(key) else {
        w.replication_mut(key).remove_version(key);
        return;
    };
    let size = crate::image_size::version_layout(w, v).total_gb();
    let old = w.replication.regions(key);
    let next: Vec<RegionReplication> = v
        .targets
        .iter()
        .map(|t| {
            let before = previous.iter().find(|p| p.region == t.region);
            let kept = old
                .iter()
                .find(|r| r.region == t.region)
                .copied()
                .or_else(|| before.map(|_| completed_record(t.region)));
            match (kept, before) {
                (Some(r), Some(b)) => match follow_up(v, size, b, t) {
                    // A completed region copies the added replicas from now.
                    Some(extra) if r.state_at(unix(now)) == RegionState::Completed => {
                        RegionReplication {
                            region: t.region,
                            started: unix(now),
                            duration_secs: extra,
                            failed_at: None,
                            retries: 0,
                            serving: true,
                        }
                    }
                    // One still copying (or failed) takes that much longer; its fault stays.
                    Some(extra) => RegionReplication {
                        duration_secs: r.duration_secs.saturating_add(extra),
                        ..r
                    },
                    None => r,
                },
                (Some(r), None) => r,
                (None, _) => record_for(v, size, t.region, t.replicas, now),
            }
        })
        .collect();
    w.replication_mut(key).set(key.clone(), next);
}

/// How long the replicas an update adds to a region take to copy (each copies the image once),
/// or `None` when it adds none: removing replicas is immediate. (A kept region's storage type
/// can't change — `PropertyChangeNotAllowed` — so a count is all an update can raise.) With
/// Shallow replication nothing is copied: the set-up time alone.
fn follow_up(
    v: &VersionEntry,
    size_gb: u64,
    before: &crate::world::TargetState,
    after: &crate::world::TargetState,
) -> Option<u32> {
    let added = after.replicas.saturating_sub(before.replicas);
    if added == 0 {
        return None;
    }
    if shallow(v) {
        return Some(SETUP_SECS as u32);
    }
    let secs = SETUP_SECS.saturating_add(u64::from(added).saturating_mul(size_gb));
    Some(u32::try_from(secs).unwrap_or(u32::MAX))
}

fn completed_record(region: RegionName) -> RegionReplication {
    RegionReplication {
        region,
        started: 0,
        duration_secs: 0,
        failed_at: None,
        retries: 0,
        serving: false,
    }
}

/// Whether `v` can serve a deployment in `region` at `t`: its replication there is Completed,
/// or the region is copying replicas added after it had completed (the ones it had serve).
pub fn serves(w: &World, v: &VersionEntry, region: RegionName, t: OffsetDateTime) -> bool {
    match region_status(w, v, region, t) {
        None => false,
        Some(s) if s.state == RegionState::Completed => true,
        Some(_) => w
            .replication
            .regions(&v.id.key())
            .iter()
            .any(|r| r.region == region && r.serving),
    }
}

/// A version's per-region status at `t`, in target-region order. Versions without records
/// (imported from an export that predates replication) are Completed everywhere.
pub fn version_status(w: &World, v: &VersionEntry, t: OffsetDateTime) -> Vec<RegionStatus> {
    let recs = w.replication.regions(&v.id.key());
    v.targets
        .iter()
        .map(|tg| match recs.iter().find(|r| r.region == tg.region) {
            Some(r) => r.at(t),
            None => RegionStatus {
                region: tg.region,
                state: RegionState::Completed,
                progress: 100,
                completes_at: None,
            },
        })
        .collect()
}

/// Aggregates regional states: any Failed → Failed; all Completed → Completed; all Unknown →
/// Unknown; otherwise InProgress (Azure docs, "Shared Image Galleries overview": replication: the aggregation rule is inferred).
pub fn aggregate(states: impl IntoIterator<Item = RegionState>) -> AggregatedState {
    let (mut any, mut failed, mut all_done, mut all_unknown) = (false, false, true, true);
    for s in states {
        any = true;
        failed |= s == RegionState::Failed;
        all_done &= s == RegionState::Completed;
        all_unknown &= s == RegionState::Unknown;
    }
    if !any {
        AggregatedState::Unknown
    } else if failed {
        AggregatedState::Failed
    } else if all_done {
        AggregatedState::Completed
    } else if all_unknown {
        AggregatedState::Unknown
    } else {
        AggregatedState::InProgress
    }
}

/// The status of a version's region at `t` (`None` when the version does not target it).
pub fn region_status(
    w: &World,
    v: &VersionEntry,
    region: RegionName,
    t: OffsetDateTime,
) -> Option<RegionStatus> {
    version_status(w, v, t)
        .into_iter()
        .find(|s| s.region == region)
}

fn details(s: &RegionStatus, rec: Option<&RegionReplication>) -> String {
    let retries = rec.map_or(0, |r| r.retries);
    let stamp = |t: OffsetDateTime| t.format(&Rfc3339).unwrap_or_default();
    match s.state {
        RegionState::Failed => format!(
            "Replication failed at {}% (injected fault). Retry the replication, or replicate in phases.",
            s.progress
        ),
        RegionState::Replicating if retries > 0 => format!(
            "Retried {retries} time(s); expected to complete at {}.",
            s.completes_at.map(stamp).unwrap_or_default()
        ),
        RegionState::Replicating | RegionState::Unknown => format!(
            "Expected to complete at {}.",
            s.completes_at.map(stamp).unwrap_or_default()
        ),
        RegionState::Completed => String::new(),
    }
}

/// `properties.replicationStatus` exactly as Azure returns it with `$expand=ReplicationStatus`:
/// `{aggregatedState, summary: [{region, state, details, progress}]}` (regions by display name).
pub fn replication_status(
    w: &World,
    v: &VersionEntry,
    t: OffsetDateTime,
) -> crate::arm::ReplicationStatus {
    let statuses = version_status(w, v, t);
    let recs = w.replication.regions(&v.id.key());
    crate::arm::ReplicationStatus {
        aggregated_state: Some(
            aggregate(statuses.iter().map(|s| s.state))
                .as_str()
                .to_string(),
        ),
        summary: Some(
            statuses
                .iter()
                .map(|s| crate::arm::RegionalReplicationStatus {
                    region: Some(s.region.display_name().to_string()),
                    state: Some(s.state.as_str().to_string()),
                    details: Some(details(s, recs.iter().find(|r| r.region == s.region))),
                    progress: Some(i64::from(s.progress)),
                    extra: Default::default(),
                })
                .collect(),
        ),
        extra: Default::default(),
    }
}

/// The version resource with `properties.replicationStatus` filled in for time `t` (what
/// `GET ...?$expand=ReplicationStatus` returns).
pub fn with_replication_status(
    w: &World,
    v: &VersionEntry,
    t: OffsetDateTime,
) -> crate::arm::GalleryImageVersion {
    let mut r = v.resource().clone();
    r.properties
        .get_or_insert_with(Default::default)
        .replication_status = Some(replication_status(w, v, t));
    r
}

/// Counts of versions per aggregated state at `t` over the whole world: the "advance the clock"
/// query the portal runs on every tick (benchmarked over 10,000 versions × 10 regions).
pub fn world_summary(w: &World, t: OffsetDateTime) -> BTreeMap<AggregatedState, usize> {
    let t = unix(t);
    let mut counts = [0usize; 4];
    for (_, recs) in w.replication.iter() {
        let agg = aggregate(recs.iter().map(|r| r.state_at(t)));
        counts[agg as usize] += 1;
    }
    // Versions without records (imported, predating replication) are Completed.
    counts[AggregatedState::Completed as usize] += w
        .versions
        .len()
        .saturating_sub(w.replication.versions.len());
    [
        AggregatedState::Unknown,
        AggregatedState::InProgress,
        AggregatedState::Completed,
        AggregatedState::Failed,
    ]
    .into_iter()
    .zip(counts)
    .filter(|(_, n)| *n > 0)
    .collect()
}

// ---- commands -----------------------------------------------------------------------------------

fn locate(
    w: &World,
    version_id: &str,
    region: &str,
) -> Result<(Key, String, RegionName), CommandError> {
    let err = |code, path: &str, msg: String| CommandError {
        diagnostics: vec![Diagnostic::new(code, version_id, path, msg)],
    };
    let Some(GalleryResourceId::Version(vref)) = GalleryResourceId::parse(version_id) else {
        return Err(err(
            Code::ResourceIdInvalid,
            "id",
            format!("'{version_id}' is not an image version id."),
        ));
    };
    let key = vref.key();
    let Some(v) = w.versions.get(&key) else {
        return Err(err(
            Code::ResourceNotFound,
            "",
            format!("The image version '{version_id}' was not found."),
        ));
    };
    let rid = v.id.canonical();
    let Some(r) = RegionName::new(region) else {
        return Err(err(
            Code::LocationNotAvailableForResourceType,
            "region",
            format!("'{region}' is not a known Azure region."),
        ));
    };
    if !v.targets.iter().any(|t| t.region == r) {
        return Err(CommandError {
            diagnostics: vec![Diagnostic::new(
                Code::InvalidParameter,
                &rid,
                "properties.publishingProfile.targetRegions",
                format!(
                    "The image version is not replicated to {}: it is not one of its target regions.",
                    r.display_name()
                ),
            )],
        });
    }
    Ok((key, rid, r))
}

fn event(actor: &str, rid: String, now: OffsetDateTime, warnings: Vec<Diagnostic>) -> Vec<Event> {
    vec![Event {
        kind: EventKind::Updated,
        resource_type: VERSION_TYPE.to_string(),
        id: rid,
        actor: actor.to_string(),
        at: now,
        warnings,
    }]
}

/// A fault or retry refused because of the region's replication state.
fn state_refusal(rid: &str, message: String) -> CommandError {
    CommandError::one(
        Code::ReplicationStateInvalid,
        rid,
        "properties.replicationStatus.summary",
        message,
    )
}

/// Handles [`crate::Command::InjectReplicationFault`]: the region fails at `now`. Refused unless the
/// region is still Unknown or Replicating at `now`.
pub(crate) fn inject_fault(
    w: &mut World,
    actor: &str,
    version_id: &str,
    region: &str,
    now: OffsetDateTime,
) -> Result<Vec<Event>, CommandError> {
    let target = (version_id, region);
    change_record(
        w,
        actor,
        target,
        now,
        RecordChange {
            rule: "A fault can only be injected into a region that is still replicating",
            allowed: |s| matches!(s, RegionState::Unknown | RegionState::Replicating),
            edit: |rec, t| rec.failed_at = Some(t),
        },
    )
}

/// Handles [`crate::Command::RetryReplication`]: a Failed region resumes at `now` from the progress
/// it had reached. Refused unless the region is Failed at `now`.
pub(crate) fn retry(
    w: &mut World,
    actor: &str,
    version_id: &str,
    region: &str,
    now: OffsetDateTime,
) -> Result<Vec<Event>, CommandError> {
    let target = (version_id, region);
    change_record(
        w,
        actor,
        target,
        now,
        RecordChange {
            rule: "Only a failed region can be retried",
            allowed: |s| s == RegionState::Failed,
            // Resume where it stopped: shift the start by the time spent failed.
            edit: |rec, t| {
                let failed = rec.failed_at.unwrap_or(t);
                rec.started = rec.started.saturating_add(t.saturating_sub(failed).max(0));
                rec.failed_at = None;
                rec.retries = rec.retries.saturating_add(1);
            },
        },
    )
}

/// A fault or a retry: which region states allow it (`rule` says so when refused) and what it
/// does to the record at Unix second `t`.
struct RecordChange {
    rule: &'static str,
    allowed: fn(RegionState) -> bool,
    edit: fn(&mut RegionReplication, i64),
}

fn change_record(
    w: &mut World,
    actor: &str,
    (version_id, region): (&str, &str),
    now: OffsetDateTime,
    change: RecordChange,
) -> Result<Vec<Event>, CommandError> {
    let (key, rid, r) = locate(w, version_id, region)?;
    let refuse = |state: &str| {
        state_refusal(
            &rid,
            format!("{}; {} is {state}.", change.rule, r.display_name()),
        )
    };
    let Some(rec) = w.replication_mut(&key).get_mut(&key, r) else {
        return Err(refuse("Completed"));
    };
    let state = rec.at(now).state;
    if !(change.allowed)(state) {
        return Err(refuse(state.as_str()));
    }
    (change.edit)(rec, unix(now));
    Ok(event(actor, rid, now, Vec::new()))
}

// ---- export -------------------------------------------------------------------------------------

/// One record in the export document's optional `replication` array.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReplicationRecordExport {
    /// Canonical version id.
    pub version_id: String,
    /// Region (programmatic name).
    pub region: String,
    /// RFC 3339 effective start.
    pub started: String,
    /// Copy duration in seconds.
    pub duration_seconds: u32,
    /// RFC 3339 injected fault time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failed_at: Option<String>,
    /// Retries so far.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub retries: u32,
    /// The region serves the version while this copy (of added replicas) runs.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub serving: bool,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// When `v` was published (its `publishedDate`), in Unix seconds; `None` when absent or unreadable.
fn published_unix(v: &VersionEntry) -> Option<i64> {
    let date = v
        .resource()
        .properties
        .as_ref()?
        .publishing_profile
        .as_ref()?
        .published_date
        .as_deref()?;
    OffsetDateTime::parse(date, &Rfc3339).ok().map(unix)
}

/// The records a version's target regions get when nothing but replication happened to them:
/// each started at the version's `publishedDate` with the documented duration for its current
/// targets. Why: at the limits these are nearly all the records, and an export that writes only
/// the ones that differ is 2.3 MB smaller; import rebuilds the rest with this same function, so
/// the round trip is exact. Empty when the version has no `publishedDate`.
fn nominal_records<'w>(
    w: &'w World,
    v: &'w VersionEntry,
    sizes: &mut crate::image_size::LayoutCache<'w>,
) -> Vec<RegionReplication> {
    let Some(published) = published_unix(v) else {
        return Vec::new();
    };
    let size = crate::image_size::version_layout_cached(w, v, sizes).total_gb();
    v.targets
        .iter()
        .map(|t| record_for(v, size, t.region, t.replicas, from_unix(published)))
        .collect()
}

/// The world's records for the export document, minus those [`nominal_records`] rebuilds. A
/// target region without a record (completed before the simulation) is written as a completed
/// record when the reader would otherwise rebuild a nominal one.
pub fn export_records(w: &World) -> Vec<ReplicationRecordExport> {
    export_records_of(w, w.versions.iter().map(|(k, v)| (k, &**v)), false)
}

/// [`export_records`] for some of the versions; with `all`, the nominal records too (a
/// gallery's stored part, see [`crate::parts`]: what is nominal depends on the version's size,
/// which comes from its source — possibly in another part — so a part that left them out could
/// read back differently after that source changed).
pub(crate) fn export_records_of<'w>(
    w: &'w World,
    versions: impl Iterator<Item = (&'w Key, &'w VersionEntry)>,
    all: bool,
) -> Vec<ReplicationRecordExport> {
    let fmt = |t: i64| from_unix(t).format(&Rfc3339).unwrap_or_default();
    let mut out = Vec::new();
    let mut sizes = crate::image_size::LayoutCache::default();
    for (k, v) in versions {
        let recs = w.replication.regions(k);
        let missing = v
            .targets
            .iter()
            .any(|t| !recs.iter().any(|r| r.region == t.region));
        let nominal = if all && !missing {
            Vec::new()
        } else {
            nominal_records(w, v, &mut sizes)
        };
        let id = crate::nesting::nested_version_id(w, v);
        for (n, t) in v.targets.iter().enumerate() {
            let written = match recs.iter().find(|r| r.region == t.region) {
                Some(r) if !all && nominal.get(n) == Some(r) => continue,
                Some(r) => *r,
                None if nominal.is_empty() => continue,
                None => completed_record(t.region),
            };
            out.push(ReplicationRecordExport {
                version_id: id.clone(),
                region: written.region.as_str().to_string(),
                started: fmt(written.started),
                duration_seconds: written.duration_secs,
                failed_at: written.failed_at.map(fmt),
                retries: written.retries,
                serving: written.serving,
            });
        }
    }
    out
}

/// Gives every target region still without a record its nominal one (see [`nominal_records`]):
/// what an export of format 3 left out because it was nominal. For up to `count` versions, in
/// key order, after `after` (from the first when `None`), so that a reader that yields between
/// steps spreads it out: the key of the last version it looked at, or `None` when none was
/// left. A version's nominal
/// records depend on its own targets and source only, so the pieces add up to the whole.
pub(crate) fn rebuild_nominal_records_after(
    w: &mut World,
    after: Option<&Key>,
    count: usize,
) -> Option<Key> {
    use std::ops::Bound;
    let mut rebuilt = Vec::new();
    let mut sizes = crate::image_size::LayoutCache::default();
    let from = after.map_or(Bound::Unbounded, Bound::Excluded);
    let mut last = None;
    // Both maps are in key order: their records are found walking alongside, not by a search
    // of 100,000 long keys per version (~35 ms of opening at ten times the limits, profiled).
    let mut records = w
        .replication
        .versions
        .range::<Key, _>((from, Bound::Unbounded))
        .peekable();
    for (k, v) in w
        .versions
        .range::<Key, _>((from, Bound::Unbounded))
        .take(count.max(1))
    {
        last = Some(k);
        let recs = loop {
            match records.peek().map(|(rk, list)| ((*rk).cmp(k), list)) {
                Some((std::cmp::Ordering::Less, _)) => {
                    records.next();
                }
                Some((std::cmp::Ordering::Equal, list)) => break list.as_slice(),
                _ => break &[][..],
            }
        };
        if recs.len() == v.targets.len() {
            continue;
        }
        let nominal = nominal_records(w, v, &mut sizes);
        if nominal.is_empty() {
            continue;
        }
        let next: Vec<RegionReplication> = nominal
            .into_iter()
            .map(|n| {
                recs.iter()
                    .find(|r| r.region == n.region)
                    .copied()
                    .unwrap_or(n)
            })
            .collect();
        rebuilt.push((k.clone(), next));
    }
    let last = last.cloned();
    for (k, recs) in rebuilt {
        w.replication_mut(&k).set(k, recs);
    }
    last
}

/// Restores records from an export (after its versions): each must name an existing version and
/// one of its target regions.
pub fn import_records(
    w: &mut World,
    records: Vec<ReplicationRecordExport>,
) -> Result<(), Vec<Diagnostic>> {
    let mut lookup = String::new();
    for e in records {
        import_record(w, e, false, &mut lookup)?;
    }
    Ok(())
}

/// One record of [`import_records`] (a reader that yields between steps admits them a few at
/// a time). `own`: this engine stored it (see [`crate::export::Reading::own`]), so the rule
/// that a serving record starts after the region's first copy is not checked again. `lookup`
/// is a buffer the caller keeps between records, for the lower-cased id.
pub(crate) fn import_record(
    w: &mut World,
    e: ReplicationRecordExport,
    own: bool,
    lookup: &mut String,
) -> Result<(), Vec<Diagnostic>> {
    let bad = |msg: String| {
        vec![Diagnostic::new(
            Code::DocumentUnrecognized,
            &e.version_id,
            "replication",
            msg,
        )]
    };
    // A record names its version by the canonical id an export writes, whose lower case is
    // the version's key: found at once. Any other spelling of an existing version is parsed
    // first (a lower-cased id equal to a version's key can only name that version). The key
    // found is shared, not made again: 100,000 records made 100,000 keys (profiled).
    lookup.clear();
    lookup.push_str(&e.version_id);
    lookup.make_ascii_lowercase();
    let (key, found) = match w.versions.get_key_value(lookup.as_str()) {
        Some((key, v)) => (key.clone(), Some(v)),
        None => {
            let Some(GalleryResourceId::Version(vref)) = GalleryResourceId::parse(&e.version_id)
            else {
                return Err(bad("not an image version id".into()));
            };
            let key = vref.key();
            let v = w.versions.get(&key);
            (key, v)
        }
    };
    let Some(v) = found else {
        return Err(bad("replication record for an unknown image version".into()));
    };
    let rec =
        region_record(&e.fields(), |r| v.targets.iter().any(|t| t.region == r)).map_err(bad)?;
    // A serving record copies replicas added after the region had completed: it can't
    // start before the region's first copy (from publishedDate) could have finished.
    if rec.serving && !own {
        let mut sizes = crate::image_size::LayoutCache::default();
        let first = nominal_records(w, v, &mut sizes)
            .into_iter()
            .find(|n| n.region == rec.region);
        let done = first.map_or(i64::MIN, |n| n.started + i64::from(n.duration_secs));
        if rec.started < done {
            return Err(bad(format!(
                "the replication record for '{}' serves before the region could have completed its first copy",
                e.region
            )));
        }
    }
    if push_record(w, key, rec) {
        Ok(())
    } else {
        Err(bad(format!(
            "duplicate replication record for '{}'",
            e.region
        )))
    }
}

/// A record's fields as read: borrowed from the stored text when they can be, so a gallery
/// part's rows cost no allocation (at ten times the limits, 300,000 strings; profiled).
pub(crate) struct RecordFields<'a> {
    /// Region, in any accepted spelling.
    pub region: &'a str,
    /// RFC 3339 effective start.
    pub started: &'a str,
    /// Copy duration in seconds.
    pub duration_seconds: u32,
    /// RFC 3339 injected fault time.
    pub failed_at: Option<&'a str>,
    /// Retries so far.
    pub retries: u32,
    /// The region serves the version while this copy runs.
    pub serving: bool,
}

impl ReplicationRecordExport {
    /// Its fields, borrowed.
    pub(crate) fn fields(&self) -> RecordFields<'_> {
        RecordFields {
            region: &self.region,
            started: &self.started,
            duration_seconds: self.duration_seconds,
            failed_at: self.failed_at.as_deref(),
            retries: self.retries,
            serving: self.serving,
        }
    }
}

/// The record `f` of a version whose target regions `is_target` tells, or what is wrong with it.
pub(crate) fn region_record(
    f: &RecordFields,
    is_target: impl Fn(RegionName) -> bool,
) -> Result<RegionReplication, String> {
    let time = |s: &str| {
        OffsetDateTime::parse(s, &Rfc3339)
            .map(unix)
            .map_err(|_| format!("'{s}' is not RFC 3339."))
    };
    let Some(region) = RegionName::new(f.region).filter(|r| is_target(*r)) else {
        return Err(format!(
            "replication record for '{}', not a target region",
            f.region
        ));
    };
    Ok(RegionReplication {
        region,
        started: time(f.started)?,
        duration_secs: f.duration_seconds,
        failed_at: f.failed_at.map(time).transpose()?,
        retries: f.retries,
        serving: f.serving,
    })
}

/// Puts `rec` among the records of the version `key`, unless it has one for the region
/// (false: a duplicate).
pub(crate) fn push_record(w: &mut World, key: Key, rec: RegionReplication) -> bool {
    // While a reading builds the world nothing is marked touched (it ends with nothing
    // touched): marking the gallery per record only cost a canonical id and a key each.
    let replication = if w.reading {
        &mut w.replication
    } else {
        w.replication_mut(&key)
    };
    // One look-up for the version's records, not one to read them and one to write them back.
    let recs = replication.records_mut(key);
    if recs.iter().any(|r| r.region == rec.region) {
        return false;
    }
    recs.push(rec);
    true
}
