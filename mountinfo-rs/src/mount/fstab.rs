//! A small fstab(5) reader: enough for `mount DIR` and `mount DEVICE` to
//! find their other half.
//!
//! Lines are `SOURCE TARGET TYPE OPTIONS [FREQ [PASSNO]]`, separated by
//! blanks; `#` starts a comment line; `\040` (space), `\011` (tab), `\012`
//! and `\134` are octal escapes, as in mountinfo. A missing TYPE is `auto`,
//! missing OPTIONS are `defaults`. A line with fewer than two fields is a
//! parse error, reported by its number.

use crate::mountinfo::unescape;
use std::ffi::OsString;

/// One fstab line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FstabEntry {
    /// The device, tag (`LABEL=x`) or pseudo source.
    pub source: OsString,
    /// The mount point.
    pub target: OsString,
    /// The filesystem type (`auto` when left out).
    pub fstype: String,
    /// The options (`defaults` when left out).
    pub options: String,
}

/// A parsed fstab: the entries and the numbers of the lines that could not
/// be read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Fstab {
    /// Entries in file order.
    pub entries: Vec<FstabEntry>,
    /// 1-based numbers of malformed lines.
    pub bad_lines: Vec<usize>,
}

impl Fstab {
    /// Parses fstab text.
    pub fn parse(data: &[u8]) -> Fstab {
        let mut tab = Fstab::default();
        for (n, line) in data.split(|&b| b == b'\n').enumerate() {
            let fields: Vec<&[u8]> = line
                .split(|b| *b == b' ' || *b == b'\t' || *b == b'\r')
                .filter(|f| !f.is_empty())
                .collect();
            match fields.first() {
                None => continue,
                Some(first) if first.starts_with(b"#") => continue,
                Some(_) => {}
            }
            if fields.len() < 2 {
                tab.bad_lines.push(n + 1);
                continue;
            }
            let text = |i: usize, default: &str| {
                fields.get(i).map_or_else(
                    || default.to_owned(),
                    |f| unescape(f).to_string_lossy().into_owned(),
                )
            };
            tab.entries.push(FstabEntry {
                source: unescape(fields[0]),
                target: unescape(fields[1]),
                fstype: text(2, "auto"),
                options: text(3, "defaults"),
            });
        }
        tab
    }

    /// Reads and parses an fstab file.
    ///
    /// # Errors
    /// The I/O error of reading it.
    pub fn read(path: impl AsRef<std::path::Path>) -> std::io::Result<Fstab> {
        Ok(Fstab::parse(&std::fs::read(path)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_escapes_comments_and_defaults() {
        let t = Fstab::parse(
            b"# comment\n\n  \nx\\040y /mnt/a\\040b tmpfs size=1m,noauto 0 0\n/src\t/dst none bind\nUUID=1 /u\nbroken\n",
        );
        assert_eq!(t.entries.len(), 3);
        assert_eq!(t.entries[0].source, "x y");
        assert_eq!(t.entries[0].target, "/mnt/a b");
        assert_eq!(t.entries[0].fstype, "tmpfs");
        assert_eq!(t.entries[0].options, "size=1m,noauto");
        assert_eq!(t.entries[1].options, "bind");
        assert_eq!(t.entries[2].fstype, "auto");
        assert_eq!(t.entries[2].options, "defaults");
        assert_eq!(t.bad_lines, vec![7]);
    }
}
