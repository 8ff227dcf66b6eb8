//! Loop devices for `mount -o loop[=DEV]` and for a regular file given as
//! the source: a free device from `/dev/loop-control`, bound to the file
//! with `LOOP_CONFIGURE` and `LO_FLAGS_AUTOCLEAR` (so that the kernel
//! detaches it when the filesystem is unmounted), detached again when the
//! mount fails; [`detach`] for `umount -d`.

use crate::sys;
use nix::errno::Errno;
use std::ffi::{OsStr, OsString};
use std::fs::{File, OpenOptions};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{FileTypeExt, MetadataExt, OpenOptionsExt};
use std::path::Path;

/// An attached loop device, held open until the mount is made (with
/// autoclear, closing the last descriptor of an unused device detaches it).
#[derive(Debug)]
pub struct LoopDev {
    /// `/dev/loopN`.
    pub path: OsString,
    /// Attached read-only (asked for, or the file could not be written).
    pub readonly: bool,
    /// A device another mount already uses for the same file and range,
    /// taken again rather than attached twice.
    pub reused: bool,
    file: File,
}

impl LoopDev {
    /// Detaches the device (the mount failed); a reused device is left to
    /// the mount that has it.
    pub fn detach(self) {
        if !self.reused {
            let _ = sys::loop_clear(&self.file);
        }
    }
}

/// A loop device already attached to a file (libmount
/// `loopcxt_find_overlap()`).
#[derive(Debug)]
pub enum Overlap {
    /// The same offset and size limit: the device to use again, so that
    /// the kernel never sees one file through two devices (which corrupts
    /// it).
    Same(LoopDev),
    /// An overlapping range: `/dev/loopN`.
    Partial(OsString),
}

/// The attached loop device backed by `file` (the same inode, or the same
/// path where one cannot be compared) whose range meets
/// `offset`..`offset + sizelimit` (0: to the end), if any.
pub fn find_overlap(file: &OsStr, offset: u64, sizelimit: u64) -> Option<Overlap> {
    let st = std::fs::metadata(file).ok();
    let canon = crate::paths::canonicalize(file);
    let mut names: Vec<OsString> = std::fs::read_dir("/sys/block")
        .ok()?
        .flatten()
        .map(|e| e.file_name())
        .filter(|n| n.as_bytes().starts_with(b"loop"))
        .collect();
    names.sort();
    for name in names {
        let dir = Path::new("/sys/block").join(&name);
        let read = |f: &str| {
            let mut v = std::fs::read(dir.join(f)).ok()?;
            while v.last() == Some(&b'\n') {
                v.pop();
            }
            Some(v)
        };
        let Some(backing) = read("loop/backing_file") else {
            continue;
        };
        let backing = OsStr::from_bytes(&backing);
        let same = match (&st, std::fs::metadata(backing)) {
            (Some(a), Ok(b)) => (a.dev(), a.ino()) == (b.dev(), b.ino()),
            _ => backing.as_bytes() == canon.as_bytes(),
        };
        let number = |f: &str| -> Option<u64> { std::str::from_utf8(&read(f)?).ok()?.parse().ok() };
        let (Some(lo_offset), Some(lo_size)) = (number("loop/offset"), number("loop/sizelimit"))
        else {
            continue;
        };
        if !same {
            continue;
        }
        let mut path = OsString::from("/dev/");
        path.push(&name);
        if lo_offset == offset && lo_size == sizelimit {
            // Held open (read-only) until the mount is made, so that
            // autoclear cannot take it away in between.
            let file = open_dev(&path, true).ok()?;
            return Some(Overlap::Same(LoopDev {
                readonly: number("ro") == Some(1),
                reused: true,
                path,
                file,
            }));
        }
        let apart = (lo_size != 0 && offset >= lo_offset.saturating_add(lo_size))
            || (sizelimit != 0 && offset.saturating_add(sizelimit) <= lo_offset);
        if !apart {
            return Some(Overlap::Partial(path));
        }
    }
    None
}

/// Loop device major number.
const LOOP_MAJOR: u32 = 7;

/// Whether `path` is a loop block device.
pub fn is_loop(path: &OsStr) -> bool {
    std::fs::metadata(path)
        .is_ok_and(|m| m.file_type().is_block_device() && libc::major(m.rdev()) == LOOP_MAJOR)
}

/// The backing file of a loop device (`/sys/block/loopN/loop/backing_file`).
pub fn backing_file(dev: &OsStr) -> Option<OsString> {
    let meta = std::fs::metadata(dev).ok()?;
    let (maj, min) = (libc::major(meta.rdev()), libc::minor(meta.rdev()));
    let p = format!("/sys/dev/block/{maj}:{min}/loop/backing_file");
    let mut v = std::fs::read(p).ok()?;
    while v.last() == Some(&b'\n') {
        v.pop();
    }
    Some(OsStr::from_bytes(&v).to_os_string())
}

/// The attached loop devices whose backing file is `file` (canonical).
pub fn devices_of(file: &OsStr) -> Vec<OsString> {
    let canon = crate::paths::canonicalize(file);
    let mut out = Vec::new();
    let Ok(dir) = std::fs::read_dir("/sys/block") else {
        return out;
    };
    for e in dir.flatten() {
        let name = e.file_name();
        if !name.as_bytes().starts_with(b"loop") {
            continue;
        }
        let Ok(mut v) = std::fs::read(e.path().join("loop/backing_file")) else {
            continue;
        };
        while v.last() == Some(&b'\n') {
            v.pop();
        }
        if v == canon.as_bytes() {
            let mut dev = OsString::from("/dev/");
            dev.push(&name);
            out.push(dev);
        }
    }
    out.sort();
    out
}

/// Why a loop device could not be set up.
#[derive(Debug, PartialEq, Eq)]
pub struct LoopError(pub Errno);

fn open_dev(path: &OsStr, ro: bool) -> Result<File, Errno> {
    OpenOptions::new()
        .read(true)
        .write(!ro)
        .custom_flags(libc::O_CLOEXEC)
        .open(path)
        .map_err(|e| Errno::from_raw(e.raw_os_error().unwrap_or(libc::EIO)))
}

/// Attaches `file` to a loop device (`want`, or a free one) with
/// autoclear; read-only when `ro` or when the file cannot be opened for
/// writing.
///
/// # Errors
/// The errno of the step that failed.
pub fn attach(
    file: &OsStr,
    ro: bool,
    offset: u64,
    sizelimit: u64,
    want: Option<&OsStr>,
) -> Result<LoopDev, LoopError> {
    let (backing, readonly) = match open_dev(file, ro) {
        Ok(f) => (f, ro),
        Err(Errno::EROFS | Errno::EACCES | Errno::EPERM) if !ro => {
            (open_dev(file, true).map_err(LoopError)?, true)
        }
        Err(e) => return Err(LoopError(e)),
    };
    let name = crate::paths::canonicalize(file);
    let mut flags = sys::LO_FLAGS_AUTOCLEAR;
    if readonly {
        flags |= sys::LO_FLAGS_READ_ONLY;
    }
    let configure = |path: &OsStr| -> Result<File, Errno> {
        let dev = open_dev(path, readonly)?;
        sys::loop_configure(&dev, &backing, flags, offset, sizelimit, name.as_bytes())?;
        Ok(dev)
    };
    if let Some(dev) = want {
        let f = configure(dev).map_err(LoopError)?;
        return Ok(LoopDev {
            path: dev.to_os_string(),
            readonly,
            reused: false,
            file: f,
        });
    }
    let control = loop_control().map_err(LoopError)?;
    let mut last = Errno::EBUSY;
    // Another process may take the free device first: try again.
    for _ in 0..16 {
        let n = sys::loop_get_free(&control).map_err(LoopError)?;
        let path = OsString::from(format!("/dev/loop{n}"));
        if !Path::new(&path).exists() {
            let _ = sys::mknod_block(&path, LOOP_MAJOR, n);
        }
        match configure(&path) {
            Ok(f) => {
                return Ok(LoopDev {
                    path,
                    readonly,
                    reused: false,
                    file: f,
                })
            }
            Err(e @ Errno::EBUSY) => last = e,
            Err(e) => return Err(LoopError(e)),
        }
    }
    Err(LoopError(last))
}

fn loop_control() -> Result<File, Errno> {
    OpenOptions::new()
        .read(true)
        .write(true)
        .custom_flags(libc::O_CLOEXEC)
        .open("/dev/loop-control")
        .map_err(|e| Errno::from_raw(e.raw_os_error().unwrap_or(libc::EIO)))
}

/// The device a loop mount would take now (`/dev/loopN`, from
/// `LOOP_CTL_GET_FREE`), attaching nothing: what `mount -f` reports.
///
/// # Errors
/// The errno of opening `/dev/loop-control` or of the ioctl.
pub fn next_free() -> Result<OsString, Errno> {
    let n = sys::loop_get_free(&loop_control()?)?;
    Ok(OsString::from(format!("/dev/loop{n}")))
}

/// Detaches the loop device `dev` (`umount -d`); a device that is already
/// free (ENXIO, autoclear got there first) is not an error.
///
/// # Errors
/// The errno of opening the device or of LOOP_CLR_FD.
pub fn detach(dev: &OsStr) -> Result<(), Errno> {
    let f = open_dev(dev, true)?;
    match sys::loop_clear(&f) {
        Ok(()) | Err(Errno::ENXIO) => Ok(()),
        Err(e) => Err(e),
    }
}
