//! The bodies of the directory and RBAC commands, as a caller writes them (ids optional: the
//! core derives stable ones).

use serde::{Deserialize, Serialize};

/// `CreateUser`: a member user in a tenant's directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewUser {
    /// The tenant.
    pub tenant_id: String,
    /// Sign-in name (`alias@domain`), unique across directories.
    pub user_principal_name: String,
    /// Display name.
    pub display_name: String,
    /// Object id; derived from tenant and UPN when omitted.
    #[serde(default)]
    pub id: Option<String>,
}

/// `InviteGuest`: a B2B guest in `tenant_id` representing a user of another tenant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuestInvitation {
    /// The inviting (host) tenant.
    pub tenant_id: String,
    /// The invited user: object id or UPN of their home user.
    pub user: String,
    /// Guest object id; derived when omitted.
    #[serde(default)]
    pub id: Option<String>,
}

/// `CreateGroup`: a security group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewGroup {
    /// The tenant.
    pub tenant_id: String,
    /// Display name.
    pub display_name: String,
    /// Object id; derived when omitted.
    #[serde(default)]
    pub id: Option<String>,
}

/// `AddGroupMember` / `RemoveGroupMember`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupMembership {
    /// The group's object id.
    pub group_id: String,
    /// The member's object id (or a user's UPN).
    pub member_id: String,
}

/// `RegisterApplication`: an app registration and its service principal in its home tenant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewApplication {
    /// Home tenant.
    pub tenant_id: String,
    /// Display name.
    pub display_name: String,
    /// Client id; derived when omitted.
    #[serde(default)]
    pub app_id: Option<String>,
    /// `AzureADMultipleOrgs` when true, else `AzureADMyOrg`.
    #[serde(default)]
    pub multi_tenant: bool,
}

/// `CreateServicePrincipal`: a tenant consents to a (multi-tenant) application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewServicePrincipal {
    /// The consenting tenant.
    pub tenant_id: String,
    /// The application's client id.
    pub app_id: String,
}

/// `CreateRoleAssignment`: the PUT of a role assignment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewRoleAssignment {
    /// Subscription, resource group or resource id.
    pub scope: String,
    /// Role GUID, role definition id, or built-in role name.
    pub role_definition_id: String,
    /// Object id (or UPN) of a principal in the scope's tenant.
    pub principal_id: String,
    /// Assignment GUID; derived from scope, role and principal when omitted.
    #[serde(default)]
    pub name: Option<String>,
}

/// `CreateManagementGroup` (`az account management-group create`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewManagementGroup {
    /// The tenant.
    pub tenant_id: String,
    /// Its name (the id's last segment).
    pub name: String,
    /// Display name (the name when empty).
    #[serde(default)]
    pub display_name: String,
    /// The parent group's name; `None` for the tenant root group.
    #[serde(default)]
    pub parent: Option<String>,
}
