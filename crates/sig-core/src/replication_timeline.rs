//! A version's replication timeline: per target region, when copying started, when it finishes
//! (or failed), and how often it was retried — what the portal's Replication blade draws.
//!
//! Why a separate module: [`crate::replication`] answers "what is the state at `t`"; a timeline
//! also needs the records' start and end, which are the world's private replication records.
//! This exposes them read-only, as times, without widening the world's API.

use crate::replication::{version_status, RegionState, RegionStatus};
use crate::world::{VersionEntry, World};
use time::OffsetDateTime;

/// One target region's replication over time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionTimeline {
    /// The region's status at the time asked for.
    pub status: RegionStatus,
    /// When copying (effectively) started; `None` when the version predates the simulation
    /// (imported without records: Completed from the start).
    pub started: Option<OffsetDateTime>,
    /// When copying finishes (or finished); `None` when unknown (imported).
    pub finishes: Option<OffsetDateTime>,
    /// When an injected fault stopped it (while it is Failed).
    pub failed_at: Option<OffsetDateTime>,
    /// Retries so far.
    pub retries: u32,
}

fn at(secs: i64) -> Option<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp(secs).ok()
}

/// The timeline of every target region of `v`, in target-region order, with its status at `t`.
pub fn version_timeline(w: &World, v: &VersionEntry, t: OffsetDateTime) -> Vec<RegionTimeline> {
    let records = w.replication.regions(&v.id.key());
    version_status(w, v, t)
        .into_iter()
        .map(|status| {
            let record = records
                .iter()
                .find(|r| r.region == status.region)
                .filter(|r| r.duration_secs > 0 || r.started > 0);
            RegionTimeline {
                started: record.and_then(|r| at(r.started)),
                finishes: record
                    .and_then(|r| at(r.started.saturating_add(i64::from(r.duration_secs)))),
                failed_at: record
                    .and_then(|r| r.failed_at)
                    .filter(|_| status.state == RegionState::Failed)
                    .and_then(at),
                retries: record.map_or(0, |r| r.retries),
                status,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::{apply, Actor, Command};
    use crate::testing::{world_with, FIXTURE_NOW};
    use time::Duration;

    #[test]
    fn a_region_runs_from_its_start_to_its_finish_and_a_fault_is_dated() {
        let mut w = world_with(1, 1, 1);
        let id = w.versions().next().expect("one version").id.to_string();
        let v = w.version(&id).expect("version");
        let lines = version_timeline(&w, v, FIXTURE_NOW);
        assert_eq!(lines.len(), 1);
        let line = &lines[0];
        assert_eq!(line.started, Some(FIXTURE_NOW));
        let finishes = line.finishes.expect("a simulated region has an end");
        assert!(finishes > FIXTURE_NOW);
        assert_eq!(line.status.state, RegionState::Replicating);
        let done = version_timeline(&w, v, finishes);
        assert_eq!(done[0].status.state, RegionState::Completed);
        assert_eq!(done[0].status.progress, 100);

        let fault = FIXTURE_NOW + Duration::seconds(30);
        apply(
            &mut w,
            &Actor::system(),
            Command::InjectReplicationFault {
                version_id: id.clone(),
                region: "westus".into(),
            },
            fault,
        )
        .expect("fault injected");
        let v = w.version(&id).expect("version");
        let failed = version_timeline(&w, v, fault + Duration::seconds(10));
        assert_eq!(failed[0].status.state, RegionState::Failed);
        assert_eq!(failed[0].failed_at, Some(fault));
    }
}
