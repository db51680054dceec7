//! Deploying from an image version needs `.../versions/read` on it (seed, Access: "Once a user has
//! access to the Shared Image version, they can deploy a VM"), granted at the version, its
//! definition or its gallery, and never by default.

use sig_core::command::{gallery_id, image_id, version_id};
use sig_core::deploy::{check_deployment, DeploymentRequest};
use sig_core::protocol::requests::{NewRoleAssignment, NewUser};
use sig_core::testing::{self, FIXTURE_NOW, RESOURCE_GROUP as RG, SUBSCRIPTION as SUB, TENANT};
use sig_core::{apply, Actor, Code, Command};
use time::Duration;

const DEV: &str = "dev@contoso.example";

fn denied(world: &sig_core::World, image: &str) -> bool {
    let request = DeploymentRequest {
        security_type: None,
        region: "westus".into(),
        image: image.into(),
        instances: 1,
        scale_set: false,
        os_profile: true,
        current_managed_image: None,
        principal: Some(DEV.into()),
        subscription: None,
    };
    let later = FIXTURE_NOW + Duration::days(2);
    check_deployment(world, &request, later)
        .diagnostics
        .iter()
        .any(|d| d.code == Code::AuthorizationFailed)
}

#[test]
fn deploying_needs_read_on_the_version_granted_at_any_level_above_it() {
    for scope in [
        gallery_id(SUB, RG, "g000"),
        image_id(SUB, RG, "g000", "i00"),
        version_id(SUB, RG, "g000", "i00", "1.0.0"),
    ] {
        let mut world = testing::world_with(1, 1, 1);
        let system = Actor::system();
        apply(
            &mut world,
            &system,
            Command::CreateUser(NewUser {
                tenant_id: TENANT.into(),
                user_principal_name: DEV.into(),
                display_name: "Dev".into(),
                id: None,
            }),
            FIXTURE_NOW,
        )
        .unwrap();
        let version = version_id(SUB, RG, "g000", "i00", "1.0.0");
        let latest = image_id(SUB, RG, "g000", "i00");
        assert!(denied(&world, &version), "nothing is shared by default");
        assert!(
            denied(&world, &latest),
            "'latest' resolves to a version the user cannot read"
        );

        apply(
            &mut world,
            &system,
            Command::CreateRoleAssignment(NewRoleAssignment {
                scope: scope.clone(),
                role_definition_id: "Compute Gallery Image Reader".into(),
                principal_id: DEV.into(),
                name: None,
            }),
            FIXTURE_NOW,
        )
        .unwrap();
        assert!(!denied(&world, &version), "shared at {scope}");
        assert!(!denied(&world, &latest), "shared at {scope}, latest too");
    }
}
