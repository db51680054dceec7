//! "Show soft deleted versions" on a definition's Versions page, as the
//! portal offers it when the gallery has soft delete on: the versions kept
//! after their delete, when each is purged, and "Undelete" / "Delete
//! permanently". What is kept, for how long, and every action's verdict are
//! the core's (`sig_core::soft_delete`, `RestoreVersion`,
//! `PurgeSoftDeletedVersion`); the list follows the simulation clock.

use leptos::prelude::*;
use sig_core::ids::{GalleryResourceId, ImageRef};
use sig_core::Command;

use crate::clock::stamp;
use crate::components::{run_command_keeping, AlertList, CheckField, EngineWaiting, GuardedButton};
use crate::store::Store;

/// One kept version as listed.
#[derive(Clone, Debug, PartialEq)]
struct Kept {
    id: String,
    name: String,
    deleted: String,
    purged: String,
}

/// The soft-deleted versions of definition `image` (its id).
#[component]
pub fn SoftDeletedVersions(image: String) -> impl IntoView {
    let store = expect_context::<Store>();
    let image_ref: Option<ImageRef> = match GalleryResourceId::parse(&image) {
        Some(GalleryResourceId::Image(i)) => Some(i),
        _ => None,
    };
    let gallery_on = Memo::new({
        let image_ref = image_ref.clone();
        move |_| {
            store.world.with(|w| {
                image_ref
                    .as_ref()
                    .and_then(|i| w.gallery(&i.gallery.to_string()))
                    .is_some_and(|g| sig_core::soft_delete::enabled(&g.resource))
            })
        }
    });
    let kept = Memo::new(move |_| {
        let at = store.sim.now();
        store.world.with(|w| {
            w.soft_deleted_at(image_ref.as_ref(), at)
                .map(|s| Kept {
                    id: s.entry.id.to_string(),
                    name: s.entry.name.to_string(),
                    deleted: stamp(s.deleted_at),
                    purged: stamp(s.purged_at()),
                })
                .collect::<Vec<_>>()
        })
    });
    let show = RwSignal::new(false);
    let problems = RwSignal::new(Vec::<String>::new());
    let run = move |command: Command| {
        run_command_keeping(store, problems, command, sig_core::Diagnostic::is_error);
    };
    let waiting = store.engine_denied();
    let shown = move || gallery_on.get() || kept.with(|k| !k.is_empty());
    view! {
        <Show when=shown>
            <section class="soft-deleted" aria-label="Soft deleted versions">
                <CheckField label="Show soft deleted versions" checked=show/>
                <Show when=move || show.get()>
                    <AlertList messages=problems/>
                    <EngineWaiting/>
                    {move || kept.with(|list| if list.is_empty() {
                        view! { <p class="field-help">"No soft deleted versions: a version deleted while the gallery's soft delete is on is kept here for 7 days."</p> }.into_any()
                    } else {
                        view! {
                            <table class="grid" aria-label="Soft deleted versions">
                                <thead><tr>
                                    <th scope="col">"Version"</th><th scope="col">"Deleted on"</th>
                                    <th scope="col">"Permanently deleted on"</th><th scope="col">"Actions"</th>
                                </tr></thead>
                                <tbody>
                                    {list.iter().map(|k| {
                                        let (restore_id, purge_id) = (k.id.clone(), k.id.clone());
                                        view! {
                                            <tr>
                                                <td>{k.name.clone()}</td>
                                                <td>{k.deleted.clone()}</td>
                                                <td>{k.purged.clone()}</td>
                                                <td>
                                                    <GuardedButton denied=waiting aria_label=format!("Undelete {}", k.name) show_reason=false
                                                        on_click=Callback::new(move |()| run(Command::RestoreVersion { id: restore_id.clone() }))>"Undelete"</GuardedButton>
                                                    " "
                                                    <GuardedButton denied=waiting aria_label=format!("Delete {} permanently", k.name) show_reason=false
                                                        on_click=Callback::new(move |()| run(Command::PurgeSoftDeletedVersion { id: purge_id.clone() }))>"Delete permanently"</GuardedButton>
                                                </td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any()
                    })}
                </Show>
            </section>
        </Show>
    }
}
