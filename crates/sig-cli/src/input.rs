//! Reading what the user hands us: files and times. Every failure names the
//! file (and the position, for JSON) so it can be fixed at once.

use std::fmt;
use std::path::Path;

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// Input the command cannot work with (exit code 2).
#[derive(Debug)]
pub struct InputProblem(pub String);

impl fmt::Display for InputProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Reads `path` as one JSON document.
pub fn read_json(path: &Path) -> Result<serde_json::Value, InputProblem> {
    read_with(path, |bytes| serde_json::from_slice(bytes))
}

/// Reads `path` and recognises the gallery resources in it (`sig validate`): the same as
/// `parse_documents(&read_json(path)?)`, but large lists are streamed, never held as one tree.
pub fn read_resources(path: &Path) -> Result<sig_core::validate::ParsedInput, InputProblem> {
    read_with(path, sig_core::validate::parse_slice)
}

fn read_with<T>(
    path: &Path,
    parse: impl FnOnce(&[u8]) -> Result<T, serde_json::Error>,
) -> Result<T, InputProblem> {
    let text = std::fs::read(path)
        .map_err(|e| InputProblem(format!("cannot read {}: {e}", path.display())))?;
    // Windows PowerShell writes UTF-8 with a byte-order mark; JSON itself has none.
    let text = text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&text);
    parse(text).map_err(|e| {
        InputProblem(format!(
            "{} is not valid JSON: {} (line {}, column {})",
            path.display(),
            strip_position(&e),
            e.line(),
            e.column()
        ))
    })
}

fn strip_position(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.find(" at line ") {
        Some(cut) => text[..cut].to_string(),
        None => text,
    }
}

/// The simulation time: `--at` when given (RFC 3339), else the system clock.
/// The core never reads a clock; this shell decides what "now" is.
pub fn parse_time(at: Option<&str>) -> Result<OffsetDateTime, InputProblem> {
    match at {
        None => Ok(OffsetDateTime::now_utc()),
        Some(text) => OffsetDateTime::parse(text, &Rfc3339).map_err(|e| {
            InputProblem(format!(
                "--at {text:?} is not an RFC 3339 time such as 2026-01-31T12:00:00Z: {e}"
            ))
        }),
    }
}
