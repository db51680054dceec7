//! Benchmarks (divan) of simulated replication over 10,000 versions × 10 target regions: the
//! "advance the clock" query (aggregated state of every version at a time `t`), the status JSON of
//! one version, and a fault injected through `apply`. Goal: the whole-world query ≤ 5 ms.
//!
//! Run with `cargo bench -p sig-core --bench replication`.

use sig_core::command::version_id;
use sig_core::replication::{replication_status, world_summary};
use sig_core::testing::{self, FIXTURE_NOW, RESOURCE_GROUP as RG, SUBSCRIPTION as SUB};
use sig_core::{apply, arm, Actor, Command, World};
use std::sync::OnceLock;
use time::Duration;

const REGIONS: [&str; 10] = [
    "westus",
    "eastus",
    "eastus2",
    "centralus",
    "northeurope",
    "westeurope",
    "japaneast",
    "southeastasia",
    "australiaeast",
    "brazilsouth",
];

/// 100 galleries × 10 definitions × 10 versions, each version replicated to 10 regions.
fn world() -> &'static World {
    static W: OnceLock<World> = OnceLock::new();
    W.get_or_init(|| {
        let mut w = testing::world_with(100, 10, 0);
        let mut body = testing::version_body();
        let targets: Vec<arm::TargetRegion> = REGIONS
            .iter()
            .map(|r| arm::TargetRegion {
                name: Some((*r).into()),
                ..Default::default()
            })
            .collect();
        if let Some(pp) = body
            .properties
            .as_mut()
            .and_then(|p| p.publishing_profile.as_mut())
        {
            pp.target_regions = Some(targets);
        }
        for g in 0..100 {
            for i in 0..10 {
                for v in 0..10 {
                    let id = version_id(
                        SUB,
                        RG,
                        &testing::gallery_name(g),
                        &testing::image_name(i),
                        &testing::version_name(v),
                    );
                    // Stagger the starts so the query sees every state.
                    let at = FIXTURE_NOW + Duration::seconds(((g * 100 + i * 10 + v) % 600) as i64);
                    apply(
                        &mut w,
                        &Actor::system(),
                        Command::CreateVersion {
                            id,
                            resource: body.clone(),
                        },
                        at,
                    )
                    .expect("version within limits");
                }
            }
        }
        w
    })
}

#[divan::bench(sample_count = 50)]
fn advance_clock_10k_versions_x_10_regions() -> usize {
    let t = FIXTURE_NOW + Duration::seconds(900);
    world_summary(divan::black_box(world()), divan::black_box(t)).len()
}

#[divan::bench(sample_count = 200, sample_size = 10)]
fn status_json_one_version() -> usize {
    let w = world();
    let v = w
        .version(&version_id(SUB, RG, "g050", "i05", "1.0.5"))
        .expect("version");
    let s = replication_status(w, v, divan::black_box(FIXTURE_NOW + Duration::seconds(400)));
    s.summary.map_or(0, |x| x.len())
}

#[divan::bench(sample_count = 30, sample_size = 3)]
fn inject_fault_full_world(b: divan::Bencher) {
    let w = world();
    b.with_inputs(|| w.clone()).bench_local_values(|mut w| {
        let c = Command::InjectReplicationFault {
            version_id: version_id(SUB, RG, "g050", "i05", "1.0.5"),
            region: "japaneast".into(),
        };
        let r = apply(
            &mut w,
            &Actor::system(),
            c,
            FIXTURE_NOW + Duration::seconds(601),
        )
        .is_ok();
        (w, r)
    });
}

fn main() {
    let w = world();
    let recs = w.to_export_value()["replication"]
        .as_array()
        .map_or(0, Vec::len);
    println!("replication records: {recs} (10,000 versions x 10 regions)");
    divan::main();
}
