//! Path canonicalization the way util-linux does it (`ul_canonicalize_path`):
//! realpath(3) when the path resolves, the path unchanged when it does not,
//! and `/dev/dm-N` shown as its `/dev/mapper/NAME`.

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

/// The canonical form of `path`, or `path` itself when it cannot be
/// resolved (a missing file is not an error).
pub fn canonicalize(path: &OsStr) -> OsString {
    if path.is_empty() {
        return path.to_os_string();
    }
    match std::fs::canonicalize(path) {
        Ok(p) => dm_name(p.as_os_str()).unwrap_or_else(|| p.into_os_string()),
        Err(_) => path.to_os_string(),
    }
}

/// `/dev/mapper/NAME` for `/dev/dm-N`, when sysfs names it and it exists.
fn dm_name(path: &OsStr) -> Option<OsString> {
    let node = path.as_bytes().strip_prefix(b"/dev/")?;
    if !node.starts_with(b"dm-") {
        return None;
    }
    let sys = Path::new("/sys/block")
        .join(OsStr::from_bytes(node))
        .join("dm/name");
    let name = std::fs::read(sys).ok()?;
    let name = name.strip_suffix(b"\n").unwrap_or(&name);
    if name.is_empty() {
        return None;
    }
    let mapper = Path::new("/dev/mapper").join(OsStr::from_bytes(name));
    mapper.exists().then(|| mapper.into_os_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_or_keeps() {
        assert_eq!(canonicalize(OsStr::new("/")), "/");
        assert_eq!(canonicalize(OsStr::new("/proc/self/..")), "/proc");
        assert_eq!(
            canonicalize(OsStr::new("/nonexistent/x/../y")),
            "/nonexistent/x/../y"
        );
        assert_eq!(canonicalize(OsStr::new("")), "");
    }
}
