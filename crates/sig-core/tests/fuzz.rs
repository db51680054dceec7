//! Mutation fuzzing of everything that reads untrusted input: `sig validate` (every JSON shape,
//! templates included), state-file import, and the `--target-regions` parser. Inputs start from
//! what the product ships or prints — Azure's REST examples, the example state, a template
//! exported from it — and are mutated at random places (a value replaced by an awkward one, a
//! key removed or added, an array element duplicated, a long or control-laden string planted).
//!
//! Each case must finish without a panic, within a time bound (no hang), and every refusal must
//! be a typed error (`CommandError` with a coded diagnostic; diagnostics with a code).
//!
//! `SIG_FUZZ_CASES` sets the number of cases per target (CI: the default below; the long run
//! recorded in BENCHMARKS.md: `SIG_FUZZ_CASES=100000 cargo test --release -p sig-core --test
//! fuzz -- --nocapture`).
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::{json, Value};
use sig_core::export_template::{export_template, TemplateRequest};
use sig_core::validate::{parse_documents, validate_input};
use sig_core::World;
mod common;

use std::time::{Duration, Instant};
use time::macros::datetime;

/// How long one case may take before it counts as a hang (generous: CI machines are busy).
const CASE_BOUND: Duration = Duration::from_secs(5);

fn cases() -> u32 {
    std::env::var("SIG_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(300)
}

fn seeds() -> Vec<Value> {
    let mut out: Vec<Value> = common::fixtures()
        .iter()
        .map(|p| {
            let text = std::fs::read_to_string(p).expect("read");
            serde_json::from_str(&text).expect("fixture is JSON")
        })
        .collect();
    let state = sig_core::testing::example::contoso_fabrikam();
    out.push(serde_json::to_value(&state).expect("state"));
    let ids = state
        .galleries()
        .map(|g| g.id.to_string())
        .take(1)
        .collect();
    let request = TemplateRequest {
        ids,
        role_assignments: true,
        vm_from: None,
    };
    out.push(
        export_template(&state, &request)
            .expect("a template")
            .template,
    );
    out
}

/// Awkward values: wrong types, huge numbers, far dates, expressions, bidi and control
/// characters, long unbroken strings, ids of every kind.
fn awkward() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| json!(f)),
        prop::sample::select(vec![
            "",
            "westus",
            "Standard_ZRS",
            "9999-12-31T23:59:59Z",
            "0001-01-01",
            "1.0.0",
            "4294967295.4294967295.4294967295",
            "[variables('x')]",
            "[concat(parameters('a'), '/', parameters('b'))]",
            "[resourceId('Microsoft.Compute/galleries/images', 'g', 'i')]",
            "[[escaped]",
            "[",
            "/subscriptions/s/resourceGroups/r/providers/Microsoft.Compute/galleries/g",
            "/subscriptions/s/resourceGroups/r/providers/Microsoft.Compute/galleries/g/images/i/versions/1.0.0",
            "gnp\u{202e}exe",
            "a\u{0}b",
        ])
        .prop_map(|s| Value::String(s.to_string())),
        (1usize..200_000).prop_map(|n| Value::String("x".repeat(n))),
        Just(json!({"name": "eastus", "regionalReplicaCount": 4294967295u64})),
        Just(json!([])),
        Just(json!({})),
    ]
}

#[derive(Debug, Clone)]
enum Mutation {
    Replace(Value),
    Remove,
    Insert(String, Value),
    Duplicate,
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let keys = prop::sample::select(vec![
        "id",
        "name",
        "type",
        "location",
        "properties",
        "publishingProfile",
        "targetRegions",
        "storageProfile",
        "endOfLifeDate",
        "replicaCount",
        "formatVersion",
        "directory",
        "members",
        "roleAssignments",
        "variables",
        "copy",
        "apiVersion",
    ]);
    prop_oneof![
        3 => awkward().prop_map(Mutation::Replace),
        1 => Just(Mutation::Remove),
        1 => (keys, awkward()).prop_map(|(k, v)| Mutation::Insert(k.to_string(), v)),
        1 => Just(Mutation::Duplicate),
    ]
}

/// Applies `m` at the `pick`-th node of `v` (depth first), counting down.
fn mutate(v: &mut Value, pick: &mut usize, m: &Mutation) -> bool {
    if *pick == 0 {
        match m {
            Mutation::Replace(x) => *v = x.clone(),
            Mutation::Insert(k, x) => {
                if let Value::Object(o) = v {
                    o.insert(k.clone(), x.clone());
                } else {
                    *v = x.clone();
                }
            }
            Mutation::Duplicate => {
                if let Value::Array(a) = v {
                    if let Some(first) = a.first().cloned() {
                        a.push(first);
                    }
                }
            }
            Mutation::Remove => *v = Value::Null,
        }
        return true;
    }
    *pick -= 1;
    match v {
        Value::Object(o) => {
            let keys: Vec<String> = o.keys().cloned().collect();
            for k in keys {
                if *pick == 0 && matches!(m, Mutation::Remove) {
                    o.remove(&k);
                    return true;
                }
                if let Some(child) = o.get_mut(&k) {
                    if mutate(child, pick, m) {
                        return true;
                    }
                }
            }
            false
        }
        Value::Array(a) => a.iter_mut().any(|child| mutate(child, pick, m)),
        _ => false,
    }
}

fn nodes(v: &Value) -> usize {
    1 + match v {
        Value::Object(o) => o.values().map(nodes).sum(),
        Value::Array(a) => a.iter().map(nodes).sum(),
        _ => 0,
    }
}

fn runner() -> TestRunner {
    TestRunner::new_with_rng(
        Config {
            cases: cases(),
            failure_persistence: None,
            ..Config::default()
        },
        TestRng::deterministic_rng(RngAlgorithm::ChaCha),
    )
}

fn bounded<T>(what: &str, run: impl FnOnce() -> T) -> Result<T, TestCaseError> {
    let started = Instant::now();
    let out = run();
    let took = started.elapsed();
    prop_assert!(took < CASE_BOUND, "{what} took {took:?}");
    Ok(out)
}

/// Mutated documents (several mutations each) through `sig validate`'s reader and rules, and —
/// for state files — through import; every finding and refusal carries a code.
#[test]
fn mutated_documents_never_panic_or_hang() {
    let seeds = seeds();
    let now = datetime!(2026-11-30 0:00 UTC);
    let strategy = (
        0..seeds.len(),
        prop::collection::vec((any::<prop::sample::Index>(), mutation()), 1..4),
    );
    let started = Instant::now();
    let refused = std::cell::Cell::new(0u32);
    runner()
        .run(&strategy, |(seed, edits)| {
            let mut doc = seeds[seed].clone();
            for (at, m) in &edits {
                let mut pick = at.index(nodes(&doc));
                mutate(&mut doc, &mut pick, m);
            }
            let diags = bounded("validate", || validate_input(&parse_documents(&doc), now))?;
            prop_assert!(diags.iter().all(|d| !d.code.as_str().is_empty()));
            if doc.get("formatVersion").is_some() {
                let loaded = bounded("import", || serde_json::from_value::<World>(doc.clone()))?;
                if let Err(e) = loaded {
                    refused.set(refused.get() + 1);
                    prop_assert!(!e.to_string().is_empty());
                }
                if let Ok(export) = serde_json::from_value(doc.clone()) {
                    if let Err(e) = World::from_export(export) {
                        prop_assert!(e.first_error().is_some(), "untyped refusal: {e:?}");
                    }
                }
            }
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
    println!(
        "figures: fuzz documents: {} cases in {:.1} s, {} state files refused, 0 panics, 0 over {CASE_BOUND:?}",
        cases(),
        started.elapsed().as_secs_f64(),
        refused.get()
    );
}

/// Random `--target-regions` arguments: the parser answers each with specs or one coded refusal.
#[test]
fn random_target_region_arguments_never_panic() {
    let entry = prop_oneof![
        "[a-zA-Z ]{0,20}(=[0-9]{0,12})?(=[a-zA-Z_]{0,15})?",
        any::<String>(),
        Just("eastus=4294967296=standard_zrs".to_string()),
        Just("=".repeat(10_000)),
    ];
    let strategy = prop::collection::vec(entry, 0..6);
    let started = Instant::now();
    runner()
        .run(&strategy, |entries| {
            let parsed = bounded("parse", || {
                sig_core::target_regions::parse_entries(&entries)
            })?;
            if let Err(d) = parsed {
                prop_assert!(!d.code.as_str().is_empty() && !d.message.is_empty());
            }
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
    println!(
        "figures: fuzz target regions: {} cases in {:.1} s, 0 panics",
        cases(),
        started.elapsed().as_secs_f64()
    );
}
