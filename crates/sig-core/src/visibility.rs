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
/// false for a subscription not in the world. Costs one ordered scan of the assignments made
/// within that subscription, not of the whole world.
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
    let base = Key::from_string(scope);
    let within = format!("{}/", base.as_str());
    // Every scope inside sorts between the subscription's key and that key followed by '0'
    // (the character after '/'); keys of longer subscription ids in between are filtered out.
    let end = Key::from_string(format!("{}0", base.as_str()));
    access
        .index
        .by_scope_principal
        .range((base.clone(), Key::new(""))..(end, Key::new("")))
        .filter(|((scope, who), _)| {
            (*scope == base || scope.as_str().starts_with(&within)) && acting.contains(&who)
        })
        .flat_map(|(_, assignments)| assignments)
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
/// (guests included), groups and service principals of the tenant owning the scope's subscription
/// (the module doc says why). Empty for an unparsable scope or one whose subscription is not in
/// the world. One pass over the directory, so a portal computes it once per change of the world.
pub fn assignable_principals<'w>(world: &'w World, scope: &str) -> Vec<&'w Entry> {
    let Some(subscription) =
        ScopePath::parse(scope).and_then(|p| world.subscription(&p.subscription))
    else {
        return Vec::new();
    };
    world
        .access
        .objects()
        .filter(|e| assignable_in(e, &subscription.tenant_id))
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
        | Command::DeleteGallery { id }
        | Command::CreateImage { id, .. }
        | Command::UpdateImage { id, .. }
        | Command::DeleteImage { id }
        | Command::CreateVersion { id, .. }
        | Command::UpdateVersion { id, .. }
        | Command::DeleteVersion { id }
        | Command::DeleteRoleAssignment { id } => id.clone(),
        Command::InjectReplicationFault { version_id, .. }
        | Command::RetryReplication { version_id, .. } => version_id.clone(),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::visible_resources;
    use crate::command::{gallery_id, image_id};
    use crate::testing::example::{
        contoso_fabrikam, group_id, ADMIN, CAROL, CONTOSO, CONTOSO_SUB, DEPLOYER_APP, ERIN,
        FABRIKAM, FABRIKAM_SUB, NORTHWIND, NORTHWIND_SUB,
    };
    use crate::testing::gallery_body;

    #[test]
    fn agrees_with_visible_resources_for_every_resource() {
        let w = contoso_fabrikam();
        for principal in [
            CAROL,
            crate::testing::example::ADMIN,
            crate::testing::example::ERIN,
        ] {
            let subject = resolve_principal(&w, principal).expect("known principal");
            let visible: Vec<String> = visible_resources(&w, &subject)
                .into_iter()
                .map(|r| r.id)
                .collect();
            let ids = w
                .galleries()
                .map(|g| g.id.to_string())
                .chain(w.images().map(|i| i.id.to_string()))
                .chain(w.versions().map(|v| v.id.to_string()));
            let mut seen = 0;
            for id in ids {
                let expected = visible.contains(&id);
                assert_eq!(
                    principal_can_read(&w, principal, &id),
                    expected,
                    "{principal} {id}"
                );
                seen += usize::from(expected);
            }
            assert_eq!(seen, visible.len());
        }
        assert!(!principal_can_read(
            &w,
            "nobody@example.com",
            "/subscriptions/x"
        ));
    }

    const DAVE: &str = "dave@fabrikam.com";
    const ALICE: &str = "alice@contoso.onmicrosoft.com";
    const BOB: &str = "bob@contoso.onmicrosoft.com";

    fn viewer(w: &World, principal: &str) -> Viewer {
        Viewer::new(w, &Actor::new(principal))
    }

    /// The module doc's claim that a listed subscription's tenant is always listed rests on role
    /// assignments naming only principals of their scope's tenant: check both on the example.
    #[test]
    fn every_listed_subscriptions_tenant_is_listed() {
        let w = contoso_fabrikam();
        for a in w.access().assignments() {
            let sub = a.properties.scope.split('/').nth(2).unwrap_or_default();
            let tenant = w.subscription(sub).map(|s| s.tenant_id.clone());
            let principal = w.access().object(&a.properties.principal_id);
            assert_eq!(
                principal.map(|e| e.tenant_id.to_ascii_lowercase()),
                tenant.map(|t| t.to_ascii_lowercase()),
                "{} names a principal of another tenant",
                a.id
            );
        }
        for principal in [ADMIN, CAROL, ERIN, DAVE, ALICE, BOB, DEPLOYER_APP] {
            let v = viewer(&w, principal);
            for s in w.subscriptions().filter(|s| v.sees_subscription(&w, &s.id)) {
                assert!(v.sees_tenant(&w, &s.tenant_id), "{principal} {}", s.id);
            }
        }
    }

    #[test]
    fn each_principal_is_listed_the_tenants_subscriptions_and_groups_it_may_see() {
        let w = contoso_fabrikam();
        let listed = |principal: &str| {
            let v = viewer(&w, principal);
            let tenants: Vec<&str> = w
                .tenants()
                .filter(|t| v.sees_tenant(&w, &t.id))
                .map(|t| t.id.as_str())
                .collect();
            let subscriptions: Vec<&str> = w
                .subscriptions()
                .filter(|s| v.sees_subscription(&w, &s.id))
                .map(|s| s.id.as_str())
                .collect();
            let groups: Vec<&str> = w
                .resource_groups()
                .filter(|g| v.sees_resource_group(&w, &g.subscription_id, &g.name))
                .map(|g| g.name.as_str())
                .collect();
            (tenants, subscriptions, groups)
        };
        // Contoso's Owner sees Contoso only.
        assert_eq!(
            listed(ADMIN),
            (vec![CONTOSO], vec![CONTOSO_SUB], vec!["rg-images"])
        );
        // Carol owns Fabrikam's subscription and, as Contoso's guest, reads one definition there:
        // Contoso's subscription is listed to her, its resource group is not.
        assert_eq!(
            listed(CAROL),
            (
                vec![FABRIKAM, CONTOSO],
                vec![CONTOSO_SUB, FABRIKAM_SUB],
                vec!["rg-apps"]
            )
        );
        assert_eq!(
            listed(ERIN),
            (vec![NORTHWIND], vec![NORTHWIND_SUB], vec!["rg-vms"])
        );
        // A Reader of one gallery, and a Publisher of one: the subscription, no resource group.
        assert_eq!(listed(DAVE), (vec![FABRIKAM], vec![FABRIKAM_SUB], vec![]));
        assert_eq!(listed(ALICE), (vec![CONTOSO], vec![CONTOSO_SUB], vec![]));
        // User Access Administrator at the subscription reads every group in it.
        assert_eq!(
            listed(BOB),
            (vec![CONTOSO], vec![CONTOSO_SUB], vec!["rg-images"])
        );
        // The multi-tenant app has a service principal in all three tenants, a role in Contoso only.
        assert_eq!(
            listed(DEPLOYER_APP),
            (
                vec![FABRIKAM, CONTOSO, NORTHWIND],
                vec![CONTOSO_SUB],
                vec![]
            )
        );
        // Nobody the directory knows sees nothing; the simulator sees everything.
        assert_eq!(listed("nobody@example.com"), (vec![], vec![], vec![]));
        let all = listed("system");
        assert_eq!((all.0.len(), all.1.len(), all.2.len()), (3, 3, 3));
    }

    #[test]
    fn a_subscription_is_listed_through_a_group_and_not_through_another_subscriptions_assignment() {
        let mut w = contoso_fabrikam();
        // Bob is in Image Consumers through Build Agents; take away his own assignments.
        let bob = resolve_principal(&w, BOB).expect("bob");
        let own: Vec<String> = w
            .access()
            .assignments()
            .filter(|a| {
                w.access()
                    .user_by_upn(BOB)
                    .is_some_and(|e| e.object.id() == a.properties.principal_id)
            })
            .map(|a| a.id.clone())
            .collect();
        for id in own {
            crate::apply(
                &mut w,
                &Actor::system(),
                Command::DeleteRoleAssignment { id },
                crate::testing::FIXTURE_NOW,
            )
            .expect("delete");
        }
        assert!(can_see_subscription(&w, &bob, CONTOSO_SUB), "via the group");
        let consumers = Subject::Group(Key::new(&group_id(CONTOSO, "Image Consumers")));
        assert!(can_see_subscription(&w, &consumers, CONTOSO_SUB));
        assert!(!can_see_subscription(&w, &consumers, FABRIKAM_SUB));
        assert!(!can_see_subscription(&w, &bob, "no-such-subscription"));
    }

    #[test]
    fn role_assignments_are_listed_to_those_allowed_to_read_them_at_the_scope() {
        let w = contoso_fabrikam();
        let rg = "rg-images";
        let contoso = format!("/subscriptions/{CONTOSO_SUB}");
        let group = format!("{contoso}/resourceGroups/{rg}");
        let gallery = gallery_id(CONTOSO_SUB, rg, "ContosoImages");
        let ubuntu = image_id(CONTOSO_SUB, rg, "ContosoImages", "ubuntu-22");
        let ubuntu_v1 = format!("{ubuntu}/versions/1.0.0");
        let appliance = image_id(CONTOSO_SUB, rg, "ContosoImages", "appliance");
        let fabrikam = format!("/subscriptions/{FABRIKAM_SUB}");
        let northwind = format!("/subscriptions/{NORTHWIND_SUB}");
        let scopes = [
            &contoso, &group, &gallery, &ubuntu, &ubuntu_v1, &appliance, &fabrikam, &northwind,
        ];
        let lists = |principal: &str| -> Vec<bool> {
            let actor = if principal == "system" {
                Actor::system()
            } else {
                Actor::new(principal)
            };
            scopes
                .iter()
                .map(|scope| may_list_role_assignments(&w, &actor, scope).is_ok())
                .collect()
        };
        let (t, f) = (true, false);
        for (principal, expected) in [
            // Contoso's Owner: all of Contoso, nothing of the other tenants.
            (ADMIN, [t, t, t, t, t, t, f, f]),
            // Carol reads the definition shared with her (Reader: */read) and what is in it, and
            // owns Fabrikam's subscription; Contoso's subscription is listed to her, its IAM not.
            (CAROL, [f, f, f, t, t, f, t, f]),
            (ERIN, [f, f, f, f, f, f, f, t]),
            // Alice publishes in the gallery (Microsoft.Authorization/*/read), holds nothing above.
            (ALICE, [f, f, t, t, t, t, f, f]),
            // Bob's own User Access Administrator role reads them anywhere in the subscription.
            (BOB, [t, t, t, t, t, t, f, f]),
            ("nobody@example.com", [f; 8]),
            ("system", [t; 8]),
        ] {
            assert_eq!(lists(principal), expected, "{principal}");
        }
        // The app reads one version only: Compute Gallery Image Reader (through its group) does
        // not read role assignments.
        let appliance_v1 = format!("{appliance}/versions/1.0.0");
        let app = Actor::new(DEPLOYER_APP);
        assert!(may_list_role_assignments(&w, &app, &appliance_v1).is_ok());
        assert!(may_list_role_assignments(&w, &app, &ubuntu).is_err());
        // The refusal is Azure's, naming who, what and where.
        let why = may_list_role_assignments(&w, &Actor::new(ERIN), &contoso)
            .expect_err("Erin may not read Contoso's role assignments");
        assert_eq!(why.code, crate::Code::AuthorizationFailed);
        assert!(
            why.message.contains(ERIN)
                && why.message.contains(READ_ROLE_ASSIGNMENTS)
                && why.message.contains(&contoso),
            "{}",
            why.message
        );
    }

    /// `(display name, type)` of the principals offered for an assignment at `scope`.
    fn offered(w: &World, scope: &str) -> Vec<(String, &'static str)> {
        let mut out: Vec<(String, &'static str)> = assignable_principals(w, scope)
            .into_iter()
            .map(|e| {
                let kind = match &e.object {
                    DirectoryObject::User(u) if u.is_guest() => "Guest",
                    other => other.principal_type().unwrap_or("none"),
                };
                (e.object.display_name().to_string(), kind)
            })
            .collect();
        out.sort();
        out
    }

    #[test]
    fn the_member_picker_offers_the_principals_of_the_scopes_tenant_only() {
        let w = contoso_fabrikam();
        let contoso = format!("/subscriptions/{CONTOSO_SUB}");
        let ubuntu = image_id(CONTOSO_SUB, "rg-images", "ContosoImages", "ubuntu-22");
        let owned = |list: &[(&str, &'static str)]| -> Vec<(String, &'static str)> {
            list.iter().map(|(n, t)| (n.to_string(), *t)).collect()
        };
        // Contoso's users (Carol as its guest, not her Fabrikam user), groups, and the
        // service principal of Fabrikam's app there; the app registration is no principal.
        let in_contoso = owned(&[
            ("Alice Publisher", "User"),
            ("Bob Builder", "User"),
            ("Build Agents", "Group"),
            ("Fabrikam Image Deployer", "ServicePrincipal"),
            ("Image Consumers", "Group"),
            ("admin", "User"),
            ("carol", "Guest"),
        ]);
        assert_eq!(offered(&w, &contoso), in_contoso);
        assert_eq!(offered(&w, &ubuntu), in_contoso, "any scope in the tenant");
        assert_eq!(
            offered(&w, &format!("/subscriptions/{FABRIKAM_SUB}")),
            owned(&[
                ("Dave Consumer", "User"),
                ("Fabrikam Image Deployer", "ServicePrincipal"),
                ("carol", "User"),
            ])
        );
        assert_eq!(
            offered(&w, &format!("/subscriptions/{NORTHWIND_SUB}")),
            owned(&[
                ("Fabrikam Image Deployer", "ServicePrincipal"),
                ("erin", "User")
            ])
        );
        assert!(offered(&w, "/subscriptions/no-such-subscription").is_empty());
        assert!(offered(&w, "not a scope").is_empty());
    }

    #[test]
    fn every_principal_offered_may_be_assigned_and_no_other() {
        let w = contoso_fabrikam();
        let scopes = [
            format!("/subscriptions/{CONTOSO_SUB}"),
            image_id(CONTOSO_SUB, "rg-images", "ContosoImages", "ubuntu-22"),
            format!("/subscriptions/{FABRIKAM_SUB}/resourceGroups/rg-apps"),
            format!("/subscriptions/{NORTHWIND_SUB}"),
        ];
        for scope in &scopes {
            let ids: Vec<&str> = assignable_principals(&w, scope)
                .into_iter()
                .map(|e| e.object.id())
                .collect();
            for entry in w.access().objects() {
                let id = entry.object.id();
                // Nobody holds Contributor in the example, so only the principal can be refused.
                let verdict = crate::check(
                    &w,
                    &Actor::system(),
                    &Command::CreateRoleAssignment(crate::protocol::requests::NewRoleAssignment {
                        scope: scope.clone(),
                        role_definition_id: "Contributor".into(),
                        principal_id: id.to_string(),
                        name: None,
                    }),
                    crate::testing::FIXTURE_NOW,
                )
                .expect("assignments are previewed");
                assert_eq!(
                    verdict.is_ok(),
                    ids.contains(&id),
                    "{} at {scope}: {verdict:?}",
                    entry.object.display_name()
                );
            }
        }
    }

    #[test]
    fn role_assignment_entries_need_the_activity_log_permission_where_they_were_made() {
        let (w, gus) = with_auditor();
        let ubuntu = image_id(CONTOSO_SUB, "rg-images", "ContosoImages", "ubuntu-22");
        let appliance_v1 = format!(
            "{}/versions/1.0.0",
            image_id(CONTOSO_SUB, "rg-images", "ContosoImages", "appliance")
        );
        let grant = |scope: &str, name: Option<&str>| {
            command_target(&Command::CreateRoleAssignment(
                crate::protocol::requests::NewRoleAssignment {
                    scope: scope.to_string(),
                    role_definition_id: "Reader".into(),
                    principal_id: BOB.into(),
                    name: name.map(str::to_string),
                },
            ))
        };
        let (unnamed, named) = (grant(&ubuntu, None), grant(&ubuntu, Some("x")));
        let removal = command_target(&Command::DeleteRoleAssignment {
            id: assignment_id(&ubuntu, "x"),
        });
        // The entry names the assignment, or the assignments at its scope until it has a name.
        assert_eq!(named, removal);
        assert_eq!(
            unnamed,
            format!("{ubuntu}/providers/Microsoft.Authorization/roleAssignments")
        );
        let [app, carol, admin, erin, alice, bob, auditor] =
            [DEPLOYER_APP, CAROL, ADMIN, ERIN, ALICE, BOB, gus].map(|p| viewer(&w, p));
        for target in [&unnamed, &named, &removal] {
            // Reader (`*/read`) at the definition, the Owner and User Access Administrator
            // above it: each may read the Activity log there.
            assert!(carol.sees_activity(&w, ADMIN, target), "{target}");
            assert!(admin.sees_activity(&w, CAROL, target), "{target}");
            assert!(bob.sees_activity(&w, ADMIN, target), "{target}");
            // The app (Compute Gallery Image Reader through its group), Alice (Compute Gallery
            // Artifacts Publisher) and Gus (the custom Gallery Version Auditor) read the
            // definition, but their roles grant no Microsoft.Insights action: they do not learn
            // who was granted what there.
            assert!(!app.sees_activity(&w, ADMIN, target), "{target}");
            assert!(!alice.sees_activity(&w, ADMIN, target), "{target}");
            assert!(!auditor.sees_activity(&w, ADMIN, target), "{target}");
            assert!(!erin.sees_activity(&w, ADMIN, target), "{target}");
            // Its own attempts stay the app's.
            assert!(app.sees_activity(&w, DEPLOYER_APP, target), "{target}");
        }
        // The app is Reader of one version: what was granted there is in its log.
        let at_version = grant(&appliance_v1, Some("y"));
        assert!(app.sees_activity(&w, ADMIN, &at_version));
        assert!(!carol.sees_activity(&w, ADMIN, &at_version));
        // An assignment made at the subscription: the Reader of one definition inside does not
        // see it, access does not flow up.
        let at_subscription = grant(&format!("/subscriptions/{CONTOSO_SUB}"), None);
        assert!(!carol.sees_activity(&w, ADMIN, &at_subscription));
        assert!(bob.sees_activity(&w, ADMIN, &at_subscription));
        assert_eq!(
            app.sees_activities(
                &w,
                [
                    (ADMIN, ubuntu.as_str()),
                    (ADMIN, removal.as_str()),
                    (ADMIN, at_version.as_str()),
                    (DEPLOYER_APP, removal.as_str()),
                ]
            ),
            [false, false, true, true]
        );
    }

    #[test]
    fn applications_are_offered_in_their_home_tenant_or_everywhere_when_multi_tenant() {
        let mut w = contoso_fabrikam();
        crate::apply(
            &mut w,
            &Actor::new(CAROL),
            Command::RegisterApplication(crate::protocol::requests::NewApplication {
                tenant_id: FABRIKAM.into(),
                display_name: "Fabrikam Internal".into(),
                app_id: Some("0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d".into()),
                multi_tenant: false,
            }),
            crate::testing::FIXTURE_NOW,
        )
        .expect("Carol registers an app in her tenant");
        let internal = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
        let (carol, erin) = (viewer(&w, CAROL), viewer(&w, ERIN));
        assert!(carol.sees_application(&w, internal));
        assert!(
            !erin.sees_application(&w, internal),
            "single tenant, elsewhere"
        );
        assert!(erin.sees_application(&w, DEPLOYER_APP), "multi-tenant");
        assert!(!viewer(&w, "nobody@example.com").sees_application(&w, internal));
        assert!(viewer(&w, "system").sees_application(&w, internal));
        assert!(!carol.sees_application(&w, "no-such-app"));
    }

    /// The example with `gus@contoso.onmicrosoft.com`, a Contoso member user whose only role is
    /// the custom Gallery Version Auditor (`Microsoft.Compute/galleries/*/read`) on rg-images.
    fn with_auditor() -> (World, &'static str) {
        const GUS: &str = "gus@contoso.onmicrosoft.com";
        let mut w = contoso_fabrikam();
        for command in [
            Command::CreateUser(crate::protocol::requests::NewUser {
                tenant_id: CONTOSO.into(),
                user_principal_name: GUS.into(),
                display_name: "Gus Auditor".into(),
                id: None,
            }),
            Command::CreateRoleAssignment(crate::protocol::requests::NewRoleAssignment {
                scope: format!("/subscriptions/{CONTOSO_SUB}/resourceGroups/rg-images"),
                role_definition_id: "Gallery Version Auditor".into(),
                principal_id: GUS.into(),
                name: None,
            }),
        ] {
            crate::apply(
                &mut w,
                &Actor::new(ADMIN),
                command,
                crate::testing::FIXTURE_NOW,
            )
            .expect("the Owner adds an auditor");
        }
        (w, GUS)
    }

    #[test]
    fn the_activity_log_shows_entries_where_the_viewer_may_read_the_log_and_its_own_refusals() {
        let (w, gus) = with_auditor();
        let rg = "rg-images";
        let ubuntu = image_id(CONTOSO_SUB, rg, "ContosoImages", "ubuntu-22");
        let appliance = image_id(CONTOSO_SUB, rg, "ContosoImages", "appliance");
        let new_gallery = Command::CreateGallery {
            id: gallery_id(CONTOSO_SUB, rg, "Other"),
            resource: gallery_body(),
        };
        let target = command_target(&new_gallery);
        let [carol, erin, admin, alice, app, auditor] =
            [CAROL, ERIN, ADMIN, ALICE, DEPLOYER_APP, gus].map(|p| viewer(&w, p));
        // Carol's refused attempt in Contoso: hers to see, and the Owner's; not Erin's.
        assert!(carol.sees_activity(&w, CAROL, &target));
        assert!(admin.sees_activity(&w, CAROL, &target));
        assert!(!erin.sees_activity(&w, CAROL, &target));
        // Recorded under her guest object's id, it is still hers.
        let Ok(Subject::Person(home)) = resolve_principal(&w, CAROL) else {
            panic!("Carol is a person");
        };
        let guest = w
            .access()
            .guest_in(home.as_str(), CONTOSO)
            .map(|e| e.object.id().to_string())
            .expect("Carol's guest object");
        assert!(carol.sees_activity(&w, &guest, &target));
        // The Owner's changes: Carol is Reader (`*/read`) of one definition, so she reads the
        // Activity log there and not at its sibling.
        assert!(carol.sees_activity(&w, ADMIN, &ubuntu));
        assert!(!carol.sees_activity(&w, ADMIN, &appliance));
        // Reading the definition is not reading its log: Compute Gallery Image Reader (the app,
        // through its group), Compute Gallery Artifacts Publisher (Alice) and the custom Gallery
        // Version Auditor (Gus) hold no Microsoft.Insights action.
        for (who, reader) in [(DEPLOYER_APP, &app), (ALICE, &alice), (gus, &auditor)] {
            assert!(
                reader.sees_resource(&w, &ubuntu),
                "{who} reads the definition"
            );
            assert!(!reader.sees_activity(&w, ADMIN, &ubuntu), "{who}");
            assert!(!reader.sees_activity(&w, ADMIN, &target), "{who}");
        }
        // ... but their own entries, refusals included, stay theirs.
        assert!(auditor.sees_activity(&w, gus, &target));
        assert!(auditor.sees_activity(&w, gus, &ubuntu));
        // A resource group by the permission there: Carol has none in Contoso's.
        let new_rg = command_target(&Command::CreateResourceGroup {
            subscription_id: CONTOSO_SUB.into(),
            name: "rg-new".into(),
            location: "westus".into(),
        });
        assert!(admin.sees_activity(&w, ADMIN, &new_rg));
        assert!(!carol.sees_activity(&w, ADMIN, &new_rg));
        // Directory changes are read by the tenant's member users only: not by Carol, Contoso's
        // guest, nor by the app's service principal there, nor by Erin, who is not in Contoso.
        let new_user = command_target(&Command::CreateUser(crate::protocol::requests::NewUser {
            tenant_id: CONTOSO.into(),
            user_principal_name: "zoe@contoso.onmicrosoft.com".into(),
            display_name: "Zoe".into(),
            id: None,
        }));
        let membership = command_target(&Command::AddGroupMember(
            crate::protocol::requests::GroupMembership {
                group_id: group_id(CONTOSO, "Build Agents"),
                member_id: BOB.into(),
            },
        ));
        let tenant = command_target(&Command::CreateTenant {
            id: CONTOSO.into(),
            display_name: "Contoso".into(),
        });
        for entry in [&new_user, &membership, &tenant] {
            assert!(admin.sees_activity(&w, ADMIN, entry), "{entry}");
            assert!(
                auditor.sees_activity(&w, ADMIN, entry),
                "member user: {entry}"
            );
            assert!(!carol.sees_activity(&w, ADMIN, entry), "guest: {entry}");
            assert!(!app.sees_activity(&w, ADMIN, entry), "application: {entry}");
            assert!(!erin.sees_activity(&w, ADMIN, entry), "elsewhere: {entry}");
        }
        // In her home tenant Carol is a member user.
        let fabrikam_user =
            command_target(&Command::CreateUser(crate::protocol::requests::NewUser {
                tenant_id: FABRIKAM.into(),
                user_principal_name: "frank@fabrikam.com".into(),
                display_name: "Frank".into(),
                id: None,
            }));
        assert!(carol.sees_activity(&w, DAVE, &fabrikam_user));
        // Image sources at their own scope: the Owner's, and Alice's (Reader of each source),
        // not the guest's.
        let source = w.sources().next().expect("a source").id.clone();
        assert!(admin.sees_activity(&w, ADMIN, &source));
        assert!(alice.sees_activity(&w, ADMIN, &source));
        assert!(!carol.sees_activity(&w, ADMIN, &source));
        // Somebody unknown sees its own entries only; the simulator sees all.
        let nobody = viewer(&w, "nobody@example.com");
        assert!(nobody.sees_activity(&w, "NOBODY@example.com", &target));
        assert!(!nobody.sees_activity(&w, ADMIN, &ubuntu));
        assert!(viewer(&w, "system").sees_activity(&w, ADMIN, &new_user));
        // A whole log at once gives the same answers, in order.
        let log = [
            (CAROL, target.as_str()),
            (ADMIN, ubuntu.as_str()),
            (ADMIN, appliance.as_str()),
            (guest.as_str(), new_rg.as_str()),
            (ADMIN, new_rg.as_str()),
            (ADMIN, new_user.as_str()),
        ];
        assert_eq!(
            carol.sees_activities(&w, log),
            [true, true, false, true, false, false]
        );
    }

    #[test]
    fn a_vhd_sources_entries_are_read_at_its_storage_account() {
        let mut w = contoso_fabrikam();
        let account = format!(
            "/subscriptions/{CONTOSO_SUB}/resourceGroups/rg-images/providers/Microsoft.Storage/storageAccounts/contosovhds"
        );
        let vhd = |name: &str, account: Option<&str>| crate::sources::Source {
            id: format!("https://contosovhds.blob.core.windows.net/vhds/{name}.vhd"),
            kind: crate::sources::SourceKind::VhdBlob,
            location: crate::regions::RegionName::new("westus").expect("a region"),
            os_type: Some(crate::kinds::OsType::Linux),
            os_state: Some(crate::kinds::OsState::Generalized),
            hyper_v_generation: Some(crate::kinds::HyperVGeneration::V1),
            os_disk_size_gb: Some(30),
            data_disks: Vec::new(),
            storage_account_id: account.map(str::to_string),
        };
        let (placed, loose) = (vhd("placed", Some(&account)), vhd("loose", None));
        for source in [placed.clone(), loose.clone()] {
            crate::apply(
                &mut w,
                &Actor::system(),
                Command::CreateSource(source),
                crate::testing::FIXTURE_NOW,
            )
            .expect("the simulator registers a VHD");
        }
        let (admin, carol) = (viewer(&w, ADMIN), viewer(&w, CAROL));
        // The Owner of the account's subscription reads the log there; the guest does not.
        assert!(admin.sees_activity(&w, "system", &placed.id));
        assert!(!carol.sees_activity(&w, "system", &placed.id));
        // Without its account a VHD has no ARM scope that could grant the permission.
        assert!(!admin.sees_activity(&w, "system", &loose.id));
        assert!(viewer(&w, "system").sees_activity(&w, "system", &loose.id));
    }

    #[test]
    fn a_tenants_directory_is_browsed_by_its_member_users_and_a_guest_sees_itself_there() {
        let (w, gus) = with_auditor();
        // (tenant, display name) of the directory objects `keep` keeps, sorted.
        let listed = |keep: &dyn Fn(&Entry) -> bool| {
            let mut out: Vec<(String, String)> = w
                .access()
                .objects()
                .filter(|e| keep(e))
                .map(|e| (e.tenant_id.clone(), e.object.display_name().to_string()))
                .collect();
            out.sort();
            out
        };
        let shown = |principal: &str| {
            let v = viewer(&w, principal);
            listed(&|e| v.sees_directory_object(&w, e))
        };
        let all = |tenant: &str| listed(&|e| e.tenant_id == tenant);
        assert_eq!(shown(ADMIN), all(CONTOSO));
        assert_eq!(
            shown(gus),
            all(CONTOSO),
            "any member user, whatever its roles"
        );
        // Carol browses Fabrikam, where she is a member; in Contoso she sees only her guest user.
        let mut carol = all(FABRIKAM);
        carol.push((CONTOSO.to_string(), "carol".to_string()));
        carol.sort();
        assert_eq!(shown(CAROL), carol);
        assert!(!viewer(&w, CAROL).browses_directory(&w, CONTOSO));
        assert!(viewer(&w, CAROL).browses_directory(&w, FABRIKAM));
        // An application is nobody's member user: its own service principal in each tenant.
        let app = shown(DEPLOYER_APP);
        assert_eq!(app.len(), 3, "{app:?}");
        assert!(app
            .iter()
            .all(|(_, name)| name == "Fabrikam Image Deployer"));
        assert!(shown("nobody@example.com").is_empty());
        assert_eq!(
            shown("system").len(),
            w.access().objects().count(),
            "the simulator sees every directory"
        );
    }
}
