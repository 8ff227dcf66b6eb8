//! The system calls nsenter needs that nix does not wrap: pidfds
//! (pidfd_open(2), pidfd_getfd(2)) and the nsfs/pidfs/socket ioctls that
//! return a namespace file descriptor (ioctl_ns(2)). The only `unsafe` of the
//! crate lives here.

use nix::errno::Errno;
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd};

/// `NS_GET_USERNS` (`_IO(0xb7, 0x1)`): the user namespace owning a
/// namespace; for a user namespace, its parent.
pub const NS_GET_USERNS: libc::c_ulong = 0xb701;
/// `PIDFD_GET_USER_NAMESPACE` (`_IO(0xff, 9)`, Linux 6.11): the user
/// namespace of the process a pidfd refers to.
pub const PIDFD_GET_USER_NAMESPACE: libc::c_ulong = 0xff09;
/// `SIOCGSKNS` (linux/sockios.h): the network namespace of a socket.
pub const SIOCGSKNS: libc::c_ulong = 0x894c;
/// `PIDFS_MAGIC` (linux/magic.h): f_type of a pidfd on Linux ≥ 6.9.
pub const PIDFS_MAGIC: nix::sys::statfs::FsType = nix::sys::statfs::FsType(0x5049_4446);

fn owned(rc: libc::c_long) -> Result<OwnedFd, Errno> {
    let fd = Errno::result(rc)?;
    let fd = i32::try_from(fd).map_err(|_| Errno::EBADF)?;
    // SAFETY: the kernel just returned this descriptor to us and nothing
    // else owns it.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// pidfd_open(2): a file descriptor referring to process `pid`.
pub fn pidfd_open(pid: i32) -> Result<OwnedFd, Errno> {
    // SAFETY: integer arguments only; the result is checked by `owned`.
    owned(unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) })
}

/// pidfd_getfd(2): a duplicate of file descriptor `fd` of the process
/// behind `pidfd` (needs ptrace access to it).
pub fn pidfd_getfd(pidfd: BorrowedFd<'_>, fd: i32) -> Result<OwnedFd, Errno> {
    // SAFETY: integer arguments only; the result is checked by `owned`.
    owned(unsafe { libc::syscall(libc::SYS_pidfd_getfd, pidfd.as_raw_fd(), fd, 0) })
}

/// An ioctl without argument that returns a new file descriptor
/// (`NS_GET_USERNS`, `PIDFD_GET_*_NAMESPACE`, `SIOCGSKNS`).
pub fn ioctl_fd(fd: BorrowedFd<'_>, request: libc::c_ulong) -> Result<OwnedFd, Errno> {
    // SAFETY: these requests take no argument and only return a descriptor.
    owned(libc::c_long::from(unsafe {
        libc::ioctl(fd.as_raw_fd(), request as _)
    }))
}

/// fork(2) for this single-threaded program.
pub fn fork() -> Result<nix::unistd::ForkResult, Errno> {
    // SAFETY: nsenter never starts a thread, so the child may run any code.
    unsafe { nix::unistd::fork() }
}

/// Sets `signal` back to its default action.
pub fn default_action(signal: nix::sys::signal::Signal) {
    use nix::sys::signal::{signal as set, SigHandler};
    // SAFETY: SIG_DFL runs no code of ours.
    let _ = unsafe { set(signal, SigHandler::SigDfl) };
}
