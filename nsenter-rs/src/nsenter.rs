//! Entering the namespaces: [`Options`] to setns(2) calls, then the program.
//!
//! Order as util-linux nsenter: namespace files are opened first; with a
//! target and Linux ≥ 5.8 every namespace taken from the target is entered
//! with one `setns(pidfd, flags)` (atomic, and immune to PID reuse), else
//! through `/proc/PID/ns/*`; explicit files use `setns(fd, type)`. Entry
//! is done in two passes — everything but the user namespace, ignoring
//! errors, then what is left, reporting them — so that the user namespace is
//! entered last when dropping privilege and first when gaining it.

use crate::cli::{DirArg, IdArg, NsSource, Options, Target};
use crate::sys;
use common::error::with_errno;
use common::ns::{NsKind, KINDS};
use nix::errno::Errno;
use nix::sched::CloneFlags;
use nix::sys::signal::{kill, Signal};
use nix::sys::wait::{waitpid, WaitPidFlag, WaitStatus};
use nix::unistd::{getpid, ForkResult};
use std::ffi::OsString;
use std::fs::File;
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::ffi::OsStringExt;
use std::path::Path;

/// A failure: the message after `nsenter: `; nsenter then exits 1.
#[derive(Debug, PartialEq, Eq)]
pub struct Failure(pub String);

impl Failure {
    fn errno(message: impl std::fmt::Display, errno: Errno) -> Failure {
        Failure(with_errno(message, errno))
    }
}

type Result<T> = std::result::Result<T, Failure>;

/// What to do once the namespaces are entered.
pub enum Next {
    /// Exec the program (this process, or the forked child).
    Exec,
    /// This is the parent of a forked child: exit with this status.
    Exit(i32),
}

/// One namespace kind to enter: from the target's pidfd, or from a file.
struct Request {
    kind: &'static NsKind,
    fd: Option<OwnedFd>,
}

fn errno_of(e: &std::io::Error) -> Errno {
    Errno::from_raw(e.raw_os_error().unwrap_or(libc::EIO))
}

/// Opens a file read-only (close-on-exec), with util-linux's
/// `cannot open PATH` error.
fn open(path: &Path) -> Result<OwnedFd> {
    File::open(path)
        .map(OwnedFd::from)
        .map_err(|e| Failure::errno(format!("cannot open {}", path.display()), errno_of(&e)))
}

/// `/proc/PID/WHAT` of the target, or util-linux's error without one.
fn open_target(target: Option<Target>, what: &str) -> Result<OwnedFd> {
    match target {
        Some(t) => open(Path::new(&format!("/proc/{}/{what}", t.pid))),
        None => Err(Failure(format!(
            "neither filename nor target pid supplied for {what}"
        ))),
    }
}

/// A pidfd for the target; with `PID:INODE` it must be a pidfs file with
/// that inode, so a PID reused by another process is refused.
fn target_pidfd(t: Target) -> Result<Option<OwnedFd>> {
    let fd = match sys::pidfd_open(t.pid) {
        Ok(fd) => fd,
        Err(e) if t.inode.is_some() => {
            return Err(Failure::errno(
                format!("failed to obtain a valid file descriptor for PID {}", t.pid),
                e,
            ))
        }
        Err(_) => return Ok(None),
    };
    if let Some(inode) = t.inode {
        let pidfs = nix::sys::statfs::fstatfs(&fd)
            .map(|s| s.filesystem_type() == sys::PIDFS_MAGIC)
            .unwrap_or(false);
        let errno = if !pidfs {
            Some(Errno::ENOTSUP)
        } else {
            match nix::sys::stat::fstat(&fd) {
                Ok(st) if st.st_ino == inode => None,
                Ok(_) => Some(Errno::ESRCH),
                Err(e) => Some(e),
            }
        };
        if let Some(e) = errno {
            return Err(Failure::errno(
                format!("failed to obtain a valid file descriptor for PID {}", t.pid),
                e,
            ));
        }
    }
    Ok(Some(fd))
}

/// setns(2) with pidfds needs Linux 5.8.
fn kernel_has_pidfd_setns() -> bool {
    let Ok(uts) = nix::sys::utsname::uname() else {
        return false;
    };
    let release = uts.release().to_string_lossy().into_owned();
    let mut parts = release
        .split(|c: char| !c.is_ascii_digit())
        .map(|p| p.parse::<u32>().unwrap_or(0));
    let major = parts.next().unwrap_or(0);
    let minor = parts.next().unwrap_or(0);
    (major, minor) >= (5, 8)
}

/// `-a`: a kind is entered when this kernel has it, except the user
/// namespace when it is the caller's own (setns into it is EINVAL).
fn usable_for_all(kind: &NsKind, target: Target) -> Result<bool> {
    let mine = format!("/proc/self/ns/{}", kind.name);
    let Ok(my_stat) = nix::sys::stat::stat(mine.as_str()) else {
        return Ok(false);
    };
    if kind.flag != CloneFlags::CLONE_NEWUSER {
        return Ok(true);
    }
    let theirs = format!("/proc/{}/ns/{}", target.pid, kind.name);
    let their_stat = nix::sys::stat::stat(theirs.as_str())
        .map_err(|e| Failure::errno(format!("stat of {theirs} failed"), e))?;
    Ok(their_stat.st_ino != my_stat.st_ino)
}

fn setns_failure(kind: Option<&NsKind>, e: Errno) -> Failure {
    match kind {
        Some(k) => Failure::errno(
            format!("reassociate to namespace 'ns/{}' failed", k.name),
            e,
        ),
        None => Failure::errno("reassociate to namespaces failed", e),
    }
}

/// One pass of setns calls over `requests` whose kind is in `mask`;
/// entered requests are removed. With `report`, the first failure ends it;
/// when the atomic pidfd entry fails then, the target's namespaces are tried
/// one by one through `/proc/PID/ns/*` so that the error names the culprit
/// (`reassociate to namespace 'ns/user' failed: Invalid argument`).
fn enter_pass(
    pidfd: Option<&OwnedFd>,
    target: Option<Target>,
    requests: &mut Vec<Request>,
    mask: CloneFlags,
    report: bool,
) -> Result<()> {
    if let Some(pidfd) = pidfd {
        let flags = requests
            .iter()
            .filter(|r| r.fd.is_none() && mask.contains(r.kind.flag))
            .fold(CloneFlags::empty(), |acc, r| acc | r.kind.flag);
        if !flags.is_empty() {
            match nix::sched::setns(pidfd, flags) {
                Ok(()) => requests.retain(|r| !(r.fd.is_none() && flags.contains(r.kind.flag))),
                Err(e) if report => {
                    for r in requests.iter_mut().filter(|r| r.fd.is_none()) {
                        let path = format!("ns/{}", r.kind.name);
                        r.fd =
                            Some(open_target(target, &path).map_err(|_| setns_failure(None, e))?);
                    }
                }
                Err(_) => {}
            }
        }
    }
    let mut failure = None;
    requests.retain(|r| {
        let Some(fd) = &r.fd else { return true };
        if failure.is_some() || !mask.contains(r.kind.flag) {
            return true;
        }
        match nix::sched::setns(fd, r.kind.flag) {
            Ok(()) => false,
            Err(e) => {
                if report {
                    failure = Some(setns_failure(Some(r.kind), e));
                }
                true
            }
        }
    });
    failure.map_or(Ok(()), Err)
}

/// Follows `-Z`: the target's SELinux context becomes our exec context.
/// Without SELinux there is nothing to follow, and util-linux 2.42 says
/// nothing either.
fn follow_context(target: Option<Target>) -> Result<()> {
    if !common::selinux_enabled() {
        return Ok(());
    }
    let t = target.ok_or_else(|| Failure("no target PID specified for --follow-context".into()))?;
    let context = std::fs::read(format!("/proc/{}/attr/current", t.pid))
        .map_err(|_| Failure(format!("failed to get {} SELinux context", t.pid)))?;
    let context: Vec<u8> = context
        .into_iter()
        .take_while(|&b| b != 0 && b != b'\n')
        .collect();
    std::fs::write("/proc/thread-self/attr/exec", &context).map_err(|_| {
        Failure(format!(
            "failed to set exec context to '{}'",
            String::from_utf8_lossy(&context)
        ))
    })
}

/// The cgroup.procs file of the target's cgroup (v2 only).
fn open_cgroup_procs(target: Option<Target>) -> Result<File> {
    let stat = nix::sys::statfs::statfs("/sys/fs/cgroup")
        .map_err(|e| Failure::errno("statfs /sys/fs/cgroup failed", e))?;
    if stat.filesystem_type() != nix::sys::statfs::CGROUP2_SUPER_MAGIC {
        return Err(Failure(
            "--join-cgroup is only supported in cgroup v2".into(),
        ));
    }
    let file = File::from(open_target(target, "cgroup")?);
    let text = std::io::read_to_string(file)
        .map_err(|e| Failure::errno("failed to get cgroup path", errno_of(&e)))?;
    let path = text
        .lines()
        .next()
        .and_then(|l| l.rsplit_once(':'))
        .map(|(_, p)| p.to_owned())
        .ok_or_else(|| Failure::errno("failed to get cgroup path", Errno::EINVAL))?;
    std::fs::OpenOptions::new()
        .append(true)
        .open(format!("/sys/fs/cgroup/{path}/cgroup.procs"))
        .map_err(|e| Failure::errno("failed to open cgroup.procs", errno_of(&e)))
}

/// Replaces the environment with the target's `/proc/PID/environ`.
fn adopt_environment(environ: OwnedFd) -> Result<()> {
    let mut data = Vec::new();
    std::io::Read::read_to_end(&mut File::from(environ), &mut data)
        .map_err(|e| Failure::errno("failed to get environment variables", errno_of(&e)))?;
    let vars: Vec<(OsString, OsString)> = data
        .split(|&b| b == 0)
        .filter_map(|entry| {
            let eq = entry.iter().position(|&b| b == b'=')?;
            (eq > 0).then(|| {
                (
                    OsString::from_vec(entry[..eq].to_vec()),
                    OsString::from_vec(entry[eq + 1..].to_vec()),
                )
            })
        })
        .collect();
    for (key, _) in std::env::vars_os() {
        std::env::remove_var(key);
    }
    for (key, value) in vars {
        std::env::set_var(key, value);
    }
    Ok(())
}

/// Forks; the parent waits for the child, following its stops, and returns
/// its exit status, or sends itself the signal that killed it (util-linux
/// `continue_as_child()`).
fn continue_as_child() -> Result<Next> {
    sys::default_action(Signal::SIGCHLD);
    let child = match sys::fork().map_err(|e| Failure::errno("fork failed", e))? {
        ForkResult::Child => return Ok(Next::Exec),
        ForkResult::Parent { child } => child,
    };
    loop {
        match waitpid(child, Some(WaitPidFlag::WUNTRACED)) {
            Ok(WaitStatus::Stopped(..)) => {
                let _ = kill(getpid(), Signal::SIGSTOP);
                let _ = kill(child, Signal::SIGCONT);
            }
            Ok(WaitStatus::Exited(_, code)) => return Ok(Next::Exit(code)),
            Ok(WaitStatus::Signaled(_, signal, _)) => {
                // As util-linux: the signal as the caller left it (one it
                // ignores or blocks does not kill nsenter, which exits 1).
                let _ = kill(getpid(), signal);
                return Ok(Next::Exit(1));
            }
            Ok(_) => {}
            Err(Errno::EINTR) => {}
            Err(_) => return Ok(Next::Exit(1)),
        }
    }
}

/// Does everything before the exec: opens, enters, changes root and
/// directory, environment, cgroup, forks, credentials and capabilities.
///
/// # Errors
/// The first failure, with util-linux's message.
pub fn enter(o: &Options) -> Result<Next> {
    if o.follow_context {
        follow_context(o.target)?;
    }
    let last_cap = o.keep_caps.then(common::caps::last_cap);
    let mut requests: Vec<Request> = Vec::new();
    for (kind, source) in KINDS.iter().zip(&o.namespaces) {
        match source {
            Some(NsSource::File(path)) => requests.push(Request {
                kind,
                fd: Some(open(path)?),
            }),
            Some(NsSource::Target) => requests.push(Request { kind, fd: None }),
            None => {}
        }
    }
    if o.all {
        let t = o
            .target
            .ok_or_else(|| Failure("no target PID specified".into()))?;
        for kind in &KINDS {
            if !requests.iter().any(|r| r.kind == kind) && usable_for_all(kind, t)? {
                requests.push(Request { kind, fd: None });
            }
        }
        requests.sort_by_key(|r| KINDS.iter().position(|k| k == r.kind));
    }

    let from_target = requests.iter().any(|r| r.fd.is_none());
    let mut pidfd = None;
    if from_target || o.net_socket.is_some() || o.user_parent {
        let t = o
            .target
            .ok_or_else(|| Failure("no target PID specified".into()))?;
        if kernel_has_pidfd_setns() {
            pidfd = target_pidfd(t)?;
        }
        if pidfd.is_none() {
            for r in requests.iter_mut().filter(|r| r.fd.is_none()) {
                r.fd = Some(open_target(o.target, &format!("ns/{}", r.kind.name))?);
            }
        }
    }

    let root = match &o.root {
        Some(DirArg::Path(p)) => Some(open(p)?),
        Some(DirArg::Target) => Some(open_target(o.target, "root")?),
        None => None,
    };
    let mut wd = match &o.wd {
        Some(DirArg::Path(p)) => Some(open(p)?),
        Some(DirArg::Target) => Some(open_target(o.target, "cwd")?),
        None => None,
    };
    let environ = if o.env {
        Some(open_target(o.target, "environ")?)
    } else {
        None
    };
    let owner = if o.uid == Some(IdArg::Follow) || o.gid == Some(IdArg::Follow) {
        let proc_dir = open_target(o.target, "")?;
        Some(
            nix::sys::stat::fstat(&proc_dir)
                .map_err(|e| Failure::errno("can not get process stat", e))?,
        )
    } else {
        None
    };
    let cgroup_procs = if o.join_cgroup {
        Some(open_cgroup_procs(o.target)?)
    } else {
        None
    };

    if o.user_parent {
        let user = user_parent_fd(o, &requests, pidfd.as_ref())?;
        requests.retain(|r| r.kind.flag != CloneFlags::CLONE_NEWUSER);
        requests.insert(
            0,
            Request {
                kind: &KINDS[0],
                fd: Some(user),
            },
        );
    }
    if let Some(sock) = o.net_socket {
        let netns = socket_netns(o, pidfd.as_ref(), sock)?;
        requests.retain(|r| r.kind.flag != CloneFlags::CLONE_NEWNET);
        requests.push(Request {
            kind: common::ns::by_name("net").unwrap_or(&KINDS[4]),
            fd: Some(netns),
        });
        requests.sort_by_key(|r| KINDS.iter().position(|k| k == r.kind));
    }

    let flags = requests
        .iter()
        .fold(CloneFlags::empty(), |acc, r| acc | r.kind.flag);
    if flags.is_empty() {
        return Err(Failure("no namespace specified".into()));
    }
    let fork = flags.contains(CloneFlags::CLONE_NEWPID) && !o.no_fork;
    let enters_user = flags.contains(CloneFlags::CLONE_NEWUSER);
    let (mut force_uid, mut force_gid) = (o.uid.is_some(), o.gid.is_some());
    let mut setgroups_failed = false;
    if enters_user && !o.preserve_credentials {
        force_uid = true;
        force_gid = true;
        setgroups_failed = nix::unistd::setgroups(&[]).is_err();
    }

    let pidfd_ref = pidfd.as_ref();
    enter_pass(
        pidfd_ref,
        o.target,
        &mut requests,
        flags - CloneFlags::CLONE_NEWUSER,
        false,
    )?;
    if !requests.is_empty() {
        enter_pass(pidfd_ref, o.target, &mut requests, flags, true)?;
    }
    drop(pidfd);

    if let Some(root) = root {
        if wd.is_none() && o.wdns.is_none() {
            wd = Some(File::open(".").map(OwnedFd::from).map_err(|e| {
                Failure::errno("cannot open current working directory", errno_of(&e))
            })?);
        }
        nix::unistd::fchdir(&root)
            .map_err(|e| Failure::errno("change directory by root file descriptor failed", e))?;
        nix::unistd::chroot(".").map_err(|e| Failure::errno("chroot failed", e))?;
        nix::unistd::chdir("/").map_err(|e| Failure::errno("cannot change directory to /", e))?;
    }
    if let Some(dir) = &o.wdns {
        wd =
            Some(File::open(dir).map(OwnedFd::from).map_err(|e| {
                Failure::errno("cannot open current working directory", errno_of(&e))
            })?);
    }
    if let Some(wd) = wd {
        nix::unistd::fchdir(&wd).map_err(|e| {
            Failure::errno(
                "change directory by working directory file descriptor failed",
                e,
            )
        })?;
    }
    if let Some(environ) = environ {
        adopt_environment(environ)?;
    }
    if let Some(mut procs) = cgroup_procs {
        use std::io::Write;
        procs
            .write_all(getpid().to_string().as_bytes())
            .map_err(|e| Failure::errno("write cgroup.procs failed", errno_of(&e)))?;
    }
    let uid = match o.uid {
        Some(IdArg::Id(n)) => n,
        Some(IdArg::Follow) => owner.map_or(0, |st| st.st_uid),
        None => 0,
    };
    let gid = match o.gid {
        Some(IdArg::Id(n)) => n,
        Some(IdArg::Follow) => owner.map_or(0, |st| st.st_gid),
        None => 0,
    };

    if fork {
        if let Next::Exit(code) = continue_as_child()? {
            return Ok(Next::Exit(code));
        }
    }
    // Credentials in the order setgroups, setgid, setuid, each checked to
    // have taken effect before the program runs.
    if force_gid {
        if let Err(e) = nix::unistd::setgroups(&[]) {
            if setgroups_failed {
                return Err(Failure::errno("setgroups failed", e));
            }
        }
        common::creds::set_gid(gid).map_err(|e| Failure::errno("setgid() failed", e))?;
    }
    if force_uid {
        common::creds::set_uid(uid).map_err(|e| Failure::errno("setuid() failed", e))?;
    }
    if let (Some(last_cap), true) = (last_cap, enters_user) {
        common::caps::permitted_to_ambient(last_cap)
            .map_err(|(what, e)| Failure::errno(what, e))?;
    }
    Ok(Next::Exec)
}

/// `--user-parent`: the parent of the user namespace we would enter.
fn user_parent_fd(o: &Options, requests: &[Request], pidfd: Option<&OwnedFd>) -> Result<OwnedFd> {
    let from_file = requests
        .iter()
        .find(|r| r.kind.flag == CloneFlags::CLONE_NEWUSER)
        .and_then(|r| r.fd.as_ref())
        .map(|fd| fd.try_clone())
        .transpose()
        .map_err(|e| Failure::errno("failed to open parent namespace", errno_of(&e)))?;
    let user = match from_file {
        Some(fd) => fd,
        None => {
            match pidfd.and_then(|p| sys::ioctl_fd(p.as_fd(), sys::PIDFD_GET_USER_NAMESPACE).ok()) {
                Some(fd) => fd,
                None => match requests.iter().find_map(|r| r.fd.as_ref()) {
                    Some(fd) => fd.try_clone().map_err(|e| {
                        Failure::errno("failed to open parent namespace", errno_of(&e))
                    })?,
                    None => open_target(o.target, "ns/user")?,
                },
            }
        }
    };
    sys::ioctl_fd(user.as_fd(), sys::NS_GET_USERNS)
        .map_err(|e| Failure::errno("failed to open parent namespace", e))
}

/// `-N FD`: the network namespace of socket FD of the target.
fn socket_netns(o: &Options, pidfd: Option<&OwnedFd>, sock: i32) -> Result<OwnedFd> {
    let local;
    let pidfd = match pidfd {
        Some(p) => p,
        None => {
            let pid = o.target.map_or(0, |t| t.pid);
            local = sys::pidfd_open(pid)
                .map_err(|e| Failure::errno(format!("failed to pidfd_open() for {pid}"), e))?;
            &local
        }
    };
    let socket = sys::pidfd_getfd(pidfd.as_fd(), sock).map_err(|e| {
        Failure::errno(
            format!(
                "pidfd_getfd({}, {sock})",
                std::os::fd::AsRawFd::as_raw_fd(pidfd)
            ),
            e,
        )
    })?;
    sys::ioctl_fd(socket.as_fd(), sys::SIOCGSKNS).map_err(|e| {
        Failure::errno(
            format!(
                "ioctl({}, SIOCGSKNS)",
                std::os::fd::AsRawFd::as_raw_fd(&socket)
            ),
            e,
        )
    })
}
