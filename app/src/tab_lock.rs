//! One tab at a time: the stored state is read, changed and written under a
//! Web Lock (`navigator.locks`), so two tabs saving at the same moment take
//! turns instead of both writing "revision N + 1".
//!
//! The lock orders the tabs; the revision check in [`crate::persist`] is what
//! keeps a tab from writing over newer data. Where the browser has no Web
//! Locks (an insecure origin, an old browser), the work runs at once and the
//! revision check alone guards it.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

/// Work to run once, from whichever path gets to it first.
type Once = Rc<RefCell<Option<Box<dyn FnOnce()>>>>;

/// The lock every tab of this origin takes around a read-modify-write of the
/// stored state.
pub const STATE_LOCK: &str = "sig-portal/state";

/// Runs `work` while holding the lock `name`, once every other tab holding it
/// has finished. Inside the lock the work waits one turn of the event loop
/// first, so a `storage` change another tab made just before releasing it has
/// reached this tab's copy of `localStorage`.
pub fn with_lock(name: &str, work: impl FnOnce() + 'static) {
    let work: Once = Rc::new(RefCell::new(Some(Box::new(work))));
    let run = {
        let work = Rc::clone(&work);
        move || {
            if let Some(work) = work.borrow_mut().take() {
                work();
            }
        }
    };
    let Some((locks, request)) = lock_manager() else {
        run();
        return;
    };
    let granted = Closure::once_into_js(move |_lock: JsValue| -> JsValue {
        js_sys::Promise::new(&mut |resolve, _reject| {
            let run = run.clone();
            let after_a_turn = Closure::once_into_js(move || {
                run();
                let _ = resolve.call0(&JsValue::UNDEFINED);
            });
            let scheduled = web_sys::window().and_then(|w| {
                w.set_timeout_with_callback_and_timeout_and_arguments_0(
                    after_a_turn.unchecked_ref(),
                    0,
                )
                .ok()
            });
            if scheduled.is_none() {
                let _ = after_a_turn
                    .unchecked_ref::<js_sys::Function>()
                    .call0(&JsValue::NULL);
            }
        })
        .into()
    });
    match request.call2(&locks, &JsValue::from_str(name), &granted) {
        Ok(promise) => {
            // A lock request the browser rejects (the page is going away) must
            // not surface as an unhandled rejection; the work then runs here.
            let fallback = Rc::clone(&work);
            let on_error = Closure::once_into_js(move |_e: JsValue| {
                if let Some(work) = fallback.borrow_mut().take() {
                    work();
                }
            });
            if let Ok(catch) = js_sys::Reflect::get(&promise, &JsValue::from_str("catch")) {
                if let Some(catch) = catch.dyn_ref::<js_sys::Function>() {
                    let _ = catch.call1(&promise, &on_error);
                }
            }
        }
        Err(_) => {
            if let Some(work) = work.borrow_mut().take() {
                work();
            }
        }
    }
}

/// `navigator.locks` and its `request` function, when the browser has them.
fn lock_manager() -> Option<(JsValue, js_sys::Function)> {
    let window: JsValue = web_sys::window()?.into();
    let navigator = js_sys::Reflect::get(&window, &JsValue::from_str("navigator")).ok()?;
    let locks = js_sys::Reflect::get(&navigator, &JsValue::from_str("locks")).ok()?;
    if locks.is_undefined() || locks.is_null() {
        return None;
    }
    let request = js_sys::Reflect::get(&locks, &JsValue::from_str("request")).ok()?;
    Some((locks, request.dyn_into().ok()?))
}
