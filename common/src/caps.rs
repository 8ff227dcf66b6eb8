//! Keeping capabilities across execve(2) (capabilities(7), "ambient").
//!
//! In a new or entered user namespace a process holds a full permitted set,
//! but execve of a program that is not setuid-root drops it unless the
//! capabilities are in the ambient set. unshare and nsenter `--keep-caps`
//! copy permitted → inheritable → ambient, as util-linux's
//! `cap_permitted_to_ambient()` does.

use nix::errno::Errno;

#[repr(C)]
#[derive(Clone, Copy, Default)]
struct CapData {
    effective: u32,
    permitted: u32,
    inheritable: u32,
}

#[repr(C)]
struct CapHeader {
    version: u32,
    pid: libc::c_int,
}

/// `_LINUX_CAPABILITY_VERSION_3`: two 32-bit words per set.
const CAP_VERSION_3: u32 = 0x2008_0522;

/// The highest capability number the kernel knows
/// (`/proc/sys/kernel/cap_last_cap`, else probed with `PR_CAPBSET_READ`).
/// Read it before a chroot or pivot, while `/proc` is still there.
pub fn last_cap() -> u32 {
    if let Some(n) = std::fs::read_to_string("/proc/sys/kernel/cap_last_cap")
        .ok()
        .and_then(|t| t.trim().parse().ok())
    {
        return n;
    }
    // SAFETY: PR_CAPBSET_READ takes one integer argument and only answers.
    let known = |cap: u32| unsafe { libc::prctl(libc::PR_CAPBSET_READ, libc::c_ulong::from(cap), 0, 0, 0) } >= 0;
    (0..64u32).take_while(|&c| known(c)).last().unwrap_or(0)
}

/// Makes every permitted capability inheritable and raises it (up to
/// `last_cap`, see [`last_cap`]) into the ambient set, so that it survives
/// execve of a non-root program.
///
/// # Errors
/// The message naming the failing call (`capget failed`, ...)
/// and its errno.
pub fn permitted_to_ambient(last_cap: u32) -> Result<(), (&'static str, Errno)> {
    let mut header = CapHeader {
        version: CAP_VERSION_3,
        pid: 0,
    };
    let mut data = [CapData::default(); 2];
    // SAFETY: a version-3 header and the two-element array capget(2)
    // writes for that version.
    let rc = unsafe { libc::syscall(libc::SYS_capget, &mut header, data.as_mut_ptr()) };
    Errno::result(rc).map_err(|e| ("capget failed", e))?;
    for d in &mut data {
        d.inheritable = d.permitted;
    }
    // SAFETY: as above; capset(2) only reads them.
    let rc = unsafe { libc::syscall(libc::SYS_capset, &mut header, data.as_ptr()) };
    Errno::result(rc).map_err(|e| ("capset failed", e))?;
    let permitted = (u64::from(data[1].permitted) << 32) | u64::from(data[0].permitted);
    for cap in (0..=last_cap.min(63)).filter(|c| permitted & (1u64 << c) != 0) {
        // SAFETY: PR_CAP_AMBIENT_RAISE takes integer arguments only.
        let rc = unsafe {
            libc::prctl(
                libc::PR_CAP_AMBIENT,
                libc::PR_CAP_AMBIENT_RAISE as libc::c_ulong,
                libc::c_ulong::from(cap),
                0 as libc::c_ulong,
                0 as libc::c_ulong,
            )
        };
        Errno::result(rc).map_err(|e| ("prctl(PR_CAP_AMBIENT) failed", e))?;
    }
    Ok(())
}
