//! An export document's text read in steps: one element of its arrays at a time.
//!
//! At ten times the documented limits the file is 103 MB, and reading it whole is one task of
//! over a second in the browser, with nothing shown and no way to cancel. The document is one
//! object whose large members are arrays (galleries, role assignments, ...), so its text is
//! split at their elements, each read on its own into the document's types, and the caller
//! yields to the browser between steps ([`TextReading::step`]).
//!
//! Splitting only finds where values end (strings, brackets); reading each piece is serde's
//! own, so what is accepted is what reading the text whole accepts. When anything is off — bad
//! JSON, a duplicate member, a value of the wrong type — the text is read whole once, so the
//! error is serde's very error, with its line and column.

use super::WorldExport;

/// An export document's text being read (see the module's documentation).
pub struct TextReading<'t> {
    text: &'t str,
    at: usize,
    state: State,
    /// The arrays' elements read so far.
    arrays: WorldExport,
    /// The document's other members (format, clock, price table, unknown ones) as JSON
    /// members, read together at the end.
    rest: String,
    /// The members seen, to refuse one given twice as reading it whole does.
    seen: Vec<String>,
    /// Where the next element ends, when it was looked at already.
    element_end: Option<usize>,
}

/// Values nested deeper than this are left to reading the text whole (see [`value_end`]).
const MAX_ELEMENT_DEPTH: usize = 100;

/// An element this long (in bytes) is read in a step of its own.
const LARGE_ELEMENT: usize = 256 * 1024;

/// Where the reading is.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum State {
    /// Before the document's `{`.
    Start,
    /// After `{`: a member or `}`.
    First,
    /// A member's name.
    Member,
    /// After a member's value: `,` or `}`.
    AfterMember,
    /// After an array member's `[`: an element or `]`.
    ArrayStart(Field),
    /// An element of the array.
    Element(Field),
    /// After the document's `}`.
    End,
}

/// Something is off: read the text whole for serde's own verdict.
struct Off;

impl<'t> TextReading<'t> {
    /// Starts reading `text`.
    pub fn new(text: &'t str) -> TextReading<'t> {
        TextReading {
            text,
            at: 0,
            state: State::Start,
            arrays: WorldExport::default(),
            rest: String::new(),
            seen: Vec::new(),
            element_end: None,
        }
    }

    /// Bytes read, and in all.
    pub fn progress(&self) -> (usize, usize) {
        (self.at, self.text.len())
    }

    /// Reads on, a value at a time, while `go_on` says so; the document once the whole text is
    /// read. The error is what `serde_json::from_str` says of the whole text.
    pub fn step(
        &mut self,
        go_on: &mut dyn FnMut() -> bool,
    ) -> Result<Option<WorldExport>, serde_json::Error> {
        let mut first = true;
        loop {
            // A large element (a tenant's directory of 10,000 users: ~40 ms in the browser)
            // starts a step of its own, so it does not come on top of a step's other work.
            // (Should looking ahead find the text off, reading on says so.)
            if !first && self.next_is_large().unwrap_or(false) {
                return Ok(None);
            }
            first = false;
            match self.advance() {
                Ok(Some(done)) => return Ok(Some(done)),
                Ok(None) => {}
                Err(Off) => return serde_json::from_str(self.text).map(Some),
            }
            if !go_on() {
                return Ok(None);
            }
        }
    }

    /// Whether the next thing read is an element over [`LARGE_ELEMENT`] bytes (its end is
    /// kept for reading it).
    fn next_is_large(&mut self) -> Result<bool, Off> {
        if !matches!(self.state, State::ArrayStart(_) | State::Element(_)) {
            return Ok(false);
        }
        self.skip_space();
        if self.peek() == Some(b']') {
            return Ok(false);
        }
        let end = match self.element_end {
            Some(end) => end,
            None => value_end(self.text.as_bytes(), self.at).ok_or(Off)?,
        };
        self.element_end = Some(end);
        Ok(end - self.at > LARGE_ELEMENT)
    }

    /// One step: a member, an element, or the end.
    fn advance(&mut self) -> Result<Option<WorldExport>, Off> {
        self.skip_space();
        match self.state {
            State::Start => {
                self.expect(b'{')?;
                self.state = State::First;
            }
            State::First if self.peek() == Some(b'}') => {
                self.at += 1;
                self.state = State::End;
            }
            State::First | State::Member => self.member()?,
            State::AfterMember => {
                self.state = match self.next()? {
                    b',' => State::Member,
                    b'}' => State::End,
                    _ => return Err(Off),
                }
            }
            State::ArrayStart(_) if self.peek() == Some(b']') => {
                self.at += 1;
                self.state = State::AfterMember;
            }
            State::ArrayStart(field) | State::Element(field) => {
                let end = match self.element_end.take() {
                    Some(end) => end,
                    None => value_end(self.text.as_bytes(), self.at).ok_or(Off)?,
                };
                field
                    .push(&mut self.arrays, &self.text[self.at..end])
                    .map_err(|_| Off)?;
                self.at = end;
                self.skip_space();
                self.state = match self.next()? {
                    b',' => State::Element(field),
                    b']' => State::AfterMember,
                    _ => return Err(Off),
                };
            }
            State::End => {
                if self.at != self.text.len() {
                    return Err(Off);
                }
                return self.finish().map(Some);
            }
        }
        Ok(None)
    }

    /// A member: its name, then its value (an array of a known member is read by elements).
    fn member(&mut self) -> Result<(), Off> {
        let bytes = self.text.as_bytes();
        if self.peek() != Some(b'"') {
            return Err(Off);
        }
        let end = string_end(bytes, self.at).ok_or(Off)?;
        let name: String = serde_json::from_str(&self.text[self.at..end]).map_err(|_| Off)?;
        self.at = end;
        self.skip_space();
        self.expect(b':')?;
        self.skip_space();
        if self.seen.contains(&name) {
            return Err(Off);
        }
        match Field::of(&name) {
            Some(field) if self.peek() == Some(b'[') => {
                self.at += 1;
                self.state = State::ArrayStart(field);
            }
            _ => {
                let end = value_end(bytes, self.at).ok_or(Off)?;
                if !self.rest.is_empty() {
                    self.rest.push(',');
                }
                self.rest
                    .push_str(&serde_json::to_string(&name).map_err(|_| Off)?);
                self.rest.push(':');
                self.rest.push_str(&self.text[self.at..end]);
                self.at = end;
                self.state = State::AfterMember;
            }
        }
        self.seen.push(name);
        Ok(())
    }

    /// The document: the other members read as one object, with the arrays' elements.
    fn finish(&mut self) -> Result<WorldExport, Off> {
        let mut e: WorldExport =
            serde_json::from_str(&format!("{{{}}}", self.rest)).map_err(|_| Off)?;
        let arrays = std::mem::take(&mut self.arrays);
        // Every array, named, so that a new one cannot be forgotten here.
        let WorldExport {
            format_version: _,
            clock: _,
            price_table: _,
            tenants,
            subscriptions,
            resource_groups,
            sources,
            galleries,
            images,
            versions,
            replication,
            access,
            activity_log,
            soft_deleted_versions,
        } = arrays;
        let crate::access::export::AccessExport {
            directory,
            role_definitions,
            role_assignments,
            management_groups,
            deny_assignments,
        } = access;
        e.tenants.extend(tenants);
        e.subscriptions.extend(subscriptions);
        e.resource_groups.extend(resource_groups);
        e.sources.extend(sources);
        e.galleries.extend(galleries);
        e.images.extend(images);
        e.versions.extend(versions);
        e.replication.extend(replication);
        e.access.directory.extend(directory);
        e.access.role_definitions.extend(role_definitions);
        e.access.role_assignments.extend(role_assignments);
        e.access.management_groups.extend(management_groups);
        e.access.deny_assignments.extend(deny_assignments);
        e.activity_log.extend(activity_log);
        e.soft_deleted_versions.extend(soft_deleted_versions);
        Ok(e)
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    fn next(&mut self) -> Result<u8, Off> {
        let b = self.peek().ok_or(Off)?;
        self.at += 1;
        Ok(b)
    }

    fn expect(&mut self, wanted: u8) -> Result<(), Off> {
        (self.next()? == wanted).then_some(()).ok_or(Off)
    }

    fn skip_space(&mut self) {
        let bytes = self.text.as_bytes();
        while bytes
            .get(self.at)
            .is_some_and(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
        {
            self.at += 1;
        }
    }
}

/// The document's array members read element by element (their names as serde writes them).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Field {
    Tenants,
    Subscriptions,
    ResourceGroups,
    Sources,
    Galleries,
    Images,
    Versions,
    Replication,
    Directory,
    RoleDefinitions,
    RoleAssignments,
    ManagementGroups,
    DenyAssignments,
    ActivityLog,
    SoftDeletedVersions,
}

impl Field {
    /// The member named `name`, if it is one of the arrays. Any other member is read whole,
    /// which is as right, only not in steps.
    fn of(name: &str) -> Option<Field> {
        Some(match name {
            "tenants" => Field::Tenants,
            "subscriptions" => Field::Subscriptions,
            "resourceGroups" => Field::ResourceGroups,
            "sources" => Field::Sources,
            "galleries" => Field::Galleries,
            "images" => Field::Images,
            "versions" => Field::Versions,
            "replication" => Field::Replication,
            "directory" => Field::Directory,
            "roleDefinitions" => Field::RoleDefinitions,
            "roleAssignments" => Field::RoleAssignments,
            "managementGroups" => Field::ManagementGroups,
            "denyAssignments" => Field::DenyAssignments,
            "activityLog" => Field::ActivityLog,
            "softDeletedVersions" => Field::SoftDeletedVersions,
            _ => return None,
        })
    }

    /// Reads `element` into its array of `e`.
    fn push(self, e: &mut WorldExport, element: &str) -> serde_json::Result<()> {
        use serde_json::from_str as read;
        match self {
            Field::Tenants => e.tenants.push(read(element)?),
            Field::Subscriptions => e.subscriptions.push(read(element)?),
            Field::ResourceGroups => e.resource_groups.push(read(element)?),
            Field::Sources => e.sources.push(read(element)?),
            Field::Galleries => e.galleries.push(read(element)?),
            Field::Images => e.images.push(read(element)?),
            Field::Versions => e.versions.push(read(element)?),
            Field::Replication => e.replication.push(read(element)?),
            Field::Directory => e.access.directory.push(read(element)?),
            Field::RoleDefinitions => e.access.role_definitions.push(read(element)?),
            Field::RoleAssignments => e.access.role_assignments.push(read(element)?),
            Field::ManagementGroups => e.access.management_groups.push(read(element)?),
            Field::DenyAssignments => e.access.deny_assignments.push(read(element)?),
            Field::ActivityLog => e.activity_log.push(read(element)?),
            Field::SoftDeletedVersions => e.soft_deleted_versions.push(read(element)?),
        }
        Ok(())
    }
}

/// Where the JSON value starting at `from` ends (one past it): a string, an object or array
/// (brackets counted, strings skipped), or a scalar (up to the next delimiter). Only where it
/// ends: whether it is valid JSON is for serde to say when it reads it.
fn value_end(bytes: &[u8], from: usize) -> Option<usize> {
    match *bytes.get(from)? {
        b'"' => string_end(bytes, from),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut i = from;
            while let Some(&b) = bytes.get(i) {
                match b {
                    b'"' => {
                        i = string_end(bytes, i)?;
                        continue;
                    }
                    b'{' | b'[' => {
                        depth += 1;
                        // Nested near serde's own limit (128, counted from the document, two
                        // levels above an element): the whole reading decides.
                        if depth > MAX_ELEMENT_DEPTH {
                            return None;
                        }
                    }
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(i + 1);
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            None
        }
        _ => {
            let len = bytes[from..]
                .iter()
                .position(|b| matches!(b, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r'))
                .unwrap_or(bytes.len() - from);
            (len > 0).then_some(from + len)
        }
    }
}

/// One past the closing quote of the string whose opening quote is at `from`.
fn string_end(bytes: &[u8], from: usize) -> Option<usize> {
    let mut i = from + 1;
    loop {
        match *bytes.get(i)? {
            b'"' => return Some(i + 1),
            b'\\' => i += 2,
            _ => i += 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads `text` in steps of one value each, and whole; both must agree.
    fn both(
        text: &str,
    ) -> (
        Result<serde_json::Value, String>,
        Result<serde_json::Value, String>,
    ) {
        let mut reading = TextReading::new(text);
        let mut steps = 0;
        let stepped = loop {
            steps += 1;
            assert!(steps < 1_000_000, "no end");
            match reading.step(&mut || false) {
                Ok(Some(e)) => break Ok(serde_json::to_value(e).unwrap()),
                Ok(None) => {}
                Err(e) => break Err(e.to_string()),
            }
        };
        let whole = serde_json::from_str::<WorldExport>(text)
            .map(|e| serde_json::to_value(e).unwrap())
            .map_err(|e| e.to_string());
        (stepped, whole)
    }

    #[test]
    fn a_document_read_in_steps_is_the_document_read_whole() {
        for world in [
            crate::testing::example::contoso_fabrikam(),
            crate::testing::world_with(3, 2, 2),
        ] {
            let compact = serde_json::to_string(&world).unwrap();
            let pretty = serde_json::to_string_pretty(&world).unwrap();
            for text in [compact, pretty] {
                let (stepped, whole) = both(&text);
                assert!(whole.is_ok(), "{whole:?}");
                assert_eq!(stepped, whole);
            }
        }
    }

    /// Every way a text can be off gets the error reading it whole gives, position and all;
    /// and texts that only look odd (escapes, nesting, empty arrays, unknown members) read.
    #[test]
    fn odd_and_broken_texts_read_as_reading_them_whole_does() {
        let cases = [
            r#"{"formatVersion":3}"#,
            r#" { "formatVersion" : 3 , "galleries" : [ ] } "#,
            r#"{"formatVersion":3,"tenants":[],"unknown":{"a":["]}\"",{}]},"clock":null}"#,
            r#"{"formatVersion":3,"gall\u0065ries":[]}"#,
            r#"{"formatVersion":3,"tenants":[{"id":"t\"]}","displayName":"x"}]}"#,
            // Broken: each must fail as whole reading fails.
            r#""#,
            r#"[]"#,
            r#"{}"#,
            r#"{"formatVersion":3"#,
            r#"{"formatVersion":3,}"#,
            r#"{"formatVersion":3,"galleries":[,]}"#,
            r#"{"formatVersion":3,"galleries":[{}],}"#,
            r#"{"formatVersion":3,"galleries":[1,]}"#,
            r#"{"formatVersion":3,"galleries":null}"#,
            r#"{"formatVersion":3,"galleries":[{"name":}]}"#,
            r#"{"formatVersion":3,"galleries":[],"galleries":[]}"#,
            r#"{"formatVersion":3,"roleAssignments":[],"roleAssignments":[]}"#,
            r#"{"formatVersion":"3"}"#,
            r#"{"formatVersion":3} x"#,
            r#"{"formatVersion":3,"tenants":[{"id":"a"}]]}"#,
            r#"{"formatVersion":3,"tenants":["#,
            r#"{"formatVersion":3,"clock":"unterminated}"#,
            "{\"formatVersion\":3,\n\"subscriptions\":[{\"id\":1}]}",
        ];
        let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        let deep_cases: Vec<String> = [100, 126, 127, 130]
            .into_iter()
            .flat_map(|n| {
                [
                    format!(r#"{{"formatVersion":3,"other":{}}}"#, deep(n)),
                    format!(r#"{{"formatVersion":3,"activityLog":[{}]}}"#, deep(n)),
                    // A field that takes any JSON: read alone, the element is two levels
                    // shallower than in the document.
                    format!(
                        r#"{{"formatVersion":3,"galleries":[{{"identity":{}}}]}}"#,
                        deep(n)
                    ),
                ]
            })
            .collect();
        let cases = cases
            .iter()
            .copied()
            .chain(deep_cases.iter().map(String::as_str));
        for text in cases {
            let (stepped, whole) = both(text);
            assert_eq!(stepped, whole, "{text}");
        }
    }

    /// A large element is read in a step of its own: the step before it ends just before it,
    /// though its budget would go on.
    #[test]
    fn a_large_element_starts_a_step_of_its_own() {
        let big = "x".repeat(LARGE_ELEMENT + 1);
        let text = format!(
            r#"{{"formatVersion":3,"sources":[],"tenants":[{{"id":"a","displayName":"A"}},{{"id":"b","displayName":"{big}"}},{{"id":"c","displayName":"C"}}]}}"#
        );
        let mut reading = TextReading::new(&text);
        assert!(matches!(reading.step(&mut || true), Ok(None)));
        assert_eq!(reading.progress().0, text.find(r#"{"id":"b""#).unwrap());
        let document = loop {
            if let Some(document) = reading.step(&mut || true).unwrap() {
                break document;
            }
        };
        assert_eq!(
            serde_json::to_value(document).unwrap(),
            serde_json::to_value(serde_json::from_str::<WorldExport>(&text).unwrap()).unwrap()
        );
    }
}
