//! Deterministic fixture worlds for tests, benchmarks (here and in the CLI) and demos.
//!
//! Everything is built through [`crate::apply`], so the fixtures obey every rule.

pub mod example;

use crate::arm;
use crate::command::{apply, gallery_id, image_id, version_id, Actor, Command};
use crate::kinds::{HyperVGeneration, OsState, OsType};
use crate::regions::RegionName;
use crate::sources::{Source, SourceKind};
use crate::world::World;
use time::macros::datetime;
use time::OffsetDateTime;

/// The fixed clock fixtures are built at.
pub const FIXTURE_NOW: OffsetDateTime = datetime!(2020-06-01 12:00 UTC);
/// Fixture tenant.
pub const TENANT: &str = "00000000-0000-0000-0000-0000000000aa";
/// Fixture subscription.
pub const SUBSCRIPTION: &str = "00000000-0000-0000-0000-000000000001";
/// Fixture resource group.
pub const RESOURCE_GROUP: &str = "rg";
/// Fixture region (a seed source region without zones).
pub const REGION: &str = "westus";

/// Id of the managed image every fixture version is made from.
pub fn source_image_id() -> String {
    format!("/subscriptions/{SUBSCRIPTION}/resourceGroups/{RESOURCE_GROUP}/providers/Microsoft.Compute/images/base")
}

/// Gallery name number `g`.
pub fn gallery_name(g: usize) -> String {
    format!("g{g:03}")
}
/// Definition name number `i`.
pub fn image_name(i: usize) -> String {
    format!("i{i:02}")
}
/// Version name number `v`.
pub fn version_name(v: usize) -> String {
    format!("1.0.{v}")
}

/// A gallery body.
pub fn gallery_body() -> arm::Gallery {
    arm::Gallery {
        location: Some(REGION.into()),
        ..Default::default()
    }
}

/// A Linux / generalized / V1 definition body with a unique publisher/offer/SKU per (gallery, image).
pub fn image_body(g: usize, i: usize) -> arm::GalleryImage {
    arm::GalleryImage {
        location: Some(REGION.into()),
        properties: Some(arm::GalleryImageProperties {
            os_type: Some("Linux".into()),
            os_state: Some("Generalized".into()),
            identifier: Some(arm::GalleryImageIdentifier {
                publisher: Some("contoso".into()),
                offer: Some(format!("offer{g}")),
                sku: Some(format!("sku{i}")),
                extra: Default::default(),
            }),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// A version body made from the fixture managed image, replicated to the source region only.
pub fn version_body() -> arm::GalleryImageVersion {
    arm::GalleryImageVersion {
        location: Some(REGION.into()),
        properties: Some(arm::GalleryImageVersionProperties {
            publishing_profile: Some(arm::PublishingProfile {
                target_regions: Some(vec![arm::TargetRegion {
                    name: Some(REGION.into()),
                    regional_replica_count: Some(1),
                    ..Default::default()
                }]),
                ..Default::default()
            }),
            storage_profile: Some(arm::StorageProfile {
                source: Some(arm::ImageSource {
                    id: Some(source_image_id()),
                    ..Default::default()
                }),
                ..Default::default()
            }),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// A generalized Linux managed image in West US with a 30 GiB OS disk: the source the fixtures
/// and the example publish from.
pub fn linux_image_source(id: String) -> Source {
    Source {
        id,
        kind: SourceKind::ManagedImage,
        location: RegionName::new("westus").expect("westus is a region"),
        os_type: Some(OsType::Linux),
        os_state: Some(OsState::Generalized),
        hyper_v_generation: Some(HyperVGeneration::V1),
        os_disk_size_gb: Some(30),
        data_disks: Vec::new(),
        storage_account_id: None,
    }
}

/// Tenant + subscription + resource group + the managed image source.
pub fn base_world() -> World {
    let mut w = World::new();
    let a = Actor::system();
    let region = RegionName::new(REGION)
        .map(|r| r.as_str())
        .unwrap_or(REGION);
    let setup = [
        Command::CreateTenant {
            id: TENANT.into(),
            display_name: "Contoso".into(),
        },
        Command::CreateSubscription {
            id: SUBSCRIPTION.into(),
            tenant_id: TENANT.into(),
            display_name: "Production".into(),
            allow_listed_regions: false,
        },
        Command::CreateResourceGroup {
            subscription_id: SUBSCRIPTION.into(),
            name: RESOURCE_GROUP.into(),
            location: region.into(),
        },
    ];
    for c in setup {
        apply(&mut w, &a, c, FIXTURE_NOW).expect("fixture setup is valid");
    }
    if let Some(location) = RegionName::new(REGION) {
        let src = Source {
            location,
            ..linux_image_source(source_image_id())
        };
        apply(&mut w, &a, Command::CreateSource(src), FIXTURE_NOW)
            .expect("fixture source is valid");
    }
    w
}

/// A world with `galleries` × `images_per_gallery` × `versions_per_image` resources in one
/// subscription and region. Panics only if the shape exceeds the limits (a programming error).
pub fn world_with(galleries: usize, images_per_gallery: usize, versions_per_image: usize) -> World {
    let mut w = base_world();
    let a = Actor::system();
    for g in 0..galleries {
        let gn = gallery_name(g);
        apply(
            &mut w,
            &a,
            Command::CreateGallery {
                id: gallery_id(SUBSCRIPTION, RESOURCE_GROUP, &gn),
                resource: gallery_body(),
            },
            FIXTURE_NOW,
        )
        .expect("gallery within limits");
        for i in 0..images_per_gallery {
            let inn = image_name(i);
            apply(
                &mut w,
                &a,
                Command::CreateImage {
                    id: image_id(SUBSCRIPTION, RESOURCE_GROUP, &gn, &inn),
                    resource: image_body(g, i),
                },
                FIXTURE_NOW,
            )
            .expect("image within limits");
            for v in 0..versions_per_image {
                apply(
                    &mut w,
                    &a,
                    Command::CreateVersion {
                        id: version_id(SUBSCRIPTION, RESOURCE_GROUP, &gn, &inn, &version_name(v)),
                        resource: version_body(),
                    },
                    FIXTURE_NOW,
                )
                .expect("version within limits");
            }
        }
    }
    w
}

/// The full-limits world: 100 galleries, 1,000 definitions, 10,000 versions in one subscription and region.
pub fn full_limits_world() -> World {
    world_with(100, 10, 10)
}

/// A small world with 100 versions (1 gallery, 10 definitions × 10 versions).
pub fn hundred_version_world() -> World {
    world_with(1, 10, 10)
}
