//! Link settings for every nsbox binary: the `nsbox` multicall binary (this
//! package) and each tool's own binary (the tool packages use this file as
//! their build script too). Issue 8: small, and quick to start.
//!
//! - `--icf=all` (rust-lld, the default linker of this target since Rust
//!   1.90) folds functions whose code is identical: about 20 KiB.
//! - `-z pack-relative-relocs` stores the PIE's relative relocations as
//!   DT_RELR (glibc ≥ 2.36, binutils ≥ 2.38): about 35 KiB less than
//!   `.rela.dyn` entries of 24 bytes each, with ASLR kept, and less for
//!   the dynamic loader to do at start-up.
//!
//! Both are skipped when the linker cannot take them, so the build never
//! fails because of this file; `scripts/size` reports what came out. That
//! libc is the only shared library is `common/build.rs`'s part.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let target_os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let target_env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if target_os != "linux" || target_env != "gnu" {
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
