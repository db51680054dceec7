//! The module's allocator: the standard one, which touches the memory it grows into ahead of
//! time, a block at a time.
//!
//! Why: a page of wasm memory costs a fault the first time it is written. Faulted one at a time
//! as the heap grows under a reading, those faults cost more than touching the same pages in one
//! tight loop: opening the state at ten times the limits was ~9 % faster when 300 MB were touched
//! first (balanced sets of 20 runs, BENCHMARKS.md, session 21). So whenever the standard allocator
//! has just grown the memory, the next block (an eighth of the heap, 8–32 MB) is taken, touched
//! and given back: it stays the allocator's free space, faulted in, for what comes next. At most
//! one block more than the heap needs is touched, and touching 32 MB is ~15 ms, well inside a
//! frame budget of long tasks.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, Ordering};

/// Touches memory ahead as the heap grows (see the module).
pub struct TouchingAhead;

/// Bytes per wasm page (what `memory.size` counts).
#[cfg(target_arch = "wasm32")]
const WASM_PAGE: usize = 64 * 1024;
/// Bytes per operating-system page: one write each faults the block in.
const OS_PAGE: usize = 4096;
/// The smallest and largest block touched ahead.
const AHEAD_MIN: usize = 8 << 20;
const AHEAD_MAX: usize = 32 << 20;

/// Set while a block is touched: the standard allocator's growth for the block itself is not
/// followed by another. (The module is single-threaded; an atomic is only what a `static` needs.)
static TOUCHING: AtomicBool = AtomicBool::new(false);

/// The module's memory in bytes (none natively: the native lib never touches ahead).
fn memory_bytes() -> usize {
    #[cfg(target_arch = "wasm32")]
    {
        core::arch::wasm32::memory_size::<0>() * WASM_PAGE
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        0
    }
}

/// After the standard allocator grew the memory: takes the next block, touches it, gives it back.
fn touch_ahead() {
    if TOUCHING.swap(true, Ordering::Relaxed) {
        return;
    }
    let ahead = (memory_bytes() / 8).clamp(AHEAD_MIN, AHEAD_MAX);
    if let Ok(layout) = Layout::from_size_align(ahead, OS_PAGE) {
        // SAFETY: a block of `layout` from the standard allocator, written only inside its
        // bounds and given back with the same layout.
        unsafe {
            let block = System.alloc(layout);
            if !block.is_null() {
                for at in (0..ahead).step_by(OS_PAGE) {
                    block.add(at).write_volatile(0);
                }
                System.dealloc(block, layout);
            }
        }
    }
    TOUCHING.store(false, Ordering::Relaxed);
}

// SAFETY: every call is the standard allocator's, with the same arguments; touching ahead only
// takes and gives back a block of its own.
unsafe impl GlobalAlloc for TouchingAhead {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let before = memory_bytes();
        let p = unsafe { System.alloc(layout) };
        if memory_bytes() != before {
            touch_ahead();
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let before = memory_bytes();
        let p = unsafe { System.alloc_zeroed(layout) };
        if memory_bytes() != before {
            touch_ahead();
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let before = memory_bytes();
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if memory_bytes() != before {
            touch_ahead();
        }
        p
    }
}
