//! The core's speed in wasm next to its speed natively, on the same work (issue 17): one
//! workload, compiled for both, printing medians. Not a test of behaviour (every check here is
//! `#[ignore]`d, so `cargo test` skips it); `scripts/core-ratio.sh` runs it on both targets with
//! the release profile (the one the portal and `sig` ship with) and prints the ratios.
//!
//! Natively: `cargo test --release -p sig-core --test speed_ratio -- --ignored --nocapture`;
//! in wasm (node): `cargo test --release -p sig-core --target wasm32-unknown-unknown --test
//! speed_ratio -- --include-ignored`.

use sig_core::command::version_id;
use sig_core::testing::{self, FIXTURE_NOW, RESOURCE_GROUP as RG, SUBSCRIPTION as SUB};
use sig_core::{apply, Actor, Command, World};

#[cfg(not(target_arch = "wasm32"))]
use std::time::Instant;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::Instant;

#[cfg(not(target_arch = "wasm32"))]
use core::prelude::v1::test as bench;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as bench;

/// Where the figures go: the console under node, stdout natively.
fn report(name: &str, runs: &[f64]) {
    let mut sorted = runs.to_vec();
    sorted.sort_by(f64::total_cmp);
    let median = sorted[sorted.len() / 2];
    let target = if cfg!(target_arch = "wasm32") {
        "wasm"
    } else {
        "native"
    };
    let line = format!(
        "figure: {target} {name} median {median:.3} ms over {} runs",
        runs.len()
    );
    #[cfg(target_arch = "wasm32")]
    wasm_bindgen_test::console_log!("{line}");
    #[cfg(not(target_arch = "wasm32"))]
    println!("{line}");
}

/// Milliseconds `work` takes, `runs` times.
fn time(runs: usize, mut work: impl FnMut() -> usize) -> Vec<f64> {
    let mut sink = 0usize;
    let timed = (0..runs)
        .map(|_| {
            let start = Instant::now();
            sink = sink.wrapping_add(std::hint::black_box(work()));
            start.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    std::hint::black_box(sink);
    timed
}

#[bench]
#[ignore = "a benchmark: scripts/core-ratio.sh runs it on both targets"]
fn core_speed_at_the_full_limits() {
    // As the portal's module does (app/src/main.rs).
    #[cfg(target_arch = "wasm32")]
    wasm_memcmp::link();
    let full = testing::full_limits_world();
    report(
        "validate the full-limits world",
        &time(15, || {
            sig_core::validate::validate_world(&full, FIXTURE_NOW).len()
        }),
    );

    // One command in place: create a version where one was deleted, then delete it again.
    let mut world: World = full.clone();
    let delete = |gallery: &str| Command::DeleteVersion {
        id: version_id(SUB, RG, gallery, "i09", "1.0.9"),
    };
    apply(&mut world, &Actor::system(), delete("g099"), FIXTURE_NOW).expect("delete");
    let create = Command::CreateVersion {
        id: version_id(SUB, RG, "g099", "i09", "1.0.9"),
        resource: testing::version_body(),
    };
    report(
        "apply a command (create + delete a version, x100)",
        &time(15, || {
            (0..100)
                .map(|_| {
                    let a = apply(&mut world, &Actor::system(), create.clone(), FIXTURE_NOW);
                    let d = apply(&mut world, &Actor::system(), delete("g099"), FIXTURE_NOW);
                    a.map_or(0, |e| e.len()) + d.map_or(0, |e| e.len())
                })
                .sum()
        }),
    );

    // What a command does most: compare resource ids in the world's ordered maps. Ids share
    // long prefixes (`/subscriptions/{guid}/resourcegroups/...`), and wasm has no native
    // memcmp (compiler-builtins compares byte by byte), so this isolates that cost.
    let ids: Vec<String> = (0..1000)
        .map(|i| {
            version_id(
                SUB,
                RG,
                "g099",
                &format!("i{:02}", i % 10),
                &format!("1.0.{i}"),
            )
        })
        .collect();
    report(
        "compare resource ids (1,000 x 1,000)",
        &time(15, || {
            ids.iter()
                .map(|a| ids.iter().filter(|b| a.as_str() < b.as_str()).count())
                .sum()
        }),
    );

    report(
        "serialize the full-limits world",
        &time(7, || serde_json::to_string(&full).map_or(0, |s| s.len())),
    );
    // What the portal's save serializes after a command (sig_core::parts): the rest of the
    // document every time, one gallery's part when the command touched it.
    report(
        "serialize the rest part (no galleries, no access)",
        &time(15, || {
            serde_json::to_string(&full.rest_part()).map_or(0, |s| s.len())
        }),
    );
    let gallery = full.gallery_keys().last().expect("a gallery").clone();
    report(
        "serialize one gallery's part (10 definitions, 100 versions)",
        &time(15, || {
            full.gallery_part(&gallery)
                .and_then(|p| serde_json::to_string(&p).ok())
                .map_or(0, |s| s.len())
        }),
    );
    let text = serde_json::to_string(&full).expect("serialize");
    report(
        "read the full-limits world back (every create's rules)",
        &time(9, || {
            serde_json::from_str::<World>(&text).map_or(0, |w| w.versions().count())
        }),
    );
    // What opening the portal reads: the stored parts, as this engine's own sealed state
    // (`Reading::own`), JSON included.
    let rest = serde_json::to_string(&full.rest_part()).expect("rest");
    let parts: Vec<String> = full
        .gallery_keys()
        .map(|k| serde_json::to_string(&full.gallery_part(k).expect("part")).expect("part"))
        .collect();
    let access = serde_json::to_string(&full.access_part()).expect("access");
    report(
        "read the stored parts back as the engine's own",
        &time(9, || {
            let galleries = parts
                .iter()
                .map(|p| serde_json::from_str(p).expect("part"))
                .collect();
            let doc = sig_core::parts::assemble(
                serde_json::from_str(&rest).expect("rest"),
                galleries,
                serde_json::from_str(&access).expect("access"),
                Vec::new(),
            );
            let own = sig_core::export::Own {
                galleries: true,
                role_assignments: true,
            };
            sig_core::export::Reading::own(doc, own)
                .and_then(sig_core::export::Reading::finish)
                .map_or(0, |(w, _)| w.versions().count())
        }),
    );
}
