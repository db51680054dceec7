//! `sig access` against the shipped example state: exit codes 0 (allowed), 1 (denied),
//! 2 (bad input), text and JSON output.

mod common;
use common::{sig, GALLERY, STATE};

#[test]
fn one_action_allowed_through_a_nested_group_names_the_assignment() {
    let version = format!("{GALLERY}/images/ubuntu-22/versions/1.0.0");
    let (code, out, _) = sig(&[
        "access",
        "check",
        "--state",
        STATE,
        "--principal",
        "Bob Builder",
        "--scope",
        &version,
        "--action",
        "Microsoft.Compute/galleries/images/versions/read",
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("allowed Microsoft.Compute/galleries/images/versions/read"),
        "{out}"
    );
    assert!(
        out.contains("'Compute Gallery Image Reader' via group 'Image Consumers' (inherited from"),
        "{out}"
    );
}

#[test]
fn definition_share_does_not_reach_the_gallery_and_exits_1() {
    let (code, out, _) = sig(&[
        "access",
        "check",
        "--state",
        STATE,
        "--principal",
        "carol@fabrikam.com",
        "--scope",
        GALLERY,
        "--action",
        "Microsoft.Compute/galleries/read",
        "--format",
        "json",
    ]);
    assert_eq!(code, 1, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["allowed"], false);
    assert_eq!(v["actions"][0]["grants"].as_array().unwrap().len(), 0);
    let (code, out, _) = sig(&[
        "access",
        "check",
        "--state",
        STATE,
        "--principal",
        "carol@fabrikam.com",
        "--scope",
        &format!("{GALLERY}/images/ubuntu-22"),
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let read = v["actions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["action"] == "Microsoft.Compute/galleries/images/read")
        .unwrap();
    assert_eq!(read["grants"][0]["roleName"], "Reader");
    assert_eq!(read["grants"][0]["inherited"], false);
}

#[test]
fn a_principal_of_another_tenant_sees_nothing_there() {
    let (code, out, _) = sig(&[
        "access",
        "check",
        "--state",
        STATE,
        "--principal",
        "dave@fabrikam.com",
        "--scope",
        GALLERY,
    ]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("has no object in tenant"), "{out}");
}

#[test]
fn list_shows_resources_across_subscriptions() {
    let (code, out, _) = sig(&[
        "access",
        "list",
        "--state",
        STATE,
        "--principal",
        "carol@fabrikam.com",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let subs: std::collections::BTreeSet<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["subscriptionId"].as_str().unwrap())
        .collect();
    assert_eq!(subs.len(), 2, "{out}");
    assert!(
        v.as_array()
            .unwrap()
            .iter()
            .all(|r| r["id"].as_str().unwrap() != GALLERY),
        "the definition share does not show the gallery"
    );
}

#[test]
fn unknown_principal_or_scope_is_bad_input() {
    let (code, _, err) = sig(&[
        "access",
        "check",
        "--state",
        STATE,
        "--principal",
        "nobody@nowhere",
        "--scope",
        GALLERY,
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("unknown principal") && err.contains("nobody@nowhere"),
        "{err}"
    );
    let missing = format!("{GALLERY}x");
    let (code, _, err) = sig(&[
        "access",
        "check",
        "--state",
        STATE,
        "--principal",
        "Bob Builder",
        "--scope",
        &missing,
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("unknown scope") && err.contains(&missing),
        "{err}"
    );
    let (code, _, _) = sig(&[
        "access",
        "list",
        "--state",
        "/nonexistent.json",
        "--principal",
        "x",
    ]);
    assert_eq!(code, 2);
}

#[test]
fn validate_accepts_the_example_state() {
    let (code, out, err) = sig(&["validate", STATE]);
    assert_eq!(code, 0, "{out}{err}");
}

/// A state file whose groups contain each other (Build Agents inside Image Consumers, and now
/// Image Consumers inside Build Agents) is refused by every command that reads a state, with the
/// code the add-member command gives, instead of granting access through the cycle.
#[test]
fn a_state_whose_groups_contain_each_other_is_refused_everywhere() {
    let mut state: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(STATE).unwrap()).unwrap();
    let groups = state["directory"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .filter_map(|d| d.get_mut("groups").and_then(|g| g.as_array_mut()))
        .flatten()
        .find(|g| g["displayName"] == "Build Agents")
        .unwrap();
    groups["members"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({
            "@odata.type": "#microsoft.graph.group",
            "id": "03f9ef54-b205-1c66-2cf7-077a5e902c3d"
        }));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cycle.json");
    std::fs::write(&path, serde_json::to_vec(&state).unwrap()).unwrap();
    let file = path.to_str().unwrap();
    let (code, out, err) = sig(&[
        "access",
        "list",
        "--state",
        file,
        "--principal",
        "Bob Builder",
    ]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains("GroupMembershipCycle"), "{err}");
    // cost and deploy read the state the same way: what is wrong is said, nothing is computed.
    let (code, out, err) = sig(&["cost", "--state", file]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains("GroupMembershipCycle"), "{err}");
    let version = format!("{GALLERY}/images/ubuntu-22/versions/1.0.0");
    let (code, out, err) = sig(&[
        "deploy", "check", "--state", file, "--image", &version, "--region", "westus",
    ]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains("GroupMembershipCycle"), "{err}");
    let (code, out, _) = sig(&["validate", file]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("GroupMembershipCycle")
            && out.contains("would make a group a member of itself"),
        "{out}"
    );
}

/// `sig validate` on a state reports what loading it says: here the seed's advice to share at
/// the gallery level (the example shares a definition with a guest and a version with an app).
#[test]
fn validate_reports_the_warnings_loading_a_state_raises() {
    let (code, out, _) = sig(&["validate", "--at", "2026-11-30T00:00:00Z", STATE]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("warning ShareAtGalleryLevel"), "{out}");
    assert!(out.contains("0 error(s), 2 warning(s)"), "{out}");
}

#[test]
fn a_deny_assignment_in_the_state_denies_what_the_owner_may_and_says_which() {
    let mut state: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(STATE).unwrap()).unwrap();
    state["denyAssignments"] = serde_json::json!([{
        "name": "7d1e4c2a-0000-4000-8000-000000000001",
        "properties": {
            "denyAssignmentName": "Deployment stack: protect images",
            "permissions": [{"actions": ["*/delete"]}],
            "scope": GALLERY,
            "principals": [{"id": "00000000-0000-0000-0000-000000000000", "type": "SystemDefined"}]
        }
    }]);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("state.json");
    std::fs::write(&file, state.to_string()).unwrap();
    let (code, out, _) = sig(&[
        "access",
        "check",
        "--state",
        file.to_str().unwrap(),
        "--principal",
        "admin@contoso.onmicrosoft.com",
        "--scope",
        GALLERY,
        "--action",
        "Microsoft.Compute/galleries/delete",
    ]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("granted by 'Owner'"), "{out}");
    assert!(
        out.contains("denied by deny assignment 'Deployment stack: protect images' (at this scope; a deny wins over any role)"),
        "{out}"
    );
}
