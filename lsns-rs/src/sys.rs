//! The system calls lsns needs below nix: `*at()` calls on stack buffers
//! (the hot path runs them a dozen times per process), the nsfs ioctls
//! (ioctl_ns(2)), pidfds, `SIOCGSKNS` and one rtnetlink request. The only
//! `unsafe` code of the crate lives here.

use nix::errno::Errno;
use std::ffi::CStr;
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};

/// `NS_GET_USERNS`: the user namespace owning a namespace.
pub const NS_GET_USERNS: libc::c_ulong = 0xb701;
/// `NS_GET_PARENT`: the parent of a PID or user namespace.
pub const NS_GET_PARENT: libc::c_ulong = 0xb702;
/// `NS_GET_NSTYPE`: the `CLONE_NEW*` type of a namespace.
pub const NS_GET_NSTYPE: libc::c_ulong = 0xb703;
/// `NS_GET_OWNER_UID`: the uid owning a user namespace.
pub const NS_GET_OWNER_UID: libc::c_ulong = 0xb704;
/// `SIOCGSKNS`: the network namespace of a socket.
pub const SIOCGSKNS: libc::c_ulong = 0x894c;

fn owned(rc: libc::c_long) -> Result<OwnedFd, Errno> {
    let fd = Errno::result(rc)?;
    let fd = RawFd::try_from(fd).map_err(|_| Errno::EBADF)?;
    // SAFETY: the kernel just returned this descriptor; nothing else owns it.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// openat(2) relative to `dir` (or the working directory), close-on-exec.
pub fn open_at(dir: Option<BorrowedFd<'_>>, path: &CStr, flags: i32) -> Result<OwnedFd, Errno> {
    let dfd = dir.map_or(libc::AT_FDCWD, |d| d.as_raw_fd());
    // SAFETY: `path` is a valid C string; the result is checked by `owned`.
    let rc = unsafe { libc::openat(dfd, path.as_ptr(), flags | libc::O_CLOEXEC) };
    owned(libc::c_long::from(rc))
}

/// readlinkat(2) into `buf`; returns the length of the link text.
pub fn readlink_at(dir: BorrowedFd<'_>, path: &CStr, buf: &mut [u8]) -> Result<usize, Errno> {
    // SAFETY: `path` is a valid C string and `buf` is writable for its length.
    let rc = unsafe {
        libc::readlinkat(
            dir.as_raw_fd(),
            path.as_ptr(),
            buf.as_mut_ptr().cast(),
            buf.len(),
        )
    };
    let n = Errno::result(rc)?;
    usize::try_from(n).map_err(|_| Errno::EINVAL)
}

/// read(2) until `buf` is full or end of file; returns the bytes read.
pub fn read_all(fd: BorrowedFd<'_>, buf: &mut [u8]) -> Result<usize, Errno> {
    let mut done = 0;
    while done < buf.len() {
        match nix::unistd::read(fd, &mut buf[done..]) {
            Ok(0) => break,
            Ok(n) => done += n,
            Err(Errno::EINTR) => continue,
            Err(e) if done == 0 => return Err(e),
            Err(_) => break,
        }
    }
    Ok(done)
}

/// fstat(2): (device, inode, owner uid).
pub fn fstat(fd: BorrowedFd<'_>) -> Result<(u64, u64, u32), Errno> {
    let st = nix::sys::stat::fstat(fd)?;
    Ok((st.st_dev, st.st_ino, st.st_uid))
}

/// stat(2) of `path` relative to `dir`, following links: (device, inode).
pub fn stat_at(dir: BorrowedFd<'_>, path: &CStr) -> Result<(u64, u64), Errno> {
    let st = nix::sys::stat::fstatat(dir, path, nix::fcntl::AtFlags::empty())?;
    Ok((st.st_dev, st.st_ino))
}

/// An ioctl without argument that returns a new file descriptor.
pub fn ioctl_fd(fd: BorrowedFd<'_>, request: libc::c_ulong) -> Result<OwnedFd, Errno> {
    // SAFETY: these requests take no argument and only return a descriptor.
    owned(libc::c_long::from(unsafe {
        libc::ioctl(fd.as_raw_fd(), request as _)
    }))
}

/// An ioctl without argument that returns a number (`NS_GET_NSTYPE`).
pub fn ioctl_int(fd: BorrowedFd<'_>, request: libc::c_ulong) -> Result<i32, Errno> {
    // SAFETY: the request takes no argument and returns an integer.
    Errno::result(unsafe { libc::ioctl(fd.as_raw_fd(), request as _) })
}

/// `NS_GET_OWNER_UID`: the uid owning the user namespace `fd`.
pub fn owner_uid(fd: BorrowedFd<'_>) -> Result<u32, Errno> {
    let mut uid: libc::uid_t = 0;
    // SAFETY: the request writes one uid_t to the pointer, which is valid.
    Errno::result(unsafe {
        libc::ioctl(
            fd.as_raw_fd(),
            NS_GET_OWNER_UID as _,
            &mut uid as *mut libc::uid_t,
        )
    })?;
    Ok(uid)
}

/// pidfd_open(2).
pub fn pidfd_open(pid: i32) -> Result<OwnedFd, Errno> {
    // SAFETY: integer arguments only; the result is checked by `owned`.
    owned(unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) })
}

/// pidfd_getfd(2): a duplicate of descriptor `fd` of the process `pidfd`.
pub fn pidfd_getfd(pidfd: BorrowedFd<'_>, fd: i32) -> Result<OwnedFd, Errno> {
    // SAFETY: integer arguments only; the result is checked by `owned`.
    owned(unsafe { libc::syscall(libc::SYS_pidfd_getfd, pidfd.as_raw_fd(), fd, 0) })
}

const RTM_NEWNSID: u16 = 88;
const RTM_GETNSID: u16 = 90;
const NETNSA_NSID: u16 = 1;
const NETNSA_FD: u16 = 3;

/// A `NETLINK_ROUTE` socket for [`netnsid`].
pub fn rtnetlink_socket() -> Result<OwnedFd, Errno> {
    // SAFETY: integer arguments only; the result is checked by `owned`.
    let rc = unsafe {
        libc::socket(
            libc::AF_NETLINK,
            libc::SOCK_RAW | libc::SOCK_CLOEXEC,
            libc::NETLINK_ROUTE,
        )
    };
    owned(libc::c_long::from(rc))
}

/// The id the current network namespace gives the namespace `ns`
/// (`RTM_GETNSID` with `NETNSA_FD`): `Some(-1)` when none is assigned,
/// `None` when the request fails.
pub fn netnsid(sock: BorrowedFd<'_>, ns: BorrowedFd<'_>) -> Option<i32> {
    // nlmsghdr (16) + rtgenmsg padded (4) + rtattr (4) + i32 (4).
    let mut req = [0u8; 28];
    req[0..4].copy_from_slice(&28u32.to_ne_bytes());
    req[4..6].copy_from_slice(&RTM_GETNSID.to_ne_bytes());
    req[6..8].copy_from_slice(&(libc::NLM_F_REQUEST as u16).to_ne_bytes());
    req[16] = libc::AF_UNSPEC as u8;
    req[20..22].copy_from_slice(&8u16.to_ne_bytes());
    req[22..24].copy_from_slice(&NETNSA_FD.to_ne_bytes());
    req[24..28].copy_from_slice(&ns.as_raw_fd().to_ne_bytes());
    // SAFETY: `req` is a readable buffer of the given length.
    let sent = unsafe { libc::send(sock.as_raw_fd(), req.as_ptr().cast(), req.len(), 0) };
    if sent < 0 {
        return None;
    }
    let mut res = [0u8; 1024];
    // SAFETY: `res` is writable for its length.
    let got = unsafe { libc::recv(sock.as_raw_fd(), res.as_mut_ptr().cast(), res.len(), 0) };
    let got = usize::try_from(got).ok()?;
    let res = res.get(..got)?;
    let u16_at = |o: usize| res.get(o..o + 2).map(|b| u16::from_ne_bytes([b[0], b[1]]));
    let u32_at = |o: usize| {
        res.get(o..o + 4)
            .map(|b| u32::from_ne_bytes([b[0], b[1], b[2], b[3]]))
    };
    let len = u32_at(0)? as usize;
    if len < 28 || len > got || u16_at(4)? != RTM_NEWNSID {
        return None;
    }
    let rta_len = u16_at(20)? as usize;
    if rta_len < 8 || u16_at(22)? != NETNSA_NSID {
        return None;
    }
    u32_at(24).map(|v| v as i32)
}
