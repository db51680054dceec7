//! Whole flows through the one entry point `apply`.

use serde_json::json;
use sig_core::arm;
use sig_core::command::{gallery_id, image_id, version_id};
use sig_core::latest::resolve_latest;
use sig_core::limits::MAX_GALLERIES_PER_SUBSCRIPTION_REGION;
use sig_core::regions::RegionName;
use sig_core::sources::{Source, SourceDisk, SourceKind};
use sig_core::testing::{self, FIXTURE_NOW, RESOURCE_GROUP as RG, SUBSCRIPTION as SUB};
use sig_core::{apply, Actor, Code, Command, EventKind, World};

fn run(w: &mut World, c: Command) -> Result<Vec<sig_core::Event>, sig_core::CommandError> {
    // The simulator itself: these tests are about rules, not authorization (see tests/access.rs).
    apply(w, &Actor::system(), c, FIXTURE_NOW)
}

fn code(r: Result<Vec<sig_core::Event>, sig_core::CommandError>) -> Code {
    r.expect_err("command should be refused").code()
}

fn gallery(w: &mut World, name: &str) {
    run(
        w,
        Command::CreateGallery {
            id: gallery_id(SUB, RG, name),
            resource: testing::gallery_body(),
        },
    )
    .expect("gallery");
}

fn image(
    w: &mut World,
    g: &str,
    i: &str,
    sku: &str,
) -> Result<Vec<sig_core::Event>, sig_core::CommandError> {
    let mut body = testing::image_body(0, 0);
    if let Some(id) = body.properties.as_mut().and_then(|p| p.identifier.as_mut()) {
        id.sku = Some(sku.to_string());
    }
    run(
        w,
        Command::CreateImage {
            id: image_id(SUB, RG, g, i),
            resource: body,
        },
    )
}

fn version(
    w: &mut World,
    g: &str,
    i: &str,
    v: &str,
    body: arm::GalleryImageVersion,
) -> Result<Vec<sig_core::Event>, sig_core::CommandError> {
    run(
        w,
        Command::CreateVersion {
            id: version_id(SUB, RG, g, i, v),
            resource: body,
        },
    )
}

fn snapshot(w: &World) -> serde_json::Value {
    serde_json::to_value(w).expect("serialize")
}

#[test]
fn create_update_delete_flow() {
    let mut w = testing::base_world();
    gallery(&mut w, "gal");
    image(&mut w, "gal", "img", "s1").expect("image");
    let ev = version(&mut w, "gal", "img", "1.0.0", testing::version_body()).expect("version");
    assert_eq!(ev[0].kind, EventKind::Created);
    assert_eq!(ev[0].actor, "system");
    assert!(
        w.version(&version_id(SUB, RG, "GAL", "IMG", "1.0.0"))
            .is_some(),
        "ids are case-insensitive"
    );

    // Deletes are refused while children exist (409 CannotDeleteResource, children listed).
    let before = snapshot(&w);
    let err = run(
        &mut w,
        Command::DeleteGallery {
            id: gallery_id(SUB, RG, "gal"),
        },
    )
    .unwrap_err();
    assert_eq!(err.code(), Code::CannotDeleteResource);
    assert_eq!(err.http_status(), 409);
    assert!(
        err.diagnostics[0]
            .message
            .contains("'Microsoft.Compute/galleries/gal/images/img'"),
        "{}",
        err.diagnostics[0].message
    );
    assert_eq!(
        code(run(
            &mut w,
            Command::DeleteImage {
                id: image_id(SUB, RG, "gal", "img")
            }
        )),
        Code::CannotDeleteResource
    );
    assert_eq!(
        snapshot(&w),
        before,
        "failed commands leave the world unchanged"
    );

    run(
        &mut w,
        Command::DeleteVersion {
            id: version_id(SUB, RG, "gal", "img", "1.0.0"),
        },
    )
    .expect("delete version");
    run(
        &mut w,
        Command::DeleteImage {
            id: image_id(SUB, RG, "gal", "img"),
        },
    )
    .expect("delete image");
    run(
        &mut w,
        Command::DeleteGallery {
            id: gallery_id(SUB, RG, "gal"),
        },
    )
    .expect("delete gallery");
    assert_eq!(
        code(run(
            &mut w,
            Command::DeleteGallery {
                id: gallery_id(SUB, RG, "gal")
            }
        )),
        Code::ResourceNotFound
    );
    w.check_invariants().expect("invariants");
}

#[test]
fn scope_and_parent_must_exist() {
    let mut w = testing::base_world();
    assert_eq!(
        code(run(
            &mut w,
            Command::CreateGallery {
                id: gallery_id("nosub", RG, "g"),
                resource: testing::gallery_body()
            }
        )),
        Code::SubscriptionNotFound
    );
    assert_eq!(
        code(run(
            &mut w,
            Command::CreateGallery {
                id: gallery_id(SUB, "norg", "g"),
                resource: testing::gallery_body()
            }
        )),
        Code::ResourceGroupNotFound
    );
    assert_eq!(
        code(image(&mut w, "nog", "i", "s")),
        Code::ParentResourceNotFound
    );
    gallery(&mut w, "g");
    assert_eq!(
        code(version(
            &mut w,
            "g",
            "noi",
            "1.0.0",
            testing::version_body()
        )),
        Code::ParentResourceNotFound
    );
    assert_eq!(
        code(run(
            &mut w,
            Command::CreateGallery {
                id: "not an id".into(),
                resource: testing::gallery_body()
            }
        )),
        Code::ResourceIdInvalid
    );
    assert_eq!(
        code(run(
            &mut w,
            Command::CreateGallery {
                id: image_id(SUB, RG, "g", "i"),
                resource: testing::gallery_body()
            }
        )),
        Code::ResourceIdInvalid
    );
}

#[test]
fn uniqueness() {
    let mut w = testing::base_world();
    gallery(&mut w, "g");
    // Same gallery name in another resource group of the same subscription.
    run(
        &mut w,
        Command::CreateResourceGroup {
            subscription_id: SUB.into(),
            name: "rg2".into(),
            location: "westus".into(),
        },
    )
    .unwrap();
    let e = run(
        &mut w,
        Command::CreateGallery {
            id: gallery_id(SUB, "rg2", "G"),
            resource: testing::gallery_body(),
        },
    )
    .unwrap_err();
    assert_eq!(e.code(), Code::Conflict);
    assert!(e.diagnostics[0]
        .message
        .contains("unique within your subscription"));
    assert_eq!(
        code(run(
            &mut w,
            Command::CreateGallery {
                id: gallery_id(SUB, RG, "g"),
                resource: testing::gallery_body()
            }
        )),
        Code::Conflict
    );
    image(&mut w, "g", "a", "s1").unwrap();
    assert_eq!(code(image(&mut w, "g", "A", "s2")), Code::Conflict);
    let e = image(&mut w, "g", "b", "S1").unwrap_err();
    assert_eq!(
        e.code(),
        Code::DuplicateIdentifier,
        "P/O/S compared case-insensitively"
    );
    assert_eq!(e.diagnostics[0].message, "Gallery image: a identified by (publisher:contoso, offer:offer0, sku:S1) already exists. Choose a different publisher, offer, sku combination.");
    image(&mut w, "g", "b", "s2").expect("two of three shared is fine");
    version(&mut w, "g", "a", "1.0.0", testing::version_body()).unwrap();
    assert_eq!(
        code(version(&mut w, "g", "a", "1.0.0", testing::version_body())),
        Code::Conflict
    );
}

#[test]
fn version_sources_in_apply_mode() {
    let mut w = testing::base_world();
    gallery(&mut w, "g");
    image(&mut w, "g", "i", "s").unwrap();
    // Absent source: an error when applying.
    let mut body = testing::version_body();
    body.properties
        .as_mut()
        .unwrap()
        .storage_profile
        .as_mut()
        .unwrap()
        .source
        .as_mut()
        .unwrap()
        .id = Some(format!(
        "/subscriptions/{SUB}/resourceGroups/{RG}/providers/Microsoft.Compute/images/missing"
    ));
    let e = version(&mut w, "g", "i", "1.0.0", body).unwrap_err();
    assert_eq!(e.code(), Code::SourceNotFound);
    assert!(e.diagnostics[0]
        .message
        .starts_with("Source /subscriptions/"));
    // A specialized Windows V2 VM in East US with a 2 TB data disk breaks four rules at once.
    let vm = format!(
        "/subscriptions/{SUB}/resourceGroups/{RG}/providers/Microsoft.Compute/virtualMachines/vm1"
    );
    run(
        &mut w,
        Command::CreateSource(Source {
            id: vm.clone(),
            kind: SourceKind::VirtualMachine,
            location: RegionName::new("eastus").unwrap(),
            os_type: Some(sig_core::kinds::OsType::Windows),
            os_state: Some(sig_core::kinds::OsState::Specialized),
            hyper_v_generation: Some(sig_core::kinds::HyperVGeneration::V2),
            os_disk_size_gb: Some(127),
            data_disks: vec![SourceDisk {
                lun: 0,
                size_gb: 2048,
            }],
            storage_account_id: None,
        }),
    )
    .unwrap();
    let body: arm::GalleryImageVersion =
        serde_json::from_value(json!({"location": "westus", "properties": {
        "publishingProfile": {"targetRegions": [{"name": "westus"}]},
        "storageProfile": {"source": {"virtualMachineId": vm}}}}))
        .unwrap();
    let e = version(&mut w, "g", "i", "1.0.0", body).unwrap_err();
    let codes: Vec<Code> = e.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(
        codes,
        [
            Code::SourceRegionMismatch,
            Code::OsTypeMismatch,
            Code::OsStateMismatch,
            Code::HyperVGenerationMismatch,
            Code::DiskTooLarge
        ]
    );
    // Another image version in the world is a valid source.
    version(&mut w, "g", "i", "1.0.0", testing::version_body()).unwrap();
    let body: arm::GalleryImageVersion =
        serde_json::from_value(json!({"location": "westus", "properties": {
        "storageProfile": {"source": {"id": version_id(SUB, RG, "g", "i", "1.0.0")}}}}))
        .unwrap();
    version(&mut w, "g", "i", "1.0.1", body).expect("version from version");
    // Deleting a source later is allowed (as in Azure).
    run(
        &mut w,
        Command::DeleteSource {
            id: testing::source_image_id().to_uppercase(),
        },
    )
    .expect("delete source, any casing");
    w.check_invariants().unwrap();
}

#[test]
fn allow_listed_regions_depend_on_subscription() {
    let mut w = testing::base_world();
    gallery(&mut w, "g");
    image(&mut w, "g", "i", "s").unwrap();
    let mut body = testing::version_body();
    body.properties
        .as_mut()
        .unwrap()
        .publishing_profile
        .as_mut()
        .unwrap()
        .target_regions
        .as_mut()
        .unwrap()
        .push(arm::TargetRegion {
            name: Some("Australia Central".into()),
            ..Default::default()
        });
    let e = version(&mut w, "g", "i", "1.0.0", body.clone()).unwrap_err();
    assert_eq!(e.code(), Code::RegionNotAllowListed);
    assert_eq!(
        e.diagnostics[0].path,
        "properties.publishingProfile.targetRegions[1].name"
    );
    run(
        &mut w,
        Command::CreateSubscription {
            id: "allowed".into(),
            tenant_id: testing::TENANT.into(),
            display_name: "AU".into(),
            allow_listed_regions: true,
        },
    )
    .unwrap();
    run(
        &mut w,
        Command::CreateResourceGroup {
            subscription_id: "allowed".into(),
            name: RG.into(),
            location: "westus".into(),
        },
    )
    .unwrap();
    let src = Source {
        id: format!(
            "/subscriptions/allowed/resourceGroups/{RG}/providers/Microsoft.Compute/images/base"
        ),
        ..w.source(&testing::source_image_id()).unwrap().clone()
    };
    run(&mut w, Command::CreateSource(src)).unwrap();
    run(
        &mut w,
        Command::CreateGallery {
            id: gallery_id("allowed", RG, "g"),
            resource: testing::gallery_body(),
        },
    )
    .unwrap();
    run(
        &mut w,
        Command::CreateImage {
            id: image_id("allowed", RG, "g", "i"),
            resource: testing::image_body(0, 0),
        },
    )
    .unwrap();
    body.properties
        .as_mut()
        .unwrap()
        .storage_profile
        .as_mut()
        .unwrap()
        .source
        .as_mut()
        .unwrap()
        .id = Some(format!(
        "/subscriptions/allowed/resourceGroups/{RG}/providers/Microsoft.Compute/images/base"
    ));
    run(
        &mut w,
        Command::CreateVersion {
            id: version_id("allowed", RG, "g", "i", "1.0.0"),
            resource: body,
        },
    )
    .expect("allow-listed");
}

#[test]
fn updates_only_change_mutable_properties() {
    let mut w = testing::base_world();
    gallery(&mut w, "g");
    image(&mut w, "g", "i", "s").unwrap();
    version(&mut w, "g", "i", "1.0.0", testing::version_body()).unwrap();

    // Gallery: description yes, location no.
    let upd: arm::Gallery =
        serde_json::from_value(json!({"properties": {"description": "new"}})).unwrap();
    assert_eq!(
        run(
            &mut w,
            Command::UpdateGallery {
                id: gallery_id(SUB, RG, "g"),
                resource: upd
            }
        )
        .unwrap()[0]
            .kind,
        EventKind::Updated
    );
    assert_eq!(
        w.gallery(&gallery_id(SUB, RG, "g"))
            .unwrap()
            .resource
            .properties
            .as_ref()
            .unwrap()
            .description
            .as_deref(),
        Some("new")
    );
    let upd: arm::Gallery = serde_json::from_value(json!({"location": "eastus"})).unwrap();
    assert_eq!(
        code(run(
            &mut w,
            Command::UpdateGallery {
                id: gallery_id(SUB, RG, "g"),
                resource: upd
            }
        )),
        Code::PropertyChangeNotAllowed
    );

    // Definition: publisher no (Azure's text), recommended yes, EOL must be future when changed.
    let upd: arm::GalleryImage =
        serde_json::from_value(json!({"properties": {"identifier": {"publisher": "other"}}}))
            .unwrap();
    let e = run(
        &mut w,
        Command::UpdateImage {
            id: image_id(SUB, RG, "g", "i"),
            resource: upd,
        },
    )
    .unwrap_err();
    assert_eq!(
        e.diagnostics[0].message,
        "Changing property 'galleryImage.properties.identifier.publisher' is not allowed."
    );
    assert_eq!(e.diagnostics[0].path, "properties.identifier.publisher");
    let upd: arm::GalleryImage = serde_json::from_value(json!({"properties": {"recommended": {"vCPUs": {"min": 2, "max": 8}}, "endOfLifeDate": "2030-01-01"}})).unwrap();
    run(
        &mut w,
        Command::UpdateImage {
            id: image_id(SUB, RG, "g", "i"),
            resource: upd,
        },
    )
    .expect("mutable");
    let upd: arm::GalleryImage =
        serde_json::from_value(json!({"properties": {"endOfLifeDate": "2019-01-01"}})).unwrap();
    assert_eq!(
        code(run(
            &mut w,
            Command::UpdateImage {
                id: image_id(SUB, RG, "g", "i"),
                resource: upd
            }
        )),
        Code::EndOfLifeDateInPast
    );

    // Version: add a region, change replicas, exclude from latest; keep the source region; no storage type change.
    let vid = version_id(SUB, RG, "g", "i", "1.0.0");
    let upd: arm::GalleryImageVersion = serde_json::from_value(json!({"properties": {"publishingProfile": {
        "targetRegions": [{"name": "westus", "regionalReplicaCount": 3}, {"name": "eastus", "storageAccountType": "Standard_ZRS"}], "excludeFromLatest": true}}})).unwrap();
    run(
        &mut w,
        Command::UpdateVersion {
            id: vid.clone(),
            resource: upd,
        },
    )
    .expect("mutable version fields");
    let v = w.version(&vid).unwrap();
    assert_eq!(v.targets.len(), 2);
    assert_eq!(v.targets[0].replicas, 3);
    assert!(v.exclude_from_latest);
    let upd: arm::GalleryImageVersion = serde_json::from_value(
        json!({"properties": {"publishingProfile": {"targetRegions": [{"name": "eastus"}]}}}),
    )
    .unwrap();
    assert_eq!(
        code(run(
            &mut w,
            Command::UpdateVersion {
                id: vid.clone(),
                resource: upd
            }
        )),
        Code::SourceRegionNotTargeted
    );
    let upd: arm::GalleryImageVersion = serde_json::from_value(json!({"properties": {"publishingProfile": {"targetRegions": [{"name": "westus"}, {"name": "eastus", "storageAccountType": "Premium_LRS"}]}}})).unwrap();
    let e = run(
        &mut w,
        Command::UpdateVersion {
            id: vid.clone(),
            resource: upd,
        },
    )
    .unwrap_err();
    assert_eq!(e.code(), Code::PropertyChangeNotAllowed);
    assert_eq!(
        e.diagnostics[0].path,
        "properties.publishingProfile.targetRegions[1].storageAccountType"
    );
    let upd: arm::GalleryImageVersion = serde_json::from_value(
        json!({"properties": {"publishingProfile": {"replicationMode": "Shallow"}}}),
    )
    .unwrap();
    let e = run(
        &mut w,
        Command::UpdateVersion {
            id: vid.clone(),
            resource: upd,
        },
    )
    .unwrap_err();
    assert_eq!(e.diagnostics[0].message, "Changing property 'galleryImageVersion.properties.publishingProfile.replicationMode' is not allowed.");
    let upd: arm::GalleryImageVersion =
        serde_json::from_value(json!({"properties": {"publishingProfile": {"replicaCount": 11}}}))
            .unwrap();
    assert_eq!(
        code(run(
            &mut w,
            Command::UpdateVersion {
                id: vid,
                resource: upd
            }
        )),
        Code::ReplicaCountOutOfRange
    );
    w.check_invariants().unwrap();
}

#[test]
fn location_warning_is_not_an_error() {
    let mut w = testing::base_world();
    gallery(&mut w, "g");
    let mut body = testing::image_body(0, 0);
    body.location = Some("East US".into());
    let ev = run(
        &mut w,
        Command::CreateImage {
            id: image_id(SUB, RG, "g", "i"),
            resource: body,
        },
    )
    .expect("allowed");
    assert_eq!(
        ev[0].warnings.iter().map(|d| d.code).collect::<Vec<_>>(),
        [Code::LocationDiffers]
    );
}

#[test]
fn gallery_limit_per_subscription_region() {
    let mut w = testing::world_with(MAX_GALLERIES_PER_SUBSCRIPTION_REGION, 0, 0);
    let e = run(
        &mut w,
        Command::CreateGallery {
            id: gallery_id(SUB, RG, "onemore"),
            resource: testing::gallery_body(),
        },
    )
    .unwrap_err();
    assert_eq!(e.code(), Code::OperationNotAllowed);
    // Another region is a separate budget.
    let mut body = testing::gallery_body();
    body.location = Some("eastus".into());
    run(
        &mut w,
        Command::CreateGallery {
            id: gallery_id(SUB, RG, "onemore"),
            resource: body,
        },
    )
    .expect("other region");
    w.check_invariants().unwrap();
}

#[test]
fn latest_is_numeric_and_honours_exclusions() {
    let mut w = testing::base_world();
    gallery(&mut w, "g");
    image(&mut w, "g", "i", "s").unwrap();
    for v in ["1.0.9", "1.0.12", "1.0.2"] {
        version(&mut w, "g", "i", v, testing::version_body()).unwrap();
    }
    let img = image_id(SUB, RG, "g", "i");
    assert!(resolve_latest(&w, &img, None)
        .unwrap()
        .chosen
        .ends_with("/1.0.12"));
    // Exclude 1.0.12 globally, but re-include it in westus via the regional flag.
    let upd: arm::GalleryImageVersion = serde_json::from_value(
        json!({"properties": {"publishingProfile": {"excludeFromLatest": true,
        "targetRegions": [{"name": "westus", "excludeFromLatest": false}]}}}),
    )
    .unwrap();
    run(
        &mut w,
        Command::UpdateVersion {
            id: version_id(SUB, RG, "g", "i", "1.0.12"),
            resource: upd,
        },
    )
    .unwrap();
    assert!(resolve_latest(&w, &img, None)
        .unwrap()
        .chosen
        .ends_with("/1.0.9"));
    let r = resolve_latest(&w, &img, Some("West US")).unwrap();
    assert!(r.chosen.ends_with("/1.0.12"), "regional flag wins");
    assert_eq!(r.candidates.len(), 3);
    let e = resolve_latest(&w, &img, Some("eastus")).unwrap_err();
    assert_eq!(e.code, Code::GalleryImageNotFound);
    assert!(e.message.contains("is not available in eastus region"));
}

#[test]
fn export_round_trips_and_rebuilds_indexes() {
    let w = testing::world_with(2, 3, 4);
    let json = serde_json::to_string(&w).unwrap();
    let back: World = serde_json::from_str(&json).unwrap();
    back.check_invariants().unwrap();
    assert_eq!(serde_json::to_string(&back).unwrap(), json);
    assert_eq!(back.versions().count(), 24);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["formatVersion"], 3);
    // Format 2 nests: the gallery keeps its id; nested resources keep only their name (id, type
    // and an inherited location follow from the nesting).
    let g = &v["galleries"][0];
    assert!(g["id"].as_str().unwrap().ends_with("/galleries/g000"));
    let version = &g["images"][0]["versions"][0];
    assert_eq!(version["name"], "1.0.0");
    for derivable in ["id", "type", "location"] {
        assert!(version.get(derivable).is_none(), "{derivable}: {version}");
    }
    assert!(v.get("images").is_none() && v.get("versions").is_none());
    // The export is itself a valid `sig validate` input with no errors.
    let input = sig_core::validate::parse_documents(&v);
    assert_eq!(input.resources.len(), 2 + 6 + 24);
    assert!(input
        .resources
        .iter()
        .any(|r| r.rid == version_id(SUB, RG, "g000", "i00", "1.0.0")
            && r.origin == "/galleries/0/images/0/versions/0"));
    let diags = sig_core::validate::validate_input(&input, FIXTURE_NOW);
    assert!(diags.is_empty(), "{diags:#?}");
    // Structural problems are refused.
    let mut bad = v.clone();
    bad["galleries"][0]["images"][0]["name"] = json!("bad name!");
    assert!(serde_json::from_value::<World>(bad).is_err());
    let mut bad = v.clone();
    bad["galleries"][1]["images"][0]["properties"]["identifier"] =
        bad["galleries"][1]["images"][1]["properties"]["identifier"].clone();
    assert!(serde_json::from_value::<World>(bad).is_err());
    let mut bad = v;
    bad["galleries"][0]["name"] = json!("ignored");
    bad["galleries"][0]["id"] = json!(format!(
        "/subscriptions/{SUB}/resourceGroups/{RG}/providers/Microsoft.Compute/galleries/bad-name"
    ));
    assert!(serde_json::from_value::<World>(bad).is_err());
}

/// A file written by format 1 (flat `galleries`/`images`/`versions` with ids and types).
const FORMAT_1: &str = r#"{"formatVersion":1,"clock":"2020-06-01T12:00:00Z",
 "tenants":[{"id":"00000000-0000-0000-0000-0000000000aa","displayName":"Contoso"}],
 "subscriptions":[{"id":"00000000-0000-0000-0000-000000000001","tenantId":"00000000-0000-0000-0000-0000000000aa","displayName":"Production","allowListedRegions":false}],
 "resourceGroups":[{"subscriptionId":"00000000-0000-0000-0000-000000000001","name":"rg","location":"westus"}],
 "sources":[{"id":"/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.Compute/images/base","kind":"ManagedImage","location":"westus","osType":"Linux","osState":"Generalized","hyperVGeneration":"V1","osDiskSizeGb":30}],
 "galleries":[{"id":"/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.Compute/galleries/g000","name":"g000","type":"Microsoft.Compute/galleries","location":"westus",
   "properties":{"identifier":{"uniqueName":"00000000-0000-0000-0000-000000000001-G000"},"provisioningState":"Succeeded"}}],
 "images":[{"id":"/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.Compute/galleries/g000/images/i00","name":"i00","type":"Microsoft.Compute/galleries/images","location":"westus",
   "properties":{"osType":"Linux","osState":"Generalized","identifier":{"publisher":"contoso","offer":"offer0","sku":"sku0"},"provisioningState":"Succeeded"}}],
 "versions":[{"id":"/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.Compute/galleries/g000/images/i00/versions/1.0.0","name":"1.0.0","type":"Microsoft.Compute/galleries/images/versions","location":"westus",
   "properties":{"publishingProfile":{"targetRegions":[{"name":"westus","regionalReplicaCount":1}],"publishedDate":"2020-06-01T12:00:00Z"},
     "storageProfile":{"source":{"id":"/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.Compute/images/base"}},"provisioningState":"Succeeded"}}],
 "replication":[{"durationSeconds":210,"region":"westus","started":"2020-06-01T12:00:00Z","versionId":"/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.Compute/galleries/g000/images/i00/versions/1.0.0"}]}"#;

#[test]
fn export_format_1_is_migrated_on_load() {
    let old: World = serde_json::from_str(FORMAT_1).expect("format 1 still loads");
    old.check_invariants().unwrap();
    // Same world as building it by commands today; it is written back as format 2.
    let now = testing::world_with(1, 1, 1);
    assert_eq!(
        serde_json::to_value(&old).unwrap(),
        serde_json::to_value(&now).unwrap()
    );
    assert_eq!(serde_json::to_value(&old).unwrap()["formatVersion"], 3);
    // The migration itself nests the flat lists under their parents.
    let doc: sig_core::export::WorldExport = serde_json::from_str(FORMAT_1).unwrap();
    let migrated = sig_core::export::migrate_v1(doc);
    assert_eq!(migrated.format_version, 2);
    assert!(migrated.images.is_empty() && migrated.versions.is_empty());
    assert_eq!(migrated.galleries[0].images[0].versions.len(), 1);
    // A format 1 definition whose gallery is absent is refused as CreateImage would be.
    let mut orphan: serde_json::Value = serde_json::from_str(FORMAT_1).unwrap();
    orphan["galleries"] = json!([]);
    let e = serde_json::from_value::<World>(orphan).unwrap_err();
    assert!(
        e.to_string().contains("ParentResourceNotFound")
            && e.to_string().contains("Parent resource 'g000' not found."),
        "{e}"
    );
    // `sig validate` still reads format 1 files, resource by resource.
    let v: serde_json::Value = serde_json::from_str(FORMAT_1).unwrap();
    let input = sig_core::validate::parse_documents(&v);
    assert_eq!(input.resources.len(), 3);
    assert!(sig_core::validate::validate_input(&input, FIXTURE_NOW).is_empty());
}

#[test]
fn commands_are_serializable() {
    let c = Command::CreateGallery {
        id: gallery_id(SUB, RG, "g"),
        resource: testing::gallery_body(),
    };
    let s = serde_json::to_value(&c).unwrap();
    assert_eq!(s["command"], "CreateGallery");
    let back: Command = serde_json::from_value(s).unwrap();
    assert_eq!(back, c);
}

/// Updating or deleting what does not exist is ARM's 404, naming the type, the name path under
/// the resource group, and the group, as `az` prints it.
#[test]
fn updating_or_deleting_a_missing_resource_names_it_as_arm_does() {
    let mut w = testing::world_with(1, 1, 1);
    let cases = [
        (
            Command::DeleteGallery {
                id: gallery_id(SUB, RG, "nope"),
            },
            "Microsoft.Compute/galleries/nope",
        ),
        (
            Command::UpdateImage {
                id: image_id(SUB, RG, "g000", "nope"),
                resource: Default::default(),
            },
            "Microsoft.Compute/galleries/images/g000/nope",
        ),
        (
            Command::DeleteVersion {
                id: version_id(SUB, RG, "g000", "i00", "9.9.9"),
            },
            "Microsoft.Compute/galleries/images/versions/g000/i00/9.9.9",
        ),
    ];
    for (command, named) in cases {
        let e = run(&mut w, command).unwrap_err();
        assert_eq!(e.code(), Code::ResourceNotFound);
        assert_eq!(e.http_status(), 404);
        assert_eq!(
            e.first_error().unwrap().message,
            format!("The Resource '{named}' under resource group '{RG}' was not found.")
        );
    }
}

/// A region's additional replica sets are replicas too: the cost bills them with the region's
/// own (3 replicas here: 1 + a set of 2), and the replica limit counts them.
#[test]
fn additional_replica_sets_count_toward_cost() {
    let mut w = testing::world_with(1, 1, 0);
    let mut body = testing::version_body();
    let pp = body
        .properties
        .as_mut()
        .and_then(|p| p.publishing_profile.as_mut())
        .unwrap();
    pp.target_regions = Some(vec![serde_json::from_value(json!({
        "name": "westus", "regionalReplicaCount": 1,
        "additionalReplicaSets": [{"storageAccountType": "PremiumV2_LRS", "regionalReplicaCount": 2}]
    }))
    .unwrap()]);
    let id = version_id(
        SUB,
        RG,
        &testing::gallery_name(0),
        &testing::image_name(0),
        "1.0.0",
    );
    apply(
        &mut w,
        &Actor::system(),
        Command::CreateVersion { id, resource: body },
        FIXTURE_NOW,
    )
    .unwrap();
    let e = sig_core::cost::estimate(&w, &sig_core::cost::PriceTable::default());
    assert_eq!(e.lines.len(), 1);
    assert_eq!(e.lines[0].replicas, 3);
    assert_eq!(e.managed_disks, 3, "one OS disk per replica");
}

/// The seed's cost practice on a state: the older of two versions, replicated to a second
/// region, would cost less kept in its source region; the advice says how much. With one
/// version there is nothing to advise.
#[test]
fn cost_advises_keeping_older_versions_in_fewer_regions() {
    let mut w = testing::world_with(1, 1, 0);
    let two_regions = || {
        let mut body = testing::version_body();
        body.properties
            .as_mut()
            .and_then(|p| p.publishing_profile.as_mut())
            .unwrap()
            .target_regions = Some(vec![
            serde_json::from_value(json!({"name": "westus"})).unwrap(),
            serde_json::from_value(json!({"name": "eastus"})).unwrap(),
        ]);
        body
    };
    let (g, i) = (testing::gallery_name(0), testing::image_name(0));
    let prices = sig_core::cost::PriceTable::default();
    for (n, v) in ["1.0.0", "1.1.0"].into_iter().enumerate() {
        let id = version_id(SUB, RG, &g, &i, v);
        apply(
            &mut w,
            &Actor::system(),
            Command::CreateVersion {
                id,
                resource: two_regions(),
            },
            FIXTURE_NOW,
        )
        .unwrap();
        let e = sig_core::cost::estimate(&w, &prices);
        if n == 0 {
            assert!(e.advice.is_empty(), "one version: {:?}", e.advice);
            continue;
        }
        let older_eastus = e
            .lines
            .iter()
            .find(|l| l.version_id.ends_with("/1.0.0") && l.region == "eastus")
            .unwrap()
            .storage_monthly;
        assert_eq!(e.advice.len(), 1);
        assert!(
            e.advice[0].message.contains("1 older version(s)"),
            "{}",
            e.advice[0].message
        );
        assert!(
            e.advice[0].message.contains(&format!("{older_eastus:.2}")),
            "{}",
            e.advice[0].message
        );
    }
}

#[test]
fn the_price_table_is_set_through_a_command_checked_and_kept_in_the_export() {
    let mut w = testing::base_world();
    let mut table = sig_core::cost::PriceTable {
        egress_per_gb: 0.05,
        ..Default::default()
    };
    let events = run(
        &mut w,
        Command::SetPriceTable {
            prices: Some(table.clone()),
        },
    )
    .unwrap();
    assert_eq!(events[0].kind, EventKind::Updated);
    assert_eq!(w.price_table(), Some(&table));
    let back: World = serde_json::from_value(snapshot(&w)).unwrap();
    assert_eq!(back.price_table(), Some(&table), "the export carries it");

    // A refused table changes nothing, and the error names the field.
    table.premium_lrs_monthly[3] = -1.0;
    let refused = run(
        &mut w,
        Command::SetPriceTable {
            prices: Some(table.clone()),
        },
    )
    .unwrap_err();
    let first = refused.first_error().unwrap();
    assert_eq!(first.code, Code::InvalidPriceTable);
    assert_eq!(first.path, "priceTable.premiumLrsMonthly");
    assert_eq!(w.price_table().unwrap().premium_lrs_monthly[3], 38.01);

    // A file with a bad table is refused on load like the command.
    let mut doc = snapshot(&w);
    doc["priceTable"]["egressPerGb"] = json!(-2);
    let err = serde_json::from_value::<World>(doc)
        .unwrap_err()
        .to_string();
    assert!(err.contains("egressPerGb"), "{err}");

    // Back to the defaults: nothing is written.
    run(&mut w, Command::SetPriceTable { prices: None }).unwrap();
    assert_eq!(w.price_table(), None);
    assert!(snapshot(&w).get("priceTable").is_none());
}

/// Far-future dates stay correct: an end of life on the last day of year 9999 is in the future,
/// the version is `latest`, and at a simulation time in year 9999 its replication is complete —
/// no overflow, no wrapped date.
#[test]
fn far_future_dates_stay_correct() {
    let mut w = testing::base_world();
    gallery(&mut w, "far");
    image(&mut w, "far", "img", "sku").expect("definition");
    let mut body = testing::version_body();
    body.properties
        .as_mut()
        .and_then(|p| p.publishing_profile.as_mut())
        .expect("publishing profile")
        .end_of_life_date = Some("9999-12-31T00:00:00Z".into());
    version(&mut w, "far", "img", "1.0.0", body)
        .expect("an end of life in year 9999 is in the future");
    let chosen = sig_core::latest::resolve_latest(&w, &image_id(SUB, RG, "far", "img"), None)
        .expect("latest resolves")
        .chosen;
    assert!(chosen.ends_with("/versions/1.0.0"), "{chosen}");
    let late = time::macros::datetime!(9999-12-30 23:00 UTC);
    let v = w
        .version(&version_id(SUB, RG, "far", "img", "1.0.0"))
        .expect("the version");
    let status = sig_core::replication::version_status(&w, v, late);
    assert!(!status.is_empty());
    for region in status {
        assert_eq!(region.progress, 100, "{:?}", region.region);
        assert!(region.completes_at.is_some_and(|t| t <= late));
    }
    let deleted = run(
        &mut w,
        Command::DeleteVersion {
            id: version_id(SUB, RG, "far", "img", "1.0.0"),
        },
    );
    assert!(deleted.is_ok(), "and it can still be deleted");
}

#[test]
fn an_empty_name_is_refused_for_the_name_before_authorization() {
    let w = testing::world_with(1, 1, 0);
    let image = w.images().next().unwrap().id.to_string();
    // Someone with no role at all: a well-formed id is refused for authorization,
    // a malformed one for its name (as ARM rejects a bad URL before RBAC is asked).
    let nobody = Actor::new("nobody@contoso.com");
    let create = |name: &str| Command::CreateVersion {
        id: format!("{image}/versions/{name}"),
        resource: testing::version_body(),
    };
    // A name that is there but invalid ("1.0") reaches the RP only after RBAC, as in Azure.
    {
        let name = "";
        let refused = apply(&mut w.clone(), &nobody, create(name), FIXTURE_NOW).unwrap_err();
        assert_ne!(refused.code(), Code::AuthorizationFailed, "{name:?}");
        let previewed = sig_core::command::check(&w, &nobody, &create(name), FIXTURE_NOW)
            .unwrap()
            .unwrap_err();
        assert_eq!(previewed.code(), refused.code(), "{name:?}");
        assert!(
            refused
                .diagnostics
                .iter()
                .any(|d| d.path == "name" && d.message.starts_with("Enter a version number")),
            "{name:?}: {:?}",
            refused.diagnostics
        );
    }
    let refused = apply(&mut w.clone(), &nobody, create("1.0.0"), FIXTURE_NOW).unwrap_err();
    assert_eq!(refused.code(), Code::AuthorizationFailed);
}

#[test]
fn the_activity_log_travels_in_the_export_and_a_bad_record_is_refused_on_load() {
    use sig_core::activity::ActivityRecord;
    let mut w = testing::base_world();
    let refused = apply(
        &mut w.clone(),
        &Actor::new("nobody@contoso.com"),
        Command::CreateGallery {
            id: gallery_id(SUB, RG, "g"),
            resource: testing::gallery_body(),
        },
        FIXTURE_NOW,
    )
    .unwrap_err();
    w.record_activity(ActivityRecord::new(
        "tab1-1".into(),
        FIXTURE_NOW,
        "nobody@contoso.com",
        "CreateGallery",
        &gallery_id(SUB, RG, "g"),
        false,
        refused.to_string(),
    ));
    let doc = snapshot(&w);
    assert_eq!(doc["activityLog"][0]["status"]["value"], "Failed");
    assert_eq!(doc["activityLog"][0]["caller"], "nobody@contoso.com");
    let back: World = serde_json::from_value(doc.clone()).unwrap();
    assert_eq!(back.activity(), w.activity());

    let mut bad = doc;
    bad["activityLog"][0]["eventTimestamp"] = json!("last week");
    let err = serde_json::from_value::<World>(bad)
        .unwrap_err()
        .to_string();
    assert!(err.contains("activityLog[0].eventTimestamp"), "{err}");
}

#[test]
fn a_gallery_cannot_move_to_another_resource_group_or_subscription() {
    let mut w = testing::world_with(1, 1, 1);
    let gallery = w.galleries().next().unwrap().id.to_string();
    let version = w.versions().next().unwrap().id.to_string();
    let source_group = format!("/subscriptions/{SUB}/resourceGroups/{RG}");
    let target =
        "/subscriptions/00000000-0000-0000-0000-000000000002/resourceGroups/elsewhere".to_string();
    let before = snapshot(&w);
    let moving = |resources: Vec<String>| Command::MoveResources {
        source_group: source_group.clone(),
        resources,
        target_resource_group: target.clone(),
    };
    // (what is moved, the code of each refusal)
    let cases = [
        (vec![gallery.clone()], vec![Code::ResourceMoveNotSupported]),
        (vec![version.clone()], vec![Code::ResourceMoveNotSupported]),
        (
            vec![
                gallery.clone(),
                format!("{source_group}/providers/Microsoft.Compute/galleries/nope"),
            ],
            vec![Code::ResourceMoveNotSupported, Code::ResourceNotFound],
        ),
        (vec![], vec![Code::InvalidParameter]),
    ];
    for (resources, codes) in cases {
        let refused = run(&mut w, moving(resources.clone())).unwrap_err();
        let got: Vec<Code> = refused.diagnostics.iter().map(|d| d.code).collect();
        assert_eq!(got, codes, "{resources:?}");
        // The preview says the same, before anything is sent.
        let previewed = sig_core::command::check(
            &w,
            &Actor::system(),
            &moving(resources.clone()),
            FIXTURE_NOW,
        );
        assert_eq!(previewed.unwrap().unwrap_err(), refused);
    }
    let refused = run(&mut w, moving(vec![gallery.clone()])).unwrap_err();
    assert_eq!(refused.diagnostics[0].path, "resources[0]");
    assert!(refused.diagnostics[0]
        .message
        .contains("You can't move a gallery resource to another resource group or subscription"));
    assert_eq!(snapshot(&w), before, "nothing moved");
    // Someone without rights on the group is refused for that first, as ARM does.
    let nobody = apply(
        &mut w,
        &Actor::new("nobody@contoso.com"),
        moving(vec![gallery]),
        FIXTURE_NOW,
    );
    assert_eq!(nobody.unwrap_err().code(), Code::AuthorizationFailed);
}

/// `apply_setup` is `apply` for the commands that set up a world (what the portal's first
/// visit runs before the rules of gallery resources are downloaded): the same world and
/// events, the same refusals, and every other command refused.
#[test]
fn setup_commands_apply_alike_and_others_are_refused() {
    use sig_core::apply_setup;
    use sig_core::protocol::requests::{NewRoleAssignment, NewUser};
    let tenant = "8f3b6a52-7c1d-4e0a-9b6f-2d5c1e4a7b90";
    let sub = "2b7e1c4d-9a3f-4b8e-8c2d-5f6a7b8c9d0e";
    let system = Actor::system();
    let user = Actor::new("admin@contoso.onmicrosoft.com");
    let steps = vec![
        (
            &system,
            Command::CreateTenant {
                id: tenant.into(),
                display_name: "Contoso".into(),
            },
        ),
        (
            &system,
            Command::CreateUser(NewUser {
                tenant_id: tenant.into(),
                user_principal_name: "admin@contoso.onmicrosoft.com".into(),
                display_name: "Contoso Admin".into(),
                id: None,
            }),
        ),
        (
            &user,
            Command::CreateSubscription {
                id: sub.into(),
                tenant_id: tenant.into(),
                display_name: "Contoso Images".into(),
                allow_listed_regions: false,
            },
        ),
        (
            &user,
            Command::CreateResourceGroup {
                subscription_id: sub.into(),
                name: "rg-images".into(),
                location: "eastus".into(),
            },
        ),
        // Refused alike: the group exists, the region is unknown.
        (
            &user,
            Command::CreateResourceGroup {
                subscription_id: sub.into(),
                name: "rg-images".into(),
                location: "eastus".into(),
            },
        ),
        (
            &user,
            Command::CreateResourceGroup {
                subscription_id: sub.into(),
                name: "rg-nowhere".into(),
                location: "atlantis".into(),
            },
        ),
        (
            &system,
            Command::CreateRoleAssignment(NewRoleAssignment {
                scope: format!("/subscriptions/{sub}/resourceGroups/rg-images"),
                role_definition_id: "Reader".into(),
                principal_id: "admin@contoso.onmicrosoft.com".into(),
                name: None,
            }),
        ),
    ];
    let (mut applied, mut set_up) = (World::new(), World::new());
    for (actor, command) in steps {
        let by_apply = apply(&mut applied, actor, command.clone(), FIXTURE_NOW);
        let by_setup = apply_setup(&mut set_up, actor, command, FIXTURE_NOW);
        assert_eq!(
            format!("{by_setup:?}"),
            format!("{by_apply:?}"),
            "the same events or refusal"
        );
    }
    assert_eq!(snapshot(&set_up), snapshot(&applied));
    assert!(set_up.resource_groups().count() == 1);

    let g = Command::CreateGallery {
        id: gallery_id(sub, "rg-images", "gallery"),
        resource: serde_json::from_value(json!({ "location": "eastus" })).unwrap(),
    };
    let refused = apply_setup(&mut set_up, &user, g.clone(), FIXTURE_NOW).unwrap_err();
    assert_eq!(refused.diagnostics[0].code, Code::InvalidParameter);
    assert_eq!(snapshot(&set_up), snapshot(&applied), "nothing changed");
    assert!(
        apply(&mut applied, &user, g, FIXTURE_NOW).is_ok(),
        "apply creates it"
    );
}
