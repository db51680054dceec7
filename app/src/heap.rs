//! The module's allocator: the standard one, which touches the memory it grows into ahead of
//! time, a block at a time.
//!
//! Why: a page of wasm memory costs a fault the first time it is written. Faulted one at a time
//! as the heap grows under a reading, those faults cost more than touching the same pages in one
//! tight loop: touching 300 MB before opening the state at ten times the limits made the opening
//! ~9 % faster, and this allocator ~5 % (balanced sets of 20 runs, BENCHMARKS.md, session 21).
//! So whenever the standard allocator has just grown the memory, a block of 8 MB (`AHEAD`) is
//! taken, written a byte per page and given back: it stays the allocator's free space, faulted
//! in, for what comes next. The memory ends up to about two blocks larger than the heap needs.

use std::alloc::{GlobalAlloc, Layout, System};

/// Touches memory ahead as the heap grows (see the module).
pub struct TouchingAhead;

/// Bytes per operating-system page: one write each faults the block in.
const OS_PAGE: usize = 4096;
/// The block touched ahead: 8 MB, ~2,000 faults, a few milliseconds. Blocks of an eighth of
/// the memory (up to 32 MB) cost the same in all but came in bursts of 25-40 ms on a slow
/// machine, enough to take a reading's 25 ms slice past the 50 ms of a long task (measured).
const AHEAD: usize = 8 << 20;

/// The module's memory in wasm pages of 64 KB (none natively: the native lib never touches
/// ahead). Pages, not bytes: 4 GB of memory is 2³² bytes, one more than a wasm `usize` holds.
fn memory_pages() -> usize {
    #[cfg(target_arch = "wasm32")]
    {
        core::arch::wasm32::memory_size::<0>()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        0
    }
}

/// After the standard allocator grew the memory: takes a block, touches it, gives it
/// back. It calls the standard allocator itself, so the block's own growth is not followed.
fn touch_ahead() {
    let Ok(layout) = Layout::from_size_align(AHEAD, 8) else {
        return;
    };
    // SAFETY: a block of `layout` from the standard allocator, written only inside its bounds
    // and given back with the same layout.
    unsafe {
        let block = System.alloc(layout);
        if !block.is_null() {
            for at in (0..AHEAD).step_by(OS_PAGE) {
                block.add(at).write_volatile(0);
            }
            System.dealloc(block, layout);
        }
    }
}

/// Follows a call of the standard allocator that started with the memory at `before` pages.
fn after(before: usize) {
    let pages = memory_pages();
    if pages != before {
        touch_ahead();
    }
}

// SAFETY: every call is the standard allocator's, with the same arguments, and returns what it
// returned; touching ahead only takes and gives back a block of its own.
unsafe impl GlobalAlloc for TouchingAhead {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let before = memory_pages();
        let p = unsafe { System.alloc(layout) };
        after(before);
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let before = memory_pages();
        let p = unsafe { System.alloc_zeroed(layout) };
        after(before);
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let before = memory_pages();
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        after(before);
        p
    }
}
