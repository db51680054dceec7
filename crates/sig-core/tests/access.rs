//! Access: the shipped example state, an exhaustive comparison of the core's access decisions
//! with a plain reference evaluation written here, authorization of commands, and a property
//! test that no sequence of commands grants access without an assignment.

use sig_core::access::directory::{DirectoryObject, TenantDirectory};
use sig_core::access::roles::{self, GALLERY_ACTIONS};
use sig_core::access::{context, decide, resolve_principal, visible_resources, who_has_access};
use sig_core::command::{gallery_id, image_id, version_id};
use sig_core::protocol::requests::{
    GroupMembership, GuestInvitation, NewGroup, NewRoleAssignment, NewUser,
};
use sig_core::testing::example::{self, ADMIN, CAROL, CONTOSO, CONTOSO_SUB, FABRIKAM};
use sig_core::testing::{gallery_body, FIXTURE_NOW};
use sig_core::{apply, check, Actor, Code, Command, World};

const EXAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../examples/state/contoso-fabrikam.json"
);

#[test]
fn example_state_file_is_up_to_date_and_loads() {
    let w = example::contoso_fabrikam();
    let text = serde_json::to_string_pretty(&w).unwrap() + "\n";
    if std::env::var_os("SIG_WRITE_EXAMPLES").is_some() {
        std::fs::write(EXAMPLE, &text).unwrap();
    }
    let shipped =
        std::fs::read_to_string(EXAMPLE).expect("run with SIG_WRITE_EXAMPLES=1 to create it");
    assert_eq!(shipped, text, "examples/state/contoso-fabrikam.json is stale: run `SIG_WRITE_EXAMPLES=1 cargo test -p sig-core --test access`");
    let back: World = serde_json::from_str(&shipped).expect("the example loads");
    assert_eq!(
        serde_json::to_value(&back).unwrap(),
        serde_json::to_value(&w).unwrap()
    );
    let v: serde_json::Value = serde_json::from_str(&shipped).unwrap();
    assert!(v["directory"].as_array().unwrap().len() >= 3);
    assert!(!v["roleAssignments"].as_array().unwrap().is_empty());
    assert_eq!(v["roleDefinitions"].as_array().unwrap().len(), 1);
}

#[test]
fn older_files_without_access_fields_still_load() {
    let w = sig_core::testing::base_world();
    let mut v = serde_json::to_value(&w).unwrap();
    for k in ["directory", "roleDefinitions", "roleAssignments"] {
        assert!(v.get(k).is_none(), "empty access fields are not written");
        v.as_object_mut().unwrap().remove(k);
    }
    let back: World = serde_json::from_value(v).unwrap();
    assert_eq!(back.access().assignments().count(), 0);
}

// ---- the reference evaluation: plain scans, no indexes, no shared code ----------------------

fn glob(p: &[u8], a: &[u8]) -> bool {
    match (p.first(), a.first()) {
        (None, None) => true,
        (Some(b'*'), _) => glob(&p[1..], a) || (!a.is_empty() && glob(p, &a[1..])),
        (Some(x), Some(y)) if x.eq_ignore_ascii_case(y) => glob(&p[1..], &a[1..]),
        _ => false,
    }
}

fn role_allows(w: &World, role_id: &str, action: &str) -> bool {
    let guid = role_id.rsplit('/').next().unwrap().to_ascii_lowercase();
    let def = roles::built_in_roles()
        .iter()
        .chain(w.access().custom_roles())
        .find(|r| r.name.to_ascii_lowercase() == guid);
    def.is_some_and(|d| {
        d.properties.permissions.iter().any(|p| {
            p.actions
                .iter()
                .any(|x| glob(x.as_bytes(), action.as_bytes()))
                && !p
                    .not_actions
                    .iter()
                    .any(|x| glob(x.as_bytes(), action.as_bytes()))
        })
    })
}

fn dirs(w: &World) -> Vec<TenantDirectory> {
    w.access().directories()
}

/// The object ids that stand for a subject: a person's home user and all their guest/external
/// users; an app's service principals; a group itself.
fn identities(w: &World, object_id: &str) -> Vec<String> {
    let all: Vec<DirectoryObject> = w.access().objects().map(|e| e.object.clone()).collect();
    let me = all.iter().find(|o| o.id() == object_id).unwrap();
    match me {
        DirectoryObject::User(u) => {
            let home = u.home_user_id.clone().unwrap_or(u.id.clone());
            all.iter()
                .filter_map(|o| match o {
                    DirectoryObject::User(x)
                        if x.id == home || x.home_user_id.as_deref() == Some(home.as_str()) =>
                    {
                        Some(x.id.clone())
                    }
                    _ => None,
                })
                .collect()
        }
        DirectoryObject::ServicePrincipal(s) => all
            .iter()
            .filter_map(|o| match o {
                DirectoryObject::ServicePrincipal(x) if x.app_id == s.app_id => Some(x.id.clone()),
                _ => None,
            })
            .collect(),
        other => vec![other.id().to_string()],
    }
}

/// Every group containing any of `ids`, by repeated scans until nothing changes.
fn groups_containing(w: &World, ids: &[String]) -> Vec<String> {
    let mut found: Vec<String> = ids.to_vec();
    loop {
        let mut grew = false;
        for d in dirs(w) {
            for g in &d.groups {
                if !found.contains(&g.id) && g.members.iter().any(|m| found.contains(&m.id)) {
                    found.push(g.id.clone());
                    grew = true;
                }
            }
        }
        if !grew {
            return found;
        }
    }
}

fn under(scope: &str, target: &str) -> bool {
    let (s, t) = (scope.to_ascii_lowercase(), target.to_ascii_lowercase());
    t == s || t.starts_with(&format!("{s}/"))
}

fn reference(w: &World, object_id: &str, target: &str, action: &str) -> bool {
    let who = groups_containing(w, &identities(w, object_id));
    w.access().assignments().any(|a| {
        who.contains(&a.properties.principal_id)
            && under(&a.properties.scope, target)
            && role_allows(w, &a.properties.role_definition_id, action)
    })
}

fn all_scopes(w: &World) -> Vec<String> {
    let mut s: Vec<String> = w
        .subscriptions()
        .map(|s| format!("/subscriptions/{}", s.id))
        .collect();
    s.extend(w.resource_groups().map(|r| {
        format!(
            "/subscriptions/{}/resourceGroups/{}",
            r.subscription_id, r.name
        )
    }));
    s.extend(w.galleries().map(|g| g.id.to_string()));
    s.extend(w.images().map(|i| i.id.to_string()));
    s.extend(w.versions().map(|v| v.id.to_string()));
    s
}

#[test]
fn every_principal_scope_and_gallery_action_matches_the_reference() {
    let w = example::contoso_fabrikam();
    let principals: Vec<String> = w
        .access()
        .objects()
        .filter(|e| e.object.principal_type().is_some())
        .map(|e| e.object.id().to_string())
        .collect();
    assert!(principals.len() >= 10);
    let (mut allowed, mut total) = (0, 0);
    for p in &principals {
        let subject = resolve_principal(&w, p).unwrap();
        for scope in all_scopes(&w) {
            let cx = context(&w, &subject, &scope).unwrap();
            for action in GALLERY_ACTIONS {
                let got = decide(&w, &cx, action);
                assert_eq!(
                    got.allowed,
                    reference(&w, p, &scope, action),
                    "{p} {action} at {scope}"
                );
                assert_eq!(got.allowed, !got.grants.is_empty());
                total += 1;
                allowed += usize::from(got.allowed);
            }
        }
    }
    assert!(
        allowed > 50 && allowed < total,
        "{allowed}/{total}: the example should both allow and deny"
    );
}

// ---- the seed's sharing matrix and cross-tenant rules ----------------------------------------

fn can(w: &World, who: &str, scope: &str, action: &str) -> bool {
    let s = resolve_principal(w, who).unwrap();
    decide(w, &context(w, &s, scope).unwrap(), action).allowed
}

#[test]
fn sharing_matrix_and_tenants() {
    let w = example::contoso_fabrikam();
    let rg = "rg-images";
    let g = gallery_id(CONTOSO_SUB, rg, "ContosoImages");
    let ubuntu = image_id(CONTOSO_SUB, rg, "ContosoImages", "ubuntu-22");
    let ubuntu_v = version_id(CONTOSO_SUB, rg, "ContosoImages", "ubuntu-22", "1.0.0");
    let appliance = image_id(CONTOSO_SUB, rg, "ContosoImages", "appliance");
    let read = |ty: &str| format!("Microsoft.Compute/{ty}/read");
    // Shared at the gallery (Image Reader to a group bob is in through a nested group): definitions and versions.
    assert!(can(
        &w,
        "bob@contoso.onmicrosoft.com",
        &ubuntu_v,
        &read("galleries/images/versions")
    ));
    // Shared at a definition (carol, as a guest): the definition and its versions, not the gallery.
    assert!(can(&w, CAROL, &ubuntu, &read("galleries/images")));
    assert!(can(
        &w,
        CAROL,
        &ubuntu_v,
        &read("galleries/images/versions")
    ));
    assert!(!can(&w, CAROL, &g, &read("galleries")));
    assert!(!can(&w, CAROL, &appliance, &read("galleries/images")));
    // Dave (Fabrikam, never invited) sees nothing of Contoso.
    assert!(
        visible_resources(&w, &resolve_principal(&w, "dave@fabrikam.com").unwrap())
            .iter()
            .all(|r| !r.id.contains(CONTOSO_SUB))
    );
    // Contoso's owner has nothing in Fabrikam.
    let fab = gallery_id(example::FABRIKAM_SUB, "rg-apps", "FabrikamApps");
    assert!(!can(&w, ADMIN, &fab, &read("galleries")));
    // The multi-tenant app reads the one version shared with its Contoso service principal and
    // — through the Build Agents ⊂ Image Consumers nesting — the gallery's images too.
    let grants = {
        let s = resolve_principal(&w, example::DEPLOYER_APP).unwrap();
        decide(
            &w,
            &context(&w, &s, &ubuntu_v).unwrap(),
            &read("galleries/images/versions"),
        )
    };
    assert!(grants.allowed);
    assert_eq!(
        grants.grants[0].via_group.as_deref(),
        Some("Image Consumers")
    );
    assert!(grants.grants[0].inherited);
    let holders = who_has_access(&w, &ubuntu_v).unwrap();
    assert!(holders
        .iter()
        .any(|h| h.display_name == "Bob Builder"
            && h.via_group.as_deref() == Some("Image Consumers")));
}

// ---- authorization of commands -------------------------------------------------------------

fn run(
    w: &mut World,
    who: &str,
    c: Command,
) -> Result<Vec<sig_core::Event>, sig_core::CommandError> {
    apply(w, &Actor::new(who), c, FIXTURE_NOW)
}

#[test]
fn commands_are_authorized_and_refusals_name_principal_action_and_scope() {
    let mut w = example::contoso_fabrikam();
    let g2 = gallery_id(CONTOSO_SUB, "rg-images", "SecondGallery");
    let create = Command::CreateGallery {
        id: g2.clone(),
        resource: gallery_body(),
    };
    // Bob holds User Access Administrator + a read-only custom role: no gallery write.
    let before = serde_json::to_value(&w).unwrap();
    let e = run(&mut w, "bob@contoso.onmicrosoft.com", create.clone()).unwrap_err();
    assert_eq!(e.code(), Code::AuthorizationFailed);
    assert_eq!(e.http_status(), 403);
    let m = &e.first_error().unwrap().message;
    assert!(
        m.contains("'bob@contoso.onmicrosoft.com'")
            && m.contains("'Microsoft.Compute/galleries/write'")
            && m.contains(&g2),
        "{m}"
    );
    assert_eq!(
        serde_json::to_value(&w).unwrap(),
        before,
        "a refusal changes nothing"
    );
    assert_eq!(
        check(
            &w,
            &Actor::new("bob@contoso.onmicrosoft.com"),
            &create,
            FIXTURE_NOW
        )
        .unwrap()
        .unwrap_err(),
        e
    );
    // An unknown actor is refused; the system actor is not checked.
    assert_eq!(
        run(&mut w, "mallory@evil.example", create.clone())
            .unwrap_err()
            .code(),
        Code::AuthorizationFailed
    );
    // Bob may grant himself Contributor (User Access Administrator), and then create.
    run(
        &mut w,
        "bob@contoso.onmicrosoft.com",
        Command::CreateRoleAssignment(NewRoleAssignment {
            scope: format!("/subscriptions/{CONTOSO_SUB}/resourceGroups/rg-images"),
            role_definition_id: roles::CONTRIBUTOR.into(),
            principal_id: "bob@contoso.onmicrosoft.com".into(),
            name: None,
        }),
    )
    .unwrap();
    run(&mut w, "bob@contoso.onmicrosoft.com", create).unwrap();
    // Alice (Artifacts Publisher at the gallery) cannot assign roles.
    let e = run(
        &mut w,
        "alice@contoso.onmicrosoft.com",
        Command::CreateRoleAssignment(NewRoleAssignment {
            scope: g2.clone(),
            role_definition_id: "Reader".into(),
            principal_id: "alice@contoso.onmicrosoft.com".into(),
            name: None,
        }),
    )
    .unwrap_err();
    assert!(e
        .first_error()
        .unwrap()
        .message
        .contains("Microsoft.Authorization/roleAssignments/write"));
    // Carol (a guest in Contoso) is not a member: no directory changes there.
    let e = run(
        &mut w,
        CAROL,
        Command::CreateGroup(NewGroup {
            tenant_id: CONTOSO.into(),
            display_name: "x".into(),
            id: None,
        }),
    )
    .unwrap_err();
    assert_eq!(e.code(), Code::AuthorizationFailed);
}

#[test]
fn nothing_crosses_a_tenant_by_default() {
    let mut w = example::contoso_fabrikam();
    let g = gallery_id(CONTOSO_SUB, "rg-images", "ContosoImages");
    // Dave is Fabrikam's; Contoso cannot assign him a role until he is invited as a guest.
    let to_dave = |principal: &str| {
        Command::CreateRoleAssignment(NewRoleAssignment {
            scope: g.clone(),
            role_definition_id: "Reader".into(),
            principal_id: principal.into(),
            name: None,
        })
    };
    let e = run(&mut w, ADMIN, to_dave("dave@fabrikam.com")).unwrap_err();
    assert_eq!(e.code(), Code::PrincipalNotFound);
    assert!(e.first_error().unwrap().message.contains(CONTOSO));
    let ev = run(
        &mut w,
        ADMIN,
        Command::InviteGuest(GuestInvitation {
            tenant_id: CONTOSO.into(),
            user: "dave@fabrikam.com".into(),
            id: None,
        }),
    )
    .unwrap();
    assert!(
        !can(
            &w,
            "dave@fabrikam.com",
            &g,
            "Microsoft.Compute/galleries/read"
        ),
        "an invitation alone grants nothing"
    );
    run(&mut w, ADMIN, to_dave(&ev[0].id)).unwrap();
    assert!(can(
        &w,
        "dave@fabrikam.com",
        &g,
        "Microsoft.Compute/galleries/read"
    ));
    // Groups only hold members of their own tenant, and never themselves.
    let consumers = example::group_id(CONTOSO, "Image Consumers");
    let agents = example::group_id(CONTOSO, "Build Agents");
    let e = run(
        &mut w,
        ADMIN,
        Command::AddGroupMember(GroupMembership {
            group_id: consumers.clone(),
            member_id: CAROL.into(),
        }),
    )
    .unwrap_err();
    assert_eq!(e.code(), Code::PrincipalNotFound);
    let e = run(
        &mut w,
        ADMIN,
        Command::AddGroupMember(GroupMembership {
            group_id: agents,
            member_id: consumers,
        }),
    )
    .unwrap_err();
    assert_eq!(e.code(), Code::GroupMembershipCycle);
    // A user in Fabrikam cannot be made a member user of Contoso by Fabrikam's admin.
    let e = run(
        &mut w,
        CAROL,
        Command::CreateUser(NewUser {
            tenant_id: CONTOSO.into(),
            user_principal_name: "x@fabrikam.com".into(),
            display_name: "X".into(),
            id: None,
        }),
    )
    .unwrap_err();
    assert_eq!(e.code(), Code::AuthorizationFailed);
    let _ = FABRIKAM;
}

#[test]
fn sharing_a_version_warns_and_deleting_a_resource_drops_its_assignments() {
    let mut w = example::contoso_fabrikam();
    let v = version_id(
        CONTOSO_SUB,
        "rg-images",
        "ContosoImages",
        "ubuntu-22",
        "1.1.0",
    );
    let ev = run(
        &mut w,
        ADMIN,
        Command::CreateRoleAssignment(NewRoleAssignment {
            scope: v.clone(),
            role_definition_id: roles::COMPUTE_GALLERY_IMAGE_READER.into(),
            principal_id: "alice@contoso.onmicrosoft.com".into(),
            name: None,
        }),
    )
    .unwrap();
    assert_eq!(ev[0].warnings[0].code, Code::ShareAtGalleryLevel);
    let again = run(
        &mut w,
        ADMIN,
        Command::CreateRoleAssignment(NewRoleAssignment {
            scope: v.clone(),
            role_definition_id: "Compute Gallery Image Reader".into(),
            principal_id: "alice@contoso.onmicrosoft.com".into(),
            name: None,
        }),
    )
    .unwrap_err();
    assert_eq!(again.code(), Code::RoleAssignmentExists);
    run(
        &mut w,
        "alice@contoso.onmicrosoft.com",
        Command::DeleteVersion { id: v.clone() },
    )
    .unwrap();
    assert!(w
        .access()
        .assignments()
        .all(|a| !a.properties.scope.eq_ignore_ascii_case(&v)));
    let id = w
        .access()
        .assignments()
        .find(|a| a.properties.scope.contains(CONTOSO_SUB))
        .unwrap()
        .id
        .clone();
    let northwind = w
        .access()
        .assignments()
        .find(|a| a.properties.scope.contains(example::NORTHWIND_SUB))
        .unwrap()
        .id
        .clone();
    let e = run(
        &mut w,
        ADMIN,
        Command::DeleteRoleAssignment { id: northwind },
    )
    .unwrap_err();
    assert_eq!(
        e.code(),
        Code::AuthorizationFailed,
        "Contoso's owner has no rights in Northwind"
    );
    run(
        &mut w,
        ADMIN,
        Command::DeleteRoleAssignment { id: id.clone() },
    )
    .unwrap();
    assert!(w.access().assignment(&id).is_none());
}

#[test]
fn a_subscription_creator_becomes_its_owner() {
    let mut w = World::new();
    let me = "admin@contoso.onmicrosoft.com";
    run(
        &mut w,
        me,
        Command::CreateTenant {
            id: "t1".into(),
            display_name: "T".into(),
        },
    )
    .unwrap();
    run(
        &mut w,
        me,
        Command::CreateSubscription {
            id: "s1".into(),
            tenant_id: "t1".into(),
            display_name: "S".into(),
            allow_listed_regions: false,
        },
    )
    .unwrap();
    assert!(can(
        &w,
        me,
        "/subscriptions/s1",
        "Microsoft.Authorization/roleAssignments/write"
    ));
    run(
        &mut w,
        me,
        Command::CreateResourceGroup {
            subscription_id: "s1".into(),
            name: "rg".into(),
            location: "westus".into(),
        },
    )
    .unwrap();
    run(
        &mut w,
        me,
        Command::CreateGallery {
            id: gallery_id("s1", "rg", "g1"),
            resource: gallery_body(),
        },
    )
    .unwrap();
    // Someone else cannot create a subscription in a tenant they have no object in.
    let e = run(
        &mut w,
        "eve@other.example",
        Command::CreateSubscription {
            id: "s2".into(),
            tenant_id: "t1".into(),
            display_name: "S".into(),
            allow_listed_regions: false,
        },
    )
    .unwrap_err();
    assert_eq!(e.code(), Code::AuthorizationFailed);
}

// ---- property: no sequence of commands grants access without an assignment ----------------

#[cfg(not(target_arch = "wasm32"))]
mod props {
    use super::*;
    use proptest::prelude::*;

    const PEOPLE: &[&str] = &[
        "admin@contoso.onmicrosoft.com",
        "alice@contoso.onmicrosoft.com",
        "bob@contoso.onmicrosoft.com",
        "carol@fabrikam.com",
        "dave@fabrikam.com",
        "erin@northwind.example",
    ];
    const ROLES: &[&str] = &[
        "Owner",
        "Contributor",
        "Reader",
        "User Access Administrator",
        "Compute Gallery Image Reader",
        "Compute Gallery Artifacts Publisher",
        "Compute Gallery Sharing Admin",
        "Gallery Version Auditor",
    ];

    fn scopes() -> Vec<String> {
        all_scopes(&example::contoso_fabrikam())
    }

    #[derive(Debug, Clone)]
    enum Op {
        Assign(usize, usize, usize, usize),
        Unassign(usize, usize),
        Invite(usize, usize, usize),
        Join(usize, usize, usize),
        Gallery(usize, usize),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            (0..6usize, 0..8usize, 0..6usize, 0..64usize)
                .prop_map(|(a, r, p, s)| Op::Assign(a, r, p, s)),
            (0..6usize, 0..64usize).prop_map(|(a, n)| Op::Unassign(a, n)),
            (0..6usize, 0..3usize, 0..6usize).prop_map(|(a, t, p)| Op::Invite(a, t, p)),
            (0..6usize, 0..2usize, 0..6usize).prop_map(|(a, g, p)| Op::Join(a, g, p)),
            (0..6usize, 0..64usize).prop_map(|(a, s)| Op::Gallery(a, s)),
        ]
    }

    fn command(w: &World, scopes: &[String], op: &Op) -> (String, Command) {
        let tenants = [example::CONTOSO, example::FABRIKAM, example::NORTHWIND];
        let pick = |n: usize| scopes[n % scopes.len()].clone();
        match op {
            Op::Assign(a, r, p, s) => (
                PEOPLE[*a].into(),
                Command::CreateRoleAssignment(NewRoleAssignment {
                    scope: pick(*s),
                    role_definition_id: ROLES[*r].into(),
                    principal_id: PEOPLE[*p].into(),
                    name: None,
                }),
            ),
            Op::Unassign(a, n) => {
                let ids: Vec<String> = w.access().assignments().map(|x| x.id.clone()).collect();
                (
                    PEOPLE[*a].into(),
                    Command::DeleteRoleAssignment {
                        id: ids.get(n % ids.len().max(1)).cloned().unwrap_or_default(),
                    },
                )
            }
            Op::Invite(a, t, p) => (
                PEOPLE[*a].into(),
                Command::InviteGuest(GuestInvitation {
                    tenant_id: tenants[*t].into(),
                    user: PEOPLE[*p].into(),
                    id: None,
                }),
            ),
            Op::Join(a, g, p) => {
                let group =
                    example::group_id(example::CONTOSO, ["Image Consumers", "Build Agents"][*g]);
                (
                    PEOPLE[*a].into(),
                    Command::AddGroupMember(GroupMembership {
                        group_id: group,
                        member_id: PEOPLE[*p].into(),
                    }),
                )
            }
            Op::Gallery(a, s) => {
                let sc = pick(*s);
                let id = if sc.contains("/resourceGroups/") {
                    format!(
                        "{}/providers/Microsoft.Compute/galleries/gNew",
                        sc.split("/providers/").next().unwrap()
                    )
                } else {
                    sc
                };
                (
                    PEOPLE[*a].into(),
                    Command::CreateGallery {
                        id,
                        resource: gallery_body(),
                    },
                )
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]
        #[test]
        fn access_only_through_assignments(ops in prop::collection::vec(op(), 1..25)) {
            let mut w = example::contoso_fabrikam();
            let scopes = scopes();
            for op in &ops {
                let (who, c) = command(&w, &scopes, op);
                let needs = sig_core::access::required_permissions(&w, &c);
                let before = w.clone();
                if apply(&mut w, &Actor::new(who.as_str()), c, FIXTURE_NOW).is_ok() {
                    // A successful command by a non-system actor had, before it ran, an
                    // assignment (per the reference evaluation) for every RBAC action it needed.
                    let me = before.access().user_by_upn(&who).unwrap().object.id().to_string();
                    for n in needs {
                        if let sig_core::access::Requirement::Rbac { action, scope }
                        | sig_core::access::Requirement::Linked { action, scope, .. } = n {
                            prop_assert!(reference(&before, &me, &scope, &action), "{who} did {action} at {scope} without an assignment");
                        }
                    }
                }
            }
            // And every allowed decision in the final world is backed by an assignment.
            for p in PEOPLE {
                let s = resolve_principal(&w, p).unwrap();
                let me = w.access().user_by_upn(p).unwrap().object.id().to_string();
                for scope in all_scopes(&w) {
                    let cx = context(&w, &s, &scope).unwrap();
                    for action in GALLERY_ACTIONS {
                        prop_assert_eq!(decide(&w, &cx, action).allowed, reference(&w, &me, &scope, action), "{} {} {}", p, action, scope);
                    }
                }
            }
        }
    }
}

/// Publishing needs read access to what the version is made from, whatever the gallery role says:
/// a managed image, another image version, each disk of a disk-level version.
#[test]
fn a_version_is_published_only_from_sources_the_publisher_may_read() {
    let mut w = example::contoso_fabrikam();
    let rg = "rg-images";
    let image = |name: &str| {
        format!("/subscriptions/{CONTOSO_SUB}/resourceGroups/{rg}/providers/Microsoft.Compute/images/{name}")
    };
    let alice = "alice@contoso.onmicrosoft.com";
    // A managed image Alice has no role on, in the same resource group as her gallery.
    let mut private = w.source(&image("ubuntu-base")).unwrap().clone();
    private.id = image("private-base");
    run(&mut w, ADMIN, Command::CreateSource(private)).unwrap();
    let new_version = |name: &str, body: serde_json::Value| Command::CreateVersion {
        id: version_id(CONTOSO_SUB, rg, "ContosoImages", "ubuntu-22", name),
        resource: serde_json::from_value(body).unwrap(),
    };
    let from = |source: &str| {
        serde_json::json!({"location": "westus", "properties": {
            "publishingProfile": {"targetRegions": [{"name": "westus"}]},
            "storageProfile": {"source": {"id": source}}}})
    };
    let e = run(
        &mut w,
        alice,
        new_version("2.0.0", from(&image("private-base"))),
    )
    .unwrap_err();
    // Azure's LinkedAuthorizationFailed: the write is allowed, the linked read is not.
    assert_eq!(e.code(), Code::LinkedAuthorizationFailed);
    assert_eq!(e.http_status(), 403);
    let d = e.first_error().unwrap();
    assert_eq!(d.path, "properties.storageProfile.source.id");
    assert!(
        d.message.contains(
            "has permission to perform action 'Microsoft.Compute/galleries/images/versions/write'"
        ) && d.message.contains("'Microsoft.Compute/images/read'")
            && d.message
                .contains(&format!("linked scope(s) '{}'", image("private-base"))),
        "{}",
        d.message
    );
    assert!(w
        .version(&version_id(
            CONTOSO_SUB,
            rg,
            "ContosoImages",
            "ubuntu-22",
            "2.0.0"
        ))
        .is_none());
    // Given Reader on that image, the same request goes through.
    run(
        &mut w,
        ADMIN,
        Command::CreateRoleAssignment(NewRoleAssignment {
            scope: image("private-base"),
            role_definition_id: roles::READER.into(),
            principal_id: alice.into(),
            name: None,
        }),
    )
    .unwrap();
    run(
        &mut w,
        alice,
        new_version("2.0.0", from(&image("private-base"))),
    )
    .unwrap();
    // A version made from another version needs read on that version: Alice reads her gallery's.
    let v1 = version_id(CONTOSO_SUB, rg, "ContosoImages", "ubuntu-22", "1.0.0");
    run(&mut w, alice, new_version("2.1.0", from(&v1))).unwrap();
    // Erin (Northwind, nothing in Contoso) is refused the write itself: links are not reached.
    let e = run(&mut w, example::ERIN, new_version("2.2.0", from(&v1))).unwrap_err();
    assert_eq!(e.code(), Code::AuthorizationFailed);
    assert_eq!(e.diagnostics.len(), 1);
    assert!(e.diagnostics[0]
        .message
        .contains("'Microsoft.Compute/galleries/images/versions/write'"));
    // A disk-level version: Alice may read the OS disk's snapshot but not the data disk's; the
    // refusal names the data disk's field.
    let snapshot = |name: &str, os: bool| {
        let mut s = w.source(&image("ubuntu-base")).unwrap().clone();
        s.id = format!("/subscriptions/{CONTOSO_SUB}/resourceGroups/{rg}/providers/Microsoft.Compute/snapshots/{name}");
        s.kind = sig_core::sources::SourceKind::Snapshot;
        if !os {
            s.os_type = None;
            s.os_state = None;
        }
        s
    };
    let (os_snap, data_snap) = (snapshot("os-snap", true), snapshot("data-snap", false));
    run(&mut w, ADMIN, Command::CreateSource(os_snap.clone())).unwrap();
    run(&mut w, ADMIN, Command::CreateSource(data_snap.clone())).unwrap();
    run(
        &mut w,
        ADMIN,
        Command::CreateRoleAssignment(NewRoleAssignment {
            scope: os_snap.id.clone(),
            role_definition_id: roles::READER.into(),
            principal_id: alice.into(),
            name: None,
        }),
    )
    .unwrap();
    let disk = serde_json::json!({"location": "westus", "properties": {
        "publishingProfile": {"targetRegions": [{"name": "westus"}]},
        "storageProfile": {"osDiskImage": {"source": {"id": os_snap.id}},
                           "dataDiskImages": [{"lun": 0, "source": {"id": data_snap.id}}]}}});
    let e = run(&mut w, alice, new_version("2.3.0", disk)).unwrap_err();
    assert_eq!(e.code(), Code::LinkedAuthorizationFailed);
    assert_eq!(e.diagnostics.len(), 1, "{e}");
    assert_eq!(
        e.diagnostics[0].path,
        "properties.storageProfile.dataDiskImages[0].source.id"
    );
    assert!(e.diagnostics[0]
        .message
        .contains("'Microsoft.Compute/snapshots/read'"));
}

/// The seed's advice is the gallery level: sharing a definition or a version warns, sharing
/// the gallery (or anything above it) does not.
#[test]
fn sharing_below_the_gallery_warns_at_the_gallery_it_does_not() {
    for (scope, warns) in [
        (
            format!("/subscriptions/{CONTOSO_SUB}/resourceGroups/rg-images"),
            false,
        ),
        (gallery_id(CONTOSO_SUB, "rg-images", "ContosoImages"), false),
        (
            image_id(CONTOSO_SUB, "rg-images", "ContosoImages", "ubuntu-22"),
            true,
        ),
        (
            version_id(
                CONTOSO_SUB,
                "rg-images",
                "ContosoImages",
                "ubuntu-22",
                "1.1.0",
            ),
            true,
        ),
    ] {
        let mut w = example::contoso_fabrikam();
        let ev = run(
            &mut w,
            ADMIN,
            Command::CreateRoleAssignment(NewRoleAssignment {
                scope: scope.clone(),
                role_definition_id: roles::COMPUTE_GALLERY_IMAGE_READER.into(),
                principal_id: "alice@contoso.onmicrosoft.com".into(),
                name: None,
            }),
        )
        .unwrap();
        let warned = ev[0]
            .warnings
            .iter()
            .any(|d| d.code == Code::ShareAtGalleryLevel);
        assert_eq!(warned, warns, "{scope}");
    }
}

#[test]
fn display_names_have_graphs_length_limit() {
    let mut w = example::contoso_fabrikam();
    let user = |name: String| {
        Command::CreateUser(NewUser {
            tenant_id: CONTOSO.into(),
            user_principal_name: "long@contoso.onmicrosoft.com".into(),
            display_name: name,
            id: None,
        })
    };
    let refused = apply(&mut w, &Actor::system(), user("é".repeat(257)), FIXTURE_NOW)
        .expect_err("257 characters are too many");
    let first = refused.first_error().unwrap();
    assert_eq!(
        (first.code, first.path.as_str()),
        (Code::InvalidParameter, "display_name")
    );
    assert!(
        first.message.contains("at most 256 characters"),
        "{}",
        first.message
    );
    apply(&mut w, &Actor::system(), user("é".repeat(256)), FIXTURE_NOW)
        .expect("256 characters (not bytes) are allowed");
}
