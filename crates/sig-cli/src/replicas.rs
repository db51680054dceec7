//! `sig replicas`: the seed's replica guideline for a planned deployment, with the arithmetic.

use std::process::ExitCode;

use sig_core::diagnostics::has_errors;
use sig_core::replicas::{recommend, RegionDemand, ScaleSets};

use crate::input::InputProblem;
use crate::report::{diagnostic_line, json, lines};
use crate::Format;

/// Recommends replicas for `vms` concurrent VMs plus `sets` scale sets of `per_set` instances.
pub fn run(
    vms: u32,
    sets: u32,
    per_set: Option<u32>,
    region: Option<String>,
    format: Format,
) -> Result<ExitCode, InputProblem> {
    if sets > 0 && per_set.is_none() {
        return Err(InputProblem(
            "--scale-sets needs --instances-per-set (the instance count of each scale set)".into(),
        ));
    }
    if per_set == Some(0) {
        return Err(InputProblem(
            "--instances-per-set must be at least 1".into(),
        ));
    }
    let demand = RegionDemand {
        region,
        concurrent_vms: vms,
        scale_sets: vec![ScaleSets {
            count: sets,
            instances: per_set.unwrap_or(0),
        }],
    };
    let r = recommend(&demand);
    match format {
        Format::Json => json(&r)?,
        Format::Text => lines(
            std::iter::once(format!(
                "recommended replicas{}: {}",
                r.region
                    .as_deref()
                    .map(|x| format!(" in {x}"))
                    .unwrap_or_default(),
                r.recommended_replicas
            ))
            .chain(r.reasons.iter().map(|l| format!("  {l}")))
            .chain(r.diagnostics.iter().map(diagnostic_line)),
        )?,
    }
    Ok(if has_errors(&r.diagnostics) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
