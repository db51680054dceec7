//! Every official Azure REST example (tests/fixtures, copied from azure-rest-api-specs) parses,
//! round-trips without loss, and validates without panicking.
//!
//! Which examples break which rule, and why (the examples are not internally consistent):
//!
//! | Example | Diagnostics | Why |
//! |---|---|---|
//! | Gallery_Create | NameIdMismatch (warning) on the responses | response `id` ends in `myGallery`, `name` is `myGalleryName` |
//! | Gallery_Update | RequiredPropertyMissing (`location`) on the request | a PATCH body, read as a full resource |
//! | GalleryImage_Update, GalleryImage_UpdateFeatures | RequiredPropertyMissing (`location`) on the request | PATCH bodies |
//! | GalleryImageVersion_Update | RequiredPropertyMissing (`location`) on the request | PATCH body |
//! | Gallery_AddToSharingProfile, Gallery_ResetSharingProfile, Gallery_EnableCommunityGallery | NotAResource (info) | sharing updates are actions: checked by the core's share rules, not imported |
//! | *_Delete | NotAResource (info) | no body |
//! | everything else | none | sources (`{imageName}` etc.) are absent from the file, so they are not checked; ZRS targets are in East US (zones) |
//!
//! The exact table is asserted in `expected_diagnostics` below so a rule change shows up here.

use serde_json::Value;
use sig_core::validate::{parse_documents, validate_input, AnyResource};
use sig_core::{Code, Severity};
use std::path::Path;
use time::macros::datetime;

mod common;
use common::{fixtures, fixtures_dir};

fn load(p: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(p).expect("read")).expect("fixture is JSON")
}

fn name(p: &Path) -> String {
    let base = fixtures_dir();
    p.strip_prefix(&base)
        .unwrap_or(p)
        .to_string_lossy()
        .into_owned()
}

#[test]
fn all_examples_are_present() {
    assert_eq!(fixtures().len(), 26);
}

#[test]
fn every_resource_round_trips_without_loss() {
    let mut checked = 0;
    for p in fixtures() {
        let doc = load(&p);
        let input = parse_documents(&doc);
        for r in &input.resources {
            let original = doc
                .pointer(&r.origin)
                .unwrap_or_else(|| panic!("{}: bad origin {}", name(&p), r.origin));
            let back = match &r.resource {
                AnyResource::Gallery(g) => serde_json::to_value(g),
                AnyResource::Image(i) => serde_json::to_value(i),
                AnyResource::Version(v) => serde_json::to_value(v),
                AnyResource::VirtualMachine { .. } => continue,
            }
            .expect("serialize");
            assert_eq!(&back, original, "{} {}", name(&p), r.origin);
            checked += 1;
        }
    }
    assert!(checked >= 40, "only {checked} bodies checked");
}

fn summary(p: &Path) -> Vec<(String, Code)> {
    let doc = load(p);
    let input = parse_documents(&doc);
    let now = datetime!(2024-06-01 0:00 UTC);
    let mut v: Vec<(String, Code)> = validate_input(&input, now)
        .into_iter()
        .map(|d| (d.path, d.code))
        .collect();
    v.sort_by(|a, b| (a.1.as_str(), &a.0).cmp(&(b.1.as_str(), &b.0)));
    v.dedup();
    v
}

#[test]
fn expected_diagnostics() {
    let loc = || ("location".to_string(), Code::RequiredPropertyMissing);
    let not_res = || (String::new(), Code::NotAResource);
    let mismatch = || ("name".to_string(), Code::NameIdMismatch);
    let expected: Vec<(&str, Vec<(String, Code)>)> = vec![
        (
            "2018-06-01/CreateOrUpdateASimpleGalleryImageVersion.json",
            vec![],
        ),
        (
            "2018-06-01/GetAGalleryImageVersionWithReplicationStatus.json",
            vec![],
        ),
        ("GalleryImageVersion_Create.json", vec![]),
        (
            "GalleryImageVersion_Create_WithShallowReplicationMode.json",
            vec![],
        ),
        (
            "GalleryImageVersion_Create_WithSnapshotsAsSource.json",
            vec![],
        ),
        ("GalleryImageVersion_Create_WithVmAsSource.json", vec![]),
        ("GalleryImageVersion_Delete.json", vec![not_res()]),
        ("GalleryImageVersion_Get_WithReplicationStatus.json", vec![]),
        ("GalleryImageVersion_ListByGalleryImage.json", vec![]),
        ("GalleryImageVersion_Update.json", vec![loc()]),
        ("GalleryImage_Create.json", vec![]),
        ("GalleryImage_Delete.json", vec![not_res()]),
        ("GalleryImage_Get.json", vec![]),
        ("GalleryImage_ListByGallery.json", vec![]),
        ("GalleryImage_Update.json", vec![loc()]),
        ("GalleryImage_UpdateFeatures.json", vec![loc()]),
        ("Gallery_AddToSharingProfile.json", vec![not_res()]),
        ("Gallery_Create.json", vec![mismatch()]),
        ("Gallery_Create_SoftDeletionEnabled.json", vec![]),
        ("Gallery_Create_WithSharingProfile.json", vec![]),
        ("Gallery_Delete.json", vec![not_res()]),
        ("Gallery_EnableCommunityGallery.json", vec![not_res()]),
        ("Gallery_Get.json", vec![]),
        ("Gallery_Get_WithSelectPermissions.json", vec![]),
        ("Gallery_ResetSharingProfile.json", vec![not_res()]),
        ("Gallery_Update.json", vec![loc()]),
    ];
    let mut failures = Vec::new();
    for p in fixtures() {
        let n = name(&p);
        let got = summary(&p);
        let want = expected
            .iter()
            .find(|(f, _)| *f == n)
            .map(|(_, w)| w.clone());
        if want.as_ref() != Some(&got) {
            failures.push(format!("{n}: got {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn no_example_is_unreadable_and_errors_are_explained() {
    for p in fixtures() {
        let input = parse_documents(&load(&p));
        assert!(
            !input
                .diagnostics
                .iter()
                .any(|d| d.code == Code::DocumentUnrecognized
                    || d.code == Code::ResourceShapeInvalid),
            "{}",
            name(&p)
        );
        let diags = validate_input(&input, datetime!(2024-06-01 0:00 UTC));
        for d in diags.iter().filter(|d| d.severity == Severity::Error) {
            assert!(!d.message.is_empty() && !d.resource_id.is_empty(), "{d:?}");
        }
    }
}

/// `parse_slice` (what `sig validate` uses, streaming list responses and arrays) reads every
/// example exactly as `parse_documents` over the whole tree does.
#[test]
fn streaming_reader_equals_whole_document_reader() {
    let mut docs: Vec<(String, String)> = fixtures()
        .iter()
        .map(|p| (name(p), std::fs::read_to_string(p).expect("read")))
        .collect();
    let g = r#"{"id": "/subscriptions/s/resourceGroups/r/providers/Microsoft.Compute/galleries/g1", "location": "westus"}"#;
    for (n, text) in [
        ("array", format!("[{g}, {g}, 42]")),
        (
            "list",
            format!(r#"{{"value": [{g}, 7], "nextLink": null}}"#),
        ),
        ("empty list", r#"{"value": []}"#.to_string()),
        ("empty array", "[]".to_string()),
        (
            "value not an array",
            r#"{"value": 3, "name": "x"}"#.to_string(),
        ),
        (
            "list key before export key",
            format!(r#"{{"value": [{g}], "formatVersion": 1}}"#),
        ),
        ("scalar", "42".to_string()),
        (
            "export",
            serde_json::to_string(&sig_core::testing::world_with(2, 2, 2)).unwrap(),
        ),
    ] {
        docs.push((n.to_string(), text));
    }
    for (n, text) in docs {
        let whole = parse_documents(&serde_json::from_str(&text).expect("JSON"));
        let streamed = sig_core::validate::parse_slice(text.as_bytes()).expect("JSON");
        assert_eq!(streamed, whole, "{n}");
    }
    // JSON errors are the parser's, with the same position.
    for bad in ["[1, 2", r#"{"value": [1,]}"#, "[] x"] {
        let a = serde_json::from_str::<Value>(bad).unwrap_err();
        let b = sig_core::validate::parse_slice(bad.as_bytes()).unwrap_err();
        assert_eq!((a.line(), a.column()), (b.line(), b.column()), "{bad}");
    }
}
