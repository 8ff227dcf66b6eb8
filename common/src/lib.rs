//! Shared pieces of the nsbox tools.
//!
//! Small on purpose: getopt_long-compatible option parsing ([`cli`]),
//! util-linux-style messages and exit statuses ([`error`]), and the table of
//! namespace kinds ([`ns`]), and the libsmartcols-compatible table writer
//! ([`table`]) with its filter expressions ([`filter`]). Nothing here prints results or knows one tool.
#![deny(missing_docs)]

pub mod caps;
pub mod cli;
pub mod creds;
pub mod error;
pub mod filter;
pub mod mem;
pub mod ns;
mod regex;
pub mod rt;
pub mod table;

/// Whether SELinux is enabled: selinuxfs is mounted where the kernel
/// exposes it (`/sys/fs/selinux/enforce`), as libselinux's
/// `is_selinux_enabled()` first checks.
pub fn selinux_enabled() -> bool {
    std::path::Path::new("/sys/fs/selinux/enforce").exists()
}

/// Defines a binary's process entry point as a C `main` that calls a tool's
/// `main(argv) -> status` and flushes stdout.
///
/// The tools run once and exit or exec, so the Rust runtime's start-up work
/// (locating the main thread's stack guard through `/proc/self/maps`, an
/// alternate signal stack, SIGPIPE ignored) is pure overhead on every one of
/// the thousands of runs a script makes. SIGPIPE keeps the action the caller
/// left (default, or ignored as under systemd), as with util-linux, and
/// programs the tools exec inherit it. argv comes from `main`'s own
/// arguments ([`rt::args`]), which works with glibc and musl alike. Use
/// with `#![no_main]`,
/// in a `[[bin]]` target marked `test = false` (a test harness would bring
/// its own `main`):
///
/// ```ignore
/// #![no_main]
/// common::c_main!(unshare_rs::main);
/// ```
#[macro_export]
macro_rules! c_main {
    ($entry:path) => {
        /// The process entry point, called by the C runtime.
        #[no_mangle]
        extern "C" fn main(
            argc: ::std::ffi::c_int,
            argv: *const *const ::std::ffi::c_char,
        ) -> ::std::ffi::c_int {
            // SAFETY: the C runtime calls main with argc valid argv entries.
            let args = unsafe { $crate::rt::args(argc, argv) };
            if let Some(argv0) = args.first() {
                $crate::cli::set_invocation_name(argv0);
            }
            let status = $entry(args);
            let _ = ::std::io::Write::flush(&mut ::std::io::stdout());
            status
        }
    };
}
