//! The Activity log: what was asked of the simulated Azure, by whom, when,
//! and how it ended (refusals included). It is kept with the world, so it
//! survives a reload and travels in the state file, where each record has
//! the shape Azure Monitor prints for an activity log event
//! (`az monitor activity-log list`: `eventTimestamp`, `caller`,
//! `operationName.value`, `resourceId`, `status.value`, `level`,
//! `properties.statusMessage`).
//!
//! The shells write it after every `apply` — a refusal changes nothing else
//! in the world, yet belongs in the log — through `World::record_activity`;
//! it is the only part of the world written outside `apply`, and it records
//! what `apply` answered, never what the world is.

use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::diagnostics::{Code, Diagnostic};

/// How many records the log keeps, newest first. Azure keeps 90 days; the
/// simulator keeps a count, so a long session cannot grow the saved state
/// without bound.
pub const MAX_ACTIVITY_RECORDS: usize = 1_000;

/// `{ "value": … }`, as Azure Monitor wraps an event's operation and status.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Named {
    /// The value (`CreateGallery`, `Succeeded`).
    pub value: String,
}

/// An event's `properties`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActivityProperties {
    /// What happened: the created resources, or the refusal with the core's reason.
    #[serde(default)]
    pub status_message: String,
}

/// One activity log event.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActivityRecord {
    /// A unique id of the event.
    pub event_data_id: String,
    /// When, on the simulation clock (RFC 3339).
    pub event_timestamp: String,
    /// Who asked (a user principal name, an app id).
    pub caller: String,
    /// The operation: the command's name.
    pub operation_name: Named,
    /// The resource or scope it targeted.
    #[serde(default)]
    pub resource_id: String,
    /// `Succeeded` or `Failed`.
    pub status: Named,
    /// `Informational` for a success, `Error` for a refusal.
    #[serde(default)]
    pub level: String,
    /// The detail.
    #[serde(default)]
    pub properties: ActivityProperties,
}

impl ActivityRecord {
    /// A record of one `apply`: `succeeded` says how it ended, `message` what happened.
    pub fn new(
        event_data_id: String,
        at: OffsetDateTime,
        caller: &str,
        operation: &str,
        resource_id: &str,
        succeeded: bool,
        message: String,
    ) -> Self {
        ActivityRecord {
            event_data_id,
            event_timestamp: at.format(&Rfc3339).unwrap_or_default(),
            caller: caller.to_string(),
            operation_name: Named {
                value: operation.to_string(),
            },
            resource_id: resource_id.to_string(),
            status: Named {
                value: if succeeded { "Succeeded" } else { "Failed" }.to_string(),
            },
            level: if succeeded { "Informational" } else { "Error" }.to_string(),
            properties: ActivityProperties {
                status_message: message,
            },
        }
    }

    /// Whether the command it records was applied.
    pub fn succeeded(&self) -> bool {
        self.status.value == "Succeeded"
    }

    /// The rules a record read from a file must meet, with the path of the
    /// offending field under `activityLog[index]`.
    pub fn check(&self, index: usize) -> Vec<Diagnostic> {
        let at = |field: &str| format!("activityLog[{index}].{field}");
        let mut found = Vec::new();
        if OffsetDateTime::parse(&self.event_timestamp, &Rfc3339).is_err() {
            found.push(Diagnostic::new(
                Code::DateInvalid,
                &self.event_data_id,
                at("eventTimestamp"),
                format!(
                    "The event time '{}' is not an RFC 3339 date and time.",
                    self.event_timestamp
                ),
            ));
        }
        if !matches!(self.status.value.as_str(), "Succeeded" | "Failed") {
            found.push(Diagnostic::new(
                Code::InvalidParameter,
                &self.event_data_id,
                at("status.value"),
                format!(
                    "The status '{}' is not one of Succeeded, Failed.",
                    self.status.value
                ),
            ));
        }
        for (field, value) in [
            ("eventDataId", &self.event_data_id),
            ("caller", &self.caller),
            ("operationName.value", &self.operation_name.value),
        ] {
            if value.trim().is_empty() {
                found.push(Diagnostic::new(
                    Code::InvalidParameter,
                    &self.event_data_id,
                    at(field),
                    format!("An activity log event needs its {field}."),
                ));
            }
        }
        found
    }
}

/// The log itself: records newest first, at most [`MAX_ACTIVITY_RECORDS`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActivityLog {
    records: Vec<ActivityRecord>,
}

impl ActivityLog {
    /// The records, newest first.
    pub fn records(&self) -> &[ActivityRecord] {
        &self.records
    }

    /// Adds a record in time order (newest first), keeping the newest [`MAX_ACTIVITY_RECORDS`].
    /// A record whose `eventDataId` is already there is not added twice
    /// (another tab's save may bring it back).
    pub fn record(&mut self, record: ActivityRecord) {
        if self
            .records
            .iter()
            .any(|r| r.event_data_id == record.event_data_id)
        {
            return;
        }
        // Newest first by time: a tab's lines replayed onto another tab's
        // newer save fall in among them (RFC 3339 UTC stamps sort as text).
        let at = self
            .records
            .iter()
            .position(|r| r.event_timestamp <= record.event_timestamp)
            .unwrap_or(self.records.len());
        self.records.insert(at, record);
        self.records.truncate(MAX_ACTIVITY_RECORDS);
    }

    /// A state file's log: every record checked (paths under
    /// `activityLog[i]`), kept newest first as written, the newest
    /// [`MAX_ACTIVITY_RECORDS`] kept.
    pub fn restore(records: Vec<ActivityRecord>) -> Result<ActivityLog, Vec<Diagnostic>> {
        let found: Vec<Diagnostic> = records
            .iter()
            .enumerate()
            .flat_map(|(i, r)| r.check(i))
            .collect();
        if !found.is_empty() {
            return Err(found);
        }
        let mut records = records;
        records.truncate(MAX_ACTIVITY_RECORDS);
        Ok(ActivityLog { records })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::FIXTURE_NOW;

    fn record(id: &str, succeeded: bool) -> ActivityRecord {
        ActivityRecord::new(
            id.into(),
            FIXTURE_NOW,
            "admin@contoso.com",
            "CreateGallery",
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/galleries/g",
            succeeded,
            "Created gallery g".into(),
        )
    }

    #[test]
    fn records_have_azure_monitors_shape() {
        let json = serde_json::to_value(record("e1", false)).unwrap();
        assert_eq!(json["eventTimestamp"], "2020-06-01T12:00:00Z");
        assert_eq!(json["operationName"]["value"], "CreateGallery");
        assert_eq!(json["status"]["value"], "Failed");
        assert_eq!(json["level"], "Error");
        assert_eq!(json["properties"]["statusMessage"], "Created gallery g");
    }

    #[test]
    fn the_log_is_newest_first_bounded_and_without_repeats() {
        let mut log = ActivityLog::default();
        for i in 0..MAX_ACTIVITY_RECORDS + 5 {
            log.record(record(&format!("e{i}"), true));
        }
        log.record(record("e1004", true));
        assert_eq!(log.records().len(), MAX_ACTIVITY_RECORDS);
        assert_eq!(log.records()[0].event_data_id, "e1004");
        assert_eq!(log.records()[MAX_ACTIVITY_RECORDS - 1].event_data_id, "e5");
    }

    #[test]
    fn a_records_rules_name_the_field() {
        let cases = [
            ("eventTimestamp", {
                let mut r = record("e", true);
                r.event_timestamp = "yesterday".into();
                r
            }),
            ("status.value", {
                let mut r = record("e", true);
                r.status.value = "Maybe".into();
                r
            }),
            ("caller", {
                let mut r = record("e", true);
                r.caller = " ".into();
                r
            }),
            ("eventDataId", record("", true)),
        ];
        for (field, r) in cases {
            let found = r.check(3);
            assert_eq!(found.len(), 1, "{field}: {found:?}");
            assert_eq!(found[0].path, format!("activityLog[3].{field}"));
        }
        assert!(record("e", true).check(0).is_empty());
        let refused = ActivityLog::restore(vec![record("a", true), record("", true)]).unwrap_err();
        assert_eq!(refused[0].path, "activityLog[1].eventDataId");
    }
}
