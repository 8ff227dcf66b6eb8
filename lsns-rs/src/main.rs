//! The standalone `lsns` binary.
#![no_main]
common::c_main!(lsns_rs::main);
