//! libc as the only shared library of every nsbox binary (issue 8).
//!
//! With panic = "abort" nothing unwinds, but std still refers to the
//! `_Unwind_*` functions (backtraces, landing pads), which rustc takes from
//! `libgcc_s.so.1`: one more library for the dynamic loader to find, map
//! and relocate at every start. Linking GCC's static unwinder
//! (`libgcc_eh.a`, ~26 KiB) ahead of it lets `--as-needed` drop `libgcc_s`
//! from DT_NEEDED. It is done here because every binary (each tool's, the
//! multicall one, the tests') links this crate, and a library's native
//! libraries are linked into each binary once.
//!
//! Skipped for static builds and wherever the archive is not found, so the
//! build never fails because of this file.

use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let target_os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let target_env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if target_os != "linux" || target_env != "gnu" {
        return;
    }
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
