//! The standalone `umount` binary.
#![no_main]
common::c_main!(mountinfo_rs::umount::main);
