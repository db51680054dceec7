//! Offline after one visit: the service worker (`sw.js`, written for each
//! release build by `scripts/service_worker.py`) is registered here, and when
//! a new build has been deployed the portal says so and reloads into it only
//! when the user chooses to — a page never runs a mix of two builds.
//!
//! Debug builds (`trunk serve`) register nothing: their files change on every
//! save and must never be served from a cache.

use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{ServiceWorkerRegistration, ServiceWorkerState};

/// What the shell shows about the installed app; provided as context.
#[derive(Clone, Copy)]
pub struct Offline {
    /// A new version is installed and waiting for the user to reload.
    pub update_ready: RwSignal<bool>,
    registration: StoredValue<Option<ServiceWorkerRegistration>, LocalStorage>,
    reload_requested: StoredValue<bool>,
}

impl Offline {
    /// Registers the service worker (release builds only) and watches for updates.
    pub fn start() -> Offline {
        let offline = Offline {
            update_ready: RwSignal::new(false),
            registration: StoredValue::new_local(None),
            reload_requested: StoredValue::new(false),
        };
        if !cfg!(debug_assertions) {
            offline.register();
        }
        offline
    }

    fn register(self) {
        let Some(window) = web_sys::window() else {
            return;
        };
        // No service workers in an insecure context (plain http other than
        // localhost) or where the browser disables them: the portal then works
        // online only, and says nothing.
        let navigator = window.navigator();
        let available = js_sys::Reflect::get(&navigator, &"serviceWorker".into())
            .is_ok_and(|container| !container.is_undefined() && !container.is_null());
        if !available {
            return;
        }
        let container = navigator.service_worker();
        let mut controlled_before = container.controller().is_some();
        let on_controller = Closure::<dyn FnMut()>::new(move || {
            if self.reload_requested.get_value() {
                // The new worker took over because the user asked: run its build.
                let _ = web_sys::window().map(|w| w.location().reload());
            } else if controlled_before {
                // Another tab let a new build take over: this page still runs the old
                // one, whose blades' files are no longer cached; offer the reload.
                self.update_ready.set(true);
            }
            controlled_before = true;
        });
        container.set_oncontrollerchange(Some(on_controller.as_ref().unchecked_ref()));
        on_controller.forget();
        let registering = container.register("./sw.js");
        leptos::task::spawn_local(async move {
            let Ok(registration) = wasm_bindgen_futures::JsFuture::from(registering).await else {
                return;
            };
            // Checked, not assumed: a blocked registration resolves to nothing.
            let Ok(registration) = registration.dyn_into::<ServiceWorkerRegistration>() else {
                return;
            };
            self.watch(&registration);
            self.registration.set_value(Some(registration));
        });
        // Coming back to the tab is when a person expects to learn of a new version.
        let visible = window_event_listener(leptos::ev::visibilitychange, move |_| {
            if document().visibility_state() == web_sys::VisibilityState::Visible {
                self.registration.with_value(|r| {
                    if let Some(r) = r {
                        let _ = r.update();
                    }
                });
            }
        });
        on_cleanup(move || visible.remove());
    }

    /// Shows the notice when a worker is waiting now or finishes installing
    /// later — but not on the very first visit, when there is nothing to update.
    fn watch(self, registration: &ServiceWorkerRegistration) {
        let controlled = || {
            web_sys::window().is_some_and(|w| w.navigator().service_worker().controller().is_some())
        };
        if registration.waiting().is_some() && controlled() {
            self.update_ready.set(true);
        }
        let found = registration.clone();
        let on_update = Closure::<dyn FnMut()>::new(move || {
            let Some(installing) = found.installing() else {
                return;
            };
            let worker = installing.clone();
            let on_state = Closure::<dyn FnMut()>::new(move || {
                if worker.state() == ServiceWorkerState::Installed && controlled() {
                    self.update_ready.set(true);
                }
            });
            installing.set_onstatechange(Some(on_state.as_ref().unchecked_ref()));
            on_state.forget();
        });
        registration.set_onupdatefound(Some(on_update.as_ref().unchecked_ref()));
        on_update.forget();
    }

    /// Lets the waiting worker take over; the page reloads into the new build
    /// when it has.
    pub fn reload_into_update(&self) {
        self.reload_requested.set_value(true);
        let waiting = self
            .registration
            .with_value(|r| r.as_ref().and_then(ServiceWorkerRegistration::waiting));
        match waiting {
            Some(worker) => {
                let _ =
                    worker.post_message(&wasm_bindgen::JsValue::from_str("sig-portal:activate"));
            }
            None => {
                let _ = web_sys::window().map(|w| w.location().reload());
            }
        }
    }
}
