//! Property tests of simulated replication: under any sequence of faults, retries and target-region
//! changes applied in time order, a region's observed progress never goes backwards, and far
//! enough in the future every region is Completed or Failed.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use serde_json::json;
use sig_core::command::version_id;
use sig_core::replication::{version_status, RegionState};
use sig_core::testing::{self, FIXTURE_NOW, RESOURCE_GROUP as RG, SUBSCRIPTION as SUB};
use sig_core::{apply, Actor, Command, World};
use std::collections::BTreeMap;
use time::{Duration, OffsetDateTime};

const EXTRA: &[&str] = &[
    "eastus",
    "westeurope",
    "japaneast",
    "brazilsouth",
    "centralus",
];

#[derive(Debug, Clone)]
enum Op {
    Wait,
    Fault(usize),
    Retry(usize),
    /// Toggle an extra target region (add if absent, remove if present).
    Toggle(usize),
}

fn op() -> impl Strategy<Value = Op> {
    let r = 0..EXTRA.len() + 1; // index EXTRA.len() = the source region westus
    prop_oneof![
        Just(Op::Wait),
        r.clone().prop_map(Op::Fault),
        r.prop_map(Op::Retry),
        (0..EXTRA.len()).prop_map(Op::Toggle),
    ]
}

fn region(i: usize) -> &'static str {
    EXTRA.get(i).copied().unwrap_or("westus")
}

fn targets(extra: &[bool]) -> serde_json::Value {
    let mut t = vec![json!({"name": "westus"})];
    for (i, on) in extra.iter().enumerate() {
        if *on {
            t.push(json!({"name": EXTRA[i], "regionalReplicaCount": 1 + (i as i64 % 3)}));
        }
    }
    json!(t)
}

fn setup() -> (World, String) {
    let mut w = testing::world_with(1, 1, 0);
    let id = version_id(
        SUB,
        RG,
        &testing::gallery_name(0),
        &testing::image_name(0),
        "1.0.0",
    );
    let mut body = testing::version_body();
    body.properties
        .as_mut()
        .unwrap()
        .publishing_profile
        .as_mut()
        .unwrap()
        .target_regions =
        Some(serde_json::from_value(targets(&[true, true, false, false, false])).unwrap());
    apply(
        &mut w,
        &Actor::system(),
        Command::CreateVersion {
            id: id.clone(),
            resource: body,
        },
        FIXTURE_NOW,
    )
    .unwrap();
    (w, id)
}

fn observe(w: &World, id: &str, t: OffsetDateTime) -> BTreeMap<String, (RegionState, u8)> {
    let v = w.version(id).unwrap();
    version_status(w, v, t)
        .into_iter()
        .map(|s| (s.region.as_str().to_string(), (s.state, s.progress)))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn progress_never_goes_backwards_and_regions_settle(
        steps in proptest::collection::vec((0i64..2_000, op()), 1..40),
    ) {
        let (mut w, id) = setup();
        let mut extra = vec![true, true, false, false, false];
        let mut t = FIXTURE_NOW;
        let mut last = observe(&w, &id, t);
        for (dt, op) in steps {
            t += Duration::seconds(dt);
            let actor = Actor::system();
            let cmd = match &op {
                Op::Wait => None,
                Op::Fault(i) => Some(Command::InjectReplicationFault { version_id: id.clone(), region: region(*i).into() }),
                Op::Retry(i) => Some(Command::RetryReplication { version_id: id.clone(), region: region(*i).into() }),
                Op::Toggle(i) => {
                    extra[*i] = !extra[*i];
                    let body = serde_json::from_value(json!({"properties": {"publishingProfile": {"targetRegions": targets(&extra)}}})).unwrap();
                    Some(Command::UpdateVersion { id: id.clone(), resource: body })
                }
            };
            if let Some(c) = cmd {
                // Refusals (e.g. retrying a region that did not fail) leave the world unchanged.
                let before = w.to_export_value();
                if apply(&mut w, &actor, c, t).is_err() {
                    prop_assert_eq!(before, w.to_export_value());
                }
            }
            // For a fixed state, progress is monotone in time.
            let now = observe(&w, &id, t);
            let soon = observe(&w, &id, t + Duration::seconds(137));
            for (r, (state, p)) in &now {
                let (s2, p2) = soon[r];
                prop_assert!(p2 >= *p, "{r}: {p} -> {p2} within one state");
                prop_assert!(!(*state == RegionState::Completed && s2 != RegionState::Completed));
                // Across commands: a region that stayed targeted never loses progress.
                if let Some((_, before)) = last.get(r) {
                    prop_assert!(p >= before, "{r}: {before} -> {p} after {op:?}");
                }
                prop_assert!(*p <= 100 && (*p == 100) == (*state == RegionState::Completed));
            }
            last = now;
        }
        let far = observe(&w, &id, t + Duration::days(365));
        for (r, (state, _)) in far {
            prop_assert!(matches!(state, RegionState::Completed | RegionState::Failed), "{r} ended {state:?}");
        }
        w.check_invariants().unwrap();
    }
}
