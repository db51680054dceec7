//! `sig cost`: storage and egress estimate for every image version in a state file.

use std::path::Path;
use std::process::ExitCode;

use sig_core::cost::{estimate, PriceTable};

use crate::input::{read_json, InputProblem};
use crate::report::{diagnostic_line, json, lines, read_state};
use crate::Format;

/// Prints one line per version and region, then the totals and the assumptions. Prices come
/// from `--prices` when given, else from the state's own price table (set in the portal), else
/// the default assumptions.
pub fn run(state: &Path, prices: Option<&Path>, format: Format) -> Result<ExitCode, InputProblem> {
    let world = read_state(state)?;
    let table = match prices {
        None => world.price_table().cloned().unwrap_or_default(),
        Some(p) => {
            let t: PriceTable = serde_json::from_value(read_json(p)?)
                .map_err(|e| InputProblem(format!("{} is not a price table: {e}", p.display())))?;
            t.check()
                .map_err(|e| InputProblem(format!("{}: {e}", p.display())))?;
            t
        }
    };
    let e = estimate(&world, &table);
    match format {
        Format::Json => json(&e)?,
        Format::Text => {
            let c = &e.currency;
            lines(
                e.lines
                    .iter()
                    .map(|l| {
                        format!(
                            "{} {}: {} x {} [{}] storage {:.2} {c}/month, egress {:.2} {c} once{}",
                            l.version_id,
                            l.region,
                            l.replicas,
                            l.storage_account_type,
                            l.disk_tiers.join(", "),
                            l.storage_monthly,
                            l.egress_one_time,
                            if l.source_region {
                                " (source region)"
                            } else {
                                ""
                            }
                        )
                    })
                    .chain(std::iter::once(format!(
                        "total: {} managed disk(s), storage {:.2} {c}/month, egress {:.2} {c} once",
                        e.managed_disks, e.storage_monthly, e.egress_one_time
                    )))
                    .chain(e.assumptions.iter().map(diagnostic_line))
                    .chain(e.advice.iter().map(diagnostic_line)),
            )?
        }
    }
    Ok(ExitCode::SUCCESS)
}
