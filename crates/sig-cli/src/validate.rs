//! `sig validate`: every rule over every resource in the given files.

use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use sig_core::validate::{validate_input, ParsedInput};
use sig_core::Diagnostic;
use time::OffsetDateTime;

use crate::input::{read_resources, InputProblem};
use crate::output::{finding, summary, text_line, Finding};
use crate::Format;

/// Reads every file first (any unreadable file is exit 2 before any output),
/// then checks all resources together so cross-file rules apply.
pub fn run(
    files: &[PathBuf],
    state: Option<&std::path::Path>,
    format: Format,
    now: OffsetDateTime,
) -> Result<ExitCode, InputProblem> {
    let mut merged = ParsedInput::default();
    // Which file each diagnostic's resource came from.
    let mut file_of: HashMap<String, usize> = HashMap::new();
    let mut reading: Vec<(usize, Diagnostic)> = Vec::new();
    let names: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();

    for (index, path) in files.iter().enumerate() {
        let mut parsed = read_resources(path)?;
        for resource in &mut parsed.resources {
            if resource.id.is_none() {
                // Positions like `/responses/200/body` repeat across files.
                resource.rid = format!("{}#{}", names[index], resource.rid);
            }
            // With one file every finding is from it: no map needed.
            if files.len() > 1 {
                file_of.entry(resource.rid.clone()).or_insert(index);
            }
        }
        reading.extend(parsed.diagnostics.drain(..).map(|d| (index, d)));
        if files.len() > 1 {
            for d in &parsed.admission {
                file_of.entry(d.resource_id.clone()).or_insert(index);
            }
        }
        merged.admission.append(&mut parsed.admission);
        merged.resources.append(&mut parsed.resources);
        merged.sources.append(&mut parsed.sources);
        merged.subscriptions.append(&mut parsed.subscriptions);
        merged.resource_groups.append(&mut parsed.resource_groups);
    }

    let checked = validate_input(&merged, now);
    let mut all: Vec<(usize, Diagnostic)> = reading;
    all.extend(checked.into_iter().map(|d| {
        let index = file_of.get(&d.resource_id).copied().unwrap_or(0);
        (index, d)
    }));

    // With a state: what deploying the files would do to it, previewed by the core.
    let preview = match state {
        Some(path) => {
            let world = crate::report::read_state(path)?;
            Some(sig_core::whatif::what_if(&world, &merged.resources, now))
        }
        None => None,
    };
    let findings: Vec<Finding<'_>> = all
        .iter()
        .map(|(index, d)| finding(&names[*index], d))
        .collect();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let written = match (format, &preview) {
        (Format::Json, None) => serde_json::to_writer_pretty(&mut out, &findings)
            .map_err(std::io::Error::from)
            .and_then(|_| writeln!(out)),
        (Format::Json, Some(p)) => {
            let doc = serde_json::json!({"findings": findings, "whatIf": p});
            serde_json::to_writer_pretty(&mut out, &doc)
                .map_err(std::io::Error::from)
                .and_then(|_| writeln!(out))
        }
        (Format::Text, _) => findings
            .iter()
            .try_for_each(|f| writeln!(out, "{}", text_line(f)))
            .and_then(|_| {
                preview
                    .iter()
                    .flatten()
                    .try_for_each(|w| writeln!(out, "{}", what_if_line(w)))
            })
            .and_then(|_| {
                writeln!(
                    out,
                    "{}",
                    summary(&findings, files.len(), merged.resources.len())
                )
            }),
    };
    written.map_err(|e| InputProblem(format!("cannot write the results: {e}")))?;

    let refused = preview
        .iter()
        .flatten()
        .any(|w| w.diagnostics.iter().any(Diagnostic::is_error));
    let failed = refused || all.iter().any(|(_, d)| d.is_error());
    drop(findings);
    // The process is about to exit, which frees these at once: a drop walking every resource
    // would cost more than reading them (this is the whole-process cost `sig validate` pays).
    std::mem::forget(all);
    std::mem::forget(merged);
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// `what-if create|change|no change ID [properties]`, then the service's findings indented.
fn what_if_line(w: &sig_core::whatif::WhatIf) -> String {
    use sig_core::whatif::Outcome;
    let head = match &w.outcome {
        Outcome::Create => format!("what-if: create {}", w.id),
        Outcome::Modify { properties } => {
            format!("what-if: change {} ({})", w.id, properties.join(", "))
        }
        Outcome::NoChange => format!("what-if: no change {}", w.id),
    };
    let found: Vec<String> = w
        .diagnostics
        .iter()
        .map(|d| format!("\n  {}", crate::report::diagnostic_line(d)))
        .collect();
    format!("{head}{}", found.concat())
}
