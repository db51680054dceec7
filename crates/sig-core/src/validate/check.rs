//! Checking: every per-resource and cross-resource rule over a [`ParsedInput`] or a world.

use super::*;

use crate::api_version;
use crate::arm;
use crate::diagnostics::{Code, Diagnostic};
use crate::ids::{
    resource_group_key, GalleryRef, GalleryResourceId, ImageRef, Key, Scope, VersionRef,
};
use crate::kinds::{HyperVGeneration, OsState, OsType};
use crate::limits::{
    MAX_GALLERIES_PER_SUBSCRIPTION_REGION, MAX_IMAGES_PER_SUBSCRIPTION_REGION,
    MAX_VERSIONS_PER_SUBSCRIPTION_REGION,
};
use crate::regions::RegionName;
use crate::rules::{self, ImageFacts, Lookup, RuleCtx, SourceFacts};
use crate::template::is_expression;
use crate::world::World;
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use time::OffsetDateTime;

/// What the input knows about itself, for the per-resource rules. Keys are borrowed from the
/// items; a version's facts as a source are only worked out when a rule asks for them.
#[derive(Default)]
struct InputLookup<'a> {
    galleries: BTreeMap<&'a Key, Option<RegionName>>,
    images: BTreeMap<&'a Key, ImageFacts>,
    sources: BTreeMap<Key, SourceFacts>,
    /// Versions present in the input can be sources of other versions.
    versions: BTreeMap<&'a Key, (&'a VersionRef, &'a arm::GalleryImageVersion)>,
    subscriptions: BTreeMap<Key, bool>,
    resource_groups: BTreeMap<Key, RegionName>,
}

impl InputLookup<'_> {
    fn version_facts(&self, vid: &VersionRef, v: &arm::GalleryImageVersion) -> SourceFacts {
        let location = v.location.as_deref().and_then(RegionName::new);
        rules::version_source_facts(v, location, self.images.get(&vid.image.key()))
    }
}

impl Lookup for InputLookup<'_> {
    fn source(&self, key: &Key) -> Option<SourceFacts> {
        if let Some(s) = self.sources.get(key) {
            return Some(s.clone());
        }
        self.versions
            .get(key)
            .map(|(vid, v)| self.version_facts(vid, v))
    }
    fn image(&self, key: &Key) -> Option<ImageFacts> {
        self.images.get(key).cloned()
    }
    fn gallery_location(&self, key: &Key) -> Option<RegionName> {
        self.galleries.get(key).copied().flatten()
    }
    fn version_region_replicas(&self, version: &Key, region: RegionName) -> Option<u32> {
        let (_, v) = self.versions.get(version)?;
        rules::region_replicas(v, region)
    }
    fn subscription_allow_listed(&self, subscription: &str) -> Option<bool> {
        self.subscriptions.get(&Key::new(subscription)).copied()
    }
    fn resource_group_location(
        &self,
        subscription: &str,
        resource_group: &str,
    ) -> Option<RegionName> {
        self.resource_groups
            .get(&resource_group_key(subscription, resource_group))
            .copied()
    }
}

fn loc(s: Option<&str>) -> Option<RegionName> {
    s.and_then(RegionName::new)
}

fn build_lookup<'a>(input: &ParsedInput, items: &[Item<'a>]) -> InputLookup<'a> {
    let mut l = InputLookup::default();
    for s in &input.sources {
        l.sources
            .entry(rules::source_key(&s.id))
            .or_insert_with(|| crate::world::source_facts(s));
    }
    for s in &input.subscriptions {
        l.subscriptions
            .insert(Key::new(&s.id), s.allow_listed_regions);
    }
    for r in &input.resource_groups {
        l.resource_groups
            .insert(resource_group_key(&r.subscription_id, &r.name), r.location);
    }
    for r in items {
        let Some(key) = r.key else { continue };
        match (r.res, r.id) {
            (ResRef::Gallery(g), _) => {
                l.galleries.entry(key).or_insert(loc(g.location.as_deref()));
            }
            (ResRef::Image(i), _) => {
                let p = i.properties.as_ref();
                l.images.entry(key).or_insert_with(|| ImageFacts {
                    os_type: p.and_then(|p| p.os_type.as_deref()).and_then(OsType::parse),
                    os_state: p
                        .and_then(|p| p.os_state.as_deref())
                        .and_then(OsState::parse),
                    hyper_v_generation: p
                        .and_then(|p| p.hyper_v_generation.as_deref())
                        .and_then(HyperVGeneration::parse)
                        .unwrap_or(HyperVGeneration::V1),
                    location: loc(i.location.as_deref()),
                    security_type: crate::rules::security_type(p.and_then(|p| p.features.as_ref())),
                });
            }
            // A registered source with the same key wins (it is looked up first).
            (ResRef::Version(v), Some(IdRef::Version(vid))) => {
                l.versions.entry(key).or_insert((vid, v));
            }
            _ => {}
        }
    }
    l
}

/// Validates resources on their own (no sources / subscriptions known).
pub fn validate(resources: &[ParsedResource], now: OffsetDateTime) -> Vec<Diagnostic> {
    let input = ParsedInput::default();
    let keys = parsed_keys(resources);
    let items = parsed_items(resources, &keys);
    let lookup = build_lookup(&input, &items);
    run(&items, &lookup, now, Uniqueness::Check)
}

/// Validates a parsed document: reading diagnostics + every rule over what is present.
pub fn validate_input(input: &ParsedInput, now: OffsetDateTime) -> Vec<Diagnostic> {
    let mut out = input.diagnostics.clone();
    let keys = parsed_keys(&input.resources);
    let items = parsed_items(&input.resources, &keys);
    let lookup = build_lookup(input, &items);
    out.extend(run(&items, &lookup, now, Uniqueness::Check));
    out.extend(duplicate_resources(&input.resources, &keys));
    // A state file's own refusal, unless the resource rules already said the same of the same
    // resource (the import stops at its first refusal; the rules report every finding).
    let said: std::collections::HashSet<(Code, String)> = out
        .iter()
        .map(|o| (o.code, o.resource_id.to_ascii_lowercase()))
        .collect();
    for d in &input.admission {
        if !said.contains(&(d.code, d.resource_id.to_ascii_lowercase())) {
            out.push(d.clone());
        }
    }
    out
}

/// The same resource twice in one input — a template that defines it twice, a list that holds it
/// twice — is refused as ARM refuses a template that does. A REST example's request and
/// responses describe one resource, so they are one occurrence; so is a state file's resource
/// (its import reports its own duplicates).
fn duplicate_resources(resources: &[ParsedResource], keys: &[Option<Key>]) -> Vec<Diagnostic> {
    let one_resource = |origin: &str| {
        origin.contains("/responses/")
            || origin.contains("/parameters/")
            || origin.contains("/galleries/")
    };
    let mut first: BTreeMap<&Key, &str> = BTreeMap::new();
    let mut out = Vec::new();
    for (r, key) in resources.iter().zip(keys) {
        let Some(key) = key else { continue };
        if one_resource(&r.origin) {
            continue;
        }
        match first.get(key) {
            None => {
                first.insert(key, &r.origin);
            }
            Some(earlier) => out.push(Diagnostic::new(
                Code::DuplicateResource,
                &r.rid,
                "",
                format!(
                    "The resource '{}' is defined multiple times in one input (also at {earlier}); ARM refuses a template that does.",
                    r.rid
                ),
            )),
        }
    }
    out
}

/// Validates a whole world (as the app would before exporting, or the full-limits benchmark).
///
/// Same rules and same diagnostics, in the same order, as
/// `validate_input(&world_input(world), now)`, but over borrowed resources: nothing is cloned, and
/// the world itself answers the lookups (its facts equal what [`world_input`] would rebuild).
pub fn validate_world(world: &World, now: OffsetDateTime) -> Vec<Diagnostic> {
    let mut items =
        Vec::with_capacity(world.galleries.len() + world.images.len() + world.versions.len());
    // Entries carry their canonical id in `resource.id` (stamped on insert): it is the `rid`.
    fn rid(id: &Option<String>) -> &str {
        id.as_deref().unwrap_or("")
    }
    for (k, g) in &world.galleries {
        items.push(Item {
            id: Some(IdRef::Gallery(&g.id)),
            key: Some(k),
            rid: rid(&g.resource.id),
            api: g.resource.api_version.as_deref(),
            res: ResRef::Gallery(&g.resource),
        });
    }
    for (k, i) in &world.images {
        items.push(Item {
            id: Some(IdRef::Image(&i.id)),
            key: Some(k),
            rid: rid(&i.resource.id),
            api: i.resource.api_version.as_deref(),
            res: ResRef::Image(&i.resource),
        });
    }
    for (k, v) in &world.versions {
        items.push(Item {
            id: Some(IdRef::Version(&v.id)),
            key: Some(k),
            rid: rid(&v.resource().id),
            api: v.resource().api_version.as_deref(),
            res: ResRef::Version(v.resource()),
        });
    }
    // Keys in a world are unique by construction (they are the maps' keys).
    run(&items, world, now, Uniqueness::Known)
}

/// The world as a parsed input (resources in id order, with its sources and subscriptions).
pub fn world_input(world: &World) -> ParsedInput {
    let mut input = ParsedInput {
        sources: world.sources().cloned().collect(),
        subscriptions: world.subscriptions().cloned().collect(),
        resource_groups: world.resource_groups().cloned().collect(),
        ..Default::default()
    };
    let mk = |id: GalleryResourceId, api: Option<String>, resource: AnyResource, origin: String| {
        ParsedResource {
            rid: id.to_string(),
            id: Some(id),
            origin,
            api_version: api,
            resource,
        }
    };
    for (i, g) in world.galleries().enumerate() {
        input.resources.push(mk(
            GalleryResourceId::Gallery(g.id.clone()),
            g.resource.api_version.clone(),
            AnyResource::Gallery(g.resource.clone()),
            format!("/galleries/{i}"),
        ));
    }
    for (i, g) in world.images().enumerate() {
        input.resources.push(mk(
            GalleryResourceId::Image(g.id.clone()),
            g.resource.api_version.clone(),
            AnyResource::Image(g.resource.clone()),
            format!("/images/{i}"),
        ));
    }
    for (i, g) in world.versions().enumerate() {
        input.resources.push(mk(
            GalleryResourceId::Version(g.id.clone()),
            g.resource().api_version.clone(),
            AnyResource::Version(g.resource().clone()),
            format!("/versions/{i}"),
        ));
    }
    input
}

/// A borrowed id of one of the three gallery resources.
#[derive(Clone, Copy)]
enum IdRef<'a> {
    Gallery(&'a GalleryRef),
    Image(&'a ImageRef),
    Version(&'a VersionRef),
}

impl<'a> IdRef<'a> {
    fn scope(self) -> &'a Scope {
        match self {
            IdRef::Gallery(g) => &g.scope,
            IdRef::Image(i) => &i.gallery.scope,
            IdRef::Version(v) => &v.image.gallery.scope,
        }
    }
}

impl<'a> From<&'a GalleryResourceId> for IdRef<'a> {
    fn from(id: &'a GalleryResourceId) -> Self {
        match id {
            GalleryResourceId::Gallery(g) => IdRef::Gallery(g),
            GalleryResourceId::Image(i) => IdRef::Image(i),
            GalleryResourceId::Version(v) => IdRef::Version(v),
        }
    }
}

/// A borrowed resource.
#[derive(Clone, Copy)]
enum ResRef<'a> {
    Gallery(&'a arm::Gallery),
    Image(&'a arm::GalleryImage),
    Version(&'a arm::GalleryImageVersion),
    VirtualMachine {
        uses_gallery_image: bool,
        image: Option<&'a str>,
        has_os_profile: bool,
        scale_set: bool,
        capacity: Option<i64>,
        location: Option<RegionName>,
    },
}

/// One resource to check, borrowed from a parsed input or from a world.
#[derive(Clone, Copy)]
struct Item<'a> {
    id: Option<IdRef<'a>>,
    /// The case-insensitive key of `id` (computed once).
    key: Option<&'a Key>,
    rid: &'a str,
    api: Option<&'a str>,
    res: ResRef<'a>,
}

fn parsed_keys(resources: &[ParsedResource]) -> Vec<Option<Key>> {
    resources
        .iter()
        .map(|r| r.id.as_ref().map(GalleryResourceId::key))
        .collect()
}

fn parsed_items<'a>(resources: &'a [ParsedResource], keys: &'a [Option<Key>]) -> Vec<Item<'a>> {
    resources
        .iter()
        .zip(keys)
        .map(|(r, key)| Item {
            id: r.id.as_ref().map(IdRef::from),
            key: key.as_ref(),
            rid: &r.rid,
            api: r.api_version.as_deref(),
            res: match &r.resource {
                AnyResource::Gallery(g) => ResRef::Gallery(g),
                AnyResource::Image(i) => ResRef::Image(i),
                AnyResource::Version(v) => ResRef::Version(v),
                AnyResource::VirtualMachine {
                    resource_type,
                    uses_gallery_image,
                    image,
                    has_os_profile,
                    scale_set_capacity,
                    location,
                } => ResRef::VirtualMachine {
                    location: location.as_deref().and_then(RegionName::new),
                    uses_gallery_image: *uses_gallery_image,
                    image: image.as_deref(),
                    has_os_profile: *has_os_profile,
                    scale_set: resource_type
                        .eq_ignore_ascii_case("Microsoft.Compute/virtualMachineScaleSets"),
                    capacity: *scale_set_capacity,
                },
            },
        })
        .collect()
}

/// Whether the same id may appear twice (files) or never does (a world's maps).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Uniqueness {
    Check,
    Known,
}

fn run(
    items: &[Item],
    lookup: &dyn Lookup,
    now: OffsetDateTime,
    uniqueness: Uniqueness,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for r in items {
        // A resource that already exists (it has a provisioningState: `az` output, a state)
        // past its end of life is still usable; only a new date must be in the future.
        let exists = match r.res {
            ResRef::Image(i) => i
                .properties
                .as_ref()
                .and_then(|p| p.provisioning_state.as_ref())
                .is_some(),
            ResRef::Version(v) => v
                .properties
                .as_ref()
                .and_then(|p| p.provisioning_state.as_ref())
                .is_some(),
            _ => false,
        };
        let mut ctx = RuleCtx::validate(now, lookup);
        ctx.eol_must_be_future = !exists;
        ctx.eol_passed_warns = exists;
        let api = r.api;
        match r.res {
            ResRef::Gallery(g) => {
                let gid = match r.id {
                    Some(IdRef::Gallery(g)) => Some(g),
                    _ => None,
                };
                out.extend(rules::gallery::check_gallery(g, gid, r.rid, &ctx));
                out.extend(api_version::check_gallery(g, api, r.rid));
            }
            ResRef::Image(i) => {
                let iid = match r.id {
                    Some(IdRef::Image(i)) => Some(i),
                    _ => None,
                };
                out.extend(rules::image::check_image(i, iid, r.rid, &ctx));
                out.extend(api_version::check_image(i, api, r.rid));
            }
            ResRef::Version(v) => {
                let vid = match r.id {
                    Some(IdRef::Version(v)) => Some(v),
                    _ => None,
                };
                out.extend(rules::version::check_version(v, vid, r.rid, &ctx));
                out.extend(api_version::check_version(v, api, r.rid));
            }
            ResRef::VirtualMachine {
                uses_gallery_image,
                image,
                has_os_profile,
                scale_set,
                capacity,
                location,
            } => {
                if uses_gallery_image {
                    out.extend(api_version::check_vm_from_gallery(api, r.rid));
                }
                let deployment = crate::deploy::TemplateDeployment {
                    from_gallery_image: uses_gallery_image,
                    image,
                    has_os_profile,
                    scale_set,
                    capacity,
                    location,
                };
                out.extend(crate::deploy::check_template_deployment(
                    &deployment,
                    lookup,
                    r.rid,
                ));
            }
        }
    }
    out.extend(cross_checks(items, uniqueness));
    out
}

/// Uniqueness and limits over the distinct resources present (the same id seen twice — e.g. the
/// 200 and 201 responses of one PUT — is one resource).
fn cross_checks(items: &[Item], uniqueness: Uniqueness) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut seen: BTreeSet<&Key> = BTreeSet::new();
    let mut gallery_names: BTreeMap<(String, String), &str> = BTreeMap::new();
    let mut identifiers: BTreeMap<(Key, String, String, String), &str> = BTreeMap::new();
    let mut counts: BTreeMap<(Cow<str>, &'static str, u8), usize> = BTreeMap::new();
    for r in items {
        let (Some(id), Some(key)) = (r.id, r.key) else {
            continue;
        };
        if uniqueness == Uniqueness::Check && !seen.insert(key) {
            continue;
        }
        let sub = lower(id.scope().subscription.as_deref().unwrap_or(""));
        let (location, kind) = match r.res {
            ResRef::Gallery(g) => (loc(g.location.as_deref()), 0u8),
            ResRef::Image(i) => (loc(i.location.as_deref()), 1),
            ResRef::Version(v) => (loc(v.location.as_deref()), 2),
            ResRef::VirtualMachine { .. } => (None, 3),
        };
        if let Some(l) = location {
            let c = counts.entry((sub.clone(), l.as_str(), kind)).or_default();
            *c += 1;
            let (max, what) = match kind {
                0 => (MAX_GALLERIES_PER_SUBSCRIPTION_REGION, "galleries"),
                1 => (MAX_IMAGES_PER_SUBSCRIPTION_REGION, "image definitions"),
                _ => (MAX_VERSIONS_PER_SUBSCRIPTION_REGION, "image versions"),
            };
            if kind < 3 && *c == max + 1 {
                let subscription = id.scope().subscription.as_deref().unwrap_or("");
                out.push(rules::common::limit_exceeded(
                    what,
                    max,
                    subscription,
                    l,
                    r.rid,
                ));
            }
        }
        match (r.res, id) {
            (ResRef::Gallery(_), IdRef::Gallery(g)) => {
                let name = g.gallery.to_ascii_lowercase();
                let k = (sub.into_owned(), name);
                match gallery_names.get(&k) {
                    Some(other) => out.push(rules::common::gallery_name_taken(
                        &g.gallery,
                        g.scope.subscription.as_deref().unwrap_or(""),
                        other,
                        r.rid,
                    )),
                    None => {
                        gallery_names.insert(k, r.rid);
                    }
                }
            }
            (ResRef::Image(img), IdRef::Image(i)) => {
                let Some(ident) = img.properties.as_ref().and_then(|p| p.identifier.as_ref())
                else {
                    continue;
                };
                let (Some(p), Some(o), Some(s)) = (
                    ident.publisher.as_deref(),
                    ident.offer.as_deref(),
                    ident.sku.as_deref(),
                ) else {
                    continue;
                };
                if [p, o, s].iter().any(|x| is_expression(x)) {
                    continue;
                }
                let k = (
                    i.gallery.key(),
                    p.to_ascii_lowercase(),
                    o.to_ascii_lowercase(),
                    s.to_ascii_lowercase(),
                );
                match identifiers.get(&k) {
                    Some(other) => out.push(rules::common::identifier_taken(other, p, o, s, r.rid)),
                    None => {
                        identifiers.insert(k, &i.image);
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// ASCII lower case, borrowing when the text already is.
fn lower(s: &str) -> Cow<'_, str> {
    if s.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(s.to_ascii_lowercase())
    } else {
        Cow::Borrowed(s)
    }
}
