//! Benchmarks (divan): one command against a full-limits world vs a 100-version world, validating
//! the whole full-limits world, and the serialized size of that world.
//!
//! Run with `cargo bench -p sig-core --bench core`. The full-limits world has exactly 10,000
//! versions, so the "create" benchmarks run against a copy with one version removed (9,999 →
//! 10,000 → 9,999); a create that is refused at the limit is measured separately. Commands are
//! applied in place to one world per benchmark (no clone inside the measured loop).

use sig_core::command::version_id;
use sig_core::testing::{self, FIXTURE_NOW, RESOURCE_GROUP as RG, SUBSCRIPTION as SUB};
use sig_core::{apply, arm, Actor, Command, World};
use std::sync::OnceLock;
use std::time::Instant;

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

fn small_minus_one() -> &'static World {
    static W: OnceLock<World> = OnceLock::new();
    W.get_or_init(|| {
        let mut w = small().clone();
        apply(
            &mut w,
            &Actor::system(),
            Command::DeleteVersion {
                id: version_id(SUB, RG, "g000", "i09", "1.0.9"),
            },
            FIXTURE_NOW,
        )
        .expect("delete");
        w
    })
}

fn create_cmd(gallery: &str) -> Command {
    Command::CreateVersion {
        id: version_id(SUB, RG, gallery, "i09", "1.0.9"),
        resource: testing::version_body(),
    }
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

// ---- one command, measured in place ----------------------------------------------------------
//
// Each benchmark owns one world (cloned once, before timing) and applies commands to it in a
// loop; the world is left as it was found after each iteration. An earlier version cloned the
// whole world for every iteration (`with_inputs`): the 10,000-version clone (tens of MB) evicted
// the caches right before each timed command, so the full-limits figure measured cold memory, not
// the command. See BENCHMARKS.md ("Core").

/// Create one version, then delete it again: the world is back to its start state each time.
fn create_then_delete(b: divan::Bencher, world: &World, gallery: &'static str) {
    let mut w = world.clone();
    b.with_inputs(|| {
        (
            create_cmd(gallery),
            Command::DeleteVersion {
                id: version_id(SUB, RG, gallery, "i09", "1.0.9"),
            },
        )
    })
    .bench_local_values(|(create, delete)| {
        let a = apply(&mut w, &Actor::system(), create, FIXTURE_NOW).map(|e| e.len());
        let d = apply(&mut w, &Actor::system(), delete, FIXTURE_NOW).map(|e| e.len());
        (a, d)
    });
}

#[divan::bench(sample_count = 200, sample_size = 10)]
fn create_delete_version_full_limits(b: divan::Bencher) {
    create_then_delete(b, full_minus_one(), "g099");
}

#[divan::bench(sample_count = 200, sample_size = 10)]
fn create_delete_version_100(b: divan::Bencher) {
    create_then_delete(b, small_minus_one(), "g000");
}

#[divan::bench(sample_count = 200, sample_size = 10)]
fn create_version_refused_at_limit(b: divan::Bencher) {
    let mut w = full().clone();
    b.with_inputs(|| Command::CreateVersion {
        id: version_id(SUB, RG, "g099", "i09", "2.0.0"),
        resource: testing::version_body(),
    })
    .bench_local_values(|c| apply(&mut w, &Actor::system(), c, FIXTURE_NOW).is_err());
}

/// Updates one version in place, alternating its replica count so every update changes it.
fn update_in_place(b: divan::Bencher, world: &World, gallery: &'static str) {
    let mut w = world.clone();
    let mut n = 0i64;
    b.with_inputs(|| {
        n += 1;
        update_cmd(gallery, 2 + n % 2)
    })
    .bench_local_values(|c| apply(&mut w, &Actor::system(), c, FIXTURE_NOW).map(|e| e.len()));
}

#[divan::bench(sample_count = 200, sample_size = 10)]
fn update_version_full_limits(b: divan::Bencher) {
    update_in_place(b, full(), "g050");
}

#[divan::bench(sample_count = 200, sample_size = 10)]
fn update_version_100(b: divan::Bencher) {
    update_in_place(b, small(), "g000");
}

// 50 samples: with 10, the first (cold) samples moved the median by several ms.
#[divan::bench(sample_count = 50)]
fn validate_full_limits_world() -> usize {
    sig_core::validate::validate_world(divan::black_box(full()), FIXTURE_NOW).len()
}

#[divan::bench(sample_count = 30)]
fn serialize_full_limits_world() -> usize {
    serde_json::to_vec(divan::black_box(full()))
        .map(|v| v.len())
        .unwrap_or(0)
}

/// Reading the full-limits state file back: every tenant, gallery, definition and version goes
/// through the plan of the command that creates it (the one admission path), so this is what
/// the portal's import and cold load pay in the core.
#[divan::bench(sample_count = 20)]
fn import_full_limits_world(b: divan::Bencher) {
    let json = serde_json::to_string(full()).unwrap_or_default();
    b.bench(|| {
        serde_json::from_str::<World>(divan::black_box(&json))
            .map(|w| w.versions().count())
            .unwrap_or(0)
    });
}

/// The full-limits world as the portal stores it (in parts, every replication record kept),
/// read back through the plans (`new`) and as this engine's own sealed state (`own`: the
/// galleries put back with the world's constructors). JSON parsing is timed in both.
#[divan::bench(args = ["new", "own"], sample_count = 20)]
fn read_stored_full_limits_world(b: divan::Bencher, how: &str) {
    use sig_core::export::{Reading, WorldExport};
    let w = full();
    let text = |v: &dyn Fn() -> String| v();
    let rest = text(&|| serde_json::to_string(&w.rest_part()).unwrap_or_default());
    let galleries: Vec<String> = w
        .gallery_keys()
        .map(|k| serde_json::to_string(&w.gallery_part(k).expect("part")).unwrap_or_default())
        .collect();
    let access = serde_json::to_string(&w.access_part()).unwrap_or_default();
    b.bench(|| {
        let rest: WorldExport = serde_json::from_str(&rest).expect("rest");
        let parts = galleries
            .iter()
            .map(|g| serde_json::from_str(g).expect("part"))
            .collect();
        let access = serde_json::from_str(&access).expect("access");
        let doc = sig_core::parts::assemble(rest, parts, access, Vec::new());
        let reading = if how == "own" {
            let own = sig_core::export::Own {
                galleries: true,
                role_assignments: true,
            };
            Reading::own(doc, own)
        } else {
            Reading::new(doc)
        };
        reading
            .and_then(Reading::finish)
            .map(|(w, _)| w.versions().count())
            .unwrap_or(0)
    });
}

/// Times `apply(create)` alone on one warm world: the delete that restores the world after each
/// create is not timed. Median of `n` runs, in µs. (divan cannot leave half an iteration untimed.)
fn create_only_median_us(world: &World, gallery: &'static str, n: usize) -> f64 {
    let mut w = world.clone();
    let mut times = Vec::with_capacity(n);
    for _ in 0..n {
        let create = create_cmd(gallery);
        let delete = Command::DeleteVersion {
            id: version_id(SUB, RG, gallery, "i09", "1.0.9"),
        };
        let start = Instant::now();
        let r = apply(&mut w, &Actor::system(), create, FIXTURE_NOW);
        times.push(start.elapsed());
        divan::black_box(r).expect("create");
        apply(&mut w, &Actor::system(), delete, FIXTURE_NOW).expect("delete");
    }
    times.sort();
    times[n / 2].as_secs_f64() * 1e6
}

/// Prints the export size of the full-limits world: whole, gzip-compressed, and by part.
fn export_sizes() {
    use std::io::Write;
    let json = serde_json::to_vec(full()).unwrap_or_default();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let gzip = gz
        .write_all(&json)
        .and_then(|_| gz.finish())
        .map_or(0, |v| v.len());
    let mb = |n: usize| n as f64 / 1_000_000.0;
    println!(
        "serialized full-limits world (100 galleries / 1,000 definitions / 10,000 versions): {} bytes ({:.2} MB), gzip {} bytes ({:.2} MB)",
        json.len(),
        mb(json.len()),
        gzip,
        mb(gzip)
    );
    let value: serde_json::Value = serde_json::from_slice(&json).unwrap_or_default();
    for part in ["galleries", "replication"] {
        let n = value.get(part).map_or(0, |v| v.to_string().len());
        println!("  of which `{part}`: {n} bytes ({:.2} MB)", mb(n));
    }
}

fn main() {
    export_sizes();
    let small_us = create_only_median_us(small_minus_one(), "g000", 5_000);
    let full_us = create_only_median_us(full_minus_one(), "g099", 5_000);
    println!(
        "create version alone (median of 5,000, in place): 100 versions {small_us:.2} µs, full limits {full_us:.2} µs, ratio {:.2}",
        full_us / small_us
    );
    divan::main();
}
