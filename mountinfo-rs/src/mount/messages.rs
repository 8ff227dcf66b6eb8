//! The words mount prints when a mount system call fails.
//!
//! This is libmount's `mnt_context_get_mount_excode()` for the classic
//! errno values: the message depends on the errno, on the operation (remount,
//! bind, move, read-only) and on facts about the paths (does the mount point
//! exist, is the source a block device...), which the caller gathers into
//! [`Facts`] so that the wording itself is a pure function.

use nix::errno::Errno;

/// What the message needs to know about the failed call and its paths.
#[derive(Clone, Debug, Default)]
pub struct Facts {
    /// Name of the failing system call (`mount`, `open_tree`, ...).
    pub syscall: &'static str,
    /// The source as mount shows it (`none` for propagation changes).
    pub source: Option<String>,
    /// The filesystem type asked for, if any.
    pub fstype: Option<String>,
    /// `remount` was asked.
    pub remount: bool,
    /// A bind mount was asked.
    pub bind: bool,
    /// A move was asked.
    pub moving: bool,
    /// `ro` was asked.
    pub rdonly: bool,
    /// `-w` was given (explicit read-write).
    pub rwonly: bool,
    /// mount_setattr(2) refused the flags (libmount `MNT_ERR_APPLYFLAGS`).
    pub applyflags: bool,
    /// lstat(2) of the target succeeded.
    pub target_lstat: bool,
    /// stat(2) of the target succeeded.
    pub target_stat: bool,
    /// The target is a directory.
    pub target_dir: bool,
    /// The target is a regular file.
    pub target_reg: bool,
    /// stat(2) of the source succeeded.
    pub source_exists: bool,
    /// The source is a block device.
    pub source_blk: bool,
    /// The source is a regular file.
    pub source_reg: bool,
    /// The caller is root.
    pub root: bool,
    /// The mount holding the source's parent directory is shared.
    pub shared_tree: bool,
    /// The source is already mounted there (for EBUSY).
    pub mounted_on: Option<String>,
    /// `nofail` was given.
    pub nofail: bool,
}

/// The message for a failed system call, or `None` when `nofail` turns the
/// failure into success.
pub fn syscall_failure(errno: Errno, f: &Facts) -> Option<String> {
    let src = f.source.as_deref().unwrap_or("(null)");
    let generic = || format!("{}() failed: {}", f.syscall, common::error::strerror(errno));
    let missing_source = f.source.is_some() && !f.source_exists;
    Some(match errno {
        Errno::EPERM => {
            if !f.root {
                "must be superuser to use mount".into()
            } else if f.target_stat && ((f.bind && f.target_reg) || f.target_dir) {
                "permission denied".into()
            } else {
                "mount point is not a directory".into()
            }
        }
        Errno::EBUSY => {
            if f.remount {
                "mount point is busy".into()
            } else if let Some(on) = &f.mounted_on {
                format!("{src} already mounted on {on}")
            } else {
                format!("{src} already mounted or mount point busy")
            }
        }
        Errno::ENOENT => {
            if !f.target_lstat {
                "mount point does not exist".into()
            } else if !f.target_stat {
                "mount point is a symbolic link to nowhere".into()
            } else if missing_source {
                if f.nofail {
                    return None;
                }
                format!("special device {src} does not exist")
            } else {
                generic()
            }
        }
        Errno::ENOTDIR => {
            if !f.target_stat || !f.target_dir {
                "mount point is not a directory".into()
            } else if missing_source {
                if f.nofail {
                    return None;
                }
                format!("special device {src} does not exist (a path prefix is not a directory)")
            } else {
                generic()
            }
        }
        Errno::EINVAL => {
            if f.remount {
                "mount point not mounted or bad option".into()
            } else if f.applyflags {
                "not mount point or bad option".into()
            } else if f.moving && f.shared_tree {
                "bad option; moving a mount residing under a shared mount is unsupported".into()
            } else if f.fstype.as_deref().is_some_and(super::options::is_netfs) {
                "bad option; for several filesystems (e.g. nfs, cifs) you might need a /sbin/mount.<type> helper program".into()
            } else {
                format!(
                    "wrong fs type, bad option, bad superblock on {src}, missing codepage or helper program, or other error"
                )
            }
        }
        Errno::EMFILE => "mount table full".into(),
        Errno::EIO => format!("can't read superblock on {src}"),
        Errno::ENODEV => match &f.fstype {
            Some(t) => format!("unknown filesystem type '{t}'"),
            None => "unknown filesystem type".into(),
        },
        Errno::ENOTBLK => {
            if f.nofail {
                return None;
            }
            if !f.source_exists {
                format!("{src} is not a block device, and stat(2) fails?")
            } else if f.source_blk {
                format!("the kernel does not recognize {src} as a block device; maybe \"modprobe driver\" is necessary")
            } else if f.source_reg {
                format!("{src} is not a block device; try \"-o loop\"")
            } else {
                format!("{src} is not a block device")
            }
        }
        Errno::ENXIO => {
            if f.nofail {
                return None;
            }
            format!("{src} is not a valid block device")
        }
        Errno::EACCES | Errno::EROFS => {
            if f.rdonly {
                format!("cannot mount {src} read-only")
            } else if f.rwonly {
                format!("{src} is write-protected but explicit read-write mode requested")
            } else if f.remount {
                format!("cannot remount {src} read-write, is write-protected")
            } else if f.bind {
                format!("bind {src} failed")
            } else {
                generic()
            }
        }
        Errno::ENOMEDIUM => {
            if f.nofail {
                return None;
            }
            format!("no medium found on {src}")
        }
        Errno::EBADMSG if f.source_exists && (f.source_blk || f.source_reg) => {
            format!("cannot mount; probably corrupted filesystem on {src}")
        }
        _ => generic(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> Facts {
        Facts {
            syscall: "mount",
            source: Some("/src".into()),
            root: true,
            target_lstat: true,
            target_stat: true,
            target_dir: true,
            source_exists: true,
            ..Facts::default()
        }
    }

    fn msg(e: Errno, f: &Facts) -> String {
        syscall_failure(e, f).expect("a message")
    }

    #[test]
    fn enoent_names_the_missing_half() {
        let mut f = facts();
        f.target_lstat = false;
        f.target_stat = false;
        assert_eq!(msg(Errno::ENOENT, &f), "mount point does not exist");
        let mut f = facts();
        f.target_stat = false;
        assert_eq!(
            msg(Errno::ENOENT, &f),
            "mount point is a symbolic link to nowhere"
        );
        let mut f = facts();
        f.source_exists = false;
        assert_eq!(msg(Errno::ENOENT, &f), "special device /src does not exist");
        f.nofail = true;
        assert_eq!(syscall_failure(Errno::ENOENT, &f), None);
        assert_eq!(
            msg(Errno::ENOENT, &facts()),
            "mount() failed: No such file or directory"
        );
    }

    #[test]
    fn einval_depends_on_the_operation() {
        let mut f = facts();
        assert!(msg(Errno::EINVAL, &f)
            .starts_with("wrong fs type, bad option, bad superblock on /src,"));
        f.moving = true;
        f.shared_tree = true;
        assert_eq!(
            msg(Errno::EINVAL, &f),
            "bad option; moving a mount residing under a shared mount is unsupported"
        );
        f.applyflags = true;
        assert_eq!(msg(Errno::EINVAL, &f), "not mount point or bad option");
        f.remount = true;
        assert_eq!(
            msg(Errno::EINVAL, &f),
            "mount point not mounted or bad option"
        );
    }

    #[test]
    fn other_errnos() {
        let mut f = facts();
        f.fstype = Some("nosuchfs".into());
        assert_eq!(msg(Errno::ENODEV, &f), "unknown filesystem type 'nosuchfs'");
        assert_eq!(
            msg(Errno::EBUSY, &f),
            "/src already mounted or mount point busy"
        );
        f.mounted_on = Some("/mnt".into());
        assert_eq!(msg(Errno::EBUSY, &f), "/src already mounted on /mnt");
        f.target_dir = false;
        assert_eq!(msg(Errno::ENOTDIR, &f), "mount point is not a directory");
        assert_eq!(msg(Errno::EPERM, &f), "mount point is not a directory");
        f.rdonly = true;
        assert_eq!(msg(Errno::EROFS, &f), "cannot mount /src read-only");
        let mut f = facts();
        f.source_reg = true;
        assert_eq!(
            msg(Errno::ENOTBLK, &f),
            "/src is not a block device; try \"-o loop\""
        );
        f.syscall = "move_mount";
        assert_eq!(
            msg(Errno::ENOTDIR, &f),
            "move_mount() failed: Not a directory"
        );
    }
}
