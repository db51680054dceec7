//! Access: the directory (tenants' users, groups, service principals), role definitions, role
//! assignments, and the one evaluation that decides whether a principal may perform an action
//! at a scope — used by [`crate::apply`] to authorize every command and by the "check access"
//! queries that explain why.
//!
//! Rules (seed "Access", Azure docs, built-in roles (Compute)):
//! * Access flows down the scope tree (subscription → resource group → gallery → image
//!   definition → image version), so a gallery share covers its definitions and versions and a
//!   definition share covers its versions but not the gallery (the seed's matrix).
//! * Group membership is transitive (cycles are refused on change and ignored on evaluation).
//! * Nothing crosses a tenant by default: a principal acts in a resource's tenant only through
//!   its object *in that tenant* (its home user, its guest user, or its multi-tenant app's
//!   service principal there), and assignments may only name principals of the scope's tenant.
//! * [`crate::Actor::system`] (setup, imports, fixtures) is not subject to authorization.

pub mod authorization;
pub mod export;
pub mod plans;

/// The state types live in [`crate::iam`]; these names keep `access::directory` and friends
/// working for callers that think of them as part of access.
pub use crate::iam::{assignments, directory, roles, AccessState, Subject};

use crate::ids::Key;
use crate::world::World;
use assignments::ScopePath;
use directory::{DirectoryObject, Entry};
use serde::Serialize;

pub use authorization::{authorize, authorize_action, required_permissions, Requirement};

/// Why an access query could not be asked: the principal or the scope it names is not there.
/// The messages say what to type instead, since people type these (`sig access`, Check access).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    /// No user, group, service principal or application matches.
    #[error("no user, group or service principal '{0}' in the directory (try an object id, user principal name or display name)")]
    UnknownPrincipal(String),
    /// A display name shared by several objects.
    #[error("'{text}' names {} directory objects ({}); use an object id or user principal name", .ids.len(), .ids.join(", "))]
    AmbiguousPrincipal {
        /// What was typed.
        text: String,
        /// The object ids it matches.
        ids: Vec<String>,
    },
    /// Not a subscription, resource group or resource id.
    #[error(
        "'{0}' is not a scope: use /subscriptions/{{id}}, a resource group id or a resource id"
    )]
    NotAScope(String),
    /// A management group the world does not have.
    #[error("management group '{0}' is not in the world")]
    UnknownManagementGroup(String),
    /// A scope in a subscription the world does not have.
    #[error("subscription '{subscription}' of scope '{scope}' is not in the world")]
    UnknownSubscription {
        /// The scope asked about.
        scope: String,
        /// Its subscription.
        subscription: String,
    },
}
pub use plans::{assignable_in, tenant_of_scope};

/// Resolves text (object id, UPN, appId, or a unique display name) to a subject.
pub fn resolve_principal(world: &World, text: &str) -> Result<Subject, QueryError> {
    let a = &world.access;
    let entry = a.object(text).or_else(|| a.user_by_upn(text));
    let entry = match entry {
        Some(e) => Some(e),
        None => {
            if a.index.apps.contains_key(&Key::new(text)) {
                return Ok(Subject::App(Key::new(text)));
            }
            let named: Vec<&Entry> = a
                .objects
                .values()
                .filter(|e| {
                    e.object.display_name().eq_ignore_ascii_case(text)
                        && e.object.principal_type().is_some()
                })
                .collect();
            match named.as_slice() {
                [] => None,
                [one] => Some(*one),
                many => {
                    return Err(QueryError::AmbiguousPrincipal {
                        text: text.to_string(),
                        ids: many.iter().map(|e| e.object.id().to_string()).collect(),
                    })
                }
            }
        }
    };
    let Some(entry) = entry else {
        return Err(QueryError::UnknownPrincipal(text.to_string()));
    };
    Ok(match &entry.object {
        DirectoryObject::User(u) => {
            Subject::Person(Key::new(u.home_user_id.as_deref().unwrap_or(&u.id)))
        }
        DirectoryObject::ServicePrincipal(s) => Subject::App(Key::new(&s.app_id)),
        DirectoryObject::Application(app) => Subject::App(Key::new(&app.app_id)),
        DirectoryObject::Group(g) => Subject::Group(Key::new(&g.id)),
    })
}

/// One reason an action is allowed: an assignment, its role, where it was made, and how the
/// principal got it (directly or through a group).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Grant {
    /// The assignment's id.
    pub assignment_id: String,
    /// The role's GUID.
    pub role_definition_id: String,
    /// The role's name.
    pub role_name: String,
    /// The scope the assignment was made at.
    pub assignment_scope: String,
    /// True when the assignment is at an ancestor of the checked scope.
    pub inherited: bool,
    /// The object the assignment names.
    pub principal_id: String,
    /// When the assignment names a group the subject is in: that group's display name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub via_group: Option<String>,
}

/// The verdict for one action at one scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ActionDecision {
    /// The action.
    pub action: String,
    /// Allowed?
    pub allowed: bool,
    /// Every assignment that allows it (empty when no role allows it).
    pub grants: Vec<Grant>,
    /// The deny assignments that deny it anyway (a deny wins over any allow).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub denied_by: Vec<Denial>,
}

/// Where and as whom a check runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckContext<'a> {
    /// The scope.
    pub scope: ScopePath,
    /// The scope's tenant.
    pub tenant_id: &'a str,
    /// The subject's object in that tenant (`None`: it has none, so nothing is allowed).
    pub principal: Option<&'a Entry>,
}

/// Prepares a check: parses the scope and finds the subject's object in the scope's tenant.
/// Errors name what is wrong (unparsable scope, unknown subscription).
pub fn context<'a>(
    world: &'a World,
    subject: &Subject,
    scope: &str,
) -> Result<CheckContext<'a>, QueryError> {
    let (tenant_id, path) = full_path(world, scope)?;
    Ok(CheckContext {
        tenant_id,
        principal: subject.object_in(&world.access, tenant_id),
        scope: path,
    })
}

/// A scope with its tenant and every level above it: the management groups (the tenant root
/// group first), then the subscription, resource group and resources down to the scope.
pub fn full_path<'w>(world: &'w World, scope: &str) -> Result<(&'w str, ScopePath), QueryError> {
    let mut path =
        ScopePath::parse(scope).ok_or_else(|| QueryError::NotAScope(scope.to_string()))?;
    let a = &world.access;
    let (tenant, mut chain) = match &path.management_group {
        Some(name) => {
            let tenant = match a.management_group(name) {
                Some(g) => g.properties.tenant_id.as_str(),
                None => world
                    .tenants()
                    .find(|t| t.id.eq_ignore_ascii_case(name))
                    .map(|t| t.id.as_str())
                    .ok_or_else(|| QueryError::UnknownManagementGroup(name.clone()))?,
            };
            let mut chain = a.management_chain(tenant, Some(name));
            chain.pop(); // the group itself is the path's own level
            (tenant, chain)
        }
        None => {
            let sub = world.subscription(&path.subscription).ok_or_else(|| {
                QueryError::UnknownSubscription {
                    scope: scope.to_string(),
                    subscription: path.subscription.clone(),
                }
            })?;
            let group = a.group_of_subscription(&sub.id).map(|g| g.name.as_str());
            (
                sub.tenant_id.as_str(),
                a.management_chain(&sub.tenant_id, group),
            )
        }
    };
    chain.append(&mut path.levels);
    path.levels = chain;
    Ok((tenant, path))
}

/// Decides one action: the assignments at the scope and its ancestors naming the principal or
/// a group it is (transitively) in, whose role allows the action. O(levels × groups) lookups.
pub fn decide(world: &World, cx: &CheckContext<'_>, action: &str) -> ActionDecision {
    let mut verdict = Verdict::default();
    if let Some(p) = cx.principal {
        let who = Who::of(world, p);
        let depth = cx.scope.levels.len();
        for (level, scope_id) in cx.scope.levels.iter().enumerate() {
            who.add_level(world, scope_id, action, level + 1 < depth, &mut verdict);
        }
    }
    verdict.decision(action)
}

/// What the levels of a scope's chain looked at so far grant and deny.
#[derive(Debug, Clone, Default)]
struct Verdict {
    grants: Vec<Grant>,
    denials: Vec<Denial>,
}

impl Verdict {
    fn decision(self, action: &str) -> ActionDecision {
        ActionDecision {
            action: action.to_string(),
            allowed: !self.grants.is_empty() && self.denials.is_empty(),
            grants: self.grants,
            denied_by: self.denials,
        }
    }
}

/// A principal with the groups it is (transitively) in: whom a level's assignments must name.
struct Who<'w> {
    principal: &'w Entry,
    key: Key,
    groups: &'w [Key],
}

impl<'w> Who<'w> {
    fn of(world: &'w World, principal: &'w Entry) -> Who<'w> {
        let key = Key::new(principal.object.id());
        let groups = world.access.groups_of(&key);
        Who {
            principal,
            key,
            groups,
        }
    }

    /// Adds what one level of a chain grants and denies (`inherited`: an ancestor of the
    /// checked scope): the assignments made at `scope_id` naming the principal or one of its
    /// groups whose role allows `action`, and the deny assignments made there that deny it
    /// (those limited to their own scope only when it is not inherited: "Deny assignments take
    /// precedence over role assignments").
    /// What one level grants and denies, on its own ([`Who::add_level`]).
    fn level(&self, world: &World, scope_id: &str, action: &str, inherited: bool) -> Verdict {
        let mut verdict = Verdict::default();
        self.add_level(world, scope_id, action, inherited, &mut verdict);
        verdict
    }

    fn add_level(
        &self,
        world: &World,
        scope_id: &str,
        action: &str,
        inherited: bool,
        verdict: &mut Verdict,
    ) {
        let a = &world.access;
        let sk = Key::new(scope_id);
        for who in std::iter::once(&self.key).chain(self.groups) {
            let Some(list) = a.index.by_scope_principal.get(&sk, who) else {
                continue;
            };
            for ak in list {
                let Some(ra) = a.assignments.get(ak) else {
                    continue;
                };
                let Some(role) = a.role(&ra.properties.role_definition_id) else {
                    continue;
                };
                if role.allows(action) {
                    verdict.grants.push(Grant {
                        assignment_id: ra.id.clone(),
                        role_definition_id: role.name.clone(),
                        role_name: role.properties.role_name.clone(),
                        assignment_scope: ra.properties.scope.clone(),
                        inherited,
                        principal_id: ra.properties.principal_id.clone(),
                        via_group: (who != &self.key).then(|| {
                            a.objects.get(who).map_or_else(
                                || who.as_str().to_string(),
                                |e| e.object.display_name().to_string(),
                            )
                        }),
                    });
                }
            }
        }
        if a.deny_assignments.is_empty() {
            return;
        }
        let ids: Vec<&str> = std::iter::once(self.principal.object.id())
            .chain(self.groups.iter().map(Key::as_str))
            .collect();
        for d in a.deny_assignments.values() {
            let here = ScopePath::parse(&d.properties.scope)
                .is_some_and(|p| p.id().eq_ignore_ascii_case(scope_id));
            if here
                && !(inherited && d.properties.do_not_apply_to_child_scopes)
                && d.denies(action)
                && d.applies_to(ids.iter().copied())
            {
                verdict.denials.push(Denial {
                    deny_assignment_id: d.id.clone(),
                    deny_assignment_name: d.properties.deny_assignment_name.clone(),
                    scope: d.properties.scope.clone(),
                    inherited,
                });
            }
        }
    }
}

/// The deny assignments that apply at `scope` — made there, or above it and not limited to
/// their own scope — each with whether it is inherited: what the portal's "Deny assignments" tab
/// lists.
pub fn deny_assignments_at<'w>(
    world: &'w World,
    scope: &str,
) -> Result<Vec<(&'w crate::iam::governance::DenyAssignment, bool)>, QueryError> {
    let (_, path) = full_path(world, scope)?;
    let depth = path.levels.len();
    let mut out = Vec::new();
    for (level, s) in path.levels.iter().enumerate() {
        let inherited = level + 1 < depth;
        for d in world.access.deny_assignments.values() {
            let here = ScopePath::parse(&d.properties.scope)
                .is_some_and(|p| p.id().eq_ignore_ascii_case(s));
            if here && !(inherited && d.properties.do_not_apply_to_child_scopes) {
                out.push((d, inherited));
            }
        }
    }
    Ok(out)
}

/// A deny assignment that denies an action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Denial {
    /// Its id.
    pub deny_assignment_id: String,
    /// Its name.
    pub deny_assignment_name: String,
    /// Where it was made.
    pub scope: String,
    /// True when made at an ancestor of the checked scope.
    pub inherited: bool,
}

/// The effective permissions of a subject at a scope: every action of
/// [`roles::KNOWN_ACTIONS`] with its verdict and grants.
pub fn effective_permissions(
    world: &World,
    subject: &Subject,
    scope: &str,
) -> Result<Vec<ActionDecision>, QueryError> {
    let cx = context(world, subject, scope)?;
    Ok(roles::KNOWN_ACTIONS
        .iter()
        .map(|a| decide(world, &cx, a))
        .collect())
}

/// True when `scope` names something that exists in the world (subscription, resource group,
/// gallery resource, source).
pub fn scope_exists(world: &World, scope: &str) -> bool {
    let Some(p) = ScopePath::parse(scope) else {
        return false;
    };
    if p.management_group.is_some() {
        return full_path(world, scope).is_ok();
    }
    match (p.levels.len(), &p.resource_group) {
        (1, _) => world.subscription(&p.subscription).is_some(),
        (2, Some(rg)) => world.resource_group(&p.subscription, rg).is_some(),
        _ => {
            let id = p.id();
            world.gallery(id).is_some()
                || world.image(id).is_some()
                || world.version(id).is_some()
                || world.source(id).is_some()
        }
    }
}

/// One resource a principal can see, with the role(s) that let it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VisibleResource {
    /// The resource id.
    pub id: String,
    /// ARM type.
    pub resource_type: String,
    /// The resource's subscription.
    pub subscription_id: String,
    /// The names of the roles that grant read there.
    pub roles: Vec<String>,
}

/// Every gallery, image definition and image version, across all subscriptions, that the
/// subject may read (the seed FAQ's "list all gallery resources across subscriptions").
///
/// The verdict of each is [`decide`]'s for `{type}/read` at its id, built level by level as a
/// walk down the tree: the chain above a gallery (management groups, subscription, resource
/// group) is resolved once per gallery, and a definition's or version's verdict is its
/// parent's chain plus its own level, so listing the hundreds of thousands of resources at ten
/// times the documented limits costs one level each, not a parsed chain each.
pub fn visible_resources(world: &World, subject: &Subject) -> Vec<VisibleResource> {
    use crate::ids::{GALLERY_TYPE, IMAGE_TYPE, VERSION_TYPE};
    let actions = [GALLERY_TYPE, IMAGE_TYPE, VERSION_TYPE].map(|ty| format!("{ty}/read"));
    let mut galleries = Vec::new();
    let mut images = Vec::new();
    let mut versions = Vec::new();
    for g in world.galleries() {
        let id = g.id.to_string();
        let Ok(cx) = context(world, subject, &id) else {
            continue;
        };
        let Some(p) = cx.principal else {
            continue;
        };
        let who = Who::of(world, p);
        let subscription = cx.scope.subscription.as_str();
        let above = |action: &str| chain_below(world, &who, &cx.scope.levels, action);
        let gallery = decide(world, &cx, &actions[0]);
        galleries.extend(visible(id, GALLERY_TYPE, subscription, &Seen::of(gallery)));
        let (above_images, above_versions) = (above(&actions[1]), above(&actions[2]));
        for i in world.images_of(&g.id) {
            let image_id = i.id.to_string();
            let mut above_version = above_versions.clone();
            above_version.add(who.level(world, &image_id, &actions[2], true));
            for v in world.versions_of(&i.id) {
                let version_id = v.id.to_string();
                let own = above_version.with(who.level(world, &version_id, &actions[2], false));
                versions.extend(visible(version_id, VERSION_TYPE, subscription, &own));
            }
            let own = above_images.with(who.level(world, &image_id, &actions[1], false));
            images.extend(visible(image_id, IMAGE_TYPE, subscription, &own));
        }
    }
    // In the world's order (its maps are keyed by the lower-cased id), as one pass over each
    // map would list them.
    images.sort_by_cached_key(|r| r.id.to_ascii_lowercase());
    versions.sort_by_cached_key(|r| r.id.to_ascii_lowercase());
    galleries.extend(images);
    galleries.extend(versions);
    galleries
}

/// Whether the subject may read every gallery, definition and version of the world — what
/// [`visible_resources`] would list all of — decided per gallery instead of per resource: an
/// owner's usual case, which the portal's lists check before they ask for the ids one by one
/// (at ten times the documented limits, 111,000 of them).
///
/// True only when certain: every gallery is readable, its chain alone grants reading
/// definitions and versions, and no deny assignment sits inside the gallery (role assignments
/// below only add grants). `false` means "look at each": [`visible_resources`] decides.
pub fn reads_every_resource(world: &World, subject: &Subject) -> bool {
    reads_whole_galleries(world, subject, world.galleries())
}

/// Whether a [`reads_every_resource`] that held before the changes `touched` names (the
/// world's touched set since then) still holds, looking only at what they changed: after a
/// command inside galleries, only those galleries are decided again, so a list open at ten
/// times the documented limits does not decide 1,000 galleries again per command.
///
/// Role assignments and the other access fields (deny assignments, the directory, custom roles,
/// management groups) can change any gallery's verdict: then this is `false`, and
/// [`reads_every_resource`] decides again. Subscriptions and resource groups are only ever
/// added, which changes no existing gallery's chain.
pub fn still_reads_every_resource(
    world: &World,
    subject: &Subject,
    touched: &crate::world::Touched,
) -> bool {
    !touched.access
        && touched.assignments.is_empty()
        && reads_whole_galleries(
            world,
            subject,
            touched
                .galleries
                .iter()
                .filter_map(|key| world.gallery_by_key(key)),
        )
}

/// [`reads_every_resource`] over `galleries` only.
fn reads_whole_galleries<'w>(
    world: &World,
    subject: &Subject,
    mut galleries: impl Iterator<Item = &'w crate::world::GalleryEntry>,
) -> bool {
    use crate::ids::{GALLERY_TYPE, IMAGE_TYPE, VERSION_TYPE};
    let actions = [GALLERY_TYPE, IMAGE_TYPE, VERSION_TYPE].map(|ty| format!("{ty}/read"));
    let deny_scopes: Vec<String> = world
        .access
        .deny_assignments
        .values()
        .map(|d| {
            d.properties
                .scope
                .trim_end_matches('/')
                .to_ascii_lowercase()
        })
        .collect();
    galleries.all(|g| {
        let id = g.id.to_string();
        let Ok(cx) = context(world, subject, &id) else {
            return false;
        };
        let Some(p) = cx.principal else {
            return false;
        };
        if !decide(world, &cx, &actions[0]).allowed {
            return false;
        }
        let who = Who::of(world, p);
        let chain_reads = |action: &str| {
            let seen = chain_below(world, &who, &cx.scope.levels, action);
            seen.granted && !seen.denied
        };
        let inside = format!("{}/", g.id.key().as_str());
        chain_reads(&actions[1])
            && chain_reads(&actions[2])
            && !deny_scopes.iter().any(|scope| scope.starts_with(&inside))
    })
}

/// What a gallery's chain (`levels`, down to the gallery) grants and denies to `action` at
/// a scope below it: where a definition's or version's verdict starts.
fn chain_below(world: &World, who: &Who, levels: &[String], action: &str) -> Seen {
    let mut seen = Seen::default();
    for scope_id in levels {
        seen.add(who.level(world, scope_id, action, true));
    }
    seen
}

/// What the levels of a chain looked at so far decide, as far as [`visible_resources`] needs:
/// the names of the roles that grant the action, and whether anything grants or denies it.
#[derive(Debug, Clone, Default)]
struct Seen {
    roles: Vec<String>,
    granted: bool,
    denied: bool,
}

impl Seen {
    fn of(decision: ActionDecision) -> Seen {
        let mut seen = Seen::default();
        seen.add(Verdict {
            grants: decision.grants,
            denials: decision.denied_by,
        });
        seen
    }

    fn add(&mut self, level: Verdict) {
        self.granted |= !level.grants.is_empty();
        self.denied |= !level.denials.is_empty();
        for g in level.grants {
            if !self.roles.contains(&g.role_name) {
                self.roles.push(g.role_name);
            }
        }
    }

    /// This and one more level (most levels grant and deny nothing: no copy is made).
    fn with(&self, level: Verdict) -> std::borrow::Cow<'_, Seen> {
        if level.grants.is_empty() && level.denials.is_empty() {
            return std::borrow::Cow::Borrowed(self);
        }
        let mut more = self.clone();
        more.add(level);
        std::borrow::Cow::Owned(more)
    }
}

/// The resource `id` as [`visible_resources`] lists it, when what its chain decides (`seen`)
/// allows reading it.
fn visible(id: String, ty: &str, subscription: &str, seen: &Seen) -> Option<VisibleResource> {
    if !seen.granted || seen.denied {
        return None;
    }
    let mut roles = seen.roles.clone();
    roles.sort();
    Some(VisibleResource {
        id,
        resource_type: ty.to_string(),
        subscription_id: subscription.to_string(),
        roles,
    })
}

/// One principal with access to a resource and the assignment that gives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessHolder {
    /// Object id of the principal (a group's members are listed too, with `viaGroup`).
    pub principal_id: String,
    /// Display name.
    pub display_name: String,
    /// `User`, `Group` or `ServicePrincipal`.
    pub principal_type: String,
    /// The role.
    pub role_name: String,
    /// The assignment.
    pub assignment_id: String,
    /// Where it was made.
    pub assignment_scope: String,
    /// True when made at an ancestor.
    pub inherited: bool,
    /// Set when the principal holds it as a (transitive) member of this group.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub via_group: Option<String>,
}

/// Who has access to `scope`: every assignment at it or above, and for group assignments every
/// transitive member.
pub fn who_has_access(world: &World, scope: &str) -> Result<Vec<AccessHolder>, QueryError> {
    let (_, path) = full_path(world, scope)?;
    let a = &world.access;
    let depth = path.levels.len();
    let mut out = Vec::new();
    for (level, s) in path.levels.iter().enumerate() {
        for ak in &a.assignments_at(&Key::new(s)) {
            let Some(ra) = a.assignments.get(ak) else {
                continue;
            };
            let role = a
                .role(&ra.properties.role_definition_id)
                .map_or_else(String::new, |r| r.role_name().to_string());
            let pk = Key::new(&ra.properties.principal_id);
            let mut push = |e: &Entry, via: Option<String>| {
                out.push(AccessHolder {
                    principal_id: e.object.id().to_string(),
                    display_name: e.object.display_name().to_string(),
                    principal_type: e.object.principal_type().unwrap_or("Unknown").to_string(),
                    role_name: role.clone(),
                    assignment_id: ra.id.clone(),
                    assignment_scope: ra.properties.scope.clone(),
                    inherited: level + 1 < depth,
                    via_group: via,
                });
            };
            let Some(e) = a.objects.get(&pk) else {
                continue;
            };
            push(e, None);
            if let DirectoryObject::Group(g) = &e.object {
                for (mk, groups) in &a.index.closure {
                    if groups.contains(&pk) {
                        if let Some(m) = a.objects.get(mk) {
                            push(m, Some(g.display_name.clone()));
                        }
                    }
                }
            }
        }
    }
    Ok(out)
}

impl World {
    /// The directory, custom roles and role assignments (read-only; change them with commands).
    pub fn access(&self) -> &AccessState {
        &self.access
    }
}
