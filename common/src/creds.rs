//! Switching credentials the way SECURITY.md requires: supplementary groups
//! first, then the group ID, then the user ID (once the user ID has changed
//! the process may no longer change its groups), and each change read back,
//! so that a call that returned success without changing every ID (real,
//! effective and saved; credentials(7)) never lets the program run with the
//! old ones.

use nix::errno::Errno;
use nix::unistd::{Gid, Uid};

/// setgroups(2) with an empty list, checked with getgroups(2).
///
/// # Errors
/// setgroups(2)'s errno, or `EPERM` when groups are left.
pub fn drop_groups() -> Result<(), Errno> {
    nix::unistd::setgroups(&[])?;
    if !nix::unistd::getgroups()?.is_empty() {
        return Err(Errno::EPERM);
    }
    Ok(())
}

/// setgid(2), then getresgid(2): real, effective and saved GID must all be
/// `gid`.
///
/// # Errors
/// setgid(2)'s errno, or `EPERM` when an ID did not change.
pub fn set_gid(gid: u32) -> Result<(), Errno> {
    let gid = Gid::from_raw(gid);
    nix::unistd::setgid(gid)?;
    let ids = nix::unistd::getresgid()?;
    if [ids.real, ids.effective, ids.saved] != [gid; 3] {
        return Err(Errno::EPERM);
    }
    Ok(())
}

/// setuid(2), then getresuid(2): real, effective and saved UID must all be
/// `uid`.
///
/// # Errors
/// setuid(2)'s errno, or `EPERM` when an ID did not change.
pub fn set_uid(uid: u32) -> Result<(), Errno> {
    let uid = Uid::from_raw(uid);
    nix::unistd::setuid(uid)?;
    let ids = nix::unistd::getresuid()?;
    if [ids.real, ids.effective, ids.saved] != [uid; 3] {
        return Err(Errno::EPERM);
    }
    Ok(())
}
