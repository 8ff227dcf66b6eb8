//! Persistent namespaces (`--mount=FILE`, `--net=FILE`, ...): after
//! unshare(2), `/proc/PID/ns/<kind>` (`pid_for_children`,
//! `time_for_children` for pid and time) is bind-mounted on each FILE, so
//! the namespace outlives its processes.
//!
//! The bind must be made from the *original* mount namespace (that is where
//! FILE is) with privilege over it. Once the process has unshared its mount
//! or user namespace it has neither, so for `-m`/`-U` a helper is forked
//! before unshare(2) (util-linux 2.38 got this wrong for `--user=FILE`); the
//! helper waits at a [`gate`] and binds when told. Otherwise the process binds
//! itself.
//!
//! Failure leaves nothing behind: if one bind fails the ones already made
//! are detached, the helper exits when its gate closes, and a `--fork`
//! child that waits for the binds exits without running the program. The
//! error names the cause when it can tell (FILE missing, FILE on a shared
//! mount).
//!
//! The kernel refuses to bind a mount-namespace file unless that namespace
//! is newer (has a larger id) than the namespace of the process doing the
//! bind, a loop check. Since Linux 6.x namespace ids come from per-CPU
//! batches, so a namespace made on one CPU can get a smaller id than an
//! older one made on another, and the bind then fails with EINVAL at random
//! (util-linux fails 2 runs in 3 here). [`Binder::after_unshare`] therefore
//! checks the ids (`NS_GET_MNTNS_ID`) and, if the new namespace would be
//! refused, makes it again on one CPU after the other (those it may run on
//! first, its affinity restored afterwards) until one gives a newer id.
#![forbid(unsafe_code)]

use crate::{gate, sys, Error};
use common::ns::NsKind;
use nix::errno::Errno;
use nix::mount::{mount, umount2, MntFlags, MsFlags};
use nix::sched::{sched_getaffinity, sched_setaffinity, unshare, CloneFlags, CpuSet};
use nix::unistd::{ForkResult, Pid};
use std::ffi::OsString;
use std::fs::File;
use std::os::fd::AsFd;
use std::path::Path;

/// The helper process forked before unshare(2).
struct Helper {
    pid: Pid,
    /// Opens the gate the helper waits at.
    go: gate::Opener,
}

/// Makes the requested `--NS=FILE` bind mounts.
pub struct Binder<'a> {
    prog: &'a str,
    targets: Vec<(&'static NsKind, &'a OsString)>,
    helper: Option<Helper>,
    /// Id of the original mount namespace, when a mount namespace is to be
    /// bound and the kernel reports ids.
    mnt_id_before: Option<u64>,
}

fn self_mnt_ns_id() -> Result<u64, Errno> {
    let file = File::open("/proc/self/ns/mnt").map_err(|e| io_errno(&e))?;
    sys::mnt_ns_id(file.as_fd())
}

fn io_errno(e: &std::io::Error) -> Errno {
    e.raw_os_error().map_or(Errno::EIO, Errno::from_raw)
}

impl<'a> Binder<'a> {
    /// Prepares for binding `targets` after unshare(2) of `flags`: forks
    /// the helper when the mount or user namespace will change.
    pub fn prepare(
        prog: &'a str,
        targets: Vec<(&'static NsKind, &'a OsString)>,
        flags: CloneFlags,
    ) -> Result<Self, Error> {
        let mut binder = Binder {
            prog,
            targets,
            helper: None,
            mnt_id_before: None,
        };
        if binder.targets.is_empty() {
            return Ok(binder);
        }
        if binder
            .targets
            .iter()
            .any(|(k, _)| k.flag == CloneFlags::CLONE_NEWNS)
        {
            binder.mnt_id_before = self_mnt_ns_id().ok();
        }
        if flags.intersects(CloneFlags::CLONE_NEWNS | CloneFlags::CLONE_NEWUSER) {
            let (waiter, opener) = gate::new()?;
            let parent = nix::unistd::getpid();
            match sys::fork().map_err(|e| Error::sys("fork failed", e))? {
                ForkResult::Child => {
                    drop(opener);
                    let code = binder.helper_main(waiter, parent);
                    std::process::exit(code);
                }
                ForkResult::Parent { child } => {
                    drop(waiter);
                    binder.helper = Some(Helper {
                        pid: child,
                        go: opener,
                    });
                }
            }
        }
        Ok(binder)
    }

    /// True when there is something to bind.
    pub fn is_needed(&self) -> bool {
        !self.targets.is_empty()
    }

    /// The helper: waits at the gate, binds, reports. A gate closed
    /// without opening (the unshare process failed or died) ends it quietly.
    fn helper_main(&self, waiter: gate::Waiter, parent: Pid) -> i32 {
        if !waiter.wait() {
            return 0;
        }
        match bind_all(parent, &self.targets) {
            Ok(()) => 0,
            Err(e) => e.report(self.prog),
        }
    }

    /// Right after unshare(2): makes sure the kernel will accept the new
    /// mount namespace for binding (see the module documentation).
    pub fn after_unshare(&self) -> Result<(), Error> {
        let Some(before) = self.mnt_id_before else {
            return Ok(());
        };
        match self_mnt_ns_id() {
            Ok(id) if id > before => return Ok(()),
            Ok(_) => {}
            Err(_) => return Ok(()),
        }
        let original = sched_getaffinity(Pid::from_raw(0))
            .map_err(|e| Error::sys("sched_getaffinity failed", e))?;
        let mut result = Err(Error::Msg(format!(
            "cannot make a mount namespace that can be bound: the kernel binds only one \
             newer than the current mount namespace (id {before}), and no CPU gave a newer id"
        )));
        // The CPUs we may run on first, then the others (a CPU outside a
        // cpuset simply fails); the original affinity is restored below.
        let allowed = |cpu: usize| original.is_set(cpu).unwrap_or(false);
        let cpus = (0..CpuSet::count())
            .filter(|&c| allowed(c))
            .chain((0..CpuSet::count()).filter(|&c| !allowed(c)));
        for cpu in cpus {
            let mut one = CpuSet::new();
            if one.set(cpu).is_err() || sched_setaffinity(Pid::from_raw(0), &one).is_err() {
                continue;
            }
            if let Err(e) = unshare(CloneFlags::CLONE_NEWNS) {
                result = Err(Error::sys("unshare failed", e));
                break;
            }
            if matches!(self_mnt_ns_id(), Ok(id) if id > before) {
                result = Ok(());
                break;
            }
        }
        let _ = sched_setaffinity(Pid::from_raw(0), &original);
        result
    }

    /// Forgets the helper in a forked child (only the parent talks to it).
    pub fn forget_in_child(&mut self) {
        self.helper = None;
    }

    /// Binds every target to the namespaces of process `pid` (through the
    /// helper when there is one). On failure nothing stays mounted.
    pub fn bind(&mut self, pid: Pid) -> Result<(), Error> {
        if self.targets.is_empty() {
            return Ok(());
        }
        let Some(helper) = self.helper.take() else {
            return bind_all(pid, &self.targets);
        };
        // If the helper is gone, the wait below says how it ended.
        let _ = helper.go.open();
        match sys::wait(helper.pid).map_err(|e| Error::sys("waitpid failed", e))? {
            sys::Ended::Exited(0) => Ok(()),
            sys::Ended::Exited(code) => Err(Error::Status(code)),
            sys::Ended::Signaled(_) => Err(Error::Msg("bind helper was killed".into())),
        }
    }
}

impl Drop for Binder<'_> {
    /// An unused helper (unshare failed before binding) sees EOF and exits;
    /// reap it so it does not linger.
    fn drop(&mut self) {
        if let Some(helper) = self.helper.take() {
            drop(helper.go);
            let _ = sys::wait(helper.pid);
        }
    }
}

/// Binds `/proc/PID/ns/<kind>` on each FILE, in order; if one fails,
/// detaches those already made and returns the error with its cause.
fn bind_all(pid: Pid, targets: &[(&'static NsKind, &OsString)]) -> Result<(), Error> {
    let mut done: Vec<&OsString> = Vec::new();
    for (kind, file) in targets {
        let source = format!("/proc/{pid}/ns/{}", kind.for_children);
        if let Err(errno) = mount(
            Some(source.as_str()),
            file.as_os_str(),
            None::<&str>,
            MsFlags::MS_BIND,
            None::<&str>,
        ) {
            for f in done.iter().rev() {
                let _ = umount2(f.as_os_str(), MntFlags::MNT_DETACH);
            }
            let error = Error::sys(
                format!("mount {source} on {} failed", file.to_string_lossy()),
                errno,
            );
            return Err(match cause(kind, Path::new(file), errno) {
                Some(why) => Error::Explained(Box::new(error), why),
                None => error,
            });
        }
        done.push(file);
    }
    Ok(())
}

/// Why binding a namespace of `kind` on `file` failed with `errno`, when we
/// can tell.
fn cause(kind: &NsKind, file: &Path, errno: Errno) -> Option<String> {
    let shown = file.display();
    match errno {
        Errno::ENOENT if std::fs::symlink_metadata(file).is_err() => Some(format!(
            "{shown} does not exist; create the file first (for example with touch)"
        )),
        Errno::EINVAL if kind.flag == CloneFlags::CLONE_NEWNS => {
            Some(match shared_mount_of(file) {
                Some((group, mountpoint)) => format!(
                    "{shown} is on a shared mount ({mountpoint}, peer group {group}), where the \
                 kernel refuses mount namespace files; make it private first \
                 (mount --make-private {mountpoint})"
                ),
                None => "the kernel took the new mount namespace for an older one than the \
                     current (its loop check)"
                    .to_owned(),
            })
        }
        _ => None,
    }
}

/// The peer group number and mount point if the mount that holds `file`
/// is shared.
fn shared_mount_of(file: &Path) -> Option<(u64, String)> {
    let handle = File::open(file).ok()?;
    let fdinfo = std::fs::read_to_string(format!(
        "/proc/self/fdinfo/{}",
        std::os::fd::AsRawFd::as_raw_fd(&handle)
    ))
    .ok()?;
    let mnt_id = fdinfo
        .lines()
        .find_map(|l| l.strip_prefix("mnt_id:"))?
        .trim()
        .to_owned();
    let mountinfo = std::fs::read_to_string("/proc/self/mountinfo").ok()?;
    shared_group(&mountinfo, &mnt_id)
}

/// In mountinfo text, the `shared:N` and the (escaped) mount point of mount
/// `mnt_id`, if it is shared.
fn shared_group(mountinfo: &str, mnt_id: &str) -> Option<(u64, String)> {
    let line = mountinfo
        .lines()
        .find(|l| l.split(' ').next() == Some(mnt_id))?;
    let group = line
        .split(' ')
        .skip(6)
        .take_while(|f| *f != "-")
        .find_map(|f| f.strip_prefix("shared:"))
        .and_then(|n| n.parse().ok())?;
    Some((group, line.split(' ').nth(4)?.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_group_reads_optional_fields() {
        let mi = "22 1 0:21 / /proc rw,relatime - proc proc rw\n\
                  61 22 0:44 / /tmp/x rw shared:7 master:3 - tmpfs t rw\n\
                  62 22 0:45 / /tmp/y rw master:3 - tmpfs t rw\n";
        assert_eq!(shared_group(mi, "61"), Some((7, "/tmp/x".to_owned())));
        assert_eq!(shared_group(mi, "62"), None);
        assert_eq!(shared_group(mi, "22"), None);
        assert_eq!(shared_group(mi, "6"), None);
    }

    #[test]
    fn missing_file_is_named_as_the_cause() {
        let kind = common::ns::by_name("net").expect("net kind");
        let why = cause(kind, Path::new("/nonexistent/nsbox/f"), Errno::ENOENT);
        assert_eq!(
            why.as_deref(),
            Some("/nonexistent/nsbox/f does not exist; create the file first (for example with touch)")
        );
        assert_eq!(cause(kind, Path::new("/"), Errno::EPERM), None);
    }
}
