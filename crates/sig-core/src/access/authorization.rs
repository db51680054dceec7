//! The access commands (directory and RBAC changes) as read-only plans plus one commit, and the
//! authorization every command passes in [`crate::apply`] before it is planned.
//!
//! Authorization (documented in docs/state-file.md too):
//! * [`Actor::system`] is the simulator itself (setup, imports, fixtures) and is never checked.
//! * Gallery resources need `{type}/write` for create/update and `{type}/delete` at the
//!   resource's id; replication faults/retries need `.../versions/write`.
//! * Setup: a resource group needs `Microsoft.Resources/subscriptions/resourceGroups/write`, a
//!   source `{its type}/write|delete` at its id (a VHD: `Microsoft.Storage/storageAccounts/write`
//!   at its storage account; without one, only the simulator may register it) — in practice
//!   Owner or Contributor at the subscription.
//! * A subscription may be created by any principal of its tenant, which then becomes its Owner
//!   (as the account that creates an Azure subscription does). A tenant may be created by anyone;
//!   the creator becomes a member user of it (a known user as an external member).
//! * Directory changes (users, guests, groups, applications, service principals) need a member
//!   user of the tenant (Entra directory roles are not simulated; guests and apps cannot).
//! * Role definitions need `Microsoft.Authorization/roleDefinitions/write` at every assignable
//!   scope; role assignments `Microsoft.Authorization/roleAssignments/write|delete` at their scope.
//! * Every command has its arm in [`required_permissions`], with no wildcard: a new command does
//!   not compile until its authorization is decided.

use super::{context, decide, resolve_principal, ActionDecision, Subject};
use crate::diagnostics::{Code, Diagnostic};
use crate::iam::assignments::split_assignment_id;
use crate::protocol::{Actor, Command, CommandError};
use crate::world::World;

/// The requirement a command must meet before it is planned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Requirement {
    /// An RBAC action at a scope.
    Rbac {
        /// The action.
        action: String,
        /// The scope.
        scope: String,
    },
    /// An RBAC action on a resource the request links to (a version's source), checked only
    /// once the caller may do the main action; refused as Azure's `LinkedAuthorizationFailed`.
    Linked {
        /// The action (read on the linked resource).
        action: String,
        /// The linked resource's scope.
        scope: String,
        /// The JSON path of the field that names it.
        path: String,
    },
    /// A member user of the tenant (directory changes).
    DirectoryMember {
        /// The tenant.
        tenant_id: String,
        /// The Entra action named in a refusal.
        action: &'static str,
    },
    /// Any principal of the tenant (creating a subscription in it).
    TenantPrincipal {
        /// The tenant.
        tenant_id: String,
    },
    /// Only the simulator.
    System {
        /// What was attempted.
        what: &'static str,
    },
}

fn rbac(action: impl Into<String>, scope: impl Into<String>) -> Requirement {
    Requirement::Rbac {
        action: action.into(),
        scope: scope.into(),
    }
}

/// Read access to each source a new version is made from, as Azure checks it: a role on the
/// gallery alone does not let someone publish from images, disks or VMs they cannot read. Sources
/// the world does not know are left to the rules (a missing source is their error, not a 403).
fn source_reads(w: &World, resource: &crate::arm::GalleryImageVersion) -> Vec<Requirement> {
    crate::sources::referenced_ids(resource)
        .into_iter()
        .filter_map(|(id, path)| {
            let (action, scope) = match w.source(id) {
                Some(source) => source.read_permission()?,
                None => (
                    format!("{}/read", crate::ids::VERSION_TYPE),
                    w.version(id)?.id.to_string(),
                ),
            };
            Some(Requirement::Linked {
                action,
                scope,
                path,
            })
        })
        .collect()
}

/// Whether a gallery body changes its sharing method away from the current one (Private when
/// new) or turns soft delete on: "Only the owner of a subscription, or a user or service
/// principal assigned to the Compute Gallery Sharing Admin role at the subscription or gallery
/// level" may (Azure docs, direct shared and community galleries, soft delete).
fn enables_sharing(current: Option<&crate::arm::Gallery>, desired: &crate::arm::Gallery) -> bool {
    use crate::sharing::{permission_of, Permission};
    let soft_delete = |g: &crate::arm::Gallery| {
        g.properties
            .as_ref()
            .and_then(|p| p.soft_delete_policy.as_ref())
            .and_then(|s| s.is_soft_delete_enabled)
            == Some(true)
    };
    let before = current.map_or(Permission::Private, permission_of);
    (permission_of(desired) != before && permission_of(desired) != Permission::Private)
        || (soft_delete(desired) && !current.is_some_and(soft_delete))
}

fn tenant_of_group(w: &World, group: &str) -> String {
    w.access
        .object(group)
        .map_or_else(String::new, |e| e.tenant_id.clone())
}

/// What `command` needs from a non-system actor (see the module doc).
pub fn required_permissions(w: &World, command: &Command) -> Vec<Requirement> {
    use crate::ids::{GALLERY_TYPE as G, IMAGE_TYPE as I, VERSION_TYPE as V};
    match command {
        // Neither is an Azure request: a new directory, and the simulator's own price table.
        Command::CreateTenant { .. } | Command::SetPriceTable { .. } => Vec::new(),
        // ARM's move: the action on the source group, and write on the target group.
        Command::MoveResources {
            source_group,
            target_resource_group,
            ..
        } => vec![
            rbac(
                "Microsoft.Resources/subscriptions/resourceGroups/moveResources/action",
                source_group.clone(),
            ),
            rbac(
                "Microsoft.Resources/subscriptions/resourceGroups/write",
                target_resource_group.clone(),
            ),
        ],
        Command::CreateSubscription { tenant_id, .. } => vec![Requirement::TenantPrincipal {
            tenant_id: tenant_id.clone(),
        }],
        Command::CreateResourceGroup {
            subscription_id,
            name,
            ..
        } => vec![rbac(
            "Microsoft.Resources/subscriptions/resourceGroups/write",
            format!("/subscriptions/{subscription_id}/resourceGroups/{name}"),
        )],
        Command::CreateSource(s) => match (s.kind.arm_type(), s.storage_account()) {
            (Some(ty), _) => vec![rbac(format!("{ty}/write"), s.id.clone())],
            (None, Some(acct)) => vec![rbac("Microsoft.Storage/storageAccounts/write", acct)],
            (None, None) => vec![Requirement::System {
                what: "register a VHD source without its storage account id",
            }],
        },
        Command::DeleteSource { id } => match w
            .source(id)
            .map(|s| (s.kind.arm_type(), s.storage_account().map(str::to_string)))
        {
            Some((Some(ty), _)) => vec![rbac(format!("{ty}/delete"), id.clone())],
            Some((None, Some(acct))) => vec![rbac("Microsoft.Storage/storageAccounts/write", acct)],
            Some((None, None)) => vec![Requirement::System {
                what: "delete a VHD source without its storage account id",
            }],
            None => vec![rbac(
                "Microsoft.Resources/subscriptions/resourceGroups/write",
                id.clone(),
            )],
        },
        Command::CreateGallery { id, resource } | Command::UpdateGallery { id, resource } => {
            let current = w.gallery(id);
            let mut needs = vec![rbac(format!("{G}/write"), id.clone())];
            if enables_sharing(current.map(|g| &g.resource), resource) {
                needs.push(rbac(format!("{G}/share/action"), id.clone()));
            }
            // Turning soft delete off deletes the versions it keeps: that is their delete.
            let turns_off = current.is_some_and(|g| {
                crate::soft_delete::enabled(&g.resource)
                    && !crate::soft_delete::enabled(resource)
                    && w.soft_deleted
                        .values()
                        .any(|s| s.entry.id.image.gallery.key() == g.id.key())
            });
            if turns_off {
                needs.push(rbac(format!("{V}/delete"), id.clone()));
            }
            needs
        }
        Command::ShareGallery { id, .. } => vec![rbac(format!("{G}/share/action"), id.clone())],
        // Any member user may create a group under the tenant root (Azure's default); under
        // another group it takes write access to that parent.
        Command::CreateManagementGroup(g) => {
            let mut needs = vec![Requirement::DirectoryMember {
                tenant_id: g.tenant_id.clone(),
                action: "Microsoft.Management/managementGroups/write",
            }];
            if let Some(parent) = g
                .parent
                .as_deref()
                .filter(|p| !p.eq_ignore_ascii_case(&g.tenant_id))
            {
                needs.push(rbac(
                    "Microsoft.Management/managementGroups/write",
                    crate::iam::governance::management_group_id(parent),
                ));
            }
            needs
        }
        // Azure asks for Owner on the subscription and write access to the target group; the
        // action that sets Owner apart from Contributor is the role assignments' write.
        Command::AddSubscriptionToManagementGroup {
            management_group,
            subscription_id,
        } => {
            let group = |name: &str| {
                rbac(
                    "Microsoft.Management/managementGroups/subscriptions/write",
                    crate::iam::governance::management_group_id(name),
                )
            };
            let mut needs = vec![
                group(management_group),
                rbac(
                    "Microsoft.Authorization/roleAssignments/write",
                    format!("/subscriptions/{subscription_id}"),
                ),
            ];
            // Leaving a group (other than the root) takes write access to it too.
            if let Some(current) = w.access.group_of_subscription(subscription_id) {
                needs.push(group(&current.name));
            }
            needs
        }
        Command::CreateDenyAssignment(_) => vec![Requirement::System {
            what: "create deny assignments (Azure creates them for Blueprints, managed applications and deployment stacks; users only read them)",
        }],
        Command::DeleteGallery { id } => vec![rbac(format!("{G}/delete"), id.clone())],
        Command::CreateImage { id, .. } | Command::UpdateImage { id, .. } => {
            vec![rbac(format!("{I}/write"), id.clone())]
        }
        Command::DeleteImage { id } => vec![rbac(format!("{I}/delete"), id.clone())],
        Command::CreateVersion { id, resource } => {
            std::iter::once(rbac(format!("{V}/write"), id.clone()))
                .chain(source_reads(w, resource))
                .collect()
        }
        Command::UpdateVersion { id, .. } => vec![rbac(format!("{V}/write"), id.clone())],
        Command::DeleteVersion { id } | Command::PurgeSoftDeletedVersion { id } => {
            vec![rbac(format!("{V}/delete"), id.clone())]
        }
        Command::RestoreVersion { id } => vec![rbac(format!("{V}/write"), id.clone())],
        Command::InjectReplicationFault { version_id, .. }
        | Command::RetryReplication { version_id, .. } => {
            vec![rbac(format!("{V}/write"), version_id.clone())]
        }
        Command::CreateUser(u) => vec![Requirement::DirectoryMember {
            tenant_id: u.tenant_id.clone(),
            action: "microsoft.directory/users/create",
        }],
        Command::InviteGuest(g) => vec![Requirement::DirectoryMember {
            tenant_id: g.tenant_id.clone(),
            action: "microsoft.directory/users/inviteGuest",
        }],
        Command::CreateGroup(g) => vec![Requirement::DirectoryMember {
            tenant_id: g.tenant_id.clone(),
            action: "microsoft.directory/groups/create",
        }],
        Command::AddGroupMember(m) | Command::RemoveGroupMember(m) => {
            vec![Requirement::DirectoryMember {
                tenant_id: tenant_of_group(w, &m.group_id),
                action: "microsoft.directory/groups/members/update",
            }]
        }
        Command::RegisterApplication(a) => vec![Requirement::DirectoryMember {
            tenant_id: a.tenant_id.clone(),
            action: "microsoft.directory/applications/create",
        }],
        Command::CreateServicePrincipal(s) => vec![Requirement::DirectoryMember {
            tenant_id: s.tenant_id.clone(),
            action: "microsoft.directory/servicePrincipals/create",
        }],
        Command::CreateRoleDefinition(r) => r
            .properties
            .assignable_scopes
            .iter()
            .map(|s| rbac("Microsoft.Authorization/roleDefinitions/write", s.clone()))
            .chain(
                r.properties
                    .assignable_scopes
                    .is_empty()
                    .then(|| rbac("Microsoft.Authorization/roleDefinitions/write", "/")),
            )
            .collect(),
        Command::CreateRoleAssignment(a) => vec![rbac(
            "Microsoft.Authorization/roleAssignments/write",
            a.scope.clone(),
        )],
        Command::DeleteRoleAssignment { id } => {
            let scope = split_assignment_id(id).map_or(id.as_str(), |(s, _)| s);
            vec![rbac(
                "Microsoft.Authorization/roleAssignments/delete",
                scope,
            )]
        }
    }
}

fn denied(principal: &str, object_id: &str, action: &str, scope: &str) -> Diagnostic {
    Diagnostic::new(
        Code::AuthorizationFailed,
        scope,
        "",
        format!("The client '{principal}' with object id '{object_id}' does not have authorization to perform action '{action}' over scope '{scope}' or the scope is invalid. If access was recently granted, please refresh your credentials."),
    )
}

/// The refusal of a decision: a deny assignment's (Azure's text names it) when one denies what a
/// role allows, else the plain `AuthorizationFailed`.
fn refusal(
    principal: &str,
    object_id: &str,
    action: &str,
    scope: &str,
    d: &ActionDecision,
) -> Diagnostic {
    match d.denied_by.first() {
        Some(deny) if !d.grants.is_empty() => Diagnostic::new(
            Code::AuthorizationFailed,
            scope,
            "",
            format!("The client '{principal}' with object id '{object_id}' has permission to perform action '{action}' on scope '{scope}'; however, the access is denied because of the deny assignment with name '{}' and Id '{}' at scope '{}'.", deny.deny_assignment_name, deny.deny_assignment_id.rsplit('/').next().unwrap_or_default(), deny.scope),
        ),
        _ => denied(principal, object_id, action, scope),
    }
}

/// Authorizes one RBAC `action` over `scope` for `actor` — the decision [`authorize`] makes for a
/// command's requirement, for checks that are not commands (deploying a VM from an image version
/// needs `Microsoft.Compute/galleries/images/versions/read`). `Ok` always for [`Actor::system`].
pub fn authorize_action(
    w: &World,
    actor: &Actor,
    action: &str,
    scope: &str,
) -> Result<(), Diagnostic> {
    if actor.is_system() {
        return Ok(());
    }
    let subject = resolve_principal(w, &actor.principal)
        .ok()
        .filter(|s| !matches!(s, Subject::Group(_)));
    let decision = subject
        .as_ref()
        .and_then(|s| context(w, s, scope).ok())
        .map(|cx| {
            let id = cx.principal.map(|p| p.object.id().to_string());
            (decide(w, &cx, action), id)
        });
    match decision {
        Some((d, _)) if d.allowed => Ok(()),
        Some((d, Some(id))) => Err(refusal(&actor.principal, &id, action, scope, &d)),
        _ => {
            let id = match &subject {
                Some(Subject::Person(k)) | Some(Subject::App(k)) | Some(Subject::Group(k)) => {
                    k.as_str().to_string()
                }
                None => actor.principal.clone(),
            };
            Err(denied(&actor.principal, &id, action, scope))
        }
    }
}

/// Authorizes `command` for `actor`: `Ok` when every requirement holds (always for
/// [`Actor::system`]), else an `AuthorizationFailed` error naming principal, action and scope —
/// or, when the main action is allowed but a linked resource (a version's source) may not be
/// read, `LinkedAuthorizationFailed` naming both and the field that links it.
pub fn authorize(w: &World, actor: &Actor, command: &Command) -> Result<(), CommandError> {
    if actor.is_system() {
        return Ok(());
    }
    let subject = resolve_principal(w, &actor.principal)
        .ok()
        .filter(|s| !matches!(s, Subject::Group(_)));
    let home_id = |s: &Option<Subject>| match s {
        Some(Subject::Person(k)) | Some(Subject::App(k)) | Some(Subject::Group(k)) => {
            k.as_str().to_string()
        }
        None => actor.principal.clone(),
    };
    // Whether `action` at `scope` is allowed, with the object id a message names (the
    // principal's object in that scope's tenant).
    let rbac_check = |action: &str, scope: &str| -> (bool, String, Option<ActionDecision>) {
        let decision = subject
            .as_ref()
            .and_then(|s| context(w, s, scope).ok())
            .map(|cx| {
                let id = cx.principal.map(|p| p.object.id().to_string());
                (decide(w, &cx, action), id)
            });
        match decision {
            Some((d, id)) => (d.allowed, id.unwrap_or_else(|| home_id(&subject)), Some(d)),
            None => (false, home_id(&subject), None),
        }
    };
    let mut errors = Vec::new();
    // The main action (the first RBAC requirement) and the object id it was decided for.
    let mut primary: Option<(String, String, String)> = None;
    let mut linked = Vec::new();
    for req in required_permissions(w, command) {
        match req {
            Requirement::Rbac { action, scope } => {
                let (allowed, id, decision) = rbac_check(&action, &scope);
                if !allowed {
                    errors.push(match &decision {
                        Some(d) => refusal(&actor.principal, &id, &action, &scope, d),
                        None => denied(&actor.principal, &id, &action, &scope),
                    });
                }
                primary.get_or_insert((action, scope, id));
            }
            Requirement::Linked {
                action,
                scope,
                path,
            } => linked.push((action, scope, path)),
            Requirement::DirectoryMember { tenant_id, action } => {
                let member = subject
                    .as_ref()
                    .is_some_and(|s| s.is_member_user_in(&w.access, &tenant_id));
                if !member {
                    errors.push(Diagnostic::new(Code::AuthorizationFailed, format!("/tenants/{tenant_id}"), "",
                        format!("Insufficient privileges to complete the operation: '{}' is not a member user of tenant '{tenant_id}' (action '{action}'). Guests and applications cannot change a directory.", actor.principal)));
                }
            }
            Requirement::TenantPrincipal { tenant_id } => {
                if subject
                    .as_ref()
                    .and_then(|s| s.object_in(&w.access, &tenant_id))
                    .is_none()
                {
                    errors.push(Diagnostic::new(Code::AuthorizationFailed, format!("/tenants/{tenant_id}"), "",
                        format!("The client '{}' has no user or service principal in tenant '{tenant_id}', so it cannot create a subscription there.", actor.principal)));
                }
            }
            Requirement::System { what } => errors.push(Diagnostic::new(
                Code::AuthorizationFailed,
                "",
                "",
                format!(
                    "Only the simulator (Actor::system) may {what}; '{}' may not.",
                    actor.principal
                ),
            )),
        }
    }
    // Linked resources are checked once the main action is allowed, as ARM does.
    if errors.is_empty() {
        let (main_action, main_scope, id) = primary.unwrap_or_default();
        for (action, scope, path) in linked {
            if !rbac_check(&action, &scope).0 {
                errors.push(Diagnostic::new(
                    Code::LinkedAuthorizationFailed,
                    main_scope.clone(),
                    path,
                    format!("The client '{}' with object id '{id}' has permission to perform action '{main_action}' on scope '{main_scope}'; however, it does not have permission to perform action(s) '{action}' on the linked scope(s) '{scope}' (respectively) or the linked scope(s) are invalid.", actor.principal),
                ));
            }
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(CommandError {
            diagnostics: errors,
        })
    }
}
