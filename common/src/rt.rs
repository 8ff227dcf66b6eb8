//! The one piece of C runtime glue: argv as the C runtime hands it to
//! `main`, for the binaries that define their own entry point
//! ([`c_main!`](crate::c_main)).
//!
//! `std::env::args_os()` is not enough there: glibc passes argv to std's
//! `.init_array` hook, but musl does not, so in a static musl build it is
//! empty without std's own `main`.

use std::ffi::{c_char, c_int, CStr, OsString};
use std::os::unix::ffi::OsStringExt;

/// The `argc` strings of `argv`, copied (argv\[0\] included; none when
/// `argc` is not positive or `argv` is null).
///
/// # Safety
/// `argv` must point to at least `argc` pointers to NUL-terminated strings
/// that live for the whole call, as the C runtime's `main(argc, argv)`
/// arguments do (C11 5.1.2.2.1).
pub unsafe fn args(argc: c_int, argv: *const *const c_char) -> Vec<OsString> {
    let count = usize::try_from(argc).unwrap_or(0);
    if argv.is_null() {
        return Vec::new();
    }
    (0..count)
        .map(|i| {
            // SAFETY: i < argc, and the caller guarantees argv has argc
            // valid entries.
            let arg = unsafe { *argv.add(i) };
            if arg.is_null() {
                return OsString::new();
            }
            // SAFETY: a non-null argv entry is a NUL-terminated string
            // alive for the call (caller's guarantee).
            let bytes = unsafe { CStr::from_ptr(arg) }.to_bytes().to_vec();
            OsString::from_vec(bytes)
        })
        .collect()
}
