//! Link settings for every nsbox binary: the `nsbox` multicall binary (this
//! package) and each tool's own binary. Every package of the workspace uses
//! this file as its build script. Issue 8: small, quick to start, and libc
//! the only shared library.
//!
//! For the packages with binaries:
//! - `--icf=all` (rust-lld, the default linker of this target since Rust
//!   1.90) folds functions whose code is identical: about 20 KiB.
//! - `-z pack-relative-relocs` stores the PIE's relative relocations as
//!   DT_RELR (glibc ≥ 2.36, binutils ≥ 2.38): about 35 KiB less than
//!   `.rela.dyn` entries of 24 bytes each, with ASLR kept, and less for
//!   the dynamic loader to do at start-up.
//!
//! For `common`, which every binary links (the tools', the multicall one,
//! the tests'): with panic = "abort" nothing unwinds, but std still refers
//! to the `_Unwind_*` functions (backtraces, landing pads), which rustc
//! takes from `libgcc_s.so.1`, one more library to find, map and relocate
//! at every start. Linking GCC's static unwinder (`libgcc_eh.a`, ~26 KiB)
//! ahead of it lets `--as-needed` drop `libgcc_s` from DT_NEEDED; a
//! library's native libraries are linked into each binary once. Skipped
//! for static builds.
//!
//! Each step is skipped when the toolchain cannot take it, so the build
//! never fails because of this file; `scripts/size` reports what came out.

use std::process::Command;

fn main() {
    // This file, from the package using it (the workspace root or a member).
    let here = std::path::Path::new("build.rs");
    let script = if here.exists() {
        here
    } else {
        std::path::Path::new("../build.rs")
    };
    println!("cargo:rerun-if-changed={}", script.display());
    let target_os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let target_env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if target_os != "linux" || target_env != "gnu" {
        return;
    }
    if std::env::var("CARGO_PKG_NAME").as_deref() == Ok("common") {
        link_static_unwinder();
        return;
    }
    println!("cargo:rerun-if-env-changed=CARGO_ENCODED_RUSTFLAGS");
    println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    let rustflags = std::env::var("CARGO_ENCODED_RUSTFLAGS").unwrap_or_default();
    let other_linker = [
        "linker-features=-lld",
        "fuse-ld",
        "link-self-contained=-linker",
    ]
    .iter()
    .any(|opt_out| rustflags.contains(opt_out));
    if !other_linker {
        println!("cargo:rustc-link-arg-bins=-Wl,--icf=all");
    }
}

/// `libgcc_eh.a`, whole, ahead of `libgcc_s` (see the module comment).
fn link_static_unwinder() {
    let features = std::env::var("CARGO_CFG_TARGET_FEATURE").unwrap_or_default();
    if features.split(',').any(|f| f == "crt-static") {
        return;
    }
    println!("cargo:rerun-if-env-changed=CC");
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
    let Ok(out) = Command::new(cc)
        .arg("-print-file-name=libgcc_eh.a")
        .output()
    else {
        return;
    };
    let path = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    let archive = std::path::Path::new(&path);
    if !archive.is_absolute() || !archive.exists() {
        return;
    }
    if let Some(dir) = archive.parent() {
        println!("cargo:rustc-link-search=native={}", dir.display());
        println!("cargo:rustc-link-lib=static:+whole-archive=gcc_eh");
    }
}
