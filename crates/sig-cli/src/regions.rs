//! `sig regions parse`: az `--target-regions` entries to the ARM `targetRegions` JSON.

use std::process::ExitCode;

use sig_core::target_regions::parse_entries;

use crate::input::InputProblem;
use crate::report::{diagnostic_line, json, lines};
use crate::Format;

/// Parses every entry; the first bad one is reported with the az CLI's text (exit 1).
pub fn parse(entries: &[String], format: Format) -> Result<ExitCode, InputProblem> {
    match parse_entries(entries) {
        Ok(specs) => {
            let arm: Vec<_> = specs.iter().map(|s| s.to_arm()).collect();
            match format {
                Format::Json => json(&arm)?,
                Format::Text => lines(specs.iter().map(|s| {
                    format!(
                        "{}  regionalReplicaCount={}  storageAccountType={}",
                        s.name,
                        s.regional_replica_count
                            .map_or("(replicaCount)".to_string(), |n| n.to_string()),
                        s.storage_account_type
                            .map_or("(storageAccountType)", |t| t.as_str())
                    )
                }))?,
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(d) => {
            match format {
                Format::Json => json(&[&d])?,
                Format::Text => lines([diagnostic_line(&d)])?,
            }
            Ok(ExitCode::from(1))
        }
    }
}
