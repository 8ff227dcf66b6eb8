//! The system calls of mount and umount, behind small safe wrappers.
//!
//! This is the only module of the crate's tools with `unsafe`: every block
//! passes C strings that outlive the call and plain-data structs, and the
//! kernel reports failure through the return value and errno, which is turned
//! into [`Errno`]. Calls nix does not wrap (`open_tree`, `move_mount`,
//! `mount_setattr`) go through `libc::syscall`.

use nix::errno::Errno;
use std::ffi::{CString, OsStr};
use std::os::fd::{FromRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::io::AsRawFd;

/// `struct mount_attr` of mount_setattr(2) (`MOUNT_ATTR_SIZE_VER0`).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MountAttr {
    /// `MOUNT_ATTR_*` flags to set.
    pub attr_set: u64,
    /// `MOUNT_ATTR_*` flags to clear.
    pub attr_clr: u64,
    /// `MS_SHARED`, `MS_SLAVE`, `MS_PRIVATE` or `MS_UNBINDABLE`, or 0.
    pub propagation: u64,
    /// User namespace fd for `MOUNT_ATTR_IDMAP` (unused here).
    pub userns_fd: u64,
}

fn cstr(s: &OsStr) -> Result<CString, Errno> {
    CString::new(s.as_bytes()).map_err(|_| Errno::EINVAL)
}

fn check(rc: libc::c_long) -> Result<libc::c_long, Errno> {
    if rc < 0 {
        Err(Errno::last())
    } else {
        Ok(rc)
    }
}

/// mount(2). `None` arguments are passed as NULL.
pub fn mount(
    source: Option<&OsStr>,
    target: &OsStr,
    fstype: Option<&OsStr>,
    flags: libc::c_ulong,
    data: Option<&OsStr>,
) -> Result<(), Errno> {
    let source = source.map(cstr).transpose()?;
    let target = cstr(target)?;
    let fstype = fstype.map(cstr).transpose()?;
    let data = data.map(cstr).transpose()?;
    let ptr = |c: &Option<CString>| c.as_ref().map_or(std::ptr::null(), |c| c.as_ptr());
    // SAFETY: every pointer is NULL or a NUL-terminated string alive until
    // the call returns; the kernel only reads them.
    let rc = unsafe {
        libc::mount(
            ptr(&source),
            target.as_ptr(),
            ptr(&fstype),
            flags,
            ptr(&data).cast(),
        )
    };
    check(rc.into()).map(drop)
}

/// umount2(2) with `MNT_FORCE`, `MNT_DETACH`, `UMOUNT_NOFOLLOW` flags.
pub fn umount2(target: &OsStr, flags: libc::c_int) -> Result<(), Errno> {
    let target = cstr(target)?;
    // SAFETY: `target` is a NUL-terminated string alive for the call.
    let rc = unsafe { libc::umount2(target.as_ptr(), flags) };
    check(rc.into()).map(drop)
}

/// open_tree(2) on `path` relative to the cwd; returns the new O_PATH fd.
pub fn open_tree(path: &OsStr, flags: libc::c_uint) -> Result<OwnedFd, Errno> {
    let path = cstr(path)?;
    // SAFETY: `path` is a NUL-terminated string alive for the call; the
    // integer arguments are plain values.
    let rc = unsafe {
        libc::syscall(
            libc::SYS_open_tree,
            libc::AT_FDCWD,
            path.as_ptr(),
            flags | libc::OPEN_TREE_CLOEXEC,
        )
    };
    let fd = check(rc)?;
    let fd = libc::c_int::try_from(fd).map_err(|_| Errno::EBADF)?;
    // SAFETY: the kernel just returned this descriptor to us; nothing else
    // owns it.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// mount_setattr(2) on the mount `fd` refers to (`AT_EMPTY_PATH`), with
/// `AT_RECURSIVE` when `recursive`.
pub fn mount_setattr(fd: &OwnedFd, recursive: bool, attr: &MountAttr) -> Result<(), Errno> {
    let empty = c"";
    let mut flags = libc::AT_EMPTY_PATH;
    if recursive {
        flags |= libc::AT_RECURSIVE;
    }
    // SAFETY: `empty` is a static C string, `attr` points to a live
    // `#[repr(C)]` struct of the size passed; the kernel only reads it.
    let rc = unsafe {
        libc::syscall(
            libc::SYS_mount_setattr,
            fd.as_raw_fd(),
            empty.as_ptr(),
            flags,
            std::ptr::from_ref(attr),
            std::mem::size_of::<MountAttr>(),
        )
    };
    check(rc).map(drop)
}

/// move_mount(2) of the detached or attached mount `fd` onto `target`.
pub fn move_mount(fd: &OwnedFd, target: &OsStr) -> Result<(), Errno> {
    let empty = c"";
    let target = cstr(target)?;
    // SAFETY: both strings are NUL-terminated and alive for the call; the
    // descriptors are plain integers.
    let rc = unsafe {
        libc::syscall(
            libc::SYS_move_mount,
            fd.as_raw_fd(),
            empty.as_ptr(),
            libc::AT_FDCWD,
            target.as_ptr(),
            libc::MOVE_MOUNT_F_EMPTY_PATH,
        )
    };
    check(rc).map(drop)
}

/// The mount ID of the mount holding `path` (statx(2) `STATX_MNT_ID`,
/// Linux 5.8), following symlinks; `None` when it cannot be had.
pub fn mount_id(path: &OsStr) -> Option<u32> {
    let path = cstr(path).ok()?;
    let mut stx = std::mem::MaybeUninit::<libc::statx>::zeroed();
    // SAFETY: `path` is NUL-terminated, `stx` is a writable buffer of the
    // right type that statx fills on success.
    let rc = unsafe {
        libc::statx(
            libc::AT_FDCWD,
            path.as_ptr(),
            libc::AT_NO_AUTOMOUNT,
            libc::STATX_MNT_ID,
            stx.as_mut_ptr(),
        )
    };
    if rc != 0 {
        return None;
    }
    // SAFETY: statx succeeded, so the struct is initialised (and it was
    // zeroed before).
    let stx = unsafe { stx.assume_init() };
    if stx.stx_mask & libc::STATX_MNT_ID == 0 {
        return None;
    }
    u32::try_from(stx.stx_mnt_id).ok()
}

/// setns(2) into the mount namespace of the open file `file`
/// (`/proc/PID/ns/mnt` or a bind mount of one).
pub fn enter_mount_ns(file: &std::fs::File) -> Result<(), Errno> {
    // SAFETY: the descriptor is open for the duration of the call.
    let rc = unsafe { libc::setns(file.as_raw_fd(), libc::CLONE_NEWNS) };
    check(rc.into()).map(drop)
}
