//! Replication *state*: the one stored record per (version, target region) and what it looks
//! like at a time. Data and pure functions of (record, time) only, so the world can hold it while
//! the simulation that writes it ([`crate::replication`]) reads the world.

use crate::ids::Key;
use crate::regions::RegionName;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::OffsetDateTime;

/// Per-region replication state of one target region.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum RegionState {
    /// Not started yet (queried before the start).
    Unknown,
    /// Copying; see the progress.
    Replicating,
    /// Done: VMs and scale sets can be deployed here.
    Completed,
    /// Stopped by a fault; needs a retry.
    Failed,
}

impl RegionState {
    /// Azure's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            RegionState::Unknown => "Unknown",
            RegionState::Replicating => "Replicating",
            RegionState::Completed => "Completed",
            RegionState::Failed => "Failed",
        }
    }
}

/// The aggregated state of a version (Azure's `aggregatedState`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum AggregatedState {
    /// No region has started.
    Unknown,
    /// At least one region is still replicating (and none failed).
    InProgress,
    /// Every region is complete.
    Completed,
    /// At least one region failed (documented choice: a failure dominates).
    Failed,
}

impl AggregatedState {
    /// Azure's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            AggregatedState::Unknown => "Unknown",
            AggregatedState::InProgress => "InProgress",
            AggregatedState::Completed => "Completed",
            AggregatedState::Failed => "Failed",
        }
    }
}

/// The stored replication record of one (version, region). Times are whole Unix seconds (the
/// simulation's resolution for replication), which keeps the whole-world query integer-only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RegionReplication {
    /// Target region.
    pub region: RegionName,
    /// Effective start, Unix seconds (shifted forward by the time spent failed when retried).
    pub started: i64,
    /// Total copy time, fixed when the region started.
    pub duration_secs: u32,
    /// An injected fault, Unix seconds: from then on the region is Failed (until retried).
    pub failed_at: Option<i64>,
    /// How many times it was retried (shown in `details`).
    pub retries: u32,
    /// The region already serves the version while this copy runs: it is the copy of replicas
    /// added to a region that had completed, whose replicas keep serving deployments.
    pub serving: bool,
}

/// What a region looks like at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RegionStatus {
    /// Region.
    pub region: RegionName,
    /// State.
    pub state: RegionState,
    /// Percent, 0..=100 (100 only when Completed).
    pub progress: u8,
    /// When it completes (`None` for a failed region).
    pub completes_at: Option<OffsetDateTime>,
}

pub(crate) fn unix(t: OffsetDateTime) -> i64 {
    t.unix_timestamp()
}

pub(crate) fn from_unix(s: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(s).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

impl RegionReplication {
    fn done_at(&self) -> i64 {
        self.started.saturating_add(i64::from(self.duration_secs))
    }
    fn progress_at(&self, x: i64) -> u8 {
        let elapsed = u64::try_from(x.saturating_sub(self.started)).unwrap_or(0);
        let p = elapsed.saturating_mul(100) / u64::from(self.duration_secs.max(1));
        u8::try_from(p.min(99)).unwrap_or(99)
    }
    /// The region's state at Unix second `t` (the hot path of [`world_summary`]).
    pub fn state_at(&self, t: i64) -> RegionState {
        match self.failed_at {
            Some(f) if t >= f && f < self.done_at() => RegionState::Failed,
            _ if t < self.started => RegionState::Unknown,
            _ if t >= self.done_at() => RegionState::Completed,
            _ => RegionState::Replicating,
        }
    }
    /// The region's status at `t`: a pure function of the record and `t`.
    pub fn at(&self, t: OffsetDateTime) -> RegionStatus {
        let t = unix(t);
        let state = self.state_at(t);
        let (progress, completes_at) = match state {
            RegionState::Failed => (self.progress_at(self.failed_at.unwrap_or(t)), None),
            RegionState::Unknown => (0, Some(from_unix(self.done_at()))),
            RegionState::Completed => (100, Some(from_unix(self.done_at()))),
            RegionState::Replicating => (self.progress_at(t), Some(from_unix(self.done_at()))),
        };
        RegionStatus {
            region: self.region,
            state,
            progress,
            completes_at,
        }
    }
}

/// All replication records of the world: version key → its regions (a handful each), so a
/// version's status is one O(log n) lookup.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReplicationState {
    pub(crate) versions: BTreeMap<Key, Vec<RegionReplication>>,
}

impl ReplicationState {
    /// The records of a version (empty for versions without any: treated as Completed).
    pub fn regions(&self, version: &Key) -> &[RegionReplication] {
        self.versions.get(version).map_or(&[], Vec::as_slice)
    }
    /// Every version key with its records, in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&Key, &[RegionReplication])> {
        self.versions.iter().map(|(k, v)| (k, v.as_slice()))
    }
    /// Number of (version, region) records.
    pub fn len(&self) -> usize {
        self.versions.values().map(Vec::len).sum()
    }
    /// True when nothing is recorded.
    pub fn is_empty(&self) -> bool {
        self.versions.is_empty()
    }
    pub(crate) fn remove_version(&mut self, version: &Key) {
        self.versions.remove(version);
    }
    /// The records of `version`, to add one to: an empty list is made when it has none, so a
    /// caller must add a record whenever the list was empty (it may refuse only a duplicate,
    /// which an empty list cannot hold), or an empty entry would be left behind.
    pub(crate) fn records_mut(&mut self, version: Key) -> &mut Vec<RegionReplication> {
        // Room for one, not four: a version has one record per target region, most have one
        // (at ten times the limits, 100,000 lists).
        self.versions
            .entry(version)
            .or_insert_with(|| Vec::with_capacity(1))
    }
    pub(crate) fn set(&mut self, version: Key, regions: Vec<RegionReplication>) {
        self.versions.insert(version, regions);
    }
    pub(crate) fn get_mut(
        &mut self,
        version: &Key,
        region: RegionName,
    ) -> Option<&mut RegionReplication> {
        self.versions
            .get_mut(version)?
            .iter_mut()
            .find(|r| r.region == region)
    }
}
