//! The vocabulary of change, shared by the dispatcher ([`crate::command`]), the access and
//! replication plans and every caller: who asks ([`Actor`]), what ([`Command`]), what happened
//! ([`Event`]) and why not ([`CommandError`]). It holds no logic, so every layer may name it
//! without depending on the dispatcher.

pub mod requests;

use crate::arm;
use crate::diagnostics::{Code, Diagnostic, Severity};
use crate::sources::Source;
use requests::{
    GroupMembership, GuestInvitation, NewApplication, NewGroup, NewManagementGroup,
    NewRoleAssignment, NewServicePrincipal, NewUser,
};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// Who issues a command: recorded on events and authorized by [`crate::access::authorize`]
/// (the principal is resolved by object id, user principal name, appId or display name).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    /// Principal name or object id.
    pub principal: String,
}

impl Actor {
    /// A named actor.
    pub fn new(principal: impl Into<String>) -> Actor {
        Actor {
            principal: principal.into(),
        }
    }
    /// The simulator itself (setup, imports, fixtures): never subject to authorization.
    pub fn system() -> Actor {
        Actor::new("system")
    }
    /// True for [`Actor::system`], which bypasses authorization.
    pub fn is_system(&self) -> bool {
        self.principal == "system"
    }
}

/// Every change the world accepts. Gallery resources take the request id (the PUT/DELETE URL path)
/// and, for create/update, the ARM body; the body's own id/name/type are ignored (like ARM).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "command")]
pub enum Command {
    /// Adds a tenant.
    CreateTenant {
        /// Tenant id.
        id: String,
        /// Display name.
        display_name: String,
    },
    /// Adds a subscription to an existing tenant.
    CreateSubscription {
        /// Subscription id.
        id: String,
        /// Owning tenant.
        tenant_id: String,
        /// Display name.
        display_name: String,
        /// Allow-listed for Australia Central / Central 2.
        allow_listed_regions: bool,
    },
    /// Adds a resource group.
    CreateResourceGroup {
        /// Subscription id.
        subscription_id: String,
        /// Name.
        name: String,
        /// Location (any accepted spelling).
        location: String,
    },
    /// Registers an image source (managed image, snapshot, disk, VM, VHD, external version).
    CreateSource(Source),
    /// Removes an image source (allowed even if versions were made from it, as in Azure).
    DeleteSource {
        /// Source id.
        id: String,
    },
    /// PUT of a new gallery.
    CreateGallery {
        /// Gallery id.
        id: String,
        /// Body.
        resource: arm::Gallery,
    },
    /// Full desired gallery; only mutable properties may differ.
    UpdateGallery {
        /// Gallery id.
        id: String,
        /// Desired body.
        resource: arm::Gallery,
    },
    /// `POST …/galleries/{gallery}/share`: shares a gallery directly with subscriptions and
    /// tenants (Add, Remove), publishes it to the community (EnableCommunity), or makes it
    /// private again (Reset). See [`crate::sharing`].
    ShareGallery {
        /// Gallery id.
        id: String,
        /// The `SharingUpdate` body.
        update: arm::SharingUpdate,
    },
    /// DELETE of a gallery.
    DeleteGallery {
        /// Gallery id.
        id: String,
    },
    /// PUT of a new image definition.
    CreateImage {
        /// Definition id.
        id: String,
        /// Body.
        resource: arm::GalleryImage,
    },
    /// Full desired image definition.
    UpdateImage {
        /// Definition id.
        id: String,
        /// Desired body.
        resource: arm::GalleryImage,
    },
    /// DELETE of an image definition.
    DeleteImage {
        /// Definition id.
        id: String,
    },
    /// PUT of a new image version.
    CreateVersion {
        /// Version id.
        id: String,
        /// Body.
        resource: arm::GalleryImageVersion,
    },
    /// Full desired image version.
    UpdateVersion {
        /// Version id.
        id: String,
        /// Desired body.
        resource: arm::GalleryImageVersion,
    },
    /// DELETE of an image version.
    DeleteVersion {
        /// Version id.
        id: String,
    },
    /// Restores a soft-deleted image version (REST: the version's PATCH with `restore: true`).
    RestoreVersion {
        /// The version's id.
        id: String,
    },
    /// Deletes a soft-deleted image version for good, before its retention ends (REST: DELETE
    /// of `…/softDeletedArtifactTypes/Images/artifacts/{image}/versions/{version}`).
    PurgeSoftDeletedVersion {
        /// The version's id.
        id: String,
    },
    /// Simulates a replication failure in one target region at `now` (see [`crate::replication`]).
    InjectReplicationFault {
        /// Version id.
        version_id: String,
        /// Target region (any accepted spelling).
        region: String,
    },
    /// Resumes a failed region's replication at `now`, from the progress it had reached.
    RetryReplication {
        /// Version id.
        version_id: String,
        /// Target region (any accepted spelling).
        region: String,
    },
    /// Sets the price table cost estimates use (`None` restores the default assumptions). It is
    /// the simulator's own setting, not an Azure resource, so it travels with the state (and its
    /// export) and changes through this entry point like everything else.
    SetPriceTable {
        /// The new table; `None` for the defaults.
        prices: Option<crate::prices::PriceTable>,
    },
    /// ARM's `POST …/resourceGroups/{group}/moveResources`: moves resources to another resource
    /// group or subscription. Gallery resources can't move (seed FAQ), so for them it is refused.
    MoveResources {
        /// The resource group the resources are in (its id).
        source_group: String,
        /// The resources' ids.
        resources: Vec<String>,
        /// The target resource group's id (in the same or another subscription).
        target_resource_group: String,
    },
    /// A member user in a tenant's directory.
    CreateUser(NewUser),
    /// A B2B guest: a user of one tenant invited into another.
    InviteGuest(GuestInvitation),
    /// A security group.
    CreateGroup(NewGroup),
    /// Adds a user, service principal or group to a group.
    AddGroupMember(GroupMembership),
    /// Removes a direct member from a group.
    RemoveGroupMember(GroupMembership),
    /// An app registration plus its service principal in its home tenant.
    RegisterApplication(NewApplication),
    /// A tenant's consent to a multi-tenant app: its service principal there.
    CreateServicePrincipal(NewServicePrincipal),
    /// A custom role definition (ARM shape).
    CreateRoleDefinition(crate::iam::roles::RoleDefinition),
    /// A role assignment (PUT `Microsoft.Authorization/roleAssignments`).
    CreateRoleAssignment(NewRoleAssignment),
    /// DELETE of a role assignment.
    DeleteRoleAssignment {
        /// Assignment id.
        id: String,
    },
    /// A management group above subscriptions; its creator becomes its Owner.
    CreateManagementGroup(NewManagementGroup),
    /// Places a subscription in a management group (`az account management-group subscription
    /// add`), out of the one it was in.
    AddSubscriptionToManagementGroup {
        /// The group's name.
        management_group: String,
        /// The subscription.
        subscription_id: String,
    },
    /// A deny assignment. Azure creates them (Blueprints, managed applications, deployment
    /// stacks) and users only read them, so only the simulator itself may.
    CreateDenyAssignment(crate::iam::governance::DenyAssignment),
}

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum EventKind {
    /// A resource came into existence.
    Created,
    /// A resource changed.
    Updated,
    /// A resource was removed.
    Deleted,
}

/// A change that happened, with the non-blocking diagnostics (warnings/info) it raised.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// Created / Updated / Deleted.
    pub kind: EventKind,
    /// ARM type (`Microsoft.Compute/galleries`, ...) or a simulator type (`Tenant`, `Subscription`, `ResourceGroup`, `Source`).
    pub resource_type: String,
    /// Canonical id.
    pub id: String,
    /// Who did it.
    pub actor: String,
    /// When (the command's `now`).
    pub at: OffsetDateTime,
    /// Warnings and info raised by the rules.
    pub warnings: Vec<Diagnostic>,
}

/// A refused command: at least one error diagnostic (plus any warnings found alongside).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}", self.first_error().map_or("command refused", |d| d.message.as_str()))]
pub struct CommandError {
    /// All findings; at least one has severity Error.
    pub diagnostics: Vec<Diagnostic>,
}

impl CommandError {
    pub(crate) fn one(
        code: Code,
        rid: impl Into<String>,
        path: impl Into<String>,
        msg: impl Into<String>,
    ) -> CommandError {
        CommandError {
            diagnostics: vec![Diagnostic::new(code, rid, path, msg)],
        }
    }
    /// The first error diagnostic.
    pub fn first_error(&self) -> Option<&Diagnostic> {
        self.diagnostics
            .iter()
            .find(|d| d.severity == Severity::Error)
    }
    /// The code of the first error.
    pub fn code(&self) -> Code {
        self.first_error()
            .map_or(Code::InvalidParameter, |d| d.code)
    }
    /// The HTTP status Azure would answer with.
    pub fn http_status(&self) -> u16 {
        match self.code() {
            Code::ResourceNotFound
            | Code::ResourceGroupNotFound
            | Code::ParentResourceNotFound
            | Code::SubscriptionNotFound
            | Code::GalleryImageNotFound
            | Code::TenantNotFound
            | Code::RoleDefinitionDoesNotExist => 404,
            Code::Conflict
            | Code::CannotDeleteResource
            | Code::RoleAssignmentExists
            | Code::DeletionBlockedBeforeEndOfLife
            | Code::SharingOperationNotAllowed => 409,
            Code::AuthorizationFailed | Code::LinkedAuthorizationFailed => 403,
            _ => 400,
        }
    }
}
