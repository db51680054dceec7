//! The directory (Microsoft Entra ID, as Microsoft Graph shows it): per tenant, users (members
//! and guests), groups with members (groups may contain groups), application registrations and
//! service principals. It exists so role assignments have real principals to point at and so a
//! command's actor can be resolved to the object that represents it in a resource's tenant.
//!
//! Shapes follow Graph (`@odata.type`, `id`, `displayName`, `userPrincipalName`, `userType`,
//! `appId`, `signInAudience`, `appOwnerOrganizationId`). One simulator extension: a guest user
//! carries `homeUserId`, the object id of the user it was invited from (Graph cannot show that
//! link because the home object lives in another directory).

use crate::ids::Key;
use serde::{Deserialize, Serialize};

/// Graph `@odata.type` of a user.
pub const USER_ODATA: &str = "#microsoft.graph.user";
/// Graph `@odata.type` of a group.
pub const GROUP_ODATA: &str = "#microsoft.graph.group";
/// Graph `@odata.type` of a service principal.
pub const SERVICE_PRINCIPAL_ODATA: &str = "#microsoft.graph.servicePrincipal";
/// Graph `@odata.type` of an application registration.
pub const APPLICATION_ODATA: &str = "#microsoft.graph.application";

fn user_odata() -> String {
    USER_ODATA.into()
}
fn group_odata() -> String {
    GROUP_ODATA.into()
}
fn sp_odata() -> String {
    SERVICE_PRINCIPAL_ODATA.into()
}
fn app_odata() -> String {
    APPLICATION_ODATA.into()
}

/// A Graph user: a member of its tenant, or a guest invited from another tenant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    /// `#microsoft.graph.user`.
    #[serde(rename = "@odata.type", default = "user_odata")]
    pub odata_type: String,
    /// Object id (GUID), unique across the simulated directories.
    pub id: String,
    /// Display name.
    pub display_name: String,
    /// Sign-in name; guests get Graph's `alias_domain#EXT#@host` form.
    pub user_principal_name: String,
    /// `Member` or `Guest`.
    #[serde(default = "member")]
    pub user_type: String,
    /// Guests: the object id of the home user they represent (simulator extension, see module doc).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub home_user_id: Option<String>,
    /// Guests: Graph's invitation state (`Accepted`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_user_state: Option<String>,
}

fn member() -> String {
    "Member".into()
}

impl User {
    /// True for a guest (B2B) user.
    pub fn is_guest(&self) -> bool {
        self.user_type.eq_ignore_ascii_case("Guest")
    }
}

/// A member reference inside a group (`@odata.type` + `id`, as Graph's `members` lists them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberRef {
    /// Kind of the member (user, group or service principal).
    #[serde(rename = "@odata.type")]
    pub odata_type: String,
    /// Object id of the member.
    pub id: String,
}

/// A Graph security group; members may be users, service principals or other groups.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Group {
    /// `#microsoft.graph.group`.
    #[serde(rename = "@odata.type", default = "group_odata")]
    pub odata_type: String,
    /// Object id.
    pub id: String,
    /// Display name.
    pub display_name: String,
    /// Role assignments need security groups.
    #[serde(default = "yes")]
    pub security_enabled: bool,
    /// Direct members.
    #[serde(default)]
    pub members: Vec<MemberRef>,
}

fn yes() -> bool {
    true
}

/// A Graph application registration (lives in its home tenant).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Application {
    /// `#microsoft.graph.application`.
    #[serde(rename = "@odata.type", default = "app_odata")]
    pub odata_type: String,
    /// Object id of the registration.
    pub id: String,
    /// Client id, shared by the app's service principals in every tenant.
    pub app_id: String,
    /// Display name.
    pub display_name: String,
    /// `AzureADMyOrg` (single tenant) or `AzureADMultipleOrgs` (multi-tenant).
    pub sign_in_audience: String,
}

impl Application {
    /// True when other tenants may consent to (create a service principal for) the app.
    pub fn is_multi_tenant(&self) -> bool {
        !self.sign_in_audience.eq_ignore_ascii_case("AzureADMyOrg")
    }
}

/// A Graph service principal: an application's identity in one tenant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServicePrincipal {
    /// `#microsoft.graph.servicePrincipal`.
    #[serde(rename = "@odata.type", default = "sp_odata")]
    pub odata_type: String,
    /// Object id (differs per tenant).
    pub id: String,
    /// The application's client id.
    pub app_id: String,
    /// Display name.
    pub display_name: String,
    /// The tenant that registered the application.
    pub app_owner_organization_id: String,
    /// `Application`.
    #[serde(default = "application")]
    pub service_principal_type: String,
}

fn application() -> String {
    "Application".into()
}

/// The directory of one tenant (the export groups Graph objects this way).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TenantDirectory {
    /// Tenant id.
    pub tenant_id: String,
    /// Users (members and guests).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub users: Vec<User>,
    /// Groups.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<Group>,
    /// Application registrations homed here.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub applications: Vec<Application>,
    /// Service principals (own apps and consented multi-tenant apps).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub service_principals: Vec<ServicePrincipal>,
}

/// [`TenantDirectory`] borrowed from the directory, serialized as it is: the portal stores the
/// access fields after every change to them, and copying 10,000 users first only to write them
/// out was a third of that save at ten times the limits (profiled).
#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TenantDirectoryRef<'a> {
    /// Tenant id.
    pub tenant_id: &'a str,
    /// Users (members and guests).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub users: Vec<&'a User>,
    /// Groups.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<&'a Group>,
    /// Application registrations homed here.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub applications: Vec<&'a Application>,
    /// Service principals (own apps and consented multi-tenant apps).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub service_principals: Vec<&'a ServicePrincipal>,
}

/// Any directory object, with the tenant it lives in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DirectoryObject {
    /// A user.
    User(User),
    /// A group.
    Group(Group),
    /// A service principal.
    ServicePrincipal(ServicePrincipal),
    /// An application registration (not a principal: it cannot be assigned roles).
    Application(Application),
}

impl DirectoryObject {
    /// Object id.
    pub fn id(&self) -> &str {
        match self {
            DirectoryObject::User(u) => &u.id,
            DirectoryObject::Group(g) => &g.id,
            DirectoryObject::ServicePrincipal(s) => &s.id,
            DirectoryObject::Application(a) => &a.id,
        }
    }
    /// Display name.
    pub fn display_name(&self) -> &str {
        match self {
            DirectoryObject::User(u) => &u.display_name,
            DirectoryObject::Group(g) => &g.display_name,
            DirectoryObject::ServicePrincipal(s) => &s.display_name,
            DirectoryObject::Application(a) => &a.display_name,
        }
    }
    /// The `principalType` a role assignment to this object carries (`None` for applications).
    pub fn principal_type(&self) -> Option<&'static str> {
        match self {
            DirectoryObject::User(_) => Some("User"),
            DirectoryObject::Group(_) => Some("Group"),
            DirectoryObject::ServicePrincipal(_) => Some("ServicePrincipal"),
            DirectoryObject::Application(_) => None,
        }
    }
    /// Graph `@odata.type`.
    pub fn odata_type(&self) -> &'static str {
        match self {
            DirectoryObject::User(_) => USER_ODATA,
            DirectoryObject::Group(_) => GROUP_ODATA,
            DirectoryObject::ServicePrincipal(_) => SERVICE_PRINCIPAL_ODATA,
            DirectoryObject::Application(_) => APPLICATION_ODATA,
        }
    }
}

/// A stored directory object and its tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The tenant whose directory holds it.
    pub tenant_id: String,
    /// The object.
    pub object: DirectoryObject,
}

/// A deterministic GUID-shaped id from text (FNV-1a, 128 bits): the core has no randomness, so
/// ids the simulator mints (objects, assignment names) are a pure function of their inputs, like
/// ARM templates' `guid()`.
pub fn derived_guid(parts: &[&str]) -> String {
    let mut a: u64 = 0xcbf2_9ce4_8422_2325;
    let mut b: u64 = 0x8422_2325_cbf2_9ce4;
    for p in parts {
        for byte in p.to_ascii_lowercase().bytes().chain(std::iter::once(0x1f)) {
            a = (a ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3);
            b = (b ^ u64::from(byte))
                .wrapping_mul(0x0000_0100_0000_01b3)
                .rotate_left(17);
        }
    }
    let h = format!("{a:016x}{b:016x}");
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// The key of a directory object id.
pub fn object_key(id: &str) -> Key {
    Key::new(id)
}
