//! The standalone `mount` binary.
#![no_main]
common::c_main!(mountinfo_rs::mount::main);
