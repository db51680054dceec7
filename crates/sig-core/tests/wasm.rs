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
