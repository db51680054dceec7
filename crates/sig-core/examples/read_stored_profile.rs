//! Where the time goes when the portal opens a large stored state, natively: the state is split
//! into the parts the portal stores (the rest, one part per gallery, the access part, the
//! buckets of role assignments), then timed as the portal reads them back as the engine's own
//! sealed state — each gallery part admitted as it is parsed, then the access part and the
//! buckets, then each slice of the rest of the reading. With `--whole`, as the portal read them
//! until session 20 (and still reads parts that are not its own): every part parsed and put
//! together first. It exists because the browser's figures (BENCHMARKS.md) only show the whole;
//! this shows which stage to work on.
//!
//! `cargo run --release -p sig-core --example read_stored_profile -- [--whole] tests/test-results/ten-times.state.json`
//!
//! (`node tests/bench/ten-times.mjs` writes that file; any state file `sig` reads will do.)

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::Instant;

use sig_core::export::{Own, Reading, WorldExport};

/// Counts allocations and the bytes asked for: in the browser the opening's time goes mostly
/// to the allocator and to first touches of the memory it hands out, so how many and how much
/// is what to bring down.
struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);
static BYTES: AtomicUsize = AtomicUsize::new(0);
/// Bytes held now (allocated and not yet freed): what the world keeps after the reading.
static LIVE: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded unchanged to the system allocator; only counters are added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Relaxed);
        BYTES.fetch_add(layout.size(), Relaxed);
        LIVE.fetch_add(layout.size(), Relaxed);
        // SAFETY: the caller's contract is passed on as it is.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Relaxed);
        // SAFETY: as for `alloc`.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Relaxed);
        BYTES.fetch_add(new_size, Relaxed);
        LIVE.fetch_add(new_size, Relaxed);
        LIVE.fetch_sub(layout.size(), Relaxed);
        // SAFETY: as for `alloc`.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static COUNTING: Counting = Counting;

/// Allocations (and reallocations) and bytes asked for so far.
fn counted() -> (usize, usize) {
    (ALLOCATIONS.load(Relaxed), BYTES.load(Relaxed))
}

/// Resources admitted per step, as the portal's reader slices its work.
const STEP: usize = 5_000;

fn main() {
    let whole = std::env::args().any(|a| a == "--whole");
    let Some(path) = std::env::args().skip(1).find(|a| a != "--whole") else {
        eprintln!("usage: read_stored_profile [--whole] STATE.json");
        std::process::exit(2);
    };
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| fail(&path, &e));
    let doc: WorldExport = serde_json::from_str(&text).unwrap_or_else(|e| fail(&path, &e));
    let (world, _) = Reading::new(doc)
        .and_then(Reading::finish)
        .unwrap_or_else(|e| fail(&path, &e));

    // The parts' texts, as the portal writes them.
    let rest = json(&world.rest_part());
    let galleries: Vec<String> = world
        .gallery_keys()
        .filter_map(|k| world.gallery_part(k).map(|p| json(&p)))
        .collect();
    let access = json(&world.access_part());
    let by_bucket = world.assignment_parts();
    let assignment_count: usize = by_bucket.values().map(Vec::len).sum();
    let buckets: Vec<String> = by_bucket
        .values()
        .map(|list| json(&sig_core::parts::BucketRef(list)))
        .collect();
    drop(by_bucket);
    drop(world);

    let live0 = LIVE.load(Relaxed);
    let c0 = counted();
    let start = Instant::now();
    let own = Own {
        galleries: true,
        role_assignments: true,
    };
    let mut rest: WorldExport = parse(&rest);
    let mut reading = if whole {
        // Every part parsed, put together, then read (how the portal read them until
        // session 20, and still reads parts that are not its own).
        let parts = galleries.iter().map(|g| parse(g)).collect();
        let access = parse(&access);
        let assignments = buckets
            .iter()
            .map(|b| parse::<sig_core::parts::Bucket>(b).0)
            .collect();
        let doc = sig_core::parts::assemble(rest, parts, access, assignments);
        Reading::own(doc, own).unwrap_or_else(|e| fail("the parts", &e))
    } else {
        // Each gallery part admitted as it is parsed; then the access part and the buckets.
        rest.access = Default::default();
        let mut reading = Reading::own(rest, own).unwrap_or_else(|e| fail("the parts", &e));
        for g in &galleries {
            reading
                .admit_gallery_part(g)
                .unwrap_or_else(|e| fail("a gallery part", &format!("{e:?}")));
        }
        println!(
            "held after the gallery parts: {} MB",
            (LIVE.load(Relaxed) - live0) / 1_000_000
        );
        for b in &buckets {
            reading
                .add_role_assignments(parse::<sig_core::parts::Bucket>(b).0)
                .unwrap_or_else(|e| fail("a bucket", &e));
        }
        reading
            .set_access(parse(&access), true)
            .unwrap_or_else(|e| fail("the access fields", &e));
        reading
    };
    let parsed = start.elapsed();
    let c1 = counted();
    let opened = parsed;
    // (resources admitted by the end of the slice, the slice's milliseconds)
    let mut slices = Vec::new();
    loop {
        let t = Instant::now();
        let done = reading.step(STEP).unwrap_or_else(|e| fail("the parts", &e));
        slices.push((reading.progress().0, t.elapsed().as_millis()));
        if done {
            break;
        }
    }
    let (world, _) = reading.finish().unwrap_or_else(|e| fail("the parts", &e));
    let total = start.elapsed();
    let c2 = counted();
    let held = LIVE.load(Relaxed) - live0;

    println!(
        "{} galleries, {} versions, {} role assignments",
        galleries.len(),
        world.versions().count(),
        assignment_count
    );
    let bytes = |texts: &[String]| texts.iter().map(String::len).sum::<usize>() / 1_000_000;
    println!(
        "stored JSON: galleries {} MB, role assignments {} MB",
        bytes(&galleries),
        bytes(&buckets)
    );
    let (first, rest_of_it) = if whole {
        ("parsing the parts, opening the reading", "reading them")
    } else {
        (
            "the gallery parts admitted as parsed, the rest parsed",
            "reading the rest",
        )
    };
    println!("{first}: {} ms", parsed.as_millis());
    println!("{rest_of_it}: {} ms", (total - opened).as_millis());
    println!("total: {} ms", total.as_millis());
    let mb = |b: usize| b / 1_000_000;
    println!(
        "allocations, first: {} ({} MB); then: {} ({} MB)",
        c1.0 - c0.0,
        mb(c1.1 - c0.1),
        c2.0 - c1.0,
        mb(c2.1 - c1.1)
    );
    println!("held by the world read: {} MB", mb(held));
    println!("slices of {STEP} (admitted so far, ms): {slices:?}");
}

fn fail(what: &str, e: &dyn std::fmt::Display) -> ! {
    eprintln!("read_stored_profile: {what}: {e}");
    std::process::exit(1);
}

/// A part read back from its text.
fn parse<T: serde::de::DeserializeOwned>(text: &str) -> T {
    serde_json::from_str(text).unwrap_or_else(|e| fail("a part", &e))
}

/// A part's text, as the portal stores it.
fn json<T: serde::Serialize>(part: &T) -> String {
    serde_json::to_string(part).unwrap_or_else(|e| fail("a part", &e))
}
