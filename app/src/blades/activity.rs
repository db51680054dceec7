//! The Activity log: every command this session with who ran it, when (on
//! the simulation clock) and how it ended — refusals included, with the
//! core's reason — filterable by text, operation, principal and result.
//! It shows only the entries the signed-in principal may see (the core's
//! `Viewer::sees_activities`: its own, and those on what it may read).

use leptos::prelude::*;

use crate::components::{first_of, SelectField, TextField};
use crate::store::{ActivityEntry, Store};

/// The Activity log's filters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActivityFilter {
    /// Text contained in the operation, target, principal or detail.
    pub text: String,
    /// Exact principal, or empty for all.
    pub actor: String,
    /// `Succeeded`, `Failed`, or empty for all.
    pub status: String,
}

/// The entries that pass `filter`, in log order.
pub fn filter_entries<'a>(
    entries: impl IntoIterator<Item = &'a ActivityEntry>,
    filter: &ActivityFilter,
) -> Vec<&'a ActivityEntry> {
    let needle = filter.text.trim().to_lowercase();
    entries
        .into_iter()
        .filter(|e| {
            let status_ok = match filter.status.as_str() {
                "Succeeded" => e.succeeded,
                "Failed" => !e.succeeded,
                _ => true,
            };
            let actor_ok = filter.actor.is_empty() || e.actor.eq_ignore_ascii_case(&filter.actor);
            let text_ok = needle.is_empty()
                || [&e.operation, &e.target, &e.actor, &e.detail]
                    .iter()
                    .any(|f| f.to_lowercase().contains(&needle));
            status_ok && actor_ok && text_ok
        })
        .collect()
}

/// Whether an entry's target is `scope` or lies under it (a resource page's
/// Activity log: the resource, its children and its role assignments).
pub fn under_scope(target: &str, scope: &str) -> bool {
    let target = target.to_lowercase();
    let scope = scope.trim_end_matches('/').to_lowercase();
    target == scope || target.starts_with(&format!("{scope}/"))
}

/// The blade; with `scope`, only the entries on that resource and below it.
#[component]
pub fn ActivityLog(
    /// The resource id whose entries are shown (a resource page's menu item).
    #[prop(optional, into)]
    scope: Option<String>,
) -> impl IntoView {
    let store = expect_context::<Store>();
    let scope = StoredValue::new(scope);
    let text = RwSignal::new(String::new());
    let status = RwSignal::new(String::new());
    // Which entries the signed-in principal may see: decided by the core once
    // per change of the log, the world or the principal — not per keystroke.
    let seen = Memo::new(move |_| {
        let viewer = store.viewer();
        store.world.with(|w| {
            store.activity.with(|log| {
                let flags = viewer
                    .sees_activities(w, log.iter().map(|e| (e.actor.as_str(), e.target.as_str())));
                log.iter()
                    .zip(flags)
                    .filter(|(e, seen)| {
                        *seen
                            && scope.with_value(|s| {
                                s.as_deref().is_none_or(|s| under_scope(&e.target, s))
                            })
                    })
                    .map(|(e, _)| e.id.clone())
                    .collect::<std::collections::HashSet<String>>()
            })
        })
    });
    let actors = Memo::new(move |_| {
        let mut list: Vec<String> = store.activity.with(|log| {
            seen.with(|ids| {
                log.iter()
                    .filter(|e| ids.contains(&e.id))
                    .map(|e| e.actor.clone())
                    .collect()
            })
        });
        list.sort();
        list.dedup();
        std::iter::once((String::new(), "All principals".to_string()))
            .chain(list.into_iter().map(|a| (a.clone(), a)))
            .collect::<Vec<_>>()
    });
    // The chosen initiator, back to "All principals" when it is no longer
    // listed (after a switch of identity), so it never filters out what the
    // select does not show.
    let actor = first_of(actors);
    let statuses = Signal::derive(|| {
        vec![
            (String::new(), "All".to_string()),
            ("Succeeded".to_string(), "Succeeded".to_string()),
            ("Failed".to_string(), "Failed".to_string()),
        ]
    });
    view! {
        <p class="field-help">{if scope.with_value(Option::is_some) {
            "Every operation of this session on this resource, newest first, on the simulation clock."
        } else {
            "Every operation of this session, newest first, on the simulation clock."
        }}</p>
        <div class="field-row">
            <TextField label="Search operations" value=text input_type="search"/>
            <SelectField label="Event initiated by" value=actor options=actors/>
            <SelectField label="Status" value=status options=statuses/>
        </div>
        {move || {
            let filter = ActivityFilter { text: text.get(), actor: actor.get(), status: status.get() };
            store.activity.with(|log| seen.with(|ids| {
                let shown = filter_entries(log.iter().filter(|e| ids.contains(&e.id)), &filter);
                let count = shown.len();
                let rows = shown.into_iter().take(500).map(|e| view! {
                    <tr class:failed=!e.succeeded>
                        <td>{e.operation.clone()}</td>
                        <td>{if e.succeeded { "Succeeded" } else { "Failed" }}</td>
                        <td>{e.at.clone()}</td>
                        <td>{e.actor.clone()}</td>
                        <td><code>{e.target.clone()}</code></td>
                        <td>{e.detail.clone()}</td>
                    </tr>
                }).collect_view();
                view! {
                    <p class="field-help" role="status">{format!("{count} operation(s)")}</p>
                    <crate::components::ScrollRegion label="Activity">
                        <table class="grid" aria-label="Activity">
                            <thead><tr>
                                <th scope="col">"Operation name"</th><th scope="col">"Status"</th><th scope="col">"Time"</th>
                                <th scope="col">"Event initiated by"</th><th scope="col">"Resource"</th><th scope="col">"Details"</th>
                            </tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </crate::components::ScrollRegion>
                }
            }))
        }}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: u64, operation: &str, actor: &str, succeeded: bool) -> ActivityEntry {
        ActivityEntry {
            id: id.to_string(),
            operation: operation.into(),
            target: format!("/subscriptions/s/{operation}"),
            actor: actor.into(),
            at: "2026-01-01 00:00:00 UTC".into(),
            succeeded,
            detail: if succeeded {
                "ok".into()
            } else {
                "does not have authorization".into()
            },
        }
    }

    #[test]
    fn scope_keeps_the_resource_and_what_is_under_it() {
        let g = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/galleries/g";
        assert!(under_scope(g, g));
        assert!(under_scope(&format!("{g}/images/i"), g));
        assert!(under_scope(&g.to_uppercase(), g));
        assert!(!under_scope(&format!("{g}2"), g));
    }

    #[test]
    fn filters_by_text_principal_and_result() {
        let log = vec![
            entry(1, "CreateGallery", "admin@contoso.com", true),
            entry(2, "DeleteGallery", "carol@fabrikam.com", false),
            entry(3, "CreateRoleAssignment", "admin@contoso.com", true),
        ];
        let ids = |f: &ActivityFilter| {
            filter_entries(&log, f)
                .iter()
                .map(|e| e.id.parse::<u64>().unwrap())
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(&ActivityFilter::default()), vec![1, 2, 3]);
        assert_eq!(
            ids(&ActivityFilter {
                status: "Failed".into(),
                ..Default::default()
            }),
            vec![2]
        );
        assert_eq!(
            ids(&ActivityFilter {
                actor: "ADMIN@contoso.com".into(),
                ..Default::default()
            }),
            vec![1, 3]
        );
        assert_eq!(
            ids(&ActivityFilter {
                text: "authorization".into(),
                ..Default::default()
            }),
            vec![2]
        );
        assert_eq!(
            ids(&ActivityFilter {
                text: "gallery".into(),
                status: "Succeeded".into(),
                ..Default::default()
            }),
            vec![1]
        );
    }
}
