//! A state this engine stored itself, read back without the plans (`Reading::own`), is the same
//! world as when every resource goes through its create plan (`Reading::new`): the same
//! document, the same parts, the same indexes and counts (the invariants), and the next command
//! gets the same answer. And what keeps a world's structure sound is still refused.
#![cfg(not(target_arch = "wasm32"))]

use serde_json::json;
use sig_core::command::{gallery_id, version_id};
use sig_core::export::{GalleryPartError, Own, Reading, WorldExport};
use sig_core::iam::assignments::RoleAssignment;
use sig_core::parts::{assemble, Bucket, BucketRef, GalleryPart};
use sig_core::testing::example::{contoso_fabrikam, ADMIN, CONTOSO_SUB};
use sig_core::testing::{self, FIXTURE_NOW, RESOURCE_GROUP as RG, SUBSCRIPTION as SUB};
use sig_core::{apply, arm, Actor, Code, Command, World};
use time::Duration;

/// A part as the portal stores it: serialized, then parsed again when read back.
fn again<T: serde::de::DeserializeOwned>(part: impl serde::Serialize) -> T {
    serde_json::from_str(&serde_json::to_string(&part).unwrap()).unwrap()
}

/// The document the portal reads back: every part stored and read again, put together.
fn stored(w: &World) -> WorldExport {
    let galleries: Vec<GalleryPart> = w
        .gallery_keys()
        .map(|k| again(w.gallery_part(k).unwrap()))
        .collect();
    let buckets: Vec<Vec<RoleAssignment>> = w
        .assignment_parts()
        .into_values()
        .map(|list| again::<Bucket>(BucketRef(&list)).0)
        .collect();
    assemble(
        again(w.rest_part()),
        galleries,
        again(w.access_part()),
        buckets,
    )
}

/// The parts read whole, as the portal reads a state that is not all its own: the document
/// without the role assignments' buckets, which are handed to the reading as they were parsed
/// (`Reading::add_role_assignments`), through the plans or as this engine's own.
fn buckets_handed_over(w: &World, own: bool) -> World {
    let galleries: Vec<GalleryPart> = w
        .gallery_keys()
        .map(|k| again(w.gallery_part(k).unwrap()))
        .collect();
    let doc = assemble(
        again(w.rest_part()),
        galleries,
        again(w.access_part()),
        vec![],
    );
    let mut reading = opened(doc, own).expect("opened");
    for (_, list) in w.assignment_parts() {
        reading
            .add_role_assignments(again::<Bucket>(BucketRef(&list)).0)
            .expect("before the first step");
    }
    reading.finish().expect("admitted").0
}

/// A reading of `doc`, its resources this engine's own (`own`) or through the plans.
fn opened(doc: WorldExport, own: bool) -> Result<Reading, sig_core::protocol::CommandError> {
    if own {
        let all = Own {
            galleries: true,
            role_assignments: true,
        };
        Reading::own(doc, all)
    } else {
        Reading::new(doc)
    }
}

fn read(doc: WorldExport, own: bool) -> World {
    opened(doc, own)
        .and_then(Reading::finish)
        .expect("admitted")
        .0
}

/// The parts as the portal reads its own sealed state: each gallery part admitted while it is
/// parsed (`Reading::admit_gallery_part`) or, those `queued` says (too large for one task),
/// read whole and queued (`Reading::queue_gallery_part`); then the access part and the buckets,
/// their role assignments this engine's own or not (`own_assignments`). Returns the world and
/// the total the reading's progress counted to.
fn streamed(w: &World, queued: impl Fn(usize) -> bool, own_assignments: bool) -> (World, usize) {
    let all = Own {
        galleries: true,
        role_assignments: true,
    };
    let mut rest: WorldExport = again(w.rest_part());
    rest.access = Default::default();
    let mut reading = Reading::own(rest, all).expect("opened");
    assert!(reading.admits_gallery_parts());
    for (n, k) in w.gallery_keys().enumerate() {
        let text = serde_json::to_string(&w.gallery_part(k).unwrap()).unwrap();
        if queued(n) {
            let part: GalleryPart = serde_json::from_str(&text).unwrap();
            reading
                .queue_gallery_part(part)
                .expect("a gallery part queued");
        } else {
            reading.admit_gallery_part(&text).expect("a gallery part");
        }
    }
    // As the portal hands them over: each bucket as it was stored, then the access part.
    for (_, list) in w.assignment_parts() {
        reading
            .add_role_assignments(again::<Bucket>(BucketRef(&list)).0)
            .expect("before the first step");
    }
    reading
        .set_access(again(w.access_part()), own_assignments)
        .expect("before the first step");
    let total = reading.progress().1;
    assert!(reading.step(1).is_ok());
    assert!(
        !reading.admits_gallery_parts(),
        "a part once the reading has started"
    );
    assert!(reading.set_access(Default::default(), true).is_err());
    assert!(reading.add_role_assignments(Vec::new()).is_err());
    let (world, _) = reading.finish().expect("admitted");
    (world, total)
}

/// Everything a user or a save could see of a world: the export, every part, every version's
/// ARM resource as a query prints it (id, type and location included, which the nested forms
/// leave out), the invariants.
fn observed(w: &World) -> (serde_json::Value, Vec<serde_json::Value>) {
    w.check_invariants().expect("invariants");
    let parts = w
        .gallery_keys()
        .map(|k| serde_json::to_value(w.gallery_part(k).unwrap()).unwrap())
        .chain(
            w.versions()
                .map(|v| serde_json::to_value(v.resource()).unwrap()),
        )
        .collect();
    (w.to_export_value(), parts)
}

fn same_both_ways(w: &World, next: &[Command]) {
    let own = read(stored(w), true);
    let planned = read(stored(w), false);
    let (parts, counted) = streamed(w, |_| false, true);
    // A part admitted as it is parsed keeps each version's body as its text until asked for
    // (`world::version_body`); what follows asks for every one and compares it.
    assert!(parts.versions().all(|v| v.is_stored_text()));
    assert!(planned.versions().all(|v| !v.is_stored_text()));
    assert_eq!(observed(&own), observed(&planned));
    assert_eq!(observed(&parts), observed(&planned));
    for own in [false, true] {
        assert_eq!(observed(&buckets_handed_over(w, own)), observed(&planned));
    }
    // The progress counts what a whole document's reading counts.
    let all = Own {
        galleries: true,
        role_assignments: true,
    };
    assert_eq!(counted, Reading::own(stored(w), all).unwrap().progress().1);
    // Some parts queued whole, or the role assignments through the plans: the same world.
    let (mixed, counted_mixed) = streamed(w, |n| n % 2 == 1, false);
    assert_eq!(observed(&mixed), observed(&planned));
    assert_eq!(counted_mixed, counted);
    assert_eq!(observed(&own), observed(w));
    // The next commands get the same answers (limits and uniqueness live in the indexes).
    let (mut a, mut b, mut c) = (own, planned, parts);
    let later = FIXTURE_NOW + Duration::days(3);
    for command in next {
        let answer = |w: &mut World| {
            apply(w, &Actor::system(), command.clone(), later)
                .map(|events| events.len())
                .map_err(|e| e.diagnostics[0].code)
        };
        let planned = answer(&mut b);
        assert_eq!(answer(&mut a), planned, "{command:?}");
        assert_eq!(answer(&mut c), planned, "{command:?}");
    }
    assert_eq!(observed(&a), observed(&b));
    assert_eq!(observed(&c), observed(&b));
}

#[test]
fn the_example_world_reads_back_the_same_without_the_plans() {
    let w = contoso_fabrikam();
    let again = Command::CreateGallery {
        id: gallery_id(CONTOSO_SUB, "rg-images", "contosoimages"),
        resource: testing::gallery_body(),
    };
    same_both_ways(&w, &[again]);
}

#[test]
fn replication_in_flight_serving_records_and_soft_deleted_versions_read_back_the_same() {
    let mut w = contoso_fabrikam();
    let admin = Actor::new(ADMIN);
    let gallery = gallery_id(CONTOSO_SUB, "rg-images", "ContosoImages");
    let v = |name: &str| version_id(CONTOSO_SUB, "rg-images", "ContosoImages", "ubuntu-22", name);
    let soft: arm::Gallery = serde_json::from_value(json!({"location": "westus",
        "properties": {"softDeletePolicy": {"isSoftDeleteEnabled": true}}}))
    .unwrap();
    let day = |n: i64| FIXTURE_NOW + Duration::days(n);
    apply(
        &mut w,
        &admin,
        Command::UpdateGallery {
            id: gallery,
            resource: soft,
        },
        day(1),
    )
    .expect("soft delete on");
    apply(
        &mut w,
        &admin,
        Command::DeleteVersion { id: v("1.1.0") },
        day(2),
    )
    .expect("soft-deleted");
    // More replicas in a region that has completed: a serving record from now.
    let more: arm::GalleryImageVersion = serde_json::from_value(json!({"properties": {
        "publishingProfile": {"targetRegions": [{"name": "westus", "regionalReplicaCount": 3}]}}}))
    .unwrap();
    apply(
        &mut w,
        &admin,
        Command::UpdateVersion {
            id: v("1.0.0"),
            resource: more,
        },
        day(2),
    )
    .expect("replicas added");
    let document = w.to_export_value().to_string();
    assert!(document.contains("\"serving\":true"), "a serving record");
    assert!(
        document.contains("softDeletedVersions"),
        "a soft-deleted version"
    );
    same_both_ways(
        &w,
        &[
            Command::DeleteVersion { id: v("1.0.0") },
            Command::UpdateVersion {
                id: v("1.1.0"),
                resource: serde_json::from_value(json!({"properties": {"restore": true}})).unwrap(),
            },
        ],
    );
}

#[test]
fn counts_and_uniqueness_come_back_the_same() {
    // 3 galleries × 2 definitions × 3 versions: the counts (invariants), a duplicate refused
    // and a new version accepted alike.
    let w = testing::world_with(3, 2, 3);
    let create = Command::CreateVersion {
        id: version_id(
            SUB,
            RG,
            &testing::gallery_name(0),
            &testing::image_name(0),
            "9.9.9",
        ),
        resource: testing::version_body(),
    };
    let dup = Command::CreateVersion {
        id: version_id(
            SUB,
            RG,
            &testing::gallery_name(0),
            &testing::image_name(0),
            "1.0.0",
        ),
        resource: testing::version_body(),
    };
    same_both_ways(&w, &[dup, create]);
}

/// A stored state edited into an unsound one is refused, not built half.
#[test]
fn what_keeps_the_structure_sound_is_still_refused() {
    let w = testing::world_with(1, 1, 2);
    let doc = serde_json::to_value(stored(&w)).unwrap();
    let refused = |edit: &dyn Fn(&mut serde_json::Value)| {
        let mut d = doc.clone();
        edit(&mut d);
        let e: WorldExport = serde_json::from_value(d).unwrap();
        let all = Own {
            galleries: true,
            role_assignments: true,
        };
        match Reading::own(e, all).and_then(Reading::finish) {
            Ok(_) => panic!("admitted"),
            Err(e) => e.diagnostics[0].code,
        }
    };
    // A version twice.
    let twice = |d: &mut serde_json::Value| {
        let versions = d["galleries"][0]["images"][0]["versions"]
            .as_array_mut()
            .unwrap();
        let first = versions[0].clone();
        versions.push(first);
    };
    assert_eq!(refused(&twice), Code::Conflict);
    // A gallery in a resource group that is not there.
    let orphan = |d: &mut serde_json::Value| {
        d["resourceGroups"] = json!([]);
    };
    assert_eq!(refused(&orphan), Code::ParentResourceNotFound);
    // A gallery id that names something else.
    let not_a_gallery = |d: &mut serde_json::Value| {
        let id = d["galleries"][0]["id"].as_str().unwrap().to_string();
        d["galleries"][0]["id"] = json!(format!("{id}/images/x"));
    };
    assert_eq!(refused(&not_a_gallery), Code::ResourceIdInvalid);
    // The constructors' own checks: a target region that is not an Azure region.
    let nowhere = |d: &mut serde_json::Value| {
        d["galleries"][0]["images"][0]["versions"][0]["properties"]["publishingProfile"]
            ["targetRegions"] = json!([{"name": "nowhere"}]);
    };
    assert_eq!(refused(&nowhere), Code::LocationNotAvailableForResourceType);
}

/// A role assignment stored twice is refused by the own reading too (its key is looked up
/// once, in the same insert that indexes it), and the one before it is not lost.
#[test]
fn a_role_assignment_twice_is_refused() {
    let w = contoso_fabrikam();
    let mut doc = serde_json::to_value(stored(&w)).unwrap();
    let assignments = doc["roleAssignments"].as_array_mut().expect("assignments");
    assert!(!assignments.is_empty(), "the example world assigns roles");
    let first = assignments[0].clone();
    assignments.push(first);
    let all = Own {
        galleries: true,
        role_assignments: true,
    };
    let e: WorldExport = serde_json::from_value(doc).unwrap();
    match Reading::own(e, all).and_then(Reading::finish) {
        Ok(_) => panic!("a role assignment twice was admitted"),
        Err(e) => assert_eq!(e.diagnostics[0].code, Code::Conflict),
    }
}

/// A gallery part admitted while it is parsed refuses what the whole reading refuses, says
/// which (a refusal, or text that is not a part), and is only taken by a reading of the
/// engine's own galleries that has not started.
#[test]
fn a_gallery_part_read_as_it_is_parsed_refuses_what_the_whole_reading_refuses() {
    let w = testing::world_with(1, 1, 2);
    let key = w.gallery_keys().next().unwrap().clone();
    let text = serde_json::to_string(&w.gallery_part(&key).unwrap()).unwrap();
    let part: GalleryPart = serde_json::from_str(&text).unwrap();
    let all = Own {
        galleries: true,
        role_assignments: true,
    };
    let opened = || {
        let mut rest: WorldExport = again(w.rest_part());
        rest.access = Default::default();
        Reading::own(rest, all).unwrap()
    };
    // Edited as typed values and written back in the order the engine writes (a JSON tree
    // would sort the keys); the records as objects, which a part may also hold.
    let admitted = |edit: &dyn Fn(&mut GalleryPart)| {
        let mut p = part.clone();
        edit(&mut p);
        let text = format!(
            "{{\"node\":{},\"replication\":{}}}",
            serde_json::to_string(&p.node).unwrap(),
            serde_json::to_string(&p.replication).unwrap()
        );
        opened().admit_gallery_part(&text)
    };
    let code = |edit: &dyn Fn(&mut GalleryPart)| match admitted(edit) {
        Err(GalleryPartError::Refused(e)) => e.diagnostics[0].code,
        other => panic!("not refused: {other:?}"),
    };
    assert!(admitted(&|_| ()).is_ok(), "the part as stored");
    // A version twice.
    let twice = |p: &mut GalleryPart| {
        let versions = &mut p.node.images[0].versions;
        versions.push(versions[0].clone());
    };
    assert_eq!(code(&twice), Code::Conflict);
    // A version whose id names another definition.
    let elsewhere = |p: &mut GalleryPart| {
        let gallery = p.node.resource.id.clone().unwrap();
        p.node.images[0].versions[0].id = Some(format!("{gallery}/images/other/versions/1.0.0"));
    };
    assert_eq!(code(&elsewhere), Code::ResourceIdInvalid);
    // The constructors' own checks.
    let nowhere = |p: &mut GalleryPart| {
        let version = &mut p.node.images[0].versions[0];
        let profile = version.properties.as_mut().unwrap();
        let publishing = profile.publishing_profile.as_mut().unwrap();
        publishing.target_regions = Some(vec![arm::TargetRegion {
            name: Some("nowhere".into()),
            ..Default::default()
        }]);
    };
    assert_eq!(code(&nowhere), Code::LocationNotAvailableForResourceType);
    // A record for a version the part does not hold.
    let stray = |p: &mut GalleryPart| {
        let mut record = p.replication[0].clone();
        let (image, _) = record.version_id.rsplit_once('/').unwrap();
        record.version_id = format!("{image}/9.9.9");
        p.replication.push(record);
    };
    assert_eq!(code(&stray), Code::DocumentUnrecognized);
    // Text that is not a part is unreadable; a gallery's fields after its definitions (not as
    // the engine writes them) are too.
    assert!(matches!(
        opened().admit_gallery_part("{\"node\": ["),
        Err(GalleryPartError::Unreadable(_))
    ));
    let fields_after = text.replacen("]}]}", "]}],\"location\":\"westus\"}", 1);
    assert_ne!(fields_after, text);
    match opened().admit_gallery_part(&fields_after) {
        Err(GalleryPartError::Unreadable(e)) => {
            assert!(e.to_string().contains("after its definitions"), "{e}");
        }
        other => panic!("read: {other:?}"),
    }
    // A part refused after another was admitted: here the same gallery again.
    let mut reading = opened();
    reading.admit_gallery_part(&text).unwrap();
    match reading.admit_gallery_part(&text) {
        Err(GalleryPartError::Refused(e)) => assert_eq!(e.diagnostics[0].code, Code::Conflict),
        other => panic!("a gallery twice: {other:?}"),
    }
    // Only into a reading of this engine's own galleries.
    let mut rest: WorldExport = again(w.rest_part());
    rest.access = Default::default();
    let mut planned = Reading::new(rest).unwrap();
    assert!(!planned.admits_gallery_parts());
    assert!(matches!(
        planned.admit_gallery_part(&text),
        Err(GalleryPartError::Refused(_))
    ));
    assert!(planned.queue_gallery_part(part.clone()).is_err());
}

/// A streamed part's record rows find their versions as the engine wrote them, in order; rows in
/// any other order or spelling put each record on the version it names, as the same records
/// written as objects (full ids, found by the general reading) do, and a row is checked as the
/// object it stands for.
#[test]
fn a_part_s_record_rows_are_admitted_in_any_order_and_checked_as_objects_are() {
    let w = testing::world_with(1, 2, 12);
    let key = w.gallery_keys().next().unwrap().clone();
    let part = w.gallery_part(&key).unwrap();
    let text = serde_json::to_string(&part).unwrap();
    let gallery = serde_json::to_value(&part).unwrap()["node"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (node, rows) = text.rsplit_once(",\"replication\":").unwrap();
    let mut rows: Vec<serde_json::Value> =
        serde_json::from_str(rows.strip_suffix('}').unwrap()).unwrap();
    assert!(rows.len() >= 24, "a record per version: {}", rows.len());
    assert!(
        rows.iter().all(serde_json::Value::is_array),
        "stored as rows"
    );
    // Each record its own duration, so one put on another version shows; one row names its
    // definition in another case.
    for (n, row) in rows.iter_mut().enumerate() {
        row[3] = json!(600 + n);
    }
    let upper = rows[4][0].as_str().unwrap().to_uppercase();
    rows[4][0] = json!(upper);
    let objects: Vec<serde_json::Value> = rows
        .iter()
        .map(|row| {
            let (image, version) = row[0].as_str().unwrap().split_once('/').unwrap();
            json!({
                "versionId": format!("{gallery}/images/{image}/versions/{version}"),
                "region": row[1],
                "started": row[2],
                "durationSeconds": row[3],
            })
        })
        .collect();
    let all = Own {
        galleries: true,
        role_assignments: true,
    };
    let read = |records: &[serde_json::Value]| {
        let mut rest: WorldExport = again(w.rest_part());
        rest.access = Default::default();
        let mut reading = Reading::own(rest, all).unwrap();
        let text = format!(
            "{node},\"replication\":{}}}",
            serde_json::to_string(records).unwrap()
        );
        reading.admit_gallery_part(&text)?;
        let access = assemble(
            WorldExport::default(),
            vec![],
            again(w.access_part()),
            vec![],
        );
        reading.set_access(access.access, true).unwrap();
        Ok::<_, GalleryPartError>(reading.finish().expect("admitted").0)
    };
    let by_ids = observed(&read(&objects).unwrap());
    assert_ne!(by_ids, observed(&w), "the durations changed");
    assert_eq!(observed(&read(&rows).unwrap()), by_ids);
    let reversed: Vec<_> = rows.iter().rev().cloned().collect();
    assert_eq!(observed(&read(&reversed).unwrap()), by_ids);
    let refusal = |rows: &[serde_json::Value]| match read(rows) {
        Err(GalleryPartError::Refused(e)) => e.diagnostics[0].clone(),
        other => panic!("not refused: {:?}", other.map(|_| ())),
    };
    let mut twice = rows.clone();
    twice.insert(1, rows[0].clone());
    let d = refusal(&twice);
    assert_eq!(d.code, Code::DocumentUnrecognized);
    assert!(
        d.message.contains("duplicate replication record"),
        "{}",
        d.message
    );
    let mut elsewhere = rows.clone();
    elsewhere[3][1] = json!("brazilsouth");
    let d = refusal(&elsewhere);
    assert!(
        d.message.contains("'brazilsouth', not a target region"),
        "{}",
        d.message
    );
    assert_eq!(d.resource_id, objects[3]["versionId"].as_str().unwrap());
    let mut untimed = rows.clone();
    untimed[5][2] = json!("yesterday");
    assert!(refusal(&untimed)
        .message
        .contains("'yesterday' is not RFC 3339"));
}

#[test]
fn a_definition_s_location_as_written_reaches_versions_kept_as_text() {
    // A version stored without its own location takes its definition's as the definition
    // spells it ("West US", not the canonical "westus"), whichever reading put it back.
    let mut w = testing::world_with(1, 0, 0);
    let image = sig_core::command::image_id(SUB, RG, &testing::gallery_name(0), "spelled");
    let mut body = testing::image_body(0, 0);
    body.location = Some("West US".into());
    let mut version = testing::version_body();
    version.location = Some("West US".into());
    for command in [
        Command::CreateImage {
            id: image.clone(),
            resource: body,
        },
        Command::CreateVersion {
            id: format!("{image}/versions/1.0.0"),
            resource: version,
        },
    ] {
        apply(&mut w, &Actor::system(), command, FIXTURE_NOW).expect("created");
    }
    let (parts, _) = streamed(&w, |_| false, true);
    let read = parts.versions().next().expect("a version");
    assert!(read.is_stored_text());
    assert_eq!(read.resource().location.as_deref(), Some("West US"));
    same_both_ways(&w, &[]);
}

#[test]
fn a_stored_version_s_text_is_written_back_as_it_was_read() {
    // A version kept as its text is saved as that text, without being parsed; and a text that
    // does not parse as a whole (a part changed by hand and sealed again to match) loses
    // nothing: the save and the export write it as it was, and an import of that export
    // names what does not read.
    let w = testing::world_with(1, 1, 2);
    let key = w.gallery_keys().next().unwrap().clone();
    // Changed in the text: the reader wants a parent's fields before its children, in the
    // order the engine writes them.
    let text = serde_json::to_string(&w.gallery_part(&key).unwrap()).unwrap();
    let first = r#"{"name":"1.0.0","properties":{"#;
    assert!(text.contains(first));
    let text = text.replacen(
        first,
        r#"{"name":"1.0.0","tags":5,"properties":{"futureField":{"kept":true},"#,
        1,
    );
    let part: serde_json::Value = serde_json::from_str(&text).unwrap();
    let changed = part["node"]["images"][0]["versions"][0].clone();
    assert_eq!(changed["tags"], json!(5));
    let mut rest: WorldExport = again(w.rest_part());
    rest.access = Default::default();
    let all = Own {
        galleries: true,
        role_assignments: true,
    };
    let mut reading = Reading::own(rest, all).expect("opened");
    reading.admit_gallery_part(&text).expect("a gallery part");
    reading
        .set_access(again(w.access_part()), true)
        .expect("access");
    let (read, _) = reading.finish().expect("admitted");
    let saved = serde_json::to_value(read.gallery_part(&key).unwrap()).unwrap();
    assert_eq!(saved, part, "the part written back as it was read");
    assert!(
        read.versions().all(|v| v.is_stored_text()),
        "saved unparsed"
    );
    // Asked for, the body that does not parse shows what the version is indexed by...
    let first = read.versions().next().unwrap();
    assert_eq!(first.resource().name.as_deref(), Some("1.0.0"));
    // ...the save still writes its text...
    let saved = serde_json::to_value(read.gallery_part(&key).unwrap()).unwrap();
    assert_eq!(saved["node"]["images"][0]["versions"][0], changed);
    // ...and so does the export, which an import refuses naming the field that does not read.
    let export = read.to_export_value();
    assert_eq!(export["galleries"][0]["images"][0]["versions"][0], changed);
    let refused = serde_json::from_value::<WorldExport>(export).unwrap_err();
    assert!(refused.to_string().contains("invalid type"), "{refused}");
}

#[test]
fn a_version_kept_as_text_follows_its_definition_s_location_spelled_anew() {
    // The stored text of a version leaves out the location it shares with its definition. When
    // the definition's location is spelled anew ("West US" for "westus"), the version's body
    // keeps the old spelling, and a save writes it out instead of the text.
    let w = testing::world_with(1, 1, 2);
    let image =
        sig_core::command::image_id(SUB, RG, &testing::gallery_name(0), &testing::image_name(0));
    let mut body = testing::image_body(0, 0);
    body.location = Some("West US".into());
    same_both_ways(
        &w,
        &[Command::UpdateImage {
            id: image,
            resource: body,
        }],
    );
}
