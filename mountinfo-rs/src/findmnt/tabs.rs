//! Tables that do not come from the kernel, and what libmount adds to the
//! kernel's: fstab-format lines (`-s`, `-F FILE`), option strings split into
//! VFS, filesystem and userspace parts, `/run/mount/utab` options merged into
//! `-m`, and `--vfs-all`.
//!
//! The rules follow libmount's parser (`tab_parse.c`): a table has one
//! format, guessed from its first line that is neither blank nor a comment
//! (two numbers: mountinfo, else fstab) and kept for every later file; an
//! fstab line is `SOURCE TARGET TYPE [OPTIONS [FREQ [PASSNO]]]` separated by
//! runs of blanks, `\ooo` escapes decoded, anything after PASSNO ignored.

use crate::mountinfo::{unescape, MountEntry, Propagation};
use std::ffi::OsString;
use std::os::unix::ffi::{OsStrExt, OsStringExt};

/// What an entry carries beyond its mountinfo fields.
#[derive(Clone, Debug, Default)]
pub struct Extra {
    /// An fstab-format entry (no IDs, no propagation, FREQ and PASSNO).
    pub fstab: bool,
    /// fstab field 5.
    pub freq: i32,
    /// fstab field 6.
    pub passno: i32,
    /// The OPTIONS column: the fstab options as written, or the kernel
    /// options followed by the userspace options from utab.
    pub options: Vec<u8>,
    /// The userspace part of the options.
    pub user_options: Vec<u8>,
    /// The 64-bit unique mount ID (`--kernel=listmount`), 0 when unknown.
    pub uniq_id: u64,
}

/// The format of a table file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TabFormat {
    /// `/proc/PID/mountinfo`.
    Mountinfo,
    /// fstab(5) (and `/proc/mounts`).
    Fstab,
    /// `/proc/swaps` (its first line is `Filename\t...`).
    Swaps,
}

/// The header line of `/proc/swaps`.
pub const SWAPS_HEADER: &[u8] = b"Filename\t";

/// libmount `guess_table_format()`: sscanf `"%u %u"` succeeds on mountinfo,
/// a `Filename<TAB>` line starts swaps.
pub fn guess_format(line: &[u8]) -> TabFormat {
    fn uint(s: &[u8]) -> Option<&[u8]> {
        let s = s.trim_ascii_start();
        let s = s
            .strip_prefix(b"+")
            .or_else(|| s.strip_prefix(b"-"))
            .unwrap_or(s);
        let n = s.iter().take_while(|b| b.is_ascii_digit()).count();
        (n > 0).then(|| &s[n..])
    }
    match uint(line).and_then(uint) {
        Some(_) => TabFormat::Mountinfo,
        None if line.starts_with(SWAPS_HEADER) => TabFormat::Swaps,
        None => TabFormat::Fstab,
    }
}

/// libmount `mnt_parse_swaps_line()`: `FILENAME TYPE SIZE USED PRIORITY`
/// as an entry of type `swap` with only a source (a deleted swap file's
/// ` (deleted)` cut off); `None` for a parse error.
pub fn parse_swaps_line(line: &[u8]) -> Option<(MountEntry, Extra)> {
    let (source, s) = field(line);
    let mut source = source?.into_vec();
    if let Some(kept) = source.strip_suffix(b" (deleted)").map(<[u8]>::len) {
        source.truncate(kept);
    }
    // The swap type (`partition`, `file`) is read but not shown.
    let (swap_type, s) = field(s);
    swap_type.as_ref()?;
    let (size, s) = unsigned(skip_blanks(s))?;
    let (used, s) = unsigned(skip_blanks(s))?;
    let (priority, bad, _) = s32(skip_blanks(s));
    if priority.is_none() || bad || size.is_none() || used.is_none() {
        return None;
    }
    let entry = MountEntry {
        id: 0,
        parent: 0,
        major: 0,
        minor: 0,
        root: OsString::new().into(),
        target: OsString::new().into(),
        vfs_options: OsString::new().into(),
        opt_fields: OsString::new().into(),
        propagation: Propagation::default(),
        fstype: OsString::from("swap").into(),
        source: OsString::from_vec(source).into(),
        fs_options: OsString::new().into(),
    };
    Some((
        entry,
        Extra {
            fstab: true,
            ..Extra::default()
        },
    ))
}

/// libmount `next_u64()`: decimal digits up to a blank or the end of the
/// line; `None` (a parse error) for anything else. The value, if any, and
/// the rest.
fn unsigned(s: &[u8]) -> Option<(Option<u64>, &[u8])> {
    let n = s.iter().take_while(|b| b.is_ascii_digit()).count();
    let (digits, rest) = s.split_at(n);
    if n == 0 || !matches!(rest.first(), Some(b' ' | b'\t')) {
        return None;
    }
    let value = std::str::from_utf8(digits).ok()?.parse().ok();
    Some((value, rest))
}

/// The next blank-separated field and the rest (libmount `unmangle()`):
/// `None` when the field is empty.
fn field(s: &[u8]) -> (Option<OsString>, &[u8]) {
    let s = skip_blanks(s);
    let n = s.iter().take_while(|&&b| b != b' ' && b != b'\t').count();
    if n == 0 {
        return (None, s);
    }
    (Some(unescape(&s[..n])), &s[n..])
}

fn skip_blanks(s: &[u8]) -> &[u8] {
    let n = s.iter().take_while(|&&b| b == b' ' || b == b'\t').count();
    &s[n..]
}

/// libmount `next_s32()`: strtol(3) into a C `long` (saturating, with
/// ERANGE), stored in an `int` (truncated); an error unless the number ends
/// at a blank or at the end of the line. Returns the number (set whenever
/// digits were read), the error, and the rest.
fn s32(s: &[u8]) -> (Option<i32>, bool, &[u8]) {
    match crate::mountinfo::c_strtol(s, true) {
        None => (None, true, s),
        Some((value, range, rest)) => {
            let ends = matches!(rest.first(), None | Some(b' ' | b'\t'));
            (Some(value as i32), range || !ends, rest)
        }
    }
}

/// libmount `mnt_parse_table_line()`: an fstab line (blanks and comments
/// already skipped) as an entry, `None` for a parse error.
pub fn parse_fstab_line(line: &[u8]) -> Option<(MountEntry, Extra)> {
    let (source, s) = field(line);
    let source = source?;
    let (target, s) = field(s);
    let target = target?;
    let (fstype, s) = field(s);
    let fstype = fstype?;
    let (options, s) = field(s);
    let mut extra = Extra {
        fstab: true,
        ..Extra::default()
    };
    let mut entry = MountEntry {
        id: 0,
        parent: 0,
        major: 0,
        minor: 0,
        root: OsString::new().into(),
        target: target.into(),
        vfs_options: OsString::new().into(),
        opt_fields: OsString::new().into(),
        propagation: Propagation::default(),
        fstype: fstype.into(),
        source: source.into(),
        fs_options: OsString::new().into(),
    };
    if let Some(options) = options {
        let (vfs, fs, user) = split_options(options.as_bytes());
        entry.vfs_options = vfs.into();
        entry.fs_options = fs.into();
        extra.user_options = user;
        extra.options = options.into_vec();
        let s = skip_blanks(s);
        if !s.is_empty() {
            let (freq, bad, s) = s32(s);
            if let Some(v) = freq {
                extra.freq = v;
            }
            if bad && !s.is_empty() {
                return None;
            }
            let s = skip_blanks(s);
            if !s.is_empty() {
                let (passno, bad, s) = s32(s);
                if let Some(v) = passno {
                    extra.passno = v;
                }
                if bad && !s.is_empty() {
                    return None;
                }
            }
        }
    }
    Some((entry, extra))
}

/// The items of an option string (libmount `mnt_optstr_next_option()`):
/// split at commas outside double quotes, each as name and optional value.
pub fn option_items(optstr: &[u8]) -> Vec<(&[u8], Option<&[u8]>)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut quoted = false;
    for i in 0..=optstr.len() {
        let b = optstr.get(i).copied();
        if b == Some(b'"') {
            quoted = !quoted;
            continue;
        }
        if b.is_some() && (quoted || b != Some(b',')) {
            continue;
        }
        let item = &optstr[start..i];
        start = i + 1;
        if item.is_empty() {
            continue;
        }
        // The first '=' outside quotes separates the value.
        let mut q = false;
        let eq = item.iter().position(|&b| {
            if b == b'"' {
                q = !q;
            }
            b == b'=' && !q
        });
        match eq {
            Some(e) => out.push((&item[..e], Some(&item[e + 1..]))),
            None => out.push((item, None)),
        }
    }
    out
}

/// Which map an option belongs to, libmount-style.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// `linux_flags_map`, with the flag and whether it clears it.
    Vfs(u64, bool),
    /// `userspace_opts_map`.
    User,
    /// In the userspace map with no ID (`defaults`): dropped.
    Ignored,
    /// Passed to the filesystem.
    Fs,
}

/// libmount's `linux_flags_map` (as built with glibc's `MS_*`): name,
/// flag, clears the flag.
const LINUX_MAP: &[(&str, u64, bool)] = &[
    ("ro", libc::MS_RDONLY, false),
    ("rw", libc::MS_RDONLY, true),
    ("exec", libc::MS_NOEXEC, true),
    ("noexec", libc::MS_NOEXEC, false),
    ("suid", libc::MS_NOSUID, true),
    ("nosuid", libc::MS_NOSUID, false),
    ("dev", libc::MS_NODEV, true),
    ("nodev", libc::MS_NODEV, false),
    ("sync", libc::MS_SYNCHRONOUS, false),
    ("async", libc::MS_SYNCHRONOUS, true),
    ("dirsync", libc::MS_DIRSYNC, false),
    ("remount", libc::MS_REMOUNT, false),
    ("bind", libc::MS_BIND, false),
    ("rbind", libc::MS_BIND | libc::MS_REC, false),
    ("silent", libc::MS_SILENT, false),
    ("loud", libc::MS_SILENT, true),
    ("mand", libc::MS_MANDLOCK, false),
    ("nomand", libc::MS_MANDLOCK, true),
    ("atime", libc::MS_NOATIME, true),
    ("noatime", libc::MS_NOATIME, false),
    ("iversion", libc::MS_I_VERSION, false),
    ("noiversion", libc::MS_I_VERSION, true),
    ("diratime", libc::MS_NODIRATIME, true),
    ("nodiratime", libc::MS_NODIRATIME, false),
    ("relatime", libc::MS_RELATIME, false),
    ("norelatime", libc::MS_RELATIME, true),
    ("strictatime", libc::MS_STRICTATIME, false),
    ("nostrictatime", libc::MS_STRICTATIME, true),
    ("lazytime", libc::MS_LAZYTIME, false),
    ("nolazytime", libc::MS_LAZYTIME, true),
    ("unbindable", libc::MS_UNBINDABLE, false),
    ("runbindable", libc::MS_UNBINDABLE | libc::MS_REC, false),
    ("private", libc::MS_PRIVATE, false),
    ("rprivate", libc::MS_PRIVATE | libc::MS_REC, false),
    ("slave", libc::MS_SLAVE, false),
    ("rslave", libc::MS_SLAVE | libc::MS_REC, false),
    ("shared", libc::MS_SHARED, false),
    ("rshared", libc::MS_SHARED | libc::MS_REC, false),
    ("symfollow", libc::MS_NOSYMFOLLOW, true),
    ("nosymfollow", libc::MS_NOSYMFOLLOW, false),
    ("move", libc::MS_MOVE, false),
];

/// libmount `mnt_optmap_get_entry()` over the two built-in maps.
fn kind(name: &[u8], has_value: bool) -> Kind {
    // An entry matches when it is the name, or the name followed by `=`
    // or `[`; a map entry without `=` takes no value.
    let entry_matches = |ent: &str| {
        let e = ent.as_bytes();
        e.starts_with(name) && matches!(e.get(name.len()), None | Some(b'=' | b'['))
    };
    if let Some(&(_, flag, invert)) = LINUX_MAP.iter().find(|(n, _, _)| entry_matches(n)) {
        return if has_value {
            Kind::Fs
        } else {
            Kind::Vfs(flag, invert)
        };
    }
    for &ent in crate::mountinfo::USERSPACE_OPTIONS {
        let prefix = ent == "x-" || ent == "X-";
        let hit = if prefix {
            name.starts_with(ent.as_bytes())
        } else {
            entry_matches(ent)
        };
        if hit {
            if ent == "defaults" {
                return Kind::Ignored;
            }
            if has_value && !prefix && !ent.contains('=') {
                return Kind::Fs;
            }
            return Kind::User;
        }
    }
    Kind::Fs
}

/// libmount `mnt_split_optstr()`: (VFS, filesystem, userspace) options.
pub fn split_options(optstr: &[u8]) -> (Vec<u8>, Vec<u8>, Vec<u8>) {
    let (mut vfs, mut fs, mut user) = (Vec::new(), Vec::new(), Vec::new());
    for (name, value) in option_items(optstr) {
        let buf = match kind(name, value.is_some()) {
            Kind::Vfs(..) => &mut vfs,
            Kind::User => &mut user,
            Kind::Fs => &mut fs,
            Kind::Ignored => continue,
        };
        if !buf.is_empty() {
            buf.push(b',');
        }
        buf.extend_from_slice(name);
        if let Some(v) = value {
            buf.push(b'=');
            buf.extend_from_slice(v);
        }
    }
    (vfs, fs, user)
}

/// libmount `mnt_fs_get_vfs_options_all()` (`--vfs-all`): every VFS flag
/// of the map, set or at its default, in map order.
pub fn vfs_options_all(options: &[u8]) -> Vec<u8> {
    if options.is_empty() {
        return Vec::new();
    }
    let mut flags = 0u64;
    let secure = libc::MS_NOEXEC | libc::MS_NOSUID | libc::MS_NODEV;
    for (name, value) in option_items(options) {
        if value.is_some() {
            continue;
        }
        if let Some(&(_, flag, invert)) = LINUX_MAP.iter().find(|(n, _, _)| n.as_bytes() == name) {
            if invert {
                flags &= !flag;
            } else {
                flags |= flag;
            }
        }
        // mount(8)'s rule: `user`/`users` imply noexec,nosuid,nodev and
        // `owner`/`group` nosuid,nodev.
        match name {
            b"user" | b"users" => flags |= secure,
            b"owner" | b"group" => flags |= libc::MS_NOSUID | libc::MS_NODEV,
            _ => {}
        }
    }
    let mut out: Vec<u8> = Vec::new();
    for &(name, flag, invert) in LINUX_MAP {
        let show = if flag & flags != 0 { !invert } else { invert };
        if show {
            if !out.is_empty() {
                out.push(b',');
            }
            out.extend_from_slice(name.as_bytes());
        }
    }
    out
}

/// The value of option `name` in `optstr`: `Some(None)` when present
/// without a value, `None` when absent (libmount `mnt_optstr_get_option()`).
pub fn get_option<'a>(optstr: &'a [u8], name: &[u8]) -> Option<Option<&'a [u8]>> {
    option_items(optstr)
        .into_iter()
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v)
}

/// The fstab path: `LIBMOUNT_FSTAB` or `/etc/fstab`.
pub fn fstab_path() -> std::path::PathBuf {
    std::env::var_os("LIBMOUNT_FSTAB")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::PathBuf::from("/etc/fstab"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fstab_lines_follow_libmount() {
        let (e, x) =
            parse_fstab_line(b"UUID=1 /a\\040b ext4 rw,noatime,errors=ro,x-y,user 0 1 junk")
                .expect("parses");
        assert_eq!(e.source, "UUID=1");
        assert_eq!(e.target, "/a b");
        assert_eq!(e.vfs_options, "rw,noatime");
        assert_eq!(e.fs_options, "errors=ro");
        assert_eq!(x.user_options, b"x-y,user");
        assert_eq!((x.freq, x.passno), (0, 1));
        assert!(parse_fstab_line(b"bad line").is_none());
        assert!(parse_fstab_line(b"/dev/x /x ext4 defaults zz 0").is_none());
        assert!(parse_fstab_line(b"/dev/x /x ext4 defaults 1x").is_none());
        let (_, x) = parse_fstab_line(b"proc /proc proc").expect("parses");
        assert!(x.options.is_empty());
    }

    #[test]
    fn options_split_like_libmount() {
        let (v, f, u) = split_options(b"ro=1,comment=x,comment,user=joe,X-y,loop,defaults,\"q,w\"");
        assert_eq!(v, b"");
        assert_eq!(f, b"ro=1,\"q,w\"");
        assert_eq!(u, b"comment=x,comment,user=joe,X-y,loop");
        assert_eq!(guess_format(b"15 20 0:3 / /proc"), TabFormat::Mountinfo);
        assert_eq!(guess_format(b"/dev/sda1 / ext4"), TabFormat::Fstab);
    }

    #[test]
    fn vfs_all_makes_user_mounts_secure() {
        let all = vfs_options_all(b"rw,user");
        assert!(all.starts_with(b"rw,noexec,nosuid,nodev,"), "{all:?}");
        assert!(vfs_options_all(b"").is_empty());
    }

    #[test]
    fn freq_and_passno_follow_strtol_into_int() {
        let n = |l: &[u8]| parse_fstab_line(l).map(|(_, x)| (x.freq, x.passno));
        assert_eq!(n(b"a /b c d 2147483648 0"), Some((i32::MIN, 0)));
        assert_eq!(n(b"a /b c d 4294967296 0"), Some((0, 0)));
        assert_eq!(n(b"a /b c d 0 -2147483649"), Some((0, i32::MAX)));
        assert_eq!(n(b"a /b c d -5 +3"), Some((-5, 3)));
        assert_eq!(n(b"a /b c d 99999999999999999999 0"), None);
        assert_eq!(n(b"a /b c d 0x 0"), None);
    }

    #[test]
    fn vfs_all_lists_defaults() {
        assert_eq!(
            vfs_options_all(b"rw,relatime"),
            b"rw,exec,suid,dev,async,loud,nomand,atime,noiversion,diratime,relatime,nostrictatime,nolazytime,symfollow".to_vec()
        );
    }
}
