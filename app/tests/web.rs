//! The portal shell and browser storage, in headless Chromium.
//!
//! Each test mounts a fresh portal in its own container and finds things the
//! way a person with a screen reader would: landmarks and controls by role
//! and accessible name.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use sig_portal::{storage, App};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, KeyboardEvent, KeyboardEventInit};

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// Saves `world` as `revision` over `base`, every part written (what a tab's
/// first save does).
fn save_world(
    storage: &sig_portal::persist::BrowserStorage,
    world: &sig_core::World,
    base: u64,
    revision: u64,
) -> Result<sig_portal::persist::Saved, sig_portal::persist::SaveProblem> {
    storage.save(&sig_portal::persist::Save {
        world,
        clock: None,
        notifications: &[],
        base,
        revision,
        parts: &Default::default(),
        touched: &Default::default(),
        ahead: &Default::default(),
        writer: 1,
    })
}

/// What storage holds, read and parsed as the portal does at start-up (these
/// builds do not split, so the reader is always here).
fn load_stored(
    storage: &sig_portal::persist::BrowserStorage,
) -> Result<sig_portal::persist::Loaded, sig_portal::persist::LoadProblem> {
    match storage.read_state()? {
        Some(stored) => {
            sig_portal::persist::parse_stored_now(stored).expect("the reader is linked in")
        }
        None => Err(sig_portal::persist::LoadProblem::Empty),
    }
}

/// Mounts the portal at `hash` in a fresh container and waits until it has opened (a
/// stored state is read in slices behind the opening frame); keep the handle alive.
async fn mount_at(hash: &str) -> (Element, leptos::mount::UnmountHandle<impl Mountable>) {
    web_sys::window()
        .unwrap()
        .location()
        .set_hash(hash)
        .unwrap();
    let container = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&container).unwrap();
    let handle = leptos::mount::mount_to(container.clone().unchecked_into(), App);
    // Opened: the opening frame is gone and the top bar's account (built a task after the
    // frame) is there.
    let opened = |container: &Element| {
        container
            .query_selector("[data-opening]")
            .unwrap()
            .is_none()
            && container.query_selector(".identity").unwrap().is_some()
    };
    for _ in 0..1000 {
        if opened(&container) {
            break;
        }
        storage_failures::sleep(10).await;
    }
    assert!(opened(&container), "the portal did not open within 10 s");
    (container, handle)
}

/// Landmark regions (`<section>` named by `aria-labelledby`), by name.
fn region_names(root: &Element) -> Vec<String> {
    let sections = root.query_selector_all("section[aria-labelledby]").unwrap();
    (0..sections.length())
        .filter_map(|i| sections.item(i))
        .filter_map(|node| node.dyn_into::<Element>().ok())
        .filter_map(|section| {
            let id = section.get_attribute("aria-labelledby")?;
            let heading = section.query_selector(&format!("#{id}")).ok()??;
            heading.text_content()
        })
        .collect()
}

/// A link or button inside `scope` whose accessible name is `name`.
fn control(scope: &Element, name: &str) -> HtmlElement {
    let candidates = scope.query_selector_all("a, button").unwrap();
    (0..candidates.length())
        .filter_map(|i| candidates.item(i))
        .filter_map(|node| node.dyn_into::<HtmlElement>().ok())
        .find(|el| {
            el.get_attribute("aria-label").as_deref() == Some(name)
                || visible_text(el).trim() == name
        })
        .unwrap_or_else(|| panic!("no control named {name:?}"))
}

/// The text a screen reader reads for `el`: its text without what is
/// `aria-hidden` (the menu's short names, icons).
fn visible_text(el: &Element) -> String {
    let copy: Element = el.clone_node_with_deep(true).unwrap().unchecked_into();
    let hidden = copy.query_selector_all("[aria-hidden='true']").unwrap();
    for i in 0..hidden.length() {
        if let Some(node) = hidden.item(i) {
            if let Some(parent) = node.parent_node() {
                parent.remove_child(&node).unwrap();
            }
        }
    }
    copy.text_content().unwrap_or_default()
}

/// The blade (a named region) called `name`.
fn region(root: &Element, name: &str) -> Element {
    let sections = root.query_selector_all("section[aria-labelledby]").unwrap();
    (0..sections.length())
        .filter_map(|i| sections.item(i))
        .filter_map(|node| node.dyn_into::<Element>().ok())
        .find(|section| {
            let id = section.get_attribute("aria-labelledby").unwrap_or_default();
            section
                .query_selector(&format!("#{id}"))
                .ok()
                .flatten()
                .and_then(|h| h.text_content())
                .as_deref()
                == Some(name)
        })
        .unwrap_or_else(|| panic!("no blade named {name:?}"))
}

fn landmark(root: &Element, selector: &str) -> Element {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no landmark {selector}"))
}

/// The control labelled `label` (its `<label for>`) inside `scope`.
fn labelled<T: JsCast>(scope: &Element, label: &str) -> T {
    let labels = scope.query_selector_all("label").unwrap();
    let id = (0..labels.length())
        .filter_map(|i| labels.item(i))
        .filter_map(|n| n.dyn_into::<Element>().ok())
        .find(|l| l.text_content().as_deref() == Some(label))
        .and_then(|l| l.get_attribute("for"))
        .unwrap_or_else(|| panic!("no label {label:?}"));
    document()
        .get_element_by_id(&id)
        .unwrap()
        .dyn_into()
        .unwrap()
}

fn labelled_select(root: &Element, label: &str) -> web_sys::HtmlSelectElement {
    labelled(root, label)
}

/// Picks `value` in `select`, as a user would (it must be offered).
fn change(select: &web_sys::HtmlSelectElement, value: &str) {
    select.set_value(value);
    assert_eq!(select.value(), value, "{value} is offered");
    select
        .dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
}

/// Opens the account panel (the top bar's account button), whose "Signed in as" list the
/// directory's people fill only while it is open.
async fn open_account_panel(root: &Element) {
    let panel = root.query_selector("#account-panel").unwrap().unwrap();
    if panel.has_attribute("hidden") {
        root.query_selector(".account-button")
            .unwrap()
            .unwrap()
            .unchecked_into::<HtmlElement>()
            .click();
        leptos::task::tick().await;
    }
}

#[wasm_bindgen_test]
async fn navigation_opens_and_closes_blades() {
    let (root, _handle) = mount_at("#/home").await;
    leptos::task::tick().await;
    assert_eq!(region_names(&root), ["Home"]);

    let menu = landmark(&root, "nav[aria-label='Portal menu']");
    control(&menu, "Azure compute galleries").click();
    leptos::task::tick().await;
    assert_eq!(region_names(&root), ["Azure compute galleries"]);
    assert_eq!(
        web_sys::window().unwrap().location().hash().unwrap(),
        "#/galleries"
    );

    control(&menu, "Home").click();
    leptos::task::tick().await;
    control(&region(&root, "Home"), "All resources").click();
    leptos::task::tick().await;
    assert_eq!(region_names(&root), ["Home", "All resources"]);

    control(&root, "Close All resources").click();
    leptos::task::tick().await;
    assert_eq!(region_names(&root), ["Home"]);
}

#[wasm_bindgen_test]
async fn escape_closes_the_active_blade() {
    let (root, _handle) = mount_at("#/home/galleries").await;
    leptos::task::tick().await;
    assert_eq!(region_names(&root), ["Home", "Azure compute galleries"]);

    let init = KeyboardEventInit::new();
    init.set_key("Escape");
    init.set_bubbles(true);
    let escape = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    document().dispatch_event(&escape).unwrap();
    leptos::task::tick().await;
    assert_eq!(region_names(&root), ["Home"]);
}

#[wasm_bindgen_test]
async fn breadcrumb_goes_back_to_an_earlier_blade() {
    let (root, _handle) = mount_at("#/home/resources").await;
    leptos::task::tick().await;
    let crumbs = landmark(&root, "nav[aria-label='Breadcrumb']");
    control(&crumbs, "Home").click();
    leptos::task::tick().await;
    assert_eq!(region_names(&root), ["Home"]);
}

#[wasm_bindgen_test]
fn local_storage_round_trips_a_value() {
    let key = "sig-portal-test:round-trip";
    let value = serde_json::json!({"galleries": ["myGallery"], "revision": 3});
    storage::save(key, &value).unwrap();
    assert_eq!(storage::load::<serde_json::Value>(key), Ok(value));
    storage::remove(key);
    assert_eq!(
        storage::load::<serde_json::Value>(key),
        Err(storage::StorageProblem::Missing)
    );
}

#[wasm_bindgen_test]
fn unreadable_storage_is_reported_not_swallowed() {
    let key = "sig-portal-test:corrupt";
    web_sys::window()
        .unwrap()
        .local_storage()
        .unwrap()
        .unwrap()
        .set_item(key, "{not json")
        .unwrap();
    assert!(matches!(
        storage::load::<serde_json::Value>(key),
        Err(storage::StorageProblem::Unreadable(_))
    ));
    storage::remove(key);
}

mod persistence {
    //! Storage edge cases: nothing a user made is ever lost silently.
    use super::*;
    use sig_portal::persist::{
        self, BrowserStorage, LoadProblem, SaveProblem, ASIDE_KEY, REVISION_KEY, STATE_KEY,
    };
    use sig_portal::store::first_run_world;

    fn raw() -> web_sys::Storage {
        web_sys::window().unwrap().local_storage().unwrap().unwrap()
    }

    fn reset() {
        let s = raw();
        for key in [STATE_KEY, REVISION_KEY, ASIDE_KEY] {
            s.remove_item(key).unwrap();
        }
        BrowserStorage::open().discard_state().unwrap();
        sig_portal::tab_lock::release_announcement();
    }

    fn world() -> sig_core::World {
        first_run_world(time::OffsetDateTime::UNIX_EPOCH)
    }

    #[wasm_bindgen_test]
    fn a_saved_world_loads_back_with_its_revision() {
        reset();
        let storage = BrowserStorage::open();
        save_world(&storage, &world(), 0, 1).unwrap();
        let loaded = load_stored(&storage).unwrap();
        assert_eq!(loaded.revision, 1);
        assert_eq!(
            serde_json::to_value(&loaded.world).unwrap(),
            serde_json::to_value(world()).unwrap()
        );
        reset();
    }

    /// The first-run world with `n` galleries.
    fn world_with_galleries(n: usize) -> sig_core::World {
        let now = time::OffsetDateTime::UNIX_EPOCH;
        let mut w = world();
        for g in 0..n {
            let command = sig_core::Command::CreateGallery {
                id: gallery(g),
                resource: serde_json::from_value(serde_json::json!({ "location": "eastus" }))
                    .unwrap(),
            };
            sig_core::apply(&mut w, &sig_core::Actor::system(), command, now).unwrap();
        }
        w.take_touched();
        w
    }

    fn gallery(g: usize) -> String {
        sig_core::command::gallery_id(
            sig_portal::store::defaults::SUBSCRIPTION,
            sig_portal::store::defaults::RESOURCE_GROUP,
            &format!("Gallery{g}"),
        )
    }

    /// Saves `w` as the revision after `base`, whose parts `parts` names, having
    /// changed what `touched` says.
    fn save_over(
        storage: &BrowserStorage,
        w: &sig_core::World,
        base: u64,
        parts: &persist::PartMap,
        touched: &sig_core::parts::Touched,
    ) -> Result<persist::Saved, SaveProblem> {
        storage.save(&persist::Save {
            world: w,
            clock: None,
            notifications: &[],
            base,
            revision: base + 1,
            parts,
            touched,
            ahead: &Default::default(),
            writer: base + 1,
        })
    }

    /// Tags gallery `g` of `w` with `key` = `value`, as the system.
    fn tag(w: &mut sig_core::World, g: usize, key: &str, value: &str) {
        let tagged = sig_core::Command::UpdateGallery {
            id: gallery(g),
            resource: serde_json::from_value(
                serde_json::json!({ "location": "eastus", "tags": { key: value } }),
            )
            .unwrap(),
        };
        let now = time::OffsetDateTime::UNIX_EPOCH;
        sig_core::apply(w, &sig_core::Actor::system(), tagged, now).unwrap();
    }

    /// The keys of every stored part, sorted.
    fn part_keys() -> Vec<String> {
        let mut keys = BrowserStorage::open().part_keys();
        keys.sort();
        keys
    }

    #[wasm_bindgen_test]
    fn a_save_writes_only_the_parts_a_change_touched() {
        reset();
        let storage = BrowserStorage::open();
        let mut w = world_with_galleries(3);
        let first = save_world(&storage, &w, 0, 1).unwrap();
        assert_eq!(
            first.written, 5,
            "three galleries, the access fields and the signed-in user's Owner assignment's bucket"
        );
        tag(&mut w, 1, "team", "images");
        let touched = w.take_touched();
        let second = save_over(&storage, &w, 1, &first.parts, &touched).unwrap();
        assert_eq!(second.written, 1, "only the tagged gallery");
        let replaced: Vec<&String> = first
            .parts
            .galleries
            .values()
            .filter(|k| !second.parts.galleries.values().any(|n| n == *k))
            .collect();
        assert_eq!(replaced.len(), 1);
        let loaded = load_stored(&storage).unwrap();
        assert_eq!(loaded.revision, 2);
        assert_eq!(loaded.parts, second.parts);
        assert_eq!(
            serde_json::to_value(&loaded.world).unwrap(),
            serde_json::to_value(&w).unwrap()
        );
        // The replaced part stays one save (another tab writing without the lock may
        // still name it), then the next save, from whichever tab, removes it.
        assert!(part_keys().contains(replaced[0]));
        save_over(&storage, &w, 2, &second.parts, &Default::default()).unwrap();
        let mut named: Vec<String> = second.parts.galleries.values().cloned().collect();
        named.extend(second.parts.access.clone());
        named.extend(second.parts.assignments.values().cloned());
        named.sort();
        assert_eq!(part_keys(), named, "nothing left but the parts in use");
        reset();
    }

    #[wasm_bindgen_test]
    fn parts_written_ahead_are_named_unless_changed_since() {
        reset();
        let storage = BrowserStorage::open();
        let mut w = world_with_galleries(3);
        let keys: Vec<sig_core::ids::Key> = w.gallery_keys().cloned().collect();
        let mut ahead = persist::PartMap::default();
        let buckets: Vec<u16> = w.assignment_parts().into_keys().collect();
        assert!(
            !buckets.is_empty(),
            "the signed-in user owns the subscription"
        );
        storage
            .write_ahead(&w, (&keys, true, &buckets), (1, 9), &mut ahead)
            .unwrap();
        assert_eq!(ahead.galleries.len(), 3);
        // A change while the save was being written ahead: that gallery is written again.
        tag(&mut w, 1, "late", "change");
        let touched = w.take_touched();
        let saved = storage
            .save(&persist::Save {
                world: &w,
                clock: None,
                notifications: &[],
                base: 0,
                revision: 1,
                parts: &Default::default(),
                touched: &touched,
                ahead: &ahead,
                writer: 10,
            })
            .unwrap();
        assert_eq!(saved.written, 1, "only the gallery changed since");
        assert_eq!(saved.parts.access, ahead.access);
        assert_eq!(saved.parts.assignments, ahead.assignments);
        let loaded = load_stored(&storage).unwrap();
        assert_eq!(
            serde_json::to_value(&loaded.world).unwrap(),
            serde_json::to_value(&w).unwrap(),
            "the late change is saved"
        );
        reset();
    }

    /// An import lands while the save of the world before it is writing that world's parts
    /// ahead (in slices, under the tabs' lock): what is stored in the end is the imported world,
    /// whole, and none of the replaced world's parts stands in for one of its galleries.
    #[wasm_bindgen_test]
    async fn a_world_replaced_while_its_save_writes_ahead_is_stored_whole() {
        use sig_portal::store::Store;
        reset();
        // Mounting sets up the executor the store's tasks run on.
        let container = document().create_element("div").unwrap();
        let _mounted = leptos::mount::mount_to(container.unchecked_into(), || ());
        let owner = Owner::new();
        let store = owner.with(|| Store::start(Err(LoadProblem::Empty)));
        let storage = BrowserStorage::open();
        // Enough galleries that the save writes them ahead, a few slices at a time (each with
        // definitions and versions: the writing of its part takes a while).
        owner.with(|| store.replace_world(sig_core::testing::world_with(100, 3, 3)));
        for _ in 0..5000 {
            if !part_keys().is_empty() || storage.stored_revision() > 0 {
                break;
            }
            crate::storage_failures::sleep(1).await;
        }
        assert!(
            !part_keys().is_empty() && storage.stored_revision() == 0,
            "the first world's parts are being written ahead, its envelope not yet ({} parts, revision {})",
            part_keys().len(),
            storage.stored_revision()
        );
        // The imported world has galleries of the same ids (the first it wrote ahead among
        // them), each tagged: a part of the world before standing in for one would be seen.
        let mut imported = sig_core::testing::world_with(30, 1, 1);
        for g in 0..30 {
            let mut resource = sig_core::testing::gallery_body();
            resource.tags = Some([("world".to_string(), "imported".to_string())].into());
            let tagged = sig_core::Command::UpdateGallery {
                id: sig_core::command::gallery_id(
                    sig_core::testing::SUBSCRIPTION,
                    sig_core::testing::RESOURCE_GROUP,
                    &sig_core::testing::gallery_name(g),
                ),
                resource,
            };
            sig_core::apply(
                &mut imported,
                &sig_core::Actor::system(),
                tagged,
                sig_core::testing::FIXTURE_NOW,
            )
            .unwrap();
        }
        imported.take_touched();
        owner.with(|| store.replace_world(imported));
        let stored_galleries = || {
            load_stored(&BrowserStorage::open())
                .map(|loaded| loaded.world.galleries().count())
                .unwrap_or(0)
        };
        crate::storage_failures::until("the imported world is saved", || stored_galleries() == 30)
            .await;
        // Past any save still queued behind the lock.
        crate::storage_failures::sleep(300).await;
        let loaded = load_stored(&storage).unwrap();
        let in_memory = store
            .world
            .with_untracked(|w| serde_json::to_value(w).unwrap());
        // (Not assert_eq: a failure would print two documents of a hundred galleries.)
        assert!(
            serde_json::to_value(&loaded.world).unwrap() == in_memory,
            "the stored state is the imported world"
        );
        assert!(loaded.world.galleries().all(|g| g
            .resource
            .tags
            .as_ref()
            .and_then(|t| t.get("world"))
            .map(String::as_str)
            == Some("imported")));
        drop(owner);
        reset();
    }

    #[wasm_bindgen_test]
    fn an_envelope_whose_access_part_holds_the_assignments_is_split_by_the_next_save() {
        reset();
        let storage = BrowserStorage::open();
        let w = world_with_galleries(1);
        let first = save_world(&storage, &w, 0, 1).unwrap();
        // What this session's first builds wrote: every assignment in the access part.
        let access_key = first.parts.access.clone().unwrap();
        let whole = serde_json::to_string(&sig_core::access::export::export(&w)).unwrap();
        raw().set_item(&access_key, &whole).unwrap();
        let mut legacy = first.parts.clone();
        legacy.assignments.clear();
        legacy.assignments_apart = false;
        let envelope = raw().get_item(STATE_KEY).unwrap().unwrap();
        let mut envelope: serde_json::Value = serde_json::from_str(&envelope).unwrap();
        envelope["parts"] = serde_json::to_value(&legacy).unwrap();
        raw().set_item(STATE_KEY, &envelope.to_string()).unwrap();
        let loaded = load_stored(&storage).unwrap();
        assert_eq!(loaded.world.to_export_value(), w.to_export_value());
        // The next save writes the access part without them, and every bucket.
        let next = save_over(
            &storage,
            &loaded.world,
            1,
            &loaded.parts,
            &Default::default(),
        )
        .unwrap();
        assert!(next.parts.assignments_apart);
        assert_ne!(next.parts.access, Some(access_key));
        assert!(!next.parts.assignments.is_empty());
        assert_eq!(
            load_stored(&storage).unwrap().world.to_export_value(),
            w.to_export_value(),
            "each assignment read once"
        );
        reset();
    }

    #[wasm_bindgen_test]
    fn parts_another_tab_discarded_are_written_again_not_named() {
        reset();
        let storage = BrowserStorage::open();
        let w = world_with_galleries(2);
        let first = save_world(&storage, &w, 0, 1).unwrap();
        // Another tab set the state aside: its parts are gone, its revision number stays.
        storage.discard_state().unwrap();
        assert_eq!(storage.stored_revision(), 1);
        let again = save_over(&storage, &w, 1, &first.parts, &Default::default()).unwrap();
        let buckets = w.assignment_parts().len();
        assert_eq!(again.written, 2 + 1 + buckets, "every part written again");
        assert_eq!(
            serde_json::to_value(load_stored(&storage).unwrap().world).unwrap(),
            serde_json::to_value(&w).unwrap()
        );
        reset();
    }

    #[wasm_bindgen_test]
    fn a_missing_part_is_unreadable_and_everything_is_set_aside() {
        reset();
        let storage = BrowserStorage::open();
        let saved = save_world(&storage, &world_with_galleries(2), 0, 1).unwrap();
        let lost = saved.parts.galleries.values().next().unwrap().clone();
        raw().remove_item(&lost).unwrap();
        match load_stored(&storage) {
            Err(LoadProblem::Unreadable(why)) => {
                assert!(why.contains("missing") && why.contains(&lost), "{why}")
            }
            other => panic!("a missing part must make the state unreadable, got {other:?}"),
        }
        storage.set_aside().unwrap();
        let aside: serde_json::Value = serde_json::from_str(&storage.aside().unwrap()).unwrap();
        let kept = &aside["sigPortalUnreadableState"];
        assert!(kept["state"]
            .as_str()
            .unwrap()
            .contains("\"envelopeVersion\":2"));
        assert_eq!(
            kept["parts"].as_object().unwrap().len(),
            3,
            "the other gallery, access and the bucket of assignments"
        );
        assert!(part_keys().is_empty());
        assert!(matches!(load_stored(&storage), Err(LoadProblem::Empty)));
        reset();
    }

    /// The portal seals the gallery parts it writes with its engine and a checksum, and reads
    /// a sealed state back without running every create's rules again; a part changed since
    /// (or sealed by another build) is checked by every rule, as an import is.
    #[wasm_bindgen_test]
    fn a_part_changed_since_it_was_sealed_is_checked_by_every_rule_again() {
        reset();
        let storage = BrowserStorage::open();
        let saved = save_world(&storage, &world_with_galleries(2), 0, 1).unwrap();
        assert_eq!(saved.parts.engine.as_deref(), Some(sig_core::ENGINE));
        assert!(
            saved
                .parts
                .galleries
                .values()
                .chain(saved.parts.assignments.values())
                .all(|key| saved.parts.seals.contains_key(key)),
            "every gallery part and bucket of role assignments is sealed"
        );
        assert_eq!(saved.parts.seals.len(), 3, "two galleries and one bucket");
        assert!(load_stored(&storage).is_ok());
        // A gallery part edited outside the portal into one no command would create.
        let key = saved.parts.galleries.values().next().unwrap().clone();
        let mut part: serde_json::Value =
            serde_json::from_str(&raw().get_item(&key).unwrap().unwrap()).unwrap();
        part["node"]["properties"]["sharingProfile"] =
            serde_json::json!({ "permissions": "Everyone" });
        let edited = part.to_string();
        raw().set_item(&key, &edited).unwrap();
        match load_stored(&storage) {
            Err(LoadProblem::Unreadable(why)) => {
                assert!(why.contains("permissions"), "{why}")
            }
            other => panic!("the edited part must meet the rules, got {other:?}"),
        }
        // What decides is the seal: the same text vouched for by this engine is put back as
        // it is; vouched for by another build, it meets the rules again.
        let envelope = |engine: &str| {
            let mut e: serde_json::Value =
                serde_json::from_str(&raw().get_item(STATE_KEY).unwrap().unwrap()).unwrap();
            e["parts"]["seals"][&key] = serde_json::json!(persist::seal(&edited));
            e["parts"]["engine"] = serde_json::json!(engine);
            raw().set_item(STATE_KEY, &e.to_string()).unwrap();
        };
        envelope(sig_core::ENGINE);
        assert!(load_stored(&storage).is_ok(), "sealed by this engine");
        envelope("0.0.0+an-older-build");
        assert!(
            matches!(load_stored(&storage), Err(LoadProblem::Unreadable(_))),
            "sealed by another build"
        );
        reset();
    }

    /// Only the sealed parts are the engine's own: a gallery slipped into the envelope's rest
    /// of the document, beside sealed parts, meets every rule.
    #[wasm_bindgen_test]
    fn a_gallery_outside_the_sealed_parts_meets_the_rules() {
        reset();
        let storage = BrowserStorage::open();
        let saved = save_world(&storage, &world_with_galleries(1), 0, 1).unwrap();
        let key = saved.parts.galleries.values().next().unwrap().clone();
        let part: serde_json::Value =
            serde_json::from_str(&raw().get_item(&key).unwrap().unwrap()).unwrap();
        let mut node = part["node"].clone();
        let id = node["id"].as_str().unwrap().replace("Gallery0", "Extra");
        node["id"] = serde_json::json!(id);
        node["properties"]["sharingProfile"] = serde_json::json!({ "permissions": "Everyone" });
        let mut envelope: serde_json::Value =
            serde_json::from_str(&raw().get_item(STATE_KEY).unwrap().unwrap()).unwrap();
        envelope["world"]["galleries"] = serde_json::json!([node]);
        raw().set_item(STATE_KEY, &envelope.to_string()).unwrap();
        match load_stored(&storage) {
            Err(LoadProblem::Unreadable(why)) => assert!(why.contains("permissions"), "{why}"),
            other => panic!("the slipped-in gallery must meet the rules, got {other:?}"),
        }
        reset();
    }

    #[wasm_bindgen_test]
    fn a_format_1_state_loads_and_its_next_save_writes_every_part() {
        reset();
        let w = world_with_galleries(2);
        let v1 = serde_json::json!({
            "app": "sig-portal", "envelopeVersion": 1, "revision": 4, "world": w.to_export_value()
        });
        raw().set_item(STATE_KEY, &v1.to_string()).unwrap();
        raw().set_item(REVISION_KEY, "4").unwrap();
        let storage = BrowserStorage::open();
        let loaded = load_stored(&storage).unwrap();
        assert_eq!(loaded.revision, 4);
        assert_eq!(loaded.parts, persist::PartMap::default());
        let saved = save_world(&storage, &loaded.world, 4, 5).unwrap();
        assert_eq!(
            saved.written, 4,
            "two galleries, access, one bucket of assignments"
        );
        assert_eq!(
            serde_json::to_value(load_stored(&storage).unwrap().world).unwrap(),
            w.to_export_value()
        );
        reset();
    }

    #[wasm_bindgen_test]
    fn corrupt_json_is_unreadable_and_can_be_set_aside_intact() {
        reset();
        raw()
            .set_item(STATE_KEY, "{\"envelopeVersion\":1,")
            .unwrap();
        let storage = BrowserStorage::open();
        assert!(matches!(
            load_stored(&storage),
            Err(LoadProblem::Unreadable(_))
        ));
        storage.set_aside().unwrap();
        assert_eq!(storage.aside().as_deref(), Some("{\"envelopeVersion\":1,"));
        assert!(matches!(load_stored(&storage), Err(LoadProblem::Empty)));
        reset();
    }

    #[wasm_bindgen_test]
    fn an_old_bare_export_is_migrated_and_a_newer_format_is_refused() {
        let bare = serde_json::to_string(&world()).unwrap();
        let migrated = persist::parse(&bare).expect("format 0 (a bare export) still loads");
        assert_eq!(migrated.revision, 0);
        assert_eq!(migrated.world.subscriptions().count(), 1);

        let newer = format!("{{\"envelopeVersion\":99,\"revision\":5,\"world\":{bare}}}");
        match persist::parse(&newer) {
            Err(LoadProblem::Unreadable(why)) => assert!(why.contains("newer"), "{why}"),
            other => panic!("a newer format must be refused, got {other:?}"),
        }
    }

    #[wasm_bindgen_test]
    fn a_stale_tab_cannot_overwrite_newer_data() {
        reset();
        let storage = BrowserStorage::open();
        save_world(&storage, &world(), 0, 3).unwrap();
        // This tab last saw revision 1: saving would overwrite revision 3.
        assert_eq!(
            save_world(&storage, &world(), 1, 2).map(|_| ()),
            Err(SaveProblem::Stale { stored: 3 })
        );
        assert_eq!(storage.stored_revision(), 3);
        reset();
    }

    #[wasm_bindgen_test]
    fn a_full_storage_refuses_the_save_and_says_so() {
        reset();
        save_world(&BrowserStorage::open(), &world_with_galleries(1), 0, 1).unwrap();
        let before = part_keys();
        let s = raw();
        // Fill localStorage until less than a few kilobytes are left: a save of
        // twenty galleries gets some parts in before it is refused.
        let mut filled = Vec::new();
        let mut size = 1024 * 1024;
        while size >= 2048 {
            let key = format!("sig-portal-test:filler-{}", filled.len());
            if s.set_item(&key, &"x".repeat(size)).is_ok() {
                filled.push(key);
            } else {
                size /= 2;
            }
        }
        let big = world_with_galleries(20);
        let result = save_world(&BrowserStorage::open(), &big, 1, 2);
        let left = part_keys();
        for key in &filled {
            s.remove_item(key).unwrap();
        }
        match result {
            Err(SaveProblem::Refused(why)) => assert!(why.contains("full"), "{why}"),
            other => panic!("expected a refusal when storage is full, got {other:?}"),
        }
        // Revision 1 is still whole, and nothing of the refused save is left.
        assert_eq!(left, before);
        let loaded = load_stored(&BrowserStorage::open()).unwrap();
        assert_eq!(loaded.revision, 1);
        assert_eq!(loaded.world.galleries().count(), 1);
        reset();
    }

    #[wasm_bindgen_test]
    async fn the_portal_tells_the_user_about_unreadable_saved_data() {
        reset();
        raw().set_item(STATE_KEY, "not json at all").unwrap();
        let (root, _handle) = mount_at("#/home").await;
        leptos::task::tick().await;
        let alert = root
            .query_selector(".storage-banner[role=alert]")
            .unwrap()
            .expect("a banner tells the user");
        assert!(alert.text_content().unwrap().contains("could not be read"));
        assert_eq!(
            raw().get_item(ASIDE_KEY).unwrap().as_deref(),
            Some("not json at all"),
            "the unreadable data is kept"
        );
        reset();
    }

    #[wasm_bindgen_test]
    async fn a_saved_state_missing_a_part_is_reported_kept_aside_whole_and_not_written_over() {
        reset();
        let storage = BrowserStorage::open();
        let saved = save_world(&storage, &world_with_galleries(2), 0, 1).unwrap();
        let lost = saved.parts.galleries.values().next().unwrap().clone();
        raw().remove_item(&lost).unwrap();
        let envelope = raw().get_item(STATE_KEY).unwrap().unwrap();
        let (root, _handle) = mount_at("#/home").await;
        leptos::task::tick().await;
        let alert = root
            .query_selector(".storage-banner[role=alert]")
            .unwrap()
            .expect("a banner tells the user");
        let text = alert.text_content().unwrap();
        assert!(
            text.contains("could not be read") && text.contains("missing"),
            "{text}"
        );
        // Everything that was stored is in the aside copy; nothing of it is left to mix with
        // what the portal saves next.
        let aside: serde_json::Value =
            serde_json::from_str(&raw().get_item(ASIDE_KEY).unwrap().unwrap()).unwrap();
        assert_eq!(
            aside["sigPortalUnreadableState"]["state"].as_str(),
            Some(envelope.as_str())
        );
        assert_eq!(
            aside["sigPortalUnreadableState"]["parts"]
                .as_object()
                .unwrap()
                .len(),
            3,
            "the other gallery, access and the bucket of assignments"
        );
        assert!(!part_keys()
            .iter()
            .any(|k| saved.parts.galleries.values().any(|p| p == k)));
        reset();
    }

    #[wasm_bindgen_test]
    async fn parts_read_from_storage_in_slices_are_those_read_at_once_and_one_removed_meanwhile_is_missing(
    ) {
        reset();
        let storage = BrowserStorage::open();
        let w = world_with_galleries(5);
        save_world(&storage, &w, 0, 1).unwrap();
        let at_once = storage.read_state().unwrap().unwrap();
        let head = storage.read_head().unwrap().unwrap();
        // No time per slice: the reading yields to the browser before every part.
        let sliced = storage
            .read_state_in_slices(head.clone(), 0.0)
            .await
            .unwrap();
        assert_eq!(sliced, at_once);
        // Another tab's save removes a part the envelope names while the parts are read: here
        // a task that yields once, as the reading does before it lists the keys, and removes it
        // after they are listed, before the first is read. It is missing, and the state is
        // reported unreadable (which the portal answers by reading it again in one step).
        let gone = part_keys()[0].clone();
        let removed = gone.clone();
        wasm_bindgen_futures::spawn_local(async move {
            sig_portal::tab_lock::yield_to_browser().await;
            storage::local().unwrap().remove_item(&removed).unwrap();
        });
        let sliced = storage.read_state_in_slices(head, 0.0).await.unwrap();
        assert!(!sliced.parts.contains_key(&gone));
        assert_eq!(sliced.parts.len(), at_once.parts.len() - 1);
        match persist::parse_state(sliced) {
            Err(LoadProblem::Unreadable(why)) => assert!(why.contains("missing"), "{why}"),
            other => panic!("not unreadable: {:?}", other.map(|_| ())),
        }
        reset();
    }

    #[wasm_bindgen_test]
    async fn a_state_read_in_slices_reports_its_progress_and_reads_what_reading_at_once_does() {
        reset();
        let storage = BrowserStorage::open();
        let w = world_with_galleries(5);
        save_world(&storage, &w, 0, 1).unwrap();
        let stored = storage.read_state().unwrap().unwrap();
        let at_once = persist::parse_state(stored.clone()).unwrap();
        let seen = std::cell::RefCell::new(Vec::new());
        // No time per slice: every slice is one part, or a few hundred resources.
        let sliced = persist::read_in_steps(stored, 0.0, |at| seen.borrow_mut().push(at))
            .await
            .unwrap();
        assert_eq!(sliced.revision, at_once.revision);
        assert_eq!(sliced.parts, at_once.parts);
        assert_eq!(
            serde_json::to_value(&sliced.world).unwrap(),
            serde_json::to_value(&w).unwrap()
        );
        let seen = seen.into_inner();
        // Every part (the 5 galleries, the access fields, the assignments' buckets) one by
        // one, then the resources.
        let total = 5 + 1 + at_once.parts.assignments.len();
        assert_eq!(at_once.parts.galleries.len(), 5);
        let parts: Vec<_> = seen
            .iter()
            .filter_map(|p| match p {
                persist::OpeningProgress::Parts(done, total) => Some((*done, *total)),
                persist::OpeningProgress::Resources(..) => None,
            })
            .collect();
        assert_eq!(
            parts,
            (0..=total).map(|done| (done, total)).collect::<Vec<_>>()
        );
        // Then the resources (the galleries and the first-run role assignments), counted up.
        let resources: Vec<_> = seen
            .iter()
            .filter_map(|p| match p {
                persist::OpeningProgress::Resources(done, total) => Some((*done, *total)),
                persist::OpeningProgress::Parts(..) => None,
            })
            .collect();
        assert!(!resources.is_empty(), "{seen:?}");
        assert!(
            resources
                .windows(2)
                .all(|w| w[0].0 <= w[1].0 && w[1].0 <= w[1].1),
            "{resources:?}"
        );
        assert!(
            resources.iter().all(|(_, total)| *total >= 5),
            "{resources:?}"
        );
        reset();
    }

    /// A gallery part too large to admit in the task that parses it (one gallery may hold
    /// every version of a subscription-region) is read whole and its resources admitted in
    /// slices, beside parts admitted as they are parsed: the same world comes back.
    #[wasm_bindgen_test]
    async fn a_gallery_too_large_for_one_task_is_admitted_in_slices() {
        reset();
        let storage = BrowserStorage::open();
        // One gallery of 1,600 versions (a part of ~640 KB of JSON), one of 4.
        let mut w = sig_core::testing::world_with(1, 2, 800);
        let small = sig_core::testing::world_with(2, 1, 4);
        let second = small.gallery_keys().nth(1).unwrap().clone();
        let part: sig_core::parts::GalleryPart = serde_json::from_str(
            &serde_json::to_string(&small.gallery_part(&second).unwrap()).unwrap(),
        )
        .unwrap();
        let sizes = |w: &sig_core::World| {
            w.gallery_keys()
                .map(|k| {
                    serde_json::to_string(&w.gallery_part(k).unwrap())
                        .unwrap()
                        .len()
                })
                .collect::<Vec<_>>()
        };
        let mut document = serde_json::to_value(&w).unwrap();
        document["galleries"]
            .as_array_mut()
            .unwrap()
            .push(serde_json::to_value(&part.node).unwrap());
        w = sig_core::World::from_export(serde_json::from_value(document).unwrap()).unwrap();
        let sizes = sizes(&w);
        assert!(sizes.iter().any(|&n| n > 512 * 1024), "{sizes:?}");
        assert!(sizes.iter().any(|&n| n < 512 * 1024), "{sizes:?}");
        save_world(&storage, &w, 0, 1).unwrap();
        let stored = storage.read_state().unwrap().unwrap();
        let seen = std::cell::RefCell::new(Vec::new());
        let sliced = persist::read_in_steps(stored, 0.0, |at| seen.borrow_mut().push(at))
            .await
            .unwrap();
        assert_eq!(
            serde_json::to_value(&sliced.world).unwrap(),
            serde_json::to_value(&w).unwrap()
        );
        // The large part's 1,603 resources are checked after the parts, a definition with its
        // versions at a time (streamed, they would all have been admitted with the parts).
        let checked: Vec<(usize, usize)> = seen
            .borrow()
            .iter()
            .filter_map(|p| match p {
                persist::OpeningProgress::Resources(done, total) => Some((*done, *total)),
                persist::OpeningProgress::Parts(..) => None,
            })
            .collect();
        assert!(checked[0].0 < 800, "{checked:?}");
        assert!(
            checked
                .iter()
                .any(|&(done, _)| checked[0].0 < done && done < 1600),
            "{checked:?}"
        );
        assert!(checked.windows(2).all(|w| w[0].0 <= w[1].0), "{checked:?}");
        reset();
    }

    #[wasm_bindgen_test]
    async fn a_state_a_rule_refuses_is_refused_in_slices_as_at_once() {
        reset();
        // Valid JSON in the stored shape, but a gallery name the core refuses.
        let w = world_with_galleries(1);
        let mut document = serde_json::to_value(&w).unwrap();
        document["galleries"][0]["name"] = serde_json::json!("bad name!");
        document["galleries"][0]["id"] =
            serde_json::json!(gallery(0).replace("Gallery0", "bad name!"));
        let text = serde_json::json!({
            "app": "sig-portal", "envelopeVersion": 1, "revision": 3, "world": document
        })
        .to_string();
        let at_once = persist::parse(&text).unwrap_err();
        let sliced = persist::read_in_steps(persist::StoredState::single(text), 0.0, |_| {})
            .await
            .unwrap_err();
        assert_eq!(sliced, at_once);
        assert!(
            matches!(&sliced, LoadProblem::Unreadable(why) if why.contains("the saved world is invalid")),
            "{sliced:?}"
        );
        reset();
    }
}

mod iam {
    //! The IAM blade's actions follow the signed-in principal: what the core
    //! would refuse is disabled, with the core's reason.
    use super::*;
    use sig_core::protocol::requests::{NewRoleAssignment, NewUser};
    use sig_core::{apply, Actor, Command};
    use sig_portal::persist::{BrowserStorage, ASIDE_KEY, REVISION_KEY, STATE_KEY};
    use sig_portal::route::{Blade, BladeStack};
    use sig_portal::store::{defaults, first_run_world};

    const READER: &str = "reader@contoso.onmicrosoft.com";

    fn reset() {
        let s = web_sys::window().unwrap().local_storage().unwrap().unwrap();
        for key in [STATE_KEY, REVISION_KEY, ASIDE_KEY] {
            s.remove_item(key).unwrap();
        }
        BrowserStorage::open().discard_state().unwrap();
        sig_portal::tab_lock::release_announcement();
    }

    /// The first-run world plus a user who is only a Reader of the subscription.
    fn world_with_reader() -> sig_core::World {
        let now = time::OffsetDateTime::UNIX_EPOCH;
        let mut w = first_run_world(now);
        let system = Actor::system();
        apply(
            &mut w,
            &system,
            Command::CreateUser(NewUser {
                tenant_id: defaults::TENANT.into(),
                user_principal_name: READER.into(),
                display_name: "Read Only".into(),
                id: None,
            }),
            now,
        )
        .unwrap();
        apply(
            &mut w,
            &system,
            Command::CreateRoleAssignment(NewRoleAssignment {
                scope: format!("/subscriptions/{}", defaults::SUBSCRIPTION),
                role_definition_id: "Reader".into(),
                principal_id: READER.into(),
                name: None,
            }),
            now,
        )
        .unwrap();
        w
    }

    #[wasm_bindgen_test]
    async fn a_reader_sees_add_and_remove_disabled_with_the_cores_reason() {
        reset();
        save_world(&BrowserStorage::open(), &world_with_reader(), 0, 1).unwrap();
        let mut stack = BladeStack::default();
        stack.navigate(Blade::AccessControl(format!(
            "/subscriptions/{}",
            defaults::SUBSCRIPTION
        )));
        let (root, _handle) = mount_at(&stack.to_hash()).await;
        leptos::task::tick().await;
        let blade = region(&root, "Access control (IAM)");

        // The subscription's Owner may add and remove assignments.
        let add = control(&blade, "+ Add role assignment");
        assert!(!add.has_attribute("disabled"));
        let remove = control(&blade, "Remove Reader for Read Only");
        assert!(!remove.has_attribute("disabled"));

        // Signed in as the Reader, both are disabled, and say why.
        open_account_panel(&root).await;
        let who = labelled_select(&root, "Signed in as");
        who.set_value(READER);
        who.dispatch_event(&web_sys::Event::new("change").unwrap())
            .unwrap();
        leptos::task::tick().await;
        let add = control(&blade, "+ Add role assignment");
        assert!(add.has_attribute("disabled"));
        let reason = add.get_attribute("title").unwrap_or_default();
        assert!(
            reason.contains(READER)
                && reason.contains("does not have authorization to perform action 'Microsoft.Authorization/roleAssignments/write'"),
            "{reason}"
        );
        let remove = control(&blade, "Remove Reader for Read Only");
        assert!(remove.has_attribute("disabled"));
        assert!(remove
            .get_attribute("title")
            .unwrap_or_default()
            .contains("Microsoft.Authorization/roleAssignments/delete"));
        reset();
    }

    #[wasm_bindgen_test]
    async fn a_directory_of_thousands_lists_a_hundred_accounts_and_a_filter_narrows_them() {
        reset();
        let now = time::OffsetDateTime::UNIX_EPOCH;
        let mut w = first_run_world(now);
        for n in 0..1_500 {
            let user = NewUser {
                tenant_id: defaults::TENANT.into(),
                user_principal_name: format!("user{n}@contoso.onmicrosoft.com"),
                display_name: format!("Load User {n}"),
                id: None,
            };
            apply(&mut w, &Actor::system(), Command::CreateUser(user), now).unwrap();
        }
        save_world(&BrowserStorage::open(), &w, 0, 1).unwrap();
        let (root, _handle) = mount_at("#/home").await;
        leptos::task::tick().await;
        // Closed, the panel lists nobody: the account button names the user directly.
        let who = labelled_select(&root, "Signed in as");
        assert!(who.length() <= 1, "{} options while closed", who.length());
        open_account_panel(&root).await;
        let who = labelled_select(&root, "Signed in as");
        assert_eq!(who.length(), 100, "a hundred accounts at a time");
        let status = root
            .query_selector("#account-panel [role=status]")
            .unwrap()
            .unwrap()
            .text_content()
            .unwrap();
        assert!(
            status.contains("Showing 100 of 1501 matching accounts"),
            "{status}"
        );
        let filter: web_sys::HtmlInputElement = labelled(&root, "Filter accounts");
        filter.set_value("Load User 1234");
        filter
            .dispatch_event(&web_sys::Event::new("input").unwrap())
            .unwrap();
        leptos::task::tick().await;
        let who = labelled_select(&root, "Signed in as");
        let options: Vec<String> = (0..who.length())
            .filter_map(|i| who.item(i))
            .filter_map(|o| o.text_content())
            .collect();
        // The user found, and the one signed in (always listed).
        assert_eq!(options.len(), 2, "{options:?}");
        assert!(
            options
                .iter()
                .any(|o| o.starts_with("Load User 1234 (user1234@")),
            "{options:?}"
        );
        change(&who, "user1234@contoso.onmicrosoft.com");
        leptos::task::tick().await;
        let button = root.query_selector(".account-button").unwrap().unwrap();
        assert!(
            button.text_content().unwrap().contains("Load User 1234"),
            "signed in as the user picked"
        );
        reset();
    }
}

mod visibility {
    //! Every blade shows only what the signed-in principal may see: the
    //! Subscriptions blade, the Activity log, the IAM blade and the gallery
    //! wizard's Subscription picker follow a switch of identity; the principal
    //! pickers of the IAM blade offer the directory of the scope's tenant.
    use super::*;
    use sig_core::testing::example::{
        contoso_fabrikam, CONTOSO, CONTOSO_SUB, FABRIKAM, NORTHWIND, NORTHWIND_SUB,
    };
    use sig_portal::persist::{BrowserStorage, ASIDE_KEY, REVISION_KEY, STATE_KEY};
    use sig_portal::route::{Blade, BladeStack};

    fn reset() {
        let s = web_sys::window().unwrap().local_storage().unwrap().unwrap();
        for key in [STATE_KEY, REVISION_KEY, ASIDE_KEY] {
            s.remove_item(key).unwrap();
        }
        BrowserStorage::open().discard_state().unwrap();
        sig_portal::tab_lock::release_announcement();
    }

    /// Lets signals, memos and effects catch up.
    async fn settle() {
        for _ in 0..3 {
            leptos::task::tick().await;
        }
    }

    fn fill(scope: &Element, label: &str, value: &str) {
        let input: web_sys::HtmlInputElement = labelled(scope, label);
        input.set_value(value);
        input
            .dispatch_event(&web_sys::Event::new("input").unwrap())
            .unwrap();
    }

    /// Signs in to `tenant`'s directory (as its first member user) and then,
    /// when given, as `principal` there.
    async fn sign_in(root: &Element, tenant: &str, principal: Option<&str>) {
        change(&labelled_select(root, "Directory"), tenant);
        settle().await;
        if let Some(principal) = principal {
            open_account_panel(root).await;
            change(&labelled_select(root, "Signed in as"), principal);
            settle().await;
        }
    }

    /// The first cell of every body row of the blade's `index`-th table.
    fn first_column(blade: &Element, index: u32) -> Vec<String> {
        let table = blade
            .query_selector_all("table")
            .unwrap()
            .item(index)
            .unwrap()
            .dyn_into::<Element>()
            .unwrap();
        let cells = table.query_selector_all("tbody tr td:first-child").unwrap();
        (0..cells.length())
            .filter_map(|i| cells.item(i)?.text_content())
            .collect()
    }

    /// (tenants, subscriptions, resource groups) the Subscriptions blade lists.
    fn listed(blade: &Element) -> (Vec<String>, Vec<String>, Vec<String>) {
        (
            first_column(blade, 0),
            first_column(blade, 1),
            first_column(blade, 2),
        )
    }

    /// The texts of `columns` in every body row of the blade's table `label`.
    fn table_rows(
        blade: &Element,
        label: &str,
        columns: [u32; 3],
    ) -> Vec<(String, String, String)> {
        let rows = blade
            .query_selector_all(&format!("table[aria-label='{label}'] tbody tr"))
            .unwrap();
        (0..rows.length())
            .filter_map(|i| rows.item(i)?.dyn_into::<Element>().ok())
            .map(|row| {
                let cells = row.query_selector_all("td").unwrap();
                let cell = |i| cells.item(i).and_then(|c| c.text_content()).unwrap();
                (cell(columns[0]), cell(columns[1]), cell(columns[2]))
            })
            .collect()
    }

    /// (operation, status, initiated by) of every row the Activity log shows.
    fn activity(blade: &Element) -> Vec<(String, String, String)> {
        table_rows(blade, "Activity", [0, 1, 3])
    }

    fn strings(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    /// Mounts the portal over the example state with `first` open and
    /// `second` opened from it.
    async fn mount_example(
        first: Blade,
        second: Blade,
    ) -> (Element, leptos::mount::UnmountHandle<impl Mountable>) {
        reset();
        save_world(&BrowserStorage::open(), &contoso_fabrikam(), 0, 1).unwrap();
        let mut stack = BladeStack::default();
        stack.navigate(first);
        stack.open_from(0, second);
        let mounted = mount_at(&stack.to_hash()).await;
        settle().await;
        mounted
    }

    #[wasm_bindgen_test]
    async fn subscriptions_and_activity_follow_the_signed_in_principal() {
        let (root, _handle) = mount_example(Blade::Subscriptions, Blade::ActivityLog).await;
        let subs = region(&root, "Subscriptions and resource groups");
        let log = region(&root, "Activity log");

        // Contoso's admin sees Contoso only, and adds a resource group there.
        assert_eq!(
            listed(&subs),
            (
                strings(&["Contoso"]),
                strings(&["Contoso Images"]),
                strings(&["rg-images"])
            )
        );
        fill(&subs, "Resource group name", "rg-admin");
        settle().await;
        control(&subs, "Add resource group").click();
        settle().await;
        assert_eq!(listed(&subs).2, strings(&["rg-admin", "rg-images"]));

        // Northwind's admin sees Northwind only, not the admin's change; her
        // own refused attempt to add a tenant with Contoso's id stays hers.
        sign_in(&root, NORTHWIND, None).await;
        assert_eq!(
            listed(&subs),
            (
                strings(&["Northwind Traders"]),
                strings(&["Northwind"]),
                strings(&["rg-vms"])
            )
        );
        assert_eq!(activity(&log), vec![]);
        let erins_refusal = vec![(
            "CreateTenant".to_string(),
            "Failed".to_string(),
            "erin@northwind.example".to_string(),
        )];
        fill(&subs, "Tenant name", "Not Contoso");
        fill(&subs, "Tenant ID", CONTOSO);
        settle().await;
        control(&subs, "Add tenant").click();
        settle().await;
        assert_eq!(activity(&log), erins_refusal);

        // Dave, a Reader of one Fabrikam gallery: Fabrikam's subscription is
        // listed, none of its resource groups, and nobody else's activity.
        sign_in(&root, FABRIKAM, Some("dave@fabrikam.com")).await;
        assert_eq!(
            listed(&subs),
            (
                strings(&["Fabrikam"]),
                strings(&["Fabrikam Production"]),
                vec![]
            )
        );
        assert_eq!(activity(&log), vec![]);
        // The form offers his subscription and says why the core would refuse.
        let add = control(&subs, "Add resource group");
        assert!(add.has_attribute("disabled"));
        let reason = add.get_attribute("title").unwrap_or_default();
        assert!(
            reason.contains("Microsoft.Resources/subscriptions/resourceGroups/write"),
            "{reason}"
        );

        // Back as Contoso's admin: both entries, since Erin's was about
        // Contoso's directory, of which the admin is a member user.
        sign_in(&root, CONTOSO, Some("admin@contoso.onmicrosoft.com")).await;
        let operations: Vec<String> = activity(&log).into_iter().map(|e| e.0).collect();
        assert_eq!(
            operations,
            strings(&["CreateTenant", "CreateResourceGroup"])
        );

        // The admin filters on its own entries; Erin is not offered that
        // initiator, so her log is unfiltered again, as its select says.
        let initiated_by = || labelled_select(&log, "Event initiated by");
        change(&initiated_by(), "admin@contoso.onmicrosoft.com");
        settle().await;
        assert_eq!(activity(&log).len(), 1);
        sign_in(&root, NORTHWIND, None).await;
        assert_eq!(activity(&log), erins_refusal);
        assert_eq!(initiated_by().value(), "", "All principals");
        reset();
    }

    /// (tenant, type, name) of every row the Directory blade lists.
    fn directory(blade: &Element) -> Vec<(String, String, String)> {
        table_rows(blade, "Directory objects", [0, 1, 2])
    }

    #[wasm_bindgen_test]
    async fn a_directory_and_its_changes_are_shown_to_its_member_users_not_its_guests() {
        let (root, _handle) = mount_example(Blade::Directory, Blade::ActivityLog).await;
        let dir = region(&root, "Directory (simulated)");
        let log = region(&root, "Activity log");
        let in_tenant = |tenant: &str| {
            directory(&dir)
                .into_iter()
                .filter(|r| r.0 == tenant)
                .map(|r| (r.1, r.2))
                .collect::<Vec<_>>()
        };

        // Contoso's admin adds a user to Contoso, and sees all of its
        // directory: Carol's guest object among its users and groups.
        fill(&dir, "User principal name", "zoe@contoso.onmicrosoft.com");
        fill(&dir, "Display name", "Zoe");
        settle().await;
        control(&dir, "Create user").click();
        settle().await;
        let contoso = in_tenant("Contoso");
        for row in [
            ("User", "Zoe"),
            ("Guest", "carol"),
            ("Group", "Build Agents"),
        ] {
            let row = (row.0.to_string(), row.1.to_string());
            assert!(contoso.contains(&row), "{row:?} in {contoso:?}");
        }
        assert_eq!(
            activity(&log).into_iter().map(|e| e.0).collect::<Vec<_>>(),
            strings(&["CreateUser"])
        );

        // Carol, Contoso's guest: in Contoso only the fact that she is a
        // guest there, and not its directory's changes; in Fabrikam, where
        // she is a member user, everything.
        sign_in(&root, FABRIKAM, Some("carol@fabrikam.com")).await;
        assert_eq!(
            in_tenant("Contoso"),
            vec![("Guest".to_string(), "carol".to_string())]
        );
        assert!(in_tenant("Fabrikam").contains(&("User".to_string(), "Dave Consumer".to_string())));
        assert_eq!(activity(&log), vec![]);
        reset();
    }

    /// Texts of the elements inside `scope` matching `selector`.
    fn texts(scope: &Element, selector: &str) -> Vec<String> {
        let found = scope.query_selector_all(selector).unwrap();
        (0..found.length())
            .filter_map(|i| found.item(i)?.text_content())
            .map(|t| t.trim().to_string())
            .collect()
    }

    /// What the IAM blade shows: its status lines, its tabs, and whether the
    /// role assignments table is there.
    fn iam_shows(iam: &Element) -> (Vec<String>, Vec<String>, bool) {
        (
            texts(iam, "[role=status]"),
            texts(iam, "[role=tab]"),
            iam.query_selector("table[aria-label='Role assignments']")
                .unwrap()
                .is_some(),
        )
    }

    #[wasm_bindgen_test]
    async fn iam_and_the_gallery_wizard_follow_the_signed_in_principal() {
        reset();
        let world = contoso_fabrikam();
        save_world(&BrowserStorage::open(), &world, 0, 1).unwrap();
        let contoso = format!("/subscriptions/{CONTOSO_SUB}");
        let mut stack = BladeStack::default();
        stack.navigate(Blade::AccessControl(contoso.clone()));
        stack.open_from(0, Blade::CreateGallery);
        stack.open_from(1, Blade::AddRoleAssignment(contoso.clone()));
        let (root, _handle) = mount_at(&stack.to_hash()).await;
        settle().await;
        let iam = region(&root, "Access control (IAM)");
        let wizard = region(&root, "Create Azure compute gallery");
        let add = region(&root, "Add role assignment");
        let offered = || {
            let select = labelled_select(&wizard, "Subscription");
            (texts(&select, "option"), select.value())
        };

        // The Members step searches Contoso's directory, which owns the
        // scope: its users (Carol as its guest, not her Fabrikam account),
        // groups and the service principal of Fabrikam's app there; nobody of
        // another tenant, whom the core would refuse to assign.
        let members = || {
            let found = add.query_selector_all("[role=option]").unwrap();
            (0..found.length())
                .filter_map(|i| found.item(i)?.dyn_into::<Element>().ok())
                .map(|o| {
                    format!(
                        "{} · {}",
                        texts(&o, ".hit-label").concat(),
                        texts(&o, ".hit-detail").concat()
                    )
                })
                .collect::<Vec<_>>()
        };
        // Typing opens the member combobox's suggestions.
        fill(&add, "Member", "");
        settle().await;
        let listed = members();
        assert_eq!(listed.len(), 7, "seven: {listed:?}");
        assert!(
            listed.iter().all(|o| o.ends_with(" · Contoso")),
            "{listed:?}"
        );
        assert!(
            !listed
                .iter()
                .any(|o| o.contains("Dave") || o.contains("erin")),
            "{listed:?}"
        );
        fill(&add, "Member", "carol");
        settle().await;
        let carol = members();
        assert_eq!(carol.len(), 1, "Carol once: {carol:?}");
        assert!(carol[0].contains("· Guest · Contoso"), "{carol:?}");
        // Check access offers the same principals, the signed-in admin first chosen.
        let check = labelled_select(&iam, "Principal");
        assert_eq!(texts(&check, "option")[1..], listed[..]);
        let admin = world
            .access()
            .user_by_upn("admin@contoso.onmicrosoft.com")
            .unwrap();
        assert_eq!(check.value(), admin.object.id());

        // Contoso's Owner reads the subscription's role assignments and may
        // create galleries in the one subscription it sees.
        let (status, tabs, table) = iam_shows(&iam);
        assert!(table, "the role assignments are listed");
        assert_eq!(
            tabs,
            strings(&["Role assignments", "Check access", "Deny assignments"])
        );
        assert!(!status.iter().any(|s| s.contains("You don't have access")));
        assert_eq!(
            offered(),
            (strings(&["Contoso Images"]), CONTOSO_SUB.to_string())
        );

        // Carol holds a role inside Contoso's subscription, so it is offered
        // to her, but she may not read its role assignments: no list, no
        // Check access, and the core's reason.
        sign_in(&root, FABRIKAM, Some("carol@fabrikam.com")).await;
        let (status, tabs, table) = iam_shows(&iam);
        assert!(!table, "no role assignments are listed");
        assert!(tabs.is_empty(), "no Check access: {tabs:?}");
        let denied = status
            .iter()
            .find(|s| s.starts_with("You don't have access"))
            .unwrap_or_else(|| panic!("an access-denied state: {status:?}"));
        assert!(
            denied.contains("carol@fabrikam.com")
                && denied.contains("'Microsoft.Authorization/roleAssignments/read'")
                && denied.contains(&contoso),
            "{denied}"
        );
        assert_eq!(
            offered().0,
            strings(&["Contoso Images", "Fabrikam Production"])
        );

        // Northwind's admin is offered Northwind's subscription only, and the
        // wizard's choice moves to it.
        sign_in(&root, NORTHWIND, None).await;
        assert!(!iam_shows(&iam).2);
        assert_eq!(
            offered(),
            (strings(&["Northwind"]), NORTHWIND_SUB.to_string())
        );

        // Back as Contoso's admin, the list is back.
        sign_in(&root, CONTOSO, Some("admin@contoso.onmicrosoft.com")).await;
        assert!(iam_shows(&iam).2);
        assert_eq!(offered().1, CONTOSO_SUB.to_string());
        reset();
    }
}

mod storage_failures {
    //! When the browser's storage throws, the portal still starts, works in
    //! memory and says what happened; unreadable data is never overwritten.
    use super::*;
    use sig_portal::persist::{ASIDE_KEY, REVISION_KEY, STATE_KEY};
    use sig_portal::route::{Blade, BladeStack};
    use wasm_bindgen::JsValue;

    pub(super) fn raw() -> web_sys::Storage {
        web_sys::window().unwrap().local_storage().unwrap().unwrap()
    }

    pub(super) fn reset() {
        for key in [STATE_KEY, REVISION_KEY, ASIDE_KEY] {
            raw().remove_item(key).unwrap();
        }
        // The stored state is gone: so is the revision this page announced.
        sig_portal::tab_lock::release_announcement();
    }

    /// Runs JavaScript in the page (to make the browser's storage throw).
    fn js(code: &str) {
        js_sys::Function::new_no_args(code)
            .call0(&JsValue::NULL)
            .unwrap();
    }

    /// Undoes an override when dropped, even if the test fails.
    struct Restore(&'static str);

    impl Drop for Restore {
        fn drop(&mut self) {
            js(self.0);
        }
    }

    /// Makes `Storage.prototype[method]` throw a `name` DOMException (for
    /// `setItem`, only for `only_key` when given) until the guard is dropped.
    fn make_throw(method: &'static str, name: &str, only_key: Option<&str>) -> Restore {
        let condition = only_key.map_or("true".to_string(), |k| format!("key === {k:?}"));
        js(&format!(
            "const original = Storage.prototype.{method};
             window.__sigOriginal_{method} = original;
             Storage.prototype.{method} = function (key, ...rest) {{
                 if ({condition}) throw new DOMException('The storage is disabled by policy.', '{name}');
                 return original.call(this, key, ...rest);
             }};"
        ));
        Restore(match method {
            "getItem" => "Storage.prototype.getItem = window.__sigOriginal_getItem;",
            "setItem" => "Storage.prototype.setItem = window.__sigOriginal_setItem;",
            _ => panic!("no restore for {method}"),
        })
    }

    pub(super) async fn settle() {
        for _ in 0..3 {
            leptos::task::tick().await;
        }
    }

    /// Waits `ms` milliseconds (past the store's scheduled save).
    pub(super) async fn sleep(ms: i32) {
        let promise = js_sys::Promise::new(&mut |resolve, _| {
            web_sys::window()
                .unwrap()
                .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
                .unwrap();
        });
        wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
    }

    /// Waits until `condition` holds, checking every 10 ms — for what happens after a
    /// scheduled save, whose moment depends on the machine's load. Up to 10 s, then fails
    /// saying what did not happen.
    pub(super) async fn until(what: &str, condition: impl Fn() -> bool) {
        for _ in 0..1000 {
            if condition() {
                return;
            }
            sleep(10).await;
        }
        panic!("timed out waiting until {what}");
    }

    pub(super) fn fill(scope: &Element, label: &str, value: &str) {
        let input: web_sys::HtmlInputElement = labelled(scope, label);
        input.set_value(value);
        input
            .dispatch_event(&web_sys::Event::new("input").unwrap())
            .unwrap();
    }

    fn banner(root: &Element) -> Element {
        root.query_selector(".storage-banner[role=alert]")
            .unwrap()
            .expect("a banner tells the user")
    }

    pub(super) async fn mount_subscriptions(
    ) -> (Element, leptos::mount::UnmountHandle<impl Mountable>) {
        let mut stack = BladeStack::default();
        stack.navigate(Blade::Subscriptions);
        let mounted = mount_at(&stack.to_hash()).await;
        settle().await;
        mounted
    }

    /// Adds a resource group in the Subscriptions blade and waits past the save.
    async fn add_resource_group(root: &Element, name: &str) {
        let subs = region(root, "Subscriptions and resource groups");
        fill(&subs, "Resource group name", name);
        settle().await;
        control(&subs, "Add resource group").click();
        settle().await;
        sleep(150).await;
        settle().await;
        assert!(
            subs.text_content().unwrap().contains(name),
            "the command worked in memory"
        );
    }

    #[wasm_bindgen_test]
    async fn a_security_error_on_local_storage_leaves_the_portal_working_in_memory() {
        reset();
        js("window.__sigLocalStorage = Object.getOwnPropertyDescriptor(window, 'localStorage');
            Object.defineProperty(window, 'localStorage', { configurable: true,
                get() { throw new DOMException('The operation is insecure.', 'SecurityError'); } });");
        let restore =
            Restore("Object.defineProperty(window, 'localStorage', window.__sigLocalStorage);");
        let (root, _handle) = mount_subscriptions().await;
        let alert = banner(&root);
        let text = alert.text_content().unwrap();
        assert!(text.contains("changes won't survive a reload"), "{text}");
        assert!(text.contains("SecurityError"), "{text}");
        assert_eq!(control(&alert, "Export to file").tag_name(), "BUTTON");
        add_resource_group(&root, "rg-in-memory").await;
        let text = banner(&root).text_content().unwrap();
        assert!(text.contains("changes won't survive a reload"), "{text}");
        drop(restore);
        assert_eq!(raw().get_item(STATE_KEY).unwrap(), None);
    }

    #[wasm_bindgen_test]
    async fn another_tabs_save_does_not_take_a_tab_out_of_memory_mode() {
        reset();
        let restore = make_throw("getItem", "SecurityError", None);
        let (root, _handle) = mount_subscriptions().await;
        add_resource_group(&root, "rg-in-memory").await;
        // Another tab (with working storage) saves; its storage event reaches us.
        raw().set_item(STATE_KEY, "saved by another tab").unwrap();
        raw().set_item(REVISION_KEY, "7").unwrap();
        js("window.dispatchEvent(new StorageEvent('storage', { key: 'sig-portal/revision', newValue: '7' }));");
        settle().await;
        sleep(150).await;
        settle().await;
        let text = banner(&root).text_content().unwrap();
        assert!(text.contains("changes won't survive a reload"), "{text}");
        let shown = region(&root, "Subscriptions and resource groups")
            .text_content()
            .unwrap();
        assert!(
            shown.contains("rg-in-memory"),
            "the in-memory work is kept: {shown}"
        );
        drop(restore);
        assert_eq!(
            raw().get_item(STATE_KEY).unwrap().as_deref(),
            Some("saved by another tab"),
            "nothing is saved over the other tab's data"
        );
        reset();
    }

    #[wasm_bindgen_test]
    async fn a_throwing_get_item_leaves_the_portal_working_in_memory_without_overwriting() {
        reset();
        raw()
            .set_item(STATE_KEY, "saved by an earlier visit")
            .unwrap();
        let restore = make_throw("getItem", "SecurityError", None);
        let (root, _handle) = mount_subscriptions().await;
        let text = banner(&root).text_content().unwrap();
        assert!(text.contains("changes won't survive a reload"), "{text}");
        add_resource_group(&root, "rg-in-memory").await;
        drop(restore);
        assert_eq!(
            raw().get_item(STATE_KEY).unwrap().as_deref(),
            Some("saved by an earlier visit"),
            "what could not be read is not saved over"
        );
        reset();
    }

    #[wasm_bindgen_test]
    async fn a_throwing_set_item_on_save_keeps_the_change_and_says_it_was_not_saved() {
        reset();
        let (root, _handle) = mount_subscriptions().await;
        assert!(root
            .query_selector(".storage-banner[role=alert]")
            .unwrap()
            .is_none());
        let restore = make_throw("setItem", "SecurityError", None);
        add_resource_group(&root, "rg-not-saved").await;
        until("the save was refused", || {
            root.query_selector(".storage-banner[role=alert]")
                .ok()
                .flatten()
                .is_some()
        })
        .await;
        drop(restore);
        let text = banner(&root).text_content().unwrap();
        assert!(
            text.contains("Your latest changes are not saved in this browser"),
            "{text}"
        );
        assert!(
            text.contains("The storage is disabled by policy."),
            "the browser's own words are shown: {text}"
        );
        assert_eq!(raw().get_item(STATE_KEY).unwrap(), None);
        reset();
    }

    #[wasm_bindgen_test]
    async fn unreadable_data_that_cannot_be_set_aside_is_not_saved_over_until_discarded() {
        reset();
        raw().set_item(STATE_KEY, "not json at all").unwrap();
        let restore = make_throw("setItem", "QuotaExceededError", Some(ASIDE_KEY));
        let (root, _handle) = mount_subscriptions().await;
        let alert = banner(&root);
        let text = alert.text_content().unwrap();
        assert!(text.contains("could not be read"), "{text}");
        assert!(text.contains("It was NOT kept aside"), "{text}");
        assert!(text.contains("storage for this page is full"), "{text}");
        assert_eq!(
            control(&alert, "Download the unreadable data").tag_name(),
            "BUTTON"
        );
        add_resource_group(&root, "rg-held").await;
        assert_eq!(
            raw().get_item(STATE_KEY).unwrap().as_deref(),
            Some("not json at all"),
            "nothing is saved over the unreadable data"
        );
        assert_eq!(raw().get_item(ASIDE_KEY).unwrap(), None);

        control(&banner(&root), "Discard it").click();
        settle().await;
        until("saving resumed", || {
            raw()
                .get_item(STATE_KEY)
                .ok()
                .flatten()
                .is_some_and(|s| s.contains("rg-held"))
        })
        .await;
        assert!(root
            .query_selector(".storage-banner[role=alert]")
            .unwrap()
            .is_none());
        let saved = raw().get_item(STATE_KEY).unwrap().unwrap_or_default();
        assert!(saved.contains("rg-held"), "saving resumed: {saved}");
        drop(restore);
        reset();
    }
}

mod two_tabs {
    //! Another tab's save never loses this tab's change: a command is applied
    //! to the newest stored state, and a change not yet saved is replayed onto
    //! a newer save before it is written. The other tab is played by the test
    //! (it writes the stored state directly); the tabs' Web Lock is held by
    //! the test to decide exactly when this tab's save may run.
    use super::storage_failures::{fill, mount_subscriptions, reset, settle, sleep, until};
    use super::*;
    use sig_core::{apply, Actor, Command};
    use sig_portal::persist::BrowserStorage;
    use sig_portal::store::defaults;
    use wasm_bindgen::JsValue;

    async fn js(code: &str) {
        let value = js_sys::Function::new_no_args(code)
            .call0(&JsValue::NULL)
            .unwrap();
        if let Ok(promise) = value.dyn_into::<js_sys::Promise>() {
            wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
        }
    }

    /// Takes the tabs' lock as another tab would, until [`release`].
    async fn hold_the_lock() {
        js(
            "return new Promise((granted) => navigator.locks.request('sig-portal/state',
                () => new Promise((release) => { window.__sigRelease = release; granted(); })));",
        )
        .await;
    }

    async fn release() {
        js("window.__sigRelease();").await;
        sleep(100).await;
        settle().await;
    }

    /// Another tab adds resource group `name` and saves the next revision.
    fn other_tab_adds(name: &str) {
        let storage = BrowserStorage::open();
        let loaded = load_stored(&storage).expect("a saved state");
        let mut world = loaded.world;
        let now = world.clock().unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
        apply(
            &mut world,
            &Actor::system(),
            Command::CreateResourceGroup {
                subscription_id: defaults::SUBSCRIPTION.into(),
                name: name.into(),
                location: "northeurope".into(),
            },
            now,
        )
        .unwrap();
        save_world(&storage, &world, loaded.revision, loaded.revision + 1).unwrap();
    }

    /// The resource groups of the stored state, sorted ("" while nothing is stored).
    fn stored_groups() -> String {
        let Ok(loaded) = load_stored(&BrowserStorage::open()) else {
            return String::new();
        };
        let world = loaded.world;
        let mut names: Vec<String> = world.resource_groups().map(|r| r.name.clone()).collect();
        names.sort();
        names.join(",")
    }

    async fn add_resource_group(root: &Element, name: &str) {
        let subs = region(root, "Subscriptions and resource groups");
        fill(&subs, "Resource group name", name);
        settle().await;
        control(&subs, "Add resource group").click();
        settle().await;
    }

    /// A portal on the Subscriptions blade with one change saved ("rg-first").
    async fn with_one_saved_change() -> (Element, leptos::mount::UnmountHandle<impl Mountable>) {
        reset();
        let mounted = mount_subscriptions().await;
        add_resource_group(&mounted.0, "rg-first").await;
        until("rg-first is saved", || stored_groups().contains("rg-first")).await;
        mounted
    }

    #[wasm_bindgen_test]
    async fn a_command_is_applied_to_what_another_tab_saved_since() {
        let (root, _handle) = with_one_saved_change().await;
        other_tab_adds("rg-other-tab");
        add_resource_group(&root, "rg-second").await;
        until("rg-second is saved", || {
            stored_groups().contains("rg-second")
        })
        .await;
        settle().await;
        assert_eq!(
            stored_groups(),
            "rg-first,rg-images,rg-other-tab,rg-second",
            "both tabs' changes are kept"
        );
        let shown = region(&root, "Subscriptions and resource groups")
            .text_content()
            .unwrap();
        assert!(shown.contains("rg-other-tab"), "{shown}");
        reset();
    }

    #[wasm_bindgen_test]
    async fn a_change_waiting_to_be_saved_is_replayed_onto_a_newer_save() {
        let (root, _handle) = with_one_saved_change().await;
        hold_the_lock().await;
        add_resource_group(&root, "rg-mine").await;
        sleep(100).await; // the save is due, and waits for the lock
        other_tab_adds("rg-theirs");
        release().await;
        until("both changes are saved", || {
            stored_groups() == "rg-first,rg-images,rg-mine,rg-theirs"
        })
        .await;
        assert!(root
            .query_selector(".storage-banner[role=alert]")
            .unwrap()
            .is_none());
        reset();
    }

    #[wasm_bindgen_test]
    async fn a_change_the_other_tabs_save_refuses_is_reported_and_not_forced() {
        let (root, _handle) = with_one_saved_change().await;
        hold_the_lock().await;
        add_resource_group(&root, "rg-clash").await;
        add_resource_group(&root, "rg-fine").await;
        sleep(100).await;
        other_tab_adds("rg-clash");
        release().await;
        until("the change that still applies is saved", || {
            stored_groups() == "rg-clash,rg-fine,rg-first,rg-images"
        })
        .await;
        let text = root
            .query_selector(".storage-banner[role=alert]")
            .unwrap()
            .expect("the user is told")
            .text_content()
            .unwrap();
        assert!(text.contains("Another tab saved changes first"), "{text}");
        assert!(text.contains("CreateResourceGroup rg-clash"), "{text}");
        let stored = load_stored(&BrowserStorage::open()).unwrap().world;
        let clash = stored
            .resource_groups()
            .find(|r| r.name == "rg-clash")
            .unwrap();
        assert_eq!(
            clash.location.as_str(),
            "northeurope",
            "the other tab's resource group is kept"
        );
        reset();
    }
}

/// When the heap grows, the allocator touches a block ahead and keeps it as free space: what
/// comes next is served from memory already faulted in, without growing again.
#[wasm_bindgen_test]
fn the_heap_grows_a_block_ahead_at_a_time() {
    use std::alloc::{GlobalAlloc, Layout, System};
    let heap = sig_portal::heap::TouchingAhead;
    let pages = core::arch::wasm32::memory_size::<0>;
    let megabyte = Layout::from_size_align(1 << 20, 8).unwrap();
    // The filling's unit is small: filled by the megabyte, the growth that ends the filling
    // could leave close to a megabyte free on top of what the heap's top held, and the first
    // megabyte below was then served without growing (a run of the suite failed so). By 64 KB
    // pieces, what is left free after that growth is far below a megabyte.
    let piece = Layout::from_size_align(64 << 10, 8).unwrap();
    let mut filled = Vec::with_capacity(16 * 1024);
    let mut blocks = Vec::with_capacity(8);
    // SAFETY: each block is given back with its own layout, to the allocator it came from.
    unsafe {
        // Whatever earlier tests left free, used up by the standard allocator until it grows
        // (free chunks are used before the heap's top): then no free space holds a megabyte.
        let start = pages();
        while pages() == start && filled.len() < 16 * 1024 {
            filled.push(System.alloc(piece));
        }
        assert_ne!(pages(), start, "the memory grew for the filling");
        for n in 0..8 {
            let before = pages();
            let block = heap.alloc(megabyte);
            assert!(!block.is_null());
            blocks.push(block);
            let grew = pages() != before;
            assert_eq!(grew, n == 0, "megabyte {n}: grew {grew}");
        }
        for block in blocks {
            heap.dealloc(block, megabyte);
        }
        for block in filled {
            System.dealloc(block, piece);
        }
    }
}
