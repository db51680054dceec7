//! `sig template`: the portal's Export template blade from the command line — the ARM
//! deployment template (or the equivalent `az` script) for galleries, definitions or versions of
//! a state file, from the same core function (`sig_core::export_template`).

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use sig_core::export_template::{export_template, TemplateRequest};

use crate::input::InputProblem;
use crate::report::{diagnostic_line, read_state};

/// Prints the template (JSON) or, with `az`, the bash script; exit 1 when the selection is
/// refused (an unknown id, resources from several resource groups), with the reason.
pub fn run(state: &Path, request: &TemplateRequest, az: bool) -> Result<ExitCode, InputProblem> {
    let world = read_state(state)?;
    let exported = match export_template(&world, request) {
        Ok(e) => e,
        Err(refused) => {
            println!("{}", diagnostic_line(&refused));
            return Ok(ExitCode::from(1));
        }
    };
    let text = if az {
        exported.script
    } else {
        serde_json::to_string_pretty(&exported.template)
            .map_err(|e| InputProblem(format!("cannot print the template: {e}")))?
    };
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", text.trim_end())
        .map_err(|e| InputProblem(format!("cannot write the template: {e}")))?;
    Ok(ExitCode::SUCCESS)
}
