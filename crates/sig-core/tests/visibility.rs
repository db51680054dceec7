//! What a principal may see, rule by rule, on the shipped example state (Contoso, Fabrikam,
//! Northwind; a guest, a multi-tenant app, nested groups): every listing rule of
//! `sig_core::visibility` against the access decisions it must agree with.

use sig_core::access::assignments::assignment_id;
use sig_core::access::directory::{DirectoryObject, Entry};
use sig_core::access::visible_resources;
use sig_core::access::{resolve_principal, Subject};
use sig_core::command::{gallery_id, image_id};
use sig_core::ids::Key;
use sig_core::testing::example::{
    contoso_fabrikam, group_id, ADMIN, CAROL, CONTOSO, CONTOSO_SUB, DEPLOYER_APP, ERIN, FABRIKAM,
    FABRIKAM_SUB, NORTHWIND, NORTHWIND_SUB,
};
use sig_core::testing::gallery_body;
use sig_core::visibility::*;
use sig_core::{Actor, Command, World};

#[test]
fn agrees_with_visible_resources_for_every_resource() {
    let w = contoso_fabrikam();
    for principal in [
        CAROL,
        sig_core::testing::example::ADMIN,
        sig_core::testing::example::ERIN,
    ] {
        let subject = resolve_principal(&w, principal).expect("known principal");
        let visible: Vec<String> = visible_resources(&w, &subject)
            .into_iter()
            .map(|r| r.id)
            .collect();
        let ids = w
            .galleries()
            .map(|g| g.id.to_string())
            .chain(w.images().map(|i| i.id.to_string()))
            .chain(w.versions().map(|v| v.id.to_string()));
        let mut seen = 0;
        for id in ids {
            let expected = visible.contains(&id);
            assert_eq!(
                principal_can_read(&w, principal, &id),
                expected,
                "{principal} {id}"
            );
            seen += usize::from(expected);
        }
        assert_eq!(seen, visible.len());
    }
    assert!(!principal_can_read(
        &w,
        "nobody@example.com",
        "/subscriptions/x"
    ));
}

const DAVE: &str = "dave@fabrikam.com";
const ALICE: &str = "alice@contoso.onmicrosoft.com";
const BOB: &str = "bob@contoso.onmicrosoft.com";

fn viewer(w: &World, principal: &str) -> Viewer {
    Viewer::new(w, &Actor::new(principal))
}

/// The module doc's claim that a listed subscription's tenant is always listed rests on role
/// assignments naming only principals of their scope's tenant: check both on the example.
#[test]
fn every_listed_subscriptions_tenant_is_listed() {
    let w = contoso_fabrikam();
    for a in w.access().assignments() {
        let sub = a.properties.scope.split('/').nth(2).unwrap_or_default();
        let tenant = w.subscription(sub).map(|s| s.tenant_id.clone());
        let principal = w.access().object(&a.properties.principal_id);
        assert_eq!(
            principal.map(|e| e.tenant_id.to_ascii_lowercase()),
            tenant.map(|t| t.to_ascii_lowercase()),
            "{} names a principal of another tenant",
            a.id
        );
    }
    for principal in [ADMIN, CAROL, ERIN, DAVE, ALICE, BOB, DEPLOYER_APP] {
        let v = viewer(&w, principal);
        for s in w.subscriptions().filter(|s| v.sees_subscription(&w, &s.id)) {
            assert!(v.sees_tenant(&w, &s.tenant_id), "{principal} {}", s.id);
        }
    }
}

#[test]
fn each_principal_is_listed_the_tenants_subscriptions_and_groups_it_may_see() {
    let w = contoso_fabrikam();
    let listed = |principal: &str| {
        let v = viewer(&w, principal);
        let tenants: Vec<&str> = w
            .tenants()
            .filter(|t| v.sees_tenant(&w, &t.id))
            .map(|t| t.id.as_str())
            .collect();
        let subscriptions: Vec<&str> = w
            .subscriptions()
            .filter(|s| v.sees_subscription(&w, &s.id))
            .map(|s| s.id.as_str())
            .collect();
        let groups: Vec<&str> = w
            .resource_groups()
            .filter(|g| v.sees_resource_group(&w, &g.subscription_id, &g.name))
            .map(|g| g.name.as_str())
            .collect();
        (tenants, subscriptions, groups)
    };
    // Contoso's Owner sees Contoso only.
    assert_eq!(
        listed(ADMIN),
        (vec![CONTOSO], vec![CONTOSO_SUB], vec!["rg-images"])
    );
    // Carol owns Fabrikam's subscription and, as Contoso's guest, reads one definition there:
    // Contoso's subscription is listed to her, its resource group is not.
    assert_eq!(
        listed(CAROL),
        (
            vec![FABRIKAM, CONTOSO],
            vec![CONTOSO_SUB, FABRIKAM_SUB],
            vec!["rg-apps"]
        )
    );
    assert_eq!(
        listed(ERIN),
        (vec![NORTHWIND], vec![NORTHWIND_SUB], vec!["rg-vms"])
    );
    // A Reader of one gallery, and a Publisher of one: the subscription, no resource group.
    assert_eq!(listed(DAVE), (vec![FABRIKAM], vec![FABRIKAM_SUB], vec![]));
    assert_eq!(listed(ALICE), (vec![CONTOSO], vec![CONTOSO_SUB], vec![]));
    // User Access Administrator at the subscription reads every group in it.
    assert_eq!(
        listed(BOB),
        (vec![CONTOSO], vec![CONTOSO_SUB], vec!["rg-images"])
    );
    // The multi-tenant app has a service principal in all three tenants, a role in Contoso only.
    assert_eq!(
        listed(DEPLOYER_APP),
        (
            vec![FABRIKAM, CONTOSO, NORTHWIND],
            vec![CONTOSO_SUB],
            vec![]
        )
    );
    // Nobody the directory knows sees nothing; the simulator sees everything.
    assert_eq!(listed("nobody@example.com"), (vec![], vec![], vec![]));
    let all = listed("system");
    assert_eq!((all.0.len(), all.1.len(), all.2.len()), (3, 3, 3));
}

#[test]
fn a_subscription_is_listed_through_a_group_and_not_through_another_subscriptions_assignment() {
    let mut w = contoso_fabrikam();
    // Bob is in Image Consumers through Build Agents; take away his own assignments.
    let bob = resolve_principal(&w, BOB).expect("bob");
    let own: Vec<String> = w
        .access()
        .assignments()
        .filter(|a| {
            w.access()
                .user_by_upn(BOB)
                .is_some_and(|e| e.object.id() == a.properties.principal_id)
        })
        .map(|a| a.id.clone())
        .collect();
    for id in own {
        sig_core::apply(
            &mut w,
            &Actor::system(),
            Command::DeleteRoleAssignment { id },
            sig_core::testing::FIXTURE_NOW,
        )
        .expect("delete");
    }
    assert!(can_see_subscription(&w, &bob, CONTOSO_SUB), "via the group");
    let consumers = Subject::Group(Key::new(&group_id(CONTOSO, "Image Consumers")));
    assert!(can_see_subscription(&w, &consumers, CONTOSO_SUB));
    assert!(!can_see_subscription(&w, &consumers, FABRIKAM_SUB));
    assert!(!can_see_subscription(&w, &bob, "no-such-subscription"));
}

#[test]
fn role_assignments_are_listed_to_those_allowed_to_read_them_at_the_scope() {
    let w = contoso_fabrikam();
    let rg = "rg-images";
    let contoso = format!("/subscriptions/{CONTOSO_SUB}");
    let group = format!("{contoso}/resourceGroups/{rg}");
    let gallery = gallery_id(CONTOSO_SUB, rg, "ContosoImages");
    let ubuntu = image_id(CONTOSO_SUB, rg, "ContosoImages", "ubuntu-22");
    let ubuntu_v1 = format!("{ubuntu}/versions/1.0.0");
    let appliance = image_id(CONTOSO_SUB, rg, "ContosoImages", "appliance");
    let fabrikam = format!("/subscriptions/{FABRIKAM_SUB}");
    let northwind = format!("/subscriptions/{NORTHWIND_SUB}");
    let scopes = [
        &contoso, &group, &gallery, &ubuntu, &ubuntu_v1, &appliance, &fabrikam, &northwind,
    ];
    let lists = |principal: &str| -> Vec<bool> {
        let actor = if principal == "system" {
            Actor::system()
        } else {
            Actor::new(principal)
        };
        scopes
            .iter()
            .map(|scope| may_list_role_assignments(&w, &actor, scope).is_ok())
            .collect()
    };
    let (t, f) = (true, false);
    for (principal, expected) in [
        // Contoso's Owner: all of Contoso, nothing of the other tenants.
        (ADMIN, [t, t, t, t, t, t, f, f]),
        // Carol reads the definition shared with her (Reader: */read) and what is in it, and
        // owns Fabrikam's subscription; Contoso's subscription is listed to her, its IAM not.
        (CAROL, [f, f, f, t, t, f, t, f]),
        (ERIN, [f, f, f, f, f, f, f, t]),
        // Alice publishes in the gallery (Microsoft.Authorization/*/read), holds nothing above.
        (ALICE, [f, f, t, t, t, t, f, f]),
        // Bob's own User Access Administrator role reads them anywhere in the subscription.
        (BOB, [t, t, t, t, t, t, f, f]),
        ("nobody@example.com", [f; 8]),
        ("system", [t; 8]),
    ] {
        assert_eq!(lists(principal), expected, "{principal}");
    }
    // The app reads one version only: Compute Gallery Image Reader (through its group) does
    // not read role assignments.
    let appliance_v1 = format!("{appliance}/versions/1.0.0");
    let app = Actor::new(DEPLOYER_APP);
    assert!(may_list_role_assignments(&w, &app, &appliance_v1).is_ok());
    assert!(may_list_role_assignments(&w, &app, &ubuntu).is_err());
    // The refusal is Azure's, naming who, what and where.
    let why = may_list_role_assignments(&w, &Actor::new(ERIN), &contoso)
        .expect_err("Erin may not read Contoso's role assignments");
    assert_eq!(why.code, sig_core::Code::AuthorizationFailed);
    assert!(
        why.message.contains(ERIN)
            && why.message.contains(READ_ROLE_ASSIGNMENTS)
            && why.message.contains(&contoso),
        "{}",
        why.message
    );
}

/// `(display name, type)` of the principals offered for an assignment at `scope`.
fn offered(w: &World, scope: &str) -> Vec<(String, &'static str)> {
    let mut out: Vec<(String, &'static str)> = assignable_principals(w, scope)
        .into_iter()
        .map(|e| {
            let kind = match &e.object {
                DirectoryObject::User(u) if u.is_guest() => "Guest",
                other => other.principal_type().unwrap_or("none"),
            };
            (e.object.display_name().to_string(), kind)
        })
        .collect();
    out.sort();
    out
}

#[test]
fn the_member_picker_offers_the_principals_of_the_scopes_tenant_only() {
    let w = contoso_fabrikam();
    let contoso = format!("/subscriptions/{CONTOSO_SUB}");
    let ubuntu = image_id(CONTOSO_SUB, "rg-images", "ContosoImages", "ubuntu-22");
    let owned = |list: &[(&str, &'static str)]| -> Vec<(String, &'static str)> {
        list.iter().map(|(n, t)| (n.to_string(), *t)).collect()
    };
    // Contoso's users (Carol as its guest, not her Fabrikam user), groups, and the
    // service principal of Fabrikam's app there; the app registration is no principal.
    let in_contoso = owned(&[
        ("Alice Publisher", "User"),
        ("Bob Builder", "User"),
        ("Build Agents", "Group"),
        ("Fabrikam Image Deployer", "ServicePrincipal"),
        ("Image Consumers", "Group"),
        ("admin", "User"),
        ("carol", "Guest"),
    ]);
    assert_eq!(offered(&w, &contoso), in_contoso);
    assert_eq!(offered(&w, &ubuntu), in_contoso, "any scope in the tenant");
    assert_eq!(
        offered(&w, &format!("/subscriptions/{FABRIKAM_SUB}")),
        owned(&[
            ("Dave Consumer", "User"),
            ("Fabrikam Image Deployer", "ServicePrincipal"),
            ("carol", "User"),
        ])
    );
    assert_eq!(
        offered(&w, &format!("/subscriptions/{NORTHWIND_SUB}")),
        owned(&[
            ("Fabrikam Image Deployer", "ServicePrincipal"),
            ("erin", "User")
        ])
    );
    assert!(offered(&w, "/subscriptions/no-such-subscription").is_empty());
    assert!(offered(&w, "not a scope").is_empty());
}

#[test]
fn every_principal_offered_may_be_assigned_and_no_other() {
    let w = contoso_fabrikam();
    let scopes = [
        format!("/subscriptions/{CONTOSO_SUB}"),
        image_id(CONTOSO_SUB, "rg-images", "ContosoImages", "ubuntu-22"),
        format!("/subscriptions/{FABRIKAM_SUB}/resourceGroups/rg-apps"),
        format!("/subscriptions/{NORTHWIND_SUB}"),
    ];
    for scope in &scopes {
        let ids: Vec<&str> = assignable_principals(&w, scope)
            .into_iter()
            .map(|e| e.object.id())
            .collect();
        for entry in w.access().objects() {
            let id = entry.object.id();
            // Nobody holds Contributor in the example, so only the principal can be refused.
            let verdict = sig_core::check(
                &w,
                &Actor::system(),
                &Command::CreateRoleAssignment(sig_core::protocol::requests::NewRoleAssignment {
                    scope: scope.clone(),
                    role_definition_id: "Contributor".into(),
                    principal_id: id.to_string(),
                    name: None,
                }),
                sig_core::testing::FIXTURE_NOW,
            )
            .expect("assignments are previewed");
            assert_eq!(
                verdict.is_ok(),
                ids.contains(&id),
                "{} at {scope}: {verdict:?}",
                entry.object.display_name()
            );
        }
    }
}

#[test]
fn role_assignment_entries_need_the_activity_log_permission_where_they_were_made() {
    let (w, gus) = with_auditor();
    let ubuntu = image_id(CONTOSO_SUB, "rg-images", "ContosoImages", "ubuntu-22");
    let appliance_v1 = format!(
        "{}/versions/1.0.0",
        image_id(CONTOSO_SUB, "rg-images", "ContosoImages", "appliance")
    );
    let grant = |scope: &str, name: Option<&str>| {
        command_target(&Command::CreateRoleAssignment(
            sig_core::protocol::requests::NewRoleAssignment {
                scope: scope.to_string(),
                role_definition_id: "Reader".into(),
                principal_id: BOB.into(),
                name: name.map(str::to_string),
            },
        ))
    };
    let (unnamed, named) = (grant(&ubuntu, None), grant(&ubuntu, Some("x")));
    let removal = command_target(&Command::DeleteRoleAssignment {
        id: assignment_id(&ubuntu, "x"),
    });
    // The entry names the assignment, or the assignments at its scope until it has a name.
    assert_eq!(named, removal);
    assert_eq!(
        unnamed,
        format!("{ubuntu}/providers/Microsoft.Authorization/roleAssignments")
    );
    let [app, carol, admin, erin, alice, bob, auditor] =
        [DEPLOYER_APP, CAROL, ADMIN, ERIN, ALICE, BOB, gus].map(|p| viewer(&w, p));
    for target in [&unnamed, &named, &removal] {
        // Reader (`*/read`) at the definition, the Owner and User Access Administrator
        // above it: each may read the Activity log there.
        assert!(carol.sees_activity(&w, ADMIN, target), "{target}");
        assert!(admin.sees_activity(&w, CAROL, target), "{target}");
        assert!(bob.sees_activity(&w, ADMIN, target), "{target}");
        // The app (Compute Gallery Image Reader through its group), Alice (Compute Gallery
        // Artifacts Publisher) and Gus (the custom Gallery Version Auditor) read the
        // definition, but their roles grant no Microsoft.Insights action: they do not learn
        // who was granted what there.
        assert!(!app.sees_activity(&w, ADMIN, target), "{target}");
        assert!(!alice.sees_activity(&w, ADMIN, target), "{target}");
        assert!(!auditor.sees_activity(&w, ADMIN, target), "{target}");
        assert!(!erin.sees_activity(&w, ADMIN, target), "{target}");
        // Its own attempts stay the app's.
        assert!(app.sees_activity(&w, DEPLOYER_APP, target), "{target}");
    }
    // The app is Reader of one version: what was granted there is in its log.
    let at_version = grant(&appliance_v1, Some("y"));
    assert!(app.sees_activity(&w, ADMIN, &at_version));
    assert!(!carol.sees_activity(&w, ADMIN, &at_version));
    // An assignment made at the subscription: the Reader of one definition inside does not
    // see it, access does not flow up.
    let at_subscription = grant(&format!("/subscriptions/{CONTOSO_SUB}"), None);
    assert!(!carol.sees_activity(&w, ADMIN, &at_subscription));
    assert!(bob.sees_activity(&w, ADMIN, &at_subscription));
    assert_eq!(
        app.sees_activities(
            &w,
            [
                (ADMIN, ubuntu.as_str()),
                (ADMIN, removal.as_str()),
                (ADMIN, at_version.as_str()),
                (DEPLOYER_APP, removal.as_str()),
            ]
        ),
        [false, false, true, true]
    );
}

#[test]
fn applications_are_offered_in_their_home_tenant_or_everywhere_when_multi_tenant() {
    let mut w = contoso_fabrikam();
    sig_core::apply(
        &mut w,
        &Actor::new(CAROL),
        Command::RegisterApplication(sig_core::protocol::requests::NewApplication {
            tenant_id: FABRIKAM.into(),
            display_name: "Fabrikam Internal".into(),
            app_id: Some("0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d".into()),
            multi_tenant: false,
        }),
        sig_core::testing::FIXTURE_NOW,
    )
    .expect("Carol registers an app in her tenant");
    let internal = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
    let (carol, erin) = (viewer(&w, CAROL), viewer(&w, ERIN));
    assert!(carol.sees_application(&w, internal));
    assert!(
        !erin.sees_application(&w, internal),
        "single tenant, elsewhere"
    );
    assert!(erin.sees_application(&w, DEPLOYER_APP), "multi-tenant");
    assert!(!viewer(&w, "nobody@example.com").sees_application(&w, internal));
    assert!(viewer(&w, "system").sees_application(&w, internal));
    assert!(!carol.sees_application(&w, "no-such-app"));
}

/// The example with `gus@contoso.onmicrosoft.com`, a Contoso member user whose only role is
/// the custom Gallery Version Auditor (`Microsoft.Compute/galleries/*/read`) on rg-images.
fn with_auditor() -> (World, &'static str) {
    const GUS: &str = "gus@contoso.onmicrosoft.com";
    let mut w = contoso_fabrikam();
    for command in [
        Command::CreateUser(sig_core::protocol::requests::NewUser {
            tenant_id: CONTOSO.into(),
            user_principal_name: GUS.into(),
            display_name: "Gus Auditor".into(),
            id: None,
        }),
        Command::CreateRoleAssignment(sig_core::protocol::requests::NewRoleAssignment {
            scope: format!("/subscriptions/{CONTOSO_SUB}/resourceGroups/rg-images"),
            role_definition_id: "Gallery Version Auditor".into(),
            principal_id: GUS.into(),
            name: None,
        }),
    ] {
        sig_core::apply(
            &mut w,
            &Actor::new(ADMIN),
            command,
            sig_core::testing::FIXTURE_NOW,
        )
        .expect("the Owner adds an auditor");
    }
    (w, GUS)
}

#[test]
fn the_activity_log_shows_entries_where_the_viewer_may_read_the_log_and_its_own_refusals() {
    let (w, gus) = with_auditor();
    let rg = "rg-images";
    let ubuntu = image_id(CONTOSO_SUB, rg, "ContosoImages", "ubuntu-22");
    let appliance = image_id(CONTOSO_SUB, rg, "ContosoImages", "appliance");
    let new_gallery = Command::CreateGallery {
        id: gallery_id(CONTOSO_SUB, rg, "Other"),
        resource: gallery_body(),
    };
    let target = command_target(&new_gallery);
    let [carol, erin, admin, alice, app, auditor] =
        [CAROL, ERIN, ADMIN, ALICE, DEPLOYER_APP, gus].map(|p| viewer(&w, p));
    // Carol's refused attempt in Contoso: hers to see, and the Owner's; not Erin's.
    assert!(carol.sees_activity(&w, CAROL, &target));
    assert!(admin.sees_activity(&w, CAROL, &target));
    assert!(!erin.sees_activity(&w, CAROL, &target));
    // Recorded under her guest object's id, it is still hers.
    let Ok(Subject::Person(home)) = resolve_principal(&w, CAROL) else {
        panic!("Carol is a person");
    };
    let guest = w
        .access()
        .guest_in(home.as_str(), CONTOSO)
        .map(|e| e.object.id().to_string())
        .expect("Carol's guest object");
    assert!(carol.sees_activity(&w, &guest, &target));
    // The Owner's changes: Carol is Reader (`*/read`) of one definition, so she reads the
    // Activity log there and not at its sibling.
    assert!(carol.sees_activity(&w, ADMIN, &ubuntu));
    assert!(!carol.sees_activity(&w, ADMIN, &appliance));
    // Reading the definition is not reading its log: Compute Gallery Image Reader (the app,
    // through its group), Compute Gallery Artifacts Publisher (Alice) and the custom Gallery
    // Version Auditor (Gus) hold no Microsoft.Insights action.
    for (who, reader) in [(DEPLOYER_APP, &app), (ALICE, &alice), (gus, &auditor)] {
        assert!(
            reader.sees_resource(&w, &ubuntu),
            "{who} reads the definition"
        );
        assert!(!reader.sees_activity(&w, ADMIN, &ubuntu), "{who}");
        assert!(!reader.sees_activity(&w, ADMIN, &target), "{who}");
    }
    // ... but their own entries, refusals included, stay theirs.
    assert!(auditor.sees_activity(&w, gus, &target));
    assert!(auditor.sees_activity(&w, gus, &ubuntu));
    // A resource group by the permission there: Carol has none in Contoso's.
    let new_rg = command_target(&Command::CreateResourceGroup {
        subscription_id: CONTOSO_SUB.into(),
        name: "rg-new".into(),
        location: "westus".into(),
    });
    assert!(admin.sees_activity(&w, ADMIN, &new_rg));
    assert!(!carol.sees_activity(&w, ADMIN, &new_rg));
    // Directory changes are read by the tenant's member users only: not by Carol, Contoso's
    // guest, nor by the app's service principal there, nor by Erin, who is not in Contoso.
    let new_user = command_target(&Command::CreateUser(
        sig_core::protocol::requests::NewUser {
            tenant_id: CONTOSO.into(),
            user_principal_name: "zoe@contoso.onmicrosoft.com".into(),
            display_name: "Zoe".into(),
            id: None,
        },
    ));
    let membership = command_target(&Command::AddGroupMember(
        sig_core::protocol::requests::GroupMembership {
            group_id: group_id(CONTOSO, "Build Agents"),
            member_id: BOB.into(),
        },
    ));
    let tenant = command_target(&Command::CreateTenant {
        id: CONTOSO.into(),
        display_name: "Contoso".into(),
    });
    for entry in [&new_user, &membership, &tenant] {
        assert!(admin.sees_activity(&w, ADMIN, entry), "{entry}");
        assert!(
            auditor.sees_activity(&w, ADMIN, entry),
            "member user: {entry}"
        );
        assert!(!carol.sees_activity(&w, ADMIN, entry), "guest: {entry}");
        assert!(!app.sees_activity(&w, ADMIN, entry), "application: {entry}");
        assert!(!erin.sees_activity(&w, ADMIN, entry), "elsewhere: {entry}");
    }
    // In her home tenant Carol is a member user.
    let fabrikam_user = command_target(&Command::CreateUser(
        sig_core::protocol::requests::NewUser {
            tenant_id: FABRIKAM.into(),
            user_principal_name: "frank@fabrikam.com".into(),
            display_name: "Frank".into(),
            id: None,
        },
    ));
    assert!(carol.sees_activity(&w, DAVE, &fabrikam_user));
    // Image sources at their own scope: the Owner's, and Alice's (Reader of each source),
    // not the guest's.
    let source = w.sources().next().expect("a source").id.clone();
    assert!(admin.sees_activity(&w, ADMIN, &source));
    assert!(alice.sees_activity(&w, ADMIN, &source));
    assert!(!carol.sees_activity(&w, ADMIN, &source));
    // Somebody unknown sees its own entries only; the simulator sees all.
    let nobody = viewer(&w, "nobody@example.com");
    assert!(nobody.sees_activity(&w, "NOBODY@example.com", &target));
    assert!(!nobody.sees_activity(&w, ADMIN, &ubuntu));
    assert!(viewer(&w, "system").sees_activity(&w, ADMIN, &new_user));
    // A whole log at once gives the same answers, in order.
    let log = [
        (CAROL, target.as_str()),
        (ADMIN, ubuntu.as_str()),
        (ADMIN, appliance.as_str()),
        (guest.as_str(), new_rg.as_str()),
        (ADMIN, new_rg.as_str()),
        (ADMIN, new_user.as_str()),
    ];
    assert_eq!(
        carol.sees_activities(&w, log),
        [true, true, false, true, false, false]
    );
}

#[test]
fn a_vhd_sources_entries_are_read_at_its_storage_account() {
    let mut w = contoso_fabrikam();
    let account = format!(
        "/subscriptions/{CONTOSO_SUB}/resourceGroups/rg-images/providers/Microsoft.Storage/storageAccounts/contosovhds"
    );
    let vhd = |name: &str, account: Option<&str>| sig_core::sources::Source {
        id: format!("https://contosovhds.blob.core.windows.net/vhds/{name}.vhd"),
        kind: sig_core::sources::SourceKind::VhdBlob,
        location: sig_core::regions::RegionName::new("westus").expect("a region"),
        os_type: Some(sig_core::kinds::OsType::Linux),
        os_state: Some(sig_core::kinds::OsState::Generalized),
        hyper_v_generation: Some(sig_core::kinds::HyperVGeneration::V1),
        os_disk_size_gb: Some(30),
        data_disks: Vec::new(),
        storage_account_id: account.map(str::to_string),
    };
    let (placed, loose) = (vhd("placed", Some(&account)), vhd("loose", None));
    for source in [placed.clone(), loose.clone()] {
        sig_core::apply(
            &mut w,
            &Actor::system(),
            Command::CreateSource(source),
            sig_core::testing::FIXTURE_NOW,
        )
        .expect("the simulator registers a VHD");
    }
    let (admin, carol) = (viewer(&w, ADMIN), viewer(&w, CAROL));
    // The Owner of the account's subscription reads the log there; the guest does not.
    assert!(admin.sees_activity(&w, "system", &placed.id));
    assert!(!carol.sees_activity(&w, "system", &placed.id));
    // Without its account a VHD has no ARM scope that could grant the permission.
    assert!(!admin.sees_activity(&w, "system", &loose.id));
    assert!(viewer(&w, "system").sees_activity(&w, "system", &loose.id));
}

#[test]
fn a_tenants_directory_is_browsed_by_its_member_users_and_a_guest_sees_itself_there() {
    let (w, gus) = with_auditor();
    // (tenant, display name) of the directory objects `keep` keeps, sorted.
    let listed = |keep: &dyn Fn(&Entry) -> bool| {
        let mut out: Vec<(String, String)> = w
            .access()
            .objects()
            .filter(|e| keep(e))
            .map(|e| (e.tenant_id.clone(), e.object.display_name().to_string()))
            .collect();
        out.sort();
        out
    };
    let shown = |principal: &str| {
        let v = viewer(&w, principal);
        listed(&|e| v.sees_directory_object(&w, e))
    };
    let all = |tenant: &str| listed(&|e| e.tenant_id == tenant);
    assert_eq!(shown(ADMIN), all(CONTOSO));
    assert_eq!(
        shown(gus),
        all(CONTOSO),
        "any member user, whatever its roles"
    );
    // Carol browses Fabrikam, where she is a member; in Contoso she sees only her guest user.
    let mut carol = all(FABRIKAM);
    carol.push((CONTOSO.to_string(), "carol".to_string()));
    carol.sort();
    assert_eq!(shown(CAROL), carol);
    assert!(!viewer(&w, CAROL).browses_directory(&w, CONTOSO));
    assert!(viewer(&w, CAROL).browses_directory(&w, FABRIKAM));
    // An application is nobody's member user: its own service principal in each tenant.
    let app = shown(DEPLOYER_APP);
    assert_eq!(app.len(), 3, "{app:?}");
    assert!(app
        .iter()
        .all(|(_, name)| name == "Fabrikam Image Deployer"));
    assert!(shown("nobody@example.com").is_empty());
    assert_eq!(
        shown("system").len(),
        w.access().objects().count(),
        "the simulator sees every directory"
    );
}
