//! The realistic example state shipped as `examples/state/contoso-fabrikam.json`: three
//! tenants, a guest, a multi-tenant app with service principals in two other tenants, nested
//! groups, galleries with definitions and versions, and role assignments at every scope level.
//! Built only through [`crate::apply`] with real actors, so it also exercises authorization; a
//! test keeps the JSON file equal to what this produces.

use crate::command::{apply, gallery_id, image_id, version_id, Actor, Command};
use crate::iam::directory::derived_guid;
use crate::iam::roles::{
    Permission, RoleDefinition, RoleDefinitionProperties, ROLE_DEFINITION_TYPE,
};
use crate::protocol::requests::{
    GroupMembership, GuestInvitation, NewApplication, NewGroup, NewRoleAssignment,
    NewServicePrincipal, NewUser,
};
use crate::sources::Source;
use crate::testing::{gallery_body, image_body, version_body, FIXTURE_NOW};
use crate::world::World;

/// Contoso (publisher of the images).
pub const CONTOSO: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";
/// Fabrikam (a consumer, and home of a multi-tenant deployment app).
pub const FABRIKAM: &str = "4b0a4b57-33a1-4c1d-9d43-6c1f3b2a0f10";
/// Northwind (consents to Fabrikam's app).
pub const NORTHWIND: &str = "9c3e2d1f-5a6b-4c7d-8e9f-0a1b2c3d4e5f";
/// Contoso's image subscription.
pub const CONTOSO_SUB: &str = "2b7e1c4d-9a3f-4b8e-8c2d-5f6a7b8c9d0e";
/// Fabrikam's production subscription.
pub const FABRIKAM_SUB: &str = "6f1d2c3b-4a59-4e8f-9d0c-1b2a3c4d5e6f";
/// Northwind's subscription.
pub const NORTHWIND_SUB: &str = "0d9c8b7a-6f5e-4d3c-2b1a-0f9e8d7c6b5a";
/// Contoso's subscription Owner (creates the subscription).
pub const ADMIN: &str = "admin@contoso.onmicrosoft.com";
/// Fabrikam's admin.
pub const CAROL: &str = "carol@fabrikam.com";
/// Northwind's admin.
pub const ERIN: &str = "erin@northwind.example";
/// The multi-tenant app's client id.
pub const DEPLOYER_APP: &str = "5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b";

fn source(sub: &str, rg: &str, name: &str) -> Source {
    super::linux_image_source(format!(
        "/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Compute/images/{name}"
    ))
}

/// Applies one step of the example as `actor` ("system" for the simulator); a refusal is a bug
/// in the example, so it panics naming the command.
fn run_as(w: &mut World, actor: &str, c: Command, now: time::OffsetDateTime) {
    let a = if actor == "system" {
        Actor::system()
    } else {
        Actor::new(actor)
    };
    let shown = format!("{c:?}");
    if let Err(e) = apply(w, &a, c, now) {
        panic!("example command refused: {shown}: {e}");
    }
}

fn version_from(sub: &str, rg: &str, image: &str) -> crate::arm::GalleryImageVersion {
    let mut v = version_body();
    if let Some(src) = v
        .properties
        .as_mut()
        .and_then(|p| p.storage_profile.as_mut())
        .and_then(|s| s.source.as_mut())
    {
        src.id = Some(source(sub, rg, image).id);
    }
    v
}

fn user(tenant: &str, upn: &str, name: &str) -> Command {
    Command::CreateUser(NewUser {
        tenant_id: tenant.into(),
        user_principal_name: upn.into(),
        display_name: name.into(),
        id: None,
    })
}

fn assign(scope: &str, role: &str, principal: &str) -> Command {
    Command::CreateRoleAssignment(NewRoleAssignment {
        scope: scope.into(),
        role_definition_id: role.into(),
        principal_id: principal.into(),
        name: None,
    })
}

/// Object id the example gives a group (derived like `CreateGroup` does).
pub fn group_id(tenant: &str, name: &str) -> String {
    derived_guid(&["group", tenant, name])
}

/// Builds the example world. Panics only if the core refuses its own example (a bug).
pub fn contoso_fabrikam() -> World {
    let mut w = World::new();
    let now = FIXTURE_NOW;
    let mut run = |actor: &str, c: Command| run_as(&mut w, actor, c, now);
    // Tenants are created by their admins, who become their first member users.
    run(
        ADMIN,
        Command::CreateTenant {
            id: CONTOSO.into(),
            display_name: "Contoso".into(),
        },
    );
    run(
        CAROL,
        Command::CreateTenant {
            id: FABRIKAM.into(),
            display_name: "Fabrikam".into(),
        },
    );
    run(
        ERIN,
        Command::CreateTenant {
            id: NORTHWIND.into(),
            display_name: "Northwind Traders".into(),
        },
    );
    for (actor, sub, tenant, name) in [
        (ADMIN, CONTOSO_SUB, CONTOSO, "Contoso Images"),
        (CAROL, FABRIKAM_SUB, FABRIKAM, "Fabrikam Production"),
        (ERIN, NORTHWIND_SUB, NORTHWIND, "Northwind"),
    ] {
        run(
            actor,
            Command::CreateSubscription {
                id: sub.into(),
                tenant_id: tenant.into(),
                display_name: name.into(),
                allow_listed_regions: false,
            },
        );
    }
    run(
        ADMIN,
        Command::CreateResourceGroup {
            subscription_id: CONTOSO_SUB.into(),
            name: "rg-images".into(),
            location: "westus".into(),
        },
    );
    run(
        CAROL,
        Command::CreateResourceGroup {
            subscription_id: FABRIKAM_SUB.into(),
            name: "rg-apps".into(),
            location: "westus".into(),
        },
    );
    run(
        ERIN,
        Command::CreateResourceGroup {
            subscription_id: NORTHWIND_SUB.into(),
            name: "rg-vms".into(),
            location: "westus".into(),
        },
    );

    // Directory: Contoso's people, nested groups, a guest from Fabrikam, a multi-tenant app.
    run(
        ADMIN,
        user(CONTOSO, "alice@contoso.onmicrosoft.com", "Alice Publisher"),
    );
    run(
        ADMIN,
        user(CONTOSO, "bob@contoso.onmicrosoft.com", "Bob Builder"),
    );
    run(CAROL, user(FABRIKAM, "dave@fabrikam.com", "Dave Consumer"));
    run(
        ADMIN,
        Command::InviteGuest(GuestInvitation {
            tenant_id: CONTOSO.into(),
            user: CAROL.into(),
            id: None,
        }),
    );
    for g in ["Image Consumers", "Build Agents"] {
        run(
            ADMIN,
            Command::CreateGroup(NewGroup {
                tenant_id: CONTOSO.into(),
                display_name: g.into(),
                id: None,
            }),
        );
    }
    let consumers = group_id(CONTOSO, "Image Consumers");
    let agents = group_id(CONTOSO, "Build Agents");
    run(
        ADMIN,
        Command::AddGroupMember(GroupMembership {
            group_id: consumers.clone(),
            member_id: agents.clone(),
        }),
    );
    run(
        ADMIN,
        Command::AddGroupMember(GroupMembership {
            group_id: agents.clone(),
            member_id: "bob@contoso.onmicrosoft.com".into(),
        }),
    );
    run(
        CAROL,
        Command::RegisterApplication(NewApplication {
            tenant_id: FABRIKAM.into(),
            display_name: "Fabrikam Image Deployer".into(),
            app_id: Some(DEPLOYER_APP.into()),
            multi_tenant: true,
        }),
    );
    run(
        ADMIN,
        Command::CreateServicePrincipal(NewServicePrincipal {
            tenant_id: CONTOSO.into(),
            app_id: DEPLOYER_APP.into(),
        }),
    );
    run(
        ERIN,
        Command::CreateServicePrincipal(NewServicePrincipal {
            tenant_id: NORTHWIND.into(),
            app_id: DEPLOYER_APP.into(),
        }),
    );
    let deployer_in_contoso = w
        .access()
        .service_principal_in(DEPLOYER_APP, CONTOSO)
        .map(|e| e.object.id().to_string())
        .unwrap_or_default();
    let mut run = |actor: &str, c: Command| run_as(&mut w, actor, c, now);
    run(
        ADMIN,
        Command::AddGroupMember(GroupMembership {
            group_id: agents.clone(),
            member_id: deployer_in_contoso.clone(),
        }),
    );

    // Resources.
    let rg = "rg-images";
    run(
        ADMIN,
        Command::CreateSource(source(CONTOSO_SUB, rg, "ubuntu-base")),
    );
    run(
        ADMIN,
        Command::CreateSource(source(CONTOSO_SUB, rg, "appliance-base")),
    );
    let gallery = gallery_id(CONTOSO_SUB, rg, "ContosoImages");
    run(
        ADMIN,
        Command::CreateGallery {
            id: gallery.clone(),
            resource: gallery_body(),
        },
    );
    let ubuntu = image_id(CONTOSO_SUB, rg, "ContosoImages", "ubuntu-22");
    let appliance = image_id(CONTOSO_SUB, rg, "ContosoImages", "appliance");
    run(
        ADMIN,
        Command::CreateImage {
            id: ubuntu.clone(),
            resource: image_body(0, 0),
        },
    );
    run(
        ADMIN,
        Command::CreateImage {
            id: appliance.clone(),
            resource: image_body(0, 1),
        },
    );
    let subscription = format!("/subscriptions/{CONTOSO_SUB}");
    run(
        ADMIN,
        assign(
            &gallery,
            "Compute Gallery Artifacts Publisher",
            "alice@contoso.onmicrosoft.com",
        ),
    );
    // Publishing from a managed image needs read access to it as well as the gallery role.
    for source in ["ubuntu-base", "appliance-base"] {
        run(
            ADMIN,
            assign(
                &format!("/subscriptions/{CONTOSO_SUB}/resourceGroups/{rg}/providers/Microsoft.Compute/images/{source}"),
                "Reader",
                "alice@contoso.onmicrosoft.com",
            ),
        );
    }
    // Alice publishes the versions (allowed by her gallery-level role and those reads).
    run(
        "alice@contoso.onmicrosoft.com",
        Command::CreateVersion {
            id: version_id(CONTOSO_SUB, rg, "ContosoImages", "ubuntu-22", "1.0.0"),
            resource: version_from(CONTOSO_SUB, rg, "ubuntu-base"),
        },
    );
    run(
        "alice@contoso.onmicrosoft.com",
        Command::CreateVersion {
            id: version_id(CONTOSO_SUB, rg, "ContosoImages", "ubuntu-22", "1.1.0"),
            resource: version_from(CONTOSO_SUB, rg, "ubuntu-base"),
        },
    );
    let appliance_v1 = version_id(CONTOSO_SUB, rg, "ContosoImages", "appliance", "1.0.0");
    run(
        "alice@contoso.onmicrosoft.com",
        Command::CreateVersion {
            id: appliance_v1.clone(),
            resource: version_from(CONTOSO_SUB, rg, "appliance-base"),
        },
    );

    // Sharing: the gallery to a (nested) group, a definition to the guest, one version to the app.
    run(
        ADMIN,
        assign(&gallery, "Compute Gallery Image Reader", &consumers),
    );
    let carol_guest = w
        .access()
        .guest_in(&home_id(&w, CAROL), CONTOSO)
        .map(|e| e.object.id().to_string())
        .unwrap_or_default();
    let mut run = |actor: &str, c: Command| run_as(&mut w, actor, c, now);
    run(ADMIN, assign(&ubuntu, "Reader", &carol_guest));
    run(ADMIN, assign(&appliance_v1, "Reader", &deployer_in_contoso));
    run(
        ADMIN,
        assign(
            &subscription,
            "User Access Administrator",
            "bob@contoso.onmicrosoft.com",
        ),
    );
    run(ADMIN, Command::CreateRoleDefinition(RoleDefinition {
        id: String::new(),
        name: derived_guid(&["role", CONTOSO, "Gallery Version Auditor"]),
        resource_type: ROLE_DEFINITION_TYPE.into(),
        properties: RoleDefinitionProperties {
            role_name: "Gallery Version Auditor".into(),
            description: "Reads galleries and everything in them, except image versions' contents cannot be changed.".into(),
            role_type: "CustomRole".into(),
            permissions: vec![Permission { actions: vec!["Microsoft.Compute/galleries/*/read".into(), "Microsoft.Compute/galleries/read".into()], not_actions: vec!["Microsoft.Compute/galleries/images/versions/read".into()], ..Default::default() }],
            assignable_scopes: vec![subscription.clone()],
            extra: Default::default(),
        },
    }));
    run(
        ADMIN,
        assign(
            &format!("{subscription}/resourceGroups/{rg}"),
            "Gallery Version Auditor",
            "bob@contoso.onmicrosoft.com",
        ),
    );
    // Fabrikam's side: its own gallery; Carol shares it with Northwind's consented app.
    run(
        CAROL,
        Command::CreateSource(source(FABRIKAM_SUB, "rg-apps", "web-base")),
    );
    let fab_gallery = gallery_id(FABRIKAM_SUB, "rg-apps", "FabrikamApps");
    run(
        CAROL,
        Command::CreateGallery {
            id: fab_gallery.clone(),
            resource: gallery_body(),
        },
    );
    run(
        CAROL,
        Command::CreateImage {
            id: image_id(FABRIKAM_SUB, "rg-apps", "FabrikamApps", "web"),
            resource: image_body(1, 0),
        },
    );
    run(
        CAROL,
        Command::CreateVersion {
            id: version_id(FABRIKAM_SUB, "rg-apps", "FabrikamApps", "web", "2.0.0"),
            resource: version_from(FABRIKAM_SUB, "rg-apps", "web-base"),
        },
    );
    run(CAROL, assign(&fab_gallery, "Reader", "dave@fabrikam.com"));
    w
}

fn home_id(w: &World, upn: &str) -> String {
    w.access()
        .user_by_upn(upn)
        .map(|e| e.object.id().to_string())
        .unwrap_or_default()
}
