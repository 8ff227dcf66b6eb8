//! Parser for `/proc/PID/mountinfo` (proc(5), kernel
//! `Documentation/filesystems/proc.rst` §3.5).
//!
//! A line is
//!
//! ```text
//! 36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
//! (1)(2)(3)   (4)   (5)      (6)      (7)   (8) (9)     (10)        (11)
//! ```
//!
//! mount ID, parent ID, `major:minor`, root of the mount within its
//! filesystem, mount point, per-mount (VFS) options, zero or more optional
//! fields (`shared:N`, `master:N`, `propagate_from:N`, `unbindable`), a lone
//! `-`, filesystem type, mount source, per-superblock options.
//!
//! The kernel separates fields by single spaces and escapes space, tab,
//! newline and backslash in paths as `\ooo` octal, so any other byte
//! (including `\r` and bytes that are not UTF-8) appears raw. An empty source
//! shows as two adjacent spaces, and a source may itself be `-`: the first
//! `" - "` after field 6 ends the optional fields. Files that did not come
//! from the kernel are read by libmount's rules (runs of spaces and tabs
//! separate fields; see [`MountEntry::parse`]). Every field is kept as
//! bytes, unescaped; option order is kept as the kernel wrote it.

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::{OsStrExt, OsStringExt};

use crate::sys::memchr;

/// The propagation state of a mount, from the optional fields (proc(5),
/// kernel `Documentation/filesystems/sharedsubtree.rst`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Propagation {
    /// `shared:N`: the peer group this mount shares events with.
    pub shared: Option<u32>,
    /// `master:N`: the peer group this mount is a slave of.
    pub master: Option<u32>,
    /// `propagate_from:N`: the nearest dominant peer group visible from the
    /// reader's root, when the immediate master is not.
    pub propagate_from: Option<u32>,
    /// `unbindable`: the mount may not be bind-mounted.
    pub unbindable: bool,
}

impl Propagation {
    /// Parses the optional fields (`shared:1 master:2 ...`, separated by
    /// blanks); unknown tags are ignored, as proc(5) asks of readers.
    pub fn parse(fields: &[u8]) -> Propagation {
        let mut p = Propagation::default();
        for field in fields.split(|&b| is_blank(b)).filter(|f| !f.is_empty()) {
            let (tag, value) = match field.iter().position(|&b| b == b':') {
                Some(i) => (&field[..i], Some(&field[i + 1..])),
                None => (field, None),
            };
            let num = value
                .and_then(|v| std::str::from_utf8(v).ok())
                .and_then(|v| v.parse().ok());
            match tag {
                b"shared" => p.shared = num,
                b"master" => p.master = num,
                b"propagate_from" => p.propagate_from = num,
                b"unbindable" => p.unbindable = true,
                _ => {}
            }
        }
        p
    }
}

/// Bytes a [`Field`] holds without a heap allocation.
const INLINE: usize = 22;

/// A text field of a mount table entry (a path, a type, an option list),
/// as bytes that need not be UTF-8. It dereferences to [`OsStr`].
///
/// Most fields are short (`tmpfs`, `rw,relatime`, `/dev/sda1`, many mount
/// points): up to 22 bytes are kept inside the value, so a table of 100,000
/// mounts is not 600,000 small heap allocations; longer ones are boxed.
/// The value is 24 bytes either way, as an `OsString` is.
#[derive(Clone)]
pub struct Field(Repr);

#[derive(Clone)]
enum Repr {
    Inline { len: u8, bytes: [u8; INLINE] },
    Heap(Box<[u8]>),
}

impl Field {
    /// A field holding a copy of `bytes`.
    pub fn new(bytes: &[u8]) -> Field {
        match u8::try_from(bytes.len()) {
            Ok(len) if bytes.len() <= INLINE => {
                let mut inline = [0; INLINE];
                inline[..bytes.len()].copy_from_slice(bytes);
                Field(Repr::Inline { len, bytes: inline })
            }
            _ => Field(Repr::Heap(bytes.into())),
        }
    }

    /// A field of mountinfo text, decoded as [`unescape`] does.
    fn unescaped(raw: &[u8]) -> Field {
        if raw.len() <= INLINE && !raw.iter().any(|&b| b == b'\\' || b == 0) {
            Field::new(raw)
        } else {
            Field::from(unescape(raw))
        }
    }

    /// The field as an [`OsStr`].
    pub fn as_os_str(&self) -> &OsStr {
        self
    }

    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        match &self.0 {
            Repr::Inline { len, bytes } => &bytes[..usize::from(*len)],
            Repr::Heap(b) => b,
        }
    }
}

impl Default for Field {
    fn default() -> Field {
        Field::new(b"")
    }
}

impl std::ops::Deref for Field {
    type Target = OsStr;
    fn deref(&self) -> &OsStr {
        OsStr::from_bytes(self.as_bytes())
    }
}

impl AsRef<OsStr> for Field {
    fn as_ref(&self) -> &OsStr {
        self
    }
}

impl From<OsString> for Field {
    fn from(s: OsString) -> Field {
        if s.len() <= INLINE {
            Field::new(s.as_bytes())
        } else {
            Field(Repr::Heap(s.into_vec().into_boxed_slice()))
        }
    }
}

impl From<Vec<u8>> for Field {
    fn from(v: Vec<u8>) -> Field {
        Field::from(OsString::from_vec(v))
    }
}

impl PartialEq for Field {
    fn eq(&self, other: &Field) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl Eq for Field {}

impl PartialEq<&OsStr> for Field {
    fn eq(&self, other: &&OsStr) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl PartialEq<OsString> for Field {
    fn eq(&self, other: &OsString) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl PartialEq<&str> for Field {
    fn eq(&self, other: &&str) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl std::fmt::Debug for Field {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&**self, f)
    }
}

/// One line of mountinfo, unescaped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MountEntry {
    /// (1) Unique ID of the mount (may be reused after umount).
    pub id: u32,
    /// (2) ID of the parent mount (self for the root of the tree).
    pub parent: u32,
    /// (3) Major device number of the filesystem (`st_dev`).
    pub major: u32,
    /// (3) Minor device number.
    pub minor: u32,
    /// (4) Path within the filesystem that forms the root of this mount.
    pub root: Field,
    /// (5) Mount point, relative to the reader's root.
    pub target: Field,
    /// (6) Per-mount (VFS) options, comma-separated, kernel order.
    pub vfs_options: Field,
    /// (7) Optional fields verbatim, space-separated (`shared:1 master:2`).
    pub opt_fields: Field,
    /// (7) The optional fields decoded.
    pub propagation: Propagation,
    /// (9) Filesystem type, `type.subtype` for FUSE.
    pub fstype: Field,
    /// (10) Mount source (may be empty).
    pub source: Field,
    /// (11) Per-superblock options.
    pub fs_options: Field,
}

/// Decodes `\ooo` octal escapes as libmount's `unmangle()` does: a
/// backslash and three octal digits are one byte, `64*a + 8*b + c` cut to
/// eight bits (so `\400` is 0); any other backslash stays. As in C, the
/// value ends at its first NUL byte.
pub fn unescape(field: &[u8]) -> OsString {
    let Some(first) = memchr(b'\\', field) else {
        let end = memchr(0, field).unwrap_or(field.len());
        return OsString::from_vec(field[..end].to_vec());
    };
    let mut out = Vec::with_capacity(field.len());
    out.extend_from_slice(&field[..first]);
    let mut i = first;
    while i < field.len() {
        if let (b'\\', Some(&[a, b, c])) = (field[i], field.get(i + 1..i + 4)) {
            if [a, b, c].iter().all(|d| (b'0'..=b'7').contains(d)) {
                let value =
                    64 * u32::from(a - b'0') + 8 * u32::from(b - b'0') + u32::from(c - b'0');
                // Eight bits, as the C char it is stored in.
                out.push(value.to_le_bytes()[0]);
                i += 4;
                continue;
            }
        }
        out.push(field[i]);
        i += 1;
    }
    if let Some(nul) = out.iter().position(|&b| b == 0) {
        out.truncate(nul);
    }
    OsString::from_vec(out)
}

/// C's `strtol()` (`signed`) or `strtoul()` on the start of `s`: white
/// space, a sign, decimal digits (at least one, else `None`). Returns the
/// value as the C call leaves it, in 64 bits (a `long`'s bits for
/// `strtol`; negated for `strtoul` of a negative number), whether it
/// overflowed (ERANGE: the value is then saturated at the type's limit),
/// and the rest of `s`. The table parsers read every number with it.
pub(crate) fn c_strtol(s: &[u8], signed: bool) -> Option<(u64, bool, &[u8])> {
    let start = s
        .iter()
        .position(|&b| !matches!(b, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r'))
        .unwrap_or(s.len());
    let s = &s[start..];
    let (negative, s) = match s.first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let digits = s.iter().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 {
        return None;
    }
    let rest = &s[digits..];
    let n = s[..digits].iter().try_fold(0u64, |n, &b| {
        n.checked_mul(10)?.checked_add(u64::from(b - b'0'))
    });
    let limit = if signed {
        i64::MAX.unsigned_abs() + u64::from(negative)
    } else {
        u64::MAX
    };
    Some(match n.filter(|&n| n <= limit) {
        Some(n) if negative => (n.wrapping_neg(), false, rest),
        Some(n) => (n, false, rest),
        None if !signed => (u64::MAX, true, rest),
        None if negative => (i64::MIN as u64, true, rest),
        None => (i64::MAX as u64, true, rest),
    })
}

/// libmount `next_s32()`: the mount ID fields, `strtol()` of the whole word
/// cut to a C `int` (kept here as its 32 bits).
fn number(field: &[u8]) -> Option<u32> {
    match c_strtol(field, true)? {
        (n, false, b"") => Some(n as u32),
        _ => None,
    }
}

/// `sscanf(field, "%u:%u")`: MAJ:MIN as libmount reads it, each `strtoul()`
/// cut to 32 bits; anything after the minor number is ignored.
pub(crate) fn device_numbers(field: &[u8]) -> Option<(u32, u32)> {
    let (major, _, rest) = c_strtol(field, false)?;
    let (minor, _, _) = c_strtol(rest.strip_prefix(b":")?, false)?;
    Some((major as u32, minor as u32))
}

/// libmount's field separators: spaces and tabs.
fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// `s` without its leading blanks.
fn skip_blanks(s: &[u8]) -> &[u8] {
    let n = s.iter().position(|&b| !is_blank(b)).unwrap_or(s.len());
    &s[n..]
}

/// The word at the start of `s` (up to a blank) and the rest.
fn word(s: &[u8]) -> (&[u8], &[u8]) {
    let n = s.iter().position(|&b| is_blank(b)).unwrap_or(s.len());
    s.split_at(n)
}

/// The next word of `s` after its leading blanks, unescaped; `None` when
/// it is empty (libmount's `unmangle()` fails on an empty word).
fn next_field(s: &[u8]) -> Option<(Field, &[u8])> {
    let (w, rest) = word(skip_blanks(s));
    (!w.is_empty()).then(|| (Field::unescaped(w), rest))
}

/// The index of the first `" - "` in `s` (the end of the optional fields).
fn find_separator(s: &[u8]) -> Option<usize> {
    let mut from = 1;
    loop {
        let dash = from + memchr(b'-', s.get(from..)?)?;
        if s.get(dash - 1) == Some(&b' ') && s.get(dash + 1) == Some(&b' ') {
            return Some(dash - 1);
        }
        from = dash + 1;
    }
}

impl MountEntry {
    /// Parses one line (without its newline; it ends at a NUL byte) as
    /// libmount's `mnt_parse_mountinfo_line()` does: fields separated by
    /// runs of spaces and tabs, the optional fields up to the first
    /// `" - "`, an empty source where two spaces follow the type, and the
    /// superblock options required. `None` if it is malformed.
    pub fn parse(line: &[u8]) -> Option<MountEntry> {
        let line = &line[..memchr(0, line).unwrap_or(line.len())];
        let (id, s) = word(skip_blanks(line));
        let (parent, s) = word(skip_blanks(s));
        let (devno, s) = word(skip_blanks(s));
        let (major, minor) = device_numbers(devno)?;
        let (root, s) = next_field(s)?;
        let (target, s) = next_field(s)?;
        let (vfs_options, s) = next_field(s)?;
        let sep = find_separator(s)?;
        let opt_fields = s.get(1..sep).unwrap_or_default();
        let (fstype, s) = next_field(&s[sep + 3..])?;
        if s.is_empty() {
            return None;
        }
        let (source, s) = if s.starts_with(b"  ") {
            (Field::default(), s)
        } else {
            next_field(s)?
        };
        let (fs_options, _) = next_field(s)?;
        Some(MountEntry {
            id: number(id)?,
            parent: number(parent)?,
            major,
            minor,
            root,
            target,
            vfs_options,
            propagation: Propagation::parse(opt_fields),
            opt_fields: Field::new(opt_fields),
            fstype,
            source,
            fs_options,
        })
    }

    /// The words findmnt's PROPAGATION column prints (libmount
    /// `mnt_fs_get_propagation()`, which looks for the tags anywhere in
    /// the optional fields, numbers or not): `shared` when `shared:`
    /// appears, else `private`; then `,slave` when `master:` does, and
    /// `,unbindable` when `unbindable` does (a pure slave is
    /// `private,slave`).
    pub fn propagation_words(&self) -> String {
        let fields = self.opt_fields.as_bytes();
        let has = |tag: &[u8]| fields.windows(tag.len()).any(|w| w == tag);
        let mut s = String::from(if has(b"shared:") { "shared" } else { "private" });
        if has(b"master:") {
            s.push_str(",slave");
        }
        if has(b"unbindable") {
            s.push_str(",unbindable");
        }
        s
    }

    /// The mount point as a path.
    pub fn target_path(&self) -> &std::path::Path {
        std::path::Path::new(&self.target)
    }
}

/// A parsed mount table: the entries in file order and the 1-based numbers
/// of the lines that could not be parsed (util-linux reports
/// `FILE: parse error at line N -- ignored` for each and goes on).
#[derive(Clone, Debug, Default)]
pub struct MountTable {
    /// Entries in file order.
    pub entries: Vec<MountEntry>,
    /// Line numbers (1-based) of malformed lines.
    pub bad_lines: Vec<usize>,
}

impl MountTable {
    /// Parses a whole mountinfo text. Empty lines are skipped silently; a
    /// last line without a newline is parsed like the others.
    pub fn parse(data: &[u8]) -> MountTable {
        let mut table = MountTable::default();
        for (n, line) in crate::sys::table_lines(data).enumerate() {
            let Some(line) = line else {
                table.bad_lines.push(n + 1);
                continue;
            };
            if line.is_empty() {
                continue;
            }
            match MountEntry::parse(line) {
                Some(e) => table.entries.push(e),
                None => table.bad_lines.push(n + 1),
            }
        }
        table
    }

    /// Reads and parses a mountinfo file (`/proc/self/mountinfo`,
    /// `/proc/PID/mountinfo`, or a copy).
    ///
    /// # Errors
    /// The I/O error of opening or reading the file.
    pub fn read(path: impl AsRef<std::path::Path>) -> std::io::Result<MountTable> {
        Ok(MountTable::parse(&std::fs::read(path)?))
    }

    /// The mount table of the calling process (`/proc/self/mountinfo`).
    ///
    /// # Errors
    /// As [`MountTable::read`].
    pub fn current() -> std::io::Result<MountTable> {
        MountTable::read("/proc/self/mountinfo")
    }

    /// The topmost (last mounted, visible) entry whose mount point is
    /// exactly `target`.
    pub fn find_target(&self, target: &OsStr) -> Option<&MountEntry> {
        self.entries
            .iter()
            .rev()
            .find(|e| e.target.as_bytes() == target.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kernel_shaped_options_merge_as_the_general_rules_do() {
        let items: [&[u8]; 9] = [
            b"rw",
            b"ro",
            b"rw=1",
            b"=x",
            b"a",
            b"\"q,rw\"",
            b"b\\,c",
            b"",
            b"rwx",
        ];
        let mut lists: Vec<Vec<u8>> = vec![Vec::new()];
        for a in items {
            lists.push(a.to_vec());
            for b in items {
                lists.push([a, b].join(&b','));
                for c in items {
                    lists.push([a, b, c].join(&b','));
                }
            }
        }
        let mut fast = 0;
        for v in &lists {
            for f in &lists {
                let want = merge_any_options(v, f);
                if let Some(got) = merge_kernel_options(v, f) {
                    fast += 1;
                    assert_eq!(
                        got,
                        want,
                        "{:?} + {:?}",
                        String::from_utf8_lossy(v),
                        String::from_utf8_lossy(f)
                    );
                }
            }
        }
        assert!(fast > 1000, "the fast path was taken {fast} times");
    }

    fn entry(line: &str) -> MountEntry {
        MountEntry::parse(line.as_bytes()).expect("valid line")
    }

    #[test]
    fn proc5_example() {
        let e =
            entry("36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue");
        assert_eq!((e.id, e.parent, e.major, e.minor), (36, 35, 98, 0));
        assert_eq!(e.root, "/mnt1");
        assert_eq!(e.target, "/mnt2");
        assert_eq!(e.vfs_options, "rw,noatime");
        assert_eq!(e.opt_fields, "master:1");
        assert_eq!(e.propagation.master, Some(1));
        assert_eq!(e.propagation_words(), "private,slave");
        assert_eq!(e.fstype, "ext3");
        assert_eq!(e.source, "/dev/root");
        assert_eq!(e.fs_options, "rw,errors=continue");
    }

    #[test]
    fn octal_escapes_and_raw_bytes() {
        let e = entry("40 1 0:50 / /a\\040b\\011c\\012d\\134e\rf rw - tmpfs x\\040y rw");
        assert_eq!(e.target.as_bytes(), b"/a b\tc\nd\\e\rf");
        assert_eq!(e.source, "x y");
        assert_eq!(unescape(b"\\12x\\"), OsString::from("\\12x\\"));
        // libmount keeps eight bits of \ooo, and a C string ends at NUL.
        assert_eq!(unescape(b"a\\777b"), OsString::from_vec(b"a\xffb".to_vec()));
        assert_eq!(unescape(b"a\\400b"), OsString::from("a"));
        // Found by the fstab fuzz target: a raw NUL ended the value only
        // when the field also held a backslash.
        assert_eq!(unescape(b"a\0b"), OsString::from("a"));
        assert_eq!(unescape(b"a\0b\\040"), OsString::from("a"));
        let e = MountEntry::parse(b"40 1 0:50 / /\xff\xfe rw - tmpfs t rw").expect("non-UTF-8");
        assert_eq!(e.target.as_bytes(), b"/\xff\xfe");
    }

    #[test]
    fn empty_source_and_dash_source() {
        let e = entry("41 1 0:51 / /e rw,relatime - tmpfs  rw");
        assert_eq!(e.source, "");
        assert_eq!(e.fs_options, "rw");
        let e = entry("42 1 0:52 / /d rw,relatime shared:5 - tmpfs - rw");
        assert_eq!(e.source, "-");
        assert_eq!(e.fstype, "tmpfs");
        assert_eq!(e.propagation.shared, Some(5));
    }

    #[test]
    fn many_optional_fields() {
        let e = entry(
            "43 1 0:53 / /m rw shared:2 master:1 propagate_from:7 unbindable x:9 - tmpfs t rw",
        );
        assert_eq!(
            e.propagation,
            Propagation {
                shared: Some(2),
                master: Some(1),
                propagate_from: Some(7),
                unbindable: true
            }
        );
        assert_eq!(e.propagation_words(), "shared,slave,unbindable");
        assert_eq!(
            e.opt_fields,
            "shared:2 master:1 propagate_from:7 unbindable x:9"
        );
    }

    #[test]
    fn bad_and_truncated_lines_are_counted() {
        let t = MountTable::parse(
            b"1 0 0:1 / / rw - ext4 /dev/x rw\ngarbage\n\n2 1 0:2 / /p rw - proc proc rw\n3 1 0:3 / /t rw",
        );
        assert_eq!(t.entries.len(), 2);
        assert_eq!(t.bad_lines, vec![2, 5]);
        assert!(MountEntry::parse(b"x 1 0:1 / / rw - a b c").is_none());
        assert!(MountEntry::parse(b"1 1 0:1 / / rw -").is_none());
        assert!(MountEntry::parse(b"").is_none());
    }
}

// ---------------------------------------------------------------------------
// libmount option strings and type patterns, byte for byte (findmnt's
// OPTIONS column, `-O`, `-t`, `--real`/`--pseudo`).

/// One item of a comma-separated option string, as byte ranges.
struct OptItem {
    /// Start of the name.
    start: usize,
    /// End of the name (the `=` or the end of the item).
    name_end: usize,
    /// The value after `=`, if any.
    value: Option<std::ops::Range<usize>>,
    /// End of the item (its terminating `,` or the end of the string).
    stop: usize,
    /// Where the next item is looked for.
    next: usize,
}

/// util-linux `ul_optstr_next()`: the item starting at or after `pos`
/// (leading commas skipped). A `,` or `=` inside double quotes and a `,`
/// after a backslash do not count. `Ok(None)` at the end; `Err` for an item
/// starting with `=`.
fn optstr_next(s: &[u8], pos: usize) -> Result<Option<OptItem>, ()> {
    let mut p0 = pos;
    while s.get(p0) == Some(&b',') {
        p0 += 1;
    }
    let (mut start, mut sep, mut quoted) = (None, None, false);
    for p in p0..s.len() {
        if start.is_none() && s[p] == b'=' {
            return Err(());
        }
        let begin = *start.get_or_insert(p);
        if s[p] == b'"' && (p == p0 || s[p - 1] != b'\\') {
            quoted = !quoted;
        }
        if quoted {
            continue;
        }
        if sep.is_none() && p > begin && s[p] == b'=' {
            sep = Some(p);
        }
        let stop = if s[p] == b',' && (p == p0 || s[p - 1] != b'\\') {
            p
        } else if p + 1 == s.len() {
            p + 1
        } else {
            continue;
        };
        return Ok(Some(OptItem {
            start: begin,
            name_end: sep.unwrap_or(stop),
            value: sep.map(|e| e + 1..stop),
            stop,
            next: if stop < s.len() { stop + 1 } else { stop },
        }));
    }
    Ok(None)
}

/// libmount `mnt_optstr_locate_option()`: the first item named `name`.
fn optstr_locate(s: &[u8], name: &[u8]) -> Result<Option<OptItem>, ()> {
    if name.is_empty() {
        return Ok(None);
    }
    let mut pos = 0;
    while let Some(item) = optstr_next(s, pos)? {
        if &s[item.start..item.name_end] == name {
            return Ok(Some(item));
        }
        pos = item.next;
    }
    Ok(None)
}

/// libmount `mnt_optstr_remove_option()`: removes the first item named
/// `name` with its separator; true when one was removed.
fn optstr_remove(s: &mut Vec<u8>, name: &[u8]) -> bool {
    let Ok(Some(item)) = optstr_locate(s, name) else {
        return false;
    };
    let (begin, mut end) = (item.start, item.stop);
    if (begin == 0 || s[begin - 1] == b',') && s.get(end) == Some(&b',') {
        end += 1;
    }
    s.drain(begin..end);
    if begin == s.len() && begin > 0 && s[begin - 1] == b',' {
        s.truncate(begin - 1);
    }
    true
}

/// The OPTIONS findmnt prints for a mountinfo entry (libmount
/// `merge_optstr()`): the per-mount options, a comma and the superblock
/// options, with up to two `rw` items removed and, unless both were there,
/// up to two `ro` items; the result starts with `ro` if an `ro` was removed,
/// else `rw`. Identical lists are returned once.
///
/// `rw,noatime` + `rw,errors=continue` gives `rw,noatime,errors=continue`.
pub fn merge_options(vfs: &[u8], fs: &[u8]) -> Vec<u8> {
    if vfs == fs {
        return vfs.to_vec();
    }
    merge_kernel_options(vfs, fs).unwrap_or_else(|| merge_any_options(vfs, fs))
}

/// [`merge_options`] step by step, for any input.
fn merge_any_options(vfs: &[u8], fs: &[u8]) -> Vec<u8> {
    let mut rest = [vfs, b",", fs].concat();
    let mut rw = 0;
    rw += usize::from(optstr_remove(&mut rest, b"rw"));
    rw += usize::from(optstr_remove(&mut rest, b"rw"));
    let mut ro = 0;
    if rw != 2 {
        ro += usize::from(optstr_remove(&mut rest, b"ro"));
        if ro + rw < 2 {
            ro += usize::from(optstr_remove(&mut rest, b"ro"));
        }
    }
    let mut out = if ro > 0 {
        b"ro".to_vec()
    } else {
        b"rw".to_vec()
    };
    if !rest.is_empty() {
        out.push(b',');
        out.extend_from_slice(&rest);
    }
    out
}

/// [`merge_options`] for the shape the kernel writes, in one pass: both
/// lists start with a `rw` item and the rest of the per-mount list is plain
/// (no quotes, backslashes, empty items, item starting with `=` or item
/// named `rw`). The two leading `rw` are then the ones removed, and the
/// result is `rw` and what follows them. `None` for any other input.
fn merge_kernel_options(vfs: &[u8], fs: &[u8]) -> Option<Vec<u8>> {
    fn tail(list: &[u8]) -> Option<&[u8]> {
        match list.strip_prefix(b"rw")? {
            b"" => Some(b""),
            rest => rest.strip_prefix(b",").filter(|t| !t.is_empty()),
        }
    }
    let (a, b) = (tail(vfs)?, tail(fs)?);
    let plain = a.split(|&c| c == b',').all(|item| {
        !item.is_empty()
            && item[0] != b'='
            && item.split(|&c| c == b'=').next() != Some(b"rw")
            && !item.iter().any(|&c| c == b'"' || c == b'\\')
    });
    if !a.is_empty() && !plain {
        return None;
    }
    let mut out = Vec::with_capacity(2 + a.len() + b.len() + 2);
    out.extend_from_slice(b"rw");
    for part in [a, b] {
        if !part.is_empty() {
            out.push(b',');
            out.extend_from_slice(part);
        }
    }
    Some(out)
}

impl MountEntry {
    /// All options as findmnt's OPTIONS column shows them
    /// ([`merge_options`] of the VFS and superblock options).
    pub fn options(&self) -> Vec<u8> {
        merge_options(self.vfs_options.as_bytes(), self.fs_options.as_bytes())
    }
}

/// Whether option string `optstr` matches the `-O` pattern `pattern`
/// (libmount `mnt_match_options()`). Every item of the pattern must hold:
/// `foo` and `foo=val` must be present (with that value), `nofoo` must be
/// absent, `+nofoo` must be present literally; an empty item or pattern
/// matches; a lone `no` never matches.
pub fn match_options(optstr: &[u8], pattern: &[u8]) -> bool {
    if pattern.is_empty() && optstr.is_empty() {
        return true;
    }
    let at = |i: usize| pattern.get(i).copied().unwrap_or(0);
    let mut pos = 0;
    let mut matched = true;
    while matched {
        let Ok(Some(item)) = optstr_next(pattern, pos) else {
            break;
        };
        pos = item.next;
        let (mut name, mut namesz) = (item.start, item.name_end - item.start);
        let mut no = false;
        if at(name) == b'+' {
            name += 1;
            namesz -= 1;
        } else if pattern[name..].starts_with(b"no") {
            no = true;
            name += 2;
            namesz = namesz.saturating_sub(2);
            if at(name) == 0 || at(name) == b',' {
                matched = false;
                break;
            }
        }
        let mut found = if !optstr.is_empty() && at(name) != 0 {
            let wanted = &pattern[name..name + namesz];
            optstr_locate(optstr, wanted).map(|o| o.map(|i| i.value.map(|v| &optstr[v])))
        } else if at(name) == 0 {
            Ok(Some(None))
        } else {
            Ok(None)
        };
        if let (Ok(Some(value)), Some(want)) = (&found, &item.value) {
            let want = &pattern[want.clone()];
            if !want.is_empty() && value.unwrap_or_default() != want {
                found = Ok(None);
            }
        }
        matched = match found {
            Ok(Some(_)) => !no,
            Ok(None) => no,
            Err(()) => false,
        };
    }
    matched
}

/// Whether filesystem type `fstype` matches the `-t` list `pattern` (util-linux
/// `match_fstype()`): items compare case-insensitively; a leading `no`
/// negates the whole list (`noext3,ext4` is neither ext3 nor ext4) and a
/// `noTYPE` item excludes that type.
pub fn match_fstype(fstype: &[u8], pattern: &[u8]) -> bool {
    let (negated, list) = match pattern.strip_prefix(b"no") {
        Some(rest) => (true, rest),
        None => (false, pattern),
    };
    for item in list.split(|&b| b == b',') {
        if item
            .strip_prefix(b"no")
            .is_some_and(|t| t.eq_ignore_ascii_case(fstype))
        {
            return false;
        }
        if item.eq_ignore_ascii_case(fstype) {
            return !negated;
        }
    }
    negated
}

/// Options only userspace reads (libmount's `userspace_opts_map`), never
/// passed to the kernel: a trailing `=` means a value is expected, `[=]`
/// that one is allowed, a trailing `-` (`x-`, `X-`) a prefix. Shared by
/// findmnt (splitting fstab options) and mount (building the mount data).
pub const USERSPACE_OPTIONS: &[&str] = &[
    "defaults",
    "auto",
    "noauto",
    "user[=]",
    "nouser",
    "users",
    "nousers",
    "owner",
    "noowner",
    "group",
    "nogroup",
    "_netdev",
    "comment=",
    "x-",
    "X-",
    "loop[=]",
    "offset=",
    "sizelimit=",
    "encryption=",
    "nofail",
    "uhelper=",
    "helper=",
    "verity.hashdevice=",
    "verity.roothash=",
    "verity.hashoffset=",
    "verity.roothashfile=",
    "verity.fecdevice=",
    "verity.fecoffset=",
    "verity.fecroots=",
    "verity.roothashsig=",
    "verity.oncorruption=",
];

/// Filesystem types libmount calls pseudo (`mnt_fstype_is_pseudofs()`,
/// util-linux 2.42): their source is a name, not a device or path.
const PSEUDO_FS: &[&[u8]] = &[
    b"anon_inodefs",
    b"apparmorfs",
    b"autofs",
    b"bdev",
    b"binder",
    b"binfmt_misc",
    b"bpf",
    b"cgroup",
    b"cgroup2",
    b"configfs",
    b"cpuset",
    b"debugfs",
    b"devfs",
    b"devpts",
    b"devtmpfs",
    b"dlmfs",
    b"dmabuf",
    b"drm",
    b"efivarfs",
    b"fuse",
    b"fuse.archivemount",
    b"fuse.avfsd",
    b"fuse.dumpfs",
    b"fuse.encfs",
    b"fuse.gvfs-fuse-daemon",
    b"fuse.gvfsd-fuse",
    b"fuse.kio-fuse",
    b"fuse.lxcfs",
    b"fuse.portal",
    b"fuse.rofiles-fuse",
    b"fuse.vmware-vmblock",
    b"fuse.xwmfs",
    b"fusectl",
    b"hugetlbfs",
    b"ipathfs",
    b"mqueue",
    b"nfsd",
    b"none",
    b"nsfs",
    b"overlay",
    b"pidfs",
    b"pipefs",
    b"proc",
    b"pstore",
    b"ramfs",
    b"resctrl",
    b"rootfs",
    b"rpc_pipefs",
    b"securityfs",
    b"selinuxfs",
    b"smackfs",
    b"sockfs",
    b"spufs",
    b"sysfs",
    b"tmpfs",
    b"tracefs",
    b"vboxsf",
    b"virtiofs",
];

/// The filesystem type name of a statfs(2) `f_type` magic number, as
/// libmount names it (`mnt_statfs_get_fstype()`): ext2, ext3 and ext4
/// share one magic and are `ext4`, msdos and vfat are `vfat`. `None` for a
/// magic not listed. Magic numbers: statfs(2), `<linux/magic.h>`.
pub fn fstype_of_magic(magic: u64) -> Option<&'static str> {
    const TYPES: &[(u64, &str)] = &[
        (0xadf5, "adfs"),
        (0xadff, "affs"),
        (0x5346_414f, "afs"),
        (0x0187, "autofs"),
        (0x6264_6576, "bdev"),
        (0x4249_4e4d, "binfmt_misc"),
        (0xcafe_4a11, "bpf"),
        (0x9123_683e, "btrfs"),
        (0x00c3_6400, "ceph"),
        (0x0027_e0eb, "cgroup"),
        (0x6367_7270, "cgroup2"),
        (0xff53_4d42, "cifs"),
        (0xfe53_4d42, "smb3"),
        (0x7375_7245, "coda"),
        (0x6265_6570, "configfs"),
        (0x28cd_3d45, "cramfs"),
        (0x6462_6720, "debugfs"),
        (0x1cd1, "devpts"),
        (0xf15f, "ecryptfs"),
        (0xde5e_81e4, "efivarfs"),
        (0x0041_4a53, "efs"),
        (0xe0f5_e1e2, "erofs"),
        (0x2011_bab0, "exfat"),
        (0xef53, "ext4"),
        (0xf2f5_2010, "f2fs"),
        (0x6573_5546, "fuse"),
        (0x6573_5543, "fusectl"),
        (0x0116_1970, "gfs2"),
        (0x4244, "hfs"),
        (0x482b, "hfsplus"),
        (0x00c0_ffee, "hostfs"),
        (0xf995_e849, "hpfs"),
        (0x9584_58f6, "hugetlbfs"),
        (0x9660, "iso9660"),
        (0x72b6, "jffs2"),
        (0x3153_464a, "jfs"),
        (0x137f, "minix"),
        (0x138f, "minix"),
        (0x2468, "minix2"),
        (0x2478, "minix2"),
        (0x4d5a, "minix3"),
        (0x1980_0202, "mqueue"),
        (0x4d44, "vfat"),
        (0x6969, "nfs"),
        (0x3434, "nilfs2"),
        (0x6e73_6673, "nsfs"),
        (0x5346_544e, "ntfs"),
        (0x7461_636f, "ocfs2"),
        (0x9fa1, "openpromfs"),
        (0x794c_7630, "overlay"),
        (0x5049_5045, "pipefs"),
        (0x9fa0, "proc"),
        (0x6165_676c, "pstore"),
        (0x002f, "qnx4"),
        (0x6819_1122, "qnx6"),
        (0x8584_58f6, "ramfs"),
        (0x5265_4973, "reiserfs"),
        (0x7275, "romfs"),
        (0x7363_6673, "securityfs"),
        (0xf97c_ff8c, "selinuxfs"),
        (0x4341_5d53, "smackfs"),
        (0x534f_434b, "sockfs"),
        (0x7371_7368, "squashfs"),
        (0x6265_6572, "sysfs"),
        (0x0102_1994, "tmpfs"),
        (0x7472_6163, "tracefs"),
        (0x1501_3346, "udf"),
        (0x0001_1954, "ufs"),
        (0x0102_1997, "9p"),
        (0xa501_fcf5, "vxfs"),
        (0xabba_1974, "xenfs"),
        (0x5846_5342, "xfs"),
        (0x5a4f_4653, "zonefs"),
    ];
    TYPES
        .iter()
        .find(|(m, _)| *m == magic)
        .map(|&(_, name)| name)
}

/// Whether `fstype` is a pseudo filesystem (findmnt `--pseudo`; `--real` is
/// the opposite).
pub fn is_pseudo_fs(fstype: &[u8]) -> bool {
    PSEUDO_FS.contains(&fstype)
}

/// Whether `fstype` is a network filesystem (libmount
/// `mnt_fstype_is_netfs()`): cifs, smb3, smbfs, nfs*, afs, ncpfs, glusterfs,
/// fuse.curlftpfs, fuse.sshfs, 9p*.
pub fn is_net_fs(fstype: &[u8]) -> bool {
    matches!(
        fstype,
        b"cifs"
            | b"smb3"
            | b"smbfs"
            | b"afs"
            | b"ncpfs"
            | b"glusterfs"
            | b"fuse.curlftpfs"
            | b"fuse.sshfs"
    ) || fstype.starts_with(b"nfs")
        || fstype.starts_with(b"9p")
}

#[cfg(test)]
mod option_tests {
    use super::*;

    fn merge(v: &str, f: &str) -> String {
        String::from_utf8(merge_options(v.as_bytes(), f.as_bytes())).expect("utf-8")
    }

    #[test]
    fn merge_keeps_one_rw_or_ro_in_front() {
        assert_eq!(
            merge("rw,noatime", "rw,errors=continue"),
            "rw,noatime,errors=continue"
        );
        assert_eq!(merge("ro,relatime", "rw"), "ro,relatime");
        assert_eq!(merge("ro,nosuid", "ro,mode=755"), "ro,nosuid,mode=755");
        assert_eq!(merge("rw", "rw"), "rw");
        assert_eq!(merge("rw", "ro"), "ro");
        assert_eq!(
            merge("rw,relatime", "rw,unc=\\\\a\\b,x"),
            "rw,relatime,unc=\\\\a\\b,x"
        );
        assert_eq!(merge("rw,a", "rw=1,b"), "rw,a,b");
        assert_eq!(merge("rw,a", "b=\"x,rw\",rw"), "rw,a,b=\"x,rw\"");
    }

    #[test]
    fn options_pattern_rules_of_libmount() {
        let o = b"aaa,bbb=BBB,ccc,ddd";
        assert!(match_options(o, b"ccc"));
        assert!(match_options(o, b"ccc,aaa,ddd"));
        assert!(match_options(o, b"noxxx"));
        assert!(!match_options(o, b"ddd,noaaa"));
        assert!(match_options(o, b"noxxx,ccc,aaa"));
        assert!(match_options(o, b"bbb=BBB"));
        assert!(!match_options(o, b"bbb=X"));
        assert!(match_options(o, b"bbb"));
        assert!(!match_options(b"nofoo,bar", b"nobar"));
        assert!(match_options(b"nofoo,bar", b"+nofoo"));
        assert!(!match_options(b"bar,zzz", b"+nofoo"));
        assert!(match_options(b"bar,zzz", b""));
        assert!(match_options(b"bar,zzz", b"+"));
        assert!(match_options(b"", b""));
        assert!(!match_options(b"", b"foo"));
        assert!(match_options(b"", b"nofoo"));
        assert!(!match_options(b"", b"no,foo"));
        assert!(match_options(b"no", b"+no"));
        assert!(!match_options(b"a,b", b"no"));
    }

    #[test]
    fn fstype_pattern_negates_the_whole_list_with_a_leading_no() {
        assert!(match_fstype(b"ext3", b"ext2,ext3,cifs"));
        assert!(!match_fstype(b"cifs", b"ext2,ext3,nocifs"));
        assert!(!match_fstype(b"cifs", b"noext2,ext3,cifs"));
        assert!(match_fstype(b"tmpfs", b"noext3,ext4,"));
        assert!(!match_fstype(b"ext4", b"noext3,ext4,"));
        assert!(match_fstype(b"EXT4", b"ext4"));
        assert!(match_fstype(b"ext4", b"nosuchfs"));
    }

    #[test]
    fn pseudo_and_network_types() {
        assert!(is_pseudo_fs(b"tmpfs") && is_pseudo_fs(b"cgroup2") && !is_pseudo_fs(b"ext4"));
        assert!(is_net_fs(b"nfs4") && is_net_fs(b"cifs") && !is_net_fs(b"tmpfs"));
    }
}
