//! The standalone `findmnt` binary.
#![no_main]
common::c_main!(mountinfo_rs::findmnt::main);
