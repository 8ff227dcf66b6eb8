//! `--pivot-root=DIR` (nsbox extension): make DIR the root of the new mount
//! namespace the way container runtimes do, so that the program sees only
//! the mounts under DIR. `--root` is a chroot(2), which leaves every mount
//! of the old root reachable (and escapable by a privileged program);
//! here the old root is detached.
//!
//! Steps, after the propagation change of the namespace:
//!
//! 0. pivot_root(2) refuses shared mounts (DIR's, its parent's, the
//!    parent of `/`). That is checked first, from /proc/self/mountinfo,
//!    because a bind made on a shared mount would propagate to other
//!    namespaces, and so would its unmount (which on a shared subtree can
//!    take other mounts along).
//! 1. DIR must be a mount: if it is not, it is bind-mounted onto itself
//!    (recursively, so the mounts below it come along). In a new user
//!    namespace it is bound even if it is a mount: the mounts copied from
//!    the parent are locked, and pivot_root(2) refuses a locked new root.
//! 2. `--mount-proc` is mounted at DIR/PROCDIR *before* the old root goes:
//!    in a user namespace the kernel lets proc be mounted only while a
//!    fully visible proc exists in the namespace.
//! 3. `chdir(DIR)`, `pivot_root(".", ".")`, which stacks the old root on
//!    the new one, and `umount2(".", MNT_DETACH)`, which takes it away.
#![forbid(unsafe_code)]

use crate::{sys, Error};
use nix::errno::Errno;
use nix::mount::{mount, umount2, MntFlags, MsFlags};
use std::ffi::{CString, OsStr};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

fn lossy(s: &OsStr) -> std::borrow::Cow<'_, str> {
    s.to_string_lossy()
}

/// Makes `dir` the root; mounts proc at `mount_proc` inside it on the way.
/// Returns whether proc was mounted. The working directory is the new
/// root afterwards.
pub fn enter(dir: &OsStr, mount_proc: Option<&OsStr>, new_userns: bool) -> Result<bool, Error> {
    let shown = lossy(dir);
    let refused = |e| Error::sys(format!("cannot pivot_root to '{shown}'"), e);
    let c_dir = CString::new(dir.as_bytes()).map_err(|_| refused(Errno::EINVAL))?;
    let (is_mount, dir_mount) = sys::mount_of(&c_dir).map_err(refused)?;
    // Too old a kernel to tell: a bind onto itself is harmless.
    let bound = !is_mount.unwrap_or(false) || new_userns;
    let (_, root_mount) = sys::mount_of(c"/").map_err(refused)?;
    if let (Some(dir_mount), Some(root_mount)) = (dir_mount, root_mount) {
        let table = std::fs::read("/proc/self/mountinfo").unwrap_or_default();
        let table = Propagation::parse(&String::from_utf8_lossy(&table));
        // The parent of the new root: DIR's mount if DIR is bound, else the
        // mount DIR is the root of (which itself must not be shared).
        let mut must_not_share = vec![table.parent(root_mount)];
        if bound {
            must_not_share.push(Some(dir_mount));
        } else {
            must_not_share.extend([Some(dir_mount), table.parent(dir_mount)]);
        }
        if must_not_share
            .into_iter()
            .flatten()
            .any(|id| table.is_shared(id))
        {
            return Err(Error::Explained(
                Box::new(refused(Errno::EINVAL)),
                "pivot_root(2) refuses shared mounts: use --propagation private or slave".into(),
            ));
        }
    }
    // Absolute, so that the undo below works from any directory.
    let dir_path = std::path::absolute(dir)
        .map_err(|e| refused(Errno::from_raw(e.raw_os_error().unwrap_or(libc::EINVAL))))?;
    if bound {
        mount(
            Some(dir),
            &dir_path,
            None::<&str>,
            MsFlags::MS_BIND | MsFlags::MS_REC,
            None::<&str>,
        )
        .map_err(|e| Error::sys(format!("cannot bind {shown} onto itself"), e))?;
    }
    let mut proc_target = None;
    let result = (|| {
        if let Some(proc_dir) = mount_proc {
            let target = inside(&dir_path, Path::new(proc_dir));
            mount(
                Some("proc"),
                &target,
                Some("proc"),
                MsFlags::MS_NOSUID | MsFlags::MS_NOEXEC | MsFlags::MS_NODEV,
                None::<&str>,
            )
            .map_err(|e| Error::sys(format!("mount {} failed", target.display()), e))?;
            proc_target = Some(target);
        }
        nix::unistd::chdir(&dir_path)
            .map_err(|e| Error::sys(format!("cannot change directory to {shown}"), e))?;
        nix::unistd::pivot_root(".", ".").map_err(refused)
    })();
    if let Err(e) = result {
        // Take back what was mounted: with a shared root (the usual
        // reason pivot_root fails) it has propagated to other namespaces.
        if let Some(target) = proc_target {
            let _ = umount2(&target, MntFlags::MNT_DETACH);
        }
        if bound {
            let _ = umount2(&dir_path, MntFlags::MNT_DETACH);
        }
        return Err(e);
    }
    umount2(".", MntFlags::MNT_DETACH).map_err(|e| Error::sys("cannot detach the old root", e))?;
    nix::unistd::chdir("/").map_err(|e| Error::sys("cannot change directory to /", e))?;
    Ok(mount_proc.is_some())
}

/// The propagation facts of /proc/self/mountinfo that pivot_root(2) cares
/// about: each mount's parent and whether it is shared.
struct Propagation(Vec<(u64, u64, bool)>);

impl Propagation {
    fn parse(mountinfo: &str) -> Self {
        Propagation(
            mountinfo
                .lines()
                .filter_map(|line| {
                    let mut fields = line.split(' ');
                    let id = fields.next()?.parse().ok()?;
                    let parent = fields.next()?.parse().ok()?;
                    // Optional fields (after the sixth) up to the "-".
                    let shared = fields
                        .skip(4)
                        .take_while(|f| *f != "-")
                        .any(|f| f.starts_with("shared:"));
                    Some((id, parent, shared))
                })
                .collect(),
        )
    }

    fn parent(&self, id: u64) -> Option<u64> {
        self.0.iter().find(|m| m.0 == id).map(|m| m.1)
    }

    fn is_shared(&self, id: u64) -> bool {
        self.0.iter().any(|m| m.0 == id && m.2)
    }
}

/// `path` (absolute or not) as a path under `root`.
fn inside(root: &Path, path: &Path) -> PathBuf {
    let relative = path.strip_prefix("/").unwrap_or(path);
    root.join(relative)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_mounts_from_mountinfo() {
        let table = Propagation::parse(
            "22 1 0:21 / / rw shared:1 - ext4 /dev/vda rw\n\
             30 22 0:40 / /tmp rw,nosuid - tmpfs x rw\n\
             31 30 0:41 / /tmp/r rw master:3 shared:7 - tmpfs y rw\n\
             32 31 0:42 / /tmp/r/p rw master:4 - tmpfs z rw\n",
        );
        assert_eq!(table.parent(30), Some(22));
        assert_eq!(table.parent(99), None);
        assert!(table.is_shared(22) && table.is_shared(31));
        assert!(!table.is_shared(30) && !table.is_shared(32) && !table.is_shared(99));
    }

    #[test]
    fn paths_under_the_new_root() {
        assert_eq!(
            inside(Path::new("/srv/r"), Path::new("/proc")),
            PathBuf::from("/srv/r/proc")
        );
        assert_eq!(inside(Path::new("r"), Path::new("p")), PathBuf::from("r/p"));
        assert_eq!(
            inside(Path::new("/r"), Path::new("/")),
            PathBuf::from("/r/")
        );
    }
}
