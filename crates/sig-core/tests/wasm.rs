//! A representative subset of the core's tests, run on wasm32 under node
//! (`cargo test -p sig-core --target wasm32-unknown-unknown --test wasm`).
#![cfg(target_arch = "wasm32")]

use sig_core::command::{gallery_id, image_id, version_id};
use sig_core::latest::resolve_latest;
use sig_core::testing::{self, FIXTURE_NOW, RESOURCE_GROUP as RG, SUBSCRIPTION as SUB};
use sig_core::validate::{parse_documents, validate_input};
use sig_core::{apply, Actor, Code, Command, World};
use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen_test]
fn flow_and_invariants() {
    let mut w = testing::world_with(2, 2, 3);
    w.check_invariants().unwrap();
    let e = apply(
        &mut w,
        &Actor::system(),
        Command::DeleteGallery {
            id: gallery_id(SUB, RG, "g000"),
        },
        FIXTURE_NOW,
    )
    .unwrap_err();
    assert_eq!(e.code(), Code::CannotDeleteResource);
    let latest = resolve_latest(&w, &image_id(SUB, RG, "g000", "i00"), Some("westus")).unwrap();
    assert_eq!(latest.chosen, version_id(SUB, RG, "g000", "i00", "1.0.2"));
}

#[wasm_bindgen_test]
fn export_round_trip_and_validate() {
    let w = testing::world_with(1, 2, 2);
    let json = serde_json::to_string(&w).unwrap();
    let back: World = serde_json::from_str(&json).unwrap();
    assert_eq!(serde_json::to_string(&back).unwrap(), json);
    let input = parse_documents(&serde_json::from_str(&json).unwrap());
    assert!(validate_input(&input, FIXTURE_NOW).is_empty());
}

#[wasm_bindgen_test]
fn rest_example_validates() {
    let doc: serde_json::Value =
        serde_json::from_str(include_str!("fixtures/GalleryImageVersion_Create.json")).unwrap();
    let input = parse_documents(&doc);
    assert_eq!(input.resources.len(), 4);
    assert!(validate_input(&input, FIXTURE_NOW).is_empty());
}

#[wasm_bindgen_test]
fn check_previews_without_changing_the_world() {
    let w = testing::world_with(1, 1, 1);
    let before = serde_json::to_string(&w).unwrap();
    let bad = Command::CreateGallery {
        id: gallery_id(SUB, RG, "bad-name"),
        resource: testing::gallery_body(),
    };
    let verdict = sig_core::check(&w, &Actor::system(), &bad, FIXTURE_NOW).unwrap();
    assert_eq!(verdict.unwrap_err().code(), Code::GalleryNameInvalid);
    assert_eq!(serde_json::to_string(&w).unwrap(), before);
}

#[wasm_bindgen_test]
fn replica_advice_and_target_region_syntax() {
    let advice = sig_core::replicas::recommend(&sig_core::replicas::RegionDemand {
        region: None,
        concurrent_vms: 120,
        scale_sets: Vec::new(),
    });
    assert_eq!(
        advice.recommended_replicas, 6,
        "seed: 120 concurrent VMs -> 6 replicas"
    );
    let spec = sig_core::target_regions::parse_entry("eastus=2=standard_zrs").unwrap();
    assert_eq!(spec.regional_replica_count, Some(2));
    assert!(sig_core::target_regions::parse_entry("eastus=two").is_err());
}

#[wasm_bindgen_test]
fn access_is_denied_without_an_assignment() {
    let mut w = sig_core::testing::example::contoso_fabrikam();
    let stranger = Actor::new("nobody@nowhere.example");
    let refused = apply(
        &mut w,
        &stranger,
        Command::CreateGallery {
            id: gallery_id(SUB, RG, "sneaky"),
            resource: testing::gallery_body(),
        },
        FIXTURE_NOW,
    )
    .unwrap_err();
    assert_eq!(refused.code(), Code::AuthorizationFailed);
}

/// A key lower-cases its id's ASCII letters eight bytes a turn (`ids::Key::new`), on wasm as
/// natively: every byte value, in every place of a word, compared with std's lower-casing.
#[wasm_bindgen_test]
fn keys_lower_case_ascii_as_std_does() {
    let every: String = (0..=255u8).map(char::from).collect();
    for start in 0..9 {
        let text: String = every.chars().cycle().skip(start).take(300).collect();
        assert_eq!(
            sig_core::ids::Key::new(&text).as_str(),
            text.to_ascii_lowercase()
        );
    }
}
