//! Where the core's findings go on a form. Errors always come from the core
//! (`Store::preview`); these helpers only place them next to the field whose
//! JSON path they name.

use leptos::prelude::*;
use sig_core::{Command, Diagnostic};

use crate::store::Store;

/// Does `path` name `field` or something inside it?
pub fn path_within(path: &str, field: &str) -> bool {
    path == field
        || (path.starts_with(field)
            && matches!(path.as_bytes().get(field.len()), Some(b'.') | Some(b'[')))
}

/// The error messages of `diagnostics` that belong to any of `fields`.
pub fn errors_at(diagnostics: &[Diagnostic], fields: &[&str]) -> Vec<String> {
    diagnostics
        .iter()
        .filter(|d| d.is_error() && fields.iter().any(|f| path_within(&d.path, f)))
        .map(|d| d.message.clone())
        .collect()
}

/// Error messages that no field on the form claims, so they are shown at the
/// top instead of being lost.
pub fn unplaced_errors(diagnostics: &[Diagnostic], claimed: &[&str]) -> Vec<String> {
    diagnostics
        .iter()
        .filter(|d| d.is_error() && !claimed.iter().any(|f| path_within(&d.path, f)))
        .map(|d| d.message.clone())
        .collect()
}

/// The core's findings on the command a form would send, recomputed as its
/// fields change; every wizard asks it where to show what.
#[derive(Clone, Copy)]
pub struct Verdict {
    /// Errors and warnings of `Store::preview` on the current command.
    pub diagnostics: Memo<Vec<Diagnostic>>,
}

impl Verdict {
    /// Previews `command()` (the form's current command) through the core.
    pub fn new(
        store: Store,
        command: impl Fn() -> Option<Command> + Send + Sync + 'static,
    ) -> Self {
        Self::filtered(store, command, |_| false)
    }

    /// As [`Verdict::new`], leaving out the findings `skip` accepts (what the
    /// form settles another way, such as a group it creates first).
    pub fn filtered(
        store: Store,
        command: impl Fn() -> Option<Command> + Send + Sync + 'static,
        skip: impl Fn(&Diagnostic) -> bool + Send + Sync + 'static,
    ) -> Self {
        let diagnostics = Memo::new(move |_| {
            let mut found = match command() {
                Some(command) => match store.preview(&command) {
                    Ok(warnings) => warnings,
                    Err(error) => error.diagnostics,
                },
                None => Vec::new(),
            };
            found.retain(|d| !skip(d));
            found
        });
        Verdict { diagnostics }
    }

    /// No errors: the core would accept the command.
    pub fn valid(self) -> Signal<bool> {
        Signal::derive(move || !self.diagnostics.get().iter().any(Diagnostic::is_error))
    }

    /// Error messages for a field owning `paths`.
    pub fn errors_at(self, paths: &'static [&'static str]) -> Signal<Vec<String>> {
        Signal::derive(move || errors_at(&self.diagnostics.get(), paths))
    }

    /// The errors no field claims (shown on the review tab).
    pub fn unplaced(self, claimed: Vec<&'static str>) -> Signal<Vec<String>> {
        // The rules not being here yet is not an error of the form (the wizard says it).
        Signal::derive(move || {
            let found = self.diagnostics.get();
            let findings: Vec<Diagnostic> = found
                .into_iter()
                .filter(|d| !crate::engine::is_unavailable(d))
                .collect();
            unplaced_errors(&findings, &claimed)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_match_fields_and_their_insides_only() {
        assert!(path_within("name", "name"));
        assert!(path_within(
            "properties.identifier.publisher",
            "properties.identifier"
        ));
        assert!(path_within(
            "properties.targetRegions[2].name",
            "properties.targetRegions"
        ));
        assert!(!path_within(
            "properties.identifierX",
            "properties.identifier"
        ));
        assert!(!path_within("names", "name"));
    }
}
