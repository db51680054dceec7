//! `memcmp` for `wasm32-unknown-unknown`, sixteen bytes at a time where the
//! module has SIMD (`.cargo/config.toml`), else eight.
//!
//! Why it exists: wasm has no native memory compare, and the `memcmp` that
//! compiler-builtins links into the module compares one byte per loop turn.
//! The core's maps are ordered by resource ids that share long prefixes
//! (`/subscriptions/{guid}/resourcegroups/...`), so comparing ids was 12–20
//! times slower in wasm than natively (BENCHMARKS.md, "The core in wasm next
//! to natively"). Linking this crate into a wasm module replaces that symbol
//! (compiler-builtins' is weak); elsewhere it only provides [`compare`].
//!
//! `#![no_builtins]`: LLVM must not turn the loops below back into a call to
//! `memcmp`, which would then call itself.
#![no_std]
#![no_builtins]

/// Compares `n` bytes at `a` and `b` as C's `memcmp` does: negative, zero or
/// positive as the first differing byte (unsigned) of `a` is below, equal to or
/// above that of `b`.
///
/// # Safety
/// `a` and `b` must be valid for reads of `n` bytes.
#[inline]
pub unsafe fn compare(a: *const u8, b: *const u8, n: usize) -> i32 {
    let mut i = 0;
    // Sixteen bytes a turn where the module has SIMD: ids share prefixes of 100–200 bytes.
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    while i + 16 <= n {
        use core::arch::wasm32::{i8x16_bitmask, i8x16_eq, v128, v128_load};
        // SAFETY: i + 16 <= n, and the caller guarantees n readable bytes; v128.load takes
        // any alignment.
        let equal = unsafe {
            i8x16_bitmask(i8x16_eq(
                v128_load(a.add(i).cast::<v128>()),
                v128_load(b.add(i).cast::<v128>()),
            ))
        };
        if equal != 0xffff {
            // Lane k's bit is set when byte i + k is equal: the first clear bit is the first
            // differing byte.
            let at = i + (!equal).trailing_zeros() as usize;
            // SAFETY: at < i + 16 <= n.
            return unsafe { i32::from(*a.add(at)) - i32::from(*b.add(at)) };
        }
        i += 16;
    }
    while i + 8 <= n {
        // SAFETY: i + 8 <= n, and the caller guarantees n readable bytes.
        let (x, y) = unsafe {
            (
                a.add(i).cast::<u64>().read_unaligned(),
                b.add(i).cast::<u64>().read_unaligned(),
            )
        };
        if x != y {
            // Little-endian loads: the lowest differing bit is in the first differing byte.
            let at = i + ((x ^ y).trailing_zeros() / 8) as usize;
            // SAFETY: at < i + 8 <= n.
            return unsafe { i32::from(*a.add(at)) - i32::from(*b.add(at)) };
        }
        i += 8;
    }
    while i < n {
        // SAFETY: i < n.
        let (x, y) = unsafe { (*a.add(i), *b.add(i)) };
        if x != y {
            return i32::from(x) - i32::from(y);
        }
        i += 1;
    }
    0
}

/// The symbol the compiler calls for slice and string comparisons on wasm32.
///
/// # Safety
/// As [`compare`].
#[cfg(target_arch = "wasm32")]
#[no_mangle]
pub unsafe extern "C" fn memcmp(a: *const u8, b: *const u8, n: usize) -> i32 {
    // SAFETY: the caller's contract is memcmp's.
    unsafe { compare(a, b, n) }
}

/// Equality-only compare (LLVM may emit it for `==` on byte slices).
///
/// # Safety
/// As [`compare`].
#[cfg(target_arch = "wasm32")]
#[no_mangle]
pub unsafe extern "C" fn bcmp(a: *const u8, b: *const u8, n: usize) -> i32 {
    // SAFETY: the caller's contract is memcmp's.
    unsafe { compare(a, b, n) }
}

/// Called once by a binary that links this crate, so the linker keeps it.
#[inline(never)]
pub fn link() {}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::compare;
    use core::cmp::Ordering;
    use std::vec::Vec;

    /// The order a byte-by-byte walk gives: on wasm a slice's own `cmp` calls the `memcmp`
    /// this crate provides, so it cannot be the reference (`no_builtins` keeps LLVM from
    /// turning this loop into that call).
    fn reference(a: &[u8], b: &[u8]) -> Ordering {
        for (x, y) in a.iter().zip(b) {
            if x != y {
                return x.cmp(y);
            }
        }
        a.len().cmp(&b.len())
    }

    fn sign(a: &[u8], b: &[u8]) -> Ordering {
        assert_eq!(a.len(), b.len());
        // SAFETY: both slices hold a.len() bytes.
        unsafe { compare(a.as_ptr(), b.as_ptr(), a.len()) }.cmp(&0)
    }

    // Run on wasm too (scripts/dev.sh, under node): that is where the SIMD turns are compiled.
    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn orders_like_slices_for_every_length_and_position_of_the_first_difference() {
        for n in 0..40usize {
            let base: Vec<u8> = (0..n).map(|i| (i * 37 % 251) as u8).collect();
            assert_eq!(sign(&base, &base), Ordering::Equal);
            for at in 0..n {
                for delta in [1u8, 0x7f, 0x80, 0xff] {
                    let mut other = base.clone();
                    other[at] = other[at].wrapping_add(delta);
                    // A later difference must not decide: it is hidden behind the first.
                    if at + 1 < n {
                        other[n - 1] = other[n - 1].wrapping_sub(1);
                    }
                    assert_eq!(
                        sign(&base, &other),
                        reference(&base, &other),
                        "n {n}, at {at}, delta {delta}"
                    );
                    assert_eq!(
                        sign(&other, &base),
                        reference(&other, &base),
                        "n {n}, at {at}, delta {delta}"
                    );
                }
            }
        }
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn resource_ids_sharing_a_long_prefix_order_like_strings() {
        let ids = [
            "/subscriptions/2b7e1c4d/resourcegroups/rg/providers/microsoft.compute/galleries/g099/images/i09/versions/1.0.9",
            "/subscriptions/2b7e1c4d/resourcegroups/rg/providers/microsoft.compute/galleries/g099/images/i09/versions/1.0.10",
            "/subscriptions/2b7e1c4d/resourcegroups/rg/providers/microsoft.compute/galleries/g099/images/i10/versions/1.0.9",
        ];
        for a in ids {
            for b in ids {
                let n = a.len().min(b.len());
                let want = reference(&a.as_bytes()[..n], &b.as_bytes()[..n]);
                assert_eq!(sign(&a.as_bytes()[..n], &b.as_bytes()[..n]), want);
            }
        }
    }
}
