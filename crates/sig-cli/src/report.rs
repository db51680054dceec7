//! Printing helpers shared by the planning commands (`replicas`, `regions`, `cost`, `deploy`):
//! JSON to stdout for tools, and one line per diagnostic for people.

use std::io::Write;

use serde::Serialize;
use sig_core::Diagnostic;

use crate::input::InputProblem;

/// Writes `value` as pretty JSON and a newline to stdout.
pub fn json<T: Serialize + ?Sized>(value: &T) -> Result<(), InputProblem> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    serde_json::to_writer_pretty(&mut out, value)
        .map_err(std::io::Error::from)
        .and_then(|_| writeln!(out))
        .map_err(|e| InputProblem(format!("cannot write the results: {e}")))
}

/// Writes text lines to stdout.
pub fn lines<I: IntoIterator<Item = String>>(lines: I) -> Result<(), InputProblem> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    lines
        .into_iter()
        .try_for_each(|l| writeln!(out, "{l}"))
        .map_err(|e| InputProblem(format!("cannot write the results: {e}")))
}

/// `severity CODE path: message` for one diagnostic.
pub fn diagnostic_line(d: &Diagnostic) -> String {
    let path = if d.path.is_empty() { "-" } else { &d.path };
    format!("{} {} {path}: {}", d.severity.as_str(), d.code, d.message)
}

/// Reads a World export (`--state FILE`); any problem is bad input (exit 2).
pub fn read_state(path: &std::path::Path) -> Result<sig_core::World, InputProblem> {
    let json = crate::input::read_json(path)?;
    serde_json::from_value(json).map_err(|e| {
        InputProblem(format!(
            "{} is not a SIG Portal state (World export): {e}",
            path.display()
        ))
    })
}
