//! Sharing beyond RBAC (newer than the seed, which shares by RBAC only): a gallery's
//! `sharingProfile` — Private, Groups (shared directly with subscriptions and tenants) or
//! Community (published to every Azure user) — and what a consumer sees of it.
//!
//! Sources (Azure docs "Share images using a direct shared gallery", "Share images using a
//! community gallery", "Create a gallery", the GalleryRP 2024-03-03 REST spec):
//! * "You can share up to 30 subscriptions and 5 tenants." / "When a gallery is shared with the
//!   tenant, all subscriptions within the tenant get access to the image."
//! * A community gallery shows its publisher: "Community gallery prefix", "Publisher email",
//!   "Publisher URL", "Legal Agreement URL"; "the prefix … is used, along with a GUID, to create
//!   the public-facing name" (`{prefix}-{guid}`; 5 to 16 letters or digits, as Terraform checks).
//! * "A direct shared gallery can't contain encrypted image versions"; community: "Encrypted
//!   images are not supported", "Image resources need to be created in the same region as the
//!   gallery"; the security-type table allows `TrustedLaunch` and `ConfidentialVM` definitions in
//!   private galleries only.
//! * Consumers deploy with `/SharedGalleries/{uniqueName}/Images/{image}/Versions/{version|latest}`
//!   or `/CommunityGalleries/{publicName}/Images/…` (`sharedGalleryImageId`,
//!   `communityGalleryImageId`).
//!
//! Where the service's own error text is not documented, the messages state the rule.

use crate::arm;
use crate::diagnostics::{Code, Diagnostic};
use crate::kinds::SecurityType;
use crate::limits::{MAX_SHARED_SUBSCRIPTIONS, MAX_SHARED_TENANTS};
use crate::world::{GalleryEntry, World};

/// `sharingProfile.permissions`: how a gallery is shared besides RBAC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// RBAC only (the seed's, and the default).
    Private,
    /// Shared directly with subscriptions and tenants.
    Groups,
    /// Published to all Azure users.
    Community,
}

impl Permission {
    /// Azure's spelling, read case-insensitively.
    pub fn parse(text: &str) -> Option<Permission> {
        [
            ("Private", Permission::Private),
            ("Groups", Permission::Groups),
            ("Community", Permission::Community),
        ]
        .into_iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(text))
        .map(|(_, p)| p)
    }
    /// Azure's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Permission::Private => "Private",
            Permission::Groups => "Groups",
            Permission::Community => "Community",
        }
    }
    /// What the portal calls the sharing method.
    pub fn portal_label(self) -> &'static str {
        match self {
            Permission::Private => "Role based access control (RBAC)",
            Permission::Groups => "RBAC + share directly",
            Permission::Community => "RBAC + share to public community gallery",
        }
    }
}

/// The permission a gallery body declares (Private when it says nothing or something unknown:
/// the value itself is checked by [`crate::rules::gallery`]).
pub fn permission_of(g: &arm::Gallery) -> Permission {
    profile(g)
        .and_then(|s| s.permissions.as_deref())
        .and_then(Permission::parse)
        .unwrap_or(Permission::Private)
}

fn profile(g: &arm::Gallery) -> Option<&arm::SharingProfile> {
    g.properties.as_ref()?.sharing_profile.as_ref()
}

/// The gallery's community information, when it has any.
pub fn community_info(g: &arm::Gallery) -> Option<&arm::CommunityGalleryInfo> {
    profile(g)?.community_gallery_info.as_ref()
}

/// Whether the gallery is published to the community (after `EnableCommunity`).
pub fn community_enabled(g: &arm::Gallery) -> bool {
    permission_of(g) == Permission::Community
        && community_info(g).is_some_and(|c| c.community_gallery_enabled == Some(true))
}

/// The ids a gallery is shared with, by group type (`Subscriptions`, `AADTenants`).
pub fn shared_ids<'g>(g: &'g arm::Gallery, group_type: &'g str) -> impl Iterator<Item = &'g str> {
    profile(g)
        .and_then(|p| p.groups.as_ref())
        .into_iter()
        .flatten()
        .filter(move |grp| {
            grp.group_type
                .as_deref()
                .is_some_and(|t| t.eq_ignore_ascii_case(group_type))
        })
        .flat_map(|grp| grp.ids.iter().flatten())
        .map(String::as_str)
}

/// Group type of subscriptions in `sharingProfile.groups`.
pub const SUBSCRIPTIONS: &str = "Subscriptions";
/// Group type of tenants in `sharingProfile.groups`.
pub const TENANTS: &str = "AADTenants";

/// Whether a gallery shared by Groups reaches a consumer in `subscription` (directly, or through
/// its tenant: "all subscriptions within the tenant get access").
pub fn shared_with_subscription(world: &World, g: &arm::Gallery, subscription: &str) -> bool {
    if permission_of(g) != Permission::Groups {
        return false;
    }
    let tenant = world
        .subscription(subscription)
        .map(|s| s.tenant_id.as_str());
    shared_ids(g, SUBSCRIPTIONS).any(|s| s.eq_ignore_ascii_case(subscription))
        || tenant.is_some_and(|t| shared_ids(g, TENANTS).any(|x| x.eq_ignore_ascii_case(t)))
}

/// The public name of a community gallery: its prefix and a GUID unique to the gallery (a pure
/// function of its unique name: the core has no randomness).
pub fn public_name(prefix: &str, unique_name: &str) -> String {
    format!(
        "{prefix}-{}",
        crate::iam::directory::derived_guid(&["communityGallery", unique_name])
    )
}

/// The gallery's unique name (`{subscription}-{GALLERYNAME}`), as consumers address it.
pub fn unique_name(g: &GalleryEntry) -> String {
    g.resource
        .properties
        .as_ref()
        .and_then(|p| p.identifier.as_ref())
        .and_then(|i| i.unique_name.clone())
        .unwrap_or_else(|| {
            format!(
                "{}-{}",
                g.id.scope.subscription.as_deref().unwrap_or_default(),
                g.id.gallery.to_ascii_uppercase()
            )
        })
}

/// Checks a community gallery's publisher information (all four fields, the prefix's form).
pub fn check_community_info(
    info: Option<&arm::CommunityGalleryInfo>,
    rid: &str,
) -> Vec<Diagnostic> {
    let base = "properties.sharingProfile.communityGalleryInfo";
    let Some(info) = info else {
        return vec![Diagnostic::new(
            Code::CommunityGalleryInfoInvalid,
            rid,
            base,
            "A community gallery needs its publisher information: Publisher URL (publisherUri), Publisher email (publisherContact), Legal agreement URL (eula) and Community gallery prefix (publicNamePrefix).",
        )];
    };
    let mut out = Vec::new();
    for (field, label, value) in [
        ("publisherUri", "Publisher URL", &info.publisher_uri),
        (
            "publisherContact",
            "Publisher email",
            &info.publisher_contact,
        ),
        ("eula", "Legal agreement URL", &info.eula),
        (
            "publicNamePrefix",
            "Community gallery prefix",
            &info.public_name_prefix,
        ),
    ] {
        if value.as_deref().is_none_or(|v| v.trim().is_empty()) {
            out.push(Diagnostic::new(
                Code::CommunityGalleryInfoInvalid,
                rid,
                format!("{base}.{field}"),
                format!("A community gallery needs a {label} ({field}): it is shown to every Azure user."),
            ));
        }
    }
    if let Some(prefix) = info.public_name_prefix.as_deref().filter(|p| !p.is_empty()) {
        let ok =
            (5..=16).contains(&prefix.len()) && prefix.bytes().all(|b| b.is_ascii_alphanumeric());
        if !ok {
            out.push(Diagnostic::new(
                Code::CommunityGalleryInfoInvalid,
                rid,
                format!("{base}.publicNamePrefix"),
                format!("The community gallery prefix '{prefix}' must be 5 to 16 letters or digits: it starts the gallery's public name (prefix-GUID)."),
            ));
        }
    }
    if let Some(contact) = info
        .publisher_contact
        .as_deref()
        .filter(|c| !c.trim().is_empty())
    {
        if !contact.contains('@') {
            out.push(Diagnostic::new(
                Code::CommunityGalleryInfoInvalid,
                rid,
                format!("{base}.publisherContact"),
                format!("The publisher email '{contact}' is not an email address: community users write to it for support."),
            ));
        }
    }
    out
}

/// What keeps a gallery's content from being shared with `permission` (Groups or Community):
/// encrypted versions, definitions of a private-only security type, definitions or versions in
/// another region than the gallery's. Empty for Private.
pub fn content_problems(
    world: &World,
    gallery: &GalleryEntry,
    permission: Permission,
    rid: &str,
) -> Vec<Diagnostic> {
    if permission == Permission::Private {
        return Vec::new();
    }
    let mut out = Vec::new();
    for image in world.images_of(&gallery.id) {
        let features = image
            .resource
            .properties
            .as_ref()
            .and_then(|p| p.features.as_ref());
        if let Some(d) = definition_problem(
            crate::rules::security_type(features),
            image.location,
            gallery,
            permission,
            &image.id.to_string(),
        ) {
            out.push(d);
        }
        for version in world.versions_of(&image.id) {
            let vid = version.id.to_string();
            let publishing = version
                .resource()
                .properties
                .as_ref()
                .and_then(|p| p.publishing_profile.as_ref());
            if let Some(d) =
                version_problem(publishing, version.location, gallery, permission, &vid)
            {
                out.push(d);
            }
        }
    }
    // The refusal is about the gallery; each finding names the resource in its message.
    for d in &mut out {
        d.resource_id = rid.to_string();
    }
    out
}

fn method(permission: Permission) -> &'static str {
    match permission {
        Permission::Community => "a community gallery",
        _ => "a directly shared gallery",
    }
}

/// "Image resources need to be created in the same region as the gallery."
fn elsewhere(
    location: crate::regions::RegionName,
    gallery: &GalleryEntry,
    permission: Permission,
    rid: &str,
) -> Option<Diagnostic> {
    (location != gallery.location).then(|| {
        Diagnostic::new(
            Code::SharedGalleryContentInvalid,
            rid,
            "location",
            format!(
                "'{rid}' is in {}, the gallery in {}: the definitions and versions of {} are created in the gallery's region.",
                location.display_name(),
                gallery.location.display_name(),
                method(permission)
            ),
        )
    })
}

/// Why a definition of `security` in `location` can't be in `gallery` shared with `permission`.
pub fn definition_problem(
    security: Option<SecurityType>,
    location: crate::regions::RegionName,
    gallery: &GalleryEntry,
    permission: Permission,
    rid: &str,
) -> Option<Diagnostic> {
    if permission == Permission::Private {
        return None;
    }
    if let Some(s @ (SecurityType::TrustedLaunch | SecurityType::ConfidentialVm)) = security {
        return Some(Diagnostic::new(
            Code::SharedGalleryContentInvalid,
            rid,
            "properties.features",
            format!(
                "The image definition '{rid}' has SecurityType {}, which can only be in a private gallery, not in {} (use {}Supported to share it).",
                s.as_str(),
                method(permission),
                s.as_str()
            ),
        ));
    }
    elsewhere(location, gallery, permission, rid)
}

/// Why a version (its publishing profile, in `location`) can't be in `gallery` shared with
/// `permission`.
pub fn version_problem(
    publishing: Option<&arm::PublishingProfile>,
    location: crate::regions::RegionName,
    gallery: &GalleryEntry,
    permission: Permission,
    rid: &str,
) -> Option<Diagnostic> {
    if permission == Permission::Private {
        return None;
    }
    let encrypted = publishing
        .and_then(|p| p.target_regions.as_ref())
        .into_iter()
        .flatten()
        .position(|t| t.encryption.is_some());
    if let Some(i) = encrypted {
        return Some(Diagnostic::new(
            Code::SharedGalleryContentInvalid,
            rid,
            format!("properties.publishingProfile.targetRegions[{i}].encryption"),
            format!(
                "The image version '{rid}' is encrypted with a disk encryption set: {} can't hold encrypted image versions.",
                method(permission)
            ),
        ));
    }
    elsewhere(location, gallery, permission, rid)
}

/// Checks the subscriptions and tenants a gallery would be shared with after an `Add`.
pub fn check_share_limits(groups: &[arm::SharingProfileGroup], rid: &str) -> Vec<Diagnostic> {
    let count = |ty: &str| {
        groups
            .iter()
            .filter(|g| {
                g.group_type
                    .as_deref()
                    .is_some_and(|t| t.eq_ignore_ascii_case(ty))
            })
            .flat_map(|g| g.ids.iter().flatten())
            .count()
    };
    let mut out = Vec::new();
    for (ty, max, what) in [
        (SUBSCRIPTIONS, MAX_SHARED_SUBSCRIPTIONS, "subscriptions"),
        (TENANTS, MAX_SHARED_TENANTS, "tenants"),
    ] {
        let n = count(ty);
        if n > max {
            out.push(Diagnostic::new(
                Code::SharingGroupsInvalid,
                rid,
                "groups",
                format!("A gallery can be shared directly with at most {MAX_SHARED_SUBSCRIPTIONS} subscriptions and {MAX_SHARED_TENANTS} tenants; this would share it with {n} {what}."),
            ));
        }
    }
    out
}

/// Checks a share action's body (REST `SharingUpdate`) on its own: a known `operationType`; for
/// Add and Remove at least one id ("At least one of subscription ids or tenant ids must be
/// provided.", as az says); group types Subscriptions or AADTenants; GUID-shaped ids.
pub fn check_sharing_update(update: &arm::SharingUpdate, rid: &str) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let op = update.operation_type.as_deref().unwrap_or_default();
    let known = ["Add", "Remove", "Reset", "EnableCommunity"];
    if op.is_empty() {
        out.push(Diagnostic::new(
            Code::RequiredPropertyMissing,
            rid,
            "operationType",
            "A share action needs its operationType: Add, Remove, Reset or EnableCommunity.",
        ));
    } else if !known.iter().any(|k| k.eq_ignore_ascii_case(op)) {
        out.push(Diagnostic::new(
            Code::PropertyValueInvalid,
            rid,
            "operationType",
            format!(
                "The share operation '{op}' is not one of Add, Remove, Reset, EnableCommunity."
            ),
        ));
    }
    let groups = update.groups.as_deref().unwrap_or_default();
    let bad = |path: String, message: String| {
        Diagnostic::new(Code::SharingGroupsInvalid, rid, path, message)
    };
    let lists = op.eq_ignore_ascii_case("add") || op.eq_ignore_ascii_case("remove");
    if lists && groups.iter().flat_map(|g| g.ids.iter().flatten()).count() == 0 {
        out.push(bad(
            "groups".into(),
            "At least one of subscription ids or tenant ids must be provided.".into(),
        ));
    }
    for (i, g) in groups.iter().enumerate() {
        let ty = g.group_type.as_deref().unwrap_or_default();
        if ![SUBSCRIPTIONS, TENANTS]
            .iter()
            .any(|t| t.eq_ignore_ascii_case(ty))
        {
            out.push(bad(
                format!("groups[{i}].type"),
                format!("The group type '{ty}' is not one of Subscriptions, AADTenants."),
            ));
        }
        for (j, id) in g.ids.iter().flatten().enumerate() {
            if !is_guid(id) {
                out.push(bad(
                    format!("groups[{i}].ids[{j}]"),
                    format!("'{id}' is not a subscription or tenant id (a GUID such as 34a4ab42-0d72-47d9-bd1a-aed207386dac)."),
                ));
            }
        }
    }
    out
}

fn is_guid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 5
        && parts
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(p, n)| p.len() == n && p.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Which kind of consumer reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SharedKind {
    /// `/SharedGalleries/{uniqueName}/…` (`sharedGalleryImageId`).
    Direct,
    /// `/CommunityGalleries/{publicName}/…` (`communityGalleryImageId`).
    Community,
}

/// A consumer's image reference to a shared or community gallery image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedImageRef {
    /// Direct or community.
    pub kind: SharedKind,
    /// The gallery's unique name (direct) or public name (community).
    pub gallery: String,
    /// The image definition's name.
    pub image: String,
    /// The version, or `None` for `latest`.
    pub version: Option<String>,
}

impl SharedImageRef {
    /// Reads `/SharedGalleries/{g}/Images/{i}/Versions/{v|latest}` or the `/CommunityGalleries/…`
    /// form, segment names case-insensitively (Azure's own samples mix cases).
    pub fn parse(text: &str) -> Option<SharedImageRef> {
        let parts: Vec<&str> = text.trim().trim_matches('/').split('/').collect();
        let kind = match parts.first()? {
            p if p.eq_ignore_ascii_case("SharedGalleries") => SharedKind::Direct,
            p if p.eq_ignore_ascii_case("CommunityGalleries") => SharedKind::Community,
            _ => return None,
        };
        let named = |i: usize, key: &str| {
            parts
                .get(i)
                .filter(|k| k.eq_ignore_ascii_case(key))
                .and(parts.get(i + 1))
                .filter(|v| !v.is_empty())
                .map(|v| v.to_string())
        };
        let gallery = parts.get(1).filter(|g| !g.is_empty())?.to_string();
        let image = named(2, "Images")?;
        let version = match parts.len() {
            4 => None,
            6 => Some(named(4, "Versions")?).filter(|v| !v.eq_ignore_ascii_case("latest")),
            _ => return None,
        };
        Some(SharedImageRef {
            kind,
            gallery,
            image,
            version,
        })
    }
    /// The gallery that publishes it, if one does in `world` (and is still shared that way).
    pub fn gallery<'w>(&self, world: &'w World) -> Option<&'w GalleryEntry> {
        world.galleries().find(|g| match self.kind {
            SharedKind::Direct => {
                permission_of(&g.resource) == Permission::Groups
                    && unique_name(g).eq_ignore_ascii_case(&self.gallery)
            }
            SharedKind::Community => {
                community_enabled(&g.resource)
                    && community_info(&g.resource)
                        .and_then(|c| c.public_names.as_ref())
                        .is_some_and(|n| n.iter().any(|n| n.eq_ignore_ascii_case(&self.gallery)))
            }
        })
    }
}

/// The consumer's reference to a definition (`version` `None` = latest) of a shared gallery.
pub fn shared_image_id(
    kind: SharedKind,
    gallery: &str,
    image: &str,
    version: Option<&str>,
) -> String {
    let root = match kind {
        SharedKind::Direct => "SharedGalleries",
        SharedKind::Community => "CommunityGalleries",
    };
    format!(
        "/{root}/{gallery}/Images/{image}/Versions/{}",
        version.unwrap_or("latest")
    )
}

/// One image a consumer can deploy from a shared gallery: what "Shared with me" and the deploy
/// planner list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedImage {
    /// Direct or community.
    pub kind: SharedKind,
    /// The consumer's reference (`/SharedGalleries/…` or `/CommunityGalleries/…`).
    pub reference: String,
    /// The gallery's unique name (direct) or public name (community).
    pub gallery: String,
    /// The definition's name.
    pub image: String,
    /// The version, `None` for latest.
    pub version: Option<String>,
    /// The publisher's gallery (its ARM id), which the consumer does not need to see.
    pub publisher_gallery: String,
}

/// The images a consumer deploying into `subscription` may use: every definition (its latest)
/// and version of the galleries shared directly with the subscription or its tenant, and the
/// latest of every community gallery image ("Only the latest version of an image is listed in
/// the community gallery").
pub fn shared_images(world: &World, subscription: &str) -> Vec<SharedImage> {
    let mut out = Vec::new();
    for g in world.galleries() {
        let (kind, name) = if shared_with_subscription(world, &g.resource, subscription) {
            (SharedKind::Direct, unique_name(g))
        } else if community_enabled(&g.resource) {
            let Some(public) = community_info(&g.resource)
                .and_then(|c| c.public_names.as_ref())
                .and_then(|n| n.first())
            else {
                continue;
            };
            (SharedKind::Community, public.clone())
        } else {
            continue;
        };
        for image in world.images_of(&g.id) {
            let item = |version: Option<String>| SharedImage {
                kind,
                reference: shared_image_id(kind, &name, image.name.as_str(), version.as_deref()),
                gallery: name.clone(),
                image: image.name.to_string(),
                version,
                publisher_gallery: g.id.to_string(),
            };
            out.push(item(None));
            if kind == SharedKind::Direct {
                for v in world.versions_of(&image.id) {
                    out.push(item(Some(v.name.to_string())));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consumer_references_are_read_in_either_case_with_latest_as_none() {
        type Read<'a> = Option<(SharedKind, &'a str, &'a str, Option<&'a str>)>;
        let cases: Vec<(&str, Read)> = vec![
            (
                "/SharedGalleries/sub-GAL/Images/ubuntu/Versions/1.0.0",
                Some((SharedKind::Direct, "sub-GAL", "ubuntu", Some("1.0.0"))),
            ),
            (
                "/sharedGalleries/sub-gal/images/ubuntu/versions/latest",
                Some((SharedKind::Direct, "sub-gal", "ubuntu", None)),
            ),
            (
                "/CommunityGalleries/Contoso-1a2b/Images/ubuntu",
                Some((SharedKind::Community, "Contoso-1a2b", "ubuntu", None)),
            ),
            ("/SharedGalleries/g/Images/ubuntu/Versions", None),
            ("/SharedGalleries//Images/ubuntu", None),
            ("/subscriptions/s/resourceGroups/r", None),
            ("/SharedGalleries/g/Definitions/ubuntu", None),
        ];
        for (text, want) in cases {
            let got = SharedImageRef::parse(text).map(|r| (r.kind, r.gallery, r.image, r.version));
            let want =
                want.map(|(k, g, i, v)| (k, g.to_string(), i.to_string(), v.map(str::to_string)));
            assert_eq!(got, want, "{text}");
        }
    }

    #[test]
    fn the_prefix_is_five_to_sixteen_letters_or_digits_and_every_field_is_needed() {
        let info = |prefix: &str, contact: &str| arm::CommunityGalleryInfo {
            publisher_uri: Some("https://contoso.com".into()),
            publisher_contact: Some(contact.into()),
            eula: Some("https://contoso.com/eula".into()),
            public_name_prefix: Some(prefix.into()),
            ..Default::default()
        };
        let paths = |i: Option<&arm::CommunityGalleryInfo>| {
            check_community_info(i, "g")
                .into_iter()
                .map(|d| d.path.rsplit('.').next().unwrap_or_default().to_string())
                .collect::<Vec<_>>()
        };
        assert!(paths(Some(&info("Contoso", "images@contoso.com"))).is_empty());
        assert!(paths(Some(&info("Conto", "a@b"))).is_empty());
        assert_eq!(paths(Some(&info("Cont", "a@b"))), ["publicNamePrefix"]);
        assert_eq!(
            paths(Some(&info("ContosoImagesLtd1", "a@b"))),
            ["publicNamePrefix"]
        );
        assert_eq!(paths(Some(&info("Contoso-1", "a@b"))), ["publicNamePrefix"]);
        assert_eq!(
            paths(Some(&info("Contoso", "support"))),
            ["publisherContact"]
        );
        assert_eq!(paths(Some(&info("", "a@b"))), ["publicNamePrefix"]);
        assert_eq!(paths(None), ["communityGalleryInfo"]);
    }

    #[test]
    fn at_most_thirty_subscriptions_and_five_tenants() {
        let group = |ty: &str, n: usize| arm::SharingProfileGroup {
            group_type: Some(ty.into()),
            ids: Some(
                (0..n)
                    .map(|i| format!("{i:08}-0000-0000-0000-000000000000"))
                    .collect(),
            ),
            extra: Default::default(),
        };
        assert!(check_share_limits(&[group(SUBSCRIPTIONS, 30), group(TENANTS, 5)], "g").is_empty());
        assert_eq!(
            check_share_limits(&[group(SUBSCRIPTIONS, 31)], "g").len(),
            1
        );
        assert_eq!(check_share_limits(&[group("aadtenants", 6)], "g").len(), 1);
    }

    #[test]
    fn public_names_are_the_prefix_and_a_stable_guid() {
        let a = public_name("Contoso", "sub-GALLERY");
        assert!(a.starts_with("Contoso-"));
        assert_eq!(a.len(), "Contoso-".len() + 36);
        assert_eq!(a, public_name("Contoso", "sub-GALLERY"));
        assert_ne!(a, public_name("Contoso", "sub-OTHER"));
    }
}
