//! Identity and access *state*: the simulated directory (Graph objects per tenant), role
//! definitions and role assignments, with the indexes that keep lookups O(log n). Data only: it
//! knows nothing of the world's resources, so the world can hold it and the access rules
//! ([`crate::access`]) can read it without a cycle between them.

pub(crate) mod assignment_table;
pub mod assignments;
pub mod directory;
pub mod governance;
pub mod roles;

use crate::ids::Key;
use assignments::{RoleAssignment, ScopePath};
use directory::{DirectoryObject, Entry};
use roles::RoleDefinition;
use std::collections::{BTreeMap, BTreeSet};

/// Everything access-related in a world, with its indexes (kept private so they cannot drift).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AccessState {
    pub(crate) objects: BTreeMap<Key, Entry>,
    pub(crate) custom_roles: BTreeMap<Key, RoleDefinition>,
    pub(crate) assignments: assignment_table::AssignmentTable,
    pub(crate) index: AccessIndex,
    /// Management groups by name (see [`governance`]).
    pub(crate) management_groups: BTreeMap<Key, governance::ManagementGroup>,
    /// Deny assignments by id (see [`governance`]).
    pub(crate) deny_assignments: BTreeMap<Key, governance::DenyAssignment>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct AccessIndex {
    /// Lower-case UPN → user object.
    pub(crate) upn: BTreeMap<Key, Key>,
    /// (home user, tenant) → that person's user object in the tenant (guest or external member).
    pub(crate) guests: BTreeMap<(Key, Key), Key>,
    /// (appId, tenant) → service principal.
    pub(crate) sps: BTreeMap<(Key, Key), Key>,
    /// appId → application registration.
    pub(crate) apps: BTreeMap<Key, Key>,
    /// member → groups it is a direct member of.
    pub(crate) member_of: BTreeMap<Key, BTreeSet<Key>>,
    /// member → every group it is in, directly or through nesting (rebuilt on membership change).
    pub(crate) closure: BTreeMap<Key, Vec<Key>>,
    /// (scope, principal) → assignments. Also the index by scope (see
    /// [`AccessState::assignments_at`]): a set of ids per scope cost 100,000 inserts comparing
    /// ids that share their scope's text (~40 ms of reading them natively at ten times, best
    /// runs).
    pub(crate) by_scope_principal: ScopePrincipalIndex,
}

/// The role assignments' keys by scope, then by principal: the scopes in key order (a
/// subscription's scopes are a range of them), each scope's principals hashed. At ten times
/// the limits 100 scopes hold 100,000 assignments (1,000 principals each); keyed by the
/// (scope, principal) pair, each insert compared long scope ids down a tree of 100,000 pairs
/// (~35 ms of opening in the browser: what the B-tree searches lost when it changed,
/// profiled).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct ScopePrincipalIndex {
    scopes: BTreeMap<Key, rustc_hash::FxHashMap<Key, Vec<Key>>>,
}

impl ScopePrincipalIndex {
    /// The assignments of `principal` at `scope`.
    pub(crate) fn get(&self, scope: &Key, principal: &Key) -> Option<&Vec<Key>> {
        self.scopes.get(scope)?.get(principal)
    }

    /// Adds `assignment` to those of `principal` at `scope`.
    pub(crate) fn add(&mut self, scope: Key, principal: Key, assignment: Key) {
        self.scopes
            .entry(scope)
            .or_default()
            .entry(principal)
            .or_default()
            .push(assignment);
    }

    /// Takes `assignment` out of those of `principal` at `scope`, dropping what it leaves empty.
    pub(crate) fn remove(&mut self, scope: &Key, principal: &Key, assignment: &Key) {
        let Some(at) = self.scopes.get_mut(scope) else {
            return;
        };
        if let Some(list) = at.get_mut(principal) {
            list.retain(|k| k != assignment);
            if list.is_empty() {
                at.remove(principal);
            }
        }
        if at.is_empty() {
            self.scopes.remove(scope);
        }
    }

    /// Every principal's assignments at `scope`, in no particular order.
    pub(crate) fn at(&self, scope: &Key) -> impl Iterator<Item = (&Key, &Vec<Key>)> {
        self.scopes.get(scope).into_iter().flatten()
    }

    /// The scopes from `from` (included) to `to` (excluded), in key order, with their
    /// principals' assignments. Panics when `from` is after `to`, as a map's range does.
    pub(crate) fn scopes_in(
        &self,
        from: &Key,
        to: &Key,
    ) -> impl Iterator<Item = (&Key, &rustc_hash::FxHashMap<Key, Vec<Key>>)> {
        self.scopes.range::<Key, _>((
            std::ops::Bound::Included(from),
            std::ops::Bound::Excluded(to),
        ))
    }

    /// Every principal's assignments at every scope, a principal at a time, to free in steps
    /// ([`crate::World::discard`]): a scope may hold thousands.
    pub(crate) fn into_principals(self) -> impl Iterator<Item = (Key, Vec<Key>)> {
        self.scopes.into_values().flatten()
    }
}

/// How many buckets the role assignments are stored in (see [`assignment_bucket`]).
pub const ASSIGNMENT_BUCKETS: u16 = 64;

/// The bucket a role assignment is stored in, from its key: assignment names are GUIDs, so the
/// last two hex digits spread them evenly, and reading them costs nothing (a name that does not
/// end in hex digits still gets a bucket, from its last two bytes).
pub fn assignment_bucket(key: &Key) -> u16 {
    let bytes = key.as_str().as_bytes();
    let tail = &bytes[bytes.len().saturating_sub(2)..];
    let value = tail.iter().fold(0u16, |acc, b| {
        let digit = match b {
            b'0'..=b'9' => u16::from(b - b'0'),
            b'a'..=b'f' => u16::from(b - b'a' + 10),
            other => u16::from(*other),
        };
        acc * 16 + digit
    });
    value % ASSIGNMENT_BUCKETS
}

/// The index key of a role assignment's scope: its canonical id (case-insensitive), or the text
/// itself when it is not a scope this model parses.
pub(crate) fn scope_key(scope: &str) -> Key {
    ScopePath::parse(scope).map_or_else(|| Key::new(scope), |p| Key::new(p.id()))
}

impl AccessState {
    pub(crate) fn insert_object(&mut self, tenant_id: &str, object: DirectoryObject) {
        let key = Key::new(object.id());
        let tk = Key::new(tenant_id);
        match &object {
            DirectoryObject::User(u) => {
                self.index
                    .upn
                    .insert(Key::new(&u.user_principal_name), key.clone());
                if let Some(home) = &u.home_user_id {
                    self.index.guests.insert((Key::new(home), tk), key.clone());
                }
            }
            DirectoryObject::ServicePrincipal(s) => {
                self.index
                    .sps
                    .insert((Key::new(&s.app_id), tk), key.clone());
            }
            DirectoryObject::Application(a) => {
                self.index.apps.insert(Key::new(&a.app_id), key.clone());
            }
            DirectoryObject::Group(g) => {
                for m in &g.members {
                    self.index
                        .member_of
                        .entry(Key::new(&m.id))
                        .or_default()
                        .insert(key.clone());
                }
            }
        }
        self.objects.insert(
            key,
            Entry {
                tenant_id: tenant_id.to_string(),
                object,
            },
        );
    }

    pub(crate) fn add_member(&mut self, group: &Key, member: directory::MemberRef) {
        let mk = Key::new(&member.id);
        if let Some(Entry {
            object: DirectoryObject::Group(g),
            ..
        }) = self.objects.get_mut(group)
        {
            g.members.push(member);
            self.index
                .member_of
                .entry(mk.clone())
                .or_default()
                .insert(group.clone());
        }
        self.refresh_closure_from(&mk);
    }

    pub(crate) fn remove_member(&mut self, group: &Key, member: &Key) {
        if let Some(Entry {
            object: DirectoryObject::Group(g),
            ..
        }) = self.objects.get_mut(group)
        {
            g.members.retain(|m| Key::new(&m.id) != *member);
        }
        if let Some(set) = self.index.member_of.get_mut(member) {
            set.remove(group);
            if set.is_empty() {
                self.index.member_of.remove(member);
            }
        }
        self.refresh_closure_from(member);
    }

    /// Recomputes transitive membership after an edge from `member` changed: for `member` and,
    /// when it is a group, for everything inside it — nobody else's groups can have changed.
    /// Adding a user to a group (the common case, thousands of times when a directory is
    /// imported) costs one walk up from that user, not a rebuild of every member's closure.
    fn refresh_closure_from(&mut self, member: &Key) {
        let mut affected = vec![member.clone()];
        if matches!(
            self.objects.get(member),
            Some(Entry {
                object: DirectoryObject::Group(_),
                ..
            })
        ) {
            affected.extend(
                self.index
                    .closure
                    .iter()
                    .filter(|(_, groups)| groups.binary_search(member).is_ok())
                    .map(|(inside, _)| inside.clone()),
            );
        }
        for key in affected {
            if self.index.member_of.contains_key(&key) {
                let groups = self.groups_of_uncached(&key);
                self.index.closure.insert(key, groups);
            } else {
                self.index.closure.remove(&key);
            }
        }
    }

    /// Recomputes transitive membership for every member (directories are small; assignments,
    /// which can be many, are not touched).
    pub(crate) fn rebuild_closure(&mut self) {
        let mut closure = BTreeMap::new();
        for member in self.index.member_of.keys() {
            closure.insert(member.clone(), self.groups_of_uncached(member));
        }
        self.index.closure = closure;
    }

    fn groups_of_uncached(&self, member: &Key) -> Vec<Key> {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<Key> = self
            .index
            .member_of
            .get(member)
            .into_iter()
            .flatten()
            .cloned()
            .collect();
        while let Some(g) = stack.pop() {
            if seen.insert(g.clone()) {
                stack.extend(self.index.member_of.get(&g).into_iter().flatten().cloned());
            }
        }
        seen.remove(member);
        seen.into_iter().collect()
    }

    /// Every group `member` belongs to, directly or transitively.
    pub fn groups_of(&self, member: &Key) -> &[Key] {
        self.index.closure.get(member).map_or(&[], Vec::as_slice)
    }

    /// True when `group` contains `member` directly or through nested groups.
    pub fn is_in_group(&self, member: &Key, group: &Key) -> bool {
        self.groups_of(member).contains(group)
    }

    /// A management group by name.
    pub fn management_group(&self, name: &str) -> Option<&governance::ManagementGroup> {
        self.management_groups.get(&Key::new(name))
    }
    /// Every management group.
    pub fn management_groups(&self) -> impl Iterator<Item = &governance::ManagementGroup> {
        self.management_groups.values()
    }
    /// Every deny assignment.
    pub fn deny_assignments(&self) -> impl Iterator<Item = &governance::DenyAssignment> {
        self.deny_assignments.values()
    }
    /// The group a subscription is placed in (`None`: the tenant root group).
    pub fn group_of_subscription(
        &self,
        subscription: &str,
    ) -> Option<&governance::ManagementGroup> {
        self.management_groups.values().find(|g| {
            g.properties
                .subscriptions
                .iter()
                .any(|s| s.eq_ignore_ascii_case(subscription))
        })
    }
    /// The scope ids of the management groups above and including `group` (in `tenant`), the
    /// tenant root group first. A group's ancestry has no cycles: a group is created under an
    /// existing one and never moved.
    pub fn management_chain(&self, tenant: &str, group: Option<&str>) -> Vec<String> {
        let mut chain = Vec::new();
        let mut next = group.filter(|g| !g.eq_ignore_ascii_case(tenant));
        while let Some(name) = next {
            let Some(g) = self.management_group(name) else {
                break;
            };
            chain.push(governance::management_group_id(&g.name));
            next = g.parent().filter(|p| !p.eq_ignore_ascii_case(tenant));
            if chain.len() > self.management_groups.len() {
                break;
            }
        }
        chain.push(governance::management_group_id(tenant));
        chain.reverse();
        chain
    }

    pub(crate) fn insert_assignment(&mut self, a: RoleAssignment) {
        let key = Key::new(&a.id);
        let scope = scope_key(&a.properties.scope);
        // A plan assigns a new name; one already there is replaced, as it always was.
        let principal = Key::new(&a.properties.principal_id);
        if let Err(a) = self.insert_new_assignment(key.clone(), scope.clone(), principal.clone(), a)
        {
            self.remove_assignment(&key);
            let _ = self.insert_new_assignment(key, scope, principal, *a);
        }
    }

    /// [`AccessState::insert_assignment`] for an assignment not there yet, with its key, its
    /// scope's ([`scope_key`]) and its principal's already made: a reading of 100,000
    /// assignments makes each scope's key once, not once per assignment (parsing the scope was a
    /// fifth of putting one back), and looks the key up once. Gives the assignment back,
    /// untouched, when its key is taken.
    pub(crate) fn insert_new_assignment(
        &mut self,
        key: Key,
        scope: Key,
        principal: Key,
        a: RoleAssignment,
    ) -> Result<(), Box<RoleAssignment>> {
        let std::collections::btree_map::Entry::Vacant(slot) = self.assignments.entry(key) else {
            return Err(Box::new(a));
        };
        let key = slot.key();
        self.index
            .by_scope_principal
            .add(scope, principal, key.clone());
        slot.insert(a);
        Ok(())
    }

    pub(crate) fn remove_assignment(&mut self, key: &Key) -> Option<RoleAssignment> {
        let a = self.assignments.remove(key)?;
        let scope = scope_key(&a.properties.scope);
        self.index
            .by_scope_principal
            .remove(&scope, &Key::new(&a.properties.principal_id), key);
        Some(a)
    }

    /// The keys of the role assignments at `scope` (a [`scope_key`]), in key order.
    pub(crate) fn assignments_at(&self, scope: &Key) -> Vec<Key> {
        let mut at: Vec<Key> = self
            .index
            .by_scope_principal
            .at(scope)
            .flat_map(|(_, keys)| keys.iter().cloned())
            .collect();
        at.sort_unstable();
        at
    }

    /// A directory object by object id.
    pub fn object(&self, id: &str) -> Option<&Entry> {
        self.objects.get(&Key::new(id))
    }
    /// Every directory object, by object id.
    pub fn objects(&self) -> impl Iterator<Item = &Entry> {
        self.objects.values()
    }
    /// Every role assignment.
    pub fn assignments(&self) -> impl Iterator<Item = &RoleAssignment> {
        self.assignments.values()
    }
    /// A role assignment by id.
    pub fn assignment(&self, id: &str) -> Option<&RoleAssignment> {
        self.assignments.get(&Key::new(id))
    }
    /// The custom role definitions.
    pub fn custom_roles(&self) -> impl Iterator<Item = &RoleDefinition> {
        self.custom_roles.values()
    }
    /// A role (built-in or custom) by GUID, id or name.
    pub fn role(&self, id_or_name: &str) -> Option<&RoleDefinition> {
        roles::built_in_role(id_or_name).or_else(|| {
            self.custom_roles
                .get(&Key::new(roles::role_guid(id_or_name)))
                .or_else(|| {
                    self.custom_roles
                        .values()
                        .find(|r| r.properties.role_name.eq_ignore_ascii_case(id_or_name))
                })
        })
    }
    /// A user object by UPN.
    pub fn user_by_upn(&self, upn: &str) -> Option<&Entry> {
        self.index
            .upn
            .get(&Key::new(upn))
            .and_then(|k| self.objects.get(k))
    }
    /// The application registration with that appId.
    pub fn application(&self, app_id: &str) -> Option<&Entry> {
        self.index
            .apps
            .get(&Key::new(app_id))
            .and_then(|k| self.objects.get(k))
    }
    /// The service principal of `app_id` in `tenant`.
    pub fn service_principal_in(&self, app_id: &str, tenant: &str) -> Option<&Entry> {
        self.index
            .sps
            .get(&(Key::new(app_id), Key::new(tenant)))
            .and_then(|k| self.objects.get(k))
    }
    /// The user object representing home user `home_user_id` in `tenant` (guest or external member).
    pub fn guest_in(&self, home_user_id: &str, tenant: &str) -> Option<&Entry> {
        self.index
            .guests
            .get(&(Key::new(home_user_id), Key::new(tenant)))
            .and_then(|k| self.objects.get(k))
    }
    /// The directory of each tenant, Graph-shaped (for the export and the app).
    pub fn directories(&self) -> Vec<directory::TenantDirectory> {
        self.directory_refs()
            .into_iter()
            .map(|d| directory::TenantDirectory {
                tenant_id: d.tenant_id.to_string(),
                users: d.users.into_iter().cloned().collect(),
                groups: d.groups.into_iter().cloned().collect(),
                applications: d.applications.into_iter().cloned().collect(),
                service_principals: d.service_principals.into_iter().cloned().collect(),
            })
            .collect()
    }

    /// The directory objects per tenant, borrowed (what [`AccessState::directories`] copies).
    pub fn directory_refs(&self) -> Vec<directory::TenantDirectoryRef<'_>> {
        let mut by: BTreeMap<Key, directory::TenantDirectoryRef<'_>> = BTreeMap::new();
        for e in self.objects.values() {
            let d =
                by.entry(Key::new(&e.tenant_id))
                    .or_insert_with(|| directory::TenantDirectoryRef {
                        tenant_id: &e.tenant_id,
                        ..Default::default()
                    });
            match &e.object {
                DirectoryObject::User(u) => d.users.push(u),
                DirectoryObject::Group(g) => d.groups.push(g),
                DirectoryObject::Application(a) => d.applications.push(a),
                DirectoryObject::ServicePrincipal(s) => d.service_principals.push(s),
            }
        }
        by.into_values().collect()
    }
}

/// Who a principal is, independent of tenant: a person (by home user), an application (by
/// appId), or one specific group. Resolves to at most one object per tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    /// A person, by the object id of their home user.
    Person(Key),
    /// An application, by appId (its service principal in each consenting tenant).
    App(Key),
    /// A group (lives in one tenant).
    Group(Key),
}

impl Subject {
    /// The subject's object in `tenant`, if it has one there.
    pub fn object_in<'a>(&self, access: &'a AccessState, tenant: &str) -> Option<&'a Entry> {
        match self {
            Subject::Person(home) => access
                .objects
                .get(home)
                .filter(|e| e.tenant_id.eq_ignore_ascii_case(tenant))
                .or_else(|| access.guest_in(home.as_str(), tenant)),
            Subject::App(app) => access.service_principal_in(app.as_str(), tenant),
            Subject::Group(g) => access
                .objects
                .get(g)
                .filter(|e| e.tenant_id.eq_ignore_ascii_case(tenant)),
        }
    }

    /// True when the subject's object in `tenant` is a member (not guest) user. Why: Entra lets
    /// member users read and change a tenant's directory and its audit events; guests and
    /// applications may do neither, so this one test gates both.
    pub fn is_member_user_in(&self, access: &AccessState, tenant: &str) -> bool {
        self.object_in(access, tenant)
            .is_some_and(|e| matches!(&e.object, DirectoryObject::User(u) if !u.is_guest()))
    }
}

#[cfg(test)]
mod tests {
    /// The index is freed a principal's list at a time: a scope may hold thousands of them,
    /// and the world is discarded in steps of a few milliseconds.
    #[test]
    fn the_scope_index_is_taken_apart_a_principal_at_a_time() {
        use super::{Key, ScopePrincipalIndex};
        let mut index = ScopePrincipalIndex::default();
        for scope in ["/subscriptions/a", "/subscriptions/b"] {
            for who in ["p1", "p2", "p3"] {
                index.add(
                    Key::new(scope),
                    Key::new(who),
                    Key::new(&format!("{scope}/{who}")),
                );
            }
        }
        index.add(
            Key::new("/subscriptions/a"),
            Key::new("p1"),
            Key::new("another"),
        );
        let pieces: Vec<(Key, Vec<Key>)> = index.into_principals().collect();
        assert_eq!(pieces.len(), 6);
        assert_eq!(pieces.iter().map(|(_, keys)| keys.len()).sum::<usize>(), 7);
    }
    use crate::protocol::requests::{GroupMembership, NewGroup};
    use crate::testing::example::{contoso_fabrikam, ADMIN, CONTOSO};
    use crate::testing::FIXTURE_NOW;
    use crate::{apply, Actor, Command};

    /// An assignment put again under a key already there (a plan's replace) takes the old one's
    /// place in both indexes: nothing still points at it from its old scope or principal.
    #[test]
    fn an_assignment_put_again_leaves_no_stale_index_entry() {
        use super::{scope_key, AccessState};
        use crate::iam::assignments::RoleAssignment;
        use crate::ids::Key;
        let sub = "/subscriptions/00000000-0000-0000-0000-000000000001";
        let at = |scope: &str, principal: &str| -> RoleAssignment {
            serde_json::from_value(serde_json::json!({
                "id": format!("{sub}/providers/Microsoft.Authorization/roleAssignments/a1"),
                "name": "a1",
                "properties": {
                    "roleDefinitionId": format!("{sub}/providers/Microsoft.Authorization/roleDefinitions/r"),
                    "principalId": principal,
                    "scope": scope,
                },
            }))
            .unwrap()
        };
        let group = format!("{sub}/resourceGroups/rg");
        let mut access = AccessState::default();
        access.insert_assignment(at(sub, "p1"));
        access.insert_assignment(at(&group, "p2"));
        let key = Key::new(&at(sub, "p1").id);
        let (old, new) = (scope_key(sub), scope_key(&group));
        assert_eq!(access.assignments.len(), 1);
        assert_eq!(
            access
                .assignments
                .get(&key)
                .unwrap()
                .properties
                .principal_id,
            "p2"
        );
        assert!(access.assignments_at(&old).is_empty());
        assert!(access
            .index
            .by_scope_principal
            .get(&old, &Key::new("p1"))
            .is_none());
        assert_eq!(access.assignments_at(&new), vec![key.clone()]);
        assert_eq!(
            access.index.by_scope_principal.get(&new, &Key::new("p2")),
            Some(&vec![key])
        );
    }

    /// Membership changes update the closure in place; after any sequence of them it equals the
    /// closure rebuilt from scratch (nested groups, removals, a cycle refused on the way).
    #[test]
    fn the_closure_kept_in_place_equals_a_rebuild() {
        let mut w = contoso_fabrikam();
        let system = Actor::system();
        let ids: Vec<String> = ["g-a", "g-b", "g-c", "g-d"]
            .iter()
            .map(|name| {
                let id = format!("00000000-0000-0000-0000-0000000000{}", &name[2..]);
                apply(
                    &mut w,
                    &system,
                    Command::CreateGroup(NewGroup {
                        tenant_id: CONTOSO.into(),
                        display_name: (*name).into(),
                        id: Some(id.clone()),
                    }),
                    FIXTURE_NOW,
                )
                .unwrap();
                id
            })
            .collect();
        let edge = |group: usize, member: &str| GroupMembership {
            group_id: ids[group].clone(),
            member_id: member.to_string(),
        };
        let steps = vec![
            Command::AddGroupMember(edge(0, ADMIN)),
            Command::AddGroupMember(edge(1, &ids[0])),
            Command::AddGroupMember(edge(2, &ids[1])),
            Command::AddGroupMember(edge(3, ADMIN)),
            Command::AddGroupMember(edge(0, &ids[2])), // a cycle: refused
            Command::AddGroupMember(edge(3, &ids[0])),
            Command::RemoveGroupMember(edge(1, &ids[0])),
            Command::AddGroupMember(edge(2, &ids[0])),
            Command::RemoveGroupMember(edge(0, ADMIN)),
            Command::RemoveGroupMember(edge(3, ADMIN)),
        ];
        for step in steps {
            let _ = apply(&mut w, &system, step.clone(), FIXTURE_NOW);
            let kept = w.access.index.closure.clone();
            w.access.rebuild_closure();
            assert_eq!(kept, w.access.index.closure, "after {step:?}");
        }
    }
}
