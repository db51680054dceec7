//! Whether a principal may see one gallery resource: the one-resource form of
//! [`crate::access::visible_resources`].
//!
//! Why: the portal asks "may the signed-in principal read this?" for the blade it is showing after
//! every change; answering it for the whole world (11,100 resources at the limits) each time costs
//! tens of milliseconds, one resource costs microseconds. Same rule: `{type}/read` at the resource,
//! decided by [`crate::access::decide`] through the subject's object in the resource's tenant.

use crate::access::{context, decide, resolve_principal, Subject};
use crate::ids::GalleryResourceId;
use crate::world::World;

/// True when `subject` may read the gallery, image definition or image version `id` (false for
/// anything else, or a resource whose subscription is not in the world).
pub fn can_read(world: &World, subject: &Subject, id: &str) -> bool {
    let Some(parsed) = GalleryResourceId::parse(id) else {
        return false;
    };
    let Ok(cx) = context(world, subject, id) else {
        return false;
    };
    decide(world, &cx, &format!("{}/read", parsed.resource_type())).allowed
}

/// [`can_read`] for a principal given as text (object id, UPN, appId or display name); false when
/// the text names nobody.
pub fn principal_can_read(world: &World, principal: &str, id: &str) -> bool {
    resolve_principal(world, principal).is_ok_and(|s| can_read(world, &s, id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::example::{contoso_fabrikam, CAROL};
    use crate::access::visible_resources;

    #[test]
    fn agrees_with_visible_resources_for_every_resource() {
        let w = contoso_fabrikam();
        for principal in [
            CAROL,
            crate::access::example::ADMIN,
            crate::access::example::ERIN,
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
}
