//! `sig validate --state`: what deploying files would do to a state — create, change (which
//! properties), no change — with the seed's update rules deciding what may change.

mod common;
use common::{sig, STATE};
use serde_json::{json, Value};

/// An image version of the example state, as `az sig image-version show` prints it.
fn existing_version() -> Value {
    let world = sig_core::testing::example::contoso_fabrikam();
    let v = world.versions().next().expect("the example has versions");
    serde_json::to_value(v.resource()).unwrap()
}

fn what_if(doc: &Value) -> (i32, Value) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("deploy.json");
    std::fs::write(&file, serde_json::to_vec(doc).unwrap()).unwrap();
    let (code, out, err) = sig(&[
        "validate",
        "--at",
        "2026-11-30T00:00:00Z",
        "--state",
        STATE,
        "--format",
        "json",
        file.to_str().unwrap(),
    ]);
    let parsed: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}{err}"));
    (code, parsed)
}

#[test]
fn an_unchanged_resource_is_no_change_and_a_mutable_change_is_named() {
    let same = existing_version();
    let (code, out) = what_if(&json!([same]));
    assert_eq!(code, 0, "{out}");
    assert_eq!(out["whatIf"][0]["change"], "noChange", "{out}");

    let mut more = existing_version();
    more["properties"]["publishingProfile"]["excludeFromLatest"] = json!(true);
    let (code, out) = what_if(&json!([more]));
    assert_eq!(code, 0, "{out}");
    assert_eq!(out["whatIf"][0]["change"], "modify", "{out}");
    assert_eq!(
        out["whatIf"][0]["properties"],
        json!(["properties.publishingProfile.excludeFromLatest"])
    );
}

#[test]
fn an_immutable_change_is_refused_and_a_new_resource_is_created() {
    let mut moved = existing_version();
    moved["properties"]["storageProfile"]["source"]["id"] = json!(
        "/subscriptions/2b7e1c4d-9a3f-4b8e-8c2d-5f6a7b8c9d0e/resourceGroups/rg-images/providers/Microsoft.Compute/images/other"
    );
    let (code, out) = what_if(&json!([moved]));
    assert_eq!(code, 1, "{out}");
    assert_eq!(
        out["whatIf"][0]["diagnostics"][0]["code"], "PropertyChangeNotAllowed",
        "{out}"
    );

    let mut new = existing_version();
    let id = new["id"].as_str().unwrap().to_string();
    let (parent, _) = id.rsplit_once('/').unwrap();
    new["id"] = json!(format!("{parent}/9.9.9"));
    new["name"] = json!("9.9.9");
    let (code, out) = what_if(&json!([new]));
    assert_eq!(out["whatIf"][0]["change"], "create", "{out}");
    assert_eq!(code, 0, "a valid new version deploys: {out}");
    assert_eq!(
        out["whatIf"][0]["diagnostics"].as_array().map(Vec::len),
        Some(0),
        "{out}"
    );
}

/// A new definition and its first version in one file: the version finds the definition the
/// same deployment creates (previewed parents first, in order).
#[test]
fn a_new_parent_and_its_child_deploy_together() {
    let version = existing_version();
    let world = sig_core::testing::example::contoso_fabrikam();
    let def = world.images().next().unwrap();
    let mut new_def = serde_json::to_value(&def.resource).unwrap();
    let def_id = new_def["id"].as_str().unwrap().to_string();
    let (gallery, _) = def_id.rsplit_once('/').unwrap();
    new_def["id"] = json!(format!("{gallery}/brand-new"));
    new_def["name"] = json!("brand-new");
    new_def["properties"]["identifier"]["sku"] = json!("brand-new-sku");
    let mut child = version;
    child["id"] = json!(format!("{gallery}/brand-new/versions/1.0.0"));
    child["name"] = json!("1.0.0");
    // Listed child first: the preview still places the parent before it.
    let (code, out) = what_if(&json!([child, new_def]));
    assert_eq!(code, 0, "{out}");
    let changes: Vec<&str> = out["whatIf"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["change"].as_str().unwrap())
        .collect();
    assert_eq!(changes, ["create", "create"], "{out}");
}
