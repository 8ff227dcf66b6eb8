//! `--kernel=listmount`: the mount table from listmount(2) and statmount(2)
//! (Linux 6.8; mount options 6.11, subtype 6.13, source 6.14) instead of
//! `/proc/self/mountinfo`, each mount turned into the line mountinfo would
//! have shown, plus its 64-bit unique ID (the UNIQ-ID column, `--uniq-id`).
//!
//! The only unsafe code is the two system calls, on buffers owned here.

use crate::mountinfo::{MountEntry, Propagation};
use nix::errno::Errno;
use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;

const SYS_STATMOUNT: libc::c_long = 457;
const SYS_LISTMOUNT: libc::c_long = 458;

/// `LSMT_ROOT`: list from the root of the caller's namespace.
const LSMT_ROOT: u64 = u64::MAX;

const STATMOUNT_SB_BASIC: u64 = 0x1;
const STATMOUNT_MNT_BASIC: u64 = 0x2;
const STATMOUNT_PROPAGATE_FROM: u64 = 0x4;
const STATMOUNT_MNT_ROOT: u64 = 0x8;
const STATMOUNT_MNT_POINT: u64 = 0x10;
const STATMOUNT_FS_TYPE: u64 = 0x20;
const STATMOUNT_MNT_OPTS: u64 = 0x80;
const STATMOUNT_FS_SUBTYPE: u64 = 0x100;
const STATMOUNT_SB_SOURCE: u64 = 0x200;

const MOUNT_ATTR_RDONLY: u64 = 0x1;
const MOUNT_ATTR_NOSUID: u64 = 0x2;
const MOUNT_ATTR_NODEV: u64 = 0x4;
const MOUNT_ATTR_NOEXEC: u64 = 0x8;
const MOUNT_ATTR_ATIME: u64 = 0x70;
const MOUNT_ATTR_NOATIME: u64 = 0x10;
const MOUNT_ATTR_NODIRATIME: u64 = 0x80;
const MOUNT_ATTR_IDMAP: u64 = 0x0010_0000;
const MOUNT_ATTR_NOSYMFOLLOW: u64 = 0x0020_0000;

const SB_RDONLY: u32 = 1;
const SB_SYNCHRONOUS: u32 = 16;
const SB_MANDLOCK: u32 = 64;
const SB_DIRSYNC: u32 = 128;
const SB_LAZYTIME: u32 = 1 << 25;

/// `struct mnt_id_req`, `MNT_ID_REQ_SIZE_VER0`.
#[repr(C)]
struct MntIdReq {
    size: u32,
    spare: u32,
    mnt_id: u64,
    param: u64,
}

/// Byte offsets in `struct statmount` (uapi `linux/mount.h`); the strings
/// start at 512.
mod off {
    pub const SIZE: usize = 0;
    pub const MNT_OPTS: usize = 4;
    pub const MASK: usize = 8;
    pub const SB_DEV_MAJOR: usize = 16;
    pub const SB_DEV_MINOR: usize = 20;
    pub const SB_FLAGS: usize = 32;
    pub const FS_TYPE: usize = 36;
    pub const MNT_ID: usize = 40;
    pub const MNT_ID_OLD: usize = 56;
    pub const MNT_PARENT_ID_OLD: usize = 60;
    pub const MNT_ATTR: usize = 64;
    pub const MNT_PROPAGATION: usize = 72;
    pub const MNT_PEER_GROUP: usize = 80;
    pub const MNT_MASTER: usize = 88;
    pub const PROPAGATE_FROM: usize = 96;
    pub const MNT_ROOT: usize = 104;
    pub const MNT_POINT: usize = 108;
    pub const FS_SUBTYPE: usize = 120;
    pub const SB_SOURCE: usize = 124;
    pub const STR: usize = 512;
}

/// listmount(2) of every mount of the caller's namespace, in steps of 512.
fn list_ids() -> Result<Vec<u64>, Errno> {
    let mut ids = Vec::new();
    let mut last = 0u64;
    loop {
        let req = MntIdReq {
            size: 24,
            spare: 0,
            mnt_id: LSMT_ROOT,
            param: last,
        };
        let mut buf = vec![0u64; 512];
        // SAFETY: `req` is a valid mnt_id_req of the size given in it, and
        // `buf` has room for `buf.len()` IDs; the kernel writes no more.
        let n = unsafe {
            libc::syscall(
                SYS_LISTMOUNT,
                &req as *const MntIdReq,
                buf.as_mut_ptr(),
                buf.len(),
                0u32,
            )
        };
        if n < 0 {
            return Err(Errno::last());
        }
        let n = usize::try_from(n)
            .map_err(|_| Errno::EINVAL)?
            .min(buf.len());
        ids.extend_from_slice(&buf[..n]);
        match buf[..n].last() {
            Some(&l) if n == buf.len() => last = l,
            _ => return Ok(ids),
        }
    }
}

/// statmount(2) of `id` with `mask`, growing the buffer on EOVERFLOW.
fn stat_one(id: u64, mask: u64) -> Result<Vec<u8>, Errno> {
    let mut size = 4096;
    loop {
        let req = MntIdReq {
            size: 24,
            spare: 0,
            mnt_id: id,
            param: mask,
        };
        // u64 elements keep the buffer 8-byte aligned, as the struct needs.
        let mut buf = vec![0u64; size / 8];
        // SAFETY: `req` is valid, `buf` is writable for `size` bytes.
        let rc = unsafe {
            libc::syscall(
                SYS_STATMOUNT,
                &req as *const MntIdReq,
                buf.as_mut_ptr(),
                size,
                0u32,
            )
        };
        if rc < 0 {
            let e = Errno::last();
            if e == Errno::EOVERFLOW && size < 1 << 24 {
                size *= 4;
                continue;
            }
            return Err(e);
        }
        return Ok(buf.iter().flat_map(|w| w.to_ne_bytes()).collect());
    }
}

fn u32_at(b: &[u8], o: usize) -> u32 {
    b.get(o..o + 4)
        .and_then(|s| s.try_into().ok())
        .map_or(0, u32::from_ne_bytes)
}

fn u64_at(b: &[u8], o: usize) -> u64 {
    b.get(o..o + 8)
        .and_then(|s| s.try_into().ok())
        .map_or(0, u64::from_ne_bytes)
}

/// The string at offset `field` of the string area, when `mask` says the
/// kernel filled it.
fn str_at(b: &[u8], field: usize, want: u64) -> Option<Vec<u8>> {
    if u64_at(b, off::MASK) & want == 0 {
        return None;
    }
    let size = (u32_at(b, off::SIZE) as usize).min(b.len());
    let start = off::STR + u32_at(b, field) as usize;
    let s = b.get(start..size)?;
    let end = s.iter().position(|&c| c == 0).unwrap_or(s.len());
    Some(s[..end].to_vec())
}

/// One mount as its mountinfo line would show it, and its unique ID.
fn entry(b: &[u8]) -> MountEntry {
    let mask = u64_at(b, off::MASK);
    let attr = u64_at(b, off::MNT_ATTR);
    let mut vfs = String::from(if attr & MOUNT_ATTR_RDONLY != 0 {
        "ro"
    } else {
        "rw"
    });
    for (flag, name) in [
        (MOUNT_ATTR_NOSUID, ",nosuid"),
        (MOUNT_ATTR_NODEV, ",nodev"),
        (MOUNT_ATTR_NOEXEC, ",noexec"),
    ] {
        if attr & flag != 0 {
            vfs.push_str(name);
        }
    }
    if attr & MOUNT_ATTR_ATIME == MOUNT_ATTR_NOATIME {
        vfs.push_str(",noatime");
    }
    if attr & MOUNT_ATTR_NODIRATIME != 0 {
        vfs.push_str(",nodiratime");
    }
    if attr & MOUNT_ATTR_ATIME == 0 {
        vfs.push_str(",relatime");
    }
    if attr & MOUNT_ATTR_NOSYMFOLLOW != 0 {
        vfs.push_str(",nosymfollow");
    }
    if attr & MOUNT_ATTR_IDMAP != 0 {
        vfs.push_str(",idmapped");
    }

    let sb = u32_at(b, off::SB_FLAGS);
    let mut fs = (if sb & SB_RDONLY != 0 { "ro" } else { "rw" })
        .as_bytes()
        .to_vec();
    for (flag, name) in [
        (SB_SYNCHRONOUS, ",sync"),
        (SB_DIRSYNC, ",dirsync"),
        (SB_MANDLOCK, ",mand"),
        (SB_LAZYTIME, ",lazytime"),
    ] {
        if sb & flag != 0 {
            fs.extend_from_slice(name.as_bytes());
        }
    }
    if let Some(opts) = str_at(b, off::MNT_OPTS, STATMOUNT_MNT_OPTS).filter(|o| !o.is_empty()) {
        fs.push(b',');
        fs.extend_from_slice(&opts);
    }

    let prop = u64_at(b, off::MNT_PROPAGATION);
    let mut p = Propagation::default();
    let mut fields: Vec<String> = Vec::new();
    if prop & libc::MS_SHARED != 0 {
        let g = u64_at(b, off::MNT_PEER_GROUP) as u32;
        p.shared = Some(g);
        fields.push(format!("shared:{g}"));
    }
    if prop & libc::MS_SLAVE != 0 {
        let m = u64_at(b, off::MNT_MASTER) as u32;
        p.master = Some(m);
        fields.push(format!("master:{m}"));
        let from = u64_at(b, off::PROPAGATE_FROM) as u32;
        if mask & STATMOUNT_PROPAGATE_FROM != 0 && from != 0 && from != m {
            p.propagate_from = Some(from);
            fields.push(format!("propagate_from:{from}"));
        }
    }
    if prop & libc::MS_UNBINDABLE != 0 {
        p.unbindable = true;
        fields.push(String::from("unbindable"));
    }

    let mut fstype = str_at(b, off::FS_TYPE, STATMOUNT_FS_TYPE).unwrap_or_default();
    if let Some(sub) = str_at(b, off::FS_SUBTYPE, STATMOUNT_FS_SUBTYPE).filter(|s| !s.is_empty()) {
        fstype.push(b'.');
        fstype.extend_from_slice(&sub);
    }
    let os = OsString::from_vec;
    MountEntry {
        id: u32_at(b, off::MNT_ID_OLD),
        parent: u32_at(b, off::MNT_PARENT_ID_OLD),
        major: u32_at(b, off::SB_DEV_MAJOR),
        minor: u32_at(b, off::SB_DEV_MINOR),
        root: os(str_at(b, off::MNT_ROOT, STATMOUNT_MNT_ROOT).unwrap_or_default()).into(),
        target: os(str_at(b, off::MNT_POINT, STATMOUNT_MNT_POINT).unwrap_or_default()).into(),
        vfs_options: OsString::from(vfs).into(),
        opt_fields: OsString::from(fields.join(" ")).into(),
        propagation: p,
        fstype: os(fstype).into(),
        source: os(
            str_at(b, off::SB_SOURCE, STATMOUNT_SB_SOURCE).unwrap_or_else(|| b"none".to_vec())
        )
        .into(),
        fs_options: crate::mountinfo::unescape(&fs).into(),
    }
}

/// Every mount of the caller's namespace with its unique ID, in listmount
/// order; mounts gone between the two calls are skipped.
pub fn fetch() -> Result<Vec<(MountEntry, u64)>, Errno> {
    let mask = STATMOUNT_SB_BASIC
        | STATMOUNT_MNT_BASIC
        | STATMOUNT_PROPAGATE_FROM
        | STATMOUNT_MNT_ROOT
        | STATMOUNT_MNT_POINT
        | STATMOUNT_FS_TYPE
        | STATMOUNT_MNT_OPTS
        | STATMOUNT_FS_SUBTYPE
        | STATMOUNT_SB_SOURCE;
    let ids = list_ids()?;
    // Older kernels refuse the newer mask bits (subtype 6.13, source 6.14,
    // options 6.11): drop them until statmount accepts the mask.
    let mut mask = mask;
    if let Some(&first) = ids.first() {
        for drop in [
            0,
            STATMOUNT_SB_SOURCE,
            STATMOUNT_SB_SOURCE | STATMOUNT_FS_SUBTYPE,
            STATMOUNT_SB_SOURCE | STATMOUNT_FS_SUBTYPE | STATMOUNT_MNT_OPTS,
        ] {
            if stat_one(first, mask & !drop) != Err(Errno::EINVAL) {
                mask &= !drop;
                break;
            }
        }
    }
    let mut out = Vec::new();
    for id in ids {
        match stat_one(id, mask) {
            Ok(b) => {
                let uniq = u64_at(&b, off::MNT_ID);
                out.push((entry(&b), uniq));
            }
            Err(Errno::ENOENT) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(out)
}
