//! Benchmarks (divan): one command against a full-limits world vs a 100-version world, validating
//! the whole full-limits world, and the serialized size of that world.
//!
//! Run with `cargo bench -p sig-core`. The full-limits world has exactly 10,000 versions, so the
//! "create" benchmark runs against a copy with one version removed (9,999 → 10,000); a create that
//! is refused at the limit is measured separately.

use sig_core::command::version_id;
use sig_core::testing::{self, FIXTURE_NOW, RESOURCE_GROUP as RG, SUBSCRIPTION as SUB};
use sig_core::{apply, arm, Actor, Command, World};
use std::sync::OnceLock;

fn full() -> &'static World {
    static W: OnceLock<World> = OnceLock::new();
    W.get_or_init(testing::full_limits_world)
}

fn full_minus_one() -> &'static World {
    static W: OnceLock<World> = OnceLock::new();
    W.get_or_init(|| {
        let mut w = full().clone();
        apply(
            &mut w,
            &Actor::system(),
            Command::DeleteVersion {
                id: version_id(SUB, RG, "g099", "i09", "1.0.9"),
            },
            FIXTURE_NOW,
        )
        .expect("delete");
        w
    })
}

fn small() -> &'static World {
    static W: OnceLock<World> = OnceLock::new();
    W.get_or_init(testing::hundred_version_world)
}

fn create_cmd(gallery: &str) -> Command {
    Command::CreateVersion {
        id: version_id(SUB, RG, gallery, "i09", "1.0.9"),
        resource: testing::version_body(),
    }
}

fn create_in(w: &World) -> Command {
    let _ = w;
    create_cmd("g099")
}

fn update_cmd(gallery: &str, replicas: i64) -> Command {
    let body: arm::GalleryImageVersion = serde_json::from_value(serde_json::json!({"properties": {"publishingProfile": {
        "targetRegions": [{"name": "westus", "regionalReplicaCount": replicas}], "excludeFromLatest": true}}}))
    .expect("body");
    Command::UpdateVersion {
        id: version_id(SUB, RG, gallery, "i00", "1.0.0"),
        resource: body,
    }
}

#[divan::bench(sample_count = 30, sample_size = 3)]
fn create_version_full_limits(b: divan::Bencher) {
    let w = full_minus_one();
    b.with_inputs(|| (w.clone(), create_in(w)))
        .bench_local_values(|(mut w, c)| {
            // Return the world so divan drops it after timing: dropping it is not the command's cost.
            let r = apply(&mut w, &Actor::system(), c, FIXTURE_NOW).map(|e| e.len());
            (w, r)
        });
}

#[divan::bench(sample_count = 30, sample_size = 3)]
fn create_version_refused_at_limit(b: divan::Bencher) {
    let w = full();
    b.with_inputs(|| {
        (
            w.clone(),
            Command::CreateVersion {
                id: version_id(SUB, RG, "g099", "i09", "2.0.0"),
                resource: testing::version_body(),
            },
        )
    })
    .bench_local_values(|(mut w, c)| {
        let r = apply(&mut w, &Actor::system(), c, FIXTURE_NOW).is_err();
        (w, r)
    });
}

#[divan::bench(sample_count = 200, sample_size = 10)]
fn create_version_100(b: divan::Bencher) {
    let w = small();
    b.with_inputs(|| {
        let mut w = w.clone();
        let _ = apply(
            &mut w,
            &Actor::system(),
            Command::DeleteVersion {
                id: version_id(SUB, RG, "g000", "i09", "1.0.9"),
            },
            FIXTURE_NOW,
        );
        (w, create_cmd("g000"))
    })
    .bench_local_values(|(mut w, c)| {
        // Return the world so divan drops it after timing: dropping it is not the command's cost.
        let r = apply(&mut w, &Actor::system(), c, FIXTURE_NOW).map(|e| e.len());
        (w, r)
    });
}

#[divan::bench(sample_count = 30, sample_size = 3)]
fn update_version_full_limits(b: divan::Bencher) {
    let w = full();
    b.with_inputs(|| (w.clone(), update_cmd("g050", 3)))
        .bench_local_values(|(mut w, c)| {
            // Return the world so divan drops it after timing: dropping it is not the command's cost.
            let r = apply(&mut w, &Actor::system(), c, FIXTURE_NOW).map(|e| e.len());
            (w, r)
        });
}

#[divan::bench(sample_count = 200, sample_size = 10)]
fn update_version_100(b: divan::Bencher) {
    let w = small();
    b.with_inputs(|| (w.clone(), update_cmd("g000", 3)))
        .bench_local_values(|(mut w, c)| {
            // Return the world so divan drops it after timing: dropping it is not the command's cost.
            let r = apply(&mut w, &Actor::system(), c, FIXTURE_NOW).map(|e| e.len());
            (w, r)
        });
}

#[divan::bench(sample_count = 10)]
fn validate_full_limits_world() -> usize {
    sig_core::validate::validate_world(divan::black_box(full()), FIXTURE_NOW).len()
}

#[divan::bench(sample_count = 10)]
fn serialize_full_limits_world() -> usize {
    serde_json::to_vec(divan::black_box(full()))
        .map(|v| v.len())
        .unwrap_or(0)
}

fn main() {
    let bytes = serde_json::to_vec(full()).map(|v| v.len()).unwrap_or(0);
    println!("serialized full-limits world: {bytes} bytes ({:.2} MB) for 100 galleries / 1,000 definitions / 10,000 versions", bytes as f64 / 1_000_000.0);
    divan::main();
}
