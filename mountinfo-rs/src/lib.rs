//! The mount table model shared by nsbox's findmnt, mount and umount (and by
//! lsns and unshare where they read the mount table).
//!
//! [`mountinfo`] parses `/proc/PID/mountinfo` into [`mountinfo::MountEntry`]
//! rows, keeping every field as bytes (paths need not be UTF-8) and decoding
//! the propagation state (peer group, master, unbindable).
#![deny(missing_docs)]

pub mod blkid;
pub mod findmnt;
pub mod mount;
pub mod mountinfo;
pub mod umount;

mod paths;
pub mod sys;
