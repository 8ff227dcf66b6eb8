//! The standalone `nsenter` binary.
#![no_main]
common::c_main!(nsenter_rs::main);
