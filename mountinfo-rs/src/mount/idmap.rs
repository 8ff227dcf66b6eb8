//! `X-mount.idmap=` and `--map-users`/`--map-groups`: an ID-mapped mount
//! through a user namespace carrying the mapping (`MOUNT_ATTR_IDMAP`).
//!
//! The option is either a path to a user namespace file, or blank-separated
//! `[u|g|b:]ID-MOUNT:ID-HOST:COUNT` entries (no prefix: both users and
//! groups). `--map-users 0:1000:1` adds `u:0:1000:1`, `--map-groups` adds
//! `g:...`; `--map-users /proc/PID/ns/user` uses that namespace.

use super::cli::Request;
use super::options::MountOptions;
use super::{MountError, EX_FAIL, EX_USAGE};
use std::os::fd::OwnedFd;

/// The idmap specification from the options and the command line.
pub fn spec(req: &Request, opts: &MountOptions) -> Option<String> {
    let mut parts: Vec<String> = opts.idmap.iter().cloned().collect();
    for (kind, list) in [("u", &req.map_users), ("g", &req.map_groups)] {
        for m in list {
            if m.starts_with('/') {
                parts.push(m.clone());
            } else {
                parts.push(format!("{kind}:{m}"));
            }
        }
    }
    (!parts.is_empty()).then(|| parts.join(" "))
}

/// Parses the entries into `uid_map` and `gid_map` texts.
pub fn maps(spec: &str) -> Option<(String, String)> {
    let (mut u, mut g) = (String::new(), String::new());
    for item in spec.split_whitespace() {
        let fields: Vec<&str> = item.split(':').collect();
        let (kind, nums) = match fields.as_slice() {
            [k, a, b, c] => (*k, [*a, *b, *c]),
            [a, b, c] => ("b", [*a, *b, *c]),
            _ => return None,
        };
        let mut n = [0u32; 3];
        for (slot, s) in n.iter_mut().zip(nums) {
            *slot = s.parse().ok()?;
        }
        let line = format!("{} {} {}\n", n[0], n[1], n[2]);
        match kind {
            "u" => u.push_str(&line),
            "g" => g.push_str(&line),
            "b" => {
                u.push_str(&line);
                g.push_str(&line);
            }
            _ => return None,
        }
    }
    Some((u, g))
}

/// The user namespace for the mount, if an ID mapping was asked for.
///
/// # Errors
/// A malformed mapping (usage), or a namespace that cannot be made.
pub fn userns(req: &Request, opts: &MountOptions) -> Result<Option<OwnedFd>, MountError> {
    let Some(spec) = spec(req, opts) else {
        return Ok(None);
    };
    let err = |msg: String, code| MountError::Message {
        spec: None,
        msg,
        code,
        dmesg: false,
        period: false,
    };
    if spec.starts_with('/') {
        let f = std::fs::File::open(&spec)
            .map_err(|e| err(format!("failed to open {spec}: {e}"), EX_FAIL))?;
        return Ok(Some(OwnedFd::from(f)));
    }
    let (u, g) = maps(&spec).ok_or_else(|| err(format!("invalid idmap: {spec}"), EX_USAGE))?;
    crate::sys::userns_with_maps(&u, &g).map(Some).map_err(|e| {
        err(
            common::error::with_errno("failed to create user namespace", e),
            EX_FAIL,
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn map_texts() {
        assert_eq!(
            maps("u:0:1000:1 g:0:2000:2 5:6:7"),
            Some(("0 1000 1\n5 6 7\n".into(), "0 2000 2\n5 6 7\n".into()))
        );
        assert_eq!(maps("x:1:2:3"), None);
        assert_eq!(maps("1:2"), None);
    }
}
