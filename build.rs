//! Link settings for the `nsbox` multicall binary (issue 8: small, and libc
//! its only shared library).
//!
//! - `--icf=all` (rust-lld, the default linker of this target since Rust
//!   1.90) folds functions whose code is identical: about 20 KiB.
//! - `-z pack-relative-relocs` stores the PIE's relative relocations as
//!   DT_RELR (glibc ≥ 2.36, binutils ≥ 2.38): about 35 KiB less than
//!   `.rela.dyn` entries of 24 bytes each, with ASLR kept.
//! - With panic = "abort" nothing unwinds, but std still refers to the
//!   `_Unwind_*` functions (backtraces, landing pads), which rustc takes from
//!   `libgcc_s.so.1`. Linking GCC's static unwinder (`libgcc_eh.a`, ~26 KiB)
//!   ahead of it lets `--as-needed` drop `libgcc_s` from DT_NEEDED.
//!
//! Both are skipped when the linker cannot take them, so the build never
//! fails because of this file; `scripts/size` reports what came out.

use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let target_os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let target_env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if target_os != "linux" || target_env != "gnu" {
        return;
    }
    println!("cargo:rerun-if-env-changed=CARGO_ENCODED_RUSTFLAGS");
    println!("cargo:rustc-link-arg-bin=nsbox=-Wl,-z,pack-relative-relocs");
    let rustflags = std::env::var("CARGO_ENCODED_RUSTFLAGS").unwrap_or_default();
    let other_linker = [
        "linker-features=-lld",
        "fuse-ld",
        "link-self-contained=-linker",
    ]
    .iter()
    .any(|opt_out| rustflags.contains(opt_out));
    if !other_linker {
        println!("cargo:rustc-link-arg-bin=nsbox=-Wl,--icf=all");
    }
    let features = std::env::var("CARGO_CFG_TARGET_FEATURE").unwrap_or_default();
    if features.split(',').any(|f| f == "crt-static") {
        return;
    }
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
