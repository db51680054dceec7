//! `sig replicas`, `sig regions parse`, `sig cost` and `sig deploy check` as a pipeline runs
//! them: exit codes (0 fine, 1 the rules said no, 2 bad input) and both output formats.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::{json, Value};
use sig_core::command::{gallery_id, image_id, version_id};
use sig_core::testing::{self, FIXTURE_NOW, RESOURCE_GROUP as RG, SUBSCRIPTION as SUB};
use sig_core::{apply, arm, Actor, Command as Cmd, World};

fn sig(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sig"))
        .args(args)
        .output()
        .expect("sig runs")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn json_out(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(out)))
}

fn code(out: &Output) -> i32 {
    out.status.code().expect("exit code")
}

/// A state file: gallery g, definition i, version 1.0.0 created at the fixture time and
/// replicated to westus (2 replicas) and eastus.
fn state(dir: &Path) -> String {
    let mut w: World = testing::base_world();
    let a = Actor::system();
    apply(
        &mut w,
        &a,
        Cmd::CreateGallery {
            id: gallery_id(SUB, RG, "g"),
            resource: testing::gallery_body(),
        },
        FIXTURE_NOW,
    )
    .unwrap();
    apply(
        &mut w,
        &a,
        Cmd::CreateImage {
            id: image_id(SUB, RG, "g", "i"),
            resource: testing::image_body(0, 0),
        },
        FIXTURE_NOW,
    )
    .unwrap();
    let mut body = testing::version_body();
    body.properties
        .as_mut()
        .unwrap()
        .publishing_profile
        .as_mut()
        .unwrap()
        .target_regions = Some(
        serde_json::from_value::<Vec<arm::TargetRegion>>(json!([
            {"name": "westus", "regionalReplicaCount": 2}, {"name": "eastus"}
        ]))
        .unwrap(),
    );
    apply(
        &mut w,
        &a,
        Cmd::CreateVersion {
            id: version(),
            resource: body,
        },
        FIXTURE_NOW,
    )
    .unwrap();
    let path = dir.join("state.json");
    std::fs::write(&path, serde_json::to_vec(&w).unwrap()).unwrap();
    path.display().to_string()
}

fn version() -> String {
    version_id(SUB, RG, "g", "i", "1.0.0")
}

const LATER: &str = "2020-06-02T12:00:00Z";
const AT_CREATION: &str = "2020-06-01T12:00:00Z";

#[test]
fn replicas_follow_the_seed_examples_in_both_formats() {
    let out = sig(&["replicas", "--concurrent-vms", "120", "--format", "json"]);
    assert_eq!(code(&out), 0);
    let j = json_out(&out);
    assert_eq!(j["recommendedReplicas"], 6);
    assert!(j["reasons"][0]
        .as_str()
        .unwrap()
        .contains("120 concurrent VMs / 20"));
    let out = sig(&[
        "replicas",
        "--scale-sets",
        "5",
        "--instances-per-set",
        "600",
        "--format",
        "json",
    ]);
    assert_eq!(json_out(&out)["recommendedReplicas"], 5);
    let out = sig(&["replicas", "--concurrent-vms", "400"]);
    assert_eq!(code(&out), 0);
    let text = stdout(&out);
    assert!(text.starts_with("recommended replicas: 10\n"), "{text}");
    assert!(text.contains("warning ReplicaDemandExceedsLimit"));
    assert!(text.contains("overprovision"));
    // A scale set bigger than a gallery image allows: the rules say no.
    let out = sig(&[
        "replicas",
        "--scale-sets",
        "1",
        "--instances-per-set",
        "1500",
        "--format",
        "json",
    ]);
    assert_eq!(code(&out), 1);
    // Bad input: exit 2 with a message.
    for args in [
        &["replicas", "--concurrent-vms", "lots"][..],
        &["replicas", "--scale-sets", "2"],
        &["replicas", "--scale-sets", "2", "--instances-per-set", "0"],
        &["replicas", "--format", "yaml"],
    ] {
        let out = sig(args);
        assert_eq!(code(&out), 2, "{args:?}");
        assert!(!out.stderr.is_empty());
    }
}

#[test]
fn regions_parse_prints_arm_target_regions_or_the_cli_error() {
    let out = sig(&[
        "regions",
        "parse",
        "South Central US=2",
        "eastus=2=standard_zrs",
        "westus2=Premium_LRS",
    ]);
    assert_eq!(code(&out), 0);
    assert_eq!(
        json_out(&out),
        json!([
            {"name": "South Central US", "regionalReplicaCount": 2},
            {"name": "eastus", "regionalReplicaCount": 2, "storageAccountType": "Standard_ZRS"},
            {"name": "westus2", "storageAccountType": "Premium_LRS"}
        ])
    );
    let out = sig(&["regions", "parse", "--format", "text", "westus"]);
    assert_eq!(
        stdout(&out),
        "westus  regionalReplicaCount=(replicaCount)  storageAccountType=(storageAccountType)\n"
    );
    let out = sig(&["regions", "parse", "eastus", "eastus=x=standard_lrs"]);
    assert_eq!(code(&out), 1);
    assert_eq!(
        json_out(&out)[0]["message"],
        "usage error: eastus=x=standard_lrs is an invalid target region argument. The second part must be a valid integer replica count."
    );
    let out = sig(&["regions", "parse", "--format", "text", "eastus=1=cheap"]);
    assert_eq!(code(&out), 1);
    assert!(stdout(&out).starts_with("error TargetRegionArgumentInvalid "));
    assert_eq!(code(&sig(&["regions", "parse"])), 2);
}

#[test]
fn cost_lists_versions_regions_and_the_total() {
    let dir = tempfile::tempdir().unwrap();
    let st = state(dir.path());
    let out = sig(&["cost", "--state", &st, "--format", "json"]);
    assert_eq!(code(&out), 0);
    let j = json_out(&out);
    assert_eq!(j["lines"].as_array().unwrap().len(), 2);
    assert_eq!(j["managedDisks"], 3, "2 replicas in westus + 1 in eastus");
    assert_eq!(j["lines"][1]["region"], "eastus");
    assert!(j["lines"][1]["egressOneTime"].as_f64().unwrap() > 0.0);
    assert_eq!(j["lines"][0]["egressOneTime"], 0.0);
    assert_eq!(j["assumptions"][0]["code"], "CostAssumption");
    let out = sig(&["cost", "--state", &st]);
    let text = stdout(&out);
    assert!(
        text.contains(&format!("{} westus: 2 x Standard_LRS [S4]", version())),
        "{text}"
    );
    assert!(text.contains("total: 3 managed disk(s)"));
    assert!(text.contains("info CostAssumption"));
    // An edited price table.
    let prices = dir.path().join("prices.json");
    std::fs::write(
        &prices,
        r#"{"standardLrsMonthly": [1,1,1,1,1,1,1,1,1,1,1], "egressPerGb": 0}"#,
    )
    .unwrap();
    let j = json_out(&sig(&[
        "cost",
        "--state",
        &st,
        "--prices",
        prices.to_str().unwrap(),
        "--format",
        "json",
    ]));
    assert_eq!(
        (j["storageMonthly"].as_f64(), j["egressOneTime"].as_f64()),
        (Some(3.0), Some(0.0))
    );
    // A state that carries the price table set in the portal is costed with it, and an
    // explicit --prices still wins.
    let mut world: World = serde_json::from_str(&std::fs::read_to_string(&st).unwrap()).unwrap();
    let own = sig_core::cost::PriceTable {
        standard_lrs_monthly: vec![2.0; 11],
        egress_per_gb: 0.0,
        ..Default::default()
    };
    apply(
        &mut world,
        &Actor::system(),
        Cmd::SetPriceTable { prices: Some(own) },
        FIXTURE_NOW,
    )
    .unwrap();
    let priced = dir.path().join("priced.json");
    std::fs::write(&priced, serde_json::to_string(&world).unwrap()).unwrap();
    let priced = priced.to_str().unwrap();
    let j = json_out(&sig(&["cost", "--state", priced, "--format", "json"]));
    assert_eq!(j["storageMonthly"].as_f64(), Some(6.0), "3 disks at 2.0");
    let j = json_out(&sig(&[
        "cost",
        "--state",
        priced,
        "--prices",
        prices.to_str().unwrap(),
        "--format",
        "json",
    ]));
    assert_eq!(j["storageMonthly"].as_f64(), Some(3.0));
    // Bad input: exit 2.
    std::fs::write(&prices, r#"{"premiumLrsMonthly": [1]}"#).unwrap();
    assert_eq!(
        code(&sig(&[
            "cost",
            "--state",
            &st,
            "--prices",
            prices.to_str().unwrap()
        ])),
        2
    );
    assert_eq!(
        code(&sig(&["cost", "--state", "/nonexistent/state.json"])),
        2
    );
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, r#"{"formatVersion": 99}"#).unwrap();
    let out = sig(&["cost", "--state", bad.to_str().unwrap()]);
    assert_eq!(code(&out), 2);
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not a SIG Portal state"));
}

#[test]
fn deploy_check_allows_or_refuses_with_reasons() {
    let dir = tempfile::tempdir().unwrap();
    let st = state(dir.path());
    let v = version();
    // Still replicating right after creation: refused with Azure's text.
    let out = sig(&[
        "deploy",
        "check",
        "--state",
        &st,
        "--image",
        &v,
        "--region",
        "eastus",
        "--os-profile",
        "--at",
        AT_CREATION,
    ]);
    assert_eq!(code(&out), 1);
    let text = stdout(&out);
    assert!(text.starts_with("refused: 1 VM(s)"), "{text}");
    assert!(text.contains(&format!("error GalleryImageNotFound properties.storageProfile.imageReference.id: The gallery image {v} is not available in eastus region. Please contact image owner to replicate to this region, or change your requested region.")));
    // A day later: allowed.
    let out = sig(&[
        "deploy",
        "check",
        "--state",
        &st,
        "--image",
        &v,
        "--region",
        "eastus",
        "--os-profile",
        "--at",
        LATER,
        "--format",
        "json",
    ]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    let j = json_out(&out);
    assert_eq!(j["allowed"], true);
    assert_eq!(j["imageVersion"], v.as_str());
    // latest via the definition id, and a scale set that needs more replicas.
    let def = image_id(SUB, RG, "g", "i");
    let out = sig(&[
        "deploy",
        "check",
        "--state",
        &st,
        "--image",
        &def,
        "--region",
        "westus",
        "--os-profile",
        "--scale-set",
        "--instances",
        "1000",
        "--at",
        LATER,
        "--format",
        "json",
    ]);
    assert_eq!(code(&out), 0);
    let j = json_out(&out);
    let codes: Vec<&str> = j["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["LatestResolved", "ReplicationStateInRegion"]);
    assert_eq!(j["recommendedReplicas"], 2);
    // Generalized image without osProfile; too many scale-set instances.
    let out = sig(&[
        "deploy", "check", "--state", &st, "--image", &v, "--region", "westus", "--at", LATER,
    ]);
    assert_eq!(code(&out), 1);
    assert!(stdout(&out).contains("Required parameter 'osProfile' is missing (null)."));
    let out = sig(&[
        "deploy",
        "check",
        "--state",
        &st,
        "--image",
        &v,
        "--region",
        "westus",
        "--os-profile",
        "--scale-set",
        "--instances",
        "1001",
        "--at",
        LATER,
    ]);
    assert_eq!(code(&out), 1);
    assert!(stdout(&out).contains("error ScaleSetTooLarge sku.capacity"));
    // Bad input: exit 2.
    for args in [
        vec![
            "deploy",
            "check",
            "--state",
            &st,
            "--image",
            &v,
            "--region",
            "westus",
            "--at",
            "yesterday",
        ],
        vec![
            "deploy",
            "check",
            "--state",
            &st,
            "--image",
            &v,
            "--region",
            "westus",
            "--instances",
            "0",
        ],
        vec![
            "deploy",
            "check",
            "--state",
            "/nonexistent.json",
            "--image",
            &v,
            "--region",
            "westus",
        ],
        vec!["deploy", "check", "--state", &st, "--region", "westus"],
    ] {
        assert_eq!(code(&sig(&args)), 2, "{args:?}");
    }
}

/// A world without versions costs nothing, printed as `0.00` — never `-0.00` (the empty sum of
/// `f64` is negative zero).
#[test]
fn an_empty_gallery_costs_zero_not_negative_zero() {
    let dir = tempfile::tempdir().unwrap();
    let mut w: World = testing::base_world();
    apply(
        &mut w,
        &Actor::system(),
        Cmd::CreateGallery {
            id: gallery_id(SUB, RG, "empty"),
            resource: testing::gallery_body(),
        },
        FIXTURE_NOW,
    )
    .unwrap();
    let path = dir.path().join("empty.json");
    std::fs::write(&path, serde_json::to_vec(&w).unwrap()).unwrap();
    let st = path.to_str().unwrap();
    let text = stdout(&sig(&["cost", "--state", st]));
    assert!(
        text.contains("storage 0.00") && !text.contains("-0.00"),
        "{text}"
    );
    let j = json_out(&sig(&["cost", "--state", st, "--format", "json"]));
    assert!(
        j["storageMonthly"].as_f64().unwrap().is_sign_positive(),
        "{j}"
    );
    assert_eq!(j["storageMonthly"].to_string(), "0.0");
}

/// Every command spells severities the same way in JSON as `sig validate` does: `error`,
/// `warning`, `info` (deploy refusals, cost assumptions).
#[test]
fn severities_are_lower_case_in_every_commands_json() {
    let dir = tempfile::tempdir().unwrap();
    let st = state(dir.path());
    let refused = json_out(&sig(&[
        "deploy",
        "check",
        "--state",
        &st,
        "--image",
        &version(),
        "--region",
        "eastus",
        "--os-profile",
        "--at",
        AT_CREATION,
        "--format",
        "json",
    ]));
    let cost = json_out(&sig(&["cost", "--state", &st, "--format", "json"]));
    let mut seen = Vec::new();
    fn collect(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(o) => {
                if let Some(Value::String(s)) = o.get("severity") {
                    out.push(s.clone());
                }
                o.values().for_each(|x| collect(x, out));
            }
            Value::Array(a) => a.iter().for_each(|x| collect(x, out)),
            _ => {}
        }
    }
    collect(&refused, &mut seen);
    collect(&cost, &mut seen);
    assert!(
        seen.contains(&"error".to_string()) && seen.contains(&"info".to_string()),
        "{seen:?}"
    );
    assert!(
        seen.iter()
            .all(|s| ["error", "warning", "info"].contains(&s.as_str())),
        "{seen:?}"
    );
}

/// The largest counts the flags take are arithmetic, not lists: no allocation grows with them
/// and nothing wraps (this ran out of memory when each scale set was a list element).
#[test]
fn huge_scale_set_counts_answer_at_once() {
    let out = sig(&[
        "replicas",
        "--concurrent-vms",
        "4294967295",
        "--scale-sets",
        "4294967295",
        "--instances-per-set",
        "4294967295",
        "--format",
        "json",
    ]);
    // Refused (exit 1): no scale set holds that many instances from a gallery image.
    assert_eq!(code(&out), 1, "{}", stdout(&out));
    let j = json_out(&out);
    assert_eq!(j["recommendedReplicas"], 10);
    assert_eq!(j["fromScaleSets"], 4294967295u64);
    assert!(
        j["diagnostics"].to_string().contains("ScaleSetTooLarge"),
        "{j}"
    );
    assert_eq!(j["capped"], true);
}

/// A state file edited by hand to hold replica counts no command accepts: `cost` refuses it with
/// the rule (exit 2) instead of multiplying the counts (this once panicked on an overflow).
#[test]
fn cost_refuses_a_state_with_replica_counts_no_command_accepts() {
    let dir = tempfile::tempdir().unwrap();
    let st = state(dir.path());
    let text = std::fs::read_to_string(&st).unwrap().replace(
        "\"regionalReplicaCount\":2",
        "\"regionalReplicaCount\":4294967295",
    );
    assert!(
        text.contains("4294967295"),
        "the fixture carries a replica count"
    );
    std::fs::write(&st, text).unwrap();
    for command in ["cost", "deploy"] {
        let args: Vec<&str> = if command == "cost" {
            vec!["cost", "--state", &st]
        } else {
            vec![
                "deploy", "check", "--state", &st, "--image", "x", "--region", "westus",
            ]
        };
        let out = sig(&args);
        assert_eq!(code(&out), 2, "{command}: {}", stdout(&out));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("regionalReplicaCount"), "{command}: {err}");
    }
}

#[test]
fn deploy_check_reads_a_shared_gallery_reference_for_the_subscription_it_is_shared_with() {
    use sig_core::testing::example::{
        contoso_fabrikam, ADMIN, CONTOSO_SUB, FABRIKAM_SUB, NORTHWIND_SUB,
    };
    let mut w = contoso_fabrikam();
    let gallery = gallery_id(CONTOSO_SUB, "rg-images", "ContosoImages");
    let admin = Actor::new(ADMIN);
    let update: arm::Gallery = serde_json::from_value(
        json!({"location": "westus", "properties": {"sharingProfile": {"permissions": "Groups"}}}),
    )
    .unwrap();
    apply(
        &mut w,
        &admin,
        Cmd::UpdateGallery {
            id: gallery.clone(),
            resource: update,
        },
        FIXTURE_NOW,
    )
    .unwrap();
    let share: arm::SharingUpdate = serde_json::from_value(
        json!({"operationType": "Add", "groups": [{"type": "Subscriptions", "ids": [FABRIKAM_SUB]}]}),
    )
    .unwrap();
    apply(
        &mut w,
        &admin,
        Cmd::ShareGallery {
            id: gallery,
            update: share,
        },
        FIXTURE_NOW,
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let st = dir.path().join("state.json");
    std::fs::write(&st, serde_json::to_string(&w).unwrap()).unwrap();
    let image =
        format!("/SharedGalleries/{CONTOSO_SUB}-CONTOSOIMAGES/Images/ubuntu-22/Versions/latest");
    let run = |sub: &str| {
        sig(&[
            "deploy",
            "check",
            "--state",
            st.to_str().unwrap(),
            "--image",
            &image,
            "--region",
            "westus",
            "--os-profile",
            "--subscription",
            sub,
            "--at",
            "2020-06-05T00:00:00Z",
            "--format",
            "json",
        ])
    };
    let out = run(FABRIKAM_SUB);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    assert!(json_out(&out)["imageVersion"]
        .as_str()
        .unwrap()
        .ends_with("/ubuntu-22/versions/1.1.0"));
    let out = run(NORTHWIND_SUB);
    assert_eq!(code(&out), 1);
    assert_eq!(
        json_out(&out)["diagnostics"][0]["code"],
        "GalleryImageNotFound"
    );
}
