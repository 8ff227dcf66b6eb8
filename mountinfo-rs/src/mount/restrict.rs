//! Setuid use: when the real user is not root but the effective one is
//! (mount and umount installed setuid root), only what util-linux's
//! restricted mode allows.
//!
//! * The environment is sanitised first (`LIBMOUNT_*`, `LD_*` and the like
//!   are removed), so that no file path comes from the caller.
//! * An option outside the short list util-linux keeps privileges for
//!   (mount: `-h -l -L -U -V -v -r -i -s -t --source --target`; umount:
//!   `-h -d -i -l -q -V -v`) drops them for good (`setgid(getgid())`,
//!   `setuid(getuid())`): the request then goes on as the user and the
//!   kernel refuses it (`must be superuser to use mount.`).
//! * mount needs an fstab entry with `user`, `users`, `owner` (the user owns
//!   the device) or `group` (the user is in the device's group); a `user`
//!   mount is recorded in utab as `user=NAME` ([`super::utab`]) so that the
//!   same user may unmount it. umount needs `users`, or that utab record, or
//!   `owner`/`group` as for mount.

use super::fstab::FstabEntry;
use nix::errno::Errno;
use std::ffi::{OsStr, OsString};
use std::os::unix::fs::MetadataExt;

/// Whether mount and umount are restricted to what a user may do: unless
/// both the real and the effective user are root (libmount's rule: a
/// setuid copy run by a user, or a user running a plain copy).
pub fn restricted() -> bool {
    let (uid, euid) = (nix::unistd::getuid(), nix::unistd::geteuid());
    !(uid.is_root() && euid.is_root())
}

/// libmount's `ul_canonicalize_path_restricted()`: the canonical path as
/// the real user may resolve it. The effective IDs are the real ones while
/// the path is walked, so a setuid mount tells nothing about paths the
/// user cannot see.
///
/// # Errors
/// The errno of resolving the path.
pub fn canonicalize_as_user(path: &OsStr) -> Result<OsString, Errno> {
    use nix::unistd::{getegid, geteuid, getgid, getuid, setegid, seteuid};
    let (euid, egid) = (geteuid(), getegid());
    let _ = setegid(getgid());
    let _ = seteuid(getuid());
    let resolved = std::fs::canonicalize(path);
    let _ = seteuid(euid);
    let _ = setegid(egid);
    resolved
        .map(std::path::PathBuf::into_os_string)
        .map_err(|e| Errno::from_raw(e.raw_os_error().unwrap_or(libc::EINVAL)))
}

/// Variables util-linux's `sanitize_env()` removes.
const UNSAFE_ENV: &[&str] = &[
    "IFS",
    "BASH_ENV",
    "ENV",
    "HOME",
    "LD_",
    "LIBMOUNT_",
    "LIBBLKID_",
    "LIBSMARTCOLS_",
    "LOCALDOMAIN",
    "RES_OPTIONS",
    "TMPDIR",
    "NLSPATH",
    "PATH_LOCALE",
    "HOSTALIASES",
];

/// Removes the variables a caller could use to redirect a setuid mount.
pub fn sanitize_env() {
    let names: Vec<OsString> = std::env::vars_os()
        .map(|(k, _)| k)
        .filter(|k| {
            let k = k.to_string_lossy();
            UNSAFE_ENV.iter().any(|u| {
                if u.ends_with('_') {
                    k.starts_with(u)
                } else {
                    k == *u
                }
            })
        })
        .collect();
    for k in names {
        std::env::remove_var(k);
    }
}

/// Gives up the effective ids for good (util-linux `suid_drop()`).
pub fn drop_privileges() {
    let _ = nix::unistd::setgid(nix::unistd::getgid());
    let _ = nix::unistd::setuid(nix::unistd::getuid());
}

/// The real user's name (for `user=NAME`).
pub fn user_name() -> String {
    let uid = nix::unistd::getuid().as_raw();
    std::fs::read_to_string("/etc/passwd")
        .ok()
        .and_then(|t| {
            t.lines().find_map(|l| {
                let f: Vec<&str> = l.split(':').collect();
                (f.get(2)? == &uid.to_string()).then(|| f[0].to_owned())
            })
        })
        .unwrap_or_else(|| uid.to_string())
}

fn in_group(gid: u32) -> bool {
    nix::unistd::getgid().as_raw() == gid
        || nix::unistd::getgroups().is_ok_and(|g| g.iter().any(|x| x.as_raw() == gid))
}

/// Whether the fstab entry lets the real user mount it: `user`, `users`,
/// or `owner`/`group` with the user owning / in the group of the source.
pub fn may_mount(e: &FstabEntry) -> bool {
    let opts = super::options::split(&e.options).unwrap_or_default();
    let has = |n: &str| {
        opts.iter()
            .any(|o| *o == n || o.strip_prefix(n).is_some_and(|r| r.starts_with('=')))
    };
    if has("user") || has("users") {
        return true;
    }
    let meta = std::fs::metadata(&e.source).ok();
    (has("owner")
        && meta
            .as_ref()
            .is_some_and(|m| m.uid() == nix::unistd::getuid().as_raw()))
        || (has("group") && meta.as_ref().is_some_and(|m| in_group(m.gid())))
}

/// Whether utab says the real user mounted `target` (`user=NAME`).
pub fn mounted_by_user(id: u32, target: &OsStr) -> bool {
    // The environment is sanitised: this is /run/mount/utab.
    let Ok(data) = std::fs::read(super::utab::path()) else {
        return false;
    };
    let me = format!("user={}", user_name());
    super::utab::parse(&data).iter().any(|u| {
        u.id.is_none_or(|i| i == id)
            && u.target.as_deref() == Some(target)
            && u.opts.as_deref().is_some_and(|o| {
                o.as_encoded_bytes()
                    .split(|&b| b == b',')
                    .any(|x| x == me.as_bytes())
            })
    })
}

/// Whether the real user may unmount the mount `id` at `target` of
/// `source` (fstab `users`, or `user` recorded for them, or
/// `owner`/`group`).
pub fn may_umount(fstab: &[FstabEntry], id: u32, source: &OsStr, target: &OsStr) -> bool {
    if mounted_by_user(id, target) {
        return true;
    }
    fstab
        .iter()
        .rev()
        .find(|e| crate::paths::canonicalize(&e.target) == target)
        .is_some_and(|e| {
            let opts = super::options::split(&e.options).unwrap_or_default();
            opts.contains(&"users")
                || ((opts.contains(&"owner") || opts.contains(&"group"))
                    && may_mount(&FstabEntry {
                        source: source.to_os_string(),
                        ..e.clone()
                    }))
        })
}
