//! Sharing beyond RBAC, as whole flows through `apply`: a gallery shared directly with another
//! tenant's subscription and deployed from there; a community gallery published, deployed from
//! and reset; what a shared gallery can't hold; who may share.

use serde_json::json;
use sig_core::arm;
use sig_core::command::{gallery_id, image_id, version_id};
use sig_core::deploy::{check_deployment, DeploymentRequest};
use sig_core::testing::example::{
    contoso_fabrikam, ADMIN, CAROL, CONTOSO_SUB, FABRIKAM_SUB, NORTHWIND_SUB,
};
use sig_core::testing::FIXTURE_NOW;
use sig_core::{apply, Actor, Code, Command, CommandError, Event, World};
use time::Duration;

const RG: &str = "rg-images";
const ALICE: &str = "alice@contoso.onmicrosoft.com";

fn gallery() -> String {
    gallery_id(CONTOSO_SUB, RG, "ContosoImages")
}

fn run(w: &mut World, actor: &str, c: Command) -> Result<Vec<Event>, CommandError> {
    apply(w, &Actor::new(actor), c, FIXTURE_NOW + Duration::hours(1))
}

fn body(v: serde_json::Value) -> arm::Gallery {
    serde_json::from_value(v).expect("gallery body")
}

fn share(op: &str, subs: &[&str], tenants: &[&str]) -> arm::SharingUpdate {
    let mut groups = Vec::new();
    if !subs.is_empty() {
        groups.push(json!({"type": "Subscriptions", "ids": subs}));
    }
    if !tenants.is_empty() {
        groups.push(json!({"type": "AADTenants", "ids": tenants}));
    }
    serde_json::from_value(json!({"operationType": op, "groups": groups})).expect("update")
}

fn share_cmd(op: &str, subs: &[&str], tenants: &[&str]) -> Command {
    Command::ShareGallery {
        id: gallery(),
        update: share(op, subs, tenants),
    }
}

fn set_permission(
    w: &mut World,
    actor: &str,
    properties: serde_json::Value,
) -> Result<Vec<Event>, CommandError> {
    run(
        w,
        actor,
        Command::UpdateGallery {
            id: gallery(),
            resource: body(json!({"location": "westus", "properties": properties})),
        },
    )
}

fn deploy(w: &World, image: &str, subscription: &str) -> sig_core::deploy::DeploymentCheck {
    let req = DeploymentRequest {
        region: "westus".into(),
        image: image.into(),
        subscription: Some(subscription.into()),
        instances: 1,
        scale_set: false,
        os_profile: true,
        current_managed_image: None,
        principal: Some(CAROL.into()),
        security_type: None,
    };
    check_deployment(w, &req, FIXTURE_NOW + Duration::days(2))
}

fn codes(c: &sig_core::deploy::DeploymentCheck) -> Vec<Code> {
    c.diagnostics
        .iter()
        .filter(|d| d.severity == sig_core::Severity::Error)
        .map(|d| d.code)
        .collect()
}

fn unique() -> String {
    format!("{CONTOSO_SUB}-CONTOSOIMAGES")
}

#[test]
fn a_gallery_shared_with_another_tenants_subscription_is_deployed_from_there_without_rbac() {
    let mut w = contoso_fabrikam();
    let shared = format!(
        "/SharedGalleries/{}/Images/ubuntu-22/Versions/latest",
        unique()
    );
    // Private: the reference names no shared gallery.
    assert_eq!(
        codes(&deploy(&w, &shared, FABRIKAM_SUB)),
        [Code::GalleryImageNotFound]
    );
    // Add needs the Groups method.
    let refused = run(&mut w, ADMIN, share_cmd("Add", &[FABRIKAM_SUB], &[])).unwrap_err();
    assert_eq!(refused.code(), Code::SharingOperationNotAllowed);
    assert_eq!(refused.http_status(), 409);
    // A publisher (Compute Gallery Artifacts Publisher) can't change the sharing method: the
    // role excludes share/action.
    let denied = set_permission(
        &mut w,
        ALICE,
        json!({"sharingProfile": {"permissions": "Groups"}}),
    );
    assert_eq!(denied.unwrap_err().code(), Code::AuthorizationFailed);
    set_permission(
        &mut w,
        ADMIN,
        json!({"sharingProfile": {"permissions": "Groups"}}),
    )
    .expect("private → groups");
    assert_eq!(
        run(&mut w, ALICE, share_cmd("Add", &[FABRIKAM_SUB], &[]))
            .unwrap_err()
            .code(),
        Code::AuthorizationFailed
    );
    run(&mut w, ADMIN, share_cmd("Add", &[FABRIKAM_SUB], &[])).expect("shared");
    // Fabrikam's subscription deploys by the shared reference; its user holds no role on the
    // gallery for that. Latest is 1.1.0, as for the publisher.
    let ok = deploy(&w, &shared, FABRIKAM_SUB);
    assert!(ok.allowed, "{:?}", ok.diagnostics);
    assert!(ok
        .image_version
        .as_deref()
        .is_some_and(|v| v.ends_with("/versions/1.1.0")));
    let exact = format!(
        "/sharedGalleries/{}/images/ubuntu-22/versions/1.0.0",
        unique().to_lowercase()
    );
    assert!(deploy(&w, &exact, FABRIKAM_SUB).allowed);
    // Northwind is not shared with; a definition that does not exist is named.
    assert_eq!(
        codes(&deploy(&w, &shared, NORTHWIND_SUB)),
        [Code::GalleryImageNotFound]
    );
    let missing = format!("/SharedGalleries/{}/Images/nope/Versions/latest", unique());
    assert_eq!(
        codes(&deploy(&w, &missing, FABRIKAM_SUB)),
        [Code::GalleryImageNotFound]
    );
    // The consumer lists what it may use.
    let listed = sig_core::sharing::shared_images(&w, FABRIKAM_SUB);
    assert!(listed.iter().any(|i| i.reference == shared));
    assert!(sig_core::sharing::shared_images(&w, NORTHWIND_SUB).is_empty());
    // Sharing with Northwind's tenant reaches its subscriptions.
    let northwind_tenant = w.subscription(NORTHWIND_SUB).unwrap().tenant_id.clone();
    run(&mut w, ADMIN, share_cmd("Add", &[], &[&northwind_tenant])).expect("tenant");
    assert!(deploy(&w, &shared, NORTHWIND_SUB).allowed);
    // The profile holds one group per type, each id once.
    run(
        &mut w,
        ADMIN,
        share_cmd("Add", &[&FABRIKAM_SUB.to_uppercase()], &[]),
    )
    .expect("again");
    let g = w.gallery(&gallery()).unwrap();
    let groups =
        serde_json::to_value(&g.resource.properties.as_ref().unwrap().sharing_profile).unwrap();
    assert_eq!(
        groups["groups"],
        json!([{"type": "Subscriptions", "ids": [FABRIKAM_SUB]}, {"type": "AADTenants", "ids": [northwind_tenant]}])
    );
    // Remove takes it back; removing what is not shared is refused and names the id.
    run(&mut w, ADMIN, share_cmd("Remove", &[FABRIKAM_SUB], &[])).expect("removed");
    assert!(!deploy(&w, &shared, FABRIKAM_SUB).allowed);
    let again = run(&mut w, ADMIN, share_cmd("Remove", &[FABRIKAM_SUB], &[])).unwrap_err();
    assert_eq!(again.code(), Code::SharingGroupsInvalid);
    assert_eq!(again.diagnostics[0].path, "groups[0].ids[0]");
    // An update can't make it private again: Reset does.
    let back = set_permission(
        &mut w,
        ADMIN,
        json!({"sharingProfile": {"permissions": "Private"}}),
    );
    assert_eq!(back.unwrap_err().code(), Code::SharingOperationNotAllowed);
    run(&mut w, ADMIN, share_cmd("Reset", &[], &[])).expect("reset");
    assert!(!deploy(&w, &shared, NORTHWIND_SUB).allowed);
    let g = w.gallery(&gallery()).unwrap();
    assert_eq!(
        sig_core::sharing::permission_of(&g.resource),
        sig_core::sharing::Permission::Private
    );
}

#[test]
fn share_actions_name_at_least_one_guid_and_stay_within_thirty_subscriptions_and_five_tenants() {
    let mut w = contoso_fabrikam();
    set_permission(
        &mut w,
        ADMIN,
        json!({"sharingProfile": {"permissions": "Groups"}}),
    )
    .unwrap();
    let cases: Vec<(Command, Code, &str)> = vec![
        (
            share_cmd("Add", &[], &[]),
            Code::SharingGroupsInvalid,
            "groups",
        ),
        (
            share_cmd("Add", &["not-a-guid"], &[]),
            Code::SharingGroupsInvalid,
            "groups[0].ids[0]",
        ),
        (
            share_cmd("Publish", &[FABRIKAM_SUB], &[]),
            Code::PropertyValueInvalid,
            "operationType",
        ),
        (
            share_cmd("EnableCommunity", &[], &[]),
            Code::SharingOperationNotAllowed,
            "operationType",
        ),
    ];
    for (c, code, path) in cases {
        let e = run(&mut w, ADMIN, c.clone()).unwrap_err();
        assert_eq!(
            (e.code(), e.diagnostics[0].path.as_str()),
            (code, path),
            "{c:?}"
        );
    }
    let subs: Vec<String> = (0..30)
        .map(|i| format!("{i:08x}-0000-4000-8000-000000000000"))
        .collect();
    let refs: Vec<&str> = subs.iter().map(String::as_str).collect();
    run(&mut w, ADMIN, share_cmd("Add", &refs, &[])).expect("thirty");
    let e = run(&mut w, ADMIN, share_cmd("Add", &[FABRIKAM_SUB], &[])).unwrap_err();
    assert_eq!(e.code(), Code::SharingGroupsInvalid);
    assert!(
        e.diagnostics[0].message.contains("31 subscriptions"),
        "{}",
        e.diagnostics[0].message
    );
    let tenants: Vec<String> = (0..6)
        .map(|i| format!("{i:08x}-0000-4000-8000-00000000000f"))
        .collect();
    let trefs: Vec<&str> = tenants.iter().map(String::as_str).collect();
    assert_eq!(
        run(&mut w, ADMIN, share_cmd("Add", &[], &trefs[..6]))
            .unwrap_err()
            .code(),
        Code::SharingGroupsInvalid
    );
    run(&mut w, ADMIN, share_cmd("Add", &[], &trefs[..5])).expect("five tenants");
}

#[test]
fn a_community_gallery_needs_its_publisher_gets_a_public_name_and_is_reset_before_delete() {
    let mut w = contoso_fabrikam();
    let info = json!({"publisherUri": "https://contoso.com", "publisherContact": "images@contoso.com",
        "eula": "https://contoso.com/eula", "publicNamePrefix": "Contoso"});
    // Without the publisher information, refused field by field.
    let e = set_permission(
        &mut w,
        ADMIN,
        json!({"sharingProfile": {"permissions": "Community"}}),
    )
    .unwrap_err();
    assert_eq!(e.code(), Code::CommunityGalleryInfoInvalid);
    let e = set_permission(&mut w, ADMIN, json!({"sharingProfile": {"permissions": "Community",
        "communityGalleryInfo": {"publisherUri": "https://contoso.com", "publicNamePrefix": "abc"}}})).unwrap_err();
    let paths: Vec<&str> = e
        .diagnostics
        .iter()
        .map(|d| d.path.rsplit('.').next().unwrap())
        .collect();
    assert_eq!(paths, ["publisherContact", "eula", "publicNamePrefix"]);
    set_permission(
        &mut w,
        ADMIN,
        json!({"sharingProfile": {"permissions": "Community", "communityGalleryInfo": info}}),
    )
    .expect("community");
    let g = w.gallery(&gallery()).unwrap();
    let info_now = sig_core::sharing::community_info(&g.resource)
        .unwrap()
        .clone();
    let public = info_now.public_names.clone().unwrap()[0].clone();
    assert!(public.starts_with("Contoso-"), "{public}");
    assert_ne!(info_now.community_gallery_enabled, Some(true));
    let community = format!("/CommunityGalleries/{public}/Images/ubuntu-22/Versions/latest");
    // Not published yet: nobody finds it.
    assert_eq!(
        codes(&deploy(&w, &community, NORTHWIND_SUB)),
        [Code::GalleryImageNotFound]
    );
    run(&mut w, ADMIN, share_cmd("EnableCommunity", &[], &[])).expect("published");
    let ok = deploy(&w, &community, NORTHWIND_SUB);
    assert!(ok.allowed, "{:?}", ok.diagnostics);
    // Everyone lists its latest only.
    let listed = sig_core::sharing::shared_images(&w, NORTHWIND_SUB);
    assert_eq!(listed.len(), 2, "{listed:?}");
    assert!(listed.iter().all(|i| i.version.is_none()));
    // The prefix stays while published; a published gallery is reset before it is deleted.
    let e = set_permission(
        &mut w,
        ADMIN,
        json!({"sharingProfile": {"permissions": "Community",
        "communityGalleryInfo": {"publicNamePrefix": "Fabrikam"}}}),
    )
    .unwrap_err();
    assert_eq!(e.code(), Code::SharingOperationNotAllowed);
    let e = run(&mut w, ADMIN, Command::DeleteGallery { id: gallery() }).unwrap_err();
    assert_eq!(e.code(), Code::SharingOperationNotAllowed);
    run(&mut w, ADMIN, share_cmd("Reset", &[], &[])).expect("reset");
    assert!(!deploy(&w, &community, NORTHWIND_SUB).allowed);
    let e = run(&mut w, ADMIN, Command::DeleteGallery { id: gallery() }).unwrap_err();
    assert_eq!(
        e.code(),
        Code::CannotDeleteResource,
        "now only its children keep it"
    );
}

#[test]
fn a_shared_gallery_holds_no_encrypted_versions_no_private_only_security_types_and_nothing_elsewhere(
) {
    let mut w = contoso_fabrikam();
    set_permission(
        &mut w,
        ADMIN,
        json!({"sharingProfile": {"permissions": "Groups"}}),
    )
    .unwrap();
    let trusted = |ty: &str| -> arm::GalleryImage {
        serde_json::from_value(json!({"location": "westus", "properties": {
            "osType": "Linux", "osState": "Generalized", "hyperVGeneration": "V2",
            "identifier": {"publisher": "Contoso", "offer": "tl", "sku": ty},
            "features": [{"name": "SecurityType", "value": ty}]}}))
        .unwrap()
    };
    let create = |w: &mut World, name: &str, body: arm::GalleryImage| {
        run(
            w,
            ADMIN,
            Command::CreateImage {
                id: image_id(CONTOSO_SUB, RG, "ContosoImages", name),
                resource: body,
            },
        )
    };
    for ty in ["TrustedLaunch", "ConfidentialVM"] {
        let e = create(&mut w, ty, trusted(ty)).unwrap_err();
        assert_eq!(e.code(), Code::SharedGalleryContentInvalid, "{ty}");
        assert!(e.diagnostics[0].message.contains(&format!("{ty}Supported")));
    }
    create(&mut w, "tls", trusted("TrustedLaunchSupported"))
        .expect("the Supported variant may be shared");
    let mut elsewhere = trusted("TrustedLaunchSupported");
    elsewhere.location = Some("eastus".into());
    if let Some(i) = elsewhere
        .properties
        .as_mut()
        .and_then(|p| p.identifier.as_mut())
    {
        i.sku = Some("east".into());
    }
    let e = create(&mut w, "east", elsewhere).unwrap_err();
    assert_eq!(
        (e.code(), e.diagnostics[0].path.as_str()),
        (Code::SharedGalleryContentInvalid, "location")
    );
    // An encrypted version is refused in a shared gallery (on create and on update alike).
    let v = version_id(CONTOSO_SUB, RG, "ContosoImages", "ubuntu-22", "1.1.0");
    let current = w.version(&v).unwrap().resource().clone();
    let mut encrypted = serde_json::to_value(&current).unwrap();
    encrypted["properties"]["publishingProfile"]["targetRegions"][0]["encryption"] = json!({"osDiskImage": {
        "diskEncryptionSetId": format!("/subscriptions/{CONTOSO_SUB}/resourceGroups/{RG}/providers/Microsoft.Compute/diskEncryptionSets/des-westus")}});
    let e = run(
        &mut w,
        ADMIN,
        Command::UpdateVersion {
            id: v.clone(),
            resource: serde_json::from_value(encrypted).unwrap(),
        },
    )
    .unwrap_err();
    assert_eq!(e.code(), Code::SharedGalleryContentInvalid);
    assert!(e.diagnostics[0]
        .path
        .ends_with("targetRegions[0].encryption"));
    // And a gallery holding a TrustedLaunch definition can't become shared.
    run(&mut w, ADMIN, share_cmd("Reset", &[], &[])).unwrap();
    create(&mut w, "tl", trusted("TrustedLaunch")).expect("private may hold it");
    let e = set_permission(
        &mut w,
        ADMIN,
        json!({"sharingProfile": {"permissions": "Groups"}}),
    )
    .unwrap_err();
    assert_eq!(e.code(), Code::SharedGalleryContentInvalid);
}

#[test]
fn a_shared_gallery_travels_in_the_export_with_its_groups_and_a_file_over_the_limits_is_refused() {
    let mut w = contoso_fabrikam();
    set_permission(
        &mut w,
        ADMIN,
        json!({"sharingProfile": {"permissions": "Groups"}}),
    )
    .unwrap();
    run(&mut w, ADMIN, share_cmd("Add", &[FABRIKAM_SUB], &[])).unwrap();
    let text = serde_json::to_string(&w).unwrap();
    let back: World = serde_json::from_str(&text).expect("loads");
    let shared = format!(
        "/SharedGalleries/{}/Images/ubuntu-22/Versions/1.0.0",
        unique()
    );
    assert!(deploy(&back, &shared, FABRIKAM_SUB).allowed);
    // A hand-edited file that shares with 31 subscriptions breaks the same rule on load.
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let ids: Vec<String> = (0..31)
        .map(|i| format!("{i:08x}-0000-4000-8000-000000000000"))
        .collect();
    let g = v["galleries"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|g| {
            g["id"]
                .as_str()
                .is_some_and(|i| i.ends_with("/ContosoImages"))
        })
        .unwrap();
    g["properties"]["sharingProfile"]["groups"] = json!([{"type": "Subscriptions", "ids": ids}]);
    let err = serde_json::from_value::<World>(v).unwrap_err().to_string();
    assert!(err.contains("at most 30 subscriptions"), "{err}");
}

#[test]
fn azures_share_examples_round_trip_and_a_bad_share_body_is_named_where_it_is_wrong() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    for name in [
        "Gallery_AddToSharingProfile.json",
        "Gallery_ResetSharingProfile.json",
        "Gallery_EnableCommunityGallery.json",
    ] {
        let doc: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join(name)).expect("fixture"))
                .unwrap();
        let body = &doc["parameters"]["sharingUpdate"];
        let update: arm::SharingUpdate = serde_json::from_value(body.clone()).expect(name);
        assert_eq!(&serde_json::to_value(&update).unwrap(), body, "{name}");
        assert!(
            sig_core::sharing::check_sharing_update(&update, name).is_empty(),
            "{name}"
        );
    }
    let doc = json!({"parameters": {"subscriptionId": "s", "resourceGroupName": "r", "galleryName": "g",
        "api-version": "2024-03-03",
        "sharingUpdate": {"operationType": "Add", "groups": [{"type": "Subscription", "ids": ["x"]}]}},
        "responses": {}});
    let input = sig_core::validate::parse_documents(&doc);
    let found: Vec<(Code, &str)> = input
        .diagnostics
        .iter()
        .filter(|d| d.severity == sig_core::Severity::Error)
        .map(|d| (d.code, d.path.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            (Code::SharingGroupsInvalid, "groups[0].type"),
            (Code::SharingGroupsInvalid, "groups[0].ids[0]")
        ]
    );
}

#[test]
fn a_state_file_cannot_give_two_galleries_one_unique_name_or_share_with_a_malformed_id() {
    let w = contoso_fabrikam();
    let v: serde_json::Value = serde_json::from_str(&serde_json::to_string(&w).unwrap()).unwrap();
    let mut twin = v.clone();
    let pos = |doc: &serde_json::Value, name: &str| {
        doc["galleries"]
            .as_array()
            .unwrap()
            .iter()
            .position(|g| g["id"].as_str().is_some_and(|i| i.ends_with(name)))
            .unwrap()
    };
    let (contoso, fabrikam) = (pos(&v, "/ContosoImages"), pos(&v, "/FabrikamApps"));
    let theirs = v["galleries"][contoso]["properties"]["identifier"]["uniqueName"].clone();
    twin["galleries"][fabrikam]["properties"]["identifier"]["uniqueName"] = theirs;
    let err = serde_json::from_value::<World>(twin)
        .unwrap_err()
        .to_string();
    assert!(err.contains("is already the gallery"), "{err}");
    let mut bad = v.clone();
    bad["galleries"][contoso]["properties"]["sharingProfile"] = json!({"permissions": "Groups", "groups": [{"type": "Subscriptions", "ids": ["fabrikam"]}]});
    let err = serde_json::from_value::<World>(bad)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("'fabrikam' is not a subscription or tenant id"),
        "{err}"
    );
}

#[test]
fn azures_sharing_and_soft_delete_examples_import_with_their_fields_kept_and_checked() {
    use sig_core::testing::{self, RESOURCE_GROUP, SUBSCRIPTION};
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let cases = [
        (
            "Gallery_Create_WithSharingProfile.json",
            "/properties/sharingProfile/permissions",
            json!("Groups"),
        ),
        (
            "Gallery_Create_SoftDeletionEnabled.json",
            "/properties/softDeletePolicy/isSoftDeleteEnabled",
            json!(true),
        ),
    ];
    for (name, pointer, want) in cases {
        let doc: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join(name)).unwrap()).unwrap();
        let input = sig_core::validate::parse_documents(&doc);
        let plan = sig_core::export_template::import_plan(&input, SUBSCRIPTION, RESOURCE_GROUP);
        assert!(!plan.is_empty(), "{name}: something to import");
        let mut w = testing::base_world();
        // The request and each response describe the same gallery: the first creates it, the
        // others are refused as the import shows them (it exists).
        let mut steps = plan.into_iter();
        let first = steps.next().unwrap();
        apply(&mut w, &Actor::system(), first.command, FIXTURE_NOW)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        for step in steps {
            let refused = apply(&mut w, &Actor::system(), step.command, FIXTURE_NOW).unwrap_err();
            assert_eq!(refused.code(), Code::Conflict, "{name}");
        }
        let g = w.galleries().next().expect("imported");
        let got = serde_json::to_value(&g.resource).unwrap();
        assert_eq!(got.pointer(pointer), Some(&want), "{name}: {got}");
    }
}
