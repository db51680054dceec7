//! What a principal may see: one gallery resource ([`can_read`], the one-resource form of
//! [`crate::access::visible_resources`]), the tenants, subscriptions and resource groups the
//! portal lists to it, the directory objects it may browse, and the Activity log entries it may
//! read.
//!
//! Why: the portal asks "may the signed-in principal read this?" for the blade it is showing after
//! every change; answering it for the whole world (11,100 resources at the limits) each time costs
//! tens of milliseconds, one resource costs microseconds. Same rule: `{type}/read` at the resource,
//! decided by [`crate::access::decide`] through the subject's object in the resource's tenant.
//!
//! Listing rules (Azure's):
//! * A tenant is listed to a principal that has an object in it (its home user, a guest or
//!   external member user, or its app's service principal): the portal's directory switcher.
//!   The tenant of every listed subscription is one of them, since role assignments may only
//!   name principals of their scope's tenant.
//! * A subscription is listed to a principal holding any role assignment (directly or through
//!   a group) at the subscription or at any scope within it: ARM's `GET /subscriptions` returns
//!   the subscriptions a caller has access to anywhere inside, so a guest shared one image
//!   definition sees its subscription in the list, though not the subscription's other contents.
//! * A resource group is listed to a principal allowed
//!   `Microsoft.Resources/subscriptions/resourceGroups/read` at the group or above (ARM filters
//!   `GET .../resourceGroups` by read on each group; access to a resource inside does not
//!   grant it, and assignments do not flow up).
//! * An Activity log entry is shown to the principal that initiated it (so a refusal stays
//!   visible to the one refused) and to principals allowed [`READ_ACTIVITY_LOG`] at the entry's
//!   scope, the one action Azure checks before it returns Activity log events: the resource or
//!   scope acted on; for a role assignment, the scope it was made at; for an image source, its
//!   ARM id or its storage account. Reader, Contributor and Owner have it (`*/read`, `*`); a role
//!   that only reads gallery resources (Compute Gallery Image Reader, a custom
//!   `Microsoft.Compute/galleries/*/read`) does not, so its holders see their own entries only.
//!   A directory change (`/tenants/{id}/...`, or a group's members) is an Entra audit event
//!   instead, read here by the tenant's member users ([`can_browse_directory`]) — a
//!   simplification: Entra lets only holders of a directory role (Reports Reader, Security
//!   Reader, Global Reader...) read audit logs, and directory roles are not modelled.
//! * A tenant's directory (its users, groups, applications and service principals) is listed to
//!   the tenant's member users, whom Entra lets read it; a guest or an application's service
//!   principal there sees only its own object ([`can_see_directory_object`]). It is the test a
//!   directory change requires ([`crate::access::Requirement::DirectoryMember`]).
//! * The role assignments that apply at a scope (the IAM blade's list and its Check access) are
//!   listed to a principal allowed [`READ_ROLE_ASSIGNMENTS`] there or above, as ARM's
//!   `GET {scope}/providers/Microsoft.Authorization/roleAssignments` requires: Reader has it
//!   through `*/read`, a role that only reads images does not.
//! * An application registration is offered to a principal in its home tenant, or to anyone
//!   when it is multi-tenant: any tenant may consent to it by its appId, and the consent prompt
//!   names it.
//! * The principals offered for a role assignment at a scope (the member picker of "Add role
//!   assignment", and Check access) are the users (guests included), groups and service
//!   principals of the directory of the tenant that owns the scope, which is where Azure's
//!   picker searches: an assignment there can name no one else
//!   ([`crate::access::assignable_in`]).
//!
//! Simplification: every list shows what a person may see across all the directories it has an
//! object in (its home user, its guest users, an application's service principals) at once,
//! where the Azure portal shows the subscriptions and resources of the directory currently
//! signed in to only, and a guest switches directory to see the other tenant's. The simulator's
//! directory switcher chooses who signs in, not what is shown.

use crate::access::assignments::{
    assignment_id, assignments_at, role_assignments_scope, ScopePath,
};
use crate::access::directory::{DirectoryObject, Entry};
use crate::access::{assignable_in, authorize_action};
use crate::access::{context, decide, resolve_principal, CheckContext, Subject};
use crate::diagnostics::Diagnostic;
use crate::ids::{GalleryResourceId, Key};
use crate::protocol::{Actor, Command};
use crate::world::World;
use std::borrow::Cow;
use std::collections::HashMap;

/// True when `subject` may read the gallery, image definition or image version `id` (false for
/// anything else, or a resource whose subscription is not in the world).
pub fn can_read(world: &World, subject: &Subject, id: &str) -> bool {
    GalleryResourceId::parse(id).is_some() && can_read_scope(world, subject, id)
}

/// [`can_read`] for a principal given as text (object id, UPN, appId or display name); false when
/// the text names nobody.
pub fn principal_can_read(world: &World, principal: &str, id: &str) -> bool {
    resolve_principal(world, principal).is_ok_and(|s| can_read(world, &s, id))
}

/// True when `subject` may read the image source `source` — what [`crate::sources::Source::read_permission`]
/// names: `{type}/read` on the resource, or read on a VHD's storage account. A VHD registered
/// without its storage account has no ARM scope to check, so nothing restricts it. The source
/// pickers list exactly these, and creating a version from any other is refused.
pub fn can_read_source(world: &World, subject: &Subject, source: &crate::sources::Source) -> bool {
    source
        .read_permission()
        .is_none_or(|(action, scope)| allowed_at(world, subject, &action, &scope))
}

/// True when `subject` is allowed `{type}/read` at `scope` (a subscription, a resource group, or
/// a resource in one), the check ARM makes before it returns a scope; false for an unparsable
/// scope or one whose subscription is not in the world.
pub fn can_read_scope(world: &World, subject: &Subject, scope: &str) -> bool {
    context(world, subject, scope).is_ok_and(|cx| read_allowed(world, &cx))
}

/// Where a soft-deleted version is read from: it is no longer a resource, so whoever may read
/// its image definition sees it (in "Show soft deleted versions" and the cost of what is kept).
pub fn soft_deleted_read_scope(version_id: &str) -> Option<String> {
    match crate::ids::GalleryResourceId::parse(version_id)? {
        crate::ids::GalleryResourceId::Version(v) => Some(v.image.to_string()),
        _ => None,
    }
}

/// True when `subject` is allowed `action` at `scope` (false for a scope not in the world).
fn allowed_at(world: &World, subject: &Subject, action: &str, scope: &str) -> bool {
    context(world, subject, scope).is_ok_and(|cx| decide(world, &cx, action).allowed)
}

/// `{type}/read` at a prepared check's scope.
fn read_allowed(world: &World, cx: &CheckContext<'_>) -> bool {
    let action = format!("{}/read", cx.scope.resource_type());
    decide(world, cx, &action).allowed
}

/// True when `subject` has an object in `tenant_id` (home user, guest or external member user,
/// its app's service principal, or the group itself): the tenants the portal lists to it.
pub fn can_see_tenant(world: &World, subject: &Subject, tenant_id: &str) -> bool {
    subject.object_in(&world.access, tenant_id).is_some()
}

/// True when `subject` holds a role assignment, directly or through a group, at subscription
/// `subscription_id` or at any scope within it (the module doc says why that is Azure's rule);
/// false for a subscription not in the world. Costs one ordered scan of the scopes within that
/// subscription (a hash look-up of each acting principal at each), not of the whole world.
pub fn can_see_subscription(world: &World, subject: &Subject, subscription_id: &str) -> bool {
    let scope = format!("/subscriptions/{subscription_id}");
    let Some(principal) = context(world, subject, &scope)
        .ok()
        .and_then(|cx| cx.principal)
    else {
        return false;
    };
    let access = &world.access;
    let own = Key::new(principal.object.id());
    let acting: Vec<&Key> = std::iter::once(&own)
        .chain(access.groups_of(&own))
        .collect();
    // An assignment at a management group above the subscription reaches into it.
    let above = crate::access::full_path(world, &scope)
        .map(|(_, p)| p.levels)
        .unwrap_or_default();
    let from_groups = above
        .iter()
        .filter(|l| crate::iam::governance::management_group_name(l).is_some())
        .any(|l| {
            acting.iter().any(|who| {
                access
                    .index
                    .by_scope_principal
                    .get(&Key::new(l), who)
                    .is_some_and(|list| !list.is_empty())
            })
        });
    if from_groups {
        return true;
    }
    let base = Key::from_string(scope);
    let within = format!("{}/", base.as_str());
    // Every scope inside sorts between the subscription's key and that key followed by '0'
    // (the character after '/'); keys of longer subscription ids in between are filtered out.
    let end = Key::from_string(format!("{}0", base.as_str()));
    access
        .index
        .by_scope_principal
        .scopes_in(&base, &end)
        .filter(|(scope, _)| **scope == base || scope.as_str().starts_with(&within))
        .flat_map(|(_, principals)| acting.iter().filter_map(|who| principals.get(*who)))
        .flatten()
        .any(|key| {
            access
                .assignments
                .get(key)
                .is_some_and(|a| access.role(&a.properties.role_definition_id).is_some())
        })
}

/// True when `subject` may read resource group `name` of `subscription_id`
/// (`Microsoft.Resources/subscriptions/resourceGroups/read` there or above).
pub fn can_see_resource_group(
    world: &World,
    subject: &Subject,
    subscription_id: &str,
    name: &str,
) -> bool {
    can_read_scope(
        world,
        subject,
        &format!("/subscriptions/{subscription_id}/resourceGroups/{name}"),
    )
}

/// The action ARM checks before it lists the role assignments at a scope (the module doc says
/// why the IAM blade asks for it).
pub const READ_ROLE_ASSIGNMENTS: &str = "Microsoft.Authorization/roleAssignments/read";

/// `Ok` when `actor` may list the role assignments that apply at `scope` (always for the
/// simulator); else Azure's `AuthorizationFailed` diagnostic naming the principal, the action and
/// the scope, which the portal shows as the reason. The same decision as any command's
/// requirement ([`authorize_action`]), so the IAM blade and `apply` cannot disagree.
pub fn may_list_role_assignments(
    world: &World,
    actor: &Actor,
    scope: &str,
) -> Result<(), Diagnostic> {
    authorize_action(world, actor, READ_ROLE_ASSIGNMENTS, scope)
}

/// The action Azure checks before it returns Activity log events at a scope (the module doc says
/// which entries need it where).
pub const READ_ACTIVITY_LOG: &str = "Microsoft.Insights/eventtypes/values/read";

/// True when `subject` is a member user of `tenant_id` ([`Subject::is_member_user_in`]): it may
/// browse that tenant's directory and read its directory changes in the Activity log, which
/// Entra denies to guests and applications.
pub fn can_browse_directory(world: &World, subject: &Subject, tenant_id: &str) -> bool {
    subject.is_member_user_in(&world.access, tenant_id)
}

/// True when the Directory blade lists `entry` to `subject`: every object of a tenant it may
/// browse ([`can_browse_directory`]), and elsewhere only its own object, so a guest learns that
/// it is a guest there and nothing of the tenant's other users, groups or applications.
pub fn can_see_directory_object(world: &World, subject: &Subject, entry: &Entry) -> bool {
    can_browse_directory(world, subject, &entry.tenant_id)
        || subject
            .object_in(&world.access, &entry.tenant_id)
            .is_some_and(|own| own.object.id().eq_ignore_ascii_case(entry.object.id()))
}

/// True when `subject` is offered application `app_id`: it is in the app's home tenant, or the
/// app is multi-tenant (the module doc says why); false for an appId the directory does not know.
pub fn can_see_application(world: &World, subject: &Subject, app_id: &str) -> bool {
    match world.access.application(app_id) {
        Some(entry) => match &entry.object {
            DirectoryObject::Application(app) => {
                app.is_multi_tenant() || can_see_tenant(world, subject, &entry.tenant_id)
            }
            _ => false,
        },
        None => false,
    }
}

/// The directory objects a role assignment at `scope` may name, in object id order: the users
/// (guests included), groups and service principals of the tenant owning the scope (its
/// subscription's, or its management group's; the module doc says why). Empty for an unparsable
/// scope or one the world does not have. One pass over the directory, so a portal computes it
/// once per change of the world.
pub fn assignable_principals<'w>(world: &'w World, scope: &str) -> Vec<&'w Entry> {
    let Ok((tenant, _)) = crate::access::full_path(world, scope) else {
        return Vec::new();
    };
    world
        .access
        .objects()
        .filter(|e| assignable_in(e, tenant))
        .collect()
}

/// What an Activity log entry about `command` names as its resource: the resource or scope id it
/// acts on; `/tenants/{tenant}/{kind}/{name}` for a directory change; the group whose members
/// change; for a new role assignment its id, or the assignments at its scope ([`assignments_at`])
/// while it has no name. [`can_read_target`] reads the same forms, so what the log shows and who
/// may see it come from one place.
pub fn command_target(command: &Command) -> String {
    let directory =
        |tenant: &str, kind: &str, name: &str| format!("/tenants/{tenant}/{kind}/{name}");
    match command {
        Command::CreateTenant { id, .. } => format!("/tenants/{id}"),
        Command::CreateSubscription { id, .. } => format!("/subscriptions/{id}"),
        Command::CreateResourceGroup {
            subscription_id,
            name,
            ..
        } => format!("/subscriptions/{subscription_id}/resourceGroups/{name}"),
        Command::CreateSource(source) => source.id.clone(),
        Command::DeleteSource { id }
        | Command::CreateGallery { id, .. }
        | Command::UpdateGallery { id, .. }
        | Command::ShareGallery { id, .. }
        | Command::DeleteGallery { id }
        | Command::CreateImage { id, .. }
        | Command::UpdateImage { id, .. }
        | Command::DeleteImage { id }
        | Command::CreateVersion { id, .. }
        | Command::UpdateVersion { id, .. }
        | Command::DeleteVersion { id }
        | Command::RestoreVersion { id }
        | Command::PurgeSoftDeletedVersion { id }
        | Command::DeleteRoleAssignment { id } => id.clone(),
        Command::InjectReplicationFault { version_id, .. }
        | Command::RetryReplication { version_id, .. } => version_id.clone(),
        Command::SetPriceTable { .. } => "/priceTable".to_string(),
        Command::MoveResources { source_group, .. } => source_group.clone(),
        Command::CreateUser(u) => directory(&u.tenant_id, "users", &u.user_principal_name),
        Command::InviteGuest(g) => directory(&g.tenant_id, "users", &g.user),
        Command::CreateGroup(g) => directory(&g.tenant_id, "groups", &g.display_name),
        Command::RegisterApplication(a) => directory(&a.tenant_id, "applications", &a.display_name),
        Command::CreateServicePrincipal(s) => {
            directory(&s.tenant_id, "servicePrincipals", &s.app_id)
        }
        Command::AddGroupMember(m) | Command::RemoveGroupMember(m) => m.group_id.clone(),
        Command::CreateRoleDefinition(r) => r
            .properties
            .assignable_scopes
            .first()
            .cloned()
            .unwrap_or_else(|| r.id.clone()),
        Command::CreateManagementGroup(g) => crate::iam::governance::management_group_id(&g.name),
        Command::AddSubscriptionToManagementGroup {
            management_group, ..
        } => crate::iam::governance::management_group_id(management_group),
        Command::CreateDenyAssignment(d) => d.properties.scope.clone(),
        Command::CreateRoleAssignment(a) => match &a.name {
            Some(name) => assignment_id(&a.scope, name),
            None => assignments_at(&a.scope),
        },
    }
}

/// True when `subject` may read the Activity log entries about `target`, as [`command_target`]
/// writes it: a directory path (`/tenants/{id}/...`) or a directory object (a group) when it may
/// browse that tenant's directory ([`can_browse_directory`]); anything else when it is allowed
/// [`READ_ACTIVITY_LOG`] at the entry's scope: a role assignment's (or the assignments at a
/// scope) where it was made, an image source's ARM id or storage account, any other resource or
/// scope itself. False for anything else, such as a VHD registered without its storage account,
/// which has no ARM scope to hold the permission.
pub fn can_read_target(world: &World, subject: &Subject, target: &str) -> bool {
    if let Some(path) = target.strip_prefix("/tenants/") {
        let tenant = path.split('/').next().unwrap_or_default();
        return can_browse_directory(world, subject, tenant);
    }
    let scope: Option<Cow<'_, str>> = match (role_assignments_scope(target), world.source(target)) {
        (Some(scope), _) => Some(scope.into()),
        (None, Some(source)) => source.read_permission().map(|(_, scope)| scope.into()),
        (None, None) => ScopePath::parse(target).map(|_| target.into()),
    };
    match scope {
        Some(scope) => allowed_at(world, subject, READ_ACTIVITY_LOG, &scope),
        None => world
            .access
            .object(target)
            .is_some_and(|e| can_browse_directory(world, subject, &e.tenant_id)),
    }
}

/// The signed-in actor as the portal's lists ask about it, resolved once per render rather than
/// once per row. The simulator ([`Actor::system`]) sees everything; a principal the directory
/// does not know sees nothing but the Activity log entries it initiated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Viewer {
    actor: Actor,
    subject: Option<Subject>,
}

impl Viewer {
    /// Resolves `actor` in `world`.
    pub fn new(world: &World, actor: &Actor) -> Viewer {
        let subject = if actor.is_system() {
            None
        } else {
            resolve_principal(world, &actor.principal).ok()
        };
        Viewer {
            actor: actor.clone(),
            subject,
        }
    }

    fn allows(&self, rule: impl FnOnce(&Subject) -> bool) -> bool {
        self.actor.is_system() || self.subject.as_ref().is_some_and(rule)
    }

    /// [`can_see_tenant`] for the viewer.
    pub fn sees_tenant(&self, world: &World, tenant_id: &str) -> bool {
        self.allows(|s| can_see_tenant(world, s, tenant_id))
    }

    /// [`can_see_subscription`] for the viewer.
    pub fn sees_subscription(&self, world: &World, subscription_id: &str) -> bool {
        self.allows(|s| can_see_subscription(world, s, subscription_id))
    }

    /// [`can_read_source`] for the viewer.
    pub fn sees_source(&self, world: &World, source: &crate::sources::Source) -> bool {
        self.allows(|s| can_read_source(world, s, source))
    }

    /// [`can_read`] (a gallery, definition or version) for the viewer.
    pub fn sees_resource(&self, world: &World, id: &str) -> bool {
        self.allows(|s| can_read(world, s, id))
    }

    /// [`can_browse_directory`] for the viewer.
    pub fn browses_directory(&self, world: &World, tenant_id: &str) -> bool {
        self.allows(|s| can_browse_directory(world, s, tenant_id))
    }

    /// [`can_see_directory_object`] for the viewer.
    pub fn sees_directory_object(&self, world: &World, entry: &Entry) -> bool {
        self.allows(|s| can_see_directory_object(world, s, entry))
    }

    /// [`can_see_application`] for the viewer.
    pub fn sees_application(&self, world: &World, app_id: &str) -> bool {
        self.allows(|s| can_see_application(world, s, app_id))
    }

    /// [`can_see_resource_group`] for the viewer.
    pub fn sees_resource_group(&self, world: &World, subscription_id: &str, name: &str) -> bool {
        self.allows(|s| can_see_resource_group(world, s, subscription_id, name))
    }

    /// True when the viewer may see an Activity log entry that `initiated_by` (the principal as
    /// the log recorded it) started about `target`: its own entries always, refusals included
    /// (also when recorded under another of its names, such as its guest object), others' when
    /// it may read the target ([`can_read_target`]).
    pub fn sees_activity(&self, world: &World, initiated_by: &str, target: &str) -> bool {
        self.initiated(world, initiated_by) || self.allows(|s| can_read_target(world, s, target))
    }

    /// [`Viewer::sees_activity`] for a whole log: one flag per `(initiated by, target)` entry, in
    /// order. Each distinct initiator is resolved once, since a log holds thousands of entries
    /// by a few principals.
    pub fn sees_activities<'e>(
        &self,
        world: &World,
        entries: impl IntoIterator<Item = (&'e str, &'e str)>,
    ) -> Vec<bool> {
        let mut initiators: HashMap<&'e str, bool> = HashMap::new();
        entries
            .into_iter()
            .map(|(by, target)| {
                *initiators
                    .entry(by)
                    .or_insert_with(|| self.initiated(world, by))
                    || self.allows(|s| can_read_target(world, s, target))
            })
            .collect()
    }

    /// True when `initiated_by` names the viewer (the same text, or the same person or app).
    fn initiated(&self, world: &World, initiated_by: &str) -> bool {
        initiated_by.eq_ignore_ascii_case(&self.actor.principal)
            || self
                .subject
                .as_ref()
                .is_some_and(|s| resolve_principal(world, initiated_by).is_ok_and(|who| who == *s))
    }
}
