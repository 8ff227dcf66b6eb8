//! `mount` with no source or target: the mount table as
//! `SOURCE on TARGET type FSTYPE (OPTIONS)` lines.
//!
//! As util-linux 2.42 prints it: the entries of `/proc/self/mountinfo` in
//! order, autofs mounts hidden, `-t` a [`match_fstype`] pattern; the source
//! of a disk filesystem shown canonical (a loop device set up with
//! autoclear as its backing file); control characters of the target shown
//! as `?`; OPTIONS the merged per-mount and superblock options followed by
//! the userspace options libmount keeps in its utab (`/run/mount/utab`,
//! `LIBMOUNT_UTAB`); `-l` appends `[LABEL]`.

use super::options::{is_netfs, is_pseudofs, match_fstype, merge_optstr};
use super::utab::{self, Record};
use crate::mountinfo::{MountEntry, MountTable};
use crate::paths::canonicalize;
use std::ffi::{OsStr, OsString};
use std::io::Write;
use std::os::unix::ffi::OsStrExt;

fn user_options<'u>(utab: &'u [Record], e: &MountEntry) -> Option<&'u OsStr> {
    utab.iter()
        .rev()
        .find(|u| match u.id {
            Some(id) => id == e.id,
            None => {
                u.target.as_deref() == Some(&e.target)
                    && u.root.as_deref() == Some(&e.root)
                    && u.source.as_deref() == Some(&e.source)
            }
        })
        .and_then(|u| u.opts.as_deref())
        .filter(|o| !o.is_empty())
}

/// The options column: merged kernel options, then utab options.
pub fn options_of(e: &MountEntry, utab: &[Record]) -> String {
    let mut o = merge_optstr(
        &e.vfs_options.to_string_lossy(),
        &e.fs_options.to_string_lossy(),
    );
    if let Some(user) = user_options(utab, e) {
        o.push(',');
        o.push_str(&user.to_string_lossy());
    }
    o
}

/// A loop device's backing file when it was set up with autoclear.
fn loop_backing_file(dev: &OsStr) -> Option<OsString> {
    let name = dev.as_bytes().strip_prefix(b"/dev/")?;
    if !name.starts_with(b"loop") {
        return None;
    }
    let sys = std::path::Path::new("/sys/block")
        .join(OsStr::from_bytes(name))
        .join("loop");
    let autoclear = std::fs::read(sys.join("autoclear")).ok()?;
    if autoclear.first() != Some(&b'1') {
        return None;
    }
    let file = std::fs::read(sys.join("backing_file")).ok()?;
    let file = file.strip_suffix(b"\n").unwrap_or(&file);
    Some(OsStr::from_bytes(file).to_os_string())
}

/// The source as mount shows it.
pub fn pretty_source(e: &MountEntry) -> OsString {
    let fstype = e.fstype.to_string_lossy();
    if is_pseudofs(&fstype) || is_netfs(&fstype) || fstype == "swap" {
        return e.source.to_os_string();
    }
    if e.source.is_empty() {
        return "none".into();
    }
    if !e.source.as_bytes().starts_with(b"/") {
        return e.source.to_os_string();
    }
    let canon = canonicalize(&e.source);
    loop_backing_file(&canon).unwrap_or(canon)
}

/// The filesystem label of a device, from the udev links in
/// `/dev/disk/by-label` (names there escape bytes as `\xNN`), or, without
/// udev, from the device's superblock.
fn label_of(source: &OsStr) -> Option<String> {
    let dev = canonicalize(source);
    let Ok(dir) = std::fs::read_dir("/dev/disk/by-label") else {
        use std::os::unix::fs::FileTypeExt;
        let blk = std::fs::metadata(&dev).is_ok_and(|m| m.file_type().is_block_device());
        return if blk {
            crate::blkid::probe(&dev).and_then(|sb| sb.label)
        } else {
            None
        };
    };
    for entry in dir.flatten() {
        if canonicalize(entry.path().as_os_str()) == dev {
            let raw = entry.file_name().to_string_lossy().into_owned();
            return Some(unescape_udev(&raw));
        }
    }
    None
}

fn unescape_udev(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\\' && bytes.get(i + 1) == Some(&b'x') {
            if let Some(v) = s
                .get(i + 2..i + 4)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(v);
                i += 4;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Writes the target with control characters as `?` (coreutils style).
fn write_safe(out: &mut impl Write, s: &OsStr) -> std::io::Result<()> {
    let bytes: Vec<u8> = s
        .as_bytes()
        .iter()
        .map(|&b| if b < 0x20 || b == 0x7f { b'?' } else { b })
        .collect();
    out.write_all(&bytes)
}

/// Formats the listing of `table`.
///
/// # Errors
/// A write error.
pub fn write_listing(
    out: &mut impl Write,
    table: &MountTable,
    utab: &[Record],
    types: Option<&str>,
    labels: bool,
) -> std::io::Result<()> {
    for e in &table.entries {
        let fstype = e.fstype.to_string_lossy();
        if fstype == "autofs" {
            continue;
        }
        if let Some(pattern) = types {
            if !match_fstype(&fstype, pattern) {
                continue;
            }
        }
        out.write_all(pretty_source(e).as_bytes())?;
        out.write_all(b" on ")?;
        write_safe(out, &e.target)?;
        write!(out, " type {fstype} ({})", options_of(e, utab))?;
        if labels && !e.source.is_empty() {
            if let Some(label) = label_of(&e.source) {
                write!(out, " [{label}]")?;
            }
        }
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// Prints the listing of the current mount table on stdout.
///
/// # Errors
/// Reading `/proc/self/mountinfo` or writing stdout.
pub fn list(types: Option<&str>, labels: bool) -> Result<(), ListError> {
    let table = MountTable::current().map_err(ListError::Read)?;
    let utab = std::fs::read(super::utab::path())
        .map(|d| utab::parse(&d))
        .unwrap_or_default();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    write_listing(&mut out, &table, &utab, types, labels).map_err(ListError::Write)?;
    out.flush().map_err(ListError::Write)
}

/// Why the listing failed.
#[derive(Debug)]
pub enum ListError {
    /// The mount table could not be read.
    Read(std::io::Error),
    /// stdout failed.
    Write(std::io::Error),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listing(mountinfo: &str, utab: &str, types: Option<&str>) -> String {
        let t = MountTable::parse(mountinfo.as_bytes());
        let u = utab::parse(utab.as_bytes());
        let mut out = Vec::new();
        write_listing(&mut out, &t, &u, types, false).expect("write");
        String::from_utf8(out).expect("utf8")
    }

    #[test]
    fn lines_like_util_linux() {
        let mi = "22 27 0:21 / /proc rw,relatime - proc proc rw\n\
                  28 27 0:25 / /m\\040x ro,nosuid,nodev,relatime - tmpfs model ro,size=4k,mode=755\n\
                  29 27 0:26 / /a rw,relatime - autofs systemd-1 rw,fd=1\n\
                  30 27 0:27 / /c\rd rw - tmpfs t rw\n";
        assert_eq!(
            listing(mi, "", None),
            "proc on /proc type proc (rw,relatime)\n\
             model on /m x type tmpfs (ro,nosuid,nodev,relatime,size=4k,mode=755)\n\
             t on /c?d type tmpfs (rw)\n"
        );
        assert_eq!(
            listing(mi, "", Some("proc")),
            "proc on /proc type proc (rw,relatime)\n"
        );
    }

    #[test]
    fn utab_options_are_appended() {
        let mi = "63 43 0:39 / /m rw,relatime - tmpfs x rw\n";
        assert_eq!(
            listing(
                mi,
                "ID=63 SRC=x TARGET=/m ROOT=/ OPTS=x-foo,_netdev\n",
                None
            ),
            "x on /m type tmpfs (rw,relatime,x-foo,_netdev)\n"
        );
        assert_eq!(
            listing(mi, "SRC=x TARGET=/m ROOT=/ OPTS=x-bar\n", None),
            "x on /m type tmpfs (rw,relatime,x-bar)\n"
        );
        // Without an ID, the source must match too (as libmount merges).
        assert_eq!(
            listing(mi, "SRC=y TARGET=/m ROOT=/ OPTS=x-bar\n", None),
            "x on /m type tmpfs (rw,relatime)\n"
        );
    }

    #[test]
    fn udev_escapes() {
        assert_eq!(unescape_udev("my\\x20disk"), "my disk");
        assert_eq!(unescape_udev("plain"), "plain");
    }
}
