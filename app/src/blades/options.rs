//! Choices the forms offer, read from the world and the core's catalogues.

use sig_core::regions;
use sig_core::World;

/// Subscriptions as `(id, "name (id)")`.
pub fn subscriptions(world: &World) -> Vec<(String, String)> {
    world
        .subscriptions()
        .map(|s| (s.id.clone(), s.display_name.clone()))
        .collect()
}

/// Resource groups of a subscription as `(name, name)`.
pub fn resource_groups(world: &World, subscription: &str) -> Vec<(String, String)> {
    world
        .resource_groups()
        .filter(|g| g.subscription_id.eq_ignore_ascii_case(subscription))
        .map(|g| (g.name.clone(), g.name.clone()))
        .collect()
}

/// The regions galleries, definitions and versions can be created in (the seed's source regions).
pub fn source_regions() -> Vec<(String, String)> {
    let mut all: Vec<(String, String)> = regions::source_regions()
        .map(|r| (r.name.to_string(), r.display_name.to_string()))
        .collect();
    all.sort_by(|a, b| a.1.cmp(&b.1));
    all
}

/// Every region a version can replicate to.
pub fn all_regions() -> Vec<(String, String)> {
    let mut all: Vec<(String, String)> = regions::REGIONS
        .iter()
        .map(|r| (r.name.to_string(), r.display_name.to_string()))
        .collect();
    all.sort_by(|a, b| a.1.cmp(&b.1));
    all
}

/// The display name of a region, or the text as given when unknown.
pub fn region_display(name: &str) -> String {
    regions::lookup(name).map_or_else(|| name.to_string(), |r| r.display_name.to_string())
}

/// `(value, text)` for fixed choices.
pub fn fixed(choices: &[(&str, &str)]) -> Vec<(String, String)> {
    choices
        .iter()
        .map(|(v, t)| (v.to_string(), t.to_string()))
        .collect()
}
