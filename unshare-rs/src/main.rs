//! The standalone `unshare` binary.
#![no_main]
common::c_main!(unshare_rs::main);
