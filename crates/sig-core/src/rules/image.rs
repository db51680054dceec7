//! Rules for one image definition on its own (REST: GalleryRP `GalleryImage`; Azure docs,
//! "Image definitions": names, identifiers, features and security types, end of life).

use super::common::{
    check_end_of_life, check_enum, check_envelope, check_uri, warn_location_differs,
};
use super::RuleCtx;
use crate::arm;
use crate::diagnostics::{Code, Diagnostic};
use crate::ids::{ImageRef, IMAGE_TYPE};
use crate::kinds::{Architecture, DiskType, HyperVGeneration, OsState, OsType, SecurityType};
use crate::names::{ImageDefinitionName, NameError, Offer, Publisher, Sku};
use crate::template::is_expression;

fn check_range(r: Option<&arm::ResourceRange>, what: &str, rid: &str, out: &mut Vec<Diagnostic>) {
    let Some(r) = r else { return };
    let base = format!("properties.recommended.{what}");
    for (label, v) in [("min", r.min), ("max", r.max)] {
        if let Some(v) = v {
            if v < 1 || v > i32::MAX as i64 {
                out.push(Diagnostic::new(
                    Code::RecommendedRangeInvalid,
                    rid,
                    format!("{base}.{label}"),
                    format!("The value {v} of parameter {what}.{label} is out of range. The value must be between 1 and 2147483647, inclusive."),
                ));
            }
        }
    }
    if let (Some(min), Some(max)) = (r.min, r.max) {
        if min > max {
            out.push(Diagnostic::new(
                Code::RecommendedRangeInvalid,
                rid,
                base,
                format!("The minimum value of {what} must not be greater than the maximum value of {what}."),
            ));
        }
    }
}

fn check_identifier_part(
    v: Option<&str>,
    prop: &str,
    new: fn(&str) -> Result<(), NameError>,
    rid: &str,
    out: &mut Vec<Diagnostic>,
) {
    let path = format!("properties.identifier.{prop}");
    match v {
        None => out.push(Diagnostic::new(Code::RequiredPropertyMissing, rid, path, format!("Required property 'identifier.{prop}' is missing. Publisher, offer and SKU are all required."))),
        Some(s) if is_expression(s) => {}
        Some(s) => {
            if let Err(e) = new(s) {
                out.push(Diagnostic::new(e.code, rid, path, e.message));
            }
        }
    }
}

/// Checks an image definition. `id` is the parsed id; `rid` the id text for diagnostics.
pub fn check_image(
    img: &arm::GalleryImage,
    id: Option<&ImageRef>,
    rid: &str,
    ctx: &RuleCtx,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let name = |n: &str| ImageDefinitionName::new(n).map(drop);
    let id_name = id.map(|i| i.image.as_str());
    let loc = check_envelope(
        img,
        id_name,
        name,
        "image definition",
        IMAGE_TYPE,
        rid,
        ctx,
        &mut out,
    );
    if let Some(i) = id {
        warn_location_differs(
            loc,
            ctx.lookup.gallery_location(&i.gallery.key()),
            "gallery",
            rid,
            &mut out,
        );
    }
    let Some(p) = img.properties.as_ref() else {
        out.push(Diagnostic::new(Code::RequiredPropertyMissing, rid, "properties", "Required property 'properties' is missing (osType, osState and identifier are required)."));
        return out;
    };
    let required = |v: &Option<String>, prop: &str, out: &mut Vec<Diagnostic>| {
        if v.is_none() {
            out.push(Diagnostic::new(
                Code::RequiredPropertyMissing,
                rid,
                format!("properties.{prop}"),
                format!("Required property '{prop}' is missing."),
            ));
        }
    };
    required(&p.os_type, "osType", &mut out);
    required(&p.os_state, "osState", &mut out);
    check_enum(
        p.os_type.as_deref(),
        OsType::parse,
        OsType::one_of(),
        Code::OsTypeInvalid,
        "properties.osType",
        rid,
        &mut out,
    );
    check_enum(
        p.os_state.as_deref(),
        OsState::parse,
        OsState::one_of(),
        Code::OsStateInvalid,
        "properties.osState",
        rid,
        &mut out,
    );
    let gen = check_enum(
        p.hyper_v_generation.as_deref(),
        HyperVGeneration::parse,
        HyperVGeneration::one_of(),
        Code::HyperVGenerationInvalid,
        "properties.hyperVGeneration",
        rid,
        &mut out,
    );
    check_enum(
        p.architecture.as_deref(),
        Architecture::parse,
        Architecture::one_of(),
        Code::PropertyValueInvalid,
        "properties.architecture",
        rid,
        &mut out,
    );

    match &p.identifier {
        None => out.push(Diagnostic::new(
            Code::RequiredPropertyMissing,
            rid,
            "properties.identifier",
            "Required property 'identifier' (publisher, offer, sku) is missing.",
        )),
        Some(ident) => {
            check_identifier_part(
                ident.publisher.as_deref(),
                "publisher",
                |s| Publisher::new(s).map(|_| ()),
                rid,
                &mut out,
            );
            check_identifier_part(
                ident.offer.as_deref(),
                "offer",
                |s| Offer::new(s).map(|_| ()),
                rid,
                &mut out,
            );
            check_identifier_part(
                ident.sku.as_deref(),
                "sku",
                |s| Sku::new(s).map(|_| ()),
                rid,
                &mut out,
            );
        }
    }

    // Every SecurityType except Standard describes a Gen2 image (Azure docs, "Image definitions": features and security types).
    let hyper_v_unknown = p.hyper_v_generation.as_deref().is_some_and(is_expression);
    for (n, f) in p.features.iter().flatten().enumerate() {
        let is_security = f
            .name
            .as_deref()
            .is_some_and(|s| s.eq_ignore_ascii_case("SecurityType"));
        if !is_security {
            continue;
        }
        let path = format!("properties.features[{n}].value");
        let value = check_enum(
            f.value.as_deref(),
            SecurityType::parse,
            SecurityType::one_of(),
            Code::PropertyValueInvalid,
            &path,
            rid,
            &mut out,
        );
        if let Some(v) = value {
            if v != SecurityType::Standard
                && !hyper_v_unknown
                && gen.unwrap_or(HyperVGeneration::V1) != HyperVGeneration::V2
            {
                out.push(Diagnostic::new(
                    Code::SecurityTypeRequiresV2,
                    rid,
                    "properties.hyperVGeneration",
                    format!("SecurityType '{v}' is only supported for Hyper-V generation V2 images; set properties.hyperVGeneration to V2."),
                ));
            }
        }
    }

    if let Some(r) = &p.recommended {
        check_range(r.v_cpus.as_ref(), "vCPUs", rid, &mut out);
        check_range(r.memory.as_ref(), "memory", rid, &mut out);
    }
    for (n, t) in p
        .disallowed
        .iter()
        .flat_map(|d| d.disk_types.iter().flatten())
        .enumerate()
    {
        check_enum(
            Some(t),
            DiskType::parse,
            DiskType::one_of(),
            Code::DiskTypeInvalid,
            format_args!("properties.disallowed.diskTypes[{n}]"),
            rid,
            &mut out,
        );
    }
    check_uri(p.eula.as_deref(), "properties.eula", rid, &mut out);
    check_uri(
        p.privacy_statement_uri.as_deref(),
        "properties.privacyStatementUri",
        rid,
        &mut out,
    );
    check_uri(
        p.release_note_uri.as_deref(),
        "properties.releaseNoteUri",
        rid,
        &mut out,
    );
    check_end_of_life(
        p.end_of_life_date.as_deref(),
        "properties.endOfLifeDate",
        rid,
        ctx,
        &mut out,
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::NoLookup;
    use serde_json::{json, Value};
    use time::macros::datetime;

    fn base() -> Value {
        json!({"name": "img", "location": "westus", "properties": {
            "osType": "Linux", "osState": "Generalized",
            "identifier": {"publisher": "p", "offer": "o", "sku": "s"}}})
    }

    fn with(path: &[&str], v: Value) -> Value {
        let mut b = base();
        let mut cur = &mut b;
        for (i, k) in path.iter().enumerate() {
            if i + 1 == path.len() {
                cur[*k] = v.clone();
            } else {
                cur = &mut cur[*k];
            }
        }
        b
    }

    fn run(v: Value) -> Vec<Code> {
        let g: arm::GalleryImage = serde_json::from_value(v).unwrap();
        let ctx = RuleCtx::validate(datetime!(2024-01-01 0:00 UTC), &NoLookup);
        check_image(&g, None, "r", &ctx)
            .into_iter()
            .map(|d| d.code)
            .collect()
    }

    #[test]
    fn table() {
        let long = |n| Value::String("a".repeat(n));
        let cases: Vec<(Value, Vec<Code>)> = vec![
            (base(), vec![]),
            (
                with(&["name"], json!("img-")),
                vec![Code::ImageDefinitionNameInvalid],
            ),
            (
                with(&["properties", "osType"], json!("Plan9")),
                vec![Code::OsTypeInvalid],
            ),
            (with(&["properties", "osType"], json!("windows")), vec![]),
            (
                with(&["properties", "osState"], json!("Frozen")),
                vec![Code::OsStateInvalid],
            ),
            (
                with(&["properties", "osState"], json!("Specialized")),
                vec![],
            ),
            (
                with(&["properties", "hyperVGeneration"], json!("V3")),
                vec![Code::HyperVGenerationInvalid],
            ),
            (
                with(&["properties", "architecture"], json!("Arm64")),
                vec![],
            ),
            (
                with(&["properties", "architecture"], json!("riscv")),
                vec![Code::PropertyValueInvalid],
            ),
            (
                with(&["properties", "identifier", "publisher"], long(128)),
                vec![],
            ),
            (
                with(&["properties", "identifier", "publisher"], long(129)),
                vec![Code::IdentifierInvalid],
            ),
            (
                with(&["properties", "identifier", "offer"], long(65)),
                vec![Code::IdentifierInvalid],
            ),
            (
                with(&["properties", "identifier", "sku"], json!("sku.")),
                vec![Code::IdentifierInvalid],
            ),
            (
                with(
                    &["properties", "identifier"],
                    json!({"publisher": "p", "offer": "o"}),
                ),
                vec![Code::RequiredPropertyMissing],
            ),
            (
                with(
                    &["properties", "features"],
                    json!([{"name": "SecurityType", "value": "TrustedLaunch"}]),
                ),
                vec![Code::SecurityTypeRequiresV2],
            ),
            (
                with(
                    &["properties", "features"],
                    json!([{"name": "SecurityType", "value": "Standard"}]),
                ),
                vec![],
            ),
            (
                with(
                    &["properties", "features"],
                    json!([{"name": "IsAcceleratedNetworkSupported", "value": "True"}]),
                ),
                vec![],
            ),
            (
                with(
                    &["properties", "recommended"],
                    json!({"vCPUs": {"min": 1, "max": 1}, "memory": {"min": 2048, "max": 4096}}),
                ),
                vec![],
            ),
            (
                with(
                    &["properties", "recommended"],
                    json!({"vCPUs": {"min": 5, "max": 4}}),
                ),
                vec![Code::RecommendedRangeInvalid],
            ),
            (
                with(
                    &["properties", "recommended"],
                    json!({"memory": {"min": 0}}),
                ),
                vec![Code::RecommendedRangeInvalid],
            ),
            (
                with(
                    &["properties", "disallowed"],
                    json!({"diskTypes": ["Standard_LRS", "UltraSSD_LRS", "PremiumV2_LRS"]}),
                ),
                vec![],
            ),
            (
                with(
                    &["properties", "disallowed"],
                    json!({"diskTypes": ["Floppy"]}),
                ),
                vec![Code::DiskTypeInvalid],
            ),
            (
                with(&["properties", "eula"], json!("https://contoso.com/eula")),
                vec![],
            ),
            (
                with(&["properties", "eula"], json!("javascript:alert(1)")),
                vec![Code::UriInvalid],
            ),
            (
                with(
                    &["properties", "privacyStatementUri"],
                    json!("data:text/html,hi"),
                ),
                vec![Code::UriInvalid],
            ),
            (
                with(&["properties", "releaseNoteUri"], json!("notes.html")),
                vec![Code::UriInvalid],
            ),
            (
                with(&["properties", "endOfLifeDate"], json!("2030-01-01")),
                vec![],
            ),
            (
                with(&["properties", "endOfLifeDate"], json!("2020-01-01")),
                vec![Code::EndOfLifeDateInPast],
            ),
            (
                with(&["properties", "endOfLifeDate"], json!("someday")),
                vec![Code::DateInvalid],
            ),
            (
                with(&["properties"], json!({})),
                vec![
                    Code::RequiredPropertyMissing,
                    Code::RequiredPropertyMissing,
                    Code::RequiredPropertyMissing,
                ],
            ),
        ];
        for (input, want) in cases {
            assert_eq!(run(input.clone()), want, "{input}");
        }
    }

    #[test]
    fn v2_with_security_type_is_fine() {
        let mut v = with(
            &["properties", "features"],
            json!([{"name": "SecurityType", "value": "ConfidentialVMSupported"}]),
        );
        v["properties"]["hyperVGeneration"] = json!("V2");
        assert!(run(v).is_empty());
    }
}
