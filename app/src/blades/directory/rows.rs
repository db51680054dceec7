//! The directory table's rows: what the signed-in principal may see of
//! every tenant's directory.

use sig_core::access::directory::DirectoryObject;
use sig_core::visibility::Viewer;
use sig_core::World;

use crate::blades::options::tenant_name;

/// One directory object as the directory table shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectoryRow {
    /// Tenant display name.
    pub tenant: String,
    /// Object kind: User, Guest, Group, Application, Service principal.
    pub kind: &'static str,
    /// Display name.
    pub name: String,
    /// UPN, appId, or the members of a group.
    pub detail: String,
    /// Object id.
    pub id: String,
}

/// Every directory object `viewer` may see (all of the tenants it is a member
/// user of, its own object elsewhere), by tenant, kind and name.
pub fn directory_rows(world: &World, viewer: &Viewer) -> Vec<DirectoryRow> {
    let access = world.access();
    let tenant = |id: &str| tenant_name(world, id);
    let name_of = |id: &str| {
        access.object(id).map_or_else(
            || id.to_string(),
            |e| crate::text::reveal(e.object.display_name()).into_owned(),
        )
    };
    let mut rows: Vec<DirectoryRow> = access
        .objects()
        .filter(|e| viewer.sees_directory_object(world, e))
        .map(|e| {
            let (kind, detail) = match &e.object {
                DirectoryObject::User(u) if u.is_guest() => {
                    ("Guest", u.user_principal_name.clone())
                }
                DirectoryObject::User(u) => ("User", u.user_principal_name.clone()),
                DirectoryObject::Group(g) => (
                    "Group",
                    if g.members.is_empty() {
                        "No members".to_string()
                    } else {
                        format!(
                            "Members: {}",
                            g.members
                                .iter()
                                .map(|m| name_of(&m.id))
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
                    },
                ),
                DirectoryObject::Application(a) => (
                    "Application",
                    format!(
                        "appId {} · {}",
                        a.app_id,
                        if a.is_multi_tenant() {
                            "multi-tenant"
                        } else {
                            "single tenant"
                        }
                    ),
                ),
                DirectoryObject::ServicePrincipal(s) => {
                    ("Service principal", format!("appId {}", s.app_id))
                }
            };
            DirectoryRow {
                tenant: tenant(&e.tenant_id),
                kind,
                // Revealed here, so every list and picker built from rows shows it so.
                name: crate::text::reveal(e.object.display_name()).into_owned(),
                detail,
                id: e.object.id().to_string(),
            }
        })
        .collect();
    rows.sort_by(|a, b| (&a.tenant, a.kind, &a.name).cmp(&(&b.tenant, b.kind, &b.name)));
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use sig_core::testing::example::{contoso_fabrikam, ADMIN, CAROL, ERIN};

    #[test]
    fn rows_cover_every_kind_of_the_example() {
        let world = contoso_fabrikam();
        let rows = directory_rows(&world, &Viewer::new(&world, &sig_core::Actor::system()));
        for kind in ["User", "Guest", "Group", "Application", "Service principal"] {
            assert!(rows.iter().any(|r| r.kind == kind), "no {kind}");
        }
        assert!(rows
            .iter()
            .any(|r| r.kind == "Group" && r.detail.starts_with("Members: ")));
    }

    #[test]
    fn a_principal_sees_only_the_tenants_it_is_in() {
        let world = contoso_fabrikam();
        let tenants_of = |principal: &str| {
            let viewer = Viewer::new(&world, &sig_core::Actor::new(principal));
            let mut tenants: Vec<String> = directory_rows(&world, &viewer)
                .into_iter()
                .map(|r| r.tenant)
                .collect();
            tenants.dedup();
            tenants
        };
        assert_eq!(tenants_of(ERIN), ["Northwind Traders"]);
        // Carol's home tenant, and Contoso where she is a guest.
        assert_eq!(tenants_of(CAROL), ["Contoso", "Fabrikam"]);
        assert!(tenants_of("nobody@example.com").is_empty());
    }

    #[test]
    fn a_guest_sees_only_itself_in_the_tenant_that_invited_it() {
        let world = contoso_fabrikam();
        let rows_in = |principal: &str, tenant: &str| {
            let viewer = Viewer::new(&world, &sig_core::Actor::new(principal));
            directory_rows(&world, &viewer)
                .into_iter()
                .filter(|r| r.tenant == tenant)
                .map(|r| (r.kind, r.name))
                .collect::<Vec<_>>()
        };
        assert_eq!(rows_in(CAROL, "Contoso"), [("Guest", "carol".to_string())]);
        let has = |principal: &str, tenant: &str, kind: &str, name: Option<&str>| {
            rows_in(principal, tenant)
                .iter()
                .any(|(k, n)| *k == kind && name.is_none_or(|name| name == n))
        };
        // Contoso's own users see its whole directory, Carol's guest object included.
        assert!(has(ADMIN, "Contoso", "Guest", Some("carol")));
        assert!(has(ADMIN, "Contoso", "Group", None));
        // In Fabrikam Carol is a member: she sees Dave and the app she registered.
        assert!(has(CAROL, "Fabrikam", "User", Some("Dave Consumer")));
        assert!(has(CAROL, "Fabrikam", "Application", None));
    }
}
