//! findmnt's columns: names, libsmartcols flags and JSON types, and the text
//! of each cell for a mount table entry.

use super::cli::Options;
use super::rows::{canonicalize, is_tag_source, resolve_spec};
use super::tabs::{vfs_options_all, Extra};
use crate::mountinfo::MountEntry;
use common::table::{Column, JsonType};
use std::borrow::Cow;

/// A findmnt column, in util-linux's order (`--output-all` order).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Col {
    Target,
    Action,
    Avail,
    Freq,
    Fsroot,
    Fstype,
    FsOptions,
    Id,
    InoAvail,
    InoTotal,
    InoUsed,
    InoUsePerc,
    Label,
    MajMin,
    OldOptions,
    OldTarget,
    Options,
    OptFields,
    Parent,
    PartLabel,
    PartUuid,
    Passno,
    Propagation,
    Size,
    Source,
    Sources,
    Tid,
    UniqId,
    Used,
    UsePerc,
    Uuid,
    VfsOptions,
    /// nsbox: the peer group (`shared:N`).
    Shared,
    /// nsbox: the master peer group (`master:N`).
    Master,
    /// nsbox: `propagate_from:N`.
    PropagateFrom,
}

/// Every column, in util-linux's order.
pub const ALL_COLUMNS: &[Col] = &[
    Col::Target,
    Col::Action,
    Col::Avail,
    Col::Freq,
    Col::Fsroot,
    Col::Fstype,
    Col::FsOptions,
    Col::Id,
    Col::InoAvail,
    Col::InoTotal,
    Col::InoUsed,
    Col::InoUsePerc,
    Col::Label,
    Col::MajMin,
    Col::OldOptions,
    Col::OldTarget,
    Col::Options,
    Col::OptFields,
    Col::Parent,
    Col::PartLabel,
    Col::PartUuid,
    Col::Passno,
    Col::Propagation,
    Col::Size,
    Col::Source,
    Col::Sources,
    Col::Tid,
    Col::UniqId,
    Col::Used,
    Col::UsePerc,
    Col::Uuid,
    Col::VfsOptions,
    Col::Shared,
    Col::Master,
    Col::PropagateFrom,
];

/// libsmartcols column flags used here.
const RIGHT: u8 = 1;
const TRUNC: u8 = 2;
const TREE: u8 = 4;
const WRAP: u8 = 8;
const NOEXTREMES: u8 = 16;
const STRICTWIDTH: u8 = 32;

impl Col {
    /// (header, width hint, flags) as in util-linux's `infos[]`.
    fn info(self) -> (&'static str, f64, u8) {
        match self {
            Col::Target => ("TARGET", 0.30, TREE | NOEXTREMES),
            Col::Action => ("ACTION", 10.0, STRICTWIDTH),
            Col::Avail => ("AVAIL", 5.0, RIGHT),
            Col::Freq => ("FREQ", 1.0, RIGHT),
            Col::Fsroot => ("FSROOT", 0.25, NOEXTREMES),
            Col::Fstype => ("FSTYPE", 0.10, TRUNC),
            Col::FsOptions => ("FS-OPTIONS", 0.10, TRUNC),
            Col::Id => ("ID", 2.0, RIGHT),
            Col::InoAvail => ("INO.AVAIL", 5.0, RIGHT),
            Col::InoTotal => ("INO.TOTAL", 5.0, RIGHT),
            Col::InoUsed => ("INO.USED", 5.0, RIGHT),
            Col::InoUsePerc => ("INO.USE%", 3.0, RIGHT),
            Col::Label => ("LABEL", 0.10, 0),
            Col::MajMin => ("MAJ:MIN", 6.0, 0),
            Col::OldOptions => ("OLD-OPTIONS", 0.10, TRUNC),
            Col::OldTarget => ("OLD-TARGET", 0.30, 0),
            Col::Options => ("OPTIONS", 0.10, TRUNC),
            Col::OptFields => ("OPT-FIELDS", 0.10, TRUNC),
            Col::Parent => ("PARENT", 2.0, RIGHT),
            Col::PartLabel => ("PARTLABEL", 0.10, 0),
            Col::PartUuid => ("PARTUUID", 36.0, 0),
            Col::Passno => ("PASSNO", 1.0, RIGHT),
            Col::Propagation => ("PROPAGATION", 0.10, 0),
            Col::Size => ("SIZE", 5.0, RIGHT),
            Col::Source => ("SOURCE", 0.25, NOEXTREMES),
            Col::Sources => ("SOURCES", 0.25, WRAP),
            Col::Tid => ("TID", 4.0, RIGHT),
            Col::UniqId => ("UNIQ-ID", 10.0, RIGHT),
            Col::Used => ("USED", 5.0, RIGHT),
            Col::UsePerc => ("USE%", 3.0, RIGHT),
            Col::Uuid => ("UUID", 36.0, 0),
            Col::VfsOptions => ("VFS-OPTIONS", 0.20, TRUNC),
            Col::Shared => ("SHARED", 2.0, RIGHT),
            Col::Master => ("MASTER", 2.0, RIGHT),
            Col::PropagateFrom => ("PROPAGATE-FROM", 2.0, RIGHT),
        }
    }

    /// The header text.
    pub fn name(self) -> &'static str {
        self.info().0
    }

    /// The column named `name`, compared case-insensitively.
    pub fn from_name(name: &[u8]) -> Option<Col> {
        ALL_COLUMNS
            .iter()
            .copied()
            .find(|c| c.name().as_bytes().eq_ignore_ascii_case(name))
    }

    /// Columns only `--poll` fills (ACTION, OLD-OPTIONS, OLD-TARGET).
    pub fn is_poll_only(self) -> bool {
        matches!(self, Col::Action | Col::OldOptions | Col::OldTarget)
    }

    /// nsbox's own columns, which `--output-all` leaves out so that its
    /// output stays util-linux's.
    pub fn is_extension(self) -> bool {
        matches!(self, Col::Shared | Col::Master | Col::PropagateFrom)
    }

    /// What the column shows (`-H`; nsbox's own words).
    pub fn description(self) -> &'static str {
        match self {
            Col::Target => "where the filesystem is mounted",
            Col::Action => "what --poll saw happen (mount, umount, remount, move)",
            Col::Avail => "space free for unprivileged users",
            Col::Freq => "fstab dump frequency (fstab-format tables)",
            Col::Fsroot => "directory of the filesystem seen at the mount point",
            Col::Fstype => "filesystem type",
            Col::FsOptions => "superblock (filesystem-wide) options",
            Col::Id => "mount ID",
            Col::InoAvail => "inodes still free",
            Col::InoTotal => "inodes in total",
            Col::InoUsed => "inodes in use",
            Col::InoUsePerc => "inodes in use, in percent",
            Col::Label => "filesystem label",
            Col::MajMin => "device number of the filesystem",
            Col::OldOptions => "options before the change (--poll)",
            Col::OldTarget => "mount point before the change (--poll)",
            Col::Options => "per-mount and filesystem options together",
            Col::OptFields => "mountinfo optional fields as the kernel wrote them",
            Col::Parent => "mount ID of the parent mount",
            Col::PartLabel => "partition label",
            Col::PartUuid => "partition UUID",
            Col::Passno => "fstab fsck pass (fstab-format tables)",
            Col::Propagation => "propagation type of the mount",
            Col::Size => "filesystem size",
            Col::Source => "device or other source of the mount",
            Col::Sources => "every device the source tag stands for",
            Col::Tid => "task whose mount table was read",
            Col::UniqId => "64-bit mount ID that is never reused (--kernel=listmount)",
            Col::Used => "space in use",
            Col::UsePerc => "space in use, in percent",
            Col::Uuid => "filesystem UUID",
            Col::VfsOptions => "per-mount options",
            Col::Shared => "peer group the mount shares events with (nsbox)",
            Col::Master => "peer group the mount receives events from (nsbox)",
            Col::PropagateFrom => "nearest visible peer group events come from (nsbox)",
        }
    }

    /// The type `-H` shows: what the JSON output uses.
    pub fn type_name(self, bytes: bool) -> &'static str {
        match self.column(false, bytes).json {
            JsonType::Number => "<integer>",
            JsonType::ArrayString => "<string>",
            _ => "<string>",
        }
    }

    /// The output column: tree flag only when the output is a tree, JSON
    /// number for IDs and counters (and sizes with `--bytes`), array for the
    /// multi-line SOURCES.
    pub fn column(self, tree: bool, bytes: bool) -> Column {
        let (name, hint, flags) = self.info();
        let mut c = Column::new(name).hint(hint);
        if flags & RIGHT != 0 {
            c = c.right();
        }
        if flags & TRUNC != 0 {
            c = c.trunc();
        }
        if flags & TREE != 0 && tree {
            c = c.tree();
        }
        if flags & NOEXTREMES != 0 {
            c = c.noextremes();
        }
        if flags & STRICTWIDTH != 0 {
            c = c.strict_width();
        }
        if flags & WRAP != 0 {
            c = c.multiline().json(JsonType::ArrayString);
        }
        let number = match self {
            Col::Size | Col::Avail | Col::Used => bytes,
            Col::Id
            | Col::UniqId
            | Col::Parent
            | Col::Freq
            | Col::Passno
            | Col::Tid
            | Col::Shared
            | Col::Master
            | Col::PropagateFrom => true,
            _ => false,
        };
        if number {
            c = c.json(JsonType::Number);
        }
        c
    }
}

/// What a cell may need beyond the entry itself.
pub struct CellContext<'a> {
    /// The options (format, `-v`, `-b`).
    pub opts: &'a Options,
    /// The task whose mountinfo was read (TID column), 0 when unknown.
    pub tid: i32,
    /// fstab fields or utab options of the entry.
    pub extra: Option<&'a Extra>,
}

/// The text of column `col` for `entry` (findmnt `get_data()`), borrowed
/// from the entry where it is a field as it is; empty when findmnt leaves
/// the cell empty.
pub fn cell<'e>(col: Col, e: &'e MountEntry, ctx: &CellContext<'_>) -> Cow<'e, [u8]> {
    let field = match col {
        Col::Target => &e.target,
        Col::Fstype => &e.fstype,
        Col::VfsOptions if !ctx.opts.vfs_all => &e.vfs_options,
        Col::FsOptions => &e.fs_options,
        Col::OptFields => &e.opt_fields,
        Col::Fsroot => &e.root,
        _ => return Cow::Owned(computed_cell(col, e, ctx)),
    };
    Cow::Borrowed(field.as_bytes())
}

/// [`cell`] for the columns whose text is not a field as it is.
fn computed_cell(col: Col, e: &MountEntry, ctx: &CellContext<'_>) -> Vec<u8> {
    let plain_format = ctx.opts.output == super::cli::Output::Human;
    let fstab = ctx.extra.is_some_and(|x| x.fstab);
    match col {
        Col::Sources => sources(e.source.as_bytes(), ctx.opts.evaluate)
            .unwrap_or_else(|| computed_cell(Col::Source, e, ctx)),
        Col::Source => {
            // A path source may be canonicalized (-c), a tag evaluated (-e).
            let src = e.source.as_bytes();
            let mut spec = None;
            if !is_tag_source(src) {
                spec = if ctx.opts.canonicalize {
                    canonicalize(src)
                } else {
                    Some(src.to_vec())
                };
            }
            if spec.is_none() {
                spec = if ctx.opts.evaluate {
                    resolve_spec(src)
                } else {
                    Some(src.to_vec())
                };
            }
            let Some(mut s) = spec else {
                return Vec::new();
            };
            let root = e.root.as_bytes();
            if !ctx.opts.nofsroot && !root.is_empty() && root != b"/" {
                s.push(b'[');
                s.extend_from_slice(root);
                s.push(b']');
            }
            s
        }
        Col::Options => options(e, ctx),
        Col::VfsOptions => vfs_options_all(&options(e, ctx)),
        Col::MajMin => {
            if e.major == 0 && e.minor == 0 {
                Vec::new()
            } else if plain_format {
                format!("{:3}:{:<3}", e.major, e.minor).into_bytes()
            } else {
                format!("{}:{}", e.major, e.minor).into_bytes()
            }
        }
        Col::Tid => nonzero(i64::from(ctx.tid)),
        // libmount keeps them as C ints.
        Col::Id => nonzero(i64::from(e.id as i32)),
        Col::Parent => nonzero(i64::from(e.parent as i32)),
        Col::Propagation if fstab => Vec::new(),
        Col::Propagation => e.propagation_words().into_bytes(),
        Col::Shared => e.propagation.shared.map_or_else(Vec::new, num),
        Col::Master => e.propagation.master.map_or_else(Vec::new, num),
        Col::PropagateFrom => e.propagation.propagate_from.map_or_else(Vec::new, num),
        Col::Freq => ctx
            .extra
            .filter(|x| x.fstab)
            .map_or_else(Vec::new, |x| num(x.freq)),
        Col::Passno => ctx
            .extra
            .filter(|x| x.fstab)
            .map_or_else(Vec::new, |x| num(x.passno)),
        Col::Label | Col::Uuid | Col::PartLabel | Col::PartUuid => super::tags::column(col, e),
        Col::Size
        | Col::Avail
        | Col::Used
        | Col::UsePerc
        | Col::InoTotal
        | Col::InoAvail
        | Col::InoUsed
        | Col::InoUsePerc => vfs_attr(col, e, ctx.opts.bytes),
        // Kernel tables have no fstab fields; tags need libblkid/udev, the
        // unique ID needs listmount, the poll columns need --poll.
        Col::UniqId => ctx
            .extra
            .map_or_else(Vec::new, |x| nonzero(x.uniq_id as i64)),
        Col::Action | Col::OldOptions | Col::OldTarget => Vec::new(),
        // Fields as they are: cell() borrows them.
        Col::Target | Col::Fstype | Col::FsOptions | Col::OptFields | Col::Fsroot => {
            cell(col, e, ctx).into_owned()
        }
    }
}

/// findmnt `get_data_col_sources()`: every block device carrying the
/// source's tag (with `-e`; a `LABEL=`/`UUID=` source) or the UUID of the
/// source device (a `/dev/` path), separated by NULs (a multi-line cell);
/// `None` where SOURCE is shown instead.
fn sources(source: &[u8], evaluate: bool) -> Option<Vec<u8>> {
    use std::os::unix::ffi::OsStrExt;
    let (tag, value) = if is_tag_source(source) {
        if !evaluate {
            return None;
        }
        let eq = source.iter().position(|&b| b == b'=')?;
        let value = &source[eq + 1..];
        let value = value
            .strip_prefix(b"\"")
            .and_then(|v| v.strip_suffix(b"\""))
            .unwrap_or(value);
        (
            std::str::from_utf8(&source[..eq]).ok()?.to_owned(),
            std::str::from_utf8(value).ok()?.to_owned(),
        )
    } else if source.starts_with(b"/dev/") {
        let uuid =
            crate::blkid::probe(std::path::Path::new(std::ffi::OsStr::from_bytes(source)))?.uuid?;
        ("UUID".to_owned(), uuid)
    } else {
        return None;
    };
    let devices: Vec<Vec<u8>> = crate::blkid::devices_with_tag(&tag, &value)
        .into_iter()
        .map(|d| d.into_encoded_bytes())
        .collect();
    Some(devices.join(&0))
}

fn num(n: impl ToString) -> Vec<u8> {
    n.to_string().into_bytes()
}

/// The OPTIONS column: fstab options as written, kernel options with the
/// utab ones added, or the kernel's merged.
fn options(e: &MountEntry, ctx: &CellContext<'_>) -> Vec<u8> {
    match ctx.extra {
        Some(x) if x.fstab || !x.options.is_empty() => x.options.clone(),
        _ => e.options(),
    }
}

fn nonzero(n: i64) -> Vec<u8> {
    if n == 0 {
        Vec::new()
    } else {
        n.to_string().into_bytes()
    }
}

/// The statvfs(3) columns (findmnt `get_vfs_attr()`): empty when statvfs
/// fails; sizes human-readable unless `bytes`; percentages rounded, `-` for
/// a filesystem with no blocks (inodes).
fn vfs_attr(col: Col, e: &MountEntry, bytes: bool) -> Vec<u8> {
    let Ok(st) = nix::sys::statvfs::statvfs(e.target_path()) else {
        return Vec::new();
    };
    let frsize = st.fragment_size();
    let blocks = st.blocks();
    let percent = |used: u64, total: u64| -> Vec<u8> {
        if total == 0 {
            b"-".to_vec()
        } else {
            format!("{:.0}%", used as f64 / total as f64 * 100.0).into_bytes()
        }
    };
    let (value, raw_number) = match col {
        Col::Size => (frsize.wrapping_mul(blocks), false),
        Col::Avail => (frsize.wrapping_mul(st.blocks_available()), false),
        Col::Used => (
            frsize.wrapping_mul(blocks.wrapping_sub(st.blocks_free())),
            false,
        ),
        Col::UsePerc => return percent(blocks.wrapping_sub(st.blocks_free()), blocks),
        Col::InoAvail => (st.files_free(), true),
        Col::InoTotal => (st.files(), true),
        Col::InoUsed => (st.files().wrapping_sub(st.files_free()), true),
        Col::InoUsePerc => return percent(st.files().wrapping_sub(st.files_free()), st.files()),
        _ => return Vec::new(),
    };
    if value == 0 {
        b"0".to_vec()
    } else if bytes || raw_number {
        value.to_string().into_bytes()
    } else {
        human_size(value).into_bytes()
    }
}

/// util-linux `size_to_human_string(SIZE_SUFFIX_1LETTER, n)`: `512B`,
/// `1.5K`, `11.8G` (one decimal, rounded, dropped when it is 0).
pub fn human_size(n: u64) -> String {
    let mut exp = 0;
    while exp < 60 && n >= 1u64 << (exp + 10) {
        exp += 10;
    }
    let letter = b"BKMGTPE"[exp / 10] as char;
    let (mut dec, frac) = if exp == 0 {
        (n, 0)
    } else {
        (n >> exp, n & ((1u64 << exp) - 1))
    };
    let mut frac = if frac == 0 {
        0
    } else {
        let thousandths = if frac >= u64::MAX / 1000 {
            ((frac / 1024) * 1000) / (1u64 << (exp - 10))
        } else {
            (frac * 1000) / (1u64 << exp)
        };
        ((thousandths + 50) / 100) * 10
    };
    if frac == 100 {
        dec += 1;
        frac = 0;
    }
    if frac == 0 {
        format!("{dec}{letter}")
    } else {
        format!("{dec}.{}{letter}", frac / 10)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_case_insensitive_and_exact() {
        assert_eq!(Col::from_name(b"maj:min"), Some(Col::MajMin));
        assert_eq!(Col::from_name(b"Fs-Options"), Some(Col::FsOptions));
        assert_eq!(Col::from_name(b"TARG"), None);
        assert_eq!(ALL_COLUMNS.len(), 35);
    }

    #[test]
    fn human_sizes_like_util_linux() {
        assert_eq!(human_size(512), "512B");
        assert_eq!(human_size(1024), "1K");
        assert_eq!(human_size(1536), "1.5K");
        assert_eq!(human_size(4096 * 1000), "3.9M");
        assert_eq!(human_size(1023 * 1024 + 500), "1023.5K");
        assert_eq!(human_size((1 << 20) - 1), "1024K");
    }

    /// The libsmartcols flags of util-linux 2.42's `infos[]` (the same as
    /// 2.38's for the columns both have): they decide what a terminal cuts.
    #[test]
    fn terminal_flags_are_util_linux_ones() {
        let flags = |c: Col| {
            let col = c.column(true, false);
            (
                col.width_hint,
                col.tree,
                col.noextremes,
                col.trunc,
                col.strict_width,
            )
        };
        assert_eq!(flags(Col::Target), (0.30, true, true, false, false));
        assert_eq!(flags(Col::Source), (0.25, false, true, false, false));
        assert_eq!(flags(Col::Fsroot), (0.25, false, true, false, false));
        assert_eq!(flags(Col::Options), (0.10, false, false, true, false));
        assert_eq!(flags(Col::VfsOptions), (0.20, false, false, true, false));
        assert_eq!(flags(Col::Action), (10.0, false, false, false, true));
        assert_eq!(flags(Col::Sources), (0.25, false, false, false, false));
        assert!(Col::Sources.column(true, false).multiline);
    }
}
