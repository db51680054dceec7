//! Role assignments (`Microsoft.Authorization/roleAssignments`) and the scope tree they attach to.
//!
//! A scope is a subscription, a resource group or a resource (gallery, image definition, image
//! version, source). Access flows down: an assignment at a scope applies to every scope whose
//! ancestor chain contains it. The chain is at most six levels (`/subscriptions/s`, resource
//! group, gallery, definition, version), which is why a check walks ancestors instead of scanning.

use crate::ids::{ArmId, Key};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// ARM type of a role assignment.
pub const ROLE_ASSIGNMENT_TYPE: &str = "Microsoft.Authorization/roleAssignments";

/// `properties` of a role assignment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RoleAssignmentProperties {
    /// `/subscriptions/{s}/providers/Microsoft.Authorization/roleDefinitions/{guid}`.
    pub role_definition_id: String,
    /// Object id of the user, group or service principal (in the scope's tenant).
    pub principal_id: String,
    /// `User`, `Group` or `ServicePrincipal`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub principal_type: Option<String>,
    /// The scope the role is granted at.
    pub scope: String,
    /// When it was created (RFC 3339, the command's time).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_on: Option<String>,
    /// Object id of the principal that created it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_by: Option<String>,
    /// Anything else Azure printed (condition, description, ...), preserved.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A role assignment in ARM shape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RoleAssignment {
    /// `{scope}/providers/Microsoft.Authorization/roleAssignments/{guid}`.
    pub id: String,
    /// The GUID.
    pub name: String,
    /// Always [`ROLE_ASSIGNMENT_TYPE`].
    #[serde(rename = "type", default = "ra_type")]
    pub resource_type: String,
    /// The assignment.
    pub properties: RoleAssignmentProperties,
}

fn ra_type() -> String {
    ROLE_ASSIGNMENT_TYPE.into()
}

/// A parsed scope: its subscription and the canonical ids of every level from the subscription
/// down to the scope itself (so `levels.last()` is the scope).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopePath {
    /// Subscription id as written.
    pub subscription: String,
    /// Resource group, when the scope is at or below one.
    pub resource_group: Option<String>,
    /// The management group, when the scope is one (then `subscription` is empty).
    pub management_group: Option<String>,
    /// Canonical ids, outermost first.
    pub levels: Vec<String>,
}

impl ScopePath {
    /// Parses `/subscriptions/{s}`, `/subscriptions/{s}/resourceGroups/{rg}` or a resource id in
    /// a resource group; `None` for anything else (management groups and `/` are not simulated).
    pub fn parse(scope: &str) -> Option<ScopePath> {
        if let Some(name) = super::governance::management_group_name(scope) {
            return Some(ScopePath {
                subscription: String::new(),
                resource_group: None,
                management_group: Some(name.to_string()),
                levels: vec![super::governance::management_group_id(name)],
            });
        }
        let parts: Vec<&str> = scope.split('/').filter(|p| !p.is_empty()).collect();
        if parts.len() < 2
            || !parts[0].eq_ignore_ascii_case("subscriptions")
            || !scope.starts_with('/')
        {
            return None;
        }
        let sub = parts[1].to_string();
        let mut levels = vec![format!("/subscriptions/{sub}")];
        if parts.len() == 2 {
            return Some(ScopePath {
                subscription: sub,
                resource_group: None,
                management_group: None,
                levels,
            });
        }
        if parts.len() < 4 || !parts[2].eq_ignore_ascii_case("resourceGroups") {
            return None;
        }
        let rg = parts[3].to_string();
        levels.push(format!("/subscriptions/{sub}/resourceGroups/{rg}"));
        if parts.len() == 4 {
            return Some(ScopePath {
                subscription: sub,
                resource_group: Some(rg),
                management_group: None,
                levels,
            });
        }
        let id = ArmId::parse(scope)?;
        if id.subscription.is_none() || id.resource_group.is_none() {
            return None;
        }
        let mut prefix = format!("{}/providers/{}", levels[1], id.namespace);
        for (ty, name) in &id.segments {
            prefix.push('/');
            prefix.push_str(ty);
            prefix.push('/');
            prefix.push_str(name);
            levels.push(prefix.clone());
        }
        Some(ScopePath {
            subscription: sub,
            resource_group: Some(rg),
            management_group: None,
            levels,
        })
    }

    /// The canonical scope id.
    pub fn id(&self) -> &str {
        self.levels.last().map_or("", String::as_str)
    }

    /// Case-insensitive keys of every level, outermost first.
    pub fn keys(&self) -> Vec<Key> {
        self.levels.iter().map(|l| Key::new(l)).collect()
    }

    /// The ARM type of the scope (`Microsoft.Resources/subscriptions`, `.../resourceGroups`, or
    /// the resource's type).
    pub fn resource_type(&self) -> String {
        if self.management_group.is_some() {
            return super::governance::MANAGEMENT_GROUP_TYPE.into();
        }
        // `access::full_path` puts the management groups above the subscription in front:
        // only the subscription's own levels name the kind.
        let own = self
            .levels
            .iter()
            .filter(|l| super::governance::management_group_name(l).is_none())
            .count();
        match own {
            1 => "Microsoft.Resources/subscriptions".into(),
            2 => "Microsoft.Resources/subscriptions/resourceGroups".into(),
            _ => ArmId::parse(self.id()).map_or_else(String::new, |a| a.resource_type()),
        }
    }
}

/// The id of an assignment named `name` at `scope`.
pub fn assignment_id(scope: &str, name: &str) -> String {
    format!("{}/{name}", assignments_at(scope))
}

/// The collection of role assignments at `scope` (where ARM creates one): what the Activity log
/// names for an assignment created without a name, since its name is derived only when planned.
pub fn assignments_at(scope: &str) -> String {
    format!("{scope}/providers/{ROLE_ASSIGNMENT_TYPE}")
}

/// The scope of a role assignment id or of an [`assignments_at`] collection: where the assignment
/// was made, which is the scope of its Activity log entry; `None` for anything else.
pub fn role_assignments_scope(target: &str) -> Option<&str> {
    if let Some((scope, _)) = split_assignment_id(target) {
        return Some(scope);
    }
    let suffix = "/providers/microsoft.authorization/roleassignments";
    let at = target.len().checked_sub(suffix.len())?;
    (target.is_char_boundary(at) && target[at..].eq_ignore_ascii_case(suffix))
        .then(|| &target[..at])
}

/// Splits an assignment id into (scope, name); `None` when it is not an assignment id.
pub fn split_assignment_id(id: &str) -> Option<(&str, &str)> {
    let lower = id.to_ascii_lowercase();
    let at = lower.rfind("/providers/microsoft.authorization/roleassignments/")?;
    let name = &id[at + "/providers/microsoft.authorization/roleassignments/".len()..];
    (!name.is_empty() && !name.contains('/')).then_some((&id[..at], name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_levels() {
        let p = ScopePath::parse("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/galleries/g/images/i/versions/1.0.0").unwrap();
        assert_eq!(p.levels.len(), 5);
        assert_eq!(
            p.levels[2],
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/galleries/g"
        );
        assert_eq!(
            p.resource_type(),
            "Microsoft.Compute/galleries/images/versions"
        );
        assert_eq!(
            ScopePath::parse("/subscriptions/s").unwrap().levels.len(),
            1
        );
        assert!(ScopePath::parse("/").is_none());
        assert!(ScopePath::parse("/subscriptions/s/foo/x").is_none());
        let id = assignment_id("/subscriptions/s", "abc");
        assert_eq!(split_assignment_id(&id), Some(("/subscriptions/s", "abc")));
        assert_eq!(role_assignments_scope(&id), Some("/subscriptions/s"));
        let all = assignments_at("/subscriptions/s").to_uppercase();
        assert_eq!(role_assignments_scope(&all), Some("/SUBSCRIPTIONS/S"));
        assert_eq!(role_assignments_scope("/subscriptions/s"), None);
        assert_eq!(role_assignments_scope("ü"), None);
    }
}
