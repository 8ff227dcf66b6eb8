//! The narrow interface between mount's logic and the kernel.
//!
//! [`Kernel`] has one method per system call mount makes; [`Real`] calls
//! them (through [`crate::sys`]) and the unit tests use a recording fake to
//! check which calls an operation makes, in which order, and how it falls
//! back when the new mount API is missing (ENOSYS).

use crate::sys::{self, MountAttr};
use nix::errno::Errno;
use std::ffi::OsStr;
use std::os::fd::OwnedFd;

/// The system calls mount uses.
pub trait Kernel {
    /// A detached or attached mount tree from `open_tree`.
    type Tree;

    /// mount(2).
    fn mount(
        &mut self,
        source: Option<&OsStr>,
        target: &OsStr,
        fstype: Option<&OsStr>,
        flags: libc::c_ulong,
        data: Option<&OsStr>,
    ) -> Result<(), Errno>;

    /// open_tree(2): `clone` makes a detached copy (`OPEN_TREE_CLONE`),
    /// `recursive` of the whole subtree (`AT_RECURSIVE`).
    fn open_tree(
        &mut self,
        path: &OsStr,
        clone: bool,
        recursive: bool,
    ) -> Result<Self::Tree, Errno>;

    /// mount_setattr(2) on a tree.
    fn mount_setattr(
        &mut self,
        tree: &Self::Tree,
        recursive: bool,
        attr: &MountAttr,
    ) -> Result<(), Errno>;

    /// move_mount(2) of a tree onto `target`.
    fn move_mount(&mut self, tree: &Self::Tree, target: &OsStr) -> Result<(), Errno>;

    /// umount2(2) with `MNT_DETACH`: takes back a mount this request made
    /// when a later step of it failed.
    fn umount(&mut self, target: &OsStr) -> Result<(), Errno>;

    /// move_mount(2) with `MOVE_MOUNT_BENEATH` (`--beneath`).
    fn move_mount_beneath(&mut self, tree: &Self::Tree, target: &OsStr) -> Result<(), Errno> {
        let _ = (tree, target);
        Err(Errno::ENOSYS)
    }

    /// A new filesystem through fsopen(2), fsconfig(2) and fsmount(2): the
    /// source, the data options (`key=value` or `key`), the superblock
    /// flags by name (`ro`, `sync`, ...), `CMD_CREATE_EXCL` when
    /// `exclusive`, and the `MOUNT_ATTR_*` flags of the mount.
    fn new_fs(&mut self, fs: &NewFs<'_>) -> Result<Self::Tree, Errno> {
        let _ = fs;
        Err(Errno::ENOSYS)
    }
}

/// The arguments of [`Kernel::new_fs`].
#[derive(Debug)]
pub struct NewFs<'a> {
    /// The filesystem type.
    pub fstype: &'a OsStr,
    /// The source (`None`: not set).
    pub source: Option<&'a OsStr>,
    /// Filesystem options.
    pub data: &'a [String],
    /// Superblock flags by fsconfig name.
    pub sb_flags: Vec<&'static str>,
    /// Fail with EBUSY rather than reuse a superblock.
    pub exclusive: bool,
    /// `MOUNT_ATTR_*` for fsmount(2).
    pub attr: u64,
}

/// The running kernel.
#[derive(Debug, Default)]
pub struct Real;

impl Kernel for Real {
    type Tree = OwnedFd;

    fn mount(
        &mut self,
        source: Option<&OsStr>,
        target: &OsStr,
        fstype: Option<&OsStr>,
        flags: libc::c_ulong,
        data: Option<&OsStr>,
    ) -> Result<(), Errno> {
        sys::mount(source, target, fstype, flags, data)
    }

    fn open_tree(&mut self, path: &OsStr, clone: bool, recursive: bool) -> Result<OwnedFd, Errno> {
        let mut flags = 0;
        if clone {
            flags |= libc::OPEN_TREE_CLONE;
        }
        if recursive {
            // AT_RECURSIVE is a small positive constant.
            flags |= libc::c_uint::try_from(libc::AT_RECURSIVE).unwrap_or(0);
        }
        sys::open_tree(path, flags)
    }

    fn mount_setattr(
        &mut self,
        tree: &OwnedFd,
        recursive: bool,
        attr: &MountAttr,
    ) -> Result<(), Errno> {
        sys::mount_setattr(tree, recursive, attr)
    }

    fn move_mount(&mut self, tree: &OwnedFd, target: &OsStr) -> Result<(), Errno> {
        sys::move_mount(tree, target)
    }

    fn umount(&mut self, target: &OsStr) -> Result<(), Errno> {
        sys::umount2(target, libc::MNT_DETACH)
    }

    fn move_mount_beneath(&mut self, tree: &OwnedFd, target: &OsStr) -> Result<(), Errno> {
        sys::move_mount_flags(tree, target, sys::MOVE_MOUNT_BENEATH)
    }

    fn new_fs(&mut self, fs: &NewFs<'_>) -> Result<OwnedFd, Errno> {
        let ctx = sys::fsopen(fs.fstype)?;
        if let Some(src) = fs.source {
            sys::fsconfig_set(&ctx, "source", Some(src))?;
        }
        for flag in &fs.sb_flags {
            sys::fsconfig_set(&ctx, flag, None)?;
        }
        for opt in fs.data {
            match opt.split_once('=') {
                Some((k, v)) => sys::fsconfig_set(&ctx, k, Some(OsStr::new(v)))?,
                None => sys::fsconfig_set(&ctx, opt, None)?,
            }
        }
        sys::fsconfig_create(&ctx, fs.exclusive)?;
        sys::fsmount(&ctx, fs.attr)
    }
}

#[cfg(test)]
pub mod fake {
    //! A kernel that records calls and fails the ones it is told to.
    use super::*;

    /// Records each call as one line of text; `fail` maps a call-name prefix
    /// to the errno it returns.
    #[derive(Debug, Default)]
    pub struct Fake {
        /// The calls made, in order.
        pub calls: Vec<String>,
        /// `(prefix, errno)`: a call whose text starts with prefix fails.
        pub fail: Vec<(&'static str, Errno)>,
    }

    impl Fake {
        fn record(&mut self, call: String) -> Result<(), Errno> {
            let failure = self
                .fail
                .iter()
                .find(|(p, _)| call.starts_with(p))
                .map(|(_, e)| *e);
            self.calls.push(call);
            failure.map_or(Ok(()), Err)
        }
    }

    fn s(o: Option<&OsStr>) -> String {
        o.map_or_else(|| "NULL".into(), |o| o.to_string_lossy().into_owned())
    }

    impl Kernel for Fake {
        type Tree = String;

        fn mount(
            &mut self,
            source: Option<&OsStr>,
            target: &OsStr,
            fstype: Option<&OsStr>,
            flags: libc::c_ulong,
            data: Option<&OsStr>,
        ) -> Result<(), Errno> {
            self.record(format!(
                "mount {} {} {} {flags:#x} {}",
                s(source),
                target.to_string_lossy(),
                s(fstype),
                s(data)
            ))
        }

        fn open_tree(
            &mut self,
            path: &OsStr,
            clone: bool,
            recursive: bool,
        ) -> Result<String, Errno> {
            let p = path.to_string_lossy().into_owned();
            self.record(format!("open_tree {p} clone={clone} rec={recursive}"))?;
            Ok(p)
        }

        fn mount_setattr(
            &mut self,
            tree: &String,
            recursive: bool,
            attr: &MountAttr,
        ) -> Result<(), Errno> {
            self.record(format!(
                "mount_setattr {tree} rec={recursive} set={:#x} clr={:#x} prop={:#x}",
                attr.attr_set, attr.attr_clr, attr.propagation
            ))
        }

        fn move_mount(&mut self, tree: &String, target: &OsStr) -> Result<(), Errno> {
            self.record(format!("move_mount {tree} {}", target.to_string_lossy()))
        }

        fn umount(&mut self, target: &OsStr) -> Result<(), Errno> {
            self.record(format!("umount2 {} MNT_DETACH", target.to_string_lossy()))
        }

        fn move_mount_beneath(&mut self, tree: &String, target: &OsStr) -> Result<(), Errno> {
            self.record(format!(
                "move_mount_beneath {tree} {}",
                target.to_string_lossy()
            ))
        }

        fn new_fs(&mut self, fs: &NewFs<'_>) -> Result<String, Errno> {
            let t = fs.fstype.to_string_lossy().into_owned();
            self.record(format!(
                "new_fs {t} {} {:?} {:?} excl={} attr={:#x}",
                s(fs.source),
                fs.data,
                fs.sb_flags,
                fs.exclusive,
                fs.attr
            ))?;
            Ok(format!("fs:{t}"))
        }
    }
}
