//! Above and against role assignments: management groups (newer than the seed's scopes,
//! which start at the subscription) and deny assignments.
//!
//! * "you can specify a scope at four levels: management group, subscription, resource group,
//!   and resource … When you assign a role at a parent scope, those permissions are inherited to
//!   the child scopes" (Azure RBAC docs). Every tenant has a root management group whose name
//!   is the tenant's id ("Tenant Root Group"); a management group without a parent sits under
//!   it, and so does a subscription placed in no group.
//! * Deny assignments "block users from performing specific Azure resource actions even if a
//!   role assignment grants them access"; "Deny assignments take precedence over role
//!   assignments"; they are created and managed by Azure (Blueprints, managed applications,
//!   deployment stacks), not by users, who can only read them. `principals` with the id
//!   `00000000-0000-0000-0000-000000000000` (type `SystemDefined`) means every principal;
//!   `excludePrincipals` exempts some; `doNotApplyToChildScopes` limits it to its own scope.

use super::roles::action_matches;
use serde::{Deserialize, Serialize};

/// ARM type of a management group.
pub const MANAGEMENT_GROUP_TYPE: &str = "Microsoft.Management/managementGroups";
/// ARM type of a deny assignment.
pub const DENY_ASSIGNMENT_TYPE: &str = "Microsoft.Authorization/denyAssignments";
/// The principal id that stands for every principal in a deny assignment.
pub const EVERYONE: &str = "00000000-0000-0000-0000-000000000000";

/// The scope id of management group `name`.
pub fn management_group_id(name: &str) -> String {
    format!("/providers/{MANAGEMENT_GROUP_TYPE}/{name}")
}

/// The name of the management group a scope id names, when it names one.
pub fn management_group_name(scope: &str) -> Option<&str> {
    let scope = scope.trim_end_matches('/');
    let prefix = "/providers/";
    let rest = scope
        .get(..prefix.len())
        .filter(|p| p.eq_ignore_ascii_case(prefix))
        .and_then(|_| scope.get(prefix.len()..))?;
    let (ty, name) = rest.rsplit_once('/')?;
    (ty.eq_ignore_ascii_case(MANAGEMENT_GROUP_TYPE) && !name.is_empty()).then_some(name)
}

/// `{ "id": … }`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdOnly {
    /// The id.
    pub id: String,
}

/// `properties.details` of a management group.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManagementGroupDetails {
    /// The parent group (`None`: the tenant root group).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<IdOnly>,
}

/// `properties` of a management group.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ManagementGroupProperties {
    /// Display name.
    pub display_name: String,
    /// The tenant it belongs to.
    pub tenant_id: String,
    /// Its parent.
    #[serde(default)]
    pub details: ManagementGroupDetails,
    /// The subscriptions placed directly in it (the simulator's record of `az account
    /// management-group subscription add`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subscriptions: Vec<String>,
}

/// A management group, ARM-shaped (`Microsoft.Management/managementGroups`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ManagementGroup {
    /// `/providers/Microsoft.Management/managementGroups/{name}`.
    pub id: String,
    /// Its name (the id's last segment).
    pub name: String,
    /// [`MANAGEMENT_GROUP_TYPE`].
    #[serde(rename = "type", default)]
    pub resource_type: String,
    /// Display name, tenant, parent.
    pub properties: ManagementGroupProperties,
}

impl ManagementGroup {
    /// The parent's name (`None`: the tenant root group).
    pub fn parent(&self) -> Option<&str> {
        self.properties
            .details
            .parent
            .as_ref()
            .and_then(|p| management_group_name(&p.id))
    }
}

/// A principal a deny assignment names or exempts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DenyPrincipal {
    /// Object id ([`EVERYONE`] for all principals).
    pub id: String,
    /// `User`, `Group`, `ServicePrincipal` or `SystemDefined`.
    #[serde(rename = "type", default)]
    pub principal_type: String,
}

/// `properties` of a deny assignment.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DenyAssignmentProperties {
    /// Its name.
    #[serde(default)]
    pub deny_assignment_name: String,
    /// What it is for.
    #[serde(default)]
    pub description: String,
    /// The actions it denies (and exempts).
    #[serde(default)]
    pub permissions: Vec<super::roles::Permission>,
    /// Where it applies.
    pub scope: String,
    /// Only at its own scope, not below.
    #[serde(default)]
    pub do_not_apply_to_child_scopes: bool,
    /// Whom it denies.
    #[serde(default)]
    pub principals: Vec<DenyPrincipal>,
    /// Whom it exempts.
    #[serde(default)]
    pub exclude_principals: Vec<DenyPrincipal>,
    /// Created by Azure and not removable by users.
    #[serde(default)]
    pub is_system_protected: bool,
}

/// A deny assignment, ARM-shaped (`Microsoft.Authorization/denyAssignments`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DenyAssignment {
    /// `{scope}/providers/Microsoft.Authorization/denyAssignments/{name}`.
    #[serde(default)]
    pub id: String,
    /// A GUID.
    pub name: String,
    /// [`DENY_ASSIGNMENT_TYPE`].
    #[serde(rename = "type", default)]
    pub resource_type: String,
    /// What, where, whom.
    pub properties: DenyAssignmentProperties,
}

impl DenyAssignment {
    /// Whether it denies `action` (an action matches and no not-action exempts it).
    pub fn denies(&self, action: &str) -> bool {
        self.properties.permissions.iter().any(|p| {
            p.actions.iter().any(|a| action_matches(a, action))
                && !p.not_actions.iter().any(|a| action_matches(a, action))
        })
    }
    /// Whether it applies to a principal whose own and group object ids are `ids`.
    pub fn applies_to<'a>(&self, ids: impl Iterator<Item = &'a str> + Clone) -> bool {
        let named = |list: &[DenyPrincipal]| {
            ids.clone()
                .any(|id| list.iter().any(|p| p.id.eq_ignore_ascii_case(id)))
        };
        let everyone = self.properties.principals.iter().any(|p| p.id == EVERYONE);
        (everyone || named(&self.properties.principals))
            && !named(&self.properties.exclude_principals)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iam::roles::Permission;

    fn deny(
        principals: &[&str],
        exclude: &[&str],
        actions: &[&str],
        not: &[&str],
    ) -> DenyAssignment {
        let list = |ids: &[&str]| {
            ids.iter()
                .map(|id| DenyPrincipal {
                    id: id.to_string(),
                    principal_type: "User".into(),
                })
                .collect()
        };
        DenyAssignment {
            name: "d".into(),
            properties: DenyAssignmentProperties {
                scope: "/subscriptions/s".into(),
                permissions: vec![Permission {
                    actions: actions.iter().map(|s| s.to_string()).collect(),
                    not_actions: not.iter().map(|s| s.to_string()).collect(),
                    ..Default::default()
                }],
                principals: list(principals),
                exclude_principals: list(exclude),
                ..Default::default()
            },
            ..Default::default()
        }
    }

    #[test]
    fn a_deny_assignment_names_its_principals_or_everyone_minus_the_exempt() {
        let cases = [
            (deny(&["alice"], &[], &["*"], &[]), vec!["alice"], true),
            (deny(&["alice"], &[], &["*"], &[]), vec!["bob"], false),
            (
                deny(&[EVERYONE], &["bob"], &["*"], &[]),
                vec!["alice"],
                true,
            ),
            (deny(&[EVERYONE], &["bob"], &["*"], &[]), vec!["bob"], false),
            // Exempt through a group.
            (
                deny(&[EVERYONE], &["admins"], &["*"], &[]),
                vec!["carol", "admins"],
                false,
            ),
            (
                deny(&["writers"], &[], &["*"], &[]),
                vec!["carol", "writers"],
                true,
            ),
        ];
        for (d, ids, want) in cases {
            assert_eq!(d.applies_to(ids.iter().copied()), want, "{ids:?}");
        }
    }

    #[test]
    fn it_denies_matching_actions_except_its_not_actions() {
        let d = deny(
            &[EVERYONE],
            &[],
            &["*/delete", "Microsoft.Compute/galleries/*"],
            &["*/read"],
        );
        assert!(d.denies("Microsoft.Compute/galleries/delete"));
        assert!(d.denies("Microsoft.Compute/galleries/images/write"));
        assert!(!d.denies("Microsoft.Compute/galleries/read"));
        assert!(!d.denies("Microsoft.Storage/storageAccounts/write"));
    }

    #[test]
    fn management_group_scopes_are_read_in_either_case() {
        assert_eq!(
            management_group_name("/providers/Microsoft.Management/managementGroups/Contoso"),
            Some("Contoso")
        );
        assert_eq!(
            management_group_name("/PROVIDERS/Microsoft.Management/managementGroups/x/"),
            Some("x")
        );
        assert_eq!(
            management_group_name("/providers/microsoft.management/managementgroups/x"),
            Some("x")
        );
        assert_eq!(
            management_group_name("/providers/Microsoft.Management/managementGroups/"),
            None
        );
        assert_eq!(management_group_name("/subscriptions/s"), None);
    }
}
