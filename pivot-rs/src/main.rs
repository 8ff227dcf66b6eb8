//! The standalone `pivot_root` binary.
#![no_main]
common::c_main!(pivot_rs::main);
