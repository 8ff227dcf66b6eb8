//! The system calls nix does not wrap (or wraps only for the classic
//! signals), each in a small function; the only module with `unsafe`.
//!
//! Signals are raw numbers here because a child may die of a real-time
//! signal and `--kill-child=RTMIN+n` names one, which nix's `Signal` enum
//! cannot hold.

use nix::errno::Errno;
use nix::sys::signal::{SaFlags, SigAction, SigHandler, SigSet, Signal};
use nix::unistd::{ForkResult, Pid};
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd};
use std::sync::atomic::{AtomicI32, Ordering};

/// fork(2).
pub fn fork() -> Result<ForkResult, Errno> {
    // SAFETY: unshare is single-threaded (it never starts a thread, and
    // unshare(CLONE_NEWUSER) would fail otherwise), so the child may run any
    // code, including allocation, until it execs or exits.
    unsafe { nix::unistd::fork() }
}

/// How a waited-for child ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// exit(status).
    Exited(i32),
    /// Killed by this signal number.
    Signaled(i32),
}

/// waitpid(pid, 0), retried on EINTR, until the child has exited or been
/// killed (no WUNTRACED, as util-linux).
pub fn wait(pid: Pid) -> Result<Ended, Errno> {
    wait_until_ended(pid, false)
}

/// Resets signal `signo` to its default action (SIG_DFL).
pub fn set_default_action(signo: i32) -> Result<(), Errno> {
    // SAFETY: installing SIG_DFL runs no code of ours in signal context.
    let old = unsafe { libc::signal(signo, libc::SIG_DFL) };
    if old == libc::SIG_ERR {
        Err(Errno::last())
    } else {
        Ok(())
    }
}

/// Removes signal `signo` from the blocked set.
pub fn unblock(signo: i32) -> Result<(), Errno> {
    // SAFETY: sigset_t is plain data; sigemptyset initialises it before
    // sigaddset and sigprocmask read it, and the old-set pointer is null.
    let rc = unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        if libc::sigaddset(&mut set, signo) != 0 {
            return Err(Errno::last());
        }
        libc::sigprocmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut())
    };
    Errno::result(rc).map(drop)
}

/// Sends signal `signo` to this process.
pub fn kill_self(signo: i32) -> Result<(), Errno> {
    // SAFETY: kill(2) on our own pid has no memory-safety requirements.
    let rc = unsafe { libc::kill(libc::getpid(), signo) };
    Errno::result(rc).map(drop)
}

/// prctl(PR_SET_PDEATHSIG, signo).
pub fn set_pdeathsig(signo: i32) -> Result<(), Errno> {
    let signo = libc::c_ulong::try_from(signo).map_err(|_| Errno::EINVAL)?;
    // SAFETY: PR_SET_PDEATHSIG takes one integer argument; no pointers.
    let rc = unsafe { libc::prctl(libc::PR_SET_PDEATHSIG, signo, 0, 0, 0) };
    Errno::result(rc).map(drop)
}

/// pidfd_open(pid, 0) (Linux 5.3).
pub fn pidfd_open(pid: Pid) -> Result<OwnedFd, Errno> {
    // SAFETY: pidfd_open takes a pid and flags, no pointers.
    let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid.as_raw(), 0) };
    let fd = Errno::result(fd)?;
    let fd = i32::try_from(fd).map_err(|_| Errno::EBADF)?;
    // SAFETY: the kernel just returned this descriptor and nothing else
    // owns it.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// The id of the mount namespace behind an nsfs descriptor
/// (`NS_GET_MNTNS_ID`, Linux 6.8); what the kernel compares in its
/// mount-namespace loop check.
pub fn mnt_ns_id(fd: BorrowedFd<'_>) -> Result<u64, Errno> {
    let mut id: u64 = 0;
    // SAFETY: NS_GET_MNTNS_ID writes one u64 through the pointer, which
    // points to `id`.
    let rc = unsafe { libc::ioctl(fd.as_raw_fd(), libc::NS_GET_MNTNS_ID, &mut id as *mut u64) };
    Errno::result(rc).map(|_| id)
}

/// The child pid the `--forward-signals` handler sends to (0: none yet).
static FORWARD_TO: AtomicI32 = AtomicI32::new(0);

extern "C" fn forward_signal(signo: libc::c_int) {
    let pid = FORWARD_TO.load(Ordering::Relaxed);
    if pid > 0 {
        // SAFETY: kill(2) is async-signal-safe and takes no pointers.
        unsafe { libc::kill(pid, signo) };
    }
}

/// Sets the pid that [`install_forwarding`]'s handler sends to.
pub fn set_forward_target(pid: Pid) {
    FORWARD_TO.store(pid.as_raw(), Ordering::Relaxed);
}

/// Installs a handler on `signal` that passes it on to the pid set by
/// [`set_forward_target`]; returns the previous action.
pub fn install_forwarding(signal: Signal) -> Result<SigAction, Errno> {
    let action = SigAction::new(
        SigHandler::Handler(forward_signal),
        SaFlags::SA_RESTART,
        SigSet::empty(),
    );
    // SAFETY: the handler only reads an atomic and calls kill(2), both
    // async-signal-safe.
    unsafe { nix::sys::signal::sigaction(signal, &action) }
}

/// Puts back an action saved by [`install_forwarding`].
pub fn restore_action(signal: Signal, action: &SigAction) -> Result<(), Errno> {
    // SAFETY: the action is the one that was in place before ours; a
    // freshly exec'd process can only have inherited SIG_DFL or SIG_IGN
    // there, and nsbox installs no other handler for these signals.
    unsafe { nix::sys::signal::sigaction(signal, action) }.map(drop)
}

/// send(2) with MSG_NOSIGNAL: a vanished peer gives EPIPE, not SIGPIPE.
pub fn send_nosignal(fd: BorrowedFd<'_>, data: &[u8]) -> Result<usize, Errno> {
    // SAFETY: the pointer and length describe `data`, which outlives the
    // call.
    let n = unsafe {
        libc::send(
            fd.as_raw_fd(),
            data.as_ptr().cast(),
            data.len(),
            libc::MSG_NOSIGNAL,
        )
    };
    usize::try_from(n).map_err(|_| Errno::last())
}

/// waitpid(pid, WUNTRACED), retried on EINTR, until the child has exited
/// or been killed. A child that stops does not leave unshare waiting
/// unseen: unshare stops itself too (so a job-control shell gets its
/// prompt back), and once continued, continues the child.
pub fn wait_following_stops(pid: Pid) -> Result<Ended, Errno> {
    wait_until_ended(pid, true)
}

fn wait_until_ended(pid: Pid, follow_stops: bool) -> Result<Ended, Errno> {
    let options = if follow_stops { libc::WUNTRACED } else { 0 };
    loop {
        let mut status: libc::c_int = 0;
        // SAFETY: `status` is a valid, writable c_int for the call.
        let rc = unsafe { libc::waitpid(pid.as_raw(), &mut status, options) };
        if rc < 0 {
            match Errno::last() {
                Errno::EINTR => continue,
                e => return Err(e),
            }
        }
        if libc::WIFEXITED(status) {
            return Ok(Ended::Exited(libc::WEXITSTATUS(status)));
        }
        if libc::WIFSIGNALED(status) {
            return Ok(Ended::Signaled(libc::WTERMSIG(status)));
        }
        if libc::WIFSTOPPED(status) {
            // SAFETY: kill(2) on our own pid and on our child; no memory
            // is involved. SIGSTOP returns once we are continued.
            unsafe {
                libc::kill(libc::getpid(), libc::SIGSTOP);
                libc::kill(pid.as_raw(), libc::SIGCONT);
            }
        }
    }
}

/// clearenv(3): empties the environment.
pub fn clear_env() -> Result<(), Errno> {
    // SAFETY: unshare is single-threaded (see [`fork`]), so nothing else
    // reads the environment while it is emptied; no pointer into it is
    // held across the call.
    let rc = unsafe { libc::clearenv() };
    Errno::result(rc).map(drop)
}

/// Where `path` is in the mount tree (statx, Linux 5.8): whether it is
/// the root of a mount (`STATX_ATTR_MOUNT_ROOT`, `None` if the kernel does
/// not say) and the id of the mount it is on (`STATX_MNT_ID`, as in
/// /proc/self/mountinfo).
pub fn mount_of(path: &std::ffi::CStr) -> Result<(Option<bool>, Option<u64>), Errno> {
    // SAFETY: statx is plain data; all-zero is a valid value.
    let mut st: libc::statx = unsafe { std::mem::zeroed() };
    // SAFETY: `path` is NUL-terminated and `st` is a writable statx that
    // outlives the call.
    let rc = unsafe {
        libc::statx(
            libc::AT_FDCWD,
            path.as_ptr(),
            0,
            libc::STATX_MNT_ID,
            &mut st,
        )
    };
    Errno::result(rc)?;
    let bit = u64::try_from(libc::STATX_ATTR_MOUNT_ROOT).map_err(|_| Errno::EINVAL)?;
    let is_root = (st.stx_attributes_mask & bit != 0).then_some(st.stx_attributes & bit != 0);
    let id = (st.stx_mask & libc::STATX_MNT_ID != 0).then_some(st.stx_mnt_id);
    Ok((is_root, id))
}
