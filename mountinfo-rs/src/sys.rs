//! The system calls of mount and umount, behind small safe wrappers.
//!
//! This is the only module of the crate's tools with `unsafe`: every block
//! passes C strings that outlive the call and plain-data structs, and the
//! kernel reports failure through the return value and errno, which is turned
//! into [`Errno`]. Calls nix does not wrap (`open_tree`, `move_mount`,
//! `mount_setattr`) go through `libc::syscall`. [`memchr`] is here too: the
//! C library's vectorized byte search, for the table parsers' hot loops.

use nix::errno::Errno;
use std::ffi::{CString, OsStr};
use std::os::fd::{FromRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::io::AsRawFd;

/// `struct mount_attr` of mount_setattr(2) (`MOUNT_ATTR_SIZE_VER0`).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MountAttr {
    /// `MOUNT_ATTR_*` flags to set.
    pub attr_set: u64,
    /// `MOUNT_ATTR_*` flags to clear.
    pub attr_clr: u64,
    /// `MS_SHARED`, `MS_SLAVE`, `MS_PRIVATE` or `MS_UNBINDABLE`, or 0.
    pub propagation: u64,
    /// User namespace fd for `MOUNT_ATTR_IDMAP` (unused here).
    pub userns_fd: u64,
}

/// The environment mount and umount give the programs they run (util-linux
/// `__sanitize_env()`, applied at their start): without `BASH_ENV`, `ENV`,
/// `HOME`, `IFS`, `KRB_CONF`, `LD_*`, `LIBPATH`, `MAIL`, `NLSPATH`, `PATH`,
/// `SHELL` and `SHLIB_PATH`, nor a `LANG`, `LANGUAGE` or `LC_*` holding a
/// `/`.
fn sanitized_env() -> Vec<CString> {
    const FORBID: &[&[u8]] = &[
        b"BASH_ENV=",
        b"ENV=",
        b"HOME=",
        b"IFS=",
        b"KRB_CONF=",
        b"LD_",
        b"LIBPATH=",
        b"MAIL=",
        b"NLSPATH=",
        b"PATH=",
        b"SHELL=",
        b"SHLIB_PATH=",
    ];
    const NOSLASH: &[&[u8]] = &[b"LANG=", b"LANGUAGE=", b"LC_"];
    std::env::vars_os()
        .map(|(k, v)| [k.as_bytes(), b"=", v.as_bytes()].concat())
        .filter(|var| {
            let forbidden = FORBID.iter().any(|p| var.starts_with(p));
            let path_like = NOSLASH.iter().any(|p| var.starts_with(p)) && var.contains(&b'/');
            !forbidden && !path_like
        })
        .filter_map(|var| CString::new(var).ok())
        .collect()
}

/// Runs program `path` with `args` (argv[0] is `path`), stdio inherited and
/// the environment sanitized as util-linux's mount does, and waits for it
/// (libmount `exec_helper()`): its exit status, 255 when a signal killed
/// it, or `exec_failed` when it could not be started (fork or execve(2)
/// failed). What `std::process::Command::status` does, without std's
/// process machinery (about 10 KiB of the multicall binary).
pub fn run_program(path: &OsStr, args: &[std::ffi::OsString], exec_failed: i32) -> i32 {
    use nix::sys::wait::{waitpid, WaitStatus};
    let Ok(prog) = cstr(path) else {
        return exec_failed;
    };
    let Ok(mut argv) = args.iter().map(|a| cstr(a)).collect::<Result<Vec<_>, _>>() else {
        return exec_failed;
    };
    argv.insert(0, prog.clone());
    let env = sanitized_env();
    // SAFETY: mount and umount are single-threaded, and the child only
    // calls execv(2) and _exit(2) on what was prepared before the fork.
    match unsafe { nix::unistd::fork() } {
        Err(_) => exec_failed,
        Ok(nix::unistd::ForkResult::Child) => {
            let _ = nix::unistd::execve(&prog, &argv, &env);
            // SAFETY: _exit ends the child without running the parent's
            // atexit handlers or flushing its copied stdio buffers.
            unsafe { libc::_exit(exec_failed) }
        }
        Ok(nix::unistd::ForkResult::Parent { child }) => loop {
            match waitpid(child, None) {
                Ok(WaitStatus::Exited(_, code)) => return code,
                // libmount's helper status -1, exit status 255.
                Ok(WaitStatus::Signaled(..)) => return 255,
                Ok(_) | Err(Errno::EINTR) => {}
                Err(_) => return exec_failed,
            }
        },
    }
}

/// memchr(3): the index of the first `byte` in `haystack`, if any.
pub fn memchr(byte: u8, haystack: &[u8]) -> Option<usize> {
    // SAFETY: the pointer and length describe one live, initialized slice;
    // memchr reads only within it and returns a pointer into it or NULL.
    let found = unsafe {
        libc::memchr(
            haystack.as_ptr().cast(),
            libc::c_int::from(byte),
            haystack.len(),
        )
    };
    (!found.is_null()).then(|| found as usize - haystack.as_ptr() as usize)
}

/// The lines of a table file as libmount's parser reads them (getline(3),
/// then `strchr(line, '\n')`), split at `\n` as `data.split(|&b| b ==
/// b'\n')` splits them (a text ending in a newline ends with an empty
/// line). A line holding a NUL byte is `None` (a parse error) unless it is
/// the last line and has no newline: that one ends at its first NUL.
pub fn table_lines(data: &[u8]) -> impl Iterator<Item = Option<&[u8]>> {
    let mut rest = Some(data);
    std::iter::from_fn(move || {
        let s = rest?;
        let (line, terminated) = match memchr(b'\n', s) {
            Some(n) => {
                rest = Some(&s[n + 1..]);
                (&s[..n], true)
            }
            None => {
                rest = None;
                (s, false)
            }
        };
        Some(match memchr(0, line) {
            None => Some(line),
            Some(_) if terminated => None,
            Some(nul) => Some(&line[..nul]),
        })
    })
}

fn cstr(s: &OsStr) -> Result<CString, Errno> {
    CString::new(s.as_bytes()).map_err(|_| Errno::EINVAL)
}

fn check(rc: libc::c_long) -> Result<libc::c_long, Errno> {
    if rc < 0 {
        Err(Errno::last())
    } else {
        Ok(rc)
    }
}

/// mount(2). `None` arguments are passed as NULL.
pub fn mount(
    source: Option<&OsStr>,
    target: &OsStr,
    fstype: Option<&OsStr>,
    flags: libc::c_ulong,
    data: Option<&OsStr>,
) -> Result<(), Errno> {
    let source = source.map(cstr).transpose()?;
    let target = cstr(target)?;
    let fstype = fstype.map(cstr).transpose()?;
    let data = data.map(cstr).transpose()?;
    let ptr = |c: &Option<CString>| c.as_ref().map_or(std::ptr::null(), |c| c.as_ptr());
    // SAFETY: every pointer is NULL or a NUL-terminated string alive until
    // the call returns; the kernel only reads them.
    let rc = unsafe {
        libc::mount(
            ptr(&source),
            target.as_ptr(),
            ptr(&fstype),
            flags,
            ptr(&data).cast(),
        )
    };
    check(rc.into()).map(drop)
}

/// umount2(2) with `MNT_FORCE`, `MNT_DETACH`, `UMOUNT_NOFOLLOW` flags.
pub fn umount2(target: &OsStr, flags: libc::c_int) -> Result<(), Errno> {
    let target = cstr(target)?;
    // SAFETY: `target` is a NUL-terminated string alive for the call.
    let rc = unsafe { libc::umount2(target.as_ptr(), flags) };
    check(rc.into()).map(drop)
}

/// open_tree(2) on `path` relative to the cwd; returns the new O_PATH fd.
pub fn open_tree(path: &OsStr, flags: libc::c_uint) -> Result<OwnedFd, Errno> {
    let path = cstr(path)?;
    // SAFETY: `path` is a NUL-terminated string alive for the call; the
    // integer arguments are plain values.
    let rc = unsafe {
        libc::syscall(
            libc::SYS_open_tree,
            libc::AT_FDCWD,
            path.as_ptr(),
            flags | libc::OPEN_TREE_CLOEXEC,
        )
    };
    let fd = check(rc)?;
    let fd = libc::c_int::try_from(fd).map_err(|_| Errno::EBADF)?;
    // SAFETY: the kernel just returned this descriptor to us; nothing else
    // owns it.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// mount_setattr(2) on the mount `fd` refers to (`AT_EMPTY_PATH`), with
/// `AT_RECURSIVE` when `recursive`.
pub fn mount_setattr(fd: &OwnedFd, recursive: bool, attr: &MountAttr) -> Result<(), Errno> {
    let empty = c"";
    let mut flags = libc::AT_EMPTY_PATH;
    if recursive {
        flags |= libc::AT_RECURSIVE;
    }
    // SAFETY: `empty` is a static C string, `attr` points to a live
    // `#[repr(C)]` struct of the size passed; the kernel only reads it.
    let rc = unsafe {
        libc::syscall(
            libc::SYS_mount_setattr,
            fd.as_raw_fd(),
            empty.as_ptr(),
            flags,
            std::ptr::from_ref(attr),
            std::mem::size_of::<MountAttr>(),
        )
    };
    check(rc).map(drop)
}

/// move_mount(2) of the detached or attached mount `fd` onto `target`.
pub fn move_mount(fd: &OwnedFd, target: &OsStr) -> Result<(), Errno> {
    move_mount_flags(fd, target, 0)
}

/// The mount ID of the mount holding `path` (statx(2) `STATX_MNT_ID`,
/// Linux 5.8), following symlinks; `None` when it cannot be had.
pub fn mount_id(path: &OsStr) -> Option<u32> {
    let path = cstr(path).ok()?;
    let mut stx = std::mem::MaybeUninit::<libc::statx>::zeroed();
    // SAFETY: `path` is NUL-terminated, `stx` is a writable buffer of the
    // right type that statx fills on success.
    let rc = unsafe {
        libc::statx(
            libc::AT_FDCWD,
            path.as_ptr(),
            libc::AT_NO_AUTOMOUNT,
            libc::STATX_MNT_ID,
            stx.as_mut_ptr(),
        )
    };
    if rc != 0 {
        return None;
    }
    // SAFETY: statx succeeded, so the struct is initialised (and it was
    // zeroed before).
    let stx = unsafe { stx.assume_init() };
    if stx.stx_mask & libc::STATX_MNT_ID == 0 {
        return None;
    }
    u32::try_from(stx.stx_mnt_id).ok()
}

/// setns(2) into the mount namespace of the open file `file`
/// (`/proc/PID/ns/mnt` or a bind mount of one).
pub fn enter_mount_ns(file: &std::fs::File) -> Result<(), Errno> {
    // SAFETY: the descriptor is open for the duration of the call.
    let rc = unsafe { libc::setns(file.as_raw_fd(), libc::CLONE_NEWNS) };
    check(rc.into()).map(drop)
}

/// Opens `path` as a mount namespace to enter (`mount -N`, `umount -N`):
/// an nsfs file of a mount namespace, whose `/proc/self/fd/N` link reads
/// `mnt:[INODE]`. Anything else is EINVAL, as setns(2) would say.
///
/// # Errors
/// open(2)'s errno, or EINVAL.
pub fn open_mount_ns(path: &std::ffi::OsStr) -> Result<std::fs::File, Errno> {
    let file = std::fs::File::open(path)
        .map_err(|e| Errno::from_raw(e.raw_os_error().unwrap_or(libc::EIO)))?;
    let link = std::fs::read_link(format!("/proc/self/fd/{}", file.as_raw_fd()))
        .map_err(|_| Errno::EINVAL)?;
    if link.as_os_str().as_encoded_bytes().starts_with(b"mnt:[") {
        Ok(file)
    } else {
        Err(Errno::EINVAL)
    }
}

/// open(2) with `O_RDONLY|O_CREAT|O_CLOEXEC` and `mode` (a lock file,
/// which std cannot create without asking for write access).
pub fn open_rdonly_create(path: &OsStr, mode: libc::mode_t) -> Result<std::fs::File, Errno> {
    let path = cstr(path)?;
    // SAFETY: `path` is a NUL-terminated string alive for the call; the
    // mode is passed as the variadic third argument open(2) expects.
    let fd = unsafe {
        libc::open(
            path.as_ptr(),
            libc::O_RDONLY | libc::O_CREAT | libc::O_CLOEXEC,
            libc::c_uint::from(mode),
        )
    };
    let fd = check(fd.into())?;
    let fd = libc::c_int::try_from(fd).map_err(|_| Errno::EBADF)?;
    // SAFETY: open(2) just returned this descriptor; nothing else owns it.
    Ok(std::fs::File::from(unsafe { OwnedFd::from_raw_fd(fd) }))
}

/// flock(2) `LOCK_EX` on `file`, waiting for it (and retrying when a
/// signal interrupts the wait); closing the file releases the lock.
pub fn flock_exclusive(file: &std::fs::File) -> Result<(), Errno> {
    loop {
        // SAFETY: the descriptor is open for the duration of the call.
        let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) };
        match check(rc.into()) {
            Ok(_) => return Ok(()),
            Err(Errno::EINTR | Errno::EAGAIN) => {}
            Err(e) => return Err(e),
        }
    }
}

/// Blocks every signal in the calling thread and returns the mask that was
/// in effect (for [`restore_signals`]).
pub fn block_signals() -> libc::sigset_t {
    let mut all = std::mem::MaybeUninit::<libc::sigset_t>::zeroed();
    let mut old = std::mem::MaybeUninit::<libc::sigset_t>::zeroed();
    // SAFETY: both sets are writable buffers of the right type (zeroed, so
    // initialised even if a call failed); sigfillset fills `all`,
    // pthread_sigmask reads `all` and writes `old`.
    unsafe {
        libc::sigfillset(all.as_mut_ptr());
        libc::pthread_sigmask(libc::SIG_BLOCK, all.as_ptr(), old.as_mut_ptr());
        old.assume_init()
    }
}

/// Puts back the signal mask [`block_signals`] returned.
pub fn restore_signals(old: &libc::sigset_t) {
    // SAFETY: `old` is a valid signal set; the kernel only reads it.
    unsafe {
        libc::pthread_sigmask(libc::SIG_SETMASK, old, std::ptr::null_mut());
    }
}

/// `struct loop_info64` of `<linux/loop.h>`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct LoopInfo64 {
    /// `lo_device` (read only).
    pub device: u64,
    /// `lo_inode` (read only).
    pub inode: u64,
    /// `lo_rdevice` (read only).
    pub rdevice: u64,
    /// Offset into the backing file.
    pub offset: u64,
    /// Size limit (0: the whole file).
    pub sizelimit: u64,
    /// `lo_number` (read only).
    pub number: u32,
    /// Obsolete encryption type.
    pub encrypt_type: u32,
    /// Obsolete encryption key size.
    pub encrypt_key_size: u32,
    /// `LO_FLAGS_*`.
    pub flags: u32,
    /// Backing file name as shown by losetup.
    pub file_name: [u8; 64],
    /// Obsolete.
    pub crypt_name: [u8; 64],
    /// Obsolete.
    pub encrypt_key: [u8; 32],
    /// Obsolete.
    pub init: [u64; 2],
}

/// `struct loop_config` of LOOP_CONFIGURE (Linux 5.8).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct LoopConfig {
    /// The backing file descriptor.
    pub fd: u32,
    /// Logical block size (0: default).
    pub block_size: u32,
    /// The device settings.
    pub info: LoopInfo64,
    /// Must be zero.
    pub reserved: [u64; 8],
}

/// `LO_FLAGS_READ_ONLY`.
pub const LO_FLAGS_READ_ONLY: u32 = 1;
/// `LO_FLAGS_AUTOCLEAR`: detach on last close.
pub const LO_FLAGS_AUTOCLEAR: u32 = 4;
const LOOP_CLR_FD: libc::Ioctl = 0x4C01;
const LOOP_CONFIGURE: libc::Ioctl = 0x4C0A;
const LOOP_CTL_GET_FREE: libc::Ioctl = 0x4C82;

/// The number of a free loop device (`LOOP_CTL_GET_FREE` on an open
/// `/dev/loop-control`); the kernel creates the device if needed.
pub fn loop_get_free(control: &std::fs::File) -> Result<u32, Errno> {
    // SAFETY: the descriptor is open; this ioctl takes no argument.
    let rc = unsafe { libc::ioctl(control.as_raw_fd(), LOOP_CTL_GET_FREE) };
    let n = check(rc.into())?;
    u32::try_from(n).map_err(|_| Errno::EINVAL)
}

/// LOOP_CONFIGURE: binds `backing` to the open loop device `dev` with
/// `flags`, `offset`, `sizelimit` and a file name for losetup.
pub fn loop_configure(
    dev: &std::fs::File,
    backing: &std::fs::File,
    flags: u32,
    offset: u64,
    sizelimit: u64,
    name: &[u8],
) -> Result<(), Errno> {
    let mut file_name = [0u8; 64];
    let n = name.len().min(63);
    file_name[..n].copy_from_slice(&name[..n]);
    let cfg = LoopConfig {
        fd: u32::try_from(backing.as_raw_fd()).map_err(|_| Errno::EBADF)?,
        block_size: 0,
        info: LoopInfo64 {
            device: 0,
            inode: 0,
            rdevice: 0,
            offset,
            sizelimit,
            number: 0,
            encrypt_type: 0,
            encrypt_key_size: 0,
            flags,
            file_name,
            crypt_name: [0; 64],
            encrypt_key: [0; 32],
            init: [0; 2],
        },
        reserved: [0; 8],
    };
    // SAFETY: both descriptors are open; `cfg` is a live `#[repr(C)]`
    // struct laid out as the kernel's `struct loop_config`, only read.
    let rc = unsafe { libc::ioctl(dev.as_raw_fd(), LOOP_CONFIGURE, std::ptr::from_ref(&cfg)) };
    check(rc.into()).map(drop)
}

/// LOOP_CLR_FD: detaches the loop device `dev` from its backing file.
pub fn loop_clear(dev: &std::fs::File) -> Result<(), Errno> {
    // SAFETY: the descriptor is open; this ioctl takes no argument.
    let rc = unsafe { libc::ioctl(dev.as_raw_fd(), LOOP_CLR_FD) };
    check(rc.into()).map(drop)
}

/// mknod(2) of a block device node `path` with mode 0660.
pub fn mknod_block(path: &OsStr, major: u32, minor: u32) -> Result<(), Errno> {
    let path = cstr(path)?;
    // SAFETY: `path` is NUL-terminated and alive for the call.
    let rc = unsafe {
        libc::mknod(
            path.as_ptr(),
            libc::S_IFBLK | 0o660,
            libc::makedev(major, minor),
        )
    };
    check(rc.into()).map(drop)
}

/// `MOUNT_ATTR_IDMAP` of mount_setattr(2).
pub const MOUNT_ATTR_IDMAP: u64 = 0x0010_0000;
/// `MOVE_MOUNT_BENEATH` of move_mount(2) (Linux 6.5).
pub const MOVE_MOUNT_BENEATH: libc::c_uint = 0x200;
const FSCONFIG_SET_FLAG: libc::c_uint = 0;
const FSCONFIG_SET_STRING: libc::c_uint = 1;
const FSCONFIG_CMD_CREATE: libc::c_uint = 6;
const FSCONFIG_CMD_CREATE_EXCL: libc::c_uint = 8;

/// move_mount(2) of `fd` onto `target` with extra `flags`
/// (`MOVE_MOUNT_BENEATH`).
pub fn move_mount_flags(fd: &OwnedFd, target: &OsStr, flags: libc::c_uint) -> Result<(), Errno> {
    let empty = c"";
    let target = cstr(target)?;
    // SAFETY: both strings are NUL-terminated and alive for the call; the
    // descriptors are plain integers.
    let rc = unsafe {
        libc::syscall(
            libc::SYS_move_mount,
            fd.as_raw_fd(),
            empty.as_ptr(),
            libc::AT_FDCWD,
            target.as_ptr(),
            libc::MOVE_MOUNT_F_EMPTY_PATH | flags,
        )
    };
    check(rc).map(drop)
}

/// fsopen(2): a filesystem context for `fstype`.
pub fn fsopen(fstype: &OsStr) -> Result<OwnedFd, Errno> {
    let t = cstr(fstype)?;
    // SAFETY: `t` is NUL-terminated and alive for the call.
    let rc = unsafe { libc::syscall(libc::SYS_fsopen, t.as_ptr(), 1 as libc::c_uint) };
    let fd = libc::c_int::try_from(check(rc)?).map_err(|_| Errno::EBADF)?;
    // SAFETY: the kernel just returned this descriptor; nothing else owns it.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// fsconfig(2) `FSCONFIG_SET_STRING` (with a value) or `FSCONFIG_SET_FLAG`.
pub fn fsconfig_set(fs: &OwnedFd, key: &str, value: Option<&OsStr>) -> Result<(), Errno> {
    let k = cstr(OsStr::new(key))?;
    let v = value.map(cstr).transpose()?;
    let (cmd, vp) = match &v {
        Some(v) => (FSCONFIG_SET_STRING, v.as_ptr()),
        None => (FSCONFIG_SET_FLAG, std::ptr::null()),
    };
    // SAFETY: the strings are NUL-terminated (or NULL) and alive for the call.
    let rc = unsafe {
        libc::syscall(
            libc::SYS_fsconfig,
            fs.as_raw_fd(),
            cmd,
            k.as_ptr(),
            vp,
            0 as libc::c_int,
        )
    };
    check(rc).map(drop)
}

/// fsconfig(2) `FSCONFIG_CMD_CREATE` (`_EXCL` when `exclusive`: fail
/// rather than reuse an existing superblock).
pub fn fsconfig_create(fs: &OwnedFd, exclusive: bool) -> Result<(), Errno> {
    let cmd = if exclusive {
        FSCONFIG_CMD_CREATE_EXCL
    } else {
        FSCONFIG_CMD_CREATE
    };
    // SAFETY: plain integer arguments and NULL pointers.
    let rc = unsafe {
        libc::syscall(
            libc::SYS_fsconfig,
            fs.as_raw_fd(),
            cmd,
            std::ptr::null::<libc::c_char>(),
            std::ptr::null::<libc::c_void>(),
            0 as libc::c_int,
        )
    };
    check(rc).map(drop)
}

/// fsmount(2): a detached mount of the created superblock with the
/// `MOUNT_ATTR_*` flags `attrs`.
pub fn fsmount(fs: &OwnedFd, attrs: u64) -> Result<OwnedFd, Errno> {
    let attrs = libc::c_uint::try_from(attrs).map_err(|_| Errno::EINVAL)?;
    // SAFETY: plain integer arguments.
    let rc = unsafe { libc::syscall(libc::SYS_fsmount, fs.as_raw_fd(), 1 as libc::c_uint, attrs) };
    let fd = libc::c_int::try_from(check(rc)?).map_err(|_| Errno::EBADF)?;
    // SAFETY: the kernel just returned this descriptor; nothing else owns it.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// A new user namespace with these `uid_map` and `gid_map` contents (an
/// empty map is left unwritten), returned as an open `/proc/PID/ns/user`
/// for `MOUNT_ATTR_IDMAP`. A child process creates the namespace and waits
/// while the maps are written; it is killed and reaped before returning.
pub fn userns_with_maps(uid_map: &str, gid_map: &str) -> Result<OwnedFd, Errno> {
    let mut ready = [0 as libc::c_int; 2];
    let mut hold = [0 as libc::c_int; 2];
    // SAFETY: the arrays have room for the two descriptors pipe2 writes.
    check(unsafe { libc::pipe2(ready.as_mut_ptr(), libc::O_CLOEXEC) }.into())?;
    // SAFETY: as above.
    if let Err(e) = check(unsafe { libc::pipe2(hold.as_mut_ptr(), libc::O_CLOEXEC) }.into()) {
        // SAFETY: closing the descriptors just created.
        unsafe {
            libc::close(ready[0]);
            libc::close(ready[1]);
        }
        return Err(e);
    }
    // SAFETY: the child only makes async-signal-safe calls (unshare,
    // write, read, _exit) before it exits.
    let pid = unsafe { libc::fork() };
    if pid == 0 {
        // SAFETY: async-signal-safe calls on descriptors this process owns.
        unsafe {
            let ok: u8 = if libc::unshare(libc::CLONE_NEWUSER) == 0 {
                1
            } else {
                0
            };
            libc::write(ready[1], std::ptr::from_ref(&ok).cast(), 1);
            libc::close(hold[1]);
            let mut b = 0u8;
            libc::read(hold[0], std::ptr::from_mut(&mut b).cast(), 1);
            libc::_exit(0);
        }
    }
    // SAFETY: closing the ends the parent does not use.
    unsafe {
        libc::close(ready[1]);
        libc::close(hold[0]);
    }
    let result = (|| {
        if pid < 0 {
            return Err(Errno::last());
        }
        let mut ok = 0u8;
        // SAFETY: reading one byte into a live local.
        let n = unsafe { libc::read(ready[0], std::ptr::from_mut(&mut ok).cast(), 1) };
        if n != 1 || ok != 1 {
            return Err(Errno::EPERM);
        }
        let errno = |e: std::io::Error| Errno::from_raw(e.raw_os_error().unwrap_or(libc::EIO));
        if !uid_map.is_empty() {
            std::fs::write(format!("/proc/{pid}/uid_map"), uid_map).map_err(errno)?;
        }
        if !gid_map.is_empty() {
            std::fs::write(format!("/proc/{pid}/gid_map"), gid_map).map_err(errno)?;
        }
        let f = std::fs::File::open(format!("/proc/{pid}/ns/user")).map_err(errno)?;
        Ok(OwnedFd::from(f))
    })();
    // SAFETY: closing our pipe ends; killing and reaping our own child.
    unsafe {
        libc::close(ready[0]);
        libc::close(hold[1]);
        if pid > 0 {
            libc::kill(pid, libc::SIGKILL);
            let mut st = 0;
            libc::waitpid(pid, &mut st, 0);
        }
    }
    result
}
