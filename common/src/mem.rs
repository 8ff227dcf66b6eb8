//! Memory advice for the few large, short-lived buffers of a big listing.
//!
//! `findmnt` at 100,000 mounts holds tens of MiB of entries and table
//! cells, filled once, front to back. Faulting that in one 4 KiB page at a
//! time costs more than the parsing does; as transparent huge pages (where
//! the system's `transparent_hugepage/enabled` is `madvise` or `always`) it
//! is a few dozen faults. This module is the one `unsafe` call that asks.

/// Buffers smaller than this are left alone: a huge page (2 MiB on x86-64)
/// could not fit inside them.
const HUGE_PAGE: usize = 2 << 20;

/// Asks the kernel (madvise(2) `MADV_HUGEPAGE`) to back the whole
/// allocation of `buf`, its spare capacity included, with transparent huge
/// pages. A hint only: nothing is done for buffers under 2 MiB, and a
/// refusal (a kernel without THP, say) changes nothing but speed.
pub fn advise_huge_pages<T>(buf: &Vec<T>) {
    let page = 4096;
    let start = buf.as_ptr() as usize;
    let len = buf.capacity().saturating_mul(std::mem::size_of::<T>());
    let first = start.saturating_add(page - 1) & !(page - 1);
    let end = start.saturating_add(len) & !(page - 1);
    if end.saturating_sub(first) < HUGE_PAGE {
        return;
    }
    // SAFETY: [first, end) lies inside the vector's own allocation, which
    // outlives the call; MADV_HUGEPAGE changes how those pages are backed,
    // never their contents, so no Rust value is affected.
    let _ = unsafe { libc::madvise(first as *mut libc::c_void, end - first, libc::MADV_HUGEPAGE) };
}
