//! Property tests: random command sequences never panic, never break an invariant (indexes agree
//! with a recomputation, counts within limits, no child without parent), and a refused command
//! leaves the world unchanged. Arbitrary JSON never panics the reader/validator.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use serde_json::{json, Value};
use sig_core::command::{gallery_id, image_id, version_id};
use sig_core::replication::version_status;
use sig_core::testing::{self, FIXTURE_NOW, RESOURCE_GROUP as RG, SUBSCRIPTION as SUB};
use sig_core::validate::{parse_documents, validate_input};
use sig_core::{apply, Actor, Command, World};

const GALLERIES: &[&str] = &["g0", "G0", "g1", "bad-name"];
const IMAGES: &[&str] = &["i0", "i1", "I1", "bad_"];
const VERSIONS: &[&str] = &["1.0.0", "1.0.10", "1.0.9", "1.0"];
const REGIONS: &[&str] = &[
    "westus",
    "West US",
    "eastus",
    "australiacentral",
    "chinanorth",
    "nowhere",
];

#[derive(Debug, Clone)]
enum Op {
    Gallery(usize, usize),
    Image(usize, usize, usize),
    Version(usize, usize, usize, usize, i64),
    UpdateVersion(usize, usize, usize, usize, i64, bool),
    UpdateImage(usize, usize, usize),
    DeleteGallery(usize),
    DeleteImage(usize, usize),
    DeleteVersion(usize, usize, usize),
    DeleteSource,
    Fault(usize, usize, usize, usize),
    Retry(usize, usize, usize, usize),
}

fn op() -> impl Strategy<Value = Op> {
    let g = 0..GALLERIES.len();
    let i = 0..IMAGES.len();
    let v = 0..VERSIONS.len();
    let r = 0..REGIONS.len();
    // Weighted towards versions and their replication; deletions are rarer, so sequences
    // build something before they tear it down.
    prop_oneof![
        1 => (g.clone(), r.clone()).prop_map(|(g, r)| Op::Gallery(g, r)),
        1 => (g.clone(), i.clone(), 0..3usize).prop_map(|(g, i, s)| Op::Image(g, i, s)),
        6 => (g.clone(), i.clone(), v.clone(), r.clone(), -1i64..13)
            .prop_map(|(g, i, v, r, c)| Op::Version(g, i, v, r, c)),
        3 => (
            g.clone(),
            i.clone(),
            v.clone(),
            r.clone(),
            -1i64..13,
            any::<bool>()
        )
            .prop_map(|(g, i, v, r, c, x)| Op::UpdateVersion(g, i, v, r, c, x)),
        1 => (g.clone(), i.clone(), 0..3usize).prop_map(|(g, i, s)| Op::UpdateImage(g, i, s)),
        1 => g.clone().prop_map(Op::DeleteGallery),
        1 => (g.clone(), i.clone()).prop_map(|(g, i)| Op::DeleteImage(g, i)),
        1 => (g.clone(), i.clone(), v.clone()).prop_map(|(g, i, v)| Op::DeleteVersion(g, i, v)),
        1 => Just(Op::DeleteSource),
        4 => (g.clone(), i.clone(), v.clone(), r.clone()).prop_map(|(g, i, v, r)| Op::Fault(g, i, v, r)),
        3 => (g, i, v, r).prop_map(|(g, i, v, r)| Op::Retry(g, i, v, r)),
    ]
}

fn command(op: &Op) -> Command {
    match *op {
        Op::Gallery(g, r) => Command::CreateGallery {
            id: gallery_id(SUB, RG, GALLERIES[g]),
            resource: serde_json::from_value(json!({"location": REGIONS[r]})).unwrap(),
        },
        Op::Image(g, i, s) => {
            let mut b = testing::image_body(0, 0);
            if let Some(id) = b.properties.as_mut().and_then(|p| p.identifier.as_mut()) {
                id.sku = Some(format!("s{s}"));
            }
            Command::CreateImage { id: image_id(SUB, RG, GALLERIES[g], IMAGES[i]), resource: b }
        }
        Op::Version(g, i, v, r, c) => {
            // The source region alone (in either spelling), or with one more region.
            let targets = if r < 2 {
                json!([{"name": REGIONS[r], "regionalReplicaCount": c}])
            } else {
                json!([{"name": "westus"}, {"name": REGIONS[r], "regionalReplicaCount": c}])
            };
            Command::CreateVersion {
                id: version_id(SUB, RG, GALLERIES[g], IMAGES[i], VERSIONS[v]),
                resource: serde_json::from_value(json!({"location": "westus", "properties": {
                    "publishingProfile": {"targetRegions": targets},
                    "storageProfile": {"source": {"id": testing::source_image_id()}}}})).unwrap(),
            }
        }
        Op::UpdateVersion(g, i, v, r, c, x) => Command::UpdateVersion {
            id: version_id(SUB, RG, GALLERIES[g], IMAGES[i], VERSIONS[v]),
            resource: serde_json::from_value(json!({"properties": {"publishingProfile": {"excludeFromLatest": x, "replicaCount": c,
                "targetRegions": [{"name": REGIONS[r]}, {"name": "westus"}]}}})).unwrap(),
        },
        Op::UpdateImage(g, i, s) => Command::UpdateImage {
            id: image_id(SUB, RG, GALLERIES[g], IMAGES[i]),
            resource: serde_json::from_value(json!({"properties": {"description": "d", "identifier": {"sku": format!("s{s}")}}})).unwrap(),
        },
        Op::DeleteGallery(g) => Command::DeleteGallery { id: gallery_id(SUB, RG, GALLERIES[g]) },
        Op::DeleteImage(g, i) => Command::DeleteImage { id: image_id(SUB, RG, GALLERIES[g], IMAGES[i]) },
        Op::DeleteVersion(g, i, v) => Command::DeleteVersion { id: version_id(SUB, RG, GALLERIES[g], IMAGES[i], VERSIONS[v]) },
        Op::DeleteSource => Command::DeleteSource { id: testing::source_image_id() },
        Op::Fault(g, i, v, r) => Command::InjectReplicationFault {
            version_id: version_id(SUB, RG, GALLERIES[g], IMAGES[i], VERSIONS[v]),
            region: REGIONS[r].into(),
        },
        Op::Retry(g, i, v, r) => Command::RetryReplication {
            version_id: version_id(SUB, RG, GALLERIES[g], IMAGES[i], VERSIONS[v]),
            region: REGIONS[r].into(),
        },
    }
}

fn snapshot(w: &World) -> String {
    serde_json::to_string(w).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn random_command_sequences_keep_invariants(ops in prop::collection::vec((op(), 0..400i64), 1..40)) {
        let mut w = testing::base_world();
        let actor = Actor::system();
        // Galleries and definitions to start from, so versions (and their replication) are
        // reached by most sequences rather than by a lucky few.
        for (g, i, s) in [(0, 0, 0), (0, 1, 1), (2, 0, 0), (2, 1, 1)] {
            apply(&mut w, &actor, command(&Op::Gallery(g, 0)), FIXTURE_NOW).ok();
            apply(&mut w, &actor, command(&Op::Image(g, i, s)), FIXTURE_NOW).unwrap();
        }
        // Commands at increasing times, so replication records start, fail and resume at
        // different moments (not all nominal), and the export must carry what differs.
        let mut now = FIXTURE_NOW;
        for (op, wait) in &ops {
            now += time::Duration::seconds(*wait);
            let before = snapshot(&w);
            match apply(&mut w, &actor, command(op), now) {
                Ok(events) => prop_assert!(!events.is_empty()),
                Err(e) => {
                    prop_assert!(e.first_error().is_some(), "{e:?}");
                    prop_assert_eq!(snapshot(&w), before, "refused {:?} changed the world", op);
                }
            }
            if let Err(msg) = w.check_invariants() {
                prop_assert!(false, "after {:?}: {}", op, msg);
            }
        }
        // The export always re-imports to the same world, whose replication looks the same at
        // any time: before, during and after every region's copy.
        let json = snapshot(&w);
        let back: World = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(snapshot(&back), json);
        back.check_invariants().unwrap();
        for v in w.versions() {
            let id = v.id.to_string();
            let again = back.version(&id).unwrap();
            // The same ids, as written: what a GET, the events and the Activity log show.
            prop_assert_eq!(again.id.to_string(), id.clone());
            prop_assert_eq!(&again.resource().id, &v.resource().id);
            for t in [FIXTURE_NOW, now, now + time::Duration::minutes(5), now + time::Duration::days(1)] {
                prop_assert_eq!(
                    version_status(&w, v, t),
                    version_status(&back, again, t),
                    "{} at {}", id, t
                );
            }
        }
        // And a world built by commands validates without errors.
        let diags = sig_core::validate::validate_world(&w, FIXTURE_NOW);
        prop_assert!(!diags.iter().any(|d| d.is_error()), "{diags:#?}");
    }
}

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        prop::sample::select(vec![
            "westus",
            "Standard_ZRS",
            "1.0.0",
            "[parameters('x')]",
            "[concat(",
            "Microsoft.Compute/galleries",
            "Microsoft.Compute/galleries/images/versions",
            "/subscriptions/s/resourceGroups/r/providers/Microsoft.Compute/galleries/g",
            "",
            "Linux",
            "V2",
            "[resourceGroup().location]",
            "[[escaped]",
        ])
        .prop_map(|s| Value::String(s.to_string())),
    ];
    let keys = prop::sample::select(vec![
        "id",
        "name",
        "type",
        "location",
        "properties",
        "publishingProfile",
        "targetRegions",
        "storageProfile",
        "source",
        "value",
        "resources",
        "$schema",
        "parameters",
        "responses",
        "body",
        "formatVersion",
        "identifier",
        "osType",
        "regionalReplicaCount",
        "dataDiskImages",
        "lun",
        "sizeInGB",
        "defaultValue",
        "variables",
        "apiVersion",
    ]);
    leaf.prop_recursive(5, 64, 8, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(keys.clone(), inner, 0..6).prop_map(|m| Value::Object(
                m.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
            )),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_json_never_panics(v in arb_json()) {
        let input = parse_documents(&v);
        let _ = validate_input(&input, FIXTURE_NOW);
    }
}
