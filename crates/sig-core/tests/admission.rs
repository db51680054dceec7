//! One admission path: whatever a command refuses, a state file that holds the same situation is
//! refused on import with the same code; whatever commands build, export → import gives back
//! exactly. Random worlds over small pools of names (so conflicts, missing parents, foreign
//! tenants and cycles are common) are built by commands; then one more create command is tried.
//! If the core refuses it, the world's export plus that command's resource (written where a file
//! writes it) must be refused by import with the same code.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use serde_json::{json, Value};
use sig_core::access::assignments::{assignment_id, ROLE_ASSIGNMENT_TYPE};
use sig_core::access::directory::{self, derived_guid, Group, MemberRef, User};
use sig_core::command::{gallery_id, image_id, version_id};
use sig_core::protocol::requests::{
    GroupMembership, GuestInvitation, NewApplication, NewGroup, NewRoleAssignment,
    NewServicePrincipal, NewUser,
};
use sig_core::testing::{self, FIXTURE_NOW, SUBSCRIPTION as SUB, TENANT};
use sig_core::{apply, Actor, Code, Command, CommandError, World};
use std::collections::BTreeMap;

const TENANTS: &[&str] = &[TENANT, "t1", "t/2"];
const SUBS: &[&str] = &[SUB, "s1"];
const GROUPS_OF_RESOURCES: &[&str] = &["rg", "rg2", "bad name."];
const GALLERIES: &[&str] = &["g0", "G0", "g1", "bad-name"];
const IMAGES: &[&str] = &["i0", "i1", "bad_"];
const VERSIONS: &[&str] = &["1.0.0", "1.0.1", "1.0"];
const REGIONS: &[&str] = &["westus", "eastus", "nowhere"];
const USERS: &[&str] = &["u0", "u1", "u2"];
const GUESTS: &[&str] = &["x0", "x1"];
const SEC_GROUPS: &[&str] = &["grp0", "grp1", "grp2"];
const APPS: &[&str] = &["app0", "app1"];
const ROLE_NAMES: &[&str] = &[
    "Reader",
    "Owner",
    "11111111-1111-1111-1111-111111111111",
    "Nope",
];

/// Principals a membership or an assignment may name: users, guests, groups, applications'
/// service principals (by their derived ids) and one that exists nowhere.
fn principals() -> Vec<String> {
    let mut p: Vec<String> = USERS
        .iter()
        .chain(GUESTS)
        .chain(SEC_GROUPS)
        .map(|s| s.to_string())
        .collect();
    for app in APPS {
        for t in TENANTS {
            p.push(derived_guid(&["servicePrincipal", app, t]));
        }
    }
    p.push("ghost".into());
    p
}

fn scopes() -> Vec<String> {
    vec![
        format!("/subscriptions/{SUB}"),
        format!("/subscriptions/{SUB}/resourceGroups/rg"),
        gallery_id(SUB, "rg", "g0"),
        image_id(SUB, "rg", "g0", "i0"),
        "/subscriptions/s1".into(),
        "not-a-scope".into(),
    ]
}

#[derive(Debug, Clone)]
enum Op {
    Tenant(usize),
    Subscription(usize, usize),
    ResourceGroup(usize, usize, usize),
    Gallery(usize, usize, usize),
    Image(usize, usize, usize, usize),
    Version(usize, usize, usize, usize, usize),
    User(usize, usize, usize),
    Guest(usize, usize, usize),
    Group(usize, usize),
    Member(usize, usize),
    App(usize, usize, bool),
    ServicePrincipal(usize, usize),
    Role(usize, usize),
    Assignment(usize, usize, usize, usize),
}

fn op() -> impl Strategy<Value = Op> {
    let t = 0..TENANTS.len();
    let n = principals().len();
    prop_oneof![
        1 => t.clone().prop_map(Op::Tenant),
        1 => (0..SUBS.len(), t.clone()).prop_map(|(s, t)| Op::Subscription(s, t)),
        1 => (0..SUBS.len(), 0..GROUPS_OF_RESOURCES.len(), 0..2usize).prop_map(|(s, g, r)| Op::ResourceGroup(s, g, r)),
        2 => (0..2usize, 0..GALLERIES.len(), 0..REGIONS.len()).prop_map(|(g, n, r)| Op::Gallery(g, n, r)),
        2 => (0..2usize, 0..GALLERIES.len(), 0..IMAGES.len(), 0..3usize).prop_map(|(g, n, i, s)| Op::Image(g, n, i, s)),
        2 => (0..2usize, 0..GALLERIES.len(), 0..IMAGES.len(), 0..VERSIONS.len(), 0..REGIONS.len())
            .prop_map(|(g, n, i, v, r)| Op::Version(g, n, i, v, r)),
        2 => (t.clone(), 0..USERS.len(), 0..4usize).prop_map(|(t, u, a)| Op::User(t, u, a)),
        2 => (t.clone(), 0..USERS.len(), 0..GUESTS.len()).prop_map(|(t, u, g)| Op::Guest(t, u, g)),
        2 => (t.clone(), 0..SEC_GROUPS.len()).prop_map(|(t, g)| Op::Group(t, g)),
        3 => (0..SEC_GROUPS.len(), 0..n).prop_map(|(g, m)| Op::Member(g, m)),
        1 => (t.clone(), 0..APPS.len(), any::<bool>()).prop_map(|(t, a, m)| Op::App(t, a, m)),
        1 => (t, 0..APPS.len()).prop_map(|(t, a)| Op::ServicePrincipal(t, a)),
        1 => (0..4usize, 0..3usize).prop_map(|(s, k)| Op::Role(s, k)),
        3 => (0..scopes().len(), 0..ROLE_NAMES.len(), 0..n, 0..3usize).prop_map(|(s, r, p, k)| Op::Assignment(s, r, p, k)),
        // The seed's assignment again under another name, and the seed's group into itself or
        // into a group it contains: refusals the random picks above reach too rarely.
        1 => (1..3usize).prop_map(|k| Op::Assignment(0, 0, 0, k)),
        1 => (5..7usize).prop_map(|g| Op::Member(1, g)),
    ]
}

fn from<T: serde::de::DeserializeOwned>(v: Value) -> T {
    serde_json::from_value(v).expect("a well-formed body")
}

fn command(op: &Op) -> Command {
    let rg = |g: usize| GROUPS_OF_RESOURCES[g.min(1)];
    match *op {
        Op::Tenant(t) => Command::CreateTenant {
            id: TENANTS[t].into(),
            display_name: format!("Tenant {t}"),
        },
        Op::Subscription(s, t) => Command::CreateSubscription {
            id: SUBS[s].into(),
            tenant_id: TENANTS[t].into(),
            display_name: format!("Sub {s}"),
            allow_listed_regions: false,
        },
        Op::ResourceGroup(s, g, r) => Command::CreateResourceGroup {
            subscription_id: SUBS[s].into(),
            name: GROUPS_OF_RESOURCES[g].into(),
            location: REGIONS[r].into(),
        },
        Op::Gallery(g, n, r) => Command::CreateGallery {
            id: gallery_id(SUB, rg(g), GALLERIES[n]),
            resource: from(json!({"location": REGIONS[r]})),
        },
        Op::Image(g, n, i, s) => {
            let mut b = testing::image_body(0, 0);
            if let Some(id) = b.properties.as_mut().and_then(|p| p.identifier.as_mut()) {
                id.sku = Some(format!("s{s}"));
            }
            Command::CreateImage {
                id: image_id(SUB, rg(g), GALLERIES[n], IMAGES[i]),
                resource: b,
            }
        }
        Op::Version(g, n, i, v, r) => Command::CreateVersion {
            id: version_id(SUB, rg(g), GALLERIES[n], IMAGES[i], VERSIONS[v]),
            resource: from(json!({"location": "westus", "properties": {
                "publishingProfile": {"targetRegions": [{"name": "westus"}, {"name": REGIONS[r]}]},
                "storageProfile": {"source": {"id": testing::source_image_id()}}}})),
        },
        Op::User(t, u, a) => Command::CreateUser(NewUser {
            tenant_id: TENANTS[t].into(),
            user_principal_name: [
                "ann@contoso.example",
                "bob@fabrikam.example",
                "no-at-sign",
                "cy@fabrikam.example",
            ][a]
                .into(),
            display_name: if a == 1 {
                String::new()
            } else {
                format!("User {u}")
            },
            id: Some(USERS[u].into()),
        }),
        Op::Guest(t, u, g) => Command::InviteGuest(GuestInvitation {
            tenant_id: TENANTS[t].into(),
            user: USERS[u].into(),
            id: Some(GUESTS[g].into()),
        }),
        Op::Group(t, g) => Command::CreateGroup(NewGroup {
            tenant_id: TENANTS[t].into(),
            display_name: format!("Group {g}"),
            id: Some(SEC_GROUPS[g].into()),
        }),
        Op::Member(g, m) => Command::AddGroupMember(GroupMembership {
            group_id: SEC_GROUPS[g].into(),
            member_id: principals()[m].clone(),
        }),
        Op::App(t, a, multi) => Command::RegisterApplication(NewApplication {
            tenant_id: TENANTS[t].into(),
            display_name: format!("App {a}"),
            app_id: Some(APPS[a].into()),
            multi_tenant: multi,
        }),
        Op::ServicePrincipal(t, a) => Command::CreateServicePrincipal(NewServicePrincipal {
            tenant_id: TENANTS[t].into(),
            app_id: APPS[a].into(),
        }),
        Op::Role(s, k) => {
            let scopes: Vec<String> = match s {
                0 => vec![format!("/subscriptions/{SUB}")],
                1 => vec![gallery_id(SUB, "rg", "g0")],
                2 => vec![format!("/subscriptions/{SUB}"), "/subscriptions/s1".into()],
                _ => Vec::new(),
            };
            let actions: Vec<&str> = if k == 2 {
                Vec::new()
            } else {
                vec!["Microsoft.Compute/galleries/read"]
            };
            let name = [
                "11111111-1111-1111-1111-111111111111",
                "22222222-2222-2222-2222-222222222222",
                "",
            ][k];
            let role_name = ["Gallery peeker", "Gallery peeker", "Empty"][k];
            Command::CreateRoleDefinition(from(json!({
                "id": "",
                "name": name,
                "properties": {"roleName": role_name,
                    "permissions": [{"actions": actions}], "assignableScopes": scopes}
            })))
        }
        Op::Assignment(s, r, p, k) => Command::CreateRoleAssignment(NewRoleAssignment {
            scope: scopes()[s].clone(),
            role_definition_id: ROLE_NAMES[r].into(),
            principal_id: principals()[p].clone(),
            name: Some(["a0", "a1", "a2"][k].into()),
        }),
    }
}

/// Writes a format 3 export as format 1 (flat `images` and `versions` with ids), the one format
/// that can hold a resource whose parent is missing.
fn flatten(mut doc: Value) -> Value {
    let (mut images, mut versions) = (Vec::new(), Vec::new());
    for g in doc["galleries"].as_array_mut().into_iter().flatten() {
        let gid = g["id"].as_str().unwrap_or_default().to_string();
        let nested = g.as_object_mut().and_then(|o| o.remove("images"));
        for mut i in nested
            .and_then(|v| v.as_array().cloned())
            .unwrap_or_default()
        {
            let iid = format!("{gid}/images/{}", i["name"].as_str().unwrap_or_default());
            let nested = i.as_object_mut().and_then(|o| o.remove("versions"));
            for mut v in nested
                .and_then(|v| v.as_array().cloned())
                .unwrap_or_default()
            {
                v["id"] = json!(format!(
                    "{iid}/versions/{}",
                    v["name"].as_str().unwrap_or_default()
                ));
                versions.push(v);
            }
            i["id"] = json!(iid);
            images.push(i);
        }
    }
    doc["formatVersion"] = json!(1);
    doc["images"] = Value::Array(images);
    doc["versions"] = Value::Array(versions);
    doc
}

/// The directory entry of `tenant` in a document, made when absent.
fn directory_of<'a>(doc: &'a mut Value, tenant: &str) -> &'a mut Value {
    let list = doc
        .as_object_mut()
        .expect("an object")
        .entry("directory")
        .or_insert_with(|| json!([]))
        .as_array_mut()
        .expect("an array");
    let at = match list.iter().position(|d| {
        d["tenantId"]
            .as_str()
            .is_some_and(|t| t.eq_ignore_ascii_case(tenant))
    }) {
        Some(n) => n,
        None => {
            list.push(json!({"tenantId": tenant}));
            list.len() - 1
        }
    };
    &mut list[at]
}

fn push(v: &mut Value, key: &str, item: Value) {
    let o = v.as_object_mut().expect("an object");
    o.entry(key)
        .or_insert_with(|| json!([]))
        .as_array_mut()
        .expect("an array")
        .push(item);
}

/// Adds what `command` would have created to a (flat) document, where a state file keeps it;
/// `None` where the file has no place for it (a member of a group that does not exist).
fn encode(w: &World, doc: &mut Value, command: &Command) -> Option<()> {
    let with_id = |resource: Value, id: &str| {
        let mut r = resource;
        r["id"] = json!(id);
        r
    };
    match command {
        Command::CreateTenant { id, display_name } => push(
            doc,
            "tenants",
            json!({"id": id, "displayName": display_name}),
        ),
        Command::CreateSubscription {
            id,
            tenant_id,
            display_name,
            allow_listed_regions,
        } => push(
            doc,
            "subscriptions",
            json!({"id": id, "tenantId": tenant_id, "displayName": display_name, "allowListedRegions": allow_listed_regions}),
        ),
        Command::CreateResourceGroup {
            subscription_id,
            name,
            location,
        } => {
            // The file's resource group names its region by the catalogue's name: an unknown
            // region cannot be written at all (the document fails to parse).
            sig_core::regions::RegionName::new(location)?;
            push(
                doc,
                "resourceGroups",
                json!({"subscriptionId": subscription_id, "name": name, "location": location}),
            )
        }
        Command::CreateGallery { id, resource } => push(
            doc,
            "galleries",
            with_id(serde_json::to_value(resource).ok()?, id),
        ),
        Command::CreateImage { id, resource } => push(
            doc,
            "images",
            with_id(serde_json::to_value(resource).ok()?, id),
        ),
        Command::CreateVersion { id, resource } => push(
            doc,
            "versions",
            with_id(serde_json::to_value(resource).ok()?, id),
        ),
        Command::CreateUser(u) => {
            let user = User {
                odata_type: directory::USER_ODATA.into(),
                id: u.id.clone()?,
                display_name: u.display_name.clone(),
                user_principal_name: u.user_principal_name.clone(),
                user_type: "Member".into(),
                home_user_id: None,
                external_user_state: None,
            };
            push(
                directory_of(doc, &u.tenant_id),
                "users",
                serde_json::to_value(user).ok()?,
            );
        }
        Command::InviteGuest(g) => {
            let home = w.access().object(&g.user);
            let (name, upn) = match home.map(|e| &e.object) {
                Some(directory::DirectoryObject::User(h)) => {
                    (h.display_name.clone(), h.user_principal_name.clone())
                }
                _ => (
                    "Someone".to_string(),
                    "someone@elsewhere.example".to_string(),
                ),
            };
            let guest = User {
                odata_type: directory::USER_ODATA.into(),
                id: g.id.clone()?,
                display_name: name,
                user_principal_name: format!(
                    "{}#EXT#@{}.example",
                    upn.replace('@', "_"),
                    g.tenant_id
                ),
                user_type: "Guest".into(),
                home_user_id: Some(g.user.clone()),
                external_user_state: Some("Accepted".into()),
            };
            push(
                directory_of(doc, &g.tenant_id),
                "users",
                serde_json::to_value(guest).ok()?,
            );
        }
        Command::CreateGroup(g) => {
            let group = Group {
                odata_type: directory::GROUP_ODATA.into(),
                id: g.id.clone()?,
                display_name: g.display_name.clone(),
                security_enabled: true,
                members: Vec::new(),
            };
            push(
                directory_of(doc, &g.tenant_id),
                "groups",
                serde_json::to_value(group).ok()?,
            );
        }
        Command::AddGroupMember(m) => {
            let odata = w
                .access()
                .object(&m.member_id)
                .map_or(directory::USER_ODATA, |e| e.object.odata_type());
            let member = serde_json::to_value(MemberRef {
                odata_type: odata.into(),
                id: m.member_id.clone(),
            })
            .ok()?;
            let group = doc["directory"]
                .as_array_mut()?
                .iter_mut()
                .filter_map(|d| d.get_mut("groups").and_then(|g| g.as_array_mut()))
                .flatten()
                .find(|g| {
                    g["id"]
                        .as_str()
                        .is_some_and(|id| id.eq_ignore_ascii_case(&m.group_id))
                })?;
            push(group, "members", member);
        }
        Command::RegisterApplication(a) => {
            let app_id = a.app_id.clone()?;
            let d = directory_of(doc, &a.tenant_id);
            push(
                d,
                "applications",
                json!({
                "@odata.type": directory::APPLICATION_ODATA, "id": derived_guid(&["application", &app_id]),
                "appId": app_id, "displayName": a.display_name,
                "signInAudience": if a.multi_tenant { "AzureADMultipleOrgs" } else { "AzureADMyOrg" }}),
            );
            push(
                d,
                "servicePrincipals",
                json!({
                "@odata.type": directory::SERVICE_PRINCIPAL_ODATA, "id": derived_guid(&["servicePrincipal", &app_id, &a.tenant_id]),
                "appId": app_id, "displayName": a.display_name, "appOwnerOrganizationId": a.tenant_id,
                "servicePrincipalType": "Application"}),
            );
        }
        Command::CreateServicePrincipal(s) => push(
            directory_of(doc, &s.tenant_id),
            "servicePrincipals",
            json!({
            "@odata.type": directory::SERVICE_PRINCIPAL_ODATA, "id": derived_guid(&["servicePrincipal", &s.app_id, &s.tenant_id]),
            "appId": s.app_id, "displayName": "App", "appOwnerOrganizationId": s.tenant_id,
            "servicePrincipalType": "Application"}),
        ),
        Command::CreateRoleDefinition(r) => {
            push(doc, "roleDefinitions", serde_json::to_value(r).ok()?)
        }
        Command::CreateRoleAssignment(a) => {
            let name = a.name.clone()?;
            push(
                doc,
                "roleAssignments",
                json!({
                "id": assignment_id(&a.scope, &name), "name": name, "type": ROLE_ASSIGNMENT_TYPE,
                "properties": {"roleDefinitionId": a.role_definition_id, "principalId": a.principal_id, "scope": a.scope}}),
            );
        }
        _ => return None,
    }
    Some(())
}

/// Rules that hold when a resource is created and may stop holding later without anyone
/// breaking them; a restore does not re-run them (see `command::Admission::Restore`).
fn create_time_only(refusal: &CommandError) -> bool {
    let d = refusal.first_error().expect("an error");
    matches!(
        d.code,
        Code::EndOfLifeDateInPast
            | Code::SourceNotFound
            | Code::ApiVersionInvalid
            | Code::FeatureRequiresNewerApiVersion
    ) || (d.code == Code::ResourceNotFound && d.path.starts_with("properties.assignableScopes"))
}

fn import(doc: Value) -> Result<World, CommandError> {
    let e: sig_core::export::WorldExport =
        serde_json::from_value(doc).expect("the document parses");
    World::from_export(e)
}

/// One case: `ops` build a world; `last` is tried on it. Returns the code both the command and
/// the import refused with, when the case reached that comparison.
fn one_case(ops: &[Op], last: &Op) -> Result<Option<Code>, TestCaseError> {
    let mut w = testing::base_world();
    let system = Actor::system();
    // A little directory to start from, so the random part reaches assignments and groups.
    let seed = [
        Op::Tenant(1),
        Op::User(0, 0, 0),
        Op::User(1, 1, 3),
        Op::Group(0, 0),
    ];
    for op in seed.iter().chain(ops) {
        let _ = apply(&mut w, &system, command(op), FIXTURE_NOW);
    }
    // Whatever the commands built comes back exactly.
    let json = serde_json::to_value(&w).unwrap();
    let back = import(json.clone()).map_err(|e| TestCaseError::fail(format!("{ops:?}: {e}")))?;
    prop_assert_eq!(serde_json::to_value(&back).unwrap(), json.clone());
    back.check_invariants()
        .map_err(|e| TestCaseError::fail(e.to_string()))?;

    let candidate = command(last);
    let Err(refusal) = apply(&mut w.clone(), &system, candidate.clone(), FIXTURE_NOW) else {
        return Ok(None);
    };
    let mut doc = flatten(json);
    if encode(&w, &mut doc, &candidate).is_none() {
        return Ok(None);
    }
    match import(doc) {
        Ok(_) => {
            prop_assert!(
                create_time_only(&refusal),
                "{:?} was refused ({}) but its file loads",
                last,
                refusal
            );
            Ok(None)
        }
        Err(loaded) => {
            prop_assert_eq!(
                loaded.code(),
                refusal.code(),
                "{:?}: command said {}, import said {}",
                last,
                refusal,
                loaded
            );
            Ok(Some(loaded.code()))
        }
    }
}

#[test]
fn a_file_holding_what_a_command_refuses_is_refused_with_the_same_code() {
    // A fixed seed: the coverage asserted below must not depend on the run.
    let mut runner = proptest::test_runner::TestRunner::new_with_rng(
        ProptestConfig {
            cases: 512,
            ..ProptestConfig::default()
        },
        proptest::test_runner::TestRng::deterministic_rng(
            proptest::test_runner::RngAlgorithm::ChaCha,
        ),
    );
    let reached = std::sync::Mutex::new(BTreeMap::<String, usize>::new());
    let strategy = (prop::collection::vec(op(), 0..30), op());
    let result = runner.run(&strategy, |(ops, last)| {
        if let Some(code) = one_case(&ops, &last)? {
            *reached
                .lock()
                .unwrap()
                .entry(format!("{code:?}"))
                .or_default() += 1;
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    let reached = reached.into_inner().unwrap();
    println!("refusals compared, by code: {reached:?}");
    // The generator must keep reaching refusals of every family, or the property says little.
    for code in [
        "Conflict",
        "TenantNotFound",
        "SubscriptionNotFound",
        "ResourceGroupNotFound",
        "ParentResourceNotFound",
        "ResourceIdInvalid",
        "InvalidParameter",
        "PrincipalNotFound",
        "GroupMembershipCycle",
        "RoleAssignmentExists",
        "RoleDefinitionDoesNotExist",
        "LocationNotAvailableForResourceType",
        "RequiredPropertyMissing",
    ] {
        assert!(
            reached.contains_key(code),
            "no case compared a {code} refusal: {reached:?}"
        );
    }
}

/// The situations files used to slip past, one by one: a group inside itself (directly or
/// through another group), a duplicate role assignment, a guest in its own home tenant, a member
/// listed twice — each refused on import with the command's code and message.
#[test]
fn the_refusals_that_files_used_to_slip_past_are_refused() {
    let system = Actor::system();
    let mut w = testing::base_world();
    let run = |w: &mut World, c: Command| apply(w, &system, c, FIXTURE_NOW).unwrap();
    run(&mut w, command(&Op::User(0, 0, 0)));
    run(&mut w, command(&Op::Tenant(1)));
    run(&mut w, command(&Op::Group(0, 0)));
    run(&mut w, command(&Op::Group(0, 1)));
    // principals(): u0 u1 u2 x0 x1 grp0 grp1 grp2 ...
    run(&mut w, command(&Op::Member(0, 6)));
    run(&mut w, command(&Op::Assignment(0, 0, 0, 0)));
    let mut cases: BTreeMap<&str, (Command, Code)> = BTreeMap::new();
    cases.insert(
        "group in itself",
        (command(&Op::Member(0, 5)), Code::GroupMembershipCycle),
    );
    cases.insert(
        "group cycle",
        (command(&Op::Member(1, 5)), Code::GroupMembershipCycle),
    );
    cases.insert(
        "duplicate assignment",
        (
            command(&Op::Assignment(0, 0, 0, 1)),
            Code::RoleAssignmentExists,
        ),
    );
    cases.insert(
        "guest at home",
        (command(&Op::Guest(0, 0, 0)), Code::Conflict),
    );
    cases.insert("member twice", (command(&Op::Member(0, 6)), Code::Conflict));
    for (what, (c, code)) in cases {
        let refusal = apply(&mut w.clone(), &system, c.clone(), FIXTURE_NOW).unwrap_err();
        assert_eq!(refusal.code(), code, "{what}: {refusal}");
        let mut doc = flatten(serde_json::to_value(&w).unwrap());
        encode(&w, &mut doc, &c).unwrap();
        let loaded = import(doc)
            .err()
            .unwrap_or_else(|| panic!("{what}: the file loads"));
        assert_eq!(loaded.code(), code, "{what}: {loaded}");
        assert_eq!(
            loaded.first_error().unwrap().message,
            refusal.first_error().unwrap().message,
            "{what}"
        );
    }
}

/// A definition nested in one gallery whose explicit `id` names another gallery is refused: the
/// nesting says where it belongs, and a stray id must not move it elsewhere on import.
#[test]
fn a_nested_resource_whose_id_names_another_parent_is_refused() {
    let w = testing::world_with(2, 1, 0);
    let mut doc = serde_json::to_value(&w).unwrap();
    let elsewhere = image_id(SUB, "rg", &testing::gallery_name(1), "stray");
    doc["galleries"][0]["images"][0]["id"] = json!(elsewhere);
    let refused = import(doc).unwrap_err();
    assert_eq!(refused.code(), Code::ResourceIdInvalid, "{refused}");
    assert!(refused.to_string().contains("another parent"), "{refused}");
}

/// An id is a simulated version or an external version registered as a source, never both, in
/// either order: a file holding both cannot say which came first, so commands refuse both.
#[test]
fn a_version_and_a_source_cannot_share_an_id_in_either_order() {
    let system = Actor::system();
    let mut w = testing::world_with(1, 1, 0);
    let id = version_id(
        SUB,
        "rg",
        &testing::gallery_name(0),
        &testing::image_name(0),
        "1.0.0",
    );
    let source: sig_core::sources::Source = from(json!({
        "id": id, "kind": "GalleryImageVersion", "location": "westus",
        "osType": "Linux", "osState": "Generalized", "osDiskSizeGb": 30
    }));
    apply(
        &mut w,
        &system,
        Command::CreateSource(source.clone()),
        FIXTURE_NOW,
    )
    .unwrap();
    let version = Command::CreateVersion {
        id: id.clone(),
        resource: testing::version_body(),
    };
    let refused = apply(&mut w.clone(), &system, version.clone(), FIXTURE_NOW).unwrap_err();
    assert_eq!(refused.code(), Code::Conflict, "{refused}");
    // The other order: the version first, then the source.
    let mut w = testing::world_with(1, 1, 0);
    apply(&mut w, &system, version, FIXTURE_NOW).unwrap();
    let refused = apply(
        &mut w,
        &system,
        Command::CreateSource(source.clone()),
        FIXTURE_NOW,
    )
    .unwrap_err();
    assert_eq!(refused.code(), Code::Conflict, "{refused}");
    // And a state file that holds both is refused on import, with the same code.
    let mut doc = serde_json::to_value(&w).unwrap();
    doc["sources"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::to_value(&source).unwrap());
    assert_eq!(import(doc).unwrap_err().code(), Code::Conflict);
}

/// The creator of a tenant gets an account derived from their sign-in name. A name the
/// directory would refuse (a `/` in it) must not slip in that way: the world it leaves has to
/// load again, or the portal could not reopen its own saved state.
#[test]
fn a_creator_the_directory_would_refuse_gets_no_account_and_the_world_still_loads() {
    for (who, gets_account) in [
        ("odd/name@contoso.example", false),
        ("admin@contoso.example", true),
    ] {
        let mut w = World::new();
        apply(
            &mut w,
            &Actor::new(who),
            Command::CreateTenant {
                id: "t1".into(),
                display_name: "T".into(),
            },
            FIXTURE_NOW,
        )
        .unwrap();
        assert_eq!(w.access().user_by_upn(who).is_some(), gets_account, "{who}");
        let doc = serde_json::to_value(&w).unwrap();
        import(doc).unwrap_or_else(|e| panic!("{who}: the saved world loads again: {e}"));
    }
}

/// Reading a file in steps (the portal's import and load yield between them) admits exactly
/// what reading it at once does, refuses where reading it at once refuses, and counts every
/// gallery resource it admits.
#[test]
fn reading_in_steps_is_reading_at_once() {
    use sig_core::export::{Reading, WorldExport};
    let world = testing::world_with(3, 2, 3);
    let doc = world.to_export_value();
    // The example: directory, groups, applications, role assignments at every level.
    let example = testing::example::contoso_fabrikam().to_export_value();
    let assignments = example["roleAssignments"].as_array().map_or(0, Vec::len);
    assert!(assignments > 5);
    for (doc, resources) in [(&doc, 3 + 3 * 2 + 3 * 2 * 3), (&example, 0)] {
        for budget in [1, 2, 7, usize::MAX] {
            let mut reading =
                Reading::new(from::<WorldExport>(doc.clone())).expect("setup admitted");
            let (_, total) = reading.progress();
            if resources > 0 {
                assert_eq!(total, resources);
            } else {
                assert!(
                    total > assignments,
                    "gallery resources and role assignments"
                );
            }
            let mut steps = 0;
            while !reading.step(budget).expect("every resource admitted") {
                steps += 1;
                assert!(reading.progress().0 <= total);
            }
            assert_eq!(reading.progress(), (total, total));
            assert!(budget == usize::MAX || steps >= total / budget);
            let (read, _) = reading.finish().expect("the rest admitted");
            assert_eq!(&read.to_export_value(), doc, "budget {budget}");
        }
    }
    // Two versions with the same name under one definition: refused by the step that reaches it,
    // with the code reading at once gives.
    let mut broken = doc.clone();
    broken["galleries"][1]["images"][0]["versions"][0]["name"] = json!("1.0.0");
    broken["galleries"][1]["images"][0]["versions"][1]["name"] = json!("1.0.0");
    let at_once = import(broken.clone()).expect_err("a duplicate version is refused");
    let mut reading = Reading::new(from::<WorldExport>(broken)).expect("setup admitted");
    let in_steps = loop {
        match reading.step(4) {
            Ok(false) => continue,
            Ok(true) => panic!("every step admitted a file reading at once refuses"),
            Err(e) => break e,
        }
    };
    assert_eq!(in_steps.diagnostics[0].code, at_once.diagnostics[0].code);
    assert!(reading.progress().0 < reading.progress().1);
}
