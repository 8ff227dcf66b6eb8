//! The properties behind nsbox's fuzz targets, one public function per
//! target taking the fuzzer's bytes and panicking when a property fails.
//!
//! The same file is the library of the cargo-fuzz crate (`fuzz/`) and a
//! module of the stable test suite (`tests/fuzz_corpus.rs` replays every
//! committed corpus file through it, `tests/properties.rs` feeds it
//! proptest cases), so a fuzz target and its short run in `cargo test` check
//! exactly the same things. Nothing here touches the system: every parser
//! is called on bytes, and unshare's parser gets a fake [`Context`].
//!
//! [`Context`]: unshare_rs::cli::Context

use common::filter::Filter;
use common::table::{Column, Format, Glyphs, JsonType, Table};
use mountinfo_rs::findmnt::parse_lines;
use mountinfo_rs::findmnt::tabs::{self, Extra, TabFormat};
use mountinfo_rs::mount::fstab::{Fstab, FstabEntry};
use mountinfo_rs::mount::utab;
use mountinfo_rs::mountinfo::{self, MountEntry, MountTable, Propagation};
use std::ffi::OsString;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use unshare_rs::idmap_parse::{self as idmaps, Block, Line};

// ---------------------------------------------------------------------------
// Helpers

/// Reads structure out of fuzzer bytes; past the end it reads zeros.
pub struct Bytes<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Bytes<'a> {
    /// A reader at the start of `data`.
    pub fn new(data: &'a [u8]) -> Bytes<'a> {
        Bytes { data, pos: 0 }
    }

    /// The next byte (0 at the end).
    pub fn byte(&mut self) -> u8 {
        let b = self.data.get(self.pos).copied().unwrap_or(0);
        self.pos = self.pos.saturating_add(1);
        b
    }

    /// The next `n` bytes, or fewer at the end.
    pub fn take(&mut self, n: usize) -> &'a [u8] {
        let start = self.pos.min(self.data.len());
        let end = start.saturating_add(n).min(self.data.len());
        self.pos = end;
        &self.data[start..end]
    }

    /// Everything not read yet.
    pub fn rest(&mut self) -> &'a [u8] {
        self.take(usize::MAX)
    }
}

/// `\ooo` escapes for every byte of `field` in `special`, as the kernel and
/// libmount write paths.
pub fn octal_escape(field: &[u8], special: &[u8], out: &mut Vec<u8>) {
    for &b in field {
        if special.contains(&b) {
            out.extend_from_slice(format!("\\{b:03o}").as_bytes());
        } else {
            out.push(b);
        }
    }
}

/// A field for a table file: [`octal_escape`]d, and `\000` when empty
/// (libmount reads it back as an empty value; an empty word would shift
/// the fields).
pub fn field_escape(field: &[u8], special: &[u8], out: &mut Vec<u8>) {
    if field.is_empty() {
        out.extend_from_slice(b"\\000");
    } else {
        octal_escape(field, special, out);
    }
}

/// Decodes the `\xHH` escapes of raw, pairs and human output; `None` for
/// a backslash that does not start one (raw and pairs escape every
/// backslash, human output every backslash before an `x`).
pub fn unescape_hex(s: &[u8], bare_backslash_ok: bool) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        if s[i] == b'\\' && s.get(i + 1) == Some(&b'x') {
            let hex = std::str::from_utf8(s.get(i + 2..i + 4)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 4;
        } else if s[i] == b'\\' && !bare_backslash_ok {
            return None;
        } else {
            out.push(s[i]);
            i += 1;
        }
    }
    Some(out)
}

/// argv from fuzzer bytes: NUL-separated words (a real argument cannot
/// hold a NUL).
pub fn argv(data: &[u8]) -> Vec<OsString> {
    if data.is_empty() {
        return Vec::new();
    }
    data.split(|&b| b == 0)
        .map(|a| OsString::from_vec(a.to_vec()))
        .collect()
}

fn lines_of(data: &[u8]) -> Vec<&[u8]> {
    data.split(|&b| b == b'\n').collect()
}

fn assert_line_numbers(bad: &[usize], nlines: usize) {
    assert!(
        bad.windows(2).all(|w| w[0] < w[1]),
        "bad line numbers out of order: {bad:?}"
    );
    assert!(
        bad.iter().all(|&n| n >= 1 && n <= nlines),
        "bad line number out of range: {bad:?} of {nlines}"
    );
}

// ---------------------------------------------------------------------------
// mountinfo

/// The bytes the kernel escapes in mountinfo fields (`mangle()`).
pub const KERNEL_ESCAPED: &[u8] = b" \t\n\\";

/// One mountinfo line as the kernel would write `e` (without the newline).
pub fn print_mountinfo(e: &MountEntry) -> Vec<u8> {
    let mut out = format!("{} {} {}:{} ", e.id, e.parent, e.major, e.minor).into_bytes();
    field_escape(e.root.as_bytes(), KERNEL_ESCAPED, &mut out);
    out.push(b' ');
    field_escape(e.target.as_bytes(), KERNEL_ESCAPED, &mut out);
    out.push(b' ');
    field_escape(e.vfs_options.as_bytes(), KERNEL_ESCAPED, &mut out);
    out.push(b' ');
    if !e.opt_fields.is_empty() {
        out.extend_from_slice(e.opt_fields.as_bytes());
        out.push(b' ');
    }
    out.extend_from_slice(b"- ");
    field_escape(e.fstype.as_bytes(), KERNEL_ESCAPED, &mut out);
    out.push(b' ');
    // An empty source is two spaces, as the kernel writes it.
    octal_escape(e.source.as_bytes(), KERNEL_ESCAPED, &mut out);
    out.push(b' ');
    field_escape(e.fs_options.as_bytes(), KERNEL_ESCAPED, &mut out);
    out
}

/// Parsing then printing reproduces the fields: the printed line parses
/// back to the same entry, and prints the same again.
pub fn mountinfo_round_trip(e: &MountEntry) {
    let line = print_mountinfo(e);
    let again = MountEntry::parse(&line).unwrap_or_else(|| {
        panic!(
            "printed entry does not parse: {:?}",
            String::from_utf8_lossy(&line)
        )
    });
    assert_eq!(&again, e, "line {:?}", String::from_utf8_lossy(&line));
    assert_eq!(print_mountinfo(&again), line);
    assert_eq!(e.propagation, Propagation::parse(e.opt_fields.as_bytes()));
    let table = MountTable::parse(&line);
    assert_eq!(table.entries, std::slice::from_ref(e));
    assert!(table.bad_lines.is_empty());
}

/// Target `mountinfo`: the mount table model and findmnt's reading of a
/// mountinfo file, the option merging and matching of the OPTIONS column.
pub fn mountinfo(data: &[u8]) {
    let table = MountTable::parse(data);
    let lines = lines_of(data);
    // libmount's reading: a NUL byte in a line that ends in a newline makes
    // it a bad line; the last line, without one, ends at its first NUL.
    let read: Vec<Option<&[u8]>> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| match l.iter().position(|&b| b == 0) {
            None => Some(*l),
            Some(_) if i + 1 < lines.len() => None,
            Some(nul) => Some(&l[..nul]),
        })
        .collect();
    let nonempty = read
        .iter()
        .filter(|l| l.is_none_or(|l| !l.is_empty()))
        .count();
    assert_eq!(table.entries.len() + table.bad_lines.len(), nonempty);
    assert_line_numbers(&table.bad_lines, lines.len());
    for &n in &table.bad_lines {
        if let Some(line) = read[n - 1] {
            assert!(MountEntry::parse(line).is_none());
        }
    }
    for e in &table.entries {
        mountinfo_round_trip(e);
        let merged = e.options();
        if e.vfs_options != e.fs_options {
            assert!(merged.starts_with(b"rw") || merged.starts_with(b"ro"));
        }
        let _ = e.propagation_words();
        let _ = mountinfo::is_pseudo_fs(e.fstype.as_bytes());
        let _ = mountinfo::is_net_fs(e.fstype.as_bytes());
    }

    // findmnt's line rules (leading blanks, `\r`, comments, the format
    // guessed from the first line).
    let (parsed, bad) = parse_lines(data, &mut Some(TabFormat::Mountinfo));
    assert!(parsed.iter().all(|(_, extra)| extra.is_none()));
    assert_line_numbers(&bad, lines.len());
    for (e, _) in &parsed {
        mountinfo_round_trip(e);
    }
    let mut format = None;
    let (_, bad) = parse_lines(data, &mut format);
    assert_line_numbers(&bad, lines.len());

    // Option strings: the first two lines as an option string and a
    // pattern (`-O`), or a type and a type list (`-t`).
    let a = lines.first().copied().unwrap_or_default();
    let b = lines.get(1).copied().unwrap_or_default();
    let merged = mountinfo::merge_options(a, b);
    if a != b {
        assert!(merged.starts_with(b"rw") || merged.starts_with(b"ro"));
    }
    let _ = mountinfo::match_options(a, b);
    let _ = mountinfo::match_options(&merged, b);
    let _ = mountinfo::match_fstype(a, b);
}

// ---------------------------------------------------------------------------
// fstab

/// What fstab readers must escape to read a field back: blanks, line ends,
/// the escape character, and `#` (a comment when it starts a line).
pub const FSTAB_ESCAPED: &[u8] = b" \t\r\n\\#";

/// An fstab line for a findmnt fstab entry: SOURCE TARGET TYPE, and
/// OPTIONS FREQ PASSNO unless they are empty and zero.
pub fn print_fstab_findmnt(e: &MountEntry, x: &Extra) -> Vec<u8> {
    let mut out = Vec::new();
    field_escape(e.source.as_bytes(), FSTAB_ESCAPED, &mut out);
    out.push(b' ');
    field_escape(e.target.as_bytes(), FSTAB_ESCAPED, &mut out);
    out.push(b'\t');
    field_escape(e.fstype.as_bytes(), FSTAB_ESCAPED, &mut out);
    if !x.options.is_empty() || x.freq != 0 || x.passno != 0 {
        out.push(b' ');
        field_escape(&x.options, FSTAB_ESCAPED, &mut out);
        out.extend_from_slice(format!(" {} {}", x.freq, x.passno).as_bytes());
    }
    out
}

/// An fstab line for an entry of mount's fstab reader.
pub fn print_fstab_mount(e: &FstabEntry) -> Vec<u8> {
    let mut out = Vec::new();
    field_escape(e.source.as_bytes(), FSTAB_ESCAPED, &mut out);
    out.push(b' ');
    field_escape(e.target.as_bytes(), FSTAB_ESCAPED, &mut out);
    out.push(b' ');
    field_escape(e.fstype.as_bytes(), FSTAB_ESCAPED, &mut out);
    out.push(b'\t');
    field_escape(e.options.as_bytes(), FSTAB_ESCAPED, &mut out);
    out
}

/// A findmnt fstab entry prints as a line that reads back the same.
pub fn fstab_findmnt_round_trip(e: &MountEntry, x: &Extra) {
    let line = print_fstab_findmnt(e, x);
    let (again, bad) = parse_lines(&line, &mut Some(TabFormat::Fstab));
    let shown = String::from_utf8_lossy(&line);
    assert!(bad.is_empty(), "printed fstab line is bad: {shown:?}");
    assert_eq!(again.len(), 1, "{shown:?}");
    let (e2, x2) = &again[0];
    let x2 = x2.as_ref().expect("an fstab entry has fstab fields");
    assert_eq!(e2, e, "{shown:?}");
    assert_eq!(
        (x2.fstab, x2.freq, x2.passno, &x2.options, &x2.user_options),
        (true, x.freq, x.passno, &x.options, &x.user_options),
        "{shown:?}"
    );
}

/// Target `fstab`: findmnt's fstab-format reader (`-s`, `-F`), mount's
/// fstab reader, option-string splitting, and utab read back after
/// mount writes it.
pub fn fstab(data: &[u8]) {
    let lines = lines_of(data);
    let (parsed, bad) = parse_lines(data, &mut Some(TabFormat::Fstab));
    assert_line_numbers(&bad, lines.len());
    for (e, x) in &parsed {
        let x = x.as_ref().expect("an fstab entry has fstab fields");
        assert!(x.fstab);
        fstab_findmnt_round_trip(e, x);
    }
    let mut format = None;
    let (_, bad) = parse_lines(data, &mut format);
    assert_line_numbers(&bad, lines.len());

    let tab = Fstab::parse(data);
    assert_line_numbers(&tab.bad_lines, lines.len());
    for e in &tab.entries {
        let line = print_fstab_mount(e);
        let again = Fstab::parse(&line);
        assert_eq!(
            again,
            Fstab {
                entries: vec![e.clone()],
                bad_lines: Vec::new()
            },
            "{:?}",
            String::from_utf8_lossy(&line)
        );
    }

    for line in &lines {
        let items = tabs::option_items(line);
        let (vfs, fs, user) = tabs::split_options(line);
        // Each part holds items of the string, in their order.
        for part in [&vfs, &fs, &user] {
            if part.contains(&b'"') {
                continue; // quotes may pair up differently in a part
            }
            let mut from = items.iter();
            for (name, value) in tabs::option_items(part) {
                assert!(
                    from.any(|(n, v)| *n == name && *v == value),
                    "{:?}: {:?} is not an item in order",
                    String::from_utf8_lossy(line),
                    String::from_utf8_lossy(name)
                );
            }
        }
        let _ = tabs::vfs_options_all(line);
        let _ = tabs::get_option(line, b"rw");
        if let Some((name, _)) = items.first() {
            assert!(tabs::get_option(line, name).is_some());
        }
        let _ = tabs::guess_format(line);
    }
    // utab: what mount writes reads back the same (a record without any
    // field is a blank line, which readers skip).
    let records = utab::parse(data);
    let kept: Vec<utab::Record> = records
        .iter()
        .filter(|r| **r != utab::Record::default())
        .cloned()
        .collect();
    let text = utab::format(&records);
    assert_eq!(
        utab::parse(&text),
        kept,
        "{:?}",
        String::from_utf8_lossy(&text)
    );
}

// ---------------------------------------------------------------------------
// -Q filter expressions

/// Whether a `-Q` expression may hold a pattern that glibc's regcomp(3)
/// (which `=~` uses, as libsmartcols does) cannot compile in reasonable
/// memory: its memory grows exponentially with stacked or nested
/// repetitions (`"a+++++…"` took 24 GB with `grep -E`). That is the C
/// library's limit, not the parser's; such inputs are skipped.
pub fn regcomp_heavy(data: &[u8]) -> bool {
    let reps = data.iter().filter(|b| b"+*?".contains(b)).count();
    let braces = data.iter().filter(|&&b| b == b'{').count();
    reps > 6 || braces > 2
}

/// Target `filter`: the `-Q` expression parser, binding and evaluation.
/// The input is the expression, then NUL-separated cell values.
pub fn filter(data: &[u8]) {
    let (query, cells) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    if regcomp_heavy(query) {
        return;
    }
    let parsed = Filter::<usize>::parse(query);
    assert_eq!(parsed.is_ok(), Filter::<()>::parse(query).is_ok());
    let Ok(mut f) = parsed else {
        return;
    };
    let bad = f.bind(&|name| {
        let h = name.bytes().fold(0usize, |a, b| {
            a.wrapping_mul(31).wrapping_add(usize::from(b))
        });
        Some((h % 4, h % 3 == 0))
    });
    assert!(bad.is_empty());
    let columns = f.columns();
    assert!(columns.iter().all(|&c| c < 4));
    let cells: Vec<&[u8]> = cells.split(|&b| b == 0).collect();
    let mut cell = |c: usize| cells.get(c).map(|s| s.to_vec()).unwrap_or_default();
    let first = f.matches(&mut cell);
    assert_eq!(first, f.matches(&mut cell), "evaluation is repeatable");

    let mut unbound = Filter::<usize>::parse(query).expect("parsed once already");
    let unknown = unbound.bind(&|_| None);
    assert_eq!(unknown.len(), columns.len());
}

// ---------------------------------------------------------------------------
// id maps

/// Whether `start..start+count` fits the kernel's 32-bit ids (its check
/// `first + count > first`, in u32).
fn fits(start: u32, count: u32) -> bool {
    u64::from(start) + u64::from(count) <= u64::from(u32::MAX)
}

/// The map lines of [`idmaps::merge`]: the single map first; without one
/// the blocks pass unchanged; with one, each block's lines leave a hole
/// for the single map's ids, keep their order, and lose at most one id.
pub fn check_merge(blocks: &[Block], outer: u32, single: Option<u32>) {
    let lines = idmaps::merge(blocks, outer, single);
    let mut rest = &lines[..];
    let Some(inner) = single else {
        let want: Vec<Line> = blocks
            .iter()
            .filter(|b| b.count > 0)
            .map(|b| Line {
                inner: b.inner.unwrap_or(0),
                outer: b.outer,
                count: b.count,
            })
            .collect();
        assert_eq!(rest, want, "blocks without a single map pass unchanged");
        return;
    };
    assert_eq!(
        rest.first(),
        Some(&Line {
            inner,
            outer,
            count: 1
        }),
        "the single map comes first"
    );
    rest = &rest[1..];
    for b in blocks {
        let own = idmaps::merge(std::slice::from_ref(b), outer, single);
        let own = &own[1..];
        assert!(rest.starts_with(own), "blocks are merged one by one");
        rest = &rest[own.len()..];
        let start = b.inner.unwrap_or(0);
        if !fits(start, b.count) || !fits(b.outer, b.count) {
            continue;
        }
        let total: u64 = own.iter().map(|l| u64::from(l.count)).sum();
        let lost = u64::from(b.count) - total.min(u64::from(b.count));
        assert!(total <= u64::from(b.count) && lost <= 1, "{b:?} -> {own:?}");
        if b.inner.is_none() {
            assert_eq!(lost, 0, "an auto block keeps its size: {b:?} -> {own:?}");
        }
        let (s, o, c) = (u64::from(start), u64::from(b.outer), u64::from(b.count));
        let mut prev: Option<&Line> = None;
        for l in own {
            let (li, lo, lc) = (u64::from(l.inner), u64::from(l.outer), u64::from(l.count));
            assert!(lc > 0);
            assert!(li >= s && li + lc <= s + c + 1, "{b:?} -> {own:?}");
            assert!(lo >= o && lo + lc <= o + c + 1, "{b:?} -> {own:?}");
            assert!(
                !(li..li + lc).contains(&u64::from(inner)),
                "the single inner id stays free: {b:?} -> {own:?}"
            );
            assert!(
                !(lo..lo + lc).contains(&u64::from(outer)),
                "the single outer id stays free: {b:?} -> {own:?}"
            );
            if let Some(p) = prev {
                assert!(
                    u64::from(p.inner) + u64::from(p.count) <= li
                        && u64::from(p.outer) + u64::from(p.count) <= lo,
                    "pieces keep their order: {b:?} -> {own:?}"
                );
            }
            prev = Some(l);
        }
    }
    assert!(rest.is_empty());
}

/// Target `idmap`: `--map-users`/`--map-groups` values, `/etc/subuid` and
/// `uid_map` text, the single map merged into the blocks, the map text,
/// and mount's `X-mount.idmap` entries.
pub fn idmap(data: &[u8]) {
    let mut bytes = Bytes::new(data);
    let selector = bytes.byte();
    let id = u32::from_le_bytes([bytes.byte(), bytes.byte(), bytes.byte(), bytes.byte()]);
    let text = String::from_utf8_lossy(bytes.rest()).into_owned();

    let mut blocks = Vec::new();
    for value in text.lines() {
        if let Some(b) = idmaps::parse_block(value) {
            let inner = b.inner.expect("a parsed block has its inner start");
            let colon = format!("{inner}:{}:{}", b.outer, b.count);
            let comma = format!("{},{inner},{}", b.outer, b.count);
            assert_eq!(idmaps::parse_block(&colon), Some(b));
            assert_eq!(idmaps::parse_block(&comma), Some(b));
            blocks.push(b);
        }
    }
    let name = text.lines().next().unwrap_or_default();
    let name = name.split(':').next().unwrap_or_default();
    if let Ok(b) = idmaps::subid_block(&text, "/etc/subuid", name, id, selector & 1 != 0) {
        assert_eq!(b.inner.is_some(), selector & 1 != 0);
        blocks.push(b);
    }
    for b in idmaps::identity_blocks(&text) {
        assert_eq!(b.inner, Some(b.outer));
        blocks.push(b);
    }
    if selector & 2 != 0 {
        blocks.push(Block {
            inner: None,
            outer: id.rotate_left(7),
            count: id >> 16,
        });
    }
    let single = (selector & 4 != 0).then_some(id.rotate_right(3) & 0xffff);
    check_merge(&blocks, id, single);
    let lines = idmaps::merge(&blocks, id, single);
    match idmaps::map_text(&lines) {
        Some(t) => {
            assert!(t.len() <= 4096);
            assert_eq!(t.lines().count(), lines.len());
        }
        None => assert!(!lines.is_empty()),
    }

    if let Some((u, g)) = mountinfo_rs::mount::idmap::maps(&text) {
        for line in u.lines().chain(g.lines()) {
            let n: Vec<&str> = line.split(' ').collect();
            assert_eq!(n.len(), 3, "{line:?}");
            assert!(n.iter().all(|x| x.parse::<u32>().is_ok()), "{line:?}");
        }
    }
}

// ---------------------------------------------------------------------------
// The table writer

/// One column of a [`TableSpec`].
#[derive(Clone, Debug)]
pub struct ColSpec {
    /// Header name (ASCII).
    pub name: String,
    /// The tree column.
    pub tree: bool,
    /// Right-aligned.
    pub right: bool,
    /// NUL-separated values.
    pub multiline: bool,
    /// JSON type.
    pub json: JsonType,
    /// Width hint.
    pub hint: f64,
    /// A hyperlink prefix.
    pub uri: bool,
}

/// A table to print: columns, lines (parent, cells) and flags.
#[derive(Clone, Debug)]
pub struct TableSpec {
    /// The JSON name.
    pub name: String,
    /// Columns.
    pub columns: Vec<ColSpec>,
    /// Lines: the parent (an earlier line) and the cells.
    pub lines: Vec<(Option<usize>, Vec<Vec<u8>>)>,
    /// `-n`.
    pub noheadings: bool,
    /// `-a`.
    pub ascii: bool,
    /// `-y`.
    pub shellvar: bool,
}

const NAMES: &[&str] = &[
    "TARGET", "MAJ:MIN", "USE%", "1ST", "a-b", "X", "NS", "Fs.Type", "_q",
];
const JSON_TYPES: [JsonType; 4] = [
    JsonType::String,
    JsonType::Number,
    JsonType::Boolean,
    JsonType::ArrayString,
];

impl TableSpec {
    /// Decodes a table from fuzzer bytes: 1-4 columns with names and
    /// flags, up to 8 lines with parents, cells of up to 24 bytes.
    pub fn decode(data: &[u8]) -> TableSpec {
        let mut b = Bytes::new(data);
        let flags = b.byte();
        let ncols = usize::from(b.byte() % 4) + 1;
        let columns = (0..ncols)
            .map(|c| {
                let f = b.byte();
                ColSpec {
                    name: format!("{}{c}", NAMES[usize::from(f >> 4) % NAMES.len()]),
                    tree: f & 1 != 0,
                    right: f & 2 != 0,
                    multiline: f & 4 != 0,
                    json: JSON_TYPES[usize::from(f >> 3) & 3],
                    hint: f64::from(b.byte() % 12) / 2.0,
                    uri: f & 0x20 != 0 && f & 0x40 != 0,
                }
            })
            .collect();
        let nlines = usize::from(b.byte() % 9);
        let lines = (0..nlines)
            .map(|i| {
                let p = usize::from(b.byte());
                let parent = (i > 0 && p % 3 != 0).then(|| p % i);
                let cells = (0..ncols)
                    .map(|_| {
                        let len = usize::from(b.byte() % 25);
                        b.take(len).to_vec()
                    })
                    .collect();
                (parent, cells)
            })
            .collect();
        TableSpec {
            name: if flags & 8 != 0 { "Filesystems" } else { "t" }.to_owned(),
            columns,
            lines,
            noheadings: flags & 1 != 0,
            ascii: flags & 2 != 0,
            shellvar: flags & 4 != 0,
        }
    }

    /// The [`Table`] this describes.
    pub fn build(&self) -> Table {
        let columns = self
            .columns
            .iter()
            .map(|c| {
                let mut col = Column::new(c.name.clone()).hint(c.hint).json(c.json);
                if c.tree {
                    col = col.tree();
                }
                if c.right {
                    col = col.right();
                }
                if c.multiline {
                    col = col.multiline();
                }
                if c.uri {
                    col = col.uri(&b"file://h"[..]);
                }
                col
            })
            .collect();
        let mut t = Table::new(self.name.clone(), columns);
        let mut ids = Vec::new();
        for (parent, cells) in &self.lines {
            let id = t.add_line(parent.map(|p| ids[p]));
            for (c, cell) in cells.iter().enumerate() {
                t.set_cell(id, c, cell.clone());
            }
            ids.push(id);
        }
        t.noheadings = self.noheadings;
        t.ascii = self.ascii;
        t.shellvar = self.shellvar;
        t
    }

    fn is_tree(&self) -> bool {
        self.columns.iter().any(|c| c.tree)
    }

    fn children(&self, parent: Option<usize>) -> Vec<usize> {
        (0..self.lines.len())
            .filter(|&i| self.lines[i].0 == parent)
            .collect()
    }

    /// Lines in output order: depth first for a tree.
    fn order(&self) -> Vec<usize> {
        if !self.is_tree() {
            return (0..self.lines.len()).collect();
        }
        let mut out = Vec::new();
        let mut stack: Vec<usize> = self.children(None).into_iter().rev().collect();
        while let Some(i) = stack.pop() {
            out.push(i);
            stack.extend(self.children(Some(i)).into_iter().rev());
        }
        out
    }

    fn depth(&self, mut i: usize) -> usize {
        let mut d = 0;
        while let Some(p) = self.lines[i].0 {
            d += 1;
            i = p;
        }
        d
    }

    fn header(&self, c: usize) -> Vec<u8> {
        let name = &self.columns[c].name;
        if !self.shellvar {
            return name.as_bytes().to_vec();
        }
        let b = name.as_bytes();
        let mut out = Vec::new();
        if !b.first().is_some_and(u8::is_ascii_alphabetic) {
            out.push(b'_');
        }
        out.extend(
            b.iter()
                .map(|&x| if x.is_ascii_alphanumeric() { x } else { b'_' }),
        );
        if b.last() == Some(&b'%') {
            out.extend_from_slice(b"PCT");
        }
        out
    }

    /// The value raw and pairs output show (before tree art): multi-line
    /// values joined with newlines.
    fn flat(&self, i: usize, c: usize) -> Vec<u8> {
        let cell = &self.lines[i].1[c];
        if self.columns[c].multiline {
            cell.split(|&b| b == 0).collect::<Vec<_>>().join(&b'\n')
        } else {
            cell.clone()
        }
    }
}

/// Tree art: `depth` two-column glyphs, the last a branch.
fn check_art(art: &[u8], depth: usize, what: &str) {
    const ASCII_MID: &[&[u8]] = &[b"| ", b"  "];
    const ASCII_END: &[&[u8]] = &[b"|-", b"`-"];
    const UTF8_MID: &[&[u8]] = &["\u{2502} ".as_bytes(), b"  "];
    const UTF8_END: &[&[u8]] = &["\u{251c}\u{2500}".as_bytes(), "\u{2514}\u{2500}".as_bytes()];
    let mut rest = art;
    for level in 0..depth {
        let (mid, end) =
            if rest.starts_with(b"|") || rest.starts_with(b"`") || rest.starts_with(b" ") {
                (ASCII_MID, ASCII_END)
            } else {
                (UTF8_MID, UTF8_END)
            };
        let set = if level + 1 == depth { end } else { mid };
        let Some(g) = set.iter().find(|g| rest.starts_with(g)) else {
            panic!("{what}: bad tree art {:?}", String::from_utf8_lossy(art));
        };
        rest = &rest[g.len()..];
    }
    assert!(
        rest.is_empty(),
        "{what}: bad tree art {:?}",
        String::from_utf8_lossy(art)
    );
}

/// A value of raw or pairs output, decoded, against the cell.
fn check_flat_value(spec: &TableSpec, i: usize, c: usize, got: &[u8], what: &str) {
    let want = spec.flat(i, c);
    if spec.columns[c].tree && spec.is_tree() {
        let Some(art) = got.strip_suffix(&want[..]) else {
            panic!("{what}: {got:?} does not end with {want:?}");
        };
        check_art(art, spec.depth(i), what);
    } else {
        assert_eq!(got, &want[..], "{what}: line {i} column {c}");
    }
}

fn check_raw(spec: &TableSpec, out: &[u8], what: &str) {
    if spec.lines.is_empty() {
        assert!(out.is_empty(), "{what}: an empty table prints nothing");
        return;
    }
    let body = out
        .strip_suffix(b"\n")
        .expect("raw output ends with a newline");
    let rows: Vec<&[u8]> = body.split(|&b| b == b'\n').collect();
    let skip = usize::from(!spec.noheadings);
    assert_eq!(rows.len(), skip + spec.lines.len(), "{what}: row count");
    let ncols = spec.columns.len();
    if !spec.noheadings {
        let names: Vec<&[u8]> = rows[0].split(|&b| b == b' ').collect();
        assert_eq!(names.len(), ncols, "{what}: header");
        for (c, name) in names.iter().enumerate() {
            let got = unescape_hex(name, false).expect("raw header escapes");
            assert_eq!(got, spec.header(c), "{what}: header");
        }
    }
    for (row, i) in rows[skip..].iter().zip(spec.order()) {
        let fields: Vec<&[u8]> = row.split(|&b| b == b' ').collect();
        assert_eq!(
            fields.len(),
            ncols,
            "{what}: one field per column in {row:?}"
        );
        for (c, field) in fields.iter().enumerate() {
            let Some(got) = unescape_hex(field, false) else {
                panic!("{what}: bad escape in {field:?}");
            };
            check_flat_value(spec, i, c, &got, what);
        }
    }
}

fn check_pairs(spec: &TableSpec, out: &[u8], what: &str) {
    if spec.lines.is_empty() {
        assert!(out.is_empty(), "{what}: an empty table prints nothing");
        return;
    }
    let body = out
        .strip_suffix(b"\n")
        .expect("pairs output ends with a newline");
    let rows: Vec<&[u8]> = body.split(|&b| b == b'\n').collect();
    assert_eq!(rows.len(), spec.lines.len(), "{what}: row count");
    for (row, i) in rows.iter().zip(spec.order()) {
        let mut rest: &[u8] = row;
        for c in 0..spec.columns.len() {
            if c > 0 {
                rest = rest
                    .strip_prefix(b" ")
                    .expect("pairs are separated by a space");
            }
            let mut key = spec.header(c);
            key.extend_from_slice(b"=\"");
            let Some(r) = rest.strip_prefix(&key[..]) else {
                panic!("{what}: {row:?} lacks {key:?}");
            };
            let end = r.iter().position(|&b| b == b'"').expect("closing quote");
            let got = unescape_hex(&r[..end], false).expect("pairs escapes");
            check_flat_value(spec, i, c, &got, what);
            rest = &r[end + 1..];
        }
        assert!(rest.is_empty(), "{what}: trailing bytes in {row:?}");
    }
}

/// Whether the writer prints `cell` of a number column unquoted: text
/// serde_json reads as a number, without an exponent or surrounding
/// blanks (an oracle independent of the writer's own check).
pub fn is_plain_json_number(cell: &[u8]) -> bool {
    !cell
        .iter()
        .any(|b| matches!(b, b'e' | b'E' | b' ' | b'\t' | b'\n' | b'\r'))
        && serde_json::from_slice::<serde_json::Number>(cell).is_ok()
}

fn lossy(b: &[u8]) -> serde_json::Value {
    serde_json::Value::String(String::from_utf8_lossy(b).into_owned())
}

fn check_json_line(spec: &TableSpec, i: usize, v: &serde_json::Value, what: &str) {
    use serde_json::Value;
    let obj = v
        .as_object()
        .unwrap_or_else(|| panic!("{what}: line {i} is not an object"));
    let kids = if spec.is_tree() {
        spec.children(Some(i))
    } else {
        Vec::new()
    };
    assert_eq!(
        obj.len(),
        spec.columns.len() + usize::from(!kids.is_empty()),
        "{what}: keys {obj:?}"
    );
    for (c, col) in spec.columns.iter().enumerate() {
        let key = String::from_utf8_lossy(&spec.header(c)).to_ascii_lowercase();
        let got = obj
            .get(&key)
            .unwrap_or_else(|| panic!("{what}: no key {key}"));
        let cell = &spec.lines[i].1[c];
        let want = match col.json {
            _ if cell.is_empty()
                && col.json != JsonType::Boolean
                && col.json != JsonType::ArrayString =>
            {
                Value::Null
            }
            JsonType::String => lossy(cell),
            JsonType::Number => {
                if is_plain_json_number(cell) {
                    assert!(got.is_number(), "{what}: {cell:?} as {got}");
                    continue;
                }
                lossy(cell)
            }
            JsonType::Boolean => {
                Value::Bool(!matches!(cell.first(), None | Some(b'0' | b'N' | b'n')))
            }
            JsonType::ArrayString => {
                let items: Vec<&[u8]> = if col.multiline {
                    cell.split(|&b| b == 0).filter(|s| !s.is_empty()).collect()
                } else if cell.is_empty() {
                    Vec::new()
                } else {
                    vec![&cell[..]]
                };
                Value::Array(items.into_iter().map(lossy).collect())
            }
        };
        assert_eq!(got, &want, "{what}: line {i} column {c} cell {cell:?}");
    }
    if !kids.is_empty() {
        let arr = obj["children"].as_array().expect("children is an array");
        assert_eq!(arr.len(), kids.len(), "{what}: children of line {i}");
        for (&k, v) in kids.iter().zip(arr) {
            check_json_line(spec, k, v, what);
        }
    }
}

/// JSON output is valid JSON whatever the bytes, and every value decodes
/// to its cell (invalid UTF-8 replaced by U+FFFD).
fn check_json(spec: &TableSpec, out: &[u8], what: &str) {
    let v: serde_json::Value = serde_json::from_slice(out).unwrap_or_else(|e| {
        panic!(
            "{what}: invalid JSON ({e}):\n{}",
            String::from_utf8_lossy(out)
        )
    });
    let obj = v.as_object().expect("JSON output is an object");
    assert_eq!(obj.len(), 1);
    let arr = obj
        .get(&spec.name.to_ascii_lowercase())
        .and_then(|a| a.as_array())
        .expect("the table is an array under its lower-case name");
    let top: Vec<usize> = if spec.is_tree() {
        spec.children(None)
    } else {
        (0..spec.lines.len()).collect()
    };
    assert_eq!(arr.len(), top.len(), "{what}: top-level lines");
    for (&i, v) in top.iter().zip(arr) {
        check_json_line(spec, i, v, what);
    }
}

/// Human output: at least one physical line per line (plus the extra
/// values of multi-line cells), no control byte from a cell; a lone plain
/// column decodes back to its values.
fn check_human(spec: &TableSpec, out: &[u8], what: &str) {
    if spec.lines.is_empty() {
        assert!(out.is_empty(), "{what}: an empty table prints nothing");
        return;
    }
    let body = out
        .strip_suffix(b"\n")
        .expect("human output ends with a newline");
    let rows: Vec<&[u8]> = body.split(|&b| b == b'\n').collect();
    let chunks = |i: usize, c: usize| -> Vec<&[u8]> {
        spec.lines[i].1[c]
            .split(|&b| b == 0)
            .filter(|s| !s.is_empty())
            .collect()
    };
    let physical: usize = (0..spec.lines.len())
        .map(|i| {
            (0..spec.columns.len())
                .filter(|&c| spec.columns[c].multiline)
                .map(|c| chunks(i, c).len())
                .max()
                .unwrap_or(0)
                .max(1)
        })
        .sum();
    let skip = usize::from(!spec.noheadings);
    // More when a cell is wider than its column (libsmartcols then starts
    // the next column on a new line; off a terminal only a multi-line cell,
    // whose width is its longest value by bytes, can be).
    assert!(rows.len() >= skip + physical, "{what}: physical lines");
    // Only the OSC 8 hyperlink framing may carry control bytes: none from a
    // cell, in the text or in the link.
    let control = |b: &u8| (*b < 0x20 && *b != b'\n') || *b == 0x7f;
    let mut text = body.to_vec();
    while let Some(p) = text.windows(5).position(|w| w == b"\x1b]8;;") {
        let len = text[p + 5..]
            .windows(2)
            .position(|w| w == b"\x1b\\")
            .expect("hyperlink framing is closed");
        let uri = &text[p + 5..p + 5 + len];
        assert!(
            !uri.iter().any(control),
            "{what}: control byte in a hyperlink {:?}",
            String::from_utf8_lossy(uri)
        );
        text.drain(p..p + 5 + len + 2);
    }
    assert!(
        !text.iter().any(control),
        "{what}: control byte in human output {:?}",
        String::from_utf8_lossy(out)
    );
    let col = &spec.columns[0];
    if spec.columns.len() != 1 || spec.is_tree() || col.uri || col.right {
        return;
    }
    let mut want: Vec<Vec<u8>> = Vec::new();
    if !spec.noheadings {
        want.push(spec.header(0));
    }
    for i in 0..spec.lines.len() {
        if col.multiline {
            let ch = chunks(i, 0);
            want.push(ch.first().map(|c| c.to_vec()).unwrap_or_default());
            want.extend(ch.iter().skip(1).map(|c| c.to_vec()));
        } else {
            want.push(spec.lines[i].1[0].clone());
        }
    }
    for (row, w) in rows.iter().zip(&want) {
        let got = unescape_hex(row, true).expect("human escapes");
        // A value that takes no columns (zero-width characters only) is
        // not printed; any ASCII byte takes at least one (escaped or not).
        if got.is_empty() && w.iter().all(|&b| b >= 0x80) {
            continue;
        }
        assert_eq!(&got, w, "{what}: {:?}", String::from_utf8_lossy(row));
    }
}

/// The C library's character classes for this thread only (`uselocale`),
/// so that checks running in parallel test threads do not race.
pub fn with_ctype<T>(name: &std::ffi::CStr, f: impl FnOnce() -> T) -> Option<T> {
    // SAFETY: newlocale gets a valid NUL-terminated name and a null base;
    // it returns a new locale object or null.
    let loc = unsafe { libc::newlocale(libc::LC_CTYPE_MASK, name.as_ptr(), std::ptr::null_mut()) };
    if loc.is_null() {
        return None;
    }
    // SAFETY: `loc` is a valid locale object; uselocale returns the
    // thread's previous one, restored below before `loc` is freed.
    let old = unsafe { libc::uselocale(loc) };
    let r = f();
    // SAFETY: `old` came from uselocale; `loc` is no longer in use after
    // the switch back and is freed once.
    unsafe {
        libc::uselocale(old);
        libc::freelocale(loc);
    }
    Some(r)
}

/// Every output format of `spec`, in the C and C.UTF-8 character classes
/// and with both glyph sets.
pub fn check_table(spec: &TableSpec) {
    for locale in [c"C", c"C.UTF-8"] {
        let ran = with_ctype(locale, || {
            for glyphs in [Glyphs::Ascii, Glyphs::Utf8] {
                for format in [Format::Human, Format::Raw, Format::Pairs, Format::Json] {
                    let mut t = spec.build();
                    t.format = format;
                    let out = t.render(glyphs);
                    let what = format!("{format:?} {glyphs:?} {locale:?}");
                    match format {
                        Format::Human => check_human(spec, &out, &what),
                        Format::Raw => check_raw(spec, &out, &what),
                        Format::Pairs => check_pairs(spec, &out, &what),
                        Format::Json => check_json(spec, &out, &what),
                    }
                }
            }
        });
        assert!(ran.is_some() || locale != c"C", "the C locale exists");
    }
}

/// Target `table`: a table decoded from the bytes, checked in every
/// output mode.
pub fn table(data: &[u8]) {
    check_table(&TableSpec::decode(data));
}

// ---------------------------------------------------------------------------
// Option parsers (arbitrary argv; nothing runs)

/// unshare's parser with a fake system: the first byte picks the caller's
/// euid; `auto`, `subids` and `all` read fixed texts.
pub fn cli_unshare(data: &[u8]) {
    use unshare_rs::cli::{parse, Action, Context};
    let (first, rest) = data.split_first().map_or((0, &[][..]), |(f, r)| (*f, r));
    let euid = [0, 1000, 65534, u32::MAX - 1][usize::from(first & 3)];
    let ctx = Context {
        euid,
        egid: euid,
        user_by_name: |n| (n == "nobody").then_some(65534),
        group_by_name: |n| (n == "users").then_some(100),
        user_name: |uid| (uid == 1000 || uid == 0).then(|| "alice".to_owned()),
        read: |path| match path {
            "/etc/subuid" => Ok("bob:1:2\nalice:100000:65536\n".into()),
            "/etc/subgid" => Ok("1000:200000:1000\n0:300000:5\n".into()),
            "/proc/self/uid_map" => Ok("0 1000 1\n1 100000 65536\n".into()),
            "/proc/self/gid_map" => Ok("         0          0 4294967295\n".into()),
            _ => Err(std::io::Error::from_raw_os_error(libc::ENOENT)),
        },
    };
    let args = argv(rest);
    let r = parse(args.clone(), &ctx);
    assert_eq!(format!("{r:?}"), format!("{:?}", parse(args, &ctx)));
    if let Ok(Action::Run(o)) = r {
        check_merge(&o.user_blocks, ctx.euid, o.map_user);
        check_merge(&o.group_blocks, ctx.egid, o.map_group);
    }
}

/// nsenter's parser (and its `-t` target syntax on every word).
pub fn cli_nsenter(data: &[u8]) {
    let args = argv(data);
    for a in &args {
        if let Some(s) = a.to_str() {
            let _ = nsenter_rs::cli::parse_target(s);
        }
    }
    let r = nsenter_rs::cli::parse(args.clone());
    assert_eq!(r, nsenter_rs::cli::parse(args));
}

/// pivot_root's parser.
pub fn cli_pivot_root(data: &[u8]) {
    let args = argv(data);
    let r = pivot_rs::cli::parse(args.clone());
    assert_eq!(
        format!("{r:?}"),
        format!("{:?}", pivot_rs::cli::parse(args))
    );
}

/// lsns's parser (`-Q` compiles its patterns: see [`regcomp_heavy`]).
pub fn cli_lsns(data: &[u8]) {
    if regcomp_heavy(data) {
        return;
    }
    let args = argv(data);
    let r = lsns_rs::cli::parse(args.clone());
    assert_eq!(format!("{r:?}"), format!("{:?}", lsns_rs::cli::parse(args)));
}

/// findmnt's parser (`-Q` compiles its patterns: see [`regcomp_heavy`]).
pub fn cli_findmnt(data: &[u8]) {
    if regcomp_heavy(data) {
        return;
    }
    let args = argv(data);
    let r = mountinfo_rs::findmnt::parse_args(args.clone());
    assert_eq!(
        format!("{r:?}"),
        format!("{:?}", mountinfo_rs::findmnt::parse_args(args))
    );
}

/// mount's parser, then its `-o` lists and ID-map options as `mount` reads
/// them before doing anything.
pub fn cli_mount(data: &[u8]) {
    use mountinfo_rs::mount::cli::{parse, Action};
    use mountinfo_rs::mount::options::MountOptions;
    let args = argv(data);
    let r = parse(args.clone());
    assert_eq!(format!("{r:?}"), format!("{:?}", parse(args)));
    if let Ok(Action::Mount(req) | Action::All(req)) = r {
        if let Ok(opts) = MountOptions::parse(req.options.iter().map(String::as_str)) {
            let _ = opts.data_string();
            let _ = opts.propagation_only();
            let _ = opts.mount_attr();
            if let Some(spec) = mountinfo_rs::mount::idmap::spec(&req, &opts) {
                let _ = mountinfo_rs::mount::idmap::maps(&spec);
            }
        }
    }
}

/// umount's parser.
pub fn cli_umount(data: &[u8]) {
    let args = argv(data);
    let r = mountinfo_rs::umount::cli::parse(args.clone());
    assert_eq!(
        format!("{r:?}"),
        format!("{:?}", mountinfo_rs::umount::cli::parse(args))
    );
}

/// A fuzz target's check.
pub type Check = fn(&[u8]);

/// Every target by name (the corpus directories), for the test suite.
pub const TARGETS: &[(&str, Check)] = &[
    ("mountinfo", mountinfo),
    ("fstab", fstab),
    ("filter", filter),
    ("idmap", idmap),
    ("table", table),
    ("cli_unshare", cli_unshare),
    ("cli_nsenter", cli_nsenter),
    ("cli_pivot_root", cli_pivot_root),
    ("cli_lsns", cli_lsns),
    ("cli_findmnt", cli_findmnt),
    ("cli_mount", cli_mount),
    ("cli_umount", cli_umount),
];
