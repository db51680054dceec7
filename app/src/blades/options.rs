//! Choices the forms offer, read from the world and the core's catalogues.
//! Subscriptions and resource groups are those the signed-in principal may
//! see (the core's `visibility::Viewer`); the simulator itself sees all.

use leptos::prelude::*;
use sig_core::ids::GalleryResourceId;
use sig_core::regions;
use sig_core::visibility::Viewer;
use sig_core::World;

use crate::components::{first_of, Choice};
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
    subscription: impl Into<Signal<String>>,
) -> Memo<Vec<(String, String)>> {
    let subscription = subscription.into();
    Memo::new(move |_| {
        let viewer = store.viewer();
        store
            .world
            .with(|w| subscription.with(|s| resource_groups(w, &viewer, s)))
    })
}

/// A picker's `(value, text)` choices.
pub type Choices = Memo<Vec<(String, String)>>;

/// A Subscription picker and the Resource group picker that follows it, for
/// the signed-in principal: `(subscriptions, subscription, groups, group)`,
/// each pick starting at its first choice.
pub fn scope_pickers(store: Store) -> (Choices, Choice, Choices, Choice) {
    let subscriptions = subscription_choices(store);
    let subscription = first_of(subscriptions);
    let groups = resource_group_choices(store, subscription);
    let group = first_of(groups);
    (subscriptions, subscription, groups, group)
}

/// The display name of subscription `id`, or the id when the world has no such subscription.
pub fn subscription_name(world: &World, id: &str) -> String {
    world
        .subscription(id)
        .map_or_else(|| id.to_string(), |s| s.display_name.clone())
}

/// The subscription and resource group a gallery resource lives in (blank
/// where its id leaves them out).
pub fn scope_of(id: &GalleryResourceId) -> (String, String) {
    let scope = id.scope();
    (
        scope.subscription.clone().unwrap_or_default(),
        scope.resource_group.clone().unwrap_or_default(),
    )
}

/// The display name of tenant `id`, or the id when the world has no such tenant.
pub fn tenant_name(world: &World, id: &str) -> String {
    world
        .tenants()
        .find(|t| t.id.eq_ignore_ascii_case(id))
        .map_or_else(
            || id.to_string(),
            |t| crate::text::reveal(&t.display_name).into_owned(),
        )
}

/// The tenants the signed-in principal has an object in, as `(id, name)`: what
/// the directory and subscription lists show and where its forms may add things.
pub fn tenant_choices(store: Store) -> Memo<Vec<(String, String)>> {
    Memo::new(move |_| {
        let viewer = store.viewer();
        store.world.with(|w| {
            w.tenants()
                .filter(|t| viewer.sees_tenant(w, &t.id))
                .map(|t| {
                    (
                        t.id.clone(),
                        crate::text::reveal(&t.display_name).into_owned(),
                    )
                })
                .collect::<Vec<_>>()
        })
    })
}

/// `list` after a first, empty choice reading `blank`, for pickers that must
/// not pick anything until the user does.
pub fn with_blank(
    list: Signal<Vec<(String, String)>>,
    blank: &'static str,
) -> Signal<Vec<(String, String)>> {
    Signal::derive(move || {
        std::iter::once((String::new(), blank.to_string()))
            .chain(list.get())
            .collect::<Vec<_>>()
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
