//! One tab at a time: the stored state is read, changed and written under a
//! Web Lock (`navigator.locks`), so two tabs saving at the same moment take
//! turns instead of both writing "revision N + 1".
//!
//! A lock alone is not enough with `localStorage`: each renderer process
//! keeps its own copy of it, brought up to date by messages that may arrive
//! after the lock changed hands, so the next tab could still read the old
//! revision and write over the newer data. So the tab that saved revision N
//! also *announces* it, before releasing the state lock, by holding a second
//! lock named `sig-portal/head/N`. The lock manager is one, in the browser,
//! and answers in order: the next holder of the state lock asks it which
//! revisions are announced ([`announced_head`]) and waits until its copy of
//! `localStorage` has caught up before reading it. Where the browser has no
//! Web Locks (an insecure origin, an old browser), the work runs at once and
//! the revision check alone guards it.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// The lock every tab of this origin takes around a read-modify-write of the
/// stored state.
pub const STATE_LOCK: &str = "sig-portal/state";

/// The prefix of the locks that announce the newest saved revision.
const HEAD_PREFIX: &str = "sig-portal/head/";

/// Work to run under the lock.
pub type Work = Box<dyn FnOnce() -> Pin<Box<dyn Future<Output = ()>>>>;

thread_local! {
    /// Releases this tab's announcement lock (resolves the promise holding it).
    static ANNOUNCED: RefCell<Option<js_sys::Function>> = const { RefCell::new(None) };
}

/// Runs `work` while holding the lock `name`, once every other tab holding it
/// has finished; the lock is held until the work's future completes.
pub fn with_lock(name: &str, work: Work) {
    let Some((locks, request)) = lock_manager() else {
        wasm_bindgen_futures::spawn_local(work());
        return;
    };
    let work = std::rc::Rc::new(RefCell::new(Some(work)));
    let take = {
        let work = std::rc::Rc::clone(&work);
        move || work.borrow_mut().take()
    };
    let granted = Closure::once_into_js(move |_lock: JsValue| -> JsValue {
        let job = take();
        wasm_bindgen_futures::future_to_promise(async move {
            if let Some(job) = job {
                job().await;
            }
            Ok(JsValue::UNDEFINED)
        })
        .into()
    });
    match request.call2(&locks, &JsValue::from_str(name), &granted) {
        Ok(promise) => {
            // A lock request the browser rejects (the page is going away) must
            // not surface as an unhandled rejection; the work then runs here.
            let on_error = Closure::once_into_js(move |_e: JsValue| {
                if let Some(job) = work.borrow_mut().take() {
                    wasm_bindgen_futures::spawn_local(job());
                }
            });
            call_method(&promise, "catch", &[on_error]);
        }
        Err(_) => {
            if let Some(job) = work.borrow_mut().take() {
                wasm_bindgen_futures::spawn_local(job());
            }
        }
    }
}

/// The newest revision any tab has announced, asked of the browser's lock
/// manager (consistent with the order in which locks are granted); `None`
/// without Web Locks or when none is announced.
pub async fn announced_head() -> Option<u64> {
    let (locks, _) = lock_manager()?;
    let query = js_sys::Reflect::get(&locks, &JsValue::from_str("query")).ok()?;
    let promise = query.dyn_ref::<js_sys::Function>()?.call0(&locks).ok()?;
    let snapshot = JsFuture::from(promise.dyn_into::<js_sys::Promise>().ok()?)
        .await
        .ok()?;
    let held = js_sys::Reflect::get(&snapshot, &JsValue::from_str("held")).ok()?;
    js_sys::Array::from(&held)
        .iter()
        .filter_map(|lock| js_sys::Reflect::get(&lock, &JsValue::from_str("name")).ok())
        .filter_map(|name| name.as_string())
        .filter_map(|name| name.strip_prefix(HEAD_PREFIX)?.parse::<u64>().ok())
        .max()
}

/// How long an announcement is held: far longer than `localStorage` takes
/// to reach the other tabs (milliseconds), short enough that one made stale
/// (the stored state was removed since) soon stops making saves wait.
const ANNOUNCE_MS: i32 = 3000;

/// Announces that this tab saved `revision`: holds the lock
/// `sig-portal/head/<revision>` (granted before this returns) for
/// [`ANNOUNCE_MS`], and lets go of the one it held for its previous save.
pub async fn announce(revision: u64) {
    let Some((locks, request)) = lock_manager() else {
        return;
    };
    let Some((granted_tx, granted_rx)) = js_promise() else {
        return;
    };
    let hold = Closure::once_into_js(move |_lock: JsValue| -> JsValue {
        let holding = js_sys::Promise::new(&mut |release, _| {
            if let Some(w) = web_sys::window() {
                let _ =
                    w.set_timeout_with_callback_and_timeout_and_arguments_0(&release, ANNOUNCE_MS);
            }
            let previous = ANNOUNCED.with(|a| a.borrow_mut().replace(release));
            if let Some(previous) = previous {
                let _ = previous.call0(&JsValue::UNDEFINED);
            }
        });
        let _ = granted_tx.call0(&JsValue::UNDEFINED);
        holding.into()
    });
    let name = JsValue::from_str(&format!("{HEAD_PREFIX}{revision}"));
    if request.call2(&locks, &name, &hold).is_ok() {
        let _ = JsFuture::from(granted_rx).await;
    }
}

/// Lets go of this tab's announcement at once (tests that reset the stored
/// state between them, so a previous test's revision does not make saves wait).
pub fn release_announcement() {
    if let Some(release) = ANNOUNCED.with(|a| a.borrow_mut().take()) {
        let _ = release.call0(&JsValue::UNDEFINED);
    }
}

/// Waits `ms` milliseconds without blocking the page.
pub async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let scheduled = web_sys::window().map(|w| {
            w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
                .is_ok()
        });
        if scheduled != Some(true) {
            let _ = resolve.call0(&JsValue::UNDEFINED);
        }
    });
    let _ = JsFuture::from(promise).await;
}

/// Polls `future` once, synchronously: its output if it is ready at once (`None` if not, and
/// it is dropped). For a split function whose file is already here, which completes at its
/// first poll, called from code that cannot wait (the tabs' sync paths, a command).
pub fn poll_once<F: std::future::Future>(future: F) -> Option<F::Output> {
    use std::task::{Context, Poll, Waker};
    let mut future = std::pin::pin!(future);
    match future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        Poll::Ready(output) => Some(output),
        Poll::Pending => None,
    }
}

/// Lets the browser paint, handle input and run its other tasks before going on, for
/// long work cut in slices: the work resumes in a task of its own queued behind them (a
/// message to itself over a `MessageChannel`, as React's scheduler does), without the 4 ms
/// that nested zero timers are held back by and without going ahead of other tasks as
/// `scheduler.yield()` would. A zero timer where there is no `MessageChannel`.
pub async fn yield_to_browser() {
    use js_sys::Reflect;
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let posted = (|| -> Option<()> {
            let global = js_sys::global();
            let constructor: js_sys::Function = Reflect::get(&global, &"MessageChannel".into())
                .ok()?
                .dyn_into()
                .ok()?;
            let channel = Reflect::construct(&constructor, &js_sys::Array::new()).ok()?;
            let receiver = Reflect::get(&channel, &"port1".into()).ok()?;
            let sender = Reflect::get(&channel, &"port2".into()).ok()?;
            Reflect::set(&receiver, &"onmessage".into(), &resolve).ok()?;
            let post: js_sys::Function = Reflect::get(&sender, &"postMessage".into())
                .ok()?
                .dyn_into()
                .ok()?;
            post.call1(&sender, &JsValue::UNDEFINED).ok()?;
            Some(())
        })();
        if posted.is_none() {
            let scheduled = web_sys::window().map(|w| {
                w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0)
                    .is_ok()
            });
            if scheduled != Some(true) {
                let _ = resolve.call0(&JsValue::UNDEFINED);
            }
        }
    });
    let _ = JsFuture::from(promise).await;
}

/// A promise and the function that resolves it.
fn js_promise() -> Option<(js_sys::Function, js_sys::Promise)> {
    let mut resolver = None;
    let promise = js_sys::Promise::new(&mut |resolve, _| resolver = Some(resolve));
    Some((resolver?, promise))
}

fn call_method(target: &JsValue, method: &str, args: &[JsValue]) {
    if let Ok(function) = js_sys::Reflect::get(target, &JsValue::from_str(method)) {
        if let Some(function) = function.dyn_ref::<js_sys::Function>() {
            let _ = function.apply(target, &args.iter().collect::<js_sys::Array>());
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
