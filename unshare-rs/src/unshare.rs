//! [`Options`] → effects: the steps of util-linux's `main()` in its order
//! (reference §2.2), ending in exec of the program or, with `--fork`, in
//! passing on the child's exit status or terminating signal.
//!
//! Nothing is printed here except through [`Error`]; the program's own
//! output is its own.
#![forbid(unsafe_code)]

use crate::cli::{Options, Propagation, Setgroups, BINFMT_MISC};
use crate::idmap::{self, Mapper};
use crate::persist::Binder;
use crate::pivot;
use crate::{gate, sys, Error};
use nix::errno::Errno;
use nix::mount::{mount, MsFlags};
use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use nix::sched::{unshare, CloneFlags};
use nix::sys::signal::{sigprocmask, SigAction, SigSet, SigmaskHow, Signal};
use nix::unistd::{getpid, ForkResult};
use std::ffi::{OsStr, OsString};
use std::fs::OpenOptions;
use std::io::Write;
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;

/// The caller's ids, taken before unshare(2) changes what getuid() says.
struct Caller {
    euid: u32,
    egid: u32,
}

/// Runs `options`. Returns the child's exit status with `--fork`; without
/// it, returns only on failure (the process has become the program).
pub fn run(prog: &str, options: &Options) -> Result<i32, Error> {
    let o = options;
    let caller = Caller {
        euid: nix::unistd::geteuid().as_raw(),
        egid: nix::unistd::getegid().as_raw(),
    };
    // Clear an inherited SIGCHLD disposition; waitpid needs the default.
    let _ = sys::set_default_action(libc::SIGCHLD);
    let last_cap = o.keep_caps.then(common::caps::last_cap);

    let mut binder = Binder::prepare(prog, o.persistent().collect(), o.flags)?;
    let users = o
        .user_map_from_outside()
        .then(|| idmap::merge(&o.user_blocks, caller.euid, o.map_user));
    let groups = o
        .group_map_from_outside()
        .then(|| idmap::merge(&o.group_blocks, caller.egid, o.map_group));
    let mapper = Mapper::prepare(prog, users.as_deref(), groups.as_deref())?;
    if let Some((uid, gid)) = o.owner {
        switch_owner(uid, gid)?;
    }
    unshare(o.flags).map_err(|e| Error::sys("unshare failed", e))?;
    binder.after_unshare()?;
    if let Some(mapper) = mapper {
        mapper.release()?;
    }

    if let Some(secs) = o.boottime {
        set_clock_offset(libc::CLOCK_BOOTTIME, secs)?;
    }
    if let Some(secs) = o.monotonic {
        set_clock_offset(libc::CLOCK_MONOTONIC, secs)?;
    }

    if o.fork {
        if let Some(status) = fork_and_wait(o, &mut binder)? {
            return Ok(status);
        }
    } else {
        binder.bind(getpid())?;
    }
    drop(binder);

    setup(o, &caller, last_cap)?;
    Err(exec(prog, o))
}

/// `--owner`: the credentials that will own the new user namespace.
fn switch_owner(uid: u32, gid: u32) -> Result<(), Error> {
    switch_ids(Some(gid), Some(uid))
}

/// setgroups → setgid → setuid, each checked ([`common::creds`]).
fn switch_ids(gid: Option<u32>, uid: Option<u32>) -> Result<(), Error> {
    if let Some(gid) = gid {
        common::creds::drop_groups().map_err(|e| Error::sys("setgroups failed", e))?;
        common::creds::set_gid(gid).map_err(|e| Error::sys("setgid() failed", e))?;
    }
    if let Some(uid) = uid {
        common::creds::set_uid(uid).map_err(|e| Error::sys("setuid() failed", e))?;
    }
    Ok(())
}

/// `"<clockid> <secs> 0"` into `/proc/self/timens_offsets`.
fn set_clock_offset(clock: libc::clockid_t, secs: i64) -> Result<(), Error> {
    const PATH: &str = "/proc/self/timens_offsets";
    let mut file = OpenOptions::new()
        .write(true)
        .open(PATH)
        .map_err(|e| Error::sys(format!("failed to open {PATH}"), errno(&e)))?;
    let line = format!("{clock} {secs} 0");
    match file.write(line.as_bytes()) {
        Ok(n) if n == line.len() => Ok(()),
        Ok(_) => Err(Error::sys(format!("failed to write to {PATH}"), Errno::EIO)),
        Err(e) => Err(Error::sys(format!("failed to write to {PATH}"), errno(&e))),
    }
}

fn errno(e: &std::io::Error) -> Errno {
    e.raw_os_error().map_or(Errno::EIO, Errno::from_raw)
}

/// Signal state of the parent while it waits, saved so the child can
/// start the program with the caller's state.
struct SavedSignals {
    mask: SigSet,
    /// Previous SIGTERM and SIGINT actions when `--forward-signals`.
    forwarded: Option<(SigAction, SigAction)>,
}

impl SavedSignals {
    /// Blocks SIGINT and SIGTERM (util-linux: the "impatient parent"
    /// fix), or with `--forward-signals` installs handlers that pass them
    /// on to the child.
    fn prepare(forward: bool) -> Result<Self, Error> {
        let mut mask = SigSet::empty();
        if forward {
            let term = sys::install_forwarding(Signal::SIGTERM)
                .map_err(|e| Error::sys("sigaction SIGTERM failed", e))?;
            let int = sys::install_forwarding(Signal::SIGINT)
                .map_err(|e| Error::sys("sigaction SIGINT failed", e))?;
            sigprocmask(SigmaskHow::SIG_SETMASK, None, Some(&mut mask))
                .map_err(|e| Error::sys("sigprocmask failed", e))?;
            Ok(SavedSignals {
                mask,
                forwarded: Some((term, int)),
            })
        } else {
            let mut block = SigSet::empty();
            block.add(Signal::SIGINT);
            block.add(Signal::SIGTERM);
            sigprocmask(SigmaskHow::SIG_BLOCK, Some(&block), Some(&mut mask))
                .map_err(|e| Error::sys("sigprocmask block failed", e))?;
            Ok(SavedSignals {
                mask,
                forwarded: None,
            })
        }
    }

    /// In the child: back to the caller's actions and mask.
    fn restore(&self) -> Result<(), Error> {
        if let Some((term, int)) = &self.forwarded {
            sys::restore_action(Signal::SIGTERM, term)
                .and_then(|()| sys::restore_action(Signal::SIGINT, int))
                .map_err(|e| Error::sys("sigaction restore failed", e))?;
        }
        sigprocmask(SigmaskHow::SIG_SETMASK, Some(&self.mask), None)
            .map_err(|e| Error::sys("sigprocmask restore failed", e))
    }
}

/// `--fork`: returns `Some(status)` in the parent once the child is gone,
/// `None` in the child, which goes on to run the program.
fn fork_and_wait(o: &Options, binder: &mut Binder<'_>) -> Result<Option<i32>, Error> {
    // The child waits at this gate until the namespaces are bound, so
    // that a failed bind never leaves a running program behind.
    let go = if binder.is_needed() {
        Some(gate::new()?)
    } else {
        None
    };
    let saved = SavedSignals::prepare(o.forward_signals)?;
    let parent_fd = match o.kill_child {
        Some(_) => Some(sys::pidfd_open(getpid()).map_err(|e| Error::sys("pidfd_open failed", e))?),
        None => None,
    };
    match sys::fork().map_err(|e| Error::sys("fork failed", e))? {
        ForkResult::Child => {
            saved.restore()?;
            binder.forget_in_child();
            if let Some((waiter, opener)) = go {
                drop(opener);
                if !waiter.wait() {
                    // The parent could not bind; it reports why.
                    return Err(Error::Status(1));
                }
            }
            if let Some(signo) = o.kill_child {
                sys::set_pdeathsig(signo).map_err(|e| Error::sys("prctl failed", e))?;
                if let Some(fd) = parent_fd {
                    if parent_is_gone(&fd)? {
                        // Re-parented before prctl(2): whoever adopted us
                        // does not want our status.
                        return Err(Error::Status(1));
                    }
                }
            }
            Ok(None)
        }
        ForkResult::Parent { child } => {
            if o.forward_signals {
                sys::set_forward_target(child);
            }
            drop(parent_fd);
            let opener = go.map(|(waiter, opener)| {
                drop(waiter);
                opener
            });
            if let Err(e) = binder.bind(getpid()) {
                drop(opener);
                let _ = sys::wait(child);
                return Err(e);
            }
            if let Some(opener) = opener {
                // If the child is gone already, its end is passed on below.
                let _ = opener.open();
            }
            match sys::wait_following_stops(child).map_err(|e| Error::sys("waitpid failed", e))? {
                sys::Ended::Exited(code) => Ok(Some(code)),
                sys::Ended::Signaled(signo) => Err(die_of(signo)),
            }
        }
    }
}

/// True if the process behind the pidfd has exited.
fn parent_is_gone(fd: &OwnedFd) -> Result<bool, Error> {
    let mut fds = [PollFd::new(fd.as_fd(), PollFlags::POLLIN)];
    let ready =
        poll(&mut fds, PollTimeout::ZERO).map_err(|e| Error::sys("poll parent pidfd failed", e))?;
    Ok(ready > 0)
}

/// The child was killed by `signo`: die of the same signal (default action,
/// unblocked, sent to ourselves). SIGKILL needs no reset (util-linux 2.38
/// failed here with "sigprocmask unblock failed"). Returns only if the
/// signal did not end us.
fn die_of(signo: i32) -> Error {
    if signo != libc::SIGKILL {
        if let Err(e) = sys::set_default_action(signo) {
            return Error::sys("signal handler reset failed", e);
        }
    }
    if let Err(e) = sys::unblock(signo) {
        return Error::sys("sigprocmask unblock failed", e);
    }
    let sent = sys::kill_self(signo);
    Error::sys("child exit failed", sent.err().unwrap_or(Errno::last()))
}

/// Writes `text` to a /proc file in one write (uid_map, gid_map).
fn write_proc(path: &str, text: &str) -> Result<(), Error> {
    let mut file = OpenOptions::new()
        .write(true)
        .open(path)
        .map_err(|e| Error::sys(format!("cannot open {path}"), errno(&e)))?;
    file.write_all(text.as_bytes())
        .map_err(|e| Error::sys(format!("write failed {path}"), errno(&e)))
}

/// Writes `allow`/`deny` to `/proc/self/setgroups` (absent before Linux
/// 3.19: ignored).
fn setgroups_control(what: Setgroups) -> Result<(), Error> {
    const PATH: &str = "/proc/self/setgroups";
    let mut file = match OpenOptions::new().write(true).open(PATH) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(Error::sys(format!("cannot open {PATH}"), errno(&e))),
    };
    file.write_all(what.word().as_bytes())
        .map_err(|e| Error::sys(format!("write failed {PATH}"), errno(&e)))
}

fn lossy(s: &OsStr) -> std::borrow::Cow<'_, str> {
    s.to_string_lossy()
}

/// Steps 13–22: id maps, setgroups, propagation, an `F` interpreter
/// before --root, chroot or --pivot-root, chdir, /proc, binfmt_misc,
/// credentials, capabilities, environment.
fn setup(o: &Options, caller: &Caller, last_cap: Option<u32>) -> Result<(), Error> {
    if let Some(uid) = o.map_user.filter(|_| !o.user_map_from_outside()) {
        write_proc("/proc/self/uid_map", &format!("{uid} {} 1", caller.euid))?;
    }
    if let Some(gid) = o.map_group.filter(|_| !o.group_map_from_outside()) {
        // Since Linux 3.19 gid_map can only be written (without privilege
        // in the parent namespace) once setgroups is denied.
        setgroups_control(Setgroups::Deny)?;
        write_proc("/proc/self/gid_map", &format!("{gid} {} 1", caller.egid))?;
    }
    if let Some(what) = o.setgroups {
        setgroups_control(what)?;
    }

    if o.flags.contains(CloneFlags::CLONE_NEWNS) {
        if let Some(flags) = o.propagation.flags() {
            mount(Some("none"), "/", None::<&str>, flags, None::<&str>)
                .map_err(|e| Error::sys("cannot change root filesystem propagation", e))?;
        }
    }

    // `-l` with the F flag (the interpreter is opened when registered) and
    // --root: register from the old root, where the interpreter is.
    let fixed_interp = o
        .load_interp
        .as_ref()
        .filter(|i| is_fixed(i) && o.root.is_some());
    if let Some(interp) = fixed_interp {
        mount_binfmt(OsStr::new(BINFMT_MISC))?;
        load_interp(OsStr::new(BINFMT_MISC), interp)?;
    }

    if let Some(root) = &o.root {
        nix::unistd::chroot(root.as_os_str()).map_err(|e| {
            Error::sys(
                format!("cannot change root directory to '{}'", lossy(root)),
                e,
            )
        })?;
    }
    let mut proc_mounted = false;
    if let Some(dir) = &o.pivot_root {
        proc_mounted = pivot::enter(
            dir,
            o.mount_proc.as_deref(),
            o.flags.contains(CloneFlags::CLONE_NEWUSER),
        )?;
    }
    let new_root = o.root.is_some() || o.pivot_root.is_some();
    let wd = o.wd.as_deref().or(new_root.then_some(OsStr::new("/")));
    if let Some(wd) = wd {
        nix::unistd::chdir(wd)
            .map_err(|e| Error::sys(format!("cannot change directory to {}", lossy(wd)), e))?;
    }

    if let Some(dir) = o.mount_proc.as_ref().filter(|_| !proc_mounted) {
        if o.root.is_none() && o.propagation != Propagation::Private {
            // The recursive private change of / did not cover DIR; a DIR
            // that is not a mount point gives EINVAL, which is fine.
            match mount(
                Some("none"),
                dir.as_os_str(),
                None::<&str>,
                MsFlags::MS_PRIVATE | MsFlags::MS_REC,
                None::<&str>,
            ) {
                Ok(()) | Err(Errno::EINVAL) => {}
                Err(e) => {
                    return Err(Error::sys(
                        format!("cannot change {} filesystem propagation", lossy(dir)),
                        e,
                    ))
                }
            }
        }
        mount(
            Some("proc"),
            dir.as_os_str(),
            Some("proc"),
            MsFlags::MS_NOSUID | MsFlags::MS_NOEXEC | MsFlags::MS_NODEV,
            None::<&str>,
        )
        .map_err(|e| Error::sys(format!("mount {} failed", lossy(dir)), e))?;
    }

    if let Some(dir) = &o.mount_binfmt {
        mount_binfmt(dir)?;
    }
    if let Some(interp) = o.load_interp.as_ref().filter(|_| fixed_interp.is_none()) {
        if let Some(dir) = &o.mount_binfmt {
            load_interp(dir, interp)?;
        }
    }

    switch_ids(o.setgid, o.setuid)?;

    if let Some(last_cap) = last_cap {
        if o.flags.contains(CloneFlags::CLONE_NEWUSER) {
            common::caps::permitted_to_ambient(last_cap)
                .map_err(|(what, e)| Error::sys(what, e))?;
        }
    }

    if o.clear_env || o.whitelist_env.is_some() {
        set_environment(o.whitelist_env.as_deref().unwrap_or_default())?;
    }
    Ok(())
}

/// `--clear-env`, `--whitelist-env`: empties the environment but for the
/// variables named in `keep` (their current values). util-linux keeps the
/// whole environment when none of the named variables is set (its list of
/// kept variables is then empty, which it reads as "no whitelist"); nsbox
/// clears it, as the option says.
fn set_environment(keep: &[OsString]) -> Result<(), Error> {
    let kept: Vec<(&OsString, OsString)> = keep
        .iter()
        .filter(|name| !name.as_bytes().contains(&b'='))
        .filter_map(|name| std::env::var_os(name).map(|value| (name, value)))
        .collect();
    sys::clear_env().map_err(|e| Error::sys("clearenv failed", e))?;
    for (name, value) in kept {
        std::env::set_var(name, value);
    }
    Ok(())
}

/// True if a binfmt_misc definition has the `F` (fix binary) flag: the
/// interpreter is opened when registered, not when used.
fn is_fixed(interp: &OsStr) -> bool {
    let bytes = interp.as_bytes();
    let flags = bytes.iter().rposition(|&b| b == b':').map(|i| &bytes[i..]);
    flags.is_some_and(|f| f.contains(&b'F'))
}

/// Mounts a binfmt_misc (the new user namespace's own instance) on `dir`.
fn mount_binfmt(dir: &OsStr) -> Result<(), Error> {
    mount(
        Some("binfmt_misc"),
        dir,
        Some("binfmt_misc"),
        MsFlags::MS_NOSUID | MsFlags::MS_NOEXEC | MsFlags::MS_NODEV,
        None::<&str>,
    )
    .map_err(|e| Error::sys(format!("mount {} failed", lossy(dir)), e))
}

/// Writes the definition `interp` to `DIR/register`.
fn load_interp(dir: &OsStr, interp: &OsStr) -> Result<(), Error> {
    let register = std::path::Path::new(dir).join("register");
    let shown = lossy(dir);
    if !std::path::Path::new(dir).is_dir() {
        let e = std::fs::metadata(dir)
            .map(|_| Errno::ENOTDIR)
            .unwrap_or_else(|e| errno(&e));
        return Err(Error::sys(format!("cannot open {shown}"), e));
    }
    let mut file = OpenOptions::new()
        .write(true)
        .open(&register)
        .map_err(|e| Error::sys(format!("cannot open {shown}/register"), errno(&e)))?;
    file.write_all(interp.as_bytes())
        .map_err(|e| Error::sys(format!("write failed {shown}/register"), errno(&e)))
}

/// Execs the program (or the user's shell); returns the failure.
fn exec(prog: &str, o: &Options) -> Error {
    let code = if o.program.is_empty() {
        common::error::exec_shell(prog)
    } else {
        common::error::exec(prog, &o.program)
    };
    Error::Status(code)
}
