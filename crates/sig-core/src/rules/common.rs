//! Rules shared by several resource kinds: locations, URIs, dates, names vs ids.

use crate::diagnostics::{Code, Diagnostic};
use crate::regions::{self, RegionName};
use crate::template::is_expression;
use time::format_description::well_known::{Iso8601, Rfc3339};
use time::{Date, OffsetDateTime, PrimitiveDateTime};

/// Checks a resource `location`: required, a known region, and one of the seed's source regions.
pub fn check_location(
    location: Option<&str>,
    resource_type: &str,
    rid: &str,
    out: &mut Vec<Diagnostic>,
) -> Option<RegionName> {
    let Some(loc) = location else {
        out.push(Diagnostic::new(
            Code::RequiredPropertyMissing,
            rid,
            "location",
            "Required property 'location' is missing. A gallery resource must name the region it is created in.",
        ));
        return None;
    };
    if is_expression(loc) {
        return None;
    }
    match RegionName::new(loc) {
        Some(r) if r.region().is_source_region() => Some(r),
        _ => {
            let list: Vec<&str> = regions::source_regions().map(|r| r.display_name).collect();
            out.push(Diagnostic::new(
                Code::LocationNotAvailableForResourceType,
                rid,
                "location",
                format!(
                    "The provided location '{loc}' is not available for resource type '{resource_type}'. List of available regions for the resource type is '{}'.",
                    list.join(",")
                ),
            ));
            None
        }
    }
}

/// ARM's refusal when a resource would exceed a per-subscription, per-region limit (the seed's
/// 100 galleries, 1,000 image definitions, 10,000 image versions). Commands and `sig validate`
/// both say it with this one text.
pub fn limit_exceeded(
    what: &str,
    max: usize,
    subscription: &str,
    region: RegionName,
    rid: &str,
) -> Diagnostic {
    Diagnostic::new(Code::OperationNotAllowed, rid, "location",
        format!("Operation could not be completed as it results in exceeding the limit of {max} {what} per subscription per region (subscription '{subscription}', region '{}').", region.display_name()))
}

/// A gallery name already used in the subscription (`other` says where: a resource group, or
/// the other resource in a file). Gallery names are unique per subscription.
pub fn gallery_name_taken(name: &str, subscription: &str, other: &str, rid: &str) -> Diagnostic {
    Diagnostic::new(Code::Conflict, rid, "name",
        format!("A gallery named '{name}' already exists in subscription '{subscription}' ({other}). Gallery names must be unique within your subscription."))
}

/// A Publisher / Offer / SKU already used by `other` (a definition's name) in the gallery.
pub fn identifier_taken(
    other: &str,
    publisher: &str,
    offer: &str,
    sku: &str,
    rid: &str,
) -> Diagnostic {
    Diagnostic::new(Code::DuplicateIdentifier, rid, "properties.identifier",
        format!("Gallery image: {other} identified by (publisher:{publisher}, offer:{offer}, sku:{sku}) already exists. Choose a different publisher, offer, sku combination."))
}

/// The part every gallery resource has: a name, tags and a location.
pub trait Envelope {
    /// The body's `name`.
    fn body_name(&self) -> Option<&str>;
    /// The body's `tags`.
    fn tags(&self) -> Option<&crate::arm::Tags>;
    /// The body's `location`.
    fn body_location(&self) -> Option<&str>;
}

macro_rules! envelope {
    ($($t:ty),*) => {$(
        impl Envelope for $t {
            fn body_name(&self) -> Option<&str> { self.name.as_deref() }
            fn tags(&self) -> Option<&crate::arm::Tags> { self.tags.as_ref() }
            fn body_location(&self) -> Option<&str> { self.location.as_deref() }
        }
    )*};
}
envelope!(
    crate::arm::Gallery,
    crate::arm::GalleryImage,
    crate::arm::GalleryImageVersion
);

/// What every gallery resource is checked for first: its name (by its kind's rule, `what`
/// naming the kind in messages), its tags and its location, valid for `resource_type`.
/// Returns the location when it is one.
#[allow(clippy::too_many_arguments)]
pub fn check_envelope(
    r: &dyn Envelope,
    id_name: Option<&str>,
    validate: fn(&str) -> Result<(), crate::names::NameError>,
    what: &str,
    resource_type: &str,
    rid: &str,
    ctx: &super::RuleCtx,
    out: &mut Vec<Diagnostic>,
) -> Option<RegionName> {
    check_resource_name(r.body_name(), id_name, validate, what, rid, ctx, out);
    check_tags(r.tags(), rid, out);
    check_location(r.body_location(), resource_type, rid, out)
}

/// Azure's limits on tags (Azure docs, "Use tags to organize your Azure resources"): at most 50
/// name/value pairs per resource, names up to 512 characters without `<`, `>`, `%`, `&`, `\\`,
/// `?`, `/` or control characters, values up to 256 characters. Lengths count characters.
pub fn check_tags(tags: Option<&crate::arm::Tags>, rid: &str, out: &mut Vec<Diagnostic>) {
    let Some(tags) = tags else {
        return;
    };
    if tags.len() > MAX_TAGS {
        out.push(Diagnostic::new(
            Code::TooManyTags,
            rid,
            "tags",
            format!(
                "A resource can have at most {MAX_TAGS} tags; this one has {}.",
                tags.len()
            ),
        ));
    }
    for (name, value) in tags {
        let path = format!("tags.{name}");
        let shown: String = name.chars().take(40).collect();
        if name.chars().count() > MAX_TAG_NAME {
            out.push(Diagnostic::new(
                Code::TagNameTooLong,
                rid,
                &path,
                format!("The tag name '{shown}…' is longer than {MAX_TAG_NAME} characters."),
            ));
        }
        if name.is_empty()
            || name
                .chars()
                .any(|c| matches!(c, '<' | '>' | '%' | '&' | '\\' | '?' | '/') || c.is_control())
        {
            out.push(Diagnostic::new(
                Code::InvalidTagNameCharacters,
                rid,
                &path,
                format!("The tag name '{shown}' is empty or has reserved characters ('<,>,%,&,\\,?,/') or control characters."),
            ));
        }
        if value.chars().count() > MAX_TAG_VALUE {
            out.push(Diagnostic::new(
                Code::TagValueTooLong,
                rid,
                &path,
                format!("The value of tag '{shown}' is longer than {MAX_TAG_VALUE} characters."),
            ));
        }
    }
}

/// Most tags on one resource.
pub const MAX_TAGS: usize = 50;
/// Longest tag name, in characters.
pub const MAX_TAG_NAME: usize = 512;
/// Longest tag value, in characters.
pub const MAX_TAG_VALUE: usize = 256;

/// Absolute `http`/`https` URI with a host, no whitespace (refuses `javascript:`, `data:`, relative).
pub fn is_absolute_http_uri(s: &str) -> bool {
    // `get` and not indexing: a non-ASCII character at byte 7 or 8 is not a char boundary.
    let scheme = |n: usize, want: &str| s.get(..n).is_some_and(|p| p.eq_ignore_ascii_case(want));
    let rest = if scheme(8, "https://") {
        &s[8..]
    } else if scheme(7, "http://") {
        &s[7..]
    } else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    !host.is_empty() && !s.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// Checks an optional URI property.
pub fn check_uri(value: Option<&str>, path: &str, rid: &str, out: &mut Vec<Diagnostic>) {
    if let Some(v) = value {
        if !is_expression(v) && !is_absolute_http_uri(v) {
            out.push(Diagnostic::new(
                Code::UriInvalid,
                rid,
                path,
                format!("'{v}' is not an absolute http or https URI. Links such as the EULA, privacy statement and release notes must be absolute http(s) URIs."),
            ));
        }
    }
}

/// Parses ISO 8601: RFC 3339, date-time without offset (UTC assumed) or a date (00:00 UTC).
pub fn parse_iso8601(s: &str) -> Option<OffsetDateTime> {
    let s = s.trim();
    if let Ok(t) = OffsetDateTime::parse(s, &Rfc3339) {
        return Some(t);
    }
    if let Ok(t) = OffsetDateTime::parse(s, &Iso8601::DEFAULT) {
        return Some(t);
    }
    if let Ok(t) = PrimitiveDateTime::parse(s, &Iso8601::DEFAULT) {
        return Some(t.assume_utc());
    }
    // `yyyy-MM-dd`, read by hand: a format description here links time's whole description
    // parser into the wasm module (18 KB) for one shape.
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    if b.len() != 10
        || b[4] != b'-'
        || b[7] != b'-'
        || !digits(0..4)
        || !digits(5..7)
        || !digits(8..10)
    {
        return None;
    }
    let year: i32 = s[0..4].parse().ok()?;
    let month = time::Month::try_from(s[5..7].parse::<u8>().ok()?).ok()?;
    let day: u8 = s[8..10].parse().ok()?;
    Date::from_calendar_date(year, month, day)
        .ok()
        .map(|d| d.midnight().assume_utc())
}

/// Checks an `endOfLifeDate`: parses, and is in the future relative to `now` when `must_be_future`.
pub fn check_end_of_life(
    value: Option<&str>,
    path: &str,
    rid: &str,
    ctx: &super::RuleCtx,
    out: &mut Vec<Diagnostic>,
) {
    let (now, must_be_future) = (ctx.now, ctx.eol_must_be_future);
    let Some(v) = value else { return };
    if is_expression(v) {
        return;
    }
    match parse_iso8601(v) {
        None => out.push(Diagnostic::new(
            Code::DateInvalid,
            rid,
            path,
            format!("Could not convert string to DateTimeOffset: {v}. Path '{path}'. Use ISO 8601 (yyyy-MM-dd or yyyy-MM-ddTHH:mm:ssZ)."),
        )),
        Some(t) if must_be_future && t <= now => out.push(Diagnostic::new(
            Code::EndOfLifeDateInPast,
            rid,
            path,
            "EndOfLifeDate must be set to a future date.",
        )),
        Some(t) if ctx.eol_passed_warns && t <= now => out.push(Diagnostic::new(
            Code::EndOfLifePassed,
            rid,
            path,
            format!("The end-of-life date {v} has passed. The resource can still be used: the date is informational (a new one must be in the future)."),
        )),
        Some(_) => {}
    }
}

/// In files, `name` should agree with the id's last segment.
pub fn check_name_id(
    name: Option<&str>,
    id_name: Option<&str>,
    rid: &str,
    out: &mut Vec<Diagnostic>,
) {
    if let (Some(n), Some(i)) = (name, id_name) {
        if !n.eq_ignore_ascii_case(i) && !is_expression(n) {
            out.push(Diagnostic::new(
                Code::NameIdMismatch,
                rid,
                "name",
                format!("The resource name '{n}' differs from the last segment of its id ('{i}')."),
            ));
        }
    }
}

/// The name rule every gallery resource shares: the name (from the id, else the body) must pass
/// its validated newtype's `validate`, must exist, and — when checking files — the body's `name`
/// must agree with the id. `what` names the resource in the message ("gallery", "image version").
pub fn check_resource_name(
    body_name: Option<&str>,
    id_name: Option<&str>,
    validate: fn(&str) -> Result<(), crate::names::NameError>,
    what: &str,
    rid: &str,
    ctx: &super::RuleCtx,
    out: &mut Vec<Diagnostic>,
) {
    match id_name.or(body_name) {
        Some(n) if !is_expression(n) => {
            if let Err(e) = validate(n) {
                out.push(Diagnostic::new(e.code, rid, "name", e.message));
            }
        }
        Some(_) => {}
        None => out.push(Diagnostic::new(
            Code::RequiredPropertyMissing,
            rid,
            "name",
            format!("The {what} has no name (neither an id nor a name)."),
        )),
    }
    if ctx.check_name_id {
        check_name_id(body_name, id_name, rid, out);
    }
}

/// Reports an enumerated value outside its allowed set. `allowed` and `path` are only formatted
/// when a diagnostic is emitted (pass `&str`, or a lazy `Display` such as `format_args!`).
pub fn check_enum<T>(
    value: Option<&str>,
    parse: fn(&str) -> Option<T>,
    allowed: impl std::fmt::Display,
    code: Code,
    path: impl std::fmt::Display,
    rid: &str,
    out: &mut Vec<Diagnostic>,
) -> Option<T> {
    let v = value?;
    if is_expression(v) {
        return None;
    }
    let parsed = parse(v);
    if parsed.is_none() {
        out.push(Diagnostic::new(
            code,
            rid,
            path.to_string(),
            format!("The value '{v}' of '{path}' is not valid. Allowed values are: {allowed}."),
        ));
    }
    parsed
}

/// A location difference is a best-practice warning (seed FAQ).
pub fn warn_location_differs(
    mine: Option<RegionName>,
    other: Option<RegionName>,
    what: &str,
    rid: &str,
    out: &mut Vec<Diagnostic>,
) {
    if let (Some(a), Some(b)) = (mine, other) {
        if a != b {
            out.push(Diagnostic::new(
                Code::LocationDiffers,
                rid,
                "location",
                format!(
                    "This resource is in '{}' but its {what} is in '{}'. That is allowed, but as a best practice keep the resource group, gallery, image definition and image version in the same location.",
                    a.display_name(),
                    b.display_name()
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_date_is_midnight_utc_and_nothing_else_passes_for_one() {
        let day =
            |s: &str| parse_iso8601(s).map(|t| (t.year(), u8::from(t.month()), t.day(), t.hour()));
        assert_eq!(day("2030-02-28"), Some((2030, 2, 28, 0)));
        assert_eq!(day(" 2030-12-01 "), Some((2030, 12, 1, 0)));
        for bad in [
            "2030-02-30",
            "2030-13-01",
            "2030-2-28",
            "+203-02-28",
            "2030/02/28",
            "20300228",
            "2030-02-2a",
            "",
            "2030-02-28x",
        ] {
            assert_eq!(day(bad), None, "{bad}");
        }
        assert!(parse_iso8601("2030-02-28T10:00:00Z").is_some());
    }
    use time::macros::datetime;

    #[test]
    fn uris() {
        for ok in ["https://contoso.com/eula", "http://x", "HTTPS://a.b/c?d#e"] {
            assert!(is_absolute_http_uri(ok), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            "data:text/html,x",
            "/relative",
            "eula.html",
            "https://",
            "ftp://x",
            "https://a b",
            "",
        ] {
            assert!(!is_absolute_http_uri(bad), "{bad}");
        }
    }

    #[test]
    fn dates() {
        let now = datetime!(2024-06-01 12:00 UTC);
        let lookup = super::super::NoLookup;
        let create = super::super::RuleCtx::create(now, &lookup);
        let check = |v: &str| {
            let mut out = Vec::new();
            check_end_of_life(Some(v), "properties.endOfLifeDate", "r", &create, &mut out);
            out.first().map(|d| d.code)
        };
        assert_eq!(check("2024-06-02"), None);
        assert_eq!(check("2024-06-01"), Some(Code::EndOfLifeDateInPast));
        assert_eq!(check("2024-06-01T12:00:01Z"), None);
        assert_eq!(
            check("2024-06-01T12:00:00Z"),
            Some(Code::EndOfLifeDateInPast)
        );
        assert_eq!(
            check("2024-06-01T13:00:00+02:00"),
            Some(Code::EndOfLifeDateInPast)
        );
        assert_eq!(check("2030-01-01T00:00:00"), None);
        assert_eq!(check("2030-01-01T00:00:00.1234567+00:00"), None);
        assert_eq!(check("2023-12-31"), Some(Code::EndOfLifeDateInPast));
        for bad in ["tomorrow", "2030-13-01", "01/01/2030", ""] {
            assert_eq!(check(bad), Some(Code::DateInvalid), "{bad}");
        }
        let mut out = Vec::new();
        let mut unchanged = super::super::RuleCtx::create(now, &lookup);
        unchanged.eol_must_be_future = false;
        check_end_of_life(Some("2000-01-01"), "p", "r", &unchanged, &mut out);
        assert!(out.is_empty(), "not enforced when unchanged on update");
        // An existing resource past its end of life: a warning, not an error.
        let mut existing = super::super::RuleCtx::validate(now, &lookup);
        existing.eol_must_be_future = false;
        existing.eol_passed_warns = true;
        check_end_of_life(Some("2000-01-01"), "p", "r", &existing, &mut out);
        assert_eq!(
            out.iter().map(|d| d.code).collect::<Vec<_>>(),
            [Code::EndOfLifePassed]
        );
        out.clear();
        check_end_of_life(Some("2030-01-01"), "p", "r", &existing, &mut out);
        assert!(out.is_empty(), "a future date says nothing");
    }

    #[test]
    fn locations() {
        let mut out = Vec::new();
        assert!(check_location(Some("West US"), "t", "r", &mut out).is_some());
        assert!(
            check_location(Some("westus3"), "t", "r", &mut out).is_none(),
            "not a seed source region"
        );
        assert!(check_location(Some("atlantis"), "t", "r", &mut out).is_none());
        assert!(check_location(None, "t", "r", &mut out).is_none());
        assert!(check_location(Some("[resourceGroup().location]"), "t", "r", &mut out).is_none());
        let codes: Vec<_> = out.iter().map(|d| d.code).collect();
        assert_eq!(
            codes,
            [
                Code::LocationNotAvailableForResourceType,
                Code::LocationNotAvailableForResourceType,
                Code::RequiredPropertyMissing
            ]
        );
    }

    /// Tag limits at their boundaries: 50 tags, 512-character names, 256-character values,
    /// reserved characters; lengths are characters, not bytes.
    #[test]
    fn tag_limits() {
        let many = |n: usize| -> crate::arm::Tags {
            (0..n).map(|i| (format!("t{i}"), "v".to_string())).collect()
        };
        let one = |k: String, v: String| -> crate::arm::Tags { [(k, v)].into_iter().collect() };
        let cases: Vec<(crate::arm::Tags, Vec<Code>)> = vec![
            (many(50), vec![]),
            (many(51), vec![Code::TooManyTags]),
            (one("n".repeat(512), "v".into()), vec![]),
            (one("n".repeat(513), "v".into()), vec![Code::TagNameTooLong]),
            (one("é".repeat(512), "v".into()), vec![]),
            (one("k".into(), "v".repeat(256)), vec![]),
            (
                one("k".into(), "v".repeat(257)),
                vec![Code::TagValueTooLong],
            ),
            (
                one("a/b".into(), "v".into()),
                vec![Code::InvalidTagNameCharacters],
            ),
            (
                one("a\u{7}b".into(), "v".into()),
                vec![Code::InvalidTagNameCharacters],
            ),
            (
                one(String::new(), "v".into()),
                vec![Code::InvalidTagNameCharacters],
            ),
            (one("env".into(), String::new()), vec![]),
        ];
        for (tags, want) in cases {
            let mut out = Vec::new();
            check_tags(Some(&tags), "r", &mut out);
            let got: Vec<Code> = out.iter().map(|d| d.code).collect();
            assert_eq!(got, want, "{:?}", tags.keys().next().map(|k| k.len()));
        }
    }

    /// A non-ASCII character where the scheme would end is not a boundary to slice at: the
    /// answer is "not a URI", never a panic.
    #[test]
    fn uris_with_non_ascii_near_the_scheme_do_not_panic() {
        for s in [
            "https:/é",
            "http:/é",
            "httpé://x",
            "ééééééééé",
            "https://é.example",
        ] {
            let _ = is_absolute_http_uri(s);
        }
        assert!(!is_absolute_http_uri("https:/é"));
        assert!(is_absolute_http_uri("https://é.example"));
    }
}
