//! Benchmark (divan): one access check against a world holding 10,000 role assignments
//! (goal ≤ 100 µs). Run with `cargo bench -p sig-core --bench access`.
//!
//! The world is the shipped example plus 500 users in Contoso, each holding several roles at the
//! subscription, the resource group and the gallery (10,000 assignments in all, some through
//! the nested groups); the check resolves the principal, walks the version's five ancestor
//! scopes and evaluates the roles found there.

use sig_core::access::{context, decide, effective_permissions, resolve_principal};
use sig_core::command::{gallery_id, version_id};
use sig_core::protocol::requests::{NewRoleAssignment, NewUser};
use sig_core::testing::example::{self, CONTOSO, CONTOSO_SUB};
use sig_core::testing::FIXTURE_NOW;
use sig_core::{apply, Actor, Command, World};
use std::sync::OnceLock;

const ROLES: &[&str] = &[
    "Reader",
    "Contributor",
    "Owner",
    "User Access Administrator",
    "Compute Gallery Image Reader",
    "Compute Gallery Artifacts Publisher",
    "Compute Gallery Sharing Admin",
];

fn world() -> &'static World {
    static W: OnceLock<World> = OnceLock::new();
    W.get_or_init(|| {
        let mut w = example::contoso_fabrikam();
        let sys = Actor::system();
        let scopes = [
            format!("/subscriptions/{CONTOSO_SUB}"),
            format!("/subscriptions/{CONTOSO_SUB}/resourceGroups/rg-images"),
            gallery_id(CONTOSO_SUB, "rg-images", "ContosoImages"),
        ];
        let mut n = w.access().assignments().count();
        let mut u = 0;
        while n < 10_000 {
            let upn = format!("user{u}@contoso.onmicrosoft.com");
            apply(
                &mut w,
                &sys,
                Command::CreateUser(NewUser {
                    tenant_id: CONTOSO.into(),
                    user_principal_name: upn.clone(),
                    display_name: format!("User {u}"),
                    id: None,
                }),
                FIXTURE_NOW,
            )
            .expect("user");
            'user: for scope in &scopes {
                for role in ROLES {
                    if n >= 10_000 {
                        break 'user;
                    }
                    let c = Command::CreateRoleAssignment(NewRoleAssignment {
                        scope: scope.clone(),
                        role_definition_id: (*role).into(),
                        principal_id: upn.clone(),
                        name: None,
                    });
                    apply(&mut w, &sys, c, FIXTURE_NOW).expect("assignment");
                    n += 1;
                }
            }
            u += 1;
        }
        assert_eq!(w.access().assignments().count(), 10_000);
        w
    })
}

fn main() {
    divan::main();
}

/// One action, allowed through a nested group at the gallery (the typical deploy check).
#[divan::bench]
fn check_one_action_10k_assignments(b: divan::Bencher) {
    let w = world();
    let v = version_id(
        CONTOSO_SUB,
        "rg-images",
        "ContosoImages",
        "ubuntu-22",
        "1.0.0",
    );
    b.bench(|| {
        let s = resolve_principal(w, divan::black_box("bob@contoso.onmicrosoft.com")).expect("bob");
        let cx = context(w, &s, divan::black_box(&v)).expect("scope");
        let d = decide(w, &cx, "Microsoft.Compute/galleries/images/versions/read");
        assert!(d.allowed);
        d
    });
}

/// One action for a principal holding 21 roles across the scope chain.
#[divan::bench]
fn check_one_action_busy_principal(b: divan::Bencher) {
    let w = world();
    let v = version_id(
        CONTOSO_SUB,
        "rg-images",
        "ContosoImages",
        "ubuntu-22",
        "1.0.0",
    );
    b.bench(|| {
        let s =
            resolve_principal(w, divan::black_box("user7@contoso.onmicrosoft.com")).expect("user");
        let cx = context(w, &s, divan::black_box(&v)).expect("scope");
        decide(w, &cx, "Microsoft.Compute/galleries/images/versions/write")
    });
}

/// Every known action at once (what `sig access check` without `--action` prints).
#[divan::bench]
fn effective_permissions_10k_assignments(b: divan::Bencher) {
    let w = world();
    let v = version_id(
        CONTOSO_SUB,
        "rg-images",
        "ContosoImages",
        "ubuntu-22",
        "1.0.0",
    );
    let s = resolve_principal(w, "bob@contoso.onmicrosoft.com").expect("bob");
    b.bench(|| effective_permissions(w, &s, divan::black_box(&v)));
}

/// Reading that world's state file back: 500 users and 10,000 role assignments, each admitted by
/// the plan of the command that creates it (what the portal's import and cold load pay).
#[divan::bench(sample_count = 20)]
fn import_10k_assignments(b: divan::Bencher) {
    let json = serde_json::to_string(world()).unwrap_or_default();
    b.bench(|| {
        serde_json::from_str::<World>(divan::black_box(&json))
            .map(|w| w.access().assignments().count())
            .unwrap_or(0)
    });
}
