//! `sig template`: the portal's Export template for CI — a template that `sig validate` accepts,
//! the equivalent `az` script, and a clear refusal for a selection it cannot export.

mod common;
use common::{sig, GALLERY, STATE};

#[test]
fn a_gallery_exports_to_a_template_that_validates() {
    let (code, out, err) = sig(&["template", "--state", STATE, "--role-assignments", GALLERY]);
    assert_eq!(code, 0, "{out}{err}");
    let template: serde_json::Value = serde_json::from_str(&out).expect("the template is JSON");
    assert!(template["$schema"]
        .as_str()
        .is_some_and(|s| s.contains("deploymentTemplate")));
    let types: Vec<&str> = template["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["type"].as_str())
        .collect();
    for ty in [
        "Microsoft.Compute/galleries",
        "Microsoft.Compute/galleries/images",
        "Microsoft.Compute/galleries/images/versions",
        "Microsoft.Authorization/roleAssignments",
    ] {
        assert!(types.contains(&ty), "{ty} in {types:?}");
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("template.json");
    std::fs::write(&file, &out).unwrap();
    let (code, out, _) = sig(&[
        "validate",
        "--at",
        "2026-11-30T00:00:00Z",
        file.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "the exported template passes sig validate: {out}");
}

#[test]
fn az_prints_the_equivalent_commands() {
    let (code, out, err) = sig(&["template", "--state", STATE, "--az", GALLERY]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("az sig create"), "{out}");
    assert!(out.contains("az sig image-definition create"), "{out}");
    assert!(out.contains("az sig image-version create"), "{out}");
}

#[test]
fn an_unknown_id_is_refused_with_the_reason() {
    let missing = format!("{GALLERY}/images/nope");
    let (code, out, _) = sig(&["template", "--state", STATE, &missing]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("error"), "{out}");
    let (code, _, err) = sig(&["template", "--state", "missing.json", GALLERY]);
    assert_eq!(code, 2, "{err}");
}
