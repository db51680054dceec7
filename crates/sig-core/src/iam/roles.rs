//! Role definitions (`Microsoft.Authorization/roleDefinitions`): the built-in roles the seed and
//! Azure's built-in roles reference (Compute) name, with their real GUIDs, plus custom roles; and
//! the one place where an action is matched against `actions` / `notActions` with wildcards.
//!
//! Action lists: the three Compute Gallery roles are copied from Azure's built-in roles
//! reference (Compute). For Owner, Contributor, Reader and User Access Administrator we chose
//! Azure's published definitions (built-in roles reference, General) as of 2024:
//! * Owner: `*`.
//! * Contributor: `*` minus `Microsoft.Authorization/*/Delete`, `Microsoft.Authorization/*/Write`,
//!   `Microsoft.Authorization/elevateAccess/Action`, `Microsoft.Blueprint/blueprintAssignments/write`,
//!   `Microsoft.Blueprint/blueprintAssignments/delete`, `Microsoft.Compute/galleries/share/action`
//!   (so a Contributor can publish images but not grant access or enable gallery sharing).
//! * Reader: `*/read`.
//! * User Access Administrator: `*/read`, `Microsoft.Authorization/*`, `Microsoft.Support/*`.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// ARM type of a role definition.
pub const ROLE_DEFINITION_TYPE: &str = "Microsoft.Authorization/roleDefinitions";

/// Owner's GUID.
pub const OWNER: &str = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635";
/// Contributor's GUID.
pub const CONTRIBUTOR: &str = "b24988ac-6180-42a0-ab88-20f7382dd24c";
/// Reader's GUID.
pub const READER: &str = "acdd72a7-3385-48ef-bd42-f606fba81ae7";
/// User Access Administrator's GUID.
pub const USER_ACCESS_ADMINISTRATOR: &str = "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9";
/// Compute Gallery Sharing Admin's GUID.
pub const COMPUTE_GALLERY_SHARING_ADMIN: &str = "1ef6a3be-d0ac-425d-8c01-acb62866290b";
/// Compute Gallery Artifacts Publisher's GUID.
pub const COMPUTE_GALLERY_ARTIFACTS_PUBLISHER: &str = "85a2d0d9-2eba-4c9c-b355-11c2cc0788ab";
/// Compute Gallery Image Reader's GUID.
pub const COMPUTE_GALLERY_IMAGE_READER: &str = "cf7c76d2-98a3-4358-a134-615aa78bf44d";

/// One `permissions` entry of a role definition (ARM camelCase; the PowerShell/CLI role file's
/// `Actions` / `NotActions` spellings are accepted too).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Permission {
    /// Allowed control-plane actions, wildcards allowed (`*`, `Microsoft.Compute/galleries/*`, `*/read`).
    #[serde(default, alias = "Actions")]
    pub actions: Vec<String>,
    /// Actions subtracted from `actions` of this same entry.
    #[serde(default, alias = "NotActions")]
    pub not_actions: Vec<String>,
    /// Data-plane actions (kept for round-trip; galleries have none).
    #[serde(default, alias = "DataActions", skip_serializing_if = "Vec::is_empty")]
    pub data_actions: Vec<String>,
    /// Data-plane exclusions (kept for round-trip).
    #[serde(
        default,
        alias = "NotDataActions",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub not_data_actions: Vec<String>,
}

/// `properties` of a role definition.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RoleDefinitionProperties {
    /// Display name, e.g. `Compute Gallery Image Reader`.
    #[serde(alias = "Name", alias = "RoleName")]
    pub role_name: String,
    /// What the role is for.
    #[serde(default, alias = "Description")]
    pub description: String,
    /// `BuiltInRole` or `CustomRole`.
    #[serde(rename = "type", default = "custom_role")]
    pub role_type: String,
    /// The permission entries; an action is allowed when one entry allows it.
    #[serde(default, alias = "Permissions")]
    pub permissions: Vec<Permission>,
    /// Where the role may be assigned (`/` for built-ins).
    #[serde(default, alias = "AssignableScopes")]
    pub assignable_scopes: Vec<String>,
    /// Anything else Azure printed (createdOn, ...), preserved.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

fn custom_role() -> String {
    "CustomRole".into()
}

/// A role definition in ARM shape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RoleDefinition {
    /// `/providers/Microsoft.Authorization/roleDefinitions/{guid}` for built-ins;
    /// `/subscriptions/{s}/providers/Microsoft.Authorization/roleDefinitions/{guid}` for custom roles.
    pub id: String,
    /// The GUID.
    pub name: String,
    /// Always [`ROLE_DEFINITION_TYPE`].
    #[serde(rename = "type", default = "role_definition_type")]
    pub resource_type: String,
    /// The definition.
    pub properties: RoleDefinitionProperties,
}

fn role_definition_type() -> String {
    ROLE_DEFINITION_TYPE.into()
}

impl RoleDefinition {
    /// True when this role allows `action` (some entry's `actions` matches and that entry's
    /// `notActions` does not). Case-insensitive, like Azure.
    pub fn allows(&self, action: &str) -> bool {
        self.properties.permissions.iter().any(|p| {
            p.actions.iter().any(|a| action_matches(a, action))
                && !p.not_actions.iter().any(|a| action_matches(a, action))
        })
    }
    /// True for Azure's built-in roles.
    pub fn is_built_in(&self) -> bool {
        self.properties
            .role_type
            .eq_ignore_ascii_case("BuiltInRole")
    }
    /// The role's display name.
    pub fn role_name(&self) -> &str {
        &self.properties.role_name
    }
}

/// Azure's action wildcard match: `*` matches any run of characters (including `/`), the rest
/// compares case-insensitively. `*/read` therefore matches every read action and
/// `Microsoft.Compute/galleries/*` everything under galleries.
pub fn action_matches(pattern: &str, action: &str) -> bool {
    let p = pattern.as_bytes();
    let a = action.as_bytes();
    let (mut pi, mut ai) = (0usize, 0usize);
    let (mut star, mut mark) = (None::<usize>, 0usize);
    while ai < a.len() {
        if pi < p.len() && p[pi] != b'*' && p[pi].eq_ignore_ascii_case(&a[ai]) {
            pi += 1;
            ai += 1;
        } else if pi < p.len() && p[pi] == b'*' {
            star = Some(pi);
            pi += 1;
            mark = ai;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ai = mark;
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == b'*' {
        pi += 1;
    }
    pi == p.len()
}

fn built_in(
    guid: &str,
    name: &str,
    description: &str,
    actions: &[&str],
    not: &[&str],
) -> RoleDefinition {
    RoleDefinition {
        id: format!("/providers/Microsoft.Authorization/roleDefinitions/{guid}"),
        name: guid.into(),
        resource_type: ROLE_DEFINITION_TYPE.into(),
        properties: RoleDefinitionProperties {
            role_name: name.into(),
            description: description.into(),
            role_type: "BuiltInRole".into(),
            permissions: vec![Permission {
                actions: actions.iter().map(|s| s.to_string()).collect(),
                not_actions: not.iter().map(|s| s.to_string()).collect(),
                ..Default::default()
            }],
            assignable_scopes: vec!["/".into()],
            extra: Map::new(),
        },
    }
}

/// The seven built-in roles the simulator knows (see the module doc for their provenance).
pub fn built_in_roles() -> &'static [RoleDefinition] {
    static ROLES: std::sync::OnceLock<Vec<RoleDefinition>> = std::sync::OnceLock::new();
    ROLES.get_or_init(|| {
        vec![
            built_in(OWNER, "Owner", "Grants full access to manage all resources, including the ability to assign roles in Azure RBAC.", &["*"], &[]),
            built_in(CONTRIBUTOR, "Contributor", "Grants full access to manage all resources, but does not allow you to assign roles in Azure RBAC, manage assignments in Azure Blueprints, or share image galleries.", &["*"], &[
                "Microsoft.Authorization/*/Delete",
                "Microsoft.Authorization/*/Write",
                "Microsoft.Authorization/elevateAccess/Action",
                "Microsoft.Blueprint/blueprintAssignments/write",
                "Microsoft.Blueprint/blueprintAssignments/delete",
                "Microsoft.Compute/galleries/share/action",
            ]),
            built_in(READER, "Reader", "View all resources, but does not allow you to make any changes.", &["*/read"], &[]),
            built_in(USER_ACCESS_ADMINISTRATOR, "User Access Administrator", "Lets you manage user access to Azure resources.", &["*/read", "Microsoft.Authorization/*", "Microsoft.Support/*"], &[]),
            built_in(COMPUTE_GALLERY_SHARING_ADMIN, "Compute Gallery Sharing Admin", "This role allows user to share gallery to another subscription/tenant or share it to the public.", &["Microsoft.Compute/galleries/share/action"], &[]),
            built_in(COMPUTE_GALLERY_ARTIFACTS_PUBLISHER, "Compute Gallery Artifacts Publisher", "This is the role for publishing gallery artifacts.", &[
                "Microsoft.Compute/galleries/*",
                "Microsoft.Compute/locations/capsOperations/read",
                "Microsoft.Compute/locations/communityGalleries/*",
                "Microsoft.Compute/locations/sharedGalleries/*",
                "Microsoft.Compute/images/*",
                "Microsoft.Compute/virtualMachines/write",
                "Microsoft.Compute/disks/write",
                "Microsoft.Authorization/*/read",
                "Microsoft.Insights/alertRules/*",
                "Microsoft.Resources/deployments/*",
                "Microsoft.Resources/subscriptions/resourceGroups/read",
            ], &["Microsoft.Compute/galleries/share/action"]),
            built_in(COMPUTE_GALLERY_IMAGE_READER, "Compute Gallery Image Reader", "This is the role for reading gallery images.", &[
                "Microsoft.Compute/galleries/images/read",
                "Microsoft.Compute/galleries/images/versions/read",
            ], &[]),
        ]
    })
}

/// The GUID at the end of a role definition id (or the id itself when it is a bare GUID).
pub fn role_guid(role_definition_id: &str) -> &str {
    role_definition_id
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or(role_definition_id)
}

/// A built-in role by GUID, full id or (case-insensitive) role name.
pub fn built_in_role(id_or_name: &str) -> Option<&'static RoleDefinition> {
    let guid = role_guid(id_or_name);
    built_in_roles().iter().find(|r| {
        r.name.eq_ignore_ascii_case(guid) || r.properties.role_name.eq_ignore_ascii_case(id_or_name)
    })
}

/// The actions the simulator reports in "effective permissions" (wildcards cannot be listed, so
/// a check answers for each of these): the gallery resources first (they are
/// [`GALLERY_ACTIONS`]), then role assignments and the setup.
pub const KNOWN_ACTIONS: &[&str] = &[
    "Microsoft.Compute/galleries/read",
    "Microsoft.Compute/galleries/write",
    "Microsoft.Compute/galleries/delete",
    "Microsoft.Compute/galleries/share/action",
    "Microsoft.Compute/galleries/images/read",
    "Microsoft.Compute/galleries/images/write",
    "Microsoft.Compute/galleries/images/delete",
    "Microsoft.Compute/galleries/images/versions/read",
    "Microsoft.Compute/galleries/images/versions/write",
    "Microsoft.Compute/galleries/images/versions/delete",
    "Microsoft.Authorization/roleAssignments/read",
    "Microsoft.Authorization/roleAssignments/write",
    "Microsoft.Authorization/roleAssignments/delete",
    "Microsoft.Authorization/roleDefinitions/write",
    "Microsoft.Resources/subscriptions/resourceGroups/read",
    "Microsoft.Resources/subscriptions/resourceGroups/write",
];

/// The gallery actions only (what the exhaustive tests iterate): the head of [`KNOWN_ACTIONS`],
/// so the two lists cannot drift apart.
pub const GALLERY_ACTIONS: &[&str] = KNOWN_ACTIONS.split_at(10).0;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gallery_actions_are_exactly_the_known_gallery_actions() {
        let galleries: Vec<&str> = KNOWN_ACTIONS
            .iter()
            .copied()
            .filter(|a| a.starts_with("Microsoft.Compute/galleries/"))
            .collect();
        assert_eq!(GALLERY_ACTIONS, galleries.as_slice());
    }

    #[test]
    fn wildcards() {
        assert!(action_matches("*", "Microsoft.Compute/galleries/write"));
        assert!(action_matches(
            "*/read",
            "Microsoft.Compute/galleries/images/read"
        ));
        assert!(!action_matches(
            "*/read",
            "Microsoft.Compute/galleries/images/write"
        ));
        assert!(action_matches(
            "Microsoft.Compute/galleries/*",
            "microsoft.compute/GALLERIES/images/versions/delete"
        ));
        assert!(!action_matches(
            "Microsoft.Compute/galleries/*",
            "Microsoft.Compute/images/read"
        ));
        assert!(action_matches(
            "Microsoft.Authorization/*/Write",
            "Microsoft.Authorization/roleAssignments/write"
        ));
        assert!(!action_matches(
            "Microsoft.Authorization/*/Write",
            "Microsoft.Authorization/roleAssignments/read"
        ));
        assert!(!action_matches(
            "Microsoft.Compute/galleries/read",
            "Microsoft.Compute/galleries/readx"
        ));
    }

    #[test]
    fn built_ins_behave_as_documented() {
        let c = built_in_role(CONTRIBUTOR).unwrap();
        assert!(c.allows("Microsoft.Compute/galleries/images/versions/write"));
        assert!(!c.allows("Microsoft.Authorization/roleAssignments/write"));
        assert!(!c.allows("Microsoft.Compute/galleries/share/action"));
        let p = built_in_role("Compute Gallery Artifacts Publisher").unwrap();
        assert!(p.allows("Microsoft.Compute/galleries/write"));
        assert!(!p.allows("Microsoft.Compute/galleries/share/action"));
        let r = built_in_role(COMPUTE_GALLERY_IMAGE_READER).unwrap();
        assert!(r.allows("Microsoft.Compute/galleries/images/versions/read"));
        assert!(!r.allows("Microsoft.Compute/galleries/read"));
        let uaa = built_in_role(USER_ACCESS_ADMINISTRATOR).unwrap();
        assert!(uaa.allows("Microsoft.Authorization/roleAssignments/write"));
        assert!(!uaa.allows("Microsoft.Compute/galleries/write"));
        assert_eq!(built_in_roles().len(), 7);
    }

    #[test]
    fn reading_the_activity_log_comes_with_read_on_everything_not_with_gallery_roles() {
        let log = crate::visibility::READ_ACTIVITY_LOG;
        for role in [OWNER, CONTRIBUTOR, READER, USER_ACCESS_ADMINISTRATOR] {
            let role = built_in_role(role).unwrap();
            assert!(role.allows(log), "{}", role.role_name());
        }
        for role in [
            COMPUTE_GALLERY_IMAGE_READER,
            COMPUTE_GALLERY_ARTIFACTS_PUBLISHER,
            COMPUTE_GALLERY_SHARING_ADMIN,
        ] {
            let role = built_in_role(role).unwrap();
            assert!(!role.allows(log), "{}", role.role_name());
        }
        assert!(!action_matches("Microsoft.Compute/galleries/*/read", log));
    }
}
