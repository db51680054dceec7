//! `sig deploy check`: would this VM / scale-set deployment work, and why (exit 0 allowed, 1 refused).

use std::path::Path;
use std::process::ExitCode;

use sig_core::deploy::{check_deployment, DeploymentRequest};
use time::OffsetDateTime;

use crate::input::InputProblem;
use crate::report::{diagnostic_line, json, lines, read_state};
use crate::Format;

/// Checks `request` against the state file's world at `now`.
pub fn check(
    state: &Path,
    request: &DeploymentRequest,
    now: OffsetDateTime,
    format: Format,
) -> Result<ExitCode, InputProblem> {
    if request.instances == 0 {
        return Err(InputProblem("--instances must be at least 1".into()));
    }
    let world = read_state(state)?;
    let c = check_deployment(&world, request, now);
    match format {
        Format::Json => json(&c)?,
        Format::Text => lines(
            std::iter::once(format!(
                "{}: {} {} of {} in {}{}",
                if c.allowed { "allowed" } else { "refused" },
                request.instances,
                if request.scale_set {
                    "scale set instance(s)"
                } else {
                    "VM(s)"
                },
                request.image,
                request.region,
                c.image_version
                    .as_deref()
                    .filter(|v| *v != request.image)
                    .map(|v| format!(" (version {v})"))
                    .unwrap_or_default()
            ))
            .chain(c.diagnostics.iter().map(diagnostic_line)),
        )?,
    }
    Ok(if c.allowed {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
