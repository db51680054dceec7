//! Replication, target-region updates, `latest` across regions, deployment checks and cost,
//! all driven through `apply` on a fixture world.

use serde_json::json;
use sig_core::arm;
use sig_core::command::{gallery_id, image_id, version_id};
use sig_core::cost::{estimate, tier_index, PriceTable};
use sig_core::deploy::{check_deployment, DeploymentRequest};
use sig_core::latest::resolve_latest_at;
use sig_core::replication::{
    aggregate, duration_secs, replication_status, version_status, world_summary, AggregatedState,
    RegionState,
};
use sig_core::sources::{Source, SourceDisk, SourceKind};
use sig_core::target_regions::{format_targets, parse_entries};
use sig_core::testing::{self, FIXTURE_NOW, RESOURCE_GROUP as RG, SUBSCRIPTION as SUB};
use sig_core::{apply, Actor, Code, Command, CommandError, Event, World};
use time::{Duration, OffsetDateTime};

const T0: OffsetDateTime = FIXTURE_NOW;

fn at(secs: i64) -> OffsetDateTime {
    T0 + Duration::seconds(secs)
}

fn run(w: &mut World, c: Command, t: OffsetDateTime) -> Result<Vec<Event>, CommandError> {
    apply(w, &Actor::system(), c, t)
}

fn version_body(targets: serde_json::Value) -> arm::GalleryImageVersion {
    let mut v = testing::version_body();
    let pp = v
        .properties
        .as_mut()
        .and_then(|p| p.publishing_profile.as_mut())
        .expect("fixture has a publishing profile");
    pp.target_regions = Some(serde_json::from_value(targets).expect("targets"));
    v
}

/// A gallery `g` with definition `i` (Linux, generalized unless `specialized`) in westus.
fn world(specialized: bool) -> World {
    let mut w = testing::base_world();
    run(
        &mut w,
        Command::CreateGallery {
            id: gallery_id(SUB, RG, "g"),
            resource: testing::gallery_body(),
        },
        T0,
    )
    .unwrap();
    let mut img = testing::image_body(0, 0);
    if specialized {
        img.properties.as_mut().unwrap().os_state = Some("Specialized".into());
        let src = Source {
            id: format!("/subscriptions/{SUB}/resourceGroups/{RG}/providers/Microsoft.Compute/virtualMachines/vm"),
            kind: SourceKind::VirtualMachine,
            location: sig_core::regions::RegionName::new("westus").unwrap(),
            os_type: Some(sig_core::kinds::OsType::Linux),
            os_state: Some(sig_core::kinds::OsState::Specialized),
            hyper_v_generation: None,
            os_disk_size_gb: Some(30),
            data_disks: vec![],
            storage_account_id: None,
        };
        run(&mut w, Command::CreateSource(src), T0).unwrap();
    }
    run(
        &mut w,
        Command::CreateImage {
            id: image_id(SUB, RG, "g", "i"),
            resource: img,
        },
        T0,
    )
    .unwrap();
    w
}

fn create(w: &mut World, v: &str, targets: serde_json::Value, t: OffsetDateTime) -> String {
    create_from(w, v, version_body(targets), t).0
}

/// Creates version `v` of `g/i` from `body`; its id and the events.
fn create_from(
    w: &mut World,
    v: &str,
    body: arm::GalleryImageVersion,
    t: OffsetDateTime,
) -> (String, Vec<Event>) {
    let id = version_id(SUB, RG, "g", "i", v);
    let events = run(
        w,
        Command::CreateVersion {
            id: id.clone(),
            resource: body,
        },
        t,
    )
    .unwrap();
    (id, events)
}

fn update(
    w: &mut World,
    id: &str,
    body: serde_json::Value,
    t: OffsetDateTime,
) -> Result<Vec<Event>, CommandError> {
    run(
        w,
        Command::UpdateVersion {
            id: id.to_string(),
            resource: serde_json::from_value(body).unwrap(),
        },
        t,
    )
}

fn states(w: &World, id: &str, t: OffsetDateTime) -> Vec<(String, RegionState, u8)> {
    let v = w.version(id).unwrap();
    version_status(w, v, t)
        .into_iter()
        .map(|s| (s.region.as_str().to_string(), s.state, s.progress))
        .collect()
}

const THREE: fn() -> serde_json::Value = || json!([{"name": "westus"}, {"name": "eastus", "regionalReplicaCount": 2}, {"name": "westeurope"}]);

#[test]
fn duration_is_the_documented_formula() {
    // 30 GiB, 6,000 km, 3 regions, 1 replica: 120 + 30*9000/1000*6/4 = 120 + 405.
    assert_eq!(duration_secs(30, 3, 1, 6000), 525);
    // Source region, alone: 120 + 90 * 4/4.
    assert_eq!(duration_secs(30, 1, 1, 0), 210);
    // Extra replicas: +1 s/GB each.
    assert_eq!(duration_secs(30, 1, 3, 0), 270);
    // Farther, bigger, more regions: never shorter.
    assert!(duration_secs(1024, 3, 1, 6000) > 3 * 3600);
    assert!(duration_secs(30, 3, 1, 7000) > duration_secs(30, 3, 1, 6000));
    assert!(duration_secs(30, 4, 1, 6000) > duration_secs(30, 3, 1, 6000));
}

#[test]
fn regions_go_unknown_replicating_completed() {
    let mut w = world(false);
    let id = create(&mut w, "1.0.0", THREE(), T0);
    let before = states(&w, &id, at(-1));
    assert!(before.iter().all(|s| s.1 == RegionState::Unknown));
    let start = states(&w, &id, T0);
    assert!(
        start
            .iter()
            .all(|s| s.1 == RegionState::Replicating && s.2 == 0),
        "{start:?}"
    );
    // The source region (distance 0) finishes first; farther regions later.
    let v = w.version(&id).unwrap();
    let ends: Vec<OffsetDateTime> = version_status(&w, v, T0)
        .iter()
        .map(|s| s.completes_at.unwrap())
        .collect();
    assert!(ends[0] < ends[1] && ends[1] < ends[2], "{ends:?}");
    let mid = states(&w, &id, ends[0]);
    assert_eq!(mid[0].1, RegionState::Completed);
    assert_eq!(mid[1].1, RegionState::Replicating);
    assert!(mid[1].2 > 0 && mid[1].2 < 100);
    let agg = |t| aggregate(states(&w, &id, t).into_iter().map(|s| s.1));
    assert_eq!(agg(at(-1)), AggregatedState::Unknown);
    assert_eq!(agg(ends[0]), AggregatedState::InProgress);
    assert_eq!(agg(ends[2]), AggregatedState::Completed);
    assert_eq!(
        world_summary(&w, ends[2]).get(&AggregatedState::Completed),
        Some(&1)
    );

    // Azure's $expand=ReplicationStatus shape.
    let st = replication_status(&w, v, ends[1]);
    let j = arm::to_value(&st);
    assert_eq!(j["aggregatedState"], "InProgress");
    assert_eq!(
        j["summary"][0],
        json!({"region": "West US", "state": "Completed", "details": "", "progress": 100})
    );
    assert_eq!(j["summary"][2]["state"], "Replicating");
    assert!(j["summary"][2]["details"]
        .as_str()
        .unwrap()
        .starts_with("Expected to complete at "));
}

#[test]
fn faults_fail_a_region_and_retry_resumes_where_it_stopped() {
    let mut w = world(false);
    let id = create(&mut w, "1.0.0", THREE(), T0);
    let fault = |r: &str| Command::InjectReplicationFault {
        version_id: id.clone(),
        region: r.into(),
    };
    let retry = |r: &str| Command::RetryReplication {
        version_id: id.clone(),
        region: r.into(),
    };
    // Retry before a fault: refused.
    assert_eq!(
        run(&mut w, retry("West Europe"), at(10))
            .unwrap_err()
            .code(),
        Code::ReplicationStateInvalid
    );
    let p_before = states(&w, &id, at(200))[2].2;
    run(&mut w, fault("West Europe"), at(200)).unwrap();
    let failed = states(&w, &id, at(5000));
    assert_eq!(failed[2].1, RegionState::Failed);
    assert_eq!(failed[2].2, p_before, "progress frozen at the fault");
    assert_eq!(
        aggregate(failed.iter().map(|s| s.1)),
        AggregatedState::Failed
    );
    // A second fault on a failed region, or one in an untargeted region: refused.
    assert_eq!(
        run(&mut w, fault("westeurope"), at(300))
            .unwrap_err()
            .code(),
        Code::ReplicationStateInvalid
    );
    assert_eq!(
        run(&mut w, fault("japaneast"), at(300)).unwrap_err().code(),
        Code::InvalidParameter
    );
    assert_eq!(
        run(&mut w, fault("nowhere"), at(300)).unwrap_err().code(),
        Code::LocationNotAvailableForResourceType
    );
    // Retry an hour later: progress resumes from where it was.
    run(&mut w, retry("westeurope"), at(3800)).unwrap();
    let resumed = states(&w, &id, at(3800));
    assert_eq!(
        (resumed[2].1, resumed[2].2),
        (RegionState::Replicating, p_before)
    );
    let v = w.version(&id).unwrap();
    let st = arm::to_value(&replication_status(&w, v, at(3801)));
    assert!(st["summary"][2]["details"]
        .as_str()
        .unwrap()
        .starts_with("Retried 1 time(s)"));
    assert_eq!(states(&w, &id, at(100_000))[2].1, RegionState::Completed);
    // A completed region cannot fail any more.
    assert_eq!(
        run(&mut w, fault("westus"), at(100_000))
            .unwrap_err()
            .code(),
        Code::ReplicationStateInvalid
    );
}

#[test]
fn target_region_updates_add_remove_and_keep_immutables() {
    let mut w = world(false);
    let id = create(&mut w, "1.0.0", THREE(), T0);
    let done = at(100_000);
    // Add japaneast, drop westeurope, raise eastus' replica count: the new region starts now,
    // and eastus replicates its added replica (issue 16: replication follows changes).
    update(&mut w, &id, json!({"properties": {"publishingProfile": {"targetRegions": [
        {"name": "westus"}, {"name": "eastus", "regionalReplicaCount": 3}, {"name": "japaneast"}]}}}), done).unwrap();
    let s = states(&w, &id, done);
    assert_eq!(
        s.iter().map(|x| x.0.as_str()).collect::<Vec<_>>(),
        ["westus", "eastus", "japaneast"]
    );
    assert_eq!(
        (s[0].1, s[1].1, s[2].1),
        (
            RegionState::Completed,
            RegionState::Replicating,
            RegionState::Replicating
        )
    );
    assert_eq!(w.version(&id).unwrap().targets[1].replicas, 3);
    assert_eq!(
        format_targets(w.version(&id).unwrap()),
        [
            "westus=1=standard_lrs",
            "eastus=3=standard_lrs",
            "japaneast=1=standard_lrs"
        ]
    );
    // The export writes only what is not nominal (eastus's replicas changed after it started,
    // japaneast started later); the import rebuilds westus's and gets the same states.
    let back: World = serde_json::from_value(w.to_export_value()).unwrap();
    assert_eq!(states(&back, &id, done), s);
    let written: Vec<String> = w.to_export_value()["replication"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["versionId"] == id.as_str())
        .map(|r| r["region"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(written, ["eastus", "japaneast"]);
    // Never the source region.
    let e = update(
        &mut w,
        &id,
        json!({"properties": {"publishingProfile": {"targetRegions": [{"name": "eastus"}]}}}),
        done,
    )
    .unwrap_err();
    assert_eq!(e.code(), Code::SourceRegionNotTargeted);
    // Storage type and replication mode stay.
    let e = update(&mut w, &id, json!({"properties": {"publishingProfile": {"targetRegions": [
        {"name": "westus", "storageAccountType": "Premium_LRS"}, {"name": "eastus"}, {"name": "japaneast"}]}}}), done).unwrap_err();
    assert_eq!(e.code(), Code::PropertyChangeNotAllowed);
    let e = update(
        &mut w,
        &id,
        json!({"properties": {"publishingProfile": {"replicationMode": "Shallow"}}}),
        done,
    )
    .unwrap_err();
    assert_eq!(e.code(), Code::PropertyChangeNotAllowed);
    let e = update(
        &mut w,
        &id,
        json!({"properties": {"publishingProfile": {"storageAccountType": "Premium_LRS"}}}),
        done,
    )
    .unwrap_err();
    assert_eq!(e.code(), Code::PropertyChangeNotAllowed);
    // Existing rules still apply to the new list (replica range, ZRS).
    let e = update(
        &mut w,
        &id,
        json!({"properties": {"publishingProfile": {"targetRegions": [
        {"name": "westus"}, {"name": "eastus", "regionalReplicaCount": 11}]}}}),
        done,
    )
    .unwrap_err();
    assert_eq!(e.code(), Code::ReplicaCountOutOfRange);
    // Targets written in the az syntax go through the same rules.
    let parsed =
        parse_entries(&["westus", "eastus=2=standard_zrs", "westeurope=Premium_LRS"]).unwrap();
    let regions: Vec<arm::TargetRegion> = parsed.iter().map(|p| p.to_arm()).collect();
    let id2 = create(
        &mut w,
        "1.0.1",
        serde_json::to_value(&regions).unwrap(),
        done,
    );
    assert_eq!(
        format_targets(w.version(&id2).unwrap()),
        [
            "westus=1=standard_lrs",
            "eastus=2=standard_zrs",
            "westeurope=1=premium_lrs"
        ]
    );
    // Deleting removes the records.
    run(&mut w, Command::DeleteVersion { id: id2.clone() }, done).unwrap();
    assert!(w.to_export_value()["replication"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["versionId"] != id2.as_str()));
    w.check_invariants().unwrap();
}

#[test]
fn latest_across_regions_only_counts_completed_versions() {
    let mut w = world(false);
    let img = image_id(SUB, RG, "g", "i");
    create(
        &mut w,
        "1.0.9",
        json!([{"name": "westus"}, {"name": "eastus"}]),
        T0,
    );
    let later = at(50_000);
    create(
        &mut w,
        "1.0.12",
        json!([{"name": "westus"}, {"name": "eastus"}, {"name": "westeurope"}]),
        later,
    );
    let chosen = |region: &str, t: Option<OffsetDateTime>| {
        resolve_latest_at(&w, &img, Some(region), t)
            .map(|r| r.chosen.rsplit('/').next().unwrap().to_string())
            .map_err(|d| d.code)
    };
    // (region, time, expected)
    let cases: Vec<(&str, Option<OffsetDateTime>, Result<&str, Code>)> = vec![
        ("westus", None, Ok("1.0.12")), // configuration only: highest number
        ("westus", Some(later), Ok("1.0.9")), // 1.0.12 just started replicating
        ("eastus", Some(later), Ok("1.0.9")),
        ("westeurope", Some(later), Err(Code::GalleryImageNotFound)), // only 1.0.12 targets it, not done
        ("westus", Some(at(200_000)), Ok("1.0.12")),
        ("westeurope", Some(at(200_000)), Ok("1.0.12")),
        (
            "japaneast",
            Some(at(200_000)),
            Err(Code::GalleryImageNotFound),
        ),
        ("westus", Some(T0), Err(Code::GalleryImageNotFound)), // nothing complete yet
    ];
    for (region, t, want) in cases {
        assert_eq!(
            chosen(region, t).as_deref().map_err(|c| *c),
            want,
            "{region} at {t:?}"
        );
    }
    let r = resolve_latest_at(&w, &img, Some("westus"), Some(later)).unwrap();
    let skipped = r
        .candidates
        .iter()
        .find(|c| c.version.as_str() == "1.0.12")
        .unwrap();
    assert!(
        !skipped.eligible && skipped.reason.contains("Replicating"),
        "{}",
        skipped.reason
    );
}

fn req(
    image: &str,
    region: &str,
    instances: u32,
    scale_set: bool,
    os_profile: bool,
) -> DeploymentRequest {
    DeploymentRequest {
        region: region.into(),
        image: image.into(),
        instances,
        scale_set,
        os_profile,
        current_managed_image: None,
        principal: None,
        security_type: None,
        subscription: None,
    }
}

fn codes(c: &sig_core::deploy::DeploymentCheck) -> Vec<Code> {
    c.diagnostics.iter().map(|d| d.code).collect()
}

#[test]
fn deployment_checks() {
    let mut w = world(false);
    let id = create(
        &mut w,
        "1.0.0",
        json!([{"name": "westus", "regionalReplicaCount": 2}, {"name": "eastus"}]),
        T0,
    );
    let img = image_id(SUB, RG, "g", "i");
    let done = at(100_000);

    // Not yet replicated: Azure's GalleryImageNotFound text.
    let c = check_deployment(&w, &req(&id, "eastus", 1, false, true), T0);
    assert!(!c.allowed);
    let d = &c.diagnostics[0];
    assert_eq!(d.code, Code::GalleryImageNotFound);
    assert_eq!(d.message, format!("The gallery image {id} is not available in eastus region. Please contact image owner to replicate to this region, or change your requested region."));
    assert_eq!(d.path, "properties.storageProfile.imageReference.id");
    assert!(c.diagnostics[1].message.contains("Replicating (0%)"));
    // Untargeted region: refused too.
    assert!(!check_deployment(&w, &req(&id, "japaneast", 1, false, true), done).allowed);
    // Completed, generalized with osProfile: allowed.
    let c = check_deployment(&w, &req(&id, "eastus", 10, false, true), done);
    assert!(c.allowed, "{:?}", c.diagnostics);
    assert_eq!(codes(&c), [Code::ReplicationStateInRegion]);
    // Generalized without osProfile.
    let c = check_deployment(&w, &req(&id, "eastus", 1, false, false), done);
    assert_eq!(
        c.diagnostics
            .iter()
            .find(|d| d.code == Code::OsProfileRequired)
            .unwrap()
            .message,
        "Required parameter 'osProfile' is missing (null)."
    );
    // latest via the definition id, saying which version.
    let c = check_deployment(&w, &req(&img, "westus", 1, false, true), done);
    assert!(c.allowed);
    assert_eq!(c.image_version.as_deref(), Some(id.as_str()));
    let l = c
        .diagnostics
        .iter()
        .find(|d| d.code == Code::LatestResolved)
        .unwrap();
    assert!(
        l.message.contains("resolves to version 1.0.0"),
        "{}",
        l.message
    );
    assert_eq!(
        check_deployment(&w, &req(&img, "japaneast", 1, false, true), done).diagnostics[0].code,
        Code::GalleryImageNotFound
    );
    // Throttling: 120 concurrent VMs on 2 replicas → 6 recommended.
    let c = check_deployment(&w, &req(&id, "westus", 120, false, true), done);
    assert!(c.allowed);
    assert_eq!(
        (c.region_replicas, c.recommended_replicas),
        (Some(2), Some(6))
    );
    assert!(c
        .diagnostics
        .iter()
        .any(|d| d.code == Code::ReplicaThrottlingRisk && d.message.contains("at least 6")));
    // Scale sets: 1,000 from a gallery image is fine, 1,001 is not.
    assert!(check_deployment(&w, &req(&id, "westus", 1000, true, true), done).allowed);
    let c = check_deployment(&w, &req(&id, "westus", 1001, true, true), done);
    assert!(!c.allowed && codes(&c).contains(&Code::ScaleSetTooLarge));
    assert_eq!(
        c.diagnostics
            .iter()
            .find(|d| d.code == Code::ScaleSetTooLarge)
            .unwrap()
            .path,
        "sku.capacity"
    );
    // From a managed image: 600 max.
    let mi = testing::source_image_id();
    assert!(check_deployment(&w, &req(&mi, "westus", 600, true, true), done).allowed);
    assert!(!check_deployment(&w, &req(&mi, "westus", 601, true, true), done).allowed);
    // Swap a scale set from the managed image to the gallery image: same OS, generation, disks.
    let mut swap = req(&id, "westus", 10, true, true);
    swap.current_managed_image = Some(mi.clone());
    assert!(check_deployment(&w, &swap, done).allowed);
    // A managed image with a data disk does not match the gallery image's layout.
    let other = format!(
        "/subscriptions/{SUB}/resourceGroups/{RG}/providers/Microsoft.Compute/images/withdata"
    );
    let src = Source {
        id: other.clone(),
        kind: SourceKind::ManagedImage,
        location: sig_core::regions::RegionName::new("westus").unwrap(),
        os_type: Some(sig_core::kinds::OsType::Linux),
        os_state: Some(sig_core::kinds::OsState::Generalized),
        hyper_v_generation: Some(sig_core::kinds::HyperVGeneration::V2),
        os_disk_size_gb: Some(30),
        data_disks: vec![SourceDisk {
            lun: 0,
            size_gb: 64,
        }],
        storage_account_id: None,
    };
    run(&mut w, Command::CreateSource(src), done).unwrap();
    swap.current_managed_image = Some(other);
    let c = check_deployment(&w, &swap, done);
    assert!(!c.allowed);
    let m = &c
        .diagnostics
        .iter()
        .find(|d| d.code == Code::ScaleSetImageSwapMismatch)
        .unwrap()
        .message;
    assert!(
        m.contains("Hyper-V generation V2 vs V1") && m.contains("data disk LUNs [0] vs []"),
        "{m}"
    );
}

#[test]
fn specialized_images_take_no_os_profile() {
    let mut w = world(true);
    let mut body = version_body(json!([{"name": "westus"}]));
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
        "/subscriptions/{SUB}/resourceGroups/{RG}/providers/Microsoft.Compute/virtualMachines/vm"
    ));
    let (id, _) = create_from(&mut w, "1.0.0", body, T0);
    let c = check_deployment(&w, &req(&id, "westus", 1, false, true), at(100_000));
    assert_eq!(
        codes(&c),
        [
            Code::ReplicationStateInRegion,
            Code::OsProfileNotAllowed,
            Code::SpecializedComputerName,
            Code::SpecializedSecrets,
            Code::SpecializedAccounts
        ]
    );
    assert_eq!(
        c.diagnostics[1].message,
        "Parameter 'osProfile' is not allowed."
    );
    assert!(c.diagnostics[2].message.contains("Computer name"));
    let c = check_deployment(&w, &req(&id, "westus", 1, false, false), at(100_000));
    assert!(c.allowed);
    assert_eq!(
        codes(&c),
        [
            Code::ReplicationStateInRegion,
            Code::SpecializedComputerName,
            Code::SpecializedSecrets,
            Code::SpecializedAccounts
        ]
    );
    // The seed's caveats, in its words: secrets (KeyVault, WinRM, MSI) and the source's accounts.
    let secrets = &c.diagnostics[2].message;
    assert!(
        secrets.contains("KeyVault")
            && secrets.contains("WinRM")
            && secrets.contains("managed service identities"),
        "{secrets}"
    );
    assert!(c.diagnostics[3]
        .message
        .contains("Accounts that could be used to log into the source VM"));
}

#[test]
fn cost_seed_example_two_images_three_regions_six_disks() {
    let mut w = world(false);
    run(
        &mut w,
        Command::CreateImage {
            id: image_id(SUB, RG, "g", "j"),
            resource: testing::image_body(0, 1),
        },
        T0,
    )
    .unwrap();
    let three = json!([{"name": "westus"}, {"name": "eastus"}, {"name": "westeurope"}]);
    create(&mut w, "1.0.0", three.clone(), T0);
    run(
        &mut w,
        Command::CreateVersion {
            id: version_id(SUB, RG, "g", "j", "1.0.0"),
            resource: version_body(three),
        },
        T0,
    )
    .unwrap();
    let prices = PriceTable::default();
    let e = estimate(&w, &prices);
    assert_eq!(e.lines.len(), 6);
    assert_eq!(
        e.managed_disks, 6,
        "seed: 2 images x 3 regions = 6 managed disks"
    );
    // 30 GiB OS disk → the 32 GiB tier (S4) in every region.
    assert!(e
        .lines
        .iter()
        .all(|l| l.disk_tiers == ["S4"] && l.billed_gb_per_replica == 32));
    let s4 = prices.standard_lrs_monthly[0];
    assert!(
        (e.storage_monthly - 6.0 * s4).abs() < 0.005,
        "{}",
        e.storage_monthly
    );
    // Egress once per non-source region: 2 images x 2 regions x 30 GiB.
    assert!((e.egress_one_time - 4.0 * 30.0 * prices.egress_per_gb).abs() < 0.005);
    assert!(e
        .lines
        .iter()
        .filter(|l| l.source_region)
        .all(|l| l.egress_one_time == 0.0));
    assert!(e
        .assumptions
        .iter()
        .any(|d| d.code == Code::CostAssumption && d.message.contains("assumed")));
    // An edited table is used as given.
    let mut mine = prices.clone();
    mine.standard_lrs_monthly = vec![10.0; 11];
    mine.egress_per_gb = 0.0;
    let e = estimate(&w, &mine);
    assert_eq!((e.storage_monthly, e.egress_one_time), (60.0, 0.0));
    mine.premium_lrs_monthly.pop();
    assert!(mine.check().is_err());
}

#[test]
fn disk_tiers_round_up() {
    let cases = [
        (1, 0),
        (32, 0),
        (33, 1),
        (64, 1),
        (127, 2),
        (128, 2),
        (200, 3),
        (1023, 5),
        (1024, 5),
        (1025, 6),
        (4095, 7),
        (4096, 8),
        (32767, 10),
    ];
    for (gb, tier) in cases {
        assert_eq!(tier_index(gb), Some(tier), "{gb} GiB");
    }
    assert_eq!(tier_index(32768), None);
}

/// Format 3 exports leave out the records import can rebuild (started at `publishedDate`, untouched
/// since), keep the others, and still read format 2's "no record = completed before the simulation".
#[test]
fn exports_leave_out_nominal_records_and_rebuild_them_exactly() {
    let mut w = world(false);
    let id = create(&mut w, "1.0.0", THREE(), T0);
    let faulted = create(&mut w, "1.0.1", THREE(), T0);
    run(
        &mut w,
        Command::InjectReplicationFault {
            version_id: faulted.clone(),
            region: "eastus".into(),
        },
        at(100),
    )
    .unwrap();
    let doc = w.to_export_value();
    let written: Vec<(String, String)> = doc["replication"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let v = r["versionId"].as_str().unwrap().to_string();
            (v, r["region"].as_str().unwrap().to_string())
        })
        .collect();
    assert_eq!(written, [(faulted.clone(), "eastus".to_string())]);
    // Mid-replication, after the fault and after completion: the same states as before export.
    let back: World = serde_json::from_value(doc.clone()).unwrap();
    for t in [at(60), at(150), at(100_000)] {
        assert_eq!(states(&back, &id, t), states(&w, &id, t));
        assert_eq!(states(&back, &faulted, t), states(&w, &faulted, t));
    }
    assert_eq!(back.to_export_value(), doc);

    // The same document as format 2 without records: everything predates the simulation.
    let mut v2 = doc;
    v2["formatVersion"] = json!(2);
    v2.as_object_mut().unwrap().remove("replication");
    let old: World = serde_json::from_value(v2).unwrap();
    assert!(states(&old, &id, at(60))
        .iter()
        .all(|s| s.1 == RegionState::Completed));
    // Written as format 3, those regions become explicit completed records, so they stay so.
    let again = old.to_export_value();
    assert_eq!(again["formatVersion"], 3);
    assert_eq!(again["replication"].as_array().unwrap().len(), 6);
    assert_eq!(again["replication"][0]["durationSeconds"], 0);
    let reread: World = serde_json::from_value(again).unwrap();
    assert_eq!(states(&reread, &id, at(60)), states(&old, &id, at(60)));
}

/// A version created with a safety profile keeps its replicated regions and cannot be deleted
/// before its end of life; without one (the seed's case) both are free, as the other tests show.
#[test]
fn a_safety_profile_guards_replicated_regions_and_deletion_before_end_of_life() {
    let mut w = world(false);
    let id = version_id(SUB, RG, "g", "i", "1.0.0");
    let mut body = version_body(THREE());
    let props = body.properties.as_mut().unwrap();
    props.safety_profile = Some(arm::SafetyProfile {
        allow_deletion_of_replicated_locations: Some(false),
        block_deletion_before_end_of_life: Some(true),
        ..Default::default()
    });
    props.publishing_profile.as_mut().unwrap().end_of_life_date = Some("2021-01-01".into());
    run(
        &mut w,
        Command::CreateVersion {
            id: id.clone(),
            resource: body,
        },
        T0,
    )
    .unwrap();
    // Dropping West Europe is refused, naming it; the version is unchanged.
    let e = update(
        &mut w,
        &id,
        json!({"properties": {"publishingProfile": {"targetRegions": [
        {"name": "westus"}, {"name": "eastus", "regionalReplicaCount": 2}]}}}),
        at(10),
    )
    .unwrap_err();
    assert_eq!(e.code(), Code::ReplicatedLocationDeletionNotAllowed);
    assert_eq!(e.diagnostics.len(), 1);
    assert!(e.diagnostics[0].message.contains("'westeurope'"), "{e}");
    assert_eq!(w.version(&id).unwrap().targets.len(), 3);
    // Adding a region and changing a replica count are still allowed.
    update(&mut w, &id, json!({"properties": {"publishingProfile": {"targetRegions": [
        {"name": "westus"}, {"name": "eastus", "regionalReplicaCount": 3}, {"name": "westeurope"}, {"name": "japaneast"}]}}}), at(10)).unwrap();
    assert_eq!(w.version(&id).unwrap().targets.len(), 4);
    // The guard itself is fixed at creation.
    let e = update(
        &mut w,
        &id,
        json!({"properties": {"safetyProfile": {"allowDeletionOfReplicatedLocations": true}}}),
        at(10),
    )
    .unwrap_err();
    assert_eq!(e.code(), Code::PropertyChangeNotAllowed);
    // Deleting before the end of life: 409 with the date; after it: deleted.
    let e = run(&mut w, Command::DeleteVersion { id: id.clone() }, at(10)).unwrap_err();
    assert_eq!(e.code(), Code::DeletionBlockedBeforeEndOfLife);
    assert_eq!(e.http_status(), 409);
    assert!(e.diagnostics[0].message.contains("2021-01-01"), "{e}");
    assert!(w.version(&id).is_some());
    let after_eol = OffsetDateTime::parse(
        "2021-01-02T00:00:00Z",
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    run(&mut w, Command::DeleteVersion { id: id.clone() }, after_eol).unwrap();
    assert!(w.version(&id).is_none());
}

#[test]
fn shallow_replication_is_ready_at_once_and_warns_before_a_large_deployment() {
    let mut w = world(false);
    let full = create(
        &mut w,
        "1.0.0",
        json!([{"name": "westus"}, {"name": "westeurope"}]),
        T0,
    );
    let mut body = version_body(json!([{"name": "westus"}, {"name": "westeurope"}]));
    body.properties
        .as_mut()
        .and_then(|p| p.publishing_profile.as_mut())
        .unwrap()
        .replication_mode = Some("Shallow".into());
    let (id, events) = create_from(&mut w, "2.0.0", body, T0);
    // Two regions with Shallow: created, with the tools' advice as a warning.
    assert!(events[0]
        .warnings
        .iter()
        .any(|d| d.code == Code::ShallowReplicationAdvice));
    // The image is not copied: only the set-up time, in every region; Full is still copying.
    let setup = sig_core::replication::SETUP_SECS as i64;
    assert!(states(&w, &id, at(setup - 1))
        .iter()
        .all(|s| s.1 == RegionState::Replicating));
    assert!(states(&w, &id, at(setup))
        .iter()
        .all(|s| s.1 == RegionState::Completed));
    assert!(states(&w, &full, at(setup))
        .iter()
        .any(|s| s.1 != RegionState::Completed));

    // 20 concurrent VMs are fine; 21 get the warning, and are still allowed.
    let ready = at(setup);
    let c = check_deployment(&w, &req(&id, "westus", 20, false, true), ready);
    assert!(!codes(&c).contains(&Code::ShallowReplicationAdvice));
    let c = check_deployment(&w, &req(&id, "westus", 21, false, true), ready);
    assert!(c.allowed);
    assert!(
        codes(&c).contains(&Code::ShallowReplicationAdvice),
        "{:?}",
        codes(&c)
    );
}

#[test]
fn replication_follows_changes_raising_replicates_lowering_is_immediate() {
    let mut w = world(false);
    let id = create(
        &mut w,
        "1.0.0",
        json!([{"name": "westus"}, {"name": "eastus", "regionalReplicaCount": 3}]),
        T0,
    );
    let done = at(100_000);
    assert!(states(&w, &id, done)
        .iter()
        .all(|s| s.1 == RegionState::Completed));
    let with = |eastus: serde_json::Value| json!({"properties": {"publishingProfile": {"targetRegions": [{"name": "westus"}, eastus]}}});

    // Lower eastus to one replica: nothing to copy, still Completed at once.
    update(
        &mut w,
        &id,
        with(json!({"name": "eastus", "regionalReplicaCount": 1})),
        done,
    )
    .unwrap();
    assert!(states(&w, &id, done)
        .iter()
        .all(|s| s.1 == RegionState::Completed));

    // Raise it to two: the added replica is copied on the clock, westus is untouched.
    update(
        &mut w,
        &id,
        with(json!({"name": "eastus", "regionalReplicaCount": 2})),
        done,
    )
    .unwrap();
    let s = states(&w, &id, done);
    assert_eq!(
        (s[0].1, s[1].1, s[1].2),
        (RegionState::Completed, RegionState::Replicating, 0)
    );
    let raised_done = w
        .version(&id)
        .map(|v| version_status(&w, v, done)[1].completes_at.unwrap())
        .unwrap();
    assert!(raised_done > done);
    // Meanwhile the replica eastus already had serves deployments, and latest there.
    let deploying = check_deployment(&w, &req(&id, "eastus", 1, false, true), done);
    assert!(deploying.allowed, "{:?}", deploying.diagnostics);
    assert!(deploying.diagnostics.iter().any(|d| d
        .message
        .contains("the replicas the region already had serve")));
    let image = id.rsplit_once("/versions/").unwrap().0;
    let latest =
        sig_core::latest::resolve_latest_at(&w, image, Some("eastus"), Some(done)).unwrap();
    assert_eq!(latest.chosen, id);
    // …and the export keeps that it serves.
    let text = serde_json::to_string(&w).unwrap();
    let back: sig_core::World = serde_json::from_str(&text).unwrap();
    assert!(check_deployment(&back, &req(&id, "eastus", 1, false, true), done).allowed);
    // A file can't claim a region serves before it could have completed its first copy.
    let mut forged: serde_json::Value = serde_json::from_str(&text).unwrap();
    let record = forged["replication"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|r| r["serving"] == json!(true))
        .expect("the serving record is exported");
    record["started"] = json!("2020-06-01T12:00:00Z");
    let err = serde_json::from_value::<sig_core::World>(forged)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("serves before the region could have completed"),
        "{err}"
    );
    assert_eq!(states(&w, &id, raised_done)[1].1, RegionState::Completed);

    // Its storage type can't change (the seed's rule), so nothing else re-replicates a region.
    let later = raised_done;
    assert_eq!(
        update(&mut w, &id, with(json!({"name": "eastus", "regionalReplicaCount": 2, "storageAccountType": "Premium_LRS"})), later)
            .unwrap_err()
            .code(),
        Code::PropertyChangeNotAllowed
    );
    // Raised while still replicating: it starts over for the added replicas.
    update(
        &mut w,
        &id,
        with(json!({"name": "eastus", "regionalReplicaCount": 4})),
        later,
    )
    .unwrap();
    assert_eq!(states(&w, &id, later)[1].1, RegionState::Replicating);
    // The state file keeps the follow-up: read back, the same states.
    let back: World = serde_json::from_value(w.to_export_value()).unwrap();
    assert_eq!(states(&back, &id, later), states(&w, &id, later));
}

#[test]
fn a_vm_security_type_the_definition_does_not_allow_is_refused() {
    let mut w = world(false);
    let id = create(&mut w, "1.0.0", json!([{"name": "westus"}]), T0);
    let done = at(100_000);
    let with = |security: &str| DeploymentRequest {
        security_type: Some(security.into()),
        ..req(&id, "westus", 1, false, true)
    };
    // The fixture's definition has no SecurityType: standard VMs only.
    assert!(check_deployment(&w, &with("Standard"), done).allowed);
    let c = check_deployment(&w, &with("TrustedLaunch"), done);
    assert!(!c.allowed);
    assert!(
        codes(&c).contains(&Code::VmSecurityTypeMismatch),
        "{:?}",
        codes(&c)
    );
    let d = c
        .diagnostics
        .iter()
        .find(|d| d.code == Code::VmSecurityTypeMismatch)
        .unwrap();
    assert_eq!(d.path, "properties.securityProfile.securityType");
    assert!(d.message.contains("'Standard'"), "{}", d.message);
    let c = check_deployment(&w, &with("Shielded"), done);
    assert!(codes(&c).contains(&Code::PropertyValueInvalid));
}

#[test]
fn raising_replicas_while_copying_adds_to_the_copy_and_keeps_a_fault() {
    let mut w = world(false);
    let id = create(
        &mut w,
        "1.0.0",
        json!([{"name": "westus"}, {"name": "eastus"}]),
        T0,
    );
    let early = at(10);
    let done_before = w
        .version(&id)
        .map(|v| version_status(&w, v, early)[1].completes_at.unwrap())
        .unwrap();
    let progress_before = states(&w, &id, early)[1].2;
    update(&mut w, &id, json!({"properties": {"publishingProfile": {"targetRegions": [{"name": "westus"}, {"name": "eastus", "regionalReplicaCount": 2}]}}}), early).unwrap();
    let s = states(&w, &id, early);
    assert_eq!(s[1].1, RegionState::Replicating);
    let done_after = w
        .version(&id)
        .map(|v| version_status(&w, v, early)[1].completes_at.unwrap())
        .unwrap();
    assert!(
        done_after > done_before,
        "the added replica takes longer, not a fresh short copy"
    );
    assert!(s[1].2 <= progress_before, "progress does not jump ahead");
    // A failed region stays failed when its count is raised: only Retry resumes it.
    let fault = Command::InjectReplicationFault {
        version_id: id.clone(),
        region: "eastus".into(),
    };
    run(&mut w, fault, at(20)).unwrap();
    update(&mut w, &id, json!({"properties": {"publishingProfile": {"targetRegions": [{"name": "westus"}, {"name": "eastus", "regionalReplicaCount": 3}]}}}), at(30)).unwrap();
    assert_eq!(states(&w, &id, at(30))[1].1, RegionState::Failed);
}
