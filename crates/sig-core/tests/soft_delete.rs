//! Soft delete as whole flows through `apply`: a deleted version is kept for 7 days on the
//! simulation clock, restored with `restore: true` (replicating again) or purged, blocks its
//! parents' deletion meanwhile, travels in the export, and is gone after its retention.

use serde_json::json;
use sig_core::command::{gallery_id, image_id, version_id};
use sig_core::latest::resolve_latest;
use sig_core::testing::example::{contoso_fabrikam, ADMIN, CONTOSO_SUB};
use sig_core::testing::FIXTURE_NOW;
use sig_core::{apply, arm, Actor, Code, Command, CommandError, Event, World};
use time::{Duration, OffsetDateTime};

const RG: &str = "rg-images";

fn gallery() -> String {
    gallery_id(CONTOSO_SUB, RG, "ContosoImages")
}
fn v(name: &str) -> String {
    version_id(CONTOSO_SUB, RG, "ContosoImages", "ubuntu-22", name)
}
fn day(n: i64) -> OffsetDateTime {
    FIXTURE_NOW + Duration::days(n)
}

fn run(w: &mut World, at: OffsetDateTime, c: Command) -> Result<Vec<Event>, CommandError> {
    apply(w, &Actor::new(ADMIN), c, at)
}

fn soft_delete_on(w: &mut World, on: bool) -> Result<Vec<Event>, CommandError> {
    let body: arm::Gallery = serde_json::from_value(json!({"location": "westus",
        "properties": {"softDeletePolicy": {"isSoftDeleteEnabled": on}}}))
    .unwrap();
    run(
        w,
        day(1),
        Command::UpdateGallery {
            id: gallery(),
            resource: body,
        },
    )
}

fn delete(w: &mut World, at: OffsetDateTime, name: &str) -> Result<Vec<Event>, CommandError> {
    run(w, at, Command::DeleteVersion { id: v(name) })
}

#[test]
fn a_deleted_version_is_kept_seven_days_restored_with_restore_true_and_replicates_again() {
    let mut w = contoso_fabrikam();
    soft_delete_on(&mut w, true).expect("enabled");
    let events = delete(&mut w, day(2), "1.1.0").expect("soft-deleted");
    assert_eq!(events[0].warnings[0].code, Code::SoftDeleted);
    assert!(
        events[0].warnings[0]
            .message
            .contains("2020-06-10T12:00:00Z"),
        "{}",
        events[0].warnings[0].message
    );
    // Gone from the definition: latest is 1.0.0 again.
    assert!(w.version(&v("1.1.0")).is_none());
    let ubuntu = image_id(CONTOSO_SUB, RG, "ContosoImages", "ubuntu-22");
    assert!(resolve_latest(&w, &ubuntu, None)
        .unwrap()
        .chosen
        .ends_with("/1.0.0"));
    let listed: Vec<_> = w
        .soft_deleted_at(None, day(3))
        .map(|s| s.entry.name.to_string())
        .collect();
    assert_eq!(listed, ["1.1.0"]);
    // Billed while kept: one replica per region, no new egress.
    let est = sig_core::cost::estimate(&w, &sig_core::prices::PriceTable::default());
    let kept: Vec<_> = est.lines.iter().filter(|l| l.soft_deleted).collect();
    assert!(!kept.is_empty());
    assert!(kept
        .iter()
        .all(|l| l.version_id == v("1.1.0") && l.replicas == 1 && l.egress_one_time == 0.0));
    // Its name is taken while it is kept; its parents can't be deleted.
    let body = w
        .soft_deleted_version(&v("1.1.0"))
        .unwrap()
        .entry
        .resource()
        .clone();
    let e = run(
        &mut w,
        day(3),
        Command::CreateVersion {
            id: v("1.1.0"),
            resource: body,
        },
    )
    .unwrap_err();
    assert_eq!(
        (e.code(), e.diagnostics[0].path.as_str()),
        (Code::SoftDeleteNotAllowed, "name")
    );
    delete(&mut w, day(3), "1.0.0").unwrap();
    let e = run(&mut w, day(3), Command::DeleteImage { id: ubuntu.clone() }).unwrap_err();
    assert_eq!(e.code(), Code::CannotDeleteResource);
    assert!(
        e.diagnostics[0].message.contains("soft-deleted"),
        "{}",
        e.diagnostics[0].message
    );
    // Restore as Azure's PATCH example does: `restore: true`, with an empty storage profile.
    let restore: arm::GalleryImageVersion =
        serde_json::from_value(json!({"properties": {"restore": true, "storageProfile": {}}}))
            .unwrap();
    run(
        &mut w,
        day(4),
        Command::UpdateVersion {
            id: v("1.1.0"),
            resource: restore,
        },
    )
    .expect("restored");
    let back = w.version(&v("1.1.0")).expect("back");
    let status = sig_core::replication::region_status(
        &w,
        back,
        sig_core::regions::RegionName::new("westus").unwrap(),
        day(4),
    );
    assert_ne!(
        status.map(|s| s.state),
        Some(sig_core::replication::RegionState::Completed),
        "replicates again"
    );
    // Restoring what is not kept says so.
    let e = run(&mut w, day(4), Command::RestoreVersion { id: v("1.1.0") }).unwrap_err();
    assert_eq!(e.code(), Code::ResourceNotFound);
    // 1.0.0 passes its retention: restore refused, and the definition's delete no longer blocked by it.
    let e = run(&mut w, day(10), Command::RestoreVersion { id: v("1.0.0") }).unwrap_err();
    assert_eq!(e.code(), Code::ResourceNotFound);
    assert_eq!(w.soft_deleted_at(None, day(10)).count(), 0);
}

#[test]
fn purge_or_turning_soft_delete_off_deletes_for_good() {
    let mut w = contoso_fabrikam();
    soft_delete_on(&mut w, true).unwrap();
    delete(&mut w, day(2), "1.0.0").unwrap();
    delete(&mut w, day(2), "1.1.0").unwrap();
    run(
        &mut w,
        day(2),
        Command::PurgeSoftDeletedVersion { id: v("1.0.0") },
    )
    .expect("purged");
    assert_eq!(w.soft_deleted_at(None, day(2)).count(), 1);
    let events = soft_delete_on(&mut w, false).expect("off");
    // Turning it off deletes what it kept, and says so.
    assert!(events
        .iter()
        .any(|e| e.kind == sig_core::EventKind::Deleted && e.id == v("1.1.0")));
    assert_eq!(w.soft_deleted_at(None, day(2)).count(), 0);
    let ubuntu = image_id(CONTOSO_SUB, RG, "ContosoImages", "ubuntu-22");
    run(&mut w, day(2), Command::DeleteImage { id: ubuntu }).expect("nothing keeps it now");
}

#[test]
fn soft_delete_needs_one_location_the_sharing_admin_and_travels_in_the_export() {
    let mut w = contoso_fabrikam();
    // Alice publishes but may not enable it (Owner or Compute Gallery Sharing Admin only).
    let body: arm::Gallery = serde_json::from_value(json!({"location": "westus",
        "properties": {"softDeletePolicy": {"isSoftDeleteEnabled": true}}}))
    .unwrap();
    let e = apply(
        &mut w,
        &Actor::new("alice@contoso.onmicrosoft.com"),
        Command::UpdateGallery {
            id: gallery(),
            resource: body,
        },
        day(1),
    )
    .unwrap_err();
    assert_eq!(e.code(), Code::AuthorizationFailed);
    soft_delete_on(&mut w, true).unwrap();
    // A definition elsewhere is refused while it is on.
    let mut image: arm::GalleryImage = serde_json::from_value(json!({"location": "eastus", "properties": {
        "osType": "Linux", "osState": "Generalized", "identifier": {"publisher": "p", "offer": "o", "sku": "east"}}})).unwrap();
    let e = run(
        &mut w,
        day(1),
        Command::CreateImage {
            id: image_id(CONTOSO_SUB, RG, "ContosoImages", "east"),
            resource: image.clone(),
        },
    )
    .unwrap_err();
    assert_eq!(
        (e.code(), e.diagnostics[0].path.as_str()),
        (Code::SoftDeleteNotAllowed, "location")
    );
    // …and it can't be turned on while one is there.
    soft_delete_on(&mut w, false).unwrap();
    image.location = Some("eastus".into());
    run(
        &mut w,
        day(1),
        Command::CreateImage {
            id: image_id(CONTOSO_SUB, RG, "ContosoImages", "east"),
            resource: image,
        },
    )
    .unwrap();
    assert_eq!(
        soft_delete_on(&mut w, true).unwrap_err().code(),
        Code::SoftDeleteNotAllowed
    );
    run(
        &mut w,
        day(1),
        Command::DeleteImage {
            id: image_id(CONTOSO_SUB, RG, "ContosoImages", "east"),
        },
    )
    .unwrap();
    soft_delete_on(&mut w, true).unwrap();
    delete(&mut w, day(2), "1.1.0").unwrap();

    // The export lists it as Azure does, with its body; it loads back, and a bad time is named.
    let text = serde_json::to_string(&w).unwrap();
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    let listed = &value["softDeletedVersions"][0];
    assert_eq!(
        listed["type"],
        "Microsoft.Compute/galleries/softDeletedArtifactTypes/artifacts/versions"
    );
    assert!(listed["id"].as_str().unwrap().ends_with(
        "/ContosoImages/softDeletedArtifactTypes/Images/artifacts/ubuntu-22/versions/1.1.0"
    ));
    assert_eq!(
        listed["properties"]["softDeletedTime"],
        "2020-06-03T12:00:00Z"
    );
    assert_eq!(listed["properties"]["resourceArmId"], v("1.1.0").as_str());
    let back: World = serde_json::from_str(&text).expect("loads");
    assert_eq!(back.soft_deleted_at(None, day(3)).count(), 1);
    assert!(back.version(&v("1.1.0")).is_none());
    let mut bad = value.clone();
    bad["softDeletedVersions"][0]["properties"]["softDeletedTime"] = json!("yesterday");
    let err = serde_json::from_value::<World>(bad)
        .unwrap_err()
        .to_string();
    assert!(err.contains("softDeletedTime"), "{err}");
    // A version kept in a gallery without soft delete is refused on load.
    let mut off = value;
    let g = off["galleries"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|g| {
            g["id"]
                .as_str()
                .is_some_and(|i| i.ends_with("/ContosoImages"))
        })
        .unwrap();
    g["properties"]["softDeletePolicy"]["isSoftDeleteEnabled"] = json!(false);
    let err = serde_json::from_value::<World>(off)
        .unwrap_err()
        .to_string();
    assert!(err.contains("soft delete is off"), "{err}");
}

#[test]
fn a_restored_version_must_still_fit_its_gallery() {
    // Encrypted in a private gallery, soft-deleted, the gallery then shared: restoring it would
    // put an encrypted version in a shared gallery, so it is refused.
    let mut w = contoso_fabrikam();
    soft_delete_on(&mut w, true).unwrap();
    let current = w.version(&v("1.1.0")).unwrap().resource().clone();
    let mut encrypted = serde_json::to_value(&current).unwrap();
    encrypted["properties"]["publishingProfile"]["targetRegions"][0]["encryption"] = json!({"osDiskImage": {
        "diskEncryptionSetId": format!("/subscriptions/{CONTOSO_SUB}/resourceGroups/{RG}/providers/Microsoft.Compute/diskEncryptionSets/des-westus")}});
    run(
        &mut w,
        day(1),
        Command::UpdateVersion {
            id: v("1.1.0"),
            resource: serde_json::from_value(encrypted).unwrap(),
        },
    )
    .expect("encrypted");
    delete(&mut w, day(2), "1.1.0").unwrap();
    let shared: arm::Gallery = serde_json::from_value(json!({"location": "westus",
        "properties": {"sharingProfile": {"permissions": "Groups"}, "softDeletePolicy": {"isSoftDeleteEnabled": true}}})).unwrap();
    run(
        &mut w,
        day(2),
        Command::UpdateGallery {
            id: gallery(),
            resource: shared,
        },
    )
    .expect("shared: no live encrypted version");
    let e = run(&mut w, day(3), Command::RestoreVersion { id: v("1.1.0") }).unwrap_err();
    assert_eq!(e.code(), Code::SharedGalleryContentInvalid);
}

#[test]
fn the_cost_estimate_in_steps_is_the_whole_estimate() {
    // Enough versions that a step asked to stop stops part-way, and a soft-deleted one: the
    // portal's Cost blade estimates in steps between frames and must show what `sig cost` does.
    let mut w = contoso_fabrikam();
    soft_delete_on(&mut w, true).expect("enabled");
    let body = w.version(&v("1.1.0")).unwrap().resource().clone();
    delete(&mut w, day(2), "1.1.0").expect("soft-deleted");
    for n in 0..150 {
        let mut body = body.clone();
        body.id = None;
        body.name = None;
        // Older versions replicated widely: the advice has something to save.
        let profile = body.properties.as_mut().unwrap();
        let targets = profile.publishing_profile.as_mut().unwrap();
        targets
            .target_regions
            .get_or_insert_with(Vec::new)
            .push(arm::TargetRegion {
                name: Some("eastus".into()),
                regional_replica_count: Some(2),
                ..Default::default()
            });
        run(
            &mut w,
            day(2),
            Command::CreateVersion {
                id: v(&format!("2.0.{n}")),
                resource: body,
            },
        )
        .expect("created");
    }
    let prices = sig_core::prices::PriceTable::default();
    let whole = sig_core::cost::estimate(&w, &prices);
    assert!(whole.lines.iter().any(|l| l.soft_deleted));
    assert!(!whole.advice.is_empty());
    let mut stepping = sig_core::cost::Estimating::new(&w, prices);
    let (_, total) = stepping.progress();
    let mut steps = 1;
    while !stepping.step(&w, &mut || false) {
        let (done, of) = stepping.progress();
        assert!(done < of && of == total, "{done} of {of}");
        steps += 1;
    }
    assert!(steps >= 3, "{steps} steps");
    assert_eq!(stepping.progress(), (total, total));
    assert_eq!(stepping.finish(), whole);
}
