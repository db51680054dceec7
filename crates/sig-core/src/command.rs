//! The one entry point for change: [`apply`]. Every handler checks everything first and mutates
//! only at the end, so a failed command leaves the world untouched.

use crate::arm;
use crate::diagnostics::{has_errors, Code, Diagnostic, Severity};
use crate::ids::{
    resource_group_key, ArmId, GalleryRef, GalleryResourceId, ImageRef, Key, Scope, VersionRef,
    GALLERY_TYPE, IMAGE_TYPE, VERSION_TYPE,
};
use crate::limits::{
    MAX_GALLERIES_PER_SUBSCRIPTION_REGION, MAX_IMAGES_PER_SUBSCRIPTION_REGION,
    MAX_VERSIONS_PER_SUBSCRIPTION_REGION,
};
use crate::regions::RegionName;
use crate::rules::{self, update, RuleCtx};
use crate::sources::{Source, SourceKind};
use crate::world::{
    gallery_entry, image_entry, version_entry, ResourceGroup, Subscription, Tenant, World,
};
use crate::{api_version, replication, template};
use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
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
    /// A member user in a tenant's directory.
    CreateUser(crate::access::commands::NewUser),
    /// A B2B guest: a user of one tenant invited into another.
    InviteGuest(crate::access::commands::GuestInvitation),
    /// A security group.
    CreateGroup(crate::access::commands::NewGroup),
    /// Adds a user, service principal or group to a group.
    AddGroupMember(crate::access::commands::GroupMembership),
    /// Removes a direct member from a group.
    RemoveGroupMember(crate::access::commands::GroupMembership),
    /// An app registration plus its service principal in its home tenant.
    RegisterApplication(crate::access::commands::NewApplication),
    /// A tenant's consent to a multi-tenant app: its service principal there.
    CreateServicePrincipal(crate::access::commands::NewServicePrincipal),
    /// A custom role definition (ARM shape).
    CreateRoleDefinition(crate::access::roles::RoleDefinition),
    /// A role assignment (PUT `Microsoft.Authorization/roleAssignments`).
    CreateRoleAssignment(crate::access::commands::NewRoleAssignment),
    /// DELETE of a role assignment.
    DeleteRoleAssignment {
        /// Assignment id.
        id: String,
    },
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
    fn one(
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
            | Code::DeletionBlockedBeforeEndOfLife => 409,
            Code::AuthorizationFailed | Code::LinkedAuthorizationFailed => 403,
            _ => 400,
        }
    }
}

type Res = Result<Vec<Event>, CommandError>;

/// Applies one command. On `Err` the world is unchanged; on `Ok` the events say what changed.
pub fn apply(state: &mut World, actor: &Actor, command: Command, now: OffsetDateTime) -> Res {
    let cx = Cx { actor, now };
    crate::access::authorize(state, actor, &command)?;
    let follow_up = crate::access::commands::creator_follow_up(state, actor, &command, now);
    let events = match command {
        Command::CreateTenant { id, display_name } => create_tenant(state, &cx, id, display_name),
        Command::CreateSubscription {
            id,
            tenant_id,
            display_name,
            allow_listed_regions,
        } => create_subscription(
            state,
            &cx,
            Subscription {
                id,
                tenant_id,
                display_name,
                allow_listed_regions,
            },
        ),
        Command::CreateResourceGroup {
            subscription_id,
            name,
            location,
        } => create_resource_group(state, &cx, subscription_id, name, location),
        Command::CreateSource(s) => create_source(state, &cx, s),
        Command::DeleteSource { id } => delete_source(state, &cx, &id),
        Command::CreateGallery { id, resource } => {
            plan_create_gallery(state, &cx, &id, resource).map(|p| commit(state, p))
        }
        Command::UpdateGallery { id, resource } => {
            plan_update_gallery(state, &cx, &id, resource).map(|p| commit(state, p))
        }
        Command::DeleteGallery { id } => {
            plan_delete_gallery(state, &cx, &id).map(|p| commit(state, p))
        }
        Command::CreateImage { id, resource } => {
            plan_create_image(state, &cx, &id, resource).map(|p| commit(state, p))
        }
        Command::UpdateImage { id, resource } => {
            plan_update_image(state, &cx, &id, resource).map(|p| commit(state, p))
        }
        Command::DeleteImage { id } => plan_delete_image(state, &cx, &id).map(|p| commit(state, p)),
        Command::CreateVersion { id, resource } => {
            plan_create_version(state, &cx, &id, resource).map(|p| commit(state, p))
        }
        Command::UpdateVersion { id, resource } => {
            plan_update_version(state, &cx, &id, resource).map(|p| commit(state, p))
        }
        Command::DeleteVersion { id } => {
            plan_delete_version(state, &cx, &id).map(|p| commit(state, p))
        }
        Command::InjectReplicationFault { version_id, region } => {
            replication::inject_fault(state, &actor.principal, &version_id, &region, now)
        }
        Command::RetryReplication { version_id, region } => {
            replication::retry(state, &actor.principal, &version_id, &region, now)
        }
        Command::CreateUser(_)
        | Command::InviteGuest(_)
        | Command::CreateGroup(_)
        | Command::AddGroupMember(_)
        | Command::RemoveGroupMember(_)
        | Command::RegisterApplication(_)
        | Command::CreateServicePrincipal(_)
        | Command::CreateRoleDefinition(_)
        | Command::CreateRoleAssignment(_)
        | Command::DeleteRoleAssignment { .. } => {
            crate::access::commands::apply_command(state, actor, &command, now)
        }
    }?;
    if let Some(change) = follow_up {
        crate::access::commands::commit_follow_up(state, change);
    }
    state.clock = Some(now);
    Ok(events)
}

/// Checks a gallery, image definition or image version command exactly as [`apply`] would,
/// without changing the world, so the portal can show the core's verdict while the user types.
/// Returns the warnings the command would raise, or the errors that would refuse it.
/// Access commands (directory, roles, assignments) are previewed too, and every preview is
/// authorized like [`apply`]. Setup commands (tenants, subscriptions, resource groups, sources)
/// are not previewed: they return `None`.
pub fn check(
    state: &World,
    actor: &Actor,
    command: &Command,
    now: OffsetDateTime,
) -> Option<Result<Vec<Diagnostic>, CommandError>> {
    let cx = Cx { actor, now };
    if let Some(planned) = crate::access::commands::plan(state, actor, command, now) {
        let verdict = crate::access::authorize(state, actor, command).and(planned);
        return Some(
            verdict.map(|(_, events)| events.into_iter().flat_map(|e| e.warnings).collect()),
        );
    }
    let planned = match command {
        Command::CreateGallery { id, resource } => {
            plan_create_gallery(state, &cx, id, resource.clone())
        }
        Command::UpdateGallery { id, resource } => {
            plan_update_gallery(state, &cx, id, resource.clone())
        }
        Command::DeleteGallery { id } => plan_delete_gallery(state, &cx, id),
        Command::CreateImage { id, resource } => {
            plan_create_image(state, &cx, id, resource.clone())
        }
        Command::UpdateImage { id, resource } => {
            plan_update_image(state, &cx, id, resource.clone())
        }
        Command::DeleteImage { id } => plan_delete_image(state, &cx, id),
        Command::CreateVersion { id, resource } => {
            plan_create_version(state, &cx, id, resource.clone())
        }
        Command::UpdateVersion { id, resource } => {
            plan_update_version(state, &cx, id, resource.clone())
        }
        Command::DeleteVersion { id } => plan_delete_version(state, &cx, id),
        _ => return None,
    };
    if let Err(refused) = crate::access::authorize(state, actor, command) {
        return Some(Err(refused));
    }
    Some(planned.map(|(_, events)| events.into_iter().flat_map(|e| e.warnings).collect()))
}

/// The one mutation a planned gallery-resource command makes; planning only reads the world,
/// so [`check`] and [`apply`] share every check and differ only in whether this is committed.
enum Change {
    InsertGallery(crate::world::GalleryEntry),
    ReplaceGallery(Key, crate::world::GalleryEntry),
    RemoveGallery(Key),
    InsertImage(crate::world::ImageEntry),
    ReplaceImage(Key, crate::world::ImageEntry),
    RemoveImage(Key),
    InsertVersion(crate::world::VersionEntry),
    ReplaceVersion(Key, crate::world::VersionEntry),
    RemoveVersion(Key),
}

type Planned = Result<(Change, Vec<Event>), CommandError>;

fn commit(w: &mut World, (change, events): (Change, Vec<Event>)) -> Vec<Event> {
    match change {
        Change::InsertGallery(e) => w.insert_gallery(e),
        Change::ReplaceGallery(k, e) => {
            if let Some(slot) = w.galleries.get_mut(&k) {
                *slot = e;
            }
        }
        Change::RemoveGallery(k) => {
            w.remove_gallery(&k);
        }
        Change::InsertImage(e) => w.insert_image(e),
        Change::ReplaceImage(k, e) => {
            if let Some(slot) = w.images.get_mut(&k) {
                *slot = e;
            }
        }
        Change::RemoveImage(k) => {
            w.remove_image(&k);
        }
        // Replication follows the targets: new regions start at the command's time.
        Change::InsertVersion(e) => {
            let (k, now) = (e.id.key(), events.first().map(|ev| ev.at));
            w.insert_version(e);
            if let Some(now) = now {
                replication::sync_targets(w, &k, &[], now);
            }
        }
        Change::ReplaceVersion(k, e) => {
            let mut before = Vec::new();
            if let Some(slot) = w.versions.get_mut(&k) {
                before = slot.targets.iter().map(|t| t.region).collect();
                *slot = e;
            }
            if let Some(now) = events.first().map(|ev| ev.at) {
                replication::sync_targets(w, &k, &before, now);
            }
        }
        Change::RemoveVersion(k) => {
            w.remove_version(&k);
        }
    }
    events
}

struct Cx<'a> {
    actor: &'a Actor,
    now: OffsetDateTime,
}

impl Cx<'_> {
    fn event(
        &self,
        kind: EventKind,
        ty: &str,
        id: impl Into<String>,
        warnings: Vec<Diagnostic>,
    ) -> Vec<Event> {
        vec![Event {
            kind,
            resource_type: ty.to_string(),
            id: id.into(),
            actor: self.actor.principal.clone(),
            at: self.now,
            warnings,
        }]
    }
    fn stamp(&self) -> String {
        self.now.format(&Rfc3339).unwrap_or_default()
    }
}

/// Splits rule output into "refuse" or "warnings to carry on the event".
fn gate(diags: Vec<Diagnostic>) -> Result<Vec<Diagnostic>, CommandError> {
    if has_errors(&diags) {
        Err(CommandError { diagnostics: diags })
    } else {
        Ok(diags)
    }
}

fn plain_id_ok(s: &str) -> bool {
    !s.trim().is_empty() && !s.contains('/')
}

fn create_tenant(w: &mut World, cx: &Cx, id: String, display_name: String) -> Res {
    if !plain_id_ok(&id) {
        return Err(CommandError::one(
            Code::InvalidParameter,
            &id,
            "id",
            "A tenant id must be non-empty and contain no '/'.",
        ));
    }
    let key = Key::new(&id);
    if w.tenants.contains_key(&key) {
        return Err(CommandError::one(
            Code::Conflict,
            &id,
            "id",
            format!("Tenant '{id}' already exists."),
        ));
    }
    w.tenants.insert(
        key,
        Tenant {
            id: id.clone(),
            display_name,
        },
    );
    Ok(cx.event(EventKind::Created, "Tenant", id, Vec::new()))
}

fn create_subscription(w: &mut World, cx: &Cx, s: Subscription) -> Res {
    let rid = format!("/subscriptions/{}", s.id);
    if !plain_id_ok(&s.id) {
        return Err(CommandError::one(
            Code::InvalidParameter,
            &rid,
            "id",
            "A subscription id must be non-empty and contain no '/'.",
        ));
    }
    if !w.tenants.contains_key(&Key::new(&s.tenant_id)) {
        return Err(CommandError::one(
            Code::TenantNotFound,
            &rid,
            "tenantId",
            format!("Tenant '{}' could not be found.", s.tenant_id),
        ));
    }
    let key = Key::new(&s.id);
    if w.subscriptions.contains_key(&key) {
        return Err(CommandError::one(
            Code::Conflict,
            &rid,
            "id",
            format!("Subscription '{}' already exists.", s.id),
        ));
    }
    w.subscriptions.insert(key, s);
    Ok(cx.event(EventKind::Created, "Subscription", rid, Vec::new()))
}

fn resource_group_name_ok(n: &str) -> bool {
    let len = n.chars().count();
    (1..=90).contains(&len)
        && n.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '(' | ')'))
        && !n.ends_with('.')
}

fn create_resource_group(
    w: &mut World,
    cx: &Cx,
    subscription_id: String,
    name: String,
    location: String,
) -> Res {
    let rid = format!("/subscriptions/{subscription_id}/resourceGroups/{name}");
    let Some(sub) = w.subscriptions.get(&Key::new(&subscription_id)) else {
        return Err(CommandError::one(
            Code::SubscriptionNotFound,
            &rid,
            "",
            format!("The subscription '{subscription_id}' could not be found."),
        ));
    };
    let subscription_id = sub.id.clone();
    if !resource_group_name_ok(&name) {
        return Err(CommandError::one(Code::InvalidParameter, &rid, "name",
            "Resource group names are 1-90 characters of letters, digits, '_', '-', '.', '(' and ')', and cannot end with '.'."));
    }
    let Some(loc) = RegionName::new(&location) else {
        return Err(CommandError::one(
            Code::LocationNotAvailableForResourceType,
            &rid,
            "location",
            format!("'{location}' is not a known Azure region."),
        ));
    };
    let key = resource_group_key(&subscription_id, &name);
    if w.resource_groups.contains_key(&key) {
        return Err(CommandError::one(
            Code::Conflict,
            &rid,
            "name",
            format!("Resource group '{name}' already exists."),
        ));
    }
    w.resource_groups.insert(
        key,
        ResourceGroup {
            subscription_id,
            name,
            location: loc,
        },
    );
    Ok(cx.event(EventKind::Created, "ResourceGroup", rid, Vec::new()))
}

fn create_source(w: &mut World, cx: &Cx, mut s: Source) -> Res {
    let rid = s.id.clone();
    match s.kind.arm_type() {
        None => {
            if !rules::common::is_absolute_http_uri(&s.id) {
                return Err(CommandError::one(
                    Code::SourceIdInvalid,
                    &rid,
                    "id",
                    "A VHD source is identified by its absolute https blob URI.",
                ));
            }
        }
        Some(ty) => match ArmId::parse(&s.id) {
            Some(a) if a.is_type(ty) => s.id = a.to_string(),
            _ => {
                return Err(CommandError::one(
                    Code::SourceIdInvalid,
                    &rid,
                    "id",
                    format!(
                        "A {:?} source must have a fully qualified id of type '{ty}'.",
                        s.kind
                    ),
                ));
            }
        },
    }
    if s.kind == SourceKind::GalleryImageVersion
        && w.versions.contains_key(&rules::source_key(&s.id))
    {
        return Err(CommandError::one(
            Code::Conflict,
            &rid,
            "id",
            "That image version exists in the simulated world; reference it directly.",
        ));
    }
    let mut luns = std::collections::BTreeSet::new();
    for (n, d) in s.data_disks.iter().enumerate() {
        if !luns.insert(d.lun) {
            return Err(CommandError::one(Code::DuplicateLun, &rid, format!("dataDisks[{n}].lun"),
                "Duplicated lun numbers have been detected in the input data disks. Lun number must be unique for each data disk."));
        }
    }
    let key = rules::source_key(&s.id);
    if w.sources.contains_key(&key) {
        return Err(CommandError::one(
            Code::Conflict,
            &rid,
            "id",
            format!("Source '{}' already exists.", s.id),
        ));
    }
    let id = s.id.clone();
    w.sources.insert(key, s);
    Ok(cx.event(EventKind::Created, "Source", id, Vec::new()))
}

fn delete_source(w: &mut World, cx: &Cx, id: &str) -> Res {
    match w.sources.remove(&rules::source_key(id)) {
        Some(s) => Ok(cx.event(EventKind::Deleted, "Source", s.id, Vec::new())),
        None => Err(CommandError::one(
            Code::ResourceNotFound,
            id,
            "",
            format!("Source '{id}' was not found."),
        )),
    }
}

// ---- shared helpers for the three gallery kinds ---------------------------------------------

fn parse_id(id: &str, want: &str) -> Result<GalleryResourceId, CommandError> {
    let parsed = GalleryResourceId::parse(id).filter(|p| p.resource_type() == want);
    match parsed {
        Some(p) if p.scope().subscription.is_some() && p.scope().resource_group.is_some() => Ok(p),
        _ => Err(CommandError::one(
            Code::ResourceIdInvalid,
            id,
            "id",
            format!("'{id}' is not a fully qualified id of a '{want}' resource."),
        )),
    }
}

fn check_scope(w: &World, scope: &Scope, rid: &str) -> Result<(String, String), CommandError> {
    let sub = scope.subscription.clone().unwrap_or_default();
    let rg = scope.resource_group.clone().unwrap_or_default();
    if !w.subscriptions.contains_key(&Key::new(&sub)) {
        return Err(CommandError::one(
            Code::SubscriptionNotFound,
            rid,
            "",
            format!("The subscription '{sub}' could not be found."),
        ));
    }
    if !w
        .resource_groups
        .contains_key(&resource_group_key(&sub, &rg))
    {
        return Err(CommandError::one(
            Code::ResourceGroupNotFound,
            rid,
            "",
            format!("Resource group '{rg}' could not be found."),
        ));
    }
    Ok((sub, rg))
}

/// ARM's 404 for a gallery resource that does not exist, naming it as ARM does: its type, its
/// name path under the resource group, and the group.
fn not_found(id: GalleryResourceId, rid: &str) -> CommandError {
    let (name, rg) = match &id {
        GalleryResourceId::Gallery(g) => (g.gallery.clone(), &g.scope.resource_group),
        GalleryResourceId::Image(i) => (
            format!("{}/{}", i.gallery.gallery, i.image),
            &i.gallery.scope.resource_group,
        ),
        GalleryResourceId::Version(v) => (
            format!(
                "{}/{}/{}",
                v.image.gallery.gallery, v.image.image, v.version
            ),
            &v.image.gallery.scope.resource_group,
        ),
    };
    CommandError::one(
        Code::ResourceNotFound,
        rid,
        "",
        format!(
            "The Resource '{}/{name}' under resource group '{}' was not found.",
            id.resource_type(),
            rg.as_deref().unwrap_or("")
        ),
    )
}

fn limit_error(kind: &str, max: usize, sub: &str, region: RegionName, rid: &str) -> CommandError {
    CommandError::one(Code::OperationNotAllowed, rid, "location",
        format!("Operation could not be completed as it results in exceeding the limit of {max} {kind} per subscription per region (subscription '{sub}', region '{}').", region.display_name()))
}

fn cannot_delete(
    children: &std::collections::BTreeSet<Key>,
    world: &World,
    rid: &str,
) -> CommandError {
    // Azure lists a few nested ids relative to the provider; we list up to ten.
    let names: Vec<String> = children
        .iter()
        .take(10)
        .map(|k| {
            let full = world
                .images
                .get(k)
                .map(|i| i.id.to_string())
                .or_else(|| world.versions.get(k).map(|v| v.id.to_string()))
                .unwrap_or_else(|| k.as_str().to_string());
            full.split_once("/providers/")
                .map_or(full.clone(), |(_, r)| r.to_string())
        })
        .collect();
    let more = if children.len() > 10 {
        format!(" (and {} more)", children.len() - 10)
    } else {
        String::new()
    };
    CommandError::one(Code::CannotDeleteResource, rid, "",
        format!("Cannot delete resource while nested resources exist. Some existing nested resource IDs include: '{}'{more}. Please delete all nested resources before deleting this resource.", names.join(", ")))
}

fn with_api(mut diags: Vec<Diagnostic>, extra: Vec<Diagnostic>) -> Vec<Diagnostic> {
    diags.extend(extra);
    diags
}

fn eol_changed(cur: Option<&str>, new: Option<&str>) -> bool {
    match (cur, new) {
        (Some(a), Some(b)) => !a.eq_ignore_ascii_case(b),
        (None, None) => false,
        _ => true,
    }
}

fn reparse<T: serde::de::DeserializeOwned>(
    v: serde_json::Value,
    rid: &str,
) -> Result<T, CommandError> {
    serde_json::from_value(v).map_err(|e| {
        CommandError::one(
            Code::ResourceShapeInvalid,
            rid,
            "",
            format!("The resource does not match its schema: {e}"),
        )
    })
}

// ---- galleries --------------------------------------------------------------------------------

fn plan_create_gallery(w: &World, cx: &Cx, id: &str, mut body: arm::Gallery) -> Planned {
    let GalleryResourceId::Gallery(gref) = parse_id(id, GALLERY_TYPE)? else {
        return unreachable_id(id);
    };
    let rid = gref.to_string();
    let (sub, rg) = check_scope(w, &gref.scope, &rid)?;
    if w.galleries.contains_key(&gref.key()) {
        return Err(CommandError::one(
            Code::Conflict,
            &rid,
            "",
            format!(
                "Gallery '{}' already exists; use an update to change it.",
                gref.gallery
            ),
        ));
    }
    let ctx = RuleCtx::create(cx.now, w);
    let diags = gate(with_api(
        rules::gallery::check_gallery(&body, Some(&gref), &rid, &ctx),
        api_version::check_gallery(&body, body.api_version.as_deref(), &rid),
    ))?;
    if let Some(other) = w.gallery_named(&sub, &gref.gallery) {
        let other_rg = w
            .galleries
            .get(other)
            .and_then(|g| g.id.scope.resource_group.clone())
            .unwrap_or_default();
        return Err(CommandError::one(Code::Conflict, &rid, "name",
            format!("A gallery named '{}' already exists in subscription '{sub}' (resource group '{other_rg}'). Gallery names must be unique within your subscription.", gref.gallery)));
    }
    let props = body.properties.get_or_insert_with(Default::default);
    props.identifier = Some(arm::GalleryIdentifier {
        unique_name: Some(format!("{sub}-{}", gref.gallery.to_ascii_uppercase())),
        extra: Default::default(),
    });
    props.provisioning_state = Some("Succeeded".into());
    let entry = gallery_entry(gref, body).map_err(|d| CommandError { diagnostics: d })?;
    if w.counts(&sub, entry.location).galleries >= MAX_GALLERIES_PER_SUBSCRIPTION_REGION {
        return Err(limit_error(
            "galleries",
            MAX_GALLERIES_PER_SUBSCRIPTION_REGION,
            &sub,
            entry.location,
            &rid,
        ));
    }
    let _ = rg;
    let events = cx.event(EventKind::Created, GALLERY_TYPE, rid, diags);
    Ok((Change::InsertGallery(entry), events))
}

fn unreachable_id<T>(id: &str) -> Result<T, CommandError> {
    Err(CommandError::one(
        Code::ResourceIdInvalid,
        id,
        "id",
        format!("'{id}' is not an id of the expected resource type."),
    ))
}

fn plan_update_gallery(w: &World, cx: &Cx, id: &str, desired: arm::Gallery) -> Planned {
    let GalleryResourceId::Gallery(gref) = parse_id(id, GALLERY_TYPE)? else {
        return unreachable_id(id);
    };
    let rid = gref.to_string();
    let key = gref.key();
    let Some(cur) = w.galleries.get(&key) else {
        return Err(not_found(GalleryResourceId::Gallery(gref.clone()), &rid));
    };
    let cur_v = arm::to_value(&cur.resource);
    let des_v = arm::to_value(&desired);
    gate(update::immutable_changes(
        &update::GALLERY_POLICY,
        &rid,
        &cur_v,
        &des_v,
    ))?;
    let merged: arm::Gallery =
        reparse(update::merge(&update::GALLERY_POLICY, &cur_v, &des_v), &rid)?;
    let ctx = RuleCtx::create(cx.now, w);
    let diags = gate(rules::gallery::check_gallery(
        &merged,
        Some(&cur.id),
        &rid,
        &ctx,
    ))?;
    let entry =
        gallery_entry(cur.id.clone(), merged).map_err(|d| CommandError { diagnostics: d })?;
    // Name and location are immutable, so no index moves.
    let events = cx.event(EventKind::Updated, GALLERY_TYPE, rid, diags);
    Ok((Change::ReplaceGallery(key, entry), events))
}

fn plan_delete_gallery(w: &World, cx: &Cx, id: &str) -> Planned {
    let GalleryResourceId::Gallery(gref) = parse_id(id, GALLERY_TYPE)? else {
        return unreachable_id(id);
    };
    let rid = gref.to_string();
    let key = gref.key();
    if !w.galleries.contains_key(&key) {
        return Err(not_found(GalleryResourceId::Gallery(gref.clone()), &rid));
    }
    if let Some(children) = w.child_keys(&key).filter(|c| !c.is_empty()) {
        return Err(cannot_delete(children, w, &rid));
    }
    let id = w.galleries.get(&key).map_or(rid, |e| e.id.to_string());
    let events = cx.event(EventKind::Deleted, GALLERY_TYPE, id, Vec::new());
    Ok((Change::RemoveGallery(key), events))
}

// ---- image definitions ------------------------------------------------------------------------

fn plan_create_image(w: &World, cx: &Cx, id: &str, body: arm::GalleryImage) -> Planned {
    let GalleryResourceId::Image(mut iref) = parse_id(id, IMAGE_TYPE)? else {
        return unreachable_id(id);
    };
    let rid = iref.to_string();
    let (sub, _) = check_scope(w, &iref.gallery.scope, &rid)?;
    let gkey = iref.gallery.key();
    let Some(gallery) = w.galleries.get(&gkey) else {
        return Err(CommandError::one(Code::ParentResourceNotFound, &rid, "",
            format!("Can not perform requested operation on nested resource. Parent resource '{}' not found.", iref.gallery.gallery)));
    };
    // Ids are case-insensitive, so a request may spell the gallery differently: the new id
    // takes the gallery's as stored, and reads back the same after an export (which nests it).
    iref.gallery = gallery.id.clone();
    let rid = iref.to_string();
    if w.images.contains_key(&iref.key()) {
        return Err(CommandError::one(
            Code::Conflict,
            &rid,
            "",
            format!(
                "Image definition '{}' already exists; use an update to change it.",
                iref.image
            ),
        ));
    }
    let ctx = RuleCtx::create(cx.now, w);
    let diags = gate(with_api(
        rules::image::check_image(&body, Some(&iref), &rid, &ctx),
        api_version::check_image(&body, body.api_version.as_deref(), &rid),
    ))?;
    let mut body = body;
    body.properties
        .get_or_insert_with(Default::default)
        .provisioning_state = Some("Succeeded".into());
    let entry = image_entry(iref, body).map_err(|d| CommandError { diagnostics: d })?;
    if let Some(other) = w.image_identified(&gkey, &entry.identifier) {
        let other_name = w
            .images
            .get(other)
            .map(|i| i.name.to_string())
            .unwrap_or_default();
        let i = &entry.identifier;
        return Err(CommandError::one(Code::DuplicateIdentifier, &rid, "properties.identifier",
            format!("Gallery image: {other_name} identified by (publisher:{}, offer:{}, sku:{}) already exists. Choose a different publisher, offer, sku combination.", i.publisher, i.offer, i.sku)));
    }
    if w.counts(&sub, entry.location).images >= MAX_IMAGES_PER_SUBSCRIPTION_REGION {
        return Err(limit_error(
            "image definitions",
            MAX_IMAGES_PER_SUBSCRIPTION_REGION,
            &sub,
            entry.location,
            &rid,
        ));
    }
    let events = cx.event(EventKind::Created, IMAGE_TYPE, rid, diags);
    Ok((Change::InsertImage(entry), events))
}

fn plan_update_image(w: &World, cx: &Cx, id: &str, desired: arm::GalleryImage) -> Planned {
    let GalleryResourceId::Image(iref) = parse_id(id, IMAGE_TYPE)? else {
        return unreachable_id(id);
    };
    let rid = iref.to_string();
    let key = iref.key();
    let Some(cur) = w.images.get(&key) else {
        return Err(not_found(GalleryResourceId::Image(iref.clone()), &rid));
    };
    let cur_v = arm::to_value(&cur.resource);
    let des_v = arm::to_value(&desired);
    gate(update::immutable_changes(
        &update::IMAGE_POLICY,
        &rid,
        &cur_v,
        &des_v,
    ))?;
    let merged: arm::GalleryImage =
        reparse(update::merge(&update::IMAGE_POLICY, &cur_v, &des_v), &rid)?;
    let eol = |r: &arm::GalleryImage| {
        r.properties
            .as_ref()
            .and_then(|p| p.end_of_life_date.clone())
    };
    let mut ctx = RuleCtx::create(cx.now, w);
    ctx.eol_must_be_future = eol_changed(eol(&cur.resource).as_deref(), eol(&merged).as_deref());
    let diags = gate(rules::image::check_image(
        &merged,
        Some(&cur.id),
        &rid,
        &ctx,
    ))?;
    let entry = image_entry(cur.id.clone(), merged).map_err(|d| CommandError { diagnostics: d })?;
    let events = cx.event(EventKind::Updated, IMAGE_TYPE, rid, diags);
    Ok((Change::ReplaceImage(key, entry), events))
}

fn plan_delete_image(w: &World, cx: &Cx, id: &str) -> Planned {
    let GalleryResourceId::Image(iref) = parse_id(id, IMAGE_TYPE)? else {
        return unreachable_id(id);
    };
    let rid = iref.to_string();
    let key = iref.key();
    if !w.images.contains_key(&key) {
        return Err(not_found(GalleryResourceId::Image(iref.clone()), &rid));
    }
    if let Some(children) = w.child_keys(&key).filter(|c| !c.is_empty()) {
        return Err(cannot_delete(children, w, &rid));
    }
    let id = w.images.get(&key).map_or(rid, |e| e.id.to_string());
    let events = cx.event(EventKind::Deleted, IMAGE_TYPE, id, Vec::new());
    Ok((Change::RemoveImage(key), events))
}

// ---- image versions ---------------------------------------------------------------------------

fn plan_create_version(w: &World, cx: &Cx, id: &str, body: arm::GalleryImageVersion) -> Planned {
    let GalleryResourceId::Version(mut vref) = parse_id(id, VERSION_TYPE)? else {
        return unreachable_id(id);
    };
    let rid = vref.to_string();
    let (sub, _) = check_scope(w, &vref.image.gallery.scope, &rid)?;
    let Some(image) = w.images.get(&vref.image.key()) else {
        return Err(CommandError::one(Code::ParentResourceNotFound, &rid, "",
            format!("Can not perform requested operation on nested resource. Parent resource '{}/{}' not found.", vref.image.gallery.gallery, vref.image.image)));
    };
    // As for definitions: the parents' spelling is the stored one.
    vref.image = image.id.clone();
    let rid = vref.to_string();
    if w.versions.contains_key(&vref.key()) {
        return Err(CommandError::one(
            Code::Conflict,
            &rid,
            "",
            format!(
                "Image version '{}' already exists; use an update to change it.",
                vref.version
            ),
        ));
    }
    let ctx = RuleCtx::create(cx.now, w);
    let diags = gate(with_api(
        rules::version::check_version(&body, Some(&vref), &rid, &ctx),
        api_version::check_version(&body, body.api_version.as_deref(), &rid),
    ))?;
    let mut body = body;
    let props = body.properties.get_or_insert_with(Default::default);
    props.provisioning_state = Some("Succeeded".into());
    let pp = props
        .publishing_profile
        .get_or_insert_with(Default::default);
    if pp.published_date.is_none() {
        pp.published_date = Some(cx.stamp());
    }
    let entry = version_entry(vref, body).map_err(|d| CommandError { diagnostics: d })?;
    if w.counts(&sub, entry.location).versions >= MAX_VERSIONS_PER_SUBSCRIPTION_REGION {
        return Err(limit_error(
            "image versions",
            MAX_VERSIONS_PER_SUBSCRIPTION_REGION,
            &sub,
            entry.location,
            &rid,
        ));
    }
    let events = cx.event(EventKind::Created, VERSION_TYPE, rid, diags);
    Ok((Change::InsertVersion(entry), events))
}

fn plan_update_version(w: &World, cx: &Cx, id: &str, desired: arm::GalleryImageVersion) -> Planned {
    let GalleryResourceId::Version(vref) = parse_id(id, VERSION_TYPE)? else {
        return unreachable_id(id);
    };
    let rid = vref.to_string();
    let key = vref.key();
    let Some(cur) = w.versions.get(&key) else {
        return Err(not_found(GalleryResourceId::Version(vref.clone()), &rid));
    };
    let cur_v = arm::to_value(&cur.resource);
    let des_v = arm::to_value(&desired);
    gate(update::immutable_changes(
        &update::VERSION_POLICY,
        &rid,
        &cur_v,
        &des_v,
    ))?;
    let merged: arm::GalleryImageVersion =
        reparse(update::merge(&update::VERSION_POLICY, &cur_v, &des_v), &rid)?;
    let eol = |r: &arm::GalleryImageVersion| {
        r.properties
            .as_ref()
            .and_then(|p| p.publishing_profile.as_ref())
            .and_then(|p| p.end_of_life_date.clone())
    };
    let mut ctx = RuleCtx::create(cx.now, w);
    ctx.check_sources = false;
    ctx.eol_must_be_future = eol_changed(eol(&cur.resource).as_deref(), eol(&merged).as_deref());
    let mut diags = rules::version::check_version(&merged, Some(&cur.id), &rid, &ctx);
    let entry =
        version_entry(cur.id.clone(), merged).map_err(|d| CommandError { diagnostics: d })?;
    // A region's storage type is not updatable (Azure: "This property is not updatable.").
    for (n, t) in entry.targets.iter().enumerate() {
        if let Some(old) = cur.targets.iter().find(|o| o.region == t.region) {
            if old.storage_account_type != t.storage_account_type {
                diags.push(Diagnostic::new(Code::PropertyChangeNotAllowed, &rid, format!("properties.publishingProfile.targetRegions[{n}].storageAccountType"),
                    format!("Changing property 'galleryImageVersion.properties.publishingProfile.targetRegions[{n}].storageAccountType' is not allowed.")));
            }
        }
    }
    diags.extend(rules::safety::removed_replicated_regions(
        cur,
        &entry.targets,
        &rid,
    ));
    let diags = gate(diags)?;
    let events = cx.event(EventKind::Updated, VERSION_TYPE, rid, diags);
    Ok((Change::ReplaceVersion(key, entry), events))
}

fn plan_delete_version(w: &World, cx: &Cx, id: &str) -> Planned {
    let GalleryResourceId::Version(vref) = parse_id(id, VERSION_TYPE)? else {
        return unreachable_id(id);
    };
    let rid = vref.to_string();
    let key = vref.key();
    match w.versions.get(&key) {
        Some(e) => {
            if let Some(blocked) = rules::safety::deletion_blocked(e, cx.now, &rid) {
                return Err(CommandError {
                    diagnostics: vec![blocked],
                });
            }
            let events = cx.event(
                EventKind::Deleted,
                VERSION_TYPE,
                e.id.to_string(),
                Vec::new(),
            );
            Ok((Change::RemoveVersion(key), events))
        }
        None => Err(not_found(GalleryResourceId::Version(vref.clone()), &rid)),
    }
}

/// Is a string an unevaluated template expression? (Re-exported for callers building commands.)
pub fn is_template_expression(s: &str) -> bool {
    template::is_expression(s)
}

/// Convenience: the gallery id for a subscription / resource group / name.
pub fn gallery_id(subscription: &str, resource_group: &str, gallery: &str) -> String {
    GalleryRef {
        scope: Scope::new(subscription, resource_group),
        gallery: gallery.to_string(),
    }
    .to_string()
}

/// Convenience: an image definition id.
pub fn image_id(subscription: &str, resource_group: &str, gallery: &str, image: &str) -> String {
    ImageRef {
        gallery: GalleryRef {
            scope: Scope::new(subscription, resource_group),
            gallery: gallery.to_string(),
        },
        image: image.to_string(),
    }
    .to_string()
}

/// Convenience: an image version id.
pub fn version_id(
    subscription: &str,
    resource_group: &str,
    gallery: &str,
    image: &str,
    version: &str,
) -> String {
    VersionRef {
        image: ImageRef {
            gallery: GalleryRef {
                scope: Scope::new(subscription, resource_group),
                gallery: gallery.to_string(),
            },
            image: image.to_string(),
        },
        version: version.to_string(),
    }
    .to_string()
}
