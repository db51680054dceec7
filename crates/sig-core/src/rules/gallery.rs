//! Rules for one gallery on its own (names, location, sharing values).

use super::common::{check_enum, check_envelope, warn_location_differs};
use super::RuleCtx;
use crate::arm;
use crate::diagnostics::{Code, Diagnostic};
use crate::ids::{GalleryRef, GALLERY_TYPE};
use crate::names::GalleryName;

fn permission(s: &str) -> Option<()> {
    ["Private", "Groups", "Community"]
        .iter()
        .any(|p| p.eq_ignore_ascii_case(s))
        .then_some(())
}

/// Checks a gallery. `id` is the parsed id (from the URL or body); `rid` the id text for diagnostics.
pub fn check_gallery(
    g: &arm::Gallery,
    id: Option<&GalleryRef>,
    rid: &str,
    ctx: &RuleCtx,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let name = |n: &str| GalleryName::new(n).map(drop);
    let id_name = id.map(|i| i.gallery.as_str());
    let loc = check_envelope(
        g,
        id_name,
        name,
        "gallery",
        GALLERY_TYPE,
        rid,
        ctx,
        &mut out,
    );
    if let Some(i) = id {
        if let (Some(s), Some(r)) = (&i.scope.subscription, &i.scope.resource_group) {
            warn_location_differs(
                loc,
                ctx.lookup.resource_group_location(s, r),
                "resource group",
                rid,
                &mut out,
            );
        }
    }
    if let Some(sp) = g
        .properties
        .as_ref()
        .and_then(|p| p.sharing_profile.as_ref())
    {
        check_enum(
            sp.permissions.as_deref(),
            permission,
            "Private, Groups, Community",
            Code::PropertyValueInvalid,
            "properties.sharingProfile.permissions",
            rid,
            &mut out,
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::NoLookup;
    use time::macros::datetime;

    fn run(v: serde_json::Value) -> Vec<Code> {
        let g: arm::Gallery = serde_json::from_value(v).unwrap();
        let ctx = RuleCtx::validate(datetime!(2024-01-01 0:00 UTC), &NoLookup);
        check_gallery(&g, None, "r", &ctx)
            .into_iter()
            .map(|d| d.code)
            .collect()
    }

    #[test]
    fn table() {
        use serde_json::json;
        let cases: Vec<(serde_json::Value, Vec<Code>)> = vec![
            (json!({"name": "g1", "location": "westus"}), vec![]),
            (
                json!({"name": "g-1", "location": "westus"}),
                vec![Code::GalleryNameInvalid],
            ),
            (json!({"name": "g1"}), vec![Code::RequiredPropertyMissing]),
            (
                json!({"location": "westus"}),
                vec![Code::RequiredPropertyMissing],
            ),
            (
                json!({"name": "g1", "location": "mars"}),
                vec![Code::LocationNotAvailableForResourceType],
            ),
            (
                json!({"name": "g1", "location": "westus", "properties": {"sharingProfile": {"permissions": "Everyone"}}}),
                vec![Code::PropertyValueInvalid],
            ),
            (
                json!({"name": "g1", "location": "westus", "properties": {"sharingProfile": {"permissions": "groups"}}}),
                vec![],
            ),
            (
                json!({"id": "/subscriptions/s/resourceGroups/r/providers/Microsoft.Compute/galleries/other", "name": "g1", "location": "westus"}),
                vec![],
            ),
        ];
        for (input, want) in cases {
            assert_eq!(run(input.clone()), want, "{input}");
        }
    }
}
