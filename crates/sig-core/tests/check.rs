//! `check` gives the verdict `apply` would give, without changing the world: the portal
//! relies on it to show the core's errors while the user types.

use sig_core::command::{gallery_id, image_id};
use sig_core::testing::{self, RESOURCE_GROUP, SUBSCRIPTION};
use sig_core::{apply, check, Actor, Code, Command};
use time::macros::datetime;

#[test]
fn check_matches_apply_and_changes_nothing() {
    let now = datetime!(2026-11-26 12:00 UTC);
    // The simulator itself: this test is about rules, not authorization (see tests/access.rs).
    let actor = Actor::system();
    let mut world = testing::base_world();
    let before = serde_json::to_value(&world).unwrap();

    let bad = Command::CreateGallery {
        id: gallery_id(SUBSCRIPTION, RESOURCE_GROUP, "my-gallery"),
        resource: testing::gallery_body(),
    };
    let verdict = check(&world, &actor, &bad, now).expect("gallery commands are checkable");
    let refused = verdict.expect_err("dashes are not allowed in gallery names");
    assert_eq!(refused.code(), Code::GalleryNameInvalid);
    assert_eq!(
        serde_json::to_value(&world).unwrap(),
        before,
        "check changed the world"
    );
    assert_eq!(
        apply(&mut world, &actor, bad, now).expect_err("apply refuses too"),
        refused
    );

    let good = Command::CreateGallery {
        id: gallery_id(SUBSCRIPTION, RESOURCE_GROUP, "myGallery"),
        resource: testing::gallery_body(),
    };
    assert!(check(&world, &actor, &good, now).unwrap().is_ok());
    assert_eq!(world.galleries().count(), 0, "check created nothing");
    apply(&mut world, &actor, good.clone(), now).unwrap();

    // Once it exists, the same create is refused by both.
    let again = check(&world, &actor, &good, now)
        .unwrap()
        .expect_err("exists");
    assert_eq!(again.code(), Code::Conflict);

    // Duplicate publisher/offer/SKU is found before anything is written.
    let gal = gallery_id(SUBSCRIPTION, RESOURCE_GROUP, "myGallery");
    let first = Command::CreateImage {
        id: image_id(SUBSCRIPTION, RESOURCE_GROUP, "myGallery", "web"),
        resource: testing::image_body(0, 0),
    };
    apply(&mut world, &actor, first, now).unwrap();
    let twin = Command::CreateImage {
        id: image_id(SUBSCRIPTION, RESOURCE_GROUP, "myGallery", "web2"),
        resource: testing::image_body(0, 0),
    };
    let dup = check(&world, &actor, &twin, now)
        .unwrap()
        .expect_err("duplicate");
    assert_eq!(dup.code(), Code::DuplicateIdentifier);

    // Deleting a gallery with children is refused with the children named.
    let del = check(&world, &actor, &Command::DeleteGallery { id: gal }, now)
        .unwrap()
        .expect_err("not empty");
    assert_eq!(del.code(), Code::CannotDeleteResource);
    assert!(del.first_error().unwrap().message.contains("web"));
}

#[test]
fn setup_commands_are_not_previewed() {
    let world = testing::base_world();
    let cmd = Command::CreateTenant {
        id: "t2".into(),
        display_name: "Fabrikam".into(),
    };
    assert!(check(
        &world,
        &Actor::system(),
        &cmd,
        datetime!(2026-11-26 12:00 UTC)
    )
    .is_none());
}
