//! Management groups and deny assignments, as whole flows: an assignment at a management group
//! reaches every subscription below it (through nested groups), a deny assignment wins over any
//! allow with Azure's message, only the simulator creates deny assignments, and both travel in
//! the export.

use serde_json::json;
use sig_core::access::{context, decide, resolve_principal};
use sig_core::command::gallery_id;
use sig_core::iam::governance::{management_group_id, DenyAssignment};
use sig_core::protocol::requests::{NewManagementGroup, NewRoleAssignment};
use sig_core::testing::example::{contoso_fabrikam, ADMIN, CONTOSO, CONTOSO_SUB, FABRIKAM};
use sig_core::testing::FIXTURE_NOW;
use sig_core::{apply, Actor, Code, Command, CommandError, Event, World};

const BOB: &str = "bob@contoso.onmicrosoft.com";

fn run(w: &mut World, actor: Actor, c: Command) -> Result<Vec<Event>, CommandError> {
    apply(w, &actor, c, FIXTURE_NOW)
}

fn group(name: &str, parent: Option<&str>) -> Command {
    Command::CreateManagementGroup(NewManagementGroup {
        tenant_id: CONTOSO.into(),
        name: name.into(),
        display_name: String::new(),
        parent: parent.map(str::to_string),
    })
}

fn allowed(w: &World, who: &str, action: &str, scope: &str) -> sig_core::access::ActionDecision {
    let subject = resolve_principal(w, who).unwrap();
    let cx = context(w, &subject, scope).unwrap();
    decide(w, &cx, action)
}

#[test]
fn an_assignment_at_a_management_group_reaches_the_subscriptions_below_it() {
    let mut w = contoso_fabrikam();
    let admin = || Actor::new(ADMIN);
    run(&mut w, admin(), group("Contoso-Platform", None)).expect("group");
    run(
        &mut w,
        admin(),
        group("Contoso-Images", Some("Contoso-Platform")),
    )
    .expect("nested group");
    // The creator owns the group; a bad name, an unknown parent and a taken name are refused.
    assert_eq!(
        run(&mut w, admin(), group("bad name", None))
            .unwrap_err()
            .code(),
        Code::InvalidParameter
    );
    assert_eq!(
        run(&mut w, Actor::system(), group("x", Some("nope")))
            .unwrap_err()
            .code(),
        Code::ResourceNotFound
    );
    assert_eq!(
        run(&mut w, admin(), group("Contoso-Images", None))
            .unwrap_err()
            .code(),
        Code::Conflict
    );
    // Bob (not an Owner of the subscription) can't place it; the admin can.
    let place = Command::AddSubscriptionToManagementGroup {
        management_group: "Contoso-Images".into(),
        subscription_id: CONTOSO_SUB.into(),
    };
    assert_eq!(
        run(&mut w, Actor::new(BOB), place.clone())
            .unwrap_err()
            .code(),
        Code::AuthorizationFailed
    );
    run(&mut w, admin(), place).expect("placed");
    // A Fabrikam subscription can't join a Contoso group (the rule, even for the simulator).
    let fabrikam_sub = w
        .subscriptions()
        .find(|s| s.tenant_id == FABRIKAM)
        .unwrap()
        .id
        .clone();
    let cross = Command::AddSubscriptionToManagementGroup {
        management_group: "Contoso-Images".into(),
        subscription_id: fabrikam_sub,
    };
    assert_eq!(
        run(&mut w, admin(), cross.clone()).unwrap_err().code(),
        Code::AuthorizationFailed
    );
    assert_eq!(
        run(&mut w, Actor::system(), cross).unwrap_err().code(),
        Code::InvalidParameter
    );

    // Reader at the top group: Bob reads the gallery, inherited through both groups.
    let gallery = gallery_id(CONTOSO_SUB, "rg-images", "ContosoImages");
    let read = "Microsoft.Compute/galleries/read";
    let before = allowed(&w, BOB, read, &gallery);
    run(
        &mut w,
        admin(),
        Command::CreateRoleAssignment(NewRoleAssignment {
            scope: management_group_id("Contoso-Platform"),
            role_definition_id: "Reader".into(),
            principal_id: BOB.into(),
            name: None,
        }),
    )
    .expect("assigned at the group");
    let after = allowed(&w, BOB, read, &gallery);
    assert!(after.allowed);
    let grant = after
        .grants
        .iter()
        .find(|g| g.assignment_scope.contains("managementGroups"))
        .expect("the group's grant");
    assert!(grant.inherited && grant.assignment_scope.ends_with("/Contoso-Platform"));
    assert!(after.grants.len() > before.grants.len());
    // The root group (the tenant id) is above everything of the tenant.
    let root = management_group_id(CONTOSO);
    let chain = sig_core::access::full_path(&w, &gallery).unwrap().1.levels;
    assert_eq!(
        &chain[..3],
        [
            root,
            management_group_id("Contoso-Platform"),
            management_group_id("Contoso-Images")
        ]
    );

    // The kinds of the levels below the groups are still told apart (what visibility asks).
    let rg = format!("/subscriptions/{CONTOSO_SUB}/resourceGroups/rg-images");
    assert_eq!(
        sig_core::access::full_path(&w, &rg)
            .unwrap()
            .1
            .resource_type(),
        "Microsoft.Resources/subscriptions/resourceGroups"
    );
    // A member with no role but Reader at the group sees the subscription below it.
    run(
        &mut w,
        admin(),
        Command::CreateUser(sig_core::protocol::requests::NewUser {
            tenant_id: CONTOSO.into(),
            user_principal_name: "dana@contoso.onmicrosoft.com".into(),
            display_name: "Dana".into(),
            id: None,
        }),
    )
    .unwrap();
    let dana = resolve_principal(&w, "dana@contoso.onmicrosoft.com").unwrap();
    assert!(!sig_core::visibility::can_see_subscription(
        &w,
        &dana,
        CONTOSO_SUB
    ));
    run(
        &mut w,
        admin(),
        Command::CreateRoleAssignment(NewRoleAssignment {
            scope: management_group_id("Contoso-Images"),
            role_definition_id: "Reader".into(),
            principal_id: "dana@contoso.onmicrosoft.com".into(),
            name: None,
        }),
    )
    .unwrap();
    assert!(sig_core::visibility::can_see_subscription(
        &w,
        &dana,
        CONTOSO_SUB
    ));
    // Bob may create a group of his own (under the root), but not take the subscription out
    // of one he has no write access to.
    run(&mut w, Actor::new(BOB), group("Bobs", None)).expect("any member creates under the root");
    let away = Command::AddSubscriptionToManagementGroup {
        management_group: "Bobs".into(),
        subscription_id: CONTOSO_SUB.into(),
    };
    let e = run(&mut w, Actor::new(BOB), away).unwrap_err();
    assert_eq!(e.code(), Code::AuthorizationFailed);
    assert!(
        e.diagnostics
            .iter()
            .any(|d| d.resource_id.ends_with("/Contoso-Images")),
        "{e:?}"
    );
    // Nor create one under another's group.
    assert_eq!(
        run(
            &mut w,
            Actor::new(BOB),
            group("Sub", Some("Contoso-Images"))
        )
        .unwrap_err()
        .code(),
        Code::AuthorizationFailed
    );

    // Everything travels in the export.
    let text = serde_json::to_string(&w).unwrap();
    let back: World = serde_json::from_str(&text).expect("loads");
    assert!(allowed(&back, BOB, read, &gallery)
        .grants
        .iter()
        .any(|g| g.assignment_scope.contains("managementGroups")));
}

#[test]
fn a_deny_assignment_wins_over_any_allow_and_only_azure_makes_one() {
    let mut w = contoso_fabrikam();
    let gallery = gallery_id(CONTOSO_SUB, "rg-images", "ContosoImages");
    let deny: DenyAssignment = serde_json::from_value(json!({
        "name": "7d1e4c2a-0000-4000-8000-000000000001",
        "properties": {
            "denyAssignmentName": "Deployment stack: protect images",
            "description": "Created by a deployment stack with denySettings DenyDelete.",
            "permissions": [{"actions": ["*/delete"], "notActions": []}],
            "scope": format!("/subscriptions/{CONTOSO_SUB}/resourceGroups/rg-images"),
            "principals": [{"id": "00000000-0000-0000-0000-000000000000", "type": "SystemDefined"}],
            "excludePrincipals": [],
            "isSystemProtected": true
        }
    }))
    .unwrap();
    let e = run(
        &mut w,
        Actor::new(ADMIN),
        Command::CreateDenyAssignment(deny.clone()),
    )
    .unwrap_err();
    assert_eq!(e.code(), Code::AuthorizationFailed);
    run(
        &mut w,
        Actor::system(),
        Command::CreateDenyAssignment(deny.clone()),
    )
    .expect("Azure's own");
    // The Owner may delete per role, but the deny assignment (inherited from the group) wins.
    let d = allowed(&w, ADMIN, "Microsoft.Compute/galleries/delete", &gallery);
    assert!(!d.allowed && !d.grants.is_empty());
    assert!(d.denied_by[0].inherited);
    let e = run(
        &mut w,
        Actor::new(ADMIN),
        Command::DeleteGallery {
            id: gallery.clone(),
        },
    )
    .unwrap_err();
    assert_eq!(e.code(), Code::AuthorizationFailed);
    assert!(e.diagnostics[0].message.contains("however, the access is denied because of the deny assignment with name 'Deployment stack: protect images'"), "{}", e.diagnostics[0].message);
    // Writes are not denied.
    assert!(allowed(&w, ADMIN, "Microsoft.Compute/galleries/write", &gallery).allowed);
    // Limited to its own scope, it no longer reaches the gallery.
    let mut own = deny;
    own.name = "7d1e4c2a-0000-4000-8000-000000000002".into();
    own.properties.do_not_apply_to_child_scopes = true;
    let mut w2 = contoso_fabrikam();
    run(&mut w2, Actor::system(), Command::CreateDenyAssignment(own)).unwrap();
    assert!(allowed(&w2, ADMIN, "Microsoft.Compute/galleries/delete", &gallery).allowed);
    // …but still at its own.
    let rg = format!("/subscriptions/{CONTOSO_SUB}/resourceGroups/rg-images");
    assert!(
        !allowed(
            &w2,
            ADMIN,
            "Microsoft.Resources/subscriptions/resourceGroups/delete",
            &rg
        )
        .allowed
    );
    // A deny assignment at a resource goes with it, and the export still loads.
    let mut w3 = contoso_fabrikam();
    let version = sig_core::command::version_id(
        CONTOSO_SUB,
        "rg-images",
        "ContosoImages",
        "ubuntu-22",
        "1.0.0",
    );
    let mut at_version: DenyAssignment = serde_json::from_value(json!({
        "name": "7d1e4c2a-0000-4000-8000-000000000003",
        "properties": {"permissions": [{"actions": ["*/write"]}], "scope": version,
            "principals": [{"id": "00000000-0000-0000-0000-000000000000", "type": "SystemDefined"}]}
    }))
    .unwrap();
    run(
        &mut w3,
        Actor::system(),
        Command::CreateDenyAssignment(at_version.clone()),
    )
    .unwrap();
    run(
        &mut w3,
        Actor::new(ADMIN),
        Command::DeleteVersion {
            id: version.clone(),
        },
    )
    .unwrap();
    assert_eq!(w3.access().deny_assignments().count(), 0);
    let _: World = serde_json::from_str(&serde_json::to_string(&w3).unwrap()).expect("loads");
    // A deny assignment is named by a GUID.
    at_version.name = "not-a-guid".into();
    at_version.properties.scope = gallery.clone();
    assert_eq!(
        run(
            &mut w3,
            Actor::system(),
            Command::CreateDenyAssignment(at_version)
        )
        .unwrap_err()
        .code(),
        Code::InvalidParameter
    );
    // It travels in the export.
    let back: World = serde_json::from_str(&serde_json::to_string(&w).unwrap()).expect("loads");
    assert!(!allowed(&back, ADMIN, "Microsoft.Compute/galleries/delete", &gallery).allowed);
}

/// `visible_resources` walks down the tree (one level per resource); its answer must be
/// [`decide`]'s at every resource, for every principal: with deny assignments that read is
/// denied by (inherited, limited to their own scope, at a definition) and role assignments at a
/// definition and a version.
#[test]
fn visible_resources_is_decide_at_every_resource_for_every_principal() {
    use sig_core::access::directory::DirectoryObject;
    use sig_core::access::visible_resources;
    let mut w = contoso_fabrikam();
    let image = sig_core::command::image_id(CONTOSO_SUB, "rg-images", "ContosoImages", "ubuntu-22");
    let version = format!("{image}/versions/1.0.0");
    let everyone = json!([{"id": "00000000-0000-0000-0000-000000000000", "type": "SystemDefined"}]);
    for (n, scope, read, own_only) in [
        (
            1,
            image.clone(),
            "Microsoft.Compute/galleries/images/versions/read",
            false,
        ),
        (
            2,
            format!("/subscriptions/{CONTOSO_SUB}/resourceGroups/rg-images"),
            "Microsoft.Compute/galleries/read",
            true,
        ),
    ] {
        let deny: DenyAssignment = serde_json::from_value(json!({
            "name": format!("7d1e4c2a-0000-4000-8000-00000000010{n}"),
            "properties": {"permissions": [{"actions": [read]}], "scope": scope,
                "principals": everyone, "doNotApplyToChildScopes": own_only}
        }))
        .unwrap();
        run(&mut w, Actor::system(), Command::CreateDenyAssignment(deny)).unwrap();
    }
    let admin_id = w
        .access()
        .user_by_upn(ADMIN)
        .expect("Contoso's admin")
        .object
        .id()
        .to_string();
    for scope in [&image, &version] {
        let assignment = NewRoleAssignment {
            scope: scope.clone(),
            role_definition_id: "Reader".into(),
            principal_id: admin_id.clone(),
            name: None,
        };
        run(
            &mut w,
            Actor::system(),
            Command::CreateRoleAssignment(assignment),
        )
        .unwrap();
    }
    let principals: Vec<String> = w
        .access()
        .objects()
        .filter_map(|e| match &e.object {
            DirectoryObject::User(u) => Some(u.user_principal_name.clone()),
            DirectoryObject::ServicePrincipal(s) => Some(s.id.clone()),
            _ => None,
        })
        .collect();
    assert!(principals.len() > 5);
    let mut seen_denied = false;
    for principal in principals {
        let subject = resolve_principal(&w, &principal).unwrap();
        let resources = w
            .galleries()
            .map(|g| (g.id.to_string(), "Microsoft.Compute/galleries"))
            .chain(
                w.images()
                    .map(|i| (i.id.to_string(), "Microsoft.Compute/galleries/images")),
            )
            .chain(w.versions().map(|v| {
                (
                    v.id.to_string(),
                    "Microsoft.Compute/galleries/images/versions",
                )
            }));
        let mut expected = Vec::new();
        for (id, ty) in resources {
            let Ok(cx) = context(&w, &subject, &id) else {
                continue;
            };
            let d = decide(&w, &cx, &format!("{ty}/read"));
            seen_denied |= !d.denied_by.is_empty() && !d.grants.is_empty();
            if d.allowed {
                let mut roles: Vec<String> = d.grants.into_iter().map(|g| g.role_name).collect();
                roles.sort();
                roles.dedup();
                expected.push((id, ty.to_string(), cx.scope.subscription.clone(), roles));
            }
        }
        let listed: Vec<_> = visible_resources(&w, &subject)
            .into_iter()
            .map(|r| (r.id, r.resource_type, r.subscription_id, r.roles))
            .collect();
        assert_eq!(listed, expected, "{principal}");
    }
    assert!(seen_denied, "a deny assignment overrides a grant somewhere");
}

/// The lists' shortcut: "reads every resource" is claimed only where `visible_resources`
/// lists every one, it is claimed for a principal who may read all (so the shortcut is
/// taken), and a deny assignment on one version takes it away.
#[test]
fn reads_every_resource_only_when_every_resource_is_visible() {
    use sig_core::access::directory::DirectoryObject;
    use sig_core::access::{reads_every_resource, visible_resources};
    let mut w = contoso_fabrikam();
    let principals: Vec<String> = w
        .access()
        .objects()
        .filter_map(|e| match &e.object {
            DirectoryObject::User(u) => Some(u.user_principal_name.clone()),
            _ => None,
        })
        .collect();
    let claims = |w: &World| -> Vec<String> {
        let total = w.galleries().count() + w.images().count() + w.versions().count();
        principals
            .iter()
            .filter(|p| {
                let subject = resolve_principal(w, p).unwrap();
                let all = reads_every_resource(w, &subject);
                let listed = visible_resources(w, &subject).len();
                assert!(
                    !all || listed == total,
                    "{p}: claims all, lists {listed} of {total}"
                );
                all
            })
            .cloned()
            .collect()
    };
    // Nobody reads both tenants' galleries.
    assert_eq!(claims(&w), Vec::<String>::new());
    // Without Fabrikam's gallery, Contoso's admin (an owner) reads every resource left.
    let fabrikam: Vec<String> = w
        .galleries()
        .map(|g| g.id.to_string())
        .filter(|id| !id.contains(CONTOSO_SUB))
        .collect();
    for gallery in &fabrikam {
        let versions: Vec<String> = w
            .versions()
            .map(|v| v.id.to_string())
            .filter(|v| v.starts_with(gallery.as_str()))
            .collect();
        let images: Vec<String> = w
            .images()
            .map(|i| i.id.to_string())
            .filter(|i| i.starts_with(gallery.as_str()))
            .collect();
        for id in versions {
            run(&mut w, Actor::system(), Command::DeleteVersion { id }).unwrap();
        }
        for id in images {
            run(&mut w, Actor::system(), Command::DeleteImage { id }).unwrap();
        }
        run(
            &mut w,
            Actor::system(),
            Command::DeleteGallery {
                id: gallery.clone(),
            },
        )
        .unwrap();
    }
    let before = claims(&w);
    assert!(before.contains(&ADMIN.to_string()), "{before:?}");
    assert!(
        before.len() < principals.len(),
        "everybody reads everything"
    );

    // After a command inside galleries, only those galleries are decided again: a gallery the
    // admin reads keeps the claim, one in a subscription the admin cannot read ends it, and
    // so does any role assignment (it may change every gallery's verdict).
    use sig_core::access::still_reads_every_resource;
    use sig_core::testing::{example::FABRIKAM_SUB, gallery_body};
    let admin = |w: &World| resolve_principal(w, ADMIN).unwrap();
    let create = |sub: &str, rg: &str, name: &str| Command::CreateGallery {
        id: gallery_id(sub, rg, name),
        resource: gallery_body(),
    };
    w.take_touched();
    run(
        &mut w,
        Actor::system(),
        create(CONTOSO_SUB, "rg-images", "Later"),
    )
    .unwrap();
    assert!(still_reads_every_resource(&w, &admin(&w), w.touched()));
    assert!(reads_every_resource(&w, &admin(&w)));
    w.take_touched();
    run(
        &mut w,
        Actor::system(),
        create(FABRIKAM_SUB, "rg-apps", "Elsewhere"),
    )
    .unwrap();
    assert!(!still_reads_every_resource(&w, &admin(&w), w.touched()));
    assert!(!claims(&w).contains(&ADMIN.to_string()));
    let elsewhere = gallery_id(FABRIKAM_SUB, "rg-apps", "Elsewhere");
    run(
        &mut w,
        Actor::system(),
        Command::DeleteGallery { id: elsewhere },
    )
    .unwrap();
    w.take_touched();
    let assign = Command::CreateRoleAssignment(NewRoleAssignment {
        scope: format!("/subscriptions/{CONTOSO_SUB}"),
        role_definition_id: "Reader".into(),
        principal_id: BOB.into(),
        name: None,
    });
    run(&mut w, Actor::system(), assign).unwrap();
    assert!(!still_reads_every_resource(&w, &admin(&w), w.touched()));
    assert!(claims(&w).contains(&ADMIN.to_string()));

    let image = sig_core::command::image_id(CONTOSO_SUB, "rg-images", "ContosoImages", "ubuntu-22");
    let everyone = json!([{"id": "00000000-0000-0000-0000-000000000000", "type": "SystemDefined"}]);
    let deny: DenyAssignment = serde_json::from_value(json!({
        "name": "7d1e4c2a-0000-4000-8000-000000000201",
        "properties": {"permissions": [{"actions": ["Microsoft.Compute/galleries/images/versions/read"]}],
            "scope": format!("{image}/versions/1.0.0"), "principals": everyone}
    }))
    .unwrap();
    run(&mut w, Actor::system(), Command::CreateDenyAssignment(deny)).unwrap();
    assert_eq!(claims(&w), Vec::<String>::new());
}
