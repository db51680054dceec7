//! A resource group's page, as the portal opens it from a resource's
//! Essentials: a menu (Overview, Activity log, Access control (IAM)),
//! Essentials (subscription, location) and the group's resources, listed
//! as "All resources" lists them (what the signed-in principal may read).

use leptos::prelude::*;

use super::activity::ActivityLog;
use super::browse::GroupResources;
use super::iam::AccessControl;
use super::options;
use super::resource::{pairs, Shown};
use crate::components::{BladeSubtitle, ResourceMenu, Unavailable, UnavailableNotice};
use crate::route::Blade;
use crate::store::Store;

/// What the page's menu opens.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Section {
    Overview,
    ActivityLog,
    AccessControl,
}

impl Section {
    const MENU: [(Section, &'static str); 3] = [
        (Section::Overview, "Overview"),
        (Section::ActivityLog, "Activity log"),
        (Section::AccessControl, "Access control (IAM)"),
    ];
}

/// `(subscription id, name)` of a resource group id.
pub fn parse_group_id(id: &str) -> Option<(String, String)> {
    let parts: Vec<&str> = id.trim_matches('/').split('/').collect();
    match parts.as_slice() {
        [s, sub, rg, name]
            if s.eq_ignore_ascii_case("subscriptions")
                && rg.eq_ignore_ascii_case("resourceGroups") =>
        {
            Some((sub.to_string(), name.to_string()))
        }
        _ => None,
    }
}

/// The page of the resource group `id`.
#[component]
pub fn ResourceGroupPage(id: String, open: Callback<Blade>) -> impl IntoView {
    let store = expect_context::<Store>();
    let subtitle = use_context::<BladeSubtitle>().unwrap_or_default();
    let section = RwSignal::new(Section::Overview);
    let (subscription, name) = parse_group_id(&id).unwrap_or_default();
    let group = {
        let (subscription, name) = (subscription.clone(), name.clone());
        Memo::new(move |_| {
            store
                .world
                .with(|w| w.resource_group(&subscription, &name).cloned())
        })
    };
    let id = StoredValue::new(id);
    // Listed where the Subscriptions blade would list it (the core's rule).
    let visible = Memo::new(move |_| {
        store
            .viewer()
            .sees_resource_group(&store.world.read(), &subscription, &name)
    });
    let choose = Callback::new(move |next: Section| {
        section.set(next);
        let label = Section::MENU
            .iter()
            .find(|(s, _)| *s == next)
            .map(|(_, l)| *l);
        subtitle.0.set(
            label
                .filter(|_| next != Section::Overview)
                .map(str::to_string),
        );
    });
    move || {
        let Some(found) = group.get() else {
            return view! { <UnavailableNotice reason=Unavailable::NotFound(id.get_value())/> }
                .into_any();
        };
        if !visible.get() {
            let reason = Unavailable::NoAccess {
                principal: store.actor.get_untracked().principal,
                what: "this resource group",
            };
            return view! { <UnavailableNotice reason/> }.into_any();
        }
        // Untracked: the page is rebuilt when the group changes, not after every command.
        let subscription_name = store
            .world
            .with_untracked(|w| options::subscription_name(w, &found.subscription_id));
        let left = vec![
            (
                "Subscription",
                Shown::Opens(subscription_name, Blade::Subscriptions),
            ),
            (
                "Subscription ID",
                Shown::Text(found.subscription_id.clone()),
            ),
            (
                "Location",
                Shown::Text(found.location.display_name().to_string()),
            ),
        ];
        let right = vec![("Type", Shown::Text("Resource group".into()))];
        let content = move || match section.get() {
            Section::Overview => view! {
                <section class="essentials" aria-label="Essentials">
                    <h3>"Essentials"</h3>
                    <div class="essentials-columns">
                        <dl class="summary">{pairs(left.clone(), open)}</dl>
                        <dl class="summary">{pairs(right.clone(), open)}</dl>
                    </div>
                </section>
                <section class="children" aria-label="Resources">
                    <h2 class="section-title">"Resources"</h2>
                    <GroupResources group=id.get_value() open/>
                </section>
            }
            .into_any(),
            Section::ActivityLog => view! { <ActivityLog scope=id.get_value()/> }.into_any(),
            Section::AccessControl => {
                view! { <AccessControl scope=id.get_value() open/> }.into_any()
            }
        };
        view! {
            <div class="resource-page">
                <ResourceMenu name=found.name.clone() items=Section::MENU.to_vec() current=section choose/>
                <div class="resource-content">{content}</div>
            </div>
        }
        .into_any()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_group_id_reads_case_insensitively_and_nothing_else_does() {
        assert_eq!(
            parse_group_id("/subscriptions/s1/resourcegroups/rg-images"),
            Some(("s1".into(), "rg-images".into()))
        );
        assert_eq!(parse_group_id("/subscriptions/s1"), None);
        assert_eq!(
            parse_group_id("/subscriptions/s1/resourceGroups/rg/providers/x"),
            None
        );
    }
}
