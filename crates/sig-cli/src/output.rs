//! Printing findings for people and for tools.

use serde::Serialize;
use sig_core::{Diagnostic, Severity};

/// One finding with the file it came from.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Finding<'a> {
    /// Stable code.
    pub code: &'a str,
    /// `error`, `warning` or `info`.
    pub severity: &'a str,
    /// The resource it is about.
    pub resource_id: &'a str,
    /// JSON path of the offending field.
    pub path: &'a str,
    /// The rule, in words.
    pub message: &'a str,
    /// The input file.
    pub file: &'a str,
}

/// Builds the printable finding for `diagnostic` found in `file`.
pub fn finding<'a>(file: &'a str, diagnostic: &'a Diagnostic) -> Finding<'a> {
    Finding {
        code: diagnostic.code.as_str(),
        severity: diagnostic.severity.as_str(),
        resource_id: &diagnostic.resource_id,
        path: &diagnostic.path,
        message: &diagnostic.message,
        file,
    }
}

/// The text form: `file: severity CODE resource path: message`.
pub fn text_line(f: &Finding<'_>) -> String {
    let path = if f.path.is_empty() { "-" } else { f.path };
    format!(
        "{}: {} {} {} {}: {}",
        f.file, f.severity, f.code, f.resource_id, path, f.message
    )
}

/// Counts by severity, for the summary line.
pub fn summary(findings: &[Finding<'_>], files: usize, resources: usize) -> String {
    let count = |s: Severity| findings.iter().filter(|f| f.severity == s.as_str()).count();
    let (errors, warnings, infos) = (
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Info),
    );
    format!(
        "{resources} resource(s) in {files} file(s): {errors} error(s), {warnings} warning(s), {infos} info"
    )
}
