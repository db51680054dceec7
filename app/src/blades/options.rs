//! Choices the forms offer, read from the world and the core's catalogues.
//! Subscriptions and resource groups are those the signed-in principal may
//! see (the core's `visibility::Viewer`); the simulator itself sees all.

use leptos::prelude::*;
use sig_core::regions;
use sig_core::visibility::Viewer;
use sig_core::World;

use crate::store::Store;

/// Subscriptions `viewer` may see, as `(id, name)`.
pub fn subscriptions(world: &World, viewer: &Viewer) -> Vec<(String, String)> {
    world
        .subscriptions()
        .filter(|s| viewer.sees_subscription(world, &s.id))
        .map(|s| (s.id.clone(), s.display_name.clone()))
        .collect()
}

/// Resource groups of a subscription `viewer` may see, as `(name, name)`.
pub fn resource_groups(
    world: &World,
    viewer: &Viewer,
    subscription: &str,
) -> Vec<(String, String)> {
    world
        .resource_groups()
        .filter(|g| {
            g.subscription_id.eq_ignore_ascii_case(subscription)
                && viewer.sees_resource_group(world, &g.subscription_id, &g.name)
        })
        .map(|g| (g.name.clone(), g.name.clone()))
        .collect()
}

/// A Subscription picker's choices for the signed-in principal; a memo, so
/// the picker is rebuilt only when the list changes, not after every change
/// to the world.
pub fn subscription_choices(store: Store) -> Memo<Vec<(String, String)>> {
    Memo::new(move |_| {
        let viewer = store.viewer();
        store.world.with(|w| subscriptions(w, &viewer))
    })
}

/// A Resource group picker's choices in the chosen `subscription`, for the
/// signed-in principal.
pub fn resource_group_choices(
    store: Store,
    subscription: RwSignal<String>,
) -> Memo<Vec<(String, String)>> {
    Memo::new(move |_| {
        let viewer = store.viewer();
        store
            .world
            .with(|w| subscription.with(|s| resource_groups(w, &viewer, s)))
    })
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
